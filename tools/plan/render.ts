// Renders a PlanResult: a `pulumi preview`-like text tree, a Mermaid drawing of the AWS
// organization, a Markdown pull-request comment, and the JSON report.
import type { PlanResult, PlanViolation } from "./run";
import { operationOf } from "./run";
import type { PlanValue, PlannedResource } from "./types";
import { isSecretValue, isUnknownValue } from "./types";
import { displayTypeName } from "./names";

/** Shown instead of a secret's value, everywhere. */
export const SECRET_TEXT = "[secret]";
/** Shown for a value the cloud computes (unknown in preview). */
export const UNKNOWN_TEXT = "[unknown]";

/** A PlanValue for display: secrets hidden, unknowns spelled out. */
export function displayValue(v: PlanValue): unknown {
    if (isSecretValue(v)) return SECRET_TEXT;
    if (isUnknownValue(v)) return UNKNOWN_TEXT;
    if (Array.isArray(v)) return v.map(displayValue);
    if (v !== null && typeof v === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, e] of Object.entries(v)) out[k] = displayValue(e as PlanValue);
        return out;
    }
    return v;
}

/** "aws:organizations/account:Account" -> "aws:organizations:Account", as the CLI displays types. */
export const displayType = displayTypeName;

const opSymbol = { create: "+", import: "=", read: ">" } as const;

interface TreeRow {
    prefix: string;
    r: PlannedResource;
}

function treeRows(resources: PlannedResource[]): TreeRow[] {
    const known = new Set(resources.map((r) => r.urn));
    const children = new Map<string, PlannedResource[]>();
    const roots: PlannedResource[] = [];
    for (const r of resources) {
        if (r.parent && known.has(r.parent)) {
            children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
        } else {
            roots.push(r);
        }
    }
    const rows: TreeRow[] = [];
    const walk = (r: PlannedResource, indent: string, last: boolean, top: boolean) => {
        rows.push({ prefix: top ? "" : `${indent}${last ? "└─ " : "├─ "}`, r });
        const kids = children.get(r.urn) ?? [];
        const nextIndent = top ? "" : `${indent}${last ? "   " : "│  "}`;
        kids.forEach((k, i) => walk(k, nextIndent, i === kids.length - 1, false));
    };
    roots.forEach((r) => walk(r, "", true, true));
    return rows;
}

function pad(s: string, n: number): string {
    // Box-drawing characters are one column wide; plain length works.
    return s.length >= n ? s : s + " ".repeat(n - s.length);
}

/** The resource tree, one line per resource: operation, type, name, plan, and notable options. */
export function renderTree(result: PlanResult): string {
    const rows = treeRows(result.resources);
    const typeCol = Math.max(4, ...rows.map((x) => x.prefix.length + displayType(x.r.type).length)) + 2;
    const nameCol = Math.max(4, ...rows.map((x) => x.r.name.length)) + 2;
    const lines = [`     ${pad("Type", typeCol)}${pad("Name", nameCol)}Plan`];
    for (const { prefix, r } of rows) {
        const op = operationOf(r);
        const notes: string[] = [];
        if (r.options.protect) notes.push("protected");
        if (r.options.retainOnDelete) notes.push("retain on delete");
        if (r.options.importId) notes.push(`id ${r.options.importId}`);
        if (r.options.ignoreChanges.length) notes.push(`ignore changes: ${r.options.ignoreChanges.join(", ")}`);
        if (r.options.aliases.length) notes.push(`${r.options.aliases.length} alias${r.options.aliases.length > 1 ? "es" : ""}`);
        lines.push(` ${opSymbol[op]}   ${pad(prefix + displayType(r.type), typeCol)}${pad(r.name, nameCol)}${op}${notes.length ? ` [${notes.join("; ")}]` : ""}`);
    }
    return lines.join("\n");
}

function resourceLabel(result: PlanResult, urn: string | null): string {
    if (!urn) return "(stack)";
    const r = result.resources.find((x) => x.urn === urn);
    return r ? `${displayType(r.type)} ${r.name}` : urn;
}

