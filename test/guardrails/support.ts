/** Shared fixtures for the guardrails tests. */
import { fakeAccountId } from "../helpers/program";
import type { LandingZonePlan } from "../../components/plan";
import type { GuardrailsPlan, ScpTargetPlan } from "../../components/guardrails/plan";
import { FULL_AWS_ACCESS } from "../../components/guardrails/scp";
import type { ScpLevel } from "../helpers/simulate";

/** Deep copy of plain config data, to derive variants of a shipped stack. */
export function clone<T>(v: T): T {
    return JSON.parse(JSON.stringify(v));
}

/** The documents planned on one target, as the simulator takes them. */
function level(id: string, target: ScpTargetPlan | undefined): ScpLevel {
    // FullAWSAccess stays where the strategy is deny-list (AWS attaches it to every target);
    // an allow-list target has it replaced by its allow-list document.
    const full = !target || target.strategy === "deny-list" ? [{ name: "FullAWSAccess", policy: FULL_AWS_ACCESS }] : [];
    return { id, policies: [...full, ...(target?.documents ?? []).map((d) => ({ name: d.policyName, policy: JSON.parse(d.content) }))] };
}

/** The SCP chain AWS evaluates for an account: the root, each OU from the top down, the account. */
export function scpChain(plan: LandingZonePlan, gp: GuardrailsPlan, accountKey: string): ScpLevel[] {
    const targets = new Map(gp.targets.map((t) => [t.key, t]));
    const account = plan.accounts.find((a) => a.key === accountKey);
    if (!account) throw new Error(`no account ${accountKey}`);
    const ous: string[] = [];
    for (let cur = account.ouKey; cur !== undefined; cur = plan.organizationalUnits.find((o) => o.key === cur)?.parentKey) ous.unshift(cur);
    return [level("r-ex12", targets.get("root")), ...ous.map((k) => level(`ou-${k}`, targets.get(`ou-${k}`))), level(fakeAccountId(accountKey), targets.get(`account-${accountKey}`))];
}
