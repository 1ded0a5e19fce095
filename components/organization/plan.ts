/**
 * The organization plan: parsed config in, plain data out (no Pulumi import, no I/O). The
 * layout, the environments and the accounts hosting them, the organization, its OUs and member
 * accounts, and the tags every resource carries. The sections (access, guardrails, review)
 * plan on top of it.
 *
 * One model serves the three layouts: environments are mapped to accounts, and an account that
 * hosts more than one environment separates them by tags inside it.
 * - single-account: every environment lives in the account Pulumi deploys to
 *   (`DEPLOYMENT_ACCOUNT`), separated by tags; there is no organization.
 * - multi-account: member accounts under AWS Organizations, each hosting at most one
 *   environment (several accounts may host the same one, e.g. one dev account per team).
 * - hybrid: production accounts of their own; one shared non-production account that
 *   hosts every non-production environment, separated by tags.
 */
import type { LandingZoneConfig } from "../config";
import { sortedSet, tagLimitProblems, type TaggedResource } from "../fields";
import { Broken } from "../parse";
import type { Planned } from "../problems";
import { DEFAULT_ENABLED_POLICY_TYPES, DEFAULT_SERVICE_ACCESS_PRINCIPALS, ORGANIZATION_POLICY_TYPES, type EnvironmentClass, type Layout } from "./config";
import { accountClass, ouTree } from "./structure";

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
    /** In the order of the declared environments. */
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

/** The organization plan, on which the sections plan. */
export interface CorePlan {
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
    /** The parsed config, for the sections' own keys. */
    config: LandingZoneConfig;
}

/**
 * Plans the organization. With a config that had problems it plans what it soundly can (accounts
 * without a class and OUs off the tree are left out) and only reports the tag limits.
 */
export function planOrganization(cfg: LandingZoneConfig, broken: Broken = new Broken()): Planned<CorePlan> {
    const commonTags = planCommonTags(cfg);
    const accounts = planAccounts(cfg, commonTags);
    const organizationalUnits = planOrganizationalUnits(cfg, broken, accounts, commonTags);
    const plan: CorePlan = {
        layout: cfg.layout,
        application: cfg.application,
        environmentTagKey: cfg.environmentTagKey,
        productionTagValue: cfg.productionTagValue,
        nonProductionTagValue: cfg.nonProductionTagValue,
        commonTags,
        environments: planEnvironments(cfg, accounts),
        organization: planOrganizationResource(cfg),
        organizationalUnits,
        accounts,
        identityAccount: cfg.identityAccount,
        config: cfg,
    };
    return { plan, problems: tagLimitProblems(taggedResources(cfg, plan)) };
}

function planCommonTags(cfg: LandingZoneConfig): Record<string, string> {
    return {
        [MANAGED_BY_TAG.key]: MANAGED_BY_TAG.value,
        ...(cfg.application ? { Application: cfg.application } : {}),
        ...cfg.tags,
    };
}

/** The environment tag value of a class: for accounts and OUs that host no single environment. */
export function classTagValue(cfg: Pick<LandingZoneConfig, "productionTagValue" | "nonProductionTagValue">, c: EnvironmentClass): string {
    return c === "production" ? cfg.productionTagValue : cfg.nonProductionTagValue;
}

function planAccounts(cfg: LandingZoneConfig, commonTags: Record<string, string>): AccountPlan[] {
    if (cfg.layout === "single-account") return [];
    const declared = cfg.environments.map((e) => e.name);
    const keys = Object.keys(cfg.accounts)
        .filter((key) => accountClass(cfg, cfg.accounts[key]) !== undefined)
        .sort();
    return keys.map((key, i): AccountPlan => {
        const a = cfg.accounts[key];
        const environmentClass = accountClass(cfg, a)!;
        // A set: in the order the environments are declared.
        const environments = declared.filter((e) => a.environments.includes(e));
        const environmentTagValue = environments.length === 1 ? environments[0] : classTagValue(cfg, environmentClass);
        return {
            key,
            name: a.name,
            email: a.email,
            ouKey: a.ou,
            environments,
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
            createAfter: i > 0 ? keys[i - 1] : undefined,
        };
    });
}

