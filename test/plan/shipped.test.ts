// The plans of the two shipped stacks (Pulumi.dev.yaml, Pulumi.prod.yaml) with the real
// program and policy pack: what a pull request sees.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { type PlanResult } from "../../tools/plan/run";
import { shippedPlan } from "../helpers/plan";
import { withComparisonFields } from "../../tools/change/report";
import { renderMermaid, renderMarkdown, renderText, toJsonReport } from "../../tools/plan/render";
import { ROOT, runCli, tempDir, type JsonReport } from "./support";

describe("plan: shipped stacks", function () {
    this.timeout(300_000);
    let prod: PlanResult;
    const prodConfig = (YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> }).config;

    before(async () => {
        prod = await shippedPlan("prod");
    });

    it("plans prod with exit 0 and its default policy config", () => {
        assert.strictEqual(prod.error, undefined, prod.error?.message);
        assert.strictEqual(prod.exitCode, 0, renderText(prod));
        assert.strictEqual(prod.summary.mandatory, 0);
        assert.strictEqual(prod.policyPack?.configFile, path.join(ROOT, "policypack", "config", "prod.json"));
        // CPU time of the program's and the pack's processes (the benchmark compares them).
        assert.ok(prod.timings.programCpuMs! > 0, JSON.stringify(prod.timings));
        if (process.platform === "linux") assert.ok(prod.timings.policyCpuMs! > 0, JSON.stringify(prod.timings));
        const text = renderText(prod);
        assert.match(text, /^ \+ {3}pulumi:pulumi:Stack\s+landing-zone-prod\s+create$/m);
        assert.match(text, /Summary: \d+ resources/);
    });

    it("places every configured account under its OU, through property dependencies", () => {
        const accounts = prodConfig["landing-zone:accounts"] as Record<string, { name: string; ou: string }>;
        const ous = prodConfig["landing-zone:organizationalUnits"] as Record<string, { name: string }>;
        const byUrn = new Map(prod.resources.map((r) => [r.urn, r]));
        const mermaid = renderMermaid(prod);
        const nodeOf = (label: string) => {
            const m = new RegExp(`^\\s+(n\\d+)\\S*"${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[<#"]`, "m").exec(mermaid);
            assert.ok(m, `node ${label} in\n${mermaid}`);
            return m[1]!;
        };
        for (const a of Object.values(accounts)) {
            const acct = prod.resources.find((r) => r.type === "aws:organizations/account:Account" && r.inputs.name === a.name);
            assert.ok(acct, `account ${a.name}`);
            assert.deepStrictEqual(acct.inputs.parentId, { __plan: "unknown" });
            const parent = byUrn.get((acct.propertyDependencies.parentId ?? [])[0] ?? "");
            assert.strictEqual(parent?.type, "aws:organizations/organizationalUnit:OrganizationalUnit");
            assert.strictEqual(parent.inputs.name, ous[a.ou]!.name);
            assert.ok(mermaid.includes(`${nodeOf(`OU ${ous[a.ou]!.name}`)} --> ${nodeOf(`Account ${a.name}`)}`), `edge OU ${ous[a.ou]!.name} -> ${a.name}`);
        }
        assert.match(mermaid, /-\. attached \.->/);
    });

    it("writes a Markdown comment with the tree and violations", () => {
        const md = renderMarkdown(prod);
        assert.match(md, /^### Offline plan: `landing-zone` \/ `prod` \(OK\)/);
        assert.ok(md.includes("```text\n     Type"));
        assert.match(md, /#### Access/);
        // One row per team of the program's accessMatrix output.
        const matrix = prod.outputs.accessMatrix as Record<string, Record<string, string>>;
        assert.ok(matrix && typeof matrix === "object", "prod exports accessMatrix");
        for (const [team, levels] of Object.entries(matrix)) {
            const row = md.split("\n").find((l) => l.startsWith(`| ${team} |`));
            assert.ok(row, `row for ${team}`);
            for (const level of Object.values(levels)) assert.ok(row.includes(`| ${level}`), `${team}: ${level} in ${row}`);
        }
    });

    it("plans dev through the CLI: exit 0, tree and JSON, the same plan as the test harness makes in process", async () => {
        const t = tempDir("plan-dev-");
        try {
            const json = path.join(t.dir, "dev.json");
            const r = runCli(["--stack", "dev", "--json", json]);
            assert.strictEqual(r.status, 0, r.stdout + r.stderr);
            assert.match(r.stdout, /pulumi:pulumi:Stack\s+landing-zone-dev\s+create/);
            assert.match(r.stdout, /0 mandatory/);
            const report = JSON.parse(fs.readFileSync(json, "utf8")) as JsonReport;
            assert.strictEqual(report.project, "landing-zone");
            assert.strictEqual(report.stack, "dev");
            assert.strictEqual(report.summary.mandatory, 0);
            assert.strictEqual(report.summary.resources, report.resources.length);
            // Single-account layout: no AWS Organizations resources.
            assert.ok(!report.resources.some((x) => x.type.startsWith("aws:organizations/")));
            const stack = report.resources.find((x) => x.type === "pulumi:pulumi:Stack")!;
            for (const res of report.resources) {
                if (res !== stack) assert.ok(res.parent, `${res.urn} has a parent`);
                assert.match(res.urn, /^urn:pulumi:dev::landing-zone::/);
            }
            for (const v of report.violations) assert.ok(v.urn === null || report.resources.some((x) => x.urn === v.urn));
            // The test harness plans in the test process: what it reports is what the command reports.
            const dev = await shippedPlan("dev");
            assert.deepStrictEqual(report, JSON.parse(JSON.stringify(withComparisonFields(toJsonReport(dev), dev))));
        } finally {
            t.remove();
        }
    });
});
