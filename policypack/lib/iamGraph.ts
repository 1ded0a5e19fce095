// Which identity policy documents apply to which IAM entities, across the stack.

import { GuardrailConfig } from "./config";
import { actionMatches, conditionValues, isForceMfaDeny, parseDocument, ParsedDocument, requiresMfa } from "./policyDocument";
import { displayName, Ref, Res, resolveRef, resolveRefList, StackView } from "./stack";
import { readTag } from "./tags";
import { T } from "./types";
import { isUnknown } from "./unknown";

export type EntityKind = "user" | "group" | "role";
const ENTITY_TYPE: Record<EntityKind, string> = { user: T.user, group: T.group, role: T.role };

/** An entity reference: a stack resource, or only a name (entity managed elsewhere), or unknown. */
export type EntityRef =
    | { kind: EntityKind; res: Res; name?: string }
    | { kind: EntityKind; res?: undefined; name: string }
    | { kind: EntityKind; res?: undefined; name?: undefined; unknown: true };

export interface IdentityDoc {
    /** The resource that carries the document (Policy, RolePolicy, Role with inline policy...). */
    source: Res;
    label: string;
    kind: "inline" | "managed" | "aws-managed";
    parsed: ParsedDocument;
    /** Entities the document applies to; for a managed policy, through its attachments. */
    entities: EntityRef[];
    /** For a managed policy: the policy resource (its tags/name may mark it admin). */
    managedPolicy?: Res;
}

export function entityLabel(e: EntityRef): string {
    if (e.res) return `${e.kind} ${displayName(e.res)}`;
    if (e.name) return `${e.kind} ${e.name}`;
    return `a ${e.kind} whose name is unknown at preview`;
}

function refToEntities(kind: EntityKind, ref: Ref): EntityRef[] {
    switch (ref.kind) {
        case "resources": return ref.targets.map((t) => ({ kind, res: t, name: typeof t.props.name === "string" ? t.props.name : undefined }));
        case "external": return [{ kind, name: ref.value }];
        case "unknown": return [{ kind, unknown: true }];
        case "absent": return [];
    }
}

function addTo<K, V>(map: Map<K, V[]>, key: K, values: V[]): void {
    const list = map.get(key);
    if (list) list.push(...values);
    else map.set(key, [...values]);
}

export function entityRef(view: StackView, res: Res, prop: string, kind: EntityKind): EntityRef[] {
    return refToEntities(kind, resolveRef(view, res, prop, [ENTITY_TYPE[kind]], ["name", "id", "arn"]));
}

/** AWS managed policies that grant what the guardrails look for, as equivalent documents. */
export const AWS_MANAGED: Record<string, unknown> = {
    "arn:aws:iam::aws:policy/AdministratorAccess": { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
    "arn:aws:iam::aws:policy/IAMFullAccess": { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["iam:*", "organizations:DescribeAccount", "organizations:DescribeOrganization", "organizations:DescribeOrganizationalUnit", "organizations:DescribePolicy", "organizations:ListChildren", "organizations:ListParents", "organizations:ListPoliciesForTarget", "organizations:ListRoots", "organizations:ListPolicies", "organizations:ListTargetsForPolicy"], Resource: "*" }] },
};

const graphs = new WeakMap<StackView, IamGraph>();

/**
 * The IAM graph of a stack view, built once per view: the stack policies that read it share
 * the view (see stackViewOf), and the graph depends on nothing else (config is passed per call).
 */
export function iamGraphOf(view: StackView): IamGraph {
    let g = graphs.get(view);
    if (!g) graphs.set(view, (g = new IamGraph(view)));
    return g;
}

