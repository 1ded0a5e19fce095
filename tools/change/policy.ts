// IAM policy documents for a change review: parse and normalize a document, match statements by
// Sid, and decide whether a statement lets more requests through than before. Pure: no I/O.
//
// "Wider" is decided by containment. A statement S covers a statement T when every request T
// applies to, S applies to too: T's actions, resources and principals are within S's (wildcards
// included), and T's conditions imply each of S's conditions. An Allow statement widens when no
// statement of the old document covers the new one; a Deny statement weakens (lets more through)
// when no statement of the new document covers the old one. What cannot be proven contained
// counts as wider: a reviewer should see it.

export type Effect = "Allow" | "Deny";

export interface ConditionClause {
    /** Operator as written, e.g. `StringNotLike`, `ForAnyValue:StringEquals`, `BoolIfExists`. */
    op: string;
    /** Condition key as written (for display). */
    key: string;
    /** Lower-cased key: condition keys are case-insensitive. */
    keyNorm: string;
    values: string[];
}

export interface Statement {
    /** Sid as written; absent for an unnamed statement. */
    sid?: string;
    effect: Effect;
    /** Lower-cased (action names are case-insensitive), sorted, unique. */
    action?: string[];
    notAction?: string[];
    resource?: string[];
    notResource?: string[];
    /** Principal type -> sorted unique values (`"*"` is `{ AWS: ["*"] }`; an account ID is its root ARN). */
    principal?: Record<string, string[]>;
    notPrincipal?: Record<string, string[]>;
    /** Sorted by operator and key. */
    condition: ConditionClause[];
}

