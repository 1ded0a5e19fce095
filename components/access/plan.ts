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
import { sortedSet, tagLimitProblems } from "../fields";
import { DEPLOYMENT_ACCOUNT, type CorePlan } from "../organization/plan";
import { usesIamUsers, usesIdentityCenter } from "../identity/config";
import { Broken } from "../parse";
import { didYouMean, problem, type Planned, type Problem } from "../problems";
import { UNTAGGABLE_ACTIONS } from "./catalogue.generated";
import {
    effectiveTeams,
    iamUserName,
    LEVEL_RANK,
    levelOf,
    MAX_GROUPS_PER_USER,
    MAX_MANAGED_POLICIES_PER_GROUP,
    MAX_MANAGED_POLICY_SIZE,
    PASSWORD_MIN_LENGTH_FLOOR,
    RESERVED_GROUP_KEYS,
    serviceRoleName,
    type AccessLevel,
    type PasswordPolicyConfig,
    type TeamConfig,
} from "./config";
import { LANDING_ZONE_ADMIN_TAG } from "./tags";
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
    serviceRolePath,
    serviceTrust,
    type AbacOptions,
    type PolicyDocument,
    type RoleLevel,
} from "./policies";

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

export function accessMatrix(plan: CorePlan): AccessMatrix {
    const teams = effectiveTeams(plan.config);
    const out: AccessMatrix = {};
    for (const key of Object.keys(teams).sort()) {
        out[key] = Object.fromEntries(plan.environments.map((e) => [e.name, levelOf(teams[key], e.name)]));
    }
    return out;
}

/**
 * Plans access and checks the section's rules and limits. With a config that had problems
 * (`broken` says what failed to parse) it plans what it can and leaves references to broken
 * entries alone.
 */
export function planAccess(core: CorePlan, broken: Broken = new Broken()): Planned<AccessPlan> {
    const access = new AccessPlanner(core).plan();
    const problems = [
        ...checkTeams(core, broken),
        ...checkUsers(core, broken),
        ...checkGroupPolicyCounts(core, access),
        ...checkPasswordPolicy(core),
        ...checkServiceRoles(core, broken),
        ...checkPolicySizes(core),
        ...checkAcceptedUntaggedActions(core),
        ...tagLimitProblems([
            ...access.policies.map((p) => ({ label: `policy ${p.name} in account ${p.account}`, tags: p.tags, path: ["tags"] })),
            ...access.roles.map((r) => ({ label: `role ${r.name} in account ${r.account}`, tags: r.tags, path: ["tags"] })),
        ]),
    ];
    return { plan: access, problems };
}

// ---------------------------------------------------------------------------------
// Planning.
// ---------------------------------------------------------------------------------

/** Builds the access plan step by step; policies and roles are registered once per account and name. */
class AccessPlanner {
    private readonly cfg: CorePlan["config"];
    private readonly teams: Record<string, TeamConfig>;
    private readonly teamKeys: string[];
    private readonly identity: string;
    private readonly tagKey: string;
    private readonly abacOpts: AbacOptions;
    private readonly identityTrust: PolicyDocument;
    private readonly policies = new Map<string, ManagedPolicyPlan>();
    private readonly roles = new Map<string, RolePlan>();
    /**
     * The IAM-user model (groups, environment roles, users) is built only where people are IAM
     * users; with IAM Identity Center, permission sets take the place of groups and roles
     * (../identity), and only the policies they name by reference are built here.
     */
    private readonly iamUsers: boolean;
    private readonly identityCenter: boolean;

    constructor(private readonly core: CorePlan) {
        this.cfg = core.config;
        this.teams = effectiveTeams(this.cfg);
        this.teamKeys = Object.keys(this.teams).sort();
        this.identity = core.identityAccount;
        this.tagKey = core.environmentTagKey;
        this.abacOpts = abacOptions(core);
        this.iamUsers = usesIamUsers(this.cfg.identity.source);
        this.identityCenter = usesIdentityCenter(this.cfg.identity.source);
        this.identityTrust = identityAccountTrust(accountRef(this.identity), this.cfg.mfaMaxAgeSeconds);
    }

