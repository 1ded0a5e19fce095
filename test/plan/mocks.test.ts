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
        assert.throws(
            () => mocks.call({ token: "aws:ec2/getVpc:getVpc", inputs: {} }),
            (e: unknown) => e instanceof UnknownInvokeError && e.message.includes("aws:ec2/getVpc:getVpc") && e.details === e.message,
        );
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
        const merged = policyDocument({ statements: [{ sid: "One", actions: ["s3:GetObject"], resources: ["*"] }], overridePolicyDocuments: [JSON.stringify({ Statement: [{ Sid: "One", Effect: "Deny", Action: "*", Resource: "*" }] })] });
        assert.deepStrictEqual(JSON.parse(merged.json).Statement, [{ Sid: "One", Effect: "Deny", Action: "*", Resource: "*" }]);
    });
});
