// Runs a Pulumi Node.js program in this process under the SDK's mock monitor, the way the
// Node.js language host (`@pulumi/pulumi/cmd/run`) runs it under the engine, and records what it
// registers. The SDK keeps process-wide state (settings, the stack resource, the module cache of
// the program), so this is meant to run once per process: see worker.ts and run.ts.
import * as fs from "fs";
import * as path from "path";
import Module = require("module");
import { performance } from "perf_hooks";
import { pathToFileURL } from "url";
import { MessageChannel } from "worker_threads";
import type * as pulumiType from "@pulumi/pulumi";
import { Recorder, installCapture, type RecordEvent } from "./capture";
import { createMocks, type UserMocks } from "./mocks";
import type { ProjectInfo } from "./project";
import type { ProgramLog, ProgramRun } from "./types";
import { REPO_ROOT } from "./paths";
import { writeReport, type ProcessReport } from "./process-report";

export { REPO_ROOT };

/** Directory of the @pulumi/pulumi package the program will use: the project's own, else ours. */
export function resolveSdkRoot(projectDir: string, orRepository = true): string | undefined {
    for (const base of orRepository ? [projectDir, REPO_ROOT] : [projectDir]) {
        try {
            return path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [base] }));
        } catch {
            // not resolvable from there
        }
    }
    if (!orRepository) return undefined;
    throw new Error("cannot find @pulumi/pulumi from the project or from this repository");
}

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: { paths?: string[] }) => string;

