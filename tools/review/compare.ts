/**
 * The comparison: a snapshot of the live estate and what the stack declares in, findings out.
 * Pure: no I/O, no clock (ages are measured from the snapshot's collection time, so an archived
 * snapshot reviews the same on any day).
 *
 * Live accounts are matched to config keys: the management account by the organization's
 * management account ID (single-account: the account the snapshot was taken in); a member account
 * by `existingId` when config sets it, else by email (case-insensitive), else by name. OUs are
 * matched from the root down: by `existingId`, else by name under the matched parent.
 */
import type { Budget, Expression } from "@aws-sdk/client-budgets";
import { renderText } from "../../components/access/policies";
import { DEPLOYMENT_ACCOUNT } from "../../components/plan";
import { LZ_PATH } from "../../components/access/policies";
import { parseCredentialReport, reportDate, ROOT_USER, type CredentialReportRow } from "./credential-report";
import type { Declared } from "./declared";
import { KINDS, type FindingKind } from "./kinds";
import { sortFindings } from "./render";
import { grantsEverything, jsonDiff, parseDocument, statementDiff } from "./normalize";
import type { AccountSnapshot, Finding, Json, Severity, Snapshot } from "./types";

export interface ReviewOptions {
    /** Active access keys older than this many days (since last rotation). */
    keyMaxAgeDays: number;
    /** Active access keys unused for this many days (never used: since created). */
    keyUnusedDays: number;
    /** Console passwords unused for this many days. */
    passwordUnusedDays: number;
    /** Non-production instances above this size (`xlarge`: 2xlarge and up, and metal, are reported). */
    maxInstanceSize: string;
}

export const DEFAULT_REVIEW_OPTIONS: ReviewOptions = { keyMaxAgeDays: 90, keyUnusedDays: 45, passwordUnusedDays: 90, maxInstanceSize: "xlarge" };

const DAY = 86_400_000;
const ADMIN_MANAGED_POLICIES = ["AdministratorAccess", "IAMFullAccess"];

interface LiveAccount {
    id: string;
    name?: string;
    email?: string;
    status?: string;
    parentId?: string;
    key?: string;
}

interface LiveOu {
    id: string;
    name: string;
    parentId: string;
}

type IamDetails = NonNullable<AccountSnapshot["authorizationDetails"]>;

export function review(snapshot: Snapshot, declared: Declared, options: Partial<ReviewOptions> = {}): Finding[] {
    return sortFindings(new Review(snapshot, declared, { ...DEFAULT_REVIEW_OPTIONS, ...options }).run());
}

class Review {
    private readonly findings: Finding[] = [];
    private readonly now: number;
    private readonly partition: string;
    private readonly mgmtId: string;
    private readonly accounts = new Map<string, LiveAccount>();
    private readonly keyToId = new Map<string, string>();
    private readonly ous = new Map<string, LiveOu>();
    private readonly ouKeyToId = new Map<string, string>();
    private rootId?: string;

    constructor(
        private readonly s: Snapshot,
        private readonly d: Declared,
        private readonly o: ReviewOptions,
    ) {
        this.now = Date.parse(s.manifest.collectedAt);
        this.partition = s.manifest.partition;
        this.mgmtId = s.manifest.managementAccountId;
    }

    run(): Finding[] {
        this.collection();
        this.structure();
        if (this.s.organization) this.organizationPolicies();
        for (const [id, a] of Object.entries(this.s.accounts)) {
            if (a.authorizationDetails) this.iam(id, a.authorizationDetails);
            if (a.credentialReport !== undefined) this.credentials(id, a.credentialReport);
            this.instances(id, a);
        }
        this.budgets();
        return this.findings;
    }

    // --- helpers -------------------------------------------------------------------------------

    private add(kind: FindingKind, accountId: string | undefined, subject: string, found: string, declared: string, fix: string, extra: { detail?: string[]; severity?: Severity } = {}): void {
        const k = KINDS[kind];
        this.findings.push({
            kind,
            category: k.category,
            severity: extra.severity ?? k.severity,
            account: accountId ? this.label(accountId) : "organization",
            ...(accountId ? { accountId } : {}),
            subject,
            found,
            declared,
            fix,
            ...(extra.detail?.length ? { detail: extra.detail } : {}),
        });
    }

    private label(id: string): string {
        const a = this.accounts.get(id);
        const name = a?.name ?? this.s.manifest.accounts.find((m) => m.id === id)?.name;
        const key = a?.key ?? this.keyOf(id);
        return `${name ?? id} (${id}${key ? `, ${key === DEPLOYMENT_ACCOUNT ? "management" : `accounts.${key}`}` : ""})`;
    }

    private keyOf(id: string): string | undefined {
        if (id === this.mgmtId) return DEPLOYMENT_ACCOUNT;
        for (const [k, v] of this.keyToId) if (v === id) return k;
        return undefined;
    }

    /** Fills a declared text's placeholders with live IDs; undefined when an account is unknown. */
    private render(text: string): string | undefined {
        try {
            return renderText(text, { partition: this.partition, managementAccountId: this.mgmtId, accountIds: Object.fromEntries(this.keyToId) });
        } catch {
            return undefined;
        }
    }

    private daysSince(iso: string | Date | undefined): number | undefined {
        if (!iso) return undefined;
        const t = typeof iso === "string" ? Date.parse(iso) : iso.getTime();
        return Number.isNaN(t) ? undefined : Math.floor((this.now - t) / DAY);
    }

