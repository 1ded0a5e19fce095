/**
 * Config keys of the access section (teams, users, roles). Composed into the stack schema in
 * ../config.ts; the section's cross-field rules and limits are checked by its planner
 * (./plan.ts), which reports them as problems.
 *
 * Pure: zod and the shared fields only. Descriptions and defaults here are the config reference.
 */
import { z } from "zod";
import { intFromConfig } from "../fields";

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

const teamSchema = z.strictObject({
    description: z.string().max(1000).optional().describe("Free text."),
    access: z.record(z.string(), accessLevel).default({}).describe("Level per environment name: none, read, write or admin; the key '*' covers every environment not listed. Unlisted: none."),
    iamAdmin: z
        .array(z.string())
        .default([])
        .describe("Non-production environments where the team may create IAM roles and policies, always under the environment's permissions boundary (delegated IAM administration). A set."),
    organizationAdmin: z.boolean().default(false).describe("Members reach organization administration (multi-account and hybrid)."),
    directoryGroupId: z
        .string()
        .regex(/^([0-9a-f]{10}-)?[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/, {
            message:
                "must be an identity store group ID such as 9067a2e5c1-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d or 1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d (IAM Identity Center console, Groups, the group's ID)",
        })
        .optional()
        .describe(
            "IAM Identity Center: the team is an existing group of the identity store, synchronized from the company directory (SCIM); its members are the directory's business. Absent: the landing zone creates the group lz-<team> in the identity store.",
        ),
});
export type TeamConfig = z.output<typeof teamSchema>;

const userSchema = z.strictObject({
    teams: z.array(teamKey).default([]).describe("Team keys; each is one IAM group membership (at most 10 groups per user with the built-in ones). A set: order does not matter."),
    enrolMfa: z.boolean().default(false).describe("In the MFA enrolment group until the device is enrolled (needs mfaEnrolment: enrolment-group)."),
});

const passwordPolicySchema = z.strictObject({
    minimumLength: intFromConfig.default(14).describe("14-128 (AWS allows 6; this project requires 14)."),
    reusePrevention: intFromConfig.default(24).describe("Passwords remembered, 1-24."),
    maxAgeDays: intFromConfig.default(90).describe("1-1095 days."),
    allowUsersToChange: z.boolean().default(true).describe("Users may change their own password."),
    hardExpiry: z.boolean().default(false).describe("Users whose password expired must ask an administrator (false lets them change it at sign-in)."),
});
export type PasswordPolicyConfig = z.output<typeof passwordPolicySchema>;

const serviceRoleSchema = z.strictObject({
    environment: z.string().describe("The environment of the workload: the role exists in every account hosting it."),
    service: z
        .string()
        .regex(/^[a-z0-9.-]+\.amazonaws\.com$/, { message: "must be an AWS service principal such as ec2.amazonaws.com" })
        .describe("The AWS service that assumes the role, e.g. ec2.amazonaws.com."),
    managedPolicyArns: z
        .array(
            z.string().regex(/^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/, {
                message: "must be a managed policy ARN such as arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
            }),
        )
        .default([])
        .describe("Managed policies attached to the role (never AdministratorAccess). A set."),
    description: z.string().max(1000).optional().describe("The role's description."),
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
    teams: z
        .record(teamKey, teamSchema)
        .optional()
        .describe("Teams by key and their access per environment. Absent: developers, qe, product-managers, solutions-architects, operators, auditors (docs/access-model.md)."),
    users: z.record(z.string(), userSchema).default({}).describe("People: IAM users in the identity account, keyed by IAM user name; every one is in the all-users group (MFA required)."),
    passwordPolicy: passwordPolicySchema
        .default({
            minimumLength: 14,
            reusePrevention: 24,
            maxAgeDays: 90,
            allowUsersToChange: true,
            hardExpiry: false,
        })
        .describe("Account password policy where IAM users exist."),
    mfaMaxAgeSeconds: intFromConfig.default(3600).describe("Maximum age of the MFA sign-in accepted when assuming an environment role, and for organization administration (60-129600 seconds)."),
    mfaEnrolment: z
        .enum(MFA_ENROLMENT_MODES, { message: `must be one of ${MFA_ENROLMENT_MODES.join(", ")}` })
        .default("self-service")
        .describe("self-service: users enrol their own MFA device; enrolment-group: only members of lz-mfa-enrolment can."),
    serviceRoles: z.record(teamKey, serviceRoleSchema).default({}).describe("Workload roles assumed by AWS services, by key (production workloads use roles, never users)."),
    acceptedUntaggedActions: z
        .array(z.string())
        .default([])
        .describe("Actions without aws:ResourceTag support that write and admin levels get unscoped in a shared account; each is an accepted risk. A set."),
    allowedTagKeys: z.array(z.string().min(1).max(128)).default(["Name", "Owner"]).describe("Tag keys people may set when creating resources, besides the environment key and the common tags. A set."),
};

/**
 * The configured teams, or the defaults restricted to the declared environments. The default
 * delegated IAM administration is left out in the single-account layout: there, no resource
 * control policy can stop a delegated role from trusting an outside account.
 */
export function effectiveTeams(cfg: { layout: string; teams?: Record<string, TeamConfig>; environments: { name: string; production: boolean }[] }): Record<string, TeamConfig> {
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

export function serviceRoleName(key: string, env: string): string {
    return `lz-svc-${env}-${key}`;
}
