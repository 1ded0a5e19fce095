import { StackValidationPolicy } from "@pulumi/policy";
import { configSchema, GuardrailConfig, resolveConfig } from "../lib/config";
import { msg } from "../lib/policy";
import { Res, StackView, stackViewOf } from "../lib/stack";
import { readTag } from "../lib/tags";
import { T } from "../lib/types";
import { isUnknown } from "../lib/unknown";

const REMEDIATION =
    "Add an aws.budgets.Budget per environment: tag it with the environment, or filter it by the environment's accounts (LinkedAccount) or by the environment tag (TagKeyValue user:<key>$<env>).";

/** Environments a budget covers. */
export function budgetEnvironments(view: StackView, budget: Res, cfg: GuardrailConfig): Set<string> {
    const out = new Set<string>();
    const tag = readTag(budget.props, cfg.environmentTagKey);
    if (typeof tag === "string") out.add(tag);
    const filters = Array.isArray(budget.props.costFilters) ? budget.props.costFilters : [];
    const accountDeps = (budget.propertyDependencies.costFilters ?? []).map((u) => view.byUrn.get(u)).filter((r): r is Res => r?.type === T.account);
    for (const f of filters) {
        if (!f || typeof f !== "object" || isUnknown(f)) continue;
        const { name, values } = f as Record<string, unknown>;
        const vals = Array.isArray(values) ? values : [];
        if (name === "TagKeyValue") {
            for (const v of vals) {
                const m = typeof v === "string" ? /^(?:user:)?([^$]+)\$(.*)$/.exec(v) : null;
                if (m && m[1] === cfg.environmentTagKey) out.add(m[2]);
            }
        }
        if (name === "LinkedAccount") {
            const accounts = [...accountDeps, ...view.ofType(T.account).filter((a) => vals.includes(a.props.id))];
            for (const a of accounts) {
                const env = readTag(a.props, cfg.environmentTagKey);
                if (typeof env === "string") out.add(env);
            }
        }
    }
    return out;
}

export function budgetFindings(view: StackView, cfg: GuardrailConfig): string[] {
    const inUse = new Set<string>();
    for (const r of view.resources) {
        if (r.type === T.budget) continue;
        const env = readTag(r.props, cfg.environmentTagKey);
        if (typeof env === "string" && cfg.environments.includes(env)) inUse.add(env);
    }
    const covered = new Set<string>();
    for (const b of view.ofType(T.budget)) budgetEnvironments(view, b, cfg).forEach((e) => covered.add(e));
    return [...inUse]
        .filter((e) => !covered.has(e))
        .sort()
        .map((e) => `No budget covers environment "${e}" (resources in this stack are tagged ${cfg.environmentTagKey}=${e}).`);
}

export const budgetPerEnvironment: StackValidationPolicy = {
    name: "budget-per-environment",
    description: "Every environment used in the stack has a budget.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "advisory",
    configSchema: configSchema("environmentTagKey", "environments"),
    validateStack: (args, report) => {
        const cfg = resolveConfig(args.getConfig());
        const view = stackViewOf(args.resources);
        for (const f of budgetFindings(view, cfg)) report(msg(f, REMEDIATION));
    },
};
