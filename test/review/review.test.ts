/**
 * The comparison on the fixture estates of the shipped prod stack (test/review/estate.ts): the
 * estate as deployed has no finding; the seeded one has exactly the findings seeded by hand, one
 * or more of every kind; a saved and reloaded snapshot reviews the same; the CLI's reports and
 * exit codes.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../tools/review/cli";
import { review, sizeRank, globMatch } from "../../tools/review/compare";
import { declaredFromConfig } from "../../tools/review/declared";
import { KINDS } from "../../tools/review/kinds";
import { renderMarkdown } from "../../tools/review/render";
import { loadSnapshot, saveSnapshot, SnapshotError } from "../../tools/review/snapshot";
import { declaredEstate, runningInstances } from "../../tools/review/synthetic";
import type { Finding, Snapshot } from "../../tools/review/types";
import { ACCOUNT_IDS, cleanEstate, COLLECTED_AT, FIXTURES, IDS, LEGACY, MGMT, OLD, prodDeclared, seededEstate } from "./estate";

const CLEAN = path.join(FIXTURES, "prod-clean");
const SEEDED = path.join(FIXTURES, "prod-seeded");
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "review-"));

/** [kind, account ID or "organization", text the subject contains]: what was seeded, by hand. */
const SEEDED_FINDINGS: [string, string, string][] = [
    ["account-unreadable", LEGACY, "landing-zone/lz-review"],
    ["organization-unreadable", "organization", "AWS Organizations"],
    ["partial-read", ACCOUNT_IDS.sandbox, "DescribeInstances"],
    ["undeclared-user", MGMT, "user mallory"],
    ["missing-user", MGMT, "user frank"],
    ["user-groups-differ", MGMT, "user carol"],
    ["user-direct-policy", MGMT, "user bob"],
    ["unmanaged-role", ACCOUNT_IDS.dev, "role /landing-zone/lz-dev-debug"],
    ["unmanaged-group", MGMT, "group /landing-zone/lz-contractors"],
    ["unmanaged-policy", ACCOUNT_IDS.sandbox, "policy /landing-zone/lz-sandbox-extra"],
    ["admin-outside-landing-zone", ACCOUNT_IDS.staging, "role /ops/break-glass"],
    ["missing-principal", ACCOUNT_IDS.prod, "role /landing-zone/lz-prod-read"],
    ["principal-drift", ACCOUNT_IDS.prod, "role /landing-zone/lz-prod-admin"],
    ["console-without-mfa", MGMT, "user erin"],
    ["access-key-of-person", MGMT, "user alice"],
    ["access-key-of-person", MGMT, "user dave"],
    ["old-access-key", MGMT, "user alice key 1"],
    ["unused-access-key", MGMT, "user alice key 1"],
    ["two-active-keys", MGMT, "user dave"],
    ["unused-password", MGMT, "user carol"],
    ["unused-password", MGMT, "user mallory"],
    ["root-access-key", ACCOUNT_IDS.sandbox, "root user"],
    ["root-without-mfa", ACCOUNT_IDS.sandbox, "root user"],
    ["org-policy-drift", "organization", "landing-zone-root-pack-deny-leave-organization"],
    ["org-policy-missing", "organization", "landing-zone-ou-security-deny-iam-users"],
    ["attachment-missing", "organization", "landing-zone-ou-workloads-nonprod-region-allow-list"],
    ["attachment-extra", "organization", "landing-zone-ou-workloads-nonprod-instance-type-allow-list"],
    ["unmanaged-org-policy", "organization", "temp-allow-all-regions"],
    ["full-aws-access-attached", "organization", "OU workloads-nonprod"],
    ["policy-type-disabled", "organization", "TAG_POLICY"],
    ["account-wrong-ou", ACCOUNT_IDS.staging, "account app1-staging"],
    ["account-not-in-config", LEGACY, "account app1-legacy"],
    ["account-not-in-config", OLD, "account app1-old"],
    ["ou-not-in-config", "organization", "OU Playground"],
    ["account-missing", "organization", "account app1-test"],
    ["ou-missing", "organization", "OU Sandbox"],
    ["account-suspended", OLD, "account app1-old"],
    ["instance-type-not-allowed", ACCOUNT_IDS.dev, "c5d.24xlarge in eu-west-1"],
    ["instance-too-large", ACCOUNT_IDS.sandbox, "t3.2xlarge in eu-central-1"],
    ["account-without-budget", LEGACY, "account app1-legacy"],
    ["account-without-budget", ACCOUNT_IDS.staging, "account app1-staging"],
    ["budget-missing", MGMT, "budget app1-staging-monthly"],
];

