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
import type { WorkerMessage } from "./worker";
import { isSecretValue, isUnknownValue } from "./types";
import { PolicyPackClient, UNKNOWN, secret, type AnalyzerInfo, type AnalyzerResource, type EnforcementLevel, type Violation } from "./analyzer-client";
import { StreamingEvaluation } from "./evaluation";

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
    /** Keep full stack traces of program errors (slower; for --verbose). */
    stackTraces?: boolean;
    /**
     * Run the phases one after the other (default false): the program first, then start the
     * policy pack and evaluate. By default the pack starts with the program and analyzes each
     * resource as it is registered, as the engine does. The benchmark times each phase alone.
     */
    phasesInTurn?: boolean;
    /** Number of Analyze calls in flight at once (default 8). */
    analyzeConcurrency?: number;
    /**
     * An already started policy pack to use instead of starting one (policyPackDir then only
     * names it in the result). The plan configures it (stack, then policy config) and leaves it
     * running: whoever started it closes it. For running many programs against one pack.
     */
    policyPack?: PolicyPackClient;
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
     * programMs: running the program (after module loading, programLoadMs). The policy pack
     * starts (policyStartMs) and is configured while the program runs and analyzes each resource
     * as it is registered; analyzeMs is the span of those Analyze calls. policyMs: what policy
     * evaluation adds after the program has finished (the last Analyze answers, AnalyzeStack,
     * analyzeStackMs of it, and stopping the pack). With phasesInTurn the pack starts after the
     * program, and policyMs runs from its start: Configure, every Analyze call, AnalyzeStack.
     */
    timings: { programMs: number; programLoadMs: number; policyStartMs: number; policyMs: number; analyzeMs: number; analyzeStackMs: number; totalMs: number };
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
 *
 * The child streams each registration over its IPC channel as the program makes it
 * (`onResource` hears them in order); `programDone` resolves when the program has finished,
 * before the child process has exited.
 */
