import { StackValidationPolicy } from "@pulumi/policy";
import { msg } from "../lib/policy";
import { nodeKey, nodeLabel, OrgNode, OrgTree, orgTreeOf } from "../lib/org-tree";
import { displayName, stackViewOf } from "../lib/stack";
import { cannotCheck } from "../lib/unknown";

export const MAX_SCPS_PER_TARGET = 5;
export const MAX_OU_DEPTH = 5;
const FULL_AWS_ACCESS = "p-FullAWSAccess";
const REMEDIATION = "Merge SCPs so that at most 5 (FullAWSAccess included) are attached directly to any root, OU or account, and keep OUs at most 5 levels below the root.";

export function structureFindings(tree: OrgTree): { urn: string; message: string }[] {
    const out: { urn: string; message: string }[] = [];
    const perTarget = new Map<string, { node: OrgNode; urns: string[]; fullAccess: boolean }>();
    for (const a of tree.attachments()) {
        if (a.policy && !("external" in a.policy) && (a.policy.props.type ?? "SERVICE_CONTROL_POLICY") !== "SERVICE_CONTROL_POLICY") continue;
        if (a.target.kind === "unknown") {
            out.push({ urn: a.res.urn, message: cannotCheck(`the target of ${displayName(a.res)} for the 5-SCP limit`, a.target.reason) });
            continue;
        }
        const k = nodeKey(a.target);
        const e = perTarget.get(k) ?? { node: a.target, urns: [], fullAccess: false };
        e.urns.push(a.res.urn);
        if (a.policy && "external" in a.policy && a.policy.external === FULL_AWS_ACCESS) e.fullAccess = true;
        perTarget.set(k, e);
    }
    for (const { node, urns, fullAccess } of perTarget.values()) {
        // AWS attaches FullAWSAccess to the root and to every OU and account it creates; unless
        // the stack itself manages that attachment, it counts towards the limit too.
        const total = urns.length + (fullAccess ? 0 : 1);
        if (total > MAX_SCPS_PER_TARGET) {
            const detail = fullAccess ? `${urns.length} in this stack` : `${urns.length} in this stack plus ${FULL_AWS_ACCESS}, which AWS attaches by default`;
            out.push({ urn: urns[urns.length - 1], message: `${total} SCPs are attached directly to ${nodeLabel(node)} (${detail}); AWS allows ${MAX_SCPS_PER_TARGET}.` });
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
    description: "At most 5 SCPs attached directly to any root, OU or account (FullAWSAccess, attached by AWS by default, included), and OUs nested at most 5 levels below the root.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const tree = orgTreeOf(stackViewOf(args.resources));
        for (const f of structureFindings(tree)) report(msg(f.message, REMEDIATION), f.urn);
    },
};
