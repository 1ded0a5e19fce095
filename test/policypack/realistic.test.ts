// The pack on programs written the way public Pulumi TypeScript projects are (see
// test/fixtures/realistic-programs/README.md): every expected mandatory finding is reported,
// clean programs get no mandatory violation, and the corpus-wide precision (reported violations
// that are expected) and recall (expected findings that are reported) are printed and held to
// their targets.
import * as assert from "assert";
import * as path from "path";
import type { PlanResult, PlanViolation } from "../../tools/plan/run";
import { corpusPrograms, describeViolations, readExpect, useSharedPack } from "./programs";

const CORPUS = path.resolve(__dirname, "../fixtures/realistic-programs");

interface Expected {
    policy: string;
    level?: "mandatory" | "advisory";
    resource?: string;
    message?: string;
    count?: number;
    /**
     * finding: what AWS semantics call for; could-not-check: a value unknown at preview decides;
     * convention: a rule of this pack rather than of AWS; limit: a false positive the pack's
     * documentation names as a known limit (expected, so the program's test passes, but counted
     * as a false positive, and not as a finding for recall).
     */
    kind?: "finding" | "could-not-check" | "convention" | "limit";
    why: string;
}
interface Expectation {
    pattern: string;
    config?: Record<string, unknown>;
    expected: Expected[];
}

/** Logical name of the resource a violation is about. */
const resourceOf = (v: PlanViolation) => v.urn?.split("::").pop();

function matches(v: PlanViolation, e: Expected): boolean {
    return (
        v.policy === e.policy &&
        v.enforcementLevel === (e.level ?? "mandatory") &&
        (e.resource === undefined || resourceOf(v) === e.resource) &&
        (e.message === undefined || v.message.includes(e.message))
    );
}

export interface Score {
    /** Reported violations matched by an expectation (each expectation matches at most `count`). */
    truePositives: PlanViolation[];
    /** Reported violations no expectation accounts for, and those of known limits. */
    falsePositives: PlanViolation[];
    /** The violations of known limits (also among the false positives). */
    limits: PlanViolation[];
    found: Expected[];
    missed: Expected[];
}

/** Assigns each reported violation to the first expectation with room for it. */
export function score(result: PlanResult, expected: Expected[]): Score {
    const room = expected.map((e) => e.count ?? 1);
    const hits = expected.map(() => 0);
    const s: Score = { truePositives: [], falsePositives: [], limits: [], found: [], missed: [] };
    for (const v of result.violations) {
        const i = expected.findIndex((e, k) => hits[k] < room[k] && matches(v, e));
        if (i < 0) s.falsePositives.push(v);
        else {
            hits[i]++;
            if (expected[i].kind === "limit") {
                s.falsePositives.push(v);
                s.limits.push(v);
            } else s.truePositives.push(v);
        }
    }
    expected.forEach((e, k) => {
        if (e.kind !== "limit") (hits[k] === room[k] ? s.found : s.missed).push(e);
    });
    return s;
}

const pct = (n: number, d: number) => (d === 0 ? "n/a" : `${((100 * n) / d).toFixed(1)}%`);

