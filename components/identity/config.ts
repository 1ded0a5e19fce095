/**
 * Config keys of the identity section (`landing-zone:identity`): where people sign in from (IAM
 * users of the identity account, IAM Identity Center, or both while a team migrates), the
 * Identity Center instance, the permission sets' session settings, the people of the Identity
 * Center directory and the optional delegated administration. Composed into the stack schema in
 * ../config.ts; the rules that involve other keys run in `validateIdentity` (`identityProblems`)
 * with the whole parsed config.
 *
 * Pure: no Pulumi import. Every rule names the key it checks, the bad value and what is allowed.
 */
import { z } from "zod";
import { effectiveTeams, levelOf, TeamConfig } from "../access/config";
import { environmentRoleName, RoleLevel } from "../access/policies";
import { INLINE_POLICY_MAX_NON_WHITESPACE, inlinePolicySize, permissionSetDocuments } from "./policies";

export const IDENTITY_SOURCES = ["iam-users", "identity-center", "iam-users+identity-center"] as const;
export type IdentitySource = (typeof IDENTITY_SOURCES)[number];

/** IAM users (groups in the identity account, roles in the environments' accounts) are built. */
export const usesIamUsers = (source: IdentitySource) => source !== "identity-center";
/** Permission sets, groups and account assignments of IAM Identity Center are built. */
export const usesIdentityCenter = (source: IdentitySource) => source !== "iam-users";

/** CreatePermissionSet: names of 1-32 of letters, digits and + = , . @ _ - (IAM Identity Center API reference). */
export const PERMISSION_SET_NAME_MAX = 32;
/** A permission set becomes an IAM role in each account: its session lasts 1-12 hours (the role's MaxSessionDuration bounds). */
export const SESSION_MIN_SECONDS = 3600;
export const SESSION_MAX_SECONDS = 43200;
/** Identity Center's own default, and the IAM-user model's role session length. */
export const DEFAULT_SESSION_DURATION = "PT1H";

/** The trusted-access principal Identity Center needs on the organization. */
export const IDENTITY_CENTER_SERVICE_PRINCIPAL = "sso.amazonaws.com";

/**
 * Seconds of an ISO 8601 duration as the Identity Center API accepts it (`PT4H`, `PT90M`,
 * `PT1H30M`, `P1D`); undefined when the text is not one or is negative. Years and months count
 * as 365 and 30 days: either is far beyond the 12-hour limit anyway.
 */
export function isoDurationSeconds(text: string): number | undefined {
    const m = /^P(?=\d|T\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)([DW]))?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
    if (!m) return undefined;
    const n = (i: number) => Number(m[i] ?? 0);
    const days = n(1) * 365 + n(2) * 30 + n(3) * (m[4] === "W" ? 7 : 1);
    return days * 86400 + n(5) * 3600 + n(6) * 60 + n(7);
}

const sessionDuration = z.string().refine(
    (s) => {
        const seconds = isoDurationSeconds(s);
        return seconds !== undefined && seconds >= SESSION_MIN_SECONDS && seconds <= SESSION_MAX_SECONDS;
    },
    { message: "must be an ISO 8601 duration from PT1H to PT12H, e.g. PT4H or PT1H30M (IAM Identity Center allows at most 12 hours; a permission set's role needs at least 1)" },
);

const instanceArn = z.string().regex(/^arn:aws(-[a-z]{1,5}){0,3}:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/, {
    message: "must be an IAM Identity Center instance ARN such as arn:aws:sso:::instance/ssoins-0123456789abcdef (aws sso-admin list-instances)",
});

const identityStoreId = z.string().regex(/^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, {
    message: "must be an identity store ID such as d-0123456789 (aws sso-admin list-instances)",
});

const relayState = z.string().regex(/^[a-zA-Z0-9&$@#\\/%?=~\-_'"|!:,.;*+[\] (){}]{1,240}$/, {
    message: "must be 1-240 characters of a console URL, e.g. https://console.aws.amazon.com/console/home (letters, digits and & $ @ # \\ / % ? = ~ - _ ' \" | ! : , . ; * + [ ] ( ) { } and spaces)",
});

const accountKey = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, {
    message: "must be the key of a declared account: 1-40 characters of lower-case letters, digits and '-'",
});

/** Identity store user names: 1-128 letters, marks, symbols, digits or punctuation, no spaces. */
const directoryUserName = z.string().regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u, {
    message: "must be 1-128 characters without spaces (an IAM Identity Center user name, usually the person's email or login)",
});

