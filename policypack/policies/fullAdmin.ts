import { StackValidationPolicy } from "@pulumi/policy";
import { configSchema, GuardrailConfig, resolveConfig } from "../lib/config";
import { entityLabel, iamGraphOf, IamGraph } from "../lib/iamGraph";
import { msg } from "../lib/policy";
import { isAllow, isUnrestrictedResource, requiresMfa, Statement, stmtLabel } from "../lib/policyDocument";
import { stackViewOf } from "../lib/stack";
import { cannotCheck, isUnknown } from "../lib/unknown";

/** Allow of every action ("*" or "*:*") on every resource. */
export function isFullAdmin(s: Statement): boolean {
    return isAllow(s) && (s.action ?? []).some((a) => a === "*" || a === "*:*") && isUnrestrictedResource(s);
}

const REMEDIATION = "Grant full admin only to a role or group marked admin (tag AccessLevel=admin, or adminEntityNames) whose use requires MFA: " +
    "a role whose trust policy requires aws:MultiFactorAuthPresent, or a group with the force-MFA deny policy; or add an MFA condition to the statement.";

export function fullAdminFindings(graph: IamGraph, cfg: GuardrailConfig): { urn: string; message: string }[] {
    const out: { urn: string; message: string }[] = [];
    for (const d of graph.docs) {
        if (d.parsed.kind === "unknown") { out.push({ urn: d.source.urn, message: cannotCheck(`${d.label} for full admin access`) }); continue; }
        if (d.parsed.kind !== "ok") continue;
        const stmts = d.parsed.statements.filter(isFullAdmin);
        if (stmts.length === 0) {
            const unknown = d.parsed.statements.filter((s) => (s.effect === undefined && s.hasUnknown) ||
                (isAllow(s) && ((s.action ?? []).some(isUnknown) || ((s.action ?? []).includes("*") && (s.resource ?? []).some(isUnknown)))));
            if (unknown.length > 0) out.push({ urn: d.source.urn, message: cannotCheck(`${d.label} for full admin access`, `${unknown.map(stmtLabel).join(", ")} is not fully known at preview`) });
            continue;
        }
        const mfaInStatement = stmts.every(requiresMfa);
        const what = `${d.label} allows every action on every resource (full admin)`;
        if (d.entities.length === 0) {
            // A permissions boundary with Allow * only caps what its holders' policies grant.
            if (d.managedPolicy && graph.isBoundary(d.managedPolicy)) continue;
            if (!(d.managedPolicy && graph.isAdminPolicy(d.managedPolicy, cfg))) out.push({ urn: d.source.urn, message: `${what} and is not attached to any entity marked admin.` });
            continue;
        }
        for (const e of d.entities) {
            const admin = graph.isAdmin(e, cfg);
            if (admin === undefined) { out.push({ urn: d.source.urn, message: cannotCheck(`whether ${entityLabel(e)} is marked admin (${what})`) }); continue; }
            if (!admin) { out.push({ urn: d.source.urn, message: `${what} to ${entityLabel(e)}, which is not marked admin.` }); continue; }
            if (!mfaInStatement && !graph.useRequiresMfa(e)) {
                out.push({ urn: d.source.urn, message: `${what} to admin ${entityLabel(e)}, but using it does not require MFA.` });
            }
        }
    }
    return out;
}

export const fullAdmin: StackValidationPolicy = {
    name: "iam-no-full-admin",
    description: "No identity policy allows every action (\"*\") except on entities marked admin whose use requires MFA.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    configSchema: configSchema("adminTagKey", "adminTagValue", "adminEntityNames"),
    validateStack: (args, report) => {
        const cfg = resolveConfig(args.getConfig());
        const graph = iamGraphOf(stackViewOf(args.resources));
        for (const f of fullAdminFindings(graph, cfg)) report(msg(f.message, REMEDIATION), f.urn);
    },
};