export async function spawnProgram(
    project: ProjectInfo,
    opts: { preview: boolean; timeoutMs: number; stackTraces?: boolean; onResource?: (r: PlannedResource) => void; programDone?: () => void },
): Promise<{ run?: ProgramRun; output: string; code: number | null }> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    const reqFile = path.join(tmp, "request.json");
    fs.writeFileSync(reqFile, JSON.stringify({ project, preview: opts.preview, stackTraces: opts.stackTraces ?? false }));
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
    const resources: PlannedResource[] = [];
    const byUrn = new Map<string, PlannedResource>();
    let done: Omit<ProgramRun, "resources"> | undefined;
    try {
        const child = spawn(process.execPath, ["-r", tsNode, worker, reqFile], { cwd: project.dir, env, stdio: ["ignore", "pipe", "pipe", "ipc"] });
        let output = "";
        child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
        child.on("message", (m: WorkerMessage) => {
            if (m.kind === "records") {
                for (const e of m.events) {
                    if (e.kind === "resource") {
                        resources.push(e.resource);
                        byUrn.set(e.resource.urn, e.resource);
                        opts.onResource?.(e.resource);
                    } else {
                        const r = byUrn.get(e.urn);
                        if (r) r.outputs = e.outputs;
                    }
                }
            } else if (m.kind === "done") {
                done = m.run;
                opts.programDone?.();
            }
        });
        const code = await new Promise<number | null>((resolve, reject) => {
            const timer = setTimeout(() => {
                output += `\nthe program did not finish within ${Math.round(opts.timeoutMs / 1000)} s`;
                child.kill("SIGKILL");
            }, opts.timeoutMs);
            child.on("error", reject);
            // "close", not "exit": it comes after the IPC channel has delivered every message.
            child.on("close", (c) => {
                clearTimeout(timer);
                resolve(c);
            });
        });
        const run = done ? { ...done, resources } : undefined;
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

/**
 * Turns planned resources into what the engine hands an analyzer, one at a time in registration
 * order (an explicit provider is registered before the resources that use it).
 */
export class AnalyzerResourceConverter {
    private readonly byUrn = new Map<string, PlannedResource>();
    constructor(private readonly project: ProjectInfo) {}

    private providerOf(r: PlannedResource): AnalyzerResource["provider"] {
        if (!r.provider) return undefined;
        const explicit = this.byUrn.get(r.provider);
        const name = r.provider.split("::").pop() ?? "";
        const type = r.provider.split("::")[2] ?? "";
        if (explicit) {
            return { name, type, urn: r.provider, properties: toAnalyzerValue(explicit.inputs) as Record<string, unknown> };
        }
        // Default provider: configured from the stack's "<package>:" keys.
        const pkg = type.replace(/^pulumi:providers:/, "");
        const properties: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(this.project.config)) {
            if (k.startsWith(`${pkg}:`)) properties[k.slice(pkg.length + 1)] = this.project.secretKeys.includes(k) ? secret(v) : parseConfigValue(v);
        }
        if (r.options.version) properties.version = r.options.version;
        return { name, type, urn: r.provider, properties };
    }

    convert(r: PlannedResource): AnalyzerResource {
        this.byUrn.set(r.urn, r);
        return {
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
            provider: this.providerOf(r),
            parent: r.parent,
            dependencies: r.dependencies,
            propertyDependencies: r.propertyDependencies,
        };
    }
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
        timings: { programMs: 0, programLoadMs: 0, policyStartMs: 0, policyMs: 0, analyzeMs: 0, analyzeStackMs: 0, totalMs: 0 },
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
    // runs, and is configured as soon as it is up; from then on each resource the program
    // registers goes to it at once (Analyze), as the engine does at each step of a preview.
    // AnalyzeStack waits for the program to finish. With phasesInTurn, the pack starts only
    // once the program has finished.
    type Pack = { client: PolicyPackClient; info: AnalyzerInfo; startMs: number } | { error: Error; stage: "start" | "configure"; startMs: number };
    const evaluation = policyPackDir ? new StreamingEvaluation(opts.analyzeConcurrency ?? 8) : undefined;
    const converter = new AnalyzerResourceConverter(project);
    let packStartedAt = 0;
    const startPack = policyPackDir
        ? async (): Promise<Pack> => {
              const t0 = performance.now();
              let client: PolicyPackClient;
              try {
                  client = opts.policyPack ?? await PolicyPackClient.start(policyPackDir, { timeoutMs: Math.min(timeoutMs, 120_000), stack: project.stack, project: project.name, dryRun: preview });
              } catch (e) {
                  return { error: e as Error, stage: "start", startMs: performance.now() - t0 };
              }
              packStartedAt = performance.now();
              const startMs = packStartedAt - t0;
              try {
                  // What the engine tells an analyzer about the stack before the policy config.
                  await client
                      .configureStack({ stack: project.stack, project: project.name, dryRun: preview, config: project.config, configSecretKeys: project.secretKeys })
                      .catch((e: Error) => {
                          // Policy SDKs older than ConfigureStack answer UNIMPLEMENTED, as the engine tolerates.
                          if (!/UNIMPLEMENTED/i.test(e.message)) throw e;
                      });
                  const info = await client.info();
                  await client.configure(policyConfig.config);
                  evaluation!.attach(client);
                  return { client, info, startMs };
              } catch (e) {
                  if (!opts.policyPack) await client.close().catch(() => undefined);
                  return { error: e as Error, stage: "configure", startMs };
              }
          }
        : undefined;
    let pack: Promise<Pack> | undefined = opts.phasesInTurn ? undefined : startPack?.();
    const closePack = async () => {
        const s = await pack;
        if (s && "client" in s && !opts.policyPack) await s.client.close().catch(() => undefined);
    };

    let programDoneAt = 0;
    const spawned = await spawnProgram(project, {
        preview,
        timeoutMs,
        stackTraces: opts.stackTraces,
        onResource: evaluation ? (r) => evaluation.add(converter.convert(r)) : undefined,
        programDone: () => (programDoneAt = performance.now()),
    });
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

    pack ??= startPack?.();
    if (policyPackDir && pack && evaluation) {
        const s = await pack;
        result.timings.policyStartMs = s.startMs;
        // From the end of the program, or from the pack's start when that came later.
        const policyTime = () => performance.now() - Math.max(programDoneAt, packStartedAt);
        if ("error" in s) {
            result.timings.policyMs = policyTime();
            const message = s.stage === "start"
                ? `policy pack ${policyPackDir} did not start: ${errorSummary(s.error.message)}`
                : `policy pack ${policyPackDir}: ${firstLines(s.error.message ?? String(s.error), 3)}`;
            return failed(result, { kind: "policy-pack", message, detail: s.error.stack });
        }
        result.policyPack = { name: s.info.name || path.basename(policyPackDir), ...(s.info.version ? { version: s.info.version } : {}), dir: policyPackDir, ...(policyConfig.file ? { configFile: policyConfig.file } : {}) };
        try {
            result.violations = (await evaluation.finish()).map(toPlanViolation);
        } catch (e) {
            const err = e as Error;
            result.timings.policyMs = policyTime();
            return failed(result, { kind: "policy-pack", message: `policy pack ${policyPackDir}: ${firstLines(err.message ?? String(e), 3)}`, detail: err.stack });
        } finally {
            if (!opts.policyPack) await s.client.close().catch(() => undefined);
        }
        result.timings.policyMs = policyTime();
        result.timings.analyzeMs = evaluation.timings.analyzeMs;
        result.timings.analyzeStackMs = evaluation.timings.analyzeStackMs;
    }
    result.summary = summarize(run.resources, result.violations);
    result.exitCode = result.summary.mandatory > 0 ? 1 : 0;
    result.timings.totalMs = performance.now() - started;
    return result;
}