const directoryUserSchema = z.strictObject({
    /** Shown in the access portal and the console. */
    displayName: z.string().min(1, { message: "must not be empty" }).max(1024, { message: "must be at most 1,024 characters" }),
    /** Where Identity Center sends the invitation and one-time passwords. */
    email: z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s.]+$/, { message: "must be an email address such as alice@example.com" }),
    givenName: z.string().min(1).max(1024).optional(),
    familyName: z.string().min(1).max(1024).optional(),
    /** Team keys: one membership of the team's identity store group each. */
    teams: z.array(z.string()).default([]),
});
export type DirectoryUserConfig = z.output<typeof directoryUserSchema>;

const identitySchema = z.strictObject({
    /**
     * `iam-users` (IAM users in the identity account assume roles, the default), `identity-center`
     * (people sign in through IAM Identity Center and pick a permission set), or both while
     * people move from one to the other.
     */
    source: z.enum(IDENTITY_SOURCES, { message: `must be one of ${IDENTITY_SOURCES.join(", ")}` }).default("iam-users"),
    /** The Identity Center instance; absent: looked up (aws.ssoadmin.getInstances). */
    instanceArn: instanceArn.optional(),
    /** Its identity store; absent: looked up with the instance. */
    identityStoreId: identityStoreId.optional(),
    /** Session length of every permission set (ISO 8601, PT1H-PT12H). Default PT1H. */
    sessionDuration: sessionDuration.optional(),
    /** Console page a session opens on (relay state). */
    relayState: relayState.optional(),
    /**
     * Member account Identity Center's administration is delegated to: permission sets, groups and
     * assignments are managed through it, except the management account's own (AWS refuses those
     * from a delegated administrator).
     */
    delegatedAdministrator: accountKey.optional(),
    /** People of the Identity Center directory (when it is the identity source), keyed by user name. */
    users: z.record(directoryUserName, directoryUserSchema).default({}),
});
export type IdentityConfig = z.output<typeof identitySchema>;

export const identityConfigShape = {
    /** Where people sign in from. Absent: IAM users (`source: iam-users`). */
    identity: identitySchema.default({ source: "iam-users", users: {} }),
};

/** A config problem: the key path below `landing-zone:`, the value, what is wrong and what is allowed. */
export interface IdentityProblem {
    path: (string | number)[];
    value: unknown;
    message: string;
}

/** What the identity rules read from the whole parsed config. */
export interface IdentityView {
    layout: string;
    identity: IdentityConfig;
    environments: { name: string; production: boolean }[];
    accounts: Record<string, { environments: string[] }>;
    organization?: { awsServiceAccessPrincipals: string[] };
    teams?: Record<string, TeamConfig>;
    users: Record<string, unknown>;
    environmentTagKey: string;
    allowedTagKeys: string[];
    application?: string;
    tags: Record<string, string>;
    acceptedUntaggedActions: string[];
}

/** The tag-scoped documents' options, as the access plan builds them (common tag keys, then allowedTagKeys). */
export function abacOptionsOf(cfg: Pick<IdentityView, "environmentTagKey" | "allowedTagKeys" | "application" | "tags">) {
    const keys = ["ManagedBy", ...(cfg.application ? ["Application"] : []), ...Object.keys(cfg.tags), ...cfg.allowedTagKeys];
    return { environmentTagKey: cfg.environmentTagKey, allowedTagKeys: keys.filter((k, i) => keys.indexOf(k) === i) };
}

/** The permission set level of a team in an environment (`write-iam` with delegated IAM administration), or undefined. */
export function permissionSetLevel(team: TeamConfig, env: { name: string; production: boolean }): RoleLevel | undefined {
    const level = levelOf(team, env.name);
    if (level === "none") return undefined;
    return level === "write" && team.iamAdmin.includes(env.name) && !env.production ? "write-iam" : level;
}

