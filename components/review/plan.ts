/**
 * The read-only review role (`/landing-zone/lz-review`), planned as plain data. Pure: no Pulumi
 * import, no I/O.
 *
 * The estate review (`npm run review`, tools/review) reads every account through this role. Its
 * permissions are exactly the read calls the review's collector makes, no more: no action that
 * reads data (S3 objects, secrets, parameters, logs, database contents), only IAM metadata, the
 * credential report, the running instances, the organization's structure and policies, and the
 * budgets. The organization and budget reads are granted in the management account only (the
 * Organizations API answers there, and the landing zone's budgets live there); SCPs do not apply
 * to the management account, so they cannot block those reads.
 *
 * Trust: only the CI review role of the management account (`review.ciRoleName`), matched by its
 * exact ARN. The principal is `*` narrowed by `aws:PrincipalArn`: an ARN principal would be
 * rewritten by IAM to the role's unique ID and break when the CI role is recreated, and an
 * account principal would also admit that account's people.
 */
import { MANAGEMENT_ACCOUNT, PARTITION } from "../access/policies";
import { tagLimitProblems } from "../fields";
import { DEPLOYMENT_ACCOUNT, type CorePlan } from "../organization/plan";
import type { PolicyDocument } from "../policy-document";
import type { Planned } from "../problems";
import { DEFAULT_CI_REVIEW_ROLE_NAME } from "./config";

export const REVIEW_ROLE_NAME = "lz-review";
export const REVIEW_ROLE_PATH = "/landing-zone/";
export const REVIEW_POLICY_NAME = "lz-review-read";

/** What the collector calls in every account it reads. */
export const ACCOUNT_READ_ACTIONS = ["iam:GetAccountAuthorizationDetails", "iam:GenerateCredentialReport", "iam:GetCredentialReport", "ec2:DescribeRegions", "ec2:DescribeInstances"] as const;

/** What the collector calls in the management account only (Organizations layouts). */
export const ORGANIZATION_READ_ACTIONS = [
    "organizations:DescribeOrganization",
    "organizations:ListRoots",
    "organizations:ListOrganizationalUnitsForParent",
    "organizations:ListAccountsForParent",
    "organizations:ListPolicies",
    "organizations:DescribePolicy",
    "organizations:ListTargetsForPolicy",
] as const;

/** Budgets are read where the landing zone creates them: the deployment (management) account. */
export const BUDGET_READ_ACTIONS = ["budgets:ViewBudget"] as const;

export interface ReviewRolePlan {
    /** `<account>/lz-review`. */
    key: string;
    /** Account key (`management` = the account Pulumi deploys to). */
    account: string;
    name: string;
    path: string;
    description: string;
    /** Trust policy, with placeholders. */
    trust: PolicyDocument;
    /** Name of the role's inline policy. */
    policyName: string;
    /** The role's only permissions, with placeholders. */
    policy: PolicyDocument;
    tags: Record<string, string>;
    maxSessionDuration: number;
}

/** The CI role's ARN in the management account (placeholders filled at deploy). */
export function ciRoleArn(ciRoleName: string): string {
    return `arn:${PARTITION}:iam::${MANAGEMENT_ACCOUNT}:role/${ciRoleName}`;
}

export function reviewTrust(ciRoleName: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ReviewFromCiRole",
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: ["sts:AssumeRole"],
                Condition: { ArnEquals: { "aws:PrincipalArn": ciRoleArn(ciRoleName) } },
            },
        ],
    };
}

/** The read permissions of the role in one account. */
export function reviewPolicy(opts: { management: boolean; organization: boolean }): PolicyDocument {
    const statements: PolicyDocument["Statement"] = [{ Sid: "ReadIamAndInstances", Effect: "Allow", Action: [...ACCOUNT_READ_ACTIONS], Resource: ["*"] }];
    if (opts.management && opts.organization) {
        statements.push({ Sid: "ReadOrganization", Effect: "Allow", Action: [...ORGANIZATION_READ_ACTIONS], Resource: ["*"] });
    }
    if (opts.management) {
        statements.push({
            Sid: "ReadBudgets",
            Effect: "Allow",
            Action: [...BUDGET_READ_ACTIONS],
            Resource: [`arn:${PARTITION}:budgets::${MANAGEMENT_ACCOUNT}:budget/*`],
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}

/** The review section's planner: the roles, and their tags within AWS's limit. */
export function planReview(core: CorePlan): Planned<ReviewRolePlan[]> {
    const plan = planReviewRoles(core);
    return { plan, problems: tagLimitProblems(plan.map((r) => ({ label: `role ${r.name} in account ${r.account}`, tags: r.tags, path: ["tags"] }))) };
}

/** One review role in the deployment account and one in every member account. */
export function planReviewRoles(plan: CorePlan): ReviewRolePlan[] {
    const ciRoleName = plan.config.review?.ciRoleName ?? DEFAULT_CI_REVIEW_ROLE_NAME;
    const organization = plan.organization !== undefined;
    const accounts = [DEPLOYMENT_ACCOUNT, ...plan.accounts.map((a) => a.key)];
    return accounts.map((account) => ({
        key: `${account}/${REVIEW_ROLE_NAME}`,
        account,
        name: REVIEW_ROLE_NAME,
        path: REVIEW_ROLE_PATH,
        description: "Read-only estate review (npm run review): IAM metadata, credential report, instances, organization, budgets; no data",
        trust: reviewTrust(ciRoleName),
        policyName: REVIEW_POLICY_NAME,
        policy: reviewPolicy({ management: account === DEPLOYMENT_ACCOUNT, organization }),
        tags: { ...plan.commonTags },
        maxSessionDuration: 3600,
    }));
}
