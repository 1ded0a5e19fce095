/**
 * Config keys of the guardrails section (SCPs, tag policies, budgets). Composed into the stack
 * schema in ../config.ts; cross-field rules run in `validateGuardrails` with the whole parsed config.
 *
 * ../config.ts spreads `guardrailsConfigShape` while it loads, so this module must not load
 * ../config.ts (directly or through ../plan.ts) at module level: whichever of the two a test
 * imports first, the other would be seen half-initialized. Types only, and ../plan.ts lazily.
 */
import { z } from "zod";
import type { LandingZoneConfig } from "../config";
import type { LandingZonePlan } from "../plan";
import { DEFAULT_NON_PRODUCTION_INSTANCE_TYPES, GUARDRAIL_NAMES, SERVICE_ALLOW_LIST } from "./scp";
import { computeGuardrails } from "./plan";

/** AWS region codes: `eu-west-1`, `us-gov-west-1`, `ap-southeast-4`... */
const REGION = /^(us|eu|ap|sa|ca|me|af|il|mx|cn)(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-\d{1,2}$/;
export const regionName = z.string().regex(REGION, { message: "must be an AWS region code such as eu-west-1" });

export const instanceTypePattern = z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z0-9*]+|\*)$/, {
    message: "must be an EC2 instance type or pattern such as t3.micro or t3.*",
});

/** A service prefix as IAM actions use it (`s3`, `ec2`, `access-analyzer`). */
export const servicePrefix = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, {
    message: "must be an IAM service prefix such as s3, ec2 or access-analyzer",
});

const actionPattern = z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9*?]+$/, {
    message: "must be an IAM action or pattern such as budgets:* or ec2:DescribeRegions",
});

const guardrailName = z.enum(GUARDRAIL_NAMES, {
    message: `is not a guardrail; known guardrails: ${GUARDRAIL_NAMES.join(", ")} (the ${SERVICE_ALLOW_LIST} is set with serviceAllowLists)`,
});

const roleName = z.string().regex(/^[\w+=,.@-]{1,64}$/, {
    message: "must be 1-64 characters: letters, digits and + = , . @ _ -",
});

const ouKey = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, {
    message: "must be 1-40 characters: lower-case letters, digits and '-', starting with a letter",
});

/** Resource types tag policies can enforce compliance for (Organizations docs, "Services and resource types that support enforcement"). */
export const DEFAULT_TAG_ENFORCED_FOR = [
    "ec2:instance",
    "ec2:volume",
    "ec2:snapshot",
    "ec2:security-group",
    "ec2:vpc",
    "ec2:subnet",
    "rds:db",
    "dynamodb:table",
    "lambda:function",
];

/** Services an allow-list must keep: the platform manages roles and the security services everywhere. */
export const PLATFORM_SERVICES = ["iam", "sts", "cloudtrail", "config", "guardduty", "access-analyzer", "securityhub"];

export const DEFAULT_PLATFORM_ROLE_NAME = "OrganizationAccountAccessRole";
export const DEFAULT_PLATFORM_ROLE_PATH = "/landing-zone/";

export const guardrailsSchema = z.strictObject({
    /** Attach the baseline (docs/guardrails.md) in addition to `attachments`. */
    baseline: z.boolean().default(true),
    /**
     * The role exempt from the guardrails that have an exemption. By default the organization
     * access role, through which the landing zone itself works inside member accounts.
     */
    platformRoleName: roleName.default(DEFAULT_PLATFORM_ROLE_NAME),
    /** IAM path of the landing zone's own roles, protected by `protect-platform-roles`. */
    platformRolePath: z
        .string()
        .regex(/^\/([\w+=,.@-]+\/)+$/, { message: "must be an IAM path such as /landing-zone/ (not the root path /)" })
        .default(DEFAULT_PLATFORM_ROLE_PATH),
    /** Regions where regional services may be used; `region-allow-list` joins the baseline when set. */
    allowedRegions: z.array(regionName).min(1, { message: "must list at least one region" }).optional(),
    /**
     * Accounts outside the organization whose principals may still assume roles in member
     * accounts (third-party vendors trusted with sts:ExternalId): the resource control policy
     * exempts them. 12-digit account IDs.
     */
    trustedExternalAccountIds: z.array(z.string().regex(/^\d{12}$/, { message: "must be a 12-digit AWS account ID" })).default([]),
    /** More actions exempt from the region allow-list (global services this organization uses). */
    extraGlobalActions: z.array(actionPattern).default([]),
    nonProductionInstanceTypes: z
        .array(instanceTypePattern)
        .min(1, { message: "must list at least one instance type" })
        .default([...DEFAULT_NON_PRODUCTION_INSTANCE_TYPES]),
    /** Needed only when `instance-type-allow-list` is attached to a production target. */
    productionInstanceTypes: z.array(instanceTypePattern).min(1, { message: "must list at least one instance type" }).optional(),
    attachments: z
        .strictObject({
            root: z.array(guardrailName).default([]),
            organizationalUnits: z.record(ouKey, z.array(guardrailName)).default({}),
            accounts: z.record(ouKey, z.array(guardrailName)).default({}),
        })
        .prefault({}),
    /** OU key -> services: the OU's FullAWSAccess is replaced by an allow-list of these services. */
    serviceAllowLists: z
        .record(ouKey, z.array(servicePrefix).min(1, { message: "must list at least one service" }))
        .default({}),
    tagPolicies: z
        .strictObject({
            enabled: z.boolean().default(true),
            enforcedFor: z
                .array(z.string().regex(/^[a-z0-9-]+:([a-z0-9-]+|\*)$/, { message: "must be a resource type such as ec2:instance" }))
                .default(DEFAULT_TAG_ENFORCED_FOR),
        })
        .prefault({}),
});

