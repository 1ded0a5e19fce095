// The benchmark's start-up sample (npm run test:bench; not in npm test): it starts cold processes
// on purpose and prints what they took.
import * as assert from "assert";
import { benchStartupOnce, writeTrivialProject } from "../../tools/bench/bench";
import { runPlan } from "../../tools/plan/run";
import { tempDir } from "../plan/support";

describe("bench: start-up", function () {
    this.timeout(180_000);

    it("times a start-up sample: the prod plan, a trivial plan and the floor, each a process run to its end", async () => {
        const t = tempDir("bench-startup-");
        try {
            writeTrivialProject(t.dir);
            const trivial = await runPlan({ dir: t.dir, stack: "dev", policyPackDir: null });
            assert.strictEqual(trivial.error, undefined, trivial.error?.message);
            assert.deepStrictEqual(
                trivial.resources.map((r) => r.type),
                ["pulumi:pulumi:Stack", "aws:iam/group:Group"],
            );
            const s = await benchStartupOnce(t.dir);
            assert.deepStrictEqual(Object.keys(s).sort(), ["floorMs", "prodPlanColdMs", "prodPlanMs", "trivialPlanMs"]);
            for (const [k, v] of Object.entries(s)) assert.ok(Number.isInteger(v) && v > 0, `${k}: ${v}`);
            process.stdout.write(`      start-up sample: ${JSON.stringify(s)}\n`);
        } finally {
            t.remove();
        }
    });
});
