/**
 * The guardrails' decisions, proven with an IAM simulator on the SCP chains the plan attaches
 * for the shipped prod stack (root -> OUs -> account, FullAWSAccess where it stays attached).
 * Every principal has AdministratorAccess, so the SCPs alone decide.
 */
import * as assert from "assert";
import { planFromRawConfig, type LandingZonePlan } from "../../components/plan";
import type { GuardrailsPlan } from "../../components/guardrails/plan";
import { ADMINISTRATOR_ACCESS, decide, simulate, type SimulationRequest } from "../helpers/simulate";
import { fakeAccountId, rawStackConfig } from "../helpers/program";
import { scpChain } from "./support";

describe("guardrail decisions on the prod stack's SCP chains (IAM simulator)", function () {
    let plan: LandingZonePlan;
    let gp: GuardrailsPlan;
    before(() => {
        plan = planFromRawConfig(rawStackConfig("prod"));
        gp = plan.guardrails;
    });

    const role = (account: string, name: string) => `arn:aws:iam::${fakeAccountId(account)}:role/${name}`;
    const instance = (account: string, region = "eu-west-1") => `arn:aws:ec2:${region}:${fakeAccountId(account)}:instance/i-0123456789abcdef0`;
    const inAccount = (account: string, request: SimulationRequest) => decide({ identityPolicies: [ADMINISTRATOR_ACCESS], scps: scpChain(plan, gp, account), request });
    const runInstances = (account: string, instanceType: string, tokens = "required") =>
        inAccount(account, {
            principal: role(account, "developer"),
            action: "ec2:RunInstances",
            resource: instance(account),
            context: { "ec2:InstanceType": instanceType, "ec2:MetadataHttpTokens": tokens },
        });

    it("the simulated chain of the dev account is root -> Workloads -> NonProd -> account", () => {
        assert.deepEqual(
            scpChain(plan, gp, "dev").map((l) => l.id),
            ["r-ex12", "ou-workloads", "ou-workloads-nonprod", fakeAccountId("dev")],
        );
    });

    it("RunInstances of a c5d.24xlarge is denied in the dev account, a t3.micro is allowed", async () => {
        assert.equal(await runInstances("dev", "c5d.24xlarge"), "ExplicitlyDenied");
        assert.equal(await runInstances("dev", "t3.micro"), "Allowed");
        assert.equal(await runInstances("sandbox", "c5d.24xlarge"), "ExplicitlyDenied");
    });

    it("RunInstances of a c5d.24xlarge is allowed in the prod account, where no instance-type list applies", async () => {
        assert.equal(await runInstances("prod", "c5d.24xlarge"), "Allowed");
    });

    it("RunInstances without IMDSv2 is denied everywhere (root guardrail)", async () => {
        for (const a of ["dev", "prod", "security"]) {
            assert.equal(await runInstances(a, "t3.micro", "optional"), "ExplicitlyDenied", a);
        }
    });

    it("LeaveOrganization is denied in every account, even to an administrator", async () => {
        for (const a of plan.accounts) {
            const d = await inAccount(a.key, { principal: role(a.key, "Admin"), action: "organizations:LeaveOrganization", resource: "*" });
            assert.equal(d, "ExplicitlyDenied", a.key);
        }
    });

    it("the root user is denied in every member account", async () => {
        for (const a of plan.accounts) {
            const root = `arn:aws:iam::${fakeAccountId(a.key)}:root`;
            const d = await inAccount(a.key, { principal: root, action: "s3:ListAllMyBuckets", resource: "*" });
            assert.equal(d, "ExplicitlyDenied", a.key);
        }
    });

    it("the platform role can still stop CloudTrail logging and delete a GuardDuty detector; another principal cannot", async () => {
        const trail = `arn:aws:cloudtrail:eu-west-1:${fakeAccountId("security")}:trail/organization-trail`;
        const detector = `arn:aws:guardduty:eu-west-1:${fakeAccountId("security")}:detector/12abc34d567e8fa901bc2d34e56789f0`;
        const platform = role("security", "OrganizationAccountAccessRole");
        const other = role("security", "SecurityAuditor");
        assert.equal(await inAccount("security", { principal: platform, action: "cloudtrail:StopLogging", resource: trail }), "Allowed");
        assert.equal(await inAccount("security", { principal: other, action: "cloudtrail:StopLogging", resource: trail }), "ExplicitlyDenied");
        assert.equal(await inAccount("security", { principal: platform, action: "guardduty:DeleteDetector", resource: detector }), "Allowed");
        assert.equal(await inAccount("security", { principal: other, action: "guardduty:DeleteDetector", resource: detector }), "ExplicitlyDenied");
        // Reading stays open to everyone.
        assert.equal(await inAccount("security", { principal: other, action: "cloudtrail:GetTrailStatus", resource: trail }), "Allowed");
    });

    it("a region outside the allow-list is denied in non-production while global IAM calls still work", async () => {
        const dev = role("dev", "developer");
        assert.equal(await inAccount("dev", { principal: dev, action: "ec2:DescribeInstances", resource: "*", context: { "aws:RequestedRegion": "ap-southeast-2" } }), "ExplicitlyDenied");
        assert.equal(await inAccount("dev", { principal: dev, action: "ec2:DescribeInstances", resource: "*", context: { "aws:RequestedRegion": "eu-central-1" } }), "Allowed");
        const someRole = `arn:aws:iam::${fakeAccountId("dev")}:role/app-role`;
        assert.equal(await inAccount("dev", { principal: dev, action: "iam:GetRole", resource: someRole, context: { "aws:RequestedRegion": "ap-southeast-2" } }), "Allowed");
        assert.equal(await inAccount("dev", { principal: dev, action: "sts:GetCallerIdentity", resource: "*", context: { "aws:RequestedRegion": "ap-southeast-2" } }), "Allowed");
        // Production has no region list in the shipped stack.
        assert.equal(await inAccount("prod", { principal: role("prod", "operator"), action: "ec2:DescribeInstances", resource: "*", context: { "aws:RequestedRegion": "ap-southeast-2" } }), "Allowed");
    });

    it("IAM users and access keys cannot be created in production, except by the platform role", async () => {
        const user = `arn:aws:iam::${fakeAccountId("prod")}:user/alice`;
        assert.equal(await inAccount("prod", { principal: role("prod", "operator"), action: "iam:CreateUser", resource: user }), "ExplicitlyDenied");
        assert.equal(await inAccount("prod", { principal: role("prod", "operator"), action: "iam:CreateAccessKey", resource: user }), "ExplicitlyDenied");
        assert.equal(await inAccount("prod", { principal: role("prod", "OrganizationAccountAccessRole"), action: "iam:CreateUser", resource: user }), "Allowed");
        assert.equal(await inAccount("dev", { principal: role("dev", "developer"), action: "iam:CreateUser", resource: `arn:aws:iam::${fakeAccountId("dev")}:user/alice` }), "Allowed");
    });

    it("platform roles cannot be changed except by the platform role", async () => {
        const envRole = `arn:aws:iam::${fakeAccountId("dev")}:role/landing-zone/developers`;
        const accessRole = `arn:aws:iam::${fakeAccountId("dev")}:role/OrganizationAccountAccessRole`;
        const appRole = `arn:aws:iam::${fakeAccountId("dev")}:role/app-role`;
        const dev = role("dev", "developer");
        assert.equal(await inAccount("dev", { principal: dev, action: "iam:AttachRolePolicy", resource: envRole }), "ExplicitlyDenied");
        assert.equal(await inAccount("dev", { principal: dev, action: "iam:UpdateAssumeRolePolicy", resource: accessRole }), "ExplicitlyDenied");
        assert.equal(await inAccount("dev", { principal: dev, action: "iam:DeleteRole", resource: accessRole }), "ExplicitlyDenied");
        assert.equal(await inAccount("dev", { principal: dev, action: "iam:AttachRolePolicy", resource: appRole }), "Allowed");
        assert.equal(await inAccount("dev", { principal: role("dev", "OrganizationAccountAccessRole"), action: "iam:AttachRolePolicy", resource: envRole }), "Allowed");
    });

    it("EBS default encryption and the account public access block stay on", async () => {
        const dev = role("dev", "developer");
        assert.equal(await inAccount("dev", { principal: dev, action: "ec2:DisableEbsEncryptionByDefault", resource: "*" }), "ExplicitlyDenied");
        assert.equal(await inAccount("dev", { principal: dev, action: "s3:PutAccountPublicAccessBlock", resource: "*" }), "ExplicitlyDenied");
        assert.equal(await inAccount("dev", { principal: role("dev", "OrganizationAccountAccessRole"), action: "s3:PutAccountPublicAccessBlock", resource: "*" }), "Allowed");
    });

    it("the service allow-list of NonProd implicitly denies unlisted services there, not in production", async () => {
        const notebook = (a: string) => `arn:aws:sagemaker:eu-west-1:${fakeAccountId(a)}:notebook-instance/lab`;
        assert.equal(await inAccount("dev", { principal: role("dev", "developer"), action: "sagemaker:CreateNotebookInstance", resource: notebook("dev") }), "ImplicitlyDenied");
        assert.equal(await inAccount("prod", { principal: role("prod", "operator"), action: "sagemaker:CreateNotebookInstance", resource: notebook("prod") }), "Allowed");
        assert.equal(await inAccount("dev", { principal: role("dev", "developer"), action: "s3:GetObject", resource: "arn:aws:s3:::app1-dev-data/report.csv" }), "Allowed");
    });

    it("hybrid layout: the shared non-production account (at the root) gets the instance-type list, production does not", async () => {
        const hybrid = planFromRawConfig({
            layout: "hybrid",
            accounts: {
                nonprod: { name: "app1-nonprod", email: "aws+nonprod@example.com", environments: ["dev", "test", "staging"] },
                prod: { name: "app1-prod", email: "aws+prod@example.com", environments: ["prod"] },
            },
        });
        const hgp = hybrid.guardrails;
        const run = (account: string, type: string) =>
            decide({
                identityPolicies: [ADMINISTRATOR_ACCESS],
                scps: scpChain(hybrid, hgp, account),
                request: {
                    principal: role(account, "developer"),
                    action: "ec2:RunInstances",
                    resource: instance(account),
                    context: { "ec2:InstanceType": type, "ec2:MetadataHttpTokens": "required" },
                },
            });
        assert.deepEqual(
            scpChain(hybrid, hgp, "nonprod").map((l) => l.id),
            ["r-ex12", fakeAccountId("nonprod")],
        );
        assert.equal(await run("nonprod", "c5d.24xlarge"), "ExplicitlyDenied");
        assert.equal(await run("nonprod", "t3.large"), "Allowed");
        assert.equal(await run("prod", "c5d.24xlarge"), "Allowed");
    });

    it("the simulator helper applies permission boundaries and plain identity policies too", async () => {
        const boundary = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] };
        const request = { principal: role("dev", "developer"), action: "ec2:DescribeInstances", resource: "*", context: { "aws:RequestedRegion": "eu-west-1" } };
        assert.equal((await simulate({ identityPolicies: [ADMINISTRATOR_ACCESS], permissionBoundary: boundary, request })).decision, "ImplicitlyDenied");
        assert.equal(await decide({ identityPolicies: [ADMINISTRATOR_ACCESS], request }), "Allowed");
        assert.equal(await decide({ identityPolicies: [], request }), "ImplicitlyDenied");
    });
});
