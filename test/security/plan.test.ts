/**
 * The security baseline's plan (pure, in-process): where each part lands, the order AWS needs,
 * the single-account form, and the sets that must not depend on their order in config.
 */
import * as assert from "assert";
import { DEPLOYMENT_ACCOUNT } from "../../components/organization/plan";
import { planFromRawConfig } from "../../components/plan";
import { ORGANIZATION, plannedResources, type SecurityPlan, type SecurityResource } from "../../components/security/plan";
import { planOf, variant } from "./support";

/** Asserts that `name` waits for each of `deps`. */
function waitsFor(sp: SecurityPlan, name: string, deps: string[]): void {
    const r = plannedResources(sp).find((x) => x.name === name);
    assert.ok(r, `no planned resource ${name}`);
    for (const d of deps) assert.ok(r.dependsOn.includes(d), `${name} waits for ${d}; it waits for ${r.dependsOn.join(", ") || "nothing"}`);
}

const names = (rs: SecurityResource[]) => rs.map((r) => r.name);

describe("security baseline: plan", () => {
    describe("shipped prod stack (multi-account)", () => {
        const { plan, security: sp } = planOf(variant("prod"));

        it("puts the log bucket and key in the log archive account, the trail and delegations in the management account", () => {
            assert.equal(sp.layout, "organization");
            assert.equal(sp.logArchiveAccount, "log-archive");
            assert.equal(sp.auditAccount, "security");
            const la = sp.logArchive!;
            for (const r of [la.bucket, la.bucketPolicy, la.key, la.keyPolicy, la.alias, la.publicAccessBlock, la.versioning, la.encryption, la.lifecycle]) {
                assert.equal(r.account, "log-archive", r.name);
                assert.equal(r.region, "eu-west-1", r.name);
            }
            assert.equal(sp.trail!.account, DEPLOYMENT_ACCOUNT);
            assert.equal(sp.trail!.organization, true);
            for (const d of sp.delegatedAdministrators) assert.equal(d.adminAccount, "security");
            assert.deepEqual(sp.delegatedAdministrators.map((d) => d.servicePrincipal).sort(), ["access-analyzer.amazonaws.com", "config.amazonaws.com"]);
        });

        it("enables the regional services in the region guardrail's allowed regions, the home region holding the rest", () => {
            assert.deepEqual(sp.regions, ["eu-central-1", "eu-west-1", "us-east-1"]);
            assert.equal(sp.homeRegion, "eu-west-1");
            assert.deepEqual(
                sp.guardDuty!.detectors.map((d) => [d.account, d.region]),
                sp.regions.map((r) => ["security", r]),
            );
            assert.deepEqual(sp.securityHub!.findingAggregator.linkedRegions, ["eu-central-1", "us-east-1"]);
            const unused = sp.analyzers.filter((a) => a.type === "ORGANIZATION_UNUSED_ACCESS");
            assert.deepEqual(
                unused.map((a) => [a.account, a.region, a.unusedAccessAge]),
                [["security", "eu-west-1", 90]],
            );
            assert.equal(sp.analyzers.filter((a) => a.type === "ORGANIZATION").length, 3);
        });

        it("records Config in every account (the management account too) and every region, aggregated in the audit account", () => {
            const c = sp.config!;
            const accounts = [DEPLOYMENT_ACCOUNT, ...plan.accounts.map((a) => a.key)];
            assert.equal(c.recorders.length, accounts.length * 3);
            for (const a of accounts)
                for (const r of sp.regions)
                    assert.ok(
                        c.recorders.some((x) => x.account === a && x.region === r),
                        `${a} ${r}`,
                    );
            // Global resources (IAM) once per account, in the home region.
            assert.deepEqual([...new Set(c.recorders.filter((r) => r.includeGlobalResourceTypes).map((r) => r.region))], ["eu-west-1"]);
            assert.equal(c.aggregator!.aggregator.account, "security");
            assert.deepEqual(c.aggregator!.aggregator.regions, sp.regions);
        });

        it("creates the trail after the bucket and key policies and after trusted access (else InsufficientS3BucketPolicyException)", () => {
            waitsFor(sp, sp.trail!.name, ["log-archive-bucket-policy", "log-archive-key-policy", ORGANIZATION]);
            // The bucket policy after the public access block and ownership controls it relies on.
            waitsFor(sp, "log-archive-bucket-policy", ["log-archive-bucket-public-access-block", "log-archive-bucket-ownership"]);
        });

        it("delegates in order: trusted access, then the administrator accounts, then the organization configurations", () => {
            for (const d of sp.delegatedAdministrators) waitsFor(sp, d.name, [ORGANIZATION]);
            for (const r of sp.regions) {
                waitsFor(sp, `guardduty-admin-${r}`, [ORGANIZATION, `guardduty-detector-security-${r}`]);
                waitsFor(sp, `guardduty-organization-${r}`, [`guardduty-admin-${r}`]);
            }
            waitsFor(sp, "securityhub-admin", [ORGANIZATION]);
            waitsFor(sp, "securityhub-finding-aggregator", ["securityhub-admin"]);
            waitsFor(sp, "securityhub-organization", ["securityhub-finding-aggregator"]);
            waitsFor(sp, "securityhub-policy", ["securityhub-organization"]);
            waitsFor(sp, "securityhub-policy-root", ["securityhub-policy"]);
            waitsFor(sp, "config-aggregator", ["delegated-admin-config", "security-config-aggregator-role-policy"]);
            for (const a of sp.analyzers) waitsFor(sp, a.name, ["delegated-admin-access-analyzer"]);
            // Config channels write to the bucket: after its policy and the key's.
            for (const ch of sp.config!.deliveryChannels) waitsFor(sp, ch.name, ["log-archive-bucket-policy", "log-archive-key-policy", ch.recorder]);
        });

        it("lists every resource after what it waits for (the order the component registers them)", () => {
            const seen = new Set<string>();
            for (const r of plannedResources(sp)) {
                for (const d of r.dependsOn) assert.ok(d === ORGANIZATION || seen.has(d), `${r.name} is listed before ${d}`);
                assert.ok(!seen.has(r.name), `${r.name} twice`);
                seen.add(r.name);
            }
            assert.ok(seen.size > 100, `${seen.size} resources`);
        });

        it("names what protect-security-baseline protects and where the baseline attaches it", () => {
            assert.deepEqual(sp.protection, {
                logBucketNames: ["lz-logs-*"],
                keyAliases: ["alias/lz-log-archive"],
                roles: ["service-role/lz-config-aggregator"],
                accounts: ["log-archive", "security"],
            });
            const byKey = new Map(plan.guardrails.targets.map((t) => [t.key, t.guardrails]));
            assert.ok(byKey.get("account-log-archive")?.includes("protect-security-baseline"));
            assert.ok(byKey.get("account-security")?.includes("protect-security-baseline"));
            assert.equal(plan.guardrails.targets.filter((t) => t.guardrails.includes("protect-security-baseline")).length, 2);
        });

        it("aliases the resources of a renamed account under its former key", () => {
            const { security } = planOf(
                variant("prod", (raw) => {
                    const accounts = raw.accounts as Record<string, any>;
                    accounts.audit = { ...accounts.security, formerKeys: ["security"] };
                    delete accounts.security;
                    raw.security.auditAccount = "audit";
                    raw.budgets.accountMonthlyLimits = { audit: 300, "log-archive": 100, sandbox: 100 };
                }),
            );
            const detector = security.guardDuty!.detectors.find((d) => d.region === "eu-west-1")!;
            assert.equal(detector.name, "guardduty-detector-audit-eu-west-1");
            assert.deepEqual(detector.formerNames, { security: "guardduty-detector-security-eu-west-1" });
            const org = security.guardDuty!.organizationConfigurations.find((d) => d.region === "eu-west-1")!;
            assert.deepEqual(org.formerNames, { security: "guardduty-organization-eu-west-1" });
            assert.deepEqual(security.trail!.formerNames, {}, "the management account is never renamed");
        });

        it("does not depend on the order of the sets in config (regions, standards, deployment roles)", () => {
            const reversed = planOf(
                variant("prod", (raw) => {
                    raw.guardrails.allowedRegions.reverse();
                    raw.security.securityHub.standards.reverse();
                }),
            ).security;
            assert.deepEqual(reversed, sp);
        });
    });

    describe("shipped dev stack (single-account form)", () => {
        const { security: sp } = planOf(variant("dev"));

        it("an account trail, its bucket and key, a GuardDuty detector and account analyzers, all in the one account", () => {
            assert.equal(sp.layout, "account");
            assert.equal(sp.trail!.organization, false);
            assert.equal(sp.trail!.trailName, "lz-account-trail");
            for (const r of plannedResources(sp)) assert.equal(r.account, DEPLOYMENT_ACCOUNT, r.name);
            assert.deepEqual(names(sp.guardDuty!.detectors), ["guardduty-detector-account-eu-west-1"]);
            assert.deepEqual(sp.guardDuty!.adminAccounts, []);
            assert.deepEqual(sp.analyzers.map((a) => a.type).sort(), ["ACCOUNT", "ACCOUNT_UNUSED_ACCESS"]);
            assert.equal(sp.securityHub, undefined);
            assert.equal(sp.config, undefined);
            assert.deepEqual(sp.delegatedAdministrators, []);
            assert.equal(sp.protection, undefined, "no SCPs without an organization: the bucket policy protects the logs");
            // The same bucket protections as the organization's log archive.
            assert.ok(sp.logArchive!.bucketPolicy.document.Statement.some((s) => s.Sid === "DenyLogDeletionAndProtectionChanges"));
            assert.ok(sp.logArchive!.bucketPolicy.document.Statement.some((s) => s.Sid === "DenyInsecureTransport"));
        });

        it("trail-only or nothing: every part can be switched off", () => {
            const { security } = planOf(
                variant("dev", (raw) => {
                    raw.security.guardDuty = { enabled: false };
                    raw.security.accessAnalyzer = { enabled: false, unusedAccess: false };
                }),
            );
            assert.equal(security.guardDuty, undefined);
            assert.deepEqual(security.analyzers, []);
            assert.ok(security.trail);
            const none = planOf(
                variant("dev", (raw) => {
                    raw.security = { regions: ["eu-west-1"], cloudTrail: { enabled: false }, guardDuty: { enabled: false }, accessAnalyzer: { enabled: false, unusedAccess: false } };
                }),
            ).security;
            assert.deepEqual(plannedResources(none), []);
        });
    });

    it("with existingTrailArn (a Control Tower trail) creates no trail, and the trail's bucket statements go", () => {
        const { security } = planOf(
            variant("prod", (raw) => {
                raw.security.cloudTrail = { existingTrailArn: "arn:aws:cloudtrail:eu-west-1:111111111111:trail/aws-controltower-BaselineCloudTrail" };
            }),
        );
        assert.equal(security.trail, undefined);
        assert.ok(security.existingTrailArn);
        const sids = security.logArchive!.bucketPolicy.document.Statement.map((s) => s.Sid);
        assert.ok(!sids.includes("CloudTrailWrite") && sids.includes("ConfigWrite"), sids.join(", "));
    });

    it("a stack without a security section plans no baseline and no protect-security-baseline", () => {
        const plan = planFromRawConfig(variant("prod", (r) => delete r.security));
        assert.equal(plan.security, undefined);
        assert.ok(!plan.guardrails.targets.some((t) => t.guardrails.includes("protect-security-baseline")));
    });
});
