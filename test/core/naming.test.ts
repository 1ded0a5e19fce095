/**
 * One file naming convention: every source file of the program, the policy pack, the tools and
 * the tests is named in kebab-case (`policy-document.ts`, `no-pass-role-wildcard.ts`), so a
 * newcomer never has to guess a file's spelling. Test fixtures are programs of their own and
 * keep the names their patterns use.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+)*$/;

describe("file names", () => {
    it("every source file outside the fixtures is kebab-case", () => {
        const files = ["components", "policypack", "tools", "test"]
            .flatMap((dir) => fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" }).map((f) => path.join(dir, f)))
            .filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.startsWith(path.join("test", "fixtures")) && !f.split(path.sep).includes("node_modules"));
        assert.ok(files.length > 100, `${files.length} files`);
        const offenders = files.filter((f) => !KEBAB.test(path.basename(f)));
        assert.deepEqual(offenders, [], "rename these to kebab-case");
    });
});
