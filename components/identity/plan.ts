/**
 * The identity plan: which permission sets, identity store groups, users and account assignments
 * IAM Identity Center gets, from the validated landing-zone plan. Plain data out, no Pulumi.
 *
 * The model is the access model's (teams x environments x levels, ../access): a team's level in
 * an environment becomes an assignment of the permission set `lz-<env>-<level>` to the team's
 * group in every account hosting the environment, `lz-<env>-write-iam` with delegated IAM
 * administration, and organization administrators get `lz-organization-admin` in the management
 * account. What each permission set holds is in ./policies.ts.
 *
 * Order: assignments are provisioned one account at a time at most (Identity Center updates one
 * permission-set role per account at a time, and many concurrent assignments fail with
 * ConflictException or ThrottlingException), so the assignments of one account form a chain.
 */
import { effectiveTeams, levelOf, type TeamConfig } from "../access/config";
import { abacOptions, groupName, ORGANIZATION_ADMIN_ROLE } from "../access/plan";
import { environmentRoleName, type PolicyDocument, type RoleLevel } from "../access/policies";
import { LANDING_ZONE_ADMIN_TAG } from "../access/tags";
import { DEPLOYMENT_ACCOUNT, type CorePlan } from "../organization/plan";
import { Broken } from "../parse";
import { didYouMean, problem, type Planned, type Problem } from "../problems";
import { DEFAULT_SESSION_DURATION, PERMISSION_SET_NAME_MAX, IDENTITY_CENTER_SERVICE_PRINCIPAL, type IdentitySource, usesIamUsers, usesIdentityCenter } from "./config";
import { INLINE_POLICY_MAX_NON_WHITESPACE, inlinePolicySize, organizationAdminPermissionSetPolicy, permissionSetDocuments, type PolicyReference } from "./policies";

export interface PermissionSetPlan {
    /** The permission set's name, shown in the access portal: `lz-<env>-<level>`, `lz-organization-admin`. */
    name: string;
    description: string;
    /** Undefined for organization administration. */
    environment?: string;
    level: RoleLevel | "organization-admin";
    sessionDuration: string;
    relayState?: string;
    /** AWS managed policy ARNs (partition placeholder). */
    managedPolicyArns: string[];
    customerManagedPolicies: PolicyReference[];
    inlinePolicy?: PolicyDocument;
    permissionsBoundary?: PolicyReference;
    tags: Record<string, string>;
    /**
     * The account whose provider manages it: the delegated administrator, or `management`. A
     * permission set assigned in the management account is always the management account's: AWS
     * refuses those from a delegated administrator.
     */
    managedBy: string;
}

export interface IdentityGroupPlan {
    team: string;
    /** `lz-<team>`: what the access portal and the console show. */
    displayName: string;
    description: string;
    /** Set: an existing directory group (SCIM) is used and nothing is created. */
    directoryGroupId?: string;
}

export interface IdentityUserPlan {
    userName: string;
    displayName: string;
    email: string;
    givenName?: string;
    familyName?: string;
}

export interface MembershipPlan {
    /** `<user>/<team>`. */
    key: string;
    userName: string;
    team: string;
}

export interface AssignmentPlan {
    /** `<team>/<permission set>/<account>`: stable, from config keys. */
    key: string;
    team: string;
    permissionSet: string;
    /** Account key (`management` = the account Pulumi deploys to). */
    account: string;
    /** The assignment created just before this one in the same account (one provisioning per account at a time). */
    after?: string;
    /** Keys (`<account>/<name>`) of the access plan's managed policies the permission set names: they must exist first. */
    requiresPolicies: string[];
}

export interface IdentityPlan {
    source: IdentitySource;
    /** Configured instance; what is absent is looked up (aws.ssoadmin.getInstances). */
    instanceArn?: string;
    identityStoreId?: string;
    /** Account key Identity Center's administration is delegated to. */
    delegatedAdministrator?: string;
    groups: IdentityGroupPlan[];
    users: IdentityUserPlan[];
    memberships: MembershipPlan[];
    /** Sorted by name. */
    permissionSets: PermissionSetPlan[];
    /** Sorted by account, then key. */
    assignments: AssignmentPlan[];
}

/**
 * Plans IAM Identity Center (undefined when people sign in as IAM users only) and checks the
 * section's rules. With a config that had problems (`broken`) it leaves references to broken
 * entries alone.
 */
