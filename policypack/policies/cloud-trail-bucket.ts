import { StackValidationPolicy } from "@pulumi/policy";
import { msg } from "../lib/policy";
import { actionMatches, isAllow, parseDocument, toArray, type Statement } from "../lib/policy-document";
import { displayName, resolveRef, Res, StackView, stackViewOf } from "../lib/stack";
import { cannotCheck, isUnknown } from "../lib/unknown";
import { TRAIL } from "./organization-trail";

const BUCKETS = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const BUCKET_FIELDS = ["bucket", "id"];
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const ACCOUNT_PUBLIC_ACCESS_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock";
const ENCRYPTION = [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];
const PUBLIC_ACCESS_SETTINGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

const REMEDIATION =
    "For the bucket that receives CloudTrail logs, add an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, " +
    "ignorePublicAcls and restrictPublicBuckets all true (or an aws.s3.AccountPublicAccessBlock in its account), and encrypt the logs with a " +
    "KMS key: kmsKeyId on the trail, or an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms.";

type Verdict = "yes" | "no" | "unknown";

/** Does a policy statement let CloudTrail write objects? */
function cloudTrailWrites(s: Statement): boolean {
    if (!isAllow(s)) return false;
    const p = s.principal;
    const services = p && typeof p === "object" && !isUnknown(p) ? toArray((p as Record<string, unknown>).Service) : [];
    if (!services.includes("cloudtrail.amazonaws.com")) return false;
    return (s.action ?? []).some((a) => typeof a === "string" && actionMatches(a, "s3:PutObject"));
}

/** The buckets of the stack that receive CloudTrail logs, each with the trails writing there and why it counts. */
export function cloudTrailBuckets(view: StackView): Map<Res, { trails: Res[]; reason: string }> {
    const out = new Map<Res, { trails: Res[]; reason: string }>();
    const note = (bucket: Res, reason: string, trail?: Res) => {
        const e = out.get(bucket) ?? { trails: [], reason };
        if (trail && !e.trails.includes(trail)) e.trails.push(trail);
        out.set(bucket, e);
    };
    for (const trail of view.ofType(TRAIL)) {
        const ref = resolveRef(view, trail, "s3BucketName", BUCKETS, BUCKET_FIELDS);
        if (ref.kind === "resources") for (const b of ref.targets) note(b, `trail ${displayName(trail)} delivers to it`, trail);
    }
    const policies: [Res, unknown][] = [
        ...view.ofType(BUCKET_POLICY).map((r): [Res, unknown] => [r, r.props.policy]),
        ...BUCKETS.flatMap((t) => view.ofType(t)).map((r): [Res, unknown] => [r, r.props.policy]),
    ];
    for (const [res, policy] of policies) {
        const doc = parseDocument(policy);
        if (doc.kind !== "ok" || !doc.statements.some(cloudTrailWrites)) continue;
        if (BUCKETS.includes(res.type)) {
            note(res, "its policy lets CloudTrail write");
            continue;
        }
        const ref = resolveRef(view, res, "bucket", BUCKETS, BUCKET_FIELDS);
        if (ref.kind === "resources") for (const b of ref.targets) note(b, "its policy lets CloudTrail write");
    }
    return out;
}

/** Resources of `types` whose `bucket` property refers to `bucket`. */
function forBucket(view: StackView, types: string[], bucket: Res): Res[] {
    return types
        .flatMap((t) => view.ofType(t))
        .filter((r) => {
            const ref = resolveRef(view, r, "bucket", BUCKETS, BUCKET_FIELDS);
            return ref.kind === "resources" && ref.targets.includes(bucket);
        });
}

function allTrue(r: Res): Verdict {
    const vs = PUBLIC_ACCESS_SETTINGS.map((k) => r.props[k]);
    if (vs.every((v) => v === true)) return "yes";
    return vs.some((v) => isUnknown(v)) && vs.every((v) => v === true || isUnknown(v)) ? "unknown" : "no";
}

/** The best verdict of several ways to satisfy a rule. */
function best(vs: Verdict[]): Verdict {
    return vs.includes("yes") ? "yes" : vs.includes("unknown") ? "unknown" : "no";
}