    plan(): AccessPlan {
        const teamGroups = this.teamGroups();
        const groups = this.iamUsers ? [...teamGroups, ...this.builtInGroups()] : [];
        const orgAdmins = this.organizationAdministration();
        if (orgAdmins) groups.push(orgAdmins);
        this.serviceRoles();
        return {
            matrix: accessMatrix(this.core),
            identityAccount: this.identity,
            policies: [...this.policies.values()].sort((a, b) => a.key.localeCompare(b.key)),
            groups,
            roles: [...this.roles.values()].sort((a, b) => a.key.localeCompare(b.key)),
            users: this.users(),
            passwordPolicy: { ...this.cfg.passwordPolicy, account: this.identity },
        };
    }

    /** One group per team: tag-scoped policies where the identity account holds its environments, role assumption elsewhere. */
    private teamGroups(): GroupPlan[] {
        return this.teamKeys.map((teamKey) => {
            const team = this.teams[teamKey];
            const direct: string[] = [];
            const assumable = new Set<string>();
            for (const env of this.core.environments) {
                const level = levelOf(team, env.name);
                if (level === "none") continue;
                const iamAdmin = team.iamAdmin.includes(env.name) && !env.production;
                for (const account of env.accounts) {
                    // Permission sets name these policies: they must exist in every account the sets are assigned in.
                    if (this.identityCenter) {
                        if (this.hostsSeveral(account)) this.listOnly(account);
                        if (level === "write" && (iamAdmin || !this.hostsSeveral(account))) this.boundary(account, env.name);
                    }
                    if (!this.iamUsers) continue;
                    if (account === this.identity && this.hostsSeveral(account)) {
                        direct.push(this.abac(account, env.name, level), this.listOnly(account));
                        if (level !== "read") direct.push(...this.accepted(account));
                        if (iamAdmin) {
                            this.boundary(account, env.name);
                            direct.push(this.delegation(account, env.name));
                        }
                    } else {
                        assumable.add(this.environmentRole(account, env.name, level, iamAdmin));
                    }
                }
            }
            // People in a member identity account reach organization administration through the role.
            if (this.iamUsers && this.core.organization && this.identity !== DEPLOYMENT_ACCOUNT && team.organizationAdmin) assumable.add(ORGANIZATION_ADMIN_ROLE);
            if (assumable.size > 0) {
                direct.push(this.policy(this.identity, `lz-team-${teamKey}-assume`, `Roles team ${teamKey} may assume`, assumeRolesPolicy([...assumable]), this.core.commonTags));
            }
            return { key: teamKey, account: this.identity, name: groupName(teamKey), path: LZ_PATH, policyKeys: [...new Set(direct)] };
        });
    }

    /** The all-users group (MFA required) and, in enrolment-group mode, the MFA enrolment group. */
    private builtInGroups(): GroupPlan[] {
        const { commonTags } = this.core;
        const groups: GroupPlan[] = [
            {
                key: ALL_USERS_GROUP,
                account: this.identity,
                name: groupName(ALL_USERS_GROUP),
                path: LZ_PATH,
                policyKeys: [
                    this.policy(this.identity, "lz-force-mfa", "Self-service password and MFA; nothing else without MFA", forceMfaPolicy(this.cfg.mfaEnrolment === "self-service"), commonTags),
                ],
            },
        ];
        if (this.cfg.mfaEnrolment === "enrolment-group") {
            groups.push({
                key: MFA_ENROLMENT_GROUP,
                account: this.identity,
                name: groupName(MFA_ENROLMENT_GROUP),
                path: LZ_PATH,
                policyKeys: [this.policy(this.identity, "lz-mfa-enrolment", "Enrol one's own MFA device (members only until enrolled)", mfaEnrolmentPolicy(), commonTags)],
            });
        }
        return groups;
    }

