/**
 * The shipped stacks planned offline with the real policy pack (what a pull request sees): prod
 * with the organization's baseline, dev with the single-account form, and not one violation,
 * at any enforcement level.
 */
import * as assert from "assert";
import type { PlanResult } from "../../tools/plan/run";
import { shippedPlan } from "../helpers/plan";

describe("security baseline: shipped stacks, offline plan with the policy pack", function () {
    this.timeout(300_000);
    const plans: Record<string, PlanResult> = {};
    before(async () => {
        for (const stack of ["prod", "dev"]) plans[stack] = await shippedPlan(stack);
    });
    const count = (r: PlanResult, type: string, pred: (inputs: Record<string, any>) => boolean = () => true) => r.resources.filter((x) => x.type === type && pred(x.inputs)).length;

    for (const stack of ["prod", "dev"]) {
        it(`${stack}: zero violations`, () => {
            const r = plans[stack];
            assert.equal(r.error, undefined, r.error?.message);
            assert.deepEqual(
                r.violations.map((v) => `${v.enforcementLevel} ${v.policy}: ${v.message}`),
                [],
            );
            assert.equal(r.exitCode, 0);
        });
    }

    it("prod plans the organization trail, the log archive and the detective services", () => {
        const r = plans.prod;
        assert.equal(
            count(r, "aws:cloudtrail/trail:Trail", (i) => i.isOrganizationTrail === true && i.isMultiRegionTrail === true && i.enableLogFileValidation === true),
            1,
        );
        assert.equal(count(r, "aws:s3/bucket:Bucket"), 1);
        assert.equal(count(r, "aws:guardduty/detector:Detector"), 3);
        assert.equal(count(r, "aws:securityhub/configurationPolicy:ConfigurationPolicy"), 1);
        assert.equal(count(r, "aws:cfg/configurationAggregator:ConfigurationAggregator"), 1);
        assert.equal(count(r, "aws:accessanalyzer/analyzer:Analyzer"), 4);
        // The pack judged them: the trail and log bucket policies had something to check.
        assert.ok(r.policyPack, "the policy pack ran");
    });

    it("dev plans the single-account form", () => {
        const r = plans.dev;
        assert.equal(
            count(r, "aws:cloudtrail/trail:Trail", (i) => i.isOrganizationTrail === false),
            1,
        );
        assert.equal(count(r, "aws:guardduty/detector:Detector"), 1);
        assert.equal(count(r, "aws:securityhub/configurationPolicy:ConfigurationPolicy"), 0);
    });
});
