/**
 * Test support for the access section: plans of the shipped stacks, rendered documents, and an
 * IAM request simulator (@cloud-copilot/iam-simulate, AGPL: tests only) wrapped to answer
 * "may a member of team T do X in environment E?" from the planned documents alone.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { AccessPlan, RolePlan } from "../../components/access/plan";
import type { IdentityPlan } from "../../components/identity/plan";
import { PolicyDocument, renderDocument } from "../../components/access/policies";
import { ConfigError } from "../../components/config";
import { LandingZonePlan, planFromRawConfig } from "../../components/plan";
import { fakeAccountId, rawStackConfig } from "../helpers/program";

export const MANAGEMENT_ID = "111111111111";
export const ORG_ID = "o-exampleorg1";
export const REGION = "eu-west-1";

/** Problems of a raw config, as `{ key, message }`; [] when it parses. */
export function configProblems(raw: Record<string, unknown>): { key: string; message: string }[] {
    try {
        planFromRawConfig(raw);
        return [];
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        return e.problems.map((p) => ({ key: p.key, message: p.message }));
    }
}

export interface Stack {
    name: string;
    plan: LandingZonePlan;
    access: AccessPlan;
    /** IAM Identity Center's permission sets and assignments, where people sign in through it. */
    identity?: IdentityPlan;
    /** Fake account ID by account key (`management` included). */
    accountId(key: string): string;
}

/**
 * Stacks the access tests run on: the two shipped ones, and a hybrid variant of prod (one
 * shared non-production account for dev, test and staging; prod alone).
 */
export const STACKS = ["dev", "prod", "hybrid"];

/** The same with IAM Identity Center as the identity source: the shipped prod-sso stack, and its hybrid variant. */
export const IDENTITY_CENTER_STACKS = ["prod-sso", "hybrid-sso"];

export function hybridOverride(): Record<string, unknown> {
    const accounts = { ...(rawStackConfig("prod").accounts as Record<string, Record<string, unknown>>) };
    delete accounts.dev;
    delete accounts.test;
    delete accounts.staging;
    accounts.nonprod = {
        name: "app1-nonprod",
        email: "aws+app1-nonprod@example.com",
        ou: "workloads-nonprod",
        environments: ["dev", "test", "staging"],
        owner: "platform-team@example.com",
    };
    return { layout: "hybrid", accounts };
}

export function loadStack(name: string, override: Record<string, unknown> = {}): Stack {
    if (name === "hybrid") return { ...loadStack("prod", { ...hybridOverride(), ...override }), name: "hybrid" };
    if (name === "hybrid-sso") return { ...loadStack("prod-sso", { ...hybridOverride(), ...override }), name: "hybrid-sso" };
    const plan = planFromRawConfig({ ...rawStackConfig(name), ...override });
    const ids: Record<string, string> = { management: MANAGEMENT_ID };
    for (const a of plan.accounts) ids[a.key] = fakeAccountId(a.name);
    return { name, plan, access: plan.access, identity: plan.identity, accountId: (k) => ids[k] };
}

export function render(stack: Stack, doc: PolicyDocument): Record<string, any> {
    const accountIds: Record<string, string> = {};
    for (const a of stack.plan.accounts) accountIds[a.key] = stack.accountId(a.key);
    return JSON.parse(renderDocument(doc, { partition: "aws", managementAccountId: MANAGEMENT_ID, accountIds }));
}

export function policyDoc(stack: Stack, key: string): Record<string, any> {
    const p = stack.access.policies.find((x) => x.key === key);
    if (!p) throw new Error(`no planned policy ${key}`);
    return render(stack, p.document);
}

/**
 * Stand-ins for the AWS managed job policies (the simulator has no copy of them).
 * PowerUserAccess and AdministratorAccess are AWS's published text; ReadOnlyAccess is reduced
 * to the read actions of the services these tests exercise (its real text is thousands of
 * read-only actions).
 */
