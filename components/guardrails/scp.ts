/**
 * The service control policy (SCP) library: every guardrail is a pure function from its
 * parameters to a policy document. Every statement carries a Sid that is unique across the
 * whole library, so statements of different guardrails can be packed into one document
 * (./packing.ts) without clashing.
 *
 * SCPs never grant anything: in the default deny-list strategy AWS keeps its managed
 * `FullAWSAccess` policy attached to every root, OU and account, and these documents only
 * subtract from it. The one exception is the service allow-list (an Allow document that
 * replaces FullAWSAccess on an OU).
 *
 * SCPs do not apply to the management account, nor to service-linked roles.
 */

import { policyDocument as document, type PolicyDocument, type Statement } from "../policy-document";
import { PROTECTED_SECURITY_ACTIONS } from "./detection";

/** Where the baseline attaches a guardrail (`guardrails.baseline: true`). */
export type BaselinePlacement = "root" | "non-production" | "production";

/** One guardrail of the library: everything about it in one record. */
export interface GuardrailSpec {
    /** One line, used as the AWS policy description. */
    description: string;
    /** Who may still do what it denies. */
    exemption: "platform roles" | "none";
    /** Where the baseline attaches it; absent: only where `attachments` names it. */
    baseline?: BaselinePlacement;
    build(p: GuardrailParameters): PolicyDocument;
}

/** The AWS-managed policy AWS attaches to every root, OU and account (`p-FullAWSAccess`). */
export const FULL_AWS_ACCESS: PolicyDocument = document({ Sid: "FullAWSAccess", Effect: "Allow", Action: "*", Resource: "*" });

/** IAM role ARN pattern for any account of the organization. */
export function roleArnPattern(roleNameOrPath: string): string {
    return `arn:aws:iam::*:role/${roleNameOrPath}`;
}

/** Condition that exempts the given principals (role ARN patterns); none when the list is empty. */
function exemptPrincipals(arns: readonly string[]): Statement["Condition"] | undefined {
    return arns.length ? { ArnNotLike: { "aws:PrincipalArn": [...arns] } } : undefined;
}

function withCondition(s: Omit<Statement, "Condition">, condition?: Statement["Condition"]): Statement {
    return condition ? { ...s, Condition: condition } : s;
}

// ---------------------------------------------------------------------------------
// The guardrails.
// ---------------------------------------------------------------------------------

/** An account that leaves the organization escapes every SCP and consolidated billing. */
export function denyLeaveOrganization(): PolicyDocument {
    return document({ Sid: "DenyLeaveOrganization", Effect: "Deny", Action: "organizations:LeaveOrganization", Resource: "*" });
}

/**
 * The root user of a member account has no IAM policy to limit it; only an SCP can. Its
 * credentials should never be used, so everything is denied to it. Exemption: none; the
 * few tasks that need root (e.g. closing the account) are done after detaching this policy
 * or through centralized root access from the management account.
 */
export function denyRootUser(): PolicyDocument {
    return document({
        Sid: "DenyRootUser",
        Effect: "Deny",
        Action: "*",
        Resource: "*",
        Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } },
    });
}

/** The actions that stop, delete, weaken or silence the security services (reviewed list: ./detection.ts). */
export const SECURITY_SERVICE_ACTIONS: readonly string[] = PROTECTED_SECURITY_ACTIONS;

/**
 * Nobody in a member account may switch off, weaken or blind CloudTrail, Config, GuardDuty,
 * Access Analyzer or Security Hub: no stopping or deleting, no archive or suppression rules, no
 * trusted IP lists, no finding updates, no redirected delivery. Exemption: the platform roles
 * (which deploy and maintain these services).
 */
export function protectSecurityServices(p: { exemptRoleArns: readonly string[] }): PolicyDocument {
    return document(withCondition({ Sid: "ProtectSecurityServices", Effect: "Deny", Action: [...SECURITY_SERVICE_ACTIONS], Resource: "*" }, exemptPrincipals(p.exemptRoleArns)));
}

/**
 * Services whose calls must stay possible from any region: they are global (single endpoint in
 * us-east-1, or no region at all), so `aws:RequestedRegion` is not one of the allowed regions.
 * Regional services that some published lists exempt (kms, config) are deliberately absent:
 * exempting them would let them run in any region.
 */
