import { StackValidationPolicy } from "@pulumi/policy";
import { configSchema, GuardrailConfig, resolveConfig } from "../lib/config";
import { iamGraphOf, IamGraph } from "../lib/iamGraph";
import { msg } from "../lib/policy";
import { displayName, Res, stackViewOf } from "../lib/stack";
import { T } from "../lib/types";
import { cannotCheck, isUnknown } from "../lib/unknown";

export const PASSWORD_MINIMUMS = { minimumPasswordLength: 14, passwordReusePrevention: 1 };
const CLASSES = ["requireLowercaseCharacters", "requireUppercaseCharacters", "requireNumbers", "requireSymbols"];

const REMEDIATION = "Declare an aws.iam.AccountPasswordPolicy with minimumPasswordLength >= 14, passwordReusePrevention set, and all four character classes required; " +
    "add every IAM user to a group carrying the force-MFA policy (Deny of everything except MFA self-service when aws:MultiFactorAuthPresent is false, BoolIfExists).";

export function passwordPolicyFindings(policies: Res[]): { urn?: string; message: string }[] {
    if (policies.length === 0) return [{ message: "IAM users exist but no account password policy (aws:iam/accountPasswordPolicy:AccountPasswordPolicy) is declared." }];
    const out: { urn?: string; message: string }[] = [];
    for (const p of policies) {
        const problems: string[] = [];
        const len = p.props.minimumPasswordLength;
        if (isUnknown(len)) out.push({ urn: p.urn, message: cannotCheck("minimumPasswordLength") });
        else if (typeof len !== "number" || len < PASSWORD_MINIMUMS.minimumPasswordLength) problems.push(`minimumPasswordLength is ${len ?? "unset"} (minimum ${PASSWORD_MINIMUMS.minimumPasswordLength})`);
        const reuse = p.props.passwordReusePrevention;
        if (isUnknown(reuse)) out.push({ urn: p.urn, message: cannotCheck("passwordReusePrevention") });
        else if (typeof reuse !== "number" || reuse < PASSWORD_MINIMUMS.passwordReusePrevention) problems.push(`passwordReusePrevention is ${reuse ?? "unset"}`);
        for (const c of CLASSES) {
            if (isUnknown(p.props[c])) out.push({ urn: p.urn, message: cannotCheck(c) });
            else if (p.props[c] !== true) problems.push(`${c} is not true`);
        }
        if (problems.length > 0) out.push({ urn: p.urn, message: `The account password policy is too weak: ${problems.join("; ")}.` });
    }
    return out;
}

export function mfaGroupFindings(graph: IamGraph, users: Res[], cfg: GuardrailConfig): { urn: string; message: string }[] {
    const out: { urn: string; message: string }[] = [];
    for (const u of users) {
        const name = u.props.name;
        if (typeof name === "string" && cfg.serviceUsers.includes(name)) continue; // keys only, no console: MFA deny would lock them out
        const groups = graph.groupsOf(u);
        if (groups.some((g) => g.res && graph.enforcesMfa(g))) continue;
        const unresolved = groups.filter((g) => !g.res);
        if (unresolved.length > 0) out.push({ urn: u.urn, message: cannotCheck(`whether IAM user ${displayName(u)} is in a group enforcing MFA`, "some of its groups are unknown at preview or not managed by this stack") });
        else out.push({ urn: u.urn, message: `IAM user ${displayName(u)} is not in any group that enforces MFA (force-MFA deny with BoolIfExists aws:MultiFactorAuthPresent false).` });
    }
    return out;
}

export const userBaseline: StackValidationPolicy = {
    name: "iam-user-baseline",
    description: "Where IAM users exist: an account password policy meeting the minimums (length >= 14, reuse prevention, all character classes) and every user (except configured service users) in a group that enforces MFA.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    configSchema: configSchema("serviceUsers"),
    validateStack: (args, report) => {
        const cfg = resolveConfig(args.getConfig());
        const view = stackViewOf(args.resources);
        const users = view.ofType(T.user);
        if (users.length === 0) return;
        for (const f of passwordPolicyFindings(view.ofType(T.passwordPolicy))) report(msg(f.message, REMEDIATION), f.urn ?? users[0].urn);
        for (const f of mfaGroupFindings(iamGraphOf(view), users, cfg)) report(msg(f.message, REMEDIATION), f.urn);
    },
};
