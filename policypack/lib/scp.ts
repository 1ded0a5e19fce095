// What SCP statements say, independent of their names.
import { actionMatches, conditionValues, parseDocument, ParsedDocument, Statement } from "./policyDocument";
import { nodeLabel, OrgNode, OrgTree } from "./orgTree";
import { displayName, Res } from "./stack";

export function deniesLeaveOrganization(s: Statement): boolean {
    return s.effect === "Deny" && (s.action ?? []).some((a) => typeof a === "string" && actionMatches(a, "organizations:LeaveOrganization"));
}

export function deniesRootUser(s: Statement): boolean {
    if (s.effect !== "Deny" || !(s.action ?? []).includes("*")) return false;
    const values = conditionValues(s, /^(ArnLike|ArnEquals|StringLike|StringEquals)(IfExists)?$/i, "aws:PrincipalArn");
    return values.some((v) => v === "arn:aws:iam::*:root");
}

export function restrictsInstanceTypes(s: Statement): boolean {
    if (s.effect !== "Deny" || !(s.action ?? []).some((a) => typeof a === "string" && actionMatches(a, "ec2:RunInstances"))) return false;
    return Object.entries(s.condition ?? {}).some(([op, kv]) => /Not(Equals|Like)/i.test(op) && Object.keys(kv).some((k) => k.toLowerCase() === "ec2:instancetype"));
}

export interface Governance {
    /** Which predicates are satisfied by SCPs on the account, its ancestors or the root. */
    satisfied: Set<string>;
    /** Things that could not be seen (unknown content, unresolved ancestry). */
    unknowns: string[];
}

/** Evaluates predicates over the SCPs that govern a node (attached to it or any ancestor). */
export function governance(tree: OrgTree, node: OrgNode, predicates: Record<string, (s: Statement) => boolean>): Governance {
    const chain = tree.chain(node);
    const satisfied = new Set<string>();
    const unknowns: string[] = [];
    const nodes = [...chain.nodes];
    if (!chain.complete) {
        if (chain.end.kind === "unknown") unknowns.push(`the position of ${nodeLabel(chain.nodes[chain.nodes.length - 1])} in the organization (${chain.end.reason})`);
        // An external parent is still under the root: root SCPs apply.
        if (chain.end.kind === "external") nodes.push({ kind: "root" });
    }
    for (const n of nodes) {
        for (const { policy, attachment } of tree.scpsOn(n)) {
            if (!policy) { unknowns.push(`which policy ${displayName(attachment)} attaches (policyId unknown at preview)`); continue; }
            if ("external" in policy) {
                if (policy.external !== "p-FullAWSAccess") unknowns.push(`the content of policy ${policy.external} attached to ${nodeLabel(n)} (not managed by this stack)`);
                continue;
            }
            const parsed: ParsedDocument = parseDocument(policy.props.content);
            if (parsed.kind === "unknown") { unknowns.push(`the content of SCP ${displayName(policy)} (unknown at preview)`); continue; }
            if (parsed.kind !== "ok") continue;
            for (const [name, pred] of Object.entries(predicates)) if (parsed.statements.some(pred)) satisfied.add(name);
        }
    }
    // Attachments whose target is unknown might target this node.
    for (const a of tree.attachments()) {
        if (a.target.kind === "unknown") unknowns.push(`the target of ${displayName(a.res)} (${a.target.reason})`);
    }
    return { satisfied, unknowns };
}

export function accountNode(res: Res): OrgNode {
    return { kind: "account", res };
}
