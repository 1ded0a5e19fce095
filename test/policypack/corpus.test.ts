// A corpus of small Pulumi programs, each with one mistake a guardrail must catch (expect.json
// names the policy), and clean programs that must get no mandatory violation. Each program runs
// under the SDK mock monitor in preview mode and its resources go to the real policy pack over
// gRPC, through the offline plan runner (tools/plan/run.ts), as `pulumi preview --policy-pack`
// would; one pack process serves the whole corpus, configured as the dev stack's.
import * as assert from "assert";
import * as path from "path";
import { corpusPrograms, describeViolations, readExpect, useSharedPack } from "./programs";

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

const programs = corpusPrograms(CORPUS);

describe("policy pack: corpus of Pulumi programs (preview under the SDK mock monitor)", function () {
    this.timeout(600_000);
    const pack = useSharedPack(() => programs.map((p) => ({ dir: path.join(CORPUS, p) })));

    it("has at least 20 misconfigured programs and some clean ones", () => {
        const expectations = programs.map((p) => readExpect<Expectation>(CORPUS, p));
        assert.ok(expectations.filter((e) => e.policy).length >= 20);
        assert.ok(expectations.filter((e) => e.clean).length >= 2);
    });

    for (const name of programs) {
        const dir = path.join(CORPUS, name);
        const expect = readExpect<Expectation>(CORPUS, name);
        const title = expect.clean ? `${name}: no mandatory violation` : `${name}: caught by ${expect.policy}`;
        it(title, async () => {
            const result = await pack.result(dir);
            assert.ok(!result.error, `plan failed: ${result.error?.kind}: ${result.error?.message}\n${result.error?.detail ?? ""}`);
            const mandatory = result.violations.filter((v) => v.enforcementLevel === "mandatory");
            if (expect.clean) {
                assert.deepStrictEqual(
                    mandatory.map((v) => `${v.policy}: ${v.message}`),
                    [],
                    `clean program got mandatory violations:\n${describeViolations(result)}`,
                );
                assert.strictEqual(result.exitCode, 0);
                return;
            }
            const level = expect.level ?? "mandatory";
            const hit = result.violations.find((v) => v.policy === expect.policy && v.enforcementLevel === level && (!expect.message || v.message.includes(expect.message)));
            assert.ok(hit, `expected ${expect.policy} (${level})${expect.message ? ` with "${expect.message}"` : ""}; got:\n${describeViolations(result)}`);
            if (level === "mandatory") assert.strictEqual(result.exitCode, 1, "a mandatory violation fails the preview");
        });
    }

    after(() => console.log(`      ${programs.length} programs planned in ${(pack.elapsedMs() / 1000).toFixed(1)} s against one policy pack`));
});
