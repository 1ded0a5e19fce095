/**
 * Config keys of the security baseline (`landing-zone:security`). Composed into the stack schema
 * in ../config.ts, which spreads `securityConfigShape` while it loads; the cross-field rules run
 * in `validateSecurity` with the whole parsed config, once its structure is sound.
 *
 * Pure: no Pulumi import. Keys that only mean something with an organization (the log archive and
 * audit accounts, Security Hub, Config, GuardDuty's auto-enable) have no default in the schema:
 * the planner (./plan.ts) fills it in, so an explicit value in a single-account stack is an error
 * rather than silently ignored.
 *
 * ../config.ts loads this module while it is itself loading: no import of ../config.ts or
 * ../plan.ts here (types only), and ./plan.ts only lazily.
 */
import { z } from "zod";
import type { LandingZoneConfig } from "../config";
import { regionName } from "../guardrails/config";

/** Security Hub standards this landing zone knows, as `<standard>/v/<version>` (the tail of the standard's ARN). */
export const SECURITY_HUB_STANDARDS = [
    "aws-foundational-security-best-practices/v/1.0.0",
    "cis-aws-foundations-benchmark/v/1.4.0",
    "cis-aws-foundations-benchmark/v/3.0.0",
    "nist-800-53/v/5.0.0",
    "pci-dss/v/3.2.1",
] as const;

export const DEFAULT_SECURITY_HUB_STANDARDS: (typeof SECURITY_HUB_STANDARDS)[number][] = ["aws-foundational-security-best-practices/v/1.0.0", "cis-aws-foundations-benchmark/v/3.0.0"];

/** S3 storage classes a lifecycle rule may move the logs to. */
export const ARCHIVE_STORAGE_CLASSES = ["STANDARD_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"] as const;

export const GUARDDUTY_PUBLISHING_FREQUENCIES = ["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"] as const;

/** The placeholder a bucket name may contain: filled with the management account's ID (known at preview). */
export const MANAGEMENT_ACCOUNT_ID_TOKEN = "{managementAccountId}";

const accountKey = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, {
    message: "must be the key of an account in landing-zone:accounts (1-40 characters: lower-case letters, digits and '-')",
});

const roleNameOrPattern = z.string().regex(/^[\w+=,.@*/-]{1,128}$/, {
    message: "must be an IAM role name, optionally with its path (service-role/deploy) and * wildcards",
});

/** S3 bucket names: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit (the token counts as 12 digits). */
const bucketName = z
    .string()
    .refine((n) => /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(n.replace(MANAGEMENT_ACCOUNT_ID_TOKEN, "111111111111")), {
        message: `must be an S3 bucket name (3-63 characters: a-z, 0-9, '.', '-'), optionally with ${MANAGEMENT_ACCOUNT_ID_TOKEN} for the management account's ID`,
    });

const days = (max: number) =>
    z.number({ message: "must be a number of days" }).int({ message: "must be a whole number of days" }).min(1, { message: "must be at least 1 day" }).max(max, { message: `must be at most ${max} days` });

export const DEFAULT_BUCKET_NAME = `lz-logs-${MANAGEMENT_ACCOUNT_ID_TOKEN}`;
export const DEFAULT_KEY_ALIAS = "alias/lz-log-archive";
export const DEFAULT_ORGANIZATION_TRAIL_NAME = "lz-organization-trail";
export const DEFAULT_ACCOUNT_TRAIL_NAME = "lz-account-trail";

const logArchiveSchema = z.strictObject({
    /** Bucket for CloudTrail and Config; `{managementAccountId}` keeps the default unique across organizations. */
    bucketName: bucketName.default(DEFAULT_BUCKET_NAME),
    keyAlias: z
        .string()
        .regex(/^alias\/(?!aws\/)[a-zA-Z0-9/_-]{1,250}$/, { message: "must be a KMS alias such as alias/lz-log-archive (not under alias/aws/)" })
        .default(DEFAULT_KEY_ALIAS),
    /** Days before the logs move to `transitionStorageClass`. */
    transitionDays: days(36500).default(90),
    transitionStorageClass: z.enum(ARCHIVE_STORAGE_CLASSES, { message: `must be one of ${ARCHIVE_STORAGE_CLASSES.join(", ")}` }).default("GLACIER_IR"),
    /** Days before the logs expire; 0 keeps them for ever. */
    expirationDays: z.number({ message: "must be a number of days" }).int({ message: "must be a whole number of days" }).min(0, { message: "must be 0 (keep for ever) or more" }).max(36500, { message: "must be at most 36500 days" }).default(365),
    /** S3 Object Lock on the bucket (chosen when the bucket is created; see docs/security-baseline.md). */
    objectLock: z
        .strictObject({
            mode: z.enum(["GOVERNANCE", "COMPLIANCE"], { message: "must be GOVERNANCE or COMPLIANCE" }),
            days: days(36500),
        })
        .optional(),
});

