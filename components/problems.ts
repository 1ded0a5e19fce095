/**
 * Config problems: what every stage of the pipeline (parse, structure, the section planners)
 * returns instead of throwing, and the one error the program raises with all of them.
 *
 * A leaf module: no import, so every stage can use it without creating a cycle.
 */

/** The config namespace: the project name in Pulumi.yaml. */
export const CONFIG_NAMESPACE = "landing-zone";

/** One problem, located by its key path below `landing-zone:` (e.g. `["accounts", "dev", "email"]`). */
export interface Problem {
    path: (string | number)[];
    value: unknown;
    /** What is wrong and what is allowed, worded to follow the key: "must be ...", "is ...". */
    message: string;
}

/** A problem as the user reads it: the full config key (`landing-zone:accounts.dev.email`). */
export interface ConfigProblem {
    key: string;
    value: unknown;
    message: string;
}

/** A stage's result: what it planned, and what it found wrong (the plan is only used when nothing is). */
export interface Planned<T> {
    plan: T;
    problems: Problem[];
}

export function problem(path: (string | number)[], value: unknown, message: string): Problem {
    return { path, value, message };
}

export class ConfigError extends Error {
    constructor(public readonly problems: ConfigProblem[]) {
        super(
            `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was deployed:\n` +
                problems.map((p) => `  - ${p.key}: ${p.message} (got ${describeValue(p.value)})`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** `landing-zone:accounts.dev.email`, `landing-zone:environments[0].name`, `landing-zone:tags["cost center"]`. */
export function keyPath(path: PropertyKey[]): string {
    const [head, ...rest] = path.map((p) => String(p));
    let out = `${CONFIG_NAMESPACE}:${head ?? ""}`;
    for (const p of rest) out += /^\d+$/.test(p) ? `[${p}]` : /^[A-Za-z_][\w-]*$/.test(p) ? `.${p}` : `["${p}"]`;
    return out;
}

/**
 * The problems as the user reads them, each once (two stages may find the same thing), in the
 * order they were found.
 */
export function toConfigProblems(problems: Problem[]): ConfigProblem[] {
    const seen = new Set<string>();
    const out: ConfigProblem[] = [];
    for (const p of problems) {
        const key = keyPath(p.path);
        const id = `${key}\n${p.message}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push({ key, value: p.value, message: p.message });
    }
    return out;
}

function describeValue(v: unknown): string {
    if (v === undefined) return "nothing";
    const s = JSON.stringify(v) ?? String(v);
    return s.length > 120 ? s.slice(0, 117) + "..." : s;
}

/** The candidate nearest to a misspelled word, if one is close enough to be what was meant. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const c of candidates) {
        const d = editDistance(word.toLowerCase(), c.toLowerCase());
        if (d < bestDistance) {
            best = c;
            bestDistance = d;
        }
    }
    // Two edits, or a third of the word for long keys: `layuot`, `acounts`, `organisationalUnits`.
    return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** ` (did you mean 'x'?)` when a known name is close to the unknown one, else nothing: for "is not a known ..." messages. */
export function didYouMean(name: unknown, known: readonly string[]): string {
    const guess = typeof name === "string" ? nearest(name, known) : undefined;
    return guess ? ` (did you mean '${guess}'?)` : "";
}

/** Damerau-Levenshtein distance (optimal string alignment): a swap of two letters is one edit. */
function editDistance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}