    /**
     * Organization administration: a group in the management account, and a role there for
     * administrators coming from member accounts.
     */
    private organizationAdministration(): GroupPlan | undefined {
        if (!this.core.organization || !this.iamUsers) return undefined;
        const mfa = this.cfg.mfaMaxAgeSeconds;
        const orgPolicy = this.policy(DEPLOYMENT_ACCOUNT, "lz-organization-admin", "Administer AWS Organizations", organizationAdminPolicy(mfa), this.adminTags(this.core.commonTags));
        // Admin roles of member accounts (in accounts of their own) whose every admin team is an organization admin.
        const adminRoles = this.core.environments
            .filter((e) => e.accounts.some((a) => a !== DEPLOYMENT_ACCOUNT && !this.hostsSeveral(a)))
            .filter((e) => {
                const admins = this.teamKeys.filter((t) => levelOf(this.teams[t], e.name) === "admin");
                return admins.length > 0 && admins.every((t) => this.teams[t].organizationAdmin);
            })
            .map((e) => environmentRoleName(e.name, "admin"));
        const trust = organizationAdminTrust(mfa, adminRoles, this.identity === DEPLOYMENT_ACCOUNT ? undefined : accountRef(this.identity));
        if (trust) {
            const key = `${DEPLOYMENT_ACCOUNT}/${ORGANIZATION_ADMIN_ROLE}`;
            this.roles.set(key, {
                key,
                account: DEPLOYMENT_ACCOUNT,
                name: ORGANIZATION_ADMIN_ROLE,
                path: LZ_PATH,
                description: "Organization administration for admin roles of member accounts, with MFA",
                trust,
                managedPolicyArns: [],
                policyKeys: [orgPolicy],
                tags: this.adminTags(this.core.commonTags),
                maxSessionDuration: 3600,
            });
        }
        return { key: ORG_ADMINS_GROUP, account: DEPLOYMENT_ACCOUNT, name: groupName(ORG_ADMINS_GROUP), path: LZ_PATH, policyKeys: [orgPolicy] };
    }

    /** Workload roles: assumed by AWS services, in every account hosting the environment. */
    private serviceRoles(): void {
        for (const key of Object.keys(this.cfg.serviceRoles).sort()) {
            const s = this.cfg.serviceRoles[key];
            const env = this.core.environments.find((e) => e.name === s.environment);
            if (!env) continue; // reported by checkServiceRoles
            for (const account of env.accounts) {
                const name = serviceRoleName(key, env.name);
                this.roles.set(`${account}/${name}`, {
                    key: `${account}/${name}`,
                    account,
                    name,
                    path: serviceRolePath(env.name),
                    description: s.description ?? `Workload role of ${env.name} assumed by ${s.service}`,
                    trust: serviceTrust(s.service),
                    managedPolicyArns: sortedSet(s.managedPolicyArns),
                    policyKeys: [],
                    // In a shared account the workload stays inside its environment's tags.
                    boundaryKey: this.hostsSeveral(account) ? this.boundary(account, env.name) : undefined,
                    tags: this.envTags(env.name),
                    maxSessionDuration: 3600,
                });
            }
        }
    }

    /** People: their teams (a set, in key order), then the built-in groups. */
    private users(): UserPlan[] {
        const orgAdminTeams = new Set(this.teamKeys.filter((t) => this.teams[t].organizationAdmin));
        return Object.keys(this.cfg.users)
            .sort()
            .map((name) => {
                const teamsOf = sortedSet(this.cfg.users[name].teams);
                const groupKeys = [...teamsOf, ALL_USERS_GROUP];
                if (this.core.organization && this.identity === DEPLOYMENT_ACCOUNT && teamsOf.some((t) => orgAdminTeams.has(t))) groupKeys.push(ORG_ADMINS_GROUP);
                if (this.cfg.users[name].enrolMfa) groupKeys.push(MFA_ENROLMENT_GROUP);
                return { name, account: this.identity, groupKeys, tags: { ...this.core.commonTags } };
            });
    }

