/**
 * Stack configuration: the schema of every `landing-zone:*` key and its validation.
 *
 * Pure: no Pulumi import. `parseConfig` takes the raw values of the stack's config
 * namespace (as `pulumi config` stores them: strings, or structured YAML values) and
 * returns a typed, defaulted `LandingZoneConfig`, or throws one `ConfigError` that lists
 * every problem at once, each naming the key path, the bad value and what is allowed.
 */
import { z } from "zod";
import { accessConfigShape, validateAccess } from "./access/config";
import { guardrailsConfigShape, validateGuardrails } from "./guardrails/config";
import { reviewConfigShape } from "./review/config";
import { securityConfigShape, validateSecurity } from "./security/config";

/** The config namespace: the project name in Pulumi.yaml. */
export const CONFIG_NAMESPACE = "landing-zone";

export const LAYOUTS = ["single-account", "multi-account", "hybrid"] as const;
export type Layout = (typeof LAYOUTS)[number];

// ---------------------------------------------------------------------------------
// Reusable field schemas, each with the AWS rule it enforces in its message.
// ---------------------------------------------------------------------------------

/** Environment names end up in tag values, IAM names and logical names: keep them short and plain. */
export const environmentName = z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, {
        message: "must be 1-20 characters: lower-case letters, digits and '-', starting with a letter",
    });

/** A stable key used to derive logical resource names (never a list position). */
export const logicalKey = z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,39}$/, {
        message: "must be 1-40 characters: lower-case letters, digits and '-', starting with a letter",
    });

// Tag rules (AWS): key 1-128, value 0-256, letters, digits, spaces and _ . : / = + - @; `aws:` is reserved.
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const tagKey = z
    .string()
    .min(1, { message: "must be 1-128 characters" })
    .max(128, { message: "must be 1-128 characters" })
    .regex(TAG_CHARS, { message: "may contain only letters, digits, spaces and _ . : / = + - @" })
    .refine((k) => !k.toLowerCase().startsWith("aws:"), { message: "the 'aws:' prefix is reserved by AWS" });
export const tagValue = z
    .string()
    .max(256, { message: "must be at most 256 characters" })
    .regex(TAG_CHARS, { message: "may contain only letters, digits, spaces and _ . : / = + - @" });
export const tagMap = z.record(tagKey, tagValue);

export const MAX_TAGS_PER_RESOURCE = 50;

/** AWS Organizations account email: 6-64 characters, exactly one '@', a domain with a dot. */
export const accountEmail = z
    .string()
    .refine((e) => e.length >= 6 && e.length <= 64, { message: "must be 6-64 characters" })
    .refine((e) => /^[^@\s]+@[^@\s]+\.[^@\s.]+$/.test(e), {
        message: "must be an email address with one '@' and a domain with a dot (for example aws+dev@example.com)",
    });

/** Account name: 1-50 printable ASCII characters. */
export const accountName = z.string().regex(/^[\x20-\x7e]{1,50}$/, {
    message: "must be 1-50 printable ASCII characters",
});

export const accountId = z.string().regex(/^\d{12}$/, { message: "must be a 12-digit AWS account ID" });

/** IAM role name: up to 64 of letters, digits and + = , . @ _ -. */
export const iamRoleName = z.string().regex(/^[\w+=,.@-]{1,64}$/, {
    message: "must be 1-64 characters: letters, digits and + = , . @ _ -",
});

export const awsServicePrincipal = z.string().regex(/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/, {
    message: "must be an AWS service principal such as cloudtrail.amazonaws.com",
});

export const ORGANIZATION_POLICY_TYPES = [
    "SERVICE_CONTROL_POLICY",
    "TAG_POLICY",
    "BACKUP_POLICY",
    "AISERVICES_OPT_OUT_POLICY",
    "RESOURCE_CONTROL_POLICY",
] as const;

// ---------------------------------------------------------------------------------
// Sections.
// ---------------------------------------------------------------------------------

