/**
 * Access plan: who may do what where, as plain data. Pure: no Pulumi import, no I/O.
 *
 * One rule decides how a team reaches an environment in an account:
 * - the account is the identity account (where the IAM users live) and holds several
 *   environments separated by tags: the team's IAM group carries tag-scoped (ABAC) policies;
 * - otherwise: a role per environment and level (`/landing-zone/lz-<env>-<level>`) in each
 *   account hosting the environment, trusted by the identity account with MFA; the team's group
 *   may only assume those roles. A role in a shared account carries the ABAC policies, a role in
 *   a dedicated account an AWS managed job policy.
 */
import { LANDING_ZONE_ADMIN_TAG } from "./tags";
import {
    AccessLevel,
    effectiveTeams,
    levelOf,
    PasswordPolicyConfig,
    RESERVED_GROUP_KEYS,
    serviceRoleName,
    TeamConfig,
} from "./config";
import {
    abacPolicy,
    acceptedUntaggedPolicy,
    accountPlaceholder,
    assumeRolesPolicy,
    awsManagedPolicyArn,
    boundaryName,
    dedicatedAccountBoundary,
    environmentRoleName,
    forceMfaPolicy,
    iamDelegationPolicy,
    identityAccountTrust,
    listOnlyPolicy,
    LZ_PATH,
    mfaEnrolmentPolicy,
    MANAGEMENT_ACCOUNT,
    organizationAdminPolicy,
    organizationAdminTrust,
    PolicyDocument,
    RoleLevel,
    serviceRolePath,
    serviceTrust,
} from "./policies";
import { usesIamUsers, usesIdentityCenter } from "../identity/config";
import type { LandingZonePlan } from "../plan";
import { DEPLOYMENT_ACCOUNT } from "../plan";

export type AccessMatrix = Record<string, Record<string, AccessLevel>>;

export interface ManagedPolicyPlan {
    /** Unique: `<account>/<name>`. */
    key: string;
    /** Account key (`management` = the account Pulumi deploys to). */
    account: string;
    name: string;
    path: string;
    description: string;
    document: PolicyDocument;
    tags: Record<string, string>;
}

export interface GroupPlan {
    /** Stable key: the team key, `all-users` or `org-admins`. */
    key: string;
    account: string;
    name: string;
    path: string;
    /** Keys of ManagedPolicyPlans in the same account. */
    policyKeys: string[];
}

export interface RolePlan {
    /** Unique: `<account>/<name>`. */
    key: string;
    account: string;
    name: string;
    path: string;
    description: string;
    trust: PolicyDocument;
    /** AWS managed policy ARNs (partition placeholder). */
    managedPolicyArns: string[];
    /** Keys of ManagedPolicyPlans in the same account. */
    policyKeys: string[];
    /** Key of the ManagedPolicyPlan used as permissions boundary. */
    boundaryKey?: string;
    tags: Record<string, string>;
    maxSessionDuration: number;
}

export interface UserPlan {
    name: string;
    account: string;
    /** Group keys, in config order. */
    groupKeys: string[];
    tags: Record<string, string>;
}

export interface AccessPlan {
    matrix: AccessMatrix;
    identityAccount: string;
    policies: ManagedPolicyPlan[];
    groups: GroupPlan[];
    roles: RolePlan[];
    users: UserPlan[];
    passwordPolicy: PasswordPolicyConfig & { account: string };
}

export const [ALL_USERS_GROUP, ORG_ADMINS_GROUP, MFA_ENROLMENT_GROUP] = RESERVED_GROUP_KEYS;
export const groupName = (key: string) => `lz-${key}`;
export const ORGANIZATION_ADMIN_ROLE = "lz-organization-admin";

/** The account ID a trust policy names for an account key (placeholders, filled at deploy). */
function accountRef(key: string): string {
    return key === DEPLOYMENT_ACCOUNT ? MANAGEMENT_ACCOUNT : accountPlaceholder(key);
}