    // --- collection problems -------------------------------------------------------------------

    private collection(): void {
        for (const e of this.s.manifest.errors) {
            this.add(
                "organization-unreadable",
                undefined,
                "AWS Organizations",
                `${e.operation} failed: ${e.code}: ${e.message}`,
                "the organization is read with the management account's review role",
                "Check that the review runs with management-account credentials that may assume landing-zone/lz-review there, and that lz-review is deployed (pulumi up).",
            );
        }
        for (const a of this.s.manifest.accounts) {
            for (const e of a.errors) {
                if (e.operation === "AssumeRole") {
                    this.add(
                        "account-unreadable",
                        a.id,
                        this.s.manifest.roleName,
                        `AssumeRole failed: ${e.code}: ${e.message}`,
                        `role ${this.s.manifest.roleName} deployed and assumable by the CI review role`,
                        "Deploy the review role to the account (pulumi up), or check its trust policy and any SCP or permissions boundary blocking sts:AssumeRole.",
                    );
                } else {
                    this.add(
                        "partial-read",
                        a.id,
                        e.operation,
                        `${e.operation}${e.region ? ` in ${e.region}` : ""} failed: ${e.code}: ${e.message}`,
                        "every review call succeeds",
                        `Check the review role's permissions for ${e.operation} (and SCPs such as a region or service allow-list that deny it).`,
                    );
                }
            }
        }
    }

    // --- organization structure ----------------------------------------------------------------

    private structure(): void {
        const org = this.s.organization;
        const plan = this.d.plan;
        this.accounts.set(this.mgmtId, { id: this.mgmtId, key: DEPLOYMENT_ACCOUNT, name: this.s.manifest.accounts.find((a) => a.id === this.mgmtId)?.name });
        this.keyToId.set(DEPLOYMENT_ACCOUNT, this.mgmtId);
        if (!org) return;
        this.rootId = org.listRoots.Roots?.[0]?.Id;
        for (const [parentId, r] of Object.entries(org.listOrganizationalUnitsForParent)) {
            for (const ou of r.OrganizationalUnits ?? []) if (ou.Id) this.ous.set(ou.Id, { id: ou.Id, name: ou.Name ?? ou.Id, parentId });
        }
        for (const [parentId, r] of Object.entries(org.listAccountsForParent)) {
            for (const a of r.Accounts ?? []) {
                if (!a.Id) continue;
                const prev = this.accounts.get(a.Id);
                this.accounts.set(a.Id, { ...prev, id: a.Id, name: a.Name, email: a.Email, status: a.Status, parentId });
            }
        }

        // Policy types the config enables at the root.
        const root = org.listRoots.Roots?.[0];
        for (const type of plan.organization?.enabledPolicyTypes ?? []) {
            const st = root?.PolicyTypes?.find((p) => p.Type === type)?.Status;
            if (st !== "ENABLED") {
                this.add(
                    "policy-type-disabled",
                    undefined,
                    type,
                    `policy type ${type} is ${st ?? "not enabled"} at the root`,
                    `landing-zone:organization.enabledPolicyTypes includes ${type}`,
                    `aws organizations enable-policy-type --root-id ${root?.Id ?? "<root-id>"} --policy-type ${type}, then pulumi up to re-create and attach its policies.`,
                );
            }
        }

        // OUs, from the root down.
        for (const ou of plan.organizationalUnits) {
            const parentLive = ou.parentKey === undefined ? this.rootId : this.ouKeyToId.get(ou.parentKey);
            const live = ou.existingId ? this.ous.get(ou.existingId) : [...this.ous.values()].find((o) => o.parentId === parentLive && o.name === ou.name);
            if (live) this.ouKeyToId.set(ou.key, live.id);
            else if (parentLive !== undefined || ou.parentKey === undefined) {
                this.add(
                    "ou-missing",
                    undefined,
                    `OU ${ou.path}`,
                    "no such OU in the organization",
                    `landing-zone:organizationalUnits.${ou.key} (${ou.path})`,
                    "pulumi up creates it; if it was renamed or moved in the console, set existingId to adopt it.",
                );
            }
        }
        const mappedOus = new Set(this.ouKeyToId.values());
        for (const ou of this.ous.values()) {
            if (!mappedOus.has(ou.id)) {
                this.add(
                    "ou-not-in-config",
                    undefined,
                    `OU ${this.ouPath(ou.id)} (${ou.id})`,
                    "OU exists in the organization",
                    "not in landing-zone:organizationalUnits",
                    `Declare it under landing-zone:organizationalUnits with existingId: ${ou.id}, or move its accounts out and delete it (aws organizations delete-organizational-unit --organizational-unit-id ${ou.id}).`,
                );
            }
        }

        // Accounts.
        const byEmail = new Map([...this.accounts.values()].filter((a) => a.email).map((a) => [a.email!.toLowerCase(), a]));
        const byName = new Map([...this.accounts.values()].filter((a) => a.name).map((a) => [a.name!, a]));
        for (const a of plan.accounts) {
            const live = a.existingId ? this.accounts.get(a.existingId) : (byEmail.get(a.email.toLowerCase()) ?? byName.get(a.name));
            if (!live || live.id === this.mgmtId) {
                this.add(
                    "account-missing",
                    undefined,
                    `account ${a.name}`,
                    a.existingId ? `no account ${a.existingId} in the organization` : `no account with email ${a.email} or name ${a.name}`,
                    `landing-zone:accounts.${a.key}`,
                    "pulumi up creates it (or set existingId to adopt the existing account); if it left the organization, invite it back.",
                );
                continue;
            }
            live.key = a.key;
            this.keyToId.set(a.key, live.id);
            const expected = a.ouKey === undefined ? this.rootId : this.ouKeyToId.get(a.ouKey);
            if (expected !== undefined && live.parentId !== undefined && live.parentId !== expected) {
                this.add(
                    "account-wrong-ou",
                    live.id,
                    `account ${a.name}`,
                    `in ${this.parentPath(live.parentId)}`,
                    `landing-zone:accounts.${a.key}.ou: ${a.ouKey ?? "(root)"} (${this.parentPath(expected)})`,
                    `aws organizations move-account --account-id ${live.id} --source-parent-id ${live.parentId} --destination-parent-id ${expected} (or pulumi up).`,
                );
            }
        }
        for (const a of this.accounts.values()) {
            if (a.status && a.status !== "ACTIVE") {
                this.add(
                    "account-suspended",
                    a.id,
                    `account ${a.name ?? a.id}`,
                    `status ${a.status}`,
                    "ACTIVE",
                    a.key
                        ? `Remove landing-zone:accounts.${a.key} once the account is closed (pulumi state unprotect, then pulumi up; the account is retained), or reopen it with AWS Support.`
                        : "Confirm the closure was intended; no config declares this account.",
                );
            }
            if (!a.key && a.id !== this.mgmtId) {
                this.add(
                    "account-not-in-config",
                    a.id,
                    `account ${a.name ?? a.id}`,
                    `${a.email ?? ""} in ${a.parentId ? this.parentPath(a.parentId) : "the organization"}`.trim(),
                    "not in landing-zone:accounts",
                    `Declare it under landing-zone:accounts with existingId: "${a.id}" (it is then adopted, not recreated), or remove it from the organization.`,
                );
            }
        }
    }

