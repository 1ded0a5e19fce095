// A plain view of the stack for stack policies, and resolution of references between resources.
//
// At preview the IDs and ARNs of resources that do not exist yet are unknown, so a reference such
// as `parentId: ou.id` arrives as an unknown value. The engine also sends, per property, the URNs
// of the resources whose outputs fed it (propertyDependencies); references are resolved through
// those first, then by matching known ID/ARN/name strings (adopted or imported resources).

import { PolicyResource } from "@pulumi/policy";
import { isUnknown, matchesPlainProps, plainProps, UNKNOWN } from "./unknown";

export interface Res {
    urn: string;
    type: string;
    /** Logical (Pulumi) name. */
    name: string;
    props: Record<string, unknown>;
    protect: boolean;
    propertyDependencies: Record<string, string[]>;
    /** URN of the resource's provider: resources of one provider live in one AWS account. */
    provider?: string;
    /** The AWS account(s) the provider is pinned to, when its configuration says (see providerAccounts). */
    accounts?: readonly string[];
}

/**
 * The accounts an AWS provider works in, as far as its configuration tells: allowedAccountIds,
 * or the account of the role it assumes. Empty when it does not say (the caller's credentials decide).
 */
export function providerAccounts(props: Record<string, unknown> | undefined): string[] {
    if (!props) return [];
    const out = new Set<string>();
    const allowed = props.allowedAccountIds;
    for (const a of Array.isArray(allowed) ? allowed : []) if (typeof a === "string" && /^\d{12}$/.test(a)) out.add(a);
    const roles = [props.assumeRole, ...(Array.isArray(props.assumeRoles) ? props.assumeRoles : [])];
    for (const r of roles) {
        const arn = r && typeof r === "object" ? (r as Record<string, unknown>).roleArn : undefined;
        const m = typeof arn === "string" ? /^arn:[^:]+:iam::(\d{12}):role\//.exec(arn) : null;
        if (m) out.add(m[1]);
    }
    return [...out];
}

/** Plain, frozen copies of the resources (views may be shared between policies: see stackViewOf). */
export function fromPolicyResources(resources: PolicyResource[]): Res[] {
    return resources.map((r) => {
        const deps: Record<string, string[]> = {};
        for (const [k, v] of Object.entries(r.propertyDependencies ?? {})) deps[k] = Object.freeze((v ?? []).map((d) => d.urn)) as string[];
        const accounts = Object.freeze(providerAccounts(r.provider ? plainProps(r.provider.props) : undefined));
        return Object.freeze({
            urn: r.urn,
            type: r.type,
            name: r.name,
            props: plainProps(r.props),
            protect: !!r.opts?.protect,
            propertyDependencies: Object.freeze(deps),
            provider: r.provider?.urn,
            accounts,
        });
    });
}

/**
 * The view most recently built by stackViewOf. The policy server hands every stack policy its own
 * freshly deserialized copy of the same resources, so object identity cannot tell that two
 * policies see the same stack; the content can. The view, and what the policies derive from it
 * (iamGraphOf, orgTreeOf), is reused only while every resource is the same, so it never outlives
 * the stack it describes (tests run many stacks in one pack process).
 */
let lastView: StackView | undefined;

/** The stack a stack policy is handed, as plain data with indexed lookups. */
export function stackViewOf(resources: PolicyResource[]): StackView {
    if (lastView && describes(lastView, resources)) return lastView;
    lastView = new StackView(fromPolicyResources(resources));
    return lastView;
}

/** Is `view` exactly what fromPolicyResources(resources) would build (same resources, same order)? */
function describes(view: StackView, resources: PolicyResource[]): boolean {
    if (view.resources.length !== resources.length) return false;
    for (let i = 0; i < resources.length; i++) {
        const r = resources[i];
        const mine = view.resources[i];
        if (r.urn !== mine.urn || r.type !== mine.type || r.name !== mine.name || !!r.opts?.protect !== mine.protect || r.provider?.urn !== mine.provider) return false;
        if (!sameDependencies(r.propertyDependencies ?? {}, mine.propertyDependencies)) return false;
    }
    // Properties last: the walk over them is the costly part, and a different stack usually
    // differs in its URNs already.
    for (let i = 0; i < resources.length; i++) if (!matchesPlainProps(resources[i].props, view.resources[i].props)) return false;
    // The accounts a provider is pinned to come from its properties (same URN, other config in another stack).
    for (let i = 0; i < resources.length; i++) {
        const p = resources[i].provider;
        if (p && providerAccounts(plainProps(p.props)).join() !== (view.resources[i].accounts ?? []).join()) return false;
    }
    return true;
}

function sameDependencies(deps: Record<string, PolicyResource[] | undefined>, mine: Record<string, string[]>): boolean {
    const keys = Object.keys(deps);
    const mineKeys = Object.keys(mine);
    if (keys.length !== mineKeys.length) return false;
    for (let k = 0; k < keys.length; k++) {
        if (keys[k] !== mineKeys[k]) return false;
        const list = deps[keys[k]] ?? [];
        const urns = mine[keys[k]];
        if (list.length !== urns.length) return false;
        for (let j = 0; j < list.length; j++) if (list[j].urn !== urns[j]) return false;
    }
    return true;
}

