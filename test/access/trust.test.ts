/**
 * The bridges between environments that the action proof (./proof.test.ts) cannot see from one
 * side alone: role trust. From every access path of every Organizations layout, every planned
 * role of another environment (and the organization-admin role) is asked for sts:AssumeRole, with
 * the caller's documents, the role's trust policy and, in member accounts, the resource control
 * policies. Then organization administration (MFA age, what is kept for break-glass) and MFA
 * enrolment.
 */
import { strict as assert } from "assert";
import { DEFAULT_TEAMS } from "../../components/access/config";
import { ORGANIZATION_BREAK_GLASS_ACTIONS } from "../../components/access/policies";
import { simulate, type ScpLevel } from "../helpers/simulate";
import { accessPaths } from "./proof";
import { decide, loadStack, MANAGEMENT_ID, mfaContext, policyDoc, render, roleArn, Stack, userArn } from "./support";

/** The RCP chain of a member account: the root's resource control policies. */
function rcpChain(stack: Stack, account: string): ScpLevel[] {
    if (!stack.plan.organization || account === "management") return [];
    const gp = stack.plan.guardrails;
    return [{ id: "r-ex12", policies: gp.resourceControlPolicies.map((r) => ({ name: r.policyName, policy: JSON.parse(r.content) })) }];
}

async function roleChains(stack: Stack): Promise<string[]> {
    const allowed: string[] = [];
    for (const path of accessPaths(stack).filter((p) => p.kind !== "group")) {
        for (const role of stack.access.roles) {
            const out = await simulate({
                identityPolicies: path.identity,
                permissionBoundary: path.boundary,
                scps: path.scps,
                rcps: rcpChain(stack, role.account),
                resourcePolicy: render(stack, role.trust),
                request: {
                    principal: path.principal,
                    action: "sts:AssumeRole",
                    resource: roleArn(stack, role),
                    resourceAccount: stack.accountId(role.account),
                    context: { ...mfaContext(), "aws:PrincipalArn": path.principal },
                },
            });
            if (out.decision === "Allowed") allowed.push(`${path.env} ${path.level} ${path.principal.split(":role/")[1]} -> ${role.key}`);
        }
    }
    return allowed.sort();
}

for (const name of ["prod", "hybrid"]) {
    describe(`role trust between environments: ${name} stack`, function () {
        this.timeout(60_000);
        const stack = loadStack(name);

        it("no role of one environment, nor any role carrying its boundary, assumes a role of another; only prod admins reach organization administration", async () => {
            assert.deepEqual(await roleChains(stack), ["prod admin landing-zone/lz-prod-admin -> management/lz-organization-admin"]);
        });
    });
}

