/**
 * The level model with an IAM request simulator: for every team x environment, what each level is
 * for (read, write, admin, delegated IAM administration) in every layout. Expectations come from
 * the level model (docs/access-model.md), decisions from the simulator evaluating the generated
 * policies; nothing here reads the expected answer from the plan. That nothing reaches another
 * environment is proven from the whole action catalogue in ./proof.test.ts.
 */
import { strict as assert } from "assert";
import { AccessLevel, DEFAULT_TEAMS, effectiveTeams, LEVEL_RANK } from "../../components/access/config";
import { RolePlan } from "../../components/access/plan";
import { decide, Decision, loadStack, mfaContext, MANAGEMENT_ID, policyDoc, REGION, render, roleArn, roleIdentity, Stack, teamIdentityPolicies, userArn, AWS_MANAGED, STACKS } from "./support";

type Layout = "shared" | "dedicated";

interface Probe {
    name: string;
    action: string;
    resource: (acct: string, env: string) => string;
    context: (env: string, other: string, key: string) => Record<string, string | string[]>;
    /** Lowest level that may do it; undefined: no level may. */
    minLevel: Record<Layout, AccessLevel | undefined>;
}

const INSTANCE = (a: string) => `arn:aws:ec2:${REGION}:${a}:instance/i-0123456789abcdef0`;
const TABLE = (a: string) => `arn:aws:dynamodb:${REGION}:${a}:table/orders`;
const tagged = (env: string, key: string) => ({ [`aws:ResourceTag/${key}`]: env });

/** What each level is for, in the team's own environment. */
const PROBES: Probe[] = [
    { name: "read an item", action: "dynamodb:GetItem", resource: TABLE, context: (e, _o, k) => tagged(e, k), minLevel: { shared: "read", dedicated: "read" } },
    { name: "write an item", action: "dynamodb:PutItem", resource: TABLE, context: (e, _o, k) => tagged(e, k), minLevel: { shared: "write", dedicated: "write" } },
    { name: "terminate an instance", action: "ec2:TerminateInstances", resource: INSTANCE, context: (e, _o, k) => tagged(e, k), minLevel: { shared: "write", dedicated: "write" } },
    {
        name: "launch an instance tagged with the environment",
        action: "ec2:RunInstances",
        resource: INSTANCE,
        context: (e, _o, k) => ({ [`aws:RequestTag/${k}`]: e, "aws:TagKeys": [k, "Name"] }),
        minLevel: { shared: "write", dedicated: "write" },
    },
    {
        // Resource policies: admin in a shared account; PowerUserAccess includes them in a dedicated one.
        name: "change a function's resource policy",
        action: "lambda:AddPermission",
        resource: (a) => `arn:aws:lambda:${REGION}:${a}:function:orders`,
        context: (e, _o, k) => tagged(e, k),
        minLevel: { shared: "admin", dedicated: "write" },
    },
    {
        // An escalation action (the code runs as the function's role): in a shared account only
        // on functions named for the environment.
        name: "update the code of a function named for the environment",
        action: "lambda:UpdateFunctionCode",
        resource: (a, env) => `arn:aws:lambda:${REGION}:${a}:function:${env}-orders`,
        context: (e, _o, k) => tagged(e, k),
        minLevel: { shared: "write", dedicated: "write" },
    },
    {
        name: "update the code of a function not named for the environment",
        action: "lambda:UpdateFunctionCode",
        resource: (a) => `arn:aws:lambda:${REGION}:${a}:function:orders`,
        context: (e, _o, k) => tagged(e, k),
        minLevel: { shared: undefined, dedicated: "write" },
    },
    {
        name: "create an IAM user",
        action: "iam:CreateUser",
        resource: (a) => `arn:aws:iam::${a}:user/mallory`,
        context: () => ({}),
        minLevel: { shared: undefined, dedicated: "admin" },
    },
    {
        // Moving a resource to another environment: never where environments share an account.
        name: "retag a resource with another environment",
        action: "ec2:CreateTags",
        resource: INSTANCE,
        context: (e, o, k) => ({ ...tagged(e, k), [`aws:RequestTag/${k}`]: o, "aws:TagKeys": [k] }),
        minLevel: { shared: undefined, dedicated: "write" },
    },
    {
        name: "remove the environment tag",
        action: "ec2:DeleteTags",
        resource: INSTANCE,
        context: (e, _o, k) => ({ ...tagged(e, k), "aws:TagKeys": [k] }),
        minLevel: { shared: undefined, dedicated: "write" },
    },
];

