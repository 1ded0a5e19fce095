// Plans of the fixture projects, through runPlan and through the CLI (in this process; test/plan/shipped.test.ts runs it as a child).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { type PlanResult } from "../../tools/plan/run";
import { runPlanHere } from "../helpers/plan";
import { toJsonReport } from "../../tools/plan/render";
import type { PlannedResource } from "../../tools/plan/types";
import { orgIdsFor } from "../../tools/plan/mocks";
import { ROOT, copyFixture, fixture, runCliHere, tempDir } from "./support";

function one(result: PlanResult, type: string, name: string): PlannedResource {
    const found = result.resources.filter((r) => r.type === type && r.name === name);
    assert.strictEqual(found.length, 1, `one ${type} ${name} in ${result.resources.map((r) => `${r.type}::${r.name}`).join(", ")}`);
    return found[0]!;
}

describe("plan: programs under the mock monitor", function () {
    this.timeout(180_000);
    let billing: PlanResult;

    before(async () => {
        billing = await runPlanHere({ dir: fixture("billing"), stack: "ci", policyPackDir: null });
    });

    it("plans another project with its own name, main and namespaced config", () => {
        assert.strictEqual(billing.error, undefined, billing.error?.message);
        assert.strictEqual(billing.exitCode, 0);
        assert.strictEqual(billing.project, "billing-app");
        const stack = one(billing, "pulumi:pulumi:Stack", "billing-app-ci");
        assert.strictEqual(stack.urn, "urn:pulumi:ci::billing-app::pulumi:pulumi:Stack::billing-app-ci");
        // Config reached the program: the bare key "team", the structured "settings", defaults.
        assert.deepStrictEqual(billing.outputs.admins, ["alice"]);
        assert.strictEqual(billing.outputs.maxUsers, 3);
        assert.strictEqual(billing.outputs.retention, 30);
        assert.strictEqual(billing.outputs.regionName, "eu-central-1");
        assert.ok(
            billing.resources.some((r) => r.name === "payments"),
            "component named after config 'team'",
        );
        // A component's registerOutputs reaches its record (it comes after the registration).
        assert.deepStrictEqual(one(billing, "billing:access:TeamAccess", "payments").outputs, { groupName: "payments-admins" });
        assert.strictEqual(one(billing, "aws:iam/policy:Policy", "billing-read").inputs.description, "owned by finance-platform");
    });

    it("records parents, providers, dependencies and property dependencies", () => {
        const comp = one(billing, "billing:access:TeamAccess", "payments");
        const group = one(billing, "aws:iam/group:Group", "payments-admins");
        assert.strictEqual(comp.custom, false);
        assert.strictEqual(group.parent, comp.urn);
        assert.strictEqual(group.urn, "urn:pulumi:ci::billing-app::billing:access:TeamAccess$aws:iam/group:Group::payments-admins");
        assert.match(group.provider ?? "", /^urn:pulumi:ci::billing-app::pulumi:providers:aws::default_\d+_\d+_\d+$/);
        const policy = one(billing, "aws:iam/policy:Policy", "billing-read");
        const attach = one(billing, "aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "billing-read");
        assert.deepStrictEqual(attach.propertyDependencies.group, [group.urn]);
        assert.deepStrictEqual(attach.propertyDependencies.policyArn, [policy.urn]);
        assert.deepStrictEqual([...attach.dependencies].sort(), [group.urn, policy.urn].sort());
    });

    it("records protect, retainOnDelete, import, aliases and ignoreChanges", () => {
        const group = one(billing, "aws:iam/group:Group", "payments-admins");
        assert.strictEqual(group.options.protect, true);
        assert.strictEqual(group.options.retainOnDelete, false);
        const policy = one(billing, "aws:iam/policy:Policy", "billing-read");
        assert.strictEqual(policy.options.retainOnDelete, true);
        assert.deepStrictEqual(policy.options.ignoreChanges, ["description"]);
        const role = one(billing, "aws:iam/role:Role", "legacy");
        assert.strictEqual(role.options.importId, "billing-legacy");
        assert.deepStrictEqual(role.options.aliases, ["urn:pulumi:ci::billing-app::aws:iam/role:Role::legacy-role"]);
        assert.strictEqual(billing.summary.import, 1);
        assert.strictEqual(billing.summary.create, billing.resources.length - 1);
    });

    it("writes those options to the JSON report, with each resource's operation", () => {
        const report = toJsonReport(billing);
        const role = report.resources.find((r) => r.type === "aws:iam/role:Role" && r.name === "legacy")!;
        assert.deepStrictEqual(role.aliases, ["urn:pulumi:ci::billing-app::aws:iam/role:Role::legacy-role"]);
        assert.strictEqual(role.operation, "import");
        assert.strictEqual(role.importId, "billing-legacy");
        const policy = report.resources.find((r) => r.type === "aws:iam/policy:Policy" && r.name === "billing-read")!;
        assert.deepStrictEqual(policy.ignoreChanges, ["description"]);
        assert.strictEqual(policy.retainOnDelete, true);
        assert.strictEqual(policy.operation, "create");
        for (const r of report.resources) assert.ok(Array.isArray(r.aliases) && Array.isArray(r.ignoreChanges), r.urn);
        assert.deepStrictEqual({ create: report.summary.create, import: report.summary.import, read: report.summary.read }, { create: billing.resources.length - 1, import: 1, read: 0 });
    });

    it("leaves cloud-computed outputs unknown, as a preview does, while invokes are answered", () => {
        const org = orgIdsFor("billing-app", "ci");
        assert.strictEqual(billing.outputs.callerAccountId, org.managementAccountId);
        assert.strictEqual(billing.outputs.organizationId, org.organizationId);
        assert.strictEqual(billing.outputs.rootId, org.rootId);
        assert.deepStrictEqual(billing.outputs.groupArn, { __plan: "unknown" });
        const attach = one(billing, "aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "billing-read");
        assert.deepStrictEqual(attach.inputs.policyArn, { __plan: "unknown" });
        assert.strictEqual(attach.inputs.group, "payments-admins");
        // The trust policy used getPartition and getCallerIdentity, computed like the provider.
        const role = one(billing, "aws:iam/role:Role", "legacy");
        assert.deepStrictEqual(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0].Principal, { AWS: `arn:aws:iam::${org.managementAccountId}:root` });
    });

    it("keeps secrets secret: marked in the plan, [secret] in the JSON report", () => {
        const param = one(billing, "aws:ssm/parameter:Parameter", "db-password");
        assert.deepStrictEqual(param.inputs.value, { __plan: "secret", value: "[secret]" });
        assert.strictEqual(billing.outputs.password && (billing.outputs.password as { __plan: string }).__plan, "secret");
        const json = JSON.stringify(toJsonReport(billing));
        assert.ok(json.includes('"value":"[secret]"'));
        assert.ok(!json.includes("bm90LWEtcmVhbC1jaXBoZXJ0ZXh0"));
    });

    it("gives the same plan when run again in the same process", async () => {
        const again = await runPlanHere({ dir: fixture("billing"), stack: "ci", policyPackDir: null });
        assert.deepStrictEqual(toJsonReport(again), toJsonReport(billing));
        assert.deepStrictEqual(again.outputs, billing.outputs);
    });

    it("runs a project outside this repository, resolving @pulumi/* from here", async () => {
        const t = tempDir("plan-outside-");
        try {
            const dir = copyFixture("billing", t.dir);
            assert.ok(!fs.existsSync(path.join(dir, "node_modules")));
            const r = await runPlanHere({ dir, stack: "ci", policyPackDir: null });
            assert.strictEqual(r.error, undefined, r.error?.message);
            assert.strictEqual(r.resources.length, billing.resources.length);
        } finally {
            t.remove();
        }
    });

    it("uses a project's own @pulumi/pulumi for the mocks when it has one", async () => {
        const t = tempDir("plan-own-sdk-");
        try {
            const dir = copyFixture("own-sdk", t.dir);
            const sdk = path.join(dir, "node_modules", "@pulumi", "pulumi");
            fs.cpSync(path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [ROOT] })), sdk, { recursive: true });
            const r = await runPlanHere({ dir, stack: "dev", policyPackDir: null });
            assert.strictEqual(r.error, undefined, r.error?.message);
            assert.ok(String(r.outputs.sdkPath).startsWith(fs.realpathSync(sdk)), `program used ${r.outputs.sdkPath}`);
            assert.ok(r.resources.some((x) => x.type === "aws:iam/group:Group" && x.name === "team"));
        } finally {
            t.remove();
        }
    });

    it("runs compiled JavaScript named by Pulumi.yaml's main", async () => {
        const r = await runPlanHere({ dir: fixture("compiled"), stack: "dev", policyPackDir: null });
        assert.strictEqual(r.error, undefined, r.error?.message);
        assert.strictEqual(r.outputs.groupName, "readers");
        assert.deepStrictEqual(
            r.resources.map((x) => x.urn),
            ["urn:pulumi:dev::compiled-demo::pulumi:pulumi:Stack::compiled-demo-dev", "urn:pulumi:dev::compiled-demo::aws:iam/group:Group::readers"],
        );
    });

    it("reports a program that throws with its own message", async () => {
        const r = await runPlanHere({ dir: fixture("throws"), stack: "dev", policyPackDir: null });
        assert.strictEqual(r.exitCode, 2);
        assert.strictEqual(r.error?.kind, "program");
        assert.strictEqual(r.error?.message, "cannot decide the account layout: no environments left after filtering");
    });

    it("names the token of an invoke it cannot answer, and how to answer it; a mocks file answers it", async () => {
        const r = await runPlanHere({ dir: fixture("unknown-invoke"), stack: "dev", policyPackDir: null });
        assert.strictEqual(r.exitCode, 2);
        assert.strictEqual(r.error?.kind, "program");
        assert.match(r.error!.message, /no answer for the function 'aws:ec2\/getInstance:getInstance'/);
        assert.match(r.error!.message, /mocks file \(--mocks <file>, under "invokes:", key "aws:ec2\/getInstance:getInstance"\)/);
        const answered = await runPlanHere({ dir: fixture("unknown-invoke"), stack: "dev", policyPackDir: null, mocksFile: path.join(fixture("unknown-invoke"), "mocks.json") });
        assert.strictEqual(answered.error, undefined, answered.error?.message);
        assert.strictEqual(answered.outputs.instanceType, "t3.small");
        assert.strictEqual(one(answered, "aws:ec2/securityGroup:SecurityGroup", "web").inputs.vpcId, "sg-0123456789abcdef0");
    });
});