    private ouPath(id: string): string {
        const names: string[] = [];
        for (let cur = this.ous.get(id); cur; cur = this.ous.get(cur.parentId)) names.unshift(cur.name);
        return names.join("/");
    }

    private parentPath(id: string): string {
        return id === this.rootId ? `the root (${id})` : `OU ${this.ouPath(id)} (${id})`;
    }

    /** Live ID of a guardrails target key (`root`, `ou-<key>`, `account-<key>`). */
    private targetId(kind: string, ref: string | undefined): string | undefined {
        if (kind === "root") return this.rootId;
        if (kind === "organizational-unit") return this.ouKeyToId.get(ref!);
        return this.keyToId.get(ref!);
    }

    // --- SCPs, RCPs, tag policies --------------------------------------------------------------

    private organizationPolicies(): void {
        const org = this.s.organization!;
        interface DeclaredPolicy {
            name: string;
            type: string;
            content: string;
            targets: { label: string; id?: string }[];
        }
        const declared = new Map<string, DeclaredPolicy>();
        const declare = (name: string, type: string, content: string, label: string, id: string | undefined) => {
            const p = declared.get(name) ?? { name, type, content, targets: [] };
            p.targets.push({ label, id });
            declared.set(name, p);
        };
        for (const t of this.d.guardrails.targets) {
            for (const doc of t.documents) declare(doc.policyName, "SERVICE_CONTROL_POLICY", doc.content, t.label, this.targetId(t.kind, t.ref));
        }
        for (const tp of this.d.guardrails.tagPolicies) declare(tp.policyName, "TAG_POLICY", tp.content, tp.targetKey, this.targetId(tp.kind, tp.ref));
        for (const rcp of this.d.guardrails.resourceControlPolicies) declare(rcp.policyName, "RESOURCE_CONTROL_POLICY", rcp.content, "root", this.targetId("root", undefined));

        const live = Object.entries(org.listPolicies).flatMap(([type, r]) => (r.Policies ?? []).map((p) => ({ ...p, Type: p.Type ?? type })));
        const targetsOf = (id: string) => org.listTargetsForPolicy[id]?.Targets;
        const describe = (t: { TargetId?: string; Name?: string; Type?: string }) => `${t.Type === "ROOT" ? "root" : t.Type === "ACCOUNT" ? "account" : "OU"} ${t.Name ?? ""} (${t.TargetId})`;

        for (const p of declared.values()) {
            // A type that is not enabled was not listed: policy-type-disabled says it once.
            if (!(p.type in org.listPolicies)) continue;
            const l = live.find((x) => x.Name === p.name && x.Type === p.type && !x.AwsManaged);
            const where = p.targets.map((t) => t.label).join(", ");
            if (!l?.Id) {
                this.add(
                    "org-policy-missing",
                    undefined,
                    `${p.type} ${p.name}`,
                    "no such policy in the organization",
                    `attached to ${where}`,
                    "pulumi up re-creates and attaches it; check CloudTrail (DeletePolicy) for who removed it.",
                );
                continue;
            }
            const content = org.describePolicy[l.Id]?.Policy?.Content;
            if (content !== undefined) {
                const diff = p.type === "TAG_POLICY" ? jsonDiff(p.content, content) : statementDiff(p.content, content);
                if (diff.length) {
                    this.add(
                        "org-policy-drift",
                        undefined,
                        `${p.type} ${p.name} (${l.Id})`,
                        `content differs in ${diff.length} place(s)`,
                        `the plan's document for ${where}`,
                        `pulumi up restores the declared content; check CloudTrail (UpdatePolicy on ${l.Id}) for who changed it.`,
                        { detail: diff },
                    );
                }
            }
            const targets = targetsOf(l.Id);
            if (!targets) continue;
            const liveIds = new Set(targets.map((t) => t.TargetId));
            for (const t of p.targets) {
                if (t.id && !liveIds.has(t.id)) {
                    this.add(
                        "attachment-missing",
                        undefined,
                        `${p.type} ${p.name} (${l.Id})`,
                        `not attached to ${t.label} (${t.id})`,
                        `attached to ${t.label}`,
                        `aws organizations attach-policy --policy-id ${l.Id} --target-id ${t.id} (or pulumi up).`,
                    );
                }
            }
            // A declared target that is not in the organization (a renamed OU) is reported as such, not as extra attachments.
            if (p.targets.some((t) => t.id === undefined)) continue;
            const declaredIds = new Set(p.targets.map((t) => t.id));
            for (const t of targets) {
                if (!declaredIds.has(t.TargetId)) {
                    this.add(
                        "attachment-extra",
                        undefined,
                        `${p.type} ${p.name} (${l.Id})`,
                        `also attached to ${describe(t)}`,
                        `attached to ${where} only`,
                        `aws organizations detach-policy --policy-id ${l.Id} --target-id ${t.TargetId}, or declare the attachment in landing-zone:guardrails.attachments.`,
                    );
                }
            }
        }

        for (const l of live) {
            if (l.AwsManaged || !l.Id || declared.has(l.Name ?? "")) continue;
            const targets = targetsOf(l.Id) ?? [];
            this.add(
                "unmanaged-org-policy",
                undefined,
                `${l.Type} ${l.Name} (${l.Id})`,
                targets.length ? `attached to ${targets.map(describe).join(", ")}` : "not attached",
                "not declared by the stack",
                `Declare what it does in landing-zone:guardrails (or delete it: aws organizations ${targets.length ? "detach-policy, then " : ""}delete-policy --policy-id ${l.Id}).`,
            );
        }

        // Allow-list targets: FullAWSAccess must be gone, or the allow-list has no effect.
        const full = live.find((x) => x.AwsManaged && x.Type === "SERVICE_CONTROL_POLICY" && x.Name === "FullAWSAccess");
        const fullTargets = new Set((full?.Id ? targetsOf(full.Id) : undefined)?.map((t) => t.TargetId));
        for (const t of this.d.guardrails.targets) {
            if (t.strategy !== "allow-list") continue;
            const id = this.targetId(t.kind, t.ref);
            if (id && fullTargets.has(id)) {
                this.add(
                    "full-aws-access-attached",
                    undefined,
                    `${t.label} (${id})`,
                    "FullAWSAccess is attached, so the service allow-list has no effect",
                    `landing-zone:guardrails.serviceAllowLists.${t.ref}: only the listed services`,
                    `aws organizations detach-policy --policy-id ${full!.Id} --target-id ${id}`,
                );
            }
        }
    }

