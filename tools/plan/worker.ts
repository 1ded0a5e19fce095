// Child-process entry: runs one program under the mock monitor. Started by run.ts with the
// TypeScript loader (tools/lib/register.js, the project's compiler options) and an IPC channel
// (see spawnProgram):
//   node -r tools/lib/register.js worker.ts <request.json>
// It streams what the program registers to its parent as it happens, so that the parent can
// hand each resource to the policy pack while the program goes on (the engine calls Analyze at
// each step, not after the program), then sends the rest of the ProgramRun.
import * as fs from "fs";
import type { RecordEvent } from "./capture";
import type { UserMocks } from "./mocks";
import { runProgramInProcess, skipStackTraces } from "./program";
import type { ProjectInfo } from "./project";
import type { ProgramRun } from "./types";

interface WorkerRequest {
    project: ProjectInfo;
    preview: boolean;
    /** Keep full, source-mapped stack traces (for --verbose). */
    stackTraces?: boolean;
    /** Answers from a --mocks file. */
    userMocks?: UserMocks;
}

/** Messages to the parent, in order: any number of "records", then one "done". */
export type WorkerMessage = { kind: "records"; events: RecordEvent[] } | { kind: "done"; run: Omit<ProgramRun, "resources"> };

function send(message: WorkerMessage): Promise<void> {
    return new Promise((resolve, reject) => {
        process.send!(message, undefined, undefined, (e: Error | null) => (e ? reject(e) : resolve()));
    });
}

/**
 * Batches records: one IPC message per batch rather than per resource. Under the mock monitor a
 * program can register many resources without returning to the event loop, so a full batch is
 * sent at once and only the remainder waits for the next turn of the loop.
 */
class RecordStream {
    private pending: RecordEvent[] = [];
    private scheduled = false;
    constructor(private readonly batch: number) {}

    push(e: RecordEvent): void {
        this.pending.push(e);
        if (this.pending.length >= this.batch) {
            this.flush();
        } else if (!this.scheduled) {
            this.scheduled = true;
            setImmediate(() => this.flush());
        }
    }

    flush(): void {
        this.scheduled = false;
        if (this.pending.length === 0) return;
        const events = this.pending;
        this.pending = [];
        process.send!({ kind: "records", events } satisfies WorkerMessage);
    }
}

async function main(): Promise<void> {
    const reqFile = process.argv[2];
    if (!reqFile || typeof process.send !== "function") {
        throw new Error("usage: worker.ts <request.json>, started with an IPC channel");
    }
    const req = JSON.parse(fs.readFileSync(reqFile, "utf8")) as WorkerRequest;
    if (req.stackTraces) {
        // Stack traces name the TypeScript lines (the transpiled code carries source maps).
        process.setSourceMapsEnabled(true);
    } else {
        skipStackTraces();
    }
    const stream = new RecordStream(64);
    const { resources: _, ...rest } = await runProgramInProcess(req.project, { preview: req.preview, userMocks: req.userMocks, onRecord: (e) => stream.push(e) });
    stream.flush();
    // Resolves once the message is handed to the channel, after every earlier one.
    await send({ kind: "done", run: rest });
}

main().then(
    () => process.exit(0),
    (e: unknown) => {
        process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exit(3);
    },
);
