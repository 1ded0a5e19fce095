/**
 * The collector: reads the live estate through the AWS SDK for JavaScript v3, read-only, into a
 * snapshot (./types.ts). Every list is paginated with the SDK's paginators; every call is retried
 * on throttling with backoff (./retry.ts); an account or a call that fails is recorded in the
 * manifest (and becomes a finding) and the collection goes on.
 *
 * Credentials: the caller's (the CI review role, or an engineer's session in the management
 * account). The collector assumes `landing-zone/lz-review` in every account, the management account
 * included; where that role cannot be assumed in the caller's own account it reads that account
 * with the caller's credentials. The organization is read in the management account.
 */
import { BudgetsClient, paginateDescribeBudgets } from "@aws-sdk/client-budgets";
import { DescribeRegionsCommand, EC2Client, paginateDescribeInstances } from "@aws-sdk/client-ec2";
import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient, paginateGetAccountAuthorizationDetails } from "@aws-sdk/client-iam";
import {
    DescribeOrganizationCommand,
    DescribePolicyCommand,
    OrganizationsClient,
    paginateListAccountsForParent,
    paginateListOrganizationalUnitsForParent,
    paginateListPolicies,
    paginateListRoots,
    paginateListTargetsForPolicy,
} from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { REVIEW_ROLE_NAME, REVIEW_ROLE_PATH } from "../../components/review/plan";
import { DEFAULT_RETRY, withRetry, type RetryOptions } from "./retry";
import type { AccountSnapshot, CollectionError, Json, ManifestAccount, OrganizationSnapshot, Snapshot } from "./types";

export const DEFAULT_ROLE_NAME = `${REVIEW_ROLE_PATH.slice(1)}${REVIEW_ROLE_NAME}`;

/** Temporary credentials of an assumed role. */
export interface AwsCredentialIdentity {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
    expiration?: Date;
}

export interface ClientConfig {
    region: string;
    credentials?: AwsCredentialIdentity;
}

export interface CollectOptions {
    stack: string;
    /** Region for global APIs and DescribeRegions. */
    homeRegion: string;
    /** Regions to list instances in; absent: every region enabled in the account (DescribeRegions). */
    regions?: string[];
    /** True when the stack uses AWS Organizations (multi-account, hybrid). */
    organization: boolean;
    /** Path and name of the role to assume (default `landing-zone/lz-review`). */
    roleName?: string;
    toolVersion: string;
    retry?: Partial<RetryOptions>;
    /** Accounts read at once. */
    concurrency?: number;
    /** Waiting for the credential report: attempts and pause between them. */
    credentialReport?: { attempts: number; delayMs: number };
    /** Progress lines (stderr in the CLI). */
    progress?: (line: string) => void;
    now?: () => Date;
}

/** The plain JSON form of an SDK output: dates as ISO strings, `$metadata` dropped. */
export function plain<T>(v: T): Json<T> {
    return JSON.parse(JSON.stringify(v, (k, x) => (k === "$metadata" ? undefined : x)));
}

/** Sends through the retry layer: every call, paginators' pages included. */
function retrying<C extends { send: (...a: never[]) => Promise<unknown> }>(client: C, retry: RetryOptions): C {
    const send = client.send.bind(client) as (...a: unknown[]) => Promise<unknown>;
    (client as { send: unknown }).send = (...args: unknown[]) => withRetry(() => send(...args), retry);
    return client;
}

function errorOf(e: unknown, operation: string, region?: string): CollectionError {
    const err = e as { name?: string; Code?: string; message?: string };
    return { operation, ...(region ? { region } : {}), code: err.name ?? err.Code ?? "Error", message: String(err.message ?? e).slice(0, 500) };
}