    // --- IAM: people, principals, policies -----------------------------------------------------

    private iam(id: string, details: IamDetails): void {
        const key = this.keyOf(id);
        const a = this.d.access;
        const inAccount = <T extends { account: string }>(xs: T[]) => (key === undefined ? [] : xs.filter((x) => x.account === key));
        const users = inAccount(a.users);
        const groups = inAccount(a.groups);
        const roles = [
            ...inAccount(a.roles).map((r) => ({ ...r, inline: [] as { name: string; document: unknown }[] })),
            ...inAccount(this.d.reviewRoles).map((r) => ({
                key: r.key,
                account: r.account,
                name: r.name,
                path: r.path,
                trust: r.trust,
                managedPolicyArns: [] as string[],
                policyKeys: [] as string[],
                boundaryKey: undefined as string | undefined,
                inline: [{ name: r.policyName, document: r.policy }],
            })),
        ];
        const policies = inAccount(a.policies);
        const policyArn = (policyKey: string) => {
            const p = a.policies.find((x) => x.key === policyKey);
            return p ? `arn:${this.partition}:iam::${id}:policy${p.path}${p.name}` : policyKey;
        };
        const liveUsers = details.UserDetailList ?? [];
        const liveGroups = details.GroupDetailList ?? [];
        const liveRoles = details.RoleDetailList ?? [];
        const livePolicies = (details.Policies ?? []).filter((p) => !p.Arn?.startsWith(`arn:${this.partition}:iam::aws:`));
        const defaultDoc = (arn: string) => {
            const p = (details.Policies ?? []).find((x) => x.Arn === arn);
            return p?.PolicyVersionList?.find((v) => v.IsDefaultVersion)?.Document;
        };
        const report = this.credentialRows(id);
        const inLz = (path: string | undefined) => (path ?? "/").startsWith(LZ_PATH);
        const iamAdminFix = (kind: string, name: string) =>
            `Detach it (aws iam detach-${kind}-policy / delete-${kind}-policy --${kind}-name ${name}); admin access goes through the landing zone's admin roles with MFA.`;

        // Users: leavers and movers.
        const declaredUsers = new Map(users.map((u) => [u.name, u]));
        for (const u of liveUsers) {
            const name = u.UserName ?? "";
            const plan = declaredUsers.get(name);
            if (!plan) {
                const row = report?.get(name);
                this.add(
                    "undeclared-user",
                    id,
                    `user ${name}`,
                    `exists; created ${u.CreateDate?.slice(0, 10) ?? "?"}, last activity ${lastActivity(row)}${row ? `, console ${row.password_enabled === "true" ? "on" : "off"}, active keys ${activeKeys(row).length}` : ""}`,
                    key === undefined ? "account not in config" : `not in landing-zone:users${key !== a.identityAccount ? ` (people live in the identity account only)` : ""}`,
                    `If they left: delete the user (aws iam delete-login-profile, delete-access-key, deactivate-mfa-device, remove-user-from-group, then delete-user --user-name ${name}). If they stay: add landing-zone:users.${name} with their teams.`,
                );
            } else {
                const want = plan.groupKeys.map((g) => a.groups.find((x) => x.key === g && x.account === plan.account)?.name ?? g);
                const have = u.GroupList ?? [];
                const extra = have.filter((g) => !want.includes(g));
                const missing = want.filter((g) => !have.includes(g));
                if (extra.length || missing.length) {
                    this.add(
                        "user-groups-differ",
                        id,
                        `user ${name}`,
                        `groups ${have.join(", ") || "(none)"}${extra.length ? `; not declared: ${extra.join(", ")}` : ""}${missing.length ? `; missing: ${missing.join(", ")}` : ""}`,
                        `landing-zone:users.${name}.teams → groups ${want.join(", ")}`,
                        extra.length
                            ? `aws iam remove-user-from-group --user-name ${name} --group-name <group> for ${extra.join(", ")} (or pulumi up), or add the team to landing-zone:users.${name}.teams if they still belong to it.`
                            : "pulumi up restores the memberships.",
                        { severity: extra.length ? "high" : "medium" },
                    );
                }
            }
            const direct = [...(u.UserPolicyList ?? []).map((p) => `inline ${p.PolicyName}`), ...(u.AttachedManagedPolicies ?? []).map((p) => `attached ${p.PolicyArn}`)];
            if (direct.length) {
                this.add(
                    "user-direct-policy",
                    id,
                    `user ${name}`,
                    direct.join("; "),
                    "no policies on users: permissions come from team groups",
                    `Remove them (aws iam detach-user-policy / delete-user-policy --user-name ${name}); grant access through a team in landing-zone:users.${name}.teams.`,
                );
            }
            if (isAdmin(u.AttachedManagedPolicies, u.UserPolicyList, defaultDoc, this.partition)) {
                this.add(
                    "admin-outside-landing-zone",
                    id,
                    `user ${name}`,
                    "admin-equivalent policy attached to a user",
                    "admin access only through the landing zone's admin roles",
                    iamAdminFix("user", name),
                );
            }
        }
        const liveUserNames = new Set(liveUsers.map((u) => u.UserName));
        for (const u of users) {
            if (!liveUserNames.has(u.name)) {
                this.add("missing-user", id, `user ${u.name}`, "no such IAM user", `landing-zone:users.${u.name}`, `pulumi up creates the user; if they left, remove landing-zone:users.${u.name}.`);
            }
        }

        // Groups.
        for (const g of liveGroups) {
            const plan = groups.find((x) => x.name === g.GroupName);
            if (!plan) {
                if (inLz(g.Path))
                    this.add(
                        "unmanaged-group",
                        id,
                        `group ${g.Path}${g.GroupName}`,
                        "exists in the landing zone's path",
                        "not declared by the stack",
                        `Delete it (aws iam delete-group --group-name ${g.GroupName}, after removing its users and policies) or declare the team in landing-zone:teams.`,
                    );
                if (isAdmin(g.AttachedManagedPolicies, g.GroupPolicyList, defaultDoc, this.partition)) {
                    this.add(
                        "admin-outside-landing-zone",
                        id,
                        `group ${g.GroupName}`,
                        "admin-equivalent policy attached to a group the stack does not declare",
                        "admin access only through the landing zone's admin roles",
                        iamAdminFix("group", g.GroupName ?? ""),
                    );
                }
                continue;
            }
            const diff = setDiff(
                plan.policyKeys.map(policyArn),
                (g.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn ?? ""),
            );
            for (const p of g.GroupPolicyList ?? []) diff.push(`+ inline policy ${p.PolicyName}`);
            if (diff.length)
                this.add(
                    "principal-drift",
                    id,
                    `group ${g.GroupName}`,
                    "attached policies differ",
                    `the plan's policies of group ${plan.name}`,
                    "pulumi up restores them; check CloudTrail for who changed them.",
                    { detail: diff },
                );
        }
        for (const g of groups) {
            if (!liveGroups.some((x) => x.GroupName === g.name)) {
                this.add("missing-principal", id, `group ${g.path}${g.name}`, "no such group", `the plan's group ${g.name}`, "pulumi up creates it.");
            }
        }

        // Roles.
        for (const r of liveRoles) {
            const plan = roles.find((x) => x.name === r.RoleName && x.path === r.Path);
            if (!plan) {
                if (inLz(r.Path))
                    this.add(
                        "unmanaged-role",
                        id,
                        `role ${r.Path}${r.RoleName}`,
                        `exists in the landing zone's path (created ${r.CreateDate?.slice(0, 10) ?? "?"}, last used ${r.RoleLastUsed?.LastUsedDate?.slice(0, 10) ?? "never"})`,
                        "not declared by the stack",
                        `Delete it (aws iam delete-role --role-name ${r.RoleName}, after its policies and instance profiles), or declare it (serviceRoles, teams).`,
                    );
                const exempt = this.d.platformRoleNames.includes(r.RoleName ?? "") || (r.Path ?? "").startsWith("/aws-service-role/");
                if (!exempt && isAdmin(r.AttachedManagedPolicies, r.RolePolicyList, defaultDoc, this.partition)) {
                    this.add(
                        "admin-outside-landing-zone",
                        id,
                        `role ${r.Path}${r.RoleName}`,
                        "admin-equivalent policy attached to a role the stack does not declare",
                        "admin access only through the landing zone's admin roles (lz-<env>-admin) and the organization access role",
                        iamAdminFix("role", r.RoleName ?? ""),
                    );
                }
                continue;
            }
            const detail: string[] = [];
            const trust = this.render(JSON.stringify(plan.trust));
            if (trust !== undefined && r.AssumeRolePolicyDocument) detail.push(...statementDiff(trust, r.AssumeRolePolicyDocument).map((l) => `trust ${l}`));
            detail.push(
                ...setDiff(
                    [...plan.managedPolicyArns.map((x) => this.render(x) ?? x), ...plan.policyKeys.map(policyArn)],
                    (r.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn ?? ""),
                ),
            );
            const boundary = plan.boundaryKey ? policyArn(plan.boundaryKey) : undefined;
            if (boundary !== r.PermissionsBoundary?.PermissionsBoundaryArn)
                detail.push(`~ permissions boundary: declared ${boundary ?? "(none)"}, live ${r.PermissionsBoundary?.PermissionsBoundaryArn ?? "(none)"}`);
            for (const p of r.RolePolicyList ?? []) {
                const want = plan.inline.find((x) => x.name === p.PolicyName);
                if (!want) detail.push(`+ inline policy ${p.PolicyName}`);
                else {
                    const doc = this.render(JSON.stringify(want.document));
                    if (doc !== undefined) detail.push(...statementDiff(doc, p.PolicyDocument).map((l) => `inline ${p.PolicyName} ${l}`));
                }
            }
            for (const want of plan.inline) if (!(r.RolePolicyList ?? []).some((p) => p.PolicyName === want.name)) detail.push(`- inline policy ${want.name}`);
            if (detail.length)
                this.add(
                    "principal-drift",
                    id,
                    `role ${r.Path}${r.RoleName}`,
                    "differs from the plan",
                    `the plan's role ${plan.path}${plan.name}`,
                    "pulumi up restores it; check CloudTrail for who changed it.",
                    { detail },
                );
        }
        for (const r of roles) {
            if (!liveRoles.some((x) => x.RoleName === r.name && x.Path === r.path)) {
                this.add("missing-principal", id, `role ${r.path}${r.name}`, "no such role", `the plan's role ${r.name}`, "pulumi up creates it.");
            }
        }

        // Customer managed policies.
        for (const p of livePolicies) {
            const plan = policies.find((x) => x.name === p.PolicyName && x.path === p.Path);
            if (!plan) {
                if (inLz(p.Path))
                    this.add(
                        "unmanaged-policy",
                        id,
                        `policy ${p.Path}${p.PolicyName}`,
                        `exists in the landing zone's path, attached ${p.AttachmentCount ?? 0} time(s)`,
                        "not declared by the stack",
                        `Delete it (aws iam delete-policy --policy-arn ${p.Arn}, after detaching it) or declare what it grants in config.`,
                    );
                continue;
            }
            const doc = this.render(JSON.stringify(plan.document));
            const live = p.PolicyVersionList?.find((v) => v.IsDefaultVersion)?.Document;
            if (doc !== undefined && live !== undefined) {
                const diff = statementDiff(doc, live);
                if (diff.length)
                    this.add(
                        "principal-drift",
                        id,
                        `policy ${p.Path}${p.PolicyName}`,
                        `document (version ${p.DefaultVersionId}) differs`,
                        `the plan's document of ${plan.name}`,
                        "pulumi up restores it; check CloudTrail (CreatePolicyVersion) for who changed it.",
                        { detail: diff },
                    );
            }
        }
        for (const p of policies) {
            if (!livePolicies.some((x) => x.PolicyName === p.name && x.Path === p.path)) {
                this.add("missing-principal", id, `policy ${p.path}${p.name}`, "no such policy", `the plan's policy ${p.name}`, "pulumi up creates it.");
            }
        }
    }

