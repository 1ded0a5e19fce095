/**
 * The identity perimeter (resource control policy deny-external-role-assumption) and the
 * deny-external-sharing SCP, simulated on the prod stack's chains: a role a delegated IAM
 * administrator opened to an outside account is out of that account's reach; AWS services,
 * the organization and listed vendors keep their access; RAM and public snapshots stay inside.
 */
import * as assert from "assert";
import { validateResourceControlPolicy } from "@cloud-copilot/iam-policy";
import { parseConfig, ConfigError } from "../../components/config";
import { planFromRawConfig } from "../../components/plan";
import { SCP_MAX_CHARACTERS } from "../../components/guardrails/packing";
import { ADMINISTRATOR_ACCESS, decide, type ScpLevel } from "../helpers/simulate";
import { fakeAccountId, rawStackConfig } from "../helpers/program";
import { clone, scpChain } from "./support";

const ORG = "o-exampleorg1";
const OUTSIDER = "999999999999";

describe("resource control policy: no role of a member account trusts outside the organization", function () {
    const plan = planFromRawConfig(rawStackConfig("prod"));
    const gp = plan.guardrails;
    const rcpsOf = (g = gp): ScpLevel[] => [{ id: "r-ex12", policies: g.resourceControlPolicies.map((r) => ({ name: r.policyName, policy: JSON.parse(r.content) })) }];
    const dev = fakeAccountId("dev");
    const role = `arn:aws:iam::${dev}:role/workloads/dev/app`;
    /** The trust a delegated administrator could write: a personal account, or a service. */
    const trusting = (principal: Record<string, string>) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }] });
    const assume = (principal: string, context: Record<string, string>, trust: object, rcps: ScpLevel[] = rcpsOf()) =>
        decide({
            identityPolicies: principal.includes(":") ? [ADMINISTRATOR_ACCESS] : [],
            rcps,
            resourcePolicy: trust,
            request: { principal, action: "sts:AssumeRole", resource: role, resourceAccount: dev, context: { "aws:ResourceOrgID": ORG, ...context } },
        });

    it('is a valid RCP (Principal "*", Deny only), known at preview (no organization ID), within 5,120 characters', () => {
        assert.equal(gp.resourceControlPolicies.length, 1);
        const r = gp.resourceControlPolicies[0];
        const doc = JSON.parse(r.content);
        assert.deepEqual(validateResourceControlPolicy(doc), []);
        assert.ok(r.size <= SCP_MAX_CHARACTERS);
        assert.ok(doc.Statement.every((s: { Effect: string; Principal: string }) => s.Effect === "Deny" && s.Principal === "*"));
        assert.doesNotMatch(r.content, /o-[a-z0-9]{10,}/);
    });

    it("an outside account is refused, whatever the role's trust says; without the RCP it would get in", async () => {
        const outsider = `arn:aws:iam::${OUTSIDER}:user/mallory`;
        const trust = trusting({ AWS: `arn:aws:iam::${OUTSIDER}:root` });
        const context = { "aws:PrincipalAccount": OUTSIDER };
        assert.equal(await assume(outsider, context, trust), "ExplicitlyDenied");
        assert.equal(await assume(outsider, { ...context, "aws:PrincipalOrgID": "o-someoneelse1" }, trust), "ExplicitlyDenied");
        assert.equal(await assume(outsider, context, trust, []), "Allowed", "the leak the RCP closes");
    });

    it("AWS services, principals of the organization and listed vendor accounts keep their access", async () => {
        assert.equal(await assume("ec2.amazonaws.com", { "aws:PrincipalIsAWSService": "true" }, trusting({ Service: "ec2.amazonaws.com" })), "Allowed");
        const member = `arn:aws:iam::${fakeAccountId("security")}:role/ops`;
        assert.equal(await assume(member, { "aws:PrincipalOrgID": ORG, "aws:PrincipalAccount": fakeAccountId("security") }, trusting({ AWS: member })), "Allowed");
        const raw = clone(rawStackConfig("prod")) as { guardrails: Record<string, unknown> };
        raw.guardrails.trustedExternalAccountIds = [OUTSIDER];
        const withVendor = planFromRawConfig(raw).guardrails;
        const vendor = `arn:aws:iam::${OUTSIDER}:role/vendor`;
        assert.equal(await assume(vendor, { "aws:PrincipalAccount": OUTSIDER }, trusting({ AWS: vendor }), rcpsOf(withVendor)), "Allowed");
    });

    it("trustedExternalAccountIds takes 12-digit account IDs only", () => {
        const raw = clone(rawStackConfig("prod")) as { guardrails: Record<string, unknown> };
        raw.guardrails.trustedExternalAccountIds = ["12345"];
        assert.throws(
            () => parseConfig(raw),
            (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.key === "landing-zone:guardrails.trustedExternalAccountIds[0]" && /12-digit/.test(p.message)),
        );
    });
});

describe("deny-external-sharing on the prod stack's chains", () => {
    const plan = planFromRawConfig(rawStackConfig("prod"));
    const gp = plan.guardrails;
    const ask = (action: string, resource: string, context: Record<string, string | string[]> = {}, role = "Admin") =>
        decide({
            identityPolicies: [ADMINISTRATOR_ACCESS],
            scps: scpChain(plan, gp, "prod"),
            request: { principal: `arn:aws:iam::${fakeAccountId("prod")}:role/${role}`, action, resource, context },
        });
    const snapshot = "arn:aws:ec2:eu-west-1::snapshot/snap-0123456789abcdef0";

    it("RAM shares open to principals outside the organization are denied; shares inside it are not", async () => {
        assert.equal(await ask("ram:CreateResourceShare", "*", { "ram:RequestedAllowsExternalPrincipals": "true" }), "ExplicitlyDenied");
        assert.equal(await ask("ram:CreateResourceShare", "*", { "ram:RequestedAllowsExternalPrincipals": "false" }), "Allowed");
        const share = `arn:aws:ram:eu-west-1:${fakeAccountId("prod")}:resource-share/0123`;
        assert.equal(await ask("ram:AssociateResourceShare", share, { "ram:AllowsExternalPrincipals": "true" }), "ExplicitlyDenied");
    });

    it("an EBS snapshot cannot be made public; sharing it with one account has no condition key (write levels never get it)", async () => {
        assert.equal(await ask("ec2:ModifySnapshotAttribute", snapshot, { "ec2:Add/group": "all" }), "ExplicitlyDenied");
        assert.equal(await ask("ec2:ModifySnapshotAttribute", snapshot, { "ec2:Add/userId": OUTSIDER }), "Allowed");
    });

    it("block public access for AMIs and snapshots stays on, but for the platform roles", async () => {
        for (const action of ["ec2:DisableImageBlockPublicAccess", "ec2:DisableSnapshotBlockPublicAccess"]) {
            assert.equal(await ask(action, "*"), "ExplicitlyDenied", action);
            assert.equal(await ask(action, "*", {}, "OrganizationAccountAccessRole"), "Allowed", action);
        }
    });
});
