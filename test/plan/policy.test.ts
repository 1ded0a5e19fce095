// Plans evaluated by the real policy pack (policypack/), started as the engine starts it.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { runPlanHere } from "../helpers/plan";
import { fixture, runCliHere, tempDir, type JsonReport } from "./support";

describe("plan: policy pack evaluation", function () {
    this.timeout(300_000);

    it("blocks an inline IAM user policy with a mandatory violation (exit 1)", async () => {
        const t = tempDir("plan-json-");
        try {
            const json = path.join(t.dir, "plan.json");
            const r = await runCliHere(["--stack", "dev", "--dir", fixture("user-policy"), "--json", json]);
            assert.strictEqual(r.status, 1, r.stdout + r.stderr);
            assert.match(r.stdout, /\[mandatory\] iam-no-user-permissions/);
            assert.match(r.stdout, /aws:iam:UserPolicy contractor-admin/);
            assert.match(r.stdout, /blocked by mandatory policy/);
            const report = JSON.parse(fs.readFileSync(json, "utf8")) as JsonReport;
            assert.strictEqual(report.project, "user-policy-demo");
            const userPolicy = report.resources.find((x) => x.type === "aws:iam/userPolicy:UserPolicy")!;
            const v = report.violations.find((x) => x.policy === "iam-no-user-permissions" && x.urn === userPolicy.urn);
            assert.ok(v, JSON.stringify(report.violations, null, 2));
            assert.strictEqual(v.enforcementLevel, "mandatory");
            assert.strictEqual(report.summary.mandatory, report.violations.filter((x) => x.enforcementLevel === "mandatory").length);
            assert.strictEqual(report.summary.resources, report.resources.length);
        } finally {
            t.remove();
        }
    });

    it("applies a policy config given to runPlan (all advisory: exit 0)", async () => {
        const r = await runPlanHere({ dir: fixture("user-policy"), stack: "dev", policyConfig: { all: "advisory" } });
        assert.strictEqual(r.error, undefined, r.error?.message);
        assert.strictEqual(r.summary.mandatory, 0);
        assert.ok(r.violations.some((v) => v.policy === "iam-no-user-permissions" && v.enforcementLevel === "advisory"));
        assert.strictEqual(r.exitCode, 0);
    });
});