    // --- credentials ---------------------------------------------------------------------------

    private readonly reports = new Map<string, Map<string, CredentialReportRow> | undefined>();

    private credentialRows(id: string): Map<string, CredentialReportRow> | undefined {
        if (!this.reports.has(id)) {
            const csv = this.s.accounts[id]?.credentialReport;
            this.reports.set(id, csv === undefined ? undefined : new Map(parseCredentialReport(csv).map((r) => [r.user, r])));
        }
        return this.reports.get(id);
    }

    private credentials(id: string, _csv: string): void {
        const rows = this.credentialRows(id);
        if (!rows) return;
        const o = this.o;
        for (const row of rows.values()) {
            const keys = activeKeys(row);
            if (row.user === ROOT_USER) {
                if (keys.length)
                    this.add(
                        "root-access-key",
                        id,
                        "root user",
                        `active access key(s) ${keys.map((k) => k.n).join(", ")}`,
                        "no root access keys",
                        "Delete the root user's access keys (sign in as root: Security credentials), or remove root credentials centrally (IAM: Root access management).",
                    );
                if (row.mfa_active !== "true")
                    this.add(
                        "root-without-mfa",
                        id,
                        "root user",
                        "no MFA on the root user",
                        "root user with MFA (or without credentials)",
                        "Enable MFA for the root user, or remove root credentials centrally (IAM: Root access management).",
                        { severity: id === this.mgmtId ? "high" : "medium" },
                    );
                continue;
            }
            const who = `user ${row.user}`;
            if (row.password_enabled === "true" && row.mfa_active !== "true") {
                this.add(
                    "console-without-mfa",
                    id,
                    who,
                    "console password without MFA",
                    "every person signs in with MFA (lz-all-users denies everything else without it)",
                    `Have ${row.user} register an MFA device, or delete the login profile (aws iam delete-login-profile --user-name ${row.user}).`,
                );
            }
            if (row.password_enabled === "true") {
                const used = reportDate(row.password_last_used) ?? reportDate(row.user_creation_time);
                const days = this.daysSince(used);
                if (days !== undefined && days > o.passwordUnusedDays) {
                    this.add(
                        "unused-password",
                        id,
                        who,
                        `console password ${reportDate(row.password_last_used) ? `last used ${days} days ago` : `never used in ${days} days`}`,
                        `passwords used within ${o.passwordUnusedDays} days`,
                        `aws iam delete-login-profile --user-name ${row.user} (and check whether ${row.user} has left).`,
                    );
                }
            }
            if (keys.length && !this.d.serviceUsers.includes(row.user)) {
                this.add(
                    "access-key-of-person",
                    id,
                    who,
                    `active access key(s) ${keys.map((k) => k.n).join(", ")}`,
                    "people use roles with MFA, never access keys (policy pack: iam-no-user-access-keys)",
                    `aws iam delete-access-key --user-name ${row.user} --access-key-id <id> (aws iam list-access-keys --user-name ${row.user} names them).`,
                );
            }
            if (keys.length === 2) {
                this.add(
                    "two-active-keys",
                    id,
                    who,
                    "two active access keys",
                    "at most one active key (two only while rotating)",
                    `Deactivate the older key: aws iam update-access-key --user-name ${row.user} --access-key-id <id> --status Inactive.`,
                );
            }
            for (const k of keys) {
                const age = this.daysSince(reportDate(k.rotated));
                if (age !== undefined && age > o.keyMaxAgeDays) {
                    this.add(
                        "old-access-key",
                        id,
                        `${who} key ${k.n}`,
                        `last rotated ${age} days ago`,
                        `rotated within ${o.keyMaxAgeDays} days`,
                        `Rotate or delete it (aws iam create-access-key, then delete-access-key for user ${row.user}).`,
                    );
                }
                const lastUsed = reportDate(k.used);
                const idle = this.daysSince(lastUsed ?? reportDate(k.rotated));
                if (idle !== undefined && idle > o.keyUnusedDays) {
                    this.add(
                        "unused-access-key",
                        id,
                        `${who} key ${k.n}`,
                        lastUsed ? `last used ${idle} days ago` : `never used in ${idle} days`,
                        `used within ${o.keyUnusedDays} days`,
                        `aws iam delete-access-key --user-name ${row.user} --access-key-id <id>`,
                    );
                }
            }
        }
    }

