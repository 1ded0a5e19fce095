import { StackValidationPolicy } from "@pulumi/policy";
import { configSchema, GuardrailConfig, resolveConfig } from "../lib/config";
import { iamGraphOf, IamGraph } from "../lib/iam-graph";
import { Finding, msg } from "../lib/policy";
import { displayName, Res, resolveRef, StackView, stackViewOf } from "../lib/stack";
import { T } from "../lib/types";
import { cannotCheck, isUnknown, UNKNOWN_VALUE_FIX } from "../lib/unknown";

export const PASSWORD_MINIMUMS = { minimumPasswordLength: 14, passwordReusePrevention: 1 };
const CLASSES = ["requireLowercaseCharacters", "requireUppercaseCharacters", "requireNumbers", "requireSymbols"];

const REMEDIATION =
    "Declare an aws.iam.AccountPasswordPolicy with minimumPasswordLength >= 14, passwordReusePrevention set, and all four character classes required " +
    "(required in a stack only when requireAccountPasswordPolicy is set: the stack that owns the account's settings); " +
    "add every person to a group carrying the force-MFA policy (Deny of everything except MFA self-service when aws:MultiFactorAuthPresent is false, BoolIfExists).";

const PASSWORD_SETTINGS = "minimumPasswordLength: 14, passwordReusePrevention: 24, requireLowercaseCharacters: true, requireUppercaseCharacters: true, requireNumbers: true, requireSymbols: true";
const PASSWORD_FIX = `new aws.iam.AccountPasswordPolicy("passwords", { ${PASSWORD_SETTINGS} })`;

/** Password policy findings; `required`: a stack with users must declare one (requireAccountPasswordPolicy). */
export function passwordPolicyFindings(policies: Res[], required = true): Finding[] {
    if (policies.length === 0) {
        return required
            ? [
                  {
                      problem:
                          "IAM users exist but no account password policy (aws:iam/accountPasswordPolicy:AccountPasswordPolicy) is declared, and requireAccountPasswordPolicy is set for this stack.",
                      fix: `Declare ${PASSWORD_FIX}, or unset requireAccountPasswordPolicy if another stack owns the account's password policy.`,
                  },
              ]
            : [];
    }
    const out: Finding[] = [];
    for (const p of policies) {
        const problems: string[] = [];
        const unknown: string[] = [];
        const len = p.props.minimumPasswordLength;
        if (isUnknown(len)) unknown.push("minimumPasswordLength");
        else if (typeof len !== "number" || len < PASSWORD_MINIMUMS.minimumPasswordLength)
            problems.push(`minimumPasswordLength is ${len ?? "unset"} (minimum ${PASSWORD_MINIMUMS.minimumPasswordLength})`);
        const reuse = p.props.passwordReusePrevention;
        if (isUnknown(reuse)) unknown.push("passwordReusePrevention");
        else if (typeof reuse !== "number" || reuse < PASSWORD_MINIMUMS.passwordReusePrevention) problems.push(`passwordReusePrevention is ${reuse ?? "unset"}`);
        for (const c of CLASSES) {
            if (isUnknown(p.props[c])) unknown.push(c);
            else if (p.props[c] !== true) problems.push(`${c} is not true`);
        }
        if (unknown.length > 0) out.push({ urn: p.urn, problem: cannotCheck(`${unknown.join(", ")} of the account password policy ${displayName(p)}`), fix: UNKNOWN_VALUE_FIX });
        if (problems.length > 0) out.push({ urn: p.urn, problem: `The account password policy ${displayName(p)} is too weak: ${problems.join("; ")}.`, fix: `Set ${PASSWORD_SETTINGS}.` });
    }
    return out;
}

/**
 * Users the stack gives an access key and no console password (no UserLoginProfile): machine
 * users. A force-MFA group would lock them out; iam-no-user-access-keys governs their keys.
 */
export function machineUsers(view: StackView): Set<string> {
    const withKey = new Set<string>();
    const withLogin = new Set<string>();
    for (const [type, set] of [
        [T.accessKey, withKey],
        [T.loginProfile, withLogin],
    ] as const) {
        for (const r of view.ofType(type)) {
            const ref = resolveRef(view, r, "user", [T.user], ["name", "id"]);
            if (ref.kind === "resources") ref.targets.forEach((u) => set.add(u.urn));
        }
    }
    return new Set([...withKey].filter((u) => !withLogin.has(u)));
}

export function mfaGroupFindings(graph: IamGraph, users: Res[], cfg: GuardrailConfig, machines: Set<string> = new Set()): Finding[] {
    const out: Finding[] = [];
    for (const u of users) {
        const name = u.props.name;
        if (typeof name === "string" && cfg.serviceUsers.includes(name)) continue; // keys only, no console: MFA deny would lock them out
        if (machines.has(u.urn)) continue;
        const groups = graph.groupsOf(u);
        if (groups.some((g) => g.res && graph.enforcesMfa(g))) continue;
        const unresolved = groups.filter((g) => !g.res);
        const fix =
            `Add ${displayName(u)} to a group with the force-MFA deny (Deny NotAction [MFA self-service actions] when BoolIfExists aws:MultiFactorAuthPresent is false); ` +
            `if it is a machine user without console access, list "${typeof name === "string" ? name : u.name}" in serviceUsers of iam-user-baseline (and of iam-no-user-access-keys).`;
        if (unresolved.length > 0)
            out.push({
                urn: u.urn,
                problem: cannotCheck(`whether IAM user ${displayName(u)} is in a group enforcing MFA`, "some of its groups are unknown at preview or not managed by this stack"),
                fix,
            });
        else out.push({ urn: u.urn, problem: `IAM user ${displayName(u)} is not in any group that enforces MFA (force-MFA deny with BoolIfExists aws:MultiFactorAuthPresent false).`, fix });
    }
    return out;
}

export const userBaseline: StackValidationPolicy = {
    name: "iam-user-baseline",
    description:
        "Where IAM users exist: every person (users other than configured service users and machine users with only an access key) in a group that enforces MFA; a declared account password policy meets the minimums (length >= 14, reuse prevention, all character classes), and, with requireAccountPasswordPolicy, one is declared.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    configSchema: configSchema("serviceUsers", "requireAccountPasswordPolicy"),
    validateStack: (args, report) => {
        const cfg = resolveConfig(args.getConfig());
        const view = stackViewOf(args.resources);
        const users = view.ofType(T.user);
        const passwordPolicies = view.ofType(T.passwordPolicy);
        if (users.length === 0 && passwordPolicies.length === 0) return;
        for (const f of passwordPolicyFindings(passwordPolicies, cfg.requireAccountPasswordPolicy && users.length > 0)) report(msg(f.problem, f.fix), f.urn ?? users[0]?.urn);
        for (const f of mfaGroupFindings(iamGraphOf(view), users, cfg, machineUsers(view))) report(msg(f.problem, f.fix), f.urn);
    },
};