function groupViolations(violations: PlanViolation[]): { key: string; pack: string; policy: string; level: string; items: PlanViolation[] }[] {
    const groups = new Map<string, { key: string; pack: string; policy: string; level: string; items: PlanViolation[] }>();
    for (const v of violations) {
        const key = `${v.policyPack}\u0000${v.policy}\u0000${v.enforcementLevel}`;
        const g = groups.get(key) ?? { key, pack: v.policyPack, policy: v.policy, level: v.enforcementLevel, items: [] };
        g.items.push(v);
        groups.set(key, g);
    }
    const rank = (l: string) => (l === "mandatory" ? 0 : l === "remediate" ? 1 : 2);
    return [...groups.values()].sort((a, b) => rank(a.level) - rank(b.level) || a.policy.localeCompare(b.policy));
}

/**
 * Said on every plan's summary: the offline plan has no state, so it cannot know what an update
 * would delete (or rename, or replace). A comparison with the plan of a base revision can.
 */
export const DELETES_NOTE = "deletes not shown: the offline plan has no state; a change review against a base plan shows them";

export function summaryLine(result: PlanResult): string {
    const s = result.summary;
    if (result.error) {
        return `Summary: plan failed (${result.error.kind} error) after ${s.resources} resource${s.resources === 1 ? "" : "s"} registered`;
    }
    const ops = [`${s.create} to create`, ...(s.import ? [`${s.import} to import`] : []), ...(s.read ? [`${s.read} to read`] : [])];
    const status = s.mandatory > 0 ? "blocked by mandatory policy" : "ok";
    const disabled = result.policyPack?.disabled ?? [];
    const off = disabled.length ? `; disabled by policy config: ${disabled.join(", ")}` : "";
    return `Summary: ${s.resources} resources (${ops.join(", ")}); ${s.mandatory} mandatory, ${s.advisory} advisory${s.remediate ? `, ${s.remediate} remediate` : ""} violations${off}; ${status}; ${DELETES_NOTE}`;
}

function indentLines(text: string, by: string): string {
    return text
        .split("\n")
        .map((l) => by + l)
        .join("\n");
}

export function renderViolationsText(result: PlanResult): string {
    if (result.violations.length === 0) {
        return result.policyPack ? `Policies:\n    ${result.policyPack.name}${result.policyPack.version ? `@v${result.policyPack.version}` : ""}: no violations` : "Policies: none evaluated";
    }
    const lines = ["Policies:"];
    for (const g of groupViolations(result.violations)) {
        lines.push(`    [${g.level}] ${g.policy} (${g.pack}): ${g.items.length} violation${g.items.length > 1 ? "s" : ""}`);
        for (const v of g.items) {
            lines.push(`        - ${resourceLabel(result, v.urn)}`);
            lines.push(indentLines(v.message.trim(), "          "));
        }
    }
    return lines.join("\n");
}

