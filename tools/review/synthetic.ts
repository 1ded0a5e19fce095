/**
 * Synthetic live estates in the AWS API shapes, built from a stack's plan as `pulumi up` would
 * leave them: every declared account, OU, SCP, tag policy, role, group, user, policy and budget
 * exists as AWS returns it (IAM documents URL-encoded, dates as ISO strings, FullAWSAccess
 * attached everywhere except the allow-list targets). The tests seed drift into it by hand, and
 * the review benchmark grows it to hundreds of accounts.
 */
import type { Budget } from "@aws-sdk/client-budgets";
import type { Reservation } from "@aws-sdk/client-ec2";
import type { GroupDetail, ManagedPolicyDetail, RoleDetail, UserDetail } from "@aws-sdk/client-iam";
import type { Account, OrganizationalUnit, PolicySummary, PolicyTargetSummary, Root } from "@aws-sdk/client-organizations";
import { renderText } from "../../components/access/policies";
import { DEPLOYMENT_ACCOUNT } from "../../components/plan";
import { formatCredentialReport, ROOT_USER, type CredentialReportRow } from "./credential-report";
import type { Declared } from "./declared";
import type { AccountSnapshot, Json, Snapshot } from "./types";

export interface EstateIds {
    organizationId: string;
    rootId: string;
    managementAccountId: string;
    managementEmail: string;
    /** Member account IDs by config key. */
    accounts: Record<string, string>;
    /** OU IDs by config key. */
    organizationalUnits: Record<string, string>;
}

export interface EstateOptions {
    stack: string;
    ids: EstateIds;
    collectedAt: string;
    regions: string[];
    partition?: string;
}

const enc = (doc: unknown) => encodeURIComponent(typeof doc === "string" ? doc : JSON.stringify(doc));
const daysBefore = (iso: string, days: number) => new Date(Date.parse(iso) - days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "+00:00");

/** A credential report row with nothing set (no password, no keys). */
export function credentialRow(user: string, arn: string, created: string, over: Partial<CredentialReportRow> = {}): CredentialReportRow {
    return {
        user,
        arn,
        user_creation_time: created,
        password_enabled: "false",
        password_last_used: "N/A",
        password_last_changed: "N/A",
        password_next_rotation: "N/A",
        mfa_active: "false",
        access_key_1_active: "false",
        access_key_1_last_rotated: "N/A",
        access_key_1_last_used_date: "N/A",
        access_key_1_last_used_region: "N/A",
        access_key_1_last_used_service: "N/A",
        access_key_2_active: "false",
        access_key_2_last_rotated: "N/A",
        access_key_2_last_used_date: "N/A",
        access_key_2_last_used_region: "N/A",
        access_key_2_last_used_service: "N/A",
        cert_1_active: "false",
        cert_1_last_rotated: "N/A",
        cert_2_active: "false",
        cert_2_last_rotated: "N/A",
        ...over,
    };
}

