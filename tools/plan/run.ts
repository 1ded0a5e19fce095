// runPlan: the offline equivalent of `pulumi preview --policy-pack`: run the program under the
// SDK's mock monitor (in a child process, see below), then give every resource to the policy
// pack over its analyzer gRPC protocol as the engine does, and sum up.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { ConfigError, loadProject, type ProjectInfo } from "./project";
import { REPO_ROOT } from "./paths";
import type { PlanValue, PlannedResource, ProgramLog, ProgramRun } from "./types";
import type { WorkerMessage } from "./worker";
import type { RecordEvent } from "./capture";
import { isSecretValue, isUnknownValue } from "./types";
import { PolicyConfigError, PolicyPackClient, UNKNOWN, secret, type AnalyzerInfo, type AnalyzerResource, type EnforcementLevel, type Violation } from "./analyzer-client";
import { StreamingEvaluation } from "./evaluation";
import { firstLines, mergeConfigProblems, programError, programFailure, type PlanError, type PlanErrorKind } from "./failures";
import { loadMocksFile } from "./mocks-file";
import type { UserMocks } from "./mocks";
import { checkPackages, repositoryVersion } from "./packages";

export type { PlanError, PlanErrorKind };

/** The time limit of each step when none is given: see PlanOptions.timeoutMs. */
export const DEFAULT_TIMEOUT_MS = 120_000;

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
    /**
     * Policy pack configuration file. Default: <policyPackDir>/config/<stack>.json if present and
     * the project lies in the directory that holds the pack (this repository's stacks, or a
     * project with its own pack); another project gets the pack's own defaults unless asked.
     */
    policyConfigFile?: string;
    /** Preview mode (default true): cloud-computed outputs are unknown. */
    preview?: boolean;
    /**
     * Time limit of each step (default 120 s): the program, the policy pack's start, each
     * Analyze call and AnalyzeStack. On expiry the plan fails naming the program's last
     * registered resource, or the policy and the resource it was evaluating.
     */
    timeoutMs?: number;
    /** The policy pack's steps only (its start, each Analyze, AnalyzeStack); default timeoutMs. */
    policyTimeoutMs?: number;
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
    /** Answers for invokes and resource outputs the plan cannot know (a --mocks file, JSON or YAML). */
    mocksFile?: string;
    /** The same answers as an object (see mocks-file.ts); wins over mocksFile. */
    mocks?: UserMocks;
    /**
     * Run the program in this process instead of a child process (tests: many plans without a
     * process each). Programs then run one at a time, with no time limit. Only CommonJS projects
     * on this process's @pulumi/pulumi can (see cannotRunHere in program.ts); others still get
     * a child process.
     */
    inProcess?: boolean;
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

export interface PlanSummary {
    resources: number;
    create: number;
    import: number;
    read: number;
    mandatory: number;
    advisory: number;
    remediate: number;
}

