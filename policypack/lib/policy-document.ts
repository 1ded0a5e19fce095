// Parsing and normalisation of IAM / Organizations policy documents.
//
// Documents reach the pack as JSON strings (pulumi.jsonStringify, getPolicyDocument().json) or,
// for inputs typed as objects, as plain objects. Either may be unknown at preview, wholly or in
// parts (a Resource built from another resource's ARN).

import { containsUnknown, deepFreeze, isUnknown, UNKNOWN } from "./unknown";

export interface Statement {
    index: number;
    sid?: string;
    effect: string | undefined;
    action?: (string | typeof UNKNOWN)[];
    notAction?: (string | typeof UNKNOWN)[];
    resource?: (string | typeof UNKNOWN)[];
    notResource?: (string | typeof UNKNOWN)[];
    principal?: unknown;
    notPrincipal?: unknown;
    /** operator -> key -> values */
    condition?: Record<string, Record<string, unknown[]>>;
    /** True when some part of the statement is unknown at preview. */
    hasUnknown: boolean;
    /** True when the Condition (or one operator's block) is unknown at preview. */
    conditionUnknown?: boolean;
    raw: Record<string, unknown>;
}

export type ParsedDocument =
    | { kind: "ok"; doc: Record<string, unknown>; statements: Statement[]; minifiedSize: number; hasUnknown: boolean }
    | { kind: "unknown" }
    | { kind: "absent" }
    | { kind: "invalid"; error: string };

/** Normalises a single-or-array field to an array (IAM allows both). */
export function toArray<T = unknown>(v: unknown): T[] {
    if (v === undefined || v === null) return [];
    return (Array.isArray(v) ? v : [v]) as T[];
}

function strList(v: unknown): (string | typeof UNKNOWN)[] | undefined {
    if (v === undefined) return undefined;
    if (isUnknown(v)) return [UNKNOWN];
    return toArray(v).map((e) => (typeof e === "string" ? e : isUnknown(e) ? UNKNOWN : String(e)));
}

/** Size of a document as AWS counts it: JSON with the whitespace outside strings removed. */
export function minifiedLength(doc: unknown): number {
    return JSON.stringify(doc, (_k, v) => (isUnknown(v) ? "" : v)).length;
}

// The same document text is parsed by many policies, and an SCP once per account it governs:
// results are cached by text (the text is the whole input, so a hit is never stale) and frozen,
// as every caller shares them. Bounded: the cache starts over when it is full.
const parsedByText = new Map<string, ParsedDocument>();
const MAX_PARSED = 10_000;

/** Parses a policy document (JSON text or object). The result is shared: do not modify it. */
export function parseDocument(value: unknown): ParsedDocument {
    if (typeof value !== "string" || value === "") return parse(value);
    let parsed = parsedByText.get(value);
    if (!parsed) {
        if (parsedByText.size >= MAX_PARSED) parsedByText.clear();
        parsedByText.set(value, (parsed = deepFreeze(parse(value))));
    }
    return parsed;
}

function parse(value: unknown): ParsedDocument {
    if (value === undefined || value === null || value === "") return { kind: "absent" };
    if (isUnknown(value)) return { kind: "unknown" };
    let doc: unknown = value;
    if (typeof value === "string") {
        try {
            doc = JSON.parse(value);
        } catch (e) {
            return { kind: "invalid", error: `not valid JSON (${(e as Error).message})` };
        }
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
        return { kind: "invalid", error: "the document must be a JSON object" };
    }
    const d = doc as Record<string, unknown>;
    // JSON text never holds UNKNOWN; an object document may. Without any, no statement has one.
    const hasUnknown = containsUnknown(d);
    const statements: Statement[] = [];
    const stmts = isUnknown(d.Statement) ? [UNKNOWN] : toArray(d.Statement);
    stmts.forEach((s, index) => {
        if (isUnknown(s)) {
            statements.push({ index, effect: undefined, hasUnknown: true, raw: {} });
            return;
        }
        if (s === null || typeof s !== "object" || Array.isArray(s)) {
            statements.push({ index, effect: undefined, hasUnknown: false, raw: { invalid: s } });
            return;
        }
        const st = s as Record<string, unknown>;
        const condition: Record<string, Record<string, unknown[]>> = {};
        let condUnknown = false;
        if (isUnknown(st.Condition)) condUnknown = true;
        else if (st.Condition && typeof st.Condition === "object") {
            for (const [op, kv] of Object.entries(st.Condition as Record<string, unknown>)) {
                if (isUnknown(kv)) {
                    condUnknown = true;
                    continue;
                }
                condition[op] = {};
                if (kv && typeof kv === "object") {
                    for (const [k, v] of Object.entries(kv as Record<string, unknown>)) condition[op][k] = toArray(v);
                }
            }
        }
        statements.push({
            index,
            sid: typeof st.Sid === "string" ? st.Sid : undefined,
            effect: typeof st.Effect === "string" ? st.Effect : undefined,
            action: strList(st.Action),
            notAction: strList(st.NotAction),
            resource: strList(st.Resource),
            notResource: strList(st.NotResource),
            principal: st.Principal,
            notPrincipal: st.NotPrincipal,
            condition: st.Condition === undefined ? undefined : condition,
            conditionUnknown: condUnknown,
            hasUnknown: condUnknown || (hasUnknown && containsUnknown(st)),
            raw: st,
        });
    });
    // Without unknowns, minifiedLength's replacer changes nothing: plain JSON.stringify is the same and faster.
    return { kind: "ok", doc: d, statements, minifiedSize: hasUnknown ? minifiedLength(d) : JSON.stringify(d).length, hasUnknown };
}

