/**
 * The tag that marks admin-level IAM entities. The policy pack (policypack/lib/config.ts, keys
 * adminTagKey/adminTagValue) treats entities carrying it as admin, and the guardrails may
 * protect them; keep the two in step.
 */
export const LANDING_ZONE_ADMIN_TAG = { key: "AccessLevel", value: "admin" } as const;
