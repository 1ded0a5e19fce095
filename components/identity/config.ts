/**
 * Config keys of the identity section (`landing-zone:identity`): where people sign in from (IAM
 * users of the identity account, IAM Identity Center, or both while a team migrates), the
 * Identity Center instance, the permission sets' session settings, the people of the Identity
 * Center directory and the optional delegated administration. Composed into the stack schema in
 * ../config.ts, which spreads `identityConfigShape` while it loads: this module imports zod only.
 * The rules that involve other keys are checks of the identity planner (./plan.ts).
 */
import { z } from "zod";

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
    displayName: z.string().min(1, { message: "must not be empty" }).max(1024, { message: "must be at most 1,024 characters" }).describe("Shown in the access portal and the console."),
    email: z
        .string()
        .regex(/^[^@\s]+@[^@\s]+\.[^@\s.]+$/, { message: "must be an email address such as alice@example.com" })
        .describe("Where Identity Center sends the invitation and one-time passwords."),
    givenName: z.string().min(1).max(1024).optional().describe("Given name; set together with familyName, or neither."),
    familyName: z.string().min(1).max(1024).optional().describe("Family name; set together with givenName, or neither."),
    teams: z.array(z.string()).default([]).describe("Team keys: one membership of the team's identity store group each (not for teams with a directoryGroupId). A set."),
});
export type DirectoryUserConfig = z.output<typeof directoryUserSchema>;

const identitySchema = z.strictObject({
    source: z
        .enum(IDENTITY_SOURCES, { message: `must be one of ${IDENTITY_SOURCES.join(", ")}` })
        .default("iam-users")
        .describe(
            "Where people sign in: iam-users (IAM users of the identity account assume roles), identity-center (IAM Identity Center permission sets; multi-account and hybrid), or iam-users+identity-center while people migrate.",
        ),
    instanceArn: instanceArn.optional().describe("The IAM Identity Center instance (arn:aws:sso:::instance/ssoins-...). Absent: looked up with aws.ssoadmin.getInstances."),
    identityStoreId: identityStoreId.optional().describe("The instance's identity store (d-...). Absent: looked up with the instance."),
    sessionDuration: sessionDuration.optional().describe("Session length of every permission set: an ISO 8601 duration from PT1H to PT12H. Absent: PT1H."),
    relayState: relayState.optional().describe("Console page a session opens on (relay state)."),
    delegatedAdministrator: accountKey
        .optional()
        .describe(
            "Member account IAM Identity Center's administration is delegated to; the management account's own assignments stay with the management account (AWS refuses them from a delegated administrator).",
        ),
    users: z
        .record(directoryUserName, directoryUserSchema)
        .default({})
        .describe("People of the Identity Center directory, keyed by user name (when the directory is Identity Center's own, not SCIM)."),
});
export type IdentityConfig = z.output<typeof identitySchema>;

export const identityConfigShape = {
    identity: identitySchema.default({ source: "iam-users", users: {} }).describe("Where people sign in from: IAM users, IAM Identity Center, or both during a migration. Absent: IAM users."),
};
