import { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchema, GuardrailConfig, resolveConfig } from "../lib/config";
import { forType, msg } from "../lib/policy";
import { readTag } from "../lib/tags";
import { T } from "../lib/types";
import { cannotCheck, isUnknown, plainProps } from "../lib/unknown";

export function environmentTagFinding(props: Record<string, unknown>, cfg: GuardrailConfig): string | undefined {
    const v = readTag(props, cfg.environmentTagKey);
    if (isUnknown(v)) return cannotCheck(`the ${cfg.environmentTagKey} tag`);
    if (v === undefined) return `The account has no ${cfg.environmentTagKey} tag.`;
    if (!cfg.environments.includes(v)) return `The account's ${cfg.environmentTagKey} tag is "${v}", which is not one of: ${cfg.environments.join(", ")}.`;
    return undefined;
}

export const accountEnvironmentTag: ResourceValidationPolicy = {
    name: "org-account-environment-tag",
    description: "Every organization account carries the environment tag with an allowed value.",
    remediationSteps: "Add tags: { <environmentTagKey>: <one of the allowed environments> } to the account.",
    enforcementLevel: "mandatory",
    configSchema: configSchema("environmentTagKey", "environments"),
    validateResource: forType(T.account, (args, report) => {
        const cfg = resolveConfig(args.getConfig());
        const f = environmentTagFinding(plainProps(args.props), cfg);
        if (f) report(msg(f, `Add tags: { ${cfg.environmentTagKey}: "<${cfg.environments.join("|")}>" } to the account.`));
    }),
};
