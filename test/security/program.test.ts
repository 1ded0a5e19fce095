/**
 * The security baseline under the SDK mock monitor (the shipped stacks): every planned resource
 * registered once, in the account and region the plan names, waiting for what the plan says,
 * the trail as the issue requires it, the logs' bucket and key protected.
 */
import * as assert from "assert";
import { fakeAccountId, runProgram, stackConfig, type ProgramRun, type Recorded } from "../helpers/program";
import { plannedResources } from "../../components/security/plan";
import { ACCOUNT_BASELINE_TYPE, SECURITY_BASELINE_TYPE } from "../../components/security/component";
import { planOf, variant } from "./support";

const TRAIL = "aws:cloudtrail/trail:Trail";
const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const KEY = "aws:kms/key:Key";
const KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy";

describe("security baseline: program (mock monitor)", function () {
    this.timeout(120_000);
    let prod: ProgramRun;
    let dev: ProgramRun;
    const urnOf = (run: ProgramRun, name: string) => {
        const r = run.resources.find((x) => x.custom && x.name === name && x.type !== "pulumi:providers:aws");
        assert.ok(r, `no resource ${name}`);
        return r.urn;
    };
    /** The provider URN of the member account `key` (its MemberAccount's provider). */
    const providerOf = (run: ProgramRun, key: string) => run.resources.find((r) => r.type === "pulumi:providers:aws" && r.name === `${key}-account`)!.urn;

    before(async () => {
        prod = await runProgram(stackConfig("prod"), { stack: "prod" });
        dev = await runProgram(stackConfig("dev"), { stack: "dev" });
    });

    it("prod: registers every planned resource once, through the provider of the account the plan names", () => {
        const sp = planOf(variant("prod")).security;
        for (const p of plannedResources(sp)) {
            const found = prod.resources.filter((r) => r.custom && r.name === p.name && r.type !== "pulumi:providers:aws");
            assert.equal(found.length, 1, `${p.name}: ${found.length} registrations`);
            const [r] = found;
            if (p.account === "management") assert.ok(!r.provider || r.provider.includes("::default"), `${p.name} in the management account: ${r.provider}`);
            else assert.ok(r.provider === providerOf(prod, p.account), `${p.name} through ${p.account}'s provider, got ${r.provider}`);
            // Regional resources name their region (IAM and Organizations are global).
            if (!/^aws:(iam|organizations)\//.test(r.type)) assert.equal(r.inputs.region, p.region, `${p.name} region`);
        }
    });

    it("prod: member accounts' parts live under the account (security-<key>), the management account's under `security`", () => {
        const scopes = prod.byType(ACCOUNT_BASELINE_TYPE);
        assert.deepEqual(scopes.map((s) => s.name).sort(), ["security-dev", "security-log-archive", "security-prod", "security-sandbox", "security-security", "security-staging", "security-test"]);
        for (const s of scopes) assert.match(s.parent, new RegExp(`MemberAccount::${s.name.slice("security-".length)}$`));
        const bucket = prod.one(BUCKET, "log-archive-bucket");
        assert.match(bucket.parent, /AccountBaseline::security-log-archive$/);
        assert.match(prod.one(TRAIL, "organization-trail").parent, new RegExp(`${SECURITY_BASELINE_TYPE.replace(/[$]/g, "\\$")}::security$`));
    });

    it("prod: an organization trail over every region with log file validation and the log key, after the bucket and key policies", () => {
        const trail = prod.one(TRAIL, "organization-trail");
        assert.equal(trail.inputs.isOrganizationTrail, true);
        assert.equal(trail.inputs.isMultiRegionTrail, true);
        assert.equal(trail.inputs.enableLogFileValidation, true);
        assert.equal(trail.inputs.includeGlobalServiceEvents, true);
        assert.equal(trail.inputs.name, "lz-organization-trail");
        assert.equal(trail.inputs.region, "eu-west-1");
        assert.deepEqual(trail.inputs.advancedEventSelectors, [{ name: "Management events", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] }]);
        for (const dep of ["log-archive-bucket-policy", "log-archive-key-policy"]) assert.ok(trail.dependencies.includes(urnOf(prod, dep)), `trail waits for ${dep}`);
        assert.ok(trail.dependencies.includes(urnOf(prod, "organization")), "trail waits for the organization (trusted access)");
    });

    it("prod: the log bucket and key are protected and retained; the bucket policy names the organization and the management account", () => {
        for (const [type, name] of [
            [BUCKET, "log-archive-bucket"],
            [KEY, "log-archive-key"],
        ]) {
            const r = prod.one(type, name);
            assert.equal(r.protect, true, `${name} protected`);
            assert.equal(r.retainOnDelete, true, `${name} retained`);
        }
        assert.equal(prod.one(BUCKET, "log-archive-bucket").inputs.bucket, `lz-logs-${prod.org.managementAccountId}`);
        const policy = JSON.stringify(prod.one(BUCKET_POLICY, "log-archive-bucket-policy").inputs.policy);
        assert.ok(policy.includes(`arn:aws:s3:::lz-logs-${prod.org.managementAccountId}/AWSLogs/${prod.org.organizationId}/*`), policy);
        assert.ok(policy.includes(`arn:aws:s3:::lz-logs-${prod.org.managementAccountId}/AWSLogs/${prod.org.managementAccountId}/*`), policy);
        assert.ok(policy.includes(`arn:aws:iam::${fakeAccountId("app1-security")}:root`), "the audit account reads the logs");
        assert.ok(!/\{\{/.test(policy), "no placeholder left");
        // The key policy is a text known at preview, so the policy pack judges it.
        const keyPolicy = prod.one(KEY_POLICY, "log-archive-key-policy").inputs.policy;
        assert.equal(typeof keyPolicy, "string");
        assert.ok(!/\{\{/.test(keyPolicy));
    });

    it("prod: delegated administrators from the management account, organization configurations through the audit account", () => {
        const audit = fakeAccountId("app1-security");
        for (const r of prod.byType("aws:guardduty/organizationAdminAccount:OrganizationAdminAccount")) assert.equal(r.inputs.adminAccountId, audit);
        assert.equal(prod.one("aws:securityhub/organizationAdminAccount:OrganizationAdminAccount", "securityhub-admin").inputs.adminAccountId, audit);
        for (const r of prod.byType("aws:organizations/delegatedAdministrator:DelegatedAdministrator")) assert.equal(r.inputs.accountId, audit);
        for (const c of prod.byType("aws:guardduty/organizationConfiguration:OrganizationConfiguration")) {
            assert.ok(c.provider === providerOf(prod, "security"), c.name);
            assert.equal(c.inputs.autoEnableOrganizationMembers, "ALL");
            assert.ok(c.dependencies.includes(urnOf(prod, c.name.replace("organization", "admin"))), `${c.name} after its admin account`);
        }
        const hub = prod.one("aws:securityhub/configurationPolicy:ConfigurationPolicy", "securityhub-policy").inputs;
        assert.deepEqual(hub.configurationPolicy.enabledStandardArns, [
            "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0",
            "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0",
        ]);
        assert.equal(prod.one("aws:securityhub/configurationPolicyAssociation:ConfigurationPolicyAssociation", "securityhub-policy-root").inputs.targetId, prod.org.rootId);
        const unused = prod.byType("aws:accessanalyzer/analyzer:Analyzer").filter((a) => a.inputs.type === "ORGANIZATION_UNUSED_ACCESS");
        assert.deepEqual(
            unused.map((a) => a.inputs.configuration),
            [{ unusedAccess: { unusedAccessAge: 90 } }],
        );
    });

    it("dev: the single-account form in the one account: an account trail, a detector, account analyzers", () => {
        const mine = (r: Recorded) => r.custom && r.type !== "pulumi:providers:aws" && r.parent.endsWith(`${SECURITY_BASELINE_TYPE}::security`);
        const types = [...new Set(dev.resources.filter(mine).map((r) => r.type))].sort();
        assert.ok(types.includes(TRAIL) && types.includes("aws:guardduty/detector:Detector") && types.includes("aws:accessanalyzer/analyzer:Analyzer"), types.join(", "));
        assert.ok(!types.some((t) => /securityhub|cfg\/|organizations/.test(t)), types.join(", "));
        const trail = dev.one(TRAIL, "account-trail");
        assert.equal(trail.inputs.isOrganizationTrail, false);
        assert.equal(trail.inputs.isMultiRegionTrail, true);
        assert.equal(trail.inputs.enableLogFileValidation, true);
        assert.deepEqual(
            dev
                .byType("aws:accessanalyzer/analyzer:Analyzer")
                .map((a) => a.inputs.type)
                .sort(),
            ["ACCOUNT", "ACCOUNT_UNUSED_ACCESS"],
        );
        for (const r of dev.resources.filter(mine)) assert.ok(!r.provider || r.provider.includes("::default"), `${r.name}: ${r.provider}`);
        assert.equal(dev.byType(ACCOUNT_BASELINE_TYPE).length, 0);
    });
});
