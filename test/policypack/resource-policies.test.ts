// Resource policies, each with passing and failing resources, run in-process by the policy SDK (in-process.ts).
import * as assert from "assert";
import { analyzeEach, cleanStack, doc, expectNone, expectViolation, mandatory, MFA_TRUST, READ_ONLY, res, SERVICE_TRUST, T, UNKNOWN } from "./support";
import { inProcessPack } from "./in-process";

describe("policy pack: resource policies (Analyze over gRPC)", function () {
    const pack = inProcessPack();
    const analyze = (r: Parameters<ReturnType<typeof pack.client>["analyze"]>[0]) => pack.client().analyze(r);

    it("the clean organization has no violation from any resource policy", async () => {
        const vs = await analyzeEach(pack.client(), cleanStack());
        assert.deepStrictEqual(
            vs.map((v) => `${v.policyName}: ${v.message}`),
            [],
        );
    });

    describe("iam-no-user-permissions", () => {
        it("flags an inline user policy, a user policy attachment and a PolicyAttachment naming users", async () => {
            expectViolation(await analyze(res(T.userPolicy, "up", { user: "alice", policy: READ_ONLY })), "iam-no-user-permissions", /directly to IAM user alice/, "mandatory");
            expectViolation(await analyze(res(T.userPolicyAttachment, "upa", { user: "bob", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" })), "iam-no-user-permissions", /bob/);
            expectViolation(
                await analyze(res(T.policyAttachment, "pa", { name: "pa", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess", users: ["carol"], groups: ["developers"] })),
                "iam-no-user-permissions",
                /carol/,
            );
        });
        it("reports an unknown users list instead of passing it", async () => {
            expectViolation(
                await analyze(res(T.policyAttachment, "pa2", { name: "pa2", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess", users: UNKNOWN })),
                "iam-no-user-permissions",
                /Could not check/,
                "mandatory",
            );
        });
        it("passes group and role attachments", async () => {
            expectNone(
                await analyze(res(T.policyAttachment, "pa3", { name: "pa3", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess", groups: ["developers"], roles: ["ci"] })),
                "iam-no-user-permissions",
            );
            expectNone(await analyze(res(T.groupPolicy, "gp", { group: "developers", policy: READ_ONLY })), "iam-no-user-permissions");
        });
    });

    describe("iam-no-user-access-keys", () => {
        it("flags an access key of an ordinary user", async () => {
            expectViolation(await analyze(res(T.accessKey, "k", { user: "alice" })), "iam-no-user-access-keys", /alice/, "mandatory");
        });
        it("reports an access key whose user is unknown at preview", async () => {
            expectViolation(await analyze(res(T.accessKey, "k2", { user: UNKNOWN })), "iam-no-user-access-keys", /Could not check/);
        });
    });

    describe("iam-no-passrole-wildcard", () => {
        it("flags iam:PassRole on * (explicit and through iam:Pass*)", async () => {
            expectViolation(
                await analyze(res(T.policy, "p", { name: "p", policy: doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }) })),
                "iam-no-passrole-wildcard",
                /iam:PassRole on every role/,
            );
            expectViolation(await analyze(res(T.rolePolicy, "rp", { role: "ci", policy: doc({ Effect: "Allow", Action: ["iam:Pass*"], Resource: ["*"] }) })), "iam-no-passrole-wildcard");
        });
        it("passes PassRole on named role ARNs", async () => {
            expectNone(
                await analyze(res(T.policy, "p2", { name: "p2", policy: doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111111111111:role/app-runtime" }) })),
                "iam-no-passrole-wildcard",
            );
        });
        it("reports a document unknown at preview", async () => {
            expectViolation(await analyze(res(T.policy, "p3", { name: "p3", policy: UNKNOWN })), "iam-no-passrole-wildcard", /Could not check/, "mandatory");
        });
        it("an unknown Resource is one role of the stack, not every role; a Deny of PassRole or a condition that can never be true grants nothing", async () => {
            expectNone(
                await analyze(res(T.policy, "p4", { name: "p4", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: [UNKNOWN] }] } })),
                "iam-no-passrole-wildcard",
            );
            expectNone(
                await analyze(
                    res(T.policy, "p5", {
                        name: "p5",
                        policy: doc({ Effect: "Allow", Action: ["iam:PassRole", "lambda:CreateFunction"], Resource: "*" }, { Effect: "Deny", Action: "iam:PassRole", Resource: "*" }),
                    }),
                ),
                "iam-no-passrole-wildcard",
            );
            expectNone(
                await analyze(
                    res(T.policy, "p6", {
                        name: "p6",
                        policy: doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "*", Condition: { DateLessThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } } }),
                    }),
                ),
                "iam-no-passrole-wildcard",
            );
            // An unknown action list decides: reported, once for the document.
            const vs = expectViolation(
                await analyze(
                    res(T.policy, "p7", {
                        name: "p7",
                        policy: {
                            Version: "2012-10-17",
                            Statement: [
                                { Effect: "Allow", Action: UNKNOWN, Resource: "*" },
                                { Effect: "Allow", Action: [UNKNOWN], Resource: "*" },
                            ],
                        },
                    }),
                ),
                "iam-no-passrole-wildcard",
                /Could not check/,
                "mandatory",
            );
            assert.strictEqual(vs.length, 1);
        });
    });

    describe("iam-no-allow-not-action", () => {
        it("flags Allow with NotAction and Allow with NotResource (documents given as objects too)", async () => {
            const vs = await analyze(
                res(T.role, "r", {
                    name: "r",
                    assumeRolePolicy: SERVICE_TRUST,
                    inlinePolicies: [
                        { name: "wide", policy: doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }, { Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::secret/*" }) },
                    ],
                }),
            );
            expectViolation(vs, "iam-no-allow-not-action", /NotAction/);
            expectViolation(vs, "iam-no-allow-not-action", /NotResource/);
            const obj = await analyze(res(T.policy, "objdoc", { name: "objdoc", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: "s3:*", Resource: "*" }] } }));
            expectViolation(obj, "iam-no-allow-not-action", /NotAction/);
        });
        it("passes Deny with NotAction (region guardrail)", async () => {
            expectNone(
                await analyze(
                    res(T.orgPolicy, "region", {
                        name: "region",
                        type: "SERVICE_CONTROL_POLICY",
                        content: doc({ Effect: "Deny", NotAction: ["iam:*", "organizations:*", "sts:*"], Resource: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": ["eu-west-1"] } } }),
                    }),
                ),
                "iam-no-allow-not-action",
            );
        });
    });

    describe("iam-valid-policy-elements", () => {
        it("names a misspelled action with the likely intended one", async () => {
            const vs = await analyze(res(T.groupPolicy, "typo", { group: "developers", policy: doc({ Effect: "Allow", Action: ["s3:GetObjekt", "ec2:DescribeInstance"], Resource: "*" }) }));
            expectViolation(vs, "iam-valid-policy-elements", /unknown action "s3:GetObjekt" \(did you mean "s3:GetObject"\?\)/, "mandatory");
            expectViolation(vs, "iam-valid-policy-elements", /ec2:DescribeInstance".*did you mean "ec2:DescribeInstances"/);
        });
        it("flags an unknown service, operator, condition key and a pattern matching nothing", async () => {
            const vs = await analyze(
                res(T.orgPolicy, "bad-scp", {
                    name: "bad",
                    type: "SERVICE_CONTROL_POLICY",
                    content: doc(
                        { Effect: "Allow", Action: "ec3:RunInstances", Resource: "*" },
                        { Effect: "Allow", Action: "s3:Frobnicate*", Resource: "*" },
                        { Effect: "Deny", Action: "ec2:RunInstances", Resource: "*", Condition: { StringEqualz: { "ec2:InstanceType": "x" } } },
                        { Effect: "Deny", Action: "ec2:RunInstances", Resource: "*", Condition: { Bool: { "aws:MultiFactorAuthPresnt": "false" } } },
                        { Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { "ForAllValues:StringNotEquals": { "aws:ResourceTag/Environment": ["prod"] } } },
                    ),
                }),
            );
            expectViolation(vs, "iam-valid-policy-elements", /ForAllValues used with single-valued condition key "aws:ResourceTag\/Environment"/);
            expectViolation(vs, "iam-valid-policy-elements", /unknown service "ec3".*did you mean "ec2:RunInstances"/);
            expectViolation(vs, "iam-valid-policy-elements", /matches no s3 action/);
            expectViolation(vs, "iam-valid-policy-elements", /unknown condition operator "StringEqualz".*StringEquals/);
            expectViolation(vs, "iam-valid-policy-elements", /unknown condition key "aws:MultiFactorAuthPresnt"/);
        });
        it("passes unknown or retired actions in a Deny (it matches nothing) but not in an Allow's NotAction", async () => {
            const deny = await analyze(
                res(T.orgPolicy, "retired", {
                    name: "retired",
                    type: "SERVICE_CONTROL_POLICY",
                    content: doc({
                        Sid: "NoPrivateMarketplace",
                        Effect: "Deny",
                        Action: ["aws-marketplace:CreatePrivateMarketplace", "aws-marketplace:DescribePrivateMarketplaceStatus"],
                        Resource: "*",
                    }),
                }),
            );
            expectNone(deny, "iam-valid-policy-elements");
            const notAction = await analyze(res(T.policy, "na", { name: "na", policy: doc({ Effect: "Allow", NotAction: ["iam:Frobnicate"], Resource: "*" }) }));
            expectViolation(notAction, "iam-valid-policy-elements", /statement #1: unknown action "iam:Frobnicate"/);
        });
        it("accepts the keys of a trust policy's federated provider, and only there", async () => {
            // Given as an object, as a program passes aws.iam.PolicyDocument: a value in it may be unknown.
            const trust = (principal: unknown, condition: Record<string, unknown>) =>
                res(T.role, "fed", {
                    name: "fed",
                    assumeRolePolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Federated: principal }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }] },
                });
            const gh = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com";
            expectNone(
                await analyze(
                    trust(gh, {
                        StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
                        StringLike: { "token.actions.githubusercontent.com:sub": "repo:example-org/app:*" },
                    }),
                ),
                "iam-valid-policy-elements",
            );
            const eks = "arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789";
            expectNone(
                await analyze(trust(eks, { StringEquals: { "oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789:sub": "system:serviceaccount:kube-system:app" } })),
                "iam-valid-policy-elements",
            );
            expectNone(
                await analyze(trust("arn:aws:iam::111111111111:oidc-provider/api.pulumi.com/oidc", { StringEquals: { "api.pulumi.com/oidc:aud": "example-org" } })),
                "iam-valid-policy-elements",
            );
            expectNone(
                await analyze(
                    trust("cognito-identity.amazonaws.com", {
                        StringEquals: { "cognito-identity.amazonaws.com:aud": "eu-west-1:0000" },
                        "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" },
                    }),
                ),
                "iam-valid-policy-elements",
            );
            expectNone(await analyze(trust(UNKNOWN, { StringEquals: { "token.actions.githubusercontent.com:sub": "repo:example-org/app:ref:refs/heads/main" } })), "iam-valid-policy-elements");
            // Another provider's key, a misspelled claim, and a provider key in an identity policy are errors.
            expectViolation(await analyze(trust(gh, { StringEquals: { "oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789:sub": "x" } })), "iam-valid-policy-elements", /unknown condition key/);
            expectViolation(await analyze(trust(gh, { StringEquals: { "token.actions.githubusercontent.com:sbu": "x" } })), "iam-valid-policy-elements", /unknown condition key/);
            expectViolation(
                await analyze(
                    res(T.policy, "idp", {
                        name: "idp",
                        policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { StringEquals: { "token.actions.githubusercontent.com:sub": "x" } } }),
                    }),
                ),
                "iam-valid-policy-elements",
                /valid only in a trust policy/,
            );
        });
        it("passes valid actions, wildcards, operators with IfExists/ForAnyValue and tag keys", async () => {
            const vs = await analyze(
                res(T.policy, "good", {
                    name: "good",
                    policy: doc({
                        Effect: "Allow",
                        Action: ["ec2:Describe*", "s3:GetObject", "sts:AssumeRole"],
                        Resource: "*",
                        Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": ["Environment"] }, StringEqualsIfExists: { "aws:ResourceTag/Environment": "dev" } },
                    }),
                }),
            );
            expectNone(vs, "iam-valid-policy-elements");
        });
    });

    describe("iam-trust-policy", () => {
        it("flags a wildcard principal without a restricting condition", async () => {
            expectViolation(
                await analyze(res(T.role, "open", { name: "open", assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }) })),
                "iam-trust-policy",
                /wildcard principal/,
            );
        });
        it("requires MFA when a wildcard principal is scoped to the organization's accounts, not to roles", async () => {
            expectViolation(
                await analyze(
                    res(T.role, "org-people", {
                        name: "org-people",
                        assumeRolePolicy: doc({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-exampleorg1" } } }),
                    }),
                ),
                "iam-trust-policy",
                /without MFA/,
            );
            expectNone(
                await analyze(
                    res(T.role, "org-roles", {
                        name: "org-roles",
                        assumeRolePolicy: doc({
                            Effect: "Allow",
                            Principal: "*",
                            Action: "sts:AssumeRole",
                            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-exampleorg1" }, ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/deployer" } },
                        }),
                    }),
                ),
                "iam-trust-policy",
            );
        });
        it("passes a wildcard principal restricted to the organization", async () => {
            expectNone(
                await analyze(
                    res(T.role, "org-only", {
                        name: "org-only",
                        assumeRolePolicy: doc({
                            Effect: "Allow",
                            Principal: "*",
                            Action: "sts:AssumeRole",
                            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-exampleorg1" }, Bool: { "aws:MultiFactorAuthPresent": "true" } },
                        }),
                    }),
                ),
                "iam-trust-policy",
            );
        });
        it("requires MFA for roles people assume from another account", async () => {
            expectViolation(
                await analyze(res(T.role, "xacct", { name: "xacct", assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "sts:AssumeRole" }) })),
                "iam-trust-policy",
                /without MFA/,
            );
            expectNone(await analyze(res(T.role, "xacct-mfa", { name: "xacct-mfa", assumeRolePolicy: MFA_TRUST })), "iam-trust-policy");
            expectNone(await analyze(res(T.role, "svc", { name: "svc", assumeRolePolicy: SERVICE_TRUST })), "iam-trust-policy");
        });
        it("reports a trust policy unknown at preview", async () => {
            expectViolation(await analyze(res(T.role, "unk", { name: "unk", assumeRolePolicy: UNKNOWN })), "iam-trust-policy", /Could not check the trust policy/, "mandatory");
        });
        const rootTrust = (account: string, condition?: Record<string, unknown>) =>
            doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "sts:AssumeRole", ...(condition ? { Condition: condition } : {}) });
        const pinnedTo = (r: ReturnType<typeof res>, account: string) => ({
            ...r,
            provider: {
                name: "default",
                type: "pulumi:providers:aws",
                urn: "urn:pulumi:test::landing-zone::pulumi:providers:aws::default",
                properties: { region: "eu-west-1", allowedAccountIds: [account] },
            },
        });
        it("does not require MFA for the root of the stack's own account (provider allowedAccountIds) nor for a vendor trusted with sts:ExternalId", async () => {
            expectNone(await analyze(pinnedTo(res(T.role, "self", { name: "self", assumeRolePolicy: rootTrust("333333333333") }), "333333333333")), "iam-trust-policy");
            const other = expectViolation(
                await analyze(pinnedTo(res(T.role, "other", { name: "other", assumeRolePolicy: rootTrust("222222222222") }), "333333333333")),
                "iam-trust-policy",
                /222222222222:root \(another account\) may assume this role without MFA/,
            );
            assert.match(other[0].message, /Fix: Add Condition \{"Bool": \{"aws:MultiFactorAuthPresent": "true"\}\} to statement #1/);
            expectNone(await analyze(res(T.role, "vendor", { name: "vendor", assumeRolePolicy: rootTrust("444455556666", { StringEquals: { "sts:ExternalId": "a1b2c3" } }) })), "iam-trust-policy");
        });
        it("treats a principal unknown at preview as a principal of the stack (never a wildcard, never another account)", async () => {
            const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: UNKNOWN }, Action: "sts:AssumeRole" }] };
            expectNone(await analyze(res(T.role, "peer", { name: "peer", assumeRolePolicy: trust })), "iam-trust-policy");
            const whole = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: UNKNOWN, Action: "sts:AssumeRole" }] };
            expectViolation(await analyze(res(T.role, "who", { name: "who", assumeRolePolicy: whole })), "iam-trust-policy", /Could not check who may assume the role/, "mandatory");
        });
        describe("OIDC trusts", () => {
            const oidc = (url: string, condition?: Record<string, unknown>) =>
                res(T.role, "oidc", {
                    name: "oidc",
                    assumeRolePolicy: doc({
                        Effect: "Allow",
                        Principal: { Federated: `arn:aws:iam::111111111111:oidc-provider/${url}` },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        ...(condition ? { Condition: condition } : {}),
                    }),
                });
            const gh = "token.actions.githubusercontent.com";
            it("GitHub Actions: sub pinned to an owner passes; no sub, or sub matching any owner, lets any repository assume the role", async () => {
                expectNone(
                    await analyze(
                        oidc(gh, { StringEquals: { [`${gh}:aud`]: "sts.amazonaws.com" }, StringLike: { [`${gh}:sub`]: ["repo:example-org/app:ref:refs/heads/main", "repo:example-org/*"] } }),
                    ),
                    "iam-trust-policy",
                );
                expectViolation(
                    await analyze(oidc(gh, { StringEquals: { [`${gh}:aud`]: "sts.amazonaws.com" } })),
                    "iam-trust-policy",
                    /without a token\.actions\.githubusercontent\.com:sub condition: any repository/,
                    "mandatory",
                );
                for (const sub of ["repo:*", "*", "repo:example-org*", "repo:*/app:*"]) {
                    expectViolation(await analyze(oidc(gh, { StringLike: { [`${gh}:sub`]: sub } })), "iam-trust-policy", /matches repositories of any owner/);
                }
                expectViolation(await analyze(oidc(gh, { StringNotLike: { [`${gh}:sub`]: "repo:evil/*" } })), "iam-trust-policy", /without a .*:sub condition/);
            });
            it("EKS IRSA: without sub, or with a sub matching every service account, the whole cluster can assume the role", async () => {
                const eks = "oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789";
                expectNone(
                    await analyze(oidc(eks, { StringEquals: { [`${eks}:sub`]: "system:serviceaccount:kube-system:ebs-csi-controller-sa", [`${eks}:aud`]: "sts.amazonaws.com" } })),
                    "iam-trust-policy",
                );
                expectNone(await analyze(oidc(eks, { StringLike: { [`${eks}:sub`]: "system:serviceaccount:monitoring:*" } })), "iam-trust-policy");
                expectViolation(await analyze(oidc(eks, { StringEquals: { [`${eks}:aud`]: "sts.amazonaws.com" } })), "iam-trust-policy", /every service account of every namespace/, "mandatory");
                expectViolation(await analyze(oidc(eks, { StringLike: { [`${eks}:sub`]: "system:serviceaccount:*" } })), "iam-trust-policy", /matches every service account/);
            });
            it("other providers need an audience or subject: Pulumi Cloud with aud passes, any provider without a condition does not", async () => {
                expectNone(await analyze(oidc("api.pulumi.com/oidc", { StringEquals: { "api.pulumi.com/oidc:aud": "example-org" } })), "iam-trust-policy");
                expectViolation(await analyze(oidc("api.pulumi.com/oidc")), "iam-trust-policy", /trusts every token of api\.pulumi\.com\/oidc/);
                const cognito = (condition?: Record<string, unknown>) =>
                    res(T.role, "cog", {
                        name: "cog",
                        assumeRolePolicy: doc({
                            Effect: "Allow",
                            Principal: { Federated: "cognito-identity.amazonaws.com" },
                            Action: "sts:AssumeRoleWithWebIdentity",
                            ...(condition ? { Condition: condition } : {}),
                        }),
                    });
                expectNone(
                    await analyze(
                        cognito({ StringEquals: { "cognito-identity.amazonaws.com:aud": "eu-west-1:0000-1111" }, "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" } }),
                    ),
                    "iam-trust-policy",
                );
                expectViolation(
                    await analyze(cognito({ "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" } })),
                    "iam-trust-policy",
                    /cognito-identity\.amazonaws\.com:aud/,
                );
            });
            it("a provider of the same stack (ARN unknown at preview) is judged by the keys that name it", async () => {
                const trust = (condition: Record<string, unknown>) =>
                    res(T.role, "same", {
                        name: "same",
                        assumeRolePolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Federated: UNKNOWN }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }] },
                    });
                expectNone(await analyze(trust({ StringLike: { [`${gh}:sub`]: "repo:example-org/app:*" } })), "iam-trust-policy");
                expectViolation(await analyze(trust({ StringEquals: { [`${gh}:aud`]: "sts.amazonaws.com" } })), "iam-trust-policy", /any repository/);
            });
        });
    });

    describe("org-account-protection", () => {
        it("flags closeOnDeletion and a missing protect option", async () => {
            const vs = await analyze(res(T.account, "a", { name: "a", email: "a@example.com", closeOnDeletion: true, tags: { Environment: "dev" } }));
            expectViolation(vs, "org-account-protection", /closeOnDeletion is true/);
            expectViolation(vs, "org-account-protection", /not protected/);
        });
        it("accepts closeOnDeletion on an account acknowledged by name in closeOnDeletionAccounts", async () => {
            const sandbox = res(T.account, "sandbox", { name: "sandbox-1", email: "s@example.com", closeOnDeletion: true, tags: { Environment: "dev" } }, { protect: true });
            const hits = expectViolation(await analyze(sandbox), "org-account-protection", /closeOnDeletion is true on account sandbox-1/);
            assert.match(hits[0].message, /Fix: .*closeOnDeletionAccounts/);
            for (const name of ["sandbox-1", "sandbox"]) {
                await pack.client().configure({ "org-account-protection": { closeOnDeletionAccounts: [name] } });
                try {
                    expectNone(await analyze(sandbox), "org-account-protection");
                    expectViolation(await analyze({ ...sandbox, options: { protect: false } }), "org-account-protection", /not protected/);
                } finally {
                    await pack.client().configure({});
                }
            }
        });
        it("passes a protected account and reports closeOnDeletion unknown at preview", async () => {
            expectNone(await analyze(res(T.account, "b", { name: "b", email: "b@example.com", tags: { Environment: "dev" } }, { protect: true })), "org-account-protection");
            expectViolation(
                await analyze(res(T.account, "c", { name: "c", email: "c@example.com", closeOnDeletion: UNKNOWN, tags: { Environment: "dev" } }, { protect: true })),
                "org-account-protection",
                /Could not check closeOnDeletion/,
                "mandatory",
            );
        });
    });

    describe("org-account-environment-tag", () => {
        it("flags a missing tag and a value outside the allowed list", async () => {
            expectViolation(await analyze(res(T.account, "d", { name: "d", email: "d@example.com" }, { protect: true })), "org-account-environment-tag", /no Environment tag/);
            expectViolation(await analyze(res(T.account, "e", { name: "e", email: "e@example.com", tags: { Environment: "qa" } }, { protect: true })), "org-account-environment-tag", /"qa"/);
        });
        it("passes an allowed value (also from tagsAll, i.e. provider default tags)", async () => {
            expectNone(await analyze(res(T.account, "f", { name: "f", email: "f@example.com", tagsAll: { Environment: "staging" } }, { protect: true })), "org-account-environment-tag");
        });
    });

    describe("org-policy-document", () => {
        it("flags invalid JSON, a Principal and an oversized SCP", async () => {
            expectViolation(await analyze(res(T.orgPolicy, "j", { name: "j", type: "SERVICE_CONTROL_POLICY", content: '{ "Version": "2012-10-17", ' })), "org-policy-document", /not valid JSON/);
            expectViolation(
                await analyze(res(T.orgPolicy, "pr", { name: "pr", type: "SERVICE_CONTROL_POLICY", content: doc({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" }) })),
                "org-policy-document",
                /Principal/,
            );
            const big = doc(...Array.from({ length: 60 }, (_, i) => ({ Sid: `S${i}`, Effect: "Deny", Action: "s3:DeleteBucket", Resource: `arn:aws:s3:::bucket-with-a-long-name-${i}` })));
            expectViolation(await analyze(res(T.orgPolicy, "big", { name: "big", type: "SERVICE_CONTROL_POLICY", content: big })), "org-policy-document", /allows 5120[\s\S]*Fix: Split the policy/);
        });
        it("counts the content as submitted, whitespace included (the fix is to minify), and applies 10,000 to tag policies", async () => {
            const statements = Array.from({ length: 40 }, (_, i) => ({ Sid: `S${i}`, Effect: "Deny", Action: "s3:DeleteBucket", Resource: `arn:aws:s3:::bucket-${i}` }));
            const pretty = JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 8);
            const minified = JSON.stringify(JSON.parse(pretty));
            assert.ok(pretty.length > 5120 && minified.length <= 5120, "fixture: pretty > limit >= minified");
            expectViolation(
                await analyze(res(T.orgPolicy, "pretty", { name: "pretty", type: "SERVICE_CONTROL_POLICY", content: pretty })),
                "org-policy-document",
                new RegExp(`${pretty.length} characters as submitted \\(${minified.length} minified\\)[\\s\\S]*Fix: Minify`),
            );
            expectNone(await analyze(res(T.orgPolicy, "minified", { name: "minified", type: "SERVICE_CONTROL_POLICY", content: minified })), "org-policy-document");
            const tags = json({ tags: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`key${i}`, { tag_key: { "@@assign": `Key${i}` }, tag_value: { "@@assign": ["a", "b"] } }])) });
            expectViolation(await analyze(res(T.orgPolicy, "tags", { name: "tags", type: "TAG_POLICY", content: tags })), "org-policy-document", /allows 10000/);
        });
    });

    describe("iam-policy-size", () => {
        it("flags a managed policy over 6,144 characters and a trust policy over 2,048", async () => {
            const many = doc(...Array.from({ length: 80 }, (_, i) => ({ Sid: `S${i}`, Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::bucket-number-${i}/*` })));
            expectViolation(await analyze(res(T.policy, "huge", { name: "huge", policy: many })), "iam-policy-size", /limit is 6144/);
            const trust = doc(...Array.from({ length: 30 }, (_, i) => ({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::111111111111:role/some-long-role-name-${i}` }, Action: "sts:AssumeRole" })));
            expectViolation(await analyze(res(T.role, "bigtrust", { name: "bigtrust", assumeRolePolicy: trust })), "iam-policy-size", /trust policy.*limit is 2048/);
        });
        it("passes normal documents, and documents whose unknown values (resource ARNs) cannot take them over the limit", async () => {
            expectNone(await analyze(res(T.policy, "small", { name: "small", policy: READ_ONLY })), "iam-policy-size");
            const withArns = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: [UNKNOWN, UNKNOWN] }] };
            expectNone(await analyze(res(T.policy, "arns", { name: "arns", policy: withArns })), "iam-policy-size");
            const nearLimit = {
                Version: "2012-10-17",
                Statement: [
                    ...Array.from({ length: 60 }, (_, i) => ({ Sid: `S${i}`, Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::bucket-${i}/*` })),
                    { Effect: "Allow", Action: "s3:GetObject", Resource: [UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN] },
                ],
            };
            assert.ok(JSON.stringify(nearLimit).length < 6144 && JSON.stringify(nearLimit).length + 5 * 200 > 6144, "fixture: fits only if the unknown ARNs are short");
            expectViolation(
                await analyze(res(T.policy, "near", { name: "near", policy: nearLimit })),
                "iam-policy-size",
                /Could not check the size of the managed policy: .*5 values are unknown/,
                "mandatory",
            );
        });
    });

    describe("iam-tag-isolation (advisory)", () => {
        it("names tag-scoped actions without aws:ResourceTag support", async () => {
            const vs = await analyze(
                res(T.groupPolicy, "abac", {
                    group: "developers",
                    policy: doc({
                        Effect: "Allow",
                        Action: ["ec2:StartInstances", "ec2:DescribeInstances", "s3:ListAllMyBuckets"],
                        Resource: "*",
                        Condition: { StringEquals: { "aws:ResourceTag/Environment": "dev" } },
                    }),
                }),
            );
            const hits = expectViolation(vs, "iam-tag-isolation", /ec2:DescribeInstances/, "advisory");
            assert.ok(/s3:ListAllMyBuckets/.test(hits[0].message));
            assert.ok(!/ec2:StartInstances/.test(hits[0].message), "StartInstances supports aws:ResourceTag");
        });
        it("reports wildcard-reached actions when the tag condition fails open (IfExists)", async () => {
            const vs = await analyze(
                res(T.groupPolicy, "abac3", {
                    group: "developers",
                    policy: doc({ Effect: "Allow", Action: ["ec2:*"], Resource: "*", Condition: { StringEqualsIfExists: { "aws:ResourceTag/Environment": "dev" } } }),
                }),
            );
            const hits = expectViolation(vs, "iam-tag-isolation", /ec2:DescribeAccountAttributes/, "advisory");
            assert.match(hits[0].message, /grants them on every resource/);
        });
        it("passes a service wildcard under a positive tag condition for its untaggable actions (they fail closed), not for its sharing actions", async () => {
            const vs = await analyze(
                res(T.groupPolicy, "abac4", {
                    group: "developers",
                    policy: doc({ Effect: "Allow", Action: ["ec2:*", "rds:*"], Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/Environment": "dev" } } }),
                }),
            );
            const hits = expectViolation(vs, "iam-tag-isolation", /rds:ModifyDBSnapshotAttribute.*tag-separated policy/, "advisory");
            assert.strictEqual(hits.length, 1, hits.map((h) => h.message).join("\n"));
            assert.doesNotMatch(hits[0].message, /do not support aws:ResourceTag/);
            const withoutSharing = doc(
                { Effect: "Allow", Action: ["ec2:*", "rds:*"], Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/Environment": "dev" } } },
                {
                    Effect: "Deny",
                    Action: ["rds:ModifyDBSnapshotAttribute", "rds:ModifyDBClusterSnapshotAttribute", "ec2:ModifySnapshotAttribute", "ec2:ModifyImageAttribute", "ec2:ModifyFpgaImageAttribute"],
                    Resource: "*",
                },
            );
            expectNone(await analyze(res(T.groupPolicy, "abac5", { group: "developers", policy: withoutSharing })), "iam-tag-isolation");
        });
        it("reports RDS and ELB create, copy and restore allowed by aws:RequestTag without the source's aws:ResourceTag", async () => {
            const byRequestTag = doc({
                Sid: "Create",
                Effect: "Allow",
                Action: ["rds:CopyDBSnapshot", "rds:CreateDBSnapshot", "elasticloadbalancing:CreateRule", "elasticloadbalancing:CreateTargetGroup", "rds:CreateDBSubnetGroup"],
                Resource: "*",
                Condition: { StringEquals: { "aws:RequestTag/Environment": "dev" } },
            });
            const hits = expectViolation(
                await analyze(res(T.groupPolicy, "req", { group: "developers", policy: byRequestTag })),
                "iam-tag-isolation",
                /statement #1 \(Sid "Create"\) allows .*aws:RequestTag alone/,
                "advisory",
            );
            assert.match(hits[0].message, /rds:CopyDBSnapshot, rds:CreateDBSnapshot, elasticloadbalancing:CreateRule/);
            assert.doesNotMatch(hits[0].message.split("\n")[1], /CreateTargetGroup|CreateDBSubnetGroup/, "creating from nothing reads no source");
            assert.match(hits[0].message, /Fix: Add Condition \{"StringEqualsIfExists": \{"aws:ResourceTag\/Environment"/);
            const withSource = doc({
                Effect: "Allow",
                Action: ["rds:CopyDBSnapshot", "rds:CreateDBSnapshot"],
                Resource: "*",
                Condition: { StringEquals: { "aws:RequestTag/Environment": "dev" }, StringEqualsIfExists: { "aws:ResourceTag/Environment": "dev" } },
            });
            expectNone(await analyze(res(T.groupPolicy, "req2", { group: "developers", policy: withSource })), "iam-tag-isolation");
        });
        it("passes tag-scoped actions that support aws:ResourceTag", async () => {
            expectNone(
                await analyze(
                    res(T.groupPolicy, "abac2", {
                        group: "developers",
                        policy: doc({ Effect: "Allow", Action: ["ec2:StartInstances", "ec2:StopInstances"], Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/Environment": "dev" } } }),
                    }),
                ),
                "iam-tag-isolation",
            );
        });
    });

    it("a document unknown at preview is reported once per policy, each message with its fix", async () => {
        const vs = await analyze(res(T.policy, "whole", { name: "whole", policy: UNKNOWN }));
        const byPolicy = new Map<string, number>();
        for (const v of vs) byPolicy.set(v.policyName, (byPolicy.get(v.policyName) ?? 0) + 1);
        assert.deepStrictEqual(
            [...byPolicy.values()].filter((n) => n > 1),
            [],
            JSON.stringify([...byPolicy]),
        );
        assert.ok(vs.length >= 4 && vs.every((v) => /Could not check/.test(v.message) && /\nFix: Pass the document as an object/.test(v.message)), vs.map((v) => v.message).join("\n"));
    });

    it("every message says where (statement number and Sid) and the smallest fix", async () => {
        const vs = await analyze(
            res(T.policy, "where", {
                name: "where",
                policy: doc(
                    { Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
                    { Sid: "Wide", Effect: "Allow", NotAction: ["iam:Frobnicate"], Resource: "*" },
                    { Sid: "Pass", Effect: "Allow", Action: "iam:PassRole", Resource: "*" },
                ),
            }),
        );
        assert.ok(vs.length >= 3);
        for (const v of vs) {
            assert.match(v.message, /statement #[23] \(Sid "(Wide|Pass)"\)/, v.message);
            assert.match(v.message, /\nFix: \S/, v.message);
        }
    });

    it("resource policies never turn a finding advisory because of an unknown value", async () => {
        const vs = await analyze(res(T.role, "all-unknown", { name: UNKNOWN, assumeRolePolicy: UNKNOWN, inlinePolicies: UNKNOWN }));
        assert.ok(mandatory(vs).length > 0);
        assert.ok(!vs.some((v) => /can't run policy/.test(v.message)), "no policy may fall back to the SDK's advisory 'can't run during preview'");
    });
});

const json = (o: unknown) => JSON.stringify(o);
