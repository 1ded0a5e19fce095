/**
 * The identity plan: permission sets per environment and level, assignments per team in every
 * account hosting the environment, both group modes, the migration from IAM users, tag-scoped
 * permission sets in a shared account (simulated), and the instance lookup.
 */
import { strict as assert } from "assert";
import { chooseInstance, type IdentityPlan } from "../../components/identity/plan";
import { planFromRawConfig } from "../../components/plan";
import { rawStackConfig } from "../helpers/program";
import { decide, IDENTITY_CENTER_STACKS, loadStack, mfaContext, render, Stack } from "../access/support";
import { checkStatement } from "../../policypack/lib/catalogue";
import { minifiedLength, parseDocument } from "../../policypack/lib/policy-document";
import { passRoleOnStar } from "../../policypack/policies/no-pass-role-wildcard";
import { GROUP_ID, hybridSso, prodSso, shippedTeams, withIdentity } from "./support";

const identityOf = (raw: Record<string, unknown>): IdentityPlan => {
    const planned = planFromRawConfig(raw).identity;
    assert.ok(planned, "an identity plan");
    return planned;
};
const triples = (p: IdentityPlan) => p.assignments.map((a) => `${a.team} ${a.permissionSet} ${a.account}`).sort();

describe("identity plan", () => {
    it("no Identity Center where people are IAM users", () => {
        for (const stack of ["dev", "prod"]) assert.equal(planFromRawConfig(rawStackConfig(stack)).identity, undefined);
    });

    describe("the shipped prod-sso stack", () => {
        const plan = identityOf(prodSso());
        const ps = (name: string) => plan.permissionSets.find((p) => p.name === name)!;

        it("one permission set per environment and level some team has, named for the portal", () => {
            assert.deepEqual(
                plan.permissionSets.map((p) => p.name),
                ["lz-dev-read", "lz-dev-write-iam", "lz-organization-admin", "lz-prod-admin", "lz-prod-read", "lz-staging-read", "lz-staging-write", "lz-test-read", "lz-test-write"],
            );
            for (const p of plan.permissionSets) {
                assert.ok(p.name.length <= 32, p.name);
                assert.equal(p.sessionDuration, "PT4H");
                assert.equal(p.relayState, "https://console.aws.amazon.com/console/home");
            }
        });

        it("mirrors the IAM roles: read-only, power user under the environment's boundary, admin marked admin, delegated IAM administration in dev", () => {
            assert.deepEqual(ps("lz-prod-read").managedPolicyArns, ["arn:{{partition}}:iam::aws:policy/ReadOnlyAccess"]);
            for (const env of ["test", "staging"]) {
                const w = ps(`lz-${env}-write`);
                assert.deepEqual(w.managedPolicyArns, ["arn:{{partition}}:iam::aws:policy/PowerUserAccess"]);
                assert.deepEqual(w.permissionsBoundary, { name: `lz-${env}-boundary`, path: "/landing-zone/" });
                assert.equal(w.inlinePolicy, undefined);
                assert.equal(w.tags.Environment, env);
                assert.equal(w.tags.AccessLevel, undefined);
            }
            const iam = ps("lz-dev-write-iam");
            assert.deepEqual(iam.permissionsBoundary, { name: "lz-dev-boundary", path: "/landing-zone/" });
            assert.ok(iam.inlinePolicy!.Statement.some((s) => s.Sid === "CreateRolesWithBoundary"));
            assert.deepEqual(ps("lz-prod-admin").managedPolicyArns, ["arn:{{partition}}:iam::aws:policy/AdministratorAccess"]);
            assert.equal(ps("lz-prod-admin").tags.AccessLevel, "admin");
        });

        it("organization administration without MFA conditions (the sign-in's), break-glass actions still denied", () => {
            const org = ps("lz-organization-admin");
            assert.equal(org.managedBy, "management");
            assert.equal(org.tags.AccessLevel, "admin");
            const text = JSON.stringify(org.inlinePolicy);
            assert.ok(!/MultiFactorAuth/i.test(text), text);
            const deny = org.inlinePolicy!.Statement.find((s) => s.Effect === "Deny")!;
            for (const a of ["organizations:CloseAccount", "organizations:LeaveOrganization", "organizations:DetachPolicy", "account:CloseAccount"]) assert.ok(deny.Action!.includes(a), a);
        });

        it("assigns each team's group the set of its level in every account hosting the environment, nothing else", () => {
            assert.deepEqual(triples(plan), [
                "auditors lz-dev-read dev",
                "auditors lz-prod-read prod",
                "auditors lz-staging-read staging",
                "auditors lz-test-read test",
                "developers lz-dev-write-iam dev",
                "developers lz-test-read test",
                "operators lz-organization-admin management",
                "operators lz-prod-admin prod",
                "product-managers lz-prod-read prod",
                "product-managers lz-staging-write staging",
                "qe lz-staging-read staging",
                "qe lz-test-write test",
                "solutions-architects lz-prod-read prod",
                "solutions-architects lz-staging-write staging",
            ]);
        });

        it("the assignments of an account form one chain; each waits for the boundary its set names, which the access plan creates there", () => {
            const access = planFromRawConfig(prodSso()).access;
            for (const account of new Set(plan.assignments.map((a) => a.account))) {
                const chain = plan.assignments.filter((a) => a.account === account);
                assert.equal(chain[0].after, undefined, account);
                chain.slice(1).forEach((a, i) => assert.equal(a.after, chain[i].key, a.key));
            }
            const keys = new Set(access.policies.map((p) => p.key));
            for (const a of plan.assignments) for (const k of a.requiresPolicies) assert.ok(keys.has(k), `${a.key} needs ${k}`);
            assert.deepEqual(plan.assignments.find((a) => a.key === "qe/lz-test-write/test")!.requiresPolicies, ["test/lz-test-boundary"]);
        });

        it("groups lz-<team> created in the identity store, memberships for the directory's people", () => {
            assert.deepEqual(
                plan.groups.map((g) => [g.displayName, g.directoryGroupId]),
                [
                    ["lz-auditors", undefined],
                    ["lz-developers", undefined],
                    ["lz-operators", undefined],
                    ["lz-product-managers", undefined],
                    ["lz-qe", undefined],
                    ["lz-solutions-architects", undefined],
                ],
            );
            assert.deepEqual(
                plan.memberships.filter((m) => m.userName === "bob@example.com").map((m) => m.team),
                ["developers", "qe"],
            );
            assert.deepEqual(
                plan.users.find((u) => u.userName === "alice@example.com"),
                {
                    userName: "alice@example.com",
                    displayName: "Alice Example",
                    email: "alice@example.com",
                    givenName: "Alice",
                    familyName: "Example",
                },
            );
        });
    });

    it("directory groups (SCIM): referenced by ID, never created, no memberships", () => {
        const plan = identityOf(withIdentity({ ...prodSso(), teams: shippedTeams(GROUP_ID) }, { users: {} }));
        assert.equal(plan.groups.find((g) => g.team === "developers")!.directoryGroupId, GROUP_ID.developers);
        assert.equal(plan.groups.find((g) => g.team === "operators")!.directoryGroupId, GROUP_ID.operators);
        assert.equal(plan.groups.find((g) => g.team === "qe")!.directoryGroupId, undefined, "the others are created");
        assert.deepEqual(plan.memberships, []);
        assert.deepEqual(triples(plan), triples(identityOf(prodSso())), "same access whichever way the group exists");
    });

    it("migration: IAM users and Identity Center side by side; afterwards the IAM-user model goes and every policy kept keeps its key", () => {
        const prod = planFromRawConfig(rawStackConfig("prod")).access;
        const users = rawStackConfig("prod").users;
        const both = withIdentity({ ...prodSso(), users }, { source: "iam-users+identity-center" });
        const migrating = planFromRawConfig(both).access;
        const after = planFromRawConfig(prodSso()).access;
        // While migrating, the IAM side is exactly prod's.
        assert.deepEqual(migrating.users, prod.users);
        assert.deepEqual(migrating.groups, prod.groups);
        assert.deepEqual(migrating.roles, prod.roles);
        assert.deepEqual(
            migrating.policies.map((p) => p.key),
            prod.policies.map((p) => p.key),
        );
        assert.deepEqual(triples(identityOf(both)), triples(identityOf(prodSso())));
        // Afterwards: no IAM users, groups or environment roles; workload roles stay.
        assert.deepEqual(after.users, []);
        assert.deepEqual(after.groups, []);
        assert.deepEqual(
            after.roles.map((r) => r.name),
            ["lz-svc-prod-app-server"],
        );
        const kept = after.policies.map((p) => p.key);
        assert.deepEqual(kept, ["dev/lz-dev-boundary", "staging/lz-staging-boundary", "test/lz-test-boundary"]);
        for (const k of kept)
            assert.deepEqual(
                after.policies.find((p) => p.key === k),
                migrating.policies.find((p) => p.key === k),
                `${k} unchanged`,
            );
    });

    it("delegated administration: the member account manages everything but the management account's own set", () => {
        const plan = identityOf(withIdentity(prodSso(), { delegatedAdministrator: "security" }));
        for (const p of plan.permissionSets) assert.equal(p.managedBy, p.name === "lz-organization-admin" ? "management" : "security", p.name);
        for (const a of plan.assignments.filter((x) => x.account === "management")) {
            assert.equal(plan.permissionSets.find((p) => p.name === a.permissionSet)!.managedBy, "management");
        }
    });

    describe("hybrid: permission sets of the shared non-production account are tag-scoped", () => {
        const raw = hybridSso();
        const plan = identityOf(raw);
        const access = planFromRawConfig(raw).access;
        const stack: Stack = { ...loadStack("hybrid"), plan: planFromRawConfig(raw), access };
        const docsOf = (name: string, account: string) => {
            const p = plan.permissionSets.find((x) => x.name === name)!;
            return [render(stack, p.inlinePolicy!), ...p.customerManagedPolicies.map((r) => render(stack, access.policies.find((x) => x.key === `${account}/${r.name}`)!.document))];
        };

        it("inline ABAC policy of the level, list/describe by reference, no AWS managed job policy; prod stays dedicated", () => {
            for (const name of ["lz-dev-write-iam", "lz-test-write", "lz-staging-read"]) {
                const p = plan.permissionSets.find((x) => x.name === name)!;
                assert.deepEqual(p.managedPolicyArns, [], name);
                assert.equal(p.permissionsBoundary, undefined, name);
                assert.deepEqual(p.customerManagedPolicies, [{ name: "lz-list-describe", path: "/landing-zone/" }], name);
                const env = name.split("-")[1];
                assert.ok(JSON.stringify(p.inlinePolicy).includes(`"aws:ResourceTag/Environment":"${env}"`), name);
            }
            assert.ok(access.policies.some((p) => p.key === "nonprod/lz-list-describe"));
            assert.ok(
                access.policies.some((p) => p.key === "nonprod/lz-dev-boundary"),
                "delegated roles' boundary",
            );
            assert.deepEqual(plan.permissionSets.find((x) => x.name === "lz-prod-read")!.managedPolicyArns, ["arn:{{partition}}:iam::aws:policy/ReadOnlyAccess"]);
        });

        it("a test writer acts on test's resources, not on dev's nor staging's (simulated)", async () => {
            const identityPolicies = docsOf("lz-test-write", "nonprod");
            const principal = "arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_lz-test-write_0123456789abcdef";
            const instance = (env: string) => ({
                principal,
                action: "ec2:TerminateInstances",
                resource: `arn:aws:ec2:eu-west-1:222222222222:instance/i-${env}`,
                resourceAccount: "222222222222",
                context: mfaContext({ "aws:ResourceTag/Environment": env }),
                identityPolicies,
            });
            assert.equal(await decide(instance("test")), "Allowed");
            assert.notEqual(await decide(instance("dev")), "Allowed");
            assert.notEqual(await decide(instance("staging")), "Allowed");
            // A snapshot of staging's database into a test-tagged snapshot.
            const snapshot = {
                principal,
                action: "rds:CreateDBSnapshot",
                resource: "arn:aws:rds:eu-west-1:222222222222:db:staging-db",
                resourceAccount: "222222222222",
                context: mfaContext({ "aws:ResourceTag/Environment": "staging", "aws:RequestTag/Environment": "test", "aws:TagKeys": ["Environment"] }),
                identityPolicies,
            };
            assert.notEqual(await decide(snapshot), "Allowed");
            assert.equal(await decide({ ...snapshot, resource: "arn:aws:rds:eu-west-1:222222222222:db:test-db", context: { ...snapshot.context, "aws:ResourceTag/Environment": "test" } }), "Allowed");
            // List and describe come from the referenced policy.
            assert.equal(await decide({ ...instance("dev"), action: "ec2:DescribeInstances", resource: "*" }), "Allowed");
        });
    });

    describe("the instance: configured, looked up, or not there", () => {
        const arn = "arn:aws:sso:::instance/ssoins-0123456789abcdef";
        const lookup = { arns: [arn, "arn:aws:sso:::instance/ssoins-fedcba9876543210"], identityStoreIds: ["d-0123456789", "d-9876543210"] };
        it("configured values are used as they are", () => {
            assert.deepEqual(chooseInstance({ instanceArn: arn, identityStoreId: "d-1111111111" }, undefined, "eu-west-1"), { instanceArn: arn, identityStoreId: "d-1111111111" });
        });
        it("what is absent comes from aws.ssoadmin.getInstances", () => {
            assert.deepEqual(chooseInstance({}, lookup, "eu-west-1"), { instanceArn: arn, identityStoreId: "d-0123456789" });
            assert.deepEqual(chooseInstance({ instanceArn: lookup.arns[1] }, lookup, "eu-west-1"), { instanceArn: lookup.arns[1], identityStoreId: "d-9876543210" });
            assert.deepEqual(chooseInstance({ identityStoreId: "d-2222222222" }, lookup, "eu-west-1"), { instanceArn: arn, identityStoreId: "d-2222222222" });
        });
        it("no instance: Identity Center must be enabled once in the console", () => {
            assert.throws(
                () => chooseInstance({}, { arns: [], identityStoreIds: [] }, "eu-west-1"),
                /IAM Identity Center is not enabled in eu-west-1.*Enable it once in the IAM Identity Center console.*landing-zone:identity.instanceArn/s,
            );
            assert.throws(() => chooseInstance({ instanceArn: "arn:aws:sso:::instance/ssoins-aaaaaaaaaaaaaaaa" }, lookup, "eu-west-1"), /not an IAM Identity Center instance of this account/);
        });
    });
});

