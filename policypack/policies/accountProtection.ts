import { ResourceValidationPolicy } from "@pulumi/policy";
import { forType, msg } from "../lib/policy";
import { T } from "../lib/types";
import { cannotCheck, isUnknown, plainProps } from "../lib/unknown";

const REMEDIATION = "Set closeOnDeletion: false (or leave it unset) and create the account with the resource option { protect: true }; " +
    "closing an account is rate-limited and removing it from the program must never close a real account.";

export function accountProtectionFindings(props: Record<string, unknown>, protect: boolean | undefined): string[] {
    const out: string[] = [];
    if (isUnknown(props.closeOnDeletion)) out.push(cannotCheck("closeOnDeletion"));
    else if (props.closeOnDeletion === true) out.push("closeOnDeletion is true: deleting this resource would close the AWS account.");
    if (!protect) out.push("The account resource is not protected (protect: true), so a refactor or `pulumi destroy` could delete it.");
    return out;
}

export const accountProtection: ResourceValidationPolicy = {
    name: "org-account-protection",
    description: "Organization accounts never set closeOnDeletion and are protected with the protect resource option.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateResource: forType(T.account, (args, report) => {
        for (const f of accountProtectionFindings(plainProps(args.props), args.opts?.protect)) report(msg(f, REMEDIATION));
    }),
};