    // --- cost ----------------------------------------------------------------------------------

    private instances(id: string, a: AccountSnapshot): void {
        const plan = this.d.plan;
        const key = this.keyOf(id);
        const account = plan.accounts.find((x) => x.key === key);
        const productionValues = new Set([...plan.environments.filter((e) => e.production).map((e) => e.name), plan.productionTagValue]);
        // Where several environments share the account (single-account, hybrid's shared account), the tag decides.
        const sharedAccount = account ? account.environments.length > 1 : key === DEPLOYMENT_ACCOUNT && plan.layout === "single-account";
        const isProduction = (tags: { Key?: string; Value?: string }[] | undefined) => {
            if (sharedAccount) return productionValues.has(tags?.find((t) => t.Key === plan.environmentTagKey)?.Value ?? "");
            return account?.environmentClass === "production";
        };
        const allowed = this.d.nonProductionInstanceTypes;
        const maxRank = sizeRank(this.o.maxInstanceSize);
        for (const [region, r] of Object.entries(a.instances)) {
            const counts = new Map<string, number>();
            for (const res of r.Reservations ?? []) {
                for (const i of res.Instances ?? []) {
                    if (i.State?.Name !== "running" || !i.InstanceType || isProduction(i.Tags)) continue;
                    counts.set(i.InstanceType, (counts.get(i.InstanceType) ?? 0) + 1);
                }
            }
            for (const [type, n] of [...counts].sort()) {
                const found = `${n} running ${type} in ${region}`;
                if (!allowed.some((p) => globMatch(p, type))) {
                    this.add(
                        "instance-type-not-allowed",
                        id,
                        `${type} in ${region}`,
                        found,
                        `non-production types: ${allowed.join(", ")} (landing-zone:guardrails.nonProductionInstanceTypes)`,
                        `Stop or terminate them (aws ec2 describe-instances --region ${region} --filters Name=instance-type,Values=${type}); check the instance-type-allow-list SCP is attached above this account and find who launched them (CloudTrail RunInstances).`,
                    );
                } else if (sizeRank(type.split(".")[1] ?? "") > maxRank) {
                    this.add(
                        "instance-too-large",
                        id,
                        `${type} in ${region}`,
                        found,
                        `non-production instances up to ${this.o.maxInstanceSize}`,
                        `Right-size or stop them (aws ec2 describe-instances --region ${region} --filters Name=instance-type,Values=${type}), or narrow landing-zone:guardrails.nonProductionInstanceTypes.`,
                    );
                }
            }
        }
    }

