/**
 * IAM policy documents of the access model, as plain objects. Pure: no Pulumi, no I/O.
 *
 * Documents never embed a member account ID, so every one is known at preview:
 * - roles are found by path and name (`role/landing-zone/lz-<env>-<level>`) in any account,
 *   and `aws:ResourceOrgID` must equal `${aws:PrincipalOrgID}` (same organization);
 * - the only account ID a document carries is the identity account's, in role trust
 *   policies. By default that is the management account, whose ID getCallerIdentity returns
 *   at preview. Documents hold it as the placeholder below; `renderDocument` fills it in.
 */
import {
    LIST_ONLY_PATTERNS,
    MANAGE_PATTERNS,
    READ_TAGGED_PATTERNS as READ_PREFIX_PATTERNS,
    PERMISSIONS_MANAGEMENT_ACTIONS,
    TAGGING_ACTIONS_WITH_TAG_KEYS,
    TAGGING_ACTIONS_WITHOUT_TAG_KEYS,
} from "./catalogue.generated";
import { ESCALATION_ACTIONS } from "./catalogue";

export interface Statement {
    Sid: string;
    Effect: "Allow" | "Deny";
    Principal?: Record<string, string | string[]> | "*";
    Action?: string[];
    NotAction?: string[];
    Resource?: string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: Statement[];
}

/** Placeholders filled at deploy time by renderDocument. */
export const PARTITION = "{{partition}}";
export const MANAGEMENT_ACCOUNT = "{{managementAccountId}}";
export const accountPlaceholder = (key: string) => `{{account:${key}}}`;

export interface RenderValues {
    partition: string;
    managementAccountId: string;
    /** Member account IDs by key (only needed when a member account is the identity account). */
    accountIds?: Record<string, string>;
}

/** Fills the placeholders of a text (a document or an ARN). Throws on one it cannot fill, so no placeholder ever reaches AWS. */
export function renderText(text: string, v: RenderValues): string {
    return text.replace(/\{\{([^}]+)\}\}/g, (_m, name: string) => {
        if (name === "partition") return v.partition;
        if (name === "managementAccountId") return v.managementAccountId;
        const m = /^account:(.+)$/.exec(name);
        if (m && v.accountIds?.[m[1]]) return v.accountIds[m[1]];
        throw new Error(`no value for placeholder {{${name}}}`);
    });
}

export function renderDocument(doc: PolicyDocument, v: RenderValues): string {
    return renderText(JSON.stringify(doc), v);
}

const doc = (...statements: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });

// ------------------------------------------------------------------------------------------
// Names and paths.
// ------------------------------------------------------------------------------------------

/** Path of everything the landing zone creates in IAM; the guardrail SCP protects it. */
export const LZ_PATH = "/landing-zone/";
/** Path of service roles, per environment (people may pass them to services of that environment). */
export const serviceRolePath = (env: string) => `/landing-zone/service/${env}/`;
/** Path where delegated IAM administrators create their roles and policies. */
export const workloadPath = (env: string) => `/workloads/${env}/`;

export type RoleLevel = "read" | "write" | "write-iam" | "admin";
export const environmentRoleName = (env: string, level: RoleLevel) => `lz-${env}-${level}`;
export const boundaryName = (env: string) => `lz-${env}-boundary`;

const iamArn = (kind: string, pathAndName: string, account = "*") => `arn:${PARTITION}:iam::${account}:${kind}${pathAndName}`;
export const boundaryArnPattern = (env: string) => iamArn("policy", `${LZ_PATH}${boundaryName(env)}`);
export const awsManagedPolicyArn = (name: string) => `arn:${PARTITION}:iam::aws:policy/${name}`;

// ------------------------------------------------------------------------------------------
// Tag-scoped access inside an account shared by several environments (ABAC).
// ------------------------------------------------------------------------------------------

export interface AbacOptions {
    environmentTagKey: string;
    /** Tag keys allowed on create besides the environment key. */
    allowedTagKeys: string[];
}

