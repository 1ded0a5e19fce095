import { ResourceValidationPolicy } from "@pulumi/policy";
import { federatedProviders, OIDC_CLAIMS } from "../lib/catalogue";
import { canApply, conditionBlocks } from "../lib/conditions";
import { forType, msg } from "../lib/policy";
import { conditionKeys, parseDocument, requiresMfa, Statement, stmtLabel, toArray } from "../lib/policy-document";
import { providerAccounts } from "../lib/stack";
import { T } from "../lib/types";
import { cannotCheck, isUnknown, plainProps, UNKNOWN_DOCUMENT_FIX, UNKNOWN_VALUE_FIX } from "../lib/unknown";

const REMEDIATION =
    "Name the trusted principals explicitly and, for a wildcard principal, restrict it with aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceArn/aws:SourceAccount or sts:ExternalId. " +
    'For roles people assume from another account add Condition {"Bool": {"aws:MultiFactorAuthPresent": "true"}}; a third-party service is trusted with sts:ExternalId. ' +
    "An OIDC trust pins who may assume the role: sub for GitHub Actions and EKS service accounts, aud for other providers.";

const MFA_CONDITION = 'Condition {"Bool": {"aws:MultiFactorAuthPresent": "true"}}';

/** Condition keys that restrict who may use a wildcard principal. */
const RESTRICTING = [
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "sts:externalid",
    "aws:principalservicename",
];

/** Conditions that scope a wildcard principal to whole accounts, i.e. to their people too. */
const PEOPLE_SCOPES = ["aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount"];

