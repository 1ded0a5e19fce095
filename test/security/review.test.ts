/**
 * The estate review reads the baseline: its unused-credential thresholds default to the
 * unused-access analyzer's age (security.accessAnalyzer.unusedAccessAge), so the review and the
 * analyzer call the same passwords and keys unused; the command line still decides.
 */
import * as assert from "assert";
import { DEFAULT_REVIEW_OPTIONS } from "../../tools/review/compare";
import { parseArgs, reviewOptions } from "../../tools/review/cli";
import { declaredFromConfig } from "../../tools/review/declared";
import { variant } from "./support";

describe("security baseline: the estate review reads the unused-access age", () => {
    const declared = (edit: (raw: Record<string, any>) => void) => declaredFromConfig("prod", variant("prod", edit));

    it("defaults the unused thresholds to the analyzer's age", () => {
        const d = declared((raw) => (raw.security.accessAnalyzer = { unusedAccessAge: 120 }));
        assert.equal(d.unusedAccessAge, 120);
        const o = reviewOptions(parseArgs(["--stack", "prod", "--live"]), d);
        assert.equal(o.keyUnusedDays, 120);
        assert.equal(o.passwordUnusedDays, 120);
        assert.equal(o.keyMaxAgeDays, DEFAULT_REVIEW_OPTIONS.keyMaxAgeDays);
    });

    it("keeps what the command line says", () => {
        const d = declared((raw) => (raw.security.accessAnalyzer = { unusedAccessAge: 120 }));
        const o = reviewOptions(parseArgs(["--stack", "prod", "--live", "--key-unused-days", "30"]), d);
        assert.equal(o.keyUnusedDays, 30);
        assert.equal(o.passwordUnusedDays, 120);
    });

    it("keeps the review's own defaults without the unused-access analyzer", () => {
        for (const d of [declared((raw) => (raw.security.accessAnalyzer = { unusedAccess: false })), declared((raw) => delete raw.security)]) {
            assert.equal(d.unusedAccessAge, undefined);
            assert.deepEqual(reviewOptions(parseArgs(["--stack", "prod", "--live"]), d), DEFAULT_REVIEW_OPTIONS);
        }
    });
});