export function planIdentity(plan: CorePlan, broken: Broken = new Broken()): Planned<IdentityPlan | undefined> {
    const cfg = plan.config;
    const problems = checkIdentity(plan, broken);
    const id = cfg.identity;
    if (!usesIdentityCenter(id.source) || problems.length > 0) return { plan: undefined, problems };

    const teams = effectiveTeams(cfg);
    const teamKeys = Object.keys(teams).sort();
    const tagKey = plan.environmentTagKey;
    const opts = abacOptions(plan);
    const delegated = id.delegatedAdministrator;
    const sessionDuration = id.sessionDuration ?? DEFAULT_SESSION_DURATION;
    const shared = (account: string) => (plan.accounts.find((a) => a.key === account)?.environments.length ?? 0) > 1;
    const adminTags = (tags: Record<string, string>) => ({ ...tags, [LANDING_ZONE_ADMIN_TAG.key]: LANDING_ZONE_ADMIN_TAG.value });

    const permissionSets = new Map<string, PermissionSetPlan>();
    const assignments: AssignmentPlan[] = [];

    for (const env of plan.environments) {
        const sharedAccounts = env.accounts.filter(shared);
        if (sharedAccounts.length > 0 && sharedAccounts.length < env.accounts.length) {
            // One permission set per environment and level serves every account hosting it.
            problems.push(
                problem(
                    ["accounts"],
                    env.accounts.join(", "),
                    `host environment '${env.name}' both shared with other environments and alone; with IAM Identity Center every account hosting an environment must be of one kind`,
                ),
            );
            continue;
        }
        const isShared = sharedAccounts.length > 0;
        for (const teamKey of teamKeys) {
            const level = permissionSetLevel(teams[teamKey], env);
            if (!level) continue;
            const name = environmentRoleName(env.name, level);
            if (!permissionSets.has(name)) {
                const docs = permissionSetDocuments(env.name, level, isShared, opts, cfg.acceptedUntaggedActions);
                const tags = { ...plan.commonTags, [tagKey]: env.name };
                permissionSets.set(name, {
                    name,
                    description: `${level} access to ${env.name}${isShared ? ` (resources tagged ${tagKey}=${env.name})` : ""}`,
                    environment: env.name,
                    level,
                    sessionDuration,
                    relayState: id.relayState,
                    ...docs,
                    tags: level === "admin" ? adminTags(tags) : tags,
                    managedBy: delegated ?? DEPLOYMENT_ACCOUNT,
                });
            }
            const ps = permissionSets.get(name)!;
            for (const account of env.accounts) {
                const requiresPolicies = [...ps.customerManagedPolicies, ...(ps.permissionsBoundary ? [ps.permissionsBoundary] : [])].map((p) => `${account}/${p.name}`);
                assignments.push({ key: `${teamKey}/${name}/${account}`, team: teamKey, permissionSet: name, account, requiresPolicies });
            }
        }
    }

    // Organization administration: in the management account, always managed from the management
    // account (a delegated administrator cannot manage the management account's access).
    const orgAdmins = teamKeys.filter((t) => teams[t].organizationAdmin);
    if (plan.organization && orgAdmins.length > 0) {
        permissionSets.set(ORGANIZATION_ADMIN_ROLE, {
            name: ORGANIZATION_ADMIN_ROLE,
            description: "Administer AWS Organizations (break-glass actions excepted)",
            level: "organization-admin",
            sessionDuration,
            relayState: id.relayState,
            managedPolicyArns: [],
            customerManagedPolicies: [],
            inlinePolicy: organizationAdminPermissionSetPolicy(),
            tags: adminTags(plan.commonTags),
            managedBy: DEPLOYMENT_ACCOUNT,
        });
        for (const t of orgAdmins) {
            assignments.push({ key: `${t}/${ORGANIZATION_ADMIN_ROLE}/${DEPLOYMENT_ACCOUNT}`, team: t, permissionSet: ORGANIZATION_ADMIN_ROLE, account: DEPLOYMENT_ACCOUNT, requiresPolicies: [] });
        }
    }

    // One chain per account, in key order.
    assignments.sort((x, y) => x.account.localeCompare(y.account) || x.key.localeCompare(y.key));
    assignments.forEach((a, i) => {
        const prev = assignments[i - 1];
        if (prev && prev.account === a.account) a.after = prev.key;
    });

    const groups: IdentityGroupPlan[] = teamKeys.map((t) => groupOf(t, teams[t]));
    const directoryUsers = Object.keys(id.users).sort();
    const users: IdentityUserPlan[] = directoryUsers.map((userName) => {
        const u = id.users[userName];
        return { userName, displayName: u.displayName, email: u.email, givenName: u.givenName, familyName: u.familyName };
    });
    const memberships: MembershipPlan[] = directoryUsers.flatMap((userName) => [...new Set(id.users[userName].teams)].sort().map((team) => ({ key: `${userName}/${team}`, userName, team })));

    if (problems.length > 0) return { plan: undefined, problems };
    return {
        plan: {
            source: id.source,
            instanceArn: id.instanceArn,
            identityStoreId: id.identityStoreId,
            delegatedAdministrator: delegated,
            groups,
            users,
            memberships,
            permissionSets: [...permissionSets.values()].sort((a, b) => a.name.localeCompare(b.name)),
            assignments,
        },
        problems,
    };
}

