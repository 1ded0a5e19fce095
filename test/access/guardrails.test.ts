/**
 * The real policy pack, asked as `pulumi preview --policy-pack` would (offline plan tool), finds
 * no mandatory violation in either shipped stack, and nothing at all, advisory included, on the
 * access resources. (Service wildcards under a positive aws:ResourceTag condition fail closed for
 * untaggable actions, which the pack's iam-tag-isolation accepts.)
 */
import { strict as assert } from "assert";
import { shippedPlan } from "../helpers/plan";

describe("policy pack on the shipped stacks (access resources)", function () {
    this.timeout(600_000);
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: no mandatory violation; access resources raise no other finding`, async () => {
            const r = await shippedPlan(stack);
            assert.equal(r.error, undefined, r.error?.message);
            const mandatory = r.violations.filter((v) => v.enforcementLevel === "mandatory");
            assert.deepEqual(
                mandatory.map((v) => `${v.policy} ${v.urn}: ${v.message}`),
                [],
            );
            const access = r.violations.filter((v) => v.urn && /landing-zone:access:AccountAccess/.test(v.urn));
            assert.deepEqual(
                access.map((v) => `${v.policy} ${v.urn}: ${v.message}`),
                [],
            );
            assert.equal(r.exitCode, 0);
        });
    }
});
