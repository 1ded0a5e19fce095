/**
 * Mock runs of both shipped stacks (the real program under the SDK mock monitor, preview mode):
 * groups, memberships, roles per account through the account's provider, nothing on users;
 * and the diff a removed or moved user produces.
 */
import { strict as assert } from "assert";
import { ProgramRun, Recorded, runProgram, stackConfig } from "../helpers/program";

const T = {
    user: "aws:iam/user:User",
    group: "aws:iam/group:Group",
    role: "aws:iam/role:Role",
    policy: "aws:iam/policy:Policy",
    membership: "aws:iam/userGroupMembership:UserGroupMembership",
    groupAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    roleAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    passwordPolicy: "aws:iam/accountPasswordPolicy:AccountPasswordPolicy",
    provider: "pulumi:providers:aws",
};
/** Resource types that would put permissions or credentials on a user. */
const USER_GRANTS = [
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
    "aws:iam/accessKey:AccessKey",
    "aws:iam/userLoginProfile:UserLoginProfile",
    "aws:iam/groupMembership:GroupMembership",
];

/** Provider reference (`urn::id`) -> the provider's logical name. */
function providerName(run: ProgramRun, urn: string): string | undefined {
    if (!urn) return undefined;
    return run.resources.find((r) => r.urn === urn)?.name;
}

function usersOf(config: Record<string, string>): Record<string, { teams: string[] }> {
    return JSON.parse(config["landing-zone:users"]);
}

