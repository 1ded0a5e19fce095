// Differential check of the SCP predicates the pack uses (org-scp-baseline, instance types)
// against an IAM request simulator: a statement the pack counts as "denies the root user" must
// make the simulator deny the root user, and the other way round. The simulator is AGPL and is
// used here, in tests, only; the pack itself never imports it.
import * as assert from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { parseDocument } from "../../policypack/lib/policy-document";
import { deniesLeaveOrganization, deniesRootUser, restrictsInstanceTypes } from "../../policypack/lib/scp";
import { BASELINE_SCP, INSTANCE_TYPES_SCP } from "./support";

const FULL_ACCESS = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
const ACCOUNT = "111111111111";

async function decision(scp: unknown, principal: string, action: string, resource: string, context: Record<string, string> = {}): Promise<string> {
    const response = await runSimulation(
        {
            identityPolicies: [{ name: "admin", policy: FULL_ACCESS }],
            serviceControlPolicies: [
                {
                    orgIdentifier: "r-ab12",
                    policies: [
                        { name: "FullAWSAccess", policy: FULL_ACCESS },
                        { name: "tested", policy: scp as never },
                    ],
                },
            ],
            resourceControlPolicies: [],
            request: { principal, action, resource: { accountId: ACCOUNT, resource }, contextVariables: { "aws:PrincipalArn": principal, ...context } },
        } as never,
        {},
    );
    if (response.resultType === "error") throw new Error(JSON.stringify(response.errors));
    return response.overallResult;
}

const statementsOf = (d: unknown) => {
    const p = parseDocument(d);
    if (p.kind !== "ok") throw new Error(p.kind);
    return p.statements;
};

const CANDIDATES: Record<string, unknown> = {
    baseline: JSON.parse(BASELINE_SCP),
    leaveOnly: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "organizations:LeaveOrganization", Resource: "*" }] },
    rootByStringLike: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "*", Resource: "*", Condition: { StringLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } } }] },
    rootOnlyS3: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } } }] },
    orgWildcard: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "organizations:*", Resource: "*" }] },
    leaveExceptPlatform: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Deny", Action: "organizations:LeaveOrganization", Resource: "*", Condition: { ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/platform-admin" } } }],
    },
    rootAndRegion: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Deny", Action: "*", Resource: "*", Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" }, StringEquals: { "aws:RequestedRegion": "us-east-1" } } }],
    },
    nothing: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "s3:DeleteBucket", Resource: "*" }] },
};

describe("SCP predicates agree with an IAM simulator", function () {
    this.timeout(60_000);
    for (const [name, scp] of Object.entries(CANDIDATES)) {
        it(`${name}: deniesLeaveOrganization / deniesRootUser match the simulated decisions`, async () => {
            const st = statementsOf(scp);
            const leave = await decision(scp, `arn:aws:iam::${ACCOUNT}:role/workload`, "organizations:LeaveOrganization", "*");
            assert.strictEqual(st.some(deniesLeaveOrganization), leave !== "Allowed", `leave: simulator ${leave}`);
            const root = await decision(scp, `arn:aws:iam::${ACCOUNT}:root`, "ec2:TerminateInstances", `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-0123456789abcdef0`);
            assert.strictEqual(st.some(deniesRootUser), root !== "Allowed", `root: simulator ${root}`);
        });
    }

    it("the instance-type SCP denies large instances and allows small ones, as restrictsInstanceTypes assumes", async () => {
        const scp = JSON.parse(INSTANCE_TYPES_SCP);
        assert.ok(statementsOf(scp).some(restrictsInstanceTypes));
        const instance = `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/*`;
        const principal = `arn:aws:iam::${ACCOUNT}:role/developer`;
        assert.notStrictEqual(await decision(scp, principal, "ec2:RunInstances", instance, { "ec2:InstanceType": "c5d.24xlarge" }), "Allowed");
        assert.strictEqual(await decision(scp, principal, "ec2:RunInstances", instance, { "ec2:InstanceType": "t3.micro" }), "Allowed");
    });
});

