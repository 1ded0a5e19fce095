// Unit cases of every policy of the pack: each policy's pure findings function, called in this
// process (no pack, no gRPC), one table per policy. Inputs are Pulumi resource inputs as the pack
// sees them (plain data, UNKNOWN for values unknown at preview); the verdicts are what IAM and
// AWS Organizations do. What only the real pack over the analyzer protocol can show (config
// delivery, enforcement levels, URNs on the wire) stays in the suites that start it.
import * as assert from "assert";
import { DEFAULTS, GuardrailConfig } from "../../policypack/lib/config";
import { iamGraphOf } from "../../policypack/lib/iam-graph";
import { orgTreeOf } from "../../policypack/lib/org-tree";
import { msg } from "../../policypack/lib/policy";
import { Res, StackView } from "../../policypack/lib/stack";
import { T } from "../../policypack/lib/types";
import { UNKNOWN } from "../../policypack/lib/unknown";
import { environmentTagFinding } from "../../policypack/policies/account-environment-tag";
import { accountProtectionFindings } from "../../policypack/policies/account-protection";
import { accountQuotaFinding } from "../../policypack/policies/account-quota";
import { budgetFindings } from "../../policypack/policies/budget-per-environment";
import { cloudTrailBucketFindings } from "../../policypack/policies/cloud-trail-bucket";
import { fullAdminFindings } from "../../policypack/policies/full-admin";
import { policies } from "../../policypack/policies/index";
import { inlineTotalFindings } from "../../policypack/policies/inline-policy-totals";
import { keyPolicyFindings } from "../../policypack/policies/kms-key-policy";
import { notActionFindings } from "../../policypack/policies/no-allow-not-action";
import { passRoleFindings } from "../../policypack/policies/no-pass-role-wildcard";
import { accessKeyFinding } from "../../policypack/policies/no-user-access-keys";
import { userPermissionFindings } from "../../policypack/policies/no-user-permissions";
import { instanceTypeFindings } from "../../policypack/policies/nonprod-instance-types";
import { orgPolicyFindings } from "../../policypack/policies/org-policy-document";
import { structureFindings } from "../../policypack/policies/org-structure-limits";
import { organizationTrailFindings, TRAIL } from "../../policypack/policies/organization-trail";
import { sizeFindings } from "../../policypack/policies/policy-size";
import { escalationFindings } from "../../policypack/policies/privilege-escalation";
import { separationFindings } from "../../policypack/policies/production-separation";
import { baselineFindings } from "../../policypack/policies/scp-baseline";
import { assignmentFindings, sessionFindings } from "../../policypack/policies/sso-permission-sets";
import { tagIsolationFindings } from "../../policypack/policies/tag-isolation";
import { trustFindings } from "../../policypack/policies/trust-policy";
import { STRONG_PASSWORDS } from "./support";
import { machineUsers, mfaGroupFindings, passwordPolicyFindings } from "../../policypack/policies/user-baseline";
import { catalogueFindings } from "../../policypack/policies/valid-policy-elements";

// ---- Inputs ----

