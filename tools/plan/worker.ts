// Child-process entry: runs one program under the mock monitor and writes the ProgramRun as
// JSON. Started by run.ts with ts-node registered for the project (see spawnProgram).
//   node -r ts-node/register/transpile-only worker.ts <request.json>
import * as fs from "fs";
import { runProgramInProcess } from "./program";
import type { ProjectInfo } from "./project";

interface WorkerRequest {
    project: ProjectInfo;
    preview: boolean;
    resultFile: string;
    /** Keep full, source-mapped stack traces (for --verbose). */
    stackTraces?: boolean;
}

/**
 * The SDK formats a JavaScript stack trace for every resource (its source position, captured
 * with an unlimited depth) and for every internal promise (leak diagnostics). Under ts-node each
 * of those is mapped back through source maps, which dominates the run time of a large program.
 * When no stack trace will be shown, format stacks as their first line only: the SDK finds no
 * source position (it is optional) and error messages are unchanged.
 */
function skipStackTraces(): void {
    Error.stackTraceLimit = 0;
    Error.prepareStackTrace = (err: Error) => `${err.name}: ${err.message}`;
}

async function main(): Promise<void> {
    const reqFile = process.argv[2];
    if (!reqFile) {
        throw new Error("usage: worker.ts <request.json>");
    }
    const req = JSON.parse(fs.readFileSync(reqFile, "utf8")) as WorkerRequest;
    if (!req.stackTraces) {
        skipStackTraces();
    }
    const run = await runProgramInProcess(req.project, { preview: req.preview });
    fs.writeFileSync(req.resultFile, JSON.stringify(run));
}

main().then(
    () => process.exit(0),
    (e: unknown) => {
        process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
        process.exit(3);
    },
);