/** Which policy configuration was applied, and why. */
export interface PolicyConfigChoice {
    config: Record<string, unknown>;
    /** The file it came from; none for an object given to runPlan or the pack's defaults. */
    file?: string;
    /** "given" (runPlan's policyConfig), "file" (asked for), "stack" (<pack>/config/<stack>.json), "defaults". */
    source: "given" | "file" | "stack" | "defaults";
    /** A stack config file of the pack that was not applied (the project is not the pack's). */
    skipped?: string;
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
    policyPack?: {
        name: string;
        version?: string;
        dir: string;
        configFile?: string;
        /** Where the policy config came from (see PolicyConfigChoice). */
        configSource?: PolicyConfigChoice["source"];
        /** Policies the applied config sets to "disabled". */
        disabled?: string[];
    };
    /** What people should know about how the plan was made (packages from this repository, the policy config, ...). */
    notes?: string[];
    /**
     * programMs: running the program (after module loading, programLoadMs). The policy pack
     * starts (policyStartMs) and is configured while the program runs and analyzes each resource
     * as it is registered; analyzeMs is the span of those Analyze calls. policyMs: what policy
     * evaluation adds after the program has finished (the last Analyze answers, AnalyzeStack,
     * analyzeStackMs of it, and stopping the pack). With phasesInTurn the pack starts after the
     * program, and policyMs runs from its start: Configure, every Analyze call, AnalyzeStack.
     */
    timings: {
        programMs: number;
        programLoadMs: number;
        policyStartMs: number;
        policyMs: number;
        analyzeMs: number;
        analyzeStackMs: number;
        totalMs: number;
        /**
         * CPU time, less disturbed than wall time on a shared machine: of the program's process
         * (start-up included), and of the policy pack's process from its start to the end of
         * the evaluation (Linux; absent elsewhere).
         */
        programCpuMs?: number;
        policyCpuMs?: number;
    };
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

/** The TypeScript loader, and the SDK's quicker start, that the program's process starts with. */
const REGISTER = path.join(REPO_ROOT, "tools", "lib", "register.js");
const SDK_STARTUP = path.join(REPO_ROOT, "tools", "lib", "sdk-startup.js");

/** The plan's environment for a child: no ts-node or Pulumi settings, none of the plan's per-process ones. */
function stripTsNodeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    const out: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(env)) {
        if (!k.startsWith("TS_NODE_") && !k.startsWith("PULUMI_") && !["PLAN_TSCONFIG", "PLAN_SOURCE_MAPS", "PLAN_POLICY_TIMEOUT_MS"].includes(k)) out[k] = v;
    }
    return out;
}

type SpawnedProgram = Awaited<ReturnType<typeof spawnProgram>>;

/** The program's records as they arrive, in order: each registration, and a component's outputs on its record. */
class RecordCollector {
    readonly resources: PlannedResource[] = [];
    private readonly byUrn = new Map<string, PlannedResource>();
    constructor(private readonly onResource?: (r: PlannedResource) => void) {}

    add(e: RecordEvent): void {
        if (e.kind === "resource") {
            this.resources.push(e.resource);
            this.byUrn.set(e.resource.urn, e.resource);
            this.onResource?.(e.resource);
        } else {
            const r = this.byUrn.get(e.urn);
            if (r) r.outputs = e.outputs;
        }
    }
}

/** The program in this process (PlanOptions.inProcess), answering as spawnProgram does. */
async function runProgramInThisProcess(
    project: ProjectInfo,
    opts: { preview: boolean; stackTraces?: boolean; userMocks?: UserMocks; onResource?: (r: PlannedResource) => void; programDone?: () => void },
): Promise<SpawnedProgram> {
    const { runProgramHere } = await import("./program");
    const records = new RecordCollector(opts.onResource);
    const { resources: _, ...done } = await runProgramHere(project, { preview: opts.preview, stackTraces: opts.stackTraces, userMocks: opts.userMocks, onRecord: (e) => records.add(e) });
    opts.programDone?.();
    const { resources } = records;
    return { run: { ...done, resources }, output: "", code: 0, signal: null, resources };
}

/**
 * Runs the program in a fresh Node.js process. The SDK keeps process-wide state (the mock
 * monitor, the root stack resource, config) and Node caches the program's modules, so a second
 * program in the same process would not run again; a child process per plan is the reliable
 * reset, and it also gives a clean peak-memory figure per plan.
 *
 * The child streams each registration over its IPC channel as the program makes it
 * (`onResource` hears them in order); `programDone` resolves when the program has finished,
 * before the child process has exited. Past `timeoutMs` the child is killed (`timedOutMs`).
 */
