// Policy configuration shared by the policies. @pulumi/policy config is per policy, so each
// policy declares in its configSchema the keys it reads (with the defaults below) and the
// --policy-pack-config files repeat the shared values for every policy that uses them.

export interface GuardrailConfig {
    /** Allowed values of the environment tag. */
    environments: string[];
    /** Environment values that are production. */
    productionEnvironments: string[];
    /** The tag key that carries the environment. */
    environmentTagKey: string;
    /** Tag that marks an IAM entity (role, user, managed policy) as admin, and its value. */
    adminTagKey: string;
    adminTagValue: string;
    /** Names of IAM entities (role, group, user, managed policy) that are admin; groups cannot carry tags. */
    adminEntityNames: string[];
    /** IAM users that may have access keys (service users). */
    serviceUsers: string[];
    /** Accounts per organization (AWS default quota 10). */
    accountQuota: number;
    /** Require an account password policy in every stack that creates IAM users (the stack that owns account-wide settings). */
    requireAccountPasswordPolicy: boolean;
    /** Accounts (AWS name or logical name) whose closeOnDeletion: true is acknowledged. */
    closeOnDeletionAccounts: string[];
    /** IAM entities (names or * patterns) whose escalation paths are accepted: confined to an account of their own environment. */
    acceptedEscalationEntities: string[];
    /** IDs of the organization's accounts that the stack does not declare (IAM Identity Center assignments may target them). */
    organizationAccountIds: string[];
}

export const DEFAULTS: GuardrailConfig = {
    environments: ["dev", "test", "staging", "prod", "nonprod"],
    productionEnvironments: ["prod"],
    environmentTagKey: "Environment",
    adminTagKey: "AccessLevel",
    adminTagValue: "admin",
    adminEntityNames: [],
    serviceUsers: [],
    accountQuota: 10,
    requireAccountPasswordPolicy: false,
    closeOnDeletionAccounts: [],
    acceptedEscalationEntities: [],
    organizationAccountIds: [],
};

type Key = keyof GuardrailConfig;

const SCHEMAS: Record<Key, Record<string, unknown>> = {
    environments: { type: "array", items: { type: "string" }, default: DEFAULTS.environments, description: "Allowed values of the environment tag." },
    productionEnvironments: { type: "array", items: { type: "string" }, default: DEFAULTS.productionEnvironments, description: "Environment values that are production." },
    environmentTagKey: { type: "string", default: DEFAULTS.environmentTagKey, description: "Tag key that carries the environment." },
    adminTagKey: { type: "string", default: DEFAULTS.adminTagKey, description: "Tag key that marks an IAM entity as admin." },
    adminTagValue: { type: "string", default: DEFAULTS.adminTagValue, description: "Value of adminTagKey that marks an IAM entity as admin." },
    adminEntityNames: {
        type: "array",
        items: { type: "string" },
        default: DEFAULTS.adminEntityNames,
        description: "Names of IAM roles, groups, users or managed policies that are admin (IAM groups cannot be tagged).",
    },
    serviceUsers: { type: "array", items: { type: "string" }, default: DEFAULTS.serviceUsers, description: "IAM user names allowed to have access keys." },
    accountQuota: { type: "number", minimum: 1, default: DEFAULTS.accountQuota, description: "Accounts allowed in the organization (AWS default quota 10)." },
    requireAccountPasswordPolicy: {
        type: "boolean",
        default: DEFAULTS.requireAccountPasswordPolicy,
        description:
            "Require an aws.iam.AccountPasswordPolicy in a stack that creates IAM users (set it for the stack that owns the account's settings; a declared password policy is always checked).",
    },
    closeOnDeletionAccounts: {
        type: "array",
        items: { type: "string" },
        default: DEFAULTS.closeOnDeletionAccounts,
        description: "Accounts (AWS name or Pulumi logical name) allowed closeOnDeletion: true: deleting their resource closes the real account.",
    },
    organizationAccountIds: {
        type: "array",
        items: { type: "string", pattern: "^\\d{12}$" },
        default: DEFAULTS.organizationAccountIds,
        description:
            "12-digit IDs of accounts of the organization that this stack does not declare (IAM Identity Center account assignments may target them; the stack's own accounts and its organization's management account need no listing).",
    },
    acceptedEscalationEntities: {
        type: "array",
        items: { type: "string" },
        default: DEFAULTS.acceptedEscalationEntities,
        description:
            "IAM roles, groups or users (AWS name or Pulumi logical name; * matches any characters) whose escalation paths are accepted because everything they can reach is inside an account of their own environment. Full admin is still judged.",
    },
};

/** configSchema for a policy that reads the given keys. */
export function configSchema(...keys: Key[]): { properties: Record<string, any> } {
    const properties: Record<string, unknown> = {};
    for (const k of keys) properties[k] = SCHEMAS[k];
    return { properties: properties as Record<string, any> };
}

function strings(v: unknown, fallback: string[]): string[] {
    return Array.isArray(v) && v.every((e) => typeof e === "string") ? (v as string[]) : fallback;
}

/** Reads a policy's config, falling back to the defaults for anything missing or malformed. */
export function resolveConfig(raw: object | undefined): GuardrailConfig {
    const r = (raw ?? {}) as Record<string, unknown>;
    const str = (v: unknown, d: string) => (typeof v === "string" && v !== "" ? v : d);
    return {
        environments: strings(r.environments, DEFAULTS.environments),
        productionEnvironments: strings(r.productionEnvironments, DEFAULTS.productionEnvironments),
        environmentTagKey: str(r.environmentTagKey, DEFAULTS.environmentTagKey),
        adminTagKey: str(r.adminTagKey, DEFAULTS.adminTagKey),
        adminTagValue: str(r.adminTagValue, DEFAULTS.adminTagValue),
        adminEntityNames: strings(r.adminEntityNames, DEFAULTS.adminEntityNames),
        serviceUsers: strings(r.serviceUsers, DEFAULTS.serviceUsers),
        accountQuota: typeof r.accountQuota === "number" && r.accountQuota > 0 ? r.accountQuota : DEFAULTS.accountQuota,
        requireAccountPasswordPolicy: typeof r.requireAccountPasswordPolicy === "boolean" ? r.requireAccountPasswordPolicy : DEFAULTS.requireAccountPasswordPolicy,
        closeOnDeletionAccounts: strings(r.closeOnDeletionAccounts, DEFAULTS.closeOnDeletionAccounts),
        acceptedEscalationEntities: strings(r.acceptedEscalationEntities, DEFAULTS.acceptedEscalationEntities),
        organizationAccountIds: strings(r.organizationAccountIds, DEFAULTS.organizationAccountIds),
    };
}

export function isProduction(env: string, cfg: GuardrailConfig): boolean {
    return cfg.productionEnvironments.includes(env);
}
