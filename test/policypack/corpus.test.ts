// A corpus of small Pulumi programs, each with one mistake a guardrail must catch (expect.json
// names the policy), and clean programs that must get no mandatory violation. Each program runs
// under the SDK mock monitor in preview mode and its resources go to the real policy pack over
// gRPC, through the offline plan runner (tools/plan/run.ts), as `pulumi preview --policy-pack` would.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { runPlan } from "../../tools/plan/run";

const CORPUS = path.resolve(__dirname, "../fixtures/policy-programs");

interface Expectation {
    /** The program is clean: no mandatory violation at all. */
    clean?: boolean;
    /** The policy that must catch the program's mistake. */
    policy?: string;
    /** Expected enforcement level (default mandatory). */
    level?: "mandatory" | "advisory";
    /** A fragment the violation message must contain. */
    message?: string;
}

const programs = fs.readdirSync(CORPUS)
    .filter((d) => !d.startsWith("_") && fs.existsSync(path.join(CORPUS, d, "expect.json")))
    .sort();

describe("policy pack: corpus of Pulumi programs (preview under the SDK mock monitor)", function () {
    this.timeout(180_000);

    it("has at least 20 misconfigured programs and some clean ones", () => {
        const expectations = programs.map((p) => JSON.parse(fs.readFileSync(path.join(CORPUS, p, "expect.json"), "utf8")) as Expectation);
        assert.ok(expectations.filter((e) => e.policy).length >= 20);
        assert.ok(expectations.filter((e) => e.clean).length >= 2);
    });

    for (const name of programs) {
        const dir = path.join(CORPUS, name);
        const expect = JSON.parse(fs.readFileSync(path.join(dir, "expect.json"), "utf8")) as Expectation;
        const title = expect.clean ? `${name}: no mandatory violation` : `${name}: caught by ${expect.policy}`;
        it(title, async () => {
            const result = await runPlan({ dir, stack: "dev", preview: true });
            assert.ok(!result.error, `plan failed: ${result.error?.kind}: ${result.error?.message}\n${result.error?.detail ?? ""}`);
            const describe = () => result.violations.map((v) => `  [${v.policy}/${v.enforcementLevel}] ${v.message.split("\n")[1] ?? v.message}`).join("\n") || "  (none)";
            const mandatory = result.violations.filter((v) => v.enforcementLevel === "mandatory");
            if (expect.clean) {
                assert.deepStrictEqual(mandatory.map((v) => `${v.policy}: ${v.message}`), [], `clean program got mandatory violations:\n${describe()}`);
                assert.strictEqual(result.exitCode, 0);
                return;
            }
            const level = expect.level ?? "mandatory";
            const hit = result.violations.find((v) => v.policy === expect.policy && v.enforcementLevel === level && (!expect.message || v.message.includes(expect.message)));
            assert.ok(hit, `expected ${expect.policy} (${level})${expect.message ? ` with "${expect.message}"` : ""}; got:\n${describe()}`);
            if (level === "mandatory") assert.strictEqual(result.exitCode, 1, "a mandatory violation fails the preview");
        });
    }
});
