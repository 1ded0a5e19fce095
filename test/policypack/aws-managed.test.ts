// The reviewed table of AWS managed policies the pack judges attachments by
// (policypack/lib/aws-managed-policies.ts): well-formed ARNs that agree with @pulumi/aws's own list,
// statements that parse, and actions that exist in the action catalogue.
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { AWS_MANAGED_POLICIES, awsManagedDocument, awsManagedPolicy } from "../../policypack/lib/aws-managed-policies";
import { checkStatement } from "../../policypack/lib/catalogue";
import { escalationGrants } from "../../policypack/policies/privilege-escalation";
import { isFullAdmin, parseDocument } from "../../policypack/lib/policy-document";

const ARN = /^arn:aws:iam::aws:policy\/((service-role|job-function)\/)?[A-Za-z0-9+=,.@_-]{1,128}$/;

/** A table entry's ARN is malformed: the reason, or undefined. */
export function malformed(p: { name: string; arn: string; version: string }): string | undefined {
    if (!ARN.test(p.arn)) return `${p.arn} is not an AWS managed policy ARN (arn:aws:iam::aws:policy/[service-role/|job-function/]<Name>)`;
    if (p.arn.split("/").pop() !== p.name) return `${p.arn} does not end with the name ${p.name}`;
    if (!/^v\d+$/.test(p.version)) return `${p.name}: version ${p.version} is not of the form v<number>`;
    return undefined;
}

describe("policy pack: reviewed table of AWS managed policies", () => {
    it("every ARN is well formed, ends with its name, and names a reviewed version; names are unique", () => {
        assert.deepStrictEqual(AWS_MANAGED_POLICIES.map(malformed).filter(Boolean), []);
        assert.strictEqual(new Set(AWS_MANAGED_POLICIES.map((p) => p.name)).size, AWS_MANAGED_POLICIES.length);
        assert.ok(AWS_MANAGED_POLICIES.length >= 60);
    });

    it("the ARN check fails on malformed ARNs", () => {
        for (const arn of [
            "arn:aws:iam::aws:policy/Admin istratorAccess",
            "arn:aws:iam::123456789012:policy/AdministratorAccess",
            "arn:aws:iam:aws:policy/AdministratorAccess",
            "arn:aws:iam::aws:policy/aws-service-role/X",
            "arn:aws:iam::aws:policy/Other",
        ]) {
            assert.ok(malformed({ name: "AdministratorAccess", arn, version: "v1" }), arn);
        }
        assert.ok(malformed({ name: "AdministratorAccess", arn: "arn:aws:iam::aws:policy/AdministratorAccess", version: "1" }));
    });

    it("agrees with the ARNs @pulumi/aws lists for the same policies", () => {
        const known = new Map(Object.values(aws.iam.ManagedPolicy as Record<string, string>).map((arn) => [arn.split("/").pop()!, arn]));
        const compared = AWS_MANAGED_POLICIES.filter((p) => known.has(p.name));
        assert.ok(compared.length >= 40, `${compared.length} entries compared`);
        assert.deepStrictEqual(
            compared.filter((p) => known.get(p.name) !== p.arn).map((p) => `${p.name}: ${p.arn} vs ${known.get(p.name)}`),
            [],
        );
    });

    it("grants parse and name only actions of the catalogue", async () => {
        const problems: string[] = [];
        for (const p of AWS_MANAGED_POLICIES) {
            const parsed = parseDocument(JSON.stringify(awsManagedDocument(p)));
            if (parsed.kind !== "ok") {
                problems.push(`${p.name}: ${parsed.kind}`);
                continue;
            }
            for (const s of parsed.statements) for (const f of await checkStatement(s)) problems.push(`${p.name}: ${f}`);
        }
        assert.deepStrictEqual(problems, []);
    });

    it("the widely used full-access policies grant what the catalogue says, and the reviewed read-only ones nothing", () => {
        const verdict = (name: string) => {
            const p = AWS_MANAGED_POLICIES.find((x) => x.name === name);
            assert.ok(p, name);
            const parsed = parseDocument(JSON.stringify(awsManagedDocument(p)));
            return { admin: parsed.kind === "ok" && parsed.statements.some(isFullAdmin), actions: escalationGrants(parsed).actions };
        };
        assert.ok(verdict("AdministratorAccess").admin);
        assert.ok(verdict("AWSLambda_FullAccess").actions.includes("iam:PassRole with lambda:CreateFunction"));
        assert.ok(verdict("AWSLambda_FullAccess").actions.includes("lambda:UpdateFunctionCode"));
        assert.ok(verdict("PowerUserAccess").actions.includes("sts:AssumeRole"));
        assert.ok(!verdict("PowerUserAccess").actions.some((a) => a.startsWith("iam:")), "PowerUserAccess grants no IAM");
        assert.ok(verdict("AmazonSSMFullAccess").actions.includes("ssm:SendCommand"));
        assert.ok(verdict("AmazonEC2FullAccess").actions.includes("ec2:ModifyInstanceAttribute"));
        assert.ok(verdict("AWSCloudFormationFullAccess").actions.includes("cloudformation:UpdateStack"));
        for (const name of ["ReadOnlyAccess", "SecurityAudit", "AmazonS3FullAccess", "AWSLambdaBasicExecutionRole", "AmazonECSTaskExecutionRolePolicy", "AmazonSSMManagedInstanceCore"]) {
            const v = verdict(name);
            assert.ok(!v.admin && v.actions.length === 0, `${name}: ${v.actions.join(", ")}`);
        }
        assert.strictEqual(awsManagedPolicy("arn:aws:iam::aws:policy/NotAPolicy"), undefined);
    });
});
