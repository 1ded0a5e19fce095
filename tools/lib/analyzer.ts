// A client for the Pulumi analyzer gRPC protocol, used to drive a real `@pulumi/policy`
// policy pack offline, the way the Pulumi engine does during `pulumi preview --policy-pack`.
//
// The engine (NewPolicyAnalyzer) starts a Node.js policy pack by running the
// `@pulumi/pulumi/cmd/run-policy-pack` module with node, with the working directory set to the
// policy pack directory and the arguments `<engine-address> .`. That module registers ts-node
// with type checking on and requires the pack; `new PolicyPack(...)` starts a gRPC server and
// prints its port on stdout. The engine then calls GetAnalyzerInfo, Configure (with the policy
// config reconciled against the schema defaults), Analyze per resource and AnalyzeStack at the end.
//
// This client does the same. By default it starts the pack transpile-only (same cwd, same entry
// point, same server), through this repository's TypeScript loader (register.js: esbuild, files
// cached), because type checking the pack at every start is slow and is already done by
// `tsc --noEmit`; the pack's process also preloads pack-hook.ts, which lets the client name the
// policy a timeout or a crash caught. Pass `{ launcher: "engine" }` to start it exactly as the
// engine does.

import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { POLICY_MARKER, type Evaluating } from "./pack-report";
import { closest } from "./suggest";
import { UnaryChannel } from "./unary";
import { SIG_KEY, SIG_SECRET, UNKNOWN_SENTINEL } from "../../policypack/lib/wire";

// The generated protobuf modules ship without precise typings; they are used through `any`.
// They are resolved from the policy pack's point of view so that the message classes are the very
// ones the pack's server uses.
type Any = any;

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/**
 * UNKNOWN marks a property value that is not known at preview (an output of a resource that does
 * not exist yet). It is sent as the engine's unknown sentinel.
 */
export const UNKNOWN: unique symbol = Symbol.for("landing-zone.analyzer.unknown");
/** The string the engine puts in a protobuf Struct in place of an unknown value. */
export { UNKNOWN_SENTINEL };

const SECRET_BRAND: unique symbol = Symbol.for("landing-zone.analyzer.secret");
export interface SecretValue {
    readonly [SECRET_BRAND]: true;
    readonly value: unknown;
}
/** Wraps a value so that it is sent as a secret, like the engine sends secret outputs. */
export function secret(value: unknown): SecretValue {
    return { [SECRET_BRAND]: true, value };
}

export interface AnalyzerResource {
    urn: string;
    type: string;
    name: string;
    /** Plain JSON; use UNKNOWN (or UNKNOWN_SENTINEL) for unknown values and secret() for secrets. */
    properties: Record<string, unknown>;
    options?: {
        protect?: boolean;
        retainOnDelete?: boolean;
        ignoreChanges?: string[];
        aliases?: string[];
        customTimeouts?: unknown;
        deleteBeforeReplace?: boolean;
        additionalSecretOutputs?: string[];
    };
    provider?: { name: string; type: string; urn: string; properties: Record<string, unknown> };
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

export interface Violation {
    policyPackName: string;
    policyPackVersion?: string;
    policyName: string;
    description: string;
    message: string;
    enforcementLevel: EnforcementLevel;
    /** The resource the violation is about; for Analyze it is the analyzed resource. */
    urn: string | null;
}

export interface PolicyInfo {
    name: string;
    displayName?: string;
    description: string;
    message?: string;
    remediationSteps?: string;
    enforcementLevel: EnforcementLevel;
    configSchema?: { properties: Record<string, Record<string, unknown>>; required: string[] };
}

export interface AnalyzerInfo {
    name: string;
    version?: string;
    displayName?: string;
    description?: string;
    supportsConfig: boolean;
    policies: PolicyInfo[];
    initialConfig: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>;
}

export interface StartOptions {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    /**
     * "fast" (default): ts-node transpile-only, entry point = the pack's package.json main.
     * "engine": `node @pulumi/pulumi/cmd/run-policy-pack <address> .` exactly as the engine does
     * (ts-node with type checking, so several seconds slower).
     */
    launcher?: "fast" | "engine";
    /** Stack information the engine passes in the environment (PULUMI_STACK, ...). */
    stack?: string;
    project?: string;
    organization?: string;
    dryRun?: boolean;
    /** Stops a start under way (the pack's process is killed; start() rejects). */
    signal?: AbortSignal;
    /**
     * Time limit of each Analyze and AnalyzeStack call (default: none). On expiry the call fails
     * naming the policy that was evaluating the resource, and the pack is stopped.
     */
    callTimeoutMs?: number;
}

/** A policy config the pack cannot take (an unknown policy, a value its schema refuses). */
export class PolicyConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PolicyConfigError";
    }
}

