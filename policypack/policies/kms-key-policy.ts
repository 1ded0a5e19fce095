import { ResourceValidationPolicy } from "@pulumi/policy";
import { forType, msg } from "../lib/policy";
import { isAllow, parseDocument, stmtLabel, toArray, type Statement } from "../lib/policy-document";
import { cannotCheck, isUnknown, plainProps, UNKNOWN_DOCUMENT_FIX } from "../lib/unknown";

const KEY = "aws:kms/key:Key";
const KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy";

const REMEDIATION =
    'Name the principals of the key policy (an account root, roles, service principals), or keep Principal "*" only with a ' +
    "condition that restricts who it is: aws:PrincipalOrgID, aws:PrincipalAccount, kms:CallerAccount, aws:PrincipalArn, kms:ViaService with one of those, aws:SourceArn for a service.";

/** Everyone: "*", {"AWS": "*"} or an AWS list holding "*". `undefined` when the principal is unknown at preview. */
function everyone(s: Statement): boolean | undefined {
    const p = s.principal;
    if (isUnknown(p)) return undefined;
    if (p === "*") return true;
    if (!p || typeof p !== "object") return false;
    const aws = (p as Record<string, unknown>).AWS;
    if (isUnknown(aws)) return undefined;
    return toArray(aws).includes("*");
}

/** Findings of one key policy document: an Allow to everyone without a condition. */
export function keyPolicyFindings(policy: unknown, label: string): { problem: string; fix: string }[] {
    const doc = parseDocument(policy);
    if (doc.kind === "absent") return [];
    if (doc.kind === "unknown") return [{ problem: cannotCheck(`the key policy of ${label}`, "the document is unknown at preview"), fix: UNKNOWN_DOCUMENT_FIX }];
    if (doc.kind === "invalid") return [{ problem: `The key policy of ${label} is ${doc.error}.`, fix: "Pass a JSON policy document." }];
    const out: { problem: string; fix: string }[] = [];
    for (const s of doc.statements) {
        if (!isAllow(s)) continue;
        const all = everyone(s);
        const conditioned = s.conditionUnknown || Object.keys(s.condition ?? {}).length > 0;
        if (all === undefined && !conditioned) {
            out.push({
                problem: cannotCheck(`the principal of ${stmtLabel(s)} in the key policy of ${label}`),
                fix: "Make the principal known at preview (a literal ARN, or an output of a resource of the stack inside the Principal element).",
            });
        } else if (all && !conditioned) {
            out.push({
                problem: `The key policy of ${label} allows everyone (Principal "*") in ${stmtLabel(s)} with no condition: any AWS account may use or manage the key as far as the statement's actions go.`,
                fix: REMEDIATION,
            });
        }
    }
    return out;
}

export const kmsKeyPolicy: ResourceValidationPolicy = {
    name: "kms-key-policy-public-principal",
    description: 'A KMS key policy (aws.kms.Key policy, aws.kms.KeyPolicy) never allows Principal "*" without a condition.',
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateResource: [
        forType(KEY, (args, report) => {
            for (const f of keyPolicyFindings(plainProps(args.props).policy, `key ${args.name}`)) report(msg(f.problem, f.fix));
        }),
        forType(KEY_POLICY, (args, report) => {
            for (const f of keyPolicyFindings(plainProps(args.props).policy, `key policy ${args.name}`)) report(msg(f.problem, f.fix));
        }),
    ],
};