export const GLOBAL_SERVICE_ACTIONS: readonly string[] = [
    "account:*",
    "acm:*",
    "aws-marketplace:*",
    "aws-portal:*",
    "budgets:*",
    "ce:*",
    "cloudfront:*",
    "cur:*",
    "directconnect:*",
    "ec2:DescribeRegions",
    "ec2:DescribeTransitGateways",
    "ec2:DescribeVpnGateways",
    "fms:*",
    "globalaccelerator:*",
    "health:*",
    "iam:*",
    "networkmanager:*",
    "organizations:*",
    "pricing:*",
    "route53:*",
    "route53domains:*",
    "s3:GetAccountPublic*",
    "s3:ListAllMyBuckets",
    "s3:PutAccountPublic*",
    "shield:*",
    "sts:*",
    "support:*",
    "trustedadvisor:*",
    "waf-regional:*",
    "waf:*",
    "wafv2:*",
];

/**
 * Deny every regional action requested outside the allowed regions. `NotAction` keeps the
 * global services working. Exemption: the platform roles, which enable security services in
 * every region (GuardDuty and Config should record everywhere, even where nothing else runs).
 */
export function regionAllowList(p: { allowedRegions: readonly string[]; extraGlobalActions?: readonly string[]; exemptRoleArns: readonly string[] }): PolicyDocument {
    const notAction = [...new Set([...GLOBAL_SERVICE_ACTIONS, ...(p.extraGlobalActions ?? [])])];
    return document({
        Sid: "DenyOutsideAllowedRegions",
        Effect: "Deny",
        NotAction: notAction,
        Resource: "*",
        Condition: {
            StringNotEquals: { "aws:RequestedRegion": [...p.allowedRegions] },
            ...(p.exemptRoleArns.length ? { ArnNotLike: { "aws:PrincipalArn": [...p.exemptRoleArns] } } : {}),
        },
    });
}

/** Small general-purpose families: enough for development and tests, nothing that burns a budget in a night. */
export const DEFAULT_NON_PRODUCTION_INSTANCE_TYPES: readonly string[] = ["t3.*", "t3a.*", "t4g.*", "m5.large", "m5.xlarge", "m6i.large", "m6i.xlarge", "m7g.large", "m7g.xlarge"];

/**
 * Deny launching an instance whose type is not in the allow-list (patterns such as `t3.*`).
 * The resource is the instance ARN: RunInstances is also authorized against the image, subnet,
 * volumes..., which carry no instance type. No exemption.
 */
export function instanceTypeAllowList(p: { instanceTypes: readonly string[] }): PolicyDocument {
    return document({
        Sid: "DenyInstanceTypesNotAllowed",
        Effect: "Deny",
        Action: "ec2:RunInstances",
        Resource: "arn:aws:ec2:*:*:instance/*",
        Condition: { StringNotLike: { "ec2:InstanceType": [...p.instanceTypes] } },
    });
}

/**
 * New instances must require session tokens for the instance metadata service (IMDSv2), which
 * blocks the SSRF credential theft IMDSv1 allows; and nobody but the platform may change the
 * metadata options afterwards.
 */
export function requireImdsv2(p: { exemptRoleArns: readonly string[] }): PolicyDocument {
    return document(
        {
            Sid: "RequireImdsv2OnRunInstances",
            Effect: "Deny",
            Action: "ec2:RunInstances",
            Resource: "arn:aws:ec2:*:*:instance/*",
            Condition: { StringNotEquals: { "ec2:MetadataHttpTokens": "required" } },
        },
        withCondition({ Sid: "DenyModifyInstanceMetadataOptions", Effect: "Deny", Action: "ec2:ModifyInstanceMetadataOptions", Resource: "*" }, exemptPrincipals(p.exemptRoleArns)),
    );
}

/**
 * Where only roles should exist (production), nobody creates IAM users, console passwords or
 * long-term access keys. Exemption: the platform roles (the landing zone manages the few users
 * it declares itself).
 */