/** Read actions granted on resources carrying the environment tag. */
export const READ_TAGGED_PATTERNS = [
    ...READ_PREFIX_PATTERNS,
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:ConditionCheckItem",
    "logs:FilterLogEvents",
    "logs:StartQuery",
    "rds:DownloadDBLogFilePortion",
    "rds:DownloadCompleteDBLogFile",
];

/**
 * Actions that create resources, granted only when the request tags the new resource with the
 * environment. Tagging actions are here because several services (RDS, Lambda, DynamoDB, Logs,
 * S3 TagResource) authorize tag-on-create as a separate tagging call.
 */
export const CREATE_PATTERNS = [
    "ec2:Create*",
    "ec2:RunInstances",
    "ec2:AllocateAddress",
    "ec2:ImportKeyPair",
    "ec2:CopyImage",
    "ec2:CopySnapshot",
    "rds:Create*",
    "rds:Restore*",
    "rds:Copy*",
    "rds:AddTagsToResource",
    "s3:CreateBucket",
    "s3:TagResource",
    "lambda:Create*",
    "lambda:TagResource",
    "dynamodb:CreateTable",
    "dynamodb:TagResource",
    "logs:Create*",
    "logs:TagResource",
    "logs:TagLogGroup",
    "elasticloadbalancing:Create*",
    "elasticloadbalancing:AddTags",
    "autoscaling:Create*",
];

/**
 * Existing resources RunInstances reads but does not change (AMIs, subnets, security groups,
 * key pairs, launch templates). Public AMIs carry no environment tag, so these are granted
 * untagged; the instance itself must still be created with the environment tag.
 */
export const RUN_INSTANCES_INPUTS = ["image", "snapshot", "subnet", "security-group", "key-pair", "launch-template", "placement-group", "network-interface"];

/**
 * The access of one level in one environment of a shared account.
 * - read: describe/get/list on resources tagged with the environment;
 * - write: every action of the covered services on tagged resources, creation only with the
 *   tag, but no resource-policy changes (Permissions management) and no change of the tag;
 * - admin: write plus resource-policy changes on tagged resources. Admin of a shared account
 *   never includes IAM: that would reach every environment in the account.
 * Unscoped list/describe comes from listOnlyPolicy; accepted untaggable actions from
 * acceptedUntaggedPolicy.
 */
export function abacPolicy(env: string, level: "read" | "write" | "admin", o: AbacOptions): PolicyDocument {
    const key = o.environmentTagKey;
    const onEnv = { StringEquals: { [`aws:ResourceTag/${key}`]: env } };
    const statements: Statement[] = [];
    if (level === "read") {
        statements.push({ Sid: "ReadTaggedResources", Effect: "Allow", Action: READ_TAGGED_PATTERNS, Resource: ["*"], Condition: onEnv });
        return doc(...statements);
    }
    statements.push(
        {
            Sid: "ManageTaggedResources",
            Effect: "Allow",
            Action: MANAGE_PATTERNS,
            Resource: ["*"],
            Condition: onEnv,
        },
        {
            // New code runs as the function's role: only functions named for the environment
            // (`<env>-*`) and tagged with it, so a function of another environment, or an untagged
            // one with a stronger role, cannot be taken over.
            Sid: "UpdateEnvironmentFunctionCode",
            Effect: "Allow",
            Action: ESCALATION_ACTIONS,
            Resource: [`arn:${PARTITION}:lambda:*:*:function:${env}-*`],
            Condition: onEnv,
        },
        {
            Sid: "CreateOnlyWithEnvironmentTag",
            Effect: "Allow",
            Action: CREATE_PATTERNS,
            Resource: ["*"],
            Condition: {
                StringEquals: { [`aws:RequestTag/${key}`]: env },
                "ForAllValues:StringEquals": { "aws:TagKeys": unique([key, ...o.allowedTagKeys]) },
            },
        },
        {
            Sid: "RunInstancesInputs",
            Effect: "Allow",
            Action: ["ec2:RunInstances"],
            Resource: RUN_INSTANCES_INPUTS.map((t) => `arn:${PARTITION}:ec2:*:*:${t}/*`),
        },
        {
            Sid: "PassEnvironmentRoles",
            Effect: "Allow",
            Action: ["iam:PassRole"],
            Resource: [iamArn("role", `${workloadPath(env)}*`), iamArn("role", `${serviceRolePath(env)}*`)],
        },
        {
            // Changing or removing the key moves a resource between environments.
            Sid: "KeepEnvironmentTag",
            Effect: "Deny",
            Action: TAGGING_ACTIONS_WITH_TAG_KEYS,
            Resource: ["*"],
            Condition: {
                "ForAnyValue:StringEquals": { "aws:TagKeys": [key] },
                Null: { [`aws:ResourceTag/${key}`]: "false" },
            },
        },
        {
            // These replace or delete a whole tag set and do not say which keys: never on a tagged resource.
            Sid: "NoTagSetReplacementOnTaggedResources",
            Effect: "Deny",
            Action: TAGGING_ACTIONS_WITHOUT_TAG_KEYS,
            Resource: ["*"],
            Condition: { Null: { [`aws:ResourceTag/${key}`]: "false" } },
        },
        {
            // EC2 tags on create go through CreateTags with ec2:CreateAction set; without it the
            // resource exists already, tagged or not, and must not get an environment.
            Sid: "NoEnvironmentTagOnExistingEc2Resources",
            Effect: "Deny",
            Action: ["ec2:CreateTags"],
            Resource: ["*"],
            Condition: {
                "ForAnyValue:StringEquals": { "aws:TagKeys": [key] },
                Null: { "ec2:CreateAction": "true" },
            },
        },
    );
    if (level === "write") {
        statements.push({
            Sid: "NoResourcePolicyChanges",
            Effect: "Deny",
            Action: PERMISSIONS_MANAGEMENT_ACTIONS,
            Resource: ["*"],
            Condition: onEnv,
        });
    }
    return doc(...statements);
}

