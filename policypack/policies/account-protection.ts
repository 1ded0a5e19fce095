import { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchema, resolveConfig } from "../lib/config";
import { forType, msg } from "../lib/policy";
import { T } from "../lib/types";
import { cannotCheck, isUnknown, plainProps } from "../lib/unknown";

const REMEDIATION =
    "Set closeOnDeletion: false (or leave it unset) and create the account with the resource option { protect: true }; " +
    "closing an account is rate-limited and removing it from the program must never close a real account. " +
    "Where closing is intended (a sandbox), list the account in this policy's closeOnDeletionAccounts.";

/**
 * Findings for one account. `acknowledged` lists the accounts (AWS name or logical name) whose
 * closeOnDeletion: true the policy config accepts.
 */
export function accountProtectionFindings(props: Record<string, unknown>, protect: boolean | undefined, logicalName = "", acknowledged: string[] = []): { problem: string; fix: string }[] {
    const out: { problem: string; fix: string }[] = [];
    const name = typeof props.name === "string" ? props.name : logicalName;
    const ack = acknowledged.includes(name) || acknowledged.includes(logicalName);
    if (isUnknown(props.closeOnDeletion)) {
        if (!ack) out.push({ problem: cannotCheck("closeOnDeletion"), fix: "Set closeOnDeletion to a literal false (or leave it unset)." });
    } else if (props.closeOnDeletion === true && !ack) {
        out.push({
            problem: `closeOnDeletion is true on account ${name}: deleting this resource would close the AWS account.`,
            fix: `Set closeOnDeletion: false; if closing ${name} on deletion is intended, add "${name}" to closeOnDeletionAccounts in the org-account-protection policy config.`,
        });
    }
    if (!protect)
        out.push({
            problem: `Account ${name} is not protected (protect: true), so a refactor or \`pulumi destroy\` could delete it.`,
            fix: "Add the resource option { protect: true } (and retainOnDelete: true) to the account.",
        });
    return out;
}

export const accountProtection: ResourceValidationPolicy = {
    name: "org-account-protection",
    description: "Organization accounts are protected with the protect resource option and never set closeOnDeletion, unless the policy config acknowledges the account in closeOnDeletionAccounts.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    configSchema: configSchema("closeOnDeletionAccounts"),
    validateResource: forType(T.account, (args, report) => {
        const cfg = resolveConfig(args.getConfig());
        for (const f of accountProtectionFindings(plainProps(args.props), args.opts?.protect, args.name, cfg.closeOnDeletionAccounts)) report(msg(f.problem, f.fix));
    }),
};