/** A resource as a stack policy sees it; `deps` are the resources whose outputs feed a property. */
function r(type: string, name: string, props: Record<string, unknown>, o: { protect?: boolean; deps?: Record<string, Res[]> } = {}): Res {
    const propertyDependencies: Record<string, string[]> = {};
    for (const [k, rs] of Object.entries(o.deps ?? {})) propertyDependencies[k] = rs.map((d) => d.urn);
    return { urn: `urn:pulumi:unit::landing-zone::${type}::${name}`, type, name, props, protect: o.protect ?? false, propertyDependencies };
}
const stack = (...rs: Res[]) => new StackView(rs);
const doc = (...Statement: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const cfg = (over: Partial<GuardrailConfig> = {}): GuardrailConfig => ({ ...DEFAULTS, ...over });

const TRAIL_BUCKET = "aws:s3/bucket:Bucket";
const PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";

const BASELINE_SCP = doc(
    { Sid: "NoLeaving", Effect: "Deny", Action: "organizations:LeaveOrganization", Resource: "*" },
    { Sid: "NoRoot", Effect: "Deny", Action: "*", Resource: "*", Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } } },
);
const INSTANCE_TYPES_SCP = doc({ Effect: "Deny", Action: "ec2:RunInstances", Resource: "arn:aws:ec2:*:*:instance/*", Condition: { StringNotLike: { "ec2:InstanceType": ["t3.*"] } } });
const FORCE_MFA = doc({
    Sid: "DenyWithoutMfa",
    Effect: "Deny",
    NotAction: ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:ListMFADevices", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken"],
    Resource: "*",
    Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
});
const READ_ONLY = doc({ Sid: "Read", Effect: "Allow", Action: ["s3:GetObject", "ec2:Describe*"], Resource: "*" });
const MFA_TRUST = doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole", Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } });
const ADMIN = doc({ Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" });
/** A statement of about `chars` characters: s3:GetObject on that many characters of bucket ARNs. */
const bigStatement = (sid: string, chars: number) => ({
    Sid: sid,
    Effect: "Allow",
    Action: "s3:GetObject",
    Resource: Array.from({ length: Math.ceil(chars / 40) }, (_, i) => `arn:aws:s3:::example-bucket-${String(i).padStart(6, "0")}/*`),
});

/** An organization whose root carries the baseline SCP; `under` resources get parentId from it. */
function organization(): { org: Res; scp: Res; attachment: Res } {
    const org = r(T.organization, "org", { featureSet: "ALL", roots: UNKNOWN });
    const scp = r(T.orgPolicy, "baseline", { name: "baseline", content: BASELINE_SCP });
    const attachment = r(T.orgPolicyAttachment, "baseline-root", { policyId: UNKNOWN, targetId: UNKNOWN }, { deps: { policyId: [scp], targetId: [org] } });
    return { org, scp, attachment };
}
const ou = (name: string, parent: Res, env?: string) => r(T.ou, name, { name, parentId: UNKNOWN, ...(env ? { tags: { Environment: env } } : {}) }, { deps: { parentId: [parent] } });
const account = (name: string, parent: Res | undefined, env: string) =>
    r(T.account, name, { name, email: `aws-${name}@example.com`, parentId: parent ? UNKNOWN : undefined, tags: { Environment: env } }, { protect: true, deps: parent ? { parentId: [parent] } : {} });
const attach = (name: string, policy: Res, target: Res) => r(T.orgPolicyAttachment, name, { policyId: UNKNOWN, targetId: UNKNOWN }, { deps: { policyId: [policy], targetId: [target] } });
const scp = (name: string, content: string) => r(T.orgPolicy, name, { name, type: "SERVICE_CONTROL_POLICY", content });

// ---- Tables ----

interface Case {
    case: string;
    /** The policy's findings, each as the pack reports it: the problem, then "Fix: ...". */
    findings: () => string[] | Promise<string[]>;
    /** Undefined for a clean case; else what some finding's message must say (where, and the fix). */
    expect?: RegExp[];
}

type Pf = { problem: string; fix: string };
const pf = (fs: Pf[]) => fs.map((f) => msg(f.problem, f.fix));
/** Findings whose fix the pack takes from the policy's remediation steps. */
const withSteps = (policy: string, messages: (string | undefined)[]) => messages.filter((m): m is string => m !== undefined).map((m) => msg(m, remediation(policy)));
const messages = (fs: { message: string }[]) => fs.map((f) => f.message);
function remediation(name: string): string {
    const p = policies.find((x) => x.name === name);
    if (!p?.remediationSteps) throw new Error(`no remediation steps for ${name}`);
    return p.remediationSteps;
}

const tables: Record<string, Case[]> = {
    "iam-no-user-permissions": [
        {
            case: "a PolicyAttachment naming only groups and roles",
            findings: () =>
                withSteps("iam-no-user-permissions", userPermissionFindings(T.policyAttachment, { policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess", groups: ["developers"], roles: ["ci"] })),
        },
        {
            case: "an inline policy on a user",
            findings: () => withSteps("iam-no-user-permissions", userPermissionFindings(T.userPolicy, { user: "alice", policy: READ_ONLY })),
            expect: [/IAM user alice/, /Fix: .*IAM group/],
        },
        {
            case: "a managed policy attached to a user",
            findings: () => withSteps("iam-no-user-permissions", userPermissionFindings(T.userPolicyAttachment, { user: "alice", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" })),
            expect: [/ReadOnlyAccess attached directly to IAM user alice/, /Fix: .*GroupPolicyAttachment/],
        },
    ],
    "iam-no-user-access-keys": [
        { case: "a key of a configured service user", findings: () => withSteps("iam-no-user-access-keys", [accessKeyFinding({ user: "ci-bot" }, ["ci-bot"])]) },
        {
            case: "a key of a person",
            findings: () => withSteps("iam-no-user-access-keys", [accessKeyFinding({ user: "alice" }, ["ci-bot"])]),
            expect: [/IAM user alice/, /Fix: .*serviceUsers/],
        },
    ],
    "iam-no-passrole-wildcard": [
        {
            case: "PassRole of one named role to one service",
            findings: () =>
                pf(
                    passRoleFindings(T.managedPolicy, {
                        policy: doc({
                            Effect: "Allow",
                            Action: "iam:PassRole",
                            Resource: "arn:aws:iam::111111111111:role/app",
                            Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
                        }),
                    }),
                ),
        },
        {
            case: 'PassRole on Resource "*"',
            findings: () => pf(passRoleFindings(T.managedPolicy, { policy: doc({ Sid: "Pass", Effect: "Allow", Action: "iam:PassRole", Resource: "*" }) })),
            expect: [/Sid "Pass"\): allows iam:PassRole on every role/, /Fix: .*iam:PassedToService/],
        },
        {
            case: "iam:Pass* on every role in a role's inline policy",
            findings: () => pf(passRoleFindings(T.rolePolicy, { role: "ops", policy: doc({ Effect: "Allow", Action: "iam:Pass*", Resource: "arn:aws:iam::*:role/*" }) })),
            expect: [/statement #1: allows iam:PassRole on every role/, /Fix: .*role\/<name>/],
        },
    ],
    "iam-no-allow-not-action": [
        {
            case: "a region guardrail: Deny with NotAction in an SCP",
            findings: () =>
                pf(
                    notActionFindings(T.orgPolicy, {
                        content: doc({ Effect: "Deny", NotAction: ["iam:*", "sts:*"], Resource: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": ["eu-west-1"] } } }),
                    }),
                ),
        },
        {
            case: "Allow with NotAction",
            findings: () => pf(notActionFindings(T.managedPolicy, { policy: doc({ Sid: "AllButIam", Effect: "Allow", NotAction: "iam:*", Resource: "*" }) })),
            expect: [/Sid "AllButIam"\): Allow with NotAction grants every action it does not list/, /Fix: .*replace NotAction with an Action list/],
        },
        {
            case: "Allow with NotResource",
            findings: () => pf(notActionFindings(T.groupPolicy, { group: "ops", policy: doc({ Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::secret/*" }) })),
            expect: [/statement #1: Allow with NotResource/, /Fix: .*Resource list/],
        },
    ],
    "iam-valid-policy-elements": [
        { case: "existing actions and a global condition key", findings: async () => pf(await catalogueFindings(T.managedPolicy, { policy: READ_ONLY })) },
        {
            case: "a misspelt action",
            findings: async () => pf(await catalogueFindings(T.managedPolicy, { policy: doc({ Sid: "Typo", Effect: "Allow", Action: "s3:GetObjekt", Resource: "*" }) })),
            expect: [/Sid "Typo"\).*s3:GetObjekt/, /Fix: Write "s3:GetObject"/],
        },
        {
            case: "an operator that does not exist",
            findings: async () =>
                pf(
                    await catalogueFindings(T.managedPolicy, {
                        policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { StringEqualz: { "aws:PrincipalTag/team": "a" } } }),
                    }),
                ),
            expect: [/statement #1.*StringEqualz/, /Fix: /],
        },
    ],
    "iam-trust-policy": [
        {
            case: "a service principal",
            findings: () => pf(trustFindings({ assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }) })),
        },
        { case: "another account's people with MFA", findings: () => pf(trustFindings({ assumeRolePolicy: MFA_TRUST })) },
        {
            case: "a wildcard principal without a condition: anyone in any account",
            findings: () => pf(trustFindings({ assumeRolePolicy: doc({ Sid: "Anyone", Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }) })),
            expect: [/Sid "Anyone"\): wildcard principal/, /Fix: .*aws:PrincipalOrgID/],
        },
        {
            case: "another account's root without MFA",
            findings: () => pf(trustFindings({ assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "sts:AssumeRole" }) })),
            expect: [/statement #1: arn:aws:iam::222222222222:root \(another account\) may assume this role without MFA/, /Fix: .*aws:MultiFactorAuthPresent/],
        },
        {
            case: "GitHub Actions OIDC without a sub condition: any repository",
            findings: () =>
                pf(
                    trustFindings({
                        assumeRolePolicy: doc({
                            Effect: "Allow",
                            Principal: { Federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" },
                            Action: "sts:AssumeRoleWithWebIdentity",
                            Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } },
                        }),
                    }),
                ),
            expect: [/trusts GitHub Actions without a token\.actions\.githubusercontent\.com:sub condition/, /Fix: .*repo:<owner>\/<repo>/],
        },
    ],
    "org-account-protection": [
        { case: "protected, closeOnDeletion unset", findings: () => pf(accountProtectionFindings({ name: "prod", email: "aws-prod@example.com" }, true, "acct-prod")) },
        {
            case: "closeOnDeletion: true closes the account on delete",
            findings: () => pf(accountProtectionFindings({ name: "prod", closeOnDeletion: true }, true, "acct-prod")),
            expect: [/closeOnDeletion is true on account prod/, /Fix: Set closeOnDeletion: false/],
        },
        {
            case: "acknowledged closeOnDeletion on a sandbox",
            findings: () => pf(accountProtectionFindings({ name: "sandbox", closeOnDeletion: true }, true, "acct-sandbox", ["sandbox"])),
        },
        {
            case: "not protected",
            findings: () => pf(accountProtectionFindings({ name: "dev" }, false, "acct-dev")),
            expect: [/Account dev is not protected/, /Fix: .*protect: true/],
        },
    ],
    "org-account-environment-tag": [
        { case: "an allowed environment", findings: () => withSteps("org-account-environment-tag", [environmentTagFinding({ name: "dev", tags: { Environment: "dev" } }, cfg())]) },
        {
            case: "no environment tag",
            findings: () => withSteps("org-account-environment-tag", [environmentTagFinding({ name: "dev" }, cfg())]),
            expect: [/The account has no Environment tag/, /Fix: Add tags/],
        },
        {
            case: "a value outside the configured environments",
            findings: () => withSteps("org-account-environment-tag", [environmentTagFinding({ name: "p", tags: { Environment: "production" } }, cfg())]),
            expect: [/tag is "production", which is not one of: dev, test, staging, prod, nonprod/, /Fix: Add tags/],
        },
    ],
    "org-policy-document": [
        { case: "a baseline SCP", findings: () => pf(orgPolicyFindings({ name: "baseline", content: BASELINE_SCP })) },
        {
            case: "an SCP naming a principal",
            findings: () => pf(orgPolicyFindings({ content: doc({ Sid: "P", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" }) })),
            expect: [/SCP statement #1 \(Sid "P"\) has a Principal/, /Fix: Remove Principal from statement #1/],
        },
        {
            case: "an SCP over 5,120 characters as submitted (indentation counts)",
            findings: () =>
                pf(orgPolicyFindings({ type: "SERVICE_CONTROL_POLICY", content: JSON.stringify({ Version: "2012-10-17", Statement: [{ ...bigStatement("Big", 4000), Effect: "Deny" }] }, null, 8) })),
            expect: [/The SERVICE_CONTROL_POLICY is \d+ characters as submitted.*allows 5120/, /Fix: /],
        },
    ],
    "iam-policy-size": [
        { case: "a small managed policy", findings: () => pf(sizeFindings(T.managedPolicy, { policy: READ_ONLY })) },
        {
            case: "a managed policy over 6,144 characters",
            findings: () => pf(sizeFindings(T.managedPolicy, { policy: doc(bigStatement("Big", 6200)) })),
            expect: [/The managed policy is \d+ characters without whitespace; the IAM limit is 6144/, /Fix: Split the document/],
        },
        {
            case: "an inline user policy over 2,048 characters",
            findings: () => pf(sizeFindings(T.userPolicy, { user: "alice", policy: doc(bigStatement("Big", 2100)) })),
            expect: [/The inline user policy is \d+ characters.*2048/, /Fix: /],
        },
    ],
    "iam-tag-isolation": [
        {
            case: "EC2 start/stop scoped by aws:ResourceTag (both support it)",
            findings: async () =>
                pf(
                    await tagIsolationFindings(T.managedPolicy, {
                        policy: doc({ Effect: "Allow", Action: ["ec2:StartInstances", "ec2:StopInstances"], Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/Environment": "dev" } } }),
                    }),
                ),
        },
        {
            case: "an action without resource tags under an aws:ResourceTag condition",
            findings: async () =>
                pf(
                    await tagIsolationFindings(T.managedPolicy, {
                        policy: doc({
                            Sid: "Dev",
                            Effect: "Allow",
                            Action: ["ec2:StopInstances", "s3:ListAllMyBuckets"],
                            Resource: "*",
                            Condition: { StringEquals: { "aws:ResourceTag/Environment": "dev" } },
                        }),
                    }),
                ),
            expect: [/Sid "Dev"\) is scoped by aws:ResourceTag, but these actions do not support aws:ResourceTag.*s3:ListAllMyBuckets/, /Fix: Move s3:ListAllMyBuckets out of statement #1/],
        },
        {
            case: "snapshot sharing in a tag-separated policy",
            findings: async () =>
                pf(
                    await tagIsolationFindings(T.managedPolicy, {
                        policy: doc({ Effect: "Allow", Action: ["ec2:ModifySnapshotAttribute"], Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/Environment": "dev" } } }),
                    }),
                ),
            expect: [/grants ec2:ModifySnapshotAttribute in a tag-separated policy/, /Fix: Remove ec2:ModifySnapshotAttribute from statement #1/],
        },
    ],
    "sso-permission-set-session": [
        { case: "PT4H", findings: () => pf(sessionFindings({ name: "Developers", sessionDuration: "PT4H" })) },
        {
            case: "PT13H, beyond Identity Center's 12 hours",
            findings: () => pf(sessionFindings({ name: "Developers", sessionDuration: "PT13H" })),
            expect: [/Permission set Developers has session duration PT13H \(13 hours\)/, /Fix: .*at most PT12H/],
        },
        {
            case: "a duration that is not ISO 8601",
            findings: () => pf(sessionFindings({ name: "Developers", sessionDuration: "4h" })),
            expect: [/Permission set Developers has session duration "4h", which is not an ISO 8601 duration/, /Fix: .*PT4H/],
        },
    ],
    "kms-key-policy-public-principal": [
        {
            case: "the account root",
            findings: () => pf(keyPolicyFindings(doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:*", Resource: "*" }), "key logs")),
        },
        {
            case: 'Principal "*" narrowed to one account by kms:CallerAccount',
            findings: () =>
                pf(
                    keyPolicyFindings(
                        doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "kms:CallerAccount": "111111111111" } } }),
                        "key logs",
                    ),
                ),
        },
        {
            case: 'Principal "*" without a condition',
            findings: () => pf(keyPolicyFindings(doc({ Sid: "Open", Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" }), "key logs")),
            expect: [/The key policy of key logs allows everyone \(Principal "\*"\) in statement #1 \(Sid "Open"\)/, /Fix: .*aws:PrincipalOrgID/],
        },
    ],
    // ---- Stack policies ----
    "iam-no-privilege-escalation": [
        {
            case: "read-only group",
            findings: () => {
                const g = r(T.group, "developers", { name: "developers" });
                return pf(escalationFindings(iamGraphOf(stack(g, r(T.groupPolicy, "developers-read", { group: "developers", policy: READ_ONLY }, { deps: { group: [g] } }))), cfg()));
            },
        },
        {
            case: "iam:AttachRolePolicy on every role for a role not marked admin",
            findings: () => {
                const role = r(T.role, "ops", { name: "ops", assumeRolePolicy: MFA_TRUST });
                const p = r(T.rolePolicy, "ops-iam", { role: "ops", policy: doc({ Sid: "Attach", Effect: "Allow", Action: "iam:AttachRolePolicy", Resource: "*" }) }, { deps: { role: [role] } });
                return pf(escalationFindings(iamGraphOf(stack(role, p)), cfg()));
            },
            expect: [/inline policy ops-iam.*iam:AttachRolePolicy.*role ops \(ops\), which is not marked admin/, /Fix: .*(admin|named resources)/],
        },
        {
            case: "the same grant on a role marked admin",
            findings: () => {
                const role = r(T.role, "ops", { name: "ops", assumeRolePolicy: MFA_TRUST, tags: { AccessLevel: "admin" } });
                const p = r(T.rolePolicy, "ops-iam", { role: "ops", policy: doc({ Effect: "Allow", Action: "iam:AttachRolePolicy", Resource: "*" }) }, { deps: { role: [role] } });
                return pf(escalationFindings(iamGraphOf(stack(role, p)), cfg()));
            },
        },
    ],
    "iam-no-full-admin": [
        {
            case: '"*" on an admin role whose trust requires MFA',
            findings: () => {
                const role = r(T.role, "admin", { name: "admin", assumeRolePolicy: MFA_TRUST, tags: { AccessLevel: "admin" } });
                return pf(fullAdminFindings(iamGraphOf(stack(role, r(T.rolePolicy, "admin-all", { role: "admin", policy: ADMIN }, { deps: { role: [role] } }))), cfg()));
            },
        },
        {
            case: '"*" on a role not marked admin',
            findings: () => {
                const role = r(T.role, "app", { name: "app", assumeRolePolicy: MFA_TRUST });
                return pf(fullAdminFindings(iamGraphOf(stack(role, r(T.rolePolicy, "app-all", { role: "app", policy: ADMIN }, { deps: { role: [role] } }))), cfg()));
            },
            expect: [
                /inline policy app-all, statement #1 \(Sid "Everything"\): allows every action on every resource \(full admin\) to role app \(app\), which is not marked admin/,
                /Fix: .*AccessLevel=admin/,
            ],
        },
        {
            case: '"*" on an admin role that anyone of another account may assume without MFA',
            findings: () => {
                const trust = doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" });
                const role = r(T.role, "admin", { name: "admin", assumeRolePolicy: trust, tags: { AccessLevel: "admin" } });
                return pf(fullAdminFindings(iamGraphOf(stack(role, r(T.rolePolicy, "admin-all", { role: "admin", policy: ADMIN }, { deps: { role: [role] } }))), cfg()));
            },
            expect: [/to admin role admin \(admin\), but using it does not require MFA/, /Fix: .*aws:MultiFactorAuthPresent/],
        },
    ],
    "iam-inline-policy-total-size": [
        {
            case: "one small inline policy on a group",
            findings: () => {
                const g = r(T.group, "developers", { name: "developers" });
                return pf(inlineTotalFindings(iamGraphOf(stack(g, r(T.groupPolicy, "developers-read", { group: "developers", policy: READ_ONLY }, { deps: { group: [g] } })))));
            },
        },
        {
            case: "two inline policies of a user over 2,048 characters together",
            findings: () => {
                const u = r(T.user, "alice", { name: "alice" });
                const a = r(T.userPolicy, "alice-a", { user: "alice", policy: doc(bigStatement("A", 1100)) }, { deps: { user: [u] } });
                const b = r(T.userPolicy, "alice-b", { user: "alice", policy: doc(bigStatement("B", 1100)) }, { deps: { user: [u] } });
                return pf(inlineTotalFindings(iamGraphOf(stack(u, a, b))));
            },
            expect: [/The inline policies of user alice \(alice\) total \d+ characters without whitespace; the limit per user is 2048/, /Fix: Move inline policies into managed policies/],
        },
    ],
    "org-scp-baseline": [
        {
            case: "an account under a root carrying both denies",
            findings: () => {
                const { org, scp, attachment } = organization();
                return withSteps("org-scp-baseline", messages(baselineFindings(orgTreeOf(stack(org, scp, attachment, account("dev", org, "dev"))))));
            },
        },
        {
            case: "an account governed by no SCP",
            findings: () => {
                const org = r(T.organization, "org", { featureSet: "ALL" });
                return withSteps("org-scp-baseline", messages(baselineFindings(orgTreeOf(stack(org, account("dev", org, "dev"))))));
            },
            expect: [/Account dev \(dev\) is not governed by a deny of organizations:LeaveOrganization or by a deny of the root user/, /Fix: .*LeaveOrganization/],
        },
        {
            case: "the baseline on a sibling OU does not govern the account",
            findings: () => {
                const org = r(T.organization, "org", { featureSet: "ALL" });
                const a = ou("workloads", org);
                const b = ou("sandbox", org);
                const base = scp("baseline", BASELINE_SCP);
                return withSteps("org-scp-baseline", messages(baselineFindings(orgTreeOf(stack(org, a, b, base, attach("base-b", base, b), account("dev", a, "dev"))))));
            },
            expect: [/Account dev \(dev\) is not governed/, /Fix: Attach to the account, an ancestor OU or the root/],
        },
    ],
    "org-nonprod-instance-types": [
        {
            case: "a dev account under an OU restricting instance types; a prod account without",
            findings: () => {
                const org = r(T.organization, "org", { featureSet: "ALL" });
                const nonprod = ou("nonprod", org, "nonprod");
                const types = scp("types", INSTANCE_TYPES_SCP);
                const s = stack(org, nonprod, types, attach("types-nonprod", types, nonprod), account("dev", nonprod, "dev"), account("prod", org, "prod"));
                return withSteps("org-nonprod-instance-types", messages(instanceTypeFindings(orgTreeOf(s), cfg())));
            },
        },
        {
            case: "a dev account without the restriction",
            findings: () => {
                const org = r(T.organization, "org", { featureSet: "ALL" });
                return withSteps("org-nonprod-instance-types", messages(instanceTypeFindings(orgTreeOf(stack(org, account("dev", org, "dev"))), cfg())));
            },
            expect: [/Non-production account dev \(dev\) \(Environment=dev\) is not governed by an SCP restricting EC2 instance types/, /Fix: .*ec2:InstanceType/],
        },
    ],
    "org-structure-limits": [
        {
            case: "4 SCPs on the root (5 with FullAWSAccess)",
            findings: () => {
                const org = r(T.organization, "org", { featureSet: "ALL" });
                const rs = [1, 2, 3, 4].flatMap((i) => {
                    const p = scp(`scp-${i}`, BASELINE_SCP);
                    return [p, attach(`att-${i}`, p, org)];
                });
                return withSteps("org-structure-limits", messages(structureFindings(orgTreeOf(stack(org, ...rs)))));
            },
        },
        {
            case: "5 SCPs on the root (6 with FullAWSAccess)",
            findings: () => {
                const org = r(T.organization, "org", { featureSet: "ALL" });
                const rs = [1, 2, 3, 4, 5].flatMap((i) => {
                    const p = scp(`scp-${i}`, BASELINE_SCP);
                    return [p, attach(`att-${i}`, p, org)];
                });
                return withSteps("org-structure-limits", messages(structureFindings(orgTreeOf(stack(org, ...rs)))));
            },
            expect: [/6 SCPs are attached directly to the organization root \(5 in this stack plus p-FullAWSAccess/, /Fix: Merge SCPs/],
        },
        {
            case: "OUs nested 6 levels below the root",
            findings: () => {
                const org = r(T.organization, "org", { featureSet: "ALL" });
                const ous: Res[] = [];
                for (let i = 1; i <= 6; i++) ous.push(ou(`level-${i}`, ous[i - 2] ?? org));
                return withSteps("org-structure-limits", messages(structureFindings(orgTreeOf(stack(org, ...ous)))));
            },
            expect: [/OU level-6 \(level-6\) is nested 6 levels below the root; AWS allows 5/, /Fix: .*at most 5 levels/],
        },
    ],
    "org-account-quota": [
        {
            case: "9 member accounts and the management account, quota 10",
            findings: () => withSteps("org-account-quota", [accountQuotaFinding(Array.from({ length: 9 }, (_, i) => account(`a${i}`, undefined, "dev")).length, 10)]),
        },
        {
            case: "10 member accounts and the management account, quota 10",
            findings: () => withSteps("org-account-quota", [accountQuotaFinding(Array.from({ length: 10 }, (_, i) => account(`a${i}`, undefined, "dev")).length, 10)]),
            expect: [/The organization would have 11 accounts.*the quota is 10/, /Fix: Request an increase/],
        },
    ],
    "org-production-separation": [
        {
            case: "prod under a production OU, dev under a non-production OU",
            findings: () => {
                const org = r(T.organization, "org", { featureSet: "ALL" });
                const p = ou("production", org, "prod");
                const n = ou("nonproduction", org, "nonprod");
                return withSteps("org-production-separation", messages(separationFindings(orgTreeOf(stack(org, p, n, account("prod", p, "prod"), account("dev", n, "dev"))), cfg())));
            },
        },
        {
            case: "a production account directly under the root",
            findings: () => {
                const org = r(T.organization, "org", { featureSet: "ALL" });
                return withSteps("org-production-separation", messages(separationFindings(orgTreeOf(stack(org, account("prod", org, "prod"))), cfg())));
            },
            expect: [/Production account prod \(prod\) \(Environment=prod\) does not sit under an OU tagged Environment=prod/, /Fix: Place production accounts under an OU/],
        },
        {
            case: "a dev account under the production OU",
            findings: () => {
                const org = r(T.organization, "org", { featureSet: "ALL" });
                const p = ou("production", org, "prod");
                return withSteps("org-production-separation", messages(separationFindings(orgTreeOf(stack(org, p, account("dev", p, "dev"))), cfg())));
            },
            expect: [/Non-production account dev \(dev\) \(Environment=dev\) sits under production OU production/, /Fix: .*non-production accounts out of production OUs/],
        },
    ],
    "iam-user-baseline": [
        {
            case: "a person in a force-MFA group, a strong password policy",
            findings: () => userBaseline(...peopleStack(true), strongPasswords()),
        },
        {
            case: "a person in no group enforcing MFA",
            findings: () => userBaseline(...peopleStack(false)),
            expect: [/IAM user alice \(alice\) is not in any group that enforces MFA/, /Fix: Add alice \(alice\) to a group with the force-MFA deny/],
        },
        {
            case: "a password policy of 8 characters",
            findings: () => userBaseline(...peopleStack(true), r(T.passwordPolicy, "passwords", { ...strongPasswords().props, minimumPasswordLength: 8 })),
            expect: [/The account password policy passwords is too weak: minimumPasswordLength is 8 \(minimum 14\)/, /Fix: Set minimumPasswordLength: 14/],
        },
    ],
    "budget-per-environment": [
        {
            case: "a dev account and a budget tagged dev",
            findings: () => withSteps("budget-per-environment", budgetFindings(stack(account("dev", undefined, "dev"), budget("dev")), cfg())),
        },
        {
            case: "a prod account with only a dev budget",
            findings: () => withSteps("budget-per-environment", budgetFindings(stack(account("prod", undefined, "prod"), budget("dev")), cfg())),
            expect: [/No budget covers environment "prod"/, /Fix: Add an aws.budgets.Budget per environment/],
        },
    ],
    "sso-account-assignments": [
        {
            case: "a production permission set in a production account of the stack",
            findings: () => pf(assignmentFindings(assignmentStack("prod"), cfg())),
        },
        {
            case: "an account outside the organization",
            findings: () => {
                const ps = permissionSet("dev");
                const a = r(
                    T.accountAssignment,
                    "outsider",
                    { permissionSetArn: UNKNOWN, targetType: "AWS_ACCOUNT", targetId: "999999999999", principalType: "GROUP", principalId: "g-1" },
                    { deps: { permissionSetArn: [ps] } },
                );
                return pf(assignmentFindings(stack(ps, a), cfg()));
            },
            expect: [/Account assignment outsider targets account 999999999999, which is not an account of this stack's organization/, /Fix: .*organizationAccountIds/],
        },
        {
            case: "a dev permission set in a production account",
            findings: () => pf(assignmentFindings(assignmentStack("dev"), cfg())),
            expect: [/assigns permission set dev-access \(dev-access\) \(Environment=dev\) in production account prod \(prod\)/, /Fix: Assign the production permission set/],
        },
    ],
    "cloudtrail-organization-trail": [
        {
            case: "a multi-region, validated organization trail",
            findings: () => withSteps("cloudtrail-organization-trail", messages(organizationTrailFindings(stack(r(T.organization, "org", {}), trail({}))))),
        },
        {
            case: "an organization without a trail",
            findings: () => withSteps("cloudtrail-organization-trail", messages(organizationTrailFindings(stack(r(T.organization, "org", {}))))),
            expect: [/The organization org has no organization trail in this stack/, /Fix: .*isOrganizationTrail: true/],
        },
        {
            case: "an organization trail of one region",
            findings: () => withSteps("cloudtrail-organization-trail", messages(organizationTrailFindings(stack(r(T.organization, "org", {}), trail({ isMultiRegionTrail: false }))))),
            expect: [/The organization trail org-trail \(org-trail\) needs isMultiRegionTrail: true/, /Fix: .*isMultiRegionTrail: true/],
        },
    ],
    "cloudtrail-log-bucket": [
        {
            case: "public access blocked, logs encrypted by the trail's KMS key",
            findings: () => {
                const b = r(TRAIL_BUCKET, "logs", { bucket: "example-logs" });
                const pab = r(PUBLIC_ACCESS_BLOCK, "logs-pab", { bucket: "example-logs", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
                return withSteps(
                    "cloudtrail-log-bucket",
                    messages(cloudTrailBucketFindings(stack(b, pab, trail({ s3BucketName: "example-logs", kmsKeyId: "arn:aws:kms:eu-west-1:111111111111:key/example" })))),
                );
            },
        },
        {
            case: "a log bucket without a public access block or KMS",
            findings: () => withSteps("cloudtrail-log-bucket", messages(cloudTrailBucketFindings(stack(r(TRAIL_BUCKET, "logs", { bucket: "example-logs" }), trail({ s3BucketName: "example-logs" }))))),
            expect: [/Bucket logs receives CloudTrail logs \(trail org-trail \(org-trail\) delivers to it\) but its public access is not blocked/, /Fix: .*BucketPublicAccessBlock/],
        },
        {
            case: "a log bucket with S3-managed encryption only",
            findings: () => {
                const b = r(TRAIL_BUCKET, "logs", { bucket: "example-logs" });
                const pab = r(PUBLIC_ACCESS_BLOCK, "logs-pab", { bucket: "example-logs", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
                return withSteps("cloudtrail-log-bucket", messages(cloudTrailBucketFindings(stack(b, pab, trail({ s3BucketName: "example-logs" })))));
            },
            expect: [/Bucket logs receives CloudTrail logs .* but the logs are not encrypted with a KMS key/, /Fix: .*sseAlgorithm aws:kms/],
        },
    ],
};

// ---- Builders of the stack cases ----

function trail(over: Record<string, unknown>): Res {
    return r(TRAIL, "org-trail", { name: "org-trail", isOrganizationTrail: true, isMultiRegionTrail: true, enableLogFileValidation: true, ...over });
}

function budget(env: string): Res {
    return r(T.budget, `budget-${env}`, { name: `budget-${env}`, budgetType: "COST", limitAmount: "100", limitUnit: "USD", timeUnit: "MONTHLY", tags: { Environment: env } });
}

function permissionSet(env: string): Res {
    return r(T.permissionSet, `${env}-access`, { name: `${env}-access`, instanceArn: "arn:aws:sso:::instance/ssoins-example", sessionDuration: "PT4H", tags: { Environment: env } });
}

/** A production account and an assignment in it of a permission set of `env`. */
function assignmentStack(env: string): StackView {
    const org = r(T.organization, "org", { featureSet: "ALL" });
    const prod = account("prod", org, "prod");
    const ps = permissionSet(env);
    const a = r(
        T.accountAssignment,
        "prod-assignment",
        { permissionSetArn: UNKNOWN, targetType: "AWS_ACCOUNT", targetId: UNKNOWN, principalType: "GROUP", principalId: "g-1" },
        { deps: { permissionSetArn: [ps], targetId: [prod] } },
    );
    return stack(org, prod, ps, a);
}

/** alice, a person with a console password, in a group that does (or not) carry the force-MFA deny. */
function peopleStack(forceMfa: boolean): Res[] {
    const g = r(T.group, "developers", { name: "developers" });
    const alice = r(T.user, "alice", { name: "alice" });
    const login = r(T.loginProfile, "alice-login", { user: "alice" }, { deps: { user: [alice] } });
    const member = r(T.groupMembership, "developers-members", { group: "developers", users: ["alice"] }, { deps: { group: [g], users: [alice] } });
    const policy = r(T.groupPolicy, "developers-policy", { group: "developers", policy: forceMfa ? FORCE_MFA : READ_ONLY }, { deps: { group: [g] } });
    return [g, alice, login, member, policy];
}

function strongPasswords(): Res {
    return r(T.passwordPolicy, "passwords", STRONG_PASSWORDS);
}

/** iam-user-baseline's two checks over one stack, as the policy runs them. */
function userBaseline(...rs: Res[]): string[] {
    const view = stack(...rs);
    const users = view.ofType(T.user);
    return pf([...passwordPolicyFindings(view.ofType(T.passwordPolicy), false), ...mfaGroupFindings(iamGraphOf(view), users, cfg(), machineUsers(view))]);
}

// ---- The suite ----

describe("policy findings (unit, in process)", () => {
    it("has a table for every policy of the pack, with a clean and a violating case each", () => {
        const names = policies.map((p) => p.name).sort();
        assert.deepStrictEqual(Object.keys(tables).sort(), names, "one table per policy of policypack/policies/index.ts: add the new policy's cases here");
        for (const [name, cases] of Object.entries(tables)) {
            assert.ok(
                cases.some((c) => !c.expect),
                `${name}: no clean case`,
            );
            assert.ok(
                cases.some((c) => c.expect),
                `${name}: no violating case`,
            );
        }
    });

    for (const [name, cases] of Object.entries(tables)) {
        describe(name, () => {
            for (const c of cases) {
                it(`${c.expect ? "reports" : "passes"}: ${c.case}`, async () => {
                    const found = await c.findings();
                    if (!c.expect) {
                        assert.deepStrictEqual(found, [], `expected no finding; got:\n${found.join("\n")}`);
                        return;
                    }
                    const expect = c.expect;
                    assert.ok(
                        found.some((m) => expect.every((re) => re.test(m))),
                        `expected a finding matching ${expect.join(" and ")}; got:\n${found.join("\n") || "(none)"}`,
                    );
                });
            }
        });
    }
});