export function denyIamUsers(p: { exemptRoleArns: readonly string[] }): PolicyDocument {
    return document(
        withCondition(
            {
                Sid: "DenyIamUsersAndAccessKeys",
                Effect: "Deny",
                Action: ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"],
                Resource: "*",
            },
            exemptPrincipals(p.exemptRoleArns),
        ),
    );
}

/** IAM actions that change a role or what it can do. */
export const ROLE_WRITE_ACTIONS: readonly string[] = [
    "iam:AttachRolePolicy",
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
];

/**
 * The organization access role and the landing zone's own roles are how the platform reaches
 * every account: nobody else may change, delete or re-trust them (nor create a role in their
 * path). Exemption: the platform roles.
 */
export function protectPlatformRoles(p: { protectedRoleArns: readonly string[]; exemptRoleArns: readonly string[] }): PolicyDocument {
    return document(withCondition({ Sid: "ProtectPlatformRoles", Effect: "Deny", Action: [...ROLE_WRITE_ACTIONS], Resource: [...p.protectedRoleArns] }, exemptPrincipals(p.exemptRoleArns)));
}

/** Default EBS encryption, once on, stays on. No exemption: nothing legitimate turns it off. */
export function denyDisableEbsEncryption(): PolicyDocument {
    return document({ Sid: "DenyDisableEbsEncryptionByDefault", Effect: "Deny", Action: "ec2:DisableEbsEncryptionByDefault", Resource: "*" });
}

/**
 * The account-level S3 Block Public Access settings stay as the platform set them (the same
 * permission covers deleting them). Exemption: the platform roles.
 */
export function protectS3PublicAccessBlock(p: { exemptRoleArns: readonly string[] }): PolicyDocument {
    return document(withCondition({ Sid: "ProtectS3AccountPublicAccessBlock", Effect: "Deny", Action: "s3:PutAccountPublicAccessBlock", Resource: "*" }, exemptPrincipals(p.exemptRoleArns)));
}

/**
 * Sharing outside the organization, where AWS offers a condition key for it: AWS RAM shares that
 * allow principals outside the organization, EBS snapshots made public, and the account-level
 * block public access for AMIs and snapshots switched off. AMI launch permissions and RDS
 * snapshot attributes name their target accounts without any condition key: write levels never
 * get those actions (see ../access/sharing.ts), admins keep them (documented residual risk).
 * Exemption: the platform roles (block public access settings only).
 */
export function denyExternalSharing(p: { exemptRoleArns: readonly string[] }): PolicyDocument {
    return document(
        {
            Sid: "DenyResourceSharesOutsideOrganization",
            Effect: "Deny",
            Action: ["ram:CreateResourceShare", "ram:UpdateResourceShare"],
            Resource: "*",
            Condition: { Bool: { "ram:RequestedAllowsExternalPrincipals": "true" } },
        },
        {
            Sid: "DenyAssociationsToExternalShares",
            Effect: "Deny",
            Action: "ram:AssociateResourceShare",
            Resource: "*",
            Condition: { Bool: { "ram:AllowsExternalPrincipals": "true" } },
        },
        {
            Sid: "DenyPublicSnapshots",
            Effect: "Deny",
            Action: "ec2:ModifySnapshotAttribute",
            Resource: "*",
            Condition: { StringEquals: { "ec2:Add/group": "all" } },
        },
        withCondition(
            {
                Sid: "KeepImageAndSnapshotPublicAccessBlocked",
                Effect: "Deny",
                Action: ["ec2:DisableImageBlockPublicAccess", "ec2:DisableSnapshotBlockPublicAccess"],
                Resource: "*",
            },
            exemptPrincipals(p.exemptRoleArns),
        ),
    );
}

/** What protect-security-baseline protects, from the security baseline's plan (../security/plan.ts). */
export interface SecurityBaselineProtection {
    /** Bucket names or patterns (`lz-logs-*`) of the log archive. */
    logBucketNames: readonly string[];
    /** KMS aliases (`alias/lz-log-archive`) of the log archive's keys. */
    keyAliases: readonly string[];
    /** Role paths and names (`service-role/lz-config-aggregator`) the baseline's services depend on. */
    roles: readonly string[];
}

