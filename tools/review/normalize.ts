/**
 * Policy documents compared by meaning, not by text: statement order, single values versus
 * one-element arrays, repeated entries and whitespace do not count. IAM documents that
 * GetAccountAuthorizationDetails returns URL-encoded are decoded first.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** JSON with object keys sorted, so equal values print equally. */
export function canonical(value: unknown): string {
    return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === "object") {
        return Object.fromEntries(
            Object.keys(v as object)
                .sort()
                .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
        );
    }
    return v;
}

/** A document as text (plain or URL-encoded JSON) or already parsed; undefined when it is not JSON. */
export function parseDocument(doc: unknown): unknown {
    if (typeof doc !== "string") return doc;
    for (const text of [doc, safeDecode(doc)]) {
        if (text === undefined) continue;
        try {
            return JSON.parse(text);
        } catch {
            /* try the next form */
        }
    }
    return undefined;
}

function safeDecode(s: string): string | undefined {
    try {
        return decodeURIComponent(s);
    } catch {
        return undefined;
    }
}

const LIST_FIELDS = ["Action", "NotAction", "Resource", "NotResource"];

const asSortedList = (v: unknown): unknown => {
    const list = Array.isArray(v) ? v : [v];
    return [...new Set(list.map((x) => (typeof x === "string" ? x : canonical(x))))].sort();
};

/** One IAM/SCP statement in normal form. */
export function normalizeStatement(s: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s)) {
        if (LIST_FIELDS.includes(k)) out[k] = asSortedList(v);
        else if (k === "Principal" || k === "NotPrincipal") {
            out[k] = typeof v === "string" ? v : Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([pk, pv]) => [pk, asSortedList(pv)]));
        } else if (k === "Condition") {
            out[k] = Object.fromEntries(
                Object.entries(v as Record<string, Record<string, unknown>>).map(([op, kv]) => [
                    op,
                    Object.fromEntries(Object.entries(kv).map(([ck, cv]) => [ck, asSortedList(typeof cv === "string" ? cv : Array.isArray(cv) ? cv.map(String) : String(cv))])),
                ]),
            );
        } else out[k] = v;
    }
    return sortKeys(out) as Record<string, unknown>;
}

export interface NormalizedPolicy {
    version?: string;
    statements: Record<string, unknown>[];
}

export function normalizePolicy(doc: unknown): NormalizedPolicy | undefined {
    const d = parseDocument(doc);
    if (!d || typeof d !== "object" || Array.isArray(d)) return undefined;
    const raw = (d as { Statement?: unknown }).Statement;
    const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    const statements = list.map((s) => normalizeStatement(s as Record<string, unknown>)).sort((a, b) => canonical(a).localeCompare(canonical(b)));
    return { version: (d as { Version?: string }).Version, statements };
}

/**
 * The differences between a declared and a live IAM-grammar document (SCP, RCP, identity or
 * trust policy), statement by statement; empty when they mean the same.
 * Lines: `- <statement>` only declared, `+ <statement>` only live, `~ Sid X: <field> ...` changed.
 */
export function statementDiff(declared: unknown, live: unknown): string[] {
    const d = normalizePolicy(declared);
    const l = normalizePolicy(live);
    if (!l) return [`+ live document is not valid JSON: ${String(live).slice(0, 200)}`];
    if (!d) return [`- declared document is not valid JSON`];
    const out: string[] = [];
    if ((d.version ?? "") !== (l.version ?? "")) out.push(`~ Version: declared ${d.version ?? "(none)"}, live ${l.version ?? "(none)"}`);
    const bySid = (xs: Record<string, unknown>[]) => new Map(xs.filter((s) => typeof s.Sid === "string").map((s) => [s.Sid as string, s]));
    const dSid = bySid(d.statements);
    const lSid = bySid(l.statements);
    const dRest = new Set(d.statements.map((s) => canonical(s)));
    const lRest = new Set(l.statements.map((s) => canonical(s)));
    for (const [sid, ds] of dSid) {
        const ls = lSid.get(sid);
        if (!ls) continue;
        dRest.delete(canonical(ds));
        lRest.delete(canonical(ls));
        if (canonical(ds) === canonical(ls)) continue;
        for (const field of [...new Set([...Object.keys(ds), ...Object.keys(ls)])].sort()) {
            const a = ds[field] === undefined ? "(none)" : canonical(ds[field]);
            const b = ls[field] === undefined ? "(none)" : canonical(ls[field]);
            if (a !== b) out.push(`~ Sid ${sid}: ${field}: declared ${a}, live ${b}`);
        }
    }
    for (const s of [...dRest].filter((x) => !lRest.has(x))) out.push(`- ${s}`);
    for (const s of [...lRest].filter((x) => !dRest.has(x))) out.push(`+ ${s}`);
    return out;
}

/** Leaves of a JSON value by path, arrays as sorted sets (tag policies: `@@assign` lists). */
function leaves(v: unknown, path = "", out = new Map<string, string>()): Map<string, string> {
    if (Array.isArray(v)) out.set(path, canonical([...v.map((x) => canonical(x))].sort()));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) leaves(x, path ? `${path}.${k}` : k, out);
    else out.set(path, canonical(v));
    return out;
}

/** Differences between a declared and a live document of another grammar (tag policies). */
export function jsonDiff(declared: unknown, live: unknown): string[] {
    const d = parseDocument(declared);
    const l = parseDocument(live);
    if (l === undefined) return [`+ live document is not valid JSON: ${String(live).slice(0, 200)}`];
    const a = leaves(d);
    const b = leaves(l);
    const out: string[] = [];
    for (const k of [...new Set([...a.keys(), ...b.keys()])].sort()) {
        if (a.get(k) !== b.get(k)) out.push(`~ ${k}: declared ${a.get(k) ?? "(none)"}, live ${b.get(k) ?? "(none)"}`);
    }
    return out;
}

/** True when a statement allows every action (`*`) on every resource: admin-equivalent. */
export function grantsEverything(doc: unknown): boolean {
    const p = normalizePolicy(doc);
    return !!p?.statements.some(
        (s) => s.Effect === "Allow" && !s.Condition && ((s.Action as string[] | undefined) ?? []).some((a) => a === "*" || a === "iam:*") && ((s.Resource as string[] | undefined) ?? []).includes("*"),
    );
}

export type { Json };
