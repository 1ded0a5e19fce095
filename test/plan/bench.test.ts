// The benchmark's generated stacks must be stacks the program accepts, of the size asked for.
import * as assert from "assert";
import * as fs from "fs";
import { benchPolicyConfig, generateStackConfig, medianOf, medianRow, spread, writeFloorProject, writeLandingZoneProject, writeSameTypesFloorProject } from "../../tools/bench/bench";
import { runPlanHere } from "../helpers/plan";
import { tempDir } from "./support";

describe("bench: generated stacks", function () {
    this.timeout(180_000);

    it("grows the shipped prod stack to N accounts with their OUs and environments", () => {
        const config = generateStackConfig(37);
        const accounts = config["landing-zone:accounts"] as Record<string, { ou: string; environments?: string[] }>;
        const ous = config["landing-zone:organizationalUnits"] as Record<string, { parent?: string }>;
        const envs = (config["landing-zone:environments"] as { name: string }[]).map((e) => e.name);
        assert.strictEqual(Object.keys(accounts).length, 37);
        for (const a of Object.values(accounts)) {
            assert.ok(ous[a.ou], `OU ${a.ou} exists`);
            for (const e of a.environments ?? []) assert.ok(envs.includes(e), `environment ${e} declared`);
        }
        assert.strictEqual(new Set(envs).size, envs.length);
        // The policy config knows every environment of the generated stack.
        const policy = benchPolicyConfig(config);
        const listed = Object.values(policy).flatMap((v) =>
            v && typeof v === "object" && Array.isArray((v as { environments?: string[] }).environments) ? (v as { environments: string[] }).environments : [],
        );
        for (const e of envs) assert.ok(listed.includes(e), `${e} in the policy config`);
    });

    it("reports each figure's median over the runs", () => {
        const row = (programMs: number, floorMs: number) => ({
            accounts: 10,
            resources: 152,
            programMs,
            floorMs,
            policyMs: programMs / 2,
            analyzeMs: 1,
            analyzeStackMs: 1,
            policyFloorMs: 1,
            sequentialTotalMs: 1,
            streamedTotalMs: 1,
            peakRssMb: 1,
            floorPeakRssMb: 1,
            groupsFloorMs: 1,
            programCpuMs: 1,
            floorCpuMs: 1,
            policyCpuMs: 1,
            policyFloorCpuMs: 1,
        });
        const m = medianRow([row(900, 500), row(1500, 400), row(1000, 450)]);
        assert.strictEqual(m.programMs, 1000);
        assert.strictEqual(m.floorMs, 450);
        assert.strictEqual(m.policyMs, 500);
        assert.strictEqual(medianRow([row(900, 500), row(1000, 400)]).programMs, 950);
    });

    it("reports the start-up figures' medians and their spread", () => {
        const sample = (prodPlanMs: number, floorMs: number) => ({ prodPlanMs, prodPlanColdMs: 2 * prodPlanMs, trivialPlanMs: prodPlanMs / 2, floorMs });
        assert.deepStrictEqual(medianOf([sample(2000, 1000), sample(2600, 1200), sample(2200, 900)]), { prodPlanMs: 2200, prodPlanColdMs: 4400, trivialPlanMs: 1100, floorMs: 1000 });
        assert.strictEqual(spread([900, 1000, 1200]), 0.3);
    });

    it("runs the real program on a generated stack, and the floor with as many resources", async () => {
        const t = tempDir("bench-test-");
        try {
            writeLandingZoneProject(t.dir, 12);
            const plan = await runPlanHere({ dir: t.dir, stack: "bench", policyPackDir: null });
            assert.strictEqual(plan.error, undefined, plan.error?.message);
            assert.strictEqual(plan.resources.filter((r) => r.type === "aws:organizations/account:Account").length, 12);
            const floorDir = `${t.dir}-floor`;
            fs.mkdirSync(floorDir);
            try {
                writeFloorProject(floorDir, plan.resources.length - 1);
                const floor = await runPlanHere({ dir: floorDir, stack: "bench", policyPackDir: null });
                assert.strictEqual(floor.error, undefined, floor.error?.message);
                assert.strictEqual(floor.resources.length, plan.resources.length);
                // The floor the targets use: as many resources, of the plan's own types.
                fs.rmSync(floorDir, { recursive: true, force: true });
                fs.mkdirSync(floorDir);
                const types = plan.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => (r.custom ? r.type : "aws:iam/group:Group"));
                writeSameTypesFloorProject(floorDir, types);
                const same = await runPlanHere({ dir: floorDir, stack: "bench", policyPackDir: null });
                assert.strictEqual(same.error, undefined, same.error?.message);
                const histogram = (ts: string[]) => JSON.stringify([...ts.reduce((m, t) => m.set(t, (m.get(t) ?? 0) + 1), new Map<string, number>())].sort());
                assert.strictEqual(histogram(same.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => r.type)), histogram(types));
                assert.ok(
                    same.resources.every((r) => r.parent === undefined || r.parent.endsWith("bench-floor-bench")),
                    "registered flat",
                );
            } finally {
                fs.rmSync(floorDir, { recursive: true, force: true });
            }
        } finally {
            t.remove();
        }
    });
});
