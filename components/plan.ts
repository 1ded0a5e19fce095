/**
 * The pipeline: raw config in, the landing-zone plan out, every problem at once. No Pulumi
 * import, no I/O.
 *
 *   raw config --checkConfig--> parsed config (shape, structure)
 *              --planOrganization--> organization plan (layout, environments, OUs, accounts, tags)
 *              --planAccess / planSecurity / planGuardrails / planReview / planIdentity--> the sections' plans
 *
 * The guardrails planner takes the security plan's `protection` (what protect-security-baseline
 * protects, and in which accounts): the only hand-over between sections, passed down here.
 *
 * Every stage runs even when an earlier one found problems (what failed to parse is left out
 * and never reported again as a follow-on error), and their problems are merged into one
 * `ConfigError`. Components register the sub-plans; they plan nothing themselves.
 *
 * A new section (CONTRIBUTING.md) is a schema shape (its config.ts, spread into ../config.ts),
 * a planner returning `{ plan, problems }` (called below) and a component.
 */
import { planAccess, type AccessPlan } from "./access/plan";
import { checkConfig } from "./config";
import { planGuardrails, type GuardrailsPlan } from "./guardrails/plan";
import { planIdentity, type IdentityPlan } from "./identity/plan";
import { planOrganization, type CorePlan } from "./organization/plan";
import { ConfigError, toConfigProblems, type ConfigProblem, type Problem } from "./problems";
import { planReview, type ReviewRolePlan } from "./review/plan";
import { planSecurity, type SecurityPlan } from "./security/plan";

export {
    classTagValue,
    DEPLOYMENT_ACCOUNT,
    MANAGED_BY_TAG,
    withResourceControlPolicies,
    type AccountPlan,
    type CorePlan,
    type EnvironmentPlan,
    type OrganizationalUnitPlan,
    type OrganizationPlan,
} from "./organization/plan";

/** The organization plan and every section's plan: what the components register. */
export interface LandingZonePlan extends CorePlan {
    access: AccessPlan;
    guardrails: GuardrailsPlan;
    reviewRoles: ReviewRolePlan[];
    /** IAM Identity Center; absent when people sign in as IAM users only. */
    identity?: IdentityPlan;
    /** The security baseline; undefined when the stack has no `security` section. */
    security?: SecurityPlan;
}

/** The plan when the config is valid, and every problem of every stage otherwise. */
export interface PlanResult {
    plan?: LandingZonePlan;
    problems: ConfigProblem[];
}

/** Runs every stage and merges their problems; never throws on bad config. */
export function planLandingZone(raw: Record<string, unknown>): PlanResult {
    const checked = checkConfig(raw);
    const problems: Problem[] = [...checked.problems];
    // Without a layout there is nothing to plan on: the parse and structure problems are all there is.
    if (!checked.config) return { problems: toConfigProblems(problems) };
    const organization = planOrganization(checked.config, checked.broken);
    const access = planAccess(organization.plan, checked.broken);
    const security = planSecurity(organization.plan, checked.broken);
    // A security section with problems of its own plans no protection: the guardrails then stay
    // silent about protect-security-baseline having nothing to protect (a follow-on error).
    if (security.problems.length > 0) checked.broken.add(["security"]);
    const guardrails = planGuardrails(organization.plan, checked.broken, security.plan?.protection);
    const review = planReview(organization.plan);
    const identity = planIdentity(organization.plan, checked.broken);
    problems.push(...organization.problems, ...access.problems, ...security.problems, ...guardrails.problems, ...review.problems, ...identity.problems);
    if (problems.length > 0) return { problems: toConfigProblems(problems) };
    return {
        plan: {
            ...organization.plan,
            access: access.plan,
            guardrails: guardrails.plan,
            reviewRoles: review.plan,
            ...(identity.plan ? { identity: identity.plan } : {}),
            security: security.plan,
        },
        problems: [],
    };
}

/** Raw config namespace values in, plan out. Throws one ConfigError listing every problem. */
export function planFromRawConfig(raw: Record<string, unknown>): LandingZonePlan {
    const result = planLandingZone(raw);
    if (!result.plan) throw new ConfigError(result.problems);
    return result.plan;
}
