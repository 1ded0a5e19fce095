import { ResourceValidationPolicy } from "@pulumi/policy";
import { forType, msg } from "../lib/policy";
import { conditionKeys, parseDocument, requiresMfa, Statement, stmtLabel, toArray } from "../lib/policyDocument";
import { T } from "../lib/types";
import { cannotCheck, isUnknown, plainProps } from "../lib/unknown";

const REMEDIATION = "Name the trusted principals explicitly and, for a wildcard principal, restrict it with aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceArn/aws:SourceAccount or sts:ExternalId. " +
    "For roles people assume from another account add Condition {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}}.";

/** Condition keys that restrict who may use a wildcard principal. */
const RESTRICTING = ["aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn", "aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths", "sts:externalid", "aws:principalservicename"];

/** Conditions that scope a wildcard principal to whole accounts, i.e. to their people too. */
const PEOPLE_SCOPES = ["aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount"];

/** aws:PrincipalArn restricts the principal to roles only. */
function onlyRoles(s: Statement): boolean {
    const arns = Object.values(s.condition ?? {}).flatMap((kv) => Object.entries(kv).filter(([k]) => k.toLowerCase() === "aws:principalarn").flatMap(([, v]) => v));
    return arns.length > 0 && arns.every((a) => typeof a === "string" && /:role\//.test(a));
}

function awsPrincipals(s: Statement): unknown[] {
    const p = s.principal;
    if (p === "*") return ["*"];
    if (isUnknown(p)) return [p];
    if (p && typeof p === "object") {
        const aws = (p as Record<string, unknown>).AWS;
        return isUnknown(aws) ? [aws] : toArray(aws);
    }
    return [];
}

/** A principal that is a person or an account (whose users are people), not a role or service. */
function isPeoplePrincipal(p: string): boolean {
    return /^\d{12}$/.test(p) || /^arn:aws[a-z-]*:iam::\d{12}:(root|user\/.+)$/.test(p);
}

export function trustFindings(props: Record<string, unknown>): string[] {
    const doc = parseDocument(props.assumeRolePolicy);
    if (doc.kind === "unknown") return [cannotCheck("the trust policy (assumeRolePolicy)")];
    if (doc.kind === "invalid") return [`assumeRolePolicy: ${doc.error}.`];
    if (doc.kind !== "ok") return [];
    const out: string[] = [];
    for (const s of doc.statements) {
        if (s.effect !== "Allow") continue;
        const principals = awsPrincipals(s);
        if (principals.some(isUnknown)) { out.push(cannotCheck(`the principals of the trust policy, ${stmtLabel(s)}`)); continue; }
        const keys = conditionKeys(s).map((k) => k.toLowerCase());
        if (principals.includes("*")) {
            if (!keys.some((k) => RESTRICTING.includes(k))) {
                out.push(`Trust policy ${stmtLabel(s)}: wildcard principal "*" without a condition restricting who may assume the role (anyone in any AWS account could).`);
            } else if (keys.some((k) => PEOPLE_SCOPES.includes(k)) && !onlyRoles(s) && !requiresMfa(s)) {
                // Restricted to accounts (of the organization), not to services or named roles:
                // people of those accounts may assume it, so MFA applies as for account principals.
                out.push(`Trust policy ${stmtLabel(s)}: wildcard principal restricted to accounts lets people of those accounts assume this role without MFA (no aws:MultiFactorAuthPresent condition).`);
            }
            continue;
        }
        const people = principals.filter((p): p is string => typeof p === "string" && isPeoplePrincipal(p));
        if (people.length > 0 && !requiresMfa(s)) {
            out.push(`Trust policy ${stmtLabel(s)}: ${people.join(", ")} may assume this role without MFA (no aws:MultiFactorAuthPresent condition).`);
        }
    }
    return out;
}

export const trustPolicy: ResourceValidationPolicy = {
    name: "iam-trust-policy",
    description: "Role trust policies: no wildcard principal without a restricting condition; roles people assume from another account require MFA (aws:MultiFactorAuthPresent).",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateResource: forType(T.role, (args, report) => {
        for (const f of trustFindings(plainProps(args.props))) report(msg(f, REMEDIATION));
    }),
};