function publicAccessBlocked(view: StackView, bucket: Res): Verdict {
    const own = forBucket(view, [PUBLIC_ACCESS_BLOCK], bucket).map(allTrue);
    // The account-wide block covers every bucket of its account: the bucket's own provider's account.
    const account = view
        .ofType(ACCOUNT_PUBLIC_ACCESS_BLOCK)
        .filter((r) => r.provider === bucket.provider)
        .map(allTrue);
    return best([...own, ...account]);
}

function kmsAlgorithm(rule: unknown): Verdict {
    if (isUnknown(rule)) return "unknown";
    const rules = toArray(rule);
    const algs = rules.map((r) => {
        if (isUnknown(r) || !r || typeof r !== "object") return isUnknown(r) ? "unknown" : "no";
        const d = (r as Record<string, unknown>).applyServerSideEncryptionByDefault;
        if (isUnknown(d)) return "unknown";
        const alg = d && typeof d === "object" ? (d as Record<string, unknown>).sseAlgorithm : undefined;
        return isUnknown(alg) ? "unknown" : typeof alg === "string" && KMS_ALGORITHMS.includes(alg) ? "yes" : "no";
    });
    return best(algs as Verdict[]);
}

function encryptedWithKms(view: StackView, bucket: Res, trails: Res[]): Verdict {
    // CloudTrail encrypts its log files with the trail's KMS key itself (a key unknown at preview is a specific key).
    const byTrail: Verdict = trails.length > 0 && trails.every((t) => isUnknown(t.props.kmsKeyId) || (typeof t.props.kmsKeyId === "string" && t.props.kmsKeyId !== "")) ? "yes" : "no";
    const configs = forBucket(view, ENCRYPTION, bucket).map((r) => kmsAlgorithm(r.props.rules ?? r.props.rule));
    const inline = bucket.props.serverSideEncryptionConfiguration;
    const inlineVerdict: Verdict[] = inline && typeof inline === "object" && !isUnknown(inline) ? [kmsAlgorithm((inline as Record<string, unknown>).rule)] : isUnknown(inline) ? ["unknown"] : [];
    return best([byTrail, ...configs, ...inlineVerdict]);
}

export function cloudTrailBucketFindings(view: StackView): { urn: string; message: string }[] {
    const out: { urn: string; message: string }[] = [];
    for (const [bucket, { trails, reason }] of cloudTrailBuckets(view)) {
        const name = `Bucket ${displayName(bucket)} receives CloudTrail logs (${reason})`;
        const pab = publicAccessBlocked(view, bucket);
        if (pab === "no") {
            out.push({
                urn: bucket.urn,
                message: `${name} but its public access is not blocked: no aws.s3.BucketPublicAccessBlock for it with all four settings true, and no account-wide block in its account.`,
            });
        } else if (pab === "unknown") {
            out.push({ urn: bucket.urn, message: cannotCheck(`whether public access to ${displayName(bucket)} is blocked (a public access block setting)`) });
        }
        const enc = encryptedWithKms(view, bucket, trails);
        if (enc === "no") {
            out.push({
                urn: bucket.urn,
                message:
                    `${name} but the logs are not encrypted with a KMS key: no trail writing there sets kmsKeyId and the bucket's default encryption is not aws:kms ` +
                    "(with S3's default encryption, whoever may read the objects reads the logs; a KMS key adds a key policy of its own).",
            });
        } else if (enc === "unknown") {
            out.push({ urn: bucket.urn, message: cannotCheck(`whether ${displayName(bucket)} encrypts with a KMS key (its encryption algorithm)`) });
        }
    }
    return out;
}

export const cloudTrailBucket: StackValidationPolicy = {
    name: "cloudtrail-log-bucket",
    description: "An S3 bucket that receives CloudTrail logs (a trail of the stack delivers there, or its policy lets CloudTrail write) blocks public access and encrypts the logs with a KMS key.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const f of cloudTrailBucketFindings(stackViewOf(args.resources))) report(msg(f.message, REMEDIATION), f.urn);
    },
};
