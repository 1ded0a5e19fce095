// What SCP statements say, independent of their names.
import { actionMatches, conditionValues, isUnrestrictedResource, parseDocument, ParsedDocument, Statement } from "./policy-document";
import { nodeLabel, OrgNode, OrgTree } from "./org-tree";
import { displayName, Res } from "./stack";

/**
 * Conditions that only exempt named principals (the platform role pattern: ArnNotLike
 * aws:PrincipalArn): the deny still applies to everyone else.
 */
function onlyPrincipalExemptions(s: Statement): boolean {
    return Object.entries(s.condition ?? {}).every(
        ([op, kv]) => /^(ArnNotLike|ArnNotEquals|StringNotLike|StringNotEquals)$/i.test(op) && Object.keys(kv).every((k) => k.toLowerCase() === "aws:principalarn"),
    );
}

/** A Deny of organizations:LeaveOrganization for every principal (platform-role exemptions allowed). */
export function deniesLeaveOrganization(s: Statement): boolean {
    return (
        s.effect === "Deny" &&
        s.resource !== undefined &&
        isUnrestrictedResource(s) &&
        !s.conditionUnknown &&
        (s.action ?? []).some((a) => typeof a === "string" && actionMatches(a, "organizations:LeaveOrganization")) &&
        onlyPrincipalExemptions(s)
    );
}

/** A Deny of every action whose only condition selects the root user of any account. */
export function deniesRootUser(s: Statement): boolean {
    if (s.effect !== "Deny" || !(s.action ?? []).includes("*") || !isUnrestrictedResource(s) || s.conditionUnknown) return false;
    const blocks = Object.entries(s.condition ?? {});
    if (blocks.length !== 1) return false;
    const [op, kv] = blocks[0];
    const keys = Object.keys(kv);
    if (!/^(ArnLike|ArnEquals|StringLike|StringEquals)$/i.test(op) || keys.length !== 1 || keys[0].toLowerCase() !== "aws:principalarn") return false;
    return conditionValues(s, /./, "aws:PrincipalArn").some((v) => v === "arn:aws:iam::*:root");
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

// Every account under an OU asks the same predicates of the same SCPs. Parsed documents are
// shared per text (parseDocument), so the answer is remembered per document and predicate.
const verdicts = new WeakMap<ParsedDocument, Map<(s: Statement) => boolean, boolean>>();

function anyStatement(parsed: ParsedDocument & { kind: "ok" }, pred: (s: Statement) => boolean): boolean {
    let byPred = verdicts.get(parsed);
    if (!byPred) verdicts.set(parsed, (byPred = new Map()));
    let v = byPred.get(pred);
    if (v === undefined) byPred.set(pred, (v = parsed.statements.some(pred)));
    return v;
}

/**
 * Evaluates predicates over the SCPs that govern a node (attached to it or any ancestor).
 * Predicates must depend on the statement alone: their answers are remembered per document.
 */
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
            if (!policy) {
                unknowns.push(`which policy ${displayName(attachment)} attaches (policyId unknown at preview)`);
                continue;
            }
            if ("external" in policy) {
                if (policy.external !== "p-FullAWSAccess") unknowns.push(`the content of policy ${policy.external} attached to ${nodeLabel(n)} (not managed by this stack)`);
                continue;
            }
            const parsed: ParsedDocument = parseDocument(policy.props.content);
            if (parsed.kind === "unknown") {
                unknowns.push(`the content of SCP ${displayName(policy)} (unknown at preview)`);
                continue;
            }
            if (parsed.kind !== "ok") continue;
            for (const [name, pred] of Object.entries(predicates)) if (anyStatement(parsed, pred)) satisfied.add(name);
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