/** The permission set level of a team in an environment (`write-iam` with delegated IAM administration), or undefined. */
export function permissionSetLevel(team: TeamConfig, env: { name: string; production: boolean }): RoleLevel | undefined {
    const level = levelOf(team, env.name);
    if (level === "none") return undefined;
    return level === "write" && team.iamAdmin.includes(env.name) && !env.production ? "write-iam" : level;
}

/** Every rule of the identity section that involves other keys. Empty when the config is sound. */
function checkIdentity(core: CorePlan, broken: Broken): Problem[] {
    const cfg = core.config;
    const out: Problem[] = [];
    const report = (path: (string | number)[], value: unknown, message: string) => out.push(problem(path, value, message));
    const id = cfg.identity;
    const center = usesIdentityCenter(id.source);
    const teams = effectiveTeams(cfg);
    const teamKeys = Object.keys(teams);

    if (!center) {
        const unused = (["instanceArn", "identityStoreId", "sessionDuration", "relayState", "delegatedAdministrator"] as const).filter((k) => id[k] !== undefined);
        for (const k of unused) report(["identity", k], id[k], "has no effect unless identity.source is identity-center or iam-users+identity-center");
        if (Object.keys(id.users).length > 0) {
            report(
                ["identity", "users"],
                Object.keys(id.users).join(", "),
                "are IAM Identity Center users: set identity.source to identity-center or iam-users+identity-center, or declare IAM users under users",
            );
        }
        for (const [key, team] of Object.entries(cfg.teams ?? {})) {
            if (team.directoryGroupId !== undefined) {
                report(["teams", key, "directoryGroupId"], team.directoryGroupId, "names an IAM Identity Center group: set identity.source to identity-center or iam-users+identity-center");
            }
        }
        return out;
    }

    if (cfg.layout === "single-account") {
        // The capability table of "Organization and account instances of IAM Identity Center":
        // only an organization instance offers multi-account permissions and account access in the portal.
        report(
            ["identity", "source"],
            id.source,
            "needs an organization instance of IAM Identity Center, which needs AWS Organizations (layout multi-account or hybrid): an account instance, the only kind a single account without an organization can have, supports neither permission sets nor account assignments; keep iam-users for the single-account layout",
        );
        return out;
    }
    if (!usesIamUsers(id.source) && Object.keys(cfg.users).length > 0) {
        report(
            ["users"],
            Object.keys(cfg.users).join(", "),
            "are IAM users, but identity.source is identity-center: move these people to identity.users (or your directory) and remove them here, or use iam-users+identity-center while they migrate",
        );
    }
    const principals = cfg.organization?.awsServiceAccessPrincipals;
    if (principals && !principals.includes(IDENTITY_CENTER_SERVICE_PRINCIPAL)) {
        report(
            ["organization", "awsServiceAccessPrincipals"],
            principals,
            `must include ${IDENTITY_CENTER_SERVICE_PRINCIPAL}: IAM Identity Center needs trusted access to the organization (without it the organization resource would switch it off)`,
        );
    }
    if (id.delegatedAdministrator !== undefined && !cfg.accounts[id.delegatedAdministrator] && !broken.hides("accounts", id.delegatedAdministrator)) {
        report(
            ["identity", "delegatedAdministrator"],
            id.delegatedAdministrator,
            `must be the key of a declared member account${didYouMean(id.delegatedAdministrator, Object.keys(cfg.accounts))} (${Object.keys(cfg.accounts).join(", ")}); the management account administers Identity Center without delegation`,
        );
    }

    // Directory groups (SCIM): one team per group.
    const byGroup = new Map<string, string>();
    for (const [key, team] of Object.entries(cfg.teams ?? {})) {
        const g = team.directoryGroupId;
        if (g === undefined) continue;
        if (byGroup.has(g.toLowerCase())) {
            report(["teams", key, "directoryGroupId"], g, `is also the directory group of team '${byGroup.get(g.toLowerCase())}'; each team needs a group of its own`);
        } else byGroup.set(g.toLowerCase(), key);
    }

    // People of the Identity Center directory.
    const lowerNames = new Map<string, string>();
    for (const [name, user] of Object.entries(id.users)) {
        const other = lowerNames.get(name.toLowerCase());
        if (other) report(["identity", "users", name], name, `differs from user '${other}' only in case; Identity Center user names are case-insensitive`);
        else lowerNames.set(name.toLowerCase(), name);
        if ((user.givenName === undefined) !== (user.familyName === undefined)) {
            report(
                ["identity", "users", name, user.givenName === undefined ? "givenName" : "familyName"],
                undefined,
                "must be set together with the other name (givenName and familyName), or neither",
            );
        }
        user.teams.forEach((t, i) => {
            const team = teams[t];
            if (!team) {
                if (!broken.hides("teams", t)) report(["identity", "users", name, "teams", i], t, `is not a known team${didYouMean(t, teamKeys)}; teams: ${teamKeys.join(", ") || "(none)"}`);
            } else if (user.teams.indexOf(t) !== i) {
                report(["identity", "users", name, "teams", i], t, "is listed twice");
            } else if (team.directoryGroupId !== undefined) {
                report(
                    ["identity", "users", name, "teams", i],
                    t,
                    `is the directory group ${team.directoryGroupId} (teams.${t}.directoryGroupId): its members come from your directory through SCIM; add the person there instead`,
                );
            }
        });
    }

    // Permission set names and inline policies, for the levels the teams use.
    const shared = new Set(
        Object.values(cfg.accounts)
            .filter((a) => a.environments.length > 1)
            .flatMap((a) => a.environments),
    );
    const opts = abacOptions(core);
    cfg.environments.forEach((env, i) => {
        const levels = new Set(
            Object.values(teams)
                .map((t) => permissionSetLevel(t, env))
                .filter((l): l is RoleLevel => l !== undefined),
        );
        for (const level of [...levels].sort()) {
            const name = environmentRoleName(env.name, level);
            if (name.length > PERMISSION_SET_NAME_MAX) {
                report(
                    ["environments", i, "name"],
                    env.name,
                    `gives the permission set name '${name}' (${name.length} characters); IAM Identity Center allows ${PERMISSION_SET_NAME_MAX}: shorten the environment name to ${env.name.length - (name.length - PERMISSION_SET_NAME_MAX)} characters`,
                );
            }
            const inline = permissionSetDocuments(env.name, level, shared.has(env.name), opts, cfg.acceptedUntaggedActions).inlinePolicy;
            const size = inline ? inlinePolicySize(inline) : 0;
            if (size > INLINE_POLICY_MAX_NON_WHITESPACE) {
                const key = level !== "read" && cfg.acceptedUntaggedActions.length > 0 ? "acceptedUntaggedActions" : "allowedTagKeys";
                report(
                    [key],
                    cfg[key],
                    `make the inline policy of permission set '${name}' ${size} characters long; IAM Identity Center allows ${INLINE_POLICY_MAX_NON_WHITESPACE} (without whitespace): accept fewer untagged actions or allow fewer tag keys`,
                );
            }
        }
    });
    return out;
}

