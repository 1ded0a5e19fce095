import { StackValidationPolicy } from "@pulumi/policy";
import { configSchema, GuardrailConfig, resolveConfig } from "../lib/config";
import { canApply } from "../lib/conditions";
import { entityLabel, iamGraphOf, IamGraph } from "../lib/iam-graph";
import { Finding, msg } from "../lib/policy";
import { hasUnknownAction, isAllow, isFullAdmin, requiresMfa, stmtLabel } from "../lib/policy-document";
import { stackViewOf } from "../lib/stack";
import { cannotCheck, UNKNOWN_DOCUMENT_FIX, UNKNOWN_VALUE_FIX } from "../lib/unknown";

export { isFullAdmin };

const REMEDIATION =
    "Grant full admin only to a role or group marked admin (tag AccessLevel=admin, or adminEntityNames) whose use requires MFA: " +
    "a role whose trust policy requires aws:MultiFactorAuthPresent, or a group with the force-MFA deny policy; or add an MFA condition to the statement.";

export function fullAdminFindings(graph: IamGraph, cfg: GuardrailConfig): Finding[] {
    const out: Finding[] = [];
    for (const d of graph.docs) {
        if (d.parsed.kind === "unknown") {
            out.push({ urn: d.source.urn, problem: cannotCheck(`${d.label} for full admin access`, "the whole document is unknown at preview"), fix: UNKNOWN_DOCUMENT_FIX });
            continue;
        }
        if (d.parsed.kind !== "ok") continue;
        const stmts = d.parsed.statements.filter((s) => isFullAdmin(s) && canApply(s));
        if (stmts.length === 0) {
            // Only an unknown action list or Effect decides: an unknown Resource is one specific resource.
            const unknown = d.parsed.statements.filter((s) => (s.effect === undefined && s.hasUnknown) || (isAllow(s) && hasUnknownAction(s)));
            if (unknown.length > 0)
                out.push({
                    urn: d.source.urn,
                    problem: cannotCheck(`${d.label} for full admin access`, `the actions of ${unknown.map(stmtLabel).join(", ")} are not known at preview`),
                    fix: UNKNOWN_VALUE_FIX,
                });
            continue;
        }
        const where = stmts.map(stmtLabel).join(", ");
        const mfaInStatement = stmts.every(requiresMfa);
        const what = `${d.label}, ${where}: allows every action on every resource (full admin)`;
        if (d.entities.length === 0) {
            // A permissions boundary with Allow * only caps what its holders' policies grant.
            if (d.managedPolicy && graph.isBoundary(d.managedPolicy)) continue;
            if (!(d.managedPolicy && graph.isAdminPolicy(d.managedPolicy, cfg)))
                out.push({
                    urn: d.source.urn,
                    problem: `${what}, and is attached to no entity marked admin.`,
                    fix: `Mark the policy admin (tag ${cfg.adminTagKey}=${cfg.adminTagValue} or adminEntityNames) or replace the "*" action with the actions needed.`,
                });
            continue;
        }
        for (const e of d.entities) {
            const admin = graph.isAdmin(e, cfg);
            if (admin === undefined) {
                out.push({ urn: d.source.urn, problem: cannotCheck(`whether ${entityLabel(e)} is marked admin (${what})`), fix: UNKNOWN_VALUE_FIX });
                continue;
            }
            if (!admin) {
                out.push({
                    urn: d.source.urn,
                    problem: `${what} to ${entityLabel(e)}, which is not marked admin.`,
                    fix: `Grant only the actions ${entityLabel(e)} needs, or, if it is an administrator, tag it ${cfg.adminTagKey}=${cfg.adminTagValue} (groups: adminEntityNames) and require MFA to use it.`,
                });
                continue;
            }
            if (!mfaInStatement && !graph.useRequiresMfa(e)) {
                out.push({
                    urn: d.source.urn,
                    problem: `${what} to admin ${entityLabel(e)}, but using it does not require MFA.`,
                    fix:
                        e.kind === "role"
                            ? 'Add Condition {"Bool": {"aws:MultiFactorAuthPresent": "true"}} to every Allow of the role\'s trust policy.'
                            : "Put the users in a group with the force-MFA deny (BoolIfExists aws:MultiFactorAuthPresent false).",
                });
            }
        }
    }
    return out;
}

export const fullAdmin: StackValidationPolicy = {
    name: "iam-no-full-admin",
    description: 'No identity policy allows every action ("*") except on entities marked admin whose use requires MFA.',
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    configSchema: configSchema("adminTagKey", "adminTagValue", "adminEntityNames"),
    validateStack: (args, report) => {
        const cfg = resolveConfig(args.getConfig());
        const graph = iamGraphOf(stackViewOf(args.resources));
        for (const f of fullAdminFindings(graph, cfg)) report(msg(f.problem, f.fix), f.urn);
    },
};