export type GuardrailsConfig = z.output<typeof guardrailsSchema>;

export const BUDGET_NOTIFICATION_TYPES = ["ACTUAL", "FORECASTED"] as const;
/** AWS Budgets: up to 10 notifications per budget, up to 10 email subscribers per notification. */
export const MAX_BUDGET_NOTIFICATIONS = 10;
export const MAX_BUDGET_EMAILS = 10;

const amount = z
    .number({ message: "must be a number" })
    .positive({ message: "must be more than 0" })
    .max(1e9, { message: "must be at most 1,000,000,000" });

const email = z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s.]+$/, { message: "must be an email address such as finops@example.com" });

export const DEFAULT_BUDGET_THRESHOLDS = [
    { percent: 80, type: "FORECASTED" as const },
    { percent: 100, type: "ACTUAL" as const },
];

export const budgetsSchema = z.strictObject({
    currency: z.string().regex(/^[A-Z]{3}$/, { message: "must be a currency code such as USD" }).default("USD"),
    /** Monthly limit of every environment without its own entry in `monthlyLimits`. */
    defaultMonthlyLimit: amount.default(100),
    /** Environment name -> monthly limit. */
    monthlyLimits: z.record(z.string(), amount).default({}),
    /** Key of a member account that hosts no environment -> monthly limit of its own budget. */
    accountMonthlyLimits: z.record(z.string(), amount).default({}),
    alertEmails: z
        .array(email)
        .min(1, { message: "must list at least one email address" })
        .max(MAX_BUDGET_EMAILS, { message: `AWS Budgets allows at most ${MAX_BUDGET_EMAILS} email subscribers per notification` }),
    thresholds: z
        .array(
            z.strictObject({
                percent: z.number({ message: "must be a number" }).positive({ message: "must be more than 0" }).max(1000, { message: "must be at most 1000" }),
                type: z.enum(BUDGET_NOTIFICATION_TYPES, { message: "must be ACTUAL or FORECASTED" }),
            }),
        )
        .min(1, { message: "must list at least one threshold" })
        .max(MAX_BUDGET_NOTIFICATIONS, { message: `AWS Budgets allows at most ${MAX_BUDGET_NOTIFICATIONS} notifications per budget` })
        .default(DEFAULT_BUDGET_THRESHOLDS),
});

export type BudgetsConfig = z.output<typeof budgetsSchema>;

export const guardrailsConfigShape = {
    /** SCPs and tag policies (multi-account and hybrid only). Absent: the baseline with defaults. */
    guardrails: guardrailsSchema.optional(),
    /** Monthly budgets per environment (every layout). Absent: no budgets. */
    budgets: budgetsSchema.optional(),
};

/** The guardrails section with its defaults, also when the key is absent. */
export function resolveGuardrailsConfig(cfg: { guardrails?: GuardrailsConfig }): GuardrailsConfig {
    return cfg.guardrails ?? guardrailsSchema.parse({});
}

/** Same as `report` in ../config.ts (not imported: see the header). */
function report(ctx: z.RefinementCtx, path: (string | number)[], value: unknown, message: string): void {
    ctx.addIssue({ code: "custom", path, input: value, message });
}

