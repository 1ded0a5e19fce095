/**
 * protect-security-services against silencing, from the catalogue: every non-read action of
 * CloudTrail, Config, GuardDuty, Security Hub and IAM Access Analyzer is either denied by the SCP
 * or reviewed with a reason (components/guardrails/detection.ts), and the SCP chains of the prod
 * stack decide so in the simulator, for a member account administrator and for the platform role.
 */
import * as assert from "assert";
import * as fs from "fs";
import { buildDetectionTable, GENERATED_FILE, renderDetectionTable } from "../../components/guardrails/catalogue";
import { SECURITY_SERVICE_CANDIDATES } from "../../components/guardrails/catalogue.generated";
import { PROTECTED_SECURITY_ACTIONS, REVIEWED_SECURITY_ACTIONS } from "../../components/guardrails/detection";
import { planFromRawConfig } from "../../components/plan";
import { actionMatches } from "../../policypack/lib/policy-document";
import { ADMINISTRATOR_ACCESS, simulate } from "../helpers/simulate";
import { serviceActions } from "../access/proof";
import { fakeAccountId, rawStackConfig } from "../helpers/program";
import { scpChain } from "./support";

const candidates = Object.values(SECURITY_SERVICE_CANDIDATES).flat();
const isProtected = (a: string) => PROTECTED_SECURITY_ACTIONS.some((p) => actionMatches(p, a));

describe("protect-security-services: the reviewed table of detection-silencing actions", function () {
    this.timeout(60_000);

    it("is what the generator writes from the installed catalogue (regenerate: npx ts-node --transpile-only components/guardrails/catalogue.ts)", async () => {
        assert.equal(fs.readFileSync(GENERATED_FILE, "utf8"), renderDetectionTable(await buildDetectionTable()));
    });

    it("every candidate is protected by the SCP or reviewed with a reason, never both", () => {
        const neither = candidates.filter((a) => !isProtected(a) && REVIEWED_SECURITY_ACTIONS[a] === undefined);
        const both = candidates.filter((a) => isProtected(a) && REVIEWED_SECURITY_ACTIONS[a] !== undefined);
        assert.deepEqual(neither, [], "candidates neither protected nor reviewed");
        assert.deepEqual(both, [], "reviewed but protected anyway");
        for (const [a, reason] of Object.entries(REVIEWED_SECURITY_ACTIONS)) {
            assert.ok(candidates.includes(a), `${a} is reviewed but no longer a candidate`);
            assert.ok(reason.length > 10, a);
        }
        for (const p of PROTECTED_SECURITY_ACTIONS)
            assert.ok(
                candidates.some((a) => actionMatches(p, a)),
                `${p} protects nothing`,
            );
    });

    it("protects what archives, suppresses or redirects findings and logs (the issue's list)", () => {
        for (const a of [
            "guardduty:CreateFilter",
            "guardduty:UpdateFilter",
            "guardduty:CreateIPSet",
            "guardduty:UpdateIPSet",
            "guardduty:UpdateThreatIntelSet",
            "guardduty:DeleteThreatIntelSet",
            "guardduty:ArchiveFindings",
            "securityhub:CreateAutomationRule",
            "securityhub:BatchUpdateAutomationRules",
            "securityhub:BatchUpdateFindings",
            "securityhub:DisableImportFindingsForProduct",
            "access-analyzer:CreateArchiveRule",
            "access-analyzer:UpdateArchiveRule",
            "cloudtrail:StopEventDataStoreIngestion",
            "cloudtrail:UpdateEventDataStore",
            "cloudtrail:DeleteEventDataStore",
            "config:PutDeliveryChannel",
            "config:DeleteDeliveryChannel",
            "cloudtrail:StopLogging",
            "config:StopConfigurationRecorder",
            "guardduty:DeleteDetector",
            "securityhub:DisableSecurityHub",
            "access-analyzer:DeleteAnalyzer",
        ]) {
            assert.ok(candidates.includes(a) && isProtected(a), a);
        }
    });

    it("in every account of the prod stack an administrator is denied every protected candidate and allowed the reviewed ones; the platform role keeps them", async () => {
        const plan = planFromRawConfig(rawStackConfig("prod"));
        const gp = plan.guardrails;
        const wrong: string[] = [];
        for (const account of ["dev", "prod", "security"]) {
            const scps = scpChain(plan, gp, account);
            for (const action of candidates) {
                const a = (await serviceActions(action.split(":")[0])).find((x) => x.action === action)!;
                const resource = a.resourceTypes.length
                    ? a.resourceTypes[0].arn
                          .replace(/\$\{Partition\}/g, "aws")
                          .replace(/\$\{Region\}/g, "eu-west-1")
                          .replace(/\$\{Account\}/g, fakeAccountId(account))
                          .replace(/\$\{[A-Za-z0-9]+\}/g, "x")
                    : "*";
                const ask = async (role: string) =>
                    (await simulate({ identityPolicies: [ADMINISTRATOR_ACCESS], scps, request: { principal: `arn:aws:iam::${fakeAccountId(account)}:role/${role}`, action, resource } })).decision;
                const admin = await ask("Admin");
                if (admin !== (isProtected(action) ? "ExplicitlyDenied" : "Allowed")) wrong.push(`${account} Admin ${action}: ${admin}`);
                if (isProtected(action) && (await ask("OrganizationAccountAccessRole")) !== "Allowed") wrong.push(`${account} platform ${action}`);
            }
        }
        assert.deepEqual(wrong, []);
    });
});
