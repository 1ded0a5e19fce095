/** Every finding kind: its category, default severity and what it means (docs/estate-review.md lists them). */
import type { Category, Severity } from "./types";

export interface KindInfo {
    category: Category;
    severity: Severity;
    title: string;
}

export const KINDS = {
    "organization-unreadable": { category: "collection", severity: "high", title: "The organization could not be read, wholly or in part" },
    "account-unreadable": { category: "collection", severity: "high", title: "An account could not be read (review role not assumable)" },
    "partial-read": { category: "collection", severity: "medium", title: "Part of an account could not be read" },

    "undeclared-user": { category: "leavers", severity: "high", title: "IAM user not declared in config" },
    "missing-user": { category: "leavers", severity: "medium", title: "Declared user missing in AWS" },

    "user-groups-differ": { category: "movers", severity: "high", title: "User's groups differ from their teams in config" },
    "user-direct-policy": { category: "movers", severity: "high", title: "User with inline or attached policies" },

    "unmanaged-role": { category: "unmanaged", severity: "medium", title: "Role in a landing-zone path not declared" },
    "unmanaged-group": { category: "unmanaged", severity: "medium", title: "Group in a landing-zone path not declared" },
    "unmanaged-policy": { category: "unmanaged", severity: "medium", title: "Customer managed policy in a landing-zone path not declared" },
    "missing-principal": { category: "unmanaged", severity: "medium", title: "Declared role, group or policy missing in AWS" },
    "principal-drift": { category: "unmanaged", severity: "medium", title: "Declared role, group or policy differs from config" },
    "admin-outside-landing-zone": { category: "unmanaged", severity: "high", title: "Admin-equivalent policy outside the landing zone's roles" },

    "console-without-mfa": { category: "credentials", severity: "high", title: "Console user without MFA" },
    "access-key-of-person": { category: "credentials", severity: "medium", title: "Active access key of a person" },
    "old-access-key": { category: "credentials", severity: "medium", title: "Access key older than the rotation limit" },
    "unused-access-key": { category: "credentials", severity: "medium", title: "Access key unused" },
    "two-active-keys": { category: "credentials", severity: "medium", title: "Two active access keys" },
    "unused-password": { category: "credentials", severity: "medium", title: "Console password unused" },
    "root-access-key": { category: "credentials", severity: "high", title: "Root user with an access key" },
    "root-without-mfa": { category: "credentials", severity: "high", title: "Root user without MFA" },

    "org-policy-drift": { category: "guardrails", severity: "high", title: "SCP, RCP or tag policy content differs from the plan" },
    "org-policy-missing": { category: "guardrails", severity: "high", title: "Declared SCP, RCP or tag policy missing" },
    "attachment-missing": { category: "guardrails", severity: "high", title: "Declared policy attachment missing" },
    "attachment-extra": { category: "guardrails", severity: "medium", title: "Landing-zone policy attached where config does not attach it" },
    "unmanaged-org-policy": { category: "guardrails", severity: "medium", title: "Organization policy not declared in config" },
    "full-aws-access-attached": { category: "guardrails", severity: "high", title: "FullAWSAccess still attached to an allow-list target" },
    "policy-type-disabled": { category: "guardrails", severity: "high", title: "Declared policy type not enabled" },
    "account-wrong-ou": { category: "guardrails", severity: "high", title: "Account in another OU than declared" },
    "account-not-in-config": { category: "guardrails", severity: "medium", title: "Account not declared in config" },
    "ou-not-in-config": { category: "guardrails", severity: "low", title: "OU not declared in config" },
    "account-missing": { category: "guardrails", severity: "medium", title: "Declared account not in the organization" },
    "ou-missing": { category: "guardrails", severity: "medium", title: "Declared OU not in the organization" },
    "account-suspended": { category: "guardrails", severity: "medium", title: "Account suspended or closing" },

    "instance-type-not-allowed": { category: "cost", severity: "high", title: "Running instances of types outside the non-production allow-list" },
    "instance-too-large": { category: "cost", severity: "medium", title: "Running non-production instances above the size threshold" },
    "account-without-budget": { category: "cost", severity: "medium", title: "Account without a budget" },
    "budget-missing": { category: "cost", severity: "medium", title: "Declared budget missing" },
} satisfies Record<string, KindInfo>;

export type FindingKind = keyof typeof KINDS;
