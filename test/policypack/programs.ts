// Running corpora of Pulumi programs against one policy pack process: each program still runs
// in its own process under the SDK mock monitor (tools/plan/run.ts), but the real pack, served
// over gRPC, is started once and reconfigured per program.
import * as fs from "fs";
import * as path from "path";
import { PolicyPackClient } from "../../tools/lib/analyzer";
import { runPlan, type PlanResult } from "../../tools/plan/run";
import { PACK_DIR } from "./support";

/** Program directories (those with an expect.json) of a corpus, sorted. */
export function corpusPrograms(root: string): string[] {
    return fs.readdirSync(root)
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
 * Starts the pack once (in a mocha before hook) and plans every program of `runs` against it,
 * `concurrency` programs at a time. The pack's configuration is per process, so programs run
 * together only when they bring the same configuration. `result(dir)` waits for one program.
 */
export function useSharedPack(runs: () => CorpusRun[], concurrency = 2): { result: (dir: string) => Promise<PlanResult>; elapsedMs: () => number } {
    let client: PolicyPackClient | undefined;
    const results = new Map<string, Promise<PlanResult>>();
    let started = 0;
    let finished = 0;
    before(async function () {
        this.timeout(120_000);
        client = await PolicyPackClient.start(PACK_DIR);
        started = Date.now();
        const all = runs();
        // Programs sharing a configuration run side by side; configurations follow each other.
        const groups = new Map<string, CorpusRun[]>();
        for (const r of all) {
            const key = JSON.stringify(r.policyConfig ?? null);
            groups.set(key, [...(groups.get(key) ?? []), r]);
        }
        const settle = new Map<string, (r: PlanResult | Error) => void>();
        for (const r of all) {
            results.set(r.dir, new Promise<PlanResult>((resolve, reject) => settle.set(r.dir, (x) => (x instanceof Error ? reject(x) : resolve(x)))));
            results.get(r.dir)!.catch(() => undefined);
        }
        void (async () => {
            for (const group of groups.values()) {
                let next = 0;
                const worker = async () => {
                    while (next < group.length) {
                        const r = group[next++];
                        const policyConfig = r.policyConfig;
                        try {
                            settle.get(r.dir)!(await runPlan({ dir: r.dir, stack: "dev", preview: true, ...(policyConfig ? { policyConfig } : {}), policyPack: client }));
                        } catch (e) {
                            settle.get(r.dir)!(e as Error);
                        }
                    }
                };
                await Promise.all(Array.from({ length: Math.min(concurrency, group.length) }, worker));
            }
            finished = Date.now();
        })();
    });
    after(async () => {
        await Promise.allSettled(results.values());
        await client?.close();
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
