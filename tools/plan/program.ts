// Runs a Pulumi Node.js program in this process under the SDK's mock monitor, the way the
// Node.js language host (`@pulumi/pulumi/cmd/run`) runs it under the engine, and records what it
// registers. The SDK keeps process-wide state (settings, the stack resource, the module cache of
// the program), so this is meant to run once per process: see worker.ts and run.ts.
import * as fs from "fs";
import * as path from "path";
import Module = require("module");
import { performance } from "perf_hooks";
import type * as pulumiType from "@pulumi/pulumi";
import { Recorder, installCapture, type RecordEvent } from "./capture";
import { createMocks } from "./mocks";
import type { ProjectInfo } from "./project";
import type { ProgramLog, ProgramRun } from "./types";

/** Repository root: where @pulumi/pulumi and @pulumi/aws resolve from when a project has none. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Directory of the @pulumi/pulumi package the program will use: the project's own, else ours. */
export function resolveSdkRoot(projectDir: string): string {
    for (const base of [projectDir, REPO_ROOT]) {
        try {
            return path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [base] }));
        } catch {
            // not resolvable from there
        }
    }
    throw new Error("cannot find @pulumi/pulumi from the project or from this repository");
}

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: { paths?: string[] }) => string;

/**
 * Makes bare module names the project cannot resolve fall back to this repository, and sends
 * every "@pulumi/pulumi" request to one SDK instance: the mocks are installed into that instance,
 * so a second copy (say, loaded by a @pulumi/aws from another node_modules) would not see them.
 */
export function installResolver(sdkRoot: string): () => void {
    const mod = Module as unknown as { _resolveFilename: ResolveFilename };
    const original = mod._resolveFilename;
    // node_modules/@pulumi/pulumi -> the directory that holds node_modules.
    const sdkBase = path.resolve(sdkRoot, "..", "..", "..");
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
            return original.call(this, request, parent, isMain, { paths: [REPO_ROOT] });
        }
    };
    return () => {
        mod._resolveFilename = original;
    };
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
}

/** Runs the project's program once in this process and returns what it registered. */
export async function runProgramInProcess(project: ProjectInfo, opts: RunProgramOptions = {}): Promise<ProgramRun> {
    const preview = opts.preview ?? true;
    const started = performance.now();
    const logs: ProgramLog[] = [];
    let firstError: unknown;
    const fail = (e: unknown) => {
        if (firstError === undefined) firstError = e;
    };
    process.on("uncaughtException", fail);
    process.on("unhandledRejection", fail);

    const sdkRoot = resolveSdkRoot(project.dir);
    const restoreResolver = installResolver(sdkRoot);
    const sdk = require(sdkRoot) as typeof pulumiType;
    const runtime = sdk.runtime as typeof sdk.runtime & {
        getMonitor(): unknown;
        waitForRPCs?: () => Promise<void>;
    };

    // Program output and SDK log calls become diagnostics, as the engine shows them.
    const log = sdk.log as unknown as Record<string, (msg: string) => Promise<void>>;
    for (const [fn, severity] of [["info", "info"], ["warn", "warning"], ["error", "error"]] as const) {
        log[fn] = (msg: string) => {
            logs.push({ severity, message: String(msg) });
            return Promise.resolve();
        };
    }
    log.debug = () => Promise.resolve();
    if (!opts.echo) {
        console.log = (...a: unknown[]) => void logs.push({ severity: "info", message: a.map(String).join(" ") });
        console.info = console.log;
        console.warn = (...a: unknown[]) => void logs.push({ severity: "warning", message: a.map(String).join(" ") });
        console.error = (...a: unknown[]) => void logs.push({ severity: "error", message: a.map(String).join(" ") });
    }

    const recorder = new Recorder({ project: project.name, stack: project.stack }, opts.onRecord);
    await runtime.setMocks(createMocks({ project: project.name, stack: project.stack, preview, config: project.config }), project.name, project.stack, preview);
    runtime.setAllConfig(project.config, project.secretKeys);
    installCapture(runtime.getMonitor() as Parameters<typeof installCapture>[0], recorder);

    // The language host runs the program from the project directory.
    process.chdir(project.dir);
    let program = project.main;
    if (fs.statSync(program).isDirectory() && !program.endsWith(path.sep)) {
        program += path.sep;
    }
    const loadedAt = performance.now();
    try {
        await runtime.runInPulumiStack(async () => {
            // Same contract as the language host: module exports are the stack outputs; an
            // exported function is called and its result awaited.
            const exported = require(program) as unknown;
            const result = exported instanceof Function ? (exported as () => unknown)() : exported;
            return (await result) as Record<string, unknown>;
        });
        if (runtime.waitForRPCs) {
            await runtime.waitForRPCs();
        }
    } catch (e) {
        fail(e);
    }
    // Let queued rejections surface before deciding the run succeeded.
    await new Promise((r) => setImmediate(r));
    const finished = performance.now();
    restoreResolver();
    process.off("uncaughtException", fail);
    process.off("unhandledRejection", fail);

    const errorLogs = logs.filter((l) => l.severity === "error");
    let error = firstError !== undefined ? unwrapError(firstError) : undefined;
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
        timings: { loadMs: loadedAt - started, programMs: finished - loadedAt },
        peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
}