    private budgets(): void {
        const budgets = this.s.accounts[this.mgmtId]?.budgets?.Budgets;
        if (!budgets) return;
        for (const b of this.d.guardrails.budgets) {
            if (!budgets.some((x) => x.BudgetName === b.name)) {
                this.add(
                    "budget-missing",
                    this.mgmtId,
                    `budget ${b.name}`,
                    "no such budget",
                    `landing-zone:budgets (${b.environment}: ${b.amount} ${b.currency} a month)`,
                    "pulumi up creates it; check CloudTrail (DeleteBudget) for who removed it.",
                );
            }
        }
        const covered = new Set(budgets.flatMap(linkedAccounts));
        const unfiltered = budgets.some((b) => linkedAccounts(b).length === 0);
        const single = this.d.plan.layout === "single-account";
        const candidates = single ? [this.mgmtId] : [...this.accounts.values()].filter((a) => a.id !== this.mgmtId && (a.status ?? "ACTIVE") === "ACTIVE").map((a) => a.id);
        for (const id of candidates) {
            if (covered.has(id) || (single && unfiltered)) continue;
            const key = this.keyOf(id);
            this.add(
                "account-without-budget",
                id,
                `account ${this.accounts.get(id)?.name ?? id}`,
                "no budget in the management account filters on this account",
                "every account under a budget",
                key && key !== DEPLOYMENT_ACCOUNT
                    ? `Declare landing-zone:budgets (accountMonthlyLimits.${key} if it hosts no environment) and pulumi up.`
                    : "Declare the account in config with a budget, or create one filtered on it (aws budgets create-budget).",
            );
        }
    }
}

