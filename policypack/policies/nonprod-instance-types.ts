import { StackValidationPolicy } from "@pulumi/policy";
import { configSchema, GuardrailConfig, isProduction, resolveConfig } from "../lib/config";
import { msg } from "../lib/policy";
import { OrgTree, orgTreeOf } from "../lib/org-tree";
import { accountNode, governance, restrictsInstanceTypes } from "../lib/scp";
import { displayName, stackViewOf } from "../lib/stack";
import { readTag } from "../lib/tags";
import { cannotCheck, isUnknown } from "../lib/unknown";

const REMEDIATION =
    "Attach to the non-production OU an SCP that denies ec2:RunInstances on arn:aws:ec2:*:*:instance/* when ec2:InstanceType is not in an allow-list (StringNotEquals / StringNotLike).";

const PREDICATES = { types: restrictsInstanceTypes };

export function instanceTypeFindings(tree: OrgTree, cfg: GuardrailConfig): { urn: string; message: string }[] {
    const out: { urn: string; message: string }[] = [];
    for (const acct of tree.accounts) {
        const env = readTag(acct.props, cfg.environmentTagKey);
        if (isUnknown(env)) {
            out.push({ urn: acct.urn, message: cannotCheck(`the environment of account ${displayName(acct)}`) });
            continue;
        }
        if (env === undefined || isProduction(env, cfg)) continue;
        const g = governance(tree, accountNode(acct), PREDICATES);
        if (g.satisfied.has("types")) continue;
        out.push({
            urn: acct.urn,
            message:
                g.unknowns.length > 0
                    ? cannotCheck(`whether non-production account ${displayName(acct)} restricts EC2 instance types`, `${[...new Set(g.unknowns)].join("; ")} could not be determined`)
                    : `Non-production account ${displayName(acct)} (${cfg.environmentTagKey}=${env}) is not governed by an SCP restricting EC2 instance types.`,
        });
    }
    return out;
}

export const nonprodInstanceTypes: StackValidationPolicy = {
    name: "org-nonprod-instance-types",
    description: "Non-production accounts are governed by an SCP restricting EC2 instance types.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "advisory",
    configSchema: configSchema("environmentTagKey", "productionEnvironments"),
    validateStack: (args, report) => {
        const cfg = resolveConfig(args.getConfig());
        const tree = orgTreeOf(stackViewOf(args.resources));
        for (const f of instanceTypeFindings(tree, cfg)) report(msg(f.message, REMEDIATION), f.urn);
    },
};