/** An Analyze or AnalyzeStack call that did not finish in time. */
export class PolicyTimeoutError extends Error {
    constructor(
        message: string,
        readonly policy?: string,
        readonly urn?: string,
    ) {
        super(message);
        this.name = "PolicyTimeoutError";
    }
}

/** The pack's process ended while the plan still needed it. */
export class PolicyPackExitError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PolicyPackExitError";
    }
}

/** "urn:...::aws:iam/role:Role::ops" -> "aws:iam/role:Role 'ops'"; "(stack)" stays. */
export function describeUrn(urn: string): string {
    const parts = urn.split("::");
    if (parts.length < 4) return urn;
    const type = (parts[2] ?? "").split("$").pop() ?? "";
    return `${type} '${parts.slice(3).join("::")}'`;
}

/** The last `n` lines of a process's stderr worth reading: no stack frames, no Node.js banner. */
export function stderrTail(text: string, n = 12): string {
    const lines = text
        .split("\n")
        .map((l) => l.replace(/\s+$/, ""))
        .filter((l) => l !== "" && !/^\s+at /.test(l) && !/^Node\.js v\d/.test(l));
    return lines.slice(-n).join("\n");
}

/**
 * Why a process failed, from its stderr: from the error Node.js printed (its name and message,
 * with what follows, such as TypeScript's diagnostics), without the source excerpt Node prints
 * before it or the stack frames; else the last lines.
 */
export function thrownError(text: string, n = 15): string {
    const lines = stderrTail(text, 400).split("\n");
    const at = lines.map((l) => /^(?:[A-Z]\w*)?(?:Error|Exception)\b.*:/.test(l)).lastIndexOf(true);
    return at >= 0 ? lines.slice(at, at + n).join("\n") : lines.slice(-n).join("\n");
}

/** What the pack's process said about itself: its stderr and the pack hook's reports. */
class PackProcess {
    readonly lines: string[] = [];
    readonly evaluating: Evaluating[] = [];
    exit?: { code: number | null; signal: string | null };
    private partial = "";
    private readonly listeners = new Set<() => void>();

    constructor(readonly child: ChildProcess) {
        child.stderr!.setEncoding("utf8");
        child.stderr!.on("data", (d: string) => this.take(d));
        child.once("exit", (code, signal) => {
            this.take("\n");
            this.exit = { code, signal };
            this.changed();
        });
    }

    private take(chunk: string): void {
        const text = this.partial + chunk;
        const parts = text.split("\n");
        this.partial = parts.pop() ?? "";
        for (const line of parts) {
            const i = line.indexOf(POLICY_MARKER);
            if (i >= 0) {
                try {
                    this.evaluating.push(JSON.parse(line.slice(i + POLICY_MARKER.length)) as Evaluating);
                    this.changed();
                    continue;
                } catch {
                    // not a report after all
                }
            }
            this.lines.push(line);
            if (this.lines.length > 400) this.lines.shift();
        }
    }

    private changed(): void {
        for (const l of [...this.listeners]) l();
    }

    get stderr(): string {
        return [...this.lines, this.partial].join("\n");
    }

    /** Resolves when `test` holds, or after `ms` (whichever comes first). */
    until(test: () => boolean, ms: number): Promise<void> {
        if (test()) return Promise.resolve();
        return new Promise((resolve) => {
            const done = () => {
                clearTimeout(timer);
                this.listeners.delete(check);
                resolve();
            };
            const check = () => {
                if (test()) done();
            };
            const timer = setTimeout(done, ms);
            this.listeners.add(check);
        });
    }

    /** "exit code 3" or "signal SIGKILL". */
    describeExit(): string {
        if (!this.exit) return "still running";
        return this.exit.signal ? `signal ${this.exit.signal}` : `exit code ${this.exit.code}`;
    }
}

const REGISTER = path.join(__dirname, "register.js");
const SDK_STARTUP = path.join(__dirname, "sdk-startup.js");
const PACK_HOOK = path.join(__dirname, "pack-hook.ts");

/** The tsconfig.json ts-node would use for a pack: the nearest one from the pack's directory up. */
function nearestTsconfig(dir: string): string | undefined {
    for (let d = dir; ; d = path.dirname(d)) {
        const f = path.join(d, "tsconfig.json");
        if (fs.existsSync(f)) return f;
        if (path.dirname(d) === d) return undefined;
    }
}

