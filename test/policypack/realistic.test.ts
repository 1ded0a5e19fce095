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
    kind?: "finding" | "could-not-check" | "convention";
    why: string;
}
interface Expectation { pattern: string; config?: Record<string, unknown>; expected: Expected[] }

/** Logical name of the resource a violation is about. */
const resourceOf = (v: PlanViolation) => v.urn?.split("::").pop();

function matches(v: PlanViolation, e: Expected): boolean {
    return v.policy === e.policy && v.enforcementLevel === (e.level ?? "mandatory") &&
        (e.resource === undefined || resourceOf(v) === e.resource) && (e.message === undefined || v.message.includes(e.message));
}

export interface Score {
    /** Reported violations matched by an expectation (each expectation matches at most `count`). */
    truePositives: PlanViolation[];
    falsePositives: PlanViolation[];
    found: Expected[];
    missed: Expected[];
}

/** Assigns each reported violation to the first expectation with room for it. */
export function score(result: PlanResult, expected: Expected[]): Score {
    const room = expected.map((e) => e.count ?? 1);
    const hits = expected.map(() => 0);
    const s: Score = { truePositives: [], falsePositives: [], found: [], missed: [] };
    for (const v of result.violations) {
        const i = expected.findIndex((e, k) => hits[k] < room[k] && matches(v, e));
        if (i >= 0) { hits[i]++; s.truePositives.push(v); } else s.falsePositives.push(v);
    }
    expected.forEach((e, k) => (hits[k] === room[k] ? s.found : s.missed).push(e));
    return s;
}

const pct = (n: number, d: number) => (d === 0 ? "n/a" : `${(100 * n / d).toFixed(1)}%`);

describe("policy pack: realistic programs (precision and recall)", function () {
    this.timeout(600_000);
    const pack = useSharedPack();
    const programs = corpusPrograms(CORPUS);
    const scores = new Map<string, { expect: Expectation; score: Score; ms: number }>();

    it("has at least 40 programs, clean ones among them", () => {
        const expectations = programs.map((p) => readExpect<Expectation>(CORPUS, p));
        assert.ok(programs.length >= 40, `${programs.length} programs`);
        assert.ok(expectations.filter((e) => !e.expected.some((x) => (x.level ?? "mandatory") === "mandatory")).length >= 20);
    });

    for (const name of programs) {
        const expect = readExpect<Expectation>(CORPUS, name);
        const mandatory = expect.expected.filter((e) => (e.level ?? "mandatory") === "mandatory");
        const title = mandatory.length === 0 ? `${name}: no mandatory violation` : `${name}: ${mandatory.map((e) => e.policy).join(", ")}`;
        it(title, async () => {
            const t0 = Date.now();
            const result = await pack.run(path.join(CORPUS, name), expect.config ?? {});
            assert.ok(!result.error, `plan failed: ${result.error?.kind}: ${result.error?.message}\n${result.error?.detail ?? ""}`);
            const s = score(result, expect.expected);
            scores.set(name, { expect, score: s, ms: Date.now() - t0 });
            const got = describeViolations(result);
            if (mandatory.length === 0) {
                assert.deepStrictEqual(result.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policy}: ${v.message}`), [], `clean program got mandatory violations:\n${got}`);
            }
            const missedMandatory = s.missed.filter((e) => (e.level ?? "mandatory") === "mandatory");
            assert.deepStrictEqual(missedMandatory.map((e) => `${e.policy} on ${e.resource ?? "?"}${e.message ? ` ("${e.message}")` : ""}`), [], `expected findings not reported; got:\n${got}`);
        });
    }

    it("precision and recall over the corpus", () => {
        assert.strictEqual(scores.size, programs.length, "every program ran");
        let tp = 0, fp = 0, found = 0, missed = 0, cncTp = 0, cncFp = 0, convention = 0, ms = 0;
        const lines: string[] = [];
        for (const [name, { score: s, ms: t }] of scores) {
            tp += s.truePositives.length; fp += s.falsePositives.length; found += s.found.length; missed += s.missed.length; ms += t;
            cncTp += s.truePositives.filter((v) => v.message.includes("Could not check")).length;
            cncFp += s.falsePositives.filter((v) => v.message.includes("Could not check")).length;
            convention += s.found.filter((e) => e.kind === "convention").length;
            for (const v of s.falsePositives) lines.push(`    false positive  ${name}: [${v.policy}/${v.enforcementLevel}] ${resourceOf(v)}: ${v.message.split("\n")[1] ?? v.message}`);
            for (const e of s.missed) lines.push(`    missed          ${name}: [${e.policy}/${e.level ?? "mandatory"}] ${e.resource ?? ""} ${e.message ?? ""}`);
        }
        const precision = tp / Math.max(1, tp + fp);
        const recall = found / Math.max(1, found + missed);
        console.log(`      realistic programs: ${scores.size} programs in ${(ms / 1000).toFixed(1)} s`);
        console.log(`      precision ${pct(tp, tp + fp)} (${tp} of ${tp + fp} reported violations expected; ${cncTp} of them "could not check")`);
        console.log(`      precision without "could not check" findings ${pct(tp - cncTp, tp - cncTp + fp - cncFp)} (${tp - cncTp} of ${tp - cncTp + fp - cncFp})`);
        console.log(`      recall ${pct(found, found + missed)} (${found} of ${found + missed} expected findings reported; ${convention} of them conventions of this pack)`);
        if (lines.length > 0) console.log(lines.join("\n"));
        assert.ok(precision >= 0.9, `precision ${pct(tp, tp + fp)} is below 90%`);
        assert.ok(recall >= 0.95, `recall ${pct(found, found + missed)} is below 95%`);
    });
});
