/**
 * The policy table of docs/policy-pack.md and policypack/README.md is generated from the pack's
 * policies: it fails here when stale (regenerate with `npm run docs`).
 */
import * as assert from "assert";
import * as fs from "fs";
import { policies } from "../../policypack/policies";
import { POLICY_TABLE_FILES, withPolicyTable } from "../../tools/docs/policy-table";

describe("policy table (generated from the pack)", () => {
    for (const file of POLICY_TABLE_FILES) {
        it(`${file.split("/").slice(-2).join("/")} is what \`npm run docs\` writes`, () => {
            const text = fs.readFileSync(file, "utf8");
            assert.equal(text, withPolicyTable(text, file), "stale: run npm run docs");
        });
    }

    it("has a row for every policy the pack serves, and a section in the catalogue for each", () => {
        const doc = fs.readFileSync(POLICY_TABLE_FILES[0]!, "utf8");
        for (const p of policies) {
            assert.ok(doc.includes(`| \`${p.name}\` |`), `${p.name} in the table`);
            assert.match(doc, new RegExp(`^###.*\`${p.name}\``, "m"), `${p.name} has a section`);
        }
    });
});
