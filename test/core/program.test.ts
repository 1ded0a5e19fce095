/**
 * The program under the Pulumi SDK's mock monitor: what it registers, with which options.
 */
import * as assert from "assert";
import { flatten, runProgram, stackConfig, ProgramRun } from "../helpers/program";

const ACCOUNT = "aws:organizations/account:Account";
const ORG = "aws:organizations/organization:Organization";
const OU = "aws:organizations/organizationalUnit:OrganizationalUnit";

describe("program (mock monitor)", () => {
    describe("shipped prod stack (multi-account)", () => {
        let run: ProgramRun;
        before(async () => {
            run = await runProgram(stackConfig("prod"));
        });

        it("creates the organization protected and retained, feature set ALL", () => {
            const org = run.one(ORG, "organization");
            assert.equal(org.protect, true);
            assert.equal(org.retainOnDelete, true);
            assert.equal(org.inputs.featureSet, "ALL");
            // The configured types, and resource control policies always (the identity perimeter).
            assert.deepEqual(org.inputs.enabledPolicyTypes, ["SERVICE_CONTROL_POLICY", "TAG_POLICY", "RESOURCE_CONTROL_POLICY"]);
            assert.equal(org.importId, "");
            assert.match(org.parent, /landing-zone:organizations:Organization::organization$/);
        });

        it("creates five OUs, nested by parentId", () => {
            const ous = run.byType(OU);
            assert.deepEqual(ous.map((o) => o.name).sort(), ["ou-sandbox", "ou-security", "ou-workloads", "ou-workloads-nonprod", "ou-workloads-prod"]);
            const prod = run.one(OU, "ou-workloads-prod");
            assert.ok(prod.dependencies.includes(run.one(OU, "ou-workloads").urn), "Prod OU depends on Workloads OU");
            assert.equal(prod.inputs.tags.Environment, "prod");
        });

        it("creates every account protected, retained, never closed, roleName ignored, one after another", () => {
            const accounts = run.byType(ACCOUNT);
            assert.equal(accounts.length, 7);
            for (const a of accounts) {
                assert.equal(a.protect, true, `${a.name} protected`);
                assert.equal(a.retainOnDelete, true, `${a.name} retained on delete`);
                assert.equal(a.inputs.closeOnDeletion, false, `${a.name} never closed`);
                assert.ok(a.ignoreChanges.includes("roleName"), `${a.name} ignores roleName`);
                assert.equal(a.inputs.roleName, "OrganizationAccountAccessRole");
                assert.match(a.inputs.email, /@example\.com$/);
                assert.ok(a.inputs.tags.Environment, `${a.name} carries the environment tag`);
            }
            const sorted = [...accounts].sort((x, y) => x.name.localeCompare(y.name));
            for (let i = 1; i < sorted.length; i++) {
                assert.ok(sorted[i].dependencies.includes(sorted[i - 1].urn), `${sorted[i].name} waits for ${sorted[i - 1].name}`);
            }
        });

        it("places each account in its OU and wraps it in a MemberAccount component", () => {
            const prod = run.one(ACCOUNT, "prod");
            assert.ok(prod.dependencies.includes(run.one(OU, "ou-workloads-prod").urn));
            assert.match(prod.parent, /landing-zone:organizations:MemberAccount::prod$/);
            const provider = run.one("pulumi:providers:aws", "prod-account");
            assert.match(provider.inputs.assumeRoles, /role\/OrganizationAccountAccessRole/);
            assert.match(provider.inputs.allowedAccountIds, /\d{12}/);
        });

        it("exports the layout, organization and root IDs, OU IDs by path, account IDs by name", () => {
            assert.equal(run.outputs.layout, "multi-account");
            assert.match(run.outputs.organizationId, /^o-/);
            assert.match(run.outputs.rootId, /^r-/);
            assert.ok(run.outputs.organizationalUnitIds["Workloads/Prod"]);
            assert.match(run.outputs.accountIds["app1-prod"], /^\d{12}$/);
        });
    });

    it("shipped dev stack (single-account) creates no organization or accounts", async () => {
        const run = await runProgram(stackConfig("dev"));
        assert.equal(run.byType(ORG).length, 0);
        assert.equal(run.byType(ACCOUNT).length, 0);
        assert.equal(run.outputs.layout, "single-account");
    });

    it("adopts an existing organization, OU and account by import, without recreating them", async () => {
        const config = stackConfig("prod");
        const org = JSON.parse(config["landing-zone:organization"]);
        const accounts = JSON.parse(config["landing-zone:accounts"]);
        accounts.prod.existingId = "222222222222";
        const ous = JSON.parse(config["landing-zone:organizationalUnits"]);
        ous.workloads.existingId = "ou-ex12-abcd1234";
        const run = await runProgram({
            ...config,
            "landing-zone:organizationalUnits": JSON.stringify(ous),
            "landing-zone:organization": JSON.stringify({ ...org, existingId: "o-exampleorg9" }),
            "landing-zone:accounts": JSON.stringify(accounts),
        });
        assert.equal(run.one(ORG, "organization").importId, "o-exampleorg9");
        assert.equal(run.one(ACCOUNT, "prod").importId, "222222222222");
        assert.equal(run.one(ACCOUNT, "dev").importId, "");
        assert.equal(run.one(OU, "ou-workloads").importId, "ou-ex12-abcd1234");
        assert.equal(run.one(OU, "ou-workloads-prod").importId, "");
    });

    it("closes an account on deletion only where that account's config says so", async () => {
        const config = stackConfig("prod");
        const accounts = JSON.parse(config["landing-zone:accounts"]);
        accounts.sandbox.closeOnDeletion = true;
        const run = await runProgram({ ...config, "landing-zone:accounts": JSON.stringify(accounts) });
        assert.equal(run.one(ACCOUNT, "sandbox").inputs.closeOnDeletion, true);
        assert.equal(run.one(ACCOUNT, "dev").inputs.closeOnDeletion, false);
    });

    it("fails on bad config with every problem named, before registering any resource", async () => {
        const config = flatten({
            layout: "multi-account",
            accounts: { dev: { name: "app-dev", email: "not-an-email", environments: ["dev", "qa"] } },
        });
        let registered = -1;
        await assert.rejects(
            async () => {
                try {
                    await runProgram(config);
                } catch (e: any) {
                    registered = e.registered ?? 0;
                    throw e;
                }
            },
            (e: Error) => {
                assert.match(e.message, /landing-zone:accounts\.dev\.email/);
                assert.match(e.message, /landing-zone:accounts\.dev\.environments\[1\]: is not a declared environment/);
                return true;
            },
        );
        assert.equal(registered, 0, "no resource may be registered when the config is invalid");
    });

    it("keeps other accounts' logical names when an account is added or removed", async () => {
        const config = stackConfig("prod");
        const accounts = JSON.parse(config["landing-zone:accounts"]);
        const before = await runProgram(config);
        accounts.aaa = { name: "app1-extra", email: "aws+extra@example.com", ou: "sandbox", environmentClass: "non-production" };
        delete accounts.sandbox;
        // Other sections that name the removed account must let it go too (the config says so if not).
        const budgets = JSON.parse(config["landing-zone:budgets"] ?? "{}");
        delete budgets.accountMonthlyLimits?.sandbox;
        const after = await runProgram({
            ...config,
            "landing-zone:accounts": JSON.stringify(accounts),
            "landing-zone:budgets": JSON.stringify(budgets),
        });
        const urns = (r: ProgramRun) => new Set(r.byType(ACCOUNT).map((a) => a.urn));
        const kept = [...urns(before)].filter((u) => !u.endsWith("::sandbox"));
        for (const u of kept) assert.ok(urns(after).has(u), `${u} kept its URN`);
    });
});