describe("access in mock runs of the shipped stacks", function () {
    this.timeout(120_000);
    const runs: Record<string, ProgramRun> = {};
    before(async () => {
        runs.dev = await runProgram(stackConfig("dev"));
        runs.prod = await runProgram(stackConfig("prod"));
    });

    for (const stack of ["dev", "prod"]) {
        describe(`${stack} stack`, () => {
            it("one group per team plus all-users; every user in the all-users group through one membership named after the user", () => {
                const run = runs[stack];
                const users = usersOf(stackConfig(stack));
                const matrix = run.outputs.accessMatrix as Record<string, Record<string, string>>;
                const groupNames = run
                    .byType(T.group)
                    .map((g) => g.inputs.name)
                    .sort();
                for (const team of Object.keys(matrix)) assert.ok(groupNames.includes(`lz-${team}`), team);
                assert.ok(groupNames.includes("lz-all-users"));
                assert.deepEqual(
                    run
                        .byType(T.user)
                        .map((u) => u.name)
                        .sort(),
                    Object.keys(users).sort(),
                );
                const memberships = run.byType(T.membership);
                assert.deepEqual(memberships.map((m) => m.name).sort(), Object.keys(users).sort());
                for (const m of memberships) {
                    const groups: string[] = m.inputs.groups;
                    assert.ok(groups.includes("lz-all-users"), m.name);
                    for (const team of users[m.name].teams) assert.ok(groups.includes(`lz-${team}`), `${m.name} in ${team}`);
                    assert.equal(groups.filter((g) => g !== "lz-all-users" && g !== "lz-org-admins").length, users[m.name].teams.length);
                }
            });

            it("no policy, access key or login profile on any user", () => {
                const run = runs[stack];
                for (const t of USER_GRANTS)
                    assert.deepEqual(
                        run.byType(t).map((r) => r.name),
                        [],
                        t,
                    );
                for (const u of run.byType(T.user)) {
                    assert.deepEqual(
                        Object.keys(u.inputs).filter((k) => /polic|password|key/i.test(k)),
                        [],
                        u.name,
                    );
                }
            });

            it("a password policy where the users are, with every character class and at least 14 characters", () => {
                const run = runs[stack];
                const [pp, ...more] = run.byType(T.passwordPolicy);
                assert.equal(more.length, 0);
                assert.equal(pp.provider, "", "in the management account (the identity account)");
                assert.ok(pp.inputs.minimumPasswordLength >= 14);
                assert.ok(pp.inputs.passwordReusePrevention >= 1);
                for (const k of ["requireLowercaseCharacters", "requireUppercaseCharacters", "requireNumbers", "requireSymbols"]) assert.equal(pp.inputs[k], true, k);
            });

            it("every policy document is known at preview and valid JSON", () => {
                const run = runs[stack];
                const docs = [...run.byType(T.policy).map((p) => p.inputs.policy), ...run.byType(T.role).map((r) => r.inputs.assumeRolePolicy)];
                assert.ok(docs.length > 5);
                for (const d of docs) {
                    assert.equal(typeof d, "string");
                    assert.doesNotMatch(d, /\{\{/);
                    assert.equal(JSON.parse(d).Version, "2012-10-17");
                }
            });

            it("accessMatrix output: every team x environment has a level", () => {
                const matrix = runs[stack].outputs.accessMatrix as Record<string, Record<string, string>>;
                const envs = Object.keys(runs[stack].outputs.environments).sort();
                assert.ok(Object.keys(matrix).length >= 5);
                for (const [team, row] of Object.entries(matrix)) {
                    assert.deepEqual(Object.keys(row).sort(), envs, team);
                    for (const v of Object.values(row)) assert.ok(["none", "read", "write", "admin"].includes(v));
                }
                assert.equal(matrix.developers.dev, "write");
                assert.equal(matrix.operators.prod, "admin");
            });
        });
    }

    it("multi-account: environment roles are created in their environment's account through that account's provider", () => {
        const run = runs.prod;
        const accounts = JSON.parse(stackConfig("prod")["landing-zone:accounts"]) as Record<string, { environments?: string[] }>;
        const envRoles = run.byType(T.role).filter((r) => /^lz-[a-z0-9-]+-(read|write|write-iam|admin)$/.test(r.inputs.name) && r.inputs.name !== "lz-organization-admin");
        assert.ok(envRoles.length >= 6);
        for (const r of envRoles) {
            const env = r.inputs.name.split("-")[1];
            const host = Object.entries(accounts).find(([, a]) => a.environments?.includes(env))![0];
            assert.equal(providerName(run, r.provider), `${host}-account`, r.inputs.name);
            assert.equal(r.inputs.path, "/landing-zone/");
        }
        // Their attachments and boundaries are in the same account.
        for (const a of [...run.byType(T.roleAttachment), ...run.byType(T.policy).filter((p) => /-boundary$|-iam-delegation$/.test(p.inputs.name))]) {
            const host = a.name.split("-")[0];
            if (host === "management") assert.equal(a.provider, "");
            else assert.equal(providerName(run, a.provider), `${host}-account`, a.name);
        }
        // People and their groups live in the management account.
        for (const r of [...run.byType(T.user), ...run.byType(T.group), ...run.byType(T.membership)]) assert.equal(r.provider, "", r.name);
    });

    it("single-account: no environment roles; team groups carry tag-scoped policies", () => {
        const run = runs.dev;
        // The estate review's read-only role (components/review) is in every account; no environment role is.
        assert.deepEqual(
            run
                .byType(T.role)
                .filter((r) => r.inputs.name !== "lz-review")
                .map((r) => r.inputs.path),
            ["/landing-zone/service/prod/"],
        );
        assert.deepEqual(
            run
                .byType(T.role)
                .filter((r) => r.inputs.name === "lz-review")
                .map((r) => r.inputs.path),
            ["/landing-zone/"],
        );
        const devAttachments = run.byType(T.groupAttachment).filter((a) => a.name.startsWith("management-lz-developers-"));
        // No delegated IAM administration by default in single-account (docs/access-model.md).
        assert.deepEqual(devAttachments.map((a) => a.name.slice("management-lz-developers-".length)).sort(), ["lz-dev-write", "lz-list-describe", "lz-test-read"]);
    });

    describe("a leaver and a mover", () => {
        let before: ProgramRun;
        let after: ProgramRun;
        const byUrn = (run: ProgramRun) => new Map(run.resources.map((r) => [r.urn, r] as const));
        const stable = (r: Recorded) => JSON.stringify(r.inputs);

        it("removing a user deletes the user and every membership; moving a user keeps nothing of the old team", async () => {
            const config = stackConfig("dev");
            const users = usersOf(config);
            assert.deepEqual(users.bob.teams, ["developers", "qe"]);
            assert.ok(users.erin);
            before = runs.dev;
            const changed = { ...users, bob: { teams: ["qe"] } } as Record<string, { teams: string[] }>;
            delete changed.erin;
            after = await runProgram({ ...config, "landing-zone:users": JSON.stringify(changed) });

            const b = byUrn(before);
            const a = byUrn(after);
            const removed = [...b.keys()]
                .filter((u) => !a.has(u))
                .map((u) => `${b.get(u)!.type} ${b.get(u)!.name}`)
                .sort();
            const added = [...a.keys()].filter((u) => !b.has(u));
            const changedUrns = [...a.keys()].filter((u) => b.has(u) && stable(a.get(u)!) !== stable(b.get(u)!)).map((u) => `${a.get(u)!.type} ${a.get(u)!.name}`);

            assert.deepEqual(removed, [`${T.membership} erin`, `${T.user} erin`].sort());
            assert.deepEqual(added, []);
            assert.deepEqual(changedUrns, [`${T.membership} bob`]);
            const bob = after.byType(T.membership).find((m) => m.name === "bob")!;
            assert.deepEqual([...bob.inputs.groups].sort(), ["lz-all-users", "lz-qe"]);
        });
    });
});
