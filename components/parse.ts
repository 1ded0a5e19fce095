/**
 * Lenient parsing: a config is parsed key by key and entry by entry, so one bad entry never
 * hides the problems of the others. What parsed is kept; what did not is reported in the
 * project's wording and remembered (`Broken`), so that later stages neither trip over it nor
 * report follow-on errors about it ("unknown OU" for an OU whose own entry was malformed).
 *
 * Generic over the zod schema: objects are parsed property by property (a bad optional or
 * defaulted property falls back to its default and is marked broken; a bad required one
 * breaks the object), records and lists of objects entry by entry.
 */
import { z } from "zod";
import { nearest, problem, type Problem } from "./problems";

type Path = (string | number)[];
type Schema = z.ZodType;

/** What failed to parse, by key path below `landing-zone:`. */
export class Broken {
    private readonly paths = new Set<string>();

    add(path: Path): void {
        this.paths.add(path.join("."));
    }

    /** The value at `path`, or a key above it, failed to parse. */
    has(...path: Path): boolean {
        for (let i = 1; i <= path.length; i++) if (this.paths.has(path.slice(0, i).join("."))) return true;
        return false;
    }

    /**
     * A reference to entry `key` of a keyed section (accounts, organizationalUnits, teams,
     * environments) cannot be judged: the section, that entry, or an entry whose key could
     * not be read failed to parse.
     */
    hides(section: string, key: string): boolean {
        return this.has(section) || this.has(section, key) || this.has(section, "*");
    }

    /** The value at `path` or something inside it failed to parse (so "nothing refers to X" cannot be judged). */
    any(...path: Path): boolean {
        const prefix = `${path.join(".")}.`;
        return this.has(...path) || [...this.paths].some((p) => p.startsWith(prefix));
    }

    get size(): number {
        return this.paths.size;
    }
}

export interface LenientResult {
    /** The parsed object, with fallbacks for what broke; without the required keys that broke. */
    value: Record<string, unknown>;
    /** Required keys of the root that are missing or broke (the later stages cannot run without them). */
    missingRequired: string[];
    broken: Broken;
    problems: Problem[];
}

/** Parses the root object leniently (see the header). */
export function parseLeniently(root: z.ZodObject, raw: Record<string, unknown>): LenientResult {
    const ctx: Ctx = { root, broken: new Broken(), problems: [] };
    const missingRequired: string[] = [];
    const value = parseObject(root, raw, [], ctx, (key) => missingRequired.push(key)) ?? {};
    return { value, missingRequired, broken: ctx.broken, problems: ctx.problems };
}

interface Ctx {
    root: Schema;
    broken: Broken;
    problems: Problem[];
}

type Parsed = { ok: true; value: unknown } | { ok: false };

/**
 * Property by property. A property that does not parse is reported, marked broken and replaced
 * by what can stand in for it (see `standIn`); when nothing can, the object is broken: undefined
 * (the root instead reports the key through `onRequired` and goes on).
 */
function parseObject(schema: z.ZodObject, raw: Record<string, unknown>, path: Path, ctx: Ctx, onRequired?: (key: string) => void): Record<string, unknown> | undefined {
    const shape = schema.shape as Record<string, Schema>;
    for (const key of Object.keys(raw)) {
        if (!(key in shape)) ctx.problems.push(unknownKey([...path, key], raw[key], Object.keys(shape)));
    }
    const out: Record<string, unknown> = {};
    let whole = true;
    for (const [key, field] of Object.entries(shape)) {
        const r = parseField(field, raw[key], [...path, key], ctx);
        if (r.ok) {
            if (r.value !== undefined) out[key] = r.value;
            continue;
        }
        ctx.broken.add([...path, key]);
        const stand = standIn(field, raw[key]);
        if (stand.ok) {
            if (stand.value !== undefined) out[key] = stand.value;
        } else if (onRequired) {
            onRequired(key);
        } else {
            whole = false;
        }
    }
    return whole ? out : undefined;
}

/**
 * What stands in for a value that did not parse, so the rest of its entry can still be checked
 * (the value itself is marked broken, and no rule judges it again): the elements of a list that
 * did parse, text that broke a format rule as it is, or the key's default. Nothing for a required
 * value of the wrong type.
 */
