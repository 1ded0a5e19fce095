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
    CREATE_PATTERNS,
    LIST_ONLY_PATTERNS,
    MANAGE_PATTERNS,
    READ_TAGGED_PATTERNS as READ_PREFIX_PATTERNS,
    PERMISSIONS_MANAGEMENT_PATTERNS,
    SHARING_CANDIDATES,
    TAGGING_ACTIONS_WITH_TAG_KEYS,
    TAGGING_ACTIONS_WITHOUT_TAG_KEYS,
    UNTAGGABLE_ACTIONS,
} from "./catalogue.generated";
import { COVERED_SERVICES, ESCALATION_ACTIONS } from "./catalogue";
import { policyDocument as doc, type PolicyDocument, type Statement } from "../policy-document";
import { sharingDenied } from "./sharing";

export type { PolicyDocument, Statement } from "../policy-document";

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

/** Sharing actions no write level gets (./sharing.ts): every service's, for dedicated accounts' boundaries. */
export const WRITE_LEVEL_SHARING_DENY: string[] = sharingDenied(SHARING_CANDIDATES);

/**
 * ...and those the tag-scoped write policy would otherwise grant: of the covered services (it
 * grants no other), scoped by tag (it grants no untaggable one).
 */
export const SHARED_WRITE_SHARING_DENY: string[] = WRITE_LEVEL_SHARING_DENY.filter(
    (a) => (COVERED_SERVICES as readonly string[]).includes(a.split(":")[0]) && !Object.values(UNTAGGABLE_ACTIONS).flat().includes(a),
);

/** Owner of the public images people may launch without an environment tag (ec2:Owner). */
export const AMAZON_IMAGE_OWNER = "amazon";

/**
 * The access of one level in one environment of a shared account.
 * - read: describe/get/list on resources tagged with the environment;
 * - write: every action of the covered services on tagged resources, creation only with the
 *   tag, but no resource-policy changes (Permissions management), no sharing outside the
 *   account and no change of the tag;
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
            // RDS and Elastic Load Balancing evaluate aws:RequestTag for every resource of the
            // request, the existing source too (the DB instance of a snapshot, the snapshot of a
            // restore, the listener of a rule): a source must carry this environment's tag (or
            // none, like default parameter groups), never another environment's.
            Sid: "CreateOnlyWithEnvironmentTag",
            Effect: "Allow",
            Action: CREATE_PATTERNS,
            Resource: ["*"],
            Condition: {
                StringEquals: { [`aws:RequestTag/${key}`]: env },
                StringEqualsIfExists: { [`aws:ResourceTag/${key}`]: env },
                "ForAllValues:StringEquals": { "aws:TagKeys": unique([key, ...o.allowedTagKeys]) },
            },
        },
        {
            // Every other input of RunInstances (subnet, security group, key pair, launch
            // template, snapshot, existing network interface, placement group, the environment's
            // own images) must carry the environment's tag (ManageTaggedResources); new volumes and
            // network interfaces are tagged on create. Public images of Amazon carry no tag.
            Sid: "RunInstancesFromAmazonImages",
            Effect: "Allow",
            Action: ["ec2:RunInstances"],
            Resource: [`arn:${PARTITION}:ec2:*::image/*`],
            Condition: { StringEquals: { "ec2:Owner": AMAZON_IMAGE_OWNER } },
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
        statements.push(
            {
                Sid: "NoResourcePolicyChanges",
                Effect: "Deny",
                Action: PERMISSIONS_MANAGEMENT_PATTERNS,
                Resource: ["*"],
                Condition: onEnv,
            },
            {
                // Snapshot and image permissions reach other accounts, or everyone.
                Sid: "NoSharingOutsideTheAccount",
                Effect: "Deny",
                Action: SHARED_WRITE_SHARING_DENY,
                Resource: ["*"],
            },
        );
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
const POLICY_CHANGES = ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"];

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
            Action: ["iam:CreatePolicy", ...POLICY_CHANGES, "iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"],
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
            // RAM shares, snapshot and image permissions, public-access blocks, named shares.
            Sid: "NoSharingOutsideTheAccount",
            Effect: "Deny",
            Action: WRITE_LEVEL_SHARING_DENY,
            Resource: ["*"],
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

/**
 * The all-users group: self-service for one's own password and MFA; nothing else without MFA.
 * With `selfEnrolment` (the default), users also enrol their own MFA device: whoever holds a new
 * user's first password can then enrol a device of their own. Without it, enrolling is only
 * possible from the enrolment group (mfaEnrolmentPolicy), which a user joins for the time it takes.
 */
