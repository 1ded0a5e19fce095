/**
 * The log archive's resource policies, as plain documents with placeholders (filled in by the
 * component; see ../access/policies.ts for `{{partition}}`, `{{managementAccountId}}` and
 * `{{account:<key>}}`, and ORGANIZATION_ID below). Pure: no Pulumi, no I/O.
 *
 * The key policy is a string input (aws.kms.KeyPolicy), so every value in it must be known at
 * preview for the policy pack to judge it: it names no member account and no organization ID.
 * "This account" and "this organization" are the policy variables `${aws:ResourceAccount}` and
 * `${aws:ResourceOrgID}` (the key's own account and organization), compared with
 * `aws:PrincipalAccount`, `aws:PrincipalOrgID` and `aws:SourceOrgID`. The bucket policy is an
 * object input: member account and organization IDs stay placeholders, unknown at a first
 * preview but specific.
 */
import { MANAGEMENT_ACCOUNT, PARTITION, accountPlaceholder, type PolicyDocument, type Statement } from "../access/policies";
import { LOG_BUCKET_ACTIONS } from "../guardrails/scp";

/** Placeholder for the organization's ID (`o-...`), filled from the organization resource. */
export const ORGANIZATION_ID = "{{organizationId}}";

/** Where Config delivery channels write in the log bucket (`<prefix>/AWSLogs/<account>/Config/...`). */
export const CONFIG_KEY_PREFIX = "config";

export const bucketArn = (bucketName: string) => `arn:${PARTITION}:s3:::${bucketName}`;

/** The trail's ARN: it is named, so the ARN is known before the trail exists (policies need it first). */
export function trailArn(region: string, trailName: string): string {
    return `arn:${PARTITION}:cloudtrail:${region}:${MANAGEMENT_ACCOUNT}:trail/${trailName}`;
}

/** Role ARN patterns of any account (`arn:<partition>:iam::*:role/<name>`). */
export const anyAccountRole = (nameOrPattern: string) => `arn:${PARTITION}:iam::*:role/${nameOrPattern}`;

export interface LogArchiveDocumentInputs {
    /** Bucket name (may hold `{{managementAccountId}}`). */
    bucketName: string;
    homeRegion: string;
    /** The trail writing here (its ARN), when this program creates it. */
    trail?: { arn: string; organization: boolean };
    /** Config delivery channels of the organization write here. */
    config: boolean;
    /** Role ARN patterns exempt from the deny statements and administering the key. */
    exemptRoleArns: string[];
    /** Account key of the audit account (Organizations layouts): its principals may read the logs. */
    auditAccount?: string;
}

const CLOUDTRAIL = { Service: "cloudtrail.amazonaws.com" };
const CONFIG = { Service: "config.amazonaws.com" };

/**
 * The bucket policy: TLS only; nobody but the deployment roles deletes logs or changes the
 * bucket's protections; CloudTrail writes (the organization's and the management account's
 * prefixes, for this trail only); Config writes for the organization; the audit account reads.
 */