function standIn(field: Schema, raw: unknown): Parsed {
    const inner = unwrap(field);
    if (raw !== undefined && inner instanceof z.ZodArray && Array.isArray(raw)) {
        const element = inner.element as Schema;
        return {
            ok: true,
            value: raw.flatMap((e) => {
                const r = element.safeParse(e);
                return r.success ? [r.data] : [];
            }),
        };
    }
    if (inner instanceof z.ZodString && typeof raw === "string") return { ok: true, value: raw };
    const fallback = field.safeParse(undefined);
    return fallback.success ? { ok: true, value: fallback.data } : { ok: false };
}

function parseField(schema: Schema, raw: unknown, path: Path, ctx: Ctx): Parsed {
    if (raw === undefined) return whole(schema, raw, path, ctx);
    const inner = unwrap(schema);
    if (inner instanceof z.ZodObject && isPlainObject(raw)) return objectEntry(inner, raw, path, ctx);
    if (inner instanceof z.ZodRecord && isPlainObject(raw)) return parseRecord(inner, raw, path, ctx);
    if (inner instanceof z.ZodArray && unwrap(inner.element as Schema) instanceof z.ZodObject && Array.isArray(raw)) {
        return parseEntries(schema, inner, raw, path, ctx);
    }
    return whole(schema, raw, path, ctx);
}

function objectEntry(schema: z.ZodObject, raw: Record<string, unknown>, path: Path, ctx: Ctx): Parsed {
    const value = parseObject(schema, raw, path, ctx);
    return value === undefined ? { ok: false } : { ok: true, value };
}

/** A record entry by entry: a bad key, or a value that cannot stand, drops that entry only. */
function parseRecord(schema: z.ZodRecord, raw: Record<string, unknown>, path: Path, ctx: Ctx): Parsed {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(raw)) {
        const k = (schema.keyType as unknown as Schema).safeParse(key, options());
        if (!k.success) {
            ctx.broken.add([...path, key]);
            ctx.problems.push(problem([...path, key], key, `is not a valid key: it ${k.error.issues.map((i: z.core.$ZodIssue) => i.message).join("; ")}`));
            continue;
        }
        const r = parseField(schema.valueType as Schema, v, [...path, key], ctx);
        if (r.ok) out[key] = r.value;
        else ctx.broken.add([...path, key]);
    }
    return { ok: true, value: out };
}

/** A list of objects element by element; a bad element is dropped and marked by its `name` if it has one. */
function parseEntries(schema: Schema, list: z.ZodArray, raw: unknown[], path: Path, ctx: Ctx): Parsed {
    const all = schema.safeParse(raw, options());
    if (all.success) return { ok: true, value: all.data };
    // The list's own rules (its length) and every element's problems, once.
    ctx.problems.push(...issuesToProblems(all.error.issues, path, raw, ctx.root));
    const kept: unknown[] = [];
    raw.forEach((element, i) => {
        const r = (list.element as Schema).safeParse(element, options());
        if (r.success) {
            kept.push(r.data);
            return;
        }
        ctx.broken.add([...path, i]);
        const name = isPlainObject(element) ? element.name : undefined;
        ctx.broken.add([...path, typeof name === "string" ? name : "*"]);
    });
    return { ok: true, value: kept };
}

function whole(schema: Schema, raw: unknown, path: Path, ctx: Ctx): Parsed {
    const r = schema.safeParse(raw, options());
    if (r.success) return { ok: true, value: r.data };
    ctx.problems.push(...issuesToProblems(r.error.issues, path, raw, ctx.root));
    return { ok: false };
}

function options() {
    return { reportInput: true, error: wording };
}

// ---------------------------------------------------------------------------------
// The project's wording for zod's issues.
// ---------------------------------------------------------------------------------

/**
 * Messages for the issues whose schema says nothing itself (zod's own would read "Invalid
 * input: expected record, received array"): what is allowed, and what came instead.
 */
function wording(iss: z.core.$ZodRawIssue): string | undefined {
    const form = iss.inst ? formOf(iss.inst as unknown as Schema) : "a valid value";
    switch (iss.code) {
        case "invalid_type":
            return iss.input === undefined ? `is required: ${form}` : `must be ${form} (got ${kindOf(iss.input)})`;
        case "invalid_union":
        case "invalid_value":
            return `must be ${form}`;
        case "too_small": {
            const what = iss.origin === "string" ? "character" : iss.origin === "array" || iss.origin === "set" ? "item" : undefined;
            return what ? `must have at least ${String(iss.minimum)} ${what}${iss.minimum === 1 ? "" : "s"}` : `must be at least ${String(iss.minimum)}`;
        }
        case "too_big": {
            const what = iss.origin === "string" ? "character" : iss.origin === "array" || iss.origin === "set" ? "item" : undefined;
            return what ? `must have at most ${String(iss.maximum)} ${what}${iss.maximum === 1 ? "" : "s"}` : `must be at most ${String(iss.maximum)}`;
        }
        case "invalid_format":
            return `must match ${"pattern" in iss && iss.pattern ? String(iss.pattern) : `the ${String(iss.format)} format`}`;
        case "unrecognized_keys":
            return "has keys that are not known";
        case "invalid_key":
            return "is not a valid key";
        case "invalid_element":
            return "has an invalid element";
        default:
            return undefined;
    }
}

