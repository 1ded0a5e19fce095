/**
 * Config keys of the access section (teams, users, roles). Composed into the stack schema
 * in ../config.ts; cross-field rules run in `validateAccess` with the whole parsed config.
 *
 * Pure: no Pulumi import. Every rule names the key it checks, the bad value and what is allowed.
 */
import { z } from "zod";
import { UNTAGGABLE_ACTIONS } from "./catalogue.generated";
import { abacPolicy } from "./policies";

export const ACCESS_LEVELS = ["none", "read", "write", "admin"] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];
export const LEVEL_RANK: Record<AccessLevel, number> = { none: 0, read: 1, write: 2, admin: 3 };

/** IAM limits (AWS docs): groups per user, managed policies per group, name lengths. */
export const MAX_GROUPS_PER_USER = 10;
export const MAX_MANAGED_POLICIES_PER_GROUP = 10;
/** Managed policy document size (AWS: characters, whitespace outside strings not counted). */
export const MAX_MANAGED_POLICY_SIZE = 6144;
/** Password policy bounds: AWS allows a minimum length of 6-128; this project requires at least 14. */
export const PASSWORD_MIN_LENGTH_FLOOR = 14;
/** Group keys of the built-in groups (lz-all-users, lz-org-admins, lz-mfa-enrolment); no team may use them. */
export const RESERVED_GROUP_KEYS = ["all-users", "org-admins", "mfa-enrolment"];

/**
 * Who may enrol a user's MFA device: the user alone after signing in with the first password
 * (`self-service`), or only a user in the enrolment group (`enrolment-group`, `users.<name>.enrolMfa`).
 */
export const MFA_ENROLMENT_MODES = ["self-service", "enrolment-group"] as const;

/** Team keys become group names (`lz-<team>`) and logical names. */
const teamKey = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, {
    message: "must be 1-40 characters: lower-case letters, digits and '-', starting with a letter",
});

/** IAM user name: 1-64 of letters, digits and + = , . @ _ - (AWS). */
export const iamUserName = z.string().regex(/^[\w+=,.@-]{1,64}$/, {
    message: "must be an IAM user name: 1-64 characters of letters, digits and + = , . @ _ -",
});

const accessLevel = z.enum(ACCESS_LEVELS, { message: `must be one of ${ACCESS_LEVELS.join(", ")}` });

/** Numbers arrive as strings from top-level Pulumi config values; nested ones as numbers. */
const intFromConfig = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)], {
    message: "must be a whole number",
});

