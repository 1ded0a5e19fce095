// runPlan: the offline equivalent of `pulumi preview --policy-pack`: run the program under the
// SDK's mock monitor (in a child process, see below), then give every resource to the policy
// pack over its analyzer gRPC protocol as the engine does, and sum up.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { ConfigError, loadProject, type ProjectInfo } from "./project";
import { REPO_ROOT } from "./program";
import type { PlanValue, PlannedResource, ProgramLog, ProgramRun } from "./types";
import { isSecretValue, isUnknownValue } from "./types";
import { PolicyPackClient, UNKNOWN, secret, type AnalyzerResource, type EnforcementLevel, type Violation } from "./analyzer-client";

export interface PlanOptions {
    /** Pulumi project directory (holds Pulumi.yaml). */
    dir: string;
    stack: string;
    /**
     * Policy pack directory. Default: the repository's policypack/. `null` evaluates no policy
     * pack (the program alone, as the benchmark's floor does).
     */
    policyPackDir?: string | null;
    /** Policy pack configuration object (the `--policy-pack-config` file format). */
    policyConfig?: Record<string, unknown>;
    /** Policy pack configuration file; default: <policyPackDir>/config/<stack>.json if present. */
    policyConfigFile?: string;
    /** Preview mode (default true): cloud-computed outputs are unknown. */
    preview?: boolean;
    /** Kill the program's process after this long (default 10 minutes). */
    timeoutMs?: number;
    /**
     * Start the policy pack while the program runs (default true). The benchmark turns this off
     * so that each phase is timed alone.
     */
    overlapPolicyStart?: boolean;
    /** Keep full stack traces of program errors (slower; for --verbose). */
    stackTraces?: boolean;
    /** Number of Analyze calls in flight at once (default 8). */
    analyzeConcurrency?: number;
}

export interface PlanViolation {
    policyPack: string;
    policyPackVersion?: string;
    policy: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    /** null for a stack-level violation that names no resource. */
    urn: string | null;
    message: string;
}

export type PlanErrorKind = "config" | "program" | "policy-pack";

export interface PlanError {
    kind: PlanErrorKind;
    /** One or a few lines, for people. */
    message: string;
    /** Stack trace or captured output, shown only with --verbose. */
    detail?: string;
}

export interface PlanSummary {
    resources: number;
    create: number;
    import: number;
    read: number;
    mandatory: number;
    advisory: number;
    remediate: number;
}

export interface PlanResult {
    project: string;
    stack: string;
    dir: string;
    resources: PlannedResource[];
    /** Root stack outputs (secrets stay marked). */
    outputs: Record<string, PlanValue>;
    logs: ProgramLog[];
    violations: PlanViolation[];
    summary: PlanSummary;
    /** 0: no mandatory violation; 1: a mandatory violation; 2: config, program or policy pack error. */
    exitCode: 0 | 1 | 2;
    error?: PlanError;
    policyPack?: { name: string; version?: string; dir: string; configFile?: string };
    /**
     * programMs: running the program (after module loading, programLoadMs); policyStartMs: starting
     * the policy pack (concurrent with the program); policyMs: Configure, Analyze and AnalyzeStack.
     */
    timings: { programMs: number; programLoadMs: number; policyStartMs: number; policyMs: number; totalMs: number };
    /** Peak resident memory of the program's process. */
    peakRssMb: number;
}

/** What the engine does with a resource in this plan: create, import or read. */
export function operationOf(r: PlannedResource): "create" | "import" | "read" {
    if (r.read) return "read";
    if (r.options.importId) return "import";
    return "create";
}

function summarize(resources: PlannedResource[], violations: PlanViolation[]): PlanSummary {
    const ops = resources.map(operationOf);
    return {
        resources: resources.length,
        create: ops.filter((o) => o === "create").length,
        import: ops.filter((o) => o === "import").length,
        read: ops.filter((o) => o === "read").length,
        mandatory: violations.filter((v) => v.enforcementLevel === "mandatory").length,
        advisory: violations.filter((v) => v.enforcementLevel === "advisory").length,
        remediate: violations.filter((v) => v.enforcementLevel === "remediate").length,
    };
}

function stripTsNodeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    const out: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(env)) {
        if (!k.startsWith("TS_NODE_") && !k.startsWith("PULUMI_")) out[k] = v;
    }
    return out;
}

/**
 * Runs the program in a fresh Node.js process. The SDK keeps process-wide state (the mock
 * monitor, the root stack resource, config) and Node caches the program's modules, so a second
 * program in the same process would not run again; a child process per plan is the reliable
 * reset, and it also gives a clean peak-memory figure per plan.
 */
export async function spawnProgram(project: ProjectInfo, opts: { preview: boolean; timeoutMs: number; stackTraces?: boolean }): Promise<{ run?: ProgramRun; output: string; code: number | null }> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    const reqFile = path.join(tmp, "request.json");
    const resultFile = path.join(tmp, "result.json");
    fs.writeFileSync(reqFile, JSON.stringify({ project, preview: opts.preview, resultFile, stackTraces: opts.stackTraces ?? false }));
    // TypeScript like the language host: the project's tsconfig.json when it has one, else
    // the host's defaults (CommonJS).
    const env = stripTsNodeEnv(process.env);
    const tsconfig = path.join(project.dir, "tsconfig.json");
    if (fs.existsSync(tsconfig)) {
        env.TS_NODE_PROJECT = tsconfig;
    } else {
        env.TS_NODE_SKIP_PROJECT = "true";
        env.TS_NODE_COMPILER_OPTIONS = JSON.stringify({ target: "ES2020", module: "commonjs", moduleResolution: "node", sourceMap: true, esModuleInterop: true });
    }
    const tsNode = require.resolve("ts-node/register/transpile-only", { paths: [REPO_ROOT] });
    const worker = path.join(__dirname, "worker.ts");
    try {
        const child = spawn(process.execPath, ["-r", tsNode, worker, reqFile], { cwd: project.dir, env, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => (output += d.toString()));
        const code = await new Promise<number | null>((resolve, reject) => {
            const timer = setTimeout(() => {
                output += `\nthe program did not finish within ${Math.round(opts.timeoutMs / 1000)} s`;
                child.kill("SIGKILL");
            }, opts.timeoutMs);
            child.on("error", reject);
            child.on("exit", (c) => {
                clearTimeout(timer);
                resolve(c);
            });
        });
        const run = fs.existsSync(resultFile) ? (JSON.parse(fs.readFileSync(resultFile, "utf8")) as ProgramRun) : undefined;
        return { run, output, code };
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

/** PlanValue -> analyzer property value: unknowns and secrets encoded as the engine sends them. */
export function toAnalyzerValue(v: PlanValue): unknown {
    if (isUnknownValue(v)) return UNKNOWN;
    if (isSecretValue(v)) return secret(toAnalyzerValue(v.value));
    if (Array.isArray(v)) return v.map((e) => toAnalyzerValue(e));
    if (v !== null && typeof v === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, e] of Object.entries(v)) out[k] = toAnalyzerValue(e as PlanValue);
        return out;
    }
    return v;
}