/** The allowed form of a value, from its schema: "a list of text", "one of a, b", "a map of keys to ...". */
export function formOf(schema: Schema, depth = 0): string {
    const s = unwrap(schema);
    const def = (s as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
    switch (def.type) {
        case "string":
            return "text";
        case "number":
            return "a number";
        case "boolean":
            return "a boolean (true or false)";
        case "enum":
            return `one of ${Object.values(def.entries as Record<string, string>).join(", ")}`;
        case "literal":
            return (def.values as unknown[]).map((v) => `'${String(v)}'`).join(" or ");
        case "array":
            return depth > 1 ? "a list" : `a list of ${plural(formOf(def.element as Schema, depth + 1))}`;
        case "record":
            return depth > 1 ? "a map" : `a map of keys to ${plural(formOf(def.valueType as Schema, depth + 1))}`;
        case "object":
            return `an object with the keys ${Object.keys(def.shape as object).join(", ")}`;
        case "union":
            return [...new Set((def.options as Schema[]).map((o) => formOf(o, depth)))].join(" or ");
        case "pipe":
            return formOf(def.in as Schema, depth);
        default:
            return "a valid value";
    }
}

function plural(form: string): string {
    return form
        .replace(/^an? /, "")
        .replace(/^object with/, "objects with")
        .replace(/^list of/, "lists of")
        .replace(/^map of/, "maps of");
}

function kindOf(v: unknown): string {
    if (v === null) return "null";
    if (Array.isArray(v)) return "a list";
    if (typeof v === "object") return "a map";
    if (typeof v === "string") return "text";
    return `a ${typeof v}`;
}

/** Optional, default, prefault and nullable wrappers off. */
export function unwrap(schema: Schema): Schema {
    let s = schema;
    for (;;) {
        const def = (s as unknown as { _zod: { def: { type: string; innerType?: Schema } } })._zod.def;
        if ((def.type === "optional" || def.type === "default" || def.type === "prefault" || def.type === "nullable") && def.innerType) {
            s = def.innerType;
        } else return s;
    }
}

/** The schema at a key path below the root (for the valid keys of an unknown key's object). */
export function schemaAt(root: Schema, path: Path): Schema | undefined {
    let s: Schema | undefined = root;
    for (const p of path) {
        if (!s) return undefined;
        const u = unwrap(s);
        if (u instanceof z.ZodObject) s = (u.shape as Record<string, Schema>)[String(p)];
        else if (u instanceof z.ZodRecord) s = u.valueType as Schema;
        else if (u instanceof z.ZodArray) s = u.element as Schema;
        else return undefined;
    }
    return s;
}

function unknownKey(path: Path, value: unknown, valid: string[]): Problem {
    const key = String(path[path.length - 1]);
    const guess = nearest(key, valid);
    return problem(path, value, `is not a known key${guess ? ` (did you mean '${guess}'?)` : ""}; the keys allowed here are ${valid.join(", ")}`);
}

/** zod issues, located below `base`, in the project's wording (one problem per unknown key). */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[], base: Path, raw: unknown, root: Schema): Problem[] {
    return issues.flatMap((issue): Problem[] => {
        const path = [...base, ...(issue.path as (string | number)[])];
        if (issue.code === "unrecognized_keys") {
            const object = schemaAt(root, path);
            const valid = object && unwrap(object) instanceof z.ZodObject ? Object.keys((unwrap(object) as z.ZodObject).shape) : [];
            return issue.keys.map((k) => unknownKey([...path, k], valueAt(raw, [...(issue.path as (string | number)[]), k]), valid));
        }
        if (issue.code === "invalid_key") {
            return [problem(path, path[path.length - 1], `is not a valid key: it ${issue.issues.map((i) => i.message).join("; ")}`)];
        }
        const value = "input" in issue ? issue.input : valueAt(raw, issue.path as (string | number)[]);
        return [problem(path, value, issue.message)];
    });
}

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
    let cur: unknown = raw;
    for (const p of path) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<PropertyKey, unknown>)[p];
    }
    return cur;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}
