/**
 * The collector against mocked AWS SDK v3 clients (aws-sdk-client-mock): pagination, throttling
 * retries, an account that denies the review role, a credential report still being generated;
 * and the review role grants exactly the calls the collector makes.
 */
import * as assert from "assert";
import { BudgetsClient, DescribeBudgetsCommand } from "@aws-sdk/client-budgets";
import { DescribeInstancesCommand, DescribeRegionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { CredentialReportNotReadyException, GenerateCredentialReportCommand, GetAccountAuthorizationDetailsCommand, GetCredentialReportCommand, IAMClient } from "@aws-sdk/client-iam";
import {
    DescribeOrganizationCommand,
    DescribePolicyCommand,
    ListAccountsForParentCommand,
    ListOrganizationalUnitsForParentCommand,
    ListPoliciesCommand,
    ListRootsCommand,
    ListTargetsForPolicyCommand,
    OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient, type AwsStub } from "aws-sdk-client-mock";
import { ACCOUNT_READ_ACTIONS, BUDGET_READ_ACTIONS, ORGANIZATION_READ_ACTIONS, reviewPolicy } from "../../components/review/plan";
import { collect, type CollectOptions } from "../../tools/review/collect";
import { parseCredentialReport } from "../../tools/review/credential-report";

const MGMT = "111111111111";
const DEV = "222222222201";
const DENIED = "222222222299";
const CSV = (acct: string) =>
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n" +
    `<root_account>,arn:aws:iam::${acct}:root,2024-01-01T00:00:00+00:00,not_supported,no_information,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n`;

const throttle = () => Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $metadata: { httpStatusCode: 400 } });
const denied = (what: string) => Object.assign(new Error(`not authorized to perform: ${what}`), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } });

/** The account whose credentials a mocked client was built with (the access key names it). */
async function accountOf(getClient: () => { config: { credentials: () => Promise<{ accessKeyId: string }> } }): Promise<string> {
    const creds = await getClient().config.credentials();
    return creds.accessKeyId.replace(/^ASIA/, "");
}