function parseConfigValue(s: string): unknown {
    if (/^[[{]/.test(s.trim())) {
        try {
            return JSON.parse(s);
        } catch {
            return s;
        }
    }
    return s;
}

/** The resources as the engine hands them to an analyzer. */
export function toAnalyzerResources(run: ProgramRun, project: ProjectInfo): AnalyzerResource[] {
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const providerOf = (r: PlannedResource): AnalyzerResource["provider"] => {
        if (!r.provider) return undefined;
        const explicit = byUrn.get(r.provider);
        const name = r.provider.split("::").pop() ?? "";
        const type = r.provider.split("::")[2] ?? "";
        if (explicit) {
            return { name, type, urn: r.provider, properties: toAnalyzerValue(explicit.inputs) as Record<string, unknown> };
        }
        // Default provider: configured from the stack's "<package>:" keys.
        const pkg = type.replace(/^pulumi:providers:/, "");
        const properties: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(project.config)) {
            if (k.startsWith(`${pkg}:`)) properties[k.slice(pkg.length + 1)] = project.secretKeys.includes(k) ? secret(v) : parseConfigValue(v);
        }
        if (r.options.version) properties.version = r.options.version;
        return { name, type, urn: r.provider, properties };
    };
    return run.resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        properties: toAnalyzerValue(r.inputs) as Record<string, unknown>,
        options: {
            protect: r.options.protect,
            retainOnDelete: r.options.retainOnDelete,
            ignoreChanges: r.options.ignoreChanges,
            aliases: r.options.aliases,
            deleteBeforeReplace: r.options.deleteBeforeReplace,
            additionalSecretOutputs: r.options.additionalSecretOutputs,
            customTimeouts: r.options.customTimeouts,
        },
        provider: providerOf(r),
        parent: r.parent,
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
    }));
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
    const out: R[] = new Array(items.length);
    let next = 0;
    const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
        while (next < items.length) {
            const i = next++;
            out[i] = await fn(items[i]!);
        }
    });
    await Promise.all(workers);
    return out;
}

function toPlanViolation(v: Violation): PlanViolation {
    return {
        policyPack: v.policyPackName,
        ...(v.policyPackVersion ? { policyPackVersion: v.policyPackVersion } : {}),
        policy: v.policyName,
        description: v.description,
        enforcementLevel: v.enforcementLevel,
        urn: v.urn ?? null,
        message: v.message,
    };
}

function firstLines(s: string, n: number): string {
    return s.trim().split("\n").slice(0, n).join("\n");
}

/** The first line of a failure, plus the thrown error's own line when the output has one. */
function errorSummary(s: string): string {
    const lines = s.trim().split("\n");
    const first = lines[0] ?? "";
    const thrown = lines.slice(1).find((l) => /^\s*[A-Z]\w*(Error|Exception)\b.*:/.test(l));
    return thrown ? `${first}\n${thrown.trim()}` : firstLines(s, 3);
}

