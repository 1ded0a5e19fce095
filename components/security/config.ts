/**
 * Config keys of the security baseline (`landing-zone:security`). Composed into the stack schema
 * in ../config.ts; the section's cross-field rules (accounts, regions, trusted access, lifecycle)
 * are checked by its planner (./plan.ts), which reports them as problems.
 *
 * Pure: zod and the shared fields only. Keys that only mean something with an organization (the
 * log archive and audit accounts, Security Hub, Config, GuardDuty's auto-enable) have no default
 * in the schema: the planner fills it in, so an explicit value in a single-account stack is an
 * error rather than silently ignored. Descriptions and defaults here are the config reference.
 */
import { z } from "zod";
import { logicalKey } from "../fields";
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

const roleNameOrPattern = z.string().regex(/^[\w+=,.@*/-]{1,128}$/, {
    message: "must be an IAM role name, optionally with its path (service-role/deploy) and * wildcards",
});

/** S3 bucket names: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit (the token counts as 12 digits). */
const bucketName = z.string().refine((n) => /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(n.replace(MANAGEMENT_ACCOUNT_ID_TOKEN, "111111111111")), {
    message: `must be an S3 bucket name (3-63 characters: a-z, 0-9, '.', '-'), optionally with ${MANAGEMENT_ACCOUNT_ID_TOKEN} for the management account's ID`,
});

/** A whole number of days within [min, max]; `minMessage` says what the least value means. */
const days = (max: number, min = 1, minMessage = "must be at least 1 day") =>
    z
        .number({ message: "must be a number of days" })
        .int({ message: "must be a whole number of days" })
        .min(min, { message: minMessage })
        .max(max, { message: `must be at most ${max} days` });

export const DEFAULT_BUCKET_NAME = `lz-logs-${MANAGEMENT_ACCOUNT_ID_TOKEN}`;
export const DEFAULT_KEY_ALIAS = "alias/lz-log-archive";
export const DEFAULT_ORGANIZATION_TRAIL_NAME = "lz-organization-trail";
export const DEFAULT_ACCOUNT_TRAIL_NAME = "lz-account-trail";

const logArchiveSchema = z.strictObject({
    bucketName: bucketName
        .default(DEFAULT_BUCKET_NAME)
        .describe(`Bucket of the CloudTrail and Config logs, in the log archive account; ${MANAGEMENT_ACCOUNT_ID_TOKEN} is replaced by the management account's ID (bucket names are global).`),
    keyAlias: z
        .string()
        .regex(/^alias\/(?!aws\/)[a-zA-Z0-9/_-]{1,250}$/, { message: "must be a KMS alias such as alias/lz-log-archive (not under alias/aws/)" })
        .default(DEFAULT_KEY_ALIAS)
        .describe("Alias of the KMS key that encrypts the logs; protect-security-baseline finds the key by it."),
    transitionDays: days(36500).default(90).describe("Days before the logs (and noncurrent versions) move to transitionStorageClass."),
    transitionStorageClass: z
        .enum(ARCHIVE_STORAGE_CLASSES, { message: `must be one of ${ARCHIVE_STORAGE_CLASSES.join(", ")}` })
        .default("GLACIER_IR")
        .describe("Colder storage class of the logs after transitionDays."),
    expirationDays: days(36500, 0, "must be 0 (keep for ever) or more").default(365).describe("Days before the logs expire (more than transitionDays); 0 keeps them for ever."),
    objectLock: z
        .strictObject({
            mode: z
                .enum(["GOVERNANCE", "COMPLIANCE"], { message: "must be GOVERNANCE or COMPLIANCE" })
                .describe("COMPLIANCE: nobody, root included, deletes a locked version before its retention ends."),
            days: days(36500).describe("Default retention of every new log object, at most expirationDays."),
        })
        .optional()
        .describe("S3 Object Lock on the log bucket. Chosen when the bucket is created: adding it later replaces the bucket (see docs/security-baseline.md). Absent: none."),
});

const cloudTrailSchema = z.strictObject({
    enabled: z.boolean().default(true).describe("Create the trail (organization trail in multi-account and hybrid, account trail in single-account)."),
    name: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/, { message: "must be a trail name: 3-128 letters, digits, '.', '_' or '-', starting with a letter or digit" })
        .optional()
        .describe(`Trail name. Absent: ${DEFAULT_ORGANIZATION_TRAIL_NAME} (Organizations layouts) or ${DEFAULT_ACCOUNT_TRAIL_NAME} (single-account).`),
    dataEvents: z
        .strictObject({
            s3: z.boolean().default(false).describe("S3 object-level events (billed per 100,000 events: can cost more than everything else here)."),
            lambda: z.boolean().default(false).describe("Lambda invocations (billed per 100,000 events)."),
        })
        .prefault({})
        .describe("Data events on top of management events (management events are always recorded)."),
    existingTrailArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[A-Za-z0-9._-]{3,128}$/, {
            message: "must be a trail ARN such as arn:aws:cloudtrail:eu-west-1:111111111111:trail/aws-controltower-BaselineCloudTrail",
        })
        .optional()
        .describe("ARN of an organization trail kept by something else (Control Tower's aws-controltower-BaselineCloudTrail): no trail is created."),
});