/** aws:PrincipalArn restricts the principal to roles only. */
function onlyRoles(s: Statement): boolean {
    const arns = Object.values(s.condition ?? {}).flatMap((kv) =>
        Object.entries(kv)
            .filter(([k]) => k.toLowerCase() === "aws:principalarn")
            .flatMap(([, v]) => v),
    );
    return arns.length > 0 && arns.every((a) => typeof a === "string" && /:role\//.test(a));
}

function awsPrincipals(s: Statement): unknown[] {
    const p = s.principal;
    if (p === "*") return ["*"];
    if (p && typeof p === "object" && !isUnknown(p)) {
        const aws = (p as Record<string, unknown>).AWS;
        return isUnknown(aws) ? [aws] : toArray(aws);
    }
    return [];
}

/** The account of a principal that is a person or an account (whose users are people), not a role or service. */
function peopleAccount(p: string): string | undefined {
    if (/^\d{12}$/.test(p)) return p;
    return /^arn:aws[a-z-]*:iam::(\d{12}):(root|user\/.+)$/.exec(p)?.[1];
}

/** Positive values (StringEquals/StringLike, set and IfExists variants included) of a key, or undefined when the key is not required. */
function requiredValues(s: Statement, key: string): unknown[] | undefined {
    const bs = conditionBlocks(s).filter((b) => b.key === key.toLowerCase() && !b.negated && /^String(Equals|Like)(IgnoreCase)?$/i.test(b.base));
    return bs.length === 0 ? undefined : bs.flatMap((b) => b.values);
}

/** A value unknown at preview is an output of a resource of the stack: one specific value. */
const specific = (pinned: (v: string) => boolean) => (v: unknown) => isUnknown(v) || (typeof v === "string" && pinned(v));

/** GitHub Actions sub values must name an owner ("repo:<owner>/...", or a custom claim template with the owner first). */
const githubPinned = specific((v) => /^[^*?:]+:[^*?/:]+[/:]/.test(v));
/** EKS sub values must not match every service account of every namespace. */
const eksPinned = specific((v) => !/^\*?$/.test(v) && !/^system:serviceaccount:[*?]*(:[*?]*)?$/.test(v));
const notWildcard = specific((v) => !/^[*?]*$/.test(v));

/** The provider keys of the statement's condition (token.actions.githubusercontent.com:sub...), grouped by provider URL. */
function providersFromKeys(s: Statement): string[] {
    const out = new Set<string>();
    for (const k of conditionKeys(s)) {
        const m = /^(.+\..+):([A-Za-z_]+)$/.exec(k);
        if (m && OIDC_CLAIMS.includes(m[2].toLowerCase()) && !/^(aws|sts|iam|saml)$/i.test(m[1])) out.add(m[1]);
    }
    return [...out];
}

/** Findings for a trust of a federated (OIDC, Cognito) provider: whose tokens may assume the role. */
function federatedFindings(s: Statement, provider: string): { problem: string; fix: string }[] {
    const label = `Trust policy ${stmtLabel(s)}`;
    if (provider === "saml") return [];
    const url = provider.replace(/^https:\/\//, "").replace(/\/$/, "");
    if (/^token\.actions\.githubusercontent\.com$/i.test(url)) {
        const sub = requiredValues(s, `${url}:sub`);
        if (sub === undefined)
            return [
                {
                    problem: `${label} trusts GitHub Actions without a ${url}:sub condition: any repository on GitHub can get a token with this audience and assume the role.`,
                    fix: `Add Condition {"StringLike": {"${url}:sub": "repo:<owner>/<repo>:ref:refs/heads/main"}} (or :environment:<name>) to ${stmtLabel(s)}.`,
                },
            ];
        const open = sub.filter((v) => !githubPinned(v));
        if (open.length > 0)
            return [
                {
                    problem: `${label} trusts GitHub Actions with ${url}:sub ${open.map((v) => JSON.stringify(v)).join(", ")}, which matches repositories of any owner.`,
                    fix: `Pin the owner and repository: "repo:<owner>/<repo>:..." in ${stmtLabel(s)}.`,
                },
            ];
        return [];
    }
    if (/^oidc\.eks\.[^/]+\.amazonaws\.com(\.cn)?\/id\//i.test(url)) {
        const sub = requiredValues(s, `${url}:sub`);
        if (sub === undefined)
            return [
                {
                    problem: `${label} trusts the EKS cluster's OIDC provider without a ${url}:sub condition: every service account of every namespace of the cluster can assume the role.`,
                    fix: `Add Condition {"StringEquals": {"${url}:sub": "system:serviceaccount:<namespace>:<service-account>"}} to ${stmtLabel(s)}.`,
                },
            ];
        const open = sub.filter((v) => !eksPinned(v));
        if (open.length > 0)
            return [
                {
                    problem: `${label}: ${url}:sub ${open.map((v) => JSON.stringify(v)).join(", ")} matches every service account of the cluster.`,
                    fix: `Name the namespace and service account ("system:serviceaccount:<namespace>:<name>") in ${stmtLabel(s)}.`,
                },
            ];
        return [];
    }
    // Other web identity providers (Cognito, Pulumi Cloud, Google, any OIDC issuer): the
    // audience or the subject must say which application or organization.
    const aud = requiredValues(s, `${url}:aud`);
    const sub = requiredValues(s, `${url}:sub`);
    const pinned = [aud, sub].some((vs) => vs !== undefined && vs.length > 0 && vs.every(notWildcard));
    if (pinned) return [];
    return [
        {
            problem: `${label} trusts every token of ${url}: no ${url}:aud or ${url}:sub condition pins the application or organization.`,
            fix: `Add Condition {"StringEquals": {"${url}:aud": "<your client ID, identity pool or organization>"}} to ${stmtLabel(s)}.`,
        },
    ];
}

/**
 * Trust policy findings. `ownAccounts` are the accounts the role's provider is pinned to: a
 * trust of one of them is same-account, which the MFA rule for other accounts does not cover.
 */
export function trustFindings(props: Record<string, unknown>, ownAccounts: readonly string[] = []): { problem: string; fix: string }[] {
    const doc = parseDocument(props.assumeRolePolicy);
    if (doc.kind === "unknown") return [{ problem: cannotCheck("the trust policy (assumeRolePolicy)", "the whole document is unknown at preview"), fix: UNKNOWN_DOCUMENT_FIX }];
    if (doc.kind === "invalid") return [{ problem: `assumeRolePolicy: ${doc.error}.`, fix: "Pass valid JSON (JSON.stringify of the document object, or the object itself)." }];
    if (doc.kind !== "ok") return [];
    const out: { problem: string; fix: string }[] = [];
    const unknownPrincipals: string[] = [];
    for (const s of doc.statements) {
        if (s.effect !== "Allow" || !canApply(s)) continue;
        if (isUnknown(s.principal)) {
            unknownPrincipals.push(stmtLabel(s));
            continue;
        }
        for (const provider of federatedProviders(s)) {
            if (provider !== "unknown") {
                out.push(...federatedFindings(s, provider));
                continue;
            }
            // A provider of the same stack (ARN unknown at preview): its keys name it.
            const named = providersFromKeys(s);
            if (named.length === 0 && conditionKeys(s).length === 0) unknownPrincipals.push(stmtLabel(s));
            for (const p of named) out.push(...federatedFindings(s, p));
        }
        const principals = awsPrincipals(s);
        const keys = conditionKeys(s).map((k) => k.toLowerCase());
        if (principals.includes("*")) {
            if (!keys.some((k) => RESTRICTING.includes(k))) {
                out.push({
                    problem: `Trust policy ${stmtLabel(s)}: wildcard principal "*" without a condition restricting who may assume the role (anyone in any AWS account could).`,
                    fix: `Name the principals in ${stmtLabel(s)}, or add a condition on aws:PrincipalOrgID, aws:PrincipalArn, aws:SourceAccount or sts:ExternalId.`,
                });
            } else if (keys.some((k) => PEOPLE_SCOPES.includes(k)) && !onlyRoles(s) && !requiresMfa(s)) {
                // Restricted to accounts (of the organization), not to services or named roles:
                // people of those accounts may assume it, so MFA applies as for account principals.
                out.push({
                    problem: `Trust policy ${stmtLabel(s)}: wildcard principal restricted to accounts lets people of those accounts assume this role without MFA (no aws:MultiFactorAuthPresent condition).`,
                    fix: `Add ${MFA_CONDITION} to ${stmtLabel(s)}, or restrict it to roles with ArnLike aws:PrincipalArn arn:aws:iam::*:role/<name>.`,
                });
            }
            continue;
        }
        // Unknown elements are outputs of resources of the stack (this account's roles or users).
        const people = principals.filter((p): p is string => typeof p === "string" && peopleAccount(p) !== undefined && !ownAccounts.includes(peopleAccount(p)!));
        const thirdParty = (requiredValues(s, "sts:ExternalId") ?? []).length > 0;
        if (people.length > 0 && !requiresMfa(s) && !thirdParty) {
            out.push({
                problem: `Trust policy ${stmtLabel(s)}: ${people.join(", ")} (another account) may assume this role without MFA (no aws:MultiFactorAuthPresent condition).`,
                fix:
                    `Add ${MFA_CONDITION} to ${stmtLabel(s)}; for a third-party service, require its external ID (StringEquals sts:ExternalId); ` +
                    `if ${[...new Set(people.map(peopleAccount))].join(", ")} is this stack's own account, pin the AWS provider to it with allowedAccountIds.`,
            });
        }
    }
    if (unknownPrincipals.length > 0) out.push({ problem: cannotCheck(`who may assume the role (the principal of trust policy ${unknownPrincipals.join(", ")})`), fix: UNKNOWN_VALUE_FIX });
    return out;
}

export const trustPolicy: ResourceValidationPolicy = {
    name: "iam-trust-policy",
    description:
        "Role trust policies: no wildcard principal without a restricting condition; roles people assume from another account require MFA (aws:MultiFactorAuthPresent); OIDC trusts pin the repository, service account or audience.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateResource: forType(T.role, (args, report) => {
        const own = providerAccounts(args.provider ? plainProps(args.provider.props) : undefined);
        for (const f of trustFindings(plainProps(args.props), own)) report(msg(f.problem, f.fix));
    }),
};