// Resource each escalation action acts on, for the simulator's resource-type validation.
const A = ACCOUNT;
const ESCALATION_RESOURCES: Record<string, string> = {
    "iam:CreatePolicyVersion": `arn:aws:iam::${A}:policy/p`,
    "iam:SetDefaultPolicyVersion": `arn:aws:iam::${A}:policy/p`,
    "iam:CreateAccessKey": `arn:aws:iam::${A}:user/u`,
    "iam:CreateLoginProfile": `arn:aws:iam::${A}:user/u`,
    "iam:UpdateLoginProfile": `arn:aws:iam::${A}:user/u`,
    "iam:AttachUserPolicy": `arn:aws:iam::${A}:user/u`,
    "iam:AttachGroupPolicy": `arn:aws:iam::${A}:group/g`,
    "iam:AttachRolePolicy": `arn:aws:iam::${A}:role/r`,
    "iam:PutUserPolicy": `arn:aws:iam::${A}:user/u`,
    "iam:PutGroupPolicy": `arn:aws:iam::${A}:group/g`,
    "iam:PutRolePolicy": `arn:aws:iam::${A}:role/r`,
    "iam:AddUserToGroup": `arn:aws:iam::${A}:group/g`,
    "iam:UpdateAssumeRolePolicy": `arn:aws:iam::${A}:role/r`,
    "lambda:UpdateFunctionCode": `arn:aws:lambda:eu-west-1:${A}:function:f`,
    "glue:UpdateDevEndpoint": `arn:aws:glue:eu-west-1:${A}:devEndpoint/e`,
    "sts:AssumeRole": `arn:aws:iam::${A}:role/r`,
    "cloudformation:UpdateStack": `arn:aws:cloudformation:eu-west-1:${A}:stack/s/1`,
    "cloudformation:CreateChangeSet": `arn:aws:cloudformation:eu-west-1:${A}:stack/s/1`,
    "ec2-instance-connect:SendSSHPublicKey": `arn:aws:ec2:eu-west-1:${A}:instance/i-0123456789abcdef0`,
    "ssm:SendCommand": `arn:aws:ec2:eu-west-1:${A}:instance/i-0123456789abcdef0`,
    "ssm:StartSession": `arn:aws:ec2:eu-west-1:${A}:instance/i-0123456789abcdef0`,
    "sagemaker:CreatePresignedNotebookInstanceUrl": `arn:aws:sagemaker:eu-west-1:${A}:notebook-instance/n`,
    "ec2:ModifyInstanceAttribute": `arn:aws:ec2:eu-west-1:${A}:instance/i-0123456789abcdef0`,
};

describe("escalation wildcard expansion agrees with an IAM simulator", function () {
    this.timeout(120_000);
    const docs: Record<string, string[]> = {
        iamStar: ["iam:*"],
        iamPut: ["iam:Put*"],
        attachAny: ["iam:Attach*Policy"],
        questionMark: ["iam:PutRol?Policy"],
        lambdaUpdate: ["lambda:Update*"],
        readOnly: ["iam:Get*", "iam:List*"],
        mixedCase: ["IAM:createaccesskey", "Glue:Update*"],
    };
    for (const [name, actions] of Object.entries(docs)) {
        it(`${name}: escalationGrants names exactly the actions the simulator allows`, async () => {
            const { escalationGrants, ESCALATION_ACTIONS } = await import("../../policypack/policies/privilege-escalation");
            const doc = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] };
            const flagged = new Set(escalationGrants(parseDocument(doc)).actions);
            for (const action of ESCALATION_ACTIONS) {
                const response = await runSimulation(
                    {
                        identityPolicies: [{ name: "tested", policy: doc as never }],
                        serviceControlPolicies: [],
                        resourceControlPolicies: [],
                        request: { principal: `arn:aws:iam::${A}:role/tester`, action, resource: { accountId: A, resource: ESCALATION_RESOURCES[action] }, contextVariables: {} },
                    } as never,
                    {},
                );
                if (response.resultType === "error") throw new Error(`${action}: ${JSON.stringify(response.errors)}`);
                assert.strictEqual(flagged.has(action), response.overallResult === "Allowed", `${action}: simulator ${response.overallResult}`);
            }
        });
    }
});

