// What the pack hook (pack-hook.ts, inside a policy pack's process) tells the analyzer client
// (analyzer.ts) on the pack's stderr: a line starting with POLICY_MARKER, then JSON.

export const POLICY_MARKER = "\u0000offline-plan-policy:";

/** A policy evaluating a resource ("(stack)" for a stack policy), for `ms` so far. */
export interface Evaluating {
    policy: string;
    urn: string;
    ms: number;
}
