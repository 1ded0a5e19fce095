// IAM Identity Center in the policy pack: permission set documents judged like every identity
// policy (PassRole, NotAction, sizes, full admin, escalation through inline, AWS and customer
// managed policies, capped by the set's boundary), session durations, and where assignments go.
import * as assert from "assert";
import { durationSeconds } from "../../policypack/policies/sso-permission-sets";
import { analyzeEach, cleanStack, doc, expectNone, expectViolation, find, mandatory, res, T as BASE, UNKNOWN } from "./support";
import { inProcessPack } from "./in-process";
import type { AnalyzerResource } from "../../tools/lib/analyzer";

const T = {
    ...BASE,
    permissionSet: "aws:ssoadmin/permissionSet:PermissionSet",
    inline: "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
    managed: "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment",
    customer: "aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment",
    boundary: "aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment",
    assignment: "aws:ssoadmin/accountAssignment:AccountAssignment",
};
const INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef";

/** A permission set (ARN unknown at preview) and what is attached to it, through property dependencies. */
function permissionSet(name: string, extra: Record<string, unknown> = {}) {
    const ps = res(T.permissionSet, name, { instanceArn: INSTANCE, name, sessionDuration: "PT4H", ...extra });
    const on = (type: string, suffix: string, props: Record<string, unknown>) =>
        res(type, `${name}-${suffix}`, { instanceArn: INSTANCE, permissionSetArn: UNKNOWN, ...props }, { deps: { permissionSetArn: [ps] } });
    return {
        ps,
        inline: (policy: string) => on(T.inline, "inline", { inlinePolicy: policy }),
        managed: (policyName: string) => on(T.managed, policyName, { managedPolicyArn: `arn:aws:iam::aws:policy/${policyName}` }),
        customer: (ref: { name: string; path: string }) => on(T.customer, ref.name, { customerManagedPolicyReference: ref }),
        boundary: (ref: { name: string; path: string }) => on(T.boundary, "boundary", { permissionsBoundary: { customerManagedPolicyReference: ref } }),
    };
}

function assignment(name: string, ps: AnalyzerResource, target: { id?: string; deps?: AnalyzerResource[] }) {
    return res(
        T.assignment,
        name,
        {
            instanceArn: INSTANCE,
            permissionSetArn: UNKNOWN,
            principalId: "9067a2e5c1-1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d",
            principalType: "GROUP",
            targetId: target.id ?? UNKNOWN,
            targetType: "AWS_ACCOUNT",
        },
        { deps: { permissionSetArn: [ps], ...(target.deps ? { targetId: target.deps } : {}) } },
    );
}