export const AWS_MANAGED: Record<string, Record<string, any>> = {
    AdministratorAccess: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
    PowerUserAccess: {
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" },
            {
                Effect: "Allow",
                Action: [
                    "account:GetAccountInformation",
                    "account:GetPrimaryEmail",
                    "account:ListRegions",
                    "iam:CreateServiceLinkedRole",
                    "iam:DeleteServiceLinkedRole",
                    "iam:ListRoles",
                    "organizations:DescribeOrganization",
                ],
                Resource: "*",
            },
        ],
    },
    ReadOnlyAccess: {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: [
                    "ec2:Describe*",
                    "ec2:Get*",
                    "dynamodb:Describe*",
                    "dynamodb:Get*",
                    "dynamodb:List*",
                    "dynamodb:Query",
                    "dynamodb:Scan",
                    "dynamodb:BatchGetItem",
                    "lambda:Get*",
                    "lambda:List*",
                    "s3:Get*",
                    "s3:List*",
                    "logs:Describe*",
                    "logs:Get*",
                    "logs:FilterLogEvents",
                    "rds:Describe*",
                    "iam:Get*",
                    "iam:List*",
                ],
                Resource: "*",
            },
        ],
    },
};

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface Request {
    principal: string;
    action: string;
    resource: string;
    resourceAccount: string;
    context: Record<string, string | string[]>;
    identityPolicies: Record<string, any>[];
    boundary?: Record<string, any>;
    resourcePolicy?: Record<string, any>;
}

export async function decide(r: Request): Promise<Decision> {
    const result = await runSimulation(
        {
            request: {
                principal: r.principal,
                action: r.action,
                resource: { resource: r.resource, accountId: r.resourceAccount },
                contextVariables: { ...principalContext(r.principal), ...r.context },
            },
            identityPolicies: r.identityPolicies.map((policy, i) => ({ name: `p${i}`, policy })),
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: r.resourcePolicy,
            permissionBoundaryPolicies: r.boundary ? [{ name: "boundary", policy: r.boundary }] : undefined,
        },
        {},
    );
    if (result.resultType === "error") throw new Error(`simulation failed: ${JSON.stringify(result.errors)}`);
    return result.overallResult as Decision;
}

/** Keys AWS sets from the caller itself (the simulator takes the whole context from the test). */
function principalContext(principal: string): Record<string, string> {
    const m = /^arn:aws:iam::(\d{12}):(user|role)\/(?:.*\/)?([^/]+)$/.exec(principal);
    if (!m) return {};
    return {
        "aws:PrincipalArn": principal,
        "aws:PrincipalAccount": m[1],
        "aws:PrincipalType": m[2] === "user" ? "User" : "AssumedRole",
        ...(m[2] === "user" ? { "aws:username": m[3] } : {}),
    };
}

/** Context of a person signed in with MFA a minute ago, inside the organization. */
export function mfaContext(extra: Record<string, string | string[]> = {}): Record<string, string | string[]> {
    return {
        "aws:MultiFactorAuthPresent": "true",
        "aws:MultiFactorAuthAge": "60",
        "aws:PrincipalOrgID": ORG_ID,
        "aws:ResourceOrgID": ORG_ID,
        ...extra,
    };
}

/** Identity policies of the team's group (plus the all-users group) in the identity account. */
export function teamIdentityPolicies(stack: Stack, team: string): Record<string, any>[] {
    const keys = ["all-users", team].flatMap((g) => stack.access.groups.find((x) => x.key === g)?.policyKeys ?? []);
    return keys.map((k) => policyDoc(stack, k));
}

/** Identity policies and boundary of a planned role. */
export function roleIdentity(stack: Stack, role: RolePlan): { policies: Record<string, any>[]; boundary?: Record<string, any> } {
    return {
        policies: [...role.managedPolicyArns.map((arn) => AWS_MANAGED[arn.split("/").pop()!]), ...role.policyKeys.map((k) => policyDoc(stack, k))],
        boundary: role.boundaryKey ? policyDoc(stack, role.boundaryKey) : undefined,
    };
}

export const userArn = (stack: Stack, user: string) => `arn:aws:iam::${stack.accountId(stack.access.identityAccount)}:user/${user}`;
export const roleArn = (stack: Stack, role: RolePlan) => `arn:aws:iam::${stack.accountId(role.account)}:role${role.path}${role.name}`;