export function renderText(result: PlanResult, opts: { verbose?: boolean } = {}): string {
    const out: string[] = [`Previewing update (${result.stack}) of project ${result.project || "(unknown)"} [offline, no cloud credentials]`, ""];
    if (result.resources.length) {
        out.push(renderTree(result), "");
    }
    // Program output (console, Node's warnings) and info logs with --verbose; warnings and errors always.
    const diags = result.logs.filter((l) => opts.verbose || l.severity !== "info");
    if (diags.length) {
        out.push("Diagnostics:");
        for (const l of diags) out.push(indentLines(l.stream ? `${l.stream}: ${l.message}` : `${l.severity}: ${l.message}`, "    "));
        out.push("");
    }
    if (result.notes?.length) {
        out.push("Notes:");
        for (const n of result.notes) out.push(indentLines(`- ${n}`, "    "));
        out.push("");
    }
    if (!result.error || result.error.kind === "policy-pack") {
        if (!result.error) out.push(renderViolationsText(result), "");
    }
    if (result.error) {
        out.push(`error (${result.error.kind}): ${result.error.message}`);
        if (opts.verbose && result.error.detail) out.push(indentLines(result.error.detail, "    "));
        out.push("");
    }
    out.push(summaryLine(result));
    return out.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------
// Mermaid: the organization tree (root, OUs, accounts) and the SCPs attached to its nodes.

const ORG = "aws:organizations/organization:Organization";
const OU = "aws:organizations/organizationalUnit:OrganizationalUnit";
const ACCOUNT = "aws:organizations/account:Account";
const POLICY = "aws:organizations/policy:Policy";
const ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment";

function mermaidText(s: string): string {
    return s.replace(/"/g, "#quot;").replace(/[<>]/g, (c) => (c === "<" ? "#lt;" : "#gt;"));
}

function str(v: PlanValue | undefined): string | undefined {
    return typeof v === "string" ? v : undefined;
}

export function renderMermaid(result: PlanResult): string {
    const byUrn = new Map(result.resources.map((r) => [r.urn, r]));
    const lines = ["flowchart TD"];
    const ids = new Map<string, string>();
    let n = 0;
    const nodeId = (key: string) => {
        let id = ids.get(key);
        if (!id) {
            id = `n${n++}`;
            ids.set(key, id);
        }
        return id;
    };
    const orgs = result.resources.filter((r) => r.type === ORG);
    const ous = result.resources.filter((r) => r.type === OU);
    const accounts = result.resources.filter((r) => r.type === ACCOUNT);
    const policies = result.resources.filter((r) => r.type === POLICY);
    const attachments = result.resources.filter((r) => r.type === ATTACHMENT);
    if (!orgs.length && !ous.length && !accounts.length) {
        lines.push(`    empty["No AWS Organizations resources in this stack"]`);
        return lines.join("\n") + "\n";
    }
    // IDs are unknown in preview, so parentId / targetId / policyId are resolved through the
    // resource they were computed from (propertyDependencies). A known ID (an existing root or
    // OU read with getOrganization, or an imported one) becomes a node of its own.
    const rootKey = (orgUrn?: string) => `root:${orgUrn ?? "existing"}`;
    const refOf = (r: PlannedResource, prop: string): string | undefined => {
        const deps = (r.propertyDependencies[prop] ?? []).filter((u) => {
            const t = byUrn.get(u)?.type;
            return t === ORG || t === OU || t === ACCOUNT || t === POLICY;
        });
        if (deps.length) {
            const dep = byUrn.get(deps[0]!)!;
            return dep.type === ORG ? rootKey(dep.urn) : dep.urn;
        }
        const known = str(r.inputs[prop]);
        if (known) {
            const imported = result.resources.find((x) => x.options.importId === known);
            if (imported) return imported.type === ORG ? rootKey(imported.urn) : imported.urn;
            return known.startsWith("r-") ? rootKey() : `id:${known}`;
        }
        return undefined;
    };
    const declared = new Set<string>();
    const declare = (key: string, shape: (label: string) => string, label: string) => {
        if (declared.has(key)) return;
        declared.add(key);
        // Labels are escaped here; "\n" in a label becomes a Mermaid line break.
        lines.push(`    ${nodeId(key)}${shape(label.split("\n").map(mermaidText).join("<br/>"))}`);
    };
    const defaultRoot = orgs.length ? rootKey(orgs[0]!.urn) : rootKey();
    for (const o of orgs) declare(rootKey(o.urn), (l) => `(["${l}"])`, orgs.length > 1 ? `Root (${o.name})` : "Root");
    const parentKey = (r: PlannedResource) => refOf(r, "parentId") ?? defaultRoot;
    const ensure = (key: string) => {
        if (key.startsWith("root:")) declare(key, (l) => `(["${l}"])`, key === rootKey() ? "Root (existing organization)" : "Root");
        else if (key.startsWith("id:")) declare(key, (l) => `["${l}"]`, key.slice(3));
    };
    for (const ou of ous) {
        declare(ou.urn, (l) => `("${l}")`, `OU ${str(ou.inputs.name) ?? ou.name}`);
    }
    for (const a of accounts) {
        const email = str(a.inputs.email);
        declare(a.urn, (l) => `["${l}"]`, `Account ${str(a.inputs.name) ?? a.name}${email ? `\n${email}` : ""}`);
    }
    for (const r of [...ous, ...accounts]) {
        const p = parentKey(r);
        ensure(p);
        lines.push(`    ${nodeId(p)} --> ${nodeId(r.urn)}`);
    }
    for (const att of attachments) {
        const policy = refOf(att, "policyId");
        const target = refOf(att, "targetId");
        if (!policy || !target) continue;
        const pol = byUrn.get(policy);
        ensure(policy);
        ensure(target);
        if (pol) {
            const kind = str(pol.inputs.type) ?? "SERVICE_CONTROL_POLICY";
            declare(pol.urn, (l) => `{{"${l}"}}`, `${kind === "SERVICE_CONTROL_POLICY" ? "SCP" : kind} ${str(pol.inputs.name) ?? pol.name}`);
        }
        lines.push(`    ${nodeId(policy)} -. attached .-> ${nodeId(target)}`);
    }
    // Policies not attached anywhere are worth seeing too.
    for (const p of policies) {
        if (!declared.has(p.urn)) declare(p.urn, (l) => `{{"${l}"}}`, `SCP ${str(p.inputs.name) ?? p.name} (not attached)`);
    }
    lines.push("    classDef ou fill:#eef,stroke:#55a;", "    classDef scp fill:#fee,stroke:#a55;");
    const ouIds = ous.map((o) => nodeId(o.urn));
    const scpIds = policies.filter((p) => declared.has(p.urn)).map((p) => nodeId(p.urn));
    if (ouIds.length) lines.push(`    class ${ouIds.join(",")} ou;`);
    if (scpIds.length) lines.push(`    class ${scpIds.join(",")} scp;`);
    return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------
// Markdown, for a pull-request comment.

const ACCESS_LEVELS = new Set(["none", "read", "write", "admin"]);
/** Environments in promotion order when they have the usual names; others follow alphabetically. */
const ENVIRONMENT_ORDER = ["dev", "development", "test", "qa", "staging", "stage", "preprod", "prod", "production"];

function environmentRank(e: string): number {
    const i = ENVIRONMENT_ORDER.indexOf(e.toLowerCase());
    return i < 0 ? ENVIRONMENT_ORDER.length : i;
}

function mdCell(s: string): string {
    return s.replace(/\|/g, "\\|").replace(/\n/g, "<br>");
}

/** The `accessMatrix` stack output as a Markdown table, or a sentence saying why there is none. */
export function renderAccessTable(result: PlanResult): string {
    const raw = result.outputs.accessMatrix;
    if (raw === undefined) return "_The program exports no `accessMatrix` output._";
    if (isSecretValue(raw)) return "_The access matrix is secret._";
    if (isUnknownValue(raw)) return "_The access matrix is only known after the update._";
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return "_The `accessMatrix` output is not an object of teams._";
    const teams = Object.entries(raw as Record<string, PlanValue>);
    const envs: string[] = [];
    for (const [, row] of teams) {
        if (row && typeof row === "object" && !Array.isArray(row) && !isUnknownValue(row) && !isSecretValue(row)) {
            for (const e of Object.keys(row)) if (!envs.includes(e)) envs.push(e);
        }
    }
    envs.sort((a, b) => environmentRank(a) - environmentRank(b) || a.localeCompare(b));
    const lines = [`| Team | ${envs.map(mdCell).join(" | ")} |`, `| --- | ${envs.map(() => "---").join(" | ")} |`];
    for (const [team, row] of teams) {
        const cells = envs.map((e) => {
            const v = row && typeof row === "object" && !Array.isArray(row) ? (row as Record<string, PlanValue>)[e] : undefined;
            if (v === undefined) return "none";
            const shown = displayValue(v);
            return typeof shown === "string" && ACCESS_LEVELS.has(shown) ? shown : String(shown);
        });
        lines.push(`| ${mdCell(team)} | ${cells.map(mdCell).join(" | ")} |`);
    }
    return lines.join("\n");
}

/**
 * GitHub refuses comments over 65,536 characters; the tree of a large organization is cut to
 * leave room for the violations and the access table (the JSON report has every resource).
 */
export const MARKDOWN_TREE_LIMIT = 40_000;

function limitLines(text: string, maxChars: number): string {
    if (text.length <= maxChars) return text;
    const lines = text.split("\n");
    const kept: string[] = [];
    let size = 0;
    for (const l of lines) {
        if (size + l.length + 1 > maxChars) break;
        kept.push(l);
        size += l.length + 1;
    }
    return `${kept.join("\n")}\n... ${lines.length - kept.length} more lines (the JSON report lists every resource)`;
}

export function renderMarkdown(result: PlanResult): string {
    const s = result.summary;
    const icon = result.error ? "Error" : s.mandatory > 0 ? "Blocked" : "OK";
    const out = [`### Offline plan: \`${result.project}\` / \`${result.stack}\` (${icon})`, "", summaryLine(result).replace(/^Summary: /, ""), ""];
    if (result.notes?.length) out.push(...result.notes.map((n) => `- ${n}`), "");
    if (result.error) {
        out.push(`**${result.error.kind} error:**`, "", "```text", result.error.message, "```", "");
    }
    out.push(`<details><summary>Resources (${s.resources})</summary>`, "", "```text", limitLines(renderTree(result), MARKDOWN_TREE_LIMIT), "```", "", "</details>", "");
    out.push("#### Policy violations", "");
    if (result.violations.length === 0) {
        out.push(result.policyPack ? "None." : "No policy pack was evaluated.", "");
    } else {
        out.push("| Level | Policy | Resource | Message |", "| --- | --- | --- | --- |");
        for (const g of groupViolations(result.violations)) {
            for (const v of g.items) {
                out.push(`| ${v.enforcementLevel} | ${mdCell(v.policy)} | ${mdCell(resourceLabel(result, v.urn))} | ${mdCell(v.message.trim())} |`);
            }
        }
        out.push("");
    }
    out.push("#### Access", "", renderAccessTable(result), "");
    return out.join("\n");
}

// ---------------------------------------------------------------------------------------------

export interface JsonReport {
    project: string;
    stack: string;
    resources: {
        urn: string;
        type: string;
        name: string;
        /** What the engine would do: create, import or read. */
        operation: "create" | "import" | "read";
        parent: string | null;
        provider: string | null;
        dependencies: string[];
        protect: boolean;
        retainOnDelete: boolean;
        importId: string | null;
        /** Old URNs this resource answers to (a rename that must not replace it). */
        aliases: string[];
        ignoreChanges: string[];
        inputs: unknown;
    }[];
    violations: { policyPack: string; policy: string; enforcementLevel: string; urn: string | null; message: string }[];
    summary: { resources: number; create: number; import: number; read: number; mandatory: number; advisory: number };
    policyPack?: { name: string; version: string | null; configFile: string | null; disabledPolicies: string[] };
    notes: string[];
    error?: { kind: string; message: string };
}

export function toJsonReport(result: PlanResult): JsonReport {
    return {
        project: result.project,
        stack: result.stack,
        resources: result.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            operation: operationOf(r),
            parent: r.parent ?? null,
            provider: r.provider ?? null,
            dependencies: r.dependencies,
            protect: r.options.protect,
            retainOnDelete: r.options.retainOnDelete,
            importId: r.options.importId ?? null,
            aliases: r.options.aliases,
            ignoreChanges: r.options.ignoreChanges,
            inputs: displayValue(r.inputs),
        })),
        violations: result.violations.map((v) => ({ policyPack: v.policyPack, policy: v.policy, enforcementLevel: v.enforcementLevel, urn: v.urn, message: v.message })),
        summary: {
            resources: result.summary.resources,
            create: result.summary.create,
            import: result.summary.import,
            read: result.summary.read,
            mandatory: result.summary.mandatory,
            advisory: result.summary.advisory,
        },
        ...(result.policyPack
            ? {
                  policyPack: {
                      name: result.policyPack.name,
                      version: result.policyPack.version ?? null,
                      configFile: result.policyPack.configFile ?? null,
                      disabledPolicies: result.policyPack.disabled ?? [],
                  },
              }
            : {}),
        notes: result.notes ?? [],
        ...(result.error ? { error: { kind: result.error.kind, message: result.error.message } } : {}),
    };
}
