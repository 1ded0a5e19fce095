// IAM Identity Center: permission sets' sessions, and where account assignments may go. The
// permission sets' policies themselves (inline, AWS and customer managed, boundary) are judged
// with every other identity policy: see lib/iam-graph.ts (escalation, full admin, sizes) and
// lib/resource-docs.ts (PassRole, NotAction, valid elements, tag isolation).
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { configSchema, GuardrailConfig, isProduction, resolveConfig } from "../lib/config";
import { Finding, forType, msg } from "../lib/policy";
import { displayName, resolveRef, Res, stackViewOf, StackView } from "../lib/stack";
import { readTag } from "../lib/tags";
import { T } from "../lib/types";
import { cannotCheck, isUnknown, plainProps, UNKNOWN_VALUE_FIX } from "../lib/unknown";

/** IAM Identity Center allows a permission set session of at most 12 hours. */
export const MAX_SESSION_SECONDS = 12 * 3600;

/**
 * Seconds of an ISO 8601 duration (`PT8H`, `PT1H30M`, `P1D`), or undefined when the text is not
 * one. Years and months count as 365 and 30 days (far beyond the limit either way).
 */
export function durationSeconds(text: string): number | undefined {
    const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
    if (!m || text === "P" || text.endsWith("T")) return undefined;
    const [years, months, weeks, days, hours, minutes, seconds] = m.slice(1).map((v) => Number(v ?? 0));
    return (((years * 365 + months * 30 + weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds;
}

const SESSION_REMEDIATION = "Set sessionDuration to an ISO 8601 duration of at most PT12H (for example PT4H): a person's session then ends within a working day.";

export function sessionFindings(props: Record<string, unknown>): { problem: string; fix: string }[] {
    const d = props.sessionDuration;
    const name = typeof props.name === "string" ? `Permission set ${props.name}` : "The permission set";
    if (isUnknown(d)) return [{ problem: cannotCheck(`the session duration of ${name.replace(/^Permission/, "permission")}`), fix: UNKNOWN_VALUE_FIX }];
    if (d === undefined || d === null || d === "") {
        return [
            {
                problem: `${name} sets no session duration: the length of its sessions is whatever Identity Center defaults to, not something this program states and reviews.`,
                fix: SESSION_REMEDIATION,
            },
        ];
    }
    const seconds = typeof d === "string" ? durationSeconds(d) : undefined;
    if (seconds === undefined) return [{ problem: `${name} has session duration ${JSON.stringify(d)}, which is not an ISO 8601 duration.`, fix: SESSION_REMEDIATION }];
    if (seconds > MAX_SESSION_SECONDS)
        return [{ problem: `${name} has session duration ${d} (${(seconds / 3600).toFixed(1).replace(/\.0$/, "")} hours); IAM Identity Center allows at most 12 hours.`, fix: SESSION_REMEDIATION }];
    return [];
}

export const ssoPermissionSetSession: ResourceValidationPolicy = {
    name: "sso-permission-set-session",
    description: "Every IAM Identity Center permission set states its session duration, at most 12 hours (ISO 8601, e.g. PT4H).",
    remediationSteps: SESSION_REMEDIATION,
    enforcementLevel: "mandatory",
    validateResource: forType(T.permissionSet, (args, report) => {
        for (const f of sessionFindings(plainProps(args.props))) report(msg(f.problem, f.fix));
    }),
};

const ASSIGNMENT_REMEDIATION =
    "Assign permission sets only to accounts of the organization (an aws.organizations.Account of the stack, its organization's management account, or an ID listed in organizationAccountIds), " +
    "and in production accounts only the production permission sets.";

/** The account an assignment targets: a stack account, the stack's organization (its management account), a literal ID, or unknown. */
function assignmentTarget(view: StackView, a: Res): { kind: "account"; res: Res } | { kind: "management" } | { kind: "id"; id: string } | { kind: "unknown" } | { kind: "absent" } {
    const ref = resolveRef(view, a, "targetId", [T.account, T.organization], ["id"]);
    if (ref.kind === "resources") {
        const t = ref.targets[0];
        return t.type === T.organization ? { kind: "management" } : { kind: "account", res: t };
    }
    if (ref.kind === "external") return { kind: "id", id: ref.value };
    return ref;
}

export function assignmentFindings(view: StackView, cfg: GuardrailConfig): Finding[] {
    const out: Finding[] = [];
    const key = cfg.environmentTagKey;
    for (const a of view.ofType(T.accountAssignment)) {
        const type = a.props.targetType;
        if (typeof type === "string" && type !== "AWS_ACCOUNT") continue;
        const target = assignmentTarget(view, a);
        const what = `Account assignment ${displayName(a)}`;
        if (target.kind === "unknown") {
            out.push({
                urn: a.urn,
                problem: cannotCheck(`which account ${what.replace(/^Account/, "account")} targets`, "its targetId is unknown at preview and no account or organization of this stack feeds it"),
                fix: "Take targetId from an aws.organizations.Account of the stack (account.id), or list the account's ID in organizationAccountIds.",
            });
            continue;
        }
        if (target.kind === "id") {
            if (!cfg.organizationAccountIds.includes(target.id)) {
                out.push({
                    urn: a.urn,
                    problem: `${what} targets account ${target.id}, which is not an account of this stack's organization: a permission set there hands people of this directory access to an account the organization does not govern (no SCP, no guardrail).`,
                    fix: `Target an account of the organization; if ${target.id} is one that this stack does not declare, add it to organizationAccountIds in the sso-account-assignments policy config.`,
                });
            }
            continue;
        }
        if (target.kind !== "account") continue;
        // In a production account, only permission sets of a production environment.
        const accountEnv = readTag(target.res.props, key);
        if (typeof accountEnv !== "string" || !isProduction(accountEnv, cfg)) continue;
        const sets = resolveRef(view, a, "permissionSetArn", [T.permissionSet], ["arn"]);
        if (sets.kind !== "resources") continue;
        for (const ps of sets.targets) {
            const env = readTag(ps.props, key);
            if (isUnknown(env)) {
                out.push({
                    urn: a.urn,
                    problem: cannotCheck(`the ${key} tag of permission set ${displayName(ps)} (${what} in production account ${displayName(target.res)})`),
                    fix: UNKNOWN_VALUE_FIX,
                });
                continue;
            }
            if (typeof env === "string" && !isProduction(env, cfg)) {
                out.push({
                    urn: a.urn,
                    problem: `${what} assigns permission set ${displayName(ps)} (${key}=${env}) in production account ${displayName(target.res)} (${key}=${accountEnv}): a level granted for ${env} reaches production.`,
                    fix: `Assign the production permission set of the team's production level instead (tagged ${key}=${accountEnv}), or remove the assignment.`,
                });
            }
        }
    }
    return out;
}

export const ssoAccountAssignments: StackValidationPolicy = {
    name: "sso-account-assignments",
    description: "IAM Identity Center account assignments target only accounts of the organization, and production accounts only get permission sets of a production environment.",
    remediationSteps: ASSIGNMENT_REMEDIATION,
    enforcementLevel: "mandatory",
    configSchema: configSchema("environmentTagKey", "productionEnvironments", "organizationAccountIds"),
    validateStack: (args, report) => {
        const cfg = resolveConfig(args.getConfig());
        for (const f of assignmentFindings(stackViewOf(args.resources), cfg)) report(msg(f.problem, f.fix), f.urn);
    },
};
