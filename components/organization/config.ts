/**
 * Config keys of the organization section: the layout, environments, tags, the organization,
 * its OUs and member accounts. Composed into the stack schema in ../config.ts; structural rules
 * (references, OU tree, production separation) in ./structure.ts.
 *
 * Pure: zod and the shared fields only. Descriptions and defaults here are the config
 * reference (docs/config-reference.md is generated from them).
 */
import { z } from "zod";
import { accountEmail, accountId, accountName, awsServicePrincipal, environmentName, iamRoleName, logicalKey, tagKey, tagMap, tagValue } from "../fields";

export const LAYOUTS = ["single-account", "multi-account", "hybrid"] as const;
export type Layout = (typeof LAYOUTS)[number];

export const ENVIRONMENT_CLASSES = ["production", "non-production"] as const;
export type EnvironmentClass = (typeof ENVIRONMENT_CLASSES)[number];

export const ORGANIZATION_POLICY_TYPES = ["SERVICE_CONTROL_POLICY", "TAG_POLICY", "BACKUP_POLICY", "AISERVICES_OPT_OUT_POLICY", "RESOURCE_CONTROL_POLICY"] as const;

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

export const DEFAULT_ENABLED_POLICY_TYPES: (typeof ORGANIZATION_POLICY_TYPES)[number][] = ["SERVICE_CONTROL_POLICY", "TAG_POLICY"];

const environmentSchema = z.strictObject({
    name: environmentName.describe("1-20 characters: lower-case letters, digits and '-', starting with a letter."),
    production: z.boolean().default(false).describe("Production environments never share an account with non-production ones."),
});

const organizationSchema = z.strictObject({
    existingId: z
        .string()
        .regex(/^o-[a-z0-9]{10,32}$/, { message: "must be an organization ID like o-exampleorgid" })
        .optional()
        .describe("Adopt the existing organization (o-...): imported, never recreated."),
    awsServiceAccessPrincipals: z
        .array(awsServicePrincipal)
        .default(DEFAULT_SERVICE_ACCESS_PRINCIPALS)
        .describe("Trusted service access (service principals such as cloudtrail.amazonaws.com). A set: order does not matter."),
    enabledPolicyTypes: z
        .array(z.enum(ORGANIZATION_POLICY_TYPES))
        .default(DEFAULT_ENABLED_POLICY_TYPES)
        .describe("Policy types enabled at the root; RESOURCE_CONTROL_POLICY is always enabled too (the guardrails' identity perimeter). The feature set is always ALL. A set: order does not matter."),
});

const organizationalUnitSchema = z.strictObject({
    name: z
        .string()
        .regex(/^[\x20-\x7e]{1,128}$/, { message: "must be 1-128 printable ASCII characters" })
        .optional()
        .describe("Display name (1-128 printable ASCII), unique among siblings. Default: the key."),
    parent: logicalKey.optional().describe("Key of the parent OU; absent: the root. At most 5 levels below the root."),
    environmentClass: z
        .enum(ENVIRONMENT_CLASSES)
        .optional()
        .describe("What the OU may hold; absent: derived from the accounts below it (mixed: none). An OU of one class carries the environment tag."),
    tags: tagMap.default({}).describe("Extra tags on the OU."),
    existingId: z
        .string()
        .regex(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, { message: "must be an OU ID like ou-ab12-cd34ef56" })
        .optional()
        .describe("Adopt an existing OU (ou-...): imported. Two OUs cannot adopt the same one."),
    formerKeys: z.array(logicalKey).default([]).describe("Keys the OU had before a rename: every resource of the OU keeps its identity (aliases)."),
});

const accountSchema = z.strictObject({
    name: accountName.describe("1-50 printable ASCII; unique."),
    email: accountEmail.describe("6-64 characters, one '@', a domain with a dot; unique."),
    ou: logicalKey.optional().describe("Key of the parent OU; absent: the root."),
    environments: z
        .array(environmentName)
        .default([])
        .describe(
            "Environments it hosts. multi-account: at most one; hybrid: the shared account hosts every non-production environment. Never production and non-production together. A set: order does not matter.",
        ),
    environmentClass: z.enum(ENVIRONMENT_CLASSES).optional().describe("Required for an account that hosts no environment (security tooling, sandbox); otherwise derived from its environments."),
    owner: z.string().min(1).max(256).optional().describe("Owner tag."),
    existingId: accountId.optional().describe("Adopt an existing account: its 12-digit ID, quoted. Imported; two accounts cannot adopt the same one."),
    roleName: iamRoleName.default("OrganizationAccountAccessRole").describe("Role the management account assumes in the account. Only used when AWS creates the account."),
    iamUserAccessToBilling: z.enum(["ALLOW", "DENY"]).default("DENY").describe("IAM users' access to billing. Only used when AWS creates the account."),
    closeOnDeletion: z
        .boolean()
        .default(false)
        .describe(
            "Close the real account when its resource is deleted. Dangerous and rate-limited by AWS. The policy pack refuses it (mandatory) unless its config acknowledges the account in org-account-protection.closeOnDeletionAccounts: two deliberate changes, not one.",
        ),
    tags: tagMap.default({}).describe("Extra tags on the account."),
    formerKeys: z.array(logicalKey).default([]).describe("Keys the account had before a rename: the account and every resource inside it keep their identity (aliases)."),
});

export const organizationConfigShape = {
    layout: z
        .enum(LAYOUTS, {
            error: (iss) => (iss.input === undefined ? `is required: one of ${LAYOUTS.join(", ")}` : `must be one of ${LAYOUTS.join(", ")}`),
        })
        .describe("How environments are separated: by tags in one account, by member accounts, or production in accounts of its own and the rest sharing one."),
    application: tagValue.min(1).optional().describe("Application name; adds an Application=<name> tag everywhere."),
    tags: tagMap.default({}).describe("Extra tags on every taggable resource. The environment tag and Application are set by the landing zone. At most 50 tags per resource in all."),
    environmentTagKey: tagKey.default("Environment").describe("Tag key that carries the environment (1-128 characters, no aws: prefix)."),
    nonProductionTagValue: tagValue
        .min(1)
        .default("nonprod")
        .describe("Environment tag value of accounts and OUs that hold several non-production environments (the hybrid shared account, the NonProd OU)."),
    productionTagValue: tagValue.min(1).default("prod").describe("Environment tag value of production-class accounts and OUs that host no single environment."),
    environments: z.array(environmentSchema).default(DEFAULT_ENVIRONMENTS).describe("The environments, in display order (the access matrix, budgets, tag policy values): an ordered list."),
    organization: organizationSchema.optional().describe("The AWS organization (multi-account and hybrid)."),
    organizationalUnits: z.record(logicalKey, organizationalUnitSchema).default({}).describe("OUs by key; the key is the OU's stable logical name."),
    accounts: z.record(logicalKey, accountSchema).default({}).describe("Member accounts by key; the key is the account's stable logical name. Accounts are created in key order."),
    identityAccount: z
        .string()
        .regex(/^[a-z][a-z0-9-]{0,39}$/, { message: "must be 'management' or the key of a declared account (1-40 characters: lower-case letters, digits and '-')" })
        .default("management")
        .describe("Where people's IAM users live: 'management' (the account Pulumi runs in) or the key of a member account."),
};

const organizationConfigSchema = z.object(organizationConfigShape);
/** The organization section of a parsed config. */
export type OrganizationConfig = z.output<typeof organizationConfigSchema>;
export type AccountConfig = OrganizationConfig["accounts"][string];
export type OrganizationalUnitConfig = OrganizationConfig["organizationalUnits"][string];
