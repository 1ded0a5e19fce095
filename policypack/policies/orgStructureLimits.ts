import { StackValidationPolicy } from "@pulumi/policy";
import { msg } from "../lib/policy";
import { nodeKey, nodeLabel, OrgNode, OrgTree } from "../lib/orgTree";
import { displayName, fromPolicyResources, StackView } from "../lib/stack";
import { cannotCheck } from "../lib/unknown";

export const MAX_SCPS_PER_TARGET = 5;
export const MAX_OU_DEPTH = 5;
const REMEDIATION = "Merge SCPs so that at most 5 are attached directly to any root, OU or account, and keep OUs at most 5 levels below the root.";

export function structureFindings(tree: OrgTree): { urn: string; message: string }[] {
    const out: { urn: string; message: string }[] = [];
    const perTarget = new Map<string, { node: OrgNode; urns: string[] }>();
    for (const a of tree.attachments()) {
        if (a.policy && !("external" in a.policy) && (a.policy.props.type ?? "SERVICE_CONTROL_POLICY") !== "SERVICE_CONTROL_POLICY") continue;
        if (a.target.kind === "unknown") { out.push({ urn: a.res.urn, message: cannotCheck(`the target of ${displayName(a.res)} for the 5-SCP limit`, a.target.reason) }); continue; }
        const k = nodeKey(a.target);
        const e = perTarget.get(k) ?? { node: a.target, urns: [] };
        e.urns.push(a.res.urn);
        perTarget.set(k, e);
    }
    for (const { node, urns } of perTarget.values()) {
        if (urns.length > MAX_SCPS_PER_TARGET) {
            out.push({ urn: urns[MAX_SCPS_PER_TARGET], message: `${urns.length} SCPs are attached directly to ${nodeLabel(node)}; AWS allows ${MAX_SCPS_PER_TARGET}.` });
        }
    }
    for (const ou of tree.ous) {
        const { depth, complete } = tree.depth(ou);
        const chain = tree.chain({ kind: "ou", res: ou });
        if (depth > MAX_OU_DEPTH) out.push({ urn: ou.urn, message: `OU ${displayName(ou)} is nested ${depth} levels below the root; AWS allows ${MAX_OU_DEPTH}.` });
        else if (!complete && chain.end.kind === "unknown") out.push({ urn: ou.urn, message: cannotCheck(`the nesting depth of OU ${displayName(ou)}`, chain.end.reason) });
    }
    return out;
}

export const orgStructureLimits: StackValidationPolicy = {
    name: "org-structure-limits",
    description: "At most 5 SCPs attached directly to any root, OU or account, and OUs nested at most 5 levels below the root.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const tree = new OrgTree(new StackView(fromPolicyResources(args.resources)));
        for (const f of structureFindings(tree)) report(msg(f.message, REMEDIATION), f.urn);
    },
};