export async function collect(o: CollectOptions): Promise<Snapshot> {
    const retry: RetryOptions = { ...DEFAULT_RETRY, ...o.retry };
    const roleName = o.roleName ?? DEFAULT_ROLE_NAME;
    const progress = o.progress ?? (() => {});
    const now = (o.now ?? (() => new Date()))();
    const cfg = (c: ClientConfig) => ({ region: c.region, ...(c.credentials ? { credentials: c.credentials } : {}), maxAttempts: 1 });
    const clients = (credentials?: AwsCredentialIdentity) => ({
        sts: (region = o.homeRegion) => retrying(new STSClient(cfg({ region, credentials })), retry),
        iam: () => retrying(new IAMClient(cfg({ region: o.homeRegion, credentials })), retry),
        ec2: (region: string) => retrying(new EC2Client(cfg({ region, credentials })), retry),
        org: () => retrying(new OrganizationsClient(cfg({ region: o.homeRegion, credentials })), retry),
        budgets: () => retrying(new BudgetsClient(cfg({ region: o.homeRegion, credentials })), retry),
    });
    const caller = clients();
    const identity = await caller.sts().send(new GetCallerIdentityCommand({}));
    const callerAccountId = identity.Account!;
    const partition = identity.Arn?.split(":")[1] ?? "aws";

    const assume = async (accountId: string) => {
        const r = await caller.sts().send(new AssumeRoleCommand({ RoleArn: `arn:${partition}:iam::${accountId}:role/${roleName}`, RoleSessionName: "landing-zone-review", DurationSeconds: 3600 }));
        const c = r.Credentials!;
        return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken, expiration: c.Expiration };
    };

    // The caller's own account: through the review role, or the caller's credentials.
    const orgErrors: CollectionError[] = [];
    const accountsRead = new Map<string, { name?: string; status?: string }>();
    let managementAccountId = callerAccountId;
    let callerCreds: AwsCredentialIdentity | undefined;
    let callerReadAs: ManifestAccount["readAs"] = "role";
    const callerErrors: CollectionError[] = [];
    try {
        callerCreds = await assume(callerAccountId);
    } catch (e) {
        callerReadAs = "caller";
        progress(`review role not assumable in ${callerAccountId} (${(e as Error).name}); reading it with the caller's credentials`);
    }

    let organization: OrganizationSnapshot | undefined;
    if (o.organization) {
        try {
            organization = await collectOrganization(clients(callerCreds).org(), progress, orgErrors);
            managementAccountId = organization.describeOrganization.Organization?.MasterAccountId ?? callerAccountId;
            for (const r of Object.values(organization.listAccountsForParent)) {
                for (const a of r.Accounts ?? []) if (a.Id) accountsRead.set(a.Id, { name: a.Name, status: a.Status });
            }
        } catch (e) {
            orgErrors.push(errorOf(e, (e as { operation?: string }).operation ?? "Organizations"));
            organization = undefined;
        }
    }
    if (!accountsRead.has(callerAccountId)) accountsRead.set(callerAccountId, {});

    // Regions: the declared ones, or every region enabled for the caller's account.
    let regions = o.regions;
    if (!regions?.length) {
        try {
            const r = await clients(callerCreds).ec2(o.homeRegion).send(new DescribeRegionsCommand({}));
            regions = (r.Regions ?? [])
                .map((x) => x.RegionName!)
                .filter(Boolean)
                .sort();
        } catch (e) {
            callerErrors.push(errorOf(e, "DescribeRegions", o.homeRegion));
            regions = [o.homeRegion];
        }
    }

    const ids = [...accountsRead.keys()].sort();
    const active = ids.filter((id) => (accountsRead.get(id)!.status ?? "ACTIVE") === "ACTIVE");
    const manifestAccounts: ManifestAccount[] = ids.map((id) => ({ id, name: accountsRead.get(id)!.name, readAs: "none", errors: [] }));
    const accounts: Record<string, AccountSnapshot> = {};
    let accountsDone = 0;
    let regionsDone = 0;
    const regionsTotal = active.length * regions.length;
    const report = () => progress(`accounts ${accountsDone}/${active.length}, regions ${regionsDone}/${regionsTotal}`);

    const readAccount = async (id: string) => {
        const m = manifestAccounts.find((x) => x.id === id)!;
        let creds: AwsCredentialIdentity | undefined;
        if (id === callerAccountId) {
            creds = callerCreds;
            m.readAs = callerReadAs;
            m.errors.push(...callerErrors);
        } else {
            try {
                creds = await assume(id);
                m.readAs = "role";
            } catch (e) {
                m.errors.push(errorOf(e, "AssumeRole"));
                accountsDone++;
                regionsDone += regions!.length;
                report();
                return;
            }
        }
        const c = clients(creds);
        const a: AccountSnapshot = { instances: {} };
        try {
            a.authorizationDetails = await authorizationDetails(c.iam());
        } catch (e) {
            m.errors.push(errorOf(e, "GetAccountAuthorizationDetails"));
        }
        try {
            a.credentialReport = await credentialReport(c.iam(), o.credentialReport ?? { attempts: 30, delayMs: 2000 }, retry.sleep);
        } catch (e) {
            m.errors.push(errorOf(e, (e as { operation?: string }).operation ?? "GetCredentialReport"));
        }
        for (const region of regions!) {
            try {
                a.instances[region] = await runningInstances(c.ec2(region));
            } catch (e) {
                m.errors.push(errorOf(e, "DescribeInstances", region));
            }
            regionsDone++;
        }
        if (id === managementAccountId) {
            try {
                a.budgets = await budgets(c.budgets(), id);
            } catch (e) {
                m.errors.push(errorOf(e, "DescribeBudgets"));
            }
        }
        accounts[id] = a;
        accountsDone++;
        report();
    };

    progress(`collecting ${active.length} account(s) in ${regions.length} region(s) as ${identity.Arn}`);
    const queue = [...active];
    const workers = Array.from({ length: Math.max(1, Math.min(o.concurrency ?? 4, queue.length)) }, async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) await readAccount(id);
    });
    await Promise.all(workers);

    return {
        manifest: {
            format: 1,
            tool: "landing-zone-review",
            toolVersion: o.toolVersion,
            stack: o.stack,
            collectedAt: now.toISOString(),
            partition,
            callerAccountId,
            managementAccountId,
            homeRegion: o.homeRegion,
            regions,
            roleName,
            accounts: manifestAccounts,
            errors: orgErrors,
        },
        ...(organization ? { organization } : {}),
        accounts,
    };
}