describe("what grants nothing agrees with an IAM simulator", function () {
    this.timeout(60_000);
    const action = "iam:AttachRolePolicy";
    const resource = `arn:aws:iam::${A}:role/r`;
    const allow = (extra: Record<string, unknown> = {}) => ({ Effect: "Allow", Action: action, Resource: "*", ...extra });
    // Documents the escalation analysis treats as granting nothing, and request contexts to try them with.
    const nothing: Record<string, { doc: unknown; contexts: Record<string, string>[] }> = {
        deniedInSameDocument: { doc: { Version: "2012-10-17", Statement: [allow(), { Effect: "Deny", Action: "iam:Attach*", Resource: "*" }] }, contexts: [{}] },
        expired: {
            doc: { Version: "2012-10-17", Statement: [allow({ Condition: { DateLessThan: { "aws:CurrentTime": "2021-01-01T00:00:00Z" } } })] },
            contexts: [{ "aws:CurrentTime": new Date().toISOString() }],
        },
        equalAndNotEqual: {
            doc: { Version: "2012-10-17", Statement: [allow({ Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" }, StringNotEquals: { "aws:RequestedRegion": "eu-west-1" } } })] },
            contexts: [{ "aws:RequestedRegion": "eu-west-1" }, { "aws:RequestedRegion": "us-east-1" }, {}],
        },
        absentAndPresent: {
            doc: { Version: "2012-10-17", Statement: [allow({ Condition: { Null: { "aws:SourceIp": "true" }, IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } })] },
            contexts: [{ "aws:SourceIp": "10.1.2.3" }, { "aws:SourceIp": "192.0.2.1" }, {}],
        },
    };
    for (const [name, { doc, contexts }] of Object.entries(nothing)) {
        it(`${name}: no escalation, and the simulator allows the action in none of the contexts`, async () => {
            const { escalationGrants } = await import("../../policypack/policies/privilege-escalation");
            assert.deepStrictEqual(escalationGrants(parseDocument(doc)).actions, []);
            for (const contextVariables of contexts) {
                const response = await runSimulation(
                    {
                        identityPolicies: [{ name: "tested", policy: doc as never }],
                        serviceControlPolicies: [],
                        resourceControlPolicies: [],
                        request: { principal: `arn:aws:iam::${A}:role/tester`, action, resource: { accountId: A, resource }, contextVariables },
                    } as never,
                    {},
                );
                if (response.resultType === "error") throw new Error(JSON.stringify(response.errors));
                assert.notStrictEqual(response.overallResult, "Allowed", `${JSON.stringify(contextVariables)}: simulator ${response.overallResult}`);
            }
        });
    }
    it("the same statement without the impossible condition is an escalation the simulator allows", async () => {
        const { escalationGrants } = await import("../../policypack/policies/privilege-escalation");
        const doc = { Version: "2012-10-17", Statement: [allow({ Condition: { DateLessThan: { "aws:CurrentTime": "2999-01-01T00:00:00Z" } } })] };
        assert.deepStrictEqual(escalationGrants(parseDocument(doc)).actions, [action]);
        const response = await runSimulation(
            {
                identityPolicies: [{ name: "tested", policy: doc as never }],
                serviceControlPolicies: [],
                resourceControlPolicies: [],
                request: { principal: `arn:aws:iam::${A}:role/tester`, action, resource: { accountId: A, resource }, contextVariables: { "aws:CurrentTime": new Date().toISOString() } },
            } as never,
            {},
        );
        assert.strictEqual(response.resultType === "error" ? "error" : response.overallResult, "Allowed");
    });
});