describe("permission set documents of the Identity Center stacks", () => {
    for (const name of IDENTITY_CENTER_STACKS) {
        it(`${name}: every inline policy is valid IAM, unique Sids, within 10,240 characters, fully known, no account ID, no Allow NotAction, no PassRole on every role`, async () => {
            const stack = loadStack(name);
            const problems: string[] = [];
            for (const ps of stack.identity!.permissionSets) {
                if (!ps.inlinePolicy) continue;
                const doc = render(stack, ps.inlinePolicy);
                const text = JSON.stringify(doc);
                const sids = doc.Statement.map((s: { Sid: string }) => s.Sid);
                if (new Set(sids).size !== sids.length) problems.push(`${ps.name}: duplicate Sid`);
                if (minifiedLength(doc) > 10240) problems.push(`${ps.name}: ${minifiedLength(doc)} characters`);
                if (/\{\{|\d{12}/.test(text)) problems.push(`${ps.name}: placeholder or account ID`);
                const parsed = parseDocument(doc);
                assert.equal(parsed.kind, "ok");
                for (const s of parsed.kind === "ok" ? parsed.statements : []) {
                    for (const f of await checkStatement(s)) problems.push(`${ps.name}: ${f}`);
                    if (s.effect === "Allow" && (s.notAction || s.notResource)) problems.push(`${ps.name} ${s.sid}: Allow with NotAction/NotResource`);
                    if (passRoleOnStar(s)) problems.push(`${ps.name} ${s.sid}: PassRole on every role`);
                }
            }
            assert.deepEqual(problems, []);
        });
    }
});