export function validateGuardrails(config: Record<string, unknown>, ctx: z.RefinementCtx): void {
    const cfg = config as unknown as LandingZoneConfig;
    const g = cfg.guardrails;
    const ouKeys = Object.keys(cfg.organizationalUnits ?? {});
    const accountKeys = Object.keys(cfg.accounts ?? {});

    if (cfg.budgets) {
        const envNames = (cfg.environments ?? []).map((e) => e.name);
        for (const env of Object.keys(cfg.budgets.monthlyLimits)) {
            if (!envNames.includes(env)) {
                report(ctx, ["budgets", "monthlyLimits", env], cfg.budgets.monthlyLimits[env],
                    `names an unknown environment '${env}'; declared: ${envNames.join(", ")}`);
            }
        }
        for (const key of Object.keys(cfg.budgets.accountMonthlyLimits)) {
            const a = cfg.accounts?.[key];
            if (!a || a.environments.length > 0) {
                const eligible = Object.keys(cfg.accounts ?? {}).filter((k) => cfg.accounts[k].environments.length === 0);
                report(ctx, ["budgets", "accountMonthlyLimits", key], cfg.budgets.accountMonthlyLimits[key],
                    `must name a member account that hosts no environment (those have budgets of their own); eligible: ${eligible.join(", ") || "(none)"}`);
            }
        }
        const seen = new Set<string>();
        cfg.budgets.thresholds.forEach((t, i) => {
            const id = `${t.type}/${t.percent}`;
            if (seen.has(id)) report(ctx, ["budgets", "thresholds", i], t, "is listed twice");
            seen.add(id);
        });
    }

    if (cfg.layout === "single-account") {
        if (g !== undefined) {
            report(ctx, ["guardrails"], "(set)",
                "is not allowed when layout is single-account: service control policies and tag policies need AWS Organizations (use multi-account or hybrid); budgets still apply");
        }
        return;
    }

    const resolved = resolveGuardrailsConfig(cfg);
    const lists: [(string | number)[], string[]][] = [[["guardrails", "attachments", "root"], resolved.attachments.root]];
    for (const [section, known, what] of [
        ["organizationalUnits", ouKeys, "OU"],
        ["accounts", accountKeys, "account"],
    ] as const) {
        for (const [key, names] of Object.entries(resolved.attachments[section])) {
            if (!known.includes(key)) {
                report(ctx, ["guardrails", "attachments", section, key], key,
                    `names an unknown ${what}; known ${what}s: ${known.join(", ") || "(none)"}`);
            }
            lists.push([["guardrails", "attachments", section, key], names]);
        }
    }
    for (const [path, names] of lists) {
        names.forEach((n, i) => {
            if (names.indexOf(n) !== i) report(ctx, [...path, i], n, "is listed twice for the same target");
            if (n === "region-allow-list" && !resolved.allowedRegions) {
                report(ctx, [...path, i], n, "needs landing-zone:guardrails.allowedRegions, which is not set");
            }
        });
    }
    for (const [key, services] of Object.entries(resolved.serviceAllowLists)) {
        if (!ouKeys.includes(key)) {
            report(ctx, ["guardrails", "serviceAllowLists", key], key, `names an unknown OU; known OUs: ${ouKeys.join(", ") || "(none)"}`);
        }
        const missing = PLATFORM_SERVICES.filter((s) => !services.includes(s));
        if (missing.length) {
            report(ctx, ["guardrails", "serviceAllowLists", key], services,
                `must include ${missing.join(", ")}: the platform maintains identities and the security services in every account, an allow-list without them would lock it out`);
        }
    }
    (resolved.allowedRegions ?? []).forEach((r, i, all) => {
        if (all.indexOf(r) !== i) report(ctx, ["guardrails", "allowedRegions", i], r, "is listed twice");
    });

    // Everything that needs the OU tree and the accounts' classes (targets, sizes, packing)
    // is checked on the plan. ../config.ts runs this only once the structure itself is sound.
    const { problems, plan: gp } = computeGuardrails(corePlan(cfg));
    for (const p of problems) report(ctx, p.path, p.value, p.message);

    const enabled = cfg.organization?.enabledPolicyTypes ?? ["SERVICE_CONTROL_POLICY", "TAG_POLICY"];
    if (gp.targets.length > 0 && !enabled.includes("SERVICE_CONTROL_POLICY")) {
        report(ctx, ["organization", "enabledPolicyTypes"], enabled,
            "must include SERVICE_CONTROL_POLICY: guardrails are attached (set guardrails.baseline: false and no attachments to have none)");
    }
    if (gp.tagPolicies.length > 0 && !enabled.includes("TAG_POLICY")) {
        report(ctx, ["organization", "enabledPolicyTypes"], enabled,
            "must include TAG_POLICY: tag policies are attached (or set guardrails.tagPolicies.enabled: false)");
    }
}

/** The core plan of a config whose structure ../config.ts has found sound. */
function corePlan(cfg: LandingZoneConfig): LandingZonePlan {
    // Lazy on purpose (see the header): by the time a config is validated, both modules are loaded.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildPlan } = require("../plan") as typeof import("../plan");
    return buildPlan(cfg);
}
