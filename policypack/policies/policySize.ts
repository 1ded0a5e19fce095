import { ResourceValidationPolicy } from "@pulumi/policy";
import { msg } from "../lib/policy";
import { parseDocument } from "../lib/policyDocument";
import { identityDocs } from "../lib/resourceDocs";
import { T } from "../lib/types";
import { cannotCheck, plainProps } from "../lib/unknown";

/** IAM quotas, characters without whitespace. */
export const IAM_LIMITS = {
    managedPolicy: 6144,
    trustPolicy: 2048,
    inlineUser: 2048,
    inlineGroup: 5120,
    inlineRole: 10240,
};

const REMEDIATION = "Split the document into several managed policies, use wildcards in action names only where they stay least-privilege, or drop redundant statements.";

export function sizeFindings(type: string, props: Record<string, unknown>): string[] {
    const out: string[] = [];
    const check = (label: string, value: unknown, limit: number) => {
        const p = parseDocument(value);
        if (p.kind === "unknown") out.push(cannotCheck(`the size of ${label.charAt(0).toLowerCase()}${label.slice(1)}`));
        else if (p.kind === "ok" && p.minifiedSize > limit) out.push(`${label} is ${p.minifiedSize} characters without whitespace; the IAM limit is ${limit}.`);
        return p.kind === "ok" ? p.minifiedSize : 0;
    };
    switch (type) {
        case T.managedPolicy: check("The managed policy", props.policy, IAM_LIMITS.managedPolicy); break;
        case T.userPolicy: check("The inline user policy", props.policy, IAM_LIMITS.inlineUser); break;
        case T.groupPolicy: check("The inline group policy", props.policy, IAM_LIMITS.inlineGroup); break;
        case T.rolePolicy: check("The inline role policy", props.policy, IAM_LIMITS.inlineRole); break;
        case T.role: {
            check("The trust policy (assumeRolePolicy)", props.assumeRolePolicy, IAM_LIMITS.trustPolicy);
            let total = 0;
            let unknown = false;
            for (const d of identityDocs(type, props)) {
                const p = parseDocument(d.value);
                if (p.kind === "unknown") unknown = true;
                else if (p.kind === "ok") total += p.minifiedSize;
            }
            if (unknown) out.push(cannotCheck("the total size of the role's inline policies"));
            else if (total > IAM_LIMITS.inlineRole) out.push(`The role's inline policies total ${total} characters without whitespace; the IAM limit per role is ${IAM_LIMITS.inlineRole}.`);
            break;
        }
    }
    return out;
}

export const policySize: ResourceValidationPolicy = {
    name: "iam-policy-size",
    description: "IAM size limits per document: managed policy 6,144 characters, trust policy 2,048, inline policy within the per-entity total (user 2,048, group 5,120, role 10,240); whitespace not counted.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        for (const f of sizeFindings(args.type, plainProps(args.props))) report(msg(f, REMEDIATION));
    },
};