// --- small pure helpers --------------------------------------------------------------------------

function activeKeys(row: CredentialReportRow | undefined): { n: 1 | 2; rotated: string; used: string }[] {
    if (!row) return [];
    const out: { n: 1 | 2; rotated: string; used: string }[] = [];
    if (row.access_key_1_active === "true") out.push({ n: 1, rotated: row.access_key_1_last_rotated, used: row.access_key_1_last_used_date });
    if (row.access_key_2_active === "true") out.push({ n: 2, rotated: row.access_key_2_last_rotated, used: row.access_key_2_last_used_date });
    return out;
}

function lastActivity(row: CredentialReportRow | undefined): string {
    if (!row) return "unknown (no credential report)";
    const dates = [row.password_last_used, row.access_key_1_last_used_date, row.access_key_2_last_used_date].map(reportDate).filter((d): d is Date => !!d);
    if (!dates.length) return "never";
    return new Date(Math.max(...dates.map((d) => d.getTime()))).toISOString().slice(0, 10);
}

function setDiff(declared: string[], live: string[]): string[] {
    return [...declared.filter((x) => !live.includes(x)).map((x) => `- attached ${x}`), ...live.filter((x) => !declared.includes(x)).map((x) => `+ attached ${x}`)];
}

function isAdmin(attached: { PolicyArn?: string }[] | undefined, inline: { PolicyDocument?: string }[] | undefined, defaultDoc: (arn: string) => string | undefined, partition: string): boolean {
    for (const p of attached ?? []) {
        const arn = p.PolicyArn ?? "";
        if (ADMIN_MANAGED_POLICIES.some((n) => arn === `arn:${partition}:iam::aws:policy/${n}`)) return true;
        const doc = defaultDoc(arn);
        if (doc !== undefined && grantsEverything(doc)) return true;
    }
    return (inline ?? []).some((p) => grantsEverything(p.PolicyDocument));
}

/** Account IDs a budget filters on (CostFilters, or a FilterExpression's LINKED_ACCOUNT dimension). */
function linkedAccounts(b: Json<Budget>): string[] {
    const out = [...(b.CostFilters?.LinkedAccount ?? [])];
    const walk = (e: Json<Expression> | undefined) => {
        if (!e) return;
        if (e.Dimensions?.Key === "LINKED_ACCOUNT") out.push(...(e.Dimensions.Values ?? []));
        e.And?.forEach(walk);
        e.Or?.forEach(walk);
    };
    walk(b.FilterExpression);
    return out;
}

/** `*` matches any run of characters, as in the SCP's StringLike. */
export function globMatch(pattern: string, value: string): boolean {
    const re = new RegExp(
        `^${pattern
            .split("*")
            .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*")}$`,
    );
    return re.test(value);
}

/** Order of EC2 sizes: nano < micro < small < medium < large < xlarge < 2xlarge < ... < metal. */
export function sizeRank(size: string): number {
    const named = ["nano", "micro", "small", "medium", "large", "xlarge"].indexOf(size);
    if (named >= 0) return named;
    const m = /^(\d+)xlarge$/.exec(size);
    if (m) return 4 + Number(m[1]);
    if (size.startsWith("metal")) return 10_000;
    return -1;
}

export { parseDocument };
