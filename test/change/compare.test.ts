// The comparison on small hand-written plans: matching through aliases, replacements and what
// ignoreChanges hides, dangerous operations, attachments and boundaries on identities that stay,
// guardrails merged per target, tag policies, budgets, violations across a rename, and the
// Markdown comment's order and size.
import * as assert from "assert";
import { compare, TYPES } from "../../tools/change/compare";
import { renderChangeMarkdown } from "../../tools/change/render";
import type { Comparison, SavedPlan, SavedResource } from "../../tools/change/types";

const STACK = "urn:pulumi:prod::lz::";
const urn = (type: string, name: string) => `${STACK}${type}::${name}`;
const T = { ...TYPES, org: TYPES.organization, groupAttachment: TYPES.groupPolicyAttachment };

function res(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<SavedResource> = {}): SavedResource {
    return {
        urn: urn(type, name),
        type,
        name,
        parent: null,
        provider: null,
        dependencies: [],
        propertyDependencies: {},
        protect: false,
        retainOnDelete: false,
        importId: null,
        aliases: [],
        ignoreChanges: [],
        inputs,
        ...extra,
    };
}
function plan(resources: SavedResource[], extra: Partial<SavedPlan> = {}): SavedPlan {
    return { project: "lz", stack: "prod", resources, violations: [], outputs: {}, ...extra };
}
function run(base: SavedPlan, head: SavedPlan): Comparison {
    return compare(base, head, { base: { source: "file", file: "base.json", project: "lz", stack: "prod", resources: base.resources.length } });
}
const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const org = res(T.org, "organization", { featureSet: "ALL" }, { protect: true, retainOnDelete: true });
const ou = (key: string, name: string, extra: Partial<SavedResource> = {}) => res(T.ou, `ou-${key}`, { name, parentId: "[unknown]" }, { propertyDependencies: { parentId: [org.urn] }, ...extra });
const account = (key: string, inputs: Record<string, unknown>, parentUrn: string, extra: Partial<SavedResource> = {}) =>
    res(
        T.account,
        key,
        { name: `app1-${key}`, email: `aws+${key}@example.com`, parentId: "[unknown]", closeOnDeletion: false, roleName: "OrganizationAccountAccessRole", ...inputs },
        { protect: true, retainOnDelete: true, ignoreChanges: ["roleName"], propertyDependencies: { parentId: [parentUrn] }, ...extra },
    );

