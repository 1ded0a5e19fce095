/** Reports: text and markdown grouped by severity with a summary table first, and JSON. */
import { CATEGORIES, SEVERITIES, type Finding, type Manifest, type Severity } from "./types";

export interface ReviewResult {
    stack: string;
    manifest: Manifest;
    findings: Finding[];
}

export const SEVERITY_RANK: Record<Severity, number> = { high: 3, medium: 2, low: 1 };

/** Findings in report order: severity, category, account, subject, kind. */
export function sortFindings(findings: Finding[]): Finding[] {
    const cat = (f: Finding) => CATEGORIES.indexOf(f.category);
    return [...findings].sort(
        (a, b) =>
            SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
            cat(a) - cat(b) ||
            a.account.localeCompare(b.account) ||
            a.subject.localeCompare(b.subject) ||
            a.kind.localeCompare(b.kind) ||
            a.found.localeCompare(b.found),
    );
}

export function summarize(findings: Finding[]) {
    const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length])) as Record<Severity, number>;
    const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.category === c && f.severity === s).length]))])) as Record<
        (typeof CATEGORIES)[number],
        Record<Severity, number>
    >;
    return { total: findings.length, ...bySeverity, byCategory };
}

/** Exit status: 1 when a finding is at or above `failOn`, else 0. */
export function exitCodeFor(findings: Finding[], failOn: Severity): 0 | 1 {
    return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]) ? 1 : 0;
}

function header(r: ReviewResult): string {
    const m = r.manifest;
    const read = m.accounts.filter((a) => a.readAs !== "none").length;
    return `stack ${r.stack}; collected ${m.collectedAt} from ${m.managementAccountId}; ${read} of ${m.accounts.length} account(s) read; regions ${m.regions.join(", ") || "(none)"}`;
}

function table(r: ReviewResult, markdown: boolean): string[] {
    const s = summarize(r.findings);
    const rows = CATEGORIES.map((c) => [c, ...SEVERITIES.map((sv) => String(s.byCategory[c][sv])), String(SEVERITIES.reduce((n, sv) => n + s.byCategory[c][sv], 0))]);
    rows.push(["total", ...SEVERITIES.map((sv) => String(s[sv])), String(s.total)]);
    const head = ["category", ...SEVERITIES, "total"];
    if (markdown) return [`| ${head.join(" | ")} |`, `| --- | ${SEVERITIES.map(() => "---:").join(" | ")} | ---: |`, ...rows.map((x) => `| ${x.join(" | ")} |`)];
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
    const line = (x: string[]) => x.map((v, i) => (i === 0 ? v.padEnd(w[i]) : v.padStart(w[i]))).join("  ");
    return [line(head), ...rows.map(line)];
}

export function renderText(r: ReviewResult): string {
    const out = [`Estate review: ${header(r)}`, "", ...table(r, false), ""];
    for (const sev of SEVERITIES) {
        const fs = r.findings.filter((f) => f.severity === sev);
        if (!fs.length) continue;
        out.push(`${sev.toUpperCase()} (${fs.length})`, "");
        for (const f of fs) {
            out.push(`[${f.severity}] ${f.category}/${f.kind}  ${f.account}`, `  ${f.subject}`, `  found:    ${f.found}`, `  declared: ${f.declared}`, `  fix:      ${f.fix}`);
            for (const d of f.detail ?? []) out.push(`    ${d}`);
            out.push("");
        }
    }
    if (!r.findings.length) out.push("No findings: the estate matches the stack.", "");
    return out.join("\n");
}

const md = (s: string) => s.replace(/\|/g, "\\|").replace(/</g, "&lt;");

/** Markdown for an issue or job summary; capped at `maxLength` characters (GitHub issue bodies hold 65,536). */
export function renderMarkdown(r: ReviewResult, maxLength = 60_000): string {
    const s = summarize(r.findings);
    const status = s.total === 0 ? "no findings" : `${s.high} high, ${s.medium} medium, ${s.low} low`;
    const head = [`## Estate review: \`${r.stack}\` (${status})`, "", `_${md(header(r))}_`, "", ...table(r, true), ""];
    const body: string[] = [];
    for (const sev of SEVERITIES) {
        const fs = r.findings.filter((f) => f.severity === sev);
        if (!fs.length) continue;
        body.push(`### ${sev[0].toUpperCase()}${sev.slice(1)} (${fs.length})`, "");
        for (const f of fs) {
            const item = [
                `- **${f.kind}** (${f.category}) · ${md(f.account)} · \`${f.subject.replace(/`/g, "'")}\``,
                `  - found: ${md(f.found)}`,
                `  - declared: ${md(f.declared)}`,
                `  - fix: ${md(f.fix)}`,
            ];
            if (f.detail?.length) item.push("", "  ```diff", ...f.detail.map((d) => `  ${d.replace(/^~/, "!")}`), "  ```");
            body.push(...item);
        }
        body.push("");
    }
    if (!r.findings.length) body.push("No findings: the estate matches the stack.");
    let text = [...head, ...body].join("\n") + "\n";
    if (text.length > maxLength) {
        const note = "\n_Report cut to fit; every finding is in the JSON report (`--json`) and the snapshot artifact._\n";
        text = text.slice(0, maxLength - note.length);
        text = text.slice(0, text.lastIndexOf("\n- **")) + "\n" + note;
    }
    return text;
}

export function toJson(r: ReviewResult) {
    const m = r.manifest;
    return {
        tool: m.tool,
        toolVersion: m.toolVersion,
        stack: r.stack,
        collectedAt: m.collectedAt,
        managementAccountId: m.managementAccountId,
        regions: m.regions,
        accounts: m.accounts.map((a) => ({ id: a.id, name: a.name, readAs: a.readAs })),
        summary: summarize(r.findings),
        findings: r.findings,
    };
}
