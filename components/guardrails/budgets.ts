/**
 * Monthly cost budgets: one per environment, and one per member account that hosts no
 * environment (security tooling, sandbox), so every dollar is under some budget. Pure.
 *
 * Where they live: every budget is created in the account Pulumi deploys to (the management
 * account in the Organizations layouts), filtered by `LinkedAccount` to the environment's
 * member accounts. The management account sees every member's costs through consolidated
 * billing, so this needs no role inside the member accounts, and nobody in a member account
 * can delete or silence its own budget. Where an environment shares its account with others
 * (hybrid's shared non-production account, the single-account layout), the budget is also
 * filtered by the environment cost-allocation tag (`user:<key>$<env>`). That tag key must be
 * activated once as a cost-allocation tag in the Billing console of the paying account; AWS
 * only offers keys it has already seen on a resource, so it cannot be declared up front.
 */
import { sortedSet } from "../fields";
import type { BudgetsConfig } from "./config";

export interface BudgetNotificationPlan {
    type: "ACTUAL" | "FORECASTED";
    percent: number;
    emails: string[];
}

export interface BudgetPlan {
    /** Stable key of the logical name: the environment name, or `account-<key>`. */
    key: string;
    /** The environment tag value the budget covers (an environment, or an account's class value). */
    environment: string;
    logicalName: string;
    /** Logical names under the account's former keys (a renamed account): registered as aliases. */
    formerLogicalNames: string[];
    /** AWS budget name, unique in the account. */
    name: string;
    amount: number;
    currency: string;
    /** Member account keys to filter on; empty = the deployment account's whole bill. */
    linkedAccounts: string[];
    /** `user:<key>$<env>` when the environment shares its account(s). */
    tagFilter?: string;
    notifications: BudgetNotificationPlan[];
    /** The common tags and the environment tag. */
    tags: Record<string, string>;
}

export interface BudgetEnvironment {
    name: string;
    /** Member account keys, or none in the single-account layout. */
    accounts: string[];
    separatedByTags: boolean;
}

/** A member account that hosts no environment. */
export interface BudgetAccount {
    key: string;
    /** Its environment tag value (the class value). */
    environmentTagValue: string;
    /** Keys before renames. */
    formerKeys: string[];
}

export function planBudgets(
    cfg: BudgetsConfig | undefined,
    environments: BudgetEnvironment[],
    accountsWithoutEnvironment: BudgetAccount[],
    environmentTagKey: string,
    namePrefix: string,
    commonTags: Record<string, string>,
): BudgetPlan[] {
    if (!cfg) return [];
    // Sets, in one order: reordering thresholds or emails in config changes nothing.
    const emails = sortedSet(cfg.alertEmails);
    const thresholds = [...cfg.thresholds].sort((a, b) => a.percent - b.percent || a.type.localeCompare(b.type));
    const notifications = () => thresholds.map((t) => ({ type: t.type, percent: t.percent, emails: [...emails] }));
    const perEnvironment = environments.map(
        (e): BudgetPlan => ({
            key: e.name,
            environment: e.name,
            logicalName: `budget-${e.name}`,
            formerLogicalNames: [],
            name: `${namePrefix}-${e.name}-monthly`,
            amount: cfg.monthlyLimits[e.name] ?? cfg.defaultMonthlyLimit,
            currency: cfg.currency,
            linkedAccounts: [...e.accounts],
            tagFilter: e.separatedByTags ? `user:${environmentTagKey}$${e.name}` : undefined,
            notifications: notifications(),
            tags: { ...commonTags, [environmentTagKey]: e.name },
        }),
    );
    const perAccount = accountsWithoutEnvironment.map(
        (a): BudgetPlan => ({
            key: `account-${a.key}`,
            environment: a.environmentTagValue,
            logicalName: `budget-account-${a.key}`,
            formerLogicalNames: a.formerKeys.map((k) => `budget-account-${k}`),
            name: `${namePrefix}-${a.key}-account-monthly`,
            amount: cfg.accountMonthlyLimits[a.key] ?? cfg.defaultMonthlyLimit,
            currency: cfg.currency,
            linkedAccounts: [a.key],
            notifications: notifications(),
            tags: { ...commonTags, [environmentTagKey]: a.environmentTagValue },
        }),
    );
    return [...perEnvironment, ...perAccount];
}
