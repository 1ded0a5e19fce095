import * as assert from "assert";
import { renderAccessTable, renderMarkdown, renderMermaid, renderText, summaryLine, toJsonReport } from "../../tools/plan/render";
import type { PlanResult } from "../../tools/plan/run";
import type { PlanValue, PlannedResource } from "../../tools/plan/types";

const U = { __plan: "unknown" } as const;
const P = "urn:pulumi:dev::demo::";

function res(type: string, name: string, inputs: Record<string, PlanValue>, extra: Partial<PlannedResource> = {}): PlannedResource {
    return {
        urn: `${P}${type}::${name}`,
        type,
        name,
        custom: !type.startsWith("pulumi:pulumi"),
        parent: type === "pulumi:pulumi:Stack" ? undefined : `${P}pulumi:pulumi:Stack::demo-dev`,
        dependencies: [],
        propertyDependencies: {},
        inputs,
        options: { protect: false, retainOnDelete: false, aliases: [], ignoreChanges: [], replaceOnChanges: [], additionalSecretOutputs: [] },
        ...extra,
    };
}

function plan(resources: PlannedResource[], outputs: Record<string, PlanValue> = {}, violations: PlanResult["violations"] = []): PlanResult {
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    return {
        project: "demo",
        stack: "dev",
        dir: "/tmp/demo",
        resources,
        outputs,
        logs: [],
        violations,
        summary: { resources: resources.length, create: resources.length, import: 0, read: 0, mandatory, advisory: violations.length - mandatory, remediate: 0 },
        exitCode: mandatory ? 1 : 0,
        timings: { programMs: 0, programLoadMs: 0, policyStartMs: 0, policyMs: 0, analyzeMs: 0, analyzeStackMs: 0, totalMs: 0 },
        peakRssMb: 0,
    };
}

const ORG = "aws:organizations/organization:Organization";
const OU = "aws:organizations/organizationalUnit:OrganizationalUnit";
const ACCT = "aws:organizations/account:Account";
const POL = "aws:organizations/policy:Policy";
const ATT = "aws:organizations/policyAttachment:PolicyAttachment";

