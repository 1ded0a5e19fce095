/**
 * Config keys of the guardrails section (SCPs, tag policies, budgets). Composed into the stack
 * schema in ../config.ts; the section's cross-field rules and limits are checked by its planner
 * (./plan.ts), which reports them as problems.
 *
 * Pure: zod, the shared fields and the guardrail names only. Descriptions and defaults here are
 * the config reference.
 */
import { z } from "zod";
import { accountId, iamRoleName, logicalKey } from "../fields";
import { DEFAULT_NON_PRODUCTION_INSTANCE_TYPES, GUARDRAIL_NAMES, SERVICE_ALLOW_LIST } from "./scp";

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

/** Resource types tag policies can enforce compliance for (Organizations docs, "Services and resource types that support enforcement"). */
export const DEFAULT_TAG_ENFORCED_FOR = ["ec2:instance", "ec2:volume", "ec2:snapshot", "ec2:security-group", "ec2:vpc", "ec2:subnet", "rds:db", "dynamodb:table", "lambda:function"];

/** Services an allow-list must keep: the platform manages roles and the security services everywhere. */
export const PLATFORM_SERVICES = ["iam", "sts", "cloudtrail", "config", "guardduty", "access-analyzer", "securityhub"];

export const DEFAULT_PLATFORM_ROLE_NAME = "OrganizationAccountAccessRole";
export const DEFAULT_PLATFORM_ROLE_PATH = "/landing-zone/";

export const guardrailsSchema = z.strictObject({
    baseline: z.boolean().default(true).describe("Attach the baseline (docs/guardrails.md) besides `attachments`."),
    platformRoleName: iamRoleName
        .default(DEFAULT_PLATFORM_ROLE_NAME)
        .describe("Role exempt from the guardrails that have an exemption (with every account's roleName): the role the landing zone works through."),
    platformRolePath: z
        .string()
        .regex(/^\/([\w+=,.@-]+\/)+$/, { message: "must be an IAM path such as /landing-zone/ (not the root path /)" })
        .default(DEFAULT_PLATFORM_ROLE_PATH)
        .describe("IAM path of the landing zone's roles, protected by protect-platform-roles."),
    allowedRegions: z
        .array(regionName)
        .min(1, { message: "must list at least one region" })
        .optional()
        .describe("Region codes where regional services may be used; when set, region-allow-list joins the baseline. A set."),
    trustedExternalAccountIds: z
        .array(accountId)
        .default([])
        .describe("12-digit IDs (quoted) of accounts outside the organization whose principals may still assume member-account roles (vendors); the resource control policy exempts them. A set."),
    extraGlobalActions: z.array(actionPattern).default([]).describe("More NotAction entries for the region allow-list (global services this organization uses). A set."),
    nonProductionInstanceTypes: z
        .array(instanceTypePattern)
        .min(1, { message: "must list at least one instance type" })
        .default([...DEFAULT_NON_PRODUCTION_INSTANCE_TYPES])
        .describe("Instance types (or patterns such as t3.*) allowed on non-production targets. A set."),
    productionInstanceTypes: z
        .array(instanceTypePattern)
        .min(1, { message: "must list at least one instance type" })
        .optional()
        .describe("Required to attach instance-type-allow-list to a production target. A set."),
    attachments: z
        .strictObject({
            root: z.array(guardrailName).default([]).describe("Guardrail names attached to the root. A set."),
            organizationalUnits: z.record(logicalKey, z.array(guardrailName)).default({}).describe("OU key -> guardrail names. Sets."),
            accounts: z.record(logicalKey, z.array(guardrailName)).default({}).describe("Account key -> guardrail names. Sets."),
        })
        .prefault({})
        .describe("Guardrails attached by name, besides the baseline."),
    serviceAllowLists: z
        .record(logicalKey, z.array(servicePrefix).min(1, { message: "must list at least one service" }))
        .default({})
        .describe("OU key -> service prefixes: the OU's FullAWSAccess is replaced by an allow-list of these services. Sets."),
    tagPolicies: z
        .strictObject({
            enabled: z.boolean().default(true).describe("Attach the environment tag policies."),
            enforcedFor: z
                .array(z.string().regex(/^[a-z0-9-]+:([a-z0-9-]+|\*)$/, { message: "must be a resource type such as ec2:instance" }))
                .default(DEFAULT_TAG_ENFORCED_FOR)
                .describe("Resource types whose tagging calls fail when the environment tag is wrong. A set."),
        })
        .prefault({})
        .describe("Environment tag policies."),
});

export type GuardrailsConfig = z.output<typeof guardrailsSchema>;

export const BUDGET_NOTIFICATION_TYPES = ["ACTUAL", "FORECASTED"] as const;
/** AWS Budgets: up to 10 notifications per budget, up to 10 email subscribers per notification. */
export const MAX_BUDGET_NOTIFICATIONS = 10;
export const MAX_BUDGET_EMAILS = 10;

const amount = z.number({ message: "must be a number" }).positive({ message: "must be more than 0" }).max(1e9, { message: "must be at most 1,000,000,000" });

const email = z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s.]+$/, { message: "must be an email address such as finops@example.com" });

export const DEFAULT_BUDGET_THRESHOLDS = [
    { percent: 80, type: "FORECASTED" as const },
    { percent: 100, type: "ACTUAL" as const },
];

export const budgetsSchema = z.strictObject({
    currency: z
        .string()
        .regex(/^[A-Z]{3}$/, { message: "must be a currency code such as USD" })
        .default("USD")
        .describe("Unit of the limits."),
    defaultMonthlyLimit: amount.default(100).describe("Monthly limit of every environment without its own."),
    monthlyLimits: z.record(z.string(), amount).default({}).describe("Environment name -> monthly limit."),
    accountMonthlyLimits: z.record(z.string(), amount).default({}).describe("Key of a member account that hosts no environment -> monthly limit of its own budget."),
    alertEmails: z
        .array(email)
        .min(1, { message: "must list at least one email address" })
        .max(MAX_BUDGET_EMAILS, { message: `AWS Budgets allows at most ${MAX_BUDGET_EMAILS} email subscribers per notification` })
        .describe("1-10 addresses notified at every threshold. A set."),
    thresholds: z
        .array(
            z.strictObject({
                percent: z
                    .number({ message: "must be a number" })
                    .positive({ message: "must be more than 0" })
                    .max(1000, { message: "must be at most 1000" })
                    .describe("Percent of the limit that triggers the notification."),
                type: z.enum(BUDGET_NOTIFICATION_TYPES, { message: "must be ACTUAL or FORECASTED" }).describe("Actual or forecasted spend."),
            }),
        )
        .min(1, { message: "must list at least one threshold" })
        .max(MAX_BUDGET_NOTIFICATIONS, { message: `AWS Budgets allows at most ${MAX_BUDGET_NOTIFICATIONS} notifications per budget` })
        .default(DEFAULT_BUDGET_THRESHOLDS)
        .describe("{ percent, type: ACTUAL or FORECASTED }, 1-10. A set."),
});

export type BudgetsConfig = z.output<typeof budgetsSchema>;

export const guardrailsConfigShape = {
    guardrails: guardrailsSchema.optional().describe("Service control policies, the resource control policy and tag policies (multi-account and hybrid only). Absent: the baseline with defaults."),
    budgets: budgetsSchema.optional().describe("Monthly budgets per environment (every layout). Absent: no budgets."),
};

/** The guardrails section with its defaults, also when the key is absent. */
export function resolveGuardrailsConfig(cfg: { guardrails?: GuardrailsConfig }): GuardrailsConfig {
    return cfg.guardrails ?? guardrailsSchema.parse({});
}
