/**
 * The config reference (docs/config-reference.md) and the optional-keys comment of Pulumi.yaml,
 * generated from the schema: every key's type, default, allowed values and description come from
 * the zod schemas of the sections (`.describe()`, `.default()`), through `z.toJSONSchema`.
 *
 * Regenerate both with `npm run docs`; test/core/config-reference.test.ts fails when either is
 * stale. Not imported by the program.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { z } from "zod";
import { accessConfigShape, DEFAULT_TEAMS } from "./access/config";
import { configSchema } from "./config";
import { guardrailsConfigShape } from "./guardrails/config";
import { identityConfigShape } from "./identity/config";
import { organizationConfigShape } from "./organization/config";
import { CONFIG_NAMESPACE } from "./problems";
import { reviewConfigShape } from "./review/config";
import { securityConfigShape } from "./security/config";

type JsonSchema = {
    type?: string;
    description?: string;
    default?: unknown;
    enum?: unknown[];
    const?: unknown;
    anyOf?: JsonSchema[];
    items?: JsonSchema;
    properties?: Record<string, JsonSchema>;
    required?: string[];
    additionalProperties?: JsonSchema | boolean;
    propertyNames?: JsonSchema;
    pattern?: string;
    minLength?: number;
    maxLength?: number;
    minimum?: number;
    maximum?: number;
    exclusiveMinimum?: number;
    minItems?: number;
    maxItems?: number;
};

const SECTIONS: [string, string, Record<string, z.ZodType>][] = [
    ["Layout, environments and the organization", "The layout, the environments, tags, the AWS organization, its OUs and member accounts.", organizationConfigShape],
    ["Access: teams, users, MFA, workload roles", "Who may do what in which environment ([access model](access-model.md)).", accessConfigShape],
    ["Identity: IAM users or IAM Identity Center", "Where people sign in, permission sets and the Identity Center directory ([IAM Identity Center](identity-center.md)).", identityConfigShape],
    ["Guardrails and budgets", "Service control policies, the resource control policy, tag policies ([guardrails](guardrails.md)) and budgets.", guardrailsConfigShape],
    ["Security baseline", "Log archive, organization trail, detective services and their delegated administrator ([security baseline](security-baseline.md)).", securityConfigShape],
    ["Estate review", "The read-only review role ([estate review](estate-review.md)).", reviewConfigShape],
];

export const REFERENCE_FILE = path.join(__dirname, "..", "docs", "config-reference.md");
export const PROJECT_FILE = path.join(__dirname, "..", "Pulumi.yaml");

export function renderConfigReference(): string {
    const out: string[] = [
        "# Config reference",
        "",
        "<!-- Generated from the config schema (components/*/config.ts) by `npm run docs`. Do not edit: a test fails when it is stale. -->",
        "",
        `All keys live in the project namespace \`${CONFIG_NAMESPACE}:\` of \`Pulumi.<stack>.yaml\`. Structured values are YAML`,
        "objects and lists. Unknown keys are errors, with the nearest known key suggested. Every problem is",
        "reported at once, each naming its key, before any resource is registered.",
        "",
        "**Lists are sets** unless said otherwise: their order does not matter, and reordering one changes",
        "no resource (the program sorts them). The one ordered list is `environments`, whose order is the",
        "display order (access matrix, budgets, tag policy values). Quote account IDs: YAML reads an unquoted",
        "12-digit ID as a number and drops a leading zero.",
        "",
    ];
    for (const [title, intro, shape] of SECTIONS) {
        const schema = z.toJSONSchema(z.object(shape), { io: "input", unrepresentable: "any" }) as JsonSchema;
        out.push(`## ${title}`, "", intro, "", "| key | type | default | allowed | description |", "| --- | --- | --- | --- | --- |");
        for (const [key, s] of Object.entries(schema.properties ?? {})) rows(key, s, (schema.required ?? []).includes(key), out);
        out.push("");
        if (shape === accessConfigShape) out.push(...defaultTeams());
    }
    return out.join("\n");
}

/** The teams planned when `teams` is absent (filtered to the declared environments). */
function defaultTeams(): string[] {
    return [
        "Default teams (when `teams` is absent; filtered to the declared environments, and without `iamAdmin` in single-account):",
        "",
        "| team | access | iamAdmin | organizationAdmin |",
        "| --- | --- | --- | --- |",
        ...Object.entries(DEFAULT_TEAMS).map(
            ([key, t]) =>
                `| \`${key}\` | ${Object.entries(t.access)
                    .map(([env, level]) => `${env}: ${level}`)
                    .join(", ")} | ${(t.iamAdmin ?? []).join(", ")} | ${t.organizationAdmin ? "yes" : ""} |`,
        ),
        "",
    ];
}

