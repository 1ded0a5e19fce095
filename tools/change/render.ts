// Renders a change review: a verdict line, then access changes, guardrail changes, dangerous
// operations, every other resource change and policy violations, in that order. Markdown fits
// a pull-request comment (first two sections open, the rest folded, within GitHub's size limit).
import { shortType } from "./compare";
import type { AccessChange, Comparison, GuardrailChange } from "./types";

/** GitHub refuses comments longer than 65,536 characters; leave room for a marker line. */
export const MARKDOWN_LIMIT = 65_000;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function verdictLine(c: Comparison): string {
    return `widens access: ${plural(c.summary.widens, "change")}; weakens guardrails: ${c.summary.weakens}; dangerous operations: ${c.summary.dangerous}`;
}

export function baseLabel(c: Comparison): string {
    return c.base.source === "git" ? `${c.base.ref} (${c.base.commit.slice(0, 12)})` : c.base.file;
}

function isEmpty(c: Comparison): boolean {
    const r = c.resources;
    return (
        !c.access.length &&
        !c.guardrails.length &&
        !c.dangerous.length &&
        !r.added.length &&
        !r.removed.length &&
        !r.replaced.length &&
        !r.updated.length &&
        !r.renamed.length &&
        !c.violations.new.length &&
        !c.violations.fixed.length
    );
}

type Style = "text" | "markdown";

/** Inline code in Markdown, plain in text. */
function code(s: string, style: Style): string {
    if (style === "text") return s;
    const ticks = s.includes("`") ? "``" : "`";
    return `${ticks}${s}${ticks}`;
}