describe("renames", () => {
    it("a renamed account or OU key keeps its URN through aliases", async () => {
        const config = stackConfig("prod");
        const accounts = JSON.parse(config["landing-zone:accounts"]);
        const ous = JSON.parse(config["landing-zone:organizationalUnits"]);
        accounts["app-dev"] = { ...accounts.dev, formerKeys: ["dev"] };
        delete accounts.dev;
        ous["sandboxes"] = { ...ous.sandbox, formerKeys: ["sandbox"] };
        delete ous.sandbox;
        accounts.sandbox.ou = "sandboxes";
        const run = await runProgram({
            ...config,
            "landing-zone:accounts": JSON.stringify(accounts),
            "landing-zone:organizationalUnits": JSON.stringify(ous),
        });
        const component = run.one("landing-zone:organizations:MemberAccount", "app-dev");
        // Alias URNs: the old name, under the old parent.
        const names = (r: { aliases: string[] }) => r.aliases.map((a) => a.split("::").pop());
        assert.deepEqual(names(component), ["dev"]);
        // The account itself is aliased to its old URN under the old component.
        const [accountAlias] = run.one(ACCOUNT, "app-dev").aliases;
        assert.match(accountAlias, /landing-zone:organizations:Organization\$landing-zone:organizations:MemberAccount\$aws:organizations\/account:Account::dev$/);
        assert.deepEqual(names(run.one("pulumi:providers:aws", "app-dev-account")), ["dev-account"]);
        assert.deepEqual(names(run.one(OU, "ou-sandboxes")), ["ou-sandbox"]);
    });
});
