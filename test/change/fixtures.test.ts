// Realistic changes, each compared with its expected review (test/fixtures/change/*.yaml): config
// edits on copies of the shipped stacks, or program changes made on a plan report. Each distinct
// config is planned once, offline with the real policy pack; the comparison itself is pure.
import * as assert from "assert";
import { exitStatus } from "../../tools/change/cli";
import { EXIT_FAIL_ON, FAIL_ON_VALUES } from "../../tools/change/flags";
import { compare, failures } from "../../tools/change/compare";
import { renderChangeMarkdown, verdictLine } from "../../tools/change/render";
import type { Comparison, SavedPlan } from "../../tools/change/types";
import { checkList, loadFixtures, mutate, planOf, type Fixture } from "./support";

const fixtures = loadFixtures();

async function comparisonOf(f: Fixture): Promise<{ comparison: Comparison; headExit: number; vars: Record<string, string> }> {
    const base = await planOf(f.stack, f.base);
    let head: { report: SavedPlan; exitCode: number };
    const vars: Record<string, string> = {};
    if (f.headMutation) {
        const m = mutate(base.report, f.headMutation);
        if (m.removedSid) vars.removedSid = m.removedSid;
        head = { report: m.plan, exitCode: base.exitCode };
    } else {
        head = await planOf(f.stack, f.head);
    }
    const comparison = compare(base.report, head.report, {
        base: { source: "file", file: `${f.name}-base.json`, project: base.report.project, stack: f.stack, resources: base.report.resources.length },
    });
    return { comparison, headExit: head.exitCode, vars };
}

describe("change review: realistic changes and their expected comparisons", function () {
    this.timeout(600_000);
    const started = Date.now();
    const results = new Map<string, Promise<{ comparison: Comparison; headExit: number; vars: Record<string, string> }>>();

    before(async () => {
        // Two plans at a time (each is a program process and a policy-pack process).
        const queue = [...fixtures];
        const worker = async () => {
            for (let f = queue.shift(); f; f = queue.shift()) {
                const p = comparisonOf(f);
                results.set(f.name, p);
                await p.catch(() => undefined);
            }
        };
        await Promise.all([worker(), worker()]);
        const configs = new Set(fixtures.flatMap((f) => [JSON.stringify([f.stack, f.base ?? {}]), ...(f.headMutation ? [] : [JSON.stringify([f.stack, f.head ?? {}])])]));
        console.log(`      ${fixtures.length} fixtures from ${configs.size} plans in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });

    for (const f of fixtures) {
        it(`${f.name}: ${f.description}`, async () => {
            const { comparison: c, headExit, vars } = await results.get(f.name)!;
            const e = f.expect;
            for (const [k, v] of Object.entries(e.summary ?? {})) assert.equal(c.summary[k as keyof Comparison["summary"]], v, `summary.${k}: ${JSON.stringify(c.summary)}`);
            checkList("access", c.access as unknown as Record<string, unknown>[], e.access, vars);
            checkList("guardrails", c.guardrails as unknown as Record<string, unknown>[], e.guardrails, vars);
            checkList("dangerous", c.dangerous as unknown as Record<string, unknown>[], e.dangerous, vars);
            for (const k of ["added", "removed", "replaced", "updated", "renamed"] as const)
                checkList(`resources.${k}`, c.resources[k] as unknown as Record<string, unknown>[], e.resources?.[k], vars);
            for (const k of ["new", "fixed"] as const) checkList(`violations.${k}`, c.violations[k] as unknown as Record<string, unknown>[], e.violations?.[k], vars);
            assert.deepEqual(failures(c, FAIL_ON_VALUES), f.failOn, "--fail-on conditions met");
            if (headExit === 0) assert.equal(exitStatus(headExit, c, FAIL_ON_VALUES), f.failOn.length ? EXIT_FAIL_ON : 0);
            if (f.exitCode !== undefined) assert.equal(exitStatus(headExit, c, FAIL_ON_VALUES), f.exitCode, `exit status with --fail-on ${FAIL_ON_VALUES.join(",")}`);
            // Without --fail-on, the plan's own status.
            assert.equal(exitStatus(headExit, c, []), headExit);

            const md = renderChangeMarkdown(c);
            assert.equal(md.split("\n")[0], `**Change review, \`${f.stack}\`: ${verdictLine(c)}**`);
            assert.ok(md.length <= 65_536);
        });
    }
});
