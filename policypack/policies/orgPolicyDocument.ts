import { ResourceValidationPolicy } from "@pulumi/policy";
import { forType, msg } from "../lib/policy";
import { parseDocument, stmtLabel } from "../lib/policyDocument";
import { T } from "../lib/types";
import { cannotCheck, isUnknown, plainProps } from "../lib/unknown";

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

export function orgPolicyFindings(props: Record<string, unknown>): string[] {
    const type = isUnknown(props.type) ? undefined : String(props.type ?? "SERVICE_CONTROL_POLICY");
    if (type === undefined) return [cannotCheck("the organization policy type")];
    const p = parseDocument(props.content);
    if (p.kind === "unknown") return [cannotCheck(`the ${type} content`)];
    if (p.kind === "absent") return [`The ${type} has no content.`];
    if (p.kind === "invalid") return [`The ${type} content is ${p.error}.`];
    const out: string[] = [];
    const limit = ORG_POLICY_LIMITS[type];
    if (limit !== undefined && p.minifiedSize > limit) {
        out.push(`The ${type} is ${p.minifiedSize} characters minified; the limit is ${limit}.`);
    }
    if (type !== "SERVICE_CONTROL_POLICY" && type !== "RESOURCE_CONTROL_POLICY") return out;
    const doc = p.doc;
    if (doc.Version !== "2012-10-17") out.push(`The SCP Version is ${JSON.stringify(doc.Version)}; it must be "2012-10-17".`);
    if (doc.Statement === undefined) out.push("The SCP has no Statement.");
    for (const k of Object.keys(doc)) if (k !== "Version" && k !== "Statement" && k !== "Id") out.push(`Unknown top-level element "${k}" in the SCP.`);
    for (const s of p.statements) {
        const label = stmtLabel(s);
        if (Object.keys(s.raw).length === 0 || "invalid" in s.raw) {
            if (s.hasUnknown) out.push(cannotCheck(`SCP ${label}`)); else out.push(`SCP ${label} is not an object.`);
            continue;
        }
        if (s.principal !== undefined || s.notPrincipal !== undefined) out.push(`SCP ${label} has a Principal/NotPrincipal element; SCPs do not name principals (use a condition on aws:PrincipalArn).`);
        if (!isUnknown(s.raw.Effect) && s.effect !== "Allow" && s.effect !== "Deny") out.push(`SCP ${label} has Effect ${JSON.stringify(s.raw.Effect)}; it must be "Allow" or "Deny".`);
        if ((s.action === undefined) === (s.notAction === undefined)) out.push(`SCP ${label} must have exactly one of Action or NotAction.`);
        if (s.resource !== undefined && s.notResource !== undefined) out.push(`SCP ${label} has both Resource and NotResource.`);
        for (const k of Object.keys(s.raw)) if (!STATEMENT_KEYS.has(k) && k !== "Principal" && k !== "NotPrincipal") out.push(`SCP ${label} has an unknown element "${k}".`);
    }
    return out;
}

export const orgPolicyDocument: ResourceValidationPolicy = {
    name: "org-policy-document",
    description: "Organization policies: SCPs are valid JSON in the IAM grammar without Principal and at most 5,120 characters minified; tag policies at most 10,000.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateResource: forType(T.orgPolicy, (args, report) => {
        for (const f of orgPolicyFindings(plainProps(args.props))) report(msg(f, REMEDIATION));
    }),
};
