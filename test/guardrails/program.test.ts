/**
 * The shipped stacks under the SDK mock monitor: the guardrails component registers what the
 * plan says, with content known at preview, attached to the right targets.
 */
import * as assert from "assert";
import { rawStackConfig, type ProgramRun, runProgram, stackConfig } from "../helpers/program";
import { planFromRawConfig } from "../../components/plan";
import { GUARDRAILS_TYPE } from "../../components/guardrails/component";

const POLICY = "aws:organizations/policy:Policy";
const ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment";
const BUDGET = "aws:budgets/budget:Budget";

const OU = "aws:organizations/organizationalUnit:OrganizationalUnit";

describe("guardrails: shipped stacks under the mock monitor", function () {
    let prod: ProgramRun;
    let dev: ProgramRun;
    before(async function () {
        prod = await runProgram(stackConfig("prod"), { stack: "prod" });
        dev = await runProgram(stackConfig("dev"), { stack: "dev" });
    });

    it("prod registers one SCP and one attachment per planned document, with the planned content", () => {
        const gp = planFromRawConfig(rawStackConfig("prod")).guardrails;
        const scps = prod.byType(POLICY).filter((r) => r.inputs.type === "SERVICE_CONTROL_POLICY");
        const planned = gp.targets.flatMap((t) => t.documents);
        assert.ok(planned.length >= 5, `expected the baseline and attachments, planned ${planned.length}`);
        assert.deepEqual(scps.map((r) => r.name).sort(), planned.map((d) => d.logicalName).sort());
        for (const d of planned) {
            const r = prod.one(POLICY, d.logicalName);
            assert.equal(r.inputs.content, d.content, `${d.logicalName} content is the plan's minified JSON`);
            assert.equal(r.inputs.name, d.policyName);
            assert.ok(r.inputs.content.length <= 5120);
            const att = prod.one(ATTACHMENT, d.logicalName);
            assert.ok(att.dependencies.includes(r.urn), `${d.logicalName} attachment depends on its policy`);
        }
    });

    it("prod attaches to the root, the OUs, and the security baseline's protection to the log archive and audit accounts only, within 5 SCPs per target", () => {
        const ouIds = new Map(prod.byType(OU).map((o) => [prod.idOf(o), o.name.replace(/^ou-/, "")]));
        const accountIds = new Map(prod.byType("aws:organizations/account:Account").map((a) => [prod.idOf(a), `account ${a.name}`]));
        const attachments = prod.byType(ATTACHMENT);
        const perTarget = new Map<string, number>();
        for (const a of attachments) {
            const target = a.inputs.targetId;
            if (accountIds.has(target)) {
                assert.match(a.name, /^scp-account-(log-archive|security)-protect-security-baseline$/, `${a.name} is attached to ${accountIds.get(target)}`);
            } else {
                assert.ok(target === prod.org.rootId || ouIds.has(target), `${a.name} is attached to ${target}, neither the root nor an OU`);
            }
            if (a.name.startsWith("scp-")) perTarget.set(target, (perTarget.get(target) ?? 0) + 1);
        }
        assert.deepEqual([...perTarget.keys()].map((id) => (id === prod.org.rootId ? "root" : (ouIds.get(id) ?? accountIds.get(id)))).sort(), [
            "account log-archive",
            "account security",
            "root",
            "sandbox",
            "security",
            "workloads-nonprod",
            "workloads-prod",
        ]);
        for (const [target, n] of perTarget) assert.ok(n + 1 <= 5, `${target}: ${n} SCPs + FullAWSAccess`);
    });

    it("prod's non-production OUs get the instance-type and region guardrails, production OUs the IAM user deny", () => {
        const content = (name: string) => JSON.parse(prod.one(POLICY, name).inputs.content);
        const it = content("scp-ou-workloads-nonprod-instance-type-allow-list");
        assert.equal(it.Statement[0].Action, "ec2:RunInstances");
        assert.ok(it.Statement[0].Condition.StringNotLike["ec2:InstanceType"].includes("t3.*"));
        const regions = content("scp-ou-workloads-nonprod-region-allow-list");
        // A set: in one canonical (sorted) order, whatever the order in config.
        assert.deepEqual(regions.Statement[0].Condition.StringNotEquals["aws:RequestedRegion"], ["eu-central-1", "eu-west-1", "us-east-1"]);
        const users = content("scp-ou-workloads-prod-deny-iam-users");
        assert.ok(users.Statement[0].Action.includes("iam:CreateUser"));
        assert.throws(() => prod.one(POLICY, "scp-ou-workloads-prod-instance-type-allow-list"));
    });

    it("prod registers environment tag policies on the top production and non-production OUs", () => {
        const tagPolicies = prod.byType(POLICY).filter((r) => r.inputs.type === "TAG_POLICY");
        assert.deepEqual(tagPolicies.map((r) => r.name).sort(), ["tag-policy-ou-sandbox", "tag-policy-ou-security", "tag-policy-ou-workloads-nonprod", "tag-policy-ou-workloads-prod"]);
        const nonprod = JSON.parse(prod.one(POLICY, "tag-policy-ou-workloads-nonprod").inputs.content);
        assert.equal(nonprod.tags.environment.tag_key["@@assign"], "Environment");
        assert.deepEqual(nonprod.tags.environment.tag_value["@@assign"], ["dev", "test", "staging", "nonprod"]);
        const prodTp = JSON.parse(prod.one(POLICY, "tag-policy-ou-workloads-prod").inputs.content);
        assert.deepEqual(prodTp.tags.environment.tag_value["@@assign"], ["prod"]);
    });

    it("prod registers the resource control policy on the root, after the organization that enables its type", () => {
        const gp = planFromRawConfig(rawStackConfig("prod")).guardrails;
        const rcps = prod.byType(POLICY).filter((r) => r.inputs.type === "RESOURCE_CONTROL_POLICY");
        assert.deepEqual(
            rcps.map((r) => r.name),
            ["rcp-root-deny-external-role-assumption"],
        );
        assert.equal(rcps[0].inputs.content, gp.resourceControlPolicies[0].content);
        assert.equal(prod.one(ATTACHMENT, "rcp-root-deny-external-role-assumption").inputs.targetId, prod.org.rootId);
        const org = prod.byType("aws:organizations/organization:Organization")[0];
        assert.ok(org.inputs.enabledPolicyTypes.includes("RESOURCE_CONTROL_POLICY"));
        assert.ok(rcps[0].dependencies.includes(org.urn), "created once the type is enabled");
    });

    it("prod registers a budget per environment and per account without one, in the management account, filtered by linked account", () => {
        const budgets = prod.byType(BUDGET);
        assert.deepEqual(budgets.map((b) => b.name).sort(), [
            "budget-account-log-archive",
            "budget-account-sandbox",
            "budget-account-security",
            "budget-dev",
            "budget-prod",
            "budget-staging",
            "budget-test",
        ]);
        const sandbox = prod.one(BUDGET, "budget-account-sandbox");
        assert.equal(sandbox.inputs.limitAmount, "100");
        assert.equal(sandbox.inputs.tags.Environment, "nonprod");
        assert.equal(sandbox.inputs.costFilters[0].name, "LinkedAccount");
        const b = prod.one(BUDGET, "budget-prod");
        assert.equal(b.inputs.limitAmount, "5000");
        assert.equal(b.inputs.timeUnit, "MONTHLY");
        assert.equal(b.provider, "", "default provider: the management account");
        assert.deepEqual(
            b.inputs.costFilters.map((f: any) => f.name),
            ["LinkedAccount"],
        );
        assert.equal(b.inputs.notifications.length, 3);
        assert.ok(b.inputs.notifications.every((n: any) => n.subscriberEmailAddresses.every((e: string) => e.endsWith("@example.com"))));
        assert.equal(b.inputs.tags.Environment, "prod");
        assert.equal(prod.one(BUDGET, "budget-dev").inputs.limitAmount, "200");
    });

    it("prod's stack output lists the SCP names by target and the allow-list target to finish", () => {
        const out = prod.outputs.guardrails;
        assert.ok(out, "guardrails output present");
        assert.ok(Array.isArray(out.scpsByTarget.root) && out.scpsByTarget.root.length >= 1);
        assert.ok(out.scpsByTarget["ou-workloads-nonprod"].includes("landing-zone-ou-workloads-nonprod-service-allow-list"));
        assert.deepEqual(out.fullAwsAccessToDetach, [{ target: "ou-workloads-nonprod", targetId: prod.idOf(prod.one(OU, "ou-workloads-nonprod")) }]);
    });

    it("a renamed OU keeps its policies' URNs through aliases", async () => {
        const config = stackConfig("prod");
        const ous = JSON.parse(config["landing-zone:organizationalUnits"]);
        const accounts = JSON.parse(config["landing-zone:accounts"]);
        const guardrails = JSON.parse(config["landing-zone:guardrails"]);
        ous["nonprod-workloads"] = { ...ous["workloads-nonprod"], formerKeys: ["workloads-nonprod"] };
        delete ous["workloads-nonprod"];
        for (const a of Object.values(accounts) as { ou?: string }[]) if (a.ou === "workloads-nonprod") a.ou = "nonprod-workloads";
        guardrails.serviceAllowLists = { "nonprod-workloads": guardrails.serviceAllowLists["workloads-nonprod"] };
        const run = await runProgram({
            ...config,
            "landing-zone:organizationalUnits": JSON.stringify(ous),
            "landing-zone:accounts": JSON.stringify(accounts),
            "landing-zone:guardrails": JSON.stringify(guardrails),
        });
        const aliasNames = (r: { aliases: string[] }) => r.aliases.map((a) => a.split("::").pop());
        for (const doc of ["instance-type-allow-list", "region-allow-list", "service-allow-list"]) {
            assert.deepEqual(aliasNames(run.one(POLICY, `scp-ou-nonprod-workloads-${doc}`)), [`scp-ou-workloads-nonprod-${doc}`]);
            assert.deepEqual(aliasNames(run.one(ATTACHMENT, `scp-ou-nonprod-workloads-${doc}`)), [`scp-ou-workloads-nonprod-${doc}`]);
        }
        assert.deepEqual(aliasNames(run.one(POLICY, "tag-policy-ou-nonprod-workloads")), ["tag-policy-ou-workloads-nonprod"]);
        assert.deepEqual(aliasNames(run.one(POLICY, "scp-ou-sandbox-instance-type-allow-list")), [], "other OUs unchanged");
    });

    it("dev (single-account) registers budgets filtered by the environment tag and no organization policy", () => {
        assert.equal(dev.byType(POLICY).length, 0);
        assert.equal(dev.byType(ATTACHMENT).length, 0);
        const budgets = dev.byType(BUDGET);
        assert.equal(budgets.length, 4);
        const b = dev.one(BUDGET, "budget-test");
        assert.deepEqual(b.inputs.costFilters, [{ name: "TagKeyValue", values: ["user:Environment$test"] }]);
        assert.equal(dev.byType(GUARDRAILS_TYPE).length, 1);
    });
});