export class StackView {
    readonly byUrn = new Map<string, Res>();
    private readonly byType = new Map<string, Res[]>();
    /** Position of each resource in the stack, to return several matches in stack order. */
    private readonly position = new Map<Res, number>();
    /** type -> field -> known string value -> resources: built on first use, for O(1) lookups. */
    private readonly byValue = new Map<string, Map<string, Map<string, Res[]>>>();
    constructor(readonly resources: Res[]) {
        resources.forEach((r, i) => {
            this.byUrn.set(r.urn, r);
            if (!this.position.has(r)) this.position.set(r, i);
            const list = this.byType.get(r.type);
            if (list) list.push(r);
            else this.byType.set(r.type, [r]);
        });
    }
    ofType(type: string): Res[] {
        return this.byType.get(type) ?? [];
    }
    /** Resources of one of `types` whose `field` (any of `fields`) equals `value`, in stack order. */
    withValue(types: string[], fields: string[], value: string): Res[] {
        const hits = new Set<Res>();
        for (const type of types) {
            for (const field of fields) for (const r of this.index(type, field).get(value) ?? []) hits.add(r);
        }
        if (hits.size <= 1) return [...hits];
        // Sorting the few matches by position, rather than filtering the whole stack: a name shared
        // by a role in every account of an environment would otherwise cost a scan per reference.
        return [...hits].sort((a, b) => this.position.get(a)! - this.position.get(b)!);
    }
    private index(type: string, field: string): Map<string, Res[]> {
        let byField = this.byValue.get(type);
        if (!byField) this.byValue.set(type, (byField = new Map()));
        let idx = byField.get(field);
        if (!idx) {
            idx = new Map();
            for (const r of this.ofType(type)) {
                const v = r.props[field];
                if (typeof v !== "string") continue;
                const list = idx.get(v);
                if (list) list.push(r);
                else idx.set(v, [r]);
            }
            byField.set(field, idx);
        }
        return idx;
    }
}

export type Ref =
    | { kind: "resources"; targets: Res[] }
    /** A known value that matches no resource of the stack (something managed elsewhere). */
    | { kind: "external"; value: string }
    | { kind: "unknown" }
    | { kind: "absent" };

/**
 * Resolves a reference property of `res` (e.g. "role", "parentId") to stack resources of the
 * given types: through propertyDependencies, else by matching a known string against `fields`
 * of the candidates. `value` overrides the property value (for list elements).
 */
export function resolveRef(view: StackView, res: Res, prop: string, types: string[], fields: string[], value: unknown = res.props[prop], listElement = false): Ref {
    const depUrns = res.propertyDependencies[prop] ?? [];
    const viaDeps = depUrns.map((u) => view.byUrn.get(u)).filter((r): r is Res => !!r && types.includes(r.type));
    if (typeof value === "string") {
        const matches = view.withValue(types, fields, value);
        if (matches.length > 0) return { kind: "resources", targets: narrow(matches, viaDeps, res) };
        // A known value that matches nothing: the single resource feeding the property is the
        // referent (its own name/ARN output may be unknown). Not for list elements, whose
        // dependencies are those of the whole list, nor for AWS managed policy ARNs.
        if (viaDeps.length === 1 && !listElement && !value.startsWith("arn:aws:iam::aws:")) return { kind: "resources", targets: viaDeps };
        return { kind: "external", value };
    }
    if (value === undefined || value === null) return viaDeps.length > 0 ? { kind: "resources", targets: viaDeps } : { kind: "absent" };
    // Unknown (or a list with unknowns): only the dependencies can tell. With exactly one candidate
    // the reference is unambiguous; with several, keep them all (callers treat them as a set).
    if (viaDeps.length > 0) return { kind: "resources", targets: viaDeps };
    return { kind: "unknown" };
}

/**
 * Several resources carry the value (IAM names are unique per account, and a landing zone
 * creates the same role in every account of an environment): the referent is the one the
 * property's dependencies name, else the one in the referrer's account (same provider). When
 * neither tells, all of them, as before.
 */
function narrow(matches: Res[], viaDeps: Res[], res: Res): Res[] {
    if (matches.length <= 1) return matches;
    const fed = matches.filter((m) => viaDeps.includes(m));
    if (fed.length > 0) return fed;
    if (res.provider === undefined) return matches;
    const sameAccount = matches.filter((m) => m.provider === res.provider);
    return sameAccount.length > 0 ? sameAccount : matches;
}

/** For list properties (users, groups, roles of a PolicyAttachment): one Ref per element. */
export function resolveRefList(view: StackView, res: Res, prop: string, types: string[], fields: string[]): Ref[] {
    const v = res.props[prop];
    if (v === undefined || v === null) return [];
    if (isUnknown(v)) return [resolveRef(view, res, prop, types, fields, UNKNOWN)];
    if (!Array.isArray(v)) return [resolveRef(view, res, prop, types, fields, v)];
    if (v.some(isUnknown)) {
        // Element-level dependencies are not available; the known elements are matched by value
        // and the dependencies cover the unknown ones.
        const known = v.filter((e) => typeof e === "string").map((e) => resolveRef(view, res, prop, types, fields, e, true));
        return [...known, resolveRef(view, res, prop, types, fields, UNKNOWN)];
    }
    return v.map((e) => resolveRef(view, res, prop, types, fields, e, v.length > 1));
}

export function displayName(r: Res): string {
    const n = r.props.name;
    return typeof n === "string" ? `${n} (${r.name})` : r.name;
}