export async function spawnProgram(
    project: ProjectInfo,
    opts: { preview: boolean; timeoutMs: number; stackTraces?: boolean; userMocks?: UserMocks; onResource?: (r: PlannedResource) => void; programDone?: () => void },
): Promise<{ run?: ProgramRun; output: string; code: number | null; signal: NodeJS.Signals | null; timedOutMs?: number; resources: PlannedResource[] }> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    const reqFile = path.join(tmp, "request.json");
    fs.writeFileSync(reqFile, JSON.stringify({ project, preview: opts.preview, stackTraces: opts.stackTraces ?? false, userMocks: opts.userMocks }));
    // TypeScript like the language host: the project's tsconfig.json when it has one, else
    // the host's defaults.
    const env = stripTsNodeEnv(process.env);
    const tsconfig = path.join(project.dir, "tsconfig.json");
    env.PLAN_TSCONFIG = fs.existsSync(tsconfig) ? tsconfig : "";
    if (opts.stackTraces) env.PLAN_SOURCE_MAPS = "1";
    const worker = path.join(__dirname, "worker.ts");
    const records = new RecordCollector(opts.onResource);
    let done: Omit<ProgramRun, "resources"> | undefined;
    let timedOutMs: number | undefined;
    try {
        const child = spawn(process.execPath, ["-r", REGISTER, "-r", SDK_STARTUP, worker, reqFile], { cwd: project.dir, env, stdio: ["ignore", "pipe", "pipe", "ipc"] });
        let output = "";
        child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
        child.on("message", (m: WorkerMessage) => {
            if (m.kind === "records") {
                for (const e of m.events) records.add(e);
            } else if (m.kind === "done") {
                done = m.run;
                opts.programDone?.();
            }
        });
        const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
            const timer = setTimeout(() => {
                if (done) return;
                timedOutMs = opts.timeoutMs;
                child.kill("SIGKILL");
            }, opts.timeoutMs);
            child.on("error", reject);
            // "close", not "exit": it comes after the IPC channel has delivered every message.
            child.on("close", (c, sig) => {
                clearTimeout(timer);
                resolve({ code: c, signal: sig });
            });
        });
        const { resources } = records;
        const run = done ? { ...done, resources } : undefined;
        return { run, output, code, signal, resources, ...(timedOutMs !== undefined ? { timedOutMs } : {}) };
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