const LEVEL_TO_PROTO: Record<EnforcementLevel, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };
const PROTO_TO_LEVEL: Record<number, EnforcementLevel> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const LEVELS = new Set<string>(Object.keys(LEVEL_TO_PROTO));

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Converts a JS value into what the engine puts in a Struct (unknowns and secrets encoded). */
export function encodeValue(v: unknown): unknown {
    if (v === UNKNOWN) return UNKNOWN_SENTINEL;
    if (v === undefined) return undefined;
    if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
    if (Array.isArray(v))
        return v.map((e) => {
            const x = encodeValue(e);
            return x === undefined ? null : x;
        });
    if (typeof v === "object" && (v as Record<symbol, unknown>)[SECRET_BRAND] === true) {
        const inner = encodeValue((v as SecretValue).value);
        return { [SIG_KEY]: SIG_SECRET, value: inner === undefined ? null : inner };
    }
    if (isRecord(v)) {
        const out: Record<string, unknown> = {};
        for (const [k, e] of Object.entries(v)) {
            const x = encodeValue(e);
            // The engine drops properties without a value (MarshalProperties skips nulls of inputs
            // only when they are absent); undefined is never sent.
            if (x !== undefined) out[k] = x;
        }
        return out;
    }
    throw new Error(`cannot encode a value of type ${typeof v} for the analyzer`);
}

/**
 * Parses a --policy-pack-config file content the way the CLI does: each key maps to an
 * enforcement level string or to an object with an optional enforcementLevel and properties.
 */
export function parsePolicyPackConfig(config: Record<string, unknown>): Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }> {
    const out: Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }> = {};
    for (const [k, v] of Object.entries(config)) {
        if (typeof v === "string") {
            if (!LEVELS.has(v)) throw new Error(`parsing enforcement level for "${k}": "${v}" is not a valid enforcement level`);
            out[k] = { enforcementLevel: v as EnforcementLevel, properties: {} };
        } else if (isRecord(v)) {
            const props = { ...v };
            let level: EnforcementLevel | undefined;
            if ("enforcementLevel" in props) {
                const el = props.enforcementLevel;
                if (typeof el !== "string" || !LEVELS.has(el)) throw new Error(`parsing enforcement level for "${k}": ${JSON.stringify(el)} is not a valid enforcement level`);
                level = el as EnforcementLevel;
                delete props.enforcementLevel;
            }
            out[k] = { enforcementLevel: level, properties: props };
        } else {
            throw new Error(`parsing "${k}": ${JSON.stringify(v)} is not a valid value; must be a string or object`);
        }
    }
    return out;
}

function checkAgainstSchema(value: unknown, schema: Record<string, unknown>, where: string, errors: string[]): void {
    const t = schema.type;
    const typeOk = (ty: unknown): boolean => {
        switch (ty) {
            case "string":
                return typeof value === "string";
            case "number":
                return typeof value === "number";
            case "integer":
                return typeof value === "number" && Number.isInteger(value);
            case "boolean":
                return typeof value === "boolean";
            case "array":
                return Array.isArray(value);
            case "object":
                return isRecord(value);
            case "null":
                return value === null;
            default:
                return true;
        }
    };
    if (t !== undefined && !(Array.isArray(t) ? t.some(typeOk) : typeOk(t))) {
        errors.push(`${where}: invalid type, expected ${JSON.stringify(t)}, got ${JSON.stringify(value)}`);
        return;
    }
    if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
        errors.push(`${where}: must be one of ${JSON.stringify(schema.enum)}`);
    }
    if (typeof value === "number") {
        if (typeof schema.minimum === "number" && value < schema.minimum) errors.push(`${where}: must be >= ${schema.minimum}`);
        if (typeof schema.maximum === "number" && value > schema.maximum) errors.push(`${where}: must be <= ${schema.maximum}`);
    }
    if (Array.isArray(value) && isRecord(schema.items)) {
        value.forEach((e, i) => checkAgainstSchema(e, schema.items as Record<string, unknown>, `${where}[${i}]`, errors));
    }
}

/**
 * Reconciles a policy config with the pack's metadata like the engine (ReconcilePolicyPackConfig):
 * schema defaults first, then the pack's initial config, then the given config; "all" sets the
 * enforcement level of every policy. The result is validated against each policy's schema.
 */