/** Every rule of the identity section that involves other keys. Empty when the config is sound. */
export function identityProblems(config: object): IdentityProblem[] {
    const cfg = config as IdentityView;
    const out: IdentityProblem[] = [];
    const report = (path: (string | number)[], value: unknown, message: string) => out.push({ path, value, message });
    const id = cfg.identity;
    const center = usesIdentityCenter(id.source);
    const teams = effectiveTeams(cfg);
    const teamKeys = Object.keys(teams);

    if (!center) {
        const unused = (["instanceArn", "identityStoreId", "sessionDuration", "relayState", "delegatedAdministrator"] as const).filter((k) => id[k] !== undefined);
        for (const k of unused) report(["identity", k], id[k], "has no effect unless identity.source is identity-center or iam-users+identity-center");
        if (Object.keys(id.users).length > 0) {
            report(["identity", "users"], Object.keys(id.users).join(", "), "are IAM Identity Center users: set identity.source to identity-center or iam-users+identity-center, or declare IAM users under users");
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
        report(["identity", "source"], id.source,
            "needs an organization instance of IAM Identity Center, which needs AWS Organizations (layout multi-account or hybrid): an account instance, the only kind a single account without an organization can have, supports neither permission sets nor account assignments; keep iam-users for the single-account layout");
        return out;
    }
    if (!usesIamUsers(id.source) && Object.keys(cfg.users).length > 0) {
        report(["users"], Object.keys(cfg.users).join(", "),
            "are IAM users, but identity.source is identity-center: move these people to identity.users (or your directory) and remove them here, or use iam-users+identity-center while they migrate");
    }
    const principals = cfg.organization?.awsServiceAccessPrincipals;
    if (principals && !principals.includes(IDENTITY_CENTER_SERVICE_PRINCIPAL)) {
        report(["organization", "awsServiceAccessPrincipals"], principals,
            `must include ${IDENTITY_CENTER_SERVICE_PRINCIPAL}: IAM Identity Center needs trusted access to the organization (without it the organization resource would switch it off)`);
    }
    if (id.delegatedAdministrator !== undefined && !cfg.accounts[id.delegatedAdministrator]) {
        report(["identity", "delegatedAdministrator"], id.delegatedAdministrator,
            `must be the key of a declared member account (${Object.keys(cfg.accounts).join(", ")}); the management account administers Identity Center without delegation`);
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
            report(["identity", "users", name, user.givenName === undefined ? "givenName" : "familyName"], undefined, "must be set together with the other name (givenName and familyName), or neither");
        }
        user.teams.forEach((t, i) => {
            const team = teams[t];
            if (!team) {
                report(["identity", "users", name, "teams", i], t, `is not a known team; teams: ${teamKeys.join(", ") || "(none)"}`);
            } else if (user.teams.indexOf(t) !== i) {
                report(["identity", "users", name, "teams", i], t, "is listed twice");
            } else if (team.directoryGroupId !== undefined) {
                report(["identity", "users", name, "teams", i], t,
                    `is the directory group ${team.directoryGroupId} (teams.${t}.directoryGroupId): its members come from your directory through SCIM; add the person there instead`);
            }
        });
    }

    // Permission set names and inline policies, for the levels the teams use.
    const shared = new Set(Object.values(cfg.accounts).filter((a) => a.environments.length > 1).flatMap((a) => a.environments));
    const opts = abacOptionsOf(cfg);
    cfg.environments.forEach((env, i) => {
        const levels = new Set(Object.values(teams).map((t) => permissionSetLevel(t, env)).filter((l): l is RoleLevel => l !== undefined));
        for (const level of [...levels].sort()) {
            const name = environmentRoleName(env.name, level);
            if (name.length > PERMISSION_SET_NAME_MAX) {
                report(["environments", i, "name"], env.name,
                    `gives the permission set name '${name}' (${name.length} characters); IAM Identity Center allows ${PERMISSION_SET_NAME_MAX}: shorten the environment name to ${env.name.length - (name.length - PERMISSION_SET_NAME_MAX)} characters`);
            }
            const inline = permissionSetDocuments(env.name, level, shared.has(env.name), opts, cfg.acceptedUntaggedActions).inlinePolicy;
            const size = inline ? inlinePolicySize(inline) : 0;
            if (size > INLINE_POLICY_MAX_NON_WHITESPACE) {
                const key = level !== "read" && cfg.acceptedUntaggedActions.length > 0 ? "acceptedUntaggedActions" : "allowedTagKeys";
                report([key], cfg[key],
                    `make the inline policy of permission set '${name}' ${size} characters long; IAM Identity Center allows ${INLINE_POLICY_MAX_NON_WHITESPACE} (without whitespace): accept fewer untagged actions or allow fewer tag keys`);
            }
        }
    });
    return out;
}

/** Reports the identity rules' problems on the stack schema (see ../config.ts). */
export function validateIdentity(config: object, ctx: z.RefinementCtx): void {
    for (const p of identityProblems(config)) ctx.addIssue({ code: "custom", path: p.path, input: p.value, message: p.message });
}
