/**
 * Pins every URN of the shipped stacks. A changed URN is a delete and a create: for an
 * account, a closed account. So a refactor that renames, re-parents or drops a resource
 * fails here; a rename must go through an alias (`formerKeys`, or `aliases` in code).
 *
 * After intentionally adding or removing resources, re-pin with:
 *   UPDATE_URN_PINS=1 npx mocha test/core/urns.test.ts
 * and review the diff of test/core/urns/*.json like any other change.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { shippedPlan } from "../helpers/plan";

const PRECIOUS = ["aws:organizations/organization:Organization", "aws:organizations/account:Account"];

for (const stack of ["dev", "prod", "prod-sso"]) {
    describe(`URN pins: ${stack} stack`, () => {
        const file = path.join(__dirname, "urns", `${stack}.json`);
        let current: string[];
        before(async () => {
            // The offline plan builds URNs the engine's way (the root stack is not in the type chain).
            const run = await shippedPlan(stack);
            assert.equal(run.error, undefined, run.error?.message);
            current = run.resources
                .filter((r) => r.type !== "pulumi:pulumi:Stack")
                .map((r) => r.urn)
                .sort();
            if (process.env.UPDATE_URN_PINS) fs.writeFileSync(file, JSON.stringify(current, null, 2) + "\n");
        });

        it("keeps every pinned URN (nothing renamed, re-parented or dropped)", () => {
            const pinned: string[] = JSON.parse(fs.readFileSync(file, "utf8"));
            const now = new Set(current);
            const lost = pinned.filter((u) => !now.has(u));
            const precious = lost.filter((u) => PRECIOUS.some((t) => u.includes(`$${t}::`) || u.includes(`::${t}::`)));
            assert.deepEqual(precious, [], `these accounts or the organization would be REPLACED or DELETED:\n${precious.join("\n")}`);
            assert.deepEqual(lost, [], `these resources would be replaced or deleted (add an alias, or re-pin if intended):\n${lost.join("\n")}`);
        });

        it("has every registered URN pinned (new resources are reviewed)", () => {
            const pinned = new Set<string>(JSON.parse(fs.readFileSync(file, "utf8")));
            const added = current.filter((u) => !pinned.has(u));
            assert.deepEqual(added, [], `new URNs; re-pin with UPDATE_URN_PINS=1 if intended:\n${added.join("\n")}`);
        });
    });
}