export interface PolicyDocument {
    statements: Statement[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function scalarText(v: unknown): string | undefined {
    if (typeof v === "string") return v.trim();
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return undefined;
}

/** One value or a list of values -> sorted unique strings (undefined when absent or malformed). */
function valueSet(v: unknown, map: (s: string) => string = (s) => s): string[] | undefined {
    if (v === undefined) return undefined;
    const list = Array.isArray(v) ? v : [v];
    const out = new Set<string>();
    for (const e of list) {
        const s = scalarText(e);
        if (s === undefined) return undefined;
        out.add(map(s));
    }
    return [...out].sort();
}

const ACCOUNT_ID = /^\d{12}$/;

function principalMap(v: unknown): Record<string, string[]> | undefined {
    if (v === undefined) return undefined;
    if (v === "*") return { AWS: ["*"] };
    if (!isRecord(v)) return undefined;
    const out: Record<string, string[]> = {};
    for (const type of Object.keys(v).sort()) {
        const values = valueSet(v[type], (s) => (type === "AWS" && ACCOUNT_ID.test(s) ? `arn:aws:iam::${s}:root` : s));
        if (!values) return undefined;
        out[type] = values;
    }
    return out;
}

function conditionClauses(v: unknown): ConditionClause[] | undefined {
    if (v === undefined) return [];
    if (!isRecord(v)) return undefined;
    const out: ConditionClause[] = [];
    for (const [op, block] of Object.entries(v)) {
        if (!isRecord(block)) return undefined;
        for (const [key, raw] of Object.entries(block)) {
            const values = valueSet(raw);
            if (!values) return undefined;
            out.push({ op: op.trim(), key: key.trim(), keyNorm: key.trim().toLowerCase(), values });
        }
    }
    return out.sort((a, b) => a.op.localeCompare(b.op) || a.keyNorm.localeCompare(b.keyNorm));
}

function normalizeStatement(raw: unknown): Statement | undefined {
    if (!isRecord(raw)) return undefined;
    const effect = scalarText(raw.Effect);
    if (effect !== "Allow" && effect !== "Deny") return undefined;
    const condition = conditionClauses(raw.Condition);
    if (!condition) return undefined;
    const st: Statement = { effect, condition };
    const sid = scalarText(raw.Sid);
    if (sid) st.sid = sid;
    const lower = (s: string) => s.toLowerCase();
    const fields: [keyof Statement, unknown, ((s: string) => string) | undefined][] = [
        ["action", raw.Action, lower],
        ["notAction", raw.NotAction, lower],
        ["resource", raw.Resource, undefined],
        ["notResource", raw.NotResource, undefined],
    ];
    for (const [field, value, map] of fields) {
        if (value === undefined) continue;
        const set = valueSet(value, map);
        if (!set) return undefined;
        (st as unknown as Record<string, unknown>)[field] = set;
    }
    for (const [field, value] of [
        ["principal", raw.Principal],
        ["notPrincipal", raw.NotPrincipal],
    ] as const) {
        if (value === undefined) continue;
        const p = principalMap(value);
        if (!p) return undefined;
        st[field] = p;
    }
    return st;
}

/**
 * A policy document (JSON text or object) normalized: statement order, single-value arrays,
 * action case and whitespace do not matter afterwards. undefined when it is not a readable
 * document (for example a value only known after deployment).
 */
export function parseDocument(doc: unknown): PolicyDocument | undefined {
    let v = doc;
    if (typeof v === "string") {
        try {
            v = JSON.parse(v);
        } catch {
            return undefined;
        }
    }
    if (!isRecord(v) || v.Statement === undefined) return undefined;
    const raws = Array.isArray(v.Statement) ? v.Statement : [v.Statement];
    const statements: Statement[] = [];
    for (const r of raws) {
        const st = normalizeStatement(r);
        if (!st) return undefined;
        statements.push(st);
    }
    return { statements };
}

/** JSON with sorted keys: equal for equal normalized values. */
export function canonical(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
    if (isRecord(v)) {
        return `{${Object.keys(v)
            .sort()
            .filter((k) => v[k] !== undefined)
            .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
            .join(",")}}`;
    }
    return JSON.stringify(v);
}

/**
 * Statements keyed for matching: by Sid; an unnamed statement by its content (so it shows as
 * removed and added when it changes). A repeated key gets `#2`, `#3`...
 */
export function statementKeys(statements: Statement[]): string[] {
    const seen = new Set<string>();
    return statements.map((st) => {
        const base = st.sid ?? `(no Sid) ${canonical({ ...st, sid: undefined })}`;
        let key = base;
        for (let n = 2; seen.has(key); n++) key = `${base}#${n}`;
        seen.add(key);
        return key;
    });
}

export function statementsByKey(statements: Statement[]): Map<string, Statement> {
    const keys = statementKeys(statements);
    return new Map(statements.map((st, i) => [keys[i]!, st]));
}

// ---------------------------------------------------------------------------------------------
// Containment.

function globRegex(pattern: string, flags = ""): RegExp {
    const body = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${body}$`, `s${flags}`);
}

/**
 * Every string `inner` matches, `outer` matches too (IAM wildcards `*` and `?`). Sufficient
 * test: `outer` matches `inner` read literally, its wildcards standing for themselves.
 */
export function globCovers(outer: string, inner: string, ignoreCase = false): boolean {
    if (outer === "*") return true;
    return globRegex(outer, ignoreCase ? "i" : "").test(inner);
}

function setCovered(outer: string[], inner: string[], ignoreCase = false): string[] {
    return inner.filter((i) => !outer.some((o) => globCovers(o, i, ignoreCase)));
}

/** Patterns `a` and `b` certainly match no common string (service prefixes differ, or a literal misses). */
function disjoint(a: string, b: string): boolean {
    const [sa, sb] = [a.split(":")[0]!, b.split(":")[0]!];
    if (a.includes(":") && b.includes(":") && !/[*?]/.test(sa) && !/[*?]/.test(sb) && sa !== sb) return true;
    if (!/[*?]/.test(a)) return !globCovers(b, a);
    if (!/[*?]/.test(b)) return !globCovers(a, b);
    return false;
}

/**
 * What of `inner`'s element (Action/NotAction or Resource/NotResource) is not within `outer`'s,
 * described for people; empty when contained.
 */
function elementGap(outer: { pos?: string[]; neg?: string[] }, inner: { pos?: string[]; neg?: string[] }, noun: string): string[] {
    // An absent element matches everything (for example Resource in a trust policy).
    const outerAll = (outer.pos === undefined && outer.neg === undefined) || (outer.pos ?? []).includes("*");
    if (outerAll) return [];
    if (inner.pos === undefined && inner.neg === undefined) return [`every ${noun}`];
    if (outer.pos && inner.pos) {
        const gap = setCovered(outer.pos, inner.pos);
        return gap.length ? [`${noun}${gap.length > 1 ? "s" : ""} ${gap.join(", ")}`] : [];
    }
    if (outer.neg && inner.pos) {
        const gap = inner.pos.filter((i) => !outer.neg!.every((n) => disjoint(i, n)));
        return gap.length ? [`${noun}${gap.length > 1 ? "s" : ""} ${gap.join(", ")}`] : [];
    }
    if (outer.neg && inner.neg) {
        // inner matches everything except inner.neg; outer everything except outer.neg.
        const gap = setCovered(inner.neg, outer.neg);
        return gap.length ? [`${noun}${gap.length > 1 ? "s" : ""} ${gap.join(", ")}`] : [];
    }
    // outer lists, inner excludes: inner reaches almost everything.
    return [`every ${noun} except ${inner.neg!.join(", ")}`];
}

function principalGap(outer: Statement, inner: Statement): string[] {
    if (outer.notPrincipal || inner.notPrincipal) {
        return canonical(outer.notPrincipal ?? null) === canonical(inner.notPrincipal ?? null) && canonical(outer.principal ?? null) === canonical(inner.principal ?? null)
            ? []
            : ["principals (NotPrincipal changed)"];
    }
    if (!outer.principal) return [];
    if ((outer.principal.AWS ?? []).includes("*")) return [];
    if (!inner.principal) return ["every principal"];
    const gap: string[] = [];
    for (const [type, values] of Object.entries(inner.principal)) {
        const o = outer.principal[type] ?? [];
        for (const v of values) if (!o.some((p) => globCovers(p, v))) gap.push(`${type} ${v}`);
    }
    return gap.length ? [`principal${gap.length > 1 ? "s" : ""} ${gap.join(", ")}`] : [];
}

// --- conditions -------------------------------------------------------------------------------

interface OpInfo {
    base: string;
    ifExists: boolean;
    /** ForAnyValue / ForAllValues prefix, kept as part of the comparison. */
    set: string;
}

function opInfo(op: string): OpInfo {
    const m = /^(?:(ForAnyValue|ForAllValues):)?(.*?)(IfExists)?$/.exec(op)!;
    return { set: m[1] ?? "", base: m[2]!, ifExists: !!m[3] };
}

const NEGATED = /^(StringNot|ArnNot|NotIpAddress|NumericNotEquals|DateNotEquals)/;

function ipv4Range(cidr: string): [number, number] | undefined {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\/(\d+))?$/.exec(cidr);
    if (!m) return undefined;
    const n = ((+m[1]! << 24) >>> 0) + (+m[2]! << 16) + (+m[3]! << 8) + +m[4]!;
    const bits = m[5] === undefined ? 32 : +m[5];
    const size = 2 ** (32 - bits);
    const start = Math.floor(n / size) * size;
    return [start, start + size - 1];
}

function ipWithin(outer: string, inner: string): boolean {
    const o = ipv4Range(outer);
    const i = ipv4Range(inner);
    if (!o || !i) return outer === inner;
    return o[0] <= i[0] && i[1] <= o[1];
}

function numeric(values: string[], parse: (s: string) => number): number[] | undefined {
    const out = values.map(parse);
    return out.some((n) => Number.isNaN(n)) ? undefined : out;
}

/** Values of `inner` (same operator family) imply `outer`'s: every request inner admits, outer admits. */
function valuesImply(base: string, outerValues: string[], innerValues: string[]): boolean {
    const ignoreCase = /IgnoreCase/.test(base);
    const like = /Like$/.test(base);
    const within = (o: string, i: string) => (like ? globCovers(o, i, ignoreCase) : ignoreCase ? o.toLowerCase() === i.toLowerCase() : o === i);
    if (/^(NumericLessThan|NumericLessThanEquals|DateLessThan|DateLessThanEquals)$/.test(base) || /^(NumericGreaterThan|NumericGreaterThanEquals|DateGreaterThan|DateGreaterThanEquals)$/.test(base)) {
        const parse = base.startsWith("Date") ? (s: string) => Date.parse(s) : (s: string) => Number(s);
        const o = numeric(outerValues, parse);
        const i = numeric(innerValues, parse);
        if (!o || !i) return false;
        // Several values are alternatives: "x < a or x < b" is "x < max".
        return /LessThan/.test(base) ? Math.max(...i) <= Math.max(...o) : Math.min(...i) >= Math.min(...o);
    }
    if (base === "IpAddress") return innerValues.every((i) => outerValues.some((o) => ipWithin(o, i)));
    if (base === "NotIpAddress") return outerValues.every((o) => innerValues.some((i) => ipWithin(i, o)));
    if (NEGATED.test(base)) {
        // Satisfied when the value matches none of the listed: inner must exclude all outer excludes.
        return outerValues.every((o) => innerValues.some((i) => within(i, o)));
    }
    // Equality, Like, Bool, Null, BinaryEquals, ArnEquals...: alternatives; fewer is stricter.
    return innerValues.every((i) => outerValues.some((o) => within(o, i)));
}

function clauseImplied(outer: ConditionClause, innerClauses: ConditionClause[]): boolean {
    const o = opInfo(outer.op);
    return innerClauses.some((i) => {
        if (i.keyNorm !== outer.keyNorm) return false;
        const io = opInfo(i.op);
        if (io.base !== o.base || io.set !== o.set) return false;
        // A clause without IfExists is stricter than the same clause with it, not the other way.
        if (io.ifExists && !o.ifExists) return false;
        return valuesImply(o.base, outer.values, i.values);
    });
}

export function describeClause(c: ConditionClause): string {
    return `${c.op} ${c.key} ${c.values.length === 1 ? c.values[0] : `[${c.values.join(", ")}]`}`;
}

/** Added or removed values of a clause of the same operator and key, for a readable reason. */
function clauseDelta(before: ConditionClause, after: ConditionClause): string {
    const added = after.values.filter((v) => !before.values.includes(v));
    const removed = before.values.filter((v) => !after.values.includes(v));
    const parts = [...added.map((v) => `+${v}`), ...removed.map((v) => `-${v}`)];
    return `${after.op} ${after.key} ${parts.join(" ") || "changed"}`;
}

/**
 * Conditions of `outer` that `inner`'s conditions do not imply (the requests `inner` admits that
 * `outer` does not), described old -> new; `outerIsNew` says which side is the new version.
 */
function conditionGap(outer: Statement, inner: Statement, outerIsNew: boolean): { reasons: string[]; keys: string[] } {
    const reasons: string[] = [];
    const keys: string[] = [];
    for (const c of outer.condition) {
        if (clauseImplied(c, inner.condition)) continue;
        keys.push(c.keyNorm);
        const [oldC, newC] = outerIsNew ? [undefined, c] : [c, undefined];
        const same = inner.condition.find((i) => i.keyNorm === c.keyNorm && i.op === c.op);
        const sameKey = inner.condition.find((i) => i.keyNorm === c.keyNorm);
        if (same) reasons.push(`condition ${outerIsNew ? clauseDelta(same, c) : clauseDelta(c, same)}`);
        else if (sameKey) reasons.push(`condition ${describeClause(oldC ?? sameKey)} -> ${describeClause(newC ?? sameKey)}`);
        else reasons.push(outerIsNew ? `condition added: ${describeClause(c)}` : `condition removed: ${describeClause(c)}`);
    }
    return { reasons, keys };
}

export interface Gap {
    /** Actions, resources and principals `inner` reaches beyond `outer`, described. */
    elements: string[];
    /** Conditions of `outer` that `inner`'s do not imply, described old -> new. */
    conditions: string[];
    /** Lower-cased condition keys of those conditions. */
    conditionKeys: string[];
    /** The effects differ. */
    effect: boolean;
}

/**
 * What `inner` applies to that `outer` does not; nothing when `outer` covers `inner`.
 * `outerIsNew` says which of the two is the new version (for the wording of conditions).
 */
export function coverageGap(outer: Statement, inner: Statement, outerIsNew = false): Gap {
    if (outer.effect !== inner.effect) return { elements: [], conditions: [], conditionKeys: [], effect: true };
    const conditions = conditionGap(outer, inner, outerIsNew);
    return {
        elements: [
            ...elementGap({ pos: outer.action, neg: outer.notAction }, { pos: inner.action, neg: inner.notAction }, "action"),
            ...elementGap({ pos: outer.resource, neg: outer.notResource }, { pos: inner.resource, neg: inner.notResource }, "resource"),
            ...principalGap(outer, inner),
        ],
        conditions: conditions.reasons,
        conditionKeys: conditions.keys,
        effect: false,
    };
}

function isEmptyGap(g: Gap): boolean {
    return !g.effect && g.elements.length === 0 && g.conditions.length === 0;
}

export function covers(outer: Statement, inner: Statement): boolean {
    return isEmptyGap(coverageGap(outer, inner));
}

export function equivalent(a: Statement, b: Statement): boolean {
    return canonical({ ...a, sid: undefined }) === canonical({ ...b, sid: undefined });
}

/** Condition keys whose loss means an MFA requirement was dropped. */
export const MFA_KEYS = ["aws:multifactorauthpresent", "aws:multifactorauthage"];

export function mentionsMfa(st: Statement): boolean {
    return st.condition.some((c) => MFA_KEYS.includes(c.keyNorm));
}

function listed(values: string[], noun: string, max = 4): string {
    const shown = values.slice(0, max).join(", ");
    return `${noun}${values.length > 1 ? "s" : ""} ${shown}${values.length > max ? ` (+${values.length - max} more)` : ""}`;
}

/** What a statement applies to, in a few words: actions, resources, principals, conditions. */
export function describeStatement(st: Statement): string {
    const parts = [
        st.action
            ? listed(st.action, "action")
            : st.notAction
              ? `every action except ${st.notAction.slice(0, 4).join(", ")}${st.notAction.length > 4 ? ` (+${st.notAction.length - 4} more)` : ""}`
              : "",
        st.resource && !(st.resource.length === 1 && st.resource[0] === "*")
            ? `on ${listed(st.resource, "resource", 3)}`
            : st.notResource
              ? `on every resource except ${st.notResource.join(", ")}`
              : "",
        st.principal
            ? `for ${Object.entries(st.principal)
                  .map(([t, v]) => `${t} ${v.join(", ")}`)
                  .join("; ")}`
            : "",
        st.condition.length ? `when ${st.condition.map(describeClause).join(" and ")}` : "",
    ];
    return parts.filter(Boolean).join(" ");
}

export type StatementChangeKind = "added" | "removed" | "changed";

export interface StatementChange {
    /** Sid, or `(no Sid) {...}` for an unnamed statement. */
    sid: string;
    change: StatementChangeKind;
    /** The new effect (the old one for a removed statement). */
    effect: Effect;
    /** Lets a request through that the old document did not (a wider Allow, a narrower or removed Deny). */
    wider: boolean;
    /** What got wider, or what changed, for people. */
    reasons: string[];
    /** An MFA condition was dropped or loosened (or a deny conditioned on MFA removed). */
    mfa: boolean;
    before?: Statement;
    after?: Statement;
}

/**
 * Statement-by-statement differences between two normalized documents (or statement lists, for
 * guardrails merged per target), each judged wider or not. Equal statements are left out.
 */
export function compareStatements(before: Statement[], after: Statement[]): StatementChange[] {
    const b = statementsByKey(before);
    const a = statementsByKey(after);
    const out: StatementChange[] = [];
    const allows = (list: Statement[]) => list.filter((s) => s.effect === "Allow");
    const denies = (list: Statement[]) => list.filter((s) => s.effect === "Deny");
    // An Allow is wider unless some old Allow covers it; a Deny weaker unless some new Deny covers the old one.
    const allowWithin = (st: Statement) => allows(before).some((o) => covers(o, st));
    const denyKept = (old: Statement) => denies(after).some((n) => covers(n, old));

    for (const [key, st] of a) {
        const old = b.get(key);
        if (!old) {
            const within = st.effect === "Allow" && allowWithin(st);
            out.push({
                sid: key,
                change: "added",
                effect: st.effect,
                wider: st.effect === "Allow" && !within,
                reasons: [within ? `within an existing statement: ${describeStatement(st)}` : `${st.effect === "Allow" ? "grants" : "denies"} ${describeStatement(st)}`],
                mfa: false,
                after: st,
            });
            continue;
        }
        if (equivalent(old, st)) continue;
        if (old.effect !== st.effect) {
            out.push({
                sid: key,
                change: "changed",
                effect: st.effect,
                wider: st.effect === "Allow" && !allowWithin(st),
                reasons: [`effect ${old.effect} -> ${st.effect}`],
                mfa: st.effect === "Allow" && mentionsMfa(old),
                before: old,
                after: st,
            });
            continue;
        }
        // Allow: what the new statement admits beyond the old; Deny: what the old denied that the new does not.
        const gap = st.effect === "Allow" ? coverageGap(old, st, false) : coverageGap(st, old, true);
        const narrower = !isEmptyGap(st.effect === "Allow" ? coverageGap(st, old, true) : coverageGap(old, st, false));
        const elsewhere = !isEmptyGap(gap) && (st.effect === "Allow" ? allowWithin(st) : denyKept(old));
        const wider = !isEmptyGap(gap) && !elsewhere;
        const reasons = wider
            ? st.effect === "Allow"
                ? [...gap.elements.map((e) => `grants ${e}`), ...gap.conditions]
                : [...gap.elements.map((e) => `no longer denies ${e}`), ...gap.conditions.map((c) => `deny ${c}`)]
            : elsewhere
              ? [st.effect === "Allow" ? "within another statement" : "still denied by another statement"]
              : [narrower ? "stricter" : "equivalent"];
        out.push({ sid: key, change: "changed", effect: st.effect, wider, reasons, mfa: wider && gap.conditionKeys.some((k) => MFA_KEYS.includes(k)), before: old, after: st });
    }
    for (const [key, st] of b) {
        if (a.has(key)) continue;
        const kept = st.effect === "Deny" && denyKept(st);
        out.push({
            sid: key,
            change: "removed",
            effect: st.effect,
            wider: st.effect === "Deny" && !kept,
            reasons: [st.effect === "Deny" ? `${kept ? "still denied by another statement" : "no longer denies"}: ${describeStatement(st)}` : `no longer grants ${describeStatement(st)}`],
            mfa: st.effect === "Deny" && !kept && mentionsMfa(st),
            before: st,
        });
    }
    return out.sort((x, y) => x.sid.localeCompare(y.sid));
}