/** Tags an error with the operation that raised it. */
async function op<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
        return await fn();
    } catch (e) {
        if (e && typeof e === "object") (e as { operation?: string }).operation ??= operation;
        throw e;
    }
}

async function collectOrganization(org: OrganizationsClient, progress: (l: string) => void, errors: CollectionError[]): Promise<OrganizationSnapshot> {
    const describeOrganization = plain(await op("DescribeOrganization", () => org.send(new DescribeOrganizationCommand({}))));
    const roots: NonNullable<Json<import("@aws-sdk/client-organizations").ListRootsResponse>["Roots"]> = [];
    await op("ListRoots", async () => {
        for await (const page of paginateListRoots({ client: org }, {})) roots.push(...plain(page.Roots ?? []));
    });
    const out: OrganizationSnapshot = {
        describeOrganization,
        listRoots: { Roots: roots },
        listOrganizationalUnitsForParent: {},
        listAccountsForParent: {},
        listPolicies: {},
        describePolicy: {},
        listTargetsForPolicy: {},
    };
    // The tree, breadth first from each root.
    const parents = roots.map((r) => r.Id!).filter(Boolean);
    for (let parentId = parents.shift(); parentId !== undefined; parentId = parents.shift()) {
        const ous: NonNullable<OrganizationSnapshot["listOrganizationalUnitsForParent"][string]["OrganizationalUnits"]> = [];
        await op("ListOrganizationalUnitsForParent", async () => {
            for await (const page of paginateListOrganizationalUnitsForParent({ client: org }, { ParentId: parentId })) ous.push(...plain(page.OrganizationalUnits ?? []));
        });
        out.listOrganizationalUnitsForParent[parentId] = { OrganizationalUnits: ous };
        parents.push(...ous.map((x) => x.Id!).filter(Boolean));
        const accounts: NonNullable<OrganizationSnapshot["listAccountsForParent"][string]["Accounts"]> = [];
        await op("ListAccountsForParent", async () => {
            for await (const page of paginateListAccountsForParent({ client: org }, { ParentId: parentId })) accounts.push(...plain(page.Accounts ?? []));
        });
        out.listAccountsForParent[parentId] = { Accounts: accounts };
    }
    // Policies of every type enabled at a root, with content (customer managed) and targets.
    const types = [...new Set(roots.flatMap((r) => (r.PolicyTypes ?? []).filter((t) => t.Status === "ENABLED").map((t) => t.Type!)))].sort();
    for (const type of types) {
        const policies: NonNullable<OrganizationSnapshot["listPolicies"][string]["Policies"]> = [];
        await op("ListPolicies", async () => {
            for await (const page of paginateListPolicies({ client: org }, { Filter: type as never })) policies.push(...plain(page.Policies ?? []));
        });
        out.listPolicies[type] = { Policies: policies };
        for (const p of policies) {
            if (!p.Id) continue;
            // One policy that cannot be read does not stop the others.
            try {
                if (!p.AwsManaged) out.describePolicy[p.Id] = plain(await op("DescribePolicy", () => org.send(new DescribePolicyCommand({ PolicyId: p.Id }))));
            } catch (e) {
                errors.push(errorOf(e, `DescribePolicy ${p.Id}`));
            }
            try {
                const targets: NonNullable<OrganizationSnapshot["listTargetsForPolicy"][string]["Targets"]> = [];
                await op("ListTargetsForPolicy", async () => {
                    for await (const page of paginateListTargetsForPolicy({ client: org }, { PolicyId: p.Id })) targets.push(...plain(page.Targets ?? []));
                });
                out.listTargetsForPolicy[p.Id] = { Targets: targets };
            } catch (e) {
                errors.push(errorOf(e, `ListTargetsForPolicy ${p.Id}`));
            }
        }
    }
    progress(`organization: ${Object.values(out.listAccountsForParent).reduce((n, r) => n + (r.Accounts?.length ?? 0), 0)} accounts, ${Object.keys(out.listTargetsForPolicy).length} policies`);
    return out;
}