describe("policy pack: IAM Identity Center", function () {
    const pack = inProcessPack();
    const all = async (rs: AnalyzerResource[]) => [...(await analyzeEach(pack.client(), rs)), ...(await pack.client().analyzeStack(rs))];

    describe("session duration", () => {
        it("reads ISO 8601 durations", () => {
            assert.strictEqual(durationSeconds("PT12H"), 43200);
            assert.strictEqual(durationSeconds("PT4H30M"), 16200);
            assert.strictEqual(durationSeconds("P1D"), 86400);
            for (const bad of ["12h", "P", "PT", "PTH"]) assert.strictEqual(durationSeconds(bad), undefined, bad);
        });

        it("at most 12 hours, and stated", async () => {
            expectNone(await pack.client().analyze(permissionSet("ok", { sessionDuration: "PT12H" }).ps), "sso-permission-set-session");
            expectViolation(
                await pack.client().analyze(permissionSet("long", { sessionDuration: "PT12H30M" }).ps),
                "sso-permission-set-session",
                /12.5 hours\); IAM Identity Center allows at most 12 hours/,
                "mandatory",
            );
            expectViolation(await pack.client().analyze(permissionSet("day", { sessionDuration: "P1D" }).ps), "sso-permission-set-session", /24 hours/);
            expectViolation(await pack.client().analyze(permissionSet("none", { sessionDuration: undefined }).ps), "sso-permission-set-session", /sets no session duration/);
            expectViolation(await pack.client().analyze(permissionSet("words", { sessionDuration: "8 hours" }).ps), "sso-permission-set-session", /not an ISO 8601 duration/);
            expectViolation(await pack.client().analyze(permissionSet("later", { sessionDuration: UNKNOWN }).ps), "sso-permission-set-session", /Could not check/);
        });
    });

    describe("inline policies are identity policies", () => {
        it("PassRole on every role, Allow with NotAction, and an escalation, each named", async () => {
            const s = permissionSet("deployer");
            const inline = s.inline(
                doc(
                    { Sid: "Functions", Effect: "Allow", Action: ["lambda:CreateFunction"], Resource: "*" },
                    { Sid: "PassAny", Effect: "Allow", Action: "iam:PassRole", Resource: "*" },
                    { Sid: "Everything", Effect: "Allow", NotAction: "iam:*", Resource: "*" },
                ),
            );
            const vs = await all([s.ps, inline]);
            expectViolation(vs, "iam-no-passrole-wildcard", /PassAny/);
            expectViolation(vs, "iam-no-allow-not-action", /Everything/);
            expectViolation(vs, "iam-no-privilege-escalation", /permission set deployer.*not marked admin|lambda:CreateFunction/s);
        });

        it("a misspelled action", async () => {
            const s = permissionSet("reader");
            expectViolation(await pack.client().analyze(s.inline(doc({ Effect: "Allow", Action: "s3:GetObjects", Resource: "*" }))), "iam-valid-policy-elements", /s3:GetObject/);
        });

        it("10,240 characters without whitespace, 32,768 as submitted", async () => {
            const statements = (n: number) =>
                Array.from({ length: n }, (_, i) => ({
                    Sid: `Read${i}`,
                    Effect: "Allow",
                    Action: ["s3:GetObject", "s3:ListBucket"],
                    Resource: [`arn:aws:s3:::example-bucket-number-${i}`, `arn:aws:s3:::example-bucket-number-${i}/*`],
                }));
            const s = permissionSet("big");
            const big = s.inline(doc(...statements(80)));
            const vs = await all([s.ps, big]);
            expectViolation(vs, "iam-policy-size", /permission set's inline policy is \d+ characters without whitespace; the IAM limit is 10240/);
            expectViolation(vs, "iam-inline-policy-total-size", /permission set big.*limit per permission set is 10240/);
            // Small once minified, too large as sent (the provider sends the text as it is).
            const padded = JSON.stringify({ Version: "2012-10-17", Statement: statements(20) }, null, 4).replace(/\n/g, `\n${" ".repeat(120)}`);
            assert.ok(padded.length > 32768 && JSON.stringify(JSON.parse(padded)).length < 10240, `${padded.length}`);
            const w = permissionSet("padded");
            const vw = await pack.client().analyze(w.inline(padded));
            expectViolation(vw, "iam-policy-size", /as submitted; IAM Identity Center allows 32768, whitespace included/);
            expectNone(await pack.client().analyze(permissionSet("fits").inline(doc(...statements(20)))), "iam-policy-size");
        });

        it("tag-scoped inline policies are judged for tag isolation", async () => {
            const s = permissionSet("dev-operator");
            const vs = await pack.client().analyze(
                s.inline(
                    doc({
                        Sid: "Tagged",
                        Effect: "Allow",
                        Action: ["ec2:StopInstances", "s3:ListAllMyBuckets"],
                        Resource: "*",
                        Condition: { StringEquals: { "aws:ResourceTag/Environment": "dev" } },
                    }),
                ),
            );
            expectViolation(vs, "iam-tag-isolation", /s3:ListAllMyBuckets/, "advisory");
        });
    });

    describe("full admin: only on a permission set marked admin", () => {
        it('AdministratorAccess or an inline "*" on a set not marked admin', async () => {
            const s = permissionSet("developer-full");
            expectViolation(await pack.client().analyzeStack([s.ps, s.managed("AdministratorAccess")]), "iam-no-full-admin", /permission set developer-full .*not marked admin/);
            const t = permissionSet("inline-full");
            expectViolation(await pack.client().analyzeStack([t.ps, t.inline(doc({ Effect: "Allow", Action: "*", Resource: "*" }))]), "iam-no-full-admin", /permission set inline-full/);
        });

        it("marked admin: accepted (MFA is the Identity Center sign-in's)", async () => {
            const s = permissionSet("prod-admin", { tags: { AccessLevel: "admin", Environment: "prod" } });
            const vs = await pack.client().analyzeStack([s.ps, s.managed("AdministratorAccess")]);
            expectNone(vs, "iam-no-full-admin");
            expectNone(vs, "iam-no-privilege-escalation");
        });
    });

    describe("customer managed policies and boundaries, by name and path", () => {
        const maintainer = res(T.policy, "policy-maintainer", {
            name: "policy-maintainer",
            path: "/",
            policy: doc({ Effect: "Allow", Action: ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"], Resource: "*" }),
        });

        it("a referenced policy of the stack applies to the set: its escalation is the set's", async () => {
            const s = permissionSet("maintainer");
            const vs = await pack.client().analyzeStack([maintainer, s.ps, s.customer({ name: "policy-maintainer", path: "/" })]);
            expectViolation(vs, "iam-no-privilege-escalation", /policy-maintainer.*permission set maintainer/s);
            // Another path names another policy.
            const other = permissionSet("other");
            const none = await pack.client().analyzeStack([maintainer, other.ps, other.customer({ name: "policy-maintainer", path: "/teams/" })]);
            expectViolation(none, "iam-no-privilege-escalation", /attached to no entity/);
        });

        it("PowerUserAccess capped by a boundary that denies the escalations; the boundary's Allow * is only a ceiling", async () => {
            const boundary = res(T.policy, "boundary", {
                name: "workload-boundary",
                path: "/boundaries/",
                policy: doc(
                    { Sid: "Ceiling", Effect: "Allow", Action: "*", Resource: "*" },
                    {
                        Sid: "NoRunAsOthers",
                        Effect: "Deny",
                        Action: [
                            "lambda:UpdateFunctionCode",
                            "glue:UpdateDevEndpoint",
                            "sts:AssumeRole",
                            "cloudformation:UpdateStack",
                            "cloudformation:CreateChangeSet",
                            "ec2-instance-connect:SendSSHPublicKey",
                            "ssm:SendCommand",
                            "ssm:StartSession",
                            "sagemaker:CreatePresignedNotebookInstanceUrl",
                            "ec2:ModifyInstanceAttribute",
                        ],
                        Resource: "*",
                    },
                ),
            });
            const capped = permissionSet("power-user");
            const vs = await pack.client().analyzeStack([boundary, capped.ps, capped.managed("PowerUserAccess"), capped.boundary({ name: "workload-boundary", path: "/boundaries/" })]);
            expectNone(vs, "iam-no-privilege-escalation");
            expectNone(vs, "iam-no-full-admin");
            const bare = permissionSet("power-user");
            expectViolation(await pack.client().analyzeStack([boundary, bare.ps, bare.managed("PowerUserAccess")]), "iam-no-privilege-escalation", /PowerUserAccess/);
        });
    });

    describe("account assignments", () => {
        const base = cleanStack();
        const org = find(base, "org");
        const prod = find(base, "acct-prod");
        const dev = find(base, "acct-dev");
        const prodRead = permissionSet("prod-read", { tags: { Environment: "prod" } });
        const devWrite = permissionSet("dev-write", { tags: { Environment: "dev" } });
        const sets = [prodRead.ps, prodRead.managed("ReadOnlyAccess"), devWrite.ps, devWrite.managed("ReadOnlyAccess")];
        const policy = "sso-account-assignments";

        it("the stack's accounts, its management account, and listed IDs are the organization's", async () => {
            const stack = [
                ...base,
                ...sets,
                assignment("prod-read-prod", prodRead.ps, { deps: [prod] }),
                assignment("dev-write-dev", devWrite.ps, { deps: [dev] }),
                assignment("prod-read-management", prodRead.ps, { deps: [org] }),
                assignment("prod-read-listed", prodRead.ps, { id: "123456789012" }),
            ];
            expectViolation(await pack.client().analyzeStack(stack), policy, /123456789012, which is not an account of this stack's organization/);
            await pack.client().configure({ [policy]: { organizationAccountIds: ["123456789012"] } });
            try {
                const vs = await all(stack);
                expectNone(vs, policy);
                assert.deepStrictEqual(
                    mandatory(vs).map((v) => v.message),
                    [],
                );
            } finally {
                await pack.client().configure({});
            }
        });

        it("a non-production permission set in a production account", async () => {
            const vs = await pack.client().analyzeStack([...base, ...sets, assignment("dev-write-prod", devWrite.ps, { deps: [prod] })]);
            expectViolation(vs, policy, /assigns permission set dev-write .*Environment=dev.* in production account prod/);
        });

        it("a target nobody can tell at preview", async () => {
            expectViolation(await pack.client().analyzeStack([...base, ...sets, assignment("somewhere", prodRead.ps, {})]), policy, /Could not check which account/);
        });
    });
});