/** Free text in Markdown: characters that would turn into emphasis, links or HTML are escaped. */
function text(s: string, style: Style): string {
    return style === "markdown" ? s.replace(/([\\`*_[\]<~])/g, "\\$1") : s;
}

function where(account: string | null, style: Style): string {
    return account ? text(` (account ${account})`, style) : "";
}

function flag(widens: boolean, word: string, style: Style): string {
    if (!widens) return "";
    return style === "markdown" ? `**${word}** ` : `[${word}] `;
}

export function accessLine(a: AccessChange, style: Style): string {
    const w = flag(a.widens, "widens", style);
    const t = (s: string) => text(s, style);
    switch (a.kind) {
        case "level":
            return `${w}${code(`${a.team} / ${a.environment}: ${a.before} -> ${a.after}`, style)}${t(a.people.length ? ` (${a.people.join(", ")})` : " (no members)")}`;
        case "person": {
            const parts = [
                ...(a.groupsAdded.length ? [`joins ${a.groupsAdded.join(", ")}`] : []),
                ...(a.groupsRemoved.length ? [`leaves ${a.groupsRemoved.join(", ")}`] : []),
                ...a.levels.map((l) => `${l.environment} ${l.before} -> ${l.after}`),
            ];
            const what = a.change === "joined" ? "joins the company" : a.change === "left" ? "leaves the company" : "changes teams";
            return `${w}${code(a.user, style)} ${what}${t(parts.length ? `: ${parts.join("; ")}` : "")}`;
        }
        case "identity":
            return `${w}${a.identity} ${code(a.name, style)}${where(a.account, style)} ${a.change}`;
        case "attachment":
            return `${w}${t(a.principal)}${where(a.account, style)}: policy ${code(a.policy, style)} ${a.change === "added" ? "attached" : "detached"} (${t(a.note)})`;
        case "boundary":
            return `${w}${t(a.principal)}${where(a.account, style)}: permissions boundary ${code(a.policy, style)} ${a.change === "added" ? "set" : "removed"}`;
        case "statement":
            return `${w}${t(a.document)}${where(a.account, style)}: ${a.effect} statement ${code(a.sid, style)} ${a.change}: ${t(a.reasons.join("; "))}`;
        case "document":
            return `${w}${t(a.document)}${where(a.account, style)} ${a.change === "unknown" ? "changed" : a.change}${a.sids.length ? ` (${a.sids.map((s) => code(s, style)).join(", ")})` : ""}: ${t(a.note)}`;
    }
}

export function guardrailLine(g: GuardrailChange, style: Style): string {
    const w = flag(g.weakens, "weakens", style);
    const t = (s: string) => text(s, style);
    switch (g.kind) {
        case "statement":
            return `${w}${t(g.target)}: ${g.policyType} ${g.effect} statement ${code(g.sid, style)} ${g.change}${t(g.policies.length ? ` (${g.policies.join(", ")})` : "")}: ${t(g.reasons.join("; "))}`;
        case "attachment":
            return `${w}${t(g.target)}: ${g.policyType} ${code(g.policy, style)} ${g.change === "added" ? "attached" : "detached"}`;
        case "tag policy":
            return `${w}${t(g.target)}: tag policy for ${code(g.tagKey, style)} ${g.change}${t(g.reasons.length ? `: ${g.reasons.join("; ")}` : "")}`;
        case "budget": {
            const amount = (x: { amount: string; unit: string } | null) => (x ? `${x.amount} ${x.unit}` : "none");
            return `${w}budget ${code(g.budget, style)} ${g.change} ${t(`(${amount(g.before)} -> ${amount(g.after)})${g.reasons.length ? `: ${g.reasons.join("; ")}` : ""}`)}`;
        }
    }
}

interface Section {
    title: string;
    open: boolean;
    lines: string[];
}

function sections(c: Comparison, style: Style): Section[] {
    const r = c.resources;
    const res = (x: { type: string; name: string }) => `${shortType(x.type)} ${code(x.name, style)}`;
    const urnName = (urn: string) => urn.split("::").pop() ?? urn;
    const v = (x: Comparison["violations"]["new"][number]) => text(`[${x.enforcementLevel}] ${x.policy}: ${x.resource}: ${x.message.trim().split("\n")[0]}`, style);
    return [
        { title: `Access changes (${c.access.length}, ${c.summary.widens} widening)`, open: true, lines: c.access.map((a) => accessLine(a, style)) },
        { title: `Guardrail changes (${c.guardrails.length}, ${c.summary.weakens} weakening)`, open: true, lines: c.guardrails.map((g) => guardrailLine(g, style)) },
        { title: `Dangerous operations (${c.dangerous.length})`, open: false, lines: c.dangerous.map((d) => `${d.kind}: ${shortType(d.type)} ${code(d.name, style)}: ${text(d.detail, style)}`) },
        {
            title: `Everything else (${r.added.length} added, ${r.removed.length} removed, ${r.replaced.length} replaced, ${r.updated.length} updated, ${r.renamed.length} renamed)`,
            open: false,
            lines: [
                ...r.replaced.map(
                    (x) =>
                        `replace ${res(x)}: ${text(`${x.because.join(", ")} forces it${x.paths.length > x.because.length ? ` (also ${x.paths.filter((p) => !x.because.includes(p)).join(", ")})` : ""}`, style)}`,
                ),
                ...r.removed.map((x) => `delete ${res(x)}${x.protect ? " (protected)" : ""}`),
                ...r.added.map((x) => `create ${res(x)}`),
                ...r.updated.map((x) => `update ${res(x)}: ${text(x.paths.join(", "), style)}`),
                ...r.renamed.map((x) => `rename ${shortType(x.type)} ${code(urnName(x.from), style)} -> ${code(urnName(x.to), style)} (alias, no replacement)`),
            ],
        },
        {
            title: `Policy violations (${c.violations.new.length} new, ${c.violations.fixed.length} fixed)`,
            open: false,
            lines: [...c.violations.new.map((x) => `new: ${v(x)}`), ...c.violations.fixed.map((x) => `fixed: ${v(x)}`)],
        },
    ];
}

function html(s: string): string {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A single line is never longer than this (a statement with hundreds of actions). */
const LINE_LIMIT = 2_000;

function capLine(l: string): string {
    return l.length > LINE_LIMIT ? `${l.slice(0, LINE_LIMIT)}... (cut)` : l;
}

/** Shortens lists, the longest first, until the rendered text fits `limit`. */
function fit(parts: Section[], render: (s: Section[]) => string, limit: number): Section[] {
    const keep = parts.map((s) => s.lines.length);
    const build = () =>
        parts.map((s, i) => ({
            ...s,
            lines: keep[i]! < s.lines.length ? [...s.lines.slice(0, keep[i]), `... ${s.lines.length - keep[i]!} more (the --json report lists every change)`] : s.lines,
        }));
    let out = build();
    while (render(out).length > limit) {
        const kept = (i: number) => parts[i]!.lines.slice(0, keep[i]).reduce((n, l) => n + l.length, 0);
        const candidates = parts.map((_, i) => i).filter((i) => keep[i]! > 0);
        if (!candidates.length) break;
        const i = candidates.reduce((best, j) => (kept(j) > kept(best) ? j : best));
        keep[i] = Math.min(keep[i]! - 1, Math.floor(keep[i]! * 0.8));
        out = build();
    }
    return out;
}

export function renderChangeMarkdown(c: Comparison, opts: { limit?: number } = {}): string {
    const head = [
        `**Change review, \`${c.head.stack}\`: ${verdictLine(c)}**`,
        "",
        `Offline plans of \`${c.head.project}\` / \`${c.head.stack}\`: the working tree (${c.head.resources} resources) against ${html(baseLabel(c))} (${c.base.resources} resources).`,
        "",
    ];
    const tail = c.notes.length ? ["", ...c.notes.map((n) => `> ${text(n, "markdown")}`)] : [];
    if (isEmpty(c)) return [...head, "No change: the same resources with the same inputs, and the same policy violations.", ...tail, ""].join("\n");
    const render = (parts: Section[]) => {
        const out = [...head];
        for (const s of parts) {
            const body = s.lines.length ? s.lines.map((l) => `- ${capLine(l)}`) : ["None."];
            if (s.open) out.push(`#### ${s.title}`, "", ...body, "");
            else out.push(`<details><summary>${html(s.title)}</summary>`, "", ...body, "", "</details>", "");
        }
        return [...out, ...tail, ""].join("\n");
    };
    // biome-ignore lint/suspicious/noFocusedTests: fit is this module's own function (sections cut to the size limit), not a focused test
    return render(fit(sections(c, "markdown"), render, opts.limit ?? MARKDOWN_LIMIT));
}

export function renderChangeText(c: Comparison): string {
    const out = [`Change review (${c.head.stack}): ${verdictLine(c)}`, `  working tree (${c.head.resources} resources) against ${baseLabel(c)} (${c.base.resources} resources)`, ""];
    if (isEmpty(c)) {
        out.push("No change.", "");
    } else {
        for (const s of sections(c, "text")) {
            out.push(`${s.title}:`);
            out.push(...(s.lines.length ? s.lines.map((l) => `  - ${l}`) : ["  none"]), "");
        }
    }
    for (const n of c.notes) out.push(`note: ${n}`);
    return out.join("\n") + (c.notes.length ? "\n" : "");
}