function groupOf(team: string, t: TeamConfig): IdentityGroupPlan {
    return {
        team,
        displayName: groupName(team),
        description: t.description ?? `Landing zone team ${team}`,
        directoryGroupId: t.directoryGroupId,
    };
}

/**
 * The instance to use: the configured ARN and store ID, what is missing taken from the lookup
 * (aws.ssoadmin.getInstances, which lists the organization's instance). Throws when Identity
 * Center has never been enabled: no resource can enable it.
 */
export function chooseInstance(
    configured: { instanceArn?: string; identityStoreId?: string },
    lookup: { arns: string[]; identityStoreIds: string[] } | undefined,
    region: string,
): { instanceArn: string; identityStoreId: string } {
    if (configured.instanceArn && configured.identityStoreId) return { instanceArn: configured.instanceArn, identityStoreId: configured.identityStoreId };
    const arns = lookup?.arns ?? [];
    if (arns.length === 0) {
        throw new Error(
            `IAM Identity Center is not enabled in ${region} of this organization's management account (aws.ssoadmin.getInstances found no instance). ` +
                "Enable it once in the IAM Identity Center console (an organization instance, in the management account), then run again; " +
                "or set landing-zone:identity.instanceArn and landing-zone:identity.identityStoreId.",
        );
    }
    const index = configured.instanceArn ? arns.indexOf(configured.instanceArn) : 0;
    if (index < 0) {
        throw new Error(`landing-zone:identity.instanceArn ${configured.instanceArn} is not an IAM Identity Center instance of this account (aws.ssoadmin.getInstances lists ${arns.join(", ")})`);
    }
    return {
        instanceArn: configured.instanceArn ?? arns[0],
        identityStoreId: configured.identityStoreId ?? lookup!.identityStoreIds[index],
    };
}