/** "@scope/name/sub/path" -> "@scope/name"; "name/sub" -> "name". */
export function packageNameOf(request: string): string {
    const parts = request.split("/");
    return request.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/**
 * Makes bare module names the project cannot resolve fall back to this repository, and sends
 * every "@pulumi/pulumi" request to one SDK instance: the mocks are installed into that instance,
 * so a second copy (say, loaded by a @pulumi/aws from another node_modules) would not see them.
 * `fellBack` hears the package names resolved from this repository.
 */
export function installResolver(sdkRoot: string, fellBack: (pkg: string) => void = () => undefined): () => void {
    const mod = Module as unknown as { _resolveFilename: ResolveFilename };
    const original = mod._resolveFilename;
    const sdkBase = sdkBaseOf(sdkRoot);
    mod._resolveFilename = function (request, parent, isMain, options) {
        if (request === "@pulumi/pulumi" || request.startsWith("@pulumi/pulumi/")) {
            return original.call(this, request, parent, isMain, { paths: [sdkBase] });
        }
        try {
            return original.call(this, request, parent, isMain, options);
        } catch (e) {
            const bare = !request.startsWith(".") && !path.isAbsolute(request);
            if (!bare || (e as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") {
                throw e;
            }
            const found = original.call(this, request, parent, isMain, { paths: [REPO_ROOT] });
            fellBack(packageNameOf(request));
            return found;
        }
    };
    return () => {
        mod._resolveFilename = original;
    };
}

/** node_modules/@pulumi/pulumi -> the directory that holds node_modules. */
function sdkBaseOf(sdkRoot: string): string {
    return path.resolve(sdkRoot, "..", "..", "..");
}

/**
 * ES modules resolve and load through hooks (tools/lib/esm-hooks.mjs) rather than
 * Module._resolveFilename: the same fallback and the same single SDK, TypeScript transpiled as
 * ES modules. Hooks run on their own thread; fallbacks are reported through a message port.
 */
function installEsmHooks(sdkRoot: string, fellBack: (pkg: string) => void): void {
    const { port1, port2 } = new MessageChannel();
    port1.on("message", (m: { fellBack?: string }) => {
        if (m.fellBack) fellBack(m.fellBack);
    });
    port1.unref();
    const hooks = pathToFileURL(path.join(REPO_ROOT, "tools", "lib", "esm-hooks.mjs")).href;
    (Module as unknown as { register(specifier: string, options: unknown): void }).register(hooks, {
        data: { sdkBase: sdkBaseOf(sdkRoot), repoRoot: REPO_ROOT, port: port2 },
        transferList: [port2],
    });
}

/** Pulumi's own config errors (config.require*, with their class names), and errors named ConfigError. */
const CONFIG_ERROR_NAMES = new Set(["ConfigError", "ConfigMissingError", "ConfigTypeError", "ConfigEnumError", "ConfigRangeError", "ConfigPatternError"]);

/**
 * Whether a program's error is about its configuration: one of the SDK's config errors, an
 * error named ConfigError (anywhere in its causes), or a message that says so at its start
 * ("Invalid stack configuration", "invalid configuration"), as the landing zone's does.
 */
export function isConfigError(e: unknown): boolean {
    let err = e;
    for (let i = 0; i < 6 && err instanceof Error; i++) {
        if (CONFIG_ERROR_NAMES.has(err.name) || CONFIG_ERROR_NAMES.has(err.constructor?.name ?? "")) return true;
        if (/^\s*(invalid (stack )?configuration|missing required configuration)\b/i.test(unwrapError(err).message)) return true;
        err = err.cause;
    }
    return false;
}

/** The error a program raised, without the SDK's wrappers around it. */
export function unwrapError(e: unknown): { message: string; stack?: string } {
    let err = e;
    // Errors re-thrown by the SDK sometimes keep the original as `cause`.
    for (let i = 0; i < 5 && err instanceof Error && err.cause instanceof Error; i++) {
        err = err.cause;
    }
    if (err instanceof Error) {
        let message = err.message;
        // "Running program '...' failed with an unhandled exception:\n<message>" and friends.
        const m = /failed with an unhandled exception:\s*\n([\s\S]*)$/.exec(message);
        if (m) message = m[1]!;
        // The SDK prefixes errors raised while serializing a resource's inputs (a throwing
        // apply, say) with the property name; the program's own message is what matters.
        message = message.replace(/^(error serializing property "[^"]*": )+/, "");
        // "Invoke of 'tok' failed: <reason>" keeps its token, which the reason already names.
        message = message.replace(/^Invoke of '[^']*' failed: (.*the offline plan has no answer)/s, "$1");
        return { message: message.trim(), stack: err.stack };
    }
    return { message: String(err) };
}

export interface RunProgramOptions {
    preview?: boolean;
    /** Where program console output goes; default: recorded as logs. */
    echo?: boolean;
    /** Hears every registration (and component outputs) as it is recorded. */
    onRecord?: (e: RecordEvent) => void;
    /** Answers from a --mocks file, before the built-in ones. */
    userMocks?: UserMocks;
    /** Mocks to install instead of the built-in ones (tests that want other answers). */
    mocks?: pulumiType.runtime.Mocks;
    /**
     * Once the program has failed, how long to wait for it to finish before taking the failure as
     * its end (runProgramHere). Undefined: wait for the program, as a child process does; its
     * process ends when nothing is left to run, which a shared process cannot see.
     */
    settleAfterErrorMs?: number;
    /**
     * Where what the process must know even if it ends without a result goes (the first error,
     * the state at exit). Default: this process's stderr, which the plan reads (writeReport).
     */
    report?: (r: ProcessReport) => void;
}

/** Keeps the named properties of an object; the returned function puts them back. */
function saved(o: Record<string, unknown>, keys: string[]): () => void {
    const kept = keys.map((k) => [k, o[k]] as const);
    return () => {
        for (const [k, v] of kept) o[k] = v;
    };
}

/** CPU time this process has used (user and system), in milliseconds. */
function cpuMs(): number {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
}

const dynamicImport = new Function("u", "return import(u)") as (u: string) => Promise<Record<string, unknown>>;

/**
 * Loads the program as the language host does: require() for CommonJS, import() for an ES
 * module, whose default export, if any, stands for the module.
 */
async function loadProgram(project: ProjectInfo): Promise<unknown> {
    let program = project.main;
    if (project.moduleType === "module") {
        const exported = await dynamicImport(pathToFileURL(fs.realpathSync(program)).href);
        if (Object.getOwnPropertyDescriptor(exported, "default") !== undefined) {
            if (Object.keys(exported).length !== 1) throw new Error("expected entrypoint module to have either a default export or named exports but not both");
            return exported.default;
        }
        return exported;
    }
    if (fs.statSync(program).isDirectory() && !program.endsWith(path.sep)) {
        program += path.sep;
    }
    return require(program) as unknown;
}

/**
 * Runs the project's program once in this process and returns what it registered. What it
 * changes in the process for the program (console, the SDK's log, the working directory, the
 * module resolver) is put back when the program has finished.
 */
export async function runProgramInProcess(project: ProjectInfo, opts: RunProgramOptions = {}): Promise<ProgramRun> {
    const preview = opts.preview ?? true;
    const report = opts.report ?? writeReport;
    const started = performance.now();
    const logs: ProgramLog[] = project.warnings.map((message) => ({ severity: "warning", message }));
    let firstError: unknown;
    const unanswered: string[] = [];
    let finished = false;
    let failed: () => void = () => undefined;
    const failure = new Promise<void>((resolve) => (failed = resolve));
    const fail = (e: unknown) => {
        if (firstError !== undefined) return;
        firstError = e;
        failed();
        // Said at once: the process may yet end without a result.
        report({ error: { ...unwrapError(e), config: isConfigError(e) } });
    };
    process.on("uncaughtException", fail);
    process.on("unhandledRejection", fail);

    const sdkRoot = resolveSdkRoot(project.dir)!;
    const fellBack = new Set<string>();
    // Every @pulumi/pulumi the program asks for is this one: this repository's, when the project has none.
    if (sdkRoot !== resolveSdkRoot(project.dir, false)) fellBack.add("@pulumi/pulumi");
    const restoreResolver = installResolver(sdkRoot, (p) => fellBack.add(p));
    if (project.moduleType === "module") installEsmHooks(sdkRoot, (p) => fellBack.add(p));
    const sdk = require(sdkRoot) as typeof pulumiType;
    // The process ending before the program finished (process.exit, or the event loop running
    // dry with promises that never settle): say what is known, synchronously.
    const onExit = (code: number) => {
        if (finished) return;
        let pending: string | undefined;
        try {
            const debuggable = require(path.join(sdkRoot, "runtime", "debuggable")) as { leakedPromises?: () => [Set<unknown>, string] };
            const [leaks, message] = debuggable.leakedPromises?.() ?? [new Set(), ""];
            if (leaks.size > 0) pending = message.split("\n")[0];
        } catch {
            // an SDK without leak tracking
        }
        report({ exitCode: code, ...(unanswered.length ? { unanswered } : {}), ...(pending ? { pending } : {}) });
    };
    process.on("exit", onExit);
    const runtime = sdk.runtime as typeof sdk.runtime & {
        getMonitor(): unknown;
        waitForRPCs?: () => Promise<void>;
    };

    // SDK log calls become diagnostics, as the engine shows them; pulumi.log.error fails the run.
    const log = sdk.log as unknown as Record<string, (msg: string) => Promise<void>>;
    const restoreLog = saved(log, ["info", "warn", "error", "debug"]);
    const restoreConsole = saved(console as unknown as Record<string, unknown>, ["log", "info", "warn", "error"]);
    for (const [fn, severity] of [
        ["info", "info"],
        ["warn", "warning"],
        ["error", "error"],
    ] as const) {
        log[fn] = (msg: string) => {
            logs.push({ severity, message: String(msg) });
            if (severity === "error") failed();
            return Promise.resolve();
        };
    }
    log.debug = () => Promise.resolve();
    if (!opts.echo) {
        // What the program prints is its output, on stdout or stderr, as the engine shows it:
        // console.error and Node's own warnings (printed through console.error) are no errors.
        const print =
            (stream: "stdout" | "stderr") =>
            (...a: unknown[]) =>
                void logs.push({ severity: "info", stream, message: a.map(String).join(" ") });
        console.log = print("stdout");
        console.info = console.log;
        console.warn = print("stderr");
        console.error = print("stderr");
    }

    const recorder = new Recorder({ project: project.name, stack: project.stack }, opts.onRecord);
    const mocks =
        opts.mocks ??
        createMocks({ project: project.name, stack: project.stack, preview, config: project.config }, opts.userMocks, (token) => {
            if (!unanswered.includes(token)) unanswered.push(token);
        });
    await runtime.setMocks(mocks, project.name, project.stack, preview);
    runtime.setAllConfig(project.config, project.secretKeys);
    installCapture(runtime.getMonitor() as Parameters<typeof installCapture>[0], recorder);

    // The language host runs the program from the project directory.
    const cwd = process.cwd();
    process.chdir(project.dir);
    const loadedAt = performance.now();
    // A program that failed inside an output's callback may never finish: its stack waits for
    // outputs that will not resolve.
    const givenUp = opts.settleAfterErrorMs === undefined ? new Promise<void>(() => undefined) : failure.then(() => new Promise<void>((r) => setTimeout(r, opts.settleAfterErrorMs)));
    const unlessGivenUp = (p: Promise<unknown>) => Promise.race([givenUp, p]);
    try {
        await unlessGivenUp(
            runtime.runInPulumiStack(async () => {
                // Same contract as the language host: module exports are the stack outputs; an
                // exported function is called and its result awaited.
                const exported = await loadProgram(project);
                const result = exported instanceof Function ? (exported as () => unknown)() : exported;
                return (await result) as Record<string, unknown>;
            }),
        );
        if (runtime.waitForRPCs) {
            await unlessGivenUp(runtime.waitForRPCs());
        }
    } catch (e) {
        fail(e);
    }
    // Let queued rejections surface before deciding the run succeeded.
    await new Promise((r) => setImmediate(r));
    const finishedAt = performance.now();
    finished = true;
    restoreResolver();
    restoreLog();
    restoreConsole();
    process.chdir(cwd);
    process.off("uncaughtException", fail);
    process.off("unhandledRejection", fail);
    process.off("exit", onExit);

    const errorLogs = logs.filter((l) => l.severity === "error");
    let error: ProgramRun["error"] = firstError !== undefined ? { ...unwrapError(firstError), ...(isConfigError(firstError) ? { config: true } : {}) } : undefined;
    if (!error && errorLogs.length > 0) {
        // A program that reports errors with pulumi.log.error fails the update as well.
        error = { message: errorLogs.map((l) => l.message).join("\n") };
    }
    return {
        project: project.name,
        stack: project.stack,
        resources: recorder.resources,
        outputs: recorder.stackOutputs,
        logs,
        ...(error ? { error } : {}),
        ...(fellBack.size ? { resolvedFromRepo: [...fellBack].sort() } : {}),
        timings: { loadMs: loadedAt - started, programMs: finishedAt - loadedAt, cpuMs: cpuMs() },
        peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
}

/**
 * The SDK formats a JavaScript stack trace for every resource (its source position, captured
 * with an unlimited depth) and for every internal promise (leak diagnostics). Mapped back
 * through source maps, those dominate the run time of a large program.
 * When no stack trace will be shown, format stacks as their first line only: the SDK finds no
 * source position (it is optional) and error messages are unchanged. Returns what puts the
 * process's own formatting back.
 */
export function skipStackTraces(): () => void {
    const { stackTraceLimit, prepareStackTrace } = Error;
    Error.stackTraceLimit = 0;
    Error.prepareStackTrace = (err: Error) => `${err.name}: ${err.message}`;
    return () => {
        Error.stackTraceLimit = stackTraceLimit;
        Error.prepareStackTrace = prepareStackTrace;
    };
}

export interface RunHereOptions extends RunProgramOptions {
    /** Keep full stack traces of program errors (slower). */
    stackTraces?: boolean;
}

/** Why the project's program cannot run in this process (runProgramHere), or undefined when it can. */
export function cannotRunHere(project: ProjectInfo): string | undefined {
    if (project.moduleType === "module") return "an ES module program cannot run in this process (its loader hooks would stay)";
    const own = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    if (resolveSdkRoot(project.dir) !== own) return "the program uses another @pulumi/pulumi than this process";
    return undefined;
}

/** The program runs in this process one at a time: the SDK's state is the process's. */
let turn: Promise<unknown> = Promise.resolve();

/**
 * Runs the program in the calling process, as often as asked (tests; see runPlan's inProcess):
 * one program at a time, its own modules loaded afresh each time. The process's handlers of
 * uncaught errors are set aside meanwhile, so that the program's errors are the program's.
 * Only CommonJS projects that use this process's @pulumi/pulumi, and no time limit: a program
 * that never finishes holds the process (the plan's child process is what bounds it).
 */
export function runProgramHere(project: ProjectInfo, opts: RunHereOptions = {}): Promise<ProgramRun> {
    const refusal = cannotRunHere(project);
    if (refusal) return Promise.reject(new Error(`${project.dir}: ${refusal}; plan it in a child process`));
    const run = turn.then(async () => {
        const before = new Set(Object.keys(require.cache));
        const handlers = (["uncaughtException", "unhandledRejection"] as const).map((event) => {
            const emitter = process as unknown as NodeJS.EventEmitter;
            const listeners = emitter.listeners(event) as ((...a: unknown[]) => void)[];
            emitter.removeAllListeners(event);
            return () => listeners.forEach((l) => emitter.on(event, l));
        });
        const restoreStacks = opts.stackTraces ? () => undefined : skipStackTraces();
        try {
            try {
                delete require.cache[require.resolve(project.main)];
            } catch {
                // a directory or a missing entry: loadProgram says so
            }
            return await runProgramInProcess(project, { settleAfterErrorMs: 1000, ...opts, report: opts.report ?? (() => undefined) });
        } finally {
            // Promises a failed program left pending are its own: the next program, and this
            // process's exit, start without them (reading the list empties it).
            try {
                (require(path.join(resolveSdkRoot(project.dir)!, "runtime", "debuggable")) as { leakedPromises?: () => unknown }).leakedPromises?.();
            } catch {
                // an SDK without leak tracking
            }
            restoreStacks();
            handlers.forEach((restore) => restore());
            // The modules the program loaded, packages aside, run again next time.
            for (const file of Object.keys(require.cache)) {
                if (!before.has(file) && !file.split(path.sep).includes("node_modules")) delete require.cache[file];
            }
        }
    });
    turn = run.catch(() => undefined);
    return run;
}