    // --- Building blocks --------------------------------------------------------------

    private hostsSeveral(account: string): boolean {
        return hostsSeveral(this.core, account);
    }

    private envTags(env: string): Record<string, string> {
        return { ...this.core.commonTags, [this.tagKey]: env };
    }

    private adminTags(tags: Record<string, string>): Record<string, string> {
        return { ...tags, [LANDING_ZONE_ADMIN_TAG.key]: LANDING_ZONE_ADMIN_TAG.value };
    }

    /** Registers a managed policy once per account and name; returns its key. */
    private policy(account: string, name: string, description: string, document: PolicyDocument, tags: Record<string, string>): string {
        const key = `${account}/${name}`;
        if (!this.policies.has(key)) this.policies.set(key, { key, account, name, path: LZ_PATH, description, document, tags });
        return key;
    }

    private abac(account: string, env: string, level: "read" | "write" | "admin"): string {
        return this.policy(
            account,
            `lz-${env}-${level}`,
            `${level} access to resources tagged ${this.tagKey}=${env}`,
            abacPolicy(env, level, this.abacOpts),
            level === "admin" ? this.adminTags(this.envTags(env)) : this.envTags(env),
        );
    }

    private listOnly(account: string): string {
        return this.policy(account, "lz-list-describe", "List and describe actions that accept only Resource *", listOnlyPolicy(), this.core.commonTags);
    }

    private accepted(account: string): string[] {
        const actions = this.cfg.acceptedUntaggedActions;
        if (actions.length === 0) return [];
        return [
            this.policy(
                account,
                "lz-accepted-untagged",
                "Actions without tag conditions, accepted unscoped by config (acceptedUntaggedActions)",
                acceptedUntaggedPolicy(actions),
                this.core.commonTags,
            ),
        ];
    }

    /**
     * A dedicated account's boundary is an Allow-all ceiling cut down by denies. It grants nothing
     * by itself (it is only ever a boundary), and the policy pack judges it as such, so it carries
     * no admin mark.
     */
    private boundary(account: string, env: string): string {
        return this.policy(
            account,
            boundaryName(env),
            `Permissions boundary of write and delegated roles in ${env}`,
            this.hostsSeveral(account) ? abacPolicy(env, "write", this.abacOpts) : dedicatedAccountBoundary(env),
            this.envTags(env),
        );
    }

    private delegation(account: string, env: string): string {
        return this.policy(account, `lz-${env}-iam-delegation`, `Create roles and policies under /workloads/${env}/ with the ${env} boundary`, iamDelegationPolicy(env), this.envTags(env));
    }

    /** The environment role of a level in an account; created once, shared by every team needing it. */
    private environmentRole(account: string, env: string, level: AccessLevel, iamAdmin: boolean): string {
        const rl: RoleLevel = level === "write" && iamAdmin ? "write-iam" : (level as RoleLevel);
        const name = environmentRoleName(env, rl);
        const key = `${account}/${name}`;
        if (this.roles.has(key)) return name;
        const shared = this.hostsSeveral(account);
        const r: RolePlan = {
            key,
            account,
            name,
            path: LZ_PATH,
            description: `${rl} access to ${env}${shared ? ` (resources tagged ${this.tagKey}=${env})` : ""}; people from the identity account with MFA`,
            trust: this.identityTrust,
            managedPolicyArns: [],
            policyKeys: [],
            tags: level === "admin" ? this.adminTags(this.envTags(env)) : this.envTags(env),
            maxSessionDuration: 3600,
        };
        if (shared) {
            r.policyKeys.push(this.abac(account, env, level as "read" | "write" | "admin"), this.listOnly(account));
            // No boundary here: the role's own documents are already scoped to the environment's
            // tag, and a write-iam role needs IAM actions that the tag-scoped boundary leaves out.
            if (level !== "read") r.policyKeys.push(...this.accepted(account));
            if (rl === "write-iam") this.boundary(account, env); // the boundary its delegated roles must carry
        } else if (level === "read") {
            r.managedPolicyArns.push(awsManagedPolicyArn("ReadOnlyAccess"));
        } else if (level === "write") {
            r.managedPolicyArns.push(awsManagedPolicyArn("PowerUserAccess"));
            r.boundaryKey = this.boundary(account, env);
        } else {
            r.managedPolicyArns.push(awsManagedPolicyArn("AdministratorAccess"));
        }
        if (rl === "write-iam") r.policyKeys.push(this.delegation(account, env));
        this.roles.set(key, r);
        return name;
    }
}

