// Shared by the plan tests: fixture paths and two ways to run the CLI: in this process (through
// the shared plan harness, test/helpers/plan.ts) and, for what only a process shows, as a child.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { main } from "../../tools/plan/cli";
import { ROOT, runPlanHere } from "../helpers/plan";

export { ROOT };
export const FIXTURES = path.join(ROOT, "test", "fixtures", "projects");

export function fixture(name: string): string {
    return path.join(FIXTURES, name);
}

export interface CliRun {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** Runs tools/plan/cli.ts in a child process, as `npm run plan --` does (node -r tools/lib/register.js). */
export function runCli(args: string[]): CliRun {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("TS_NODE_")) env[k] = v;
    const r = spawnSync(process.execPath, ["-r", path.join(ROOT, "tools", "lib", "register.js"), path.join(ROOT, "tools", "plan", "cli.ts"), ...args], {
        cwd: ROOT,
        env,
        encoding: "utf8",
        timeout: 300_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs the plan command in this process, as `npm run plan --` would with these arguments:
 * its output, and the exit status the process would end with.
 */
export async function runCliHere(args: string[]): Promise<CliRun> {
    let stdout = "";
    let stderr = "";
    const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), runPlan: runPlanHere };
    try {
        return { status: await main(args, io), stdout, stderr };
    } catch (e) {
        // As the command's entry point reports what main throws.
        return { status: 2, stdout, stderr: `${stderr}error: ${e instanceof Error ? e.message : String(e)}\n` };
    }
}

/** A scratch directory removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove(): void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Copies a fixture project to a directory outside this repository. */
export function copyFixture(name: string, to: string): string {
    const dest = path.join(to, name);
    fs.cpSync(fixture(name), dest, { recursive: true });
    return dest;
}

/** The `--json` report, as read back by the tests. */
export type { JsonReport } from "../../tools/plan/render";