export function reconcilePolicyConfig(info: AnalyzerInfo, given: Record<string, unknown>): Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }> {
    const result: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }> = {};
    for (const p of info.policies) {
        const props: Record<string, unknown> = {};
        for (const [k, s] of Object.entries(p.configSchema?.properties ?? {})) {
            if ("default" in s) props[k] = s.default;
        }
        result[p.name] = { enforcementLevel: p.enforcementLevel, properties: props };
    }
    const apply = (cfg: Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }>) => {
        const all = cfg.all;
        if (all?.enforcementLevel) {
            for (const k of Object.keys(result)) result[k] = { ...result[k], enforcementLevel: all.enforcementLevel };
        }
        for (const [name, c] of Object.entries(cfg)) {
            const prev = result[name] ?? { enforcementLevel: c.enforcementLevel ?? "advisory", properties: {} };
            result[name] = {
                enforcementLevel: c.enforcementLevel ?? prev.enforcementLevel,
                properties: { ...prev.properties, ...c.properties },
            };
        }
    };
    apply(info.initialConfig);
    let parsed: ReturnType<typeof parsePolicyPackConfig>;
    try {
        parsed = parsePolicyPackConfig(given);
    } catch (e) {
        throw new PolicyConfigError((e as Error).message);
    }
    // A misspelled policy name would configure nothing: the engine would ignore it silently.
    const known = info.policies.map((p) => p.name);
    const unknown = Object.keys(parsed).filter((k) => k !== "all" && !known.includes(k));
    if (unknown.length > 0) {
        const lines = unknown.map((k) => {
            const near = closest(k, known);
            return `unknown policy '${k}'${near ? ` (did you mean '${near}'?)` : ""}`;
        });
        throw new PolicyConfigError(`${lines.join("; ")}; the policies of ${info.name || "the pack"} are: ${[...known].sort().join(", ")} (or 'all')`);
    }
    apply(parsed);
    const errors: string[] = [];
    for (const p of info.policies) {
        const schema = p.configSchema;
        if (!schema) continue;
        const props = result[p.name]?.properties ?? {};
        for (const req of schema.required ?? []) {
            if (!(req in props)) errors.push(`${p.name}: ${req} is required`);
        }
        for (const [k, v] of Object.entries(props)) {
            const s = schema.properties[k];
            if (s) checkAgainstSchema(v, s, `${p.name}.${k}`, errors);
        }
    }
    if (errors.length > 0) throw new PolicyConfigError(`policy pack configuration is invalid:\n  ${errors.join("\n  ")}`);
    return result;
}

/** Seconds from a number or a Go-style duration string ("1h30m", "10m", "45s"), as customTimeouts are written. */
export function durationSeconds(v: unknown): number {
    if (typeof v === "number") return v;
    if (typeof v !== "string" || v.trim() === "") return 0;
    const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
    let total = 0;
    const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
    let m: RegExpExecArray | null;
    let matched = false;
    while ((m = re.exec(v)) !== null) {
        total += Number(m[1]) * units[m[2]];
        matched = true;
    }
    return matched ? total : Number(v) || 0;
}

/** A resource serialized for the analyzer protocol (see PolicyPackClient.encode). */
export interface EncodedResource {
    readonly urn: string;
    /** A serialized AnalyzeRequest. */
    readonly analyzeRequest: Buffer;
    /** The resource as one `resources` entry of a serialized AnalyzeStackRequest. */
    readonly stackEntry: Buffer;
}

function isEncoded(r: AnalyzerResource | EncodedResource): r is EncodedResource {
    return (r as EncodedResource).analyzeRequest instanceof Uint8Array;
}

/**
 * One `resources` entry of an AnalyzeStackRequest: field 1, length-delimited (tag byte 0x0a),
 * the length as a varint, then the message, given in parts.
 */
function stackEntry(...parts: Uint8Array[]): Buffer {
    const len: number[] = [];
    let n = parts.reduce((sum, p) => sum + p.length, 0);
    while (n > 0x7f) {
        len.push((n & 0x7f) | 0x80);
        n >>>= 7;
    }
    len.push(n);
    return Buffer.concat([Buffer.from([0x0a, ...len]), ...parts]);
}

/** The analyzer protocol's calls the client makes, with their response message types. */
const RESPONSES = {
    Analyze: "AnalyzeResponse",
    AnalyzeStack: "AnalyzeResponse",
    GetAnalyzerInfo: "AnalyzerInfo",
    Configure: "Empty",
    ConfigureStack: "AnalyzerStackConfigureResponse",
} as const;
type Method = keyof typeof RESPONSES;

/**
 * Converts between the values this tool speaks in (AnalyzerResource, Violation, AnalyzerInfo) and
 * the analyzer protocol's messages, given the generated protobuf modules to use.
 */
export class AnalyzerCodec {
    constructor(
        readonly pb: Any,
        readonly structpb: Any,
    ) {}