function rows(key: string, s: JsonSchema, required: boolean, out: string[]): void {
    const def = s.default !== undefined ? `\`${JSON.stringify(s.default)}\`` : required ? "required" : "none";
    out.push(`| \`${key}\` | ${cell(typeOf(s))} | ${cell(def)} | ${cell(allowed(s))} | ${cell(s.description ?? "")} |`);
    const value = typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
    if (s.type === "object" && s.properties) {
        for (const [k, p] of Object.entries(s.properties)) rows(`${key}.${k}`, p, (s.required ?? []).includes(k), out);
    } else if (value?.type === "object" && value.properties) {
        for (const [k, p] of Object.entries(value.properties)) rows(`${key}.<key>.${k}`, p, (value.required ?? []).includes(k), out);
    } else if (s.type === "array" && s.items?.type === "object" && s.items.properties) {
        for (const [k, p] of Object.entries(s.items.properties)) rows(`${key}[].${k}`, p, (s.items.required ?? []).includes(k), out);
    }
}

function typeOf(s: JsonSchema): string {
    if (s.anyOf) return [...new Set(s.anyOf.map(typeOf))].join(" or ");
    if (s.enum || s.const !== undefined) return "string";
    if (s.type === "array") return `list of ${plural(typeOf(s.items ?? {}))}`;
    if (s.type === "object" && typeof s.additionalProperties === "object") return `map of ${plural(typeOf(s.additionalProperties))}`;
    if (s.type === "integer") return "whole number";
    return s.type ?? "any";
}

function plural(t: string): string {
    return t === "string" ? "strings" : t === "object" ? "objects" : t === "number" ? "numbers" : t === "boolean" ? "booleans" : t;
}

function allowed(s: JsonSchema): string {
    const parts: string[] = [];
    const enumOf = s.enum ?? s.items?.enum ?? (typeof s.additionalProperties === "object" ? (s.additionalProperties.enum ?? s.additionalProperties.items?.enum) : undefined);
    if (enumOf) parts.push(enumOf.map((v) => `\`${String(v)}\``).join(", "));
    if (s.const !== undefined) parts.push(`\`${String(s.const)}\``);
    if (s.anyOf) parts.push(...s.anyOf.map(allowed).filter((p) => p));
    const bound = (what: string, min?: number, max?: number) => {
        if (min !== undefined && max !== undefined) parts.push(`${min}-${max} ${what}`);
        else if (min !== undefined) parts.push(`at least ${min} ${what}`);
        else if (max !== undefined) parts.push(`at most ${max} ${what}`);
    };
    bound("characters", s.minLength, s.maxLength);
    bound("items", s.minItems, s.maxItems);
    const safe = (n?: number) => (n !== undefined && Math.abs(n) < Number.MAX_SAFE_INTEGER ? n : undefined);
    if (s.exclusiveMinimum !== undefined) parts.push(`more than ${s.exclusiveMinimum}${safe(s.maximum) !== undefined ? `, at most ${s.maximum}` : ""}`);
    else bound("", safe(s.minimum), safe(s.maximum));
    if (s.pattern) parts.push(`pattern \`${s.pattern}\``);
    return parts.map((p) => p.trim()).join("; ");
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

// ---------------------------------------------------------------------------------
// Pulumi.yaml: the keys declared there, and the comment that lists the others.
// ---------------------------------------------------------------------------------

const COMMENT_START = "# Optional keys without a default (set them in Pulumi.<stack>.yaml as landing-zone:<key>):";

/** The comment listing every schema key that Pulumi.yaml does not declare, with its description. */
export function renderOptionalKeysComment(projectYaml: string): string {
    const declared = new Set(Object.keys((parse(projectYaml) as { config?: Record<string, unknown> }).config ?? {}));
    const schema = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
    const lines = [COMMENT_START, "# (generated from the schema by `npm run docs`; full reference: docs/config-reference.md)"];
    for (const [key, s] of Object.entries(schema.properties ?? {})) {
        if (!declared.has(key)) lines.push(`#   ${key}: ${s.description ?? ""}`);
    }
    return lines.join("\n") + "\n";
}

/** Pulumi.yaml with its optional-keys comment (everything from COMMENT_START on) regenerated. */
export function withOptionalKeysComment(projectYaml: string): string {
    const at = projectYaml.indexOf(COMMENT_START);
    const head = (at >= 0 ? projectYaml.slice(0, at) : projectYaml).replace(/\n*$/, "\n\n");
    return head + renderOptionalKeysComment(projectYaml);
}

if (require.main === module) {
    fs.writeFileSync(REFERENCE_FILE, renderConfigReference());
    fs.writeFileSync(PROJECT_FILE, withOptionalKeysComment(fs.readFileSync(PROJECT_FILE, "utf8")));
    console.log(`wrote ${path.relative(process.cwd(), REFERENCE_FILE)} and the optional keys of ${path.relative(process.cwd(), PROJECT_FILE)}`);
}