/** Deleting logs or weakening the bucket that keeps them (the bucket policy denies the same). */
export const LOG_BUCKET_ACTIONS: readonly string[] = [
    "s3:BypassGovernanceRetention",
    "s3:DeleteBucket",
    "s3:DeleteBucketPolicy",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutBucketAcl",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutBucketOwnershipControls",
    "s3:PutBucketPolicy",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutBucketVersioning",
    "s3:PutEncryptionConfiguration",
    "s3:PutLifecycleConfiguration",
    "s3:PutReplicationConfiguration",
];

/** Making the log archive's key unusable, or opening it to others. */
export const LOG_KEY_ACTIONS: readonly string[] = ["kms:CreateGrant", "kms:DisableKey", "kms:DisableKeyRotation", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"];

/**
 * The security baseline's own resources, beyond what protect-security-services covers (trails,
 * detectors, recorders, aggregators, analyzers): nobody deletes logs or changes the log bucket, its
 * policy or its protections; nobody changes the key's policy, disables or deletes it, or moves its
 * alias (the key is found by its alias, `kms:ResourceAliases`, as its ID is only known once it
 * exists); nobody changes the roles the baseline's services use. Exemption: the platform roles.
 */
export function protectSecurityBaseline(p: { securityBaseline?: SecurityBaselineProtection; exemptRoleArns: readonly string[] }): PolicyDocument {
    if (!p.securityBaseline) throw new Error("protect-security-baseline needs the security baseline's resources (landing-zone:security)");
    const { logBucketNames, keyAliases, roles } = p.securityBaseline;
    const exempt = exemptPrincipals(p.exemptRoleArns);
    const statements: Statement[] = [];
    if (logBucketNames.length) {
        statements.push(
            withCondition(
                {
                    Sid: "ProtectLogArchiveBucket",
                    Effect: "Deny",
                    Action: [...LOG_BUCKET_ACTIONS],
                    Resource: logBucketNames.flatMap((b) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`]),
                },
                exempt,
            ),
        );
    }
    if (keyAliases.length) {
        statements.push(
            {
                Sid: "ProtectLogArchiveKey",
                Effect: "Deny",
                Action: [...LOG_KEY_ACTIONS],
                Resource: "*",
                Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": [...keyAliases] }, ...exempt },
            },
            withCondition(
                {
                    Sid: "ProtectLogArchiveKeyAlias",
                    Effect: "Deny",
                    Action: ["kms:DeleteAlias", "kms:UpdateAlias"],
                    Resource: keyAliases.map((a) => `arn:aws:kms:*:*:${a}`),
                },
                exempt,
            ),
        );
    }
    if (roles.length) {
        statements.push(withCondition({ Sid: "ProtectSecurityBaselineRoles", Effect: "Deny", Action: [...ROLE_WRITE_ACTIONS], Resource: roles.map(roleArnPattern) }, exempt));
    }
    return document(...statements);
}

/**
 * Allow-list strategy: an Allow of whole services, which replaces FullAWSAccess on the target.
 * Anything outside the list is implicitly denied at that level of the tree.
 */
export function serviceAllowList(p: { services: readonly string[] }): PolicyDocument {
    return document({
        Sid: "AllowListedServices",
        Effect: "Allow",
        Action: [...new Set(p.services)].sort().map((s) => `${s}:*`),
        Resource: "*",
    });
}

// ---------------------------------------------------------------------------------
// Building a guardrail by name.
// ---------------------------------------------------------------------------------

/** Everything any guardrail needs, resolved for one target. */
export interface GuardrailParameters {
    /** Role ARN patterns exempt from the guardrails that have an exemption. */
    exemptRoleArns: string[];
    /** Role ARN patterns `protect-platform-roles` protects. */
    protectedRoleArns: string[];
    allowedRegions: string[];
    extraGlobalActions: string[];
    /** Instance types for this target's class. */
    instanceTypes: string[];
    /** Only for `service-allow-list`. */
    services: string[];
    /** Only for `protect-security-baseline`: what the security baseline deployed. */
    securityBaseline?: SecurityBaselineProtection;
}

/** Name of the allow-list document that replaces FullAWSAccess (`serviceAllowLists`), not attachable by name. */
export const SERVICE_ALLOW_LIST = "service-allow-list";

/** The guardrails that can be attached by name in `landing-zone:guardrails.attachments`, in catalogue order. */
export const GUARDRAIL_NAMES = [
    "deny-leave-organization",
    "deny-root-user",
    "protect-security-services",
    "region-allow-list",
    "instance-type-allow-list",
    "require-imdsv2",
    "deny-iam-users",
    "protect-platform-roles",
    "deny-disable-ebs-encryption",
    "protect-s3-public-access-block",
    "deny-external-sharing",
    "protect-security-baseline",
] as const;
export type GuardrailName = (typeof GUARDRAIL_NAMES)[number];
export type DocumentGuardrail = GuardrailName | typeof SERVICE_ALLOW_LIST;

/** Order of guardrails in documents and names: the catalogue order, the allow-list first. */
export const CATALOGUE_ORDER: readonly DocumentGuardrail[] = [SERVICE_ALLOW_LIST, ...GUARDRAIL_NAMES];

/** The library: one record per guardrail. */
export const GUARDRAILS: Record<DocumentGuardrail, GuardrailSpec> = {
    [SERVICE_ALLOW_LIST]: {
        description: "Allow only the listed services (replaces FullAWSAccess)",
        exemption: "none",
        build: serviceAllowList,
    },
    "deny-leave-organization": {
        description: "Deny leaving the organization",
        exemption: "none",
        baseline: "root",
        build: denyLeaveOrganization,
    },
    "deny-root-user": {
        description: "Deny every action to the root user of member accounts",
        exemption: "none",
        baseline: "root",
        build: denyRootUser,
    },
    "protect-security-services": {
        description: "Deny stopping, deleting or silencing CloudTrail, Config, GuardDuty, Access Analyzer and Security Hub except for the platform roles",
        exemption: "platform roles",
        baseline: "root",
        build: protectSecurityServices,
    },
    "region-allow-list": {
        description: "Deny regional actions outside the allowed regions (global services exempt)",
        exemption: "platform roles",
        // Only when `guardrails.allowedRegions` is set.
        baseline: "non-production",
        build: regionAllowList,
    },
    "instance-type-allow-list": {
        description: "Deny launching EC2 instance types outside the allow-list",
        exemption: "none",
        baseline: "non-production",
        build: instanceTypeAllowList,
    },
    "require-imdsv2": {
        description: "Deny launching instances without IMDSv2 and changing metadata options except for the platform roles",
        exemption: "platform roles",
        baseline: "root",
        build: requireImdsv2,
    },
    "deny-iam-users": {
        description: "Deny creating IAM users, login profiles and access keys except for the platform roles",
        exemption: "platform roles",
        baseline: "production",
        build: denyIamUsers,
    },
    "protect-platform-roles": {
        description: "Deny changing the organization access role and the landing zone roles except for the platform roles",
        exemption: "platform roles",
        build: protectPlatformRoles,
    },
    "deny-disable-ebs-encryption": {
        description: "Deny disabling EBS encryption by default",
        exemption: "none",
        build: denyDisableEbsEncryption,
    },
    "protect-s3-public-access-block": {
        description: "Deny changing the account S3 Block Public Access settings except for the platform roles",
        exemption: "platform roles",
        build: protectS3PublicAccessBlock,
    },
    "deny-external-sharing": {
        description: "Deny RAM shares outside the organization, public EBS snapshots and disabling AMI and snapshot block public access",
        exemption: "platform roles",
        baseline: "root",
        build: denyExternalSharing,
    },
    "protect-security-baseline": {
        description: "Deny deleting logs, changing the log archive bucket, its key and the security baseline roles except for the platform roles",
        exemption: "platform roles",
        // The baseline attaches it to the log archive and audit accounts when `security` deploys a log archive.
        build: protectSecurityBaseline,
    },
};

export function buildGuardrail(name: DocumentGuardrail, p: GuardrailParameters): PolicyDocument {
    return GUARDRAILS[name].build(p);
}

/** The guardrails the baseline attaches at one placement, in catalogue order. */
export function baselineGuardrails(placement: BaselinePlacement): GuardrailName[] {
    return GUARDRAIL_NAMES.filter((n) => GUARDRAILS[n].baseline === placement);
}
