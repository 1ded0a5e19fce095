/**
 * The plan: validated config in, plain data out. No Pulumi import, no I/O.
 *
 * One model serves the three layouts: environments are mapped to accounts, and an
 * account that hosts more than one environment separates them by tags inside it.
 * - single-account: every environment lives in the account Pulumi deploys to
 *   (`DEPLOYMENT_ACCOUNT`), separated by tags; there is no organization.
 * - multi-account: member accounts under AWS Organizations, each hosting at most one
 *   environment (several accounts may host the same one, e.g. one dev account per team).
 * - hybrid: production accounts of their own; one shared non-production account that
 *   hosts every non-production environment, separated by tags.
 */
import {
    accountClass,
    DEFAULT_SERVICE_ACCESS_PRINCIPALS,
    EnvironmentClass,
    LandingZoneConfig,
    Layout,
    parseConfig,
} from "./config";

/** Key standing for the account Pulumi deploys to (the management account in Organizations layouts). */
export const DEPLOYMENT_ACCOUNT = "management";

export const MANAGED_BY_TAG = { key: "ManagedBy", value: "landing-zone" } as const;

export interface EnvironmentPlan {
    name: string;
    production: boolean;
    environmentClass: EnvironmentClass;
    /** Keys of the accounts hosting it (`DEPLOYMENT_ACCOUNT` in single-account). */
    accounts: string[];
    /** True when it shares its account(s) with other environments: access is separated by tags. */
    separatedByTags: boolean;
}

export interface OrganizationPlan {
    /** Set when an existing organization is adopted (imported). */
    existingId?: string;
    featureSet: "ALL";
    awsServiceAccessPrincipals: string[];
    enabledPolicyTypes: string[];
}

export interface OrganizationalUnitPlan {
    key: string;
    name: string;
    /** Parent OU key; undefined = the organization root. */
    parentKey?: string;
    /** Names from the root, e.g. `Workloads/Prod`. */
    path: string;
    /** Keys of the OUs above it, from the one below the root down to its parent. */
    ancestorKeys: string[];
    /** 1 = directly below the root. */
    depth: number;
    /** Keys before renames, kept as aliases. */
    formerKeys: string[];
    /** Set when an existing OU is adopted (imported). */
    existingId?: string;
    /** Declared, or derived from the accounts below it; undefined when mixed or empty. */
    environmentClass?: EnvironmentClass;
    tags: Record<string, string>;
}

export interface AccountPlan {
    key: string;
    name: string;
    email: string;
    /** Parent OU key; undefined = the organization root. */
    ouKey?: string;
    environments: string[];
    environmentClass: EnvironmentClass;
    /** Value of the environment tag: the environment's name, or the class value when it hosts several or none. */
    environmentTagValue: string;
    tags: Record<string, string>;
    roleName: string;
    iamUserAccessToBilling: "ALLOW" | "DENY";
    closeOnDeletion: boolean;
    existingId?: string;
    /** Keys before renames, kept as aliases. */
    formerKeys: string[];
    /**
     * The account created just before this one. AWS rejects many CreateAccount calls in
     * parallel, so creation is serialized by making each account depend on the previous.
     */
    createAfter?: string;
}

export interface LandingZonePlan {
    layout: Layout;
    application?: string;
    environmentTagKey: string;
    productionTagValue: string;
    nonProductionTagValue: string;
    /** Tags every taggable resource carries (without the environment tag). */
    commonTags: Record<string, string>;
    environments: EnvironmentPlan[];
    organization?: OrganizationPlan;
    /** Parents before children. */
    organizationalUnits: OrganizationalUnitPlan[];
    /** Sorted by key. */
    accounts: AccountPlan[];
    /** `DEPLOYMENT_ACCOUNT` or an account key. */
    identityAccount: string;
    /** The validated config, for the sections planned elsewhere (access, guardrails). */
    config: LandingZoneConfig;
}

/** Raw config namespace values in, plan out. Throws ConfigError on bad input. */
export function planFromRawConfig(raw: Record<string, unknown>): LandingZonePlan {
    return buildPlan(parseConfig(raw));
}