/** The estate exactly as the stack declares it. */
export function declaredEstate(d: Declared, o: EstateOptions): Snapshot {
    const p = o.partition ?? "aws";
    const ids = o.ids;
    const plan = d.plan;
    const mgmt = ids.managementAccountId;
    const created = daysBefore(o.collectedAt, 400);
    const accountId = (key: string) => (key === DEPLOYMENT_ACCOUNT ? mgmt : ids.accounts[key]);
    const render = (text: string) => renderText(text, { partition: p, managementAccountId: mgmt, accountIds: Object.fromEntries(Object.keys(ids.accounts).map((k) => [k, ids.accounts[k]])) });
    const accountKeys = plan.organization ? [DEPLOYMENT_ACCOUNT, ...plan.accounts.map((a) => a.key)] : [DEPLOYMENT_ACCOUNT];
    let seq = 0;
    const uid = (prefix: string) => `${prefix}${String(++seq).padStart(17, "0")}`;

    // --- IAM per account ---------------------------------------------------------------------
    const accounts: Record<string, AccountSnapshot> = {};
    for (const key of accountKeys) {
        const id = accountId(key);
        const arn = (kind: string, pathName: string) => `arn:${p}:iam::${id}:${kind}${pathName}`;
        const policyArn = (policyKey: string) => {
            const pol = d.access.policies.find((x) => x.key === policyKey)!;
            return arn("policy", `${pol.path}${pol.name}`);
        };
        const policies: Json<ManagedPolicyDetail>[] = d.access.policies
            .filter((x) => x.account === key)
            .map((x) => ({
                PolicyName: x.name,
                PolicyId: uid("ANPA"),
                Arn: arn("policy", `${x.path}${x.name}`),
                Path: x.path,
                DefaultVersionId: "v1",
                AttachmentCount: 1,
                PermissionsBoundaryUsageCount: 0,
                IsAttachable: true,
                Description: x.description,
                CreateDate: created,
                UpdateDate: created,
                PolicyVersionList: [{ Document: enc(render(JSON.stringify(x.document))), VersionId: "v1", IsDefaultVersion: true, CreateDate: created }],
            }));
        const groups: Json<GroupDetail>[] = d.access.groups
            .filter((g) => g.account === key)
            .map((g) => ({
                Path: g.path,
                GroupName: g.name,
                GroupId: uid("AGPA"),
                Arn: arn("group", `${g.path}${g.name}`),
                CreateDate: created,
                GroupPolicyList: [],
                AttachedManagedPolicies: g.policyKeys.map((k) => ({ PolicyName: k.split("/")[1], PolicyArn: policyArn(k) })),
            }));
        const role = (r: { path: string; name: string; trust: unknown; tags: Record<string, string> }, lastUsedDays: number, rest: Partial<Json<RoleDetail>>): Json<RoleDetail> => ({
            Path: r.path,
            RoleName: r.name,
            RoleId: uid("AROA"),
            Arn: arn("role", `${r.path}${r.name}`),
            CreateDate: created,
            AssumeRolePolicyDocument: enc(render(JSON.stringify(r.trust))),
            InstanceProfileList: [],
            RolePolicyList: [],
            AttachedManagedPolicies: [],
            Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })),
            RoleLastUsed: { LastUsedDate: daysBefore(o.collectedAt, lastUsedDays), Region: o.regions[0] },
            ...rest,
        });
        const roles: Json<RoleDetail>[] = [
            ...d.access.roles
                .filter((r) => r.account === key)
                .map((r) =>
                    role(r, 2, {
                        AttachedManagedPolicies: [
                            ...r.managedPolicyArns.map((a) => ({ PolicyName: a.split("/").pop(), PolicyArn: render(a) })),
                            ...r.policyKeys.map((k) => ({ PolicyName: k.split("/")[1], PolicyArn: policyArn(k) })),
                        ],
                        ...(r.boundaryKey ? { PermissionsBoundary: { PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: policyArn(r.boundaryKey) } } : {}),
                    }),
                ),
            ...d.reviewRoles.filter((r) => r.account === key).map((r) => role(r, 7, { RolePolicyList: [{ PolicyName: r.policyName, PolicyDocument: enc(render(JSON.stringify(r.policy))) }] })),
        ];
        const memberPlan = plan.accounts.find((a) => a.key === key);
        if (memberPlan) {
            // AWS creates the organization access role in every account it creates for the organization.
            roles.push({
                Path: "/",
                RoleName: memberPlan.roleName,
                RoleId: uid("AROA"),
                Arn: arn("role", `/${memberPlan.roleName}`),
                CreateDate: created,
                AssumeRolePolicyDocument: enc({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:${p}:iam::${mgmt}:root` }, Action: "sts:AssumeRole" }] }),
                InstanceProfileList: [],
                RolePolicyList: [],
                AttachedManagedPolicies: [{ PolicyName: "AdministratorAccess", PolicyArn: `arn:${p}:iam::aws:policy/AdministratorAccess` }],
                RoleLastUsed: { LastUsedDate: daysBefore(o.collectedAt, 1), Region: o.regions[0] },
            });
        }
        const users: Json<UserDetail>[] = d.access.users
            .filter((u) => u.account === key)
            .map((u) => ({
                Path: "/",
                UserName: u.name,
                UserId: uid("AIDA"),
                Arn: arn("user", `/${u.name}`),
                CreateDate: created,
                UserPolicyList: [],
                GroupList: u.groupKeys.map((g) => d.access.groups.find((x) => x.key === g && x.account === u.account)!.name),
                AttachedManagedPolicies: [],
                Tags: Object.entries(u.tags).map(([Key, Value]) => ({ Key, Value })),
            }));
        const rows = [
            credentialRow(ROOT_USER, `arn:${p}:iam::${id}:root`, created, {
                password_enabled: "not_supported",
                password_last_used: "no_information",
                password_last_changed: "not_supported",
                password_next_rotation: "not_supported",
                mfa_active: "true",
            }),
            ...users.map((u) =>
                credentialRow(u.UserName!, u.Arn!, created, {
                    password_enabled: "true",
                    password_last_used: daysBefore(o.collectedAt, 3),
                    password_last_changed: daysBefore(o.collectedAt, 30),
                    password_next_rotation: daysBefore(o.collectedAt, -60),
                    mfa_active: "true",
                }),
            ),
        ];
        accounts[id] = {
            authorizationDetails: { UserDetailList: users, GroupDetailList: groups, RoleDetailList: roles, Policies: policies, IsTruncated: false },
            credentialReport: formatCredentialReport(rows),
            instances: Object.fromEntries(o.regions.map((r) => [r, { Reservations: [] }])),
        };
    }

    // --- Budgets, in the management account ----------------------------------------------------
    const budgets: Json<Budget>[] = d.guardrails.budgets.map((b) => ({
        BudgetName: b.name,
        BudgetLimit: { Amount: b.amount.toFixed(1), Unit: b.currency },
        CostFilters: {
            ...(b.linkedAccounts.length ? { LinkedAccount: b.linkedAccounts.map((k) => ids.accounts[k]) } : {}),
            ...(b.tagFilter ? { TagKeyValue: [b.tagFilter] } : {}),
        },
        TimeUnit: "MONTHLY",
        BudgetType: "COST",
        TimePeriod: { Start: "2025-01-01T00:00:00.000Z", End: "2087-06-15T00:00:00.000Z" },
        CalculatedSpend: { ActualSpend: { Amount: "12.5", Unit: b.currency } },
    }));
    accounts[mgmt].budgets = { Budgets: budgets };

    const accountsRead = Object.keys(accounts).map((id) => ({
        id,
        name: id === mgmt ? "management" : plan.accounts.find((a) => ids.accounts[a.key] === id)?.name,
        readAs: "role" as const,
        errors: [],
    }));
    const snapshot: Snapshot = {
        manifest: {
            format: 1,
            tool: "landing-zone-review",
            toolVersion: "0.1.0",
            stack: o.stack,
            collectedAt: o.collectedAt,
            partition: p,
            callerAccountId: mgmt,
            managementAccountId: mgmt,
            homeRegion: o.regions[0],
            regions: o.regions,
            roleName: "landing-zone/lz-review",
            accounts: accountsRead,
            errors: [],
        },
        accounts,
    };
    if (!plan.organization) return snapshot;

    // --- The organization --------------------------------------------------------------------
    const orgArn = (kind: string, rest: string) => `arn:${p}:organizations::${mgmt}:${kind}/${ids.organizationId}/${rest}`;
    const enabled = plan.organization.enabledPolicyTypes;
    const root: Json<Root> = { Id: ids.rootId, Arn: orgArn("root", ids.rootId), Name: "Root", PolicyTypes: enabled.map((t) => ({ Type: t as never, Status: "ENABLED" })) };
    const ouFor: Record<string, Json<OrganizationalUnit>[]> = { [ids.rootId]: [] };
    for (const ou of plan.organizationalUnits) {
        const parent = ou.parentKey ? ids.organizationalUnits[ou.parentKey] : ids.rootId;
        (ouFor[parent] ??= []).push({ Id: ids.organizationalUnits[ou.key], Arn: orgArn("ou", ids.organizationalUnits[ou.key]), Name: ou.name });
        ouFor[ids.organizationalUnits[ou.key]] ??= [];
    }
    const acct = (id: string, name: string, email: string): Json<Account> => ({
        Id: id,
        Arn: `arn:${p}:organizations::${mgmt}:account/${ids.organizationId}/${id}`,
        Email: email,
        Name: name,
        Status: "ACTIVE",
        State: "ACTIVE",
        JoinedMethod: id === mgmt ? "INVITED" : "CREATED",
        JoinedTimestamp: created,
    });
    const accFor: Record<string, Json<Account>[]> = Object.fromEntries(Object.keys(ouFor).map((k) => [k, []]));
    accFor[ids.rootId].push(acct(mgmt, "management", ids.managementEmail));
    for (const a of plan.accounts) accFor[a.ouKey ? ids.organizationalUnits[a.ouKey] : ids.rootId].push(acct(ids.accounts[a.key], a.name, a.email));

    const targetOf = (kind: string, ref?: string): Json<PolicyTargetSummary> => {
        if (kind === "root") return { TargetId: ids.rootId, Arn: root.Arn, Name: "Root", Type: "ROOT" };
        if (kind === "organizational-unit") {
            const ou = plan.organizationalUnits.find((x) => x.key === ref)!;
            return { TargetId: ids.organizationalUnits[ref!], Arn: orgArn("ou", ids.organizationalUnits[ref!]), Name: ou.name, Type: "ORGANIZATIONAL_UNIT" };
        }
        const a = plan.accounts.find((x) => x.key === ref)!;
        return { TargetId: ids.accounts[ref!], Arn: `arn:${p}:organizations::${mgmt}:account/${ids.organizationId}/${ids.accounts[ref!]}`, Name: a.name, Type: "ACCOUNT" };
    };
    const listPolicies: Record<string, { Policies: Json<PolicySummary>[] }> = Object.fromEntries(enabled.map((t) => [t, { Policies: [] }]));
    const describePolicy: Snapshot["organization"] extends infer O ? (O extends { describePolicy: infer D } ? D : never) : never = {};
    const listTargetsForPolicy: Record<string, { Targets: Json<PolicyTargetSummary>[] }> = {};
    const policyId = (n: number) => `p-${n.toString(36).padStart(8, "0")}`;
    let pn = 1000;
    const addPolicy = (type: string, name: string, description: string, content: string, targets: Json<PolicyTargetSummary>[]) => {
        const id = policyId(++pn);
        const summary: Json<PolicySummary> = {
            Id: id,
            Arn: `arn:${p}:organizations::${mgmt}:policy/${ids.organizationId}/${type.toLowerCase()}/${id}`,
            Name: name,
            Description: description,
            Type: type as never,
            AwsManaged: false,
        };
        listPolicies[type]?.Policies.push(summary);
        describePolicy[id] = { Policy: { PolicySummary: summary, Content: content } };
        listTargetsForPolicy[id] = { Targets: targets };
        return id;
    };
    for (const t of d.guardrails.targets) for (const doc of t.documents) addPolicy("SERVICE_CONTROL_POLICY", doc.policyName, doc.description, doc.content, [targetOf(t.kind, t.ref)]);
    for (const tp of d.guardrails.tagPolicies) addPolicy("TAG_POLICY", tp.policyName, `Environment tag key and its ${tp.environmentClass} values`, tp.content, [targetOf(tp.kind, tp.ref)]);
    for (const rcp of d.guardrails.resourceControlPolicies) addPolicy("RESOURCE_CONTROL_POLICY", rcp.policyName, rcp.description, rcp.content, [targetOf("root")]);
    if (listPolicies.SERVICE_CONTROL_POLICY) {
        // FullAWSAccess: on every root, OU and account, detached where an allow-list replaces it.
        const allowList = new Set(d.guardrails.targets.filter((t) => t.strategy === "allow-list").map((t) => targetOf(t.kind, t.ref).TargetId));
        listPolicies.SERVICE_CONTROL_POLICY.Policies.unshift({
            Id: "p-FullAWSAccess",
            Arn: `arn:${p}:organizations::aws:policy/service_control_policy/p-FullAWSAccess`,
            Name: "FullAWSAccess",
            Description: "Allows access to every operation",
            Type: "SERVICE_CONTROL_POLICY",
            AwsManaged: true,
        });
        listTargetsForPolicy["p-FullAWSAccess"] = {
            Targets: [
                targetOf("root"),
                ...plan.organizationalUnits.map((ou) => targetOf("organizational-unit", ou.key)),
                { TargetId: mgmt, Arn: `arn:${p}:organizations::${mgmt}:account/${ids.organizationId}/${mgmt}`, Name: "management", Type: "ACCOUNT" as const },
                ...plan.accounts.map((a) => targetOf("account", a.key)),
            ].filter((t) => !allowList.has(t.TargetId)),
        };
    }
    snapshot.organization = {
        describeOrganization: {
            Organization: {
                Id: ids.organizationId,
                Arn: `arn:${p}:organizations::${mgmt}:organization/${ids.organizationId}`,
                FeatureSet: "ALL",
                MasterAccountArn: `arn:${p}:organizations::${mgmt}:account/${ids.organizationId}/${mgmt}`,
                MasterAccountId: mgmt,
                MasterAccountEmail: ids.managementEmail,
                AvailablePolicyTypes: [],
            },
        },
        listRoots: { Roots: [root] },
        listOrganizationalUnitsForParent: Object.fromEntries(Object.entries(ouFor).map(([k, v]) => [k, { OrganizationalUnits: v }])),
        listAccountsForParent: Object.fromEntries(Object.entries(accFor).map(([k, v]) => [k, { Accounts: v }])),
        listPolicies,
        describePolicy,
        listTargetsForPolicy,
    };
    return snapshot;
}

/** Running instances of one type, as DescribeInstances returns them (one reservation). */
export function runningInstances(o: { accountId: string; region: string; type: string; count: number; launched: string; tags?: Record<string, string>; firstId?: number }): Json<Reservation> {
    return {
        ReservationId: `r-${(o.firstId ?? 1).toString(16).padStart(17, "0")}`,
        OwnerId: o.accountId,
        Groups: [],
        Instances: Array.from({ length: o.count }, (_, i) => ({
            InstanceId: `i-${((o.firstId ?? 1) * 1000 + i).toString(16).padStart(17, "0")}`,
            ImageId: "ami-0123456789abcdef0",
            State: { Code: 16, Name: "running" },
            InstanceType: o.type as never,
            LaunchTime: o.launched,
            Placement: { AvailabilityZone: `${o.region}a`, Tenancy: "default" },
            Tags: Object.entries(o.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
        })),
    };
}
