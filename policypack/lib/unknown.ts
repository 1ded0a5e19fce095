// Values that are not known at preview.
//
// @pulumi/policy hands policies a proxy over the resource properties that throws an
// UnknownValueError when an unknown value is read; the server then reports the policy as
// "can't run during preview" with enforcement level ADVISORY, whatever the policy's level. A
// mandatory guardrail must not quietly become advisory, so every policy first converts the
// properties to plain data with UNKNOWN markers (toPlain) and reports, at its own level, what it
// could not check.

import { UNKNOWN_SENTINELS } from "./wire";

/** Marker for a value that is unknown at preview. */
export const UNKNOWN: unique symbol = Symbol("unknown at preview");
export type Unknown = typeof UNKNOWN;

/** Sentinels the engine uses for unknown values (policypack/lib/wire.ts). */
const SENTINELS = new Set(UNKNOWN_SENTINELS);

export function isUnknown(v: unknown): v is Unknown {
    return v === UNKNOWN;
}

function isUnknownValueError(e: unknown): boolean {
    // UnknownValueError is internal to @pulumi/policy; recognise it by shape.
    return e instanceof Error && (e.constructor?.name === "UnknownValueError" || "unknownTypeSentinel" in e);
}

/**
 * Deep-copies resource properties (possibly an unknown-checking proxy) into plain data, replacing
 * unknown values with UNKNOWN. Works on plain objects too, so policies' pure parts can be tested
 * without the policy server.
 */
export function toPlain(value: unknown): unknown {
    return plain(unwrapProxy(value));
}

// @pulumi/policy's unknown-checking proxy hands out its target under this property (and throws,
// building an Error with a stack trace, for every unknown value read through it). Reading the
// target directly is the same data without a trap per property; unknowns are then the sentinel
// strings, mapped below.
const PROXY_FLAG = "__isSpecialProxy";
const PROXY_TARGET = "__getSpecialProxyTarget";

function unwrapProxy(value: unknown): unknown {
    if (value !== null && typeof value === "object") {
        try {
            const v = value as Record<string, unknown>;
            if (v[PROXY_FLAG] === true) return v[PROXY_TARGET];
        } catch (e) {
            if (!isUnknownValueError(e)) throw e;
        }
    }
    return value;
}

function plain(value: unknown): unknown {
    if (typeof value === "string") return SENTINELS.has(value) ? UNKNOWN : value;
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) {
        const n = value.length;
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) out.push(readField(value, i));
        return out;
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) out[k] = readField(value as Record<string, unknown>, k);
    return out;
}

function readField(obj: unknown, key: string | number): unknown {
    try {
        return plain((obj as Record<string | number, unknown>)[key]);
    } catch (e) {
        if (isUnknownValueError(e)) return UNKNOWN;
        throw e;
    }
}

// Every policy of a pack reads the same resource's properties; convert each object once. The
// result is frozen so that no policy can change what another one sees.
const plainCache = new WeakMap<object, Record<string, unknown>>();

const NO_PROPS: Record<string, unknown> = Object.freeze({});

/** Props as a plain record (shared and frozen: do not modify). */
export function plainProps(props: unknown): Record<string, unknown> {
    const raw = unwrapProxy(props);
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return NO_PROPS;
    const cached = plainCache.get(raw);
    if (cached) return cached;
    const p = deepFreeze(plain(raw) as Record<string, unknown>);
    plainCache.set(raw, p);
    return p;
}

/**
 * Would plainProps(props) give exactly `p` (same keys in the same order, same values, UNKNOWN
 * where props hold an unknown)? Compares in place, without building the plain copy, so that a
 * plain view built from one copy of the resources can be checked against another copy cheaply.
 */
export function matchesPlainProps(props: unknown, p: Record<string, unknown>): boolean {
    const raw = unwrapProxy(props);
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return Object.keys(p).length === 0;
    try {
        return samePlain(raw, p);
    } catch (e) {
        // Only props that are not the proxy's plain target (tests) can throw, from a proxy nested
        // inside. Answering "different" is always safe: the caller then converts them afresh.
        if (isUnknownValueError(e)) return false;
        throw e;
    }
}

/** samePlain(value, p) is plain(value) deep-equals p, key order included. Mirrors plain(). */
function samePlain(value: unknown, p: unknown): boolean {
    if (typeof value === "string") return p === value ? !SENTINELS.has(value) : p === UNKNOWN && SENTINELS.has(value);
    if (value === null || typeof value !== "object") return Object.is(value, p);
    if (p === null || typeof p !== "object") return false;
    if (Array.isArray(value)) {
        if (!Array.isArray(p) || p.length !== value.length) return false;
        for (let i = 0; i < value.length; i++) if (!samePlain(value[i], p[i])) return false;
        return true;
    }
    if (Array.isArray(p)) return false;
    const keys = Object.keys(value);
    // for...in over the plain copy (an own-keys-only literal) visits Object.keys order without allocating.
    let i = 0;
    for (const k in p) {
        if (k !== keys[i] || !samePlain((value as Record<string, unknown>)[k], (p as Record<string, unknown>)[k])) return false;
        i++;
    }
    return i === keys.length;
}

/** Freezes a value and everything inside it (for data shared between policies). */
export function deepFreeze<T>(v: T): T {
    if (v !== null && typeof v === "object" && !Object.isFrozen(v)) {
        Object.freeze(v);
        for (const x of Object.values(v as object)) deepFreeze(x);
    }
    return v;
}

/** True when the value or anything inside it is unknown. */
export function containsUnknown(v: unknown): boolean {
    if (v === UNKNOWN) return true;
    if (Array.isArray(v)) return v.some(containsUnknown);
    if (v !== null && typeof v === "object") return Object.values(v).some(containsUnknown);
    return false;
}

/** How many values inside `v` are unknown. */
export function countUnknown(v: unknown): number {
    if (v === UNKNOWN) return 1;
    if (Array.isArray(v)) return v.reduce((n: number, e) => n + countUnknown(e), 0);
    if (v !== null && typeof v === "object") return Object.values(v).reduce((n: number, e) => n + countUnknown(e), 0);
    return 0;
}

/**
 * Characters an unknown value stands for when a size is checked: an output of a resource (an ARN,
 * a name, an ID) of at most this length. ARNs of AWS resources stay well below it.
 */
export const UNKNOWN_VALUE_CHARS = 200;

export function asString(v: unknown): string | undefined {
    return typeof v === "string" ? v : undefined;
}

export function asStringArray(v: unknown): (string | Unknown)[] {
    if (v === undefined || v === null) return [];
    if (v === UNKNOWN) return [UNKNOWN];
    if (Array.isArray(v)) return v.filter((e) => typeof e === "string" || e === UNKNOWN) as (string | Unknown)[];
    return typeof v === "string" ? [v] : [];
}

/** Standard wording for something a policy could not check because it is unknown at preview. */
export function cannotCheck(what: string, why = "it is not known at preview"): string {
    return `Could not check ${what}: ${why}. Reported at the policy's own level rather than passed.`;
}

/** The fix for a document that is wholly unknown at preview. */
export const UNKNOWN_DOCUMENT_FIX =
    'Pass the document as an object (for example { Version: "2012-10-17", Statement: [...] }: the provider JSON-encodes it) ' +
    "with the resource outputs in place (Resource: bucket.arn), instead of pulumi.jsonStringify or apply over them: only those ARNs are then unknown at preview and the rest is checked.";

/** The fix for a single value that is unknown at preview. */
export const UNKNOWN_VALUE_FIX = "Make the value known at preview: a literal, a config value, or an output of a resource that already exists.";