/** Whether `child` is `dir` or lies below it. */
function isWithin(child: string, dir: string): boolean {
    const rel = path.relative(dir, child);
    return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/**
 * Which policy pack configuration applies: an object given to runPlan, a file asked for, else
 * the pack's <pack>/config/<stack>.json when the project belongs with the pack (the project lies
 * in the directory that holds the pack), else the pack's own defaults.
 */
export function resolvePolicyConfig(opts: PlanOptions, policyPackDir: string, projectDir: string = opts.dir): PolicyConfigChoice {
    if (opts.policyConfig) {
        return { config: opts.policyConfig, source: "given" };
    }
    let file = opts.policyConfigFile ? path.resolve(opts.policyConfigFile) : undefined;
    let source: PolicyConfigChoice["source"] = "file";
    let skipped: string | undefined;
    if (!file) {
        const byStack = path.join(policyPackDir, "config", `${opts.stack}.json`);
        if (fs.existsSync(byStack)) {
            if (isWithin(path.resolve(projectDir), path.dirname(policyPackDir))) {
                file = byStack;
                source = "stack";
            } else {
                skipped = byStack;
            }
        }
    }
    if (!file) {
        return { config: {}, source: "defaults", ...(skipped ? { skipped } : {}) };
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
    return { config: parsed as Record<string, unknown>, file, source };
}

/** A note saying which policy config was applied. */
function policyConfigNote(choice: PolicyConfigChoice): string {
    const where = (f: string) => path.relative(process.cwd(), f) || f;
    switch (choice.source) {
        case "given":
            return "policy config: the one given to the plan";
        case "file":
        case "stack":
            return `policy config: ${where(choice.file!)}`;
        default:
            return choice.skipped
                ? `policy config: the pack's defaults; ${where(choice.skipped)} belongs to the pack's own project and was not applied to this one (pass --policy-pack-config to apply it)`
                : "policy config: the pack's defaults";
    }
}

type Pack = { client: PolicyPackClient; info: AnalyzerInfo; disabled: string[]; startMs: number } | { error: Error; stage: "start" | "configure"; startMs: number };

function packError(s: Extract<Pack, { error: Error }>, policyPackDir: string, configFile?: string): PlanError {
    if (s.error instanceof PolicyConfigError) {
        return { kind: "config", message: `policy pack config${configFile ? ` ${configFile}` : ""}: ${s.error.message}` };
    }
    // A start failure names the pack already.
    const message = s.stage === "start" ? s.error.message : `policy pack ${policyPackDir}: ${firstLines(s.error.message ?? String(s.error), 12)}`;
    return { kind: "policy-pack", message, detail: s.error.stack };
}

/** What a plan settles before the program runs: the project, the pack and its config, the mocks. */
interface Setup {
    project: ProjectInfo;
    policyPackDir?: string;
    policyConfig: PolicyConfigChoice;
    userMocks?: UserMocks;
}

/** A plan result with nothing in it yet (exit code 2 until the plan completes). */
function emptyResult(stack: string, dir: string): PlanResult {
    return {
        project: "",
        stack,
        dir,
        resources: [],
        outputs: {},
        logs: [],
        violations: [],
        summary: summarize([], []),
        exitCode: 2,
        notes: [],
        timings: { programMs: 0, programLoadMs: 0, policyStartMs: 0, policyMs: 0, analyzeMs: 0, analyzeStackMs: 0, totalMs: 0 },
        peakRssMb: 0,
    };
}

/** Step 1: the project (Pulumi.yaml, the stack file), the mocks, the policy pack and its config; an error when one cannot be used. */
function setUp(opts: PlanOptions, dir: string, result: PlanResult): Setup | PlanError {
    let setup: Setup;
    try {
        const project = loadProject(dir, opts.stack, { problems: "collect" });
        result.project = project.name;
        setup = { project, policyConfig: { config: {}, source: "defaults" } };
        setup.userMocks = opts.mocks ?? (opts.mocksFile ? loadMocksFile(path.resolve(opts.mocksFile)) : undefined);
        if (opts.policyPackDir !== null) {
            const policyPackDir = path.resolve(opts.policyPackDir ?? path.join(REPO_ROOT, "policypack"));
            if (!fs.existsSync(policyPackDir) || !fs.statSync(policyPackDir).isDirectory()) {
                return { kind: "policy-pack", message: `policy pack not found: ${policyPackDir}` };
            }
            setup.policyPackDir = policyPackDir;
            setup.policyConfig = resolvePolicyConfig(opts, policyPackDir, dir);
        }
    } catch (e) {
        if (e instanceof ConfigError) return { kind: "config", message: e.message };
        throw e;
    }
    const packages = checkPackages(setup.project.dir);
    (result.notes ??= []).push(...packages.notes);
    if (packages.refusal) return { kind: "program", message: packages.refusal };
    if (setup.policyPackDir) (result.notes ??= []).push(policyConfigNote(setup.policyConfig));
    return setup;
}

/**
 * Step 2: the policy pack's start, as a function called while the program runs (or after it,
 * with phasesInTurn). It starts another Node.js process (unless the caller handed in a pack),
 * tells it about the stack and the policy config, and attaches it to the evaluation, which from
 * then on sends each registered resource to it at once (Analyze), as the engine does.
 */
class PackStarter {
    /** When the pack was up (0 until then): policy time counts from here or the program's end. */
    startedAt = 0;
    private readonly abortStart = new AbortController();
    private pending?: Promise<Pack>;

    constructor(
        private readonly opts: PlanOptions,
        private readonly setup: Setup & { policyPackDir: string },
        private readonly evaluation: StreamingEvaluation,
        private readonly preview: boolean,
        private readonly timeoutMs: number,
    ) {}

    /** Starts the pack once; later calls return the same start. */
    start(): Promise<Pack> {
        this.pending ??= this.startNow();
        return this.pending;
    }

    /** A pack handed in (opts.policyPack) belongs to the caller, who stops it. */
    stop(client: PolicyPackClient): void {
        if (client !== this.opts.policyPack) client.kill();
    }

    /** A plan that fails before evaluating does not wait for the pack: its start is abandoned. */
    drop(): void {
        this.abortStart.abort();
        void this.pending?.then((s) => ("client" in s ? this.stop(s.client) : undefined));
    }

    private async startNow(): Promise<Pack> {
        const { project, policyPackDir, policyConfig } = this.setup;
        const t0 = performance.now();
        let client: PolicyPackClient;
        try {
            client =
                this.opts.policyPack ??
                (await PolicyPackClient.start(policyPackDir, {
                    timeoutMs: this.timeoutMs,
                    callTimeoutMs: this.timeoutMs,
                    signal: this.abortStart.signal,
                    stack: project.stack,
                    project: project.name,
                    dryRun: this.preview,
                }));
        } catch (e) {
            return { error: e as Error, stage: "start", startMs: performance.now() - t0 };
        }
        this.startedAt = performance.now();
        const startMs = this.startedAt - t0;
        try {
            // What the engine tells an analyzer about the stack before the policy config.
            await client.configureStack({ stack: project.stack, project: project.name, dryRun: this.preview, config: project.config, configSecretKeys: project.secretKeys }).catch((e: Error) => {
                // Policy SDKs older than ConfigureStack answer UNIMPLEMENTED, as the engine tolerates.
                if (!/UNIMPLEMENTED/i.test(e.message)) throw e;
            });
            const info = await client.info();
            const reconciled = await client.configure(policyConfig.config);
            const disabled = Object.entries(reconciled)
                .filter(([, c]) => c.enforcementLevel === "disabled")
                .map(([name]) => name)
                .sort();
            this.evaluation.attach(client);
            return { client, info, disabled, startMs };
        } catch (e) {
            this.stop(client);
            return { error: e as Error, stage: "configure", startMs };
        }
    }
}

/** Step 3 (success): what the program registered and logged, and its timings, into the result. */
function recordProgramRun(result: PlanResult, run: ProgramRun): void {
    result.resources = run.resources;
    result.outputs = run.outputs;
    result.logs = run.logs;
    result.timings.programMs = run.timings.programMs;
    result.timings.programLoadMs = run.timings.loadMs;
    if (run.timings.cpuMs !== undefined) result.timings.programCpuMs = run.timings.cpuMs;
    result.peakRssMb = run.peakRssMb;
    result.summary = summarize(run.resources, []);
    if (run.resolvedFromRepo?.length) {
        const versions = run.resolvedFromRepo.map((p) => `${p}${repositoryVersion(p) ? ` ${repositoryVersion(p)}` : ""}`);
        (result.notes ??= []).unshift(`packages the project does not have, taken from this repository: ${versions.join(", ")}`);
    }
}

/**
 * Step 4: the policy verdicts. Waits for the pack (started while the program ran), records what
 * it is, finishes the evaluation (AnalyzeStack) and stops the pack. Returns an error when the
 * pack could not start, be configured or evaluate.
 */
async function evaluatePolicies(
    result: PlanResult,
    starter: PackStarter,
    evaluation: StreamingEvaluation,
    setup: Setup & { policyPackDir: string },
    programDoneAt: number,
): Promise<PlanError | undefined> {
    const { policyPackDir, policyConfig } = setup;
    const s = await starter.start();
    result.timings.policyStartMs = s.startMs;
    // From the end of the program, or from the pack's start when that came later.
    const policyTime = () => performance.now() - Math.max(programDoneAt, starter.startedAt);
    if ("error" in s) {
        result.timings.policyMs = policyTime();
        return packError(s, policyPackDir, policyConfig.file);
    }
    result.policyPack = {
        name: s.info.name || path.basename(policyPackDir),
        ...(s.info.version ? { version: s.info.version } : {}),
        dir: policyPackDir,
        ...(policyConfig.file ? { configFile: policyConfig.file } : {}),
        configSource: policyConfig.source,
        disabled: s.disabled,
    };
    try {
        result.violations = (await evaluation.finish()).map(toPlanViolation);
    } catch (e) {
        const err = e as Error;
        result.timings.policyMs = policyTime();
        starter.stop(s.client);
        return { kind: "policy-pack", message: `policy pack ${policyPackDir}: ${firstLines(err.message ?? String(e), 14)}`, detail: err.stack };
    }
    const policyCpuMs = s.client.cpuMs();
    if (policyCpuMs !== undefined) result.timings.policyCpuMs = policyCpuMs;
    // Nothing more to ask: the pack is stopped, not waited for.
    starter.stop(s.client);
    result.timings.policyMs = policyTime();
    result.timings.analyzeMs = evaluation.timings.analyzeMs;
    result.timings.analyzeStackMs = evaluation.timings.analyzeStackMs;
    return undefined;
}

/**
 * Plans a stack offline: set up (step 1), start the policy pack while the program runs under the
 * SDK's mocks (steps 2 and 3), then the policies' verdicts (step 4). Never throws for a problem
 * of the project, the program or the pack: the result carries it (exit code 2).
 */
export async function runPlan(opts: PlanOptions): Promise<PlanResult> {
    const started = performance.now();
    const dir = path.resolve(opts.dir);
    const result = emptyResult(opts.stack, dir);
    const failed = (error: PlanError): PlanResult => {
        result.error = error;
        result.exitCode = 2;
        result.timings.totalMs = performance.now() - started;
        return result;
    };

    const setup = setUp(opts, dir, result);
    if ("kind" in setup) return failed(setup);
    const { project, policyPackDir } = setup;
    const preview = opts.preview ?? true;
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // Settings the CLI would refuse make the plan a config error whatever follows: the program
    // still runs, for its own config problems, but the pack is not started.
    const configFails = project.problems.length > 0;
    const evaluation = policyPackDir && !configFails ? new StreamingEvaluation(opts.analyzeConcurrency ?? 8) : undefined;
    const withPack = policyPackDir ? { ...setup, policyPackDir } : undefined;
    const starter = withPack && evaluation ? new PackStarter(opts, withPack, evaluation, preview, opts.policyTimeoutMs ?? timeoutMs) : undefined;
    // The pack starts while the program runs; with phasesInTurn, only once it has finished.
    if (!opts.phasesInTurn) void starter?.start();

    let programDoneAt = 0;
    const converter = new AnalyzerResourceConverter(project);
    const programOptions = {
        preview,
        timeoutMs,
        stackTraces: opts.stackTraces,
        userMocks: setup.userMocks,
        onResource: evaluation ? (r: PlannedResource) => evaluation.add(converter.convert(r)) : undefined,
        programDone: () => (programDoneAt = performance.now()),
    };
    const here = opts.inProcess && (await import("./program")).cannotRunHere(project) === undefined;
    const spawned = here ? await runProgramInThisProcess(project, programOptions) : await spawnProgram(project, programOptions);
    const run = spawned.run;
    if (!run) {
        starter?.drop();
        result.resources = spawned.resources;
        result.summary = summarize(spawned.resources, []);
        const failure = programFailure(spawned, spawned.resources);
        return failed(configFails ? { kind: "config", message: mergeConfigProblems(project, { message: failure.message, config: failure.kind === "config" }), detail: failure.detail } : failure);
    }
    recordProgramRun(result, run);
    if (run.error) {
        starter?.drop();
        return failed(programError(run.error, project));
    }
    if (configFails) return failed({ kind: "config", message: mergeConfigProblems(project) });

    if (starter && evaluation && withPack) {
        const error = await evaluatePolicies(result, starter, evaluation, withPack, programDoneAt);
        if (error) return failed(error);
    }
    result.summary = summarize(run.resources, result.violations);
    result.exitCode = result.summary.mandatory > 0 ? 1 : 0;
    result.timings.totalMs = performance.now() - started;
    return result;
}
