/**
 * The hybrid layout end to end, as a user would try it: a stack of their own with production
 * alone and one shared non-production account, planned offline with the real policy pack.
 */
import * as assert from "assert";
import * as path from "path";
import { runPlanHere } from "../helpers/plan";
import { ROOT } from "../helpers/program";
import { tempProject, type TempProject } from "./project";

const HYBRID = {
    "aws:region": "eu-west-1",
    "landing-zone:layout": "hybrid",
    "landing-zone:application": "app1",
    "landing-zone:organizationalUnits": {
        nonprod: { name: "NonProd", environmentClass: "non-production" },
        prod: { name: "Prod", environmentClass: "production" },
        security: { name: "Security", environmentClass: "production" },
    },
    "landing-zone:accounts": {
        nonprod: { name: "app1-nonprod", email: "aws+app1-nonprod@example.com", ou: "nonprod", environments: ["dev", "test", "staging"] },
        prod: { name: "app1-prod", email: "aws+app1-prod@example.com", ou: "prod", environments: ["prod"] },
        "log-archive": { name: "app1-log-archive", email: "aws+app1-log-archive@example.com", ou: "security", environmentClass: "production" },
        audit: { name: "app1-audit", email: "aws+app1-audit@example.com", ou: "security", environmentClass: "production" },
    },
    // The security baseline (the prod policy config requires the organization trail).
    "landing-zone:security": { logArchiveAccount: "log-archive", auditAccount: "audit", regions: ["eu-west-1"] },
    "landing-zone:users": { alice: { teams: ["developers"] }, bob: { teams: ["operators"] } },
    "landing-zone:budgets": { alertEmails: ["finops@example.com"] },
};

describe("hybrid layout, planned offline with the policy pack", function () {
    this.timeout(300_000);
    let project: TempProject;
    before(() => {
        project = tempProject("hybrid");
        project.stack("hybrid", HYBRID);
    });
    after(() => project.remove());

    it("has no mandatory violation; production alone, the shared account separated by tags", async () => {
        const r = await runPlanHere({ dir: project.dir, stack: "hybrid", policyPackDir: path.join(ROOT, "policypack"), policyConfigFile: path.join(ROOT, "policypack", "config", "prod.json") });
        assert.equal(r.error, undefined, r.error?.message);
        assert.deepEqual(
            r.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policy}: ${v.message}`),
            [],
        );
        assert.equal(r.exitCode, 0);

        const accounts = r.resources.filter((x) => x.type === "aws:organizations/account:Account");
        const tags = Object.fromEntries(accounts.map((a) => [a.name, (a.inputs.tags as Record<string, string>).Environment]));
        assert.deepEqual(tags, { audit: "prod", "log-archive": "prod", nonprod: "nonprod", prod: "prod" });
        assert.equal(r.resources.filter((x) => x.type === "aws:cloudtrail/trail:Trail" && x.inputs.isOrganizationTrail === true).length, 1);

        // Production: roles per level in its own account. Shared account: tag-scoped policies per environment.
        const inAccount = (key: string, type: string) =>
            r.resources.filter((x) => x.type === type && x.urn.includes(`MemberAccount$landing-zone:access:AccountAccess$`) && x.name.startsWith(`${key}-`));
        assert.ok(inAccount("prod", "aws:iam/role:Role").some((x) => x.name === "prod-lz-prod-admin"));
        const sharedDocs = inAccount("nonprod", "aws:iam/policy:Policy").map((x) => String(x.inputs.policy));
        for (const env of ["dev", "test", "staging"]) {
            assert.ok(
                sharedDocs.some((d) => d.includes(`"aws:ResourceTag/Environment":"${env}"`)),
                `a policy scoped to ${env} by tag`,
            );
        }
        assert.ok(!sharedDocs.some((d) => d.includes(`"aws:ResourceTag/Environment":"prod"`)), "production is not in the shared account");
    });
});