function expected(level: AccessLevel, probe: Probe, layout: Layout): boolean {
    const min = probe.minLevel[layout];
    return min !== undefined && LEVEL_RANK[level] >= LEVEL_RANK[min];
}

/** Environment roles (not service or organization roles) in the accounts hosting an environment. */
function environmentRoles(stack: Stack, env: string): RolePlan[] {
    const accounts = stack.plan.environments.find((e) => e.name === env)!.accounts;
    return stack.access.roles.filter((r) => accounts.includes(r.account) && r.path === "/landing-zone/" && r.name.startsWith(`lz-${env}-`));
}

async function assume(stack: Stack, team: string, role: RolePlan, ctx = mfaContext()): Promise<Decision> {
    return decide({
        principal: userArn(stack, `${team}-member`),
        action: "sts:AssumeRole",
        resource: roleArn(stack, role),
        resourceAccount: stack.accountId(role.account),
        context: ctx,
        identityPolicies: teamIdentityPolicies(stack, team),
        resourcePolicy: render(stack, role.trust),
    });
}

/** Decision for a member of `team` doing `probe` in `env`, through whatever path the plan gives them. */
async function teamCan(stack: Stack, team: string, env: string, probe: Probe): Promise<boolean> {
    const key = stack.plan.environmentTagKey;
    const other = stack.plan.environments.find((e) => e.name !== env)!.name;
    const e = stack.plan.environments.find((x) => x.name === env)!;
    let allowed = false;
    for (const account of e.accounts) {
        const acct = stack.accountId(account);
        const req = { action: probe.action, resource: probe.resource(acct, env), resourceAccount: acct, context: mfaContext(probe.context(env, other, key)) };
        if (account === stack.access.identityAccount) {
            const d = await decide({ ...req, principal: userArn(stack, `${team}-member`), identityPolicies: teamIdentityPolicies(stack, team) });
            allowed ||= d === "Allowed";
        }
        for (const role of environmentRoles(stack, env).filter((r) => r.account === account)) {
            if ((await assume(stack, team, role)) !== "Allowed") continue;
            const id = roleIdentity(stack, role);
            const d = await decide({ ...req, principal: roleArn(stack, role), identityPolicies: id.policies, boundary: id.boundary });
            allowed ||= d === "Allowed";
        }
    }
    return allowed;
}