const environmentSchema = z.strictObject({
    name: environmentName,
    /** Production environments never share an account with non-production ones. */
    production: z.boolean().default(false),
});

export const DEFAULT_ENVIRONMENTS = [
    { name: "dev", production: false },
    { name: "test", production: false },
    { name: "staging", production: false },
    { name: "prod", production: true },
];

export const DEFAULT_SERVICE_ACCESS_PRINCIPALS = [
    "cloudtrail.amazonaws.com",
    "config.amazonaws.com",
    "guardduty.amazonaws.com",
    "securityhub.amazonaws.com",
    "access-analyzer.amazonaws.com",
    "sso.amazonaws.com",
];

const organizationSchema = z.strictObject({
    /** Adopt an existing organization: its ID (o-...). The resource is imported, never recreated. */
    existingId: z
        .string()
        .regex(/^o-[a-z0-9]{10,32}$/, { message: "must be an organization ID like o-exampleorgid" })
        .optional(),
    awsServiceAccessPrincipals: z.array(awsServicePrincipal).default(DEFAULT_SERVICE_ACCESS_PRINCIPALS),
    enabledPolicyTypes: z
        .array(z.enum(ORGANIZATION_POLICY_TYPES))
        .default(["SERVICE_CONTROL_POLICY", "TAG_POLICY"]),
});

export const ENVIRONMENT_CLASSES = ["production", "non-production"] as const;
export type EnvironmentClass = (typeof ENVIRONMENT_CLASSES)[number];

const organizationalUnitSchema = z.strictObject({
    /** Display name in AWS; defaults to the key. */
    name: z
        .string()
        .regex(/^[\x20-\x7e]{1,128}$/, { message: "must be 1-128 printable ASCII characters" })
        .optional(),
    /** Key of the parent OU; absent means the organization root. */
    parent: logicalKey.optional(),
    /** Declares what the OU may hold; when absent it is derived from the accounts below it. */
    environmentClass: z.enum(ENVIRONMENT_CLASSES).optional(),
    tags: tagMap.default({}),
    /** Adopt an existing OU: its ID (ou-...). The resource is imported. */
    existingId: z
        .string()
        .regex(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, { message: "must be an OU ID like ou-ab12-cd34ef56" })
        .optional(),
    /** Keys this OU had before a rename: registered as aliases, so the OU is not replaced. */
    formerKeys: z.array(logicalKey).default([]),
});

const accountSchema = z.strictObject({
    name: accountName,
    email: accountEmail,
    /** Key of the parent OU; absent means the organization root. */
    ou: logicalKey.optional(),
    /** Environments hosted by the account. More than one: separated by tags inside it. */
    environments: z.array(environmentName).default([]),
    /** For an account that hosts no environment (security tooling, sandbox): its class. */
    environmentClass: z.enum(ENVIRONMENT_CLASSES).optional(),
    owner: z.string().min(1).max(256).optional(),
    /** Adopt an existing member account: its 12-digit ID. The resource is imported. */
    existingId: accountId.optional(),
    roleName: iamRoleName.default("OrganizationAccountAccessRole"),
    iamUserAccessToBilling: z.enum(["ALLOW", "DENY"]).default("DENY"),
    /**
     * Closing a real account when its resource is deleted. Dangerous and rate-limited by AWS;
     * off unless the config says so for this one account.
     */
    closeOnDeletion: z.boolean().default(false),
    tags: tagMap.default({}),
    /** Keys this account had before a rename: registered as aliases, so the account is not replaced. */
    formerKeys: z.array(logicalKey).default([]),
});

// ---------------------------------------------------------------------------------
// The whole namespace.
// ---------------------------------------------------------------------------------

