// Data model of a change review: the plans it compares (the plan's `--json` report) and the
// comparison it produces (the review's `--json` output). Plain JSON throughout.
import type { JsonReport } from "../plan/render";

type ReportResource = JsonReport["resources"][number];

/**
 * A resource as the plan's `--json` report writes it (values displayed: `[unknown]`, `[secret]`),
 * with the fields a comparison reads besides (optional: older reports lack them).
 */
// Fields newer plan tools add are optional: a saved plan of an older tool still compares.
export type SavedResource = Omit<ReportResource, "inputs" | "operation" | "aliases" | "ignoreChanges"> & {
    inputs: Record<string, unknown>;
    operation?: ReportResource["operation"];
    /** Input name -> URNs its value came from (which OU an account's parentId is, which policy an attachment attaches). */
    propertyDependencies?: Record<string, string[]>;
    /** Old URNs this resource answers to. Also read from `options.aliases`. */
    aliases?: string[];
    ignoreChanges?: string[];
    replaceOnChanges?: string[];
    options?: { aliases?: string[]; ignoreChanges?: string[]; replaceOnChanges?: string[] };
};

export type SavedViolation = JsonReport["violations"][number];

/** A plan's `--json` report: what a change review reads from a saved base plan. */
export type SavedPlan = Omit<JsonReport, "resources" | "summary" | "notes"> & {
    resources: SavedResource[];
    notes?: string[];
    /** Root stack outputs (the access matrix, environments); absent in reports of older plan tools. */
    outputs?: Record<string, unknown>;
    summary?: JsonReport["summary"];
};

// ---------------------------------------------------------------------------------------------
// The comparison.

export type AccessLevel = "none" | "read" | "write" | "admin";

/** A team's level in an environment changed (from the program's `accessMatrix` output). */
export interface LevelChange {
    kind: "level";
    team: string;
    environment: string;
    before: string;
    after: string;
    widens: boolean;
    /** Members of the team (before and after), who gain or lose the level. */
    people: string[];
}

/** A person (IAM user) joined, left, or changed groups. */
export interface PersonChange {
    kind: "person";
    user: string;
    change: "joined" | "left" | "changed";
    groupsAdded: string[];
    groupsRemoved: string[];
    /** Their effective level per environment where it changed (highest of their teams). */
    levels: { environment: string; before: string; after: string }[];
    widens: boolean;
}

/** A role, group or permission set added or removed. */
export interface IdentityChange {
    kind: "identity";
    identity: "role" | "group" | "permission set";
    name: string;
    /** Where it lives (the provider's name for an explicit provider). */
    account: string | null;
    change: "added" | "removed";
    widens: boolean;
    urn: string;
}

/** A managed policy attached to or detached from a role, group, user or permission set. */
export interface AttachmentChange {
    kind: "attachment";
    principal: string;
    policy: string;
    account: string | null;
    change: "added" | "removed";
    widens: boolean;
    /** Why it counts, or why not. */
    note: string;
    urn: string;
}

/** A permissions boundary set on or removed from a role or user. */
export interface BoundaryChange {
    kind: "boundary";
    principal: string;
    policy: string;
    account: string | null;
    change: "added" | "removed";
    widens: boolean;
    urn: string;
}

export type DocumentKind = "identity policy" | "inline policy" | "trust policy" | "permissions boundary";

/** A whole policy document added or removed (its statements listed by Sid). */
export interface DocumentChange {
    kind: "document";
    document: string;
    documentKind: DocumentKind;
    account: string | null;
    change: "added" | "removed" | "unknown";
    sids: string[];
    widens: boolean;
    /** Why it counts, or why not. */
    note: string;
    urn: string;
}

/** One statement of a document that exists before and after, by Sid. */
export interface StatementDelta {
    kind: "statement";
    document: string;
    documentKind: DocumentKind;
    account: string | null;
    sid: string;
    change: "added" | "removed" | "changed";
    effect: "Allow" | "Deny";
    widens: boolean;
    reasons: string[];
    /** An MFA requirement was dropped or loosened. */
    mfa: boolean;
    urn: string;
}

export type AccessChange = LevelChange | PersonChange | IdentityChange | AttachmentChange | BoundaryChange | DocumentChange | StatementDelta;

export type TargetKind = "root" | "organizational unit" | "account" | "id";

/** An SCP or RCP statement on a target (all policies attached directly to it, merged), by Sid. */
export interface GuardrailStatementChange {
    kind: "statement";
    target: string;
    targetKind: TargetKind;
    policyType: string;
    sid: string;
    change: "added" | "removed" | "changed";
    effect: "Allow" | "Deny";
    weakens: boolean;
    reasons: string[];
    /** The policies that carried it (before for a removed statement). */
    policies: string[];
}

/** A policy attached to or detached from a target. */
export interface GuardrailAttachmentChange {
    kind: "attachment";
    target: string;
    targetKind: TargetKind;
    policyType: string;
    policy: string;
    change: "added" | "removed";
    /** Only when the policy's content cannot be read: otherwise its statements say it. */
    weakens: boolean;
}

/** A tag-policy entry (one tag key) on a target. */
export interface TagPolicyChange {
    kind: "tag policy";
    target: string;
    targetKind: TargetKind;
    tagKey: string;
    change: "added" | "removed" | "changed";
    weakens: boolean;
    reasons: string[];
}

export interface BudgetChange {
    kind: "budget";
    budget: string;
    change: "added" | "removed" | "raised" | "lowered" | "changed";
    before: { amount: string; unit: string } | null;
    after: { amount: string; unit: string } | null;
    weakens: boolean;
    reasons: string[];
}

export type GuardrailChange = GuardrailStatementChange | GuardrailAttachmentChange | TagPolicyChange | BudgetChange;

export type DangerKind = "protected delete" | "protected replace" | "account delete" | "account replace" | "account moved" | "environment changed" | "close on deletion" | "protection removed";

export interface DangerousOperation {
    kind: DangerKind;
    type: string;
    name: string;
    urn: string;
    detail: string;
}

export interface ResourceRef {
    urn: string;
    type: string;
    name: string;
}

export interface Comparison {
    base: { source: "git"; ref: string; commit: string; project: string; stack: string; resources: number } | { source: "file"; file: string; project: string; stack: string; resources: number };
    head: { project: string; stack: string; resources: number };
    /** The verdict line's counts. */
    summary: { widens: number; weakens: number; dangerous: number };
    access: AccessChange[];
    guardrails: GuardrailChange[];
    dangerous: DangerousOperation[];
    resources: {
        added: ResourceRef[];
        removed: (ResourceRef & { protect: boolean; retainOnDelete: boolean })[];
        /** `because`: the inputs that force a replacement. */
        replaced: (ResourceRef & { paths: string[]; because: string[] })[];
        updated: (ResourceRef & { paths: string[] })[];
        renamed: { from: string; to: string; type: string }[];
    };
    violations: { new: (SavedViolation & { resource: string })[]; fixed: (SavedViolation & { resource: string })[] };
    /** What could not be compared, and why. */
    notes: string[];
}