    /** A GetAnalyzerInfo response as AnalyzerInfo. */
    analyzerInfo(resp: Any): AnalyzerInfo {
        const policies: PolicyInfo[] = resp.getPoliciesList().map((p: Any) => {
            const schema = p.getConfigschema();
            const info: PolicyInfo = {
                name: p.getName(),
                displayName: p.getDisplayname() || undefined,
                description: p.getDescription(),
                message: p.getMessage() || undefined,
                remediationSteps: p.getRemediationSteps() || undefined,
                enforcementLevel: PROTO_TO_LEVEL[p.getEnforcementlevel()],
            };
            if (schema) {
                info.configSchema = {
                    properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, Record<string, unknown>>,
                    required: schema.getRequiredList(),
                };
            }
            return info;
        });
        const initialConfig: AnalyzerInfo["initialConfig"] = {};
        resp.getInitialconfigMap().forEach((v: Any, k: string) => {
            initialConfig[k] = {
                enforcementLevel: PROTO_TO_LEVEL[v.getEnforcementlevel()],
                properties: (v.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
            };
        });
        return {
            name: resp.getName(),
            version: resp.getVersion() || undefined,
            displayName: resp.getDisplayname() || undefined,
            description: resp.getDescription() || undefined,
            supportsConfig: resp.getSupportsconfig(),
            policies,
            initialConfig,
        };
    }

    struct(props: Record<string, unknown>): Any {
        return this.structpb.Struct.fromJavaScript(encodeValue(props) as Record<string, unknown>);
    }

    options(o: AnalyzerResource["options"], parent?: string): Any {
        const opts = new this.pb.AnalyzerResourceOptions();
        opts.setProtect(o?.protect ?? false);
        opts.setIgnorechangesList(o?.ignoreChanges ?? []);
        opts.setAliasesList(o?.aliases ?? []);
        opts.setAdditionalsecretoutputsList(o?.additionalSecretOutputs ?? []);
        if (o?.deleteBeforeReplace !== undefined) {
            opts.setDeletebeforereplacedefined(true);
            opts.setDeletebeforereplace(o.deleteBeforeReplace);
        }
        const ct = new this.pb.AnalyzerResourceOptions.CustomTimeouts();
        const t = isRecord(o?.customTimeouts) ? (o!.customTimeouts as Record<string, unknown>) : {};
        ct.setCreate(durationSeconds(t.create ?? t.createSeconds));
        ct.setUpdate(durationSeconds(t.update ?? t.updateSeconds));
        ct.setDelete(durationSeconds(t.delete ?? t.deleteSeconds));
        opts.setCustomtimeouts(ct);
        if (parent) opts.setParent(parent);
        return opts;
    }

    provider(p: AnalyzerResource["provider"]): Any {
        if (!p) return undefined;
        const pr = new this.pb.AnalyzerProviderResource();
        pr.setUrn(p.urn);
        pr.setType(p.type);
        pr.setName(p.name);
        pr.setProperties(this.struct(p.properties));
        return pr;
    }

    violations(resp: Any, defaultUrn: string | null): Violation[] {
        return resp.getDiagnosticsList().map(
            (d: Any): Violation => ({
                policyPackName: d.getPolicypackname(),
                policyPackVersion: d.getPolicypackversion() || undefined,
                policyName: d.getPolicyname(),
                description: d.getDescription(),
                message: d.getMessage(),
                enforcementLevel: PROTO_TO_LEVEL[d.getEnforcementlevel()],
                urn: d.getUrn() || defaultUrn,
            }),
        );
    }

    /**
     * Encodes a resource once for both calls that carry it: its AnalyzeRequest, and its entry in
     * an AnalyzeStackRequest. A plan encodes each resource as the program registers it, so that
     * little is left to do when the program finishes and AnalyzeStack is due.
     */
    encode(resource: AnalyzerResource): EncodedResource {
        const req = new this.pb.AnalyzeRequest();
        req.setUrn(resource.urn);
        req.setType(resource.type);
        req.setName(resource.name);
        req.setProperties(this.struct(resource.properties));
        req.setOptions(this.options(resource.options, resource.parent));
        const provider = this.provider(resource.provider);
        if (provider) req.setProvider(provider);
        const analyzeRequest = Buffer.from(req.serializeBinary());
        // AnalyzerResource numbers its first six fields (type, properties, urn, name, options,
        // provider) as AnalyzeRequest does and adds parent, dependencies and property
        // dependencies. Concatenated protobuf encodings merge, so the AnalyzeRequest's bytes
        // followed by those three fields encode the AnalyzerResource, and the properties, the
        // bulk of a resource, are serialized once.
        const rest = new this.pb.AnalyzerResource();
        if (resource.parent) rest.setParent(resource.parent);
        rest.setDependenciesList(resource.dependencies ?? []);
        const pd = rest.getPropertydependenciesMap();
        for (const [k, urns] of Object.entries(resource.propertyDependencies ?? {})) {
            if (urns.length === 0) continue; // the engine skips empty dependency lists
            const d = new this.pb.AnalyzerPropertyDependencies();
            d.setUrnsList(urns);
            pd.set(k, d);
        }
        return { urn: resource.urn, analyzeRequest, stackEntry: stackEntry(analyzeRequest, rest.serializeBinary()) };
    }
}

export class PolicyPackClient {
    private info_?: AnalyzerInfo;
    private closed = false;
    /** Analyze and AnalyzeStack, the calls made per resource and with the whole stack. */
    private readonly unary: UnaryChannel;
    private readonly codec: AnalyzerCodec;