/** True when the account holds several environments, separated by tags. */
function hostsSeveral(core: CorePlan, account: string): boolean {
    return account === DEPLOYMENT_ACCOUNT ? core.layout === "single-account" && core.environments.length > 1 : (core.accounts.find((a) => a.key === account)?.environments.length ?? 0) > 1;
}

/**
 * What the tag-scoped documents allow: the environment key, the common tags and
 * `allowedTagKeys`, each once, in an order that does not depend on the order of config keys.
 */
export function abacOptions(core: CorePlan): AbacOptions {
    const common = Object.keys(core.commonTags).filter((k) => k === "ManagedBy" || k === "Application");
    const extra = Object.keys(core.config.tags).sort();
    return {
        environmentTagKey: core.environmentTagKey,
        allowedTagKeys: [...new Set([...common, ...extra, ...sortedSet(core.config.allowedTagKeys)])],
    };
}

// ---------------------------------------------------------------------------------
// Rules and limits of the section.
// ---------------------------------------------------------------------------------

function environmentNames(core: CorePlan): string {
    return core.config.environments.map((e) => e.name).join(", ");
}

function checkTeams(core: CorePlan, broken: Broken): Problem[] {
    const cfg = core.config;
    const problems: Problem[] = [];
    const envByName = new Map(cfg.environments.map((e) => [e.name, e]));
    const envList = environmentNames(core);
    const unknownEnvironment = (env: string) => !envByName.has(env) && !broken.hides("environments", env);
    for (const [key, team] of Object.entries(cfg.teams ?? {})) {
        if (RESERVED_GROUP_KEYS.includes(key)) {
            problems.push(problem(["teams", key], key, `is the name of a group the landing zone creates itself (${RESERVED_GROUP_KEYS.join(", ")}); choose another team key`));
        }
        for (const env of Object.keys(team.access)) {
            if (env !== "*" && unknownEnvironment(env)) {
                problems.push(
                    problem(["teams", key, "access", env], env, `is not a declared environment${didYouMean(env, [...envByName.keys()])}; declared: ${envList} (or '*' for every other environment)`),
                );
            }
        }
        team.iamAdmin.forEach((env, i) => {
            const e = envByName.get(env);
            if (!e) {
                if (unknownEnvironment(env)) problems.push(problem(["teams", key, "iamAdmin", i], env, `is not a declared environment${didYouMean(env, [...envByName.keys()])}; declared: ${envList}`));
            } else if (e.production) {
                problems.push(problem(["teams", key, "iamAdmin", i], env, "is a production environment; delegated IAM administration is allowed in non-production environments only"));
            } else if (LEVEL_RANK[levelOf(team, env)] < LEVEL_RANK.write && !broken.any("teams", key, "access")) {
                problems.push(problem(["teams", key, "iamAdmin", i], env, `needs write or admin access in '${env}' (teams.${key}.access.${env} is ${levelOf(team, env)})`));
            } else if (team.iamAdmin.indexOf(env) !== i) {
                problems.push(problem(["teams", key, "iamAdmin", i], env, "is listed twice"));
            }
        });
        if (team.organizationAdmin && core.layout === "single-account") {
            problems.push(problem(["teams", key, "organizationAdmin"], true, "needs AWS Organizations; the single-account layout has none"));
        }
    }
    return problems;
}