export class IamGraph {
    readonly docs: IdentityDoc[] = [];
    /** Managed policies used as permissions boundaries (they cap permissions, they grant none). */
    readonly boundaries = new Set<string>();
    constructor(readonly view: StackView) {
        for (const r of view.ofType(T.userPolicy)) this.docs.push({ source: r, label: `inline policy ${displayName(r)}`, kind: "inline", parsed: parseDocument(r.props.policy), entities: entityRef(view, r, "user", "user") });
        for (const r of view.ofType(T.groupPolicy)) this.docs.push({ source: r, label: `inline policy ${displayName(r)}`, kind: "inline", parsed: parseDocument(r.props.policy), entities: entityRef(view, r, "group", "group") });
        for (const r of view.ofType(T.rolePolicy)) this.docs.push({ source: r, label: `inline policy ${displayName(r)}`, kind: "inline", parsed: parseDocument(r.props.policy), entities: entityRef(view, r, "role", "role") });
        for (const role of view.ofType(T.role)) {
            const inl = role.props.inlinePolicies;
            if (Array.isArray(inl)) {
                inl.forEach((p, i) => {
                    const pol = p && typeof p === "object" && !isUnknown(p) ? (p as Record<string, unknown>).policy : p;
                    const n = p && typeof p === "object" && !isUnknown(p) && typeof (p as Record<string, unknown>).name === "string" ? (p as Record<string, unknown>).name as string : `#${i + 1}`;
                    this.docs.push({ source: role, label: `inline policy ${n} of role ${displayName(role)}`, kind: "inline", parsed: parseDocument(pol), entities: [{ kind: "role", res: role, name: typeof role.props.name === "string" ? role.props.name : undefined }] });
                });
            }
        }
        // Managed policies and their attachments.
        const attachedTo = new Map<string, EntityRef[]>();
        const awsManaged = new Map<string, { entities: EntityRef[]; source: Res }>();
        const attach = (att: Res, prop: string, entities: EntityRef[], arnValue: unknown = att.props[prop], listElement = false) => {
            const ref = resolveRef(view, att, prop, [T.managedPolicy], ["arn", "id", "name"], arnValue, listElement);
            if (ref.kind === "resources") {
                for (const p of ref.targets) addTo(attachedTo, p.urn, entities);
            } else if (ref.kind === "external" && AWS_MANAGED[ref.value]) {
                const prev = awsManaged.get(`${ref.value}|${att.urn}`);
                awsManaged.set(`${ref.value}|${att.urn}`, { entities: [...(prev?.entities ?? []), ...entities], source: att });
            }
        };
        for (const a of view.ofType(T.userPolicyAttachment)) attach(a, "policyArn", entityRef(view, a, "user", "user"));
        for (const a of view.ofType(T.groupPolicyAttachment)) attach(a, "policyArn", entityRef(view, a, "group", "group"));
        for (const a of view.ofType(T.rolePolicyAttachment)) attach(a, "policyArn", entityRef(view, a, "role", "role"));
        for (const a of view.ofType(T.policyAttachment)) {
            const ents: EntityRef[] = [
                ...resolveRefList(view, a, "users", [T.user], ["name", "id"]).flatMap((r) => refToEntities("user", r)),
                ...resolveRefList(view, a, "groups", [T.group], ["name", "id"]).flatMap((r) => refToEntities("group", r)),
                ...resolveRefList(view, a, "roles", [T.role], ["name", "id"]).flatMap((r) => refToEntities("role", r)),
            ];
            attach(a, "policyArn", ents);
        }
        for (const role of view.ofType(T.role)) {
            const arns = role.props.managedPolicyArns;
            const self: EntityRef[] = [{ kind: "role", res: role, name: typeof role.props.name === "string" ? role.props.name : undefined }];
            if (Array.isArray(arns)) {
                const known = arns.filter((a) => typeof a === "string");
                for (const a of known) attach(role, "managedPolicyArns", self, a, arns.length > 1);
                // Unknown elements: the policies feeding the list that no known element named.
                if (arns.some(isUnknown)) {
                    const named = new Set(known);
                    for (const u of role.propertyDependencies.managedPolicyArns ?? []) {
                        const p = view.byUrn.get(u);
                        if (p?.type === T.managedPolicy && !(typeof p.props.arn === "string" && named.has(p.props.arn))) {
                            addTo(attachedTo, p.urn, self);
                        }
                    }
                }
            } else if (isUnknown(arns)) {
                for (const u of role.propertyDependencies.managedPolicyArns ?? []) {
                    const p = view.byUrn.get(u);
                    if (p?.type === T.managedPolicy) addTo(attachedTo, p.urn, self);
                }
            }
        }
        for (const p of view.ofType(T.managedPolicy)) {
            this.docs.push({ source: p, label: `managed policy ${displayName(p)}`, kind: "managed", parsed: parseDocument(p.props.policy), entities: attachedTo.get(p.urn) ?? [], managedPolicy: p });
        }
        this.findBoundaries();
        for (const [key, v] of awsManaged) {
            const arn = key.split("|")[0];
            this.docs.push({ source: v.source, label: `AWS managed policy ${arn.split("/").pop()} attached by ${displayName(v.source)}`, kind: "aws-managed", parsed: parseDocument(AWS_MANAGED[arn]), entities: v.entities });
        }
    }

    /**
     * A managed policy is a permissions boundary when a role or user names it in
     * permissionsBoundary, or when an iam:PermissionsBoundary condition of a document in the
     * stack designates it (by ARN pattern, e.g. delegated role creation).
     */
    private findBoundaries(): void {
        const managed = this.view.ofType(T.managedPolicy);
        for (const r of [...this.view.ofType(T.role), ...this.view.ofType(T.user)]) {
            const ref = resolveRef(this.view, r, "permissionsBoundary", [T.managedPolicy], ["arn", "id"]);
            if (ref.kind === "resources") ref.targets.forEach((t) => this.boundaries.add(t.urn));
        }
        const patterns: string[] = [];
        for (const d of this.docs) {
            if (d.parsed.kind !== "ok") continue;
            for (const s of d.parsed.statements) {
                for (const v of conditionValues(s, /./, "iam:PermissionsBoundary")) if (typeof v === "string") patterns.push(v);
            }
        }
        for (const p of managed) {
            const arn = p.props.arn;
            const name = p.props.name;
            const path = typeof p.props.path === "string" ? p.props.path : "/";
            if (patterns.some((pat) => (typeof arn === "string" && actionMatches(pat, arn)) ||
                (typeof name === "string" && actionMatches(pat.replace(/^arn:[^:]*:iam::[^:]*:policy/, ""), `${path}${name}`)))) {
                this.boundaries.add(p.urn);
            }
        }
    }