export function logBucketPolicy(i: LogArchiveDocumentInputs): PolicyDocument {
    const bucket = bucketArn(i.bucketName);
    const objects = `${bucket}/*`;
    const statements: Statement[] = [
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: ["s3:*"],
            Resource: [bucket, objects],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
            Sid: "DenyLogDeletionAndProtectionChanges",
            Effect: "Deny",
            Principal: "*",
            Action: [...LOG_BUCKET_ACTIONS],
            Resource: [bucket, objects],
            Condition: { ArnNotLike: { "aws:PrincipalArn": [...i.exemptRoleArns] } },
        },
    ];
    if (i.trail) {
        const source = { "aws:SourceArn": i.trail.arn };
        statements.push(
            { Sid: "CloudTrailAclCheck", Effect: "Allow", Principal: CLOUDTRAIL, Action: ["s3:GetBucketAcl"], Resource: [bucket], Condition: { StringEquals: source } },
            {
                Sid: "CloudTrailWrite",
                Effect: "Allow",
                Principal: CLOUDTRAIL,
                Action: ["s3:PutObject"],
                Resource: [`${bucket}/AWSLogs/${MANAGEMENT_ACCOUNT}/*`, ...(i.trail.organization ? [`${bucket}/AWSLogs/${ORGANIZATION_ID}/*`] : [])],
                Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", ...source } },
            },
        );
    }
    if (i.config) {
        const source = { "aws:SourceOrgID": ORGANIZATION_ID };
        statements.push(
            { Sid: "ConfigAclCheck", Effect: "Allow", Principal: CONFIG, Action: ["s3:GetBucketAcl", "s3:ListBucket"], Resource: [bucket], Condition: { StringEquals: source } },
            {
                Sid: "ConfigWrite",
                Effect: "Allow",
                Principal: CONFIG,
                Action: ["s3:PutObject"],
                Resource: [`${bucket}/${CONFIG_KEY_PREFIX}/AWSLogs/*`],
                Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", ...source } },
            },
        );
    }
    if (i.auditAccount) {
        statements.push({
            Sid: "AuditAccountRead",
            Effect: "Allow",
            Principal: { AWS: `arn:${PARTITION}:iam::${accountPlaceholder(i.auditAccount)}:root` },
            Action: ["s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket"],
            Resource: [bucket, objects],
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * The key policy. Administration: the account's root and the deployment roles, of the key's own
 * account only. CloudTrail: encrypt for this trail (the management account's trails' encryption
 * context) and describe the key. Config: encrypt and decrypt for the key's organization.
 * Decryption of the logs: any principal of the organization (single-account: of the account),
 * only through S3 in the home region, so the bucket policy decides who reads (the log archive
 * account's own principals and the audit account).
 */
export function logKeyPolicy(i: Omit<LogArchiveDocumentInputs, "bucketName" | "auditAccount"> & { organization: boolean }): PolicyDocument {
    const sameAccount = { "aws:PrincipalAccount": "${aws:ResourceAccount}" };
    const statements: Statement[] = [
        {
            Sid: "KeyAdministration",
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: ["kms:*"],
            Resource: ["*"],
            Condition: {
                StringEquals: sameAccount,
                ArnLike: { "aws:PrincipalArn": [`arn:${PARTITION}:iam::*:root`, ...i.exemptRoleArns] },
            },
        },
    ];
    if (i.trail) {
        const source = { "aws:SourceArn": i.trail.arn };
        statements.push(
            {
                Sid: "CloudTrailEncrypt",
                Effect: "Allow",
                Principal: CLOUDTRAIL,
                Action: ["kms:GenerateDataKey*"],
                Resource: ["*"],
                Condition: {
                    StringEquals: source,
                    StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${PARTITION}:cloudtrail:*:${MANAGEMENT_ACCOUNT}:trail/*` },
                },
            },
            { Sid: "CloudTrailDescribeKey", Effect: "Allow", Principal: CLOUDTRAIL, Action: ["kms:DescribeKey"], Resource: ["*"], Condition: { StringEquals: source } },
        );
    }
    if (i.config) {
        statements.push({
            Sid: "ConfigDelivery",
            Effect: "Allow",
            Principal: CONFIG,
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: ["*"],
            Condition: { StringEquals: { "aws:SourceOrgID": "${aws:ResourceOrgID}" } },
        });
    }
    statements.push({
        Sid: "DecryptLogsThroughS3",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:Decrypt"],
        Resource: ["*"],
        Condition: {
            StringEquals: {
                "kms:ViaService": `s3.${i.homeRegion}.amazonaws.com`,
                ...(i.organization ? { "aws:PrincipalOrgID": "${aws:ResourceOrgID}" } : sameAccount),
            },
        },
    });
    return { Version: "2012-10-17", Statement: statements };
}

/** Trust policy of the Config aggregator's role: the Config service (as AWS documents it). */
export function configAggregatorTrust(): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Sid: "ConfigAggregator", Effect: "Allow", Principal: CONFIG, Action: ["sts:AssumeRole"] }],
    };
}
