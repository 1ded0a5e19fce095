import { StackValidationPolicy } from "@pulumi/policy";
import { configSchema, resolveConfig } from "../lib/config";
import { msg } from "../lib/policy";
import { T } from "../lib/types";

const REMEDIATION = "Request an increase of the 'accounts per organization' quota in Service Quotas before adding accounts, or raise accountQuota in the policy config once granted.";

/** Accounts in the organization: those of the stack plus the management account. */
export function accountQuotaFinding(accountCount: number, quota: number): string | undefined {
    const total = accountCount + 1;
    return total > quota ? `The organization would have ${total} accounts (${accountCount} member accounts in this stack plus the management account); the quota is ${quota}.` : undefined;
}

export const accountQuota: StackValidationPolicy = {
    name: "org-account-quota",
    description: "The number of accounts stays within the organization's account quota (default 10).",
    remediationSteps: REMEDIATION,
    enforcementLevel: "advisory",
    configSchema: configSchema("accountQuota"),
    validateStack: (args, report) => {
        const cfg = resolveConfig(args.getConfig());
        const accounts = args.resources.filter((r) => r.type === T.account);
        const f = accountQuotaFinding(accounts.length, cfg.accountQuota);
        if (f) report(msg(f, REMEDIATION), accounts[accounts.length - 1]?.urn);
    },
};
