// Resource policies, each with passing and failing resources, through the real pack over gRPC.
import * as assert from "assert";
import { analyzeEach, cleanStack, doc, expectNone, expectViolation, mandatory, MFA_TRUST, READ_ONLY, res, SERVICE_TRUST, T, UNKNOWN, usePack } from "./support";

describe("policy pack: resource policies (Analyze over gRPC)", function () {
    const pack = usePack();
    const analyze = (r: Parameters<ReturnType<typeof pack.client>["analyze"]>[0]) => pack.client().analyze(r);

    it("the clean organization has no violation from any resource policy", async () => {
        const vs = await analyzeEach(pack.client(), cleanStack());
        assert.deepStrictEqual(vs.map((v) => `${v.policyName}: ${v.message}`), []);
    });

    describe("iam-no-user-permissions", () => {
        it("flags an inline user policy, a user policy attachment and a PolicyAttachment naming users", async () => {
            expectViolation(await analyze(res(T.userPolicy, "up", { user: "alice", policy: READ_ONLY })), "iam-no-user-permissions", /directly to IAM user alice/, "mandatory");
            expectViolation(await analyze(res(T.userPolicyAttachment, "upa", { user: "bob", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" })), "iam-no-user-permissions", /bob/);
            expectViolation(await analyze(res(T.policyAttachment, "pa", { name: "pa", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess", users: ["carol"], groups: ["developers"] })), "iam-no-user-permissions", /carol/);
        });
        it("reports an unknown users list instead of passing it", async () => {
            expectViolation(await analyze(res(T.policyAttachment, "pa2", { name: "pa2", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess", users: UNKNOWN })), "iam-no-user-permissions", /Could not check/, "mandatory");
        });
        it("passes group and role attachments", async () => {
            expectNone(await analyze(res(T.policyAttachment, "pa3", { name: "pa3", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess", groups: ["developers"], roles: ["ci"] })), "iam-no-user-permissions");
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
            expectViolation(await analyze(res(T.policy, "p", { name: "p", policy: doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }) })), "iam-no-passrole-wildcard", /iam:PassRole on every role/);
            expectViolation(await analyze(res(T.rolePolicy, "rp", { role: "ci", policy: doc({ Effect: "Allow", Action: ["iam:Pass*"], Resource: ["*"] }) })), "iam-no-passrole-wildcard");
        });
        it("passes PassRole on named role ARNs", async () => {
            expectNone(await analyze(res(T.policy, "p2", { name: "p2", policy: doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111111111111:role/app-runtime" }) })), "iam-no-passrole-wildcard");
        });
        it("reports a document unknown at preview", async () => {
            expectViolation(await analyze(res(T.policy, "p3", { name: "p3", policy: UNKNOWN })), "iam-no-passrole-wildcard", /Could not check/, "mandatory");
        });
    });

    describe("iam-no-allow-not-action", () => {
        it("flags Allow with NotAction and Allow with NotResource (documents given as objects too)", async () => {
            const vs = await analyze(res(T.role, "r", { name: "r", assumeRolePolicy: SERVICE_TRUST, inlinePolicies: [{ name: "wide", policy: doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }, { Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::secret/*" }) }] }));
            expectViolation(vs, "iam-no-allow-not-action", /NotAction/);
            expectViolation(vs, "iam-no-allow-not-action", /NotResource/);
            const obj = await analyze(res(T.policy, "objdoc", { name: "objdoc", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: "s3:*", Resource: "*" }] } }));
            expectViolation(obj, "iam-no-allow-not-action", /NotAction/);
        });
        it("passes Deny with NotAction (region guardrail)", async () => {
            expectNone(await analyze(res(T.orgPolicy, "region", { name: "region", type: "SERVICE_CONTROL_POLICY", content: doc({ Effect: "Deny", NotAction: ["iam:*", "organizations:*", "sts:*"], Resource: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": ["eu-west-1"] } } }) })), "iam-no-allow-not-action");
        });
    });

    describe("iam-valid-policy-elements", () => {
        it("names a misspelled action with the likely intended one", async () => {
            const vs = await analyze(res(T.groupPolicy, "typo", { group: "developers", policy: doc({ Effect: "Allow", Action: ["s3:GetObjekt", "ec2:DescribeInstance"], Resource: "*" }) }));
            expectViolation(vs, "iam-valid-policy-elements", /unknown action "s3:GetObjekt" \(did you mean "s3:GetObject"\?\)/, "mandatory");
            expectViolation(vs, "iam-valid-policy-elements", /ec2:DescribeInstance".*did you mean "ec2:DescribeInstances"/);
        });
        it("flags an unknown service, operator, condition key and a pattern matching nothing", async () => {
            const vs = await analyze(res(T.orgPolicy, "bad-scp", { name: "bad", type: "SERVICE_CONTROL_POLICY", content: doc(
                { Effect: "Deny", Action: "ec3:RunInstances", Resource: "*" },
                { Effect: "Deny", Action: "s3:Frobnicate*", Resource: "*" },
                { Effect: "Deny", Action: "ec2:RunInstances", Resource: "*", Condition: { StringEqualz: { "ec2:InstanceType": "x" } } },
                { Effect: "Deny", Action: "ec2:RunInstances", Resource: "*", Condition: { Bool: { "aws:MultiFactorAuthPresnt": "false" } } },
                { Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { "ForAllValues:StringNotEquals": { "aws:ResourceTag/Environment": ["prod"] } } },
            ) }));
            expectViolation(vs, "iam-valid-policy-elements", /ForAllValues used with single-valued condition key "aws:ResourceTag\/Environment"/);
            expectViolation(vs, "iam-valid-policy-elements", /unknown service "ec3".*did you mean "ec2:RunInstances"/);
            expectViolation(vs, "iam-valid-policy-elements", /matches no s3 action/);
            expectViolation(vs, "iam-valid-policy-elements", /unknown condition operator "StringEqualz".*StringEquals/);
            expectViolation(vs, "iam-valid-policy-elements", /unknown condition key "aws:MultiFactorAuthPresnt"/);
        });
        it("passes valid actions, wildcards, operators with IfExists/ForAnyValue and tag keys", async () => {
            const vs = await analyze(res(T.policy, "good", { name: "good", policy: doc({ Effect: "Allow", Action: ["ec2:Describe*", "s3:GetObject", "sts:AssumeRole"], Resource: "*", Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": ["Environment"] }, StringEqualsIfExists: { "aws:ResourceTag/Environment": "dev" } } }) }));
            expectNone(vs, "iam-valid-policy-elements");
        });
    });

    describe("iam-trust-policy", () => {
        it("flags a wildcard principal without a restricting condition", async () => {
            expectViolation(await analyze(res(T.role, "open", { name: "open", assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }) })), "iam-trust-policy", /wildcard principal/);
        });
        it("requires MFA when a wildcard principal is scoped to the organization's accounts, not to roles", async () => {
            expectViolation(await analyze(res(T.role, "org-people", { name: "org-people", assumeRolePolicy: doc({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-exampleorg1" } } }) })), "iam-trust-policy", /without MFA/);
            expectNone(await analyze(res(T.role, "org-roles", { name: "org-roles", assumeRolePolicy: doc({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-exampleorg1" }, ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/deployer" } } }) })), "iam-trust-policy");
        });
        it("passes a wildcard principal restricted to the organization", async () => {
            expectNone(await analyze(res(T.role, "org-only", { name: "org-only", assumeRolePolicy: doc({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-exampleorg1" }, Bool: { "aws:MultiFactorAuthPresent": "true" } } }) })), "iam-trust-policy");
        });
        it("requires MFA for roles people assume from another account", async () => {
            expectViolation(await analyze(res(T.role, "xacct", { name: "xacct", assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "sts:AssumeRole" }) })), "iam-trust-policy", /without MFA/);
            expectNone(await analyze(res(T.role, "xacct-mfa", { name: "xacct-mfa", assumeRolePolicy: MFA_TRUST })), "iam-trust-policy");
            expectNone(await analyze(res(T.role, "svc", { name: "svc", assumeRolePolicy: SERVICE_TRUST })), "iam-trust-policy");
        });
        it("reports a trust policy unknown at preview", async () => {
            expectViolation(await analyze(res(T.role, "unk", { name: "unk", assumeRolePolicy: UNKNOWN })), "iam-trust-policy", /Could not check the trust policy/, "mandatory");
        });
    });

    describe("org-account-protection", () => {
        it("flags closeOnDeletion and a missing protect option", async () => {
            const vs = await analyze(res(T.account, "a", { name: "a", email: "a@example.com", closeOnDeletion: true, tags: { Environment: "dev" } }));
            expectViolation(vs, "org-account-protection", /closeOnDeletion is true/);
            expectViolation(vs, "org-account-protection", /not protected/);
        });
        it("passes a protected account and reports closeOnDeletion unknown at preview", async () => {
            expectNone(await analyze(res(T.account, "b", { name: "b", email: "b@example.com", tags: { Environment: "dev" } }, { protect: true })), "org-account-protection");
            expectViolation(await analyze(res(T.account, "c", { name: "c", email: "c@example.com", closeOnDeletion: UNKNOWN, tags: { Environment: "dev" } }, { protect: true })), "org-account-protection", /Could not check closeOnDeletion/, "mandatory");
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
            expectViolation(await analyze(res(T.orgPolicy, "j", { name: "j", type: "SERVICE_CONTROL_POLICY", content: "{ \"Version\": \"2012-10-17\", " })), "org-policy-document", /not valid JSON/);
            expectViolation(await analyze(res(T.orgPolicy, "pr", { name: "pr", type: "SERVICE_CONTROL_POLICY", content: doc({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" }) })), "org-policy-document", /Principal/);
            const big = doc(...Array.from({ length: 60 }, (_, i) => ({ Sid: `S${i}`, Effect: "Deny", Action: "s3:DeleteBucket", Resource: `arn:aws:s3:::bucket-with-a-long-name-${i}` })));
            expectViolation(await analyze(res(T.orgPolicy, "big", { name: "big", type: "SERVICE_CONTROL_POLICY", content: big })), "org-policy-document", /limit is 5120/);
        });
        it("counts size minified and applies 10,000 to tag policies", async () => {
            const statements = Array.from({ length: 40 }, (_, i) => ({ Sid: `S${i}`, Effect: "Deny", Action: "s3:DeleteBucket", Resource: `arn:aws:s3:::bucket-${i}` }));
            const pretty = JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 8);
            assert.ok(pretty.length > 5120 && JSON.stringify(JSON.parse(pretty)).length <= 5120, "fixture: pretty > limit >= minified");
            expectNone(await analyze(res(T.orgPolicy, "pretty", { name: "pretty", type: "SERVICE_CONTROL_POLICY", content: pretty })), "org-policy-document");
            const tags = json({ tags: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`key${i}`, { tag_key: { "@@assign": `Key${i}` }, tag_value: { "@@assign": ["a", "b"] } }])) });
            expectViolation(await analyze(res(T.orgPolicy, "tags", { name: "tags", type: "TAG_POLICY", content: tags })), "org-policy-document", /limit is 10000/);
        });
    });

    describe("iam-policy-size", () => {
        it("flags a managed policy over 6,144 characters and a trust policy over 2,048", async () => {
            const many = doc(...Array.from({ length: 80 }, (_, i) => ({ Sid: `S${i}`, Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::bucket-number-${i}/*` })));
            expectViolation(await analyze(res(T.policy, "huge", { name: "huge", policy: many })), "iam-policy-size", /limit is 6144/);
            const trust = doc(...Array.from({ length: 30 }, (_, i) => ({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::111111111111:role/some-long-role-name-${i}` }, Action: "sts:AssumeRole" })));
            expectViolation(await analyze(res(T.role, "bigtrust", { name: "bigtrust", assumeRolePolicy: trust })), "iam-policy-size", /trust policy.*limit is 2048/);
        });
        it("passes normal documents", async () => {
            expectNone(await analyze(res(T.policy, "small", { name: "small", policy: READ_ONLY })), "iam-policy-size");
        });
    });

    describe("iam-tag-isolation (advisory)", () => {
        it("names tag-scoped actions without aws:ResourceTag support", async () => {
            const vs = await analyze(res(T.groupPolicy, "abac", { group: "developers", policy: doc({ Effect: "Allow", Action: ["ec2:StartInstances", "ec2:DescribeInstances", "s3:ListAllMyBuckets"], Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/Environment": "dev" } } }) }));
            const hits = expectViolation(vs, "iam-tag-isolation", /ec2:DescribeInstances/, "advisory");
            assert.ok(/s3:ListAllMyBuckets/.test(hits[0].message));
            assert.ok(!/ec2:StartInstances/.test(hits[0].message), "StartInstances supports aws:ResourceTag");
        });
        it("reports wildcard-reached actions when the tag condition fails open (IfExists)", async () => {
            const vs = await analyze(res(T.groupPolicy, "abac3", { group: "developers", policy: doc({ Effect: "Allow", Action: ["ec2:*"], Resource: "*", Condition: { StringEqualsIfExists: { "aws:ResourceTag/Environment": "dev" } } }) }));
            const hits = expectViolation(vs, "iam-tag-isolation", /ec2:DescribeAccountAttributes/, "advisory");
            assert.match(hits[0].message, /grants them on every resource/);
        });
        it("passes a service wildcard under a positive tag condition (untaggable actions fail closed)", async () => {
            expectNone(await analyze(res(T.groupPolicy, "abac4", { group: "developers", policy: doc({ Effect: "Allow", Action: ["ec2:*", "rds:*"], Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/Environment": "dev" } } }) })), "iam-tag-isolation");
        });
        it("passes tag-scoped actions that support aws:ResourceTag", async () => {
            expectNone(await analyze(res(T.groupPolicy, "abac2", { group: "developers", policy: doc({ Effect: "Allow", Action: ["ec2:StartInstances", "ec2:StopInstances"], Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/Environment": "dev" } } }) })), "iam-tag-isolation");
        });
    });

    it("resource policies never turn a finding advisory because of an unknown value", async () => {
        const vs = await analyze(res(T.role, "all-unknown", { name: UNKNOWN, assumeRolePolicy: UNKNOWN, inlinePolicies: UNKNOWN }));
        assert.ok(mandatory(vs).length > 0);
        assert.ok(!vs.some((v) => /can't run policy/.test(v.message)), "no policy may fall back to the SDK's advisory 'can't run during preview'");
    });
});

const json = (o: unknown) => JSON.stringify(o);