    isBoundary(p: Res): boolean {
        return this.boundaries.has(p.urn);
    }

    /** Is the entity marked admin? undefined when that cannot be known at preview. */
    isAdmin(e: EntityRef, cfg: GuardrailConfig): boolean | undefined {
        const names = new Set(cfg.adminEntityNames);
        if (e.res) {
            const tag = readTag(e.res.props, cfg.adminTagKey);
            if (tag === cfg.adminTagValue) return true;
            if (names.has(e.res.name)) return true;
            const n = e.res.props.name;
            if (typeof n === "string" && names.has(n)) return true;
            if (isUnknown(tag) || isUnknown(n)) return undefined;
            return false;
        }
        if (e.name) return names.has(e.name);
        return undefined;
    }

    isAdminPolicy(p: Res, cfg: GuardrailConfig): boolean {
        if (readTag(p.props, cfg.adminTagKey) === cfg.adminTagValue) return true;
        return cfg.adminEntityNames.includes(p.name) || (typeof p.props.name === "string" && cfg.adminEntityNames.includes(p.props.name));
    }

    docsFor(e: EntityRef): IdentityDoc[] {
        if (!e.res) return [];
        if (!this.docsByEntity) {
            // Indexed once: stack policies ask this for every entity of the stack.
            this.docsByEntity = new Map();
            for (const d of this.docs) {
                for (const urn of new Set(d.entities.map((x) => x.res?.urn))) {
                    if (urn === undefined) continue;
                    const list = this.docsByEntity.get(urn);
                    if (list) list.push(d);
                    else this.docsByEntity.set(urn, [d]);
                }
            }
        }
        return this.docsByEntity.get(e.res.urn) ?? [];
    }
    private docsByEntity?: Map<string, IdentityDoc[]>;

    /** Memberships with their references resolved once (groupsOf is asked for every user). */
    private memberships?: { userUrns: Set<string>; userNames: Set<unknown>; groups: () => EntityRef[] }[];

    /** Groups a user belongs to (GroupMembership and UserGroupMembership). */
    groupsOf(user: Res): EntityRef[] {
        if (!this.memberships) {
            const urnsOf = (refs: Ref[]) => new Set(refs.flatMap((r) => (r.kind === "resources" ? r.targets.map((t) => t.urn) : [])));
            this.memberships = [
                ...this.view.ofType(T.groupMembership).map((gm) => ({
                    userUrns: urnsOf(resolveRefList(this.view, gm, "users", [T.user], ["name", "id"])),
                    userNames: new Set(Array.isArray(gm.props.users) ? gm.props.users : []),
                    groups: () => entityRef(this.view, gm, "group", "group"),
                })),
                ...this.view.ofType(T.userGroupMembership).map((ugm) => ({
                    userUrns: urnsOf([resolveRef(this.view, ugm, "user", [T.user], ["name", "id"])]),
                    userNames: new Set<unknown>(),
                    groups: () => resolveRefList(this.view, ugm, "groups", [T.group], ["name", "id"]).flatMap((g) => refToEntities("group", g)),
                })),
            ];
        }
        const userName = user.props.name;
        const out: EntityRef[] = [];
        for (const m of this.memberships) {
            if (m.userUrns.has(user.urn) || (typeof userName === "string" && m.userNames.has(userName))) out.push(...m.groups());
        }
        return out;
    }

    /** Does a group have a force-MFA deny among its policies? */
    enforcesMfa(group: EntityRef): boolean {
        return this.docsFor(group).some((d) => d.parsed.kind === "ok" && d.parsed.statements.some(isForceMfaDeny));
    }

    /** Does using this entity require MFA (trust policy for roles, force-MFA group for users/groups)? */
    useRequiresMfa(e: EntityRef): boolean {
        if (!e.res) return false;
        if (e.kind === "role") {
            const trust = parseDocument(e.res.props.assumeRolePolicy);
            if (trust.kind !== "ok") return false;
            const allows = trust.statements.filter((s) => s.effect === "Allow");
            return allows.length > 0 && allows.every(requiresMfa);
        }
        if (e.kind === "group") return this.enforcesMfa(e);
        return this.groupsOf(e.res).some((g) => this.enforcesMfa(g));
    }
}
