import { StackValidationPolicy } from "@pulumi/policy";
import { configSchema, GuardrailConfig, resolveConfig } from "../lib/config";
import { DocStatement, escalations, EscalationGrant, ESCALATION_ACTION_NAMES, keepActions } from "../lib/escalation";
import { EntityRef, entityLabel, iamGraphOf, IamGraph, IdentityDoc } from "../lib/iam-graph";
import { Finding, msg } from "../lib/policy";
import { actionMatches, isFullAdmin, ParsedDocument } from "../lib/policy-document";
import { displayName, stackViewOf } from "../lib/stack";
import { cannotCheck, UNKNOWN_DOCUMENT_FIX, UNKNOWN_VALUE_FIX } from "../lib/unknown";

/** The actions that escalate when granted on every resource (for tests). */
export const ESCALATION_ACTIONS = ESCALATION_ACTION_NAMES;

/**
 * Escalations one document grants by itself (no Denies or companions from elsewhere, no
 * privileged roles of a stack): the actions, where, and what is unknown.
 */
export function escalationGrants(parsed: ParsedDocument): { actions: string[]; where: string[]; unknown: string[] } {
    if (parsed.kind !== "ok") return { actions: [], where: [], unknown: [] };
    const r = escalations(
        parsed.statements.map((stmt) => ({ doc: "", stmt })),
        () => ({ privileged: [] }),
    );
    return { actions: [...new Set(r.grants.flatMap((g) => g.actions))], where: r.grants.map((g) => g.where), unknown: r.unknown.map((u) => u.what) };
}

const GENERAL_FIX =
    "Scope the listed actions to named resources, require a specific permissions boundary, or grant them only to an entity marked admin " + "(tag AccessLevel=admin or adminEntityNames).";

function describe(g: EscalationGrant): string {
    const how = g.parts.map((p) => p.how).join("; ");
    return `${g.where} grants ${g.actions.join(", ")}${g.kind === "direct" ? " on every resource" : ""}: ${how}`;
}

/** Grants of a principal's documents, after the Denies and the permissions boundary that apply to it. */
function principalGrants(graph: IamGraph, e: EntityRef, cfg: GuardrailConfig, docs: IdentityDoc[]): EscalationGrant[] {
    const statements = IamGraph.statementsOf(docs);
    const docByLabel = new Map(docs.map((d) => [d.label, d]));
    const passTargets = (d: DocStatement) => {
        const doc = docByLabel.get(d.doc);
        const roles = doc ? graph.rolesNamed(doc, d.stmt.resource ?? []) : [];
        return { privileged: roles.filter((r) => graph.isPrivileged(r, cfg)).map(displayName) };
    };
    const boundary = graph.boundaryOf(e);
    // An explicit Deny in the boundary denies whatever the principal's own policies allow.
    const boundaryDenies = (boundary ?? []).filter(({ stmt }) => stmt.effect === "Deny");
    const grants = escalations([...statements, ...boundaryDenies], passTargets).grants;
    if (!boundary || boundary.some(({ stmt }) => isFullAdmin(stmt))) return grants;
    // Only what the boundary allows too is effective.
    const capped = escalations(boundary, () => ({ privileged: ["(any role the boundary lets pass)"] })).grants;
    const allowed = new Set(capped.flatMap((g) => g.actions));
    return grants.map((g) => keepActions(g, allowed)).filter((g): g is EscalationGrant => g !== undefined);
}

export function escalationFindings(graph: IamGraph, cfg: GuardrailConfig): Finding[] {
    const out: Finding[] = [];
    for (const d of graph.docs) {
        if (d.parsed.kind === "unknown") {
            out.push({ urn: d.source.urn, problem: cannotCheck(`${d.label} for privilege escalation`, "the whole document is unknown at preview"), fix: UNKNOWN_DOCUMENT_FIX });
            continue;
        }
        if (d.parsed.kind !== "ok") continue;
        if (d.managedPolicy && graph.isAdminPolicy(d.managedPolicy, cfg)) continue;
        const own = escalations(IamGraph.statementsOf([d]), () => ({ privileged: [] }));
        if (own.unknown.length > 0) {
            out.push({
                urn: d.source.urn,
                problem: cannotCheck(`${d.label} for privilege escalation`, `${own.unknown.map((u) => u.what).join(", ")} is not known at preview`),
                fix: UNKNOWN_VALUE_FIX,
            });
        }
        if (d.entities.length === 0) {
            if (d.managedPolicy && graph.isBoundary(d.managedPolicy)) continue; // a boundary only caps
            const grants = own.grants;
            if (grants.length > 0) out.push({ urn: d.source.urn, problem: `${d.label} is attached to no entity marked admin, and its ${grants.map(describe).join("; ")}.`, fix: fixOf(grants) });
            continue;
        }
        for (const e of d.entities) {
            if (e.res && e.kind === "role" && graph.isServiceOperated(e.res)) continue;
            if (accepted(e, cfg)) continue;
            // The document's own grants, combined with (and denied by) what else applies to the entity.
            const applying = e.res ? graph.applyingDocs(e) : [d];
            const grants = principalGrants(graph, e, cfg, applying.includes(d) ? applying : [d, ...applying]).filter((g) => g.doc === d.label);
            if (grants.length === 0) continue;
            const admin = graph.isAdmin(e, cfg);
            if (admin === true) continue;
            const what = `${d.label}: ${grants.map(describe).join("; ")}`;
            if (admin === undefined) out.push({ urn: d.source.urn, problem: cannotCheck(`whether ${entityLabel(e)} is marked admin (${what})`), fix: UNKNOWN_VALUE_FIX });
            else out.push({ urn: d.source.urn, problem: `${what}. It applies to ${entityLabel(e)}, which is not marked admin.`, fix: fixOf(grants) });
        }
    }
    return out;
}

/** Is the entity one whose escalation paths the config accepts (acceptedEscalationEntities)? */
function accepted(e: EntityRef, cfg: GuardrailConfig): boolean {
    const names = [e.name, e.res?.name, typeof e.res?.props.name === "string" ? e.res.props.name : undefined].filter((n): n is string => !!n);
    return cfg.acceptedEscalationEntities.some((p) => names.some((n) => actionMatches(p, n)));
}

function fixOf(grants: EscalationGrant[]): string {
    const fixes = [...new Set(grants.map((g) => `${g.where}: ${[...new Set(g.parts.map((p) => p.fix))].join("; ")}`))];
    return `${fixes.join("; ")}. Otherwise: ${GENERAL_FIX}`;
}

export const privilegeEscalation: StackValidationPolicy = {
    name: "iam-no-privilege-escalation",
    description:
        "Identity policies (AWS managed ones included) grant no privilege-escalation path on unrestricted resources, except to entities marked admin: IAM policy and credential writes, code or commands run as another principal's role, iam:PassRole of any or a privileged role with a service that runs it, sts:AssumeRole on every role.",
    remediationSteps: GENERAL_FIX,
    enforcementLevel: "mandatory",
    configSchema: configSchema("adminTagKey", "adminTagValue", "adminEntityNames", "acceptedEscalationEntities"),
    validateStack: (args, report) => {
        const cfg = resolveConfig(args.getConfig());
        const graph = iamGraphOf(stackViewOf(args.resources));
        for (const f of escalationFindings(graph, cfg)) report(msg(f.problem, f.fix), f.urn);
    },
};