/** Resolves which policy pack configuration applies (explicit object, file, or the stack default). */
export function resolvePolicyConfig(opts: PlanOptions, policyPackDir: string): { config: Record<string, unknown>; file?: string } {
    if (opts.policyConfig) {
        return { config: opts.policyConfig };
    }
    let file = opts.policyConfigFile ? path.resolve(opts.policyConfigFile) : undefined;
    if (!file) {
        const byStack = path.join(policyPackDir, "config", `${opts.stack}.json`);
        if (fs.existsSync(byStack)) file = byStack;
    }
    if (!file) {
        return { config: {} };
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new ConfigError(`policy pack config ${file}: ${(e as Error).message}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new ConfigError(`policy pack config ${file}: expected a JSON object`);
    }
    return { config: parsed as Record<string, unknown>, file };
}

export async function runPlan(opts: PlanOptions): Promise<PlanResult> {
    const started = performance.now();
    const dir = path.resolve(opts.dir);
    const base = (): PlanResult => ({
        project: "",
        stack: opts.stack,
        dir,
        resources: [],
        outputs: {},
        logs: [],
        violations: [],
        summary: summarize([], []),
        exitCode: 2,
        timings: { programMs: 0, programLoadMs: 0, policyStartMs: 0, policyMs: 0, totalMs: 0 },
        peakRssMb: 0,
    });
    const failed = (result: PlanResult, error: PlanError): PlanResult => {
        result.error = error;
        result.exitCode = 2;
        result.timings.totalMs = performance.now() - started;
        return result;
    };

    let project: ProjectInfo;
    let policyPackDir: string | undefined;
    let policyConfig: { config: Record<string, unknown>; file?: string } = { config: {} };
    try {
        project = loadProject(dir, opts.stack);
        if (opts.policyPackDir !== null) {
            policyPackDir = path.resolve(opts.policyPackDir ?? path.join(REPO_ROOT, "policypack"));
            if (!fs.existsSync(policyPackDir) || !fs.statSync(policyPackDir).isDirectory()) {
                return failed(base(), { kind: "policy-pack", message: `policy pack not found: ${policyPackDir}` });
            }
            policyConfig = resolvePolicyConfig(opts, policyPackDir);
        }
    } catch (e) {
        if (e instanceof ConfigError) {
            return failed(base(), { kind: "config", message: e.message });
        }
        throw e;
    }

    const result = base();
    result.project = project.name;
    const preview = opts.preview ?? true;
    const timeoutMs = opts.timeoutMs ?? 600_000;
    // The policy pack starts (another Node.js process compiling TypeScript) while the program
    // runs: the two do not depend on each other until the resources are known.
    type Started = { client: PolicyPackClient; ms: number } | { error: Error; ms: number };
    const startPack = (t0 = performance.now()): Promise<Started> | undefined => policyPackDir
        ? PolicyPackClient.start(policyPackDir, { timeoutMs: Math.min(timeoutMs, 120_000), stack: project.stack, project: project.name, dryRun: preview }).then(
              (client) => ({ client, ms: performance.now() - t0 }),
              (error: Error) => ({ error, ms: performance.now() - t0 }),
          )
        : undefined;
    let starting = opts.overlapPolicyStart === false ? undefined : startPack();
    const closePack = async () => {
        const s = await starting;
        if (s && "client" in s) await s.client.close().catch(() => undefined);
    };

    const spawned = await spawnProgram(project, { preview, timeoutMs, stackTraces: opts.stackTraces });
    const run = spawned.run;
    if (!run) {
        await closePack();
        return failed(result, {
            kind: "program",
            message: `the program's process ended without a result (exit code ${spawned.code})${spawned.output ? `:\n${errorSummary(spawned.output)}` : ""}`,
            detail: spawned.output,
        });
    }
    result.resources = run.resources;
    result.outputs = run.outputs;
    result.logs = run.logs;
    result.timings.programMs = run.timings.programMs;
    result.timings.programLoadMs = run.timings.loadMs;
    result.peakRssMb = run.peakRssMb;
    result.summary = summarize(run.resources, []);
    if (run.error) {
        await closePack();
        return failed(result, { kind: "program", message: run.error.message, detail: run.error.stack });
    }

    if (policyPackDir) {
        starting ??= startPack();
        const s = (await starting)!;
        result.timings.policyStartMs = s.ms;
        const policyStarted = performance.now();
        if ("error" in s) {
            return failed(result, { kind: "policy-pack", message: `policy pack ${policyPackDir} did not start: ${errorSummary(s.error.message)}`, detail: s.error.stack });
        }
        const client = s.client;
        try {
            // What the engine tells an analyzer about the stack before the policy config.
            await client
                .configureStack({ stack: project.stack, project: project.name, dryRun: preview, config: project.config, configSecretKeys: project.secretKeys })
                .catch((e: Error) => {
                    // Policy SDKs older than ConfigureStack answer UNIMPLEMENTED, as the engine tolerates.
                    if (!/UNIMPLEMENTED/i.test(e.message)) throw e;
                });
            const info = await client.info();
            result.policyPack = { name: info.name || path.basename(policyPackDir), ...(info.version ? { version: info.version } : {}), dir: policyPackDir, ...(policyConfig.file ? { configFile: policyConfig.file } : {}) };
            await client.configure(policyConfig.config);
            const resources = toAnalyzerResources(run, project);
            const perResource = await mapLimit(resources, opts.analyzeConcurrency ?? 8, (r) => client.analyze(r));
            const stackLevel = await client.analyzeStack(resources);
            result.violations = [...perResource.flat(), ...stackLevel].map(toPlanViolation);
        } catch (e) {
            const err = e as Error;
            result.timings.policyMs = performance.now() - policyStarted;
            return failed(result, { kind: "policy-pack", message: `policy pack ${policyPackDir}: ${firstLines(err.message ?? String(e), 3)}`, detail: err.stack });
        } finally {
            await client.close().catch(() => undefined);
        }
        result.timings.policyMs = performance.now() - policyStarted;
    }
    result.summary = summarize(run.resources, result.violations);
    result.exitCode = result.summary.mandatory > 0 ? 1 : 0;
    result.timings.totalMs = performance.now() - started;
    return result;
}
