import { ResourceValidationPolicy } from "@pulumi/policy";
import { msg } from "../lib/policy";
import { actionMatches, isAllow, isUnrestrictedResource, parseDocument, Statement, stmtLabel } from "../lib/policyDocument";
import { IDENTITY_DOC_TYPES, identityDocs } from "../lib/resourceDocs";
import { cannotCheck, plainProps } from "../lib/unknown";

const REMEDIATION = "List the role ARNs that may be passed (Resource: arn:aws:iam::<account>:role/<name>) and restrict iam:PassedToService.";

/** Allow statements granting iam:PassRole (explicitly or via an iam wildcard) on every role. */
export function passRoleOnStar(s: Statement): boolean {
    if (!isAllow(s)) return false;
    // The bare "*" action is judged by iam-no-full-admin.
    const grants = (s.action ?? []).some((a) => typeof a === "string" && a !== "*" && actionMatches(a, "iam:PassRole"));
    return grants && isUnrestrictedResource(s);
}

export function passRoleFindings(type: string, props: Record<string, unknown>): string[] {
    const out: string[] = [];
    for (const d of identityDocs(type, props)) {
        const p = parseDocument(d.value);
        if (p.kind === "unknown") { out.push(cannotCheck(`${d.label} for iam:PassRole on *`)); continue; }
        if (p.kind !== "ok") continue;
        for (const s of p.statements) {
            if (passRoleOnStar(s)) out.push(`${d.label}, ${stmtLabel(s)}: allows iam:PassRole on every role (Resource "*"), which lets the holder hand any role, including admin roles, to a service.`);
            else if (s.hasUnknown && isAllow(s) && (s.action ?? []).some((a) => typeof a === "string" && a !== "*" && actionMatches(a, "iam:PassRole"))) {
                out.push(cannotCheck(`the Resource of ${d.label}, ${stmtLabel(s)} (iam:PassRole)`));
            }
        }
    }
    return out;
}

export const noPassRoleWildcard: ResourceValidationPolicy = {
    name: "iam-no-passrole-wildcard",
    description: "No iam:PassRole on Resource \"*\" in identity policies.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (!IDENTITY_DOC_TYPES.includes(args.type)) return;
        for (const f of passRoleFindings(args.type, plainProps(args.props))) report(msg(f, REMEDIATION));
    },
};
