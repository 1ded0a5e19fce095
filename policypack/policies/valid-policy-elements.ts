import { ResourceValidationPolicy } from "@pulumi/policy";
import { checkStatement } from "../lib/catalogue";
import { msg } from "../lib/policy";
import { hasUnknownAction, parseDocument, stmtLabel } from "../lib/policy-document";
import { allDocs, IDENTITY_DOC_TYPES } from "../lib/resource-docs";
import { T } from "../lib/types";
import { cannotCheck, plainProps, UNKNOWN_DOCUMENT_FIX, UNKNOWN_VALUE_FIX } from "../lib/unknown";

const REMEDIATION = "Fix the spelling using the AWS Service Authorization Reference (the suggestion, when given, is the closest existing name).";

/** The smallest fix for a catalogue finding (the suggestion it carries, when there is one). */
function fixFor(finding: string): string {
    const suggestion = /did you mean "([^"]+)"/.exec(finding);
    if (suggestion) return `Write "${suggestion[1]}" instead (the closest name in the AWS Service Authorization Reference), or remove it.`;
    if (/single-valued/.test(finding)) return "Use the operator without the ForAllValues:/ForAnyValue: prefix.";
    if (/unknown condition key/.test(finding))
        return "Use a condition key the Service Authorization Reference lists for the actions of the statement, or a global aws: key; provider keys (token.actions.githubusercontent.com:sub...) go in trust policies of that Federated provider.";
    return REMEDIATION;
}

/** Catalogue findings for every IAM document and SCP of a resource. */
export async function catalogueFindings(type: string, props: Record<string, unknown>): Promise<{ problem: string; fix: string }[]> {
    const out: { problem: string; fix: string }[] = [];
    for (const d of allDocs(type, props)) {
        if (d.kind === "tag-policy" || d.kind === "org-policy") continue;
        const p = parseDocument(d.value);
        if (p.kind === "unknown") {
            out.push({ problem: cannotCheck(`the actions and condition keys of ${d.label}`, "the whole document is unknown at preview"), fix: UNKNOWN_DOCUMENT_FIX });
            continue;
        }
        if (p.kind === "invalid") {
            out.push({ problem: `${d.label}: ${p.error}.`, fix: "Pass valid JSON (JSON.stringify of the document object, or the object itself)." });
            continue;
        }
        if (p.kind !== "ok") continue;
        // Unknown values decide only where they could name an action or key: once per document.
        const unknown = p.statements.filter((s) => (s.effect !== "Deny" && hasUnknownAction(s)) || s.conditionUnknown || (s.effect === undefined && s.hasUnknown));
        if (unknown.length > 0)
            out.push({ problem: cannotCheck(`the actions and condition keys of ${d.label}`, `parts of ${unknown.map(stmtLabel).join(", ")} are not known at preview`), fix: UNKNOWN_VALUE_FIX });
        for (const s of p.statements) {
            for (const f of await checkStatement(s)) out.push({ problem: `${d.label}, ${f}.`, fix: fixFor(f) });
        }
    }
    return out;
}

export const validPolicyElements: ResourceValidationPolicy = {
    name: "iam-valid-policy-elements",
    description:
        "Every service and action an Allow names, and every condition operator and key, in IAM policies, trust policies and SCPs exists in the AWS action catalogue (provider keys of a Federated principal included).",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateResource: async (args, report) => {
        if (!IDENTITY_DOC_TYPES.includes(args.type) && args.type !== T.orgPolicy) return;
        for (const f of await catalogueFindings(args.type, plainProps(args.props))) report(msg(f.problem, f.fix));
    },
};
