import { ResourceValidationPolicy } from "@pulumi/policy";
import { msg } from "../lib/policy";
import { parseDocument } from "../lib/policy-document";
import { identityDocs } from "../lib/resource-docs";
import { T } from "../lib/types";
import { cannotCheck, countUnknown, plainProps, UNKNOWN_DOCUMENT_FIX, UNKNOWN_VALUE_CHARS, UNKNOWN_VALUE_FIX } from "../lib/unknown";

/** IAM quotas, characters without whitespace. */
export const IAM_LIMITS = {
    managedPolicy: 6144,
    trustPolicy: 2048,
    inlineUser: 2048,
    inlineGroup: 5120,
    inlineRole: 10240,
    /** IAM Identity Center: a permission set's inline policy as submitted, and without whitespace (it becomes a role's inline policy). */
    permissionSetInline: 32768,
    permissionSetInlineNonWhitespace: 10240,
};

const REMEDIATION = "Split the document into several managed policies, use wildcards in action names only where they stay least-privilege, or drop redundant statements.";

/**
 * A document's size against a limit. Values unknown at preview are outputs of resources (ARNs,
 * names): each counts for at most UNKNOWN_VALUE_CHARS, so only a document that might exceed the
 * limit because of them cannot be checked.
 */
function checkSize(label: string, value: unknown, limit: number): { problem: string; fix: string } | undefined {
    const p = parseDocument(value);
    const lower = `${label.charAt(0).toLowerCase()}${label.slice(1)}`;
    if (p.kind === "unknown") return { problem: cannotCheck(`the size of ${lower}`, "the whole document is unknown at preview"), fix: UNKNOWN_DOCUMENT_FIX };
    if (p.kind !== "ok") return undefined;
    if (p.minifiedSize > limit) return { problem: `${label} is ${p.minifiedSize} characters without whitespace; the IAM limit is ${limit}.`, fix: REMEDIATION };
    const unknown = p.hasUnknown ? countUnknown(p.doc) : 0;
    if (p.minifiedSize + unknown * UNKNOWN_VALUE_CHARS > limit) {
        return {
            problem: cannotCheck(`the size of ${lower}`, `${p.minifiedSize} characters are known and ${unknown} values are unknown at preview, against a limit of ${limit}`),
            fix: UNKNOWN_VALUE_FIX,
        };
    }
    return undefined;
}

export function sizeFindings(type: string, props: Record<string, unknown>): { problem: string; fix: string }[] {
    const out: { problem: string; fix: string }[] = [];
    const check = (label: string, value: unknown, limit: number) => {
        const f = checkSize(label, value, limit);
        if (f) out.push(f);
    };
    switch (type) {
        case T.managedPolicy:
            check("The managed policy", props.policy, IAM_LIMITS.managedPolicy);
            break;
        case T.userPolicy:
            check("The inline user policy", props.policy, IAM_LIMITS.inlineUser);
            break;
        case T.groupPolicy:
            check("The inline group policy", props.policy, IAM_LIMITS.inlineGroup);
            break;
        case T.rolePolicy:
            check("The inline role policy", props.policy, IAM_LIMITS.inlineRole);
            break;
        case T.permissionSetInlinePolicy: {
            check("The permission set's inline policy", props.inlinePolicy, IAM_LIMITS.permissionSetInlineNonWhitespace);
            // Whitespace counts here: Identity Center limits the text it is sent (the provider sends a string as it is).
            const submitted = typeof props.inlinePolicy === "string" ? props.inlinePolicy.length : undefined;
            if (submitted !== undefined && submitted > IAM_LIMITS.permissionSetInline) {
                out.push({
                    problem: `The permission set's inline policy is ${submitted} characters as submitted; IAM Identity Center allows ${IAM_LIMITS.permissionSetInline}, whitespace included.`,
                    fix: "Submit the document without indentation (JSON.stringify(doc)), or move statements into customer managed policies attached to the permission set.",
                });
            }
            break;
        }
        case T.role: {
            check("The trust policy (assumeRolePolicy)", props.assumeRolePolicy, IAM_LIMITS.trustPolicy);
            let total = 0;
            let unknownValues = 0;
            const unknownDocs: string[] = [];
            for (const d of identityDocs(type, props)) {
                const p = parseDocument(d.value);
                if (p.kind === "unknown") unknownDocs.push(d.label);
                else if (p.kind === "ok") {
                    total += p.minifiedSize;
                    if (p.hasUnknown) unknownValues += countUnknown(p.doc);
                }
            }
            if (total > IAM_LIMITS.inlineRole)
                out.push({
                    problem: `The role's inline policies total ${total} characters without whitespace; the IAM limit per role is ${IAM_LIMITS.inlineRole}.`,
                    fix: "Move inline policies into managed policies (each up to 6,144 characters) attached to the role.",
                });
            else if (unknownDocs.length > 0)
                out.push({
                    problem: cannotCheck("the total size of the role's inline policies", `${unknownDocs.join(", ")} ${unknownDocs.length > 1 ? "are" : "is"} unknown at preview`),
                    fix: UNKNOWN_DOCUMENT_FIX,
                });
            else if (total + unknownValues * UNKNOWN_VALUE_CHARS > IAM_LIMITS.inlineRole)
                out.push({ problem: cannotCheck("the total size of the role's inline policies", `${unknownValues} values are unknown at preview`), fix: UNKNOWN_VALUE_FIX });
            break;
        }
    }
    return out;
}

export const policySize: ResourceValidationPolicy = {
    name: "iam-policy-size",
    description:
        "IAM size limits per document: managed policy 6,144 characters, trust policy 2,048, inline policy within the per-entity total (user 2,048, group 5,120, role 10,240); whitespace not counted. A permission set's inline policy: 10,240 characters without whitespace and 32,768 as submitted.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        for (const f of sizeFindings(args.type, plainProps(args.props))) report(msg(f.problem, f.fix));
    },
};