/** Users: valid and unique IAM names, known teams, the enrolment group, groups per user. */
function checkUsers(core: CorePlan, broken: Broken): Problem[] {
    const cfg = core.config;
    const problems: Problem[] = [];
    const teams = effectiveTeams(cfg);
    const teamKeys = Object.keys(teams);
    for (const [name, user] of Object.entries(cfg.users)) {
        const parsedName = iamUserName.safeParse(name);
        if (!parsedName.success) problems.push(problem(["users", name], name, parsedName.error.issues[0].message));
        user.teams.forEach((t, i) => {
            if (!teams[t]) {
                if (!broken.hides("teams", t)) problems.push(problem(["users", name, "teams", i], t, `is not a known team${didYouMean(t, teamKeys)}; teams: ${teamKeys.join(", ") || "(none)"}`));
            } else if (user.teams.indexOf(t) !== i) {
                problems.push(problem(["users", name, "teams", i], t, "is listed twice"));
            }
        });
        if (user.enrolMfa && cfg.mfaEnrolment !== "enrolment-group" && !broken.has("mfaEnrolment")) {
            problems.push(
                problem(["users", name, "enrolMfa"], true, "needs mfaEnrolment: enrolment-group (with self-service enrolment every user enrols their own device and there is no enrolment group)"),
            );
        }
        // Groups per user: one per team plus the all-users group (force MFA) and, for org admins, org-admins.
        const unique = [...new Set(user.teams)];
        const builtIn = ["all-users", ...(unique.some((t) => teams[t]?.organizationAdmin) ? ["org-admins"] : []), ...(user.enrolMfa ? ["mfa-enrolment"] : [])];
        const groups = unique.length + builtIn.length;
        if (groups > MAX_GROUPS_PER_USER) {
            problems.push(problem(["users", name, "teams"], user.teams, `puts the user in ${groups} IAM groups (teams + ${builtIn.join(" + ")}); AWS allows ${MAX_GROUPS_PER_USER}`));
        }
    }
    // IAM user names are unique case-insensitively.
    const lowerNames = new Map<string, string>();
    for (const name of Object.keys(cfg.users)) {
        const other = lowerNames.get(name.toLowerCase());
        if (other) problems.push(problem(["users", name], name, `differs from user '${other}' only in case; IAM user names are case-insensitive`));
        else lowerNames.set(name.toLowerCase(), name);
    }
    return problems;
}

/** Managed policies per team group: in a shared identity account each environment adds one. */
function checkGroupPolicyCounts(core: CorePlan, access: AccessPlan): Problem[] {
    const teams = effectiveTeams(core.config);
    return access.groups
        .filter((g) => teams[g.key] && g.policyKeys.length > MAX_MANAGED_POLICIES_PER_GROUP)
        .map((g) =>
            problem(
                ["teams", g.key],
                Object.keys(teams[g.key].access).join(", "),
                `needs ${g.policyKeys.length} managed policies on its IAM group (one per environment shared in the identity account, plus list/describe, delegation and role assumption); AWS allows ${MAX_MANAGED_POLICIES_PER_GROUP} per group`,
            ),
        );
}