describe("organization administration", function () {
    this.timeout(60_000);
    const stack = loadStack("prod");
    const orgAdmin = stack.access.roles.find((r) => r.name === "lz-organization-admin")!;
    const groupPolicies = ["all-users", "org-admins"].flatMap((g) => stack.access.groups.find((x) => x.key === g)!.policyKeys).map((k) => policyDoc(stack, k));
    const asGroup = (action: string, ctx = mfaContext()) =>
        decide({ principal: userArn(stack, "dave"), action, resource: "*", resourceAccount: MANAGEMENT_ID, context: ctx, identityPolicies: groupPolicies });
    const asRole = (action: string, ctx = mfaContext()) =>
        decide({
            principal: roleArn(stack, orgAdmin),
            action,
            resource: "*",
            resourceAccount: MANAGEMENT_ID,
            context: ctx,
            identityPolicies: orgAdmin.policyKeys.map((k) => policyDoc(stack, k)),
        });
    const resourceOf = (action: string) =>
        action === "organizations:CloseAccount" || action === "organizations:RemoveAccountFromOrganization" || action === "organizations:MoveAccount"
            ? `arn:aws:organizations::${MANAGEMENT_ID}:account/o-exampleorg1/222222222222`
            : "*";

    it("everyday administration with a recent MFA sign-in, through the group and the role", async () => {
        for (const action of ["organizations:CreateAccount", "organizations:CreateOrganizationalUnit", "organizations:CreatePolicy", "organizations:ListAccounts"]) {
            assert.equal(await asGroup(action), "Allowed", action);
            assert.equal(await asRole(action), "Allowed", action);
        }
    });

    it("an MFA sign-in older than mfaMaxAgeSeconds (or none) administers nothing", async () => {
        const old = mfaContext({ "aws:MultiFactorAuthAge": String(stack.plan.config.mfaMaxAgeSeconds + 1) });
        assert.notEqual(await asGroup("organizations:CreateAccount", old), "Allowed");
        assert.notEqual(await asRole("organizations:CreateAccount", old), "Allowed");
        assert.notEqual(await asRole("organizations:CreateAccount", mfaContext({ "aws:MultiFactorAuthPresent": "false" })), "Allowed");
        // A 30-hour-old session, the case of the issue.
        assert.notEqual(await asGroup("organizations:DetachPolicy", mfaContext({ "aws:MultiFactorAuthAge": "108000" })), "Allowed");
    });

    it("closing, removing or moving accounts, dissolving the organization, attaching or switching guardrails off is break-glass, not everyday", async () => {
        for (const action of [
            "organizations:CloseAccount",
            "organizations:RemoveAccountFromOrganization",
            "organizations:DeleteOrganization",
            "organizations:DisablePolicyType",
            "organizations:LeaveOrganization",
            "organizations:DetachPolicy",
            "organizations:UpdatePolicy",
            "organizations:DisableAWSServiceAccess",
            // Widening through the tree: FullAWSAccess back on an allow-list OU, prod moved under the sandbox.
            "organizations:AttachPolicy",
            "organizations:MoveAccount",
            "account:CloseAccount",
        ]) {
            assert.ok(ORGANIZATION_BREAK_GLASS_ACTIONS.includes(action), action);
            const resource = resourceOf(action);
            for (const principal of [userArn(stack, "dave"), roleArn(stack, orgAdmin)]) {
                const d = await decide({
                    principal,
                    action,
                    resource,
                    resourceAccount: MANAGEMENT_ID,
                    context: mfaContext(),
                    identityPolicies: principal.includes(":user/") ? groupPolicies : orgAdmin.policyKeys.map((k) => policyDoc(stack, k)),
                });
                assert.equal(d, "ExplicitlyDenied", `${action} by ${principal}`);
            }
        }
    });

    it("an admin team that does not administer the organization does not reach it through its admin role", async () => {
        const teams = Object.fromEntries(Object.entries(DEFAULT_TEAMS).map(([k, t]) => [k, { access: { ...t.access }, iamAdmin: t.iamAdmin ?? [], organizationAdmin: t.organizationAdmin ?? false }]));
        teams.developers.access.dev = "admin";
        teams.developers.iamAdmin = [];
        const variant = loadStack("prod", { teams });
        assert.deepEqual(await roleChains(variant), ["prod admin landing-zone/lz-prod-admin -> management/lz-organization-admin"]);
        // Without any admin team that administers the organization, there is no role to reach.
        const none = loadStack("prod", { teams: { ...teams, operators: { ...teams.operators, organizationAdmin: false } } });
        assert.equal(
            none.access.roles.find((r) => r.name === "lz-organization-admin"),
            undefined,
        );
    });
});

describe("MFA enrolment", function () {
    this.timeout(60_000);
    const noMfa = (user: string) => ({ ...mfaContext({ "aws:MultiFactorAuthPresent": "false" }), "aws:username": user });

    async function canEnrol(stack: Stack, user: string, team: string): Promise<boolean> {
        const u = stack.access.users.find((x) => x.name === user)!;
        const policies = u.groupKeys.flatMap((g) => stack.access.groups.find((x) => x.key === g)!.policyKeys).map((k) => policyDoc(stack, k));
        const acct = stack.accountId(stack.access.identityAccount);
        const ask = (action: string, resource: string) => decide({ principal: userArn(stack, user), action, resource, resourceAccount: acct, context: noMfa(user), identityPolicies: policies });
        assert.ok(u.groupKeys.includes(team));
        const create = await ask("iam:CreateVirtualMFADevice", `arn:aws:iam::${acct}:mfa/${user}`);
        const enable = await ask("iam:EnableMFADevice", `arn:aws:iam::${acct}:user/${user}`);
        assert.equal(create, enable, "creating and enabling go together");
        // Password self-service stays open either way.
        assert.equal(await ask("iam:ChangePassword", `arn:aws:iam::${acct}:user/${user}`), "Allowed");
        return create === "Allowed";
    }

    it("self-service (default): whoever signs in first with a user's password can enrol a device", async () => {
        const stack = loadStack("dev");
        assert.equal(await canEnrol(stack, "alice", "developers"), true);
        assert.ok(!stack.access.groups.some((g) => g.key === "mfa-enrolment"));
    });

    it("enrolment group: only a user in lz-mfa-enrolment enrols a device; the others cannot, with or without the password", async () => {
        const users = { alice: { teams: ["developers"], enrolMfa: true }, bob: { teams: ["developers", "qe"] } };
        const stack = loadStack("dev", { mfaEnrolment: "enrolment-group", users });
        assert.deepEqual(stack.access.users.find((u) => u.name === "alice")!.groupKeys, ["developers", "all-users", "mfa-enrolment"]);
        assert.equal(await canEnrol(stack, "alice", "developers"), true);
        assert.equal(await canEnrol(stack, "bob", "developers"), false);
    });
});
