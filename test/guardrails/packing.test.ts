/**
 * Size and count limits handled: statements packed into at most 4 documents (FullAWSAccess
 * takes the fifth slot), each within 5,120 characters, with the same decisions as the unpacked
 * guardrails; what cannot fit is rejected naming the target and the sizes.
 */
import * as assert from "assert";
import { ConfigError } from "../../components/config";
import { planFromRawConfig, type LandingZonePlan } from "../../components/plan";
import type { ScpTargetPlan } from "../../components/guardrails/plan";
import { MAX_SCPS_PER_TARGET, minifiedSize, packStatements, SCP_MAX_CHARACTERS, type PackItem } from "../../components/guardrails/packing";
import type { Statement } from "../../components/policy-document";
import { buildGuardrail, FULL_AWS_ACCESS, GUARDRAIL_NAMES } from "../../components/guardrails/scp";
import { ADMINISTRATOR_ACCESS, decide, type ScpLevel, type SimulationRequest } from "../helpers/simulate";
import { fakeAccountId, rawStackConfig } from "../helpers/program";
import { clone } from "./support";

function item(sid: string, chars: number): PackItem {
    // A statement whose minified JSON is exactly `chars` long.
    const base: Statement = { Sid: sid, Effect: "Deny", Action: "s3:x", Resource: "*" };
    const pad = chars - minifiedSize(base);
    assert.ok(pad >= 0);
    return { guardrail: sid.toLowerCase(), statement: { ...base, Action: `s3:${"x".repeat(pad + 1)}` } };
}

