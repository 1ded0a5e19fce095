import { StackValidationPolicy } from "@pulumi/policy";
import { configSchema, GuardrailConfig, resolveConfig } from "../lib/config";
import { entityLabel, iamGraphOf, IamGraph, IdentityDoc } from "../lib/iamGraph";
import { msg } from "../lib/policy";
import { grantedAmong, hasConditionKey, isAllow, isUnrestrictedResource, ParsedDocument, Statement, stmtLabel } from "../lib/policyDocument";
import { stackViewOf } from "../lib/stack";
import { cannotCheck, isUnknown } from "../lib/unknown";

/** Well-known privilege-escalation actions. */
export const ESCALATION_ACTIONS = [
    "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:CreateAccessKey", "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile", "iam:AttachUserPolicy", "iam:AttachGroupPolicy", "iam:AttachRolePolicy",
    "iam:PutUserPolicy", "iam:PutGroupPolicy", "iam:PutRolePolicy", "iam:AddUserToGroup",
    "iam:UpdateAssumeRolePolicy", "lambda:UpdateFunctionCode", "glue:UpdateDevEndpoint",
];
/** iam:PassRole escalates when combined with one of these (the new resource runs as the passed role). */
export const PASSROLE_COMPANIONS = [
    "ec2:RunInstances", "lambda:CreateFunction", "glue:CreateDevEndpoint", "cloudformation:CreateStack", "datapipeline:CreatePipeline",
];
/** Conditions that bound IAM write access (permissions boundary required, or only given policies). */
const BOUNDING_KEYS = ["iam:permissionsboundary", "iam:policyarn"];

/**
 * A positive aws:ResourceTag condition (StringEquals/StringLike, without IfExists) limits the
 * grant to resources of one environment: escalation stays inside what the holder already owns.
 * (Actions without aws:ResourceTag support never match such a condition; see iam-tag-isolation.)
 */
function tagScoped(s: Statement): boolean {
    return Object.entries(s.condition ?? {}).some(([op, kv]) => /^String(Equals|Like)(IgnoreCase)?$/i.test(op) &&
        Object.keys(kv).some((k) => k.toLowerCase().startsWith("aws:resourcetag/")));
}

/** Escalation actions a document grants on unrestricted resources (statements with Action "*" excluded: see iam-no-full-admin). */
export function escalationGrants(parsed: ParsedDocument): { actions: string[]; where: string[]; unknown: string[] } {
    if (parsed.kind !== "ok") return { actions: [], where: [], unknown: [] };
    const actions = new Set<string>();
    const where: string[] = [];
    const unknown: string[] = [];
    let passRole = false;
    const companions = new Set<string>();
    for (const s of parsed.statements) {
        if (s.effect === undefined && s.hasUnknown) { unknown.push(`${stmtLabel(s)} (unknown at preview)`); continue; }
        if (!isAllow(s) || (s.action ?? []).includes("*")) continue;
        const bounded = hasConditionKey(s, (k) => BOUNDING_KEYS.includes(k.toLowerCase())) || tagScoped(s);
        if ((s.action ?? []).some(isUnknown)) { if (!bounded) unknown.push(`the Action of ${stmtLabel(s)}`); continue; }
        if (!isUnrestrictedResource(s)) {
            // An unknown Resource could be anything: only a grant that would escalate matters.
            if ((s.resource ?? []).some(isUnknown) && !bounded && grantedAmong(s, [...ESCALATION_ACTIONS, "iam:PassRole"]).length > 0) unknown.push(`the Resource of ${stmtLabel(s)}`);
            continue;
        }
        const hits = bounded ? [] : grantedAmong(s, ESCALATION_ACTIONS);
        if (hits.length > 0) { hits.forEach((h) => actions.add(h)); where.push(stmtLabel(s)); }
        if (grantedAmong(s, ["iam:PassRole"]).length > 0) passRole = true;
        grantedAmong(s, PASSROLE_COMPANIONS).forEach((c) => companions.add(c));
    }
    if (passRole && companions.size > 0) actions.add(`iam:PassRole with ${[...companions].join(", ")}`);
    return { actions: [...actions], where, unknown };
}

const REMEDIATION = "Remove the IAM-write / code-update actions, scope them to specific ARNs, require a permissions boundary (iam:PermissionsBoundary condition), " +
    "or grant them only to an entity marked admin (tag AccessLevel=admin or listed in adminEntityNames).";

export function escalationFindings(graph: IamGraph, cfg: GuardrailConfig): { urn: string; message: string }[] {
    const out: { urn: string; message: string }[] = [];
    for (const d of graph.docs) out.push(...docFindings(graph, d, cfg));
    return out;
}

function docFindings(graph: IamGraph, d: IdentityDoc, cfg: GuardrailConfig): { urn: string; message: string }[] {
    if (d.parsed.kind === "unknown") return [{ urn: d.source.urn, message: cannotCheck(`${d.label} for privilege escalation`) }];
    const g = escalationGrants(d.parsed);
    if (g.actions.length === 0) {
        return g.unknown.length > 0 ? [{ urn: d.source.urn, message: cannotCheck(`${d.label} for privilege escalation`, `${g.unknown.join(", ")} is not known at preview`) }] : [];
    }
    const what = `${d.label} grants privilege-escalation actions on unrestricted resources (${g.actions.join(", ")})`;
    if (d.managedPolicy && graph.isAdminPolicy(d.managedPolicy, cfg)) return [];
    if (d.entities.length === 0) {
        if (d.managedPolicy && graph.isBoundary(d.managedPolicy)) return []; // a boundary only caps
        return [{ urn: d.source.urn, message: `${what} and is not attached to any entity marked admin.` }];
    }
    const out: { urn: string; message: string }[] = [];
    for (const e of d.entities) {
        const admin = graph.isAdmin(e, cfg);
        if (admin === undefined) out.push({ urn: d.source.urn, message: cannotCheck(`whether ${entityLabel(e)} is marked admin (${what})`) });
        else if (!admin) out.push({ urn: d.source.urn, message: `${what} to ${entityLabel(e)}, which is not marked admin.` });
    }
    return out;
}

export const privilegeEscalation: StackValidationPolicy = {
    name: "iam-no-privilege-escalation",
    description: "Identity policies do not grant the known privilege-escalation actions (including through wildcards such as iam:* or iam:Put*) on unrestricted resources, except to entities marked admin.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    configSchema: configSchema("adminTagKey", "adminTagValue", "adminEntityNames"),
    validateStack: (args, report) => {
        const cfg = resolveConfig(args.getConfig());
        const graph = iamGraphOf(stackViewOf(args.resources));
        for (const f of escalationFindings(graph, cfg)) report(msg(f.message, REMEDIATION), f.urn);
    },
};
