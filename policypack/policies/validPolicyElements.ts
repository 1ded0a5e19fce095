import { ResourceValidationPolicy } from "@pulumi/policy";
import { checkStatement } from "../lib/catalog";
import { msg } from "../lib/policy";
import { parseDocument } from "../lib/policyDocument";
import { allDocs, IDENTITY_DOC_TYPES } from "../lib/resourceDocs";
import { T } from "../lib/types";
import { cannotCheck, plainProps } from "../lib/unknown";

const REMEDIATION = "Fix the spelling using the AWS Service Authorization Reference (the suggestion, when given, is the closest existing name).";

/** Catalogue findings for every IAM document and SCP of a resource. */
export async function catalogFindings(type: string, props: Record<string, unknown>): Promise<string[]> {
    const out: string[] = [];
    for (const d of allDocs(type, props)) {
        if (d.kind === "tag-policy" || d.kind === "org-policy") continue;
        const p = parseDocument(d.value);
        if (p.kind === "unknown") { out.push(cannotCheck(`the actions and condition keys of ${d.label}`)); continue; }
        if (p.kind === "invalid") { out.push(`${d.label}: ${p.error}.`); continue; }
        if (p.kind !== "ok") continue;
        for (const s of p.statements) {
            for (const f of await checkStatement(s)) out.push(`${d.label}, ${f}.`);
        }
    }
    return out;
}

export const validPolicyElements: ResourceValidationPolicy = {
    name: "iam-valid-policy-elements",
    description: "Every service, action, condition operator and condition key in IAM policies, trust policies and SCPs exists in the AWS action catalogue.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateResource: async (args, report) => {
        if (!IDENTITY_DOC_TYPES.includes(args.type) && args.type !== T.orgPolicy) return;
        for (const f of await catalogFindings(args.type, plainProps(args.props))) report(msg(f, REMEDIATION));
    },
};