export function forceMfaPolicy(selfEnrolment = true): PolicyDocument {
    const self = iamArn("user", "/${aws:username}");
    return doc(
        { Sid: "ViewAccountPasswordRules", Effect: "Allow", Action: ["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"], Resource: ["*"] },
        { Sid: "ManageOwnPassword", Effect: "Allow", Action: ["iam:ChangePassword", "iam:GetUser", "iam:GetLoginProfile"], Resource: [self] },
        ...(selfEnrolment ? mfaEnrolmentStatements() : []),
        {
            Sid: "ManageOwnMfa",
            Effect: "Allow",
            Action: ["iam:ResyncMFADevice", "iam:GetMFADevice", "iam:ListMFADevices"],
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

/** Enrolling (or replacing) one's own MFA device. */
function mfaEnrolmentStatements(): Statement[] {
    const self = iamArn("user", "/${aws:username}");
    return [
        { Sid: "CreateOwnVirtualMfaDevice", Effect: "Allow", Action: ["iam:CreateVirtualMFADevice"], Resource: [iamArn("mfa", "/${aws:username}")] },
        { Sid: "EnrolOwnMfaDevice", Effect: "Allow", Action: ["iam:EnableMFADevice", "iam:DeactivateMFADevice"], Resource: [self] },
    ];
}

/** The enrolment group (mfaEnrolment: enrolment-group): a user is in it only until their device is enrolled. */
export function mfaEnrolmentPolicy(): PolicyDocument {
    return doc(...mfaEnrolmentStatements());
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

/**
 * What no everyday organization administrator does: close, remove or move accounts, dissolve the
 * organization, attach, switch off or rewrite guardrails, withdraw the security services' trusted access
 * or delegated administrators, hand Organizations permissions to other accounts, or change an
 * account's root email. The landing zone's deployment role (not in this group) changes guardrails
 * through code; the rest is break-glass (docs/access-model.md).
 */
export const ORGANIZATION_BREAK_GLASS_ACTIONS = [
    "account:CloseAccount",
    "account:DisableRegion",
    "account:StartPrimaryEmailUpdate",
    // Attaching can widen (FullAWSAccess back on an allow-list OU, an Allow SCP), and moving an
    // account to another OU changes the guardrails it lives under (prod into the sandbox OU).
    "organizations:AttachPolicy",
    "organizations:CloseAccount",
    "organizations:DeleteOrganization",
    "organizations:DeleteOrganizationalUnit",
    "organizations:DeletePolicy",
    "organizations:DeregisterDelegatedAdministrator",
    "organizations:DetachPolicy",
    "organizations:DisableAWSServiceAccess",
    "organizations:DisablePolicyType",
    "organizations:LeaveOrganization",
    "organizations:MoveAccount",
    "organizations:PutResourcePolicy",
    "organizations:RemoveAccountFromOrganization",
    "organizations:UpdatePolicy",
];

/** Organization administration (management account only), with a recent MFA sign-in, destructive actions excepted. */
export function organizationAdminPolicy(mfaMaxAgeSeconds: number): PolicyDocument {
    return doc(
        {
            Sid: "AdministerOrganizationWithRecentMfa",
            Effect: "Allow",
            Action: ["organizations:*", "account:*"],
            Resource: ["*"],
            Condition: mfaConditions(mfaMaxAgeSeconds),
        },
        { Sid: "NoDestructiveOrganizationChanges", Effect: "Deny", Action: ORGANIZATION_BREAK_GLASS_ACTIONS, Resource: ["*"] },
    );
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
 * Trust of the organization-admin role in the management account: the named admin-level
 * environment roles of accounts in the same organization, with MFA. Member account IDs are
 * unknown until the accounts exist, so the principal is matched by organization and role path
 * and name instead of by ID. Only the admin roles of environments whose every admin team also
 * administers the organization are named: an admin role is shared by the teams of its level, so
 * naming any other would hand the organization to a team that is not meant to have it.
 * When people live in a member identity account, its users may assume the role directly too.
 * Undefined when nobody may assume it.
 */
export function organizationAdminTrust(mfaMaxAgeSeconds: number, adminRoleNames: string[], memberIdentityAccountId?: string): PolicyDocument | undefined {
    const statements: Statement[] = [];
    if (adminRoleNames.length) {
        statements.push({
            Sid: "AdminRolesOfThisOrganizationWithMfa",
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: ["sts:AssumeRole"],
            Condition: {
                ...mfaConditions(mfaMaxAgeSeconds),
                StringEquals: { "aws:PrincipalOrgID": "${aws:ResourceOrgID}" },
                ArnLike: { "aws:PrincipalArn": [...adminRoleNames].sort().map((n) => iamArn("role", `${LZ_PATH}${n}`)) },
            },
        });
    }
    if (memberIdentityAccountId) statements.push(identityAccountTrust(memberIdentityAccountId, mfaMaxAgeSeconds).Statement[0]);
    return statements.length ? doc(...statements) : undefined;
}

/** Trust of a workload role: one AWS service. */
export function serviceTrust(service: string): PolicyDocument {
    return doc({ Sid: "AssumedByService", Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole"] });
}

function unique(xs: string[]): string[] {
    return [...new Set(xs)];
}
