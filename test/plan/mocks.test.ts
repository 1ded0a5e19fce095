import * as assert from "assert";
import { UnknownInvokeError, accountIdFor, awsIdentityFor, createMocks, orgIdsFor, policyDocument, type MockContext } from "../../tools/plan/mocks";

const ctx: MockContext = { project: "proj", stack: "dev", preview: false, config: { "aws:region": "eu-west-1" } };

describe("plan: mocks", () => {
    it("derives 12-digit account IDs from names, deterministically", () => {
        const a = accountIdFor("app1-dev");
        assert.match(a, /^[1-9]\d{11}$/);
        assert.strictEqual(accountIdFor("app1-dev"), a);
        assert.notStrictEqual(accountIdFor("app1-prod"), a);
        const ids = new Set(Array.from({ length: 200 }, (_, i) => accountIdFor(`acct-${i}`)));
        assert.strictEqual(ids.size, 200);
    });

    it("gives organization, root, OU and SCP IDs of the AWS forms", () => {
        const org = orgIdsFor("proj", "dev");
        assert.match(org.organizationId, /^o-[a-z0-9]{10}$/);
        assert.match(org.rootId, /^r-[a-z0-9]{4}$/);
        assert.match(org.managementAccountId, /^\d{12}$/);
        assert.deepStrictEqual(orgIdsFor("proj", "dev"), org);
        const ou = awsIdentityFor("aws:organizations/organizationalUnit:OrganizationalUnit", "Workloads", { name: "Workloads" }, ctx);
        assert.match(ou.id, new RegExp(`^ou-${org.rootId.slice(2)}-[a-z0-9]{8}$`));
        assert.strictEqual(ou.arn, `arn:aws:organizations::${org.managementAccountId}:ou/${org.organizationId}/${ou.id}`);
        const scp = awsIdentityFor("aws:organizations/policy:Policy", "deny-root", { name: "deny-root" }, ctx);
        assert.match(scp.id, /^p-[a-z0-9]{8}$/);
        assert.match(scp.arn!, /^arn:aws:organizations::\d{12}:policy\/o-[a-z0-9]{10}\/service_control_policy\/p-[a-z0-9]{8}$/);
    });

    it("builds ARNs of the right form per resource type", () => {
        const mgmt = orgIdsFor("proj", "dev").managementAccountId;
        const cases: [string, string, Record<string, unknown>, RegExp][] = [
            ["aws:iam/role:Role", "ops", { path: "/platform/" }, new RegExp(`^arn:aws:iam::${mgmt}:role/platform/ops$`)],
            ["aws:iam/user:User", "alice", {}, new RegExp(`^arn:aws:iam::${mgmt}:user/alice$`)],
            ["aws:iam/group:Group", "devs", {}, new RegExp(`^arn:aws:iam::${mgmt}:group/devs$`)],
            ["aws:iam/policy:Policy", "read", {}, new RegExp(`^arn:aws:iam::${mgmt}:policy/read$`)],
            ["aws:organizations/account:Account", "app1-dev", { name: "app1-dev" }, new RegExp(`^arn:aws:organizations::${mgmt}:account/o-[a-z0-9]{10}/${accountIdFor("app1-dev")}$`)],
            ["aws:organizations/organization:Organization", "org", {}, new RegExp(`^arn:aws:organizations::${mgmt}:organization/o-[a-z0-9]{10}$`)],
            ["aws:s3/bucket:Bucket", "logs", {}, /^arn:aws:s3:::logs$/],
            ["aws:sns/topic:Topic", "alerts", {}, new RegExp(`^arn:aws:sns:eu-west-1:${mgmt}:alerts$`)],
        ];
        for (const [type, name, inputs, re] of cases) {
            assert.match(awsIdentityFor(type, name, inputs, ctx).arn ?? "", re, type);
        }
        assert.match(awsIdentityFor("aws:iam/role:Role", "x", {}, { ...ctx, config: { "aws:region": "cn-north-1" } }).arn!, /^arn:aws-cn:iam::/);
    });

    it("leaves computed outputs unknown in preview, known outside it and for imports", async () => {
        const preview = createMocks({ ...ctx, preview: true });
        const created = await preview.newResource({ type: "aws:iam/role:Role", name: "ops", inputs: { name: "ops" }, custom: true });
        assert.strictEqual(created.id, undefined);
        assert.deepStrictEqual(created.state, { name: "ops" });
        const imported = await preview.newResource({ type: "aws:iam/role:Role", name: "old", inputs: { name: "old" }, custom: true, id: "old" });
        assert.strictEqual(imported.id, "old");
        assert.match(String(imported.state.arn), /:role\/old$/);
        const update = createMocks(ctx);
        const acct = await update.newResource({ type: "aws:organizations/account:Account", name: "dev", inputs: { name: "app1-dev", email: "dev@example.com" }, custom: true });
        assert.strictEqual(acct.id, accountIdFor("app1-dev"));
        const again = await createMocks(ctx).newResource({ type: "aws:organizations/account:Account", name: "other", inputs: { name: "app1-dev" }, custom: true });
        assert.strictEqual(again.id, acct.id);
    });

    it("answers the usual invokes and names the token of an unknown one", async () => {
        const mocks = createMocks({ ...ctx, preview: true });
        const who = (await mocks.call({ token: "aws:index/getCallerIdentity:getCallerIdentity", inputs: {} })) as Record<string, string>;
        assert.strictEqual(who.accountId, orgIdsFor("proj", "dev").managementAccountId);
        const region = (await mocks.call({ token: "aws:index/getRegion:getRegion", inputs: {} })) as Record<string, string>;
        assert.strictEqual(region.name, "eu-west-1");
        const part = (await mocks.call({ token: "aws:index/getPartition:getPartition", inputs: {} })) as Record<string, string>;
        assert.strictEqual(part.partition, "aws");
        const org = (await mocks.call({ token: "aws:organizations/getOrganization:getOrganization", inputs: {} })) as { id: string; roots: { id: string }[] };
        assert.match(org.id, /^o-[a-z0-9]{10}$/);
        assert.match(org.roots[0]!.id, /^r-[a-z0-9]{4}$/);
        const unanswered: string[] = [];
        const counting = createMocks({ ...ctx, preview: true }, undefined, (t) => unanswered.push(t));
        assert.throws(
            () => counting.call({ token: "aws:ec2/getInstance:getInstance", inputs: {} }),
            (e: unknown) => e instanceof UnknownInvokeError && e.message.includes("aws:ec2/getInstance:getInstance") && /--mocks <file>/.test(e.message) && e.details === e.message,
        );
        assert.deepStrictEqual(unanswered, ["aws:ec2/getInstance:getInstance"]);
    });

    it("answers the common data sources plausibly, with AWS's forms, the same way every time", async () => {
        const mocks = createMocks({ ...ctx, preview: true });
        const call = async (token: string, inputs: Record<string, unknown>) => (await mocks.call({ token, inputs })) as Record<string, unknown>;
        const mgmt = orgIdsFor("proj", "dev").managementAccountId;
        const ami = await call("aws:ec2/getAmi:getAmi", { mostRecent: true, owners: ["amazon"], filters: [{ name: "name", values: ["al2023-ami-*-arm64"] }] });
        assert.match(String(ami.id), /^ami-[0-9a-f]{17}$/);
        assert.strictEqual(ami.imageId, ami.id);
        assert.match(String(ami.name), /^al2023-ami-[^*]+-arm64$/);
        assert.strictEqual(ami.architecture, "arm64");
        assert.strictEqual(ami.imageOwnerAlias, "amazon");
        assert.strictEqual(ami.state, "available");
        assert.deepStrictEqual(await call("aws:ec2/getAmi:getAmi", { mostRecent: true, owners: ["amazon"], filters: [{ name: "name", values: ["al2023-ami-*-arm64"] }] }), ami);
        const other = await call("aws:ec2/getAmi:getAmi", { owners: ["self"], nameRegex: "^golden-.*-v2$" });
        assert.notStrictEqual(other.id, ami.id);
        // A name the given regular expression matches, without its operators.
        assert.match(String(other.name), /^golden-.*-v2$/);
        assert.ok(!/[*^$]/.test(String(other.name)), String(other.name));

        const vpc = await call("aws:ec2/getVpc:getVpc", { default: true });
        assert.match(String(vpc.id), /^vpc-[0-9a-f]{17}$/);
        assert.strictEqual(vpc.cidrBlock, "172.31.0.0/16");
        assert.strictEqual(vpc.default, true);
        assert.strictEqual(vpc.ownerId, mgmt);
        assert.strictEqual(vpc.arn, `arn:aws:ec2:eu-west-1:${mgmt}:vpc/${vpc.id}`);
        const subnets = await call("aws:ec2/getSubnets:getSubnets", { filters: [{ name: "vpc-id", values: [vpc.id] }] });
        assert.strictEqual((subnets.ids as string[]).length, 3, "one per availability zone");
        for (const id of subnets.ids as string[]) assert.match(id, /^subnet-[0-9a-f]{17}$/);

        const role = await call("aws:iam/getRole:getRole", { name: "deployer" });
        assert.strictEqual(role.arn, `arn:aws:iam::${mgmt}:role/deployer`);
        assert.strictEqual(JSON.parse(String(role.assumeRolePolicy)).Version, "2012-10-17");
        assert.match(String(role.uniqueId), /^AROA[A-Z2-7]{17}$/);
        const key = await call("aws:kms/getKey:getKey", { keyId: "alias/aws/s3" });
        assert.match(String(key.arn), new RegExp(`^arn:aws:kms:eu-west-1:${mgmt}:key/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$`));
        assert.strictEqual(key.keyManager, "AWS");
        assert.strictEqual(key.keyState, "Enabled");
        const param = await call("aws:ssm/getParameter:getParameter", { name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" });
        assert.match(String(param.value), /^ami-[0-9a-f]{17}$/, "the public AMI parameters hold an image ID");
        assert.strictEqual(param.version, 1);
        const sso = await call("aws:ssoadmin/getInstances:getInstances", {});
        assert.match((sso.arns as string[])[0]!, /^arn:aws:sso:::instance\/ssoins-[0-9a-f]{16}$/);
        assert.match((sso.identityStoreIds as string[])[0]!, /^d-[0-9a-f]{10}$/);
        const bucket = await call("aws:s3/getBucket:getBucket", { bucket: "example-logs" });
        assert.strictEqual(bucket.arn, "arn:aws:s3:::example-logs");
        assert.strictEqual(bucket.bucketRegionalDomainName, "example-logs.s3.eu-west-1.amazonaws.com");
        const zone = await call("aws:route53/getZone:getZone", { name: "example.com." });
        assert.strictEqual(zone.name, "example.com");
        assert.match(String(zone.zoneId), /^Z[0-9A-F]{20}$/);
        assert.strictEqual(zone.arn, `arn:aws:route53:::hostedzone/${zone.zoneId}`);
        assert.strictEqual((zone.nameServers as string[]).length, 4);
        const cert = await call("aws:acm/getCertificate:getCertificate", { domain: "example.com" });
        assert.match(String(cert.arn), new RegExp(`^arn:aws:acm:eu-west-1:${mgmt}:certificate/`));
        assert.strictEqual(cert.status, "ISSUED");
    });

    it("takes a user's answers first: invokes by token (full or short), resource outputs by name or type", async () => {
        const user = {
            invokes: { "aws:ec2/getAmi:getAmi": { id: "ami-0123456789abcdef0" }, "aws:ec2:getInstance": { instanceType: "t3.small" } },
            resources: { "aws:ec2/instance:Instance": { publicIp: "203.0.113.1" }, web: { publicIp: "203.0.113.10", id: "i-0123456789abcdef0" } },
        };
        const mocks = createMocks({ ...ctx, preview: true }, user);
        assert.deepStrictEqual(await mocks.call({ token: "aws:ec2/getAmi:getAmi", inputs: { owners: ["amazon"] } }), { id: "ami-0123456789abcdef0" });
        assert.deepStrictEqual(await mocks.call({ token: "aws:ec2/getInstance:getInstance", inputs: {} }), { instanceType: "t3.small" });
        // Not given: the built-in answer.
        assert.match(String(((await mocks.call({ token: "aws:ec2/getVpc:getVpc", inputs: { default: true } })) as { id: string }).id), /^vpc-/);
        const web = await mocks.newResource({ type: "aws:ec2/instance:Instance", name: "web", inputs: { instanceType: "t3.micro" }, custom: true });
        assert.strictEqual(web.id, "i-0123456789abcdef0");
        assert.deepStrictEqual(web.state, { instanceType: "t3.micro", publicIp: "203.0.113.10" });
        const api = await mocks.newResource({ type: "aws:ec2/instance:Instance", name: "api", inputs: {}, custom: true });
        assert.strictEqual(api.id, undefined, "still unknown in preview");
        assert.strictEqual(api.state.publicIp, "203.0.113.1");
    });

    it("computes getPolicyDocument as the provider does", () => {
        const doc = policyDocument({
            statements: [
                { sid: "One", actions: ["s3:GetObject"], resources: ["*"] },
                {
                    effect: "Deny",
                    notActions: ["iam:*", "sts:*", "organizations:*"],
                    resources: ["*"],
                    conditions: [{ test: "StringNotEquals", variable: "aws:RequestedRegion", values: ["eu-west-1", "eu-central-1"] }],
                },
                { actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111111111111:root"] }] },
                { actions: ["s3:GetObject"], resources: ["*"], principals: [{ type: "*", identifiers: ["*"] }] },
            ],
        });
        const parsed = JSON.parse(doc.json);
        assert.deepStrictEqual(parsed, {
            Version: "2012-10-17",
            Statement: [
                { Sid: "One", Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
                {
                    Effect: "Deny",
                    NotAction: ["sts:*", "organizations:*", "iam:*"],
                    Resource: "*",
                    Condition: { StringNotEquals: { "aws:RequestedRegion": ["eu-west-1", "eu-central-1"] } },
                },
                { Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: "arn:aws:iam::111111111111:root" } },
                { Effect: "Allow", Action: "s3:GetObject", Resource: "*", Principal: "*" },
            ],
        });
        assert.strictEqual(doc.minifiedJson, JSON.stringify(parsed));
        assert.ok(doc.json.includes('\n  "Statement"'), "indented like the provider's json output");
        // Override documents replace statements with the same Sid.
        const merged = policyDocument({
            statements: [{ sid: "One", actions: ["s3:GetObject"], resources: ["*"] }],
            overridePolicyDocuments: [JSON.stringify({ Statement: [{ Sid: "One", Effect: "Deny", Action: "*", Resource: "*" }] })],
        });
        assert.deepStrictEqual(JSON.parse(merged.json).Statement, [{ Sid: "One", Effect: "Deny", Action: "*", Resource: "*" }]);
    });
});
