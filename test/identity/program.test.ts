/**
 * Identity Center in mock runs of the program: what is registered in each group mode, with
 * delegated administration, during a migration; the order of assignments; and the shipped
 * prod-sso stack planned offline with the real policy pack (zero violations), its instance looked
 * up as the provider would, and the error when no instance exists.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { accessMatrix } from "../../components/access/plan";
import { planFromRawConfig } from "../../components/plan";
import { renderMarkdown } from "../../tools/plan/render";
import type { PlanResult } from "../../tools/plan/run";
import { runPlanHere, shippedPlan } from "../helpers/plan";
import { flatten, ProgramRun, Recorded, ROOT, runProgram } from "../helpers/program";
import { tempDir } from "../plan/support";
import { rawStackConfig } from "../helpers/program";
import { GROUP_ID, prodSso, shippedTeams, withIdentity } from "./support";

const T = {
    permissionSet: "aws:ssoadmin/permissionSet:PermissionSet",
    assignment: "aws:ssoadmin/accountAssignment:AccountAssignment",
    managed: "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment",
    boundary: "aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment",
    inline: "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
    group: "aws:identitystore/group:Group",
    user: "aws:identitystore/user:User",
    membership: "aws:identitystore/groupMembership:GroupMembership",
    delegated: "aws:organizations/delegatedAdministrator:DelegatedAdministrator",
    iamUser: "aws:iam/user:User",
    iamGroup: "aws:iam/group:Group",
    iamPolicy: "aws:iam/policy:Policy",
    iamRole: "aws:iam/role:Role",
};
const INSTANCE = { instanceArn: "arn:aws:sso:::instance/ssoins-0123456789abcdef", identityStoreId: "d-0123456789" };

/** The program on a raw config (the instance configured: the in-process mocks answer no Identity Center lookup). */
function run(raw: Record<string, unknown>): Promise<ProgramRun> {
    const identity = { ...(raw.identity as Record<string, unknown>), ...INSTANCE };
    return runProgram(flatten({ "aws:region": "eu-west-1", ...Object.fromEntries(Object.entries({ ...raw, identity }).map(([k, v]) => [`landing-zone:${k}`, v])) }));
}

const urnOf = (r: Recorded) => r.urn;
const providerName = (run: ProgramRun, r: Recorded) => run.resources.find((x) => x.urn === r.provider)?.name;

describe("identity center in mock runs of the program", function () {
    this.timeout(120_000);

    describe("prod-sso: groups created in the identity store", () => {
        let r: ProgramRun;
        before(async () => {
            r = await run(prodSso());
        });

        it("registers permission sets, groups, people and memberships, and no IAM user, group or environment role", () => {
            assert.equal(r.byType(T.permissionSet).length, 9);
            assert.equal(r.byType(T.assignment).length, 14);
            assert.deepEqual(
                r
                    .byType(T.group)
                    .map((g) => g.inputs.displayName)
                    .sort(),
                ["lz-auditors", "lz-developers", "lz-operators", "lz-product-managers", "lz-qe", "lz-solutions-architects"],
            );
            assert.equal(r.byType(T.user).length, 6);
            assert.equal(r.byType(T.membership).length, 7, "bob is in two teams");
            assert.deepEqual(r.byType(T.iamUser), []);
            assert.deepEqual(r.byType(T.iamGroup), []);
            const roles = r.byType(T.iamRole).map((x) => String(x.inputs.name));
            assert.deepEqual(
                roles.filter((n) => /^lz-(dev|test|staging|prod)-/.test(n) || n === "lz-organization-admin"),
                [],
            );
            assert.ok(roles.includes("lz-svc-prod-app-server"), "workload roles stay");
            for (const ps of r.byType(T.permissionSet)) {
                assert.equal(ps.inputs.instanceArn, INSTANCE.instanceArn);
                assert.equal(ps.inputs.sessionDuration, "PT4H");
            }
            const alice = r.one(T.user, "user-alice@example.com");
            assert.deepEqual(
                [alice.inputs.userName, alice.inputs.identityStoreId, alice.inputs.emails],
                ["alice@example.com", INSTANCE.identityStoreId, { value: "alice@example.com", primary: true, type: "work" }],
            );
        });

        it("an assignment waits for its set's policies, the boundary in its account, and the account's previous assignment", () => {
            const a = r.one(T.assignment, "qe-lz-test-write-test");
            assert.deepEqual([a.inputs.principalType, a.inputs.targetType], ["GROUP", "AWS_ACCOUNT"]);
            const boundaryPolicy = r.byType(T.iamPolicy).find((p) => p.inputs.name === "lz-test-boundary")!;
            const previous = r.one(T.assignment, "developers-lz-test-read-test");
            for (const dep of [r.one(T.managed, "lz-test-write-PowerUserAccess"), r.one(T.boundary, "lz-test-write-boundary"), boundaryPolicy, previous]) {
                assert.ok(a.dependencies.includes(urnOf(dep)), `waits for ${dep.name}`);
            }
            assert.equal(providerName(r, boundaryPolicy), "test-account", "the boundary lives in the test account");
            assert.deepEqual(r.one(T.boundary, "lz-test-write-boundary").inputs.permissionsBoundary, { customerManagedPolicyReference: { name: "lz-test-boundary", path: "/landing-zone/" } });
            // The first assignment of an account waits for no other assignment.
            const first = r.one(T.assignment, "auditors-lz-test-read-test");
            assert.ok(!first.dependencies.some((d) => r.resources.find((x) => x.urn === d)?.type === T.assignment));
        });

        it("inline policies are rendered JSON without placeholders", () => {
            for (const p of r.byType(T.inline)) {
                assert.ok(!p.inputs.inlinePolicy.includes("{{"), p.name);
                assert.equal(JSON.parse(p.inputs.inlinePolicy).Version, "2012-10-17");
            }
        });
    });

    it("directory groups (SCIM): nothing created for them, assignments name the directory's group ID", async () => {
        const r = await run(withIdentity({ ...prodSso(), teams: shippedTeams(GROUP_ID) }, { users: {} }));
        assert.deepEqual(
            r
                .byType(T.group)
                .map((g) => g.inputs.displayName)
                .sort(),
            ["lz-auditors", "lz-product-managers", "lz-qe", "lz-solutions-architects"],
        );
        assert.deepEqual(r.byType(T.membership), []);
        assert.equal(r.one(T.assignment, "developers-lz-dev-write-iam-dev").inputs.principalId, GROUP_ID.developers);
        assert.equal(r.one(T.assignment, "operators-lz-organization-admin-management").inputs.principalId, GROUP_ID.operators);
    });

    it("delegated administration: registered from the management account; the member account's provider manages all but the management account's set", async () => {
        const r = await run(withIdentity(prodSso(), { delegatedAdministrator: "security" }));
        const admin = r.one(T.delegated, "identity-center-delegated-administrator");
        assert.equal(admin.inputs.servicePrincipal, "sso.amazonaws.com");
        assert.notEqual(providerName(r, admin), "security-account");
        for (const ps of r.byType(T.permissionSet)) {
            const managedBy = providerName(r, ps);
            if (ps.inputs.name === "lz-organization-admin") {
                assert.notEqual(managedBy, "security-account");
                assert.ok(!ps.dependencies.includes(admin.urn));
            } else {
                assert.equal(managedBy, "security-account", ps.inputs.name);
                assert.ok(ps.dependencies.includes(admin.urn), `${ps.inputs.name} waits for the delegation`);
            }
        }
        const toManagement = r.one(T.assignment, "operators-lz-organization-admin-management");
        assert.notEqual(providerName(r, toManagement), "security-account", "never to the management account from a delegated administrator");
        assert.equal(providerName(r, r.one(T.assignment, "operators-lz-prod-admin-prod")), "security-account");
    });

    it("migration: IAM users and Identity Center at once", async () => {
        const r = await run(withIdentity({ ...prodSso(), users: rawStackConfig("prod").users }, { source: "iam-users+identity-center" }));
        assert.equal(r.byType(T.iamUser).length, 6);
        assert.ok(r.byType(T.iamGroup).length >= 7);
        assert.ok(r.byType(T.iamRole).some((x) => x.inputs.name === "lz-test-write"));
        assert.equal(r.byType(T.permissionSet).length, 9);
        assert.equal(r.byType(T.assignment).length, 14);
    });
});