const guardDutySchema = z.strictObject({
    enabled: z.boolean().default(true).describe("GuardDuty detectors in every region of security.regions."),
    findingPublishingFrequency: z
        .enum(GUARDDUTY_PUBLISHING_FREQUENCIES, { message: `must be one of ${GUARDDUTY_PUBLISHING_FREQUENCIES.join(", ")}` })
        .default("SIX_HOURS")
        .describe("How often updated findings are exported."),
    autoEnableOrganizationMembers: z
        .enum(["ALL", "NEW"], { message: "must be ALL (every account, existing ones too) or NEW" })
        .optional()
        .describe("Multi-account and hybrid: members the delegated administrator enables. Absent: ALL."),
});

const securityHubSchema = z.strictObject({
    enabled: z.boolean().default(true).describe("Security Hub with central configuration from the audit account."),
    standards: z
        .array(z.enum(SECURITY_HUB_STANDARDS, { message: `must be one of ${SECURITY_HUB_STANDARDS.join(", ")}` }))
        .min(1, { message: "must list at least one standard (or set enabled: false)" })
        .default(() => [...DEFAULT_SECURITY_HUB_STANDARDS])
        .describe("Standards enabled in every account and region. A set."),
});

const configRecorderSchema = z.strictObject({
    enabled: z.boolean().default(true).describe("A Config recorder in every account and region of security.regions, delivering to the log archive."),
    aggregator: z.boolean().default(true).describe("An organization aggregator in the audit account (Config is delegated to it)."),
});

const accessAnalyzerSchema = z.strictObject({
    enabled: z.boolean().default(true).describe("The external-access analyzer (organization, or account in single-account) in every region of security.regions."),
    unusedAccess: z.boolean().default(true).describe("The unused-access analyzer, in the home region (billed per IAM role and user analyzed)."),
    unusedAccessAge: days(365)
        .default(90)
        .describe("Days without use after which access counts as unused (1-365; changing it replaces the analyzer). The estate review uses it as its default unused thresholds."),
});

export const securitySchema = z.strictObject({
    logArchiveAccount: logicalKey
        .optional()
        .describe("Multi-account and hybrid (required there): key of the member account that keeps the log bucket and its key; not the management account, no environment."),
    auditAccount: logicalKey
        .optional()
        .describe("Multi-account and hybrid (required there): key of the member account that is the delegated administrator of the detective services; not the log archive, no environment."),
    regions: z
        .array(regionName)
        .min(1, { message: "must list at least one region" })
        .optional()
        .describe("Regions of the regional services (GuardDuty, Config, Access Analyzer), within guardrails.allowedRegions. Absent: guardrails.allowedRegions. A set."),
    homeRegion: regionName
        .optional()
        .describe("Region of the trail, the log bucket, the aggregators and the unused-access analyzer, one of regions. Absent: the first of regions in alphabetical order."),
    deploymentRoleNames: z
        .array(roleNameOrPattern)
        .optional()
        .describe(
            "Roles (name or path/name, * allowed) exempt from the log bucket's deny statements and administering its key. Single-account: required when there is a log bucket. Organizations layouts: the platform roles always are. A set.",
        ),
    logArchive: logArchiveSchema.prefault({}).describe("The log bucket: lifecycle, retention, object lock."),
    cloudTrail: cloudTrailSchema.prefault({}).describe("The trail: all regions, management events, log file validation, KMS encryption."),
    guardDuty: guardDutySchema.prefault({}).describe("GuardDuty."),
    securityHub: securityHubSchema.optional().describe("Multi-account and hybrid only. Absent: on, with the default standards."),
    config: configRecorderSchema.optional().describe("AWS Config. Multi-account and hybrid only. Absent: on, with the aggregator."),
    accessAnalyzer: accessAnalyzerSchema.prefault({}).describe("IAM Access Analyzer."),
});

export type SecurityConfig = z.output<typeof securitySchema>;

export const securityConfigShape = {
    security: securitySchema
        .optional()
        .describe("The security baseline (docs/security-baseline.md): log archive, organization or account trail, GuardDuty, Security Hub, Config, Access Analyzer. Absent: none."),
};

/** The defaults of the Organizations-only sections, for a config whose layout has an organization. */
export function resolveSecurityHub(s: SecurityConfig): z.output<typeof securityHubSchema> {
    return s.securityHub ?? securityHubSchema.parse({});
}

export function resolveConfigRecorder(s: SecurityConfig): z.output<typeof configRecorderSchema> {
    return s.config ?? configRecorderSchema.parse({});
}