/** List and describe actions that accept only Resource "*": metadata, granted unscoped at read level and above. */
export function listOnlyPolicy(): PolicyDocument {
    return doc({ Sid: "ListAndDescribeUnscoped", Effect: "Allow", Action: LIST_ONLY_PATTERNS, Resource: ["*"] });
}

/** Untaggable actions the config accepts (risk accepted), unscoped. */
export function acceptedUntaggedPolicy(actions: string[]): PolicyDocument {
    return doc({ Sid: "AcceptedUntaggedActions", Effect: "Allow", Action: [...actions].sort(), Resource: ["*"] });
}

// ------------------------------------------------------------------------------------------
// Delegated IAM administration and permissions boundaries.
// ------------------------------------------------------------------------------------------

/** Every action that changes a managed policy once it exists (denied on platform policies). */
const POLICY_CHANGES = [
    "iam:CreatePolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:TagPolicy",
    "iam:UntagPolicy",
];

/**
 * Lets a team create roles and policies under /workloads/<env>/ as long as every role carries
 * the environment's boundary, which it can neither change, detach nor edit.
 */
export function iamDelegationPolicy(env: string): PolicyDocument {
    const roles = iamArn("role", `${workloadPath(env)}*`);
    const profiles = iamArn("instance-profile", `${workloadPath(env)}*`);
    const policies = iamArn("policy", `${workloadPath(env)}*`);
    const withBoundary = { StringLike: { "iam:PermissionsBoundary": boundaryArnPattern(env) } };
    return doc(
        {
            Sid: "CreateRolesWithBoundary",
            Effect: "Allow",
            Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy", "iam:PutRolePolicy"],
            Resource: [roles],
            Condition: withBoundary,
        },
        {
            Sid: "ManageDelegatedRoles",
            Effect: "Allow",
            Action: [
                "iam:DeleteRole",
                "iam:UpdateRole",
                "iam:UpdateRoleDescription",
                "iam:UpdateAssumeRolePolicy",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:DetachRolePolicy",
                "iam:DeleteRolePolicy",
                "iam:PassRole",
                "iam:GetRole",
                "iam:GetRolePolicy",
                "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies",
                "iam:CreateInstanceProfile",
                "iam:DeleteInstanceProfile",
                "iam:AddRoleToInstanceProfile",
                "iam:RemoveRoleFromInstanceProfile",
                "iam:GetInstanceProfile",
            ],
            Resource: [roles, profiles],
        },
        {
            Sid: "ManageDelegatedPolicies",
            Effect: "Allow",
            Action: [
                "iam:CreatePolicy",
                ...POLICY_CHANGES,
                "iam:GetPolicy",
                "iam:GetPolicyVersion",
                "iam:ListPolicyVersions",
            ],
            Resource: [policies],
        },
        { Sid: "ListIam", Effect: "Allow", Action: ["iam:ListRoles", "iam:ListPolicies", "iam:ListInstanceProfiles"], Resource: ["*"] },
        { Sid: "KeepBoundaries", Effect: "Deny", Action: ["iam:DeleteRolePermissionsBoundary"], Resource: ["*"] },
        {
            // StringNotLike is true when the key is absent: a role without any boundary is denied too.
            Sid: "NoRoleWithoutBoundary",
            Effect: "Deny",
            Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
            Resource: [roles],
            Condition: { StringNotLike: { "iam:PermissionsBoundary": boundaryArnPattern(env) } },
        },
        { Sid: "NoPlatformPolicyChanges", Effect: "Deny", Action: POLICY_CHANGES, Resource: [iamArn("policy", `${LZ_PATH}*`)] },
    );
}

