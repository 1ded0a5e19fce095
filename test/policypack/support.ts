// Shared support for the policy pack tests: the test run's pack process, resource builders
// in the shape the engine sends them, and a clean organization used as the baseline.
import * as assert from "assert";
import { T as PACK_TYPES } from "../../policypack/lib/types";
import { holdSharedPack, PACK_DIR } from "../helpers/plan";
import { AnalyzerResource, PolicyPackClient, UNKNOWN, Violation } from "../../tools/lib/analyzer";
import type { PolicyAnalyzer } from "./in-process";

export { PACK_DIR };
export { UNKNOWN };

/** The real policy pack (the test run's shared process), configured for this suite and held by it until its end. */
export function usePack(config: Record<string, unknown> = {}): { client: () => PolicyPackClient } {
    let held: { client: PolicyPackClient; release: () => void } | undefined;
    before(async function () {
        this.timeout(120_000);
        held = await holdSharedPack();
        await held.client.configure(config);
    });
    after(() => held?.release());
    return {
        client: () => {
            if (!held) throw new Error("pack not started");
            return held.client;
        },
    };
}

export function urn(type: string, name: string): string {
    return `urn:pulumi:test::landing-zone::${type}::${name}`;
}

export interface ResOpts {
    protect?: boolean;
    deps?: Record<string, AnalyzerResource[]>;
}

export function res(type: string, name: string, properties: Record<string, unknown>, o: ResOpts = {}): AnalyzerResource {
    const propertyDependencies: Record<string, string[]> = {};
    const dependencies = new Set<string>();
    for (const [k, rs] of Object.entries(o.deps ?? {})) {
        propertyDependencies[k] = rs.map((r) => r.urn);
        rs.forEach((r) => dependencies.add(r.urn));
    }
    return { urn: urn(type, name), type, name, properties, options: { protect: o.protect ?? false }, propertyDependencies, dependencies: [...dependencies] };
}

export const json = (o: unknown): string => JSON.stringify(o);
export const doc = (...Statement: Record<string, unknown>[]): string => json({ Version: "2012-10-17", Statement });

export function named(vs: Violation[], policy: string): Violation[] {
    return vs.filter((v) => v.policyName === policy);
}

/** Asserts at least one violation of `policy`, optionally with a message matching `re`; returns them. */
export function expectViolation(vs: Violation[], policy: string, re?: RegExp, level?: string): Violation[] {
    const hits = named(vs, policy)
        .filter((v) => !re || re.test(v.message))
        .filter((v) => !level || v.enforcementLevel === level);
    assert.ok(
        hits.length > 0,
        `expected a ${policy} violation${re ? ` matching ${re}` : ""}${level ? ` at ${level}` : ""}; got:\n${vs.map((v) => `  [${v.policyName}/${v.enforcementLevel}] ${v.message.split("\n")[1] ?? v.message}`).join("\n") || "  (none)"}`,
    );
    return hits;
}

export function expectNone(vs: Violation[], policy: string): void {
    const hits = named(vs, policy);
    assert.strictEqual(hits.length, 0, `expected no ${policy} violation; got:\n${hits.map((v) => `  ${v.message}`).join("\n")}`);
}

export function mandatory(vs: Violation[]): Violation[] {
    return vs.filter((v) => v.enforcementLevel === "mandatory");
}

// ---- Types ----
export const T = {
    // The pack's own tokens (policypack/lib/types.ts; test/policypack/types.test.ts pins them to the provider's).
    ...PACK_TYPES,
    // Shorter names these tests use.
    org: PACK_TYPES.organization,
    orgAttach: PACK_TYPES.orgPolicyAttachment,
    policy: PACK_TYPES.managedPolicy,
    // Types the pack's security policies judge, which its list does not name.
    trail: "aws:cloudtrail/trail:Trail",
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    accountPublicAccessBlock: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
    bucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    kmsKey: "aws:kms/key:Key",
    kmsKeyPolicy: "aws:kms/keyPolicy:KeyPolicy",
} as const;

