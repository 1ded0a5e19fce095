/**
 * The review's data: a snapshot of the live estate in the shapes the AWS APIs return (dates as
 * ISO strings, as they are once written to JSON), and the findings the comparison produces.
 */
import type { DescribeBudgetsResponse } from "@aws-sdk/client-budgets";
import type { DescribeInstancesResult } from "@aws-sdk/client-ec2";
import type { GetAccountAuthorizationDetailsResponse } from "@aws-sdk/client-iam";
import type {
    DescribeOrganizationResponse,
    DescribePolicyResponse,
    ListAccountsForParentResponse,
    ListOrganizationalUnitsForParentResponse,
    ListPoliciesResponse,
    ListRootsResponse,
    ListTargetsForPolicyResponse,
} from "@aws-sdk/client-organizations";

/** An SDK output as it reads back from JSON: dates are ISO strings, no `$metadata`. */
export type Json<T> = T extends Date ? string : T extends (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T as K extends "$metadata" ? never : K]: Json<T[K]> } : T;

/** What went wrong reading one thing; each becomes a finding. */
export interface CollectionError {
    /** The API operation (`AssumeRole`, `GetAccountAuthorizationDetails`...). */
    operation: string;
    region?: string;
    /** The AWS error name (`AccessDenied`...). */
    code: string;
    message: string;
}

export interface ManifestAccount {
    id: string;
    name?: string;
    /** `role`: through the review role; `caller`: with the collector's own credentials; `none`: not read. */
    readAs: "role" | "caller" | "none";
    errors: CollectionError[];
}

export interface Manifest {
    format: 1;
    tool: "landing-zone-review";
    toolVersion: string;
    stack: string;
    /** ISO time the collection started; every age (keys, passwords) is measured from it. */
    collectedAt: string;
    partition: string;
    callerAccountId: string;
    /** The management account (single-account: the one account). */
    managementAccountId: string;
    homeRegion: string;
    regions: string[];
    /** The review role's path and name, as assumed. */
    roleName: string;
    /** Every account the collector knows of, read or not. */
    accounts: ManifestAccount[];
    /** Problems outside any one account (reading the organization). */
    errors: CollectionError[];
}

export interface OrganizationSnapshot {
    describeOrganization: Json<DescribeOrganizationResponse>;
    listRoots: Json<ListRootsResponse>;
    /** By parent ID (root or OU). */
    listOrganizationalUnitsForParent: Record<string, Json<ListOrganizationalUnitsForParentResponse>>;
    listAccountsForParent: Record<string, Json<ListAccountsForParentResponse>>;
    /** By policy type. */
    listPolicies: Record<string, Json<ListPoliciesResponse>>;
    /** By policy ID. */
    describePolicy: Record<string, Json<DescribePolicyResponse>>;
    listTargetsForPolicy: Record<string, Json<ListTargetsForPolicyResponse>>;
}

export interface AccountSnapshot {
    /** All pages merged into one response (IsTruncated false). */
    authorizationDetails?: Json<GetAccountAuthorizationDetailsResponse>;
    /** The credential report, as the CSV GetCredentialReport returns. */
    credentialReport?: string;
    /** Running instances, by region; all pages merged. */
    instances: Record<string, Json<DescribeInstancesResult>>;
    /** Management account only. */
    budgets?: Json<DescribeBudgetsResponse>;
}

export interface Snapshot {
    manifest: Manifest;
    /** Absent in the single-account layout, or when the organization could not be read. */
    organization?: OrganizationSnapshot;
    /** By account ID. */
    accounts: Record<string, AccountSnapshot>;
}

export const SEVERITIES = ["high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CATEGORIES = ["collection", "leavers", "movers", "unmanaged", "credentials", "guardrails", "cost"] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Finding {
    kind: string;
    category: Category;
    severity: Severity;
    /** `<name> (<id>)` or the ID alone; `organization` for organization-wide findings. */
    account: string;
    accountId?: string;
    /** The principal, policy, OU or account concerned. */
    subject: string;
    found: string;
    declared: string;
    fix: string;
    /** Extra lines (a statement diff, instance counts). */
    detail?: string[];
}