/**
 * Permissions boundary of the write roles of an account dedicated to an environment, and the
 * boundary every delegated role there must carry. A boundary only caps: the Allow-all is the
 * ceiling that the Deny statements cut down; the grants come from the role's own policies
 * (PowerUserAccess, the delegation policy).
 */
export function dedicatedAccountBoundary(env: string): PolicyDocument {
    return doc(
        { Sid: "Ceiling", Effect: "Allow", Action: ["*"], Resource: ["*"] },
        {
            Sid: "NoPeopleOrCredentials",
            Effect: "Deny",
            Action: [
                "iam:CreateUser",
                "iam:CreateAccessKey",
                "iam:CreateLoginProfile",
                "iam:UpdateLoginProfile",
                "iam:AttachUserPolicy",
                "iam:PutUserPolicy",
                "iam:CreateGroup",
                "iam:AttachGroupPolicy",
                "iam:PutGroupPolicy",
                "iam:AddUserToGroup",
                "iam:CreateSAMLProvider",
                "iam:CreateOpenIDConnectProvider",
            ],
            Resource: ["*"],
        },
        { Sid: "KeepBoundaries", Effect: "Deny", Action: ["iam:DeleteRolePermissionsBoundary"], Resource: ["*"] },
        {
            Sid: "NoRoleWithoutBoundary",
            Effect: "Deny",
            Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
            Resource: ["*"],
            Condition: { StringNotLike: { "iam:PermissionsBoundary": boundaryArnPattern(env) } },
        },
        {
            Sid: "NoPlatformChanges",
            Effect: "Deny",
            Action: [
                ...POLICY_CHANGES,
                "iam:DeleteRole",
                "iam:UpdateRole",
                "iam:UpdateAssumeRolePolicy",
                "iam:AttachRolePolicy",
                "iam:DetachRolePolicy",
                "iam:PutRolePolicy",
                "iam:DeleteRolePolicy",
                "iam:TagRole",
                "iam:UntagRole",
            ],
            Resource: [iamArn("policy", `${LZ_PATH}*`), iamArn("role", `${LZ_PATH}*`)],
        },
    );
}

// ------------------------------------------------------------------------------------------
// People: force MFA, role assumption, organization administration.
// ------------------------------------------------------------------------------------------

/** What a user may do before signing in with MFA: set up their MFA device and password. */
export const MFA_SELF_SERVICE = [
    "iam:CreateVirtualMFADevice",
    "iam:EnableMFADevice",
    "iam:ResyncMFADevice",
    "iam:GetUser",
    "iam:GetMFADevice",
    "iam:ListMFADevices",
    "iam:ListVirtualMFADevices",
    "iam:ChangePassword",
    "iam:GetAccountPasswordPolicy",
    "sts:GetSessionToken",
];