export const configSchema = z
    .strictObject({
        layout: z.enum(LAYOUTS, { message: `must be one of ${LAYOUTS.join(", ")}` }),
        /** Application name; adds an `Application=<name>` tag everywhere. */
        application: tagValue.min(1).optional(),
        /** Extra tags on every resource that takes tags. */
        tags: tagMap.default({}),
        environmentTagKey: tagKey.default("Environment"),
        /** Tag value for accounts and OUs that hold several non-production environments. */
        nonProductionTagValue: tagValue.min(1).default("nonprod"),
        /** Tag value for accounts and OUs of the production class that host no single environment. */
        productionTagValue: tagValue.min(1).default("prod"),
        environments: z.array(environmentSchema).default(DEFAULT_ENVIRONMENTS),
        organization: organizationSchema.optional(),
        organizationalUnits: z.record(logicalKey, organizationalUnitSchema).default({}),
        accounts: z.record(logicalKey, accountSchema).default({}),
        /**
         * Where people's IAM users live: `management` (the account Pulumi runs in) or the key of a
         * member account.
         */
        identityAccount: z.union([z.literal("management"), logicalKey]).default("management"),
        ...accessConfigShape,
        ...guardrailsConfigShape,
        ...reviewConfigShape,
        ...securityConfigShape,
    })
    .superRefine((c, ctx) => {
        // The sections' rules (access, guardrails) read the structure (accounts, OUs, classes):
        // they run once it is sound, so they never trip over a broken reference.
        let structural = 0;
        const counting: z.RefinementCtx = Object.create(ctx);
        counting.addIssue = (issue: Parameters<z.RefinementCtx["addIssue"]>[0]) => {
            structural++;
            ctx.addIssue(issue);
        };
        validateStructure(c, counting);
        if (structural > 0) return;
        validateAccess(c, ctx);
        validateGuardrails(c, ctx);
        validateSecurity(c, ctx);
    });

export type LandingZoneConfig = z.output<typeof configSchema>;
export type RawConfig = z.input<typeof configSchema>;
export type AccountConfig = LandingZoneConfig["accounts"][string];
export type OrganizationalUnitConfig = LandingZoneConfig["organizationalUnits"][string];
export type RefinementCtx = z.RefinementCtx;

/** Adds an issue naming a key path, the bad value and what is allowed. */
export function report(ctx: z.RefinementCtx, path: (string | number)[], value: unknown, message: string): void {
    ctx.addIssue({ code: "custom", path, input: value, message });
}

export const MAX_OU_DEPTH = 5;

