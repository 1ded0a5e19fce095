/**
 * Field schemas shared by the config sections, each with the AWS rule it enforces in its
 * message, and the per-resource tag limit. A leaf module: zod and ./problems only.
 */
import { z } from "zod";
import { problem, type Problem } from "./problems";

/** Environment names end up in tag values, IAM names and logical names: keep them short and plain. */
export const environmentName = z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, {
    message: "must be 1-20 characters: lower-case letters, digits and '-', starting with a letter",
});

/** A stable key used to derive logical resource names (never a list position). */
export const logicalKey = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, {
    message: "must be 1-40 characters: lower-case letters, digits and '-', starting with a letter",
});

// Tag rules (AWS): key 1-128, value 0-256, letters, digits, spaces and _ . : / = + - @; `aws:` is reserved.
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const tagKey = z
    .string()
    .min(1, { message: "must be 1-128 characters" })
    .max(128, { message: "must be 1-128 characters" })
    .regex(TAG_CHARS, { message: "may contain only letters, digits, spaces and _ . : / = + - @" })
    .refine((k) => !k.toLowerCase().startsWith("aws:"), { message: "must not start with 'aws:', a prefix reserved by AWS" });
export const tagValue = z.string().max(256, { message: "must be at most 256 characters" }).regex(TAG_CHARS, { message: "may contain only letters, digits, spaces and _ . : / = + - @" });
export const tagMap = z.record(tagKey, tagValue);

/** AWS Organizations account email: 6-64 characters, exactly one '@', a domain with a dot. */
export const accountEmail = z
    .string()
    .refine((e) => e.length >= 6 && e.length <= 64, { message: "must be 6-64 characters" })
    .refine((e) => /^[^@\s]+@[^@\s]+\.[^@\s.]+$/.test(e), {
        message: "must be an email address with one '@' and a domain with a dot (for example aws+dev@example.com)",
    });

/** Account name: 1-50 printable ASCII characters. */
export const accountName = z.string().regex(/^[\x20-\x7e]{1,50}$/, { message: "must be 1-50 printable ASCII characters" });

/**
 * What to say when an account ID arrives as a number: YAML reads an unquoted 12-digit ID as a
 * number, and drops a leading zero on the way.
 */
export function quoteAccountIds(input: unknown): string {
    return `must be a 12-digit AWS account ID in quotes: it arrived as the number ${String(input)} (YAML reads an unquoted ID as a number and drops leading zeros); quote account IDs, for example existingId: "012345678901"`;
}

/** A 12-digit account ID, given as a string (a number means the ID was not quoted). */
export const accountId = z
    .string({ error: (iss) => (typeof iss.input === "number" ? quoteAccountIds(iss.input) : "must be a 12-digit AWS account ID, in quotes") })
    .regex(/^\d{12}$/, { message: "must be a 12-digit AWS account ID" });

/** IAM role name: up to 64 of letters, digits and + = , . @ _ -. */
export const iamRoleName = z.string().regex(/^[\w+=,.@-]{1,64}$/, {
    message: "must be 1-64 characters: letters, digits and + = , . @ _ -",
});

export const awsServicePrincipal = z.string().regex(/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/, {
    message: "must be an AWS service principal such as cloudtrail.amazonaws.com",
});

/** Numbers arrive as strings from top-level Pulumi config values; nested ones as numbers. */
export const intFromConfig = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)], {
    message: "must be a whole number",
});

/** The values of a set-like list in one canonical order, each once: reordering config changes nothing. */
export function sortedSet(values: readonly string[]): string[] {
    return [...new Set(values)].sort();
}

// ---------------------------------------------------------------------------------
// Tags per resource.
// ---------------------------------------------------------------------------------

/** AWS: at most 50 user tags per resource (IAM, Organizations, Budgets alike). */
export const MAX_TAGS_PER_RESOURCE = 50;

/** A resource's final tags and where in config the user would cut them. */
export interface TaggedResource {
    /** For the message: `account dev`, `role lz-prod-admin in account prod`. */
    label: string;
    tags: Record<string, string>;
    /** The config key to name: the resource's own `tags`, else the global `tags`. */
    path: (string | number)[];
}

/**
 * One problem per config key whose tags, with the global ones and those the landing zone adds,
 * take some resource over AWS's 50 (the resource with the most tags is named).
 */
export function tagLimitProblems(resources: TaggedResource[]): Problem[] {
    const worst = new Map<string, TaggedResource>();
    for (const r of resources) {
        if (Object.keys(r.tags).length <= MAX_TAGS_PER_RESOURCE) continue;
        const id = r.path.join("\u0000");
        const other = worst.get(id);
        if (!other || Object.keys(r.tags).length > Object.keys(other.tags).length) worst.set(id, r);
    }
    return [...worst.values()].map((r) =>
        problem(
            r.path,
            Object.keys(r.tags).length,
            `together with ${r.path.length > 1 ? "the global tags and " : ""}the ones the landing zone adds (${addedBy(r)}), give ${r.label} ${Object.keys(r.tags).length} tags; AWS allows ${MAX_TAGS_PER_RESOURCE} per resource`,
        ),
    );
}

/** Tag keys the landing zone sets itself, named in the tag-limit message. */
export const GENERATED_TAG_KEYS = ["ManagedBy", "Application", "Owner", "AccessLevel"];

function addedBy(r: TaggedResource): string {
    return Object.keys(r.tags)
        .filter((k) => GENERATED_TAG_KEYS.includes(k))
        .concat("the environment tag")
        .join(", ");
}