const cloudTrailSchema = z.strictObject({
    enabled: z.boolean().default(true),
    /** Trail name (organization trail in the Organizations layouts, account trail in single-account). */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/, { message: "must be a trail name: 3-128 letters, digits, '.', '_' or '-', starting with a letter or digit" }).optional(),
    /** Data events on top of management events (billed per event: see docs/security-baseline.md). */
    dataEvents: z
        .strictObject({
            s3: z.boolean().default(false),
            lambda: z.boolean().default(false),
        })
        .prefault({}),
    /**
     * ARN of an organization trail kept by something else (Control Tower's
     * aws-controltower-BaselineCloudTrail): no trail is created, the existing one is referenced.
     */
    existingTrailArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[A-Za-z0-9._-]{3,128}$/, { message: "must be a trail ARN such as arn:aws:cloudtrail:eu-west-1:111111111111:trail/aws-controltower-BaselineCloudTrail" })
        .optional(),
});

const guardDutySchema = z.strictObject({
    enabled: z.boolean().default(true),
    findingPublishingFrequency: z.enum(GUARDDUTY_PUBLISHING_FREQUENCIES, { message: `must be one of ${GUARDDUTY_PUBLISHING_FREQUENCIES.join(", ")}` }).default("SIX_HOURS"),
    /** Organizations layouts: which member accounts the delegated administrator enables (default ALL). */
    autoEnableOrganizationMembers: z.enum(["ALL", "NEW"], { message: "must be ALL (every account, existing ones too) or NEW" }).optional(),
});

const securityHubSchema = z.strictObject({
    enabled: z.boolean().default(true),
    standards: z
        .array(z.enum(SECURITY_HUB_STANDARDS, { message: `must be one of ${SECURITY_HUB_STANDARDS.join(", ")}` }))
        .min(1, { message: "must list at least one standard (or set enabled: false)" })
        .default(() => [...DEFAULT_SECURITY_HUB_STANDARDS]),
});

const configRecorderSchema = z.strictObject({
    enabled: z.boolean().default(true),
    /** Organization aggregator in the audit account. */
    aggregator: z.boolean().default(true),
});

const accessAnalyzerSchema = z.strictObject({
    /** The external-access analyzer (organization, or account in single-account), in every region. */
    enabled: z.boolean().default(true),
    /** The unused-access analyzer (home region; billed per IAM role and user analyzed). */
    unusedAccess: z.boolean().default(true),
    /** Days without use after which access counts as unused (1-365; changing it replaces the analyzer). */
    unusedAccessAge: z.number({ message: "must be a number of days" }).int({ message: "must be a whole number of days" }).min(1, { message: "must be 1-365 days" }).max(365, { message: "must be 1-365 days" }).default(90),
});

export const securitySchema = z.strictObject({
    /** Key of the account holding the log bucket and its key (Organizations layouts; required there). */
    logArchiveAccount: accountKey.optional(),
    /** Key of the delegated administrator of the detective services (Organizations layouts; required there). */
    auditAccount: accountKey.optional(),
    /** Regions of the regional services; default: guardrails.allowedRegions. */
    regions: z.array(regionName).min(1, { message: "must list at least one region" }).optional(),
    /** Region of the trail, the log bucket, the aggregators and the unused-access analyzer; default: the first of regions. */
    homeRegion: regionName.optional(),
    /**
     * Roles (names, or path/name, * allowed) that deploy the landing zone where the log bucket lives and
     * are therefore exempt from its deny-delete bucket policy and administer its key. Organizations
     * layouts: the platform roles (guardrails.platformRoleName and every account's roleName) always
     * are; single-account: required.
     */
    deploymentRoleNames: z.array(roleNameOrPattern).optional(),
    logArchive: logArchiveSchema.prefault({}),
    cloudTrail: cloudTrailSchema.prefault({}),
    guardDuty: guardDutySchema.prefault({}),
    securityHub: securityHubSchema.optional(),
    config: configRecorderSchema.optional(),
    accessAnalyzer: accessAnalyzerSchema.prefault({}),
});

export type SecurityConfig = z.output<typeof securitySchema>;

export const securityConfigShape = {
    /** The security baseline (log archive, trail, detective services). Absent: none. */
    security: securitySchema.optional(),
};

/** The defaults of the Organizations-only sections, for a config whose layout has an organization. */
export function resolveSecurityHub(s: SecurityConfig): z.output<typeof securityHubSchema> {
    return s.securityHub ?? securityHubSchema.parse({});
}

export function resolveConfigRecorder(s: SecurityConfig): z.output<typeof configRecorderSchema> {
    return s.config ?? configRecorderSchema.parse({});
}

/** Problems of the security section, each naming its key path (below `landing-zone:`). */
export function validateSecurity(config: Record<string, unknown>, ctx: z.RefinementCtx): void {
    const cfg = config as unknown as LandingZoneConfig;
    if (!cfg.security) return;
    // Lazy on purpose (see the header): by the time a config is validated, every module is loaded.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { computeSecurity } = require("./plan") as typeof import("./plan");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildPlan } = require("../plan") as typeof import("../plan");
    for (const p of computeSecurity(buildPlan(cfg)).problems) {
        ctx.addIssue({ code: "custom", path: p.path, input: p.value, message: p.message });
    }
}
