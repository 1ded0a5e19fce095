// Running corpora of Pulumi programs against the test run's policy pack process: each program
// runs in this process under the SDK mock monitor (tools/plan/run.ts, through the test harness),
// and the real pack, served over gRPC, is reconfigured per program.
import * as fs from "fs";
import * as path from "path";
import type { PlanResult } from "../../tools/plan/run";
import { runPlanHere } from "../helpers/plan";

/** Program directories (those with an expect.json) of a corpus, sorted. */
export function corpusPrograms(root: string): string[] {
    return fs
        .readdirSync(root)
        .filter((d) => !d.startsWith("_") && fs.existsSync(path.join(root, d, "expect.json")))
        .sort();
}

export function readExpect<T>(root: string, name: string): T {
    return JSON.parse(fs.readFileSync(path.join(root, name, "expect.json"), "utf8")) as T;
}

export interface CorpusRun {
    dir: string;
    /** The policy config for this program; undefined: runPlan applies policypack/config/<stack>.json, as for any plan. */
    policyConfig?: Record<string, unknown>;
}

/**
 * Plans every program of `runs` (in a mocha before hook, in this process, against the test
 * run's shared pack, reconfigured per program) and returns each one's result as it comes:
 * `result(dir)` waits for one program.
 */
export function useSharedPack(runs: () => CorpusRun[]): { result: (dir: string) => Promise<PlanResult>; elapsedMs: () => number } {
    const results = new Map<string, Promise<PlanResult>>();
    let started = 0;
    let finished = 0;
    before(() => {
        started = Date.now();
        for (const r of runs()) {
            const p = runPlanHere({ dir: r.dir, stack: "dev", preview: true, ...(r.policyConfig ? { policyConfig: r.policyConfig } : {}) });
            p.catch(() => undefined);
            results.set(r.dir, p);
        }
        void Promise.allSettled(results.values()).then(() => (finished = Date.now()));
    });
    after(async () => {
        await Promise.allSettled(results.values());
    });
    return {
        result: (dir) => results.get(dir) ?? Promise.reject(new Error(`${dir} was not planned`)),
        elapsedMs: () => (finished || Date.now()) - started,
    };
}

/** One line per violation, for assertion messages. */
export function describeViolations(result: PlanResult): string {
    return result.violations.map((v) => `  [${v.policy}/${v.enforcementLevel}] ${v.urn?.split("::").pop() ?? "(stack)"}: ${v.message.split("\n")[1] ?? v.message}`).join("\n") || "  (none)";
}
