/**
 * What the stack declares, from the pure plans the program registers (the same functions, so the
 * review and `pulumi up` cannot disagree): the landing-zone plan, access, guardrails and review
 * roles, read from `Pulumi.<stack>.yaml` as the Pulumi CLI reads it.
 */
import * as fs from "fs";
import * as path from "path";
import type { AccessPlan } from "../../components/access/plan";
import { resolveGuardrailsConfig } from "../../components/guardrails/config";
import type { GuardrailsPlan } from "../../components/guardrails/plan";
import { planFromRawConfig, type LandingZonePlan } from "../../components/plan";
import type { ReviewRolePlan } from "../../components/review/plan";
import { decode } from "../../components/stack-config";
import { CONFIG_NAMESPACE } from "../../components/config";
import { loadProject } from "../plan/project";

export interface Declared {
    stack: string;
    plan: LandingZonePlan;
    access: AccessPlan;
    guardrails: GuardrailsPlan;
    reviewRoles: ReviewRolePlan[];
    /** `aws:region` of the stack. */
    homeRegion?: string;
    /** `guardrails.allowedRegions`, when set. */
    allowedRegions?: string[];
    /** Instance type patterns allowed in non-production (`guardrails.nonProductionInstanceTypes`). */
    nonProductionInstanceTypes: string[];
    /** IAM users the policy pack config accepts access keys for (`iam-no-user-access-keys.serviceUsers`). */
    serviceUsers: string[];
    /** Role names exempt as the platform's own (every account's organization access role, `platformRoleName`). */
    platformRoleNames: string[];
    /**
     * `security.accessAnalyzer.unusedAccessAge` when the security baseline deploys the unused-access
     * analyzer: the review's unused-credential thresholds default to it, so both agree on "unused".
     */
    unusedAccessAge?: number;
}

/** From the raw `landing-zone:*` values (keys without the namespace). Throws ConfigError. */
export function declaredFromConfig(stack: string, raw: Record<string, unknown>, opts: { homeRegion?: string; serviceUsers?: string[] } = {}): Declared {
    const plan = planFromRawConfig(raw);
    const g = resolveGuardrailsConfig(plan.config);
    return {
        stack,
        plan,
        access: plan.access,
        guardrails: plan.guardrails,
        reviewRoles: plan.reviewRoles,
        homeRegion: opts.homeRegion,
        allowedRegions: g.allowedRegions,
        nonProductionInstanceTypes: [...g.nonProductionInstanceTypes],
        serviceUsers: opts.serviceUsers ?? [],
        platformRoleNames: [...new Set([g.platformRoleName, ...plan.accounts.map((a) => a.roleName)])].sort(),
        unusedAccessAge: plan.security?.unusedAccessAge,
    };
}

/** Reads `Pulumi.<stack>.yaml` of the project in `dir` and plans it. */
export function loadDeclared(dir: string, stack: string): Declared {
    const project = loadProject(dir, stack);
    const prefix = `${CONFIG_NAMESPACE}:`;
    const raw: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(project.config)) if (k.startsWith(prefix)) raw[k.slice(prefix.length)] = decode(v);
    return declaredFromConfig(stack, raw, { homeRegion: project.config["aws:region"], serviceUsers: serviceUsersOf(dir, stack) });
}

/** The policy pack's accepted service users for this stack, when its config file names them. */
function serviceUsersOf(dir: string, stack: string): string[] {
    const file = path.join(dir, "policypack", "config", `${stack}.json`);
    if (!fs.existsSync(file)) return [];
    const cfg = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    const entry = cfg["iam-no-user-access-keys"];
    return entry && typeof entry === "object" && Array.isArray((entry as { serviceUsers?: unknown }).serviceUsers) ? (entry as { serviceUsers: string[] }).serviceUsers : [];
}
