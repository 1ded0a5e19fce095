/** Shared fixtures for the security baseline tests. */
import { planFromRawConfig, type LandingZonePlan } from "../../components/plan";
import type { SecurityPlan } from "../../components/security/plan";
import { fakeAccountId, rawStackConfig } from "../helpers/program";
import { clone } from "../guardrails/support";

export { clone, fakeAccountId, rawStackConfig };

export const MANAGEMENT_ID = "111111111111";
export const ORGANIZATION_ID = "o-exampleorg1";

/** A shipped stack's raw config, changed by `edit` (a deep copy: the shipped values stay as they are). */
export function variant(stack: string, edit: (raw: Record<string, any>) => void = () => undefined): Record<string, any> {
    const raw = clone(rawStackConfig(stack)) as Record<string, any>;
    edit(raw);
    return raw;
}

/** The whole plan and its security baseline; fails when the stack has none. */
export function planOf(raw: Record<string, unknown>): { plan: LandingZonePlan; security: SecurityPlan } {
    const plan = planFromRawConfig(raw);
    if (!plan.security) throw new Error("no security plan");
    return { plan, security: plan.security };
}

/** Fills a plan document's placeholders with test values, as the component fills them with real ones. */
export function fill<T>(doc: T): T {
    const text = JSON.stringify(doc).replace(/\{\{([^}]+)\}\}/g, (_m, name: string) => {
        if (name === "partition") return "aws";
        if (name === "managementAccountId") return MANAGEMENT_ID;
        if (name === "organizationId") return ORGANIZATION_ID;
        const m = /^account:(.+)$/.exec(name);
        if (m) return fakeAccountId(m[1]);
        throw new Error(`unexpected placeholder ${name}`);
    });
    return JSON.parse(text) as T;
}