    /** Time limit of each Analyze and AnalyzeStack call. */
    callTimeoutMs?: number;
    /** Resources whose Analyze (or AnalyzeStack, "(stack)") is waiting for an answer. */
    private readonly inFlight = new Set<string>();

    private constructor(
        private readonly child: ChildProcess,
        private readonly pb: Any,
        private readonly structpb: Any,
        private readonly emptypb: Any,
        private readonly proc: PackProcess,
        readonly port: number,
    ) {
        this.unary = new UnaryChannel(`127.0.0.1:${port}`);
        this.codec = new AnalyzerCodec(pb, structpb);
    }

    /** Starts the policy pack in `policyPackDir` and connects to it. */
    static async start(policyPackDir: string, opts: StartOptions = {}): Promise<PolicyPackClient> {
        const dir = path.resolve(policyPackDir);
        // Resolved from the pack first (as the engine does), then from this tool's own dependencies.
        const fromPack = (m: string) => require.resolve(m, { paths: [dir, __dirname] });

        const launcher = opts.launcher ?? "fast";
        let args: string[];
        if (launcher === "engine") {
            args = [fromPack("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:0", "."];
        } else {
            // Require the pack directory (package.json "main"), as run-policy-pack does.
            args = ["-r", REGISTER, "-r", SDK_STARTUP, "-r", PACK_HOOK, "-e", "require(require('path').resolve(process.argv[1]))", dir];
        }
        const env: NodeJS.ProcessEnv = { ...process.env, ...(opts.env ?? {}) };
        const setEnv = (k: string, v: string | undefined) => {
            if (v !== undefined && v !== "") {
                env[k] = v;
                env[k.replace("PULUMI_", "PULUMI_NODEJS_")] = v;
            }
        };
        setEnv("PULUMI_STACK", opts.stack);
        setEnv("PULUMI_PROJECT", opts.project);
        setEnv("PULUMI_ORGANIZATION", opts.organization);
        setEnv("PULUMI_DRY_RUN", opts.dryRun === undefined ? undefined : String(opts.dryRun));
        // ts-node settings of the parent (a test runner, the plan tool) must not leak into the pack.
        for (const k of Object.keys(env)) if (k.startsWith("TS_NODE_")) delete env[k];
        // The pack's compiler options: its own tsconfig.json, as ts-node finds it from the cwd.
        env.PLAN_TSCONFIG = nearestTsconfig(opts.cwd ?? dir) ?? "";
        if (opts.callTimeoutMs) env.PLAN_POLICY_TIMEOUT_MS = String(opts.callTimeoutMs);
        else delete env.PLAN_POLICY_TIMEOUT_MS;
        if (opts.signal?.aborted) throw new Error("the policy pack's start was cancelled");
        // Started before this process loads the protocol's modules, which it does meanwhile.
        const child = spawn(process.execPath, args, { cwd: opts.cwd ?? dir, env, stdio: ["ignore", "pipe", "pipe"] });
        const proc = new PackProcess(child);
        const stderrText = () => stderrTail(proc.stderr, 20);
        const onAbort = () => child.kill("SIGKILL");
        opts.signal?.addEventListener("abort", onAbort, { once: true });

        const pb = require(fromPack("@pulumi/pulumi/proto/analyzer_pb"));
        const pulumiDir = path.dirname(fromPack("@pulumi/pulumi/package.json"));
        const structpb = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] }));
        const emptypb = require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [pulumiDir] }));

        const timeoutMs = opts.timeoutMs ?? 60_000;
        const port = await new Promise<number>((resolve, reject) => {
            let buf = "";
            const timer = setTimeout(() => {
                child.kill("SIGKILL");
                reject(
                    new Error(
                        `policy pack ${dir} did not start within ${+(timeoutMs / 1000).toFixed(1)} s (it printed no port; it was stopped)${stderrText() ? `; its stderr:\n${stderrText()}` : ""}`,
                    ),
                );
            }, timeoutMs);
            const onExit = (code: number | null, signal: string | null) => {
                clearTimeout(timer);
                if (opts.signal?.aborted) return reject(new Error("the policy pack's start was cancelled"));
                const said = thrownError(proc.stderr);
                reject(new Error(`policy pack ${dir} failed to start (${signal ? `signal ${signal}` : `exit code ${code}`})${said ? `:\n${said}` : ""}${buf ? `\n${buf}` : ""}`));
            };
            child.once("exit", onExit);
            child.once("error", (e) => {
                clearTimeout(timer);
                reject(e);
            });
            child.stdout!.setEncoding("utf8");
            const onData = (d: string) => {
                buf += d;
                const nl = buf.indexOf("\n");
                if (nl < 0) return;
                const line = buf.slice(0, nl).trim();
                const n = Number(line);
                child.stdout!.off("data", onData);
                child.off("exit", onExit);
                clearTimeout(timer);
                if (!Number.isInteger(n) || n <= 0) {
                    child.kill();
                    reject(new Error(`policy pack ${dir} printed "${line}" instead of a port\n${stderrText()}`));
                } else {
                    resolve(n);
                }
            };
            child.stdout!.on("data", onData);
        });
        // Keep draining stdout so that a chatty pack never blocks on a full pipe.
        child.stdout!.on("data", () => undefined);

        opts.signal?.removeEventListener("abort", onAbort);
        const c = new PolicyPackClient(child, pb, structpb, emptypb, proc, port);
        c.callTimeoutMs = opts.callTimeoutMs;
        return c;
    }

    /** What the pack wrote on stderr so far (its last lines). */
    get stderr(): string {
        return this.proc.stderr;
    }

    /** A call with a protocol message (serialized here), answered with a message of `response`'s type. */
    private call<T>(method: Method, req: { serializeBinary(): Uint8Array }): Promise<T> {
        return this.callBytes(method, Buffer.from(req.serializeBinary()));
    }

    async info(): Promise<AnalyzerInfo> {
        const resp: Any = await this.call("GetAnalyzerInfo", new this.emptypb.Empty());
        this.info_ = this.codec.analyzerInfo(resp);
        return this.info_;
    }

    /**
     * Sends a policy config, given in the form of a --policy-pack-config file, after reconciling it
     * with the schema defaults as the engine does. Each call replaces the previous configuration.
     */
    async configure(config: Record<string, unknown>): Promise<ReturnType<typeof reconcilePolicyConfig>> {
        const info = this.info_ ?? (await this.info());
        const reconciled = reconcilePolicyConfig(info, config);
        const req = new this.pb.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        for (const [name, c] of Object.entries(reconciled)) {
            const pc = new this.pb.PolicyConfig();
            pc.setEnforcementlevel(LEVEL_TO_PROTO[c.enforcementLevel]);
            pc.setProperties(this.structpb.Struct.fromJavaScript(c.properties));
            map.set(name, pc);
        }
        await this.call("Configure", req);
        return reconciled;
    }

    /**
     * ConfigureStack: what the engine tells the pack about the stack (name, project,
     * organization, preview or update, stack tags and config); policies see the tags as stackTags.
     */
    async configureStack(stack: {
        stack?: string;
        project?: string;
        organization?: string;
        dryRun?: boolean;
        tags?: Record<string, string>;
        config?: Record<string, string>;
        configSecretKeys?: string[];
    }): Promise<void> {
        const req = new this.pb.AnalyzerStackConfigureRequest();
        if (stack.stack) req.setStack(stack.stack);
        if (stack.project) req.setProject(stack.project);
        if (stack.organization) req.setOrganization(stack.organization);
        req.setDryRun(stack.dryRun ?? true);
        for (const [k, v] of Object.entries(stack.tags ?? {})) req.getTagsMap().set(k, v);
        for (const [k, v] of Object.entries(stack.config ?? {})) req.getConfigMap().set(k, v);
        req.setConfigSecretKeysList(stack.configSecretKeys ?? []);
        await this.call("ConfigureStack", req);
    }

    /** Encodes a resource once for both calls that carry it (see AnalyzerCodec.encode). */
    encode(resource: AnalyzerResource): EncodedResource {
        return this.codec.encode(resource);
    }

    /**
     * A unary call with an already serialized request (see unary.ts for why not grpc-js), within
     * callTimeoutMs. `urn` is the resource analyzed ("(stack)" for AnalyzeStack), for messages.
     */
    private async callBytes(method: Method, body: Buffer, urn?: string): Promise<Any> {
        if (this.closed) throw new Error("policy pack client is closed");
        const limit = this.callTimeoutMs;
        let timer: NodeJS.Timeout | undefined;
        const expired = Symbol("expired");
        if (urn !== undefined) this.inFlight.add(urn);
        try {
            const call = this.unary.call(`/pulumirpc.Analyzer/${method}`, body);
            const answer = limit ? await Promise.race([call, new Promise<typeof expired>((resolve) => (timer = setTimeout(() => resolve(expired), limit)))]) : await call;
            if (answer === expired) {
                call.catch(() => undefined);
                throw await this.timedOut(method, urn, limit!);
            }
            const response = RESPONSES[method];
            return (response === "Empty" ? this.emptypb.Empty : this.pb[response]).deserializeBinary(answer);
        } catch (e) {
            if (e instanceof PolicyTimeoutError || e instanceof PolicyPackExitError) throw e;
            throw await this.failed(method, urn, e as Error);
        } finally {
            clearTimeout(timer);
            if (urn !== undefined) this.inFlight.delete(urn);
        }
    }

    /** The pack took too long: name the policy (the pack hook reports it), then stop the pack. */
    private async timedOut(method: Method, urn: string | undefined, limitMs: number): Promise<PolicyTimeoutError> {
        const mine = () => this.proc.evaluating.find((e) => urn === undefined || e.urn === urn);
        if (urn !== undefined) await this.proc.until(() => mine() !== undefined || this.proc.exit !== undefined, 1500);
        const e = mine() ?? this.proc.evaluating[0];
        this.kill();
        const seconds = `${+(limitMs / 1000).toFixed(1)} s`;
        const what = (u: string) => (u === "(stack)" ? "the stack (AnalyzeStack)" : describeUrn(u));
        return e
            ? new PolicyTimeoutError(`policy '${e.policy}' did not finish evaluating ${what(e.urn)} within ${seconds}; the policy pack was stopped (raise the limit with --timeout)`, e.policy, urn)
            : new PolicyTimeoutError(
                  `the policy pack did not answer ${method}${urn ? ` for ${what(urn)}` : ""} within ${seconds}; the policy pack was stopped (raise the limit with --timeout)`,
                  undefined,
                  urn,
              );
    }

    /** A failed call; when the pack's process died, its exit code or signal and its last words. */
    private async failed(method: Method, _urn: string | undefined, e: Error): Promise<Error> {
        // A dropped connection is how a dying pack shows first; its exit follows at once.
        const connection = /UNAVAILABLE|ECONNRESET|ECONNREFUSED|without a gRPC status|GOAWAY|closed/i.test(e.message);
        if (connection) await this.proc.until(() => this.proc.exit !== undefined, 1000);
        if (this.proc.exit) {
            // The pack hook's word on what was being evaluated, else the calls that were waiting.
            const last = this.proc.evaluating[this.proc.evaluating.length - 1];
            const what = (u: string) => (u === "(stack)" ? "the stack (AnalyzeStack)" : describeUrn(u));
            const waiting = [...this.inFlight].slice(0, 3).map(what);
            const during = last
                ? `while policy '${last.policy}' was evaluating ${what(last.urn)}`
                : waiting.length
                  ? `while it was analyzing ${waiting.join(", ")}${this.inFlight.size > waiting.length ? ` and ${this.inFlight.size - waiting.length} more` : ""}`
                  : `while answering ${method}`;
            const tail = stderrTail(this.proc.stderr);
            return new PolicyPackExitError(
                `the policy pack's process ended (${this.proc.describeExit()}) ${during}${tail ? `; the last lines of its stderr:\n${tail}` : "; it wrote nothing on stderr"}`,
            );
        }
        return new Error(`${method} failed: ${e.message}\n${stderrTail(this.proc.stderr)}`);
    }

    /** Analyze: one resource's inputs, as the engine sends them before each step. */
    async analyze(resource: AnalyzerResource | EncodedResource): Promise<Violation[]> {
        const e = isEncoded(resource) ? resource : this.encode(resource);
        return this.codec.violations(await this.callBytes("Analyze", e.analyzeRequest, e.urn), e.urn);
    }

    /** AnalyzeStack: every resource of the stack, as the engine sends them at the end. */
    async analyzeStack(resources: (AnalyzerResource | EncodedResource)[]): Promise<Violation[]> {
        // `repeated AnalyzerResource resources = 1` is the request's only field: its encoding is
        // the concatenation of the resources' entries.
        const body = Buffer.concat(resources.map((r) => (isEncoded(r) ? r : this.encode(r)).stackEntry));
        return this.codec.violations(await this.callBytes("AnalyzeStack", body, "(stack)"), null);
    }

    /**
     * CPU time the pack's process has used so far (user and system, its start included), in
     * milliseconds; undefined where /proc is not there to say (Linux only).
     */
    cpuMs(): number | undefined {
        try {
            const stat = fs.readFileSync(`/proc/${this.child.pid}/stat`, "utf8");
            // Fields after the command name (which may contain spaces), from field 3 on.
            const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
            // Clock ticks are 1/100 s on Linux (USER_HZ).
            return Number.isFinite(ticks) ? ticks * 10 : undefined;
        } catch {
            return undefined;
        }
    }

    /** Stops the pack's process at once (no goodbye), as after a timeout. */
    kill(): void {
        this.closed = true;
        this.unary.close();
        this.child.kill("SIGKILL");
    }

    /** Closes the connection and stops the pack process. */
    async close(): Promise<void> {
        if (this.closed) return;
        this.closed = true;
        this.unary.close();
        if (this.child.exitCode === null && this.child.signalCode === null) {
            await new Promise<void>((resolve) => {
                const t = setTimeout(() => {
                    this.child.kill("SIGKILL");
                }, 3000);
                this.child.once("exit", () => {
                    clearTimeout(t);
                    resolve();
                });
                this.child.kill("SIGTERM");
            });
        }
    }
}
