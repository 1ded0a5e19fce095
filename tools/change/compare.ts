// The change review: two plans in (the base and the working tree, as `--json` reports), what
// the change does out, as plain data. Pure: no I/O, no Pulumi.
//
// Resources are matched by URN, following the new plan's aliases, so a rename through
// `formerKeys` is a rename. Then, in the order a reviewer needs them: access (levels, people,
// identities, attachments, boundaries, policy statements by Sid), guardrails (SCP/RCP statements
// per target, attachments, tag policies, budgets), dangerous operations, every resource change,
// and policy violations new and fixed.
import { groupName } from "../../components/access/plan";
import { canonical, compareStatements, mentionsMfa, parseDocument, statementKeys, type Statement, type StatementChange } from "./policy";
import type { FailOn } from "./flags";
import { replacementCauses } from "./replace";
import type { AccessChange, BudgetChange, Comparison, DangerousOperation, DocumentKind, GuardrailChange, PersonChange, SavedPlan, SavedResource, SavedViolation, TargetKind } from "./types";

export const TYPES = {
    organization: "aws:organizations/organization:Organization",
    ou: "aws:organizations/organizationalUnit:OrganizationalUnit",
    account: "aws:organizations/account:Account",
    orgPolicy: "aws:organizations/policy:Policy",
    orgAttachment: "aws:organizations/policyAttachment:PolicyAttachment",
    budget: "aws:budgets/budget:Budget",
    role: "aws:iam/role:Role",
    group: "aws:iam/group:Group",
    user: "aws:iam/user:User",
    policy: "aws:iam/policy:Policy",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
    userPolicy: "aws:iam/userPolicy:UserPolicy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    groupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    userPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    userGroupMembership: "aws:iam/userGroupMembership:UserGroupMembership",
    groupMembership: "aws:iam/groupMembership:GroupMembership",
    permissionSet: "aws:ssoadmin/permissionSet:PermissionSet",
    permissionSetInlinePolicy: "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
    permissionSetManagedPolicy: "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment",
    permissionSetCustomerPolicy: "aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment",
} as const;

