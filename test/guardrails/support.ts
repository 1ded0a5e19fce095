/** Shared fixtures for the guardrails tests. */
import { stackConfig } from "../helpers/program";
import { decode } from "../../components/stack-config";
import { CONFIG_NAMESPACE } from "../../components/config";
import type { LandingZonePlan } from "../../components/plan";
import type { GuardrailsPlan, ScpTargetPlan } from "../../components/guardrails/plan";
import { FULL_AWS_ACCESS } from "../../components/guardrails/scp";
import type { ScpLevel } from "../helpers/simulate";

/** A shipped stack's `landing-zone:*` values, decoded as the program decodes them. */
export function rawConfig(stack: string): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    const prefix = `${CONFIG_NAMESPACE}:`;
    for (const [k, v] of Object.entries(stackConfig(stack))) {
        if (k.startsWith(prefix)) raw[k.slice(prefix.length)] = decode(v);
    }
    return raw;
}

/** Deep copy of plain config data, to derive variants of a shipped stack. */
export function clone<T>(v: T): T {
    return JSON.parse(JSON.stringify(v));
}


/** A made-up 12-digit account ID per account key (never a real one). */
export function testAccountId(key: string): string {
    let h = 7;
    for (const c of key) h = (h * 31 + c.charCodeAt(0)) % 1e9;
    return `2${String(h).padStart(11, "0")}`;
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
    return [
        level("r-ex12", targets.get("root")),
        ...ous.map((k) => level(`ou-${k}`, targets.get(`ou-${k}`))),
        level(testAccountId(accountKey), targets.get(`account-${accountKey}`)),
    ];
}