describe("prod-sso planned offline with the policy pack", function () {
    this.timeout(300_000);
    let plan: PlanResult;
    before(async () => {
        plan = await shippedPlan("prod-sso");
    });

    it("no violation with its policy config", () => {
        assert.equal(plan.error, undefined, plan.error?.message);
        assert.equal(plan.exitCode, 0);
        assert.deepEqual(
            plan.violations.map((v) => `${v.policy}: ${v.message}`),
            [],
        );
        assert.equal(plan.policyPack?.configFile, path.join(ROOT, "policypack", "config", "prod-sso.json"));
    });

    it("the instance is looked up as the provider would (aws.ssoadmin.getInstances), known at preview", () => {
        const sets = plan.resources.filter((r) => r.type === T.permissionSet);
        assert.equal(sets.length, 9);
        for (const s of sets) assert.match(String(s.inputs.instanceArn), /^arn:aws:sso:::instance\/ssoins-[0-9a-f]{16}$/);
        const groups = plan.resources.filter((r) => r.type === T.group);
        for (const g of groups) assert.match(String(g.inputs.identityStoreId), /^d-[0-9a-f]{10}$/);
    });

    it("the access table shows the same team x environment levels as the IAM-user prod stack", () => {
        const matrix = plan.outputs.accessMatrix as Record<string, Record<string, string>>;
        assert.deepEqual(matrix, accessMatrix(planFromRawConfig(rawStackConfig("prod"))));
        const md = renderMarkdown(plan);
        for (const [team, levels] of Object.entries(matrix)) {
            const row = md.split("\n").find((l) => l.startsWith(`| ${team} |`));
            assert.ok(row, `row for ${team}`);
            for (const level of Object.values(levels)) assert.ok(row!.includes(`| ${level}`), `${team}: ${level}`);
        }
    });

    it("no Identity Center instance: a clear error saying to enable it once", async () => {
        const t = tempDir("identity-lookup-");
        try {
            fs.writeFileSync(path.join(t.dir, "Pulumi.yaml"), fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8").replace(/^main: index.ts$/m, `main: ${path.join(ROOT, "index.ts")}`));
            fs.copyFileSync(path.join(ROOT, "tsconfig.json"), path.join(t.dir, "tsconfig.json"));
            fs.copyFileSync(path.join(ROOT, "Pulumi.prod-sso.yaml"), path.join(t.dir, "Pulumi.prod-sso.yaml"));
            const r = await runPlanHere({
                dir: t.dir,
                stack: "prod-sso",
                policyPackDir: null,
                mocks: { invokes: { "aws:ssoadmin/getInstances:getInstances": { arns: [], identityStoreIds: [] } }, resources: {} },
            });
            assert.equal(r.error?.kind, "program", JSON.stringify(r.error));
            assert.match(r.error!.message, /IAM Identity Center is not enabled in eu-west-1.*Enable it once in the IAM Identity Center console/s);
        } finally {
            t.remove();
        }
    });
});