// ---- Documents ----
export const BASELINE_SCP = doc(
    { Sid: "NoLeaving", Effect: "Deny", Action: "organizations:LeaveOrganization", Resource: "*" },
    { Sid: "NoRoot", Effect: "Deny", Action: "*", Resource: "*", Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } } },
);
export const INSTANCE_TYPES_SCP = doc({
    Effect: "Deny",
    Action: "ec2:RunInstances",
    Resource: "arn:aws:ec2:*:*:instance/*",
    Condition: { StringNotLike: { "ec2:InstanceType": ["t3.*", "t4g.*"] } },
});
export const FORCE_MFA = doc({
    Sid: "DenyWithoutMfa",
    Effect: "Deny",
    NotAction: ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:ListMFADevices", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken"],
    Resource: "*",
    Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
});
export const READ_ONLY = doc({ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket", "ec2:Describe*"], Resource: "*" });
export const MFA_TRUST = doc({
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::111111111111:root" },
    Action: "sts:AssumeRole",
    Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
});
export const SERVICE_TRUST = doc({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" });

/** An account password policy meeting the minimums (length 14, reuse prevention, every character class). */
export const STRONG_PASSWORDS = {
    minimumPasswordLength: 14,
    passwordReusePrevention: 24,
    requireLowercaseCharacters: true,
    requireUppercaseCharacters: true,
    requireNumbers: true,
    requireSymbols: true,
};

/** A log key's policy: the account's root, and CloudTrail for the management account's trails. */
export const LOG_KEY_POLICY = doc(
    { Sid: "Root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:*", Resource: "*" },
    {
        Sid: "CloudTrail",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:GenerateDataKey*",
        Resource: "*",
        Condition: { StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111111111111:trail/*" } },
    },
);

/** An organization trail (multi-region, validated, KMS) into a bucket with public access blocked. */
export function organizationTrail(): AnalyzerResource[] {
    const bucket = res(T.bucket, "trail-logs", { bucket: "example-trail-logs" });
    const pab = res(
        T.publicAccessBlock,
        "trail-logs-pab",
        { bucket: UNKNOWN, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        { deps: { bucket: [bucket] } },
    );
    const key = res(T.kmsKey, "trail-key", { description: "trail", policy: LOG_KEY_POLICY });
    const trail = res(
        T.trail,
        "organization-trail",
        { name: "organization-trail", s3BucketName: UNKNOWN, kmsKeyId: UNKNOWN, isOrganizationTrail: true, isMultiRegionTrail: true, enableLogFileValidation: true },
        { deps: { s3BucketName: [bucket], kmsKeyId: [key] } },
    );
    return [bucket, pab, key, trail];
}

/**
 * A clean preview of an organization with production separation, baseline SCPs, budgets, an
 * organization trail and IAM people: IDs of new resources are unknown and resolved through
 * property dependencies.
 */
export function cleanStack(): AnalyzerResource[] {
    const org = res(T.org, "org", { featureSet: "ALL", enabledPolicyTypes: ["SERVICE_CONTROL_POLICY"], roots: UNKNOWN });
    const ouProd = res(T.ou, "ou-prod", { name: "Production", parentId: UNKNOWN, tags: { Environment: "prod" } }, { deps: { parentId: [org] } });
    const ouNonProd = res(T.ou, "ou-nonprod", { name: "NonProduction", parentId: UNKNOWN, tags: { Environment: "nonprod" } }, { deps: { parentId: [org] } });
    const prod = res(
        T.account,
        "acct-prod",
        { name: "prod", email: "aws-prod@example.com", parentId: UNKNOWN, closeOnDeletion: false, tags: { Environment: "prod" } },
        { protect: true, deps: { parentId: [ouProd] } },
    );
    const dev = res(T.account, "acct-dev", { name: "dev", email: "aws-dev@example.com", parentId: UNKNOWN, tags: { Environment: "dev" } }, { protect: true, deps: { parentId: [ouNonProd] } });
    const baseline = res(T.orgPolicy, "scp-baseline", { name: "baseline", type: "SERVICE_CONTROL_POLICY", content: BASELINE_SCP });
    const types = res(T.orgPolicy, "scp-instance-types", { name: "instance-types", type: "SERVICE_CONTROL_POLICY", content: INSTANCE_TYPES_SCP });
    const attBaseline = res(T.orgAttach, "att-baseline-root", { policyId: UNKNOWN, targetId: UNKNOWN }, { deps: { policyId: [baseline], targetId: [org] } });
    const attTypes = res(T.orgAttach, "att-types-nonprod", { policyId: UNKNOWN, targetId: UNKNOWN }, { deps: { policyId: [types], targetId: [ouNonProd] } });
    const budgets = ["prod", "dev", "nonprod"].map((e) =>
        res(T.budget, `budget-${e}`, { name: `budget-${e}`, budgetType: "COST", limitAmount: "100", limitUnit: "USD", timeUnit: "MONTHLY", tags: { Environment: e } }),
    );
    const adminRole = res(T.role, "admin-role", { name: "OrganizationAdmin", assumeRolePolicy: MFA_TRUST, tags: { AccessLevel: "admin" } });
    const adminAttach = res(T.rolePolicyAttachment, "admin-role-admin", { role: "OrganizationAdmin", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }, { deps: { role: [adminRole] } });
    const devs = res(T.group, "developers", { name: "developers", path: "/" });
    const devsPolicy = res(T.groupPolicy, "developers-read", { group: "developers", policy: READ_ONLY }, { deps: { group: [devs] } });
    const devsMfa = res(T.groupPolicy, "developers-mfa", { group: "developers", policy: FORCE_MFA }, { deps: { group: [devs] } });
    const alice = res(T.user, "alice", { name: "alice", tags: { Team: "app" } });
    const membership = res(T.groupMembership, "developers-members", { group: "developers", users: ["alice"] }, { deps: { group: [devs], users: [alice] } });
    const pwd = res(T.passwordPolicy, "passwords", STRONG_PASSWORDS);
    return [org, ouProd, ouNonProd, prod, dev, baseline, types, attBaseline, attTypes, ...budgets, ...organizationTrail(), adminRole, adminAttach, devs, devsPolicy, devsMfa, alice, membership, pwd];
}

/** Replaces (by logical name) or adds resources. */
export function withResources(base: AnalyzerResource[], ...rs: AnalyzerResource[]): AnalyzerResource[] {
    const out = base.filter((b) => !rs.some((r) => r.urn === b.urn));
    return [...out, ...rs];
}

export function find(stack: AnalyzerResource[], name: string): AnalyzerResource {
    const r = stack.find((x) => x.name === name);
    if (!r) throw new Error(`no resource ${name}`);
    return r;
}

export function without(stack: AnalyzerResource[], ...names: string[]): AnalyzerResource[] {
    return stack.filter((r) => !names.includes(r.name));
}

/** Analyze every resource one by one, as the engine does during preview. */
export async function analyzeEach(client: PolicyAnalyzer, rs: AnalyzerResource[]): Promise<Violation[]> {
    const out: Violation[] = [];
    for (const r of rs) out.push(...(await client.analyze(r)));
    return out;
}