describe("change review: the comparison", () => {
    it("follows aliases: a renamed resource is renamed (and updated when its inputs change), not deleted and created", () => {
        const before = ou("workloads-prod", "Prod");
        const after = ou("production", "Production", { aliases: [before.urn] });
        const c = run(plan([org, before]), plan([org, after]));
        assert.deepEqual(c.resources.renamed, [{ from: before.urn, to: after.urn, type: T.ou }]);
        assert.deepEqual(
            c.resources.updated.map((u) => [u.name, u.paths]),
            [["ou-production", ["name"]]],
        );
        assert.deepEqual([c.resources.added, c.resources.removed, c.resources.replaced], [[], [], []]);
    });

    it("reads aliases from options.aliases too", () => {
        const before = ou("a", "A");
        const after = { ...ou("b", "A"), aliases: undefined, options: { aliases: [before.urn] } };
        assert.equal(run(plan([org, before]), plan([org, after])).resources.renamed.length, 1);
    });

    it("replaces on an input the provider cannot update, honours ignoreChanges, and flags a protected replace", () => {
        const nonprod = ou("nonprod", "NonProd");
        const base = account("dev", {}, nonprod.urn);
        const renamedRole = account("dev", { roleName: "Admin" }, nonprod.urn);
        assert.deepEqual(run(plan([org, nonprod, base]), plan([org, nonprod, renamedRole])).resources.updated, [], "roleName is ignored");
        const c = run(plan([org, nonprod, base]), plan([org, nonprod, account("dev", { email: "aws+dev2@example.com" }, nonprod.urn)]));
        assert.deepEqual(
            c.resources.replaced.map((r) => [r.name, r.because]),
            [["dev", ["email"]]],
        );
        assert.deepEqual(
            c.dangerous.map((d) => [d.kind, d.name]),
            [["protected replace", "dev"]],
        );
    });

    it("flags an account that moves to another OU, but not one whose OU is only renamed", () => {
        const nonprod = ou("nonprod", "NonProd");
        const sandbox = ou("sandbox", "Sandbox");
        const base = plan([org, nonprod, sandbox, account("dev", {}, nonprod.urn)]);
        const moved = run(base, plan([org, nonprod, sandbox, account("dev", {}, sandbox.urn)]));
        assert.deepEqual(
            moved.dangerous.map((d) => [d.kind, d.detail]),
            [["account moved", "moves from OU NonProd to OU Sandbox: the guardrails of its new place apply"]],
        );
        assert.deepEqual(
            moved.resources.updated.map((u) => u.paths),
            [["parentId"]],
        );
        const renamedOu = ou("workloads-nonprod", "NonProd", { aliases: [nonprod.urn] });
        assert.deepEqual(run(base, plan([org, renamedOu, sandbox, account("dev", {}, renamedOu.urn)])).dangerous, []);
    });

    it("flags an account's environment change, closeOnDeletion turned on, and an unprotected account delete", () => {
        const nonprod = ou("nonprod", "NonProd");
        const envs = (accounts: Record<string, string[]>) => ({ environments: Object.fromEntries(Object.entries(accounts).map(([env, a]) => [env, { production: env === "prod", accounts: a }])) });
        const base = plan([org, nonprod, account("shared", {}, nonprod.urn), account("old", {}, nonprod.urn, { protect: false })], { outputs: envs({ dev: ["shared"], test: ["shared"] }) });
        const head = plan([org, nonprod, account("shared", { closeOnDeletion: true }, nonprod.urn)], { outputs: envs({ dev: ["shared"], test: [] }) });
        const c = run(base, head);
        assert.deepEqual(
            c.dangerous.map((d) => [d.kind, d.name, d.detail]),
            [
                ["account delete", "old", "it leaves the stack and stays in AWS"],
                ["close on deletion", "shared", "closeOnDeletion turned on: deleting the resource would close the AWS account"],
                ["environment changed", "shared", "environment dev, test -> dev"],
            ],
        );
    });

    it("counts a policy attached to an existing group as widening, unless it only denies; detaching a deny widens", () => {
        const group = res(T.group, "lz-developers", { name: "lz-developers" });
        const allow = res(T.policy, "lz-prod-write", { name: "lz-prod-write", policy: doc({ Sid: "Write", Effect: "Allow", Action: "ec2:*", Resource: "*" }) });
        const forceMfa = res(T.policy, "lz-force-mfa", {
            name: "lz-force-mfa",
            policy: doc({ Sid: "DenyWithoutMfa", Effect: "Deny", NotAction: "iam:ChangePassword", Resource: "*", Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } } }),
        });
        const attach = (p: SavedResource) =>
            res(
                T.groupAttachment,
                `lz-developers-${p.name}`,
                { group: "lz-developers", policyArn: "[unknown]" },
                { propertyDependencies: { group: [group.urn], policyArn: [p.urn] }, dependencies: [group.urn, p.urn] },
            );
        const c = run(plan([group, allow, forceMfa, attach(forceMfa)]), plan([group, allow, forceMfa, attach(allow)]));
        const lines = c.access.filter((a) => a.kind === "attachment").map((a) => a.kind === "attachment" && [a.change, a.policy, a.widens, a.note]);
        assert.deepEqual(lines.sort(), [
            ["added", "lz-prod-write", true, "grants to an existing identity"],
            ["removed", "lz-force-mfa", true, "its Deny statements no longer apply; an MFA requirement is dropped"],
        ]);
        assert.equal(c.summary.widens, 2);
        const managed = res(
            T.groupAttachment,
            "lz-developers-ReadOnlyAccess",
            { group: "lz-developers", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
            { propertyDependencies: { group: [group.urn] } },
        );
        const detached = run(plan([group, managed]), plan([group]));
        assert.deepEqual(
            detached.access.map((a) => a.kind === "attachment" && [a.change, a.policy, a.widens, a.note]),
            [["removed", "ReadOnlyAccess", false, "an AWS managed policy (grants only)"]],
        );
    });

    it("levels from the accessMatrix output; a base without it compares groups only, and says so", () => {
        const user = res("aws:iam/user:User", "alice", { name: "alice" });
        const membership = (groups: string[]) => res(TYPES.userGroupMembership, "alice", { user: "alice", groups });
        const matrix = { accessMatrix: { developers: { dev: "write", prod: "none" }, operators: { dev: "none", prod: "admin" } } };
        const c = run(plan([user, membership(["lz-developers"])], { outputs: matrix }), plan([user, membership(["lz-operators"])], { outputs: matrix }));
        assert.deepEqual(
            c.access.map((a) => a.kind === "person" && a.levels),
            [
                [
                    { environment: "dev", before: "write", after: "none" },
                    { environment: "prod", before: "none", after: "admin" },
                ],
            ],
        );
        const old = run(plan([user, membership(["lz-developers"])], { outputs: {} }), plan([user, membership(["lz-operators"])], { outputs: matrix }));
        assert.deepEqual(
            old.access.map((a) => a.kind === "person" && [a.groupsAdded, a.groupsRemoved, a.levels]),
            [[["lz-operators"], ["lz-developers"], []]],
        );
        assert.deepEqual(old.notes, ["Team levels not compared: the base plan has no accessMatrix output."]);
    });

    it("finds the identity an attachment names by a literal name, so a detach from a removed role is the role's removal", () => {
        const role = res(T.role, "lz-old", { name: "lz-old", assumeRolePolicy: doc({ Sid: "T", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }) });
        const attachment = res(TYPES.rolePolicyAttachment, "lz-old-ReadOnlyAccess", { role: "lz-old", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }, { propertyDependencies: {} });
        const c = run(plan([role, attachment]), plan([]));
        assert.deepEqual(
            c.access.map((a) => [a.kind, a.widens]),
            [["identity", false]],
        );
        const added = run(plan([role]), plan([role, attachment]));
        assert.deepEqual(
            added.access.map((a) => a.kind === "attachment" && [a.principal, a.policy, a.widens, a.note]),
            [["role lz-old", "ReadOnlyAccess", true, "grants to an existing identity"]],
        );
    });

    it("a boundary removed from a role that stays widens", () => {
        const boundary = res(T.policy, "lz-dev-boundary", { name: "lz-dev-boundary", policy: doc({ Sid: "Ceiling", Effect: "Allow", Action: "*", Resource: "*" }) });
        const role = (withBoundary: boolean) =>
            res(
                T.role,
                "lz-dev-write",
                {
                    name: "lz-dev-write",
                    assumeRolePolicy: doc({ Sid: "Trust", Effect: "Allow", Principal: { AWS: "111111111111" }, Action: "sts:AssumeRole" }),
                    ...(withBoundary ? { permissionsBoundary: "[unknown]" } : {}),
                },
                { propertyDependencies: withBoundary ? { permissionsBoundary: [boundary.urn] } : {} },
            );
        const c = run(plan([boundary, role(true)]), plan([boundary, role(false)]));
        assert.deepEqual(
            c.access.map((a) => a.kind === "boundary" && [a.principal, a.policy, a.change, a.widens]),
            [["role lz-dev-write", "lz-dev-boundary", "removed", true]],
        );
    });

    it("a policy whose content is unknown at preview is reported, not judged", () => {
        const p = (policy: string) => res(T.policy, "p", { name: "p", policy });
        const c = run(plan([p(doc({ Sid: "A", Effect: "Allow", Action: "s3:GetObject", Resource: "*" }))]), plan([p("[unknown]")]));
        assert.deepEqual(
            c.access.map((a) => a.kind === "document" && [a.change, a.widens]),
            [["unknown", false]],
        );
    });

    describe("guardrails", () => {
        const nonprod = ou("nonprod", "NonProd");
        const scp = (name: string, ...statements: object[]) => res(T.orgPolicy, name, { name: `landing-zone-${name}`, type: "SERVICE_CONTROL_POLICY", content: doc(...statements) });
        const attach = (p: SavedResource, target: SavedResource) =>
            res(T.orgAttachment, p.name, { policyId: "[unknown]", targetId: "[unknown]" }, { propertyDependencies: { policyId: [p.urn], targetId: [target.urn] }, dependencies: [p.urn, target.urn] });
        const LEAVE = { Sid: "DenyLeaveOrganization", Effect: "Deny", Action: "organizations:LeaveOrganization", Resource: "*" };
        const ROOT_USER = { Sid: "DenyRootUser", Effect: "Deny", Action: "*", Resource: "*", Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } } };

        it("merges the SCPs of a target: a statement moving between packed documents is no change", () => {
            const packed = scp("ou-nonprod-pack", LEAVE, ROOT_USER);
            const a = scp("ou-nonprod-leave", LEAVE);
            const b = scp("ou-nonprod-root", ROOT_USER);
            const c = run(plan([org, nonprod, packed, attach(packed, nonprod)]), plan([org, nonprod, a, b, attach(a, nonprod), attach(b, nonprod)]));
            assert.deepEqual(
                c.guardrails.filter((g) => g.kind === "statement"),
                [],
            );
            assert.deepEqual(c.guardrails.map((g) => g.kind === "attachment" && [g.change, g.policy, g.weakens]).sort(), [
                ["added", "landing-zone-ou-nonprod-leave", false],
                ["added", "landing-zone-ou-nonprod-root", false],
                ["removed", "landing-zone-ou-nonprod-pack", false],
            ]);
            assert.equal(c.summary.weakens, 0);
        });

        it("a statement gone from a target weakens it, named by target and Sid", () => {
            const both = scp("ou-nonprod-pack", LEAVE, ROOT_USER);
            const one = scp("ou-nonprod-pack", LEAVE);
            const c = run(plan([org, nonprod, both, attach(both, nonprod)]), plan([org, nonprod, one, attach(one, nonprod)]));
            assert.deepEqual(
                c.guardrails.map((g) => g.kind === "statement" && [g.target, g.sid, g.change, g.weakens]),
                [["OU NonProd", "DenyRootUser", "removed", true]],
            );
        });

        it("tag policies: a value allowed or a resource type no longer enforced weakens", () => {
            const tag = (values: string[], enforced: string[]) =>
                res(T.orgPolicy, "tag-policy-ou-nonprod", {
                    name: "tag",
                    type: "TAG_POLICY",
                    content: JSON.stringify({ tags: { environment: { tag_key: { "@@assign": "Environment" }, tag_value: { "@@assign": values }, enforced_for: { "@@assign": enforced } } } }),
                });
            const before = tag(["dev", "test"], ["ec2:instance", "rds:db"]);
            const after = tag(["dev", "test", "prod"], ["ec2:instance"]);
            const c = run(plan([org, nonprod, before, attach(before, nonprod)]), plan([org, nonprod, after, attach(after, nonprod)]));
            assert.deepEqual(
                c.guardrails.map((g) => g.kind === "tag policy" && [g.tagKey, g.change, g.weakens, g.reasons]),
                [["environment", "changed", true, ["values allowed: +prod", "no longer enforced for rds:db"]]],
            );
        });

        it("budgets: raised and alert removed weaken; lowered does not", () => {
            const budget = (amount: string, thresholds: number[]) =>
                res(T.budget, "budget-prod", {
                    name: "app1-prod-monthly",
                    limitAmount: amount,
                    limitUnit: "USD",
                    notifications: thresholds.map((t) => ({
                        comparisonOperator: "GREATER_THAN",
                        notificationType: "ACTUAL",
                        threshold: t,
                        thresholdType: "PERCENTAGE",
                        subscriberEmailAddresses: ["finops@example.com"],
                    })),
                });
            const raised = run(plan([budget("5000", [80, 100])]), plan([budget("9000", [100])]));
            assert.deepEqual(
                raised.guardrails.map((g) => g.kind === "budget" && [g.change, g.weakens, g.reasons]),
                [["raised", true, ["limit 5000 -> 9000 USD", "alert removed: ACTUAL greater than 80%"]]],
            );
            const lowered = run(plan([budget("5000", [80])]), plan([budget("3000", [80])]));
            assert.deepEqual(
                lowered.guardrails.map((g) => g.kind === "budget" && [g.change, g.weakens]),
                [["lowered", false]],
            );
        });
    });

    it("matches violations across a rename: neither new nor fixed", () => {
        const before = ou("a", "A");
        const after = ou("b", "A", { aliases: [before.urn] });
        const v = (u: string) => ({ policyPack: "pack", policy: "p", enforcementLevel: "advisory", urn: u, message: "m" });
        const c = run(plan([org, before], { violations: [v(before.urn)] }), plan([org, after], { violations: [v(after.urn), { ...v(after.urn), policy: "q" }] }));
        assert.deepEqual(c.violations.fixed, []);
        assert.deepEqual(
            c.violations.new.map((x) => x.policy),
            ["q"],
        );
    });

    it("Markdown: wildcards and angle brackets in reasons stay text", () => {
        const p = (resource: string) => res(T.policy, "p", { name: "p", policy: doc({ Sid: "Read", Effect: "Allow", Action: "s3:GetObject", Resource: resource }) });
        const group = res(T.group, "g", { name: "g" });
        const md = renderChangeMarkdown(run(plan([group, p("arn:aws:s3:::app1-dev/<key>")]), plan([group, p("arn:aws:s3:::app1-*")])));
        assert.ok(md.includes("grants resource arn:aws:s3:::app1-\\*"), md);
        const text = renderChangeMarkdown(run(plan([]), plan([res(T.group, "g_1", { name: "a_b*c" })])));
        assert.ok(text.includes("group `a_b*c` added"), text);
    });

    it("Markdown: verdict line first, two sections open, the rest folded, within GitHub's comment limit", () => {
        const many = Array.from({ length: 6000 }, (_, i) => res(T.group, `group-with-a-rather-long-logical-name-${i}`, { name: `g${i}` }));
        const c = run(plan([]), plan(many));
        const md = renderChangeMarkdown(c);
        assert.ok(md.length <= 65_536, `${md.length} characters`);
        const lines = md.split("\n");
        assert.match(lines[0]!, /^\*\*Change review, `prod`: widens access: 6000 changes; weakens guardrails: 0; dangerous operations: 0\*\*$/);
        const headings = lines.filter((l) => l.startsWith("#### ") || l.startsWith("<details>"));
        assert.deepEqual(
            headings.map((h) => h.replace(/\(.*$/, "").trim()),
            ["#### Access changes", "#### Guardrail changes", "<details><summary>Dangerous operations", "<details><summary>Everything else", "<details><summary>Policy violations"],
        );
        assert.match(md, /\.\.\. \d+ more \(the --json report lists every change\)/);
    });
});
