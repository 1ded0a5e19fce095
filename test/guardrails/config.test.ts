/**
 * Guardrail and budget config: bad values rejected with errors naming the key; defaults and
 * layouts planned as documented.
 */
import * as assert from "assert";
import { ConfigError, type ConfigProblem } from "../../components/config";
import { planFromRawConfig } from "../../components/plan";
import { topTargetsByClass } from "../../components/guardrails/plan";
import { DEFAULT_BUDGET_THRESHOLDS } from "../../components/guardrails/config";
import { rawStackConfig } from "../helpers/program";
import { clone } from "./support";

function problems(raw: Record<string, unknown>): ConfigProblem[] {
    try {
        planFromRawConfig(raw);
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    assert.fail("the config was accepted");
}

/** Asserts a problem on exactly this key whose message matches. */
function rejects(raw: Record<string, unknown>, key: string, message: RegExp): void {
    const found = problems(raw);
    const p = found.find((x) => x.key === key);
    assert.ok(p, `no problem on ${key}; got:\n${found.map((x) => `${x.key}: ${x.message}`).join("\n")}`);
    assert.match(p.message, message);
}

const prod = () => clone(rawStackConfig("prod")) as Record<string, any>;
const dev = () => clone(rawStackConfig("dev")) as Record<string, any>;

describe("guardrails config", () => {
    describe("rejected, naming the key", () => {
        it("an unknown guardrail name", () => {
            const raw = prod();
            raw.guardrails.attachments.root = ["deny-leave-organization", "deny-everything"];
            rejects(raw, "landing-zone:guardrails.attachments.root[1]", /is not a guardrail; known guardrails: deny-leave-organization, .*protect-s3-public-access-block/);
        });

        it("the allow-list named as an attachment", () => {
            const raw = prod();
            raw.guardrails.attachments.organizationalUnits = { sandbox: ["service-allow-list"] };
            rejects(raw, "landing-zone:guardrails.attachments.organizationalUnits.sandbox[0]", /set with serviceAllowLists/);
        });

        it("an unknown OU key and an unknown account key", () => {
            const raw = prod();
            raw.guardrails.attachments.organizationalUnits = { "work-loads": ["deny-iam-users"] };
            raw.guardrails.attachments.accounts = { develop: ["deny-iam-users"] };
            const found = problems(raw);
            assert.match(found.find((p) => p.key === "landing-zone:guardrails.attachments.organizationalUnits.work-loads")!.message, /unknown OU; known OUs: security, workloads/);
            assert.match(found.find((p) => p.key === "landing-zone:guardrails.attachments.accounts.develop")!.message, /unknown account; known accounts: .*dev/);
        });

        it("a bad region, and a region listed twice", () => {
            const raw = prod();
            raw.guardrails.allowedRegions = ["eu-west-1", "eu-wset-1", "Europe", "eu-west-1"];
            rejects(raw, "landing-zone:guardrails.allowedRegions[1]", /must be an AWS region code such as eu-west-1/);
            rejects(raw, "landing-zone:guardrails.allowedRegions[2]", /must be an AWS region code/);
            const dup = prod();
            dup.guardrails.allowedRegions = ["eu-west-1", "eu-west-1"];
            rejects(dup, "landing-zone:guardrails.allowedRegions[1]", /listed twice/);
        });

        it("a bad instance type pattern", () => {
            const raw = prod();
            raw.guardrails.nonProductionInstanceTypes = ["t3.micro", "T3 Large"];
            rejects(raw, "landing-zone:guardrails.nonProductionInstanceTypes[1]", /EC2 instance type or pattern/);
        });

        it("any guardrails key in the single-account layout (budgets still apply)", () => {
            const raw = dev();
            raw.guardrails = { allowedRegions: ["eu-west-1"] };
            const found = problems(raw);
            assert.deepEqual(
                found.map((p) => p.key),
                ["landing-zone:guardrails"],
            );
            assert.match(found[0].message, /not allowed when layout is single-account.*budgets still apply/);
        });

        it("an unknown key inside guardrails", () => {
            const raw = prod();
            raw.guardrails.baselin = false;
            rejects(raw, "landing-zone:guardrails.baselin", /not a known key/);
        });

        it("the region allow-list attached without allowedRegions", () => {
            const raw = prod();
            delete raw.guardrails.allowedRegions;
            raw.guardrails.attachments.accounts = { prod: ["region-allow-list"] };
            rejects(raw, "landing-zone:guardrails.attachments.accounts.prod[0]", /needs landing-zone:guardrails.allowedRegions/);
        });

        it("the instance-type list on a production OU without productionInstanceTypes, and on an OU without a class", () => {
            const raw = prod();
            raw.guardrails.attachments.organizationalUnits = { "workloads-prod": ["instance-type-allow-list"], workloads: ["instance-type-allow-list"] };
            rejects(raw, "landing-zone:guardrails.attachments.organizationalUnits.workloads-prod", /production: set landing-zone:guardrails.productionInstanceTypes/);
            rejects(raw, "landing-zone:guardrails.attachments.organizationalUnits.workloads", /has no environment class/);
        });

        it("a guardrail listed twice for one target", () => {
            const raw = prod();
            raw.guardrails.attachments.root = ["deny-root-user", "deny-root-user"];
            rejects(raw, "landing-zone:guardrails.attachments.root[1]", /listed twice/);
        });

        it("an allow-list on an unknown OU, or one that would lock the platform out", () => {
            const raw = prod();
            raw.guardrails.serviceAllowLists = { sandbx: ["s3"], sandbox: ["s3", "ec2", "iam"] };
            rejects(raw, "landing-zone:guardrails.serviceAllowLists.sandbx", /unknown OU/);
            rejects(raw, "landing-zone:guardrails.serviceAllowLists.sandbox", /must include sts, cloudtrail, config, guardduty, access-analyzer, securityhub/);
            const bad = prod();
            bad.guardrails.serviceAllowLists = { sandbox: ["S3!"] };
            rejects(bad, "landing-zone:guardrails.serviceAllowLists.sandbox[0]", /IAM service prefix/);
        });

        it("SCPs or tag policies planned while the organization does not enable them", () => {
            const raw = prod();
            raw.organization.enabledPolicyTypes = ["BACKUP_POLICY"];
            const found = problems(raw).filter((p) => p.key === "landing-zone:organization.enabledPolicyTypes");
            assert.equal(found.length, 2);
            assert.match(found[0].message, /must include SERVICE_CONTROL_POLICY/);
            assert.match(found[1].message, /must include TAG_POLICY/);
        });

        it("bad budgets: email, amount, unknown environment, threshold type, too many emails, duplicate threshold", () => {
            const raw = prod();
            raw.budgets.alertEmails = ["finops-at-example.com"];
            raw.budgets.defaultMonthlyLimit = -5;
            raw.budgets.monthlyLimits = { production: 100 };
            raw.budgets.thresholds = [{ percent: 80, type: "forecast" }];
            rejects(raw, "landing-zone:budgets.alertEmails[0]", /email address/);
            rejects(raw, "landing-zone:budgets.defaultMonthlyLimit", /more than 0/);
            rejects(raw, "landing-zone:budgets.thresholds[0].type", /ACTUAL or FORECASTED/);
            const env = prod();
            env.budgets.monthlyLimits = { production: 100 };
            rejects(env, "landing-zone:budgets.monthlyLimits.production", /unknown environment 'production'; declared: dev, test, staging, prod/);
            const many = prod();
            many.budgets.alertEmails = Array.from({ length: 11 }, (_, i) => `finops${i}@example.com`);
            rejects(many, "landing-zone:budgets.alertEmails", /at most 10 email subscribers/);
            const twice = prod();
            twice.budgets.thresholds = [
                { percent: 100, type: "ACTUAL" },
                { percent: 100, type: "ACTUAL" },
            ];
            rejects(twice, "landing-zone:budgets.thresholds[1]", /listed twice/);
            const acct = prod();
            acct.budgets.accountMonthlyLimits = { dev: 10, nowhere: 10 };
            rejects(acct, "landing-zone:budgets.accountMonthlyLimits.dev", /hosts no environment .*eligible: security, log-archive, sandbox/);
            rejects(acct, "landing-zone:budgets.accountMonthlyLimits.nowhere", /eligible: security, log-archive, sandbox/);
            const none = dev();
            delete none.budgets.alertEmails;
            rejects(none, "landing-zone:budgets.alertEmails", /.+/);
        });
    });

    describe("accepted and planned", () => {
        it("absent guardrails in an Organizations layout: the baseline, without the region list, and tag policies", () => {
            const raw = prod();
            delete raw.guardrails;
            // Without the region guardrail the security baseline names its regions itself.
            raw.security.regions = ["eu-west-1"];
            const gp = planFromRawConfig(raw).guardrails;
            const byKey = Object.fromEntries(gp.targets.map((t) => [t.key, t.guardrails]));
            assert.deepEqual(byKey.root, ["deny-leave-organization", "deny-root-user", "protect-security-services", "require-imdsv2", "deny-external-sharing"]);
            assert.deepEqual(byKey["ou-workloads-nonprod"], ["instance-type-allow-list"]);
            assert.deepEqual(byKey["ou-workloads-prod"], ["deny-iam-users"]);
            // The security baseline's own protection, on the log archive and audit accounts.
            assert.deepEqual(byKey["account-log-archive"], ["protect-security-baseline"]);
            assert.deepEqual(byKey["account-security"], ["protect-security-baseline"]);
            assert.deepEqual(Object.keys(byKey).sort(), ["account-log-archive", "account-security", "ou-sandbox", "ou-security", "ou-workloads-nonprod", "ou-workloads-prod", "root"]);
            assert.equal(gp.tagPolicies.length, 4);
            // Five at the root need more than the four free slots: packed. Elsewhere one document each.
            const root = gp.targets.find((t) => t.key === "root")!;
            assert.ok(root.packed && root.documents.length < 4, `${root.documents.length} documents`);
            assert.ok(gp.targets.filter((t) => t.key !== "root").every((t) => !t.packed && t.documents.length === t.guardrails.length));
            // The identity perimeter is a resource control policy on the root.
            assert.deepEqual(
                gp.resourceControlPolicies.map((r) => [r.targetKey, r.name]),
                [["root", "deny-external-role-assumption"]],
            );
        });

        it("baseline false and no attachments: no SCP; tag policies can be turned off", () => {
            const raw = prod();
            raw.guardrails = { baseline: false, tagPolicies: { enabled: false } };
            raw.security.regions = ["eu-west-1"];
            const gp = planFromRawConfig(raw).guardrails;
            assert.deepEqual(gp.targets, []);
            assert.deepEqual(gp.tagPolicies, []);
            assert.deepEqual(gp.resourceControlPolicies, []);
            assert.deepEqual(
                gp.budgets.map((b) => b.key),
                ["dev", "test", "staging", "prod", "account-log-archive", "account-sandbox", "account-security"],
            );
        });

        it("the shipped prod stack packs the root's eight guardrails into fewer documents", () => {
            const gp = planFromRawConfig(prod()).guardrails;
            const root = gp.targets.find((t) => t.key === "root")!;
            assert.equal(root.guardrails.length, 8);
            assert.ok(root.packed && root.documents.length < 4);
            assert.deepEqual(root.documents.flatMap((d) => d.guardrails).sort(), [...root.guardrails].sort());
            const nonprod = gp.targets.find((t) => t.key === "ou-workloads-nonprod")!;
            assert.equal(nonprod.strategy, "allow-list");
        });

        it("exempts and protects every account's organization access role, and the platform role", () => {
            const raw = prod();
            raw.accounts.sandbox.roleName = "SandboxAccessRole";
            raw.guardrails.platformRoleName = "platform-deployer";
            const gp = planFromRawConfig(raw).guardrails;
            assert.deepEqual(gp.exemptRoleArns, ["arn:aws:iam::*:role/platform-deployer", "arn:aws:iam::*:role/OrganizationAccountAccessRole", "arn:aws:iam::*:role/SandboxAccessRole"]);
            assert.ok(gp.protectedRoleArns.includes("arn:aws:iam::*:role/landing-zone/*"));
            assert.ok(gp.protectedRoleArns.includes("arn:aws:iam::*:role/SandboxAccessRole"));
        });

        it("hybrid: top targets by class, and a shared account's budgets filtered by account and tag", () => {
            const raw: Record<string, any> = {
                layout: "hybrid",
                application: "app1",
                accounts: {
                    nonprod: { name: "app1-nonprod", email: "aws+nonprod@example.com", environments: ["dev", "test", "staging"] },
                    prod: { name: "app1-prod", email: "aws+prod@example.com", environments: ["prod"] },
                },
                guardrails: { allowedRegions: ["eu-west-1"] },
                budgets: { alertEmails: ["finops@example.com"] },
            };
            const plan = planFromRawConfig(raw);
            assert.deepEqual(topTargetsByClass(plan), { production: ["account-prod"], "non-production": ["account-nonprod"] });
            const gp = plan.guardrails;
            assert.deepEqual(gp.targets.find((t) => t.key === "account-nonprod")!.guardrails, ["region-allow-list", "instance-type-allow-list"]);
            assert.deepEqual(gp.targets.find((t) => t.key === "account-prod")!.guardrails, ["deny-iam-users"]);
            const devBudget = gp.budgets.find((b) => b.environment === "dev")!;
            assert.deepEqual(devBudget.linkedAccounts, ["nonprod"]);
            assert.equal(devBudget.tagFilter, "user:Environment$dev");
            assert.equal(devBudget.amount, 100);
            assert.deepEqual(
                devBudget.notifications.map((n) => [n.type, n.percent]),
                DEFAULT_BUDGET_THRESHOLDS.map((t) => [t.type, t.percent]),
            );
            const prodBudget = gp.budgets.find((b) => b.environment === "prod")!;
            assert.equal(prodBudget.tagFilter, undefined, "prod has its own account: the account filter is enough");
            assert.deepEqual(
                gp.tagPolicies.map((t) => [t.targetKey, t.allowedValues]),
                [
                    ["account-prod", ["prod"]],
                    ["account-nonprod", ["dev", "test", "staging", "nonprod"]],
                ],
            );
        });
    });
});