/** Cross-field rules: references, layouts, OU tree, production separation. */
function validateStructure(c: object, ctx: z.RefinementCtx): void {
    const cfg = c as LandingZoneConfig;
    const envNames = cfg.environments.map((e) => e.name);
    const envByName = new Map(cfg.environments.map((e) => [e.name, e]));

    if (cfg.environments.length === 0) {
        report(ctx, ["environments"], cfg.environments, "must list at least one environment");
    }
    cfg.environments.forEach((e, i) => {
        if (envNames.indexOf(e.name) !== i) {
            report(ctx, ["environments", i, "name"], e.name, "is a duplicate; environment names must be unique");
        }
    });
    if (cfg.nonProductionTagValue === cfg.productionTagValue) {
        report(ctx, ["nonProductionTagValue"], cfg.nonProductionTagValue, "must differ from productionTagValue");
    }
    cfg.environments.forEach((e, i) => {
        if (e.name === cfg.nonProductionTagValue && !e.production) return; // e.g. one env called nonprod
        if (e.name === cfg.nonProductionTagValue && e.production) {
            report(ctx, ["environments", i, "name"], e.name,
                `is the non-production tag value (nonProductionTagValue) but the environment is production`);
        }
        if (e.name === cfg.productionTagValue && !e.production) {
            report(ctx, ["environments", i, "production"], e.production,
                `must be true: the environment is named like the production tag value (productionTagValue=${cfg.productionTagValue})`);
        }
    });

    const baseTags = Object.keys(cfg.tags).length + 1 /* environment */ + (cfg.application ? 1 : 0) + 2; /* ManagedBy, Owner */
    if (baseTags > MAX_TAGS_PER_RESOURCE) {
        report(ctx, ["tags"], Object.keys(cfg.tags).length,
            `too many tags: with the generated ones a resource would carry ${baseTags}; AWS allows ${MAX_TAGS_PER_RESOURCE}`);
    }
    for (const k of Object.keys(cfg.tags)) {
        if (k === cfg.environmentTagKey || k === "Application") {
            report(ctx, ["tags", k], k, `is set by the landing zone itself; remove it from tags`);
        }
    }

    const ouKeys = Object.keys(cfg.organizationalUnits);
    const accountKeys = Object.keys(cfg.accounts);

    if (cfg.layout === "single-account") {
        if (cfg.organization) {
            report(ctx, ["organization"], "(set)", "is not allowed when layout is single-account (no AWS Organizations); use multi-account or hybrid");
        }
        if (ouKeys.length > 0) {
            report(ctx, ["organizationalUnits"], ouKeys.join(", "), "is not allowed when layout is single-account; use multi-account or hybrid");
        }
        if (accountKeys.length > 0) {
            report(ctx, ["accounts"], accountKeys.join(", "), "is not allowed when layout is single-account: all environments live in the account Pulumi deploys to");
        }
        if (cfg.identityAccount !== "management") {
            report(ctx, ["identityAccount"], cfg.identityAccount, "must be 'management' when layout is single-account");
        }
        return;
    }

    // --- Organizations layouts -----------------------------------------------------
    if (accountKeys.length === 0) {
        report(ctx, ["accounts"], {}, `must declare at least one member account when layout is ${cfg.layout}`);
    }

    // OU tree: parents exist, no cycles, depth <= 5, sibling names unique.
    const depthOf = new Map<string, number>();
    for (const key of ouKeys) {
        const seen: string[] = [];
        let cur: string | undefined = key;
        let broken = false;
        while (cur !== undefined) {
            if (seen.includes(cur)) {
                report(ctx, ["organizationalUnits", key, "parent"], cfg.organizationalUnits[key].parent,
                    `forms a cycle (${[...seen, cur].join(" -> ")}); an OU's parents must lead to the root`);
                broken = true;
                break;
            }
            seen.push(cur);
            const ou: OrganizationalUnitConfig | undefined = cfg.organizationalUnits[cur];
            if (!ou) {
                report(ctx, ["organizationalUnits", seen[seen.length - 2], "parent"], cur,
                    `names an unknown OU; known OUs: ${ouKeys.join(", ") || "(none)"}`);
                broken = true;
                break;
            }
            cur = ou.parent;
        }
        if (!broken) {
            depthOf.set(key, seen.length);
            if (seen.length > MAX_OU_DEPTH) {
                report(ctx, ["organizationalUnits", key], seen.reverse().join("/"),
                    `is nested ${seen.length} levels below the root; AWS Organizations allows at most ${MAX_OU_DEPTH}`);
            }
        }
    }
    const siblingNames = new Map<string, string>();
    for (const key of ouKeys) {
        const ou = cfg.organizationalUnits[key];
        const id = `${ou.parent ?? "(root)"}/${(ou.name ?? key).toLowerCase()}`;
        const other = siblingNames.get(id);
        if (other) {
            report(ctx, ["organizationalUnits", key, "name"], ou.name ?? key,
                `is also the name of OU '${other}' under the same parent; sibling OU names must be unique`);
        } else {
            siblingNames.set(id, key);
        }
    }

    // Former keys (renames) must not name a current entry or another entry's former key.
    const renamable: [string, Record<string, { formerKeys: string[] }>][] = [
        ["organizationalUnits", cfg.organizationalUnits],
        ["accounts", cfg.accounts],
    ];
    for (const [section, entries] of renamable) {
        const owner = new Map<string, string>();
        for (const [key, entry] of Object.entries(entries)) {
            entry.formerKeys.forEach((old, i) => {
                if (old in entries) {
                    report(ctx, [section, key, "formerKeys", i], old, `is the key of a current entry; a former key must no longer be in use`);
                } else if (owner.has(old)) {
                    report(ctx, [section, key, "formerKeys", i], old, `is also a former key of '${owner.get(old)}'`);
                } else owner.set(old, key);
            });
        }
    }

    // Accounts: references, uniqueness, environments.
    const names = new Map<string, string>();
    const emails = new Map<string, string>();
    const hostsOf = new Map<string, string[]>(); // env -> account keys
    for (const key of accountKeys) {
        const a = cfg.accounts[key];
        const lname = a.name.toLowerCase();
        if (names.has(lname)) {
            report(ctx, ["accounts", key, "name"], a.name, `is already the name of account '${names.get(lname)}'; account names must be unique`);
        } else names.set(lname, key);
        const lemail = a.email.toLowerCase();
        if (emails.has(lemail)) {
            report(ctx, ["accounts", key, "email"], a.email, `is already the email of account '${emails.get(lemail)}'; every AWS account needs its own email`);
        } else emails.set(lemail, key);
        if (a.ou !== undefined && !cfg.organizationalUnits[a.ou]) {
            report(ctx, ["accounts", key, "ou"], a.ou, `names an unknown OU; known OUs: ${ouKeys.join(", ") || "(none)"}`);
        }
        a.environments.forEach((env, i) => {
            if (!envByName.has(env)) {
                report(ctx, ["accounts", key, "environments", i], env, `is not a declared environment; declared: ${envNames.join(", ")}`);
            } else if (a.environments.indexOf(env) !== i) {
                report(ctx, ["accounts", key, "environments", i], env, "is listed twice");
            } else {
                hostsOf.set(env, [...(hostsOf.get(env) ?? []), key]);
            }
        });
        const classes = new Set(a.environments.filter((e) => envByName.has(e)).map((e) => (envByName.get(e)!.production ? "production" : "non-production")));
        if (classes.size > 1) {
            report(ctx, ["accounts", key, "environments"], a.environments.join(", "),
                "mixes production and non-production environments; production must have accounts of its own");
        }
        if (a.environments.length === 0 && !a.environmentClass) {
            report(ctx, ["accounts", key, "environmentClass"], undefined,
                "is required for an account that hosts no environment: production or non-production");
        }
        if (a.environments.length > 0 && a.environmentClass) {
            const derived = [...classes][0];
            if (derived && derived !== a.environmentClass) {
                report(ctx, ["accounts", key, "environmentClass"], a.environmentClass,
                    `contradicts the account's environments (${a.environments.join(", ")}), which are ${derived}`);
            }
        }
        if (a.environments.length > 1 && cfg.layout === "multi-account") {
            report(ctx, ["accounts", key, "environments"], a.environments.join(", "),
                "hosts several environments; in the multi-account layout every account hosts at most one (use hybrid to share a non-production account)");
        }
        for (const k of Object.keys(a.tags)) {
            if (k === cfg.environmentTagKey || k === "Application") {
                report(ctx, ["accounts", key, "tags", k], k, "is set by the landing zone itself; remove it from tags");
            }
        }
    }
    cfg.environments.forEach((e, i) => {
        if (!hostsOf.has(e.name) && accountKeys.length > 0) {
            report(ctx, ["environments", i, "name"], e.name, "is hosted by no account; list it in the environments of some account");
        }
    });
    if (cfg.layout === "hybrid") {
        const nonProd = cfg.environments.filter((e) => !e.production).map((e) => e.name);
        const sharedHosts = new Set(nonProd.flatMap((e) => hostsOf.get(e) ?? []));
        if (sharedHosts.size > 1) {
            report(ctx, ["accounts"], [...sharedHosts].join(", "),
                "hybrid layout: all non-production environments must share exactly one account; these accounts each host some of them");
        }
        for (const key of sharedHosts) {
            const missing = nonProd.filter((e) => !cfg.accounts[key].environments.includes(e));
            if (missing.length && sharedHosts.size === 1) {
                report(ctx, ["accounts", key, "environments"], cfg.accounts[key].environments.join(", "),
                    `hybrid layout: the shared non-production account must host every non-production environment; missing ${missing.join(", ")}`);
            }
        }
    }
    if (cfg.identityAccount !== "management" && !cfg.accounts[cfg.identityAccount]) {
        report(ctx, ["identityAccount"], cfg.identityAccount, `must be 'management' or the key of a declared account (${accountKeys.join(", ")})`);
    }

    // OU classes: a declared class must match what sits below it.
    for (const key of ouKeys) {
        const declared = cfg.organizationalUnits[key].environmentClass;
        if (!declared) continue;
        for (const akey of accountKeys) {
            const a = cfg.accounts[akey];
            if (!a.ou || !isOuAncestorOrSelf(cfg, key, a.ou)) continue;
            const cls = accountClass(cfg, a);
            if (cls && cls !== declared) {
                report(ctx, ["accounts", akey, "ou"], a.ou,
                    `places a ${cls} account under OU '${key}', which is declared ${declared}`);
            }
        }
    }
}