describe("packing", () => {
    describe("packStatements (first-fit decreasing)", () => {
        it("fills documents up to the limit and never over it", () => {
            const items = ["A", "B", "C", "D", "E", "F"].map((s) => item(s, 2000));
            const r = packStatements(items, 4);
            assert.ok(r.ok);
            if (!r.ok) return;
            assert.equal(r.bins.length, 3, "two 2000-character statements per document");
            for (const b of r.bins) {
                const doc = { Version: "2012-10-17", Statement: b.items.map((i) => i.statement) };
                assert.equal(b.size, minifiedSize(doc), "tracked size = real minified size");
                assert.ok(b.size <= SCP_MAX_CHARACTERS);
            }
        });

        it("places the largest statements first, so small ones fill the gaps", () => {
            const items = [item("S1", 1000), item("L1", 4000), item("S2", 1000), item("L2", 4000)];
            const r = packStatements(items, 4);
            assert.ok(r.ok);
            if (!r.ok) return;
            assert.equal(r.bins.length, 2);
            assert.deepEqual(
                r.bins.map((b) => b.items.map((i) => i.statement.Sid)),
                [
                    ["S1", "L1"],
                    ["S2", "L2"],
                ],
            );
        });

        it("is deterministic and keeps the catalogue order inside and across documents", () => {
            const items = ["A", "B", "C", "D", "E"].map((s, i) => item(s, 1500 + i * 300));
            assert.deepEqual(JSON.stringify(packStatements(items, 4)), JSON.stringify(packStatements([...items], 4)));
        });

        it("rejects a statement too large for any document, naming it and its size", () => {
            const r = packStatements([item("Huge", 6000), item("Small", 100)], 4);
            assert.equal(r.ok, false);
            if (r.ok) return;
            assert.match(r.reason, /Huge \(huge\) is \d+ characters/);
            assert.equal(r.sizes.Huge, 6000);
        });

        it("rejects statements that need more documents than free slots", () => {
            const r = packStatements(
                ["A", "B", "C", "D", "E"].map((s) => item(s, 4000)),
                4,
            );
            assert.equal(r.ok, false);
            if (r.ok) return;
            assert.match(r.reason, /need 5 documents .* only 4 attachment slots are free/);
        });
    });

    describe("many guardrails on one OU", () => {
        let plan: LandingZonePlan;
        let target: ScpTargetPlan;
        before(() => {
            // Every guardrail of the library, and an allow-list, on the production workloads OU.
            const raw = clone(rawStackConfig("prod"));
            const g = raw.guardrails as Record<string, any>;
            g.productionInstanceTypes = ["m5.*", "m6i.*", "c5.*", "c5d.*", "r5.*"];
            g.attachments.organizationalUnits = { "workloads-prod": [...GUARDRAIL_NAMES] };
            g.serviceAllowLists["workloads-prod"] = ["access-analyzer", "cloudtrail", "config", "ec2", "guardduty", "iam", "s3", "securityhub", "sts"];
            plan = planFromRawConfig(raw);
            target = plan.guardrails.targets.find((t) => t.key === "ou-workloads-prod")!;
        });

        it(`attaches at most ${MAX_SCPS_PER_TARGET} SCPs (FullAWSAccess counted), each within 5,120 characters`, () => {
            assert.equal(target.guardrails.length, GUARDRAIL_NAMES.length + 1);
            assert.ok(target.packed);
            assert.ok(target.attachmentCount <= MAX_SCPS_PER_TARGET, `${target.attachmentCount} attachments`);
            assert.equal(target.attachmentCount, target.documents.length + 1);
            for (const d of target.documents) assert.ok(d.size <= SCP_MAX_CHARACTERS, `${d.key}: ${d.size}`);
            // No statement lost or duplicated.
            const sids = target.documents.flatMap((d) => d.sids).sort();
            const expected = target.guardrails
                .flatMap((n) =>
                    buildGuardrail(n, {
                        exemptRoleArns: [],
                        protectedRoleArns: ["x"],
                        allowedRegions: ["eu-west-1"],
                        extraGlobalActions: [],
                        instanceTypes: ["x"],
                        services: ["s3"],
                        securityBaseline: plan.security!.protection,
                    }).Statement.map((s) => s.Sid),
                )
                .sort();
            assert.deepEqual(sids, expected);
        });

        it("gives the same simulator decisions as the unpacked guardrails", async () => {
            const account = fakeAccountId("prod");
            // The unpacked set, built independently from the library: one document per guardrail,
            // as if AWS allowed that many attachments.
            const gp = plan.guardrails;
            const g = plan.config.guardrails!;
            const params = {
                exemptRoleArns: gp.exemptRoleArns,
                protectedRoleArns: gp.protectedRoleArns,
                allowedRegions: g.allowedRegions!,
                extraGlobalActions: g.extraGlobalActions,
                instanceTypes: g.productionInstanceTypes!,
                services: g.serviceAllowLists["workloads-prod"],
                securityBaseline: plan.security!.protection,
            };
            const unpackedLevel: ScpLevel = {
                id: "ou-workloads-prod",
                policies: target.guardrails.map((n) => ({ name: n, policy: buildGuardrail(n, params) })),
            };
            const packedLevel: ScpLevel = {
                id: "ou-workloads-prod",
                policies: target.documents.map((d) => ({ name: d.policyName, policy: JSON.parse(d.content) })),
            };
            // FullAWSAccess is replaced by the allow-list on this OU; the account keeps its own.
            const chain = (ou: ScpLevel): ScpLevel[] => [ou, { id: account, policies: [{ name: "FullAWSAccess", policy: FULL_AWS_ACCESS }] }];
            const role = (n: string) => `arn:aws:iam::${account}:role/${n}`;
            const inst = `arn:aws:ec2:eu-west-1:${account}:instance/i-0123456789abcdef0`;
            const requests: SimulationRequest[] = [
                { principal: role("operator"), action: "ec2:RunInstances", resource: inst, context: { "ec2:InstanceType": "c5d.24xlarge", "ec2:MetadataHttpTokens": "required" } },
                { principal: role("operator"), action: "ec2:RunInstances", resource: inst, context: { "ec2:InstanceType": "p4d.24xlarge", "ec2:MetadataHttpTokens": "required" } },
                { principal: role("operator"), action: "ec2:RunInstances", resource: inst, context: { "ec2:InstanceType": "m5.large", "ec2:MetadataHttpTokens": "optional" } },
                { principal: role("operator"), action: "organizations:LeaveOrganization", resource: "*" },
                { principal: `arn:aws:iam::${account}:root`, action: "s3:ListAllMyBuckets", resource: "*" },
                { principal: role("operator"), action: "cloudtrail:StopLogging", resource: `arn:aws:cloudtrail:eu-west-1:${account}:trail/t` },
                { principal: role("OrganizationAccountAccessRole"), action: "cloudtrail:StopLogging", resource: `arn:aws:cloudtrail:eu-west-1:${account}:trail/t` },
                { principal: role("operator"), action: "ec2:DescribeInstances", resource: "*", context: { "aws:RequestedRegion": "sa-east-1" } },
                { principal: role("operator"), action: "iam:GetRole", resource: role("x"), context: { "aws:RequestedRegion": "sa-east-1" } },
                { principal: role("operator"), action: "iam:CreateUser", resource: `arn:aws:iam::${account}:user/u` },
                { principal: role("operator"), action: "iam:DeleteRole", resource: role("landing-zone/operators") },
                { principal: role("operator"), action: "ec2:DisableEbsEncryptionByDefault", resource: "*" },
                { principal: role("operator"), action: "s3:PutAccountPublicAccessBlock", resource: "*" },
                { principal: role("operator"), action: "s3:GetObject", resource: "arn:aws:s3:::bucket/key" },
                { principal: role("operator"), action: "dynamodb:GetItem", resource: `arn:aws:dynamodb:eu-west-1:${account}:table/t` },
            ];
            const decisions = { packed: [] as string[], unpacked: [] as string[] };
            for (const request of requests) {
                decisions.packed.push(await decide({ identityPolicies: [ADMINISTRATOR_ACCESS], scps: chain(packedLevel), request }));
                decisions.unpacked.push(await decide({ identityPolicies: [ADMINISTRATOR_ACCESS], scps: chain(unpackedLevel), request }));
            }
            assert.deepEqual(decisions.packed, decisions.unpacked);
            // And the set is not trivially uniform: these guardrails both deny and allow.
            assert.equal(unpackedLevel.policies.length, GUARDRAIL_NAMES.length + 1);
            assert.ok(decisions.packed.includes("Allowed") && decisions.packed.includes("ExplicitlyDenied") && decisions.packed.includes("ImplicitlyDenied"), decisions.packed.join(","));
        });

        it("packs large parameters into several documents, still within the limits", () => {
            const raw = clone(rawStackConfig("prod"));
            const g = raw.guardrails as Record<string, any>;
            // About 4,000 characters of instance types and 3,000 of extra global actions.
            g.nonProductionInstanceTypes = Array.from({ length: 280 }, (_, i) => `t3.size${i}`);
            g.extraGlobalActions = Array.from({ length: 150 }, (_, i) => `chatbot:Describe${i}`);
            g.attachments.organizationalUnits = { sandbox: ["protect-platform-roles", "deny-iam-users", "deny-disable-ebs-encryption"] };
            const t = planFromRawConfig(raw).guardrails.targets.find((x) => x.key === "ou-sandbox")!;
            assert.ok(t.packed);
            assert.ok(t.documents.length >= 2 && t.documents.length <= 4, `${t.documents.length} documents`);
            for (const d of t.documents) assert.ok(d.size <= SCP_MAX_CHARACTERS, `${d.key}: ${d.size}`);
            // Names derive from content (the first Sid), never positions.
            assert.ok(t.documents.every((d) => /^scp-ou-sandbox-pack-[a-z0-9-]+$/.test(d.logicalName)));
            assert.equal(new Set(t.documents.map((d) => d.logicalName)).size, t.documents.length);
        });

        it("rejects a target whose guardrails cannot fit at all, naming the target and the sizes", () => {
            const raw = clone(rawStackConfig("prod"));
            (raw.guardrails as Record<string, any>).nonProductionInstanceTypes = Array.from({ length: 500 }, (_, i) => `t3.size${i}`);
            let err: unknown;
            try {
                planFromRawConfig(raw);
            } catch (e) {
                err = e;
            }
            assert.ok(err instanceof ConfigError, String(err));
            const p = err.problems.find((x) => x.key === "landing-zone:guardrails.attachments.organizationalUnits.workloads-nonprod");
            assert.ok(p, err.message);
            assert.match(p.message, /OU workloads-nonprod \(Workloads\/NonProd\) cannot hold its guardrails/);
            assert.match(p.message, /instance-type-allow-list \d{4} characters/);
            assert.match(p.message, /over the 5120-character SCP limit/);
            assert.ok(
                err.problems.some((x) => x.key === "landing-zone:guardrails.attachments.organizationalUnits.sandbox"),
                "the sandbox OU too",
            );
        });
    });
});