describe("review: collector (mocked AWS SDK v3 clients)", function () {
    this.timeout(30_000);
    let sts: AwsStub<any, any, any>, org: AwsStub<any, any, any>, iam: AwsStub<any, any, any>, ec2: AwsStub<any, any, any>, budgets: AwsStub<any, any, any>;
    const sleeps: number[] = [];
    const progress: string[] = [];
    let generateCalls: Record<string, number>;

    const options = (over: Partial<CollectOptions> = {}): CollectOptions => ({
        stack: "prod",
        homeRegion: "eu-west-1",
        organization: true,
        toolVersion: "0.1.0",
        retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
        credentialReport: { attempts: 5, delayMs: 1000 },
        progress: (l) => progress.push(l),
        now: () => new Date("2025-06-02T06:00:00Z"),
        ...over,
    });

    beforeEach(() => {
        sleeps.length = 0;
        progress.length = 0;
        generateCalls = {};
        sts = mockClient(STSClient);
        org = mockClient(OrganizationsClient);
        iam = mockClient(IAMClient);
        ec2 = mockClient(EC2Client);
        budgets = mockClient(BudgetsClient);

        sts.on(GetCallerIdentityCommand).resolves({ Account: MGMT, Arn: `arn:aws:sts::${MGMT}:assumed-role/landing-zone-review/ci`, UserId: "AROAEXAMPLE:ci" });
        sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => {
            const acct = input.RoleArn.split(":")[4];
            if (acct === DENIED) throw denied(`sts:AssumeRole on resource: ${input.RoleArn}`);
            return { Credentials: { AccessKeyId: `ASIA${acct}`, SecretAccessKey: "secret", SessionToken: "token", Expiration: new Date("2025-06-02T07:00:00Z") } };
        });

        org.on(DescribeOrganizationCommand).resolves({ Organization: { Id: "o-a1b2c3d4e5", FeatureSet: "ALL", MasterAccountId: MGMT, MasterAccountEmail: "aws+management@example.com" } });
        org.on(ListRootsCommand).resolves({
            Roots: [
                {
                    Id: "r-a1b2",
                    Name: "Root",
                    PolicyTypes: [
                        { Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED" },
                        { Type: "TAG_POLICY", Status: "PENDING_DISABLE" },
                    ],
                },
            ],
        });
        org.on(ListOrganizationalUnitsForParentCommand, { ParentId: "r-a1b2" }).resolves({ OrganizationalUnits: [{ Id: "ou-a1b2-11111111", Name: "Workloads" }] });
        org.on(ListOrganizationalUnitsForParentCommand, { ParentId: "ou-a1b2-11111111" }).resolves({ OrganizationalUnits: [] });
        // Two pages under the root; the first throttled once.
        org.on(ListAccountsForParentCommand, { ParentId: "r-a1b2", NextToken: undefined })
            .rejectsOnce(throttle())
            .resolves({ Accounts: [{ Id: MGMT, Name: "management", Email: "aws+management@example.com", Status: "ACTIVE", JoinedTimestamp: new Date("2023-01-01T00:00:00Z") }], NextToken: "page-2" });
        org.on(ListAccountsForParentCommand, { ParentId: "r-a1b2", NextToken: "page-2" }).resolves({
            Accounts: [{ Id: DENIED, Name: "app1-legacy", Email: "aws+legacy@example.com", Status: "ACTIVE" }],
        });
        org.on(ListAccountsForParentCommand, { ParentId: "ou-a1b2-11111111" }).resolves({
            Accounts: [
                { Id: DEV, Name: "app1-dev", Email: "aws+app1-dev@example.com", Status: "ACTIVE" },
                { Id: "222222222298", Name: "app1-old", Status: "SUSPENDED" },
            ],
        });
        org.on(ListPoliciesCommand, { Filter: "SERVICE_CONTROL_POLICY" }).resolves({
            Policies: [
                { Id: "p-FullAWSAccess", Name: "FullAWSAccess", Type: "SERVICE_CONTROL_POLICY", AwsManaged: true },
                { Id: "p-00000001", Name: "landing-zone-root-deny", Type: "SERVICE_CONTROL_POLICY", AwsManaged: false },
            ],
        });
        org.on(DescribePolicyCommand, { PolicyId: "p-00000001" }).resolves({
            Policy: { PolicySummary: { Id: "p-00000001", Name: "landing-zone-root-deny" }, Content: '{"Version":"2012-10-17","Statement":[]}' },
        });
        org.on(ListTargetsForPolicyCommand).callsFake((input: { PolicyId: string }) => ({ Targets: [{ TargetId: "r-a1b2", Type: "ROOT", Name: input.PolicyId }] }));

        // IAM: two pages of authorization details per account, a throttle in between.
        iam.on(GetAccountAuthorizationDetailsCommand).callsFake(async (input: { Marker?: string }, getClient: any) => {
            const acct = await accountOf(getClient);
            if (!input.Marker) return { UserDetailList: [{ UserName: `first-${acct}`, Path: "/", CreateDate: new Date("2024-05-01T10:00:00Z") }], RoleDetailList: [], IsTruncated: true, Marker: "m2" };
            return { UserDetailList: [{ UserName: `second-${acct}`, Path: "/" }], Policies: [{ PolicyName: "p", Arn: `arn:aws:iam::${acct}:policy/p` }], IsTruncated: false };
        });
        // The report is being generated on the first call, complete on the second; the first fetch is too early.
        iam.on(GenerateCredentialReportCommand).callsFake(async (_: unknown, getClient: any) => {
            const acct = await accountOf(getClient);
            generateCalls[acct] = (generateCalls[acct] ?? 0) + 1;
            return { State: generateCalls[acct] === 1 ? "STARTED" : "COMPLETE" };
        });
        iam.on(GetCredentialReportCommand)
            .rejectsOnce(new CredentialReportNotReadyException({ message: "Credential report not ready", $metadata: {} }))
            .callsFake(async (_: unknown, getClient: any) => ({ Content: new TextEncoder().encode(CSV(await accountOf(getClient))), ReportFormat: "text/csv", GeneratedTime: new Date() }));

        ec2.on(DescribeRegionsCommand).resolves({ Regions: [{ RegionName: "eu-west-1" }, { RegionName: "us-east-1" }] });
        ec2.on(DescribeInstancesCommand).callsFake(async (input: { NextToken?: string }) => {
            if (!input.NextToken)
                return {
                    Reservations: [
                        { ReservationId: "r-1", Instances: [{ InstanceId: "i-1", InstanceType: "t3.micro", State: { Code: 16, Name: "running" }, LaunchTime: new Date("2025-05-01T00:00:00Z") }] },
                    ],
                    NextToken: "n2",
                };
            return { Reservations: [{ ReservationId: "r-2", Instances: [{ InstanceId: "i-2", InstanceType: "c5d.24xlarge", State: { Code: 16, Name: "running" } }] }] };
        });
        budgets.on(DescribeBudgetsCommand).resolves({ Budgets: [{ BudgetName: "app1-dev-monthly", TimeUnit: "MONTHLY", BudgetType: "COST", CostFilters: { LinkedAccount: [DEV] } }] });
    });

    afterEach(() => {
        for (const m of [sts, org, iam, ec2, budgets]) m.restore();
    });

    it("reads the organization, every active account and region, paginated, into plain API shapes", async () => {
        const s = await collect(options());
        const o = s.organization!;
        assert.deepStrictEqual(
            o.listAccountsForParent["r-a1b2"].Accounts!.map((a) => a.Id),
            [MGMT, DENIED],
            "both pages",
        );
        assert.strictEqual(o.listAccountsForParent["r-a1b2"].Accounts![0].JoinedTimestamp, "2023-01-01T00:00:00.000Z", "dates as ISO strings");
        assert.deepStrictEqual(Object.keys(o.listPolicies), ["SERVICE_CONTROL_POLICY"], "only enabled policy types");
        assert.deepStrictEqual(Object.keys(o.describePolicy), ["p-00000001"], "content of customer managed policies only");
        assert.deepStrictEqual(Object.keys(o.listTargetsForPolicy).sort(), ["p-00000001", "p-FullAWSAccess"]);
        assert.deepStrictEqual(Object.keys(s.accounts).sort(), [MGMT, DEV], "the suspended and the denied account are not read");
        for (const acct of [MGMT, DEV]) {
            const a = s.accounts[acct];
            assert.deepStrictEqual(
                a.authorizationDetails!.UserDetailList!.map((u) => u.UserName),
                [`first-${acct}`, `second-${acct}`],
                "pages merged, each account with its own credentials",
            );
            assert.strictEqual(a.authorizationDetails!.IsTruncated, false);
            assert.ok(!("Marker" in a.authorizationDetails!));
            assert.deepStrictEqual(Object.keys(a.instances), ["eu-west-1", "us-east-1"], "every enabled region");
            assert.deepStrictEqual(
                a.instances["us-east-1"].Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceType)),
                ["t3.micro", "c5d.24xlarge"],
            );
            assert.strictEqual(parseCredentialReport(a.credentialReport!)[0].arn, `arn:aws:iam::${acct}:root`);
        }
        assert.deepStrictEqual(
            s.accounts[MGMT].budgets!.Budgets!.map((b) => b.BudgetName),
            ["app1-dev-monthly"],
        );
        assert.strictEqual(s.accounts[DEV].budgets, undefined, "budgets are read in the management account only");
        assert.deepStrictEqual(s.manifest.regions, ["eu-west-1", "us-east-1"]);
        assert.strictEqual(s.manifest.collectedAt, "2025-06-02T06:00:00.000Z");
        assert.ok(ec2.commandCalls(DescribeInstancesCommand).every((c) => JSON.stringify(c.args[0].input.Filters) === '[{"Name":"instance-state-name","Values":["running"]}]'));
    });

    it("retries throttled calls with backoff and goes on", async () => {
        // The second page is throttled twice, then answered.
        let throttles = 2;
        iam.on(GetAccountAuthorizationDetailsCommand, { Marker: "m2" }).callsFake(async (_: unknown, getClient: any) => {
            if (throttles-- > 0) throw throttle();
            const acct = await accountOf(getClient);
            return { UserDetailList: [{ UserName: `second-${acct}`, Path: "/" }], IsTruncated: false };
        });
        const s = await collect(options({ concurrency: 1 }));
        assert.deepStrictEqual(
            s.accounts[MGMT].authorizationDetails!.UserDetailList!.map((u) => u.UserName),
            [`first-${MGMT}`, `second-${MGMT}`],
        );
        assert.strictEqual(iam.commandCalls(GetAccountAuthorizationDetailsCommand).length, 2 * 2 + 2, "two pages per account, and the two throttled calls");
        assert.ok(s.accounts[MGMT].authorizationDetails);
        // The root's first page throttled once, then its two pages, then the OU's page.
        assert.strictEqual(org.commandCalls(ListAccountsForParentCommand).length, 1 + 2 + 1);
        const backoffs = sleeps.filter((ms) => ms !== 1000);
        assert.deepStrictEqual(backoffs, [125, 125, 250], "full jitter (random 0.5) of 250 ms, 250 ms, 500 ms ceilings");
        assert.deepStrictEqual(
            s.manifest.accounts.flatMap((a) => a.errors.map((e) => e.operation)).filter((x) => x !== "AssumeRole"),
            [],
        );
    });

    it("gives up after the configured attempts and records the failure, never crashing", async () => {
        ec2.on(DescribeInstancesCommand, { Filters: [{ Name: "instance-state-name", Values: ["running"] }], MaxResults: 1000, NextToken: undefined }).rejects(throttle());
        const s = await collect(options({ regions: ["eu-west-1"], retry: { attempts: 3, sleep: async () => {}, random: () => 0 } }));
        const errors = s.manifest.accounts.find((a) => a.id === DEV)!.errors;
        assert.deepStrictEqual(errors, [{ operation: "DescribeInstances", region: "eu-west-1", code: "ThrottlingException", message: "Rate exceeded" }]);
        assert.deepStrictEqual(s.accounts[DEV].instances, {});
        assert.ok(s.accounts[DEV].authorizationDetails, "the rest of the account was read");
    });

    it("records an account that denies the review role and reads the others", async () => {
        const s = await collect(options());
        const legacy = s.manifest.accounts.find((a) => a.id === DENIED)!;
        assert.strictEqual(legacy.readAs, "none");
        assert.strictEqual(legacy.errors[0].operation, "AssumeRole");
        assert.strictEqual(legacy.errors[0].code, "AccessDenied");
        assert.strictEqual(s.accounts[DENIED], undefined);
        assert.deepStrictEqual(
            s.manifest.accounts
                .filter((a) => a.readAs === "role")
                .map((a) => a.id)
                .sort(),
            [MGMT, DEV],
        );
        assert.ok(sts.commandCalls(AssumeRoleCommand).every((c) => /^arn:aws:iam::\d{12}:role\/landing-zone\/lz-review$/.test(c.args[0].input.RoleArn ?? "")));
    });

    it("waits for a credential report still being generated", async () => {
        const s = await collect(options({ concurrency: 1 }));
        assert.ok(s.accounts[MGMT].credentialReport && s.accounts[DEV].credentialReport);
        // Per account: generate (STARTED), wait 1 s, generate (COMPLETE), fetch; the first fetch overall was too early.
        assert.deepStrictEqual(generateCalls, { [MGMT]: 3, [DEV]: 2 });
        assert.strictEqual(sleeps.filter((ms) => ms === 1000).length, 3);
    });

    it("records a credential report that never completes", async () => {
        iam.on(GenerateCredentialReportCommand).resolves({ State: "INPROGRESS" });
        const s = await collect(options({ credentialReport: { attempts: 3, delayMs: 10 } }));
        const e = s.manifest.accounts.find((a) => a.id === DEV)!.errors;
        assert.deepStrictEqual(
            e.map((x) => [x.operation, x.code]),
            [["GetCredentialReport", "CredentialReportNotReadyException"]],
        );
        assert.strictEqual(s.accounts[DEV].credentialReport, undefined);
    });

    it("reads its own account with the caller's credentials when the review role is not there", async () => {
        sts.on(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${MGMT}:role/landing-zone/lz-review` }).rejects(denied("sts:AssumeRole"));
        // The caller's own credentials, from the environment as the SDK's default chain reads them.
        const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
        process.env.AWS_ACCESS_KEY_ID = `ASIA${MGMT}`;
        process.env.AWS_SECRET_ACCESS_KEY = "caller-secret";
        let s: Awaited<ReturnType<typeof collect>>;
        try {
            s = await collect(options());
        } finally {
            for (const [k, v] of [
                ["AWS_ACCESS_KEY_ID", saved.id],
                ["AWS_SECRET_ACCESS_KEY", saved.secret],
            ] as const) {
                if (v === undefined) delete process.env[k];
                else process.env[k] = v;
            }
        }
        assert.strictEqual(s.manifest.accounts.find((a) => a.id === MGMT)!.readAs, "caller");
        assert.ok(s.accounts[MGMT].authorizationDetails);
        assert.ok(progress.some((l) => /reading it with the caller's credentials/.test(l)));
    });

    it("reports progress: accounts and regions done of total", async () => {
        await collect(options({ concurrency: 1 }));
        assert.ok(progress.includes("collecting 3 account(s) in 2 region(s) as arn:aws:sts::111111111111:assumed-role/landing-zone-review/ci"), progress.join("\n"));
        assert.strictEqual(progress[progress.length - 1], "accounts 3/3, regions 6/6");
    });

    it("the review role grants exactly the calls the collector makes, the organization and budgets in the management account only", async () => {
        await collect(options());
        const byAccount = new Map<string, Set<string>>();
        const record = async (stub: AwsStub<any, any, any>, service: string) => {
            for (const call of stub.calls()) {
                const name = (call.args[0] as object).constructor.name.replace(/Command$/, "");
                const action = service === "budgets" && name === "DescribeBudgets" ? "budgets:ViewBudget" : `${service}:${name}`;
                const acct = await accountOf(() => call.thisValue as any);
                if (!byAccount.has(acct)) byAccount.set(acct, new Set());
                byAccount.get(acct)!.add(action);
            }
        };
        await record(org, "organizations");
        await record(iam, "iam");
        await record(ec2, "ec2");
        await record(budgets, "budgets");
        const granted = (management: boolean) =>
            reviewPolicy({ management, organization: true })
                .Statement.flatMap((s) => s.Action as string[])
                .sort();
        assert.deepStrictEqual([...byAccount.get(MGMT)!].sort(), granted(true));
        assert.deepStrictEqual([...byAccount.get(DEV)!].sort(), [...ACCOUNT_READ_ACTIONS].filter((a) => a !== "ec2:DescribeRegions").sort(), "regions are listed once, in the caller's account");
        assert.deepStrictEqual(granted(true), [...ACCOUNT_READ_ACTIONS, ...ORGANIZATION_READ_ACTIONS, ...BUDGET_READ_ACTIONS].sort());
    });
});