/** The all-users group: self-service for one's own password and MFA; nothing else without MFA. */
export function forceMfaPolicy(): PolicyDocument {
    const self = iamArn("user", "/${aws:username}");
    return doc(
        { Sid: "ViewAccountPasswordRules", Effect: "Allow", Action: ["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"], Resource: ["*"] },
        { Sid: "ManageOwnPassword", Effect: "Allow", Action: ["iam:ChangePassword", "iam:GetUser", "iam:GetLoginProfile"], Resource: [self] },
        { Sid: "CreateOwnVirtualMfaDevice", Effect: "Allow", Action: ["iam:CreateVirtualMFADevice"], Resource: [iamArn("mfa", "/${aws:username}")] },
        {
            Sid: "ManageOwnMfa",
            Effect: "Allow",
            Action: ["iam:EnableMFADevice", "iam:ResyncMFADevice", "iam:DeactivateMFADevice", "iam:GetMFADevice", "iam:ListMFADevices"],
            Resource: [self],
        },
        {
            Sid: "DenyAllExceptMfaSelfServiceWithoutMfa",
            Effect: "Deny",
            NotAction: MFA_SELF_SERVICE,
            Resource: ["*"],
            Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
        },
    );
}

/** A team's only grant in the identity account: assume exactly its environment roles, in this organization. */
export function assumeRolesPolicy(roleNames: string[]): PolicyDocument {
    return doc({
        Sid: "AssumeEnvironmentRoles",
        Effect: "Allow",
        Action: ["sts:AssumeRole"],
        Resource: [...roleNames].sort().map((n) => iamArn("role", `${LZ_PATH}${n}`)),
        Condition: { StringEquals: { "aws:ResourceOrgID": "${aws:PrincipalOrgID}" } },
    });
}

/** Organization administration (management account only). */
export function organizationAdminPolicy(): PolicyDocument {
    return doc({ Sid: "AdministerOrganization", Effect: "Allow", Action: ["organizations:*", "account:*"], Resource: ["*"] });
}

function mfaConditions(maxAgeSeconds: number): Record<string, Record<string, string>> {
    return {
        Bool: { "aws:MultiFactorAuthPresent": "true" },
        NumericLessThan: { "aws:MultiFactorAuthAge": String(maxAgeSeconds) },
    };
}

/** Trust of an environment role: IAM users of the identity account, signed in with recent MFA. */
export function identityAccountTrust(identityAccountId: string, mfaMaxAgeSeconds: number): PolicyDocument {
    return doc({
        Sid: "PeopleFromIdentityAccountWithMfa",
        Effect: "Allow",
        Principal: { AWS: `arn:${PARTITION}:iam::${identityAccountId}:root` },
        Action: ["sts:AssumeRole"],
        Condition: {
            ...mfaConditions(mfaMaxAgeSeconds),
            ArnLike: { "aws:PrincipalArn": `arn:${PARTITION}:iam::${identityAccountId}:user/*` },
        },
    });
}

/**
 * Trust of the organization-admin role in the management account: admin-level environment roles
 * of accounts in the same organization, with MFA. Member account IDs are unknown until the
 * accounts exist, so the principal is matched by organization and role path instead of by ID.
 * When people live in a member identity account, its users may assume the role directly too.
 */
export function organizationAdminTrust(mfaMaxAgeSeconds: number, memberIdentityAccountId?: string): PolicyDocument {
    const fromAdminRoles: Statement = {
        Sid: "AdminRolesOfThisOrganizationWithMfa",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["sts:AssumeRole"],
        Condition: {
            ...mfaConditions(mfaMaxAgeSeconds),
            StringEquals: { "aws:PrincipalOrgID": "${aws:ResourceOrgID}" },
            ArnLike: { "aws:PrincipalArn": iamArn("role", `${LZ_PATH}lz-*-admin`) },
        },
    };
    if (!memberIdentityAccountId) return doc(fromAdminRoles);
    return doc(fromAdminRoles, identityAccountTrust(memberIdentityAccountId, mfaMaxAgeSeconds).Statement[0]);
}

/** Trust of a workload role: one AWS service. */
export function serviceTrust(service: string): PolicyDocument {
    return doc({ Sid: "AssumedByService", Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole"] });
}

function unique(xs: string[]): string[] {
    return [...new Set(xs)];
}