describe("policy pack: realistic programs (precision and recall)", function () {
    this.timeout(600_000);
    const programs = corpusPrograms(CORPUS);
    const pack = useSharedPack(() => programs.map((p) => ({ dir: path.join(CORPUS, p), policyConfig: readExpect<Expectation>(CORPUS, p).config ?? {} })));
    const scores = new Map<string, { expect: Expectation; score: Score }>();

    it("has at least 40 programs, clean ones among them", () => {
        const expectations = programs.map((p) => readExpect<Expectation>(CORPUS, p));
        assert.ok(programs.length >= 40, `${programs.length} programs`);
        assert.ok(expectations.filter((e) => !e.expected.some((x) => (x.level ?? "mandatory") === "mandatory" && x.kind !== "limit")).length >= 20);
    });

    for (const name of programs) {
        const expect = readExpect<Expectation>(CORPUS, name);
        const mandatory = expect.expected.filter((e) => (e.level ?? "mandatory") === "mandatory" && e.kind !== "limit");
        const limits = expect.expected.filter((e) => e.kind === "limit");
        const title =
            (mandatory.length === 0 ? `${name}: no mandatory violation` : `${name}: ${mandatory.map((e) => e.policy).join(", ")}`) +
            (limits.length > 0 ? ` (known limit: ${limits.map((e) => e.policy).join(", ")})` : "");
        it(title, async () => {
            const result = await pack.result(path.join(CORPUS, name));
            assert.ok(!result.error, `plan failed: ${result.error?.kind}: ${result.error?.message}\n${result.error?.detail ?? ""}`);
            const s = score(result, expect.expected);
            scores.set(name, { expect, score: s });
            const got = describeViolations(result);
            if (mandatory.length === 0) {
                const unexpected = result.violations.filter((v) => v.enforcementLevel === "mandatory" && !s.limits.includes(v));
                assert.deepStrictEqual(
                    unexpected.map((v) => `${v.policy}: ${v.message}`),
                    [],
                    `clean program got mandatory violations:\n${got}`,
                );
            }
            const missedMandatory = s.missed.filter((e) => (e.level ?? "mandatory") === "mandatory");
            assert.deepStrictEqual(
                missedMandatory.map((e) => `${e.policy} on ${e.resource ?? "?"}${e.message ? ` ("${e.message}")` : ""}`),
                [],
                `expected findings not reported; got:\n${got}`,
            );
        });
    }

    it("precision and recall over the corpus", () => {
        let tp = 0,
            fp = 0,
            found = 0,
            missed = 0,
            cncTp = 0,
            cncFp = 0,
            convention = 0,
            limits = 0,
            cleanPrograms = 0,
            cleanMandatory = 0;
        const lines: string[] = [];
        for (const [name, { expect, score: s }] of scores) {
            tp += s.truePositives.length;
            fp += s.falsePositives.length;
            found += s.found.length;
            missed += s.missed.length;
            limits += s.limits.length;
            if (!expect.expected.some((e) => (e.level ?? "mandatory") === "mandatory" && e.kind !== "limit")) {
                cleanPrograms++;
                cleanMandatory += s.falsePositives.filter((v) => v.enforcementLevel === "mandatory").length;
            }
            cncTp += s.truePositives.filter((v) => v.message.includes("Could not check")).length;
            cncFp += s.falsePositives.filter((v) => v.message.includes("Could not check")).length;
            convention += s.found.filter((e) => e.kind === "convention").length;
            for (const v of s.falsePositives)
                lines.push(
                    `    false positive  ${name}: [${v.policy}/${v.enforcementLevel}] ${resourceOf(v)}${s.limits.includes(v) ? " (documented limit)" : ""}: ${v.message.split("\n")[1] ?? v.message}`,
                );
            for (const e of s.missed) lines.push(`    missed          ${name}: [${e.policy}/${e.level ?? "mandatory"}] ${e.resource ?? ""} ${e.message ?? ""}`);
        }
        const precision = tp / Math.max(1, tp + fp);
        const recall = found / Math.max(1, found + missed);
        console.log(`      realistic programs: ${scores.size} programs planned in ${(pack.elapsedMs() / 1000).toFixed(1)} s against one policy pack`);
        console.log(`      precision ${pct(tp, tp + fp)} (${tp} of ${tp + fp} reported violations expected; ${cncTp} of them "could not check")`);
        console.log(`      precision without "could not check" findings ${pct(tp - cncTp, tp - cncTp + fp - cncFp)} (${tp - cncTp} of ${tp - cncTp + fp - cncFp})`);
        console.log(`      recall ${pct(found, found + missed)} (${found} of ${found + missed} expected findings reported; ${convention} of them conventions of this pack)`);
        console.log(`      clean programs: ${cleanPrograms}, with ${cleanMandatory} mandatory violations (${limits} of them documented limits)`);
        if (lines.length > 0) console.log(lines.join("\n"));
        assert.strictEqual(scores.size, programs.length, "every program ran");
        assert.ok(precision >= 0.9, `precision ${pct(tp, tp + fp)} is below 90%`);
        assert.ok(recall >= 0.95, `recall ${pct(found, found + missed)} is below 95%`);
    });
});
