import { ResourceValidationPolicy } from "@pulumi/policy";
import { boundedBy, canApply } from "../lib/conditions";
import { deniedEverywhere } from "../lib/escalation";
import { msg } from "../lib/policy";
import { actionMatches, hasUnknownAction, isAllow, isUnrestrictedResource, parseDocument, Statement, stmtLabel } from "../lib/policy-document";
import { IDENTITY_DOC_TYPES, identityDocs } from "../lib/resource-docs";
import { cannotCheck, plainProps, UNKNOWN_DOCUMENT_FIX, UNKNOWN_VALUE_FIX } from "../lib/unknown";

const REMEDIATION = "List the role ARNs that may be passed (Resource: arn:aws:iam::<account>:role/<name>) and restrict iam:PassedToService.";

/**
 * Allow statements granting iam:PassRole (explicitly or via an iam wildcard) on every role. An
 * unknown Resource is one specific role of the stack, not every role. The bare "*" action is
 * judged by iam-no-full-admin.
 */
export function passRoleOnStar(s: Statement): boolean {
    if (!isAllow(s) || !canApply(s)) return false;
    const grants = (s.action ?? []).some((a) => typeof a === "string" && a !== "*" && actionMatches(a, "iam:PassRole"));
    return grants && isUnrestrictedResource(s) && !boundedBy(s);
}

export function passRoleFindings(type: string, props: Record<string, unknown>): { problem: string; fix: string }[] {
    const out: { problem: string; fix: string }[] = [];
    for (const d of identityDocs(type, props)) {
        const p = parseDocument(d.value);
        if (p.kind === "unknown") {
            out.push({ problem: cannotCheck(`${d.label} for iam:PassRole on every role`, "the whole document is unknown at preview"), fix: UNKNOWN_DOCUMENT_FIX });
            continue;
        }
        if (p.kind !== "ok") continue;
        const statements = p.statements.map((stmt) => ({ doc: d.label, stmt }));
        if (deniedEverywhere(statements, "iam:PassRole")) continue;
        const unknown = p.statements.filter((s) => (s.effect === undefined && s.hasUnknown) || (isAllow(s) && hasUnknownAction(s)));
        if (unknown.length > 0)
            out.push({
                problem: cannotCheck(`${d.label} for iam:PassRole on every role`, `the actions or Effect of ${unknown.map(stmtLabel).join(", ")} are not known at preview`),
                fix: UNKNOWN_VALUE_FIX,
            });
        for (const s of p.statements) {
            if (!passRoleOnStar(s)) continue;
            out.push({
                problem: `${d.label}, ${stmtLabel(s)}: allows iam:PassRole on every role (Resource ${JSON.stringify((s.resource ?? ["NotResource"]).filter((r) => typeof r === "string"))}), so its holder can hand any role, admin roles included, to a service that runs as it.`,
                fix: `In ${stmtLabel(s)}, replace the Resource with the ARNs of the roles to pass (arn:aws:iam::<account>:role/<name>) and add Condition {"StringEquals": {"iam:PassedToService": "<service>.amazonaws.com"}}.`,
            });
        }
    }
    return out;
}

export const noPassRoleWildcard: ResourceValidationPolicy = {
    name: "iam-no-passrole-wildcard",
    description: 'No iam:PassRole on Resource "*" (or every role) in identity policies.',
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (!IDENTITY_DOC_TYPES.includes(args.type)) return;
        for (const f of passRoleFindings(args.type, plainProps(args.props))) report(msg(f.problem, f.fix));
    },
};