describe("plan: CLI", function () {
    this.timeout(180_000);

    it("shows a config error plainly, with exit status 2", async () => {
        const r = await runCliHere(["--stack", "broken", "--dir", fixture("bad-config"), "--no-policy-pack"]);
        assert.strictEqual(r.status, 2, r.stdout + r.stderr);
        assert.match(r.stdout, /error \(config\): invalid configuration: bad-config-demo:environments must be a list of environment names/);
        assert.ok(!/\n\s+at /.test(r.stdout + r.stderr), "no stack trace without --verbose");
    });

    it("shows the stack trace with --verbose", async () => {
        const r = await runCliHere(["--stack", "broken", "--dir", fixture("bad-config"), "--no-policy-pack", "--verbose"]);
        assert.strictEqual(r.status, 2);
        assert.match(r.stdout, /\n\s+at .*index\.ts/);
    });

    it("plans the same project with a good config", async () => {
        const r = await runCliHere(["--stack", "good", "--dir", fixture("bad-config"), "--no-policy-pack"]);
        assert.strictEqual(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /\+\s+├─ aws:iam:Group\s+dev\s+create/);
        assert.match(
            r.stdout,
            /Summary: 3 resources \(3 to create\); 0 mandatory, 0 advisory violations; ok; deletes not shown: the offline plan has no state; a change review against a base plan shows them\n$/,
        );
    });

    it("fails with exit status 2 when the policy pack is missing", async () => {
        const r = await runCliHere(["--stack", "good", "--dir", fixture("bad-config"), "--policy-pack", path.join(fixture("bad-config"), "no-such-pack")]);
        assert.strictEqual(r.status, 2);
        assert.match(r.stdout, /policy pack not found: .*no-such-pack/);
    });

    it("fails with exit status 2 when the policy pack cannot start", async () => {
        const r = await runCliHere(["--stack", "good", "--dir", fixture("bad-config"), "--policy-pack", fixture("broken-pack")]);
        assert.strictEqual(r.status, 2, r.stdout + r.stderr);
        assert.match(r.stdout, /error \(policy-pack\): policy pack .*broken-pack failed to start \(exit code 1\):\nError: broken policy pack: cannot load its policies\n/);
    });

    it("fails with exit status 2, naming the policy, when the pack fails while analyzing", async () => {
        const r = await runPlanHere({ dir: fixture("billing"), stack: "ci", policyPackDir: fixture("throwing-pack") });
        assert.strictEqual(r.exitCode, 2);
        assert.strictEqual(r.error?.kind, "policy-pack", r.error?.message);
        assert.match(r.error!.message, /groups-explode/);
        assert.match(r.error!.message, /policy bug while reading/);
        // The program ran to its end; what it registered is still reported.
        assert.ok(r.resources.some((x) => x.type === "aws:iam/group:Group"));
    });

    it("fails with exit status 2 on a missing project or bad arguments", async () => {
        const missing = await runCliHere(["--stack", "dev", "--dir", path.join(fixture("bad-config"), "nowhere")]);
        assert.strictEqual(missing.status, 2);
        assert.match(missing.stdout, /error \(config\): no Pulumi.yaml found/);
        const bad = await runCliHere(["--dir", fixture("bad-config")]);
        assert.strictEqual(bad.status, 2);
        assert.match(bad.stderr, /--stack is required/);
    });
});
