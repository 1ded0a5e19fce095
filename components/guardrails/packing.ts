/**
 * SCP size and count limits, handled rather than only checked.
 *
 * AWS counts an SCP's size on its minified JSON (whitespace outside strings is not counted), at
 * most 5,120 characters, and lets at most 5 SCPs be attached directly to one root, OU or
 * account. When a target's guardrails do not fit one document per guardrail in the free
 * attachment slots, their statements are bin-packed by minified size (first-fit decreasing)
 * into as few documents as possible. Every statement has a library-wide unique Sid, so any
 * two statements may share a document; statement order does not change a decision.
 */
import type { PolicyDocument, Statement } from "../policy-document";

/** Maximum size of one SCP, in characters of minified JSON. */
export const SCP_MAX_CHARACTERS = 5120;
/** Maximum number of SCPs attached directly to one root, OU or account. */
export const MAX_SCPS_PER_TARGET = 5;

/** The minified JSON, exactly as the program sends it to AWS. */
export function minify(doc: unknown): string {
    return JSON.stringify(doc);
}

export function minifiedSize(doc: unknown): number {
    return minify(doc).length;
}

/** Size of a document holding no statement: `{"Version":"2012-10-17","Statement":[]}`. */
const ENVELOPE = minifiedSize({ Version: "2012-10-17", Statement: [] });

/** One statement to place, with the guardrail it comes from. */
export interface PackItem {
    guardrail: string;
    statement: Statement;
}

export interface Bin {
    items: PackItem[];
    size: number;
}

export type PackResult = { ok: true; bins: Bin[] } | { ok: false; reason: string; sizes: Record<string, number> };

/**
 * First-fit decreasing: the largest statements first, each into the first document with room.
 * Deterministic: ties are broken by Sid. Bins come back in the order of their first item in
 * `items` (the catalogue order), and items keep that order inside a bin.
 */
export function packStatements(items: PackItem[], maxDocuments: number, maxCharacters = SCP_MAX_CHARACTERS): PackResult {
    const sizeOf = (s: Statement) => minifiedSize(s);
    const sizes = Object.fromEntries(items.map((i) => [i.statement.Sid, sizeOf(i.statement)]));
    const tooBig = items.filter((i) => ENVELOPE + sizes[i.statement.Sid] > maxCharacters);
    if (tooBig.length) {
        return {
            ok: false,
            reason: `statement ${tooBig.map((i) => `${i.statement.Sid} (${i.guardrail}) is ${ENVELOPE + sizes[i.statement.Sid]} characters in a document of its own`).join("; ")}, over the ${maxCharacters}-character SCP limit`,
            sizes,
        };
    }
    const order = new Map(items.map((i, n) => [i, n]));
    const sorted = [...items].sort((a, b) => sizes[b.statement.Sid] - sizes[a.statement.Sid] || a.statement.Sid.localeCompare(b.statement.Sid));
    const bins: Bin[] = [];
    for (const item of sorted) {
        const s = sizes[item.statement.Sid];
        // A statement adds its size plus one comma when the document already holds one.
        const bin = bins.find((b) => b.size + s + (b.items.length ? 1 : 0) <= maxCharacters);
        if (bin) {
            bin.size += s + (bin.items.length ? 1 : 0);
            bin.items.push(item);
        } else {
            bins.push({ items: [item], size: ENVELOPE + s });
        }
    }
    for (const b of bins) b.items.sort((x, y) => order.get(x)! - order.get(y)!);
    bins.sort((x, y) => order.get(x.items[0])! - order.get(y.items[0])!);
    if (bins.length > maxDocuments) {
        const total = ENVELOPE + Object.values(sizes).reduce((a, b) => a + b + 1, -1);
        return {
            ok: false,
            reason: `its statements need ${bins.length} documents of at most ${maxCharacters} characters even when packed (${total} characters in all), but only ${maxDocuments} attachment slot${maxDocuments === 1 ? " is" : "s are"} free`,
            sizes,
        };
    }
    return { ok: true, bins };
}

export function binDocument(bin: Bin): PolicyDocument {
    return { Version: "2012-10-17", Statement: bin.items.map((i) => i.statement) };
}
