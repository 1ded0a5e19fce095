import { StackValidationPolicy } from "@pulumi/policy";
import { msg } from "../lib/policy";
import { OrgTree, orgTreeOf } from "../lib/org-tree";
import { accountNode, deniesLeaveOrganization, deniesRootUser, governance } from "../lib/scp";
import { displayName, stackViewOf } from "../lib/stack";
import { cannotCheck } from "../lib/unknown";

const REMEDIATION =
    'Attach to the account, an ancestor OU or the root an SCP with a Deny of organizations:LeaveOrganization and a Deny of "*" ' +
    'with Condition {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}.';

const PREDICATES = { leave: deniesLeaveOrganization, root: deniesRootUser };

export function baselineFindings(tree: OrgTree): { urn: string; message: string }[] {
    const out: { urn: string; message: string }[] = [];
    for (const acct of tree.accounts) {
        const g = governance(tree, accountNode(acct), PREDICATES);
        const missing: string[] = [];
        if (!g.satisfied.has("leave")) missing.push("a deny of organizations:LeaveOrganization");
        if (!g.satisfied.has("root")) missing.push("a deny of the root user (ArnLike aws:PrincipalArn arn:aws:iam::*:root)");
        if (missing.length === 0) continue;
        if (g.unknowns.length > 0) {
            out.push({
                urn: acct.urn,
                message: cannotCheck(`whether account ${displayName(acct)} is governed by ${missing.join(" and ")}`, `${[...new Set(g.unknowns)].join("; ")} could not be determined`),
            });
        } else {
            out.push({ urn: acct.urn, message: `Account ${displayName(acct)} is not governed by ${missing.join(" or by ")} (no such SCP statement on the account, its OUs or the root).` });
        }
    }
    return out;
}

export const scpBaseline: StackValidationPolicy = {
    name: "org-scp-baseline",
    description:
        "Every member account is governed by an SCP denying organizations:LeaveOrganization and an SCP denying the root user, attached to the account, an ancestor OU or the root (judged by the statements, not the names).",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const tree = orgTreeOf(stackViewOf(args.resources));
        for (const f of baselineFindings(tree)) report(msg(f.message, REMEDIATION), f.urn);
    },
};
