// Running corpora of Pulumi programs against one policy pack process: each program still runs
// in its own process under the SDK mock monitor (tools/plan/run.ts), but the real pack, served
// over gRPC, is started once and reconfigured per program.
import * as fs from "fs";
import * as path from "path";
import { PolicyPackClient } from "../../tools/lib/analyzer";
import { runPlan, type PlanResult } from "../../tools/plan/run";
import { PACK_DIR } from "./support";

export interface ProgramRun {
    name: string;
    dir: string;
    result: PlanResult;
}

/** Program directories (those with an expect.json) of a corpus, sorted. */
export function corpusPrograms(root: string): string[] {
    return fs.readdirSync(root)
        .filter((d) => !d.startsWith("_") && fs.existsSync(path.join(root, d, "expect.json")))
        .sort();
}

export function readExpect<T>(root: string, name: string): T {
    return JSON.parse(fs.readFileSync(path.join(root, name, "expect.json"), "utf8")) as T;
}

/**
 * Starts the pack once (in a mocha before hook) and runs programs against it. Programs run one
 * at a time: the pack's configuration is per process, and each program may bring its own.
 */
export function useSharedPack(): { run: (dir: string, policyConfig?: Record<string, unknown>) => Promise<PlanResult> } {
    // Without a policyConfig, runPlan applies policypack/config/<stack>.json as for any plan.
    let client: PolicyPackClient | undefined;
    let queue: Promise<unknown> = Promise.resolve();
    before(async function () {
        this.timeout(120_000);
        client = await PolicyPackClient.start(PACK_DIR);
    });
    after(async () => { await client?.close(); });
    return {
        run: (dir, policyConfig) => {
            const next = queue.then(() => {
                if (!client) throw new Error("policy pack not started");
                return runPlan({ dir, stack: "dev", preview: true, ...(policyConfig ? { policyConfig } : {}), policyPack: client });
            });
            queue = next.catch(() => undefined);
            return next;
        },
    };
}

/** One line per violation, for assertion messages. */
export function describeViolations(result: PlanResult): string {
    return result.violations.map((v) => `  [${v.policy}/${v.enforcementLevel}] ${v.urn?.split("::").pop() ?? "(stack)"}: ${v.message.split("\n")[1] ?? v.message}`).join("\n") || "  (none)";
}
