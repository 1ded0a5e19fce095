// Stack policies, each with a passing and a failing stack, run in-process by the policy SDK (in-process.ts).
import * as assert from "assert";
import {
    BASELINE_SCP,
    cleanStack,
    doc,
    expectNone,
    expectViolation,
    find,
    FORCE_MFA,
    INSTANCE_TYPES_SCP,
    mandatory,
    MFA_TRUST,
    READ_ONLY,
    res,
    SERVICE_TRUST,
    T,
    UNKNOWN,
    withResources,
    without,
} from "./support";
import { inProcessPack } from "./in-process";

describe("policy pack: stack policies (AnalyzeStack over gRPC)", function () {
    const pack = inProcessPack();
    const stack = (rs: Parameters<ReturnType<typeof pack.client>["analyzeStack"]>[0]) => pack.client().analyzeStack(rs);

    it("the clean organization has no stack violation at all", async () => {
        const vs = await stack(cleanStack());
        assert.deepStrictEqual(
            vs.map((v) => `${v.policyName}: ${v.message}`),
            [],
        );
    });

    describe("iam-no-privilege-escalation", () => {
        const base = cleanStack();
        const devs = find(base, "developers");
        it("flags iam:* and iam:Put* granted to a group that is not admin, naming the actions", async () => {
            const vs = await stack(
                withResources(
                    base,
                    res(
                        T.groupPolicy,
                        "developers-iam",
                        { group: "developers", policy: doc({ Effect: "Allow", Action: ["iam:Put*", "iam:AttachRolePolicy"], Resource: "*" }) },
                        { deps: { group: [devs] } },
                    ),
                ),
            );
            const hits = expectViolation(vs, "iam-no-privilege-escalation", /iam:PutRolePolicy/, "mandatory");
            assert.ok(/group developers/.test(hits[0].message) && /iam:AttachRolePolicy/.test(hits[0].message));
            assert.strictEqual(hits[0].urn, "urn:pulumi:test::landing-zone::aws:iam/groupPolicy:GroupPolicy::developers-iam");
        });
        it("flags iam:PassRole combined with lambda:CreateFunction through a managed policy attached to a role", async () => {
            const pol = res(T.policy, "deployer", { name: "deployer", policy: doc({ Effect: "Allow", Action: ["iam:PassRole", "lambda:CreateFunction"], Resource: "*" }) });
            const role = res(T.role, "ci", { name: "ci", assumeRolePolicy: SERVICE_TRUST });
            const att = res(T.rolePolicyAttachment, "ci-deployer", { role: "ci", policyArn: UNKNOWN }, { deps: { role: [role], policyArn: [pol] } });
            expectViolation(await stack(withResources(base, pol, role, att)), "iam-no-privilege-escalation", /iam:PassRole with lambda:CreateFunction.*role ci/);
        });
        it("passes the same grants to an entity marked admin (tag) and to a scoped or boundary-conditioned grant", async () => {
            const admin = find(base, "admin-role");
            const ok1 = res(T.rolePolicy, "admin-iam", { role: "OrganizationAdmin", policy: doc({ Effect: "Allow", Action: "iam:*", Resource: "*" }) }, { deps: { role: [admin] } });
            const ok2 = res(
                T.groupPolicy,
                "developers-scoped",
                { group: "developers", policy: doc({ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: "arn:aws:iam::111111111111:role/dev-*" }) },
                { deps: { group: [devs] } },
            );
            const ok3 = res(
                T.groupPolicy,
                "developers-boundary",
                {
                    group: "developers",
                    policy: doc({
                        Effect: "Allow",
                        Action: ["iam:CreateRole", "iam:AttachRolePolicy"],
                        Resource: "*",
                        Condition: { StringEquals: { "iam:PermissionsBoundary": "arn:aws:iam::111111111111:policy/dev-boundary" } },
                    }),
                },
                { deps: { group: [devs] } },
            );
            expectNone(await stack(withResources(base, ok1, ok2, ok3)), "iam-no-privilege-escalation");
        });
        it("honours adminEntityNames for groups (groups cannot be tagged) after Configure", async () => {
            const vsBefore = await stack(
                withResources(
                    base,
                    res(T.groupPolicy, "developers-iam", { group: "developers", policy: doc({ Effect: "Allow", Action: "iam:CreateAccessKey", Resource: "*" }) }, { deps: { group: [devs] } }),
                ),
            );
            expectViolation(vsBefore, "iam-no-privilege-escalation");
            await pack.client().configure({ "iam-no-privilege-escalation": { adminEntityNames: ["developers"] } });
            try {
                const vsAfter = await stack(
                    withResources(
                        base,
                        res(T.groupPolicy, "developers-iam", { group: "developers", policy: doc({ Effect: "Allow", Action: "iam:CreateAccessKey", Resource: "*" }) }, { deps: { group: [devs] } }),
                    ),
                );
                expectNone(vsAfter, "iam-no-privilege-escalation");
            } finally {
                await pack.client().configure({});
            }
        });
    });

    describe("iam-no-privilege-escalation: effective grants", () => {
        const base = cleanStack();
        const role = (name: string, extra: Record<string, unknown> = {}) => res(T.role, name, { name, assumeRolePolicy: SERVICE_TRUST, ...extra });
        const managed = (name: string, policy: unknown) => res(T.policy, name, { name, policy });
        const attach = (name: string, r: ReturnType<typeof res>, p: ReturnType<typeof res>) =>
            res(T.rolePolicyAttachment, name, { role: UNKNOWN, policyArn: UNKNOWN }, { deps: { role: [r], policyArn: [p] } });
        it("a Deny in another policy attached to the same principal removes the grant; without it the grant is reported", async () => {
            const r = role("releaser");
            const allow = managed("deploy", doc({ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: "*" }));
            const deny = managed("freeze", doc({ Effect: "Deny", Action: "lambda:Update*", Resource: "*" }));
            expectNone(await stack(withResources(base, r, allow, deny, attach("a1", r, allow), attach("a2", r, deny))), "iam-no-privilege-escalation");
            expectViolation(
                await stack(withResources(base, r, allow, deny, attach("a1", r, allow))),
                "iam-no-privilege-escalation",
                /managed policy deploy \(deploy\): statement #1 grants lambda:UpdateFunctionCode on every resource: lambda:UpdateFunctionCode runs new code as any function's role[\s\S]*Fix: statement #1: name the functions in Resource/,
            );
            // A conditional Deny may not apply: the grant stands.
            const maybe = managed("freeze", doc({ Effect: "Deny", Action: "lambda:Update*", Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } } }));
            expectViolation(await stack(withResources(base, r, allow, maybe, attach("a1", r, allow), attach("a2", r, maybe))), "iam-no-privilege-escalation", /lambda:UpdateFunctionCode/);
        });
        it("a condition that can never be true grants nothing; a condition that does not bound is no bound", async () => {
            const r = role("ops");
            const expired = managed("expired", doc({ Effect: "Allow", Action: "iam:AttachRolePolicy", Resource: "*", Condition: { DateLessThan: { "aws:CurrentTime": "2021-06-30T00:00:00Z" } } }));
            expectNone(await stack(withResources(base, r, expired, attach("a", r, expired))), "iam-no-privilege-escalation");
            const contradictory = managed(
                "never",
                doc({ Effect: "Allow", Action: "iam:AttachRolePolicy", Resource: "*", Condition: { Null: { "aws:SourceIp": "true" }, IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }),
            );
            expectNone(await stack(withResources(base, r, contradictory, attach("a", r, contradictory))), "iam-no-privilege-escalation");
            const anyAwsPolicy = managed("any", doc({ Effect: "Allow", Action: "iam:AttachRolePolicy", Resource: "*", Condition: { ArnLike: { "iam:PolicyARN": "arn:aws:iam::aws:policy/*" } } }));
            expectViolation(await stack(withResources(base, r, anyAwsPolicy, attach("a", r, anyAwsPolicy))), "iam-no-privilege-escalation", /iam:AttachRolePolicy/);
            const oneAwsPolicy = managed(
                "one",
                doc({ Effect: "Allow", Action: "iam:AttachRolePolicy", Resource: "*", Condition: { ArnEquals: { "iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess" } } }),
            );
            expectNone(await stack(withResources(base, r, oneAwsPolicy, attach("a", r, oneAwsPolicy))), "iam-no-privilege-escalation");
            const anyTag = managed("anytag", doc({ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: "*", Condition: { StringLike: { "aws:ResourceTag/team": "*" } } }));
            expectViolation(await stack(withResources(base, r, anyTag, attach("a", r, anyTag))), "iam-no-privilege-escalation", /iam:PutRolePolicy/);
        });
        it("iam:PassRole of a role of the stack (ARN unknown at preview) escalates only when that role is privileged", async () => {
            const basic = role("jobs-basic");
            const admin = role("jobs-admin");
            const adminAtt = res(T.rolePolicyAttachment, "jobs-admin-access", { role: UNKNOWN, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }, { deps: { role: [admin] } });
            const deployer = role("deployer");
            const passing = (target: ReturnType<typeof res>) =>
                res(
                    T.rolePolicy,
                    "deployer-functions",
                    {
                        role: UNKNOWN,
                        policy: {
                            Version: "2012-10-17",
                            Statement: [
                                { Effect: "Allow", Action: "lambda:CreateFunction", Resource: "*" },
                                { Effect: "Allow", Action: "iam:PassRole", Resource: UNKNOWN },
                            ],
                        },
                    },
                    { deps: { role: [deployer], policy: [target] } },
                );
            expectNone(await stack(withResources(base, basic, admin, adminAtt, deployer, passing(basic))), "iam-no-privilege-escalation");
            expectViolation(
                await stack(withResources(base, basic, admin, adminAtt, deployer, passing(admin))),
                "iam-no-privilege-escalation",
                /iam:PassRole with lambda:CreateFunction: lambda:CreateFunction creates a function running as the role, and the privileged role jobs-admin \(jobs-admin\) may be passed to it/,
            );
            // By a known ARN too.
            const byArn = res(
                T.rolePolicy,
                "deployer-functions",
                {
                    role: "deployer",
                    policy: doc({ Effect: "Allow", Action: ["lambda:CreateFunction", "iam:PassRole"], Resource: ["arn:aws:lambda:*:*:function:*", "arn:aws:iam::111111111111:role/jobs-admin"] }),
                },
                { deps: { role: [deployer] } },
            );
            expectViolation(await stack(withResources(base, basic, admin, adminAtt, deployer, byArn)), "iam-no-privilege-escalation", /privileged role jobs-admin/);
        });
        it("iam:PassRole in one policy and the service's create action in another combine; iam:PassedToService limits the services", async () => {
            const r = role("builder");
            const pass = managed("pass", doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "*", Condition: { StringEquals: { "iam:PassedToService": "codebuild.amazonaws.com" } } }));
            const lambda = managed("lambda", doc({ Effect: "Allow", Action: "lambda:CreateFunction", Resource: "*" }));
            const codebuild = managed("codebuild", doc({ Effect: "Allow", Action: ["codebuild:CreateProject", "codebuild:StartBuild"], Resource: "*" }));
            expectNone(await stack(withResources(base, r, pass, lambda, attach("a1", r, pass), attach("a2", r, lambda))), "iam-no-privilege-escalation");
            expectViolation(
                await stack(withResources(base, r, pass, codebuild, attach("a1", r, pass), attach("a3", r, codebuild))),
                "iam-no-privilege-escalation",
                /managed policy pass .*codebuild:CreateProject \(granted by managed policy codebuild .*any role may be passed/,
            );
        });
        it("judges AWS managed policies by the reviewed table", async () => {
            for (const [name, expected] of [
                ["PowerUserAccess", /sts:AssumeRole.*ssm:SendCommand|ssm:SendCommand.*sts:AssumeRole/],
                ["AWSLambda_FullAccess", /lambda:UpdateFunctionCode/],
                ["AmazonSSMFullAccess", /ssm:StartSession/],
                ["AmazonEC2FullAccess", /ec2:ModifyInstanceAttribute/],
                ["IAMFullAccess", /iam:AttachRolePolicy/],
            ] as const) {
                const r = role("holder");
                const att = res(T.rolePolicyAttachment, "holder-managed", { role: "holder", policyArn: `arn:aws:iam::aws:policy/${name}` }, { deps: { role: [r] } });
                expectViolation(
                    await stack(withResources(base, r, att)),
                    "iam-no-privilege-escalation",
                    new RegExp(`AWS managed policy ${name} \\(attached by holder-managed\\)[\\s\\S]*${expected.source}`),
                );
            }
            for (const name of ["ReadOnlyAccess", "AmazonS3FullAccess", "service-role/AWSLambdaBasicExecutionRole"]) {
                const r = role("holder");
                const att = res(T.rolePolicyAttachment, "holder-managed", { role: "holder", policyArn: `arn:aws:iam::aws:policy/${name}` }, { deps: { role: [r] } });
                expectNone(await stack(withResources(base, r, att)), "iam-no-privilege-escalation");
            }
        });
        it("a role only an AWS service assumes to operate what it manages (EKS control plane) is not judged; a Lambda role is", async () => {
            const svc = (service: string) => role("svc", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }) });
            const att = (r: ReturnType<typeof res>) =>
                res(T.rolePolicyAttachment, "svc-cluster", { role: "svc", policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy" }, { deps: { role: [r] } });
            const eks = svc("eks.amazonaws.com");
            expectNone(await stack(withResources(base, eks, att(eks))), "iam-no-privilege-escalation");
            const lambda = svc("lambda.amazonaws.com");
            expectViolation(await stack(withResources(base, lambda, att(lambda))), "iam-no-privilege-escalation", /ec2:ModifyInstanceAttribute/);
        });
        it("a permissions boundary caps what escalates", async () => {
            const boundary = managed("boundary", doc({ Effect: "Allow", Action: ["s3:*", "lambda:GetFunction"], Resource: "*" }));
            const r = res(T.role, "capped", { name: "capped", assumeRolePolicy: SERVICE_TRUST, permissionsBoundary: UNKNOWN }, { deps: { permissionsBoundary: [boundary] } });
            const wide = managed("wide", doc({ Effect: "Allow", Action: ["lambda:*", "iam:PutRolePolicy"], Resource: "*" }));
            expectNone(await stack(withResources(base, boundary, r, wide, attach("a", r, wide))), "iam-no-privilege-escalation");
            const open = managed("boundary", doc({ Effect: "Allow", Action: ["lambda:*"], Resource: "*" }));
            const hits = expectViolation(await stack(withResources(base, open, r, wide, attach("a", r, wide))), "iam-no-privilege-escalation", /lambda:UpdateFunctionCode/);
            assert.doesNotMatch(hits[0].message.split("\n")[1], /iam:PutRolePolicy/, "the boundary does not allow iam:PutRolePolicy");
        });
    });

    describe("iam-no-full-admin", () => {
        const base = cleanStack();
        it("flags AdministratorAccess attached to a role that is not admin", async () => {
            const role = res(T.role, "ops", { name: "ops", assumeRolePolicy: MFA_TRUST });
            const att = res(T.rolePolicyAttachment, "ops-admin", { role: "ops", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }, { deps: { role: [role] } });
            expectViolation(await stack(withResources(base, role, att)), "iam-no-full-admin", /role ops.*not marked admin/, "mandatory");
        });
        it("sees AdministratorAccess and custom policies given in a role's managedPolicyArns", async () => {
            const custom = res(T.policy, "custom-read", { name: "custom-read", policy: READ_ONLY });
            const role = res(
                T.role,
                "ops",
                { name: "ops", assumeRolePolicy: MFA_TRUST, managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess", UNKNOWN] },
                { deps: { managedPolicyArns: [custom] } },
            );
            expectViolation(await stack(withResources(base, custom, role)), "iam-no-full-admin", /AdministratorAccess.*role ops/);
            const iamAll = res(T.policy, "custom-iam", { name: "custom-iam", policy: doc({ Effect: "Allow", Action: "iam:*", Resource: "*" }) });
            const role2 = res(T.role, "ops", { name: "ops", assumeRolePolicy: MFA_TRUST, managedPolicyArns: UNKNOWN }, { deps: { managedPolicyArns: [iamAll] } });
            expectViolation(await stack(withResources(base, iamAll, role2)), "iam-no-privilege-escalation", /custom-iam.*role ops/);
        });
        it("flags an admin role whose trust policy does not require MFA", async () => {
            const admin = { ...find(base, "admin-role") };
            admin.properties = { ...admin.properties, assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" }) };
            expectViolation(await stack(withResources(base, admin)), "iam-no-full-admin", /does not require MFA/);
        });
        it("passes an admin group with the force-MFA policy, and flags it without", async () => {
            await pack.client().configure({ "iam-no-full-admin": { adminEntityNames: ["admins"] } });
            try {
                const admins = res(T.group, "admins", { name: "admins" });
                const full = res(T.groupPolicy, "admins-full", { group: "admins", policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) }, { deps: { group: [admins] } });
                const mfa = res(T.groupPolicy, "admins-mfa", { group: "admins", policy: FORCE_MFA }, { deps: { group: [admins] } });
                expectNone(await stack(withResources(base, admins, full, mfa)), "iam-no-full-admin");
                expectViolation(await stack(withResources(base, admins, full)), "iam-no-full-admin", /admin group admins.*does not require MFA/);
            } finally {
                await pack.client().configure({});
            }
        });
    });

    describe("permissions boundaries and tag-scoped grants", () => {
        const base = cleanStack();
        const allowAll = doc({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: "iam:DeleteRolePermissionsBoundary", Resource: "*" });
        it("a managed policy used only as a permissions boundary grants nothing: Allow * is not full admin", async () => {
            const boundary = res(T.policy, "dev-boundary", { name: "dev-boundary", path: "/landing-zone/", policy: allowAll });
            const role = res(T.role, "dev-writer", { name: "dev-writer", assumeRolePolicy: SERVICE_TRUST, permissionsBoundary: UNKNOWN }, { deps: { permissionsBoundary: [boundary] } });
            expectNone(await stack(withResources(base, boundary, role)), "iam-no-full-admin");
            // The same document not used as a boundary is reported.
            expectViolation(await stack(withResources(base, boundary)), "iam-no-full-admin", /dev-boundary.*attached to no entity marked admin/);
        });
        it("a boundary designated by an iam:PermissionsBoundary condition is recognised too", async () => {
            const boundary = res(T.policy, "dev-boundary", { name: "dev-boundary", path: "/landing-zone/", policy: allowAll });
            const delegation = res(
                T.groupPolicy,
                "developers-delegation",
                {
                    group: "developers",
                    policy: doc({
                        Effect: "Allow",
                        Action: ["iam:CreateRole", "iam:AttachRolePolicy"],
                        Resource: "*",
                        Condition: { StringLike: { "iam:PermissionsBoundary": "arn:aws:iam::*:policy/landing-zone/dev-boundary" } },
                    }),
                },
                { deps: { group: [find(base, "developers")] } },
            );
            expectNone(await stack(withResources(base, boundary, delegation)), "iam-no-full-admin");
            expectNone(await stack(withResources(base, boundary, delegation)), "iam-no-privilege-escalation");
        });
        it("escalation actions limited by a positive aws:ResourceTag condition stay inside the environment", async () => {
            const scoped = res(
                T.groupPolicy,
                "developers-lambda",
                { group: "developers", policy: doc({ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/Environment": "dev" } } }) },
                { deps: { group: [find(base, "developers")] } },
            );
            expectNone(await stack(withResources(base, scoped)), "iam-no-privilege-escalation");
            const negated = res(
                T.groupPolicy,
                "developers-lambda",
                {
                    group: "developers",
                    policy: doc({ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: "*", Condition: { StringNotEquals: { "aws:ResourceTag/Environment": "prod" } } }),
                },
                { deps: { group: [find(base, "developers")] } },
            );
            expectViolation(await stack(withResources(base, negated)), "iam-no-privilege-escalation", /lambda:UpdateFunctionCode/);
        });
    });

    describe("iam-inline-policy-total-size", () => {
        it("sums a role's inline policies across RolePolicy resources", async () => {
            const base = cleanStack();
            const role = find(base, "admin-role");
            const chunk = (i: number) => doc(...Array.from({ length: 40 }, (_, j) => ({ Sid: `S${i}x${j}`, Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::bucket-${i}-${j}/*` })));
            const parts = [0, 1, 2].map((i) => res(T.rolePolicy, `admin-part-${i}`, { role: "OrganizationAdmin", policy: chunk(i) }, { deps: { role: [role] } }));
            assert.ok(
                parts.every((p) => (p.properties.policy as string).length < 6144),
                "fixture: each part fits alone",
            );
            expectViolation(await stack(withResources(base, ...parts)), "iam-inline-policy-total-size", /limit per role is 10240/);
            expectNone(await stack(withResources(base, parts[0])), "iam-inline-policy-total-size");
        });
        it("counts a role's inline policies in its own account only, where every account has a role of that name", async () => {
            const base = cleanStack();
            const provider = (account: string) => ({
                name: account,
                type: "pulumi:providers:aws",
                urn: `urn:pulumi:test::landing-zone::pulumi:providers:aws::${account}`,
                properties: { region: "eu-west-1" },
            });
            const inAccount = (r: ReturnType<typeof res>, account: string) => ({ ...r, provider: provider(account) });
            const chunk = (i: number) => doc(...Array.from({ length: 40 }, (_, j) => ({ Sid: `S${i}x${j}`, Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::bucket-${i}-${j}/*` })));
            // The same role in two accounts; the inline policies name it by its (known) name.
            const roles = ["dev", "test"].map((a) =>
                inAccount(
                    res(T.role, `deploy-${a}`, { name: "app-deploy", assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }) }),
                    a,
                ),
            );
            const part = (i: number, account: string) => inAccount(res(T.rolePolicy, `deploy-${account}-part-${i}`, { role: "app-deploy", policy: chunk(i) }), account);
            // Two parts in dev, one in test: each role is within the limit.
            expectNone(await stack(withResources(base, ...roles, part(0, "dev"), part(1, "dev"), part(2, "test"))), "iam-inline-policy-total-size");
            // All three in dev: that role is over it, and only that one.
            const vs = expectViolation(await stack(withResources(base, ...roles, part(0, "dev"), part(1, "dev"), part(2, "dev"))), "iam-inline-policy-total-size", /limit per role is 10240/);
            assert.strictEqual(vs.length, 1, vs.map((v) => v.message).join("\n"));
        });
    });

    describe("org-scp-baseline", () => {
        it("flags accounts when the baseline SCP is not attached, judged by statements not names", async () => {
            const base = cleanStack();
            const vs = await stack(without(base, "att-baseline-root"));
            expectViolation(vs, "org-scp-baseline", /Account prod .*LeaveOrganization/, "mandatory");
            // Same name, statements that do not deny leaving or the root user.
            const fake = {
                ...find(base, "scp-baseline"),
                properties: { name: "baseline", type: "SERVICE_CONTROL_POLICY", content: doc({ Effect: "Deny", Action: "s3:DeleteBucket", Resource: "*" }) },
            };
            expectViolation(await stack(withResources(base, fake)), "org-scp-baseline", /root user/);
        });
        it("passes when the SCPs sit on an ancestor OU, found through property dependencies", async () => {
            const base = cleanStack();
            const ou = find(base, "ou-prod");
            const ou2 = find(base, "ou-nonprod");
            const pol = find(base, "scp-baseline");
            const a1 = res(T.orgAttach, "att-prod", { policyId: UNKNOWN, targetId: UNKNOWN }, { deps: { policyId: [pol], targetId: [ou] } });
            const a2 = res(T.orgAttach, "att-nonprod", { policyId: UNKNOWN, targetId: UNKNOWN }, { deps: { policyId: [pol], targetId: [ou2] } });
            expectNone(await stack(withResources(without(base, "att-baseline-root"), a1, a2)), "org-scp-baseline");
        });
        it("falls back to known IDs for adopted resources", async () => {
            const base = cleanStack();
            const org = { ...find(base, "org"), properties: { featureSet: "ALL", roots: [{ id: "r-ab12", name: "Root" }] } };
            const pol = { ...find(base, "scp-baseline"), properties: { ...find(base, "scp-baseline").properties, id: "p-abcd1234" } };
            const att = res(T.orgAttach, "att-baseline-root", { policyId: "p-abcd1234", targetId: "r-ab12" });
            expectNone(await stack(withResources(base, org, pol, att)), "org-scp-baseline");
        });
        it("reports what it could not see (an attachment target unknown with no dependency)", async () => {
            const base = cleanStack();
            const att = res(T.orgAttach, "att-baseline-root", { policyId: UNKNOWN, targetId: UNKNOWN }, { deps: { policyId: [find(base, "scp-baseline")] } });
            expectViolation(await stack(withResources(base, att)), "org-scp-baseline", /Could not check/, "mandatory");
        });
    });

    describe("org-nonprod-instance-types (advisory)", () => {
        it("flags a non-production account without the restriction and passes it with", async () => {
            const base = cleanStack();
            expectViolation(await stack(without(base, "att-types-nonprod")), "org-nonprod-instance-types", /account dev/, "advisory");
            expectNone(await stack(base), "org-nonprod-instance-types");
            assert.ok(INSTANCE_TYPES_SCP.includes("ec2:InstanceType"));
        });
    });

    describe("org-structure-limits and org-account-quota", () => {
        it("flags more than 5 SCPs attached directly to the same OU, FullAWSAccess included", async () => {
            const base = cleanStack();
            const ou = find(base, "ou-nonprod");
            const extra = Array.from({ length: 5 }, (_, i) =>
                res(T.orgAttach, `extra-${i}`, { policyId: UNKNOWN, targetId: UNKNOWN }, { deps: { policyId: [find(base, "scp-baseline")], targetId: [ou] } }),
            );
            expectViolation(
                await stack(withResources(base, ...extra)),
                "org-structure-limits",
                /7 SCPs are attached directly to OU NonProduction \(ou-nonprod\) \(6 in this stack plus p-FullAWSAccess/,
                "mandatory",
            );
            // 4 in the stack + FullAWSAccess = 5: allowed.
            expectNone(await stack(withResources(base, ...extra.slice(0, 3))), "org-structure-limits");
            expectViolation(await stack(withResources(base, ...extra.slice(0, 4))), "org-structure-limits", /6 SCPs/);
            // When the stack manages the FullAWSAccess attachment itself, it is counted once.
            const full = res(T.orgAttach, "full-nonprod", { policyId: "p-FullAWSAccess", targetId: UNKNOWN }, { deps: { targetId: [ou] } });
            expectNone(await stack(withResources(base, full, ...extra.slice(0, 3))), "org-structure-limits");
        });
        it("flags OUs nested deeper than 5 levels", async () => {
            const base = cleanStack();
            let parent = find(base, "ou-nonprod");
            const chain = [];
            for (let i = 2; i <= 6; i++) {
                const ou = res(T.ou, `ou-level-${i}`, { name: `level-${i}`, parentId: UNKNOWN }, { deps: { parentId: [parent] } });
                chain.push(ou);
                parent = ou;
            }
            expectViolation(await stack(withResources(base, ...chain)), "org-structure-limits", /level-6.*6 levels/);
            expectNone(await stack(withResources(base, ...chain.slice(0, 4))), "org-structure-limits");
        });
        it("warns when accounts exceed the configured quota", async () => {
            const base = cleanStack();
            const ou = find(base, "ou-nonprod");
            const more = Array.from({ length: 8 }, (_, i) =>
                res(T.account, `acct-x${i}`, { name: `x${i}`, email: `x${i}@example.com`, parentId: UNKNOWN, tags: { Environment: "test" } }, { protect: true, deps: { parentId: [ou] } }),
            );
            expectViolation(await stack(withResources(base, ...more)), "org-account-quota", /11 accounts/, "advisory");
            expectNone(await stack(withResources(base, ...more.slice(0, 7))), "org-account-quota");
            await pack.client().configure({ "org-account-quota": { accountQuota: 20 } });
            try {
                expectNone(await stack(withResources(base, ...more)), "org-account-quota");
            } finally {
                await pack.client().configure({});
            }
        });
    });

    describe("org-production-separation", () => {
        it("flags a production account outside a production OU and a dev account inside one", async () => {
            const base = cleanStack();
            const prodUnderNonProd = { ...find(base, "acct-prod"), propertyDependencies: { parentId: [find(base, "ou-nonprod").urn] } };
            expectViolation(await stack(withResources(base, prodUnderNonProd)), "org-production-separation", /Production account prod .* under non-production OU NonProduction/, "mandatory");
            const devUnderProd = { ...find(base, "acct-dev"), propertyDependencies: { parentId: [find(base, "ou-prod").urn] } };
            expectViolation(await stack(withResources(base, devUnderProd)), "org-production-separation", /Non-production account dev .* under production OU Production/);
            const prodUnderRoot = { ...find(base, "acct-prod"), properties: { ...find(base, "acct-prod").properties, parentId: undefined }, propertyDependencies: {} };
            expectViolation(await stack(withResources(base, prodUnderRoot)), "org-production-separation", /does not sit under an OU tagged Environment=prod/);
        });
        it("passes the separated organization", async () => {
            expectNone(await stack(cleanStack()), "org-production-separation");
        });
    });

    describe("iam-user-baseline", () => {
        it("flags a weak password policy, and a missing one where requireAccountPasswordPolicy says the stack owns it", async () => {
            const base = cleanStack();
            expectNone(await stack(without(base, "passwords")), "iam-user-baseline");
            await pack.client().configure({ "iam-user-baseline": { requireAccountPasswordPolicy: true } });
            try {
                expectViolation(await stack(without(base, "passwords")), "iam-user-baseline", /no account password policy[\s\S]*Fix: Declare new aws.iam.AccountPasswordPolicy/, "mandatory");
            } finally {
                await pack.client().configure({});
            }
            const weak = { ...find(base, "passwords"), properties: { minimumPasswordLength: 8, requireLowercaseCharacters: true } };
            const hits = expectViolation(await stack(withResources(base, weak)), "iam-user-baseline", /minimumPasswordLength is 8/);
            assert.ok(/requireSymbols is not true/.test(hits[0].message) && /passwordReusePrevention is unset/.test(hits[0].message));
        });
        it("flags a user in no MFA-enforcing group (GroupMembership or UserGroupMembership)", async () => {
            const base = cleanStack();
            const bob = res(T.user, "bob", { name: "bob" });
            const ops = res(T.group, "ops", { name: "ops" });
            const opsPol = res(T.groupPolicy, "ops-read", { group: "ops", policy: READ_ONLY }, { deps: { group: [ops] } });
            const ugm = res(T.userGroupMembership, "bob-groups", { user: "bob", groups: ["ops"] }, { deps: { user: [bob], groups: [ops] } });
            expectViolation(await stack(withResources(base, bob, ops, opsPol, ugm)), "iam-user-baseline", /IAM user bob .* not in any group that enforces MFA/);
            const ugm2 = res(T.userGroupMembership, "bob-groups", { user: "bob", groups: ["ops", "developers"] }, { deps: { user: [bob], groups: [ops, find(base, "developers")] } });
            expectNone(await stack(withResources(base, bob, ops, opsPol, ugm2)), "iam-user-baseline");
        });
        it("a machine user (an access key, no console password) needs no MFA group; the message tells how to declare a service user", async () => {
            const base = cleanStack();
            const ci = res(T.user, "ci", { name: "ci-deployer" });
            const key = res(T.accessKey, "ci-key", { user: UNKNOWN }, { deps: { user: [ci] } });
            expectNone(await stack(withResources(base, ci, key)), "iam-user-baseline");
            const login = res(T.loginProfile, "ci-login", { user: UNKNOWN }, { deps: { user: [ci] } });
            const hits = expectViolation(await stack(withResources(base, ci, key, login)), "iam-user-baseline", /IAM user ci-deployer \(ci\) is not in any group that enforces MFA/);
            assert.match(hits[0].message, /Fix: .*list "ci-deployer" in serviceUsers of iam-user-baseline/);
            await pack.client().configure({ "iam-user-baseline": { serviceUsers: ["ci-deployer"] } });
            try {
                expectNone(await stack(withResources(base, ci, key, login)), "iam-user-baseline");
            } finally {
                await pack.client().configure({});
            }
        });
        it("does not apply where no IAM user exists", async () => {
            expectNone(await stack(without(cleanStack(), "alice", "developers-members", "passwords")), "iam-user-baseline");
        });
    });

    describe("budget-per-environment (advisory)", () => {
        it("flags an environment without a budget and accepts a LinkedAccount filter fed by an account", async () => {
            const base = cleanStack();
            expectViolation(await stack(without(base, "budget-dev")), "budget-per-environment", /"dev"/, "advisory");
            const byAccount = res(
                T.budget,
                "budget-dev",
                { name: "dev", budgetType: "COST", limitAmount: "50", limitUnit: "USD", timeUnit: "MONTHLY", costFilters: [{ name: "LinkedAccount", values: [UNKNOWN] }] },
                { deps: { costFilters: [find(base, "acct-dev")] } },
            );
            expectNone(await stack(withResources(base, byAccount)), "budget-per-environment");
        });
    });

    it("stack policies report unknowns at their own level, never the SDK's advisory fallback", async () => {
        const base = cleanStack();
        const acct = { ...find(base, "acct-prod"), properties: { ...find(base, "acct-prod").properties, tags: UNKNOWN } };
        const vs = await stack(withResources(base, acct));
        expectViolation(vs, "org-production-separation", /Could not check the Environment tag/, "mandatory");
        assert.ok(!vs.some((v) => /can't run policy/.test(v.message)));
        assert.ok(mandatory(vs).length > 0);
        assert.ok(BASELINE_SCP.includes("arn:aws:iam::*:root"));
    });
});
