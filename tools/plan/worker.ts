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
}

async function main(): Promise<void> {
    const reqFile = process.argv[2];
    if (!reqFile) {
        throw new Error("usage: worker.ts <request.json>");
    }
    const req = JSON.parse(fs.readFileSync(reqFile, "utf8")) as WorkerRequest;
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