export function buildPlan(cfg: LandingZoneConfig): LandingZonePlan {
    const commonTags: Record<string, string> = {
        [MANAGED_BY_TAG.key]: MANAGED_BY_TAG.value,
        ...(cfg.application ? { Application: cfg.application } : {}),
        ...cfg.tags,
    };
    const classValue = (c: EnvironmentClass) =>
        c === "production" ? cfg.productionTagValue : cfg.nonProductionTagValue;

    const accountKeys = Object.keys(cfg.accounts).sort();
    const accounts: AccountPlan[] = accountKeys.map((key, i) => {
        const a = cfg.accounts[key];
        const environmentClass = accountClass(cfg, a)!; // validated: defined
        const environmentTagValue = a.environments.length === 1 ? a.environments[0] : classValue(environmentClass);
        return {
            key,
            name: a.name,
            email: a.email,
            ouKey: a.ou,
            environments: [...a.environments],
            environmentClass,
            environmentTagValue,
            tags: {
                ...commonTags,
                ...a.tags,
                ...(a.owner ? { Owner: a.owner } : {}),
                [cfg.environmentTagKey]: environmentTagValue,
            },
            roleName: a.roleName,
            iamUserAccessToBilling: a.iamUserAccessToBilling,
            closeOnDeletion: a.closeOnDeletion,
            existingId: a.existingId,
            formerKeys: [...a.formerKeys],
            createAfter: i > 0 ? accountKeys[i - 1] : undefined,
        };
    });

    const environments: EnvironmentPlan[] = cfg.environments.map((e) => {
        const hosts =
            cfg.layout === "single-account"
                ? [DEPLOYMENT_ACCOUNT]
                : accounts.filter((a) => a.environments.includes(e.name)).map((a) => a.key);
        const separatedByTags =
            cfg.layout === "single-account" ? cfg.environments.length > 1 : accounts.some((a) => hosts.includes(a.key) && a.environments.length > 1);
        return {
            name: e.name,
            production: e.production,
            environmentClass: e.production ? "production" : "non-production",
            accounts: hosts,
            separatedByTags,
        };
    });

    const organizationalUnits = planOrganizationalUnits(cfg, accounts, classValue, commonTags);

    const organization: OrganizationPlan | undefined =
        cfg.layout === "single-account"
            ? undefined
            : {
                  existingId: cfg.organization?.existingId,
                  featureSet: "ALL",
                  awsServiceAccessPrincipals: [...(cfg.organization?.awsServiceAccessPrincipals ?? DEFAULT_SERVICE_ACCESS_PRINCIPALS)],
                  enabledPolicyTypes: withResourceControlPolicies(cfg.organization?.enabledPolicyTypes ?? ["SERVICE_CONTROL_POLICY", "TAG_POLICY"]),
              };

    return {
        layout: cfg.layout,
        application: cfg.application,
        environmentTagKey: cfg.environmentTagKey,
        productionTagValue: cfg.productionTagValue,
        nonProductionTagValue: cfg.nonProductionTagValue,
        commonTags,
        environments,
        organization,
        organizationalUnits,
        accounts,
        identityAccount: cfg.identityAccount,
        config: cfg,
    };
}

/**
 * The policy types enabled at the root: the configured ones, and always resource control
 * policies. The guardrails' identity perimeter (an RCP) needs them; enabling the type attaches
 * AWS's RCPFullAWSAccess everywhere, which by itself changes nothing.
 */
export function withResourceControlPolicies(configured: string[]): string[] {
    return configured.includes("RESOURCE_CONTROL_POLICY") ? [...configured] : [...configured, "RESOURCE_CONTROL_POLICY"];
}

function planOrganizationalUnits(
    cfg: LandingZoneConfig,
    accounts: AccountPlan[],
    classValue: (c: EnvironmentClass) => string,
    commonTags: Record<string, string>,
): OrganizationalUnitPlan[] {
    const ous = cfg.organizationalUnits;
    const chain = (key: string): string[] => {
        const out: string[] = [];
        for (let cur: string | undefined = key; cur !== undefined; cur = ous[cur].parent) out.unshift(cur);
        return out;
    };
    const below = (ouKey: string) =>
        accounts.filter((a) => a.ouKey !== undefined && chain(a.ouKey).includes(ouKey));

    const planned = Object.keys(ous).map((key): OrganizationalUnitPlan => {
        const ou = ous[key];
        const keys = chain(key);
        const classes = new Set(below(key).map((a) => a.environmentClass));
        const environmentClass = ou.environmentClass ?? (classes.size === 1 ? [...classes][0] : undefined);
        return {
            key,
            name: ou.name ?? key,
            parentKey: ou.parent,
            path: keys.map((k) => ous[k].name ?? k).join("/"),
            ancestorKeys: keys.slice(0, -1),
            depth: keys.length,
            formerKeys: [...ou.formerKeys],
            existingId: ou.existingId,
            environmentClass,
            tags: {
                ...commonTags,
                ...ou.tags,
                ...(environmentClass ? { [cfg.environmentTagKey]: classValue(environmentClass) } : {}),
            },
        };
    });
    // Parents before children, then by path, so registration order is stable.
    return planned.sort((a, b) => a.depth - b.depth || a.path.localeCompare(b.path));
}
