// What a statement's Condition does to a grant: whether it can ever be true, and whether it
// really bounds an escalation (a permissions boundary, a policy ARN or a resource tag that is
// specific) or only looks like it does (`iam:PolicyARN` like `arn:aws:iam::aws:policy/*`,
// `aws:ResourceTag/team` like `*`, a negated operator).

import { actionMatches, Statement } from "./policy-document";
import { isUnknown } from "./unknown";

interface Block {
    op: string;
    base: string;
    ifExists: boolean;
    set: boolean;
    negated: boolean;
    /** The key in lower case (keys are case-insensitive); rawKey as written. */
    key: string;
    rawKey: string;
    values: unknown[];
}

/** The Condition as (operator, key, values) triples, the operator split into its parts. */
export function conditionBlocks(s: Statement): Block[] {
    const out: Block[] = [];
    for (const [op, kv] of Object.entries(s.condition ?? {})) {
        const set = /^(ForAllValues|ForAnyValue):/i.test(op);
        let base = op.replace(/^(ForAllValues|ForAnyValue):/i, "");
        const ifExists = /IfExists$/i.test(base);
        if (ifExists) base = base.slice(0, -"IfExists".length);
        const negated = /Not/.test(base) && base !== "Null";
        for (const [key, values] of Object.entries(kv)) out.push({ op, base, ifExists, set, negated, key: key.toLowerCase(), rawKey: key, values });
    }
    return out;
}

/** A plain positive operator that requires the key (not IfExists, not a set operator, not negated, not Null). */
function positive(b: Block): boolean {
    return !b.ifExists && !b.set && !b.negated && /^(String(Equals|Like)(IgnoreCase)?|Arn(Equals|Like))$/i.test(b.base);
}

function timeOf(v: unknown, key: string): number | undefined {
    if (typeof v !== "string" && typeof v !== "number") return undefined;
    if (key === "aws:epochtime") return Number(v) * 1000;
    const t = Date.parse(String(v));
    return Number.isNaN(t) ? undefined : t;
}

/**
 * Why the statement's Condition can never be true (so the statement grants or denies nothing),
 * or undefined. Recognised: a time limit on aws:CurrentTime/aws:EpochTime that has passed; one
 * key required to equal values it is also required not to equal; a key required absent (Null
 * true) and present (a positive operator without IfExists); numeric bounds that exclude each other.
 */
export function neverTrueReason(s: Statement, now = Date.now()): string | undefined {
    if (s.conditionUnknown) return undefined;
    const blocks = conditionBlocks(s);
    for (const b of blocks) {
        if ((b.key === "aws:currenttime" || b.key === "aws:epochtime") && /^DateLessThan(Equals)?$/i.test(b.base) && !b.set && b.values.length > 0) {
            const times = b.values.map((v) => timeOf(v, b.key));
            if (times.every((t) => t !== undefined && t < now)) return `${b.op} ${b.key === "aws:epochtime" ? "aws:EpochTime" : "aws:CurrentTime"} ${b.values.join(", ")} is in the past`;
        }
    }
    const byKey = new Map<string, Block[]>();
    for (const b of blocks) byKey.set(b.key, [...(byKey.get(b.key) ?? []), b]);
    for (const [key, bs] of byKey) {
        const plainStrings = (b: Block) => b.values.every((v) => typeof v === "string" && !/[*?$]/.test(v));
        for (const eq of bs.filter((b) => /^StringEquals$/.test(b.base) && positive(b) && plainStrings(b))) {
            for (const ne of bs.filter((b) => /^StringNotEquals$/.test(b.base) && !b.set && plainStrings(b))) {
                if (eq.values.every((v) => ne.values.includes(v))) return `${key} must equal ${eq.values.join(", ")} (${eq.op}) and must not (${ne.op})`;
            }
        }
        const nullTrue = bs.find((b) => b.base === "Null" && b.values.length > 0 && b.values.every((v) => String(v).toLowerCase() === "true"));
        const present = bs.find((b) => b.base !== "Null" && !b.ifExists && !b.negated && !b.set);
        if (nullTrue && present) return `${key} must be absent (Null true) and present (${present.op})`;
        let low = -Infinity,
            high = Infinity;
        for (const b of bs) {
            if (b.ifExists || b.set || b.values.length !== 1 || (typeof b.values[0] !== "string" && typeof b.values[0] !== "number")) continue;
            const n = Number(b.values[0]);
            if (Number.isNaN(n)) continue;
            if (/^NumericLessThan$/.test(b.base)) high = Math.min(high, n - 1e-9);
            if (/^NumericLessThanEquals$/.test(b.base)) high = Math.min(high, n);
            if (/^NumericGreaterThan$/.test(b.base)) low = Math.max(low, n + 1e-9);
            if (/^NumericGreaterThanEquals$/.test(b.base)) low = Math.max(low, n);
        }
        if (low > high) return `the numeric bounds on ${key} exclude each other`;
    }
    return undefined;
}

/** Does this statement take effect in some request (its Condition is not impossible)? */
export function canApply(s: Statement, now?: number): boolean {
    return neverTrueReason(s, now) === undefined;
}

/** A value that matches (nearly) everything: "*", or a pattern with nothing specific after its type. */
function unbounded(v: unknown, dangerous: string[]): boolean {
    if (isUnknown(v)) return false; // an output of a resource: one specific ARN
    if (typeof v !== "string") return true;
    if (/^[*?]*$/.test(v)) return true;
    if (/:policy\/[*?]*$/.test(v)) return true; // every policy (of an account, or of AWS)
    return dangerous.some((arn) => actionMatches(v, arn));
}

/**
 * AWS managed policies that grant full admin or IAM write: an iam:PolicyARN or
 * iam:PermissionsBoundary condition that admits one of them does not bound anything.
 */
export const POWERFUL_AWS_POLICIES = ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/IAMFullAccess", "arn:aws:iam::aws:policy/PowerUserAccess"];

/**
 * The condition that bounds an escalation grant, described, or undefined when none does:
 * a positive (not IfExists, not negated) condition on iam:PermissionsBoundary or iam:PolicyARN
 * whose values are specific and admit no powerful AWS managed policy, or on aws:ResourceTag/<key>
 * with specific values (the grant stays within resources already tagged for the holder).
 */
export function boundedBy(s: Statement): string | undefined {
    for (const b of conditionBlocks(s)) {
        if (!positive(b) || b.values.length === 0) continue;
        if (b.key === "iam:permissionsboundary" || b.key === "iam:policyarn") {
            if (!b.values.some((v) => unbounded(v, POWERFUL_AWS_POLICIES))) return `${b.op} ${b.key === "iam:policyarn" ? "iam:PolicyARN" : "iam:PermissionsBoundary"}`;
        } else if (b.key.startsWith("aws:resourcetag/")) {
            if (!b.values.some((v) => unbounded(v, []))) return `${b.op} ${b.key}`;
        }
    }
    return undefined;
}
