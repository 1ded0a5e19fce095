/**
 * Renames keep everything: every account and OU of the shipped prod stack and of its hybrid
 * variant, and of the Identity Center stack prod-sso, is renamed (`formerKeys`), and every URN the stack had is an alias (or the URN) of
 * exactly one resource after the rename. Nothing is created or deleted, so nothing is replaced.
 *
 * URNs and alias URNs are the engine's (the offline plan resolves alias specs against each
 * resource's type and parent chain); the old URNs of prod are the pinned ones (test/core/urns).
 * The shipped dev stack (single-account) has no accounts or OUs to rename.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { PlannedResource } from "../../tools/plan/types";
import { runPlanHere } from "../helpers/plan";
import { shippedStackFile, tempProject, type TempProject } from "./project";

const NS = "landing-zone:";
const renamed = (key: string) => `renamed-${key}`;

/** The stack's config with every OU and account key renamed, the old key kept in formerKeys, and every reference following. */
function renameAll(config: Record<string, any>): Record<string, any> {
    const c = structuredClone(config);
    const mapKeys = (o: Record<string, any> | undefined, f: (k: string, v: any) => any) => o && Object.fromEntries(Object.entries(o).map(([k, v]) => [renamed(k), f(k, v)]));
    c[`${NS}organizationalUnits`] = mapKeys(c[`${NS}organizationalUnits`], (k, ou) => ({
        ...ou,
        ...(ou.parent ? { parent: renamed(ou.parent) } : {}),
        formerKeys: [k],
    }));
    c[`${NS}accounts`] = mapKeys(c[`${NS}accounts`], (k, a) => ({ ...a, ...(a.ou ? { ou: renamed(a.ou) } : {}), formerKeys: [k] }));
    const g = c[`${NS}guardrails`];
    if (g?.attachments?.organizationalUnits) g.attachments.organizationalUnits = mapKeys(g.attachments.organizationalUnits, (_, v) => v);
    if (g?.attachments?.accounts) g.attachments.accounts = mapKeys(g.attachments.accounts, (_, v) => v);
    if (g?.serviceAllowLists) g.serviceAllowLists = mapKeys(g.serviceAllowLists, (_, v) => v);
    const b = c[`${NS}budgets`];
    if (b?.accountMonthlyLimits) b.accountMonthlyLimits = mapKeys(b.accountMonthlyLimits, (_, v) => v);
    const ic = c[`${NS}identity`];
    if (ic?.delegatedAdministrator) ic.delegatedAdministrator = renamed(ic.delegatedAdministrator);
    const s = c[`${NS}security`];
    if (s?.logArchiveAccount) s.logArchiveAccount = renamed(s.logArchiveAccount);
    if (s?.auditAccount) s.auditAccount = renamed(s.auditAccount);
    const identity = c[`${NS}identityAccount`];
    if (identity && identity !== "management") c[`${NS}identityAccount`] = renamed(identity);
    return c;
}

/** The shipped prod stack as a hybrid: one shared non-production account, production alone. */
function hybridOfProd(): Record<string, any> {
    const c = structuredClone(shippedStackFile("prod"));
    c[`${NS}layout`] = "hybrid";
    const accounts = c[`${NS}accounts`];
    for (const k of ["dev", "test", "staging"]) delete accounts[k];
    accounts.nonprod = { name: "app1-nonprod", email: "aws+app1-nonprod@example.com", ou: "workloads-nonprod", environments: ["dev", "test", "staging"] };
    return c;
}

/** Each old URN against the new plan: the number of resources that are it or alias it. */
function claims(oldUrns: string[], now: PlannedResource[]): Map<string, string[]> {
    const out = new Map<string, string[]>(oldUrns.map((u) => [u, []]));
    for (const r of now) {
        if (r.type === "pulumi:pulumi:Stack") continue;
        for (const u of new Set([r.urn, ...r.options.aliases])) out.get(u)?.push(r.urn);
    }
    return out;
}

async function plan(project: TempProject, stack: string, config: Record<string, unknown>): Promise<PlannedResource[]> {
    project.stack(stack, config);
    const r = await runPlanHere({ dir: project.dir, stack, policyPackDir: null });
    assert.equal(r.error, undefined, r.error?.message);
    return r.resources.filter((x) => x.type !== "pulumi:pulumi:Stack");
}

function assertEveryOldUrnKept(oldUrns: string[], now: PlannedResource[]): void {
    const lost: string[] = [];
    const shared: string[] = [];
    for (const [u, by] of claims(oldUrns, now)) {
        if (by.length === 0) lost.push(u);
        if (by.length > 1) shared.push(`${u} <- ${by.join(", ")}`);
    }
    assert.deepEqual(lost, [], `old URNs no resource keeps (they would be deleted and created again):\n${lost.join("\n")}`);
    assert.deepEqual(shared, [], `old URNs claimed by several resources:\n${shared.join("\n")}`);
    assert.equal(now.length, oldUrns.length, "the rename neither adds nor removes a resource");
}

describe("renames keep every resource (formerKeys)", function () {
    this.timeout(300_000);
    let project: TempProject;
    before(() => (project = tempProject("renames")));
    after(() => project.remove());

    it("the shipped dev stack has no account or OU to rename", () => {
        const dev = shippedStackFile("dev");
        assert.equal(dev[`${NS}accounts`], undefined);
        assert.equal(dev[`${NS}organizationalUnits`], undefined);
    });

    it("prod: every account and OU renamed; every pinned URN is kept by exactly one resource", async () => {
        const pinned: string[] = JSON.parse(fs.readFileSync(path.join(__dirname, "urns", "prod.json"), "utf8"));
        const now = await plan(project, "prod", renameAll(shippedStackFile("prod")));
        // Resources under a renamed account or OU have new URNs: they keep the old ones only through aliases.
        const unchanged = pinned.filter((u) => now.some((r) => r.urn === u));
        for (const name of ["dev", "access-dev", "dev-lz-dev-read", "review-sandbox", "budget-account-sandbox", "ou-sandbox", "tag-policy-ou-sandbox"]) {
            assert.ok(!unchanged.some((u) => u.endsWith(`::${name}`)), `${name} was renamed`);
        }
        assertEveryOldUrnKept(pinned, now);
    });

    it("prod-sso (IAM Identity Center): every pinned URN is kept by exactly one resource, the account assignments included", async () => {
        const pinned: string[] = JSON.parse(fs.readFileSync(path.join(__dirname, "urns", "prod-sso.json"), "utf8"));
        const now = await plan(project, "prod-sso", renameAll(shippedStackFile("prod-sso")));
        assert.ok(
            pinned.some((u) => /AccountAssignment::developers-lz-dev-write-iam-dev$/.test(u)),
            "the pins hold the assignments",
        );
        assertEveryOldUrnKept(pinned, now);
    });

    it("hybrid variant of prod: every account and OU renamed; every URN is kept by exactly one resource", async () => {
        const before = await plan(project, "hybrid", hybridOfProd());
        const now = await plan(project, "hybrid", renameAll(hybridOfProd()));
        assertEveryOldUrnKept(
            before.map((r) => r.urn),
            now,
        );
    });
});