/** Statement label for messages: its position (from 1) and its Sid when it has one. */
export function stmtLabel(s: Statement): string {
    return s.sid ? `statement #${s.index + 1} (Sid "${s.sid}")` : `statement #${s.index + 1}`;
}

// Patterns recur (every account's SCPs, every policy's actions): compile each once. Bounded like parsedByText.
const wildcardRegexes = new Map<string, RegExp>();
const MAX_REGEXES = 10_000;

function wildcardRegex(pattern: string): RegExp {
    let re = wildcardRegexes.get(pattern);
    if (!re) {
        const esc = pattern
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".");
        if (wildcardRegexes.size >= MAX_REGEXES) wildcardRegexes.clear();
        wildcardRegexes.set(pattern, (re = new RegExp(`^${esc}$`, "i")));
    }
    return re;
}

/** Does an IAM action pattern (with * and ?) match the action? Case-insensitive, as IAM is. */
export function actionMatches(pattern: string, action: string): boolean {
    if (pattern === "*") return true;
    return wildcardRegex(pattern).test(action);
}

/**
 * The actions (of `candidates`) that a statement's Action list names, or that its NotAction list
 * leaves out (an Allow with NotAction grants everything it does not list).
 */
export function grantedAmong(stmt: Statement, candidates: string[]): string[] {
    if (stmt.notAction !== undefined) {
        const excluded = stmt.notAction.filter((a): a is string => typeof a === "string");
        return candidates.filter((c) => !excluded.some((p) => actionMatches(p, c)));
    }
    const acts = (stmt.action ?? []).filter((a): a is string => typeof a === "string");
    return candidates.filter((c) => acts.some((p) => actionMatches(p, c)));
}

/** Does the statement's action list contain a value unknown at preview? */
export function hasUnknownAction(s: Statement): boolean {
    return [...(s.action ?? []), ...(s.notAction ?? [])].some((a) => typeof a !== "string");
}

export function isAllow(s: Statement): boolean {
    return s.effect === "Allow";
}

/** An ARN (or "*") that covers every resource, or every resource of a type (role/*, function:*). */
export function isUnrestrictedArn(r: string): boolean {
    if (r === "*") return true;
    const parts = r.split(":");
    if (parts.length < 6 || parts[0] !== "arn") return false;
    const resource = parts.slice(5).join(":");
    return resource === "*" || /^[a-z0-9-]+[/:]\*$/i.test(resource);
}

/** Allow of every action ("*" or "*:*") on every resource. */
export function isFullAdmin(s: Statement): boolean {
    return isAllow(s) && (s.action ?? []).some((a) => a === "*" || a === "*:*") && isUnrestrictedResource(s);
}

/** Resource covers everything (or every resource of a type); NotResource counts as unrestricted. */
export function isUnrestrictedResource(s: Statement): boolean {
    if (s.notResource !== undefined) return true;
    return (s.resource ?? []).some((r) => typeof r === "string" && isUnrestrictedArn(r));
}

/** Condition keys used anywhere in the statement (as written). */
export function conditionKeys(s: Statement): string[] {
    const out: string[] = [];
    for (const kv of Object.values(s.condition ?? {})) out.push(...Object.keys(kv));
    return out;
}

export function hasConditionKey(s: Statement, pred: (key: string) => boolean): boolean {
    return conditionKeys(s).some(pred);
}

/** Values of a condition key under a given operator family (e.g. "Bool"), case-insensitive key. */
export function conditionValues(s: Statement, operator: RegExp, key: string): unknown[] {
    const out: unknown[] = [];
    for (const [op, kv] of Object.entries(s.condition ?? {})) {
        if (!operator.test(op)) continue;
        for (const [k, v] of Object.entries(kv)) if (k.toLowerCase() === key.toLowerCase()) out.push(...v);
    }
    return out;
}

/** Statement requires MFA: Bool/BoolIfExists aws:MultiFactorAuthPresent true (or NumericLessThan aws:MultiFactorAuthAge). */
export function requiresMfa(s: Statement): boolean {
    const present = conditionValues(s, /^Bool$/i, "aws:MultiFactorAuthPresent").some((v) => String(v).toLowerCase() === "true");
    const age = conditionValues(s, /^NumericLessThan(Equals)?$/i, "aws:MultiFactorAuthAge").length > 0;
    return present || age;
}

/** The force-MFA pattern: Deny of (Not)Action when aws:MultiFactorAuthPresent is false (BoolIfExists). */
export function isForceMfaDeny(s: Statement): boolean {
    if (s.effect !== "Deny") return false;
    const falseValues = conditionValues(s, /^BoolIfExists$/i, "aws:MultiFactorAuthPresent").some((v) => String(v).toLowerCase() === "false");
    if (!falseValues) return false;
    if (s.notAction !== undefined) return true;
    return (s.action ?? []).includes("*");
}