/** Shown in a saved plan for a value the cloud computes, and for a secret. */
const UNKNOWN = "[unknown]";
const SECRET = "[secret]";

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A string input known at preview (not unknown, not secret). */
function known(v: unknown): string | undefined {
    return typeof v === "string" && v !== UNKNOWN && v !== SECRET ? v : undefined;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** "aws:organizations/account:Account" -> "aws:organizations:Account", as the CLI displays types. */
export function shortType(type: string): string {
    const m = /^([^:]+):([^/:]+)\/[^:]+:(.+)$/.exec(type);
    return m ? `${m[1]}:${m[2]}:${m[3]}` : type;
}

/** One side of the comparison, indexed. */
class Side {
    readonly byUrn: Map<string, SavedResource>;
    constructor(readonly plan: SavedPlan) {
        this.byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    }
    ofType(...types: string[]): SavedResource[] {
        return this.plan.resources.filter((r) => types.includes(r.type));
    }
    /** URNs an input's value came from, of the given types (property dependencies, else all dependencies). */
    refs(r: SavedResource, prop: string, types: string[]): string[] {
        const urns = r.propertyDependencies ? (r.propertyDependencies[prop] ?? []) : r.dependencies;
        return urns.filter((u) => types.includes(this.byUrn.get(u)?.type ?? ""));
    }
    /**
     * The identities an input names: through its dependencies, else (a literal name) the role,
     * group or user of that name managed through the same provider.
     */
    principals(r: SavedResource, prop: string, types: string[]): string[] {
        const refs = this.refs(r, prop, types);
        if (refs.length) return refs;
        const name = known(r.inputs[prop]);
        return name
            ? this.ofType(...types)
                  .filter((p) => this.nameOf(p) === name && p.provider === r.provider)
                  .map((p) => p.urn)
            : [];
    }
    /** Where a resource lives: its explicit provider's name (default providers: null). */
    account(r: SavedResource): string | null {
        if (!r.provider) return null;
        const name = r.provider.split("::").pop() ?? "";
        if (name.startsWith("default")) return null;
        return name.replace(/-account$/, "");
    }
    nameOf(r: SavedResource): string {
        return known(r.inputs.name) ?? r.name;
    }
}

function aliasesOf(r: SavedResource): string[] {
    return r.aliases ?? r.options?.aliases ?? [];
}
function ignoreChangesOf(r: SavedResource): string[] {
    return r.ignoreChanges ?? r.options?.ignoreChanges ?? [];
}
function replaceOnChangesOf(r: SavedResource): string[] {
    return r.replaceOnChanges ?? r.options?.replaceOnChanges ?? [];
}

// ---------------------------------------------------------------------------------------------
// Matching and input differences.

interface Matching {
    pairs: { base: SavedResource; head: SavedResource; renamed: boolean }[];
    added: SavedResource[];
    removed: SavedResource[];
    /** Base URN -> head URN of every matched resource. */
    toHead: Map<string, string>;
}

export function matchResources(base: Side, head: Side): Matching {
    const toHead = new Map<string, string>();
    const pairs: Matching["pairs"] = [];
    const added: SavedResource[] = [];
    for (const h of head.plan.resources) {
        let b = base.byUrn.get(h.urn);
        let renamed = false;
        if (!b || toHead.has(b.urn)) {
            const alias = aliasesOf(h).find((a) => base.byUrn.has(a) && !toHead.has(a) && !head.byUrn.has(a));
            b = alias ? base.byUrn.get(alias) : undefined;
            renamed = !!b;
        }
        if (!b) {
            added.push(h);
            continue;
        }
        toHead.set(b.urn, h.urn);
        pairs.push({ base: b, head: h, renamed });
    }
    const removed = base.plan.resources.filter((r) => !toHead.has(r.urn));
    return { pairs, added, removed, toHead };
}

/** A string holding JSON (a policy document, a tag policy) compares by meaning, not text. */
function comparable(v: unknown): unknown {
    if (typeof v !== "string" || !/^\s*[[{]/.test(v)) return v;
    const doc = parseDocument(v);
    if (doc) return { statements: [...doc.statements].map((s) => canonical(s)).sort() };
    try {
        return JSON.parse(v);
    } catch {
        return v;
    }
}

/** Input paths whose values differ (`tags.Owner`, `policy`); arrays compare whole. */
export function diffPaths(a: unknown, b: unknown, path = ""): string[] {
    if (isRecord(a) && isRecord(b)) {
        const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(byText);
        return keys.flatMap((k) => diffPaths(a[k], b[k], path ? `${path}.${k}` : k));
    }
    return canonical(comparable(a)) === canonical(comparable(b)) ? [] : [path || "(inputs)"];
}

function underAny(path: string, prefixes: string[]): boolean {
    return prefixes.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
}

/**
 * Changed input paths of a matched pair, as the engine would diff them: ignoreChanges honoured,
 * and an input unknown at preview counted as changed when it now comes from another resource.
 */
function changedPaths(_base: Side, _head: Side, pair: { base: SavedResource; head: SavedResource }, toHead: Map<string, string>): string[] {
    const paths = new Set(diffPaths(pair.base.inputs, pair.head.inputs));
    const bp = pair.base.propertyDependencies;
    const hp = pair.head.propertyDependencies;
    if (bp && hp) {
        for (const prop of new Set([...Object.keys(bp), ...Object.keys(hp)])) {
            if (pair.base.inputs[prop] !== UNKNOWN && pair.head.inputs[prop] !== UNKNOWN) continue;
            const from = (bp[prop] ?? []).map((u) => toHead.get(u) ?? `removed:${u}`).sort();
            const to = [...(hp[prop] ?? [])].sort();
            if (canonical(from) !== canonical(to)) paths.add(prop);
        }
    }
    const ignored = ignoreChangesOf(pair.head);
    return [...paths].filter((p) => !underAny(p, ignored)).sort(byText);
}

// ---------------------------------------------------------------------------------------------
// Access.

const LEVELS = ["none", "read", "write", "admin"];

function levelRank(level: string): number {
    const i = LEVELS.indexOf(level);
    return i < 0 ? LEVELS.length : i;
}

type Matrix = Record<string, Record<string, string>>;

function accessMatrix(plan: SavedPlan): Matrix | undefined {
    const m = plan.outputs?.accessMatrix;
    if (!isRecord(m)) return undefined;
    const out: Matrix = {};
    for (const [team, row] of Object.entries(m)) {
        if (!isRecord(row)) continue;
        out[team] = Object.fromEntries(Object.entries(row).map(([env, level]) => [env, String(level)]));
    }
    return out;
}

/** IAM user name -> group names, from the users and their memberships. */
function memberships(side: Side): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    const entry = (u: string) => {
        let s = out.get(u);
        if (!s) out.set(u, (s = new Set()));
        return s;
    };
    for (const u of side.ofType(TYPES.user)) entry(side.nameOf(u));
    for (const m of side.ofType(TYPES.userGroupMembership)) {
        const user = known(m.inputs.user);
        const groups = Array.isArray(m.inputs.groups) ? m.inputs.groups : [];
        if (user) for (const g of groups) if (known(g)) entry(user).add(g as string);
    }
    for (const m of side.ofType(TYPES.groupMembership)) {
        const group = known(m.inputs.group);
        const users = Array.isArray(m.inputs.users) ? m.inputs.users : [];
        if (group) for (const u of users) if (known(u)) entry(u as string).add(group);
    }
    return out;
}

function effectiveLevels(groups: Set<string>, matrix: Matrix, envs: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const env of envs) {
        let best = "none";
        for (const [team, row] of Object.entries(matrix)) {
            if (!groups.has(groupName(team))) continue;
            const level = row[env] ?? "none";
            if (levelRank(level) > levelRank(best)) best = level;
        }
        out[env] = best;
    }
    return out;
}

const sortedSet = (s: Iterable<string>) => [...new Set(s)].sort(byText);

function levelAndPeopleChanges(base: Side, head: Side, notes: string[]): AccessChange[] {
    const out: AccessChange[] = [];
    const bm = accessMatrix(base.plan);
    const hm = accessMatrix(head.plan);
    const bUsers = memberships(base);
    const hUsers = memberships(head);
    const membersOf = (users: Map<string, Set<string>>, team: string) => [...users].filter(([, g]) => g.has(groupName(team))).map(([u]) => u);
    const envs = sortedSet([...Object.values(bm ?? {}), ...Object.values(hm ?? {})].flatMap((row) => Object.keys(row)));
    if (bm && hm) {
        for (const team of sortedSet([...Object.keys(bm), ...Object.keys(hm)])) {
            for (const env of envs) {
                const before = bm[team]?.[env] ?? "none";
                const after = hm[team]?.[env] ?? "none";
                if (before === after) continue;
                out.push({
                    kind: "level",
                    team,
                    environment: env,
                    before,
                    after,
                    widens: levelRank(after) > levelRank(before),
                    people: sortedSet([...membersOf(bUsers, team), ...membersOf(hUsers, team)]),
                });
            }
        }
    } else if (bm || hm) {
        notes.push(`Team levels not compared: the ${bm ? "working tree's" : "base"} plan has no accessMatrix output.`);
    }
    for (const user of sortedSet([...bUsers.keys(), ...hUsers.keys()])) {
        const before = bUsers.get(user);
        const after = hUsers.get(user);
        const groupsAdded = sortedSet([...(after ?? [])].filter((g) => !before?.has(g)));
        const groupsRemoved = sortedSet([...(before ?? [])].filter((g) => !after?.has(g)));
        if (before && after && !groupsAdded.length && !groupsRemoved.length) continue;
        // Effective levels need both matrices: without one, only the groups are compared.
        const lb = before && bm && hm ? effectiveLevels(before, bm, envs) : undefined;
        const la = after && bm && hm ? effectiveLevels(after, hm, envs) : undefined;
        const levels = bm && hm ? envs.map((environment) => ({ environment, before: lb?.[environment] ?? "none", after: la?.[environment] ?? "none" })).filter((l) => l.before !== l.after) : [];
        const change: PersonChange["change"] = !before ? "joined" : !after ? "left" : "changed";
        out.push({ kind: "person", user, change, groupsAdded, groupsRemoved, levels, widens: groupsAdded.length > 0 || levels.some((l) => levelRank(l.after) > levelRank(l.before)) });
    }
    return out;
}

const IDENTITY_TYPES: Record<string, "role" | "group" | "permission set"> = {
    [TYPES.role]: "role",
    [TYPES.group]: "group",
    [TYPES.permissionSet]: "permission set",
};
const PRINCIPAL_TYPES: string[] = [TYPES.role, TYPES.group, TYPES.user, TYPES.permissionSet];

function principalWord(type: string): string {
    return IDENTITY_TYPES[type] ?? (type === TYPES.user ? "user" : shortType(type));
}

interface AttachmentView {
    principal: string;
    principalUrns: string[];
    policy: string;
    /** The attached document when it is a policy of the plan, parsed; null when it cannot be read (an AWS managed policy). */
    statements: Statement[] | null;
}

const ATTACHMENT_FIELDS: Record<string, { principal: string; policy: string }> = {
    [TYPES.rolePolicyAttachment]: { principal: "role", policy: "policyArn" },
    [TYPES.groupPolicyAttachment]: { principal: "group", policy: "policyArn" },
    [TYPES.userPolicyAttachment]: { principal: "user", policy: "policyArn" },
    [TYPES.permissionSetManagedPolicy]: { principal: "permissionSetArn", policy: "managedPolicyArn" },
    [TYPES.permissionSetCustomerPolicy]: { principal: "permissionSetArn", policy: "customerManagedPolicyReference" },
};

function attachmentView(side: Side, r: SavedResource): AttachmentView {
    const f = ATTACHMENT_FIELDS[r.type]!;
    const principalUrns = side.principals(r, f.principal, PRINCIPAL_TYPES);
    const pr = principalUrns.map((u) => side.byUrn.get(u)!)[0];
    const principal = `${pr ? principalWord(pr.type) : f.principal} ${pr ? side.nameOf(pr) : (known(r.inputs[f.principal]) ?? r.name)}`;
    const policyRes = side.refs(r, f.policy, [TYPES.policy]).map((u) => side.byUrn.get(u)!)[0];
    const arn = known(r.inputs[f.policy]);
    const policy = policyRes ? side.nameOf(policyRes) : arn ? arn.replace(/^arn:[^:]+:iam::[^:]*:policy\//, "") : r.name;
    const doc = policyRes ? parseDocument(policyRes.inputs.policy) : undefined;
    return { principal, principalUrns, policy, statements: doc ? doc.statements : null };
}

interface DocumentView {
    label: string;
    kind: DocumentKind;
    /** URNs of the identities it applies to (inline and trust policies). */
    principalUrns: string[];
    raw: unknown;
}

/** The policy documents of a plan that decide access: identity, inline and trust policies, boundaries. */
function documentOf(side: Side, r: SavedResource, isBoundary: boolean): DocumentView | undefined {
    switch (r.type) {
        case TYPES.policy:
            return {
                label: `${isBoundary ? "permissions boundary" : "policy"} ${side.nameOf(r)}`,
                kind: isBoundary ? "permissions boundary" : "identity policy",
                principalUrns: [],
                raw: r.inputs.policy,
            };
        case TYPES.role:
            return { label: `trust policy of role ${side.nameOf(r)}`, kind: "trust policy", principalUrns: [r.urn], raw: r.inputs.assumeRolePolicy };
        case TYPES.rolePolicy:
        case TYPES.groupPolicy:
        case TYPES.userPolicy:
        case TYPES.permissionSetInlinePolicy: {
            const field = r.type === TYPES.permissionSetInlinePolicy ? "permissionSetArn" : r.type === TYPES.rolePolicy ? "role" : r.type === TYPES.groupPolicy ? "group" : "user";
            const principalUrns = side.principals(r, field, PRINCIPAL_TYPES);
            const pr = principalUrns.map((u) => side.byUrn.get(u)!)[0];
            const owner = pr ? `${principalWord(pr.type)} ${side.nameOf(pr)}` : `${field} ${known(r.inputs[field]) ?? "?"}`;
            return {
                label: `inline policy ${side.nameOf(r)} of ${owner}`,
                kind: "inline policy",
                principalUrns,
                raw: r.type === TYPES.permissionSetInlinePolicy ? r.inputs.inlinePolicy : r.inputs.policy,
            };
        }
        default:
            return undefined;
    }
}

/** Policies used as a permissions boundary by some role or user of the plan. */
function boundaryPolicies(side: Side): Set<string> {
    return new Set(side.ofType(TYPES.role, TYPES.user).flatMap((r) => side.refs(r, "permissionsBoundary", [TYPES.policy])));
}

function accessChanges(base: Side, head: Side, m: Matching, notes: string[]): AccessChange[] {
    const out: AccessChange[] = levelAndPeopleChanges(base, head, notes);
    const fromHead = new Map([...m.toHead].map(([b, h]) => [h, b]));
    const existedBefore = (headUrn: string) => fromHead.has(headUrn);
    const stillExists = (baseUrn: string) => m.toHead.has(baseUrn);

    // Roles, groups and permission sets added or removed.
    for (const [list, side, change] of [
        [m.added, head, "added"],
        [m.removed, base, "removed"],
    ] as const) {
        for (const r of list) {
            const identity = IDENTITY_TYPES[r.type];
            if (identity) out.push({ kind: "identity", identity, name: side.nameOf(r), account: side.account(r), change, widens: change === "added", urn: r.urn });
        }
    }

    // Managed policies attached and detached. An attachment that changes what it attaches is a detach and an attach.
    const attachmentTypes = Object.keys(ATTACHMENT_FIELDS);
    const attachEntry = (side: Side, r: SavedResource, change: "added" | "removed") => {
        const v = attachmentView(side, r);
        const principalKept = change === "added" ? v.principalUrns.some(existedBefore) : v.principalUrns.some(stillExists);
        if (change === "removed" && !principalKept && v.principalUrns.length) return; // the identity's removal says it
        // An AWS managed policy (not in the plan) is read as a grant: they allow, they do not deny.
        const grants = v.statements === null || v.statements.some((s) => s.effect === "Allow");
        const denies = v.statements?.filter((s) => s.effect === "Deny") ?? [];
        const widens = principalKept && (change === "added" ? grants : denies.length > 0);
        let note: string;
        if (!principalKept) note = "part of a new identity";
        else if (change === "added") note = grants ? "grants to an existing identity" : "only denies";
        else if (widens) note = `its Deny statements no longer apply${denies.some(mentionsMfa) ? "; an MFA requirement is dropped" : ""}`;
        else note = v.statements === null ? "an AWS managed policy (grants only)" : "only grants";
        out.push({ kind: "attachment", principal: v.principal, policy: v.policy, account: side.account(r), change, widens, note, urn: r.urn });
    };
    for (const r of m.added.filter((x) => attachmentTypes.includes(x.type))) attachEntry(head, r, "added");
    for (const r of m.removed.filter((x) => attachmentTypes.includes(x.type))) attachEntry(base, r, "removed");
    for (const p of m.pairs.filter((x) => attachmentTypes.includes(x.head.type))) {
        const before = attachmentView(base, p.base);
        const after = attachmentView(head, p.head);
        if (before.policy === after.policy && before.principal === after.principal) continue;
        attachEntry(base, p.base, "removed");
        attachEntry(head, p.head, "added");
    }

    // Permissions boundaries set on or removed from roles and users.
    const boundaryOf = (side: Side, r: SavedResource) => {
        const ref = side.refs(r, "permissionsBoundary", [TYPES.policy])[0];
        if (ref) return { key: ref, name: side.nameOf(side.byUrn.get(ref)!) };
        const arn = known(r.inputs.permissionsBoundary);
        return arn ? { key: arn, name: arn.replace(/^arn:[^:]+:iam::[^:]*:policy\//, "") } : undefined;
    };
    const boundaryEntry = (side: Side, r: SavedResource, b: { name: string }, change: "added" | "removed", kept: boolean) =>
        out.push({ kind: "boundary", principal: `${principalWord(r.type)} ${side.nameOf(r)}`, policy: b.name, account: side.account(r), change, widens: change === "removed" && kept, urn: r.urn });
    for (const r of m.added.filter((x) => x.type === TYPES.role || x.type === TYPES.user)) {
        const b = boundaryOf(head, r);
        if (b) boundaryEntry(head, r, b, "added", false);
    }
    for (const p of m.pairs.filter((x) => x.head.type === TYPES.role || x.head.type === TYPES.user)) {
        const before = boundaryOf(base, p.base);
        const after = boundaryOf(head, p.head);
        const beforeKey = before ? (m.toHead.get(before.key) ?? before.key) : undefined;
        if (beforeKey === after?.key) continue;
        if (before) boundaryEntry(base, p.base, before, "removed", true);
        if (after) boundaryEntry(head, p.head, after, "added", true);
    }

    // Policy documents, statement by statement.
    const bBoundaries = boundaryPolicies(base);
    const hBoundaries = boundaryPolicies(head);
    for (const p of m.pairs) {
        const isBoundary = bBoundaries.has(p.base.urn) || hBoundaries.has(p.head.urn);
        const bd = documentOf(base, p.base, isBoundary);
        const hd = documentOf(head, p.head, isBoundary);
        if (!bd || !hd) continue;
        const before = parseDocument(bd.raw);
        const after = parseDocument(hd.raw);
        if (!before || !after) {
            if (canonical(bd.raw) !== canonical(hd.raw)) {
                out.push({
                    kind: "document",
                    document: hd.label,
                    documentKind: hd.kind,
                    account: head.account(p.head),
                    change: "unknown",
                    sids: [],
                    widens: false,
                    note: "content not known at preview: compare after deployment",
                    urn: p.head.urn,
                });
            }
            continue;
        }
        for (const c of compareStatements(before.statements, after.statements)) out.push(statementDelta(hd, head.account(p.head), c, p.head.urn));
    }
    const documentEntry = (side: Side, r: SavedResource, change: "added" | "removed", boundaries: Set<string>) => {
        const d = documentOf(side, r, boundaries.has(r.urn));
        if (!d) return;
        const doc = parseDocument(d.raw);
        const statements = doc?.statements ?? [];
        const sids = statementKeys(statements);
        const principalKept = change === "added" ? d.principalUrns.some(existedBefore) : d.principalUrns.some(stillExists);
        let widens = false;
        let note: string;
        if (d.kind === "inline policy") {
            widens = principalKept && statements.some((s) => s.effect === (change === "added" ? "Allow" : "Deny"));
            if (change === "removed" && !principalKept) return; // the identity's removal says it
            note = widens ? (change === "added" ? "grants to an existing identity" : "its Deny statements no longer apply") : change === "added" ? "part of a new identity" : "only Allow statements";
            if (widens && change === "removed" && statements.some((s) => s.effect === "Deny" && mentionsMfa(s))) note += "; an MFA requirement is dropped";
        } else if (d.kind === "trust policy") {
            return; // part of the role: the identity entry says it
        } else if (d.kind === "permissions boundary") {
            note = "a boundary limits the roles it is set on (see the boundary entries)";
        } else {
            note = change === "added" ? "grants nothing until attached (see the attachment entries)" : "detached everywhere first (see the attachment entries)";
        }
        out.push({ kind: "document", document: d.label, documentKind: d.kind, account: side.account(r), change, sids, widens, note, urn: r.urn });
    };
    for (const r of m.added) documentEntry(head, r, "added", hBoundaries);
    for (const r of m.removed) documentEntry(base, r, "removed", bBoundaries);
    return out;
}

function statementDelta(d: DocumentView, account: string | null, c: StatementChange, urn: string): AccessChange {
    return {
        kind: "statement",
        document: d.label,
        documentKind: d.kind,
        account,
        sid: c.sid,
        change: c.change,
        effect: c.effect,
        widens: c.wider,
        reasons: c.mfa ? [...c.reasons, "MFA requirement dropped"] : c.reasons,
        mfa: c.mfa,
        urn,
    };
}

// ---------------------------------------------------------------------------------------------
// Guardrails.

interface TargetPolicies {
    label: string;
    kind: TargetKind;
    /** Policy key (head URN, or a literal policy ID) -> what is attached. */
    policies: Map<string, { name: string; type: string; content: unknown }>;
}

const TARGET_TYPES: string[] = [TYPES.organization, TYPES.ou, TYPES.account];

function targetLabel(side: Side, r: SavedResource): { label: string; kind: TargetKind } {
    if (r.type === TYPES.organization) return { label: "root", kind: "root" };
    if (r.type === TYPES.ou) return { label: `OU ${side.nameOf(r)}`, kind: "organizational unit" };
    return { label: `account ${side.nameOf(r)}`, kind: "account" };
}

/** Target key -> the policies attached directly to it. Keys are head URNs (base URNs mapped). */
function targets(side: Side, mapUrn: (u: string) => string): Map<string, TargetPolicies> {
    const out = new Map<string, TargetPolicies>();
    for (const att of side.ofType(TYPES.orgAttachment)) {
        const targetUrn = side.refs(att, "targetId", TARGET_TYPES)[0];
        const literalTarget = known(att.inputs.targetId);
        if (!targetUrn && !literalTarget) continue;
        const targetKey = targetUrn ? mapUrn(targetUrn) : `id:${literalTarget}`;
        let t = out.get(targetKey);
        if (!t) {
            const tr = targetUrn ? side.byUrn.get(targetUrn)! : undefined;
            const l = tr ? targetLabel(side, tr) : { label: literalTarget!.startsWith("r-") ? "root" : literalTarget!, kind: (literalTarget!.startsWith("r-") ? "root" : "id") as TargetKind };
            out.set(targetKey, (t = { ...l, policies: new Map() }));
        }
        const policyUrn = side.refs(att, "policyId", [TYPES.orgPolicy])[0];
        const policy = policyUrn ? side.byUrn.get(policyUrn)! : undefined;
        const literalPolicy = known(att.inputs.policyId);
        const key = policyUrn ? mapUrn(policyUrn) : `id:${literalPolicy ?? att.urn}`;
        t.policies.set(key, {
            name: policy ? side.nameOf(policy) : (literalPolicy ?? att.name),
            type: policy ? (known(policy.inputs.type) ?? "SERVICE_CONTROL_POLICY") : "SERVICE_CONTROL_POLICY",
            content: policy?.inputs.content,
        });
    }
    return out;
}

const POLICY_TYPE_NAMES: Record<string, string> = { SERVICE_CONTROL_POLICY: "SCP", RESOURCE_CONTROL_POLICY: "RCP", TAG_POLICY: "tag policy" };

/** Statements of the SCPs (or RCPs) of a target, with the policy each came from. */
function mergedStatements(t: TargetPolicies | undefined, type: string): { statements: Statement[]; sources: string[]; unreadable: string[] } {
    const statements: Statement[] = [];
    const sources: string[] = [];
    const unreadable: string[] = [];
    for (const p of t?.policies.values() ?? []) {
        if (p.type !== type) continue;
        const doc = parseDocument(p.content);
        if (!doc) {
            unreadable.push(p.name);
            continue;
        }
        for (const s of doc.statements) {
            statements.push(s);
            sources.push(p.name);
        }
    }
    return { statements, sources, unreadable };
}

type TagEntry = Record<string, unknown>;

/** Tag-policy entries of a target by tag key (lower case, as tag policies key them). */
function tagEntries(t: TargetPolicies | undefined): Map<string, TagEntry> {
    const out = new Map<string, TagEntry>();
    for (const p of t?.policies.values() ?? []) {
        if (p.type !== "TAG_POLICY" || typeof p.content !== "string") continue;
        let parsed: unknown;
        try {
            parsed = JSON.parse(p.content);
        } catch {
            continue;
        }
        const tags = isRecord(parsed) && isRecord(parsed.tags) ? parsed.tags : {};
        for (const [k, v] of Object.entries(tags)) if (isRecord(v)) out.set(k.toLowerCase(), v);
    }
    return out;
}

function assigned(entry: TagEntry | undefined, field: string): string[] | undefined {
    const f = entry?.[field];
    if (!isRecord(f)) return undefined;
    const v = f["@@assign"];
    return v === undefined ? undefined : sortedSet((Array.isArray(v) ? v : [v]).map(String));
}

function tagPolicyReasons(before: TagEntry, after: TagEntry): { reasons: string[]; weakens: boolean } {
    const reasons: string[] = [];
    let weakens = false;
    const bv = assigned(before, "tag_value");
    const av = assigned(after, "tag_value");
    if (bv && !av) {
        reasons.push("any value allowed (tag_value removed)");
        weakens = true;
    } else if (bv && av) {
        const added = av.filter((v) => !bv.includes(v));
        const removed = bv.filter((v) => !av.includes(v));
        if (added.length) {
            reasons.push(`values allowed: +${added.join(", +")}`);
            weakens = true;
        }
        if (removed.length) reasons.push(`values no longer allowed: ${removed.join(", ")}`);
    } else if (av) reasons.push(`values limited to ${av.join(", ")}`);
    const be = assigned(before, "enforced_for") ?? [];
    const ae = assigned(after, "enforced_for") ?? [];
    const unenforced = be.filter((v) => !ae.includes(v));
    if (unenforced.length) {
        reasons.push(`no longer enforced for ${unenforced.join(", ")}`);
        weakens = true;
    }
    const enforced = ae.filter((v) => !be.includes(v));
    if (enforced.length) reasons.push(`now enforced for ${enforced.join(", ")}`);
    const bk = assigned(before, "tag_key");
    const ak = assigned(after, "tag_key");
    if (canonical(bk) !== canonical(ak)) reasons.push(`tag key ${bk?.join("") ?? "-"} -> ${ak?.join("") ?? "-"}`);
    if (!reasons.length) reasons.push("changed");
    return { reasons, weakens };
}

function budgetAlerts(r: SavedResource): Map<string, string[]> {
    const out = new Map<string, string[]>();
    const list = Array.isArray(r.inputs.notifications) ? r.inputs.notifications : [];
    for (const n of list) {
        if (!isRecord(n)) continue;
        const pct = n.thresholdType === "PERCENTAGE" ? "%" : "";
        const key = `${String(n.notificationType)} ${String(n.comparisonOperator).toLowerCase().replace(/_/g, " ")} ${String(n.threshold)}${pct}`;
        const subs = [...(Array.isArray(n.subscriberEmailAddresses) ? n.subscriberEmailAddresses : []), ...(Array.isArray(n.subscriberSnsTopicArns) ? n.subscriberSnsTopicArns : [])].map(String);
        out.set(key, sortedSet([...(out.get(key) ?? []), ...subs]));
    }
    return out;
}

function budgetChanges(base: Side, head: Side, m: Matching): BudgetChange[] {
    const out: BudgetChange[] = [];
    const limit = (r: SavedResource) => ({ amount: String(r.inputs.limitAmount ?? UNKNOWN), unit: String(r.inputs.limitUnit ?? "") });
    for (const r of m.added.filter((x) => x.type === TYPES.budget)) out.push({ kind: "budget", budget: head.nameOf(r), change: "added", before: null, after: limit(r), weakens: false, reasons: [] });
    for (const r of m.removed.filter((x) => x.type === TYPES.budget))
        out.push({ kind: "budget", budget: base.nameOf(r), change: "removed", before: limit(r), after: null, weakens: true, reasons: ["no budget, no alerts"] });
    for (const p of m.pairs.filter((x) => x.head.type === TYPES.budget)) {
        const before = limit(p.base);
        const after = limit(p.head);
        const reasons: string[] = [];
        let weakens = false;
        let change: BudgetChange["change"] = "changed";
        const [b, a] = [Number(before.amount), Number(after.amount)];
        if (before.unit !== after.unit) reasons.push(`unit ${before.unit} -> ${after.unit}`);
        else if (!Number.isNaN(a) && !Number.isNaN(b) && a !== b) {
            change = a > b ? "raised" : "lowered";
            weakens = a > b;
            reasons.push(`limit ${before.amount} -> ${after.amount} ${after.unit}`);
        } else if (before.amount !== after.amount) reasons.push(`limit ${before.amount} -> ${after.amount}`);
        const ba = budgetAlerts(p.base);
        const aa = budgetAlerts(p.head);
        for (const [k, subs] of ba) {
            const now = aa.get(k);
            if (!now) {
                reasons.push(`alert removed: ${k}`);
                weakens = true;
                continue;
            }
            const gone = subs.filter((s) => !now.includes(s));
            if (gone.length) {
                reasons.push(`alert ${k} no longer sent to ${gone.join(", ")}`);
                weakens = true;
            }
        }
        for (const k of aa.keys()) if (!ba.has(k)) reasons.push(`alert added: ${k}`);
        if (!reasons.length) continue;
        out.push({ kind: "budget", budget: head.nameOf(p.head), change, before, after, weakens, reasons });
    }
    return out;
}

function guardrailChanges(base: Side, head: Side, m: Matching): GuardrailChange[] {
    const out: GuardrailChange[] = [];
    const bt = targets(base, (u) => m.toHead.get(u) ?? `removed:${u}`);
    const ht = targets(head, (u) => u);
    const keys = sortedSet([...bt.keys(), ...ht.keys()]);
    for (const key of keys) {
        const b = bt.get(key);
        const h = ht.get(key);
        const { label: target, kind: targetKind } = (h ?? b)!;
        const types = sortedSet([...(b?.policies.values() ?? []), ...(h?.policies.values() ?? [])].map((p) => p.type).filter((t) => t !== "TAG_POLICY"));
        for (const type of types) {
            const before = mergedStatements(b, type);
            const after = mergedStatements(h, type);
            const beforeKeys = statementKeys(before.statements);
            const afterKeys = statementKeys(after.statements);
            const source = (keysList: string[], sources: string[], sid: string) => sortedSet(keysList.flatMap((k, i) => (k === sid ? [sources[i]!] : [])));
            for (const c of compareStatements(before.statements, after.statements)) {
                const policies = c.change === "removed" ? source(beforeKeys, before.sources, c.sid) : source(afterKeys, after.sources, c.sid);
                out.push({
                    kind: "statement",
                    target,
                    targetKind,
                    policyType: POLICY_TYPE_NAMES[type] ?? type,
                    sid: c.sid,
                    change: c.change,
                    effect: c.effect,
                    weakens: c.wider,
                    reasons: c.reasons,
                    policies,
                });
            }
        }
        // Attachments, matched by policy.
        for (const [pk, p] of h?.policies ?? []) {
            if (!b?.policies.has(pk)) out.push({ kind: "attachment", target, targetKind, policyType: POLICY_TYPE_NAMES[p.type] ?? p.type, policy: p.name, change: "added", weakens: false });
        }
        for (const [pk, p] of b?.policies ?? []) {
            if (h?.policies.has(pk)) continue;
            const unreadable = p.type !== "TAG_POLICY" && !parseDocument(p.content);
            out.push({ kind: "attachment", target, targetKind, policyType: POLICY_TYPE_NAMES[p.type] ?? p.type, policy: p.name, change: "removed", weakens: unreadable });
        }
        // Tag policies, per tag key.
        const btags = tagEntries(b);
        const htags = tagEntries(h);
        for (const tagKey of sortedSet([...btags.keys(), ...htags.keys()])) {
            const before = btags.get(tagKey);
            const after = htags.get(tagKey);
            if (!before) out.push({ kind: "tag policy", target, targetKind, tagKey, change: "added", weakens: false, reasons: [] });
            else if (!after) out.push({ kind: "tag policy", target, targetKind, tagKey, change: "removed", weakens: true, reasons: ["the tag rule no longer applies"] });
            else if (canonical(before) !== canonical(after)) out.push({ kind: "tag policy", target, targetKind, tagKey, change: "changed", ...tagPolicyReasons(before, after) });
        }
    }
    return [...out, ...budgetChanges(base, head, m)];
}

// ---------------------------------------------------------------------------------------------
// Dangerous operations and the resource lists.

function parentOf(side: Side, r: SavedResource): { key: string; label: string } {
    const ref = side.refs(r, "parentId", [TYPES.ou, TYPES.organization])[0];
    if (ref) return { key: ref, label: targetLabel(side, side.byUrn.get(ref)!).label };
    const literal = known(r.inputs.parentId);
    return literal ? { key: `id:${literal}`, label: literal } : { key: "root", label: "root" };
}

function environmentsOf(side: Side, r: SavedResource): string[] {
    const envs = side.plan.outputs?.environments;
    if (isRecord(envs)) {
        return sortedSet(Object.entries(envs).flatMap(([env, e]) => (isRecord(e) && Array.isArray(e.accounts) && e.accounts.includes(r.name) ? [env] : [])));
    }
    const tags = isRecord(r.inputs.tags) ? r.inputs.tags : {};
    return known(tags.Environment) ? [tags.Environment as string] : [];
}

const PRECIOUS_TYPES: string[] = [TYPES.account, TYPES.organization];

export interface CompareOptions {
    base: Comparison["base"];
}

export function compare(basePlan: SavedPlan, headPlan: SavedPlan, opts: CompareOptions): Comparison {
    const base = new Side(basePlan);
    const head = new Side(headPlan);
    const notes: string[] = [];
    const m = matchResources(base, head);
    const ref = (r: SavedResource) => ({ urn: r.urn, type: r.type, name: r.name });

    const replaced: Comparison["resources"]["replaced"] = [];
    const updated: Comparison["resources"]["updated"] = [];
    const dangerous: DangerousOperation[] = [];
    const danger = (kind: DangerousOperation["kind"], r: SavedResource, detail: string) => dangerous.push({ kind, type: r.type, name: r.name, urn: r.urn, detail });

    for (const p of m.pairs) {
        const paths = changedPaths(base, head, p, m.toHead);
        if (paths.length) {
            const because = replacementCauses(p.head.type, paths, replaceOnChangesOf(p.head));
            if (because.length) replaced.push({ ...ref(p.head), paths, because });
            else updated.push({ ...ref(p.head), paths });
            if (because.length && (p.base.protect || p.head.protect)) {
                danger("protected replace", p.head, `changing ${because.join(", ")} replaces it; a real \`pulumi up\` fails on a protected resource`);
            } else if (because.length && PRECIOUS_TYPES.includes(p.head.type)) {
                danger("account replace", p.head, `changing ${because.join(", ")} replaces it: a new AWS account or organization would be created`);
            }
        }
        if (p.base.protect && !p.head.protect) danger("protection removed", p.head, "the protect option is turned off");
        if (p.head.type === TYPES.account) {
            const before = parentOf(base, p.base);
            const after = parentOf(head, p.head);
            if ((m.toHead.get(before.key) ?? before.key) !== after.key) danger("account moved", p.head, `moves from ${before.label} to ${after.label}: the guardrails of its new place apply`);
            const eb = environmentsOf(base, p.base);
            const ea = environmentsOf(head, p.head);
            if (canonical(eb) !== canonical(ea)) danger("environment changed", p.head, `environment ${eb.join(", ") || "none"} -> ${ea.join(", ") || "none"}`);
            if (p.head.inputs.closeOnDeletion === true && p.base.inputs.closeOnDeletion !== true)
                danger("close on deletion", p.head, "closeOnDeletion turned on: deleting the resource would close the AWS account");
        }
    }
    for (const r of m.added) {
        if (r.type === TYPES.account && r.inputs.closeOnDeletion === true) danger("close on deletion", r, "a new account with closeOnDeletion: deleting the resource would close the AWS account");
    }
    for (const r of m.removed) {
        if (r.protect) {
            danger(
                "protected delete",
                r,
                `removed from the program: a real \`pulumi up\` fails on a protected resource${r.retainOnDelete ? "; to let the stack forget it, unprotect it first (retainOnDelete keeps it in AWS)" : ""}`,
            );
        } else if (PRECIOUS_TYPES.includes(r.type)) {
            danger(
                "account delete",
                r,
                r.inputs.closeOnDeletion === true
                    ? "deleting it closes the AWS account"
                    : r.retainOnDelete
                      ? "it leaves the stack and stays in AWS"
                      : "deleting it removes the account from the organization",
            );
        }
    }

    const access = accessChanges(base, head, m, notes);
    const guardrails = guardrailChanges(base, head, m);

    const toHeadUrn = (u: string | null) => (u ? (m.toHead.get(u) ?? u) : null);
    const vkey = (v: SavedViolation, urn: string | null) => canonical([v.policyPack, v.policy, v.enforcementLevel, urn, v.message.trim()]);
    const label = (side: Side, urn: string | null) => {
        const r = urn ? side.byUrn.get(urn) : undefined;
        return r ? `${shortType(r.type)} ${r.name}` : urn ? urn : "(stack)";
    };
    const baseKeys = new Set(basePlan.violations.map((v) => vkey(v, toHeadUrn(v.urn))));
    const headKeys = new Set(headPlan.violations.map((v) => vkey(v, v.urn)));
    const violations = {
        new: headPlan.violations.filter((v) => !baseKeys.has(vkey(v, v.urn))).map((v) => ({ ...v, resource: label(head, v.urn) })),
        fixed: basePlan.violations.filter((v) => !headKeys.has(vkey(v, toHeadUrn(v.urn)))).map((v) => ({ ...v, resource: label(base, v.urn) })),
    };

    const byUrnSort = <T extends { urn: string }>(list: T[]) => list.sort((a, b) => byText(a.urn, b.urn));
    return {
        base: opts.base,
        head: { project: headPlan.project, stack: headPlan.stack, resources: headPlan.resources.length },
        summary: {
            widens: access.filter((a) => a.widens).length,
            weakens: guardrails.filter((g) => g.weakens).length,
            dangerous: dangerous.length,
        },
        access: sortAccess(access),
        guardrails,
        dangerous: dangerous.sort((a, b) => byText(a.kind, b.kind) || byText(a.urn, b.urn)),
        resources: {
            added: byUrnSort(m.added.map(ref)),
            removed: byUrnSort(m.removed.map((r) => ({ ...ref(r), protect: r.protect, retainOnDelete: r.retainOnDelete }))),
            replaced: byUrnSort(replaced),
            updated: byUrnSort(updated),
            renamed: m.pairs
                .filter((p) => p.renamed)
                .map((p) => ({ from: p.base.urn, to: p.head.urn, type: p.head.type }))
                .sort((a, b) => byText(a.to, b.to)),
        },
        violations,
        notes,
    };
}

const ACCESS_ORDER: AccessChange["kind"][] = ["level", "person", "identity", "attachment", "boundary", "statement", "document"];

function accessSortKey(a: AccessChange): string {
    switch (a.kind) {
        case "level":
            return `${a.team}\u0000${a.environment}`;
        case "person":
            return a.user;
        case "identity":
            return `${a.identity}\u0000${a.account ?? ""}\u0000${a.name}`;
        case "attachment":
        case "boundary":
            return `${a.account ?? ""}\u0000${a.principal}\u0000${a.policy}\u0000${a.change}`;
        case "statement":
            return `${a.account ?? ""}\u0000${a.document}\u0000${a.sid}`;
        case "document":
            return `${a.account ?? ""}\u0000${a.document}`;
    }
}

function sortAccess(list: AccessChange[]): AccessChange[] {
    // Widening first within each kind, so the top of each list is what needs a second look.
    return list.sort((a, b) => ACCESS_ORDER.indexOf(a.kind) - ACCESS_ORDER.indexOf(b.kind) || Number(b.widens) - Number(a.widens) || byText(accessSortKey(a), accessSortKey(b)));
}

/** Which `--fail-on` conditions the comparison meets. */
export function failures(c: Comparison, failOn: FailOn[]): FailOn[] {
    return failOn.filter((f) => (f === "widen" ? c.summary.widens > 0 : f === "weaken" ? c.summary.weakens > 0 : c.summary.dangerous > 0));
}
