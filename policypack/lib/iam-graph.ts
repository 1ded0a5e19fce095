// Which identity policy documents apply to which IAM entities, across the stack.

import { awsManagedDocument, awsManagedPolicy } from "./aws-managed-policies";
import { GuardrailConfig } from "./config";
import { canApply } from "./conditions";
import { DocStatement, escalations } from "./escalation";
import { actionMatches, conditionValues, isForceMfaDeny, isFullAdmin, parseDocument, ParsedDocument, requiresMfa, toArray } from "./policy-document";
import { displayName, Ref, Res, resolveRef, resolveRefList, StackView } from "./stack";
import { readTag } from "./tags";
import { T } from "./types";
import { isUnknown } from "./unknown";

/** IAM entities, and IAM Identity Center permission sets (each becomes a role in every account it is assigned in). */
export type EntityKind = "user" | "group" | "role" | "permission-set";
const ENTITY_TYPE: Record<EntityKind, string> = { user: T.user, group: T.group, role: T.role, "permission-set": T.permissionSet };

/** An entity reference: a stack resource, or only a name (entity managed elsewhere), or unknown. */
export type EntityRef = { kind: EntityKind; res: Res; name?: string } | { kind: EntityKind; res?: undefined; name: string } | { kind: EntityKind; res?: undefined; name?: undefined; unknown: true };

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
    /** Resources whose outputs fed the document (unknown ARNs in it are theirs). */
    deps: Res[];
}

export function entityLabel(e: EntityRef): string {
    const kind = e.kind === "permission-set" ? "permission set" : e.kind;
    if (e.res) return `${kind} ${displayName(e.res)}`;
    if (e.name) return `${kind} ${e.name}`;
    return `a ${kind} whose name is unknown at preview`;
}

/** The customer managed policy reference of a PermissionsBoundaryAttachment. */
function boundaryReference(b: Res): unknown {
    const pb = b.props.permissionsBoundary;
    return pb && typeof pb === "object" && !isUnknown(pb) ? (pb as Record<string, unknown>).customerManagedPolicyReference : undefined;
}