/** True when `ancestor` is `ou` or one of its parents. Stops on cycles (reported elsewhere). */
export function isOuAncestorOrSelf(cfg: LandingZoneConfig, ancestor: string, ou: string): boolean {
    const seen = new Set<string>();
    let cur: string | undefined = ou;
    while (cur !== undefined && !seen.has(cur)) {
        if (cur === ancestor) return true;
        seen.add(cur);
        cur = cfg.organizationalUnits[cur]?.parent;
    }
    return false;
}

/** An account's class: from its environments, else as declared. */
export function accountClass(cfg: LandingZoneConfig, a: AccountConfig): EnvironmentClass | undefined {
    const envs = cfg.environments.filter((e) => a.environments.includes(e.name));
    if (envs.length > 0) return envs.some((e) => e.production) ? "production" : "non-production";
    return a.environmentClass;
}

// ---------------------------------------------------------------------------------
// Parsing and error reporting.
// ---------------------------------------------------------------------------------

export interface ConfigProblem {
    /** Full config key path, e.g. `landing-zone:accounts.dev.email`. */
    key: string;
    value: unknown;
    message: string;
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

function describeValue(v: unknown): string {
    if (v === undefined) return "nothing";
    const s = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
    return s.length > 120 ? s.slice(0, 117) + "..." : s;
}

export function keyPath(path: PropertyKey[]): string {
    const [head, ...rest] = path.map((p) => String(p));
    let out = `${CONFIG_NAMESPACE}:${head ?? ""}`;
    for (const p of rest) out += /^\d+$/.test(p) ? `[${p}]` : /^[A-Za-z_][\w-]*$/.test(p) ? `.${p}` : `["${p}"]`;
    return out;
}

/** Parses the raw namespace values. Throws ConfigError listing every problem. */
export function parseConfig(raw: Record<string, unknown>): LandingZoneConfig {
    const result = configSchema.safeParse(raw, { reportInput: true });
    if (result.success) return result.data;
    throw new ConfigError(result.error.issues.flatMap((issue) => toProblems(issue, raw)));
}

function toProblems(issue: z.core.$ZodIssue, raw: Record<string, unknown>): ConfigProblem[] {
    if (issue.code === "unrecognized_keys") {
        // One problem per unknown key, named in full (a misspelled key is the usual cause).
        return issue.keys.map((k) => ({
            key: keyPath([...issue.path, k]),
            value: valueAt(raw, [...issue.path, k]),
            message: "is not a known key; remove it or check its spelling against the config reference",
        }));
    }
    if (issue.code === "invalid_key") {
        // A record key (OU, account, tag key...) broke its rule: say which rule, name the key.
        return [{
            key: keyPath(issue.path),
            value: issue.path[issue.path.length - 1],
            message: `is not a valid key: it ${issue.issues.map((i) => i.message).join("; ")}`,
        }];
    }
    const value = "input" in issue ? issue.input : valueAt(raw, issue.path);
    return [{ key: keyPath(issue.path), value, message: issue.message }];
}

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
    let cur: unknown = raw;
    for (const p of path) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<PropertyKey, unknown>)[p];
    }
    return cur;
}
