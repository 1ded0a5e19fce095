/**
 * The review's fixture estates for the shipped prod stack, in the AWS API shapes:
 * - `cleanEstate`: what `pulumi up` leaves, with documents returned in other but equivalent forms
 *   (statements reordered, single values instead of one-element arrays, pretty-printed);
 * - `seededEstate`: the same estate after a year of console changes, with at least one finding of
 *   every kind, each seeded by hand below.
 * `npx ts-node --transpile-only test/review/estate.ts` writes them to test/fixtures/review/; a test
 * checks the committed files still match.
 */
import * as path from "path";
import { loadDeclared, type Declared } from "../../tools/review/declared";
import { credentialRow, declaredEstate, runningInstances, type EstateIds } from "../../tools/review/synthetic";
import { formatCredentialReport, parseCredentialReport } from "../../tools/review/credential-report";
import { saveSnapshot } from "../../tools/review/snapshot";
import type { AccountSnapshot, Snapshot } from "../../tools/review/types";

export const ROOT = path.resolve(__dirname, "..", "..");
export const FIXTURES = path.join(ROOT, "test", "fixtures", "review");
export const COLLECTED_AT = "2025-06-02T06:00:00.000Z";
export const REGIONS = ["eu-west-1", "eu-central-1", "us-east-1"];

export const MGMT = "111111111111";
export const ACCOUNT_IDS: Record<string, string> = {
    dev: "222222222201",
    prod: "222222222202",
    sandbox: "222222222203",
    security: "222222222204",
    staging: "222222222205",
    test: "222222222206",
    "log-archive": "222222222207",
};
export const LEGACY = "333333333301";
export const OLD = "333333333302";

export const IDS: EstateIds = {
    organizationId: "o-a1b2c3d4e5",
    rootId: "r-a1b2",
    managementAccountId: MGMT,
    managementEmail: "aws+management@example.com",
    accounts: ACCOUNT_IDS,
    organizationalUnits: {
        security: "ou-a1b2-11111111",
        workloads: "ou-a1b2-22222222",
        "workloads-nonprod": "ou-a1b2-33333333",
        "workloads-prod": "ou-a1b2-44444444",
        sandbox: "ou-a1b2-55555555",
    },
};

export const prodDeclared = (): Declared => loadDeclared(ROOT, "prod");

const daysAgo = (n: number) => new Date(Date.parse(COLLECTED_AT) - n * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "+00:00");

/** AWS hands documents back as they were stored; these forms mean the same as the plan's. */
function equivalentForm(text: string, encoded: boolean): string {
    const doc = JSON.parse(encoded ? decodeURIComponent(text) : text) as { Statement: Record<string, unknown>[] };
    doc.Statement = [...doc.Statement].reverse().map((s) =>
        Object.fromEntries(
            Object.entries(s)
                .reverse()
                .map(([k, v]) => [k, Array.isArray(v) && v.length === 1 ? v[0] : v]),
        ),
    );
    const pretty = JSON.stringify(doc, null, 4);
    return encoded ? encodeURIComponent(pretty) : pretty;
}

export function cleanEstate(d = prodDeclared()): Snapshot {
    const s = declaredEstate(d, { stack: "prod", ids: IDS, collectedAt: COLLECTED_AT, regions: REGIONS });
    for (const p of Object.values(s.organization!.describePolicy)) {
        if (p.Policy?.PolicySummary?.Type === "SERVICE_CONTROL_POLICY") p.Policy.Content = equivalentForm(p.Policy.Content!, false);
    }
    for (const a of Object.values(s.accounts)) {
        for (const r of a.authorizationDetails?.RoleDetailList ?? []) r.AssumeRolePolicyDocument = equivalentForm(r.AssumeRolePolicyDocument!, true);
        for (const p of a.authorizationDetails?.Policies ?? []) for (const v of p.PolicyVersionList ?? []) v.Document = equivalentForm(v.Document!, true);
    }
    // Workloads that fit the guardrails: small instances in dev, large ones in production (not reviewed for cost).
    s.accounts[ACCOUNT_IDS.dev].instances["eu-west-1"].Reservations!.push(
        runningInstances({ accountId: ACCOUNT_IDS.dev, region: "eu-west-1", type: "t3.medium", count: 3, launched: daysAgo(20), tags: { Environment: "dev" }, firstId: 1 }),
    );
    s.accounts[ACCOUNT_IDS.prod].instances["eu-west-1"].Reservations!.push(
        runningInstances({ accountId: ACCOUNT_IDS.prod, region: "eu-west-1", type: "m5.4xlarge", count: 4, launched: daysAgo(90), tags: { Environment: "prod" }, firstId: 2 }),
    );
    return s;
}

