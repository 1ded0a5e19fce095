/**
 * Config keys of the access section (teams, users, roles). Composed into the stack schema
 * in ../config.ts; cross-field rules run in `validateAccess` with the whole parsed config.
 */
import type { z } from "zod";

export const accessConfigShape = {};

export function validateAccess(_config: Record<string, unknown>, _ctx: z.RefinementCtx): void {}