export function accessMatrix(plan: LandingZonePlan): AccessMatrix {
    const teams = effectiveTeams(plan.config);
    const out: AccessMatrix = {};
    for (const key of Object.keys(teams).sort()) {
        out[key] = Object.fromEntries(plan.environments.map((e) => [e.name, levelOf(teams[key], e.name)]));
    }
    return out;
}

export function planAccess(plan: LandingZonePlan): AccessPlan {
    const cfg = plan.config;
    const teams = effectiveTeams(cfg);
    const teamKeys = Object.keys(teams).sort();
    const matrix = accessMatrix(plan);
    const identity = plan.identityAccount;
    const tagKey = plan.environmentTagKey;
    const abacOpts = {
        environmentTagKey: tagKey,
        allowedTagKeys: [...Object.keys(plan.commonTags), ...cfg.allowedTagKeys].filter((k, i, a) => a.indexOf(k) === i),
    };
    const hostsSeveral = (account: string) =>
        account === DEPLOYMENT_ACCOUNT
            ? plan.layout === "single-account" && plan.environments.length > 1
            : (plan.accounts.find((a) => a.key === account)?.environments.length ?? 0) > 1;

    const policies = new Map<string, ManagedPolicyPlan>();
    const roles = new Map<string, RolePlan>();
    const envTags = (env: string) => ({ ...plan.commonTags, [tagKey]: env });

    /** Registers a managed policy once per account and name; returns its key. */
    const policy = (account: string, name: string, description: string, document: PolicyDocument, tags: Record<string, string>): string => {
        const key = `${account}/${name}`;
        if (!policies.has(key)) policies.set(key, { key, account, name, path: LZ_PATH, description, document, tags });
        return key;
    };
    const adminTags = (tags: Record<string, string>) => ({ ...tags, [LANDING_ZONE_ADMIN_TAG.key]: LANDING_ZONE_ADMIN_TAG.value });

    const abac = (account: string, env: string, level: "read" | "write" | "admin") =>
        policy(account, `lz-${env}-${level}`, `${level} access to resources tagged ${tagKey}=${env}`, abacPolicy(env, level, abacOpts),
            level === "admin" ? adminTags(envTags(env)) : envTags(env));
    const listOnly = (account: string) =>
        policy(account, "lz-list-describe", "List and describe actions that accept only Resource *", listOnlyPolicy(), plan.commonTags);
    const accepted = (account: string) =>
        cfg.acceptedUntaggedActions.length === 0
            ? []
            : [policy(account, "lz-accepted-untagged", "Actions without tag conditions, accepted unscoped by config (acceptedUntaggedActions)",
                acceptedUntaggedPolicy(cfg.acceptedUntaggedActions), plan.commonTags)];
    // A dedicated account's boundary is an Allow-all ceiling cut down by denies. It grants nothing
    // by itself (it is only ever a boundary), and the policy pack judges it as such, so it carries
    // no admin mark.
    const boundary = (account: string, env: string) =>
        policy(account, boundaryName(env), `Permissions boundary of write and delegated roles in ${env}`,
            hostsSeveral(account) ? abacPolicy(env, "write", abacOpts) : dedicatedAccountBoundary(env), envTags(env));
    const delegation = (account: string, env: string) =>
        policy(account, `lz-${env}-iam-delegation`, `Create roles and policies under /workloads/${env}/ with the ${env} boundary`,
            iamDelegationPolicy(env), envTags(env));

    const identityTrust = identityAccountTrust(accountRef(identity), cfg.mfaMaxAgeSeconds);

    /** The environment role of a level in an account; created once, shared by every team needing it. */
    const environmentRole = (account: string, env: string, level: AccessLevel, iamAdmin: boolean): string => {
        const rl: RoleLevel = level === "write" && iamAdmin ? "write-iam" : (level as RoleLevel);
        const name = environmentRoleName(env, rl);
        const key = `${account}/${name}`;
        if (roles.has(key)) return name;
        const shared = hostsSeveral(account);
        const r: RolePlan = {
            key,
            account,
            name,
            path: LZ_PATH,
            description: `${rl} access to ${env}${shared ? ` (resources tagged ${tagKey}=${env})` : ""}; people from the identity account with MFA`,
            trust: identityTrust,
            managedPolicyArns: [],
            policyKeys: [],
            tags: level === "admin" ? adminTags(envTags(env)) : envTags(env),
            maxSessionDuration: 3600,
        };
        if (shared) {
            r.policyKeys.push(abac(account, env, level as "read" | "write" | "admin"), listOnly(account));
            // No boundary here: the role's own documents are already scoped to the environment's
            // tag, and a write-iam role needs IAM actions that the tag-scoped boundary leaves out.
            if (level !== "read") r.policyKeys.push(...accepted(account));
            if (rl === "write-iam") boundary(account, env); // the boundary its delegated roles must carry
        } else if (level === "read") {
            r.managedPolicyArns.push(awsManagedPolicyArn("ReadOnlyAccess"));
        } else if (level === "write") {
            r.managedPolicyArns.push(awsManagedPolicyArn("PowerUserAccess"));
            r.boundaryKey = boundary(account, env);
        } else {
            r.managedPolicyArns.push(awsManagedPolicyArn("AdministratorAccess"));
        }
        if (rl === "write-iam") r.policyKeys.push(delegation(account, env));
        roles.set(key, r);
        return name;
    };

    // The IAM-user model (groups, environment roles, users) only where people are IAM users;
    // with Identity Center, permission sets take the place of groups and roles (../identity).
    const iamUsers = usesIamUsers(cfg.identity.source);
    const identityCenter = usesIdentityCenter(cfg.identity.source);

    // Teams.
    const groups: GroupPlan[] = [];
    for (const teamKey of teamKeys) {
        const team: TeamConfig = teams[teamKey];
        const direct: string[] = [];
        const assumable = new Set<string>();
        for (const env of plan.environments) {
            const level = levelOf(team, env.name);
            if (level === "none") continue;
            const iamAdmin = team.iamAdmin.includes(env.name) && !env.production;
            for (const account of env.accounts) {
                // Permission sets (../identity) name these policies: they must exist in every account the sets are assigned in.
                if (identityCenter) {
                    if (hostsSeveral(account)) listOnly(account);
                    if (level === "write" && (iamAdmin || !hostsSeveral(account))) boundary(account, env.name);
                }
                if (!iamUsers) continue;
                if (account === identity && hostsSeveral(account)) {
                    direct.push(abac(account, env.name, level), listOnly(account));
                    if (level !== "read") direct.push(...accepted(account));
                    if (iamAdmin) {
                        boundary(account, env.name);
                        direct.push(delegation(account, env.name));
                    }
                } else {
                    assumable.add(environmentRole(account, env.name, level, iamAdmin));
                }
            }
        }
        if (!iamUsers) continue;
        // People in a member identity account reach organization administration through the role.
        if (plan.organization && identity !== DEPLOYMENT_ACCOUNT && team.organizationAdmin) assumable.add(ORGANIZATION_ADMIN_ROLE);
        if (assumable.size > 0) {
            direct.push(policy(identity, `lz-team-${teamKey}-assume`, `Roles team ${teamKey} may assume`, assumeRolesPolicy([...assumable]), plan.commonTags));
        }
        groups.push({ key: teamKey, account: identity, name: groupName(teamKey), path: LZ_PATH, policyKeys: [...new Set(direct)] });
    }

    if (iamUsers) {
        groups.push({
            key: ALL_USERS_GROUP,
            account: identity,
            name: groupName(ALL_USERS_GROUP),
            path: LZ_PATH,
            policyKeys: [
                policy(identity, "lz-force-mfa", "Self-service password and MFA; nothing else without MFA", forceMfaPolicy(cfg.mfaEnrolment === "self-service"), plan.commonTags),
            ],
        });
        if (cfg.mfaEnrolment === "enrolment-group") {
            groups.push({
                key: MFA_ENROLMENT_GROUP,
                account: identity,
                name: groupName(MFA_ENROLMENT_GROUP),
                path: LZ_PATH,
                policyKeys: [policy(identity, "lz-mfa-enrolment", "Enrol one's own MFA device (members only until enrolled)", mfaEnrolmentPolicy(), plan.commonTags)],
            });
        }
    }

    // Organization administration: a group in the management account, and a role there for
    // administrators coming from member accounts.
    if (plan.organization && iamUsers) {
        const orgPolicy = policy(DEPLOYMENT_ACCOUNT, "lz-organization-admin", "Administer AWS Organizations", organizationAdminPolicy(cfg.mfaMaxAgeSeconds), adminTags(plan.commonTags));
        groups.push({ key: ORG_ADMINS_GROUP, account: DEPLOYMENT_ACCOUNT, name: groupName(ORG_ADMINS_GROUP), path: LZ_PATH, policyKeys: [orgPolicy] });
        // Admin roles of member accounts (in accounts of their own) whose every admin team is an organization admin.
        const adminRoles = plan.environments
            .filter((e) => e.accounts.some((a) => a !== DEPLOYMENT_ACCOUNT && !hostsSeveral(a)))
            .filter((e) => {
                const admins = teamKeys.filter((t) => levelOf(teams[t], e.name) === "admin");
                return admins.length > 0 && admins.every((t) => teams[t].organizationAdmin);
            })
            .map((e) => environmentRoleName(e.name, "admin"));
        const trust = organizationAdminTrust(cfg.mfaMaxAgeSeconds, adminRoles, identity === DEPLOYMENT_ACCOUNT ? undefined : accountRef(identity));
        if (trust) {
            roles.set(`${DEPLOYMENT_ACCOUNT}/${ORGANIZATION_ADMIN_ROLE}`, {
                key: `${DEPLOYMENT_ACCOUNT}/${ORGANIZATION_ADMIN_ROLE}`,
                account: DEPLOYMENT_ACCOUNT,
                name: ORGANIZATION_ADMIN_ROLE,
                path: LZ_PATH,
                description: "Organization administration for admin roles of member accounts, with MFA",
                trust,
                managedPolicyArns: [],
                policyKeys: [orgPolicy],
                tags: adminTags(plan.commonTags),
                maxSessionDuration: 3600,
            });
        }
    }

    // Workload roles: assumed by AWS services, in every account hosting the environment.
    for (const key of Object.keys(cfg.serviceRoles).sort()) {
        const s = cfg.serviceRoles[key];
        const env = plan.environments.find((e) => e.name === s.environment)!;
        for (const account of env.accounts) {
            const name = serviceRoleName(key, env.name);
            roles.set(`${account}/${name}`, {
                key: `${account}/${name}`,
                account,
                name,
                path: serviceRolePath(env.name),
                description: s.description ?? `Workload role of ${env.name} assumed by ${s.service}`,
                trust: serviceTrust(s.service),
                managedPolicyArns: [...s.managedPolicyArns],
                policyKeys: [],
                // In a shared account the workload stays inside its environment's tags.
                boundaryKey: hostsSeveral(account) ? boundary(account, env.name) : undefined,
                tags: envTags(env.name),
                maxSessionDuration: 3600,
            });
        }
    }

    const orgAdminTeams = new Set(teamKeys.filter((t) => teams[t].organizationAdmin));
    const users: UserPlan[] = Object.keys(cfg.users)
        .sort()
        .map((name) => {
            const teamsOf = [...new Set(cfg.users[name].teams)];
            const groupKeys = [...teamsOf, ALL_USERS_GROUP];
            if (plan.organization && identity === DEPLOYMENT_ACCOUNT && teamsOf.some((t) => orgAdminTeams.has(t))) groupKeys.push(ORG_ADMINS_GROUP);
            if (cfg.users[name].enrolMfa) groupKeys.push(MFA_ENROLMENT_GROUP);
            return { name, account: identity, groupKeys, tags: { ...plan.commonTags } };
        });

    return {
        matrix,
        identityAccount: identity,
        policies: [...policies.values()].sort((a, b) => a.key.localeCompare(b.key)),
        groups,
        roles: [...roles.values()].sort((a, b) => a.key.localeCompare(b.key)),
        users,
        passwordPolicy: { ...cfg.passwordPolicy, account: identity },
    };
}
