/**
 * The log archive's bucket and key policies and the protect-security-baseline SCP, simulated
 * (IAM request simulator): CloudTrail and Config can write for the organization, nobody else
 * can write as them, and no member account's administrator can delete logs or weaken the bucket
 * and its key; the platform roles still can.
 */
import * as assert from "assert";
import { ADMINISTRATOR_ACCESS, decide, type SimulationInput } from "../helpers/simulate";
import { scpChain } from "../guardrails/support";
import { fill, MANAGEMENT_ID, ORGANIZATION_ID, planOf, fakeAccountId, variant } from "./support";

const { plan, security: sp } = planOf(variant("prod"));
const la = sp.logArchive!;
const bucketPolicy = fill(la.bucketPolicy.document);
const keyPolicy = fill(la.keyPolicy.document);
const BUCKET = `lz-logs-${MANAGEMENT_ID}`;
const LOG_ARCHIVE = fakeAccountId("log-archive");
const TRAIL_ARN = `arn:aws:cloudtrail:eu-west-1:${MANAGEMENT_ID}:trail/lz-organization-trail`;
const KEY_ARN = `arn:aws:kms:eu-west-1:${LOG_ARCHIVE}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const object = (key: string) => `arn:aws:s3:::${BUCKET}/${key}`;
const orgContext = { "aws:PrincipalOrgID": ORGANIZATION_ID, "aws:ResourceOrgID": ORGANIZATION_ID, "aws:SecureTransport": "true" };

/** A request by a service principal against the bucket (resource policy only: services have no identity policy). */
function byService(service: string, action: string, resource: string, context: Record<string, string>): SimulationInput {
    return {
        identityPolicies: [],
        resourcePolicy: bucketPolicy,
        request: { principal: service, action, resource, resourceAccount: LOG_ARCHIVE, context: { "aws:SecureTransport": "true", ...context } },
    };
}

/** An administrator (AdministratorAccess) of `account` acting on the bucket, with the SCPs above that account. */
function byAdmin(account: string, role: string, action: string, resource: string): SimulationInput {
    return {
        identityPolicies: [ADMINISTRATOR_ACCESS],
        scps: scpChain(plan, plan.guardrails, account),
        resourcePolicy: bucketPolicy,
        request: { principal: `arn:aws:iam::${fakeAccountId(account)}:role/${role}`, action, resource, resourceAccount: LOG_ARCHIVE, context: orgContext },
    };
}

describe("security baseline: bucket, key and SCP decisions (simulated)", () => {
    describe("log bucket policy", () => {
        it("lets CloudTrail check the ACL and write for the organization and the management account, for this trail only", async () => {
            const source = { "aws:SourceArn": TRAIL_ARN };
            const write = { ...source, "s3:x-amz-acl": "bucket-owner-full-control" };
            assert.equal(await decide(byService("cloudtrail.amazonaws.com", "s3:GetBucketAcl", `arn:aws:s3:::${BUCKET}`, source)), "Allowed");
            assert.equal(
                await decide(byService("cloudtrail.amazonaws.com", "s3:PutObject", object(`AWSLogs/${ORGANIZATION_ID}/${fakeAccountId("dev")}/CloudTrail/eu-west-1/x.json.gz`), write)),
                "Allowed",
            );
            assert.equal(await decide(byService("cloudtrail.amazonaws.com", "s3:PutObject", object(`AWSLogs/${MANAGEMENT_ID}/CloudTrail/eu-west-1/x.json.gz`), write)), "Allowed");
            // Another trail (another account's) cannot write here, nor can this one write elsewhere in the bucket.
            const other = { "aws:SourceArn": "arn:aws:cloudtrail:eu-west-1:999999999999:trail/other", "s3:x-amz-acl": "bucket-owner-full-control" };
            assert.equal(await decide(byService("cloudtrail.amazonaws.com", "s3:PutObject", object(`AWSLogs/${ORGANIZATION_ID}/x.json.gz`), other)), "ImplicitlyDenied");
            assert.equal(await decide(byService("cloudtrail.amazonaws.com", "s3:PutObject", object("elsewhere/x.json.gz"), write)), "ImplicitlyDenied");
        });

        it("lets Config of the organization deliver under its prefix, and Config of other organizations not", async () => {
            const ours = { "aws:SourceOrgID": ORGANIZATION_ID, "s3:x-amz-acl": "bucket-owner-full-control" };
            assert.equal(await decide(byService("config.amazonaws.com", "s3:PutObject", object(`config/AWSLogs/${fakeAccountId("dev")}/Config/x.json.gz`), ours)), "Allowed");
            const theirs = { "aws:SourceOrgID": "o-otherorg123", "s3:x-amz-acl": "bucket-owner-full-control" };
            assert.equal(await decide(byService("config.amazonaws.com", "s3:PutObject", object(`config/AWSLogs/999999999999/Config/x.json.gz`), theirs)), "ImplicitlyDenied");
        });

        for (const action of ["s3:DeleteObject", "s3:DeleteObjectVersion"]) {
            it(`denies ${action} on the logs to every account's administrator, the log archive's own included`, async () => {
                for (const account of ["dev", "prod", "security", "log-archive"]) {
                    assert.equal(await decide(byAdmin(account, "Admin", action, object(`AWSLogs/${ORGANIZATION_ID}/x.json.gz`))), "ExplicitlyDenied", account);
                }
            });
        }

        it("denies changing or deleting the bucket policy, versioning and public access block to the log archive's administrators", async () => {
            for (const action of ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketVersioning", "s3:PutBucketPublicAccessBlock", "s3:PutLifecycleConfiguration", "s3:DeleteBucket"]) {
                assert.equal(await decide(byAdmin("log-archive", "Admin", action, `arn:aws:s3:::${BUCKET}`)), "ExplicitlyDenied", action);
            }
        });

        it("denies any request without TLS", async () => {
            const input = byAdmin("security", "Admin", "s3:GetObject", object("AWSLogs/x"));
            input.request.context = { ...orgContext, "aws:SecureTransport": "false" };
            assert.equal(await decide(input), "ExplicitlyDenied");
        });

        it("lets the audit account read the logs; the platform role of the log archive still maintains the bucket", async () => {
            assert.equal(await decide(byAdmin("security", "Admin", "s3:GetObject", object(`AWSLogs/${ORGANIZATION_ID}/x.json.gz`))), "Allowed");
            assert.equal(await decide(byAdmin("dev", "Admin", "s3:GetObject", object(`AWSLogs/${ORGANIZATION_ID}/x.json.gz`))), "ImplicitlyDenied");
            assert.equal(await decide(byAdmin("log-archive", "OrganizationAccountAccessRole", "s3:PutBucketPolicy", `arn:aws:s3:::${BUCKET}`)), "Allowed");
        });
    });

    describe("log key policy", () => {
        const byKey = (principal: string, action: string, context: Record<string, string>, identity: object[] = []): SimulationInput => ({
            identityPolicies: identity,
            resourcePolicy: keyPolicy,
            request: { principal, action, resource: KEY_ARN, resourceAccount: LOG_ARCHIVE, context: { "aws:ResourceAccount": LOG_ARCHIVE, ...context } },
        });

        it("lets CloudTrail encrypt for this organization's trails, not for a trail of another account", async () => {
            // The simulator cannot take an encryption-context key holding colons (aws:cloudtrail:arn):
            // that one condition is matched here the way StringLike matches, the rest simulated without it.
            const statement = keyPolicy.Statement.find((s) => s.Sid === "CloudTrailEncrypt")!;
            const contextKey = "kms:EncryptionContext:aws:cloudtrail:arn";
            const pattern = String(statement.Condition!.StringLike[contextKey]);
            const like = (value: string) =>
                new RegExp(
                    `^${pattern
                        .split("*")
                        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
                        .join(".*")}$`,
                ).test(value);
            assert.ok(like(TRAIL_ARN));
            assert.ok(like(`arn:aws:cloudtrail:us-east-1:${MANAGEMENT_ID}:trail/another-of-ours`));
            assert.ok(!like("arn:aws:cloudtrail:eu-west-1:999999999999:trail/other"));
            const withoutContext = structuredClone(keyPolicy);
            const s = withoutContext.Statement.find((x) => x.Sid === "CloudTrailEncrypt")!;
            delete s.Condition!.StringLike;
            const decideWithout = (sourceArn: string) =>
                decide({
                    identityPolicies: [],
                    resourcePolicy: withoutContext,
                    request: { principal: "cloudtrail.amazonaws.com", action: "kms:GenerateDataKey", resource: KEY_ARN, resourceAccount: LOG_ARCHIVE, context: { "aws:SourceArn": sourceArn } },
                });
            assert.equal(await decideWithout(TRAIL_ARN), "Allowed");
            assert.equal(await decideWithout("arn:aws:cloudtrail:eu-west-1:999999999999:trail/other"), "ImplicitlyDenied");
            // And the policy as planned never allows without the encryption context.
            assert.equal(await decide(byKey("cloudtrail.amazonaws.com", "kms:GenerateDataKey", { "aws:SourceArn": TRAIL_ARN })), "ImplicitlyDenied");
        });

        it("lets the audit account decrypt the logs through S3 only; nobody outside the organization", async () => {
            const auditor = `arn:aws:iam::${fakeAccountId("security")}:role/Auditor`;
            const viaS3 = { "kms:ViaService": "s3.eu-west-1.amazonaws.com", "aws:PrincipalOrgID": ORGANIZATION_ID, "aws:ResourceOrgID": ORGANIZATION_ID };
            assert.equal(await decide(byKey(auditor, "kms:Decrypt", viaS3, [ADMINISTRATOR_ACCESS])), "Allowed");
            assert.equal(await decide(byKey(auditor, "kms:Decrypt", { "aws:PrincipalOrgID": ORGANIZATION_ID, "aws:ResourceOrgID": ORGANIZATION_ID }, [ADMINISTRATOR_ACCESS])), "ImplicitlyDenied");
            assert.equal(
                await decide(byKey("arn:aws:iam::999999999999:role/Outsider", "kms:Decrypt", { ...viaS3, "aws:PrincipalOrgID": "o-otherorg123" }, [ADMINISTRATOR_ACCESS])),
                "ImplicitlyDenied",
            );
        });

        it("lets no member account's administrator change the key policy; the log archive's platform role administers the key", async () => {
            const devAdmin = `arn:aws:iam::${fakeAccountId("dev")}:role/Admin`;
            assert.equal(await decide(byKey(devAdmin, "kms:PutKeyPolicy", {}, [ADMINISTRATOR_ACCESS])), "ImplicitlyDenied");
            const platform = `arn:aws:iam::${LOG_ARCHIVE}:role/OrganizationAccountAccessRole`;
            assert.equal(await decide(byKey(platform, "kms:PutKeyPolicy", {}, [ADMINISTRATOR_ACCESS])), "Allowed");
        });
    });

    describe("protect-security-baseline (SCP on the log archive and audit accounts)", () => {
        // AWS's default key policy (the account's IAM policies decide): only the SCP stands in the way.
        const defaultKeyPolicy = (account: string) => ({
            Version: "2012-10-17",
            Statement: [{ Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${fakeAccountId(account)}:root` }, Action: "kms:*", Resource: "*" }],
        });
        const inAccount = (account: string, role: string, action: string, resource: string, context: Record<string, string | string[]> = {}): SimulationInput => ({
            identityPolicies: [ADMINISTRATOR_ACCESS],
            scps: scpChain(plan, plan.guardrails, account),
            resourcePolicy: action.startsWith("kms:") ? defaultKeyPolicy(account) : undefined,
            request: { principal: `arn:aws:iam::${fakeAccountId(account)}:role/${role}`, action, resource, context },
        });
        const logKey = `arn:aws:kms:eu-west-1:${LOG_ARCHIVE}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

        it("denies the log archive's administrators weakening the key, with or without the key policy's help", async () => {
            for (const action of ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:CreateGrant"]) {
                assert.equal(await decide(inAccount("log-archive", "Admin", action, logKey, { "kms:ResourceAliases": ["alias/lz-log-archive"] })), "ExplicitlyDenied", action);
            }
            assert.equal(await decide(inAccount("log-archive", "Admin", "kms:DeleteAlias", `arn:aws:kms:eu-west-1:${LOG_ARCHIVE}:alias/lz-log-archive`)), "ExplicitlyDenied");
            assert.equal(await decide(inAccount("log-archive", "OrganizationAccountAccessRole", "kms:PutKeyPolicy", logKey, { "kms:ResourceAliases": ["alias/lz-log-archive"] })), "Allowed");
        });

        it("denies the audit account's administrators changing the Config aggregator's role", async () => {
            const role = `arn:aws:iam::${fakeAccountId("security")}:role/service-role/lz-config-aggregator`;
            assert.equal(await decide(inAccount("security", "Admin", "iam:DeleteRole", role)), "ExplicitlyDenied");
            assert.equal(await decide(inAccount("security", "Admin", "iam:AttachRolePolicy", role)), "ExplicitlyDenied");
        });

        it("leaves other keys and buckets of those accounts alone", async () => {
            assert.equal(await decide(inAccount("log-archive", "Admin", "kms:PutKeyPolicy", logKey, { "kms:ResourceAliases": ["alias/team-data"] })), "Allowed");
            assert.equal(await decide(inAccount("log-archive", "Admin", "s3:DeleteObject", "arn:aws:s3:::team-data/x")), "Allowed");
        });
    });
});
