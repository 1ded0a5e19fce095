import { ResourceValidationPolicy } from "@pulumi/policy";
import { msg } from "../lib/policy";
import { T } from "../lib/types";
import { isUnknown, plainProps } from "../lib/unknown";

const REMEDIATION = "Put the policy on an IAM group (GroupPolicy / GroupPolicyAttachment) or a role and add the user to the group.";

/** Pure check, exported for unit tests: messages for a resource that attaches permissions to users. */
export function userPermissionFindings(type: string, props: Record<string, unknown>): string[] {
    switch (type) {
        case T.userPolicy:
            return [`Inline policy attached directly to IAM user ${String(isUnknown(props.user) ? "(name unknown at preview)" : props.user)}.`];
        case T.userPolicyAttachment:
            return [
                `Managed policy ${isUnknown(props.policyArn) ? "(ARN unknown at preview)" : String(props.policyArn)} attached directly to IAM user ${isUnknown(props.user) ? "(name unknown at preview)" : String(props.user)}.`,
            ];
        case T.policyAttachment: {
            const users = props.users;
            if (isUnknown(users)) return ["Could not check whether this PolicyAttachment names IAM users: `users` is unknown at preview. Use `groups` or `roles` only."];
            if (Array.isArray(users) && users.length > 0) {
                const names = users.map((u) => (isUnknown(u) ? "(unknown at preview)" : String(u)));
                return [`PolicyAttachment attaches a policy directly to IAM user(s): ${names.join(", ")}.`];
            }
            return [];
        }
        default:
            return [];
    }
}

export const noUserPermissions: ResourceValidationPolicy = {
    name: "iam-no-user-permissions",
    description: "IAM permissions attach to groups or roles, never directly to users (no UserPolicy, UserPolicyAttachment, or PolicyAttachment naming users).",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (![T.userPolicy, T.userPolicyAttachment, T.policyAttachment].includes(args.type as never)) return;
        for (const f of userPermissionFindings(args.type, plainProps(args.props))) report(msg(f, REMEDIATION));
    },
};