// --- seeding helpers --------------------------------------------------------------------------

const iam = (s: Snapshot, id: string) => s.accounts[id].authorizationDetails!;
function editReport(a: AccountSnapshot, user: string, edit: Record<string, string>) {
    const rows = parseCredentialReport(a.credentialReport!);
    const row = rows.find((r) => r.user === user)!;
    Object.assign(row, edit);
    a.credentialReport = formatCredentialReport(rows);
}
function addReportRow(a: AccountSnapshot, row: ReturnType<typeof credentialRow>) {
    a.credentialReport = formatCredentialReport([...parseCredentialReport(a.credentialReport!), row]);
}
const policyByName = (s: Snapshot, name: string) =>
    Object.values(s.organization!.listPolicies)
        .flatMap((r) => r.Policies ?? [])
        .find((p) => p.Name === name)!;
const targetsOf = (s: Snapshot, id: string) => s.organization!.listTargetsForPolicy[id].Targets!;

export function seededEstate(d = prodDeclared()): Snapshot {
    const s = cleanEstate(d);
    const org = s.organization!;
    const mgmt = s.accounts[MGMT];

    // Leavers: mallory left in January and was never removed; frank's user was deleted by hand.
    iam(s, MGMT).UserDetailList!.push({
        Path: "/",
        UserName: "mallory",
        UserId: "AIDAMALLORY000000001",
        Arn: `arn:aws:iam::${MGMT}:user/mallory`,
        CreateDate: "2024-03-01T09:00:00+00:00",
        UserPolicyList: [],
        GroupList: ["lz-all-users", "lz-operators"],
        AttachedManagedPolicies: [],
        Tags: [],
    });
    addReportRow(
        mgmt,
        credentialRow("mallory", `arn:aws:iam::${MGMT}:user/mallory`, "2024-03-01T09:00:00+00:00", {
            password_enabled: "true",
            password_last_used: "2025-01-10T17:02:11+00:00",
            password_last_changed: "2024-03-01T09:10:00+00:00",
            mfa_active: "true",
        }),
    );
    iam(s, MGMT).UserDetailList = iam(s, MGMT).UserDetailList!.filter((u) => u.UserName !== "frank");
    mgmt.credentialReport = formatCredentialReport(parseCredentialReport(mgmt.credentialReport!).filter((r) => r.user !== "frank"));

    // Movers: carol moved to product management but kept the developers group; bob got S3 directly.
    iam(s, MGMT)
        .UserDetailList!.find((u) => u.UserName === "carol")!
        .GroupList!.push("lz-developers");
    const bob = iam(s, MGMT).UserDetailList!.find((u) => u.UserName === "bob")!;
    bob.AttachedManagedPolicies = [{ PolicyName: "AmazonS3FullAccess", PolicyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" }];
    bob.UserPolicyList = [
        {
            PolicyName: "bob-temp-s3",
            PolicyDocument: encodeURIComponent(JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::app1-dev-data/*" }] })),
        },
    ];

    // Unmanaged principals and policies.
    iam(s, ACCOUNT_IDS.dev).RoleDetailList!.push({
        Path: "/landing-zone/",
        RoleName: "lz-dev-debug",
        RoleId: "AROADEVDEBUG00000001",
        Arn: `arn:aws:iam::${ACCOUNT_IDS.dev}:role/landing-zone/lz-dev-debug`,
        CreateDate: "2025-04-11T08:00:00+00:00",
        AssumeRolePolicyDocument: encodeURIComponent(
            JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${MGMT}:root` }, Action: "sts:AssumeRole" }] }),
        ),
        InstanceProfileList: [],
        RolePolicyList: [],
        AttachedManagedPolicies: [{ PolicyName: "PowerUserAccess", PolicyArn: "arn:aws:iam::aws:policy/PowerUserAccess" }],
        RoleLastUsed: { LastUsedDate: "2025-05-30T10:00:00+00:00", Region: "eu-west-1" },
    });
    iam(s, MGMT).GroupDetailList!.push({
        Path: "/landing-zone/",
        GroupName: "lz-contractors",
        GroupId: "AGPACONTRACTORS00001",
        Arn: `arn:aws:iam::${MGMT}:group/landing-zone/lz-contractors`,
        CreateDate: "2025-02-03T12:00:00+00:00",
        GroupPolicyList: [],
        AttachedManagedPolicies: [{ PolicyName: "ReadOnlyAccess", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }],
    });
    iam(s, ACCOUNT_IDS.sandbox).Policies!.push({
        PolicyName: "lz-sandbox-extra",
        PolicyId: "ANPASANDBOXEXTRA0001",
        Arn: `arn:aws:iam::${ACCOUNT_IDS.sandbox}:policy/landing-zone/lz-sandbox-extra`,
        Path: "/landing-zone/",
        DefaultVersionId: "v1",
        AttachmentCount: 0,
        PermissionsBoundaryUsageCount: 0,
        IsAttachable: true,
        CreateDate: "2025-03-03T12:00:00+00:00",
        UpdateDate: "2025-03-03T12:00:00+00:00",
        PolicyVersionList: [
            {
                Document: encodeURIComponent(JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:*", Resource: "*" }] })),
                VersionId: "v1",
                IsDefaultVersion: true,
                CreateDate: "2025-03-03T12:00:00+00:00",
            },
        ],
    });
    iam(s, ACCOUNT_IDS.staging).RoleDetailList!.push({
        Path: "/ops/",
        RoleName: "break-glass",
        RoleId: "AROABREAKGLASS000001",
        Arn: `arn:aws:iam::${ACCOUNT_IDS.staging}:role/ops/break-glass`,
        CreateDate: "2025-05-20T22:00:00+00:00",
        AssumeRolePolicyDocument: encodeURIComponent(
            JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${MGMT}:root` }, Action: "sts:AssumeRole" }] }),
        ),
        InstanceProfileList: [],
        RolePolicyList: [],
        AttachedManagedPolicies: [{ PolicyName: "AdministratorAccess", PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }],
    });
    iam(s, ACCOUNT_IDS.prod).RoleDetailList = iam(s, ACCOUNT_IDS.prod).RoleDetailList!.filter((r) => r.RoleName !== "lz-prod-read");
    const prodAdmin = iam(s, ACCOUNT_IDS.prod).RoleDetailList!.find((r) => r.RoleName === "lz-prod-admin")!;
    const trust = JSON.parse(decodeURIComponent(prodAdmin.AssumeRolePolicyDocument!)) as { Statement: { Condition: Record<string, unknown> }[] };
    delete trust.Statement[0].Condition.Bool;
    delete trust.Statement[0].Condition.NumericLessThan;
    prodAdmin.AssumeRolePolicyDocument = encodeURIComponent(JSON.stringify(trust));

    // Credentials.
    editReport(mgmt, "erin", { mfa_active: "false" });
    editReport(mgmt, "alice", {
        access_key_1_active: "true",
        access_key_1_last_rotated: daysAgo(200),
        access_key_1_last_used_date: daysAgo(100),
        access_key_1_last_used_region: "eu-west-1",
        access_key_1_last_used_service: "s3",
    });
    editReport(mgmt, "dave", {
        access_key_1_active: "true",
        access_key_1_last_rotated: daysAgo(10),
        access_key_1_last_used_date: daysAgo(1),
        access_key_1_last_used_region: "eu-west-1",
        access_key_1_last_used_service: "sts",
        access_key_2_active: "true",
        access_key_2_last_rotated: daysAgo(9),
        access_key_2_last_used_date: daysAgo(1),
        access_key_2_last_used_region: "eu-west-1",
        access_key_2_last_used_service: "sts",
    });
    editReport(mgmt, "carol", { password_last_used: daysAgo(120) });
    editReport(s.accounts[ACCOUNT_IDS.sandbox], "<root_account>", {
        mfa_active: "false",
        access_key_1_active: "true",
        access_key_1_last_rotated: daysAgo(30),
        access_key_1_last_used_date: daysAgo(2),
        access_key_1_last_used_region: "us-east-1",
        access_key_1_last_used_service: "ec2",
    });

    // Guardrails. The root's packed SCP lost its deny of leaving the organization (edited in the console).
    const rootScp = policyByName(s, "landing-zone-root-pack-deny-leave-organization");
    const rootDoc = JSON.parse(org.describePolicy[rootScp.Id!].Policy!.Content!) as { Statement: { Sid?: string }[] };
    rootDoc.Statement = rootDoc.Statement.filter((x) => x.Sid !== "DenyLeaveOrganization");
    org.describePolicy[rootScp.Id!].Policy!.Content = JSON.stringify(rootDoc, null, 2);
    // Security's deny-iam-users SCP was deleted.
    const securityScp = policyByName(s, "landing-zone-ou-security-deny-iam-users");
    org.listPolicies.SERVICE_CONTROL_POLICY.Policies = org.listPolicies.SERVICE_CONTROL_POLICY.Policies!.filter((p) => p.Id !== securityScp.Id);
    delete org.describePolicy[securityScp.Id!];
    delete org.listTargetsForPolicy[securityScp.Id!];
    // NonProd's region allow-list detached; its instance-type list also attached to Prod.
    org.listTargetsForPolicy[policyByName(s, "landing-zone-ou-workloads-nonprod-region-allow-list").Id!].Targets = [];
    targetsOf(s, policyByName(s, "landing-zone-ou-workloads-nonprod-instance-type-allow-list").Id!).push({
        TargetId: IDS.organizationalUnits["workloads-prod"],
        Arn: `arn:aws:organizations::${MGMT}:ou/${IDS.organizationId}/${IDS.organizationalUnits["workloads-prod"]}`,
        Name: "Prod",
        Type: "ORGANIZATIONAL_UNIT",
    });
    // FullAWSAccess re-attached to NonProd: its allow-list no longer limits anything.
    targetsOf(s, "p-FullAWSAccess").push({
        TargetId: IDS.organizationalUnits["workloads-nonprod"],
        Arn: `arn:aws:organizations::${MGMT}:ou/${IDS.organizationId}/${IDS.organizationalUnits["workloads-nonprod"]}`,
        Name: "NonProd",
        Type: "ORGANIZATIONAL_UNIT",
    });
    // A hand-made SCP on the renamed sandbox OU; its content could not be read.
    org.listPolicies.SERVICE_CONTROL_POLICY.Policies!.push({
        Id: "p-tmp0allow",
        Arn: `arn:aws:organizations::${MGMT}:policy/${IDS.organizationId}/service_control_policy/p-tmp0allow`,
        Name: "temp-allow-all-regions",
        Description: "until the demo is over",
        Type: "SERVICE_CONTROL_POLICY",
        AwsManaged: false,
    });
    org.listTargetsForPolicy["p-tmp0allow"] = {
        Targets: [
            {
                TargetId: IDS.organizationalUnits.sandbox,
                Arn: `arn:aws:organizations::${MGMT}:ou/${IDS.organizationId}/${IDS.organizationalUnits.sandbox}`,
                Name: "Playground",
                Type: "ORGANIZATIONAL_UNIT",
            },
        ],
    };
    s.manifest.errors.push({ operation: "DescribePolicy p-tmp0allow", code: "AccessDeniedException", message: "You don't have permissions to access this resource." });
    // Tag policies disabled at the root: their policies are detached and no longer listed.
    org.listRoots.Roots![0].PolicyTypes = org.listRoots.Roots![0].PolicyTypes!.filter((t) => t.Type !== "TAG_POLICY");
    for (const p of org.listPolicies.TAG_POLICY.Policies!) {
        delete org.describePolicy[p.Id!];
        delete org.listTargetsForPolicy[p.Id!];
    }
    delete org.listPolicies.TAG_POLICY;

    // Structure: staging moved under Prod; Sandbox renamed Playground; test left the organization;
    // a legacy account (review role never deployed) and a suspended one under the root.
    const accountsFor = org.listAccountsForParent;
    const nonprod = IDS.organizationalUnits["workloads-nonprod"];
    const staging = accountsFor[nonprod].Accounts!.find((a) => a.Id === ACCOUNT_IDS.staging)!;
    accountsFor[nonprod].Accounts = accountsFor[nonprod].Accounts!.filter((a) => a.Id !== ACCOUNT_IDS.staging && a.Id !== ACCOUNT_IDS.test);
    accountsFor[IDS.organizationalUnits["workloads-prod"]].Accounts!.push(staging);
    org.listOrganizationalUnitsForParent[IDS.rootId].OrganizationalUnits!.find((o) => o.Id === IDS.organizationalUnits.sandbox)!.Name = "Playground";
    delete s.accounts[ACCOUNT_IDS.test];
    s.manifest.accounts = s.manifest.accounts.filter((a) => a.id !== ACCOUNT_IDS.test);
    accountsFor[IDS.rootId].Accounts!.push(
        {
            Id: LEGACY,
            Arn: `arn:aws:organizations::${MGMT}:account/${IDS.organizationId}/${LEGACY}`,
            Email: "aws+app1-legacy@example.com",
            Name: "app1-legacy",
            Status: "ACTIVE",
            State: "ACTIVE",
            JoinedMethod: "INVITED",
            JoinedTimestamp: "2023-09-01T10:00:00+00:00",
        },
        {
            Id: OLD,
            Arn: `arn:aws:organizations::${MGMT}:account/${IDS.organizationId}/${OLD}`,
            Email: "aws+app1-old@example.com",
            Name: "app1-old",
            Status: "SUSPENDED",
            State: "SUSPENDED",
            JoinedMethod: "CREATED",
            JoinedTimestamp: "2022-01-10T10:00:00+00:00",
        },
    );
    s.manifest.accounts.push(
        {
            id: LEGACY,
            name: "app1-legacy",
            readAs: "none",
            errors: [
                {
                    operation: "AssumeRole",
                    code: "AccessDenied",
                    message: `User: arn:aws:sts::${MGMT}:assumed-role/landing-zone-review/landing-zone-review is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${LEGACY}:role/landing-zone/lz-review`,
                },
            ],
        },
        { id: OLD, name: "app1-old", readAs: "none", errors: [] },
    );

    // Cost: twenty c5d.24xlarge in dev; two t3.2xlarge in the sandbox; the sandbox's us-east-1 unreadable.
    s.accounts[ACCOUNT_IDS.dev].instances["eu-west-1"].Reservations!.push(
        runningInstances({ accountId: ACCOUNT_IDS.dev, region: "eu-west-1", type: "c5d.24xlarge", count: 20, launched: daysAgo(6), tags: { Environment: "dev" }, firstId: 3 }),
    );
    s.accounts[ACCOUNT_IDS.sandbox].instances["eu-central-1"].Reservations!.push(
        runningInstances({ accountId: ACCOUNT_IDS.sandbox, region: "eu-central-1", type: "t3.2xlarge", count: 2, launched: daysAgo(40), firstId: 4 }),
    );
    delete s.accounts[ACCOUNT_IDS.sandbox].instances["us-east-1"];
    s.manifest.accounts
        .find((a) => a.id === ACCOUNT_IDS.sandbox)!
        .errors.push({ operation: "DescribeInstances", region: "us-east-1", code: "UnauthorizedOperation", message: "You are not authorized to perform this operation." });
    // The staging budget was deleted.
    mgmt.budgets!.Budgets = mgmt.budgets!.Budgets!.filter((b) => b.BudgetName !== "app1-staging-monthly");
    return s;
}

if (require.main === module) {
    const d = prodDeclared();
    saveSnapshot(cleanEstate(d), path.join(FIXTURES, "prod-clean"));
    saveSnapshot(seededEstate(d), path.join(FIXTURES, "prod-seeded"));
    console.log(`wrote ${path.join(FIXTURES, "prod-clean")} and ${path.join(FIXTURES, "prod-seeded")}`);
}
