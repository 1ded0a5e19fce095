/**
 * Config keys of the guardrails section (SCPs, tag policies, budgets). Composed into the stack
 * schema in ../config.ts; cross-field rules run in `validateGuardrails` with the whole parsed config.
 */
import type { z } from "zod";

export const guardrailsConfigShape = {};

export function validateGuardrails(_config: Record<string, unknown>, _ctx: z.RefinementCtx): void {}