for (const stackName of STACKS) {
    describe(`access proofs by simulation: ${stackName} stack`, function () {
        const stack = loadStack(stackName);
        const stackUnderTest = stack;
        const teams = Object.keys(stack.access.matrix);
        const envs = stack.plan.environments;

        it("covers several teams and every environment", () => {
            assert.ok(teams.length >= 5, `teams: ${teams.join(", ")}`);
            assert.deepEqual(Object.keys(stack.access.matrix.auditors).sort(), envs.map((e) => e.name).sort());
        });

        for (const team of teams) {
            it(`team ${team}: every environment x action matches its level`, async () => {
                const mismatches: string[] = [];
                for (const env of envs) {
                    const level = stack.access.matrix[team][env.name];
                    const layout: Layout = env.separatedByTags ? "shared" : "dedicated";
                    for (const probe of PROBES) {
                        const got = await teamCan(stack, team, env.name, probe);
                        const want = expected(level, probe, layout);
                        if (got !== want) mismatches.push(`${env.name} (${level}, ${layout}): ${probe.name}: got ${got ? "allowed" : "denied"}`);
                    }
                }
                assert.deepEqual(mismatches, []);
            });
        }

        if (stack.plan.layout !== "single-account") {
            it("each team may assume exactly the roles of its levels, and only with recent MFA", async () => {
                const teamCfg = effectiveTeams(stack.plan.config);
                const wrong: string[] = [];
                for (const team of teams) {
                    for (const env of envs) {
                        const level = stack.access.matrix[team][env.name];
                        // The level's role; a write team with delegated IAM administration uses the write-iam variant.
                        const intended = level === "none" ? undefined : `lz-${env.name}-${level === "write" && teamCfg[team].iamAdmin.includes(env.name) ? "write-iam" : level}`;
                        for (const role of environmentRoles(stack, env.name)) {
                            const got = (await assume(stack, team, role)) === "Allowed";
                            if (got !== (role.name === intended)) wrong.push(`${team} -> ${role.key}: ${got ? "allowed" : "denied"}`);
                        }
                    }
                }
                assert.deepEqual(wrong, []);
                const role = environmentRoles(stack, "prod").find((r) => r.name === "lz-prod-admin")!;
                assert.equal(await assume(stack, "operators", role), "Allowed");
                assert.notEqual(await assume(stack, "operators", role, mfaContext({ "aws:MultiFactorAuthPresent": "false" })), "Allowed");
                assert.notEqual(await assume(stack, "operators", role, mfaContext({ "aws:MultiFactorAuthAge": "7200" })), "Allowed");
                // A role of the same name in an account outside the organization is not reachable.
                assert.notEqual(await assume(stack, "operators", role, mfaContext({ "aws:ResourceOrgID": "o-otherorg123" })), "Allowed");
            });

            it("a developer cannot assume any prod role", async () => {
                for (const role of environmentRoles(stack, "prod")) {
                    assert.notEqual(await assume(stack, "developers", role), "Allowed", role.key);
                }
            });

            it("org admins administer the organization; admin roles of member accounts reach it with MFA", async () => {
                const orgPolicies = ["all-users", "org-admins"].flatMap((g) => stack.access.groups.find((x) => x.key === g)!.policyKeys).map((k) => policyDoc(stack, k));
                const req = { principal: userArn(stack, "dave"), action: "organizations:CreateAccount", resource: "*", resourceAccount: MANAGEMENT_ID };
                assert.equal(await decide({ ...req, context: mfaContext(), identityPolicies: orgPolicies }), "Allowed");
                assert.notEqual(await decide({ ...req, context: mfaContext(), identityPolicies: teamIdentityPolicies(stack, "developers") }), "Allowed");
                assert.notEqual(await decide({ ...req, context: mfaContext({ "aws:MultiFactorAuthPresent": "false" }), identityPolicies: orgPolicies }), "Allowed");

                const orgRole = stack.access.roles.find((r) => r.name === "lz-organization-admin")!;
                const fromRole = async (name: string, ctx = mfaContext()) =>
                    decide({
                        principal: `arn:aws:iam::${stack.accountId("prod")}:role/landing-zone/${name}`,
                        action: "sts:AssumeRole",
                        resource: roleArn(stack, orgRole),
                        resourceAccount: MANAGEMENT_ID,
                        context: { ...ctx, "aws:PrincipalArn": `arn:aws:iam::${stack.accountId("prod")}:role/landing-zone/${name}` },
                        identityPolicies: [AWS_MANAGED.AdministratorAccess],
                        resourcePolicy: render(stack, orgRole.trust),
                    });
                assert.equal(await fromRole("lz-prod-admin"), "Allowed");
                assert.notEqual(await fromRole("lz-prod-read"), "Allowed");
                assert.notEqual(await fromRole("lz-prod-admin", mfaContext({ "aws:MultiFactorAuthPresent": "false" })), "Allowed");
                assert.notEqual(await fromRole("lz-prod-admin", mfaContext({ "aws:PrincipalOrgID": "o-otherorg123" })), "Allowed");
            });
        }

        it("nothing but MFA self-service without MFA", async () => {
            const id = stack.access.identityAccount;
            const acct = stack.accountId(id);
            const noMfa: Record<string, string | string[]> = { ...mfaContext(), "aws:MultiFactorAuthPresent": "false" };
            const policies = teamIdentityPolicies(stack, "developers");
            const ask = (action: string, resource: string, context = noMfa) =>
                decide({ principal: userArn(stack, "alice"), action, resource, resourceAccount: acct, context: { ...context, "aws:username": "alice" }, identityPolicies: policies });
            assert.equal(await ask("iam:ChangePassword", `arn:aws:iam::${acct}:user/alice`), "Allowed");
            assert.equal(await ask("iam:CreateVirtualMFADevice", `arn:aws:iam::${acct}:mfa/alice`), "Allowed");
            assert.equal(await ask("iam:EnableMFADevice", `arn:aws:iam::${acct}:user/alice`), "Allowed");
            assert.notEqual(await ask("iam:ChangePassword", `arn:aws:iam::${acct}:user/bob`), "Allowed");
            assert.notEqual(await ask("iam:DeactivateMFADevice", `arn:aws:iam::${acct}:user/alice`), "Allowed");
            assert.equal(await ask("dynamodb:PutItem", TABLE(acct), { ...noMfa, "aws:ResourceTag/Environment": "dev" }), "ExplicitlyDenied");
            assert.equal(await ask("sts:AssumeRole", `arn:aws:iam::${acct}:role/landing-zone/lz-dev-write-iam`), "ExplicitlyDenied");
        });

        if (stack.plan.layout === "single-account") {
            it("a developer cannot terminate a prod instance nor touch its environment tag; prod admins cannot remove it either", async () => {
                const acct = stack.accountId("management");
                const ask = (team: string, action: string, extra: Record<string, string | string[]>) =>
                    decide({
                        principal: userArn(stack, `${team}-member`),
                        action,
                        resource: INSTANCE(acct),
                        resourceAccount: acct,
                        context: mfaContext({ "aws:ResourceTag/Environment": "prod", ...extra }),
                        identityPolicies: teamIdentityPolicies(stack, team),
                    });
                assert.notEqual(await ask("developers", "ec2:TerminateInstances", {}), "Allowed");
                assert.equal(await ask("developers", "ec2:TerminateInstances", { "aws:ResourceTag/Environment": "dev" }), "Allowed");
                assert.notEqual(await ask("developers", "ec2:DeleteTags", { "aws:TagKeys": ["Environment"] }), "Allowed");
                assert.equal(await ask("operators", "ec2:TerminateInstances", {}), "Allowed");
                assert.equal(await ask("operators", "ec2:DeleteTags", { "aws:TagKeys": ["Environment"] }), "ExplicitlyDenied");
                assert.equal(await ask("operators", "ec2:DeleteTags", { "aws:TagKeys": ["Name"] }), "Allowed");
            });
        }

        if (stack.plan.layout === "single-account") {
            it("no delegated IAM administration by default: nothing in one account stops a delegated role from trusting an outside account", () => {
                assert.deepEqual(
                    stack.access.policies.filter((p) => /-iam-delegation$/.test(p.name)).map((p) => p.key),
                    [],
                );
                assert.ok(Object.values(effectiveTeams(stack.plan.config)).every((t) => t.iamAdmin.length === 0));
            });
        }

        describe("delegated IAM administration (developers in dev)", () => {
            // Single-account: only when configured explicitly (the shipped split, with developers' iamAdmin set).
            const explicit = Object.fromEntries(Object.entries(DEFAULT_TEAMS).map(([k, t]) => [k, { access: t.access, iamAdmin: t.iamAdmin ?? [], organizationAdmin: false }]));
            const stack = stackUnderTest.plan.layout === "single-account" ? loadStack("dev", { teams: explicit }) : stackUnderTest;

            /** The developers' way into dev: their group (shared identity account) or the dev write-iam role. */
            async function developerIam(action: string, resource: (acct: string) => string, boundary?: (acct: string) => string): Promise<Decision> {
                const env = stack.plan.environments.find((e) => e.name === "dev")!;
                const account = env.accounts[0];
                const acct = stack.accountId(account);
                const context = mfaContext(boundary ? { "iam:PermissionsBoundary": boundary(acct) } : {});
                const req = { action, resource: resource(acct), resourceAccount: acct, context };
                if (account === stack.access.identityAccount) {
                    return decide({ ...req, principal: userArn(stack, "alice"), identityPolicies: teamIdentityPolicies(stack, "developers") });
                }
                const role = environmentRoles(stack, "dev").find((r) => r.name === "lz-dev-write-iam")!;
                assert.ok(role, "developers have a dev write-iam role");
                assert.equal(await assume(stack, "developers", role), "Allowed");
                const id = roleIdentity(stack, role);
                return decide({ ...req, principal: roleArn(stack, role), identityPolicies: id.policies, boundary: id.boundary });
            }
            const devRole = (a: string) => `arn:aws:iam::${a}:role/workloads/dev/app`;
            const devBoundary = (a: string) => `arn:aws:iam::${a}:policy/landing-zone/lz-dev-boundary`;

            it("may create a role only with the dev boundary", async () => {
                assert.equal(await developerIam("iam:CreateRole", devRole, devBoundary), "Allowed");
                assert.notEqual(await developerIam("iam:CreateRole", devRole), "Allowed");
                assert.notEqual(await developerIam("iam:CreateRole", devRole, (a) => `arn:aws:iam::${a}:policy/workloads/dev/mine`), "Allowed");
                assert.equal(await developerIam("iam:AttachRolePolicy", devRole, devBoundary), "Allowed");
                assert.notEqual(await developerIam("iam:CreateRole", (a) => `arn:aws:iam::${a}:role/landing-zone/lz-dev-admin`, devBoundary), "Allowed");
            });

            it("cannot remove, swap or edit the boundary", async () => {
                assert.notEqual(await developerIam("iam:DeleteRolePermissionsBoundary", devRole, devBoundary), "Allowed");
                assert.notEqual(await developerIam("iam:PutRolePermissionsBoundary", devRole, (a) => `arn:aws:iam::${a}:policy/workloads/dev/mine`), "Allowed");
                for (const action of ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"]) {
                    assert.notEqual(await developerIam(action, devBoundary), "Allowed", action);
                }
                assert.equal(await developerIam("iam:CreatePolicy", (a) => `arn:aws:iam::${a}:policy/workloads/dev/app-access`), "Allowed");
            });

            it("a team without delegation cannot create roles in its environment", async () => {
                const env = stack.plan.environments.find((e) => e.name === "test")!;
                const acct = stack.accountId(env.accounts[0]);
                const context = mfaContext({ "iam:PermissionsBoundary": `arn:aws:iam::${acct}:policy/landing-zone/lz-test-boundary` });
                const req = { action: "iam:CreateRole", resource: `arn:aws:iam::${acct}:role/workloads/test/app`, resourceAccount: acct, context };
                if (env.accounts[0] === stack.access.identityAccount) {
                    assert.notEqual(await decide({ ...req, principal: userArn(stack, "bob"), identityPolicies: teamIdentityPolicies(stack, "qe") }), "Allowed");
                } else {
                    const role = environmentRoles(stack, "test").find((r) => r.name === "lz-test-write")!;
                    const id = roleIdentity(stack, role);
                    assert.notEqual(await decide({ ...req, principal: roleArn(stack, role), identityPolicies: id.policies, boundary: id.boundary }), "Allowed");
                }
            });

            it("a role carrying the boundary cannot escalate, whatever is attached to it", async () => {
                const account = stack.plan.environments.find((e) => e.name === "dev")!.accounts[0];
                const acct = stack.accountId(account);
                const boundary = policyDoc(stack, `${account}/lz-dev-boundary`);
                const ask = (action: string, resource: string, ctx: Record<string, string | string[]> = {}) =>
                    decide({ principal: devRole(acct), action, resource, resourceAccount: acct, context: ctx, identityPolicies: [AWS_MANAGED.AdministratorAccess], boundary });
                assert.notEqual(await ask("iam:CreateUser", `arn:aws:iam::${acct}:user/mallory`), "Allowed");
                assert.notEqual(await ask("iam:CreateRole", `arn:aws:iam::${acct}:role/workloads/dev/other`), "Allowed");
                assert.notEqual(await ask("iam:DeleteRolePermissionsBoundary", devRole(acct)), "Allowed");
                assert.equal(await ask("dynamodb:PutItem", TABLE(acct), { "aws:ResourceTag/Environment": "dev" }), "Allowed");
            });
        });
    });
}