function refToEntities(kind: EntityKind, ref: Ref): EntityRef[] {
    switch (ref.kind) {
        case "resources":
            return ref.targets.map((t) => ({ kind, res: t, name: typeof t.props.name === "string" ? t.props.name : undefined }));
        case "external":
            return [{ kind, name: ref.value }];
        case "unknown":
            return [{ kind, unknown: true }];
        case "absent":
            return [];
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

/**
 * Service principals whose roles the service itself uses to operate what it manages, running no
 * code or API calls the customer writes (reviewed list; services that run customer code, such as
 * Lambda, EC2, ECS tasks, CodeBuild, Glue, SageMaker, Step Functions or CloudFormation, are not here).
 */
export const SERVICE_OPERATED = [
    "eks.amazonaws.com",
    "autoscaling.amazonaws.com",
    "application-autoscaling.amazonaws.com",
    "backup.amazonaws.com",
    "config.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "delivery.logs.amazonaws.com",
    "vpc-flow-logs.amazonaws.com",
    "monitoring.rds.amazonaws.com",
    "spotfleet.amazonaws.com",
    "spot.amazonaws.com",
    "elasticmapreduce.amazonaws.com",
    "batch.amazonaws.com",
    "dlm.amazonaws.com",
    "elasticbeanstalk.amazonaws.com",
];

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
        const deps = (r: Res, prop: string) => (r.propertyDependencies[prop] ?? []).map((u) => view.byUrn.get(u)).filter((x): x is Res => !!x);
        // Inline policies: [resource type, document input, entity input, entity kind].
        const inline: [string, string, string, EntityKind][] = [
            [T.userPolicy, "policy", "user", "user"],
            [T.groupPolicy, "policy", "group", "group"],
            [T.rolePolicy, "policy", "role", "role"],
            [T.permissionSetInlinePolicy, "inlinePolicy", "permissionSetArn", "permission-set"],
        ];
        for (const [type, prop, entityProp, kind] of inline) {
            for (const r of view.ofType(type)) {
                this.docs.push({
                    source: r,
                    label: `inline policy ${displayName(r)}`,
                    kind: "inline",
                    parsed: parseDocument(r.props[prop]),
                    entities: entityRef(view, r, entityProp, kind),
                    deps: deps(r, prop),
                });
            }
        }
        for (const role of view.ofType(T.role)) {
            const inl = role.props.inlinePolicies;
            if (Array.isArray(inl)) {
                inl.forEach((p, i) => {
                    const pol = p && typeof p === "object" && !isUnknown(p) ? (p as Record<string, unknown>).policy : p;
                    const n = p && typeof p === "object" && !isUnknown(p) && typeof (p as Record<string, unknown>).name === "string" ? ((p as Record<string, unknown>).name as string) : `#${i + 1}`;
                    this.docs.push({
                        source: role,
                        label: `inline policy ${n} of role ${displayName(role)}`,
                        kind: "inline",
                        parsed: parseDocument(pol),
                        entities: [{ kind: "role", res: role, name: typeof role.props.name === "string" ? role.props.name : undefined }],
                        deps: deps(role, "inlinePolicies"),
                    });
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
            } else if (ref.kind === "external" && awsManagedPolicy(ref.value)) {
                const prev = awsManaged.get(`${ref.value}|${att.urn}`);
                awsManaged.set(`${ref.value}|${att.urn}`, { entities: [...(prev?.entities ?? []), ...entities], source: att });
            }
        };
        for (const a of view.ofType(T.userPolicyAttachment)) attach(a, "policyArn", entityRef(view, a, "user", "user"));
        for (const a of view.ofType(T.groupPolicyAttachment)) attach(a, "policyArn", entityRef(view, a, "group", "group"));
        for (const a of view.ofType(T.rolePolicyAttachment)) attach(a, "policyArn", entityRef(view, a, "role", "role"));
        // Permission sets: AWS managed policies by ARN, customer managed ones by name and path (the
        // policy of that name in each account the set is assigned in: the stack's policies named so).
        for (const a of view.ofType(T.ssoManagedPolicyAttachment)) attach(a, "managedPolicyArn", entityRef(view, a, "permissionSetArn", "permission-set"));
        for (const a of view.ofType(T.ssoCustomerManagedPolicyAttachment)) {
            const sets = entityRef(view, a, "permissionSetArn", "permission-set");
            for (const p of this.referencedPolicies(a.props.customerManagedPolicyReference)) addTo(attachedTo, p.urn, sets);
        }
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
            this.docs.push({
                source: p,
                label: `managed policy ${displayName(p)}`,
                kind: "managed",
                parsed: parseDocument(p.props.policy),
                entities: attachedTo.get(p.urn) ?? [],
                managedPolicy: p,
                deps: deps(p, "policy"),
            });
        }
        this.findBoundaries();
        for (const [key, v] of awsManaged) {
            const arn = key.split("|")[0];
            const known = awsManagedPolicy(arn)!;
            this.docs.push({
                source: v.source,
                label: `AWS managed policy ${known.name} (attached by ${displayName(v.source)})`,
                kind: "aws-managed",
                parsed: parseDocument(JSON.stringify(awsManagedDocument(known))),
                entities: v.entities,
                deps: [],
            });
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
        for (const b of this.view.ofType(T.ssoPermissionsBoundaryAttachment)) {
            for (const p of this.referencedPolicies(boundaryReference(b))) this.boundaries.add(p.urn);
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
            if (
                patterns.some(
                    (pat) => (typeof arn === "string" && actionMatches(pat, arn)) || (typeof name === "string" && actionMatches(pat.replace(/^arn:[^:]*:iam::[^:]*:policy/, ""), `${path}${name}`)),
                )
            ) {
                this.boundaries.add(p.urn);
            }
        }
    }

    /** The stack's managed policies a customer managed policy reference ({ name, path }) names. */
    referencedPolicies(reference: unknown): Res[] {
        if (!reference || typeof reference !== "object" || isUnknown(reference)) return [];
        const { name, path } = reference as Record<string, unknown>;
        if (typeof name !== "string") return [];
        const wanted = typeof path === "string" ? path : "/";
        return this.view.withValue([T.managedPolicy], ["name"], name).filter((p) => (typeof p.props.path === "string" ? p.props.path : "/") === wanted);
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

    /** Every document that applies to the entity: its own, and for a user those of its groups too. */
    applyingDocs(e: EntityRef): IdentityDoc[] {
        if (!e.res) return [];
        if (e.kind !== "user") return this.docsFor(e);
        return [...this.docsFor(e), ...this.groupsOf(e.res).flatMap((g) => this.docsFor(g))];
    }

    /** The statements of documents, each with the label of its document. */
    static statementsOf(docs: IdentityDoc[]): DocStatement[] {
        return docs.flatMap((d) => (d.parsed.kind === "ok" ? d.parsed.statements.map((stmt) => ({ doc: d.label, stmt })) : []));
    }

    /**
     * The permissions boundary of a role or user, when the stack can tell: the statements of the
     * managed policy it names. Undefined when it has none or it cannot be read.
     */
    boundaryOf(e: EntityRef): DocStatement[] | undefined {
        if (e.res && e.kind === "permission-set") return this.permissionSetBoundary(e.res);
        if (!e.res || (e.kind !== "role" && e.kind !== "user")) return undefined;
        const ref = resolveRef(this.view, e.res, "permissionsBoundary", [T.managedPolicy], ["arn", "id"]);
        if (ref.kind === "resources" && ref.targets.length === 1) {
            const d = this.docs.find((x) => x.managedPolicy === ref.targets[0]);
            if (d && d.parsed.kind === "ok") return IamGraph.statementsOf([d]);
        }
        if (ref.kind === "external") {
            const known = awsManagedPolicy(ref.value);
            const parsed = known ? parseDocument(JSON.stringify(awsManagedDocument(known))) : undefined;
            if (parsed?.kind === "ok") return parsed.statements.map((stmt) => ({ doc: `permissions boundary ${known!.name}`, stmt }));
        }
        return undefined;
    }

    /**
     * The permissions boundary of a permission set (PermissionsBoundaryAttachment): a customer
     * managed policy of the stack by name and path (the same document in every account), or an
     * AWS managed one of the reviewed table. Undefined when it has none or it cannot be read.
     */
    private permissionSetBoundary(set: Res): DocStatement[] | undefined {
        for (const b of this.view.ofType(T.ssoPermissionsBoundaryAttachment)) {
            const ref = resolveRef(this.view, b, "permissionSetArn", [T.permissionSet], ["arn", "id"]);
            if (ref.kind !== "resources" || !ref.targets.includes(set)) continue;
            const policies = this.referencedPolicies(boundaryReference(b));
            const docs = this.docs.filter((d) => d.managedPolicy && policies.includes(d.managedPolicy) && d.parsed.kind === "ok");
            const texts = new Set(docs.map((d) => JSON.stringify(d.parsed.kind === "ok" ? d.parsed.doc : undefined)));
            if (docs.length > 0 && texts.size === 1) return IamGraph.statementsOf([docs[0]]);
            const pb = b.props.permissionsBoundary;
            const arn = pb && typeof pb === "object" && !isUnknown(pb) ? (pb as Record<string, unknown>).managedPolicyArn : undefined;
            const known = typeof arn === "string" ? awsManagedPolicy(arn) : undefined;
            const parsed = known ? parseDocument(JSON.stringify(awsManagedDocument(known))) : undefined;
            if (parsed?.kind === "ok") return parsed.statements.map((stmt) => ({ doc: `permissions boundary ${known!.name}`, stmt }));
        }
        return undefined;
    }

    /** Roles of the stack that the values of a Resource (of iam:PassRole) name; unknown values are the roles that fed the document. */
    rolesNamed(doc: IdentityDoc, values: unknown[]): Res[] {
        const roles = this.view.ofType(T.role);
        const out = new Set<Res>();
        for (const v of values) {
            if (isUnknown(v)) {
                doc.deps.filter((r) => r.type === T.role).forEach((r) => out.add(r));
                continue;
            }
            if (typeof v !== "string") continue;
            const m = /^arn:[^:]+:iam::[^:]*:role\/(.*)$/.exec(v);
            for (const r of roles) {
                const name = r.props.name;
                const path = typeof r.props.path === "string" ? r.props.path : "/";
                if (
                    (typeof r.props.arn === "string" && actionMatches(v, r.props.arn)) ||
                    (m && typeof name === "string" && (actionMatches(m[1], `${path.replace(/^\//, "")}${name}`) || actionMatches(m[1], name)))
                )
                    out.add(r);
            }
        }
        return [...out];
    }

    /**
     * Is the role privileged: marked admin, or given (by what applies to it) full admin or an
     * escalation of its own? PassRole combinations are not followed, to keep this finite.
     */
    isPrivileged(role: Res, cfg: GuardrailConfig): boolean {
        const e: EntityRef = { kind: "role", res: role, name: typeof role.props.name === "string" ? role.props.name : undefined };
        if (this.isAdmin(e, cfg)) return true;
        const statements = IamGraph.statementsOf(this.applyingDocs(e));
        if (statements.some(({ stmt }) => isFullAdmin(stmt) && canApply(stmt))) return true;
        return escalations(statements, () => ({ privileged: [] })).grants.length > 0;
    }

    /**
     * A role only AWS services that run no customer code assume (the EKS control plane, Auto
     * Scaling, Backup...): its grants are used by the service as designed, not by people.
     */
    isServiceOperated(role: Res): boolean {
        const trust = parseDocument(role.props.assumeRolePolicy);
        if (trust.kind !== "ok") return false;
        const allows = trust.statements.filter((s) => s.effect === "Allow");
        if (allows.length === 0) return false;
        return allows.every((s) => {
            const p = s.principal;
            if (!p || typeof p !== "object" || isUnknown(p)) return false;
            const keys = Object.keys(p as Record<string, unknown>);
            const services = toArray((p as Record<string, unknown>).Service);
            return keys.length === 1 && keys[0] === "Service" && services.length > 0 && services.every((x) => typeof x === "string" && SERVICE_OPERATED.includes(x));
        });
    }

    /** Does a group have a force-MFA deny among its policies? */
    enforcesMfa(group: EntityRef): boolean {
        return this.docsFor(group).some((d) => d.parsed.kind === "ok" && d.parsed.statements.some(isForceMfaDeny));
    }

    /** Does using this entity require MFA (trust policy for roles, force-MFA group for users/groups)? */
    useRequiresMfa(e: EntityRef): boolean {
        if (!e.res) return false;
        // A permission set is used through an IAM Identity Center sign-in, whose MFA is the
        // instance's setting: no resource of the stack can show it (a documented limit).
        if (e.kind === "permission-set") return true;
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
