// The security baseline's policies (organization trail, CloudTrail log buckets, KMS key policies),
// each with passing and failing resources, run in-process by the policy SDK (in-process.ts).
import * as assert from "assert";
import { cleanStack, doc, expectNone, expectViolation, find, LOG_KEY_POLICY, res, T, UNKNOWN, withResources, without } from "./support";
import { inProcessPack } from "./in-process";
import type { AnalyzerResource } from "../../tools/lib/analyzer";

const TRAIL_POLICY = "cloudtrail-organization-trail";
const BUCKET_POLICY = "cloudtrail-log-bucket";
const KEY_POLICY = "kms-key-policy-public-principal";

const withProvider = (r: AnalyzerResource, account: string): AnalyzerResource => ({
    ...r,
    provider: { name: `acct-${account}`, type: "pulumi:providers:aws", urn: `urn:pulumi:test::landing-zone::pulumi:providers:aws::acct-${account}`, properties: { allowedAccountIds: [account] } },
});

describe("policy pack: security baseline policies", function () {
    const pack = inProcessPack();
    const stack = (rs: AnalyzerResource[]) => pack.client().analyzeStack(rs);
    const analyze = (r: AnalyzerResource) => pack.client().analyze(r);
    const base = cleanStack();
    const bucket = find(base, "trail-logs");
    const key = find(base, "trail-key");
    const trail = find(base, "organization-trail");
    const trailWith = (props: Record<string, unknown>) => res(T.trail, "organization-trail", { ...trail.properties, ...props }, { deps: { s3BucketName: [bucket], kmsKeyId: [key] } });

    describe(TRAIL_POLICY, () => {
        it("passes an organization with a multi-region, validated organization trail", async () => {
            expectNone(await stack(base), TRAIL_POLICY);
        });
        it("flags an organization without an organization trail, on the organization (advisory by default)", async () => {
            const vs = await stack(without(base, "organization-trail"));
            const [v] = expectViolation(vs, TRAIL_POLICY, /has no organization trail/, "advisory");
            assert.strictEqual(v.urn, find(base, "org").urn);
        });
        it("flags an account trail standing in for an organization trail", async () => {
            expectViolation(await stack(withResources(base, trailWith({ isOrganizationTrail: false }))), TRAIL_POLICY, /has no organization trail/);
        });
        it("names what an organization trail lacks: every region, log file validation", async () => {
            const vs = await stack(withResources(base, trailWith({ isMultiRegionTrail: false, enableLogFileValidation: undefined })));
            const [v] = expectViolation(vs, TRAIL_POLICY, /needs isMultiRegionTrail: true .* and enableLogFileValidation: true/);
            assert.strictEqual(v.urn, trail.urn);
        });
        it("reports a setting unknown at preview instead of passing it", async () => {
            expectViolation(await stack(withResources(base, trailWith({ enableLogFileValidation: UNKNOWN }))), TRAIL_POLICY, /Could not check .*enableLogFileValidation/);
            expectViolation(await stack(withResources(base, trailWith({ isOrganizationTrail: UNKNOWN }))), TRAIL_POLICY, /Could not check whether trail .* is the organization trail/);
        });
        it("asks nothing of a stack without an organization", async () => {
            expectNone(await stack(without(base, "org", "organization-trail")), TRAIL_POLICY);
        });
        it("is mandatory when configured so, and satisfied by externalOrganizationTrail (a Control Tower trail)", async () => {
            try {
                await pack.client().configure({ [TRAIL_POLICY]: { enforcementLevel: "mandatory" } });
                expectViolation(await stack(without(base, "organization-trail")), TRAIL_POLICY, /has no organization trail/, "mandatory");
                await pack
                    .client()
                    .configure({ [TRAIL_POLICY]: { enforcementLevel: "mandatory", externalOrganizationTrail: "arn:aws:cloudtrail:eu-west-1:111111111111:trail/aws-controltower-BaselineCloudTrail" } });
                expectNone(await stack(without(base, "organization-trail")), TRAIL_POLICY);
            } finally {
                await pack.client().configure({});
            }
        });
    });

    describe(BUCKET_POLICY, () => {
        const pab = find(base, "trail-logs-pab");
        it("passes the trail's bucket with public access blocked and the trail's KMS key", async () => {
            expectNone(await stack(base), BUCKET_POLICY);
        });
        it("flags the trail's bucket without a public access block, on the bucket", async () => {
            const [v] = expectViolation(
                await stack(without(base, "trail-logs-pab")),
                BUCKET_POLICY,
                /receives CloudTrail logs \(trail .* delivers to it\) but its public access is not blocked/,
                "mandatory",
            );
            assert.strictEqual(v.urn, bucket.urn);
        });
        it("flags a public access block with one setting off, and reports one unknown at preview", async () => {
            const off = res(T.publicAccessBlock, "trail-logs-pab", { ...pab.properties, restrictPublicBuckets: false }, { deps: { bucket: [bucket] } });
            expectViolation(await stack(withResources(base, off)), BUCKET_POLICY, /public access is not blocked/);
            const unknown = res(T.publicAccessBlock, "trail-logs-pab", { ...pab.properties, blockPublicPolicy: UNKNOWN }, { deps: { bucket: [bucket] } });
            expectViolation(await stack(withResources(base, unknown)), BUCKET_POLICY, /Could not check whether public access/);
        });
        it("accepts the account-wide public access block of the bucket's own account only", async () => {
            const inAccount = (r: AnalyzerResource) => withProvider(r, "222222222222");
            const accountBlock = (account: string) =>
                withProvider(
                    res(T.accountPublicAccessBlock, `account-pab-${account}`, { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }),
                    account,
                );
            const stackIn = [...without(base, "trail-logs-pab", "trail-logs"), inAccount(bucket)];
            expectNone(await stack([...stackIn, accountBlock("222222222222")]), BUCKET_POLICY);
            expectViolation(await stack([...stackIn, accountBlock("333333333333")]), BUCKET_POLICY, /public access is not blocked/);
        });
        it("flags logs without a KMS key: no kmsKeyId on the trail, S3's default (AES256) encryption", async () => {
            const sse = res(T.bucketEncryption, "trail-logs-sse", { bucket: UNKNOWN, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, { deps: { bucket: [bucket] } });
            const noKms = res(T.trail, "organization-trail", { ...trail.properties, kmsKeyId: undefined }, { deps: { s3BucketName: [bucket] } });
            expectViolation(await stack(withResources(base, noKms, sse)), BUCKET_POLICY, /not encrypted with a KMS key/);
            const kms = res(
                T.bucketEncryption,
                "trail-logs-sse",
                { bucket: UNKNOWN, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: UNKNOWN } }] },
                { deps: { bucket: [bucket] } },
            );
            expectNone(await stack(withResources(base, noKms, kms)), BUCKET_POLICY);
        });
        it("judges a bucket whose policy lets CloudTrail write, with no trail in the stack (a log archive stack)", async () => {
            const logBucket = res(T.bucket, "archive", { bucket: "example-archive" });
            const policy = res(
                T.bucketPolicy,
                "archive-policy",
                {
                    bucket: UNKNOWN,
                    policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "s3:PutObject", Resource: UNKNOWN }] },
                },
                { deps: { bucket: [logBucket] } },
            );
            const vs = await stack([logBucket, policy]);
            expectViolation(vs, BUCKET_POLICY, /its policy lets CloudTrail write\) but its public access is not blocked/);
            expectViolation(vs, BUCKET_POLICY, /not encrypted with a KMS key/);
        });
        it("leaves alone buckets that receive no CloudTrail logs", async () => {
            const other = res(T.bucket, "assets", { bucket: "example-assets" });
            const reader = res(
                T.bucketPolicy,
                "assets-policy",
                { bucket: UNKNOWN, policy: doc({ Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::example-assets/*" }) },
                { deps: { bucket: [other] } },
            );
            expectNone(await stack([other, reader]), BUCKET_POLICY);
        });
    });

    describe(KEY_POLICY, () => {
        const open = doc(
            { Sid: "Root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:*", Resource: "*" },
            { Sid: "Everyone", Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*" },
        );
        it("passes a key policy that names its principals, and Principal * restricted by a condition", async () => {
            expectNone(await analyze(key), KEY_POLICY);
            const scoped = doc({ Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-exampleorg1" } } });
            expectNone(await analyze(res(T.kmsKeyPolicy, "scoped", { keyId: UNKNOWN, policy: scoped })), KEY_POLICY);
        });
        it("flags Principal * with no condition, naming the statement, on aws.kms.Key and aws.kms.KeyPolicy", async () => {
            expectViolation(await analyze(res(T.kmsKey, "open-key", { policy: open })), KEY_POLICY, /statement #2 \(Sid "Everyone"\) with no condition/, "mandatory");
            expectViolation(
                await analyze(res(T.kmsKeyPolicy, "open-policy", { keyId: UNKNOWN, policy: doc({ Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" }) })),
                KEY_POLICY,
                /allows everyone/,
            );
        });
        it("leaves a Deny with Principal * alone", async () => {
            const deny = doc({ Effect: "Deny", Principal: "*", Action: "kms:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }, JSON.parse(LOG_KEY_POLICY).Statement[0]);
            expectNone(await analyze(res(T.kmsKeyPolicy, "deny", { keyId: UNKNOWN, policy: deny })), KEY_POLICY);
        });
        it("reports a key policy unknown at preview instead of passing it", async () => {
            expectViolation(await analyze(res(T.kmsKeyPolicy, "unknown", { keyId: UNKNOWN, policy: UNKNOWN })), KEY_POLICY, /Could not check the key policy/);
        });
    });
});