async function authorizationDetails(iam: IAMClient): Promise<NonNullable<AccountSnapshot["authorizationDetails"]>> {
    const merged: NonNullable<AccountSnapshot["authorizationDetails"]> = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [], IsTruncated: false };
    for await (const raw of paginateGetAccountAuthorizationDetails({ client: iam }, {})) {
        const page = plain(raw);
        merged.UserDetailList!.push(...(page.UserDetailList ?? []));
        merged.GroupDetailList!.push(...(page.GroupDetailList ?? []));
        merged.RoleDetailList!.push(...(page.RoleDetailList ?? []));
        merged.Policies!.push(...(page.Policies ?? []));
    }
    return merged;
}

/** Generate, wait while AWS builds it, fetch. The report is at most 4 hours old (AWS regenerates no more often). */
async function credentialReport(iam: IAMClient, wait: { attempts: number; delayMs: number }, sleep: (ms: number) => Promise<void>): Promise<string> {
    for (let attempt = 1; ; attempt++) {
        const g = await op("GenerateCredentialReport", () => iam.send(new GenerateCredentialReportCommand({})));
        if (g.State === "COMPLETE") {
            try {
                const r = await op("GetCredentialReport", () => iam.send(new GetCredentialReportCommand({})));
                return new TextDecoder().decode(r.Content ?? new Uint8Array());
            } catch (e) {
                const name = (e as { name?: string }).name;
                // Not ready yet, or expired between the two calls: generate again.
                if (name !== "CredentialReportNotReadyException" && name !== "CredentialReportNotPresentException" && name !== "CredentialReportExpiredException") throw e;
            }
        }
        if (attempt >= wait.attempts) {
            const e = new Error(`credential report still ${g.State ?? "not ready"} after ${attempt} attempts`);
            e.name = "CredentialReportNotReadyException";
            (e as { operation?: string }).operation = "GetCredentialReport";
            throw e;
        }
        await sleep(wait.delayMs);
    }
}

async function runningInstances(ec2: EC2Client): Promise<AccountSnapshot["instances"][string]> {
    const reservations: NonNullable<AccountSnapshot["instances"][string]["Reservations"]> = [];
    for await (const page of paginateDescribeInstances({ client: ec2 }, { Filters: [{ Name: "instance-state-name", Values: ["running"] }], MaxResults: 1000 })) {
        reservations.push(...plain(page.Reservations ?? []));
    }
    return { Reservations: reservations };
}

async function budgets(client: BudgetsClient, accountId: string): Promise<NonNullable<AccountSnapshot["budgets"]>> {
    const list: NonNullable<NonNullable<AccountSnapshot["budgets"]>["Budgets"]> = [];
    for await (const page of paginateDescribeBudgets({ client }, { AccountId: accountId, ShowFilterExpression: true })) list.push(...plain(page.Budgets ?? []));
    return { Budgets: list };
}
