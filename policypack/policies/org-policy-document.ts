import { ResourceValidationPolicy } from "@pulumi/policy";
import { forType, msg } from "../lib/policy";
import { parseDocument, stmtLabel } from "../lib/policy-document";
import { T } from "../lib/types";
import { cannotCheck, isUnknown, plainProps, UNKNOWN_DOCUMENT_FIX, UNKNOWN_VALUE_FIX } from "../lib/unknown";

/** AWS Organizations policy size limits (characters, minified). */
export const ORG_POLICY_LIMITS: Record<string, number> = {
    SERVICE_CONTROL_POLICY: 5120,
    RESOURCE_CONTROL_POLICY: 5120,
    TAG_POLICY: 10000,
    BACKUP_POLICY: 10000,
    AISERVICES_OPT_OUT_POLICY: 2500,
};

const STATEMENT_KEYS = new Set(["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"]);
const REMEDIATION = "Keep SCPs to the IAM policy grammar without Principal (SCPs apply to every principal of the accounts below), split large SCPs, and keep tag policies under 10,000 characters.";

/**
 * The size AWS counts: the content as submitted. Organizations counts every character of the
 * content the API receives, whitespace included (only the console strips it), and the provider
 * sends a string unchanged; an object is JSON-encoded without whitespace.
 */
export function submittedSize(content: unknown, minifiedSize: number): number {
    return typeof content === "string" ? content.length : minifiedSize;
}

export function orgPolicyFindings(props: Record<string, unknown>): { problem: string; fix: string }[] {
    const type = isUnknown(props.type) ? undefined : String(props.type ?? "SERVICE_CONTROL_POLICY");
    if (type === undefined) return [{ problem: cannotCheck("the organization policy type"), fix: UNKNOWN_VALUE_FIX }];
    const p = parseDocument(props.content);
    if (p.kind === "unknown") return [{ problem: cannotCheck(`the ${type} content`, "the whole content is unknown at preview"), fix: UNKNOWN_DOCUMENT_FIX }];
    if (p.kind === "absent") return [{ problem: `The ${type} has no content.`, fix: "Set content to the policy document (JSON)." }];
    if (p.kind === "invalid") return [{ problem: `The ${type} content is ${p.error}.`, fix: "Pass valid JSON: JSON.stringify(document)." }];
    const out: { problem: string; fix: string }[] = [];
    const limit = ORG_POLICY_LIMITS[type];
    const size = submittedSize(props.content, p.minifiedSize);
    if (limit !== undefined && size > limit) {
        const minifiedFits = p.minifiedSize <= limit;
        out.push({
            problem: `The ${type} is ${size} characters as submitted${size !== p.minifiedSize ? ` (${p.minifiedSize} minified)` : ""}; AWS Organizations allows ${limit}, whitespace included.`,
            fix: minifiedFits
                ? "Minify the content: JSON.stringify(document) without the indentation argument (AWS counts whitespace sent through the API)."
                : `Split the policy into several policies of at most ${limit} characters (minified), or merge statements and use wildcards in action names where they stay precise.`,
        });
    }
    if (type !== "SERVICE_CONTROL_POLICY" && type !== "RESOURCE_CONTROL_POLICY") return out;
    const doc = p.doc;
    const fixGrammar = 'Keep to the IAM policy grammar: Version "2012-10-17", Statement with Sid, Effect, Action or NotAction, Resource or NotResource, Condition.';
    if (doc.Version !== "2012-10-17") out.push({ problem: `The SCP Version is ${JSON.stringify(doc.Version)}; it must be "2012-10-17".`, fix: 'Set "Version": "2012-10-17".' });
    if (doc.Statement === undefined) out.push({ problem: "The SCP has no Statement.", fix: fixGrammar });
    for (const k of Object.keys(doc)) if (k !== "Version" && k !== "Statement" && k !== "Id") out.push({ problem: `Unknown top-level element "${k}" in the SCP.`, fix: `Remove "${k}".` });
    for (const s of p.statements) {
        const label = stmtLabel(s);
        if (Object.keys(s.raw).length === 0 || "invalid" in s.raw) {
            if (s.hasUnknown) out.push({ problem: cannotCheck(`SCP ${label}`), fix: UNKNOWN_VALUE_FIX });
            else out.push({ problem: `SCP ${label} is not an object.`, fix: fixGrammar });
            continue;
        }
        if (type === "RESOURCE_CONTROL_POLICY") {
            // RCPs are resource-based: every statement names the principal "*" (narrowed by conditions).
            const star = s.principal === "*" || (s.principal !== null && typeof s.principal === "object" && (s.principal as Record<string, unknown>).AWS === "*");
            if (!star || s.notPrincipal !== undefined)
                out.push({
                    problem: `RCP ${label} must have Principal "*" (and no NotPrincipal).`,
                    fix: `Set "Principal": "*" in ${label} and select principals with conditions (aws:PrincipalOrgID, aws:PrincipalIsAWSService).`,
                });
        } else if (s.principal !== undefined || s.notPrincipal !== undefined) {
            out.push({
                problem: `SCP ${label} has a Principal/NotPrincipal element; SCPs do not name principals.`,
                fix: `Remove Principal from ${label} and select principals with a condition on aws:PrincipalArn.`,
            });
        }
        if (!isUnknown(s.raw.Effect) && s.effect !== "Allow" && s.effect !== "Deny")
            out.push({ problem: `SCP ${label} has Effect ${JSON.stringify(s.raw.Effect)}; it must be "Allow" or "Deny".`, fix: `Set the Effect of ${label} to "Allow" or "Deny".` });
        if ((s.action === undefined) === (s.notAction === undefined))
            out.push({ problem: `SCP ${label} must have exactly one of Action or NotAction.`, fix: `Give ${label} one Action (or NotAction) list.` });
        if (s.resource !== undefined && s.notResource !== undefined) out.push({ problem: `SCP ${label} has both Resource and NotResource.`, fix: `Keep one of them in ${label}.` });
        for (const k of Object.keys(s.raw))
            if (!STATEMENT_KEYS.has(k) && k !== "Principal" && k !== "NotPrincipal") out.push({ problem: `SCP ${label} has an unknown element "${k}".`, fix: `Remove "${k}" from ${label}.` });
    }
    return out;
}

export const orgPolicyDocument: ResourceValidationPolicy = {
    name: "org-policy-document",
    description:
        "Organization policies: SCPs are valid JSON in the IAM grammar without Principal; content within AWS's size limit as submitted (SCP 5,120 characters, tag and backup policies 10,000), whitespace included.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateResource: forType(T.orgPolicy, (args, report) => {
        for (const f of orgPolicyFindings(plainProps(args.props))) report(msg(f.problem, f.fix));
    }),
};