const where = (f: Finding) => f.accountId ?? "organization";
const brief = (fs: Finding[]) => fs.map((f) => `${f.kind} ${where(f)} ${f.subject}: ${f.found}`).join("\n");

describe("review: the prod stack's estates", function () {
    this.timeout(60_000);
    const declared = prodDeclared();

    it("the committed fixtures are the estates test/review/estate.ts builds (regenerate with ts-node test/review/estate.ts)", () => {
        const roundTrip = (s: Snapshot) => JSON.parse(JSON.stringify(s)) as Snapshot;
        assert.deepStrictEqual(loadSnapshot(CLEAN), roundTrip(cleanEstate(declared)));
        assert.deepStrictEqual(loadSnapshot(SEEDED), roundTrip(seededEstate(declared)));
    });

    it("the estate as deployed (documents in other but equivalent forms) has no finding", () => {
        const findings = review(loadSnapshot(CLEAN), declared);
        assert.deepStrictEqual(findings, [], brief(findings));
    });

    it("the seeded estate has exactly the seeded findings, at least one of every kind", () => {
        const findings = review(loadSnapshot(SEEDED), declared);
        const missing = SEEDED_FINDINGS.filter(([k, acct, subject]) => !findings.some((f) => f.kind === k && where(f) === acct && f.subject.includes(subject)));
        assert.deepStrictEqual(missing, [], `not found:\n${missing.join("\n")}\nfindings:\n${brief(findings)}`);
        assert.strictEqual(findings.length, SEEDED_FINDINGS.length, brief(findings));
        assert.deepStrictEqual([...new Set(findings.map((f) => f.kind))].sort(), Object.keys(KINDS).sort());
        for (const f of findings) {
            assert.ok(f.found && f.declared && f.fix, `${f.kind}: found, declared and fix are all set`);
            assert.strictEqual(f.category, KINDS[f.kind as keyof typeof KINDS].category);
        }
    });

    it("shows what changed: the removed SCP statement, the trust condition, counts and last activity", () => {
        const findings = review(loadSnapshot(SEEDED), declared);
        const drift = findings.find((f) => f.kind === "org-policy-drift")!;
        assert.deepStrictEqual(drift.detail, ['- {"Action":["organizations:LeaveOrganization"],"Effect":"Deny","Resource":["*"],"Sid":"DenyLeaveOrganization"}']);
        const trust = findings.find((f) => f.kind === "principal-drift")!;
        assert.strictEqual(trust.detail?.length, 1);
        assert.match(trust.detail![0], /^trust ~ Sid PeopleFromIdentityAccountWithMfa: Condition: declared .*MultiFactorAuthPresent.*, live \{"ArnLike"/);
        assert.strictEqual(findings.find((f) => f.kind === "instance-type-not-allowed")!.found, "20 running c5d.24xlarge in eu-west-1");
        assert.match(findings.find((f) => f.kind === "undeclared-user")!.found, /last activity 2025-01-10/);
        assert.match(findings.find((f) => f.kind === "user-groups-differ")!.found, /not declared: lz-developers/);
        assert.match(findings.find((f) => f.kind === "account-wrong-ou")!.fix, /move-account --account-id 222222222205 --source-parent-id ou-a1b2-44444444 --destination-parent-id ou-a1b2-33333333/);
        assert.strictEqual(findings.find((f) => f.kind === "root-without-mfa")!.severity, "medium", "a member account's root is also denied by SCP");
    });

    it("a snapshot saved and reloaded reviews the same", () => {
        const dir = tmp();
        const estate = seededEstate(declared);
        saveSnapshot(estate, dir);
        assert.deepStrictEqual(review(loadSnapshot(dir), declared), review(estate, declared));
        assert.ok(fs.existsSync(path.join(dir, "accounts", MGMT, "credential-report.csv")));
        assert.match(fs.readFileSync(path.join(dir, "accounts", MGMT, "credential-report.csv"), "utf8"), /^user,arn,user_creation_time,password_enabled,/);
    });

    it("thresholds are configurable", () => {
        const s = loadSnapshot(SEEDED);
        const kinds = (o: Parameters<typeof review>[2]) =>
            review(s, declared, o)
                .filter((f) => f.category === "credentials" || f.category === "cost")
                .map((f) => `${f.kind} ${f.subject}`);
        const relaxed = kinds({ keyMaxAgeDays: 365, keyUnusedDays: 365, passwordUnusedDays: 365, maxInstanceSize: "4xlarge" });
        for (const k of ["old-access-key", "unused-access-key", "unused-password", "instance-too-large"]) assert.ok(!relaxed.some((x) => x.startsWith(k)), `${k} gone: ${relaxed}`);
        assert.ok(relaxed.some((x) => x.startsWith("instance-type-not-allowed")));
    });
});

describe("review: single-account (the dev stack)", () => {
    it("classifies instances by the environment tag where environments share the account", () => {
        const d = declaredFromConfig("dev", { layout: "single-account", budgets: { alertEmails: ["finops@example.com"] }, users: { alice: { teams: ["developers"] } } });
        const s = declaredEstate(d, { stack: "dev", ids: { ...IDS, accounts: {}, organizationalUnits: {} }, collectedAt: COLLECTED_AT, regions: ["eu-west-1"] });
        assert.deepStrictEqual(review(s, d), []);
        const r = s.accounts[MGMT].instances["eu-west-1"].Reservations!;
        r.push(runningInstances({ accountId: MGMT, region: "eu-west-1", type: "m5.8xlarge", count: 2, launched: COLLECTED_AT, tags: { Environment: "prod" }, firstId: 7 }));
        r.push(runningInstances({ accountId: MGMT, region: "eu-west-1", type: "m5.8xlarge", count: 1, launched: COLLECTED_AT, tags: { Environment: "dev" }, firstId: 8 }));
        const f = review(s, d);
        assert.deepStrictEqual(
            f.map((x) => [x.kind, x.found]),
            [["instance-type-not-allowed", "1 running m5.8xlarge in eu-west-1"]],
        );
    });
});

describe("review: helpers", () => {
    it("orders EC2 sizes and matches instance type patterns as the SCP does", () => {
        assert.ok(sizeRank("xlarge") < sizeRank("2xlarge") && sizeRank("2xlarge") < sizeRank("24xlarge") && sizeRank("24xlarge") < sizeRank("metal"));
        assert.ok(sizeRank("large") < sizeRank("xlarge") && sizeRank("nano") < sizeRank("micro"));
        assert.ok(globMatch("t3.*", "t3.2xlarge") && !globMatch("t3.*", "t3a.large") && globMatch("m5.large", "m5.large") && !globMatch("m5.large", "m5.xlarge"));
    });
});

describe("review: command line", function () {
    this.timeout(60_000);
    const run = async (argv: string[]) => {
        let stdout = "";
        let stderr = "";
        const code = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
        return { code, stdout, stderr };
    };

    it("exit 0 on the clean estate, with the summary table first", async () => {
        const r = await run(["--stack", "prod", "--snapshot", CLEAN]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.match(r.stdout, /^Estate review: stack prod; collected 2025-06-02T06:00:00.000Z/);
        assert.match(r.stdout, /total\s+0\s+0\s+0\s+0/);
    });

    it("exit 1 at or above --fail-on, JSON with every finding, markdown grouped by severity", async () => {
        const dir = tmp();
        const json = path.join(dir, "review.json");
        const r = await run(["--stack", "prod", "--snapshot", SEEDED, "--format", "markdown", "--json", json]);
        assert.strictEqual(r.code, 1);
        const report = JSON.parse(fs.readFileSync(json, "utf8")) as { findings: Finding[]; summary: { total: number; high: number } };
        assert.strictEqual(report.findings.length, SEEDED_FINDINGS.length);
        assert.strictEqual(report.summary.total, SEEDED_FINDINGS.length);
        const md = r.stdout;
        assert.match(md, /^## Estate review: `prod` \(15 high, 26 medium, 1 low\)/);
        assert.ok(md.indexOf("| category | high | medium | low | total |") < md.indexOf("### High (15)"));
        assert.ok(md.indexOf("### High (15)") < md.indexOf("### Medium (26)") && md.indexOf("### Medium (26)") < md.indexOf("### Low (1)"));
        assert.match(md, /```diff\n {2}- \{"Action":\["organizations:LeaveOrganization"\]/);
    });

    it("--fail-on decides the exit status", async () => {
        // Only low findings: an OU not in config.
        const s = cleanEstate();
        s.organization!.listOrganizationalUnitsForParent[IDS.rootId].OrganizationalUnits!.push({
            Id: "ou-a1b2-99999999",
            Arn: "arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-a1b2-99999999",
            Name: "Experiments",
        });
        s.organization!.listOrganizationalUnitsForParent["ou-a1b2-99999999"] = { OrganizationalUnits: [] };
        const dir = tmp();
        saveSnapshot(s, dir);
        assert.strictEqual((await run(["--stack", "prod", "--snapshot", dir])).code, 0);
        assert.strictEqual((await run(["--stack", "prod", "--snapshot", dir, "--fail-on", "medium"])).code, 0);
        assert.strictEqual((await run(["--stack", "prod", "--snapshot", dir, "--fail-on", "low"])).code, 1);
    });

    it("exit 2 when the review cannot run, naming the problem", async () => {
        const cases: [string[], RegExp][] = [
            [["--stack", "prod"], /one of --live or --snapshot/],
            [["--stack", "prod", "--live", "--snapshot", CLEAN], /exclude each other/],
            [["--stack", "prod", "--snapshot", CLEAN, "--fail-on", "critical"], /--fail-on must be high, medium or low/],
            [["--stack", "prod", "--snapshot", CLEAN, "--save-snapshot", "x"], /--save-snapshot needs --live/],
            [["--stack", "prod", "--snapshot", tmp()], /not a review snapshot \(no manifest.json\)/],
            [["--stack", "prod", "--snapshot", CLEAN, "--key-unused-days", "soon"], /--key-unused-days must be a whole number/],
        ];
        for (const [argv, message] of cases) {
            const r = await run(argv);
            assert.strictEqual(r.code, 2, argv.join(" "));
            assert.match(r.stderr, message);
        }
        const bad = tmp();
        fs.writeFileSync(path.join(bad, "Pulumi.yaml"), "name: landing-zone\nruntime: nodejs\n");
        fs.writeFileSync(path.join(bad, "Pulumi.broken.yaml"), "config:\n  landing-zone:layout: two-accounts\n");
        const r = await run(["--stack", "broken", "--dir", bad, "--snapshot", CLEAN]);
        assert.strictEqual(r.code, 2);
        assert.match(r.stderr, /landing-zone:layout/);
    });

    it("caps the markdown at the issue body limit and says so", () => {
        const s = loadSnapshot(SEEDED);
        const md = renderMarkdown({ stack: "prod", manifest: s.manifest, findings: review(s, prodDeclared()) }, 4000);
        assert.ok(md.length <= 4000);
        assert.match(md, /Report cut to fit; every finding is in the JSON report/);
    });

    it("refuses a snapshot file name that would leave its folder", () => {
        const s = cleanEstate();
        s.accounts["../escape"] = { instances: {} };
        assert.throws(() => saveSnapshot(s, tmp()), /cannot use '..\/escape'/);
        assert.ok(SnapshotError);
    });
});