const teamSchema = z.strictObject({
    description: z.string().max(1000).optional(),
    /**
     * Access level per environment name. The key `*` sets the level of every environment the
     * team does not list explicitly (e.g. auditors: `{ "*": read }`). Unlisted means none.
     */
    access: z.record(z.string(), accessLevel).default({}),
    /**
     * Non-production environments where the team may create IAM roles and policies, always
     * with the environment's permissions boundary (delegated IAM administration).
     */
    iamAdmin: z.array(z.string()).default([]),
    /** Members join the org-admins group in the management account (multi-account and hybrid). */
    organizationAdmin: z.boolean().default(false),
    /**
     * IAM Identity Center: the team is an existing group of the identity store, synchronized from
     * the company directory (SCIM); its members are the directory's business. Absent: the landing
     * zone creates the group `lz-<team>` in the identity store (../identity/config.ts).
     */
    directoryGroupId: z
        .string()
        .regex(/^([0-9a-f]{10}-)?[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/, {
            message: "must be an identity store group ID such as 9067a2e5c1-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d or 1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d (IAM Identity Center console, Groups, the group's ID)",
        })
        .optional(),
});
export type TeamConfig = z.output<typeof teamSchema>;

const userSchema = z.strictObject({
    /** Team keys; each is one IAM group membership. */
    teams: z.array(teamKey).default([]),
    /** In the MFA enrolment group until the device is enrolled (mfaEnrolment: enrolment-group). */
    enrolMfa: z.boolean().default(false),
});

const passwordPolicySchema = z.strictObject({
    minimumLength: intFromConfig.default(14),
    reusePrevention: intFromConfig.default(24),
    maxAgeDays: intFromConfig.default(90),
    allowUsersToChange: z.boolean().default(true),
    /** Users whose password expired must ask an administrator (false lets them change it at sign-in). */
    hardExpiry: z.boolean().default(false),
});
export type PasswordPolicyConfig = z.output<typeof passwordPolicySchema>;

const serviceRoleSchema = z.strictObject({
    environment: z.string(),
    /** The AWS service that assumes the role, e.g. ec2.amazonaws.com. */
    service: z.string().regex(/^[a-z0-9.-]+\.amazonaws\.com$/, {
        message: "must be an AWS service principal such as ec2.amazonaws.com",
    }),
    managedPolicyArns: z
        .array(
            z.string().regex(/^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/, {
                message: "must be a managed policy ARN such as arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
            }),
        )
        .default([]),
    description: z.string().max(1000).optional(),
});
export type ServiceRoleConfig = z.output<typeof serviceRoleSchema>;

/**
 * Shipped default split; filtered to the declared environments when teams are not configured
 * (and without `iamAdmin` in the single-account layout, see effectiveTeams).
 */
export const DEFAULT_TEAMS: Record<string, { access: Record<string, AccessLevel>; iamAdmin?: string[]; organizationAdmin?: boolean }> = {
    developers: { access: { dev: "write", test: "read" }, iamAdmin: ["dev"] },
    qe: { access: { test: "write", staging: "read" } },
    "product-managers": { access: { staging: "write", prod: "read" } },
    "solutions-architects": { access: { staging: "write", prod: "read" } },
    operators: { access: { prod: "admin" }, organizationAdmin: true },
    auditors: { access: { "*": "read" } },
};

export const accessConfigShape = {
    /** Teams and their access level per environment. Default: DEFAULT_TEAMS. */
    teams: z.record(teamKey, teamSchema).optional(),
    /** People: IAM users in the identity account, keyed by IAM user name. */
    users: z.record(z.string(), userSchema).default({}),
    passwordPolicy: passwordPolicySchema.default({
        minimumLength: 14,
        reusePrevention: 24,
        maxAgeDays: 90,
        allowUsersToChange: true,
        hardExpiry: false,
    }),
    /** Maximum age of the MFA sign-in accepted when assuming an environment role (seconds). */
    mfaMaxAgeSeconds: intFromConfig.default(3600),
    /** Who may enrol MFA devices: every user for themself, or only members of the enrolment group. */
    mfaEnrolment: z.enum(MFA_ENROLMENT_MODES, { message: `must be one of ${MFA_ENROLMENT_MODES.join(", ")}` }).default("self-service"),
    /** Roles assumed by AWS services (workloads use these, never users). */
    serviceRoles: z.record(teamKey, serviceRoleSchema).default({}),
    /**
     * Actions that do not support the environment tag condition, granted unscoped at write and
     * admin level in accounts shared by several environments. Each entry is an accepted risk.
     */
    acceptedUntaggedActions: z.array(z.string()).default([]),
    /** Tag keys people may set when creating resources, besides the environment and common tags. */
    allowedTagKeys: z.array(z.string().min(1).max(128)).default(["Name", "Owner"]),
};

/** What validateAccess reads from the whole parsed config. */
interface AccessView {
    layout: string;
    environmentTagKey: string;
    allowedTagKeys: string[];
    application?: string;
    tags: Record<string, string>;
    identityAccount: string;
    accounts: Record<string, { environments: string[] }>;
    environments: { name: string; production: boolean }[];
    teams?: Record<string, TeamConfig>;
    users: Record<string, { teams: string[]; enrolMfa: boolean }>;
    passwordPolicy: PasswordPolicyConfig;
    mfaMaxAgeSeconds: number;
    mfaEnrolment: (typeof MFA_ENROLMENT_MODES)[number];
    serviceRoles: Record<string, ServiceRoleConfig>;
    acceptedUntaggedActions: string[];
}

/**
 * The configured teams, or the defaults restricted to the declared environments. The default
 * delegated IAM administration is left out in the single-account layout: there, no resource
 * control policy can stop a delegated role from trusting an outside account.
 */
export function effectiveTeams(cfg: {
    layout: string;
    teams?: Record<string, TeamConfig>;
    environments: { name: string; production: boolean }[];
}): Record<string, TeamConfig> {
    if (cfg.teams) return cfg.teams;
    const names = new Set(cfg.environments.map((e) => e.name));
    const nonProd = new Set(cfg.layout === "single-account" ? [] : cfg.environments.filter((e) => !e.production).map((e) => e.name));
    const out: Record<string, TeamConfig> = {};
    for (const [key, t] of Object.entries(DEFAULT_TEAMS)) {
        out[key] = {
            access: Object.fromEntries(Object.entries(t.access).filter(([env]) => env === "*" || names.has(env))),
            iamAdmin: (t.iamAdmin ?? []).filter((env) => nonProd.has(env)),
            organizationAdmin: t.organizationAdmin ?? false,
        };
    }
    return out;
}

/** Level of a team in an environment, resolving the `*` entry. */
export function levelOf(team: TeamConfig, env: string): AccessLevel {
    return team.access[env] ?? team.access["*"] ?? "none";
}

/** Untaggable actions by lower-case name, for case-insensitive lookup of accepted ones. */
const UNTAGGABLE_LOWER = new Map(
    Object.values(UNTAGGABLE_ACTIONS)
        .flat()
        .map((a) => [a.toLowerCase(), a] as const),
);

export function validateAccess(config: Record<string, unknown>, ctx: z.RefinementCtx): void {
    const report = (path: (string | number)[], value: unknown, message: string) =>
        ctx.addIssue({ code: "custom", path, input: value, message });
    const cfg = config as unknown as AccessView;
    const envByName = new Map(cfg.environments.map((e) => [e.name, e]));
    const envList = cfg.environments.map((e) => e.name).join(", ");
    const teams = effectiveTeams(cfg);
    const teamKeys = Object.keys(teams);

    for (const [key, team] of Object.entries(cfg.teams ?? {})) {
        if (RESERVED_GROUP_KEYS.includes(key)) {
            report(["teams", key], key, `is the name of a group the landing zone creates itself (${RESERVED_GROUP_KEYS.join(", ")}); choose another team key`);
        }
        for (const env of Object.keys(team.access)) {
            if (env !== "*" && !envByName.has(env)) {
                report(["teams", key, "access", env], env, `is not a declared environment; declared: ${envList} (or '*' for every other environment)`);
            }
        }
        team.iamAdmin.forEach((env, i) => {
            const e = envByName.get(env);
            if (!e) {
                report(["teams", key, "iamAdmin", i], env, `is not a declared environment; declared: ${envList}`);
            } else if (e.production) {
                report(["teams", key, "iamAdmin", i], env,
                    "is a production environment; delegated IAM administration is allowed in non-production environments only");
            } else if (LEVEL_RANK[levelOf(team, env)] < LEVEL_RANK.write) {
                report(["teams", key, "iamAdmin", i], env,
                    `needs write or admin access in '${env}' (teams.${key}.access.${env} is ${levelOf(team, env)})`);
            } else if (team.iamAdmin.indexOf(env) !== i) {
                report(["teams", key, "iamAdmin", i], env, "is listed twice");
            }
        });
        if (team.organizationAdmin && cfg.layout === "single-account") {
            report(["teams", key, "organizationAdmin"], true, "needs AWS Organizations; the single-account layout has none");
        }
    }

    // Groups per user: one per team plus the all-users group (force MFA) and, for org admins, org-admins.
    for (const [name, user] of Object.entries(cfg.users)) {
        const parsedName = iamUserName.safeParse(name);
        if (!parsedName.success) {
            report(["users", name], name, parsedName.error.issues[0].message);
        }
        user.teams.forEach((t, i) => {
            if (!teams[t]) {
                report(["users", name, "teams", i], t, `is not a known team; teams: ${teamKeys.join(", ") || "(none)"}`);
            } else if (user.teams.indexOf(t) !== i) {
                report(["users", name, "teams", i], t, "is listed twice");
            }
        });
        if (user.enrolMfa && cfg.mfaEnrolment !== "enrolment-group") {
            report(["users", name, "enrolMfa"], true,
                "needs mfaEnrolment: enrolment-group (with self-service enrolment every user enrols their own device and there is no enrolment group)");
        }
        const unique = [...new Set(user.teams)];
        const builtIn = ["all-users", ...(unique.some((t) => teams[t]?.organizationAdmin) ? ["org-admins"] : []), ...(user.enrolMfa ? ["mfa-enrolment"] : [])];
        const groups = unique.length + builtIn.length;
        if (groups > MAX_GROUPS_PER_USER) {
            report(["users", name, "teams"], user.teams,
                `puts the user in ${groups} IAM groups (teams + ${builtIn.join(" + ")}); AWS allows ${MAX_GROUPS_PER_USER}`);
        }
    }
    // Managed policies per team group: in a shared identity account each environment adds a policy.
    for (const [key, team] of Object.entries(teams)) {
        const count = groupPolicyCount(cfg, team);
        if (count > MAX_MANAGED_POLICIES_PER_GROUP) {
            report(["teams", key], Object.keys(team.access).join(", "),
                `needs ${count} managed policies on its IAM group (one per environment shared in the identity account, plus list/describe, delegation and role assumption); AWS allows ${MAX_MANAGED_POLICIES_PER_GROUP} per group`);
        }
    }

    const lowerNames = new Map<string, string>();
    for (const name of Object.keys(cfg.users)) {
        // IAM user names are unique case-insensitively.
        const other = lowerNames.get(name.toLowerCase());
        if (other) report(["users", name], name, `differs from user '${other}' only in case; IAM user names are case-insensitive`);
        else lowerNames.set(name.toLowerCase(), name);
    }

    const pp = cfg.passwordPolicy;
    if (pp.minimumLength < PASSWORD_MIN_LENGTH_FLOOR || pp.minimumLength > 128) {
        report(["passwordPolicy", "minimumLength"], pp.minimumLength,
            `must be ${PASSWORD_MIN_LENGTH_FLOOR}-128 (AWS allows 6-128; this project requires at least ${PASSWORD_MIN_LENGTH_FLOOR})`);
    }
    if (pp.reusePrevention < 1 || pp.reusePrevention > 24) {
        report(["passwordPolicy", "reusePrevention"], pp.reusePrevention, "must be 1-24 (AWS limit)");
    }
    if (pp.maxAgeDays < 1 || pp.maxAgeDays > 1095) {
        report(["passwordPolicy", "maxAgeDays"], pp.maxAgeDays, "must be 1-1095 days (AWS limit)");
    }
    // STS sessions last at most 36 hours; an older MFA sign-in cannot exist.
    if (cfg.mfaMaxAgeSeconds < 60 || cfg.mfaMaxAgeSeconds > 129600) {
        report(["mfaMaxAgeSeconds"], cfg.mfaMaxAgeSeconds, "must be 60-129600 seconds");
    }

    for (const [key, role] of Object.entries(cfg.serviceRoles)) {
        if (!envByName.has(role.environment)) {
            report(["serviceRoles", key, "environment"], role.environment, `is not a declared environment; declared: ${envList}`);
        }
        // Role name lz-svc-<key>-<env> must fit IAM's 64 characters.
        const roleName = serviceRoleName(key, role.environment);
        if (roleName.length > 64) {
            report(["serviceRoles", key], roleName, "gives a role name longer than 64 characters; shorten the key");
        }
        role.managedPolicyArns.forEach((arn, i) => {
            if (/:policy\/AdministratorAccess$/.test(arn)) {
                report(["serviceRoles", key, "managedPolicyArns", i], arn, "grants full admin to a workload; attach a least-privilege policy");
            }
        });
    }

    // The tag-scoped documents grow with the environment name and the allowed tag keys.
    if (directEnvironments(cfg).size > 0 || cfg.layout === "hybrid") {
        for (const e of cfg.environments) {
            // The same keys the plan allows: the common tags (ManagedBy, Application, tags) and allowedTagKeys.
            const allowed = ["ManagedBy", ...(cfg.application ? ["Application"] : []), ...Object.keys(cfg.tags), ...cfg.allowedTagKeys];
            const size = JSON.stringify(abacPolicy(e.name, "write", { environmentTagKey: cfg.environmentTagKey, allowedTagKeys: allowed })).length;
            if (size > MAX_MANAGED_POLICY_SIZE) {
                report(["allowedTagKeys"], cfg.allowedTagKeys,
                    `make the write policy of '${e.name}' ${size} characters long; AWS allows ${MAX_MANAGED_POLICY_SIZE} per managed policy: allow fewer or shorter tag keys`);
            }
        }
    }

    cfg.acceptedUntaggedActions.forEach((a, i) => {
        if (!UNTAGGABLE_LOWER.has(a.toLowerCase())) {
            report(["acceptedUntaggedActions", i], a,
                "is not an action of the covered services that lacks the environment tag condition (see the action catalogue table); only those need accepting");
        }
    });
}

/** Environments whose access goes straight onto the team groups: shared by tags in the identity account. */
function directEnvironments(cfg: AccessView): Set<string> {
    if (cfg.layout === "single-account") return new Set(cfg.environments.length > 1 ? cfg.environments.map((e) => e.name) : []);
    const a = cfg.accounts[cfg.identityAccount];
    return new Set(a && a.environments.length > 1 ? a.environments : []);
}

function groupPolicyCount(cfg: AccessView, team: TeamConfig): number {
    const direct = directEnvironments(cfg);
    const envs = cfg.environments.map((e) => e.name).filter((e) => levelOf(team, e) !== "none");
    const inDirect = envs.filter((e) => direct.has(e));
    const writes = inDirect.some((e) => LEVEL_RANK[levelOf(team, e)] >= LEVEL_RANK.write);
    return (
        inDirect.length +
        (inDirect.length > 0 ? 1 : 0) + // list/describe
        team.iamAdmin.filter((e) => direct.has(e)).length +
        (writes && cfg.acceptedUntaggedActions.length > 0 ? 1 : 0) +
        (envs.some((e) => !direct.has(e)) ? 1 : 0) // role assumption
    );
}

export function serviceRoleName(key: string, env: string): string {
    return `lz-svc-${env}-${key}`;
}
