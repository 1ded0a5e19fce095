/**
 * The pure access plan beyond the shipped stacks: a member account as identity account,
 * accepted untaggable actions, service roles, stable keys.
 */
import { strict as assert } from "assert";
import { DEFAULT_TEAMS } from "../../components/access/config";
import { ALL_USERS_GROUP } from "../../components/access/plan";
import { runProgram, stackConfig } from "../helpers/program";
import { decide, loadStack, mfaContext, MANAGEMENT_ID, teamIdentityPolicies, userArn } from "./support";

describe("access plan", () => {
    it("a member account as identity account: people, groups and password policy there; roles trust it", () => {
        const stack = loadStack("prod", { identityAccount: "security" });
        const a = stack.access;
        assert.equal(a.identityAccount, "security");
        for (const x of [...a.users, ...a.groups.filter((g) => g.key !== "org-admins")]) assert.equal(x.account, "security", JSON.stringify(x));
        assert.equal(a.passwordPolicy.account, "security");
        // Org admins stay in the management account; nobody from the identity account is added to it.
        assert.equal(a.groups.find((g) => g.key === "org-admins")!.account, "management");
        assert.ok(a.users.every((u) => !u.groupKeys.includes("org-admins")));
        for (const r of a.roles.filter((x) => /^lz-(dev|test|staging|prod)-/.test(x.name))) {
            assert.match(JSON.stringify(r.trust), /\{\{account:security\}\}/, r.key);
        }
        // ...and organization admins reach the organization-admin role from there, with MFA.
        const orgRole = a.roles.find((r) => r.name === "lz-organization-admin")!;
        const fromIdentity = orgRole.trust.Statement.find((s) => JSON.stringify(s.Principal).includes("{{account:security}}"));
        assert.ok(fromIdentity && fromIdentity.Condition?.Bool?.["aws:MultiFactorAuthPresent"] === "true");
        const operators = a.policies.find((p) => p.key === "security/lz-team-operators-assume")!;
        assert.ok([operators.document.Statement[0].Resource!].flat().some((r) => r.endsWith("role/landing-zone/lz-organization-admin")));
        const developers = a.policies.find((p) => p.key === "security/lz-team-developers-assume")!;
        assert.ok(![developers.document.Statement[0].Resource!].flat().some((r) => r.endsWith("lz-organization-admin")));
    });

    it("a member identity account registers people through that account's provider (its ID, in trust policies, is known only after creation)", async function () {
        this.timeout(60_000);
        const run = await runProgram({ ...stackConfig("prod"), "landing-zone:identityAccount": "security" });
        const users = run.byType("aws:iam/user:User");
        assert.ok(users.length > 0);
        for (const u of users) assert.match(u.provider, /security-account/, u.name);
        const pp = run.byType("aws:iam/accountPasswordPolicy:AccountPasswordPolicy");
        assert.equal(pp.length, 1);
        assert.match(pp[0].provider, /security-account/);
    });

    it("accepted untaggable actions go to write and admin, never to read", async () => {
        const stack = loadStack("dev", { acceptedUntaggedActions: ["autoscaling:CreateLaunchConfiguration"] });
        const withIt = stack.access.groups
            .filter((g) => g.policyKeys.includes("management/lz-accepted-untagged"))
            .map((g) => g.key)
            .sort();
        const writers = Object.entries(stack.access.matrix)
            .filter(([, row]) => Object.values(row).some((l) => l === "write" || l === "admin"))
            .map(([t]) => t)
            .sort();
        assert.deepEqual(withIt, writers);
        const ask = (team: string) =>
            decide({
                principal: userArn(stack, `${team}-member`),
                action: "autoscaling:CreateLaunchConfiguration",
                resource: `arn:aws:autoscaling:eu-west-1:${MANAGEMENT_ID}:launchConfiguration:*:launchConfigurationName/lc1`,
                resourceAccount: MANAGEMENT_ID,
                context: mfaContext(),
                identityPolicies: teamIdentityPolicies(stack, team),
            });
        assert.equal(await ask("developers"), "Allowed");
        assert.notEqual(await ask("auditors"), "Allowed");
        // Without acceptance nobody gets it.
        const plain = loadStack("dev");
        assert.ok(!plain.access.policies.some((p) => p.name === "lz-accepted-untagged"));
    });

    it("service roles: one per account hosting the environment, assumed by the service only", () => {
        const stack = loadStack("prod");
        const roles = stack.access.roles.filter((r) => r.path.startsWith("/landing-zone/service/"));
        assert.deepEqual(
            roles.map((r) => `${r.account}/${r.path}${r.name}`),
            ["prod//landing-zone/service/prod/lz-svc-prod-app-server"],
        );
        assert.deepEqual(roles[0].managedPolicyArns, ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
        assert.equal(roles[0].tags.Environment, "prod");
    });

    it("keys are stable: adding a team and a user renames nothing that exists", () => {
        const base = loadStack("dev");
        // The defaults as explicit config (no organization here, so no organization admins).
        const teams = { ...DEFAULT_TEAMS, operators: { ...DEFAULT_TEAMS.operators, organizationAdmin: false }, "data-science": { access: { dev: "read" } } };
        const users = { ...base.plan.config.users, zoe: { teams: ["data-science"] } };
        const grown = loadStack("dev", { teams, users }).access;
        const keys = (a: typeof grown) => [...a.policies.map((p) => p.key), ...a.groups.map((g) => `${g.account}/${g.name}`), ...a.users.map((u) => u.name), ...a.roles.map((r) => r.key)];
        const before = keys(base.access);
        const after = new Set(keys(grown));
        assert.deepEqual(
            before.filter((k) => !after.has(k)),
            [],
        );
        // Existing documents are unchanged too.
        for (const p of base.access.policies) assert.deepEqual(grown.policies.find((x) => x.key === p.key)!.document, p.document, p.key);
        assert.deepEqual(grown.users.find((u) => u.name === "zoe")!.groupKeys, ["data-science", ALL_USERS_GROUP]);
    });
});