describe("plan: rendering", () => {
    const stack = res("pulumi:pulumi:Stack", "demo-dev", {});
    const org = res(ORG, "org", { featureSet: "ALL" });
    const ou = res(OU, "workloads", { name: "Workloads", parentId: U }, { propertyDependencies: { parentId: [org.urn] } });
    const acct = res(ACCT, "dev", { name: "app1-dev", email: "dev@example.com", parentId: U }, { propertyDependencies: { parentId: [ou.urn] } });
    const loose = res(ACCT, "audit", { name: "app1-audit", email: "audit@example.com" });
    const scp = res(POL, "deny-leave", { name: "deny-leave", type: "SERVICE_CONTROL_POLICY", content: "{}" });
    const att = res(ATT, "deny-leave-workloads", { policyId: U, targetId: U }, { propertyDependencies: { policyId: [scp.urn], targetId: [ou.urn] } });
    const existing = res(OU, "sandbox", { name: "Sandbox", parentId: "r-ab12" });
    const all = [stack, org, ou, acct, loose, scp, att, existing];

    it("draws the organization from property dependencies, since IDs are unknown in preview", () => {
        const m = renderMermaid(plan(all));
        const id = (label: string) => {
            const found = new RegExp(`^\\s+(n\\d+)\\W+${label}`, "m").exec(m);
            assert.ok(found, `${label} in\n${m}`);
            return found[1]!;
        };
        assert.ok(m.startsWith("flowchart TD\n"));
        const root = id("Root");
        assert.ok(m.includes(`${root} --> ${id("OU Workloads")}`));
        assert.ok(m.includes(`${id("OU Workloads")} --> ${id("Account app1-dev")}`));
        // No parentId: AWS puts a new account under the root.
        assert.ok(m.includes(`${root} --> ${id("Account app1-audit")}`));
        assert.ok(m.includes(`${id("SCP deny-leave")} -. attached .-> ${id("OU Workloads")}`));
        // A known root ID (read from getOrganization) is the existing organization's root.
        assert.ok(m.includes(`${id("Root \\(existing organization\\)")} --> ${id("OU Sandbox")}`));
        assert.ok(m.includes("Account app1-dev<br/>dev@example.com"));
    });

    it("prints a preview-like tree with operations and options", () => {
        const imported = res(
            "aws:iam/role:Role",
            "legacy",
            { name: "legacy" },
            { options: { protect: true, retainOnDelete: false, importId: "legacy", aliases: [], ignoreChanges: ["tags"], replaceOnChanges: [], additionalSecretOutputs: [] } },
        );
        const p = plan([stack, imported]);
        p.summary.create = 1;
        p.summary.import = 1;
        const text = renderText(p);
        assert.match(text, /^ \+ {3}pulumi:pulumi:Stack\s+demo-dev\s+create$/m);
        assert.match(text, /^ = {3}└─ aws:iam:Role\s+legacy\s+import \[protected; id legacy; ignore changes: tags\]$/m);
        assert.match(text, /Summary: 2 resources \(1 to create, 1 to import\); 0 mandatory, 0 advisory violations; ok; deletes not shown/);
    });

    it("groups violations by policy, with level and resource; stack-level ones name no resource", () => {
        const p = plan(all, {}, [
            { policyPack: "pack", policy: "no-leave", description: "d", enforcementLevel: "mandatory", urn: ou.urn, message: "OU lacks deny-leave" },
            { policyPack: "pack", policy: "budget", description: "d", enforcementLevel: "advisory", urn: null, message: "no budget for dev" },
            { policyPack: "pack", policy: "no-leave", description: "d", enforcementLevel: "mandatory", urn: acct.urn, message: "account lacks deny-leave" },
        ]);
        const text = renderText(p);
        assert.match(text, /\[mandatory\] no-leave \(pack\): 2 violations\n\s+- aws:organizations:OrganizationalUnit workloads\n\s+OU lacks deny-leave\n\s+- aws:organizations:Account dev/);
        assert.match(text, /\[advisory\] budget \(pack\): 1 violation\n\s+- \(stack\)\n\s+no budget for dev/);
        assert.match(text, /2 mandatory, 1 advisory violations; blocked by mandatory policy/);
        const json = toJsonReport(p);
        assert.deepStrictEqual(json.violations[1], { policyPack: "pack", policy: "budget", enforcementLevel: "advisory", urn: null, message: "no budget for dev" });
        assert.deepStrictEqual(json.summary, { resources: all.length, create: all.length, import: 0, read: 0, mandatory: 2, advisory: 1 });
    });

    it("says on every summary that deletes are not shown, and which policies the config disabled", () => {
        const p = plan([stack, org]);
        assert.match(summaryLine(p), /; ok; deletes not shown: the offline plan has no state; a change review against a base plan shows them$/);
        p.policyPack = { name: "pack", dir: "/pack", disabled: ["iam-tag-isolation", "org-account-quota"] };
        assert.match(summaryLine(p), /0 advisory violations; disabled by policy config: iam-tag-isolation, org-account-quota; ok; deletes not shown/);
        assert.match(renderMarkdown(p), /disabled by policy config: iam-tag-isolation, org-account-quota; ok; deletes not shown/);
        assert.deepStrictEqual(toJsonReport(p).policyPack, { name: "pack", version: null, configFile: null, disabledPolicies: ["iam-tag-isolation", "org-account-quota"] });
    });

    it("shows notes, and program output only with --verbose (it is output, not a diagnostic)", () => {
        const p = plan([stack]);
        p.notes = ["policy config: the pack's defaults"];
        p.logs = [
            { severity: "info", stream: "stderr", message: "building the readers group" },
            { severity: "warning", message: "an entry point is missing" },
        ];
        const text = renderText(p);
        assert.match(text, /Notes:\n {4}- policy config: the pack's defaults\n/);
        assert.match(text, /Diagnostics:\n {4}warning: an entry point is missing\n/);
        assert.ok(!text.includes("building the readers group"));
        assert.match(renderText(p, { verbose: true }), / {4}stderr: building the readers group\n/);
        assert.match(renderMarkdown(p), /shows them\n\n- policy config: the pack's defaults\n/);
    });

    it("renders the access matrix output as a teams x environments table", () => {
        const p = plan([stack], { accessMatrix: { developers: { dev: "admin", prod: "none" }, operators: { dev: "read", staging: "write", prod: "admin" } } });
        assert.strictEqual(
            renderAccessTable(p),
            ["| Team | dev | staging | prod |", "| --- | --- | --- | --- |", "| developers | admin | none | none |", "| operators | read | write | admin |"].join("\n"),
        );
        assert.match(renderMarkdown(p), /#### Access\n\n\| Team \| dev/);
        assert.match(renderAccessTable(plan([stack])), /exports no `accessMatrix`/);
        assert.match(renderAccessTable(plan([stack], { accessMatrix: U })), /only known after the update/);
    });

    it("keeps a large plan's Markdown comment under GitHub's comment size", () => {
        const many = Array.from({ length: 3000 }, (_, i) => res("aws:iam/group:Group", `group-with-a-long-name-${i}`, { name: `g${i}` }));
        const md = renderMarkdown(plan([stack, ...many]));
        assert.ok(md.length < 65_536, `${md.length} characters`);
        assert.match(md, /\.\.\. \d+ more lines \(the JSON report lists every resource\)/);
        assert.match(md, /#### Access/);
    });

    it("never shows a secret's value", () => {
        const r = res("aws:ssm/parameter:Parameter", "db", { value: { __plan: "secret", value: "hunter2-example" }, list: [{ __plan: "secret", value: "x-secret" }] });
        const p = plan([stack, r], { token: { __plan: "secret", value: "hunter2-example" } });
        for (const out of [JSON.stringify(toJsonReport(p)), renderText(p), renderMarkdown(p), renderMermaid(p)]) {
            assert.ok(!out.includes("hunter2-example") && !out.includes("x-secret"), out);
        }
        assert.deepStrictEqual(toJsonReport(p).resources[1]!.inputs, { value: "[secret]", list: ["[secret]"] });
    });
});