function checkPasswordPolicy(core: CorePlan): Problem[] {
    const problems: Problem[] = [];
    const pp = core.config.passwordPolicy;
    if (pp.minimumLength < PASSWORD_MIN_LENGTH_FLOOR || pp.minimumLength > 128) {
        problems.push(
            problem(["passwordPolicy", "minimumLength"], pp.minimumLength, `must be ${PASSWORD_MIN_LENGTH_FLOOR}-128 (AWS allows 6-128; this project requires at least ${PASSWORD_MIN_LENGTH_FLOOR})`),
        );
    }
    if (pp.reusePrevention < 1 || pp.reusePrevention > 24) {
        problems.push(problem(["passwordPolicy", "reusePrevention"], pp.reusePrevention, "must be 1-24 (AWS limit)"));
    }
    if (pp.maxAgeDays < 1 || pp.maxAgeDays > 1095) {
        problems.push(problem(["passwordPolicy", "maxAgeDays"], pp.maxAgeDays, "must be 1-1095 days (AWS limit)"));
    }
    // STS sessions last at most 36 hours; an older MFA sign-in cannot exist.
    const mfa = core.config.mfaMaxAgeSeconds;
    if (mfa < 60 || mfa > 129600) problems.push(problem(["mfaMaxAgeSeconds"], mfa, "must be 60-129600 seconds"));
    return problems;
}

function checkServiceRoles(core: CorePlan, broken: Broken): Problem[] {
    const problems: Problem[] = [];
    const declared = new Set(core.config.environments.map((e) => e.name));
    for (const [key, role] of Object.entries(core.config.serviceRoles)) {
        if (!declared.has(role.environment) && !broken.hides("environments", role.environment)) {
            problems.push(
                problem(["serviceRoles", key, "environment"], role.environment, `is not a declared environment${didYouMean(role.environment, [...declared])}; declared: ${environmentNames(core)}`),
            );
        }
        // Role name lz-svc-<env>-<key> must fit IAM's 64 characters.
        const roleName = serviceRoleName(key, role.environment);
        if (roleName.length > 64) problems.push(problem(["serviceRoles", key], roleName, "gives a role name longer than 64 characters; shorten the key"));
        role.managedPolicyArns.forEach((arn, i) => {
            if (/:policy\/AdministratorAccess$/.test(arn)) {
                problems.push(problem(["serviceRoles", key, "managedPolicyArns", i], arn, "grants full admin to a workload; attach a least-privilege policy"));
            }
        });
    }
    return problems;
}

/** The tag-scoped documents grow with the environment name and the allowed tag keys. */
function checkPolicySizes(core: CorePlan): Problem[] {
    if (directEnvironments(core).size === 0 && core.layout !== "hybrid") return [];
    const problems: Problem[] = [];
    const opts = abacOptions(core);
    for (const e of core.config.environments) {
        const size = JSON.stringify(abacPolicy(e.name, "write", opts)).length;
        if (size > MAX_MANAGED_POLICY_SIZE) {
            problems.push(
                problem(
                    ["allowedTagKeys"],
                    core.config.allowedTagKeys,
                    `make the write policy of '${e.name}' ${size} characters long; AWS allows ${MAX_MANAGED_POLICY_SIZE} per managed policy: allow fewer or shorter tag keys`,
                ),
            );
        }
    }
    return problems;
}

/** Environments whose access goes straight onto the team groups: shared by tags in the identity account. */
function directEnvironments(core: CorePlan): Set<string> {
    const cfg = core.config;
    if (core.layout === "single-account") return new Set(cfg.environments.length > 1 ? cfg.environments.map((e) => e.name) : []);
    const a = cfg.accounts[core.identityAccount];
    return new Set(a && a.environments.length > 1 ? a.environments : []);
}

/** Untaggable actions by lower-case name, for case-insensitive lookup of accepted ones. */
const UNTAGGABLE_LOWER = new Set(
    Object.values(UNTAGGABLE_ACTIONS)
        .flat()
        .map((a) => a.toLowerCase()),
);

function checkAcceptedUntaggedActions(core: CorePlan): Problem[] {
    return core.config.acceptedUntaggedActions.flatMap((a, i) =>
        UNTAGGABLE_LOWER.has(a.toLowerCase())
            ? []
            : [
                  problem(
                      ["acceptedUntaggedActions", i],
                      a,
                      "is not an action of the covered services that lacks the environment tag condition (see the action catalogue table); only those need accepting",
                  ),
              ],
    );
}