function planEnvironments(cfg: LandingZoneConfig, accounts: AccountPlan[]): EnvironmentPlan[] {
    return cfg.environments.map((e) => {
        const hosts = cfg.layout === "single-account" ? [DEPLOYMENT_ACCOUNT] : accounts.filter((a) => a.environments.includes(e.name)).map((a) => a.key);
        const separatedByTags = cfg.layout === "single-account" ? cfg.environments.length > 1 : accounts.some((a) => hosts.includes(a.key) && a.environments.length > 1);
        return {
            name: e.name,
            production: e.production,
            environmentClass: e.production ? "production" : "non-production",
            accounts: hosts,
            separatedByTags,
        };
    });
}

function planOrganizationResource(cfg: LandingZoneConfig): OrganizationPlan | undefined {
    if (cfg.layout === "single-account") return undefined;
    return {
        existingId: cfg.organization?.existingId,
        featureSet: "ALL",
        awsServiceAccessPrincipals: sortedSet(cfg.organization?.awsServiceAccessPrincipals ?? DEFAULT_SERVICE_ACCESS_PRINCIPALS),
        enabledPolicyTypes: withResourceControlPolicies(cfg.organization?.enabledPolicyTypes ?? DEFAULT_ENABLED_POLICY_TYPES),
    };
}

/**
 * The policy types enabled at the root: the configured ones, and always resource control
 * policies, in the order AWS lists the types. The guardrails' identity perimeter (an RCP) needs
 * them; enabling the type attaches AWS's RCPFullAWSAccess everywhere, which by itself changes nothing.
 */
export function withResourceControlPolicies(configured: readonly string[]): string[] {
    return ORGANIZATION_POLICY_TYPES.filter((t) => configured.includes(t) || t === "RESOURCE_CONTROL_POLICY");
}

function planOrganizationalUnits(cfg: LandingZoneConfig, broken: Broken, accounts: AccountPlan[], commonTags: Record<string, string>): OrganizationalUnitPlan[] {
    if (cfg.layout === "single-account") return [];
    const ous = cfg.organizationalUnits;
    const tree = ouTree(cfg, broken);
    const chain = (key: string): string[] => {
        const out: string[] = [];
        for (let cur: string | undefined = key; cur !== undefined; cur = ous[cur].parent) out.unshift(cur);
        return out;
    };
    const below = (ouKey: string) => accounts.filter((a) => a.ouKey !== undefined && tree.depth.has(a.ouKey) && chain(a.ouKey).includes(ouKey));
    const planned = Object.keys(ous)
        .filter((key) => tree.depth.has(key))
        .map((key): OrganizationalUnitPlan => {
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
                    ...(environmentClass ? { [cfg.environmentTagKey]: classTagValue(cfg, environmentClass) } : {}),
                },
            };
        });
    // Parents before children, then by path, so registration order is stable.
    return planned.sort((a, b) => a.depth - b.depth || a.path.localeCompare(b.path));
}

function taggedResources(cfg: LandingZoneConfig, plan: CorePlan): TaggedResource[] {
    return [
        ...plan.accounts.map((a) => ({
            label: `account ${a.key}`,
            tags: a.tags,
            path: Object.keys(cfg.accounts[a.key].tags).length ? ["accounts", a.key, "tags"] : ["tags"],
        })),
        ...plan.organizationalUnits.map((o) => ({
            label: `OU ${o.key}`,
            tags: o.tags,
            path: Object.keys(cfg.organizationalUnits[o.key].tags).length ? ["organizationalUnits", o.key, "tags"] : ["tags"],
        })),
    ];
}
