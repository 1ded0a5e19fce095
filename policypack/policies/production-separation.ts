import { StackValidationPolicy } from "@pulumi/policy";
import { configSchema, GuardrailConfig, isProduction, resolveConfig } from "../lib/config";
import { msg } from "../lib/policy";
import { nodeLabel, OrgTree, orgTreeOf } from "../lib/org-tree";
import { displayName, stackViewOf } from "../lib/stack";
import { readTag } from "../lib/tags";
import { cannotCheck, isUnknown } from "../lib/unknown";

const REMEDIATION = "Place production accounts under an OU tagged with a production environment value, with no non-production OU above them, and keep non-production accounts out of production OUs.";

export function separationFindings(tree: OrgTree, cfg: GuardrailConfig): { urn: string; message: string }[] {
    const out: { urn: string; message: string }[] = [];
    const key = cfg.environmentTagKey;
    for (const acct of tree.accounts) {
        const env = readTag(acct.props, key);
        if (isUnknown(env)) {
            out.push({ urn: acct.urn, message: cannotCheck(`the ${key} tag of account ${displayName(acct)}`) });
            continue;
        }
        if (env === undefined || !cfg.environments.includes(env)) continue; // reported by org-account-environment-tag
        const prod = isProduction(env, cfg);
        const chain = tree.chain({ kind: "account", res: acct });
        const ous = chain.nodes.filter((n) => n.kind === "ou");
        const prodOus: string[] = [];
        const nonProdOus: string[] = [];
        const unknownOus: string[] = [];
        for (const ou of ous) {
            const t = tree.envOf(ou, key);
            if (isUnknown(t)) unknownOus.push(nodeLabel(ou));
            else if (typeof t === "string") (isProduction(t, cfg) ? prodOus : nonProdOus).push(nodeLabel(ou));
        }
        const where = `account ${displayName(acct)} (${key}=${env})`;
        const unresolved = chain.end.kind === "unknown" ? chain.end.reason : chain.end.kind === "external" ? `its ancestor ${chain.end.id} is not managed by this stack` : undefined;
        if (prod) {
            if (nonProdOus.length > 0) out.push({ urn: acct.urn, message: `Production ${where} sits under non-production ${nonProdOus.join(", ")}.` });
            else if (prodOus.length === 0) {
                if (unknownOus.length > 0 || unresolved)
                    out.push({
                        urn: acct.urn,
                        message: cannotCheck(`whether production ${where} sits under a production OU`, unresolved ?? `the ${key} tag of ${unknownOus.join(", ")} is unknown at preview`),
                    });
                else out.push({ urn: acct.urn, message: `Production ${where} does not sit under an OU tagged ${key}=${cfg.productionEnvironments.join("|")}.` });
            }
        } else {
            if (prodOus.length > 0) out.push({ urn: acct.urn, message: `Non-production ${where} sits under production ${prodOus.join(", ")}.` });
            else if (unknownOus.length > 0 || unresolved)
                out.push({
                    urn: acct.urn,
                    message: cannotCheck(`whether non-production ${where} sits under a production OU`, unresolved ?? `the ${key} tag of ${unknownOus.join(", ")} is unknown at preview`),
                });
        }
    }
    return out;
}

export const productionSeparation: StackValidationPolicy = {
    name: "org-production-separation",
    description: "Production accounts sit under an OU tagged production (with no non-production OU above them) and no non-production account sits under a production OU.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    configSchema: configSchema("environmentTagKey", "environments", "productionEnvironments"),
    validateStack: (args, report) => {
        const cfg = resolveConfig(args.getConfig());
        const tree = orgTreeOf(stackViewOf(args.resources));
        for (const f of separationFindings(tree, cfg)) report(msg(f.message, REMEDIATION), f.urn);
    },
};
