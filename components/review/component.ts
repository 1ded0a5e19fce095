/**
 * Registers the review roles (./plan.ts) in every account. Thin: every decision is in the plan.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { renderText } from "../access/policies";
import { childScopes, formerAliases, type FormerScope } from "../aliases";
import { DEPLOYMENT_ACCOUNT } from "../organization/plan";
import type { ReviewRolePlan } from "./plan";

export const REVIEW_ROLE_TYPE = "landing-zone:review:ReviewRole";

export interface ReviewRoleArgs {
    plan: ReviewRolePlan;
    /** Fills the documents' placeholders. */
    render: (text: string) => pulumi.Input<string>;
    /** Provider acting inside the account; undefined for the account Pulumi deploys to. */
    provider?: aws.Provider;
    /** This component's URNs under the account's former keys (a renamed account). */
    formerScopes?: FormerScope[];
}

export class ReviewRole extends pulumi.ComponentResource {
    public readonly role: aws.iam.Role;

    constructor(name: string, args: ReviewRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super(REVIEW_ROLE_TYPE, name, {}, opts);
        const r = args.plan;
        const former = args.formerScopes ?? [];
        const child = (suffix: string) => ({ parent: this, provider: args.provider, aliases: formerAliases(former, (k) => `${k}-${suffix}`) });
        this.role = new aws.iam.Role(
            `${r.account}-${r.name}`,
            {
                name: r.name,
                path: r.path,
                description: r.description,
                assumeRolePolicy: args.render(JSON.stringify(r.trust)),
                maxSessionDuration: r.maxSessionDuration,
                tags: r.tags,
            },
            child(r.name),
        );
        new aws.iam.RolePolicy(`${r.account}-${r.policyName}`, { name: r.policyName, role: this.role.name, policy: args.render(JSON.stringify(r.policy)) }, child(r.policyName));
        this.registerOutputs({});
    }
}

/** What the review component needs of a member account. */
export interface ReviewAccount {
    provider: aws.Provider;
    /** The account component, parent of the account's review role. */
    resource: pulumi.Resource;
    formerScopes: FormerScope[];
}

/** Registers the review roles: in the deployment account and in every member account. */
export function deployReviewRoles(plan: ReviewRolePlan[], accounts: Record<string, ReviewAccount>): Record<string, ReviewRole> {
    const partition = aws.getPartitionOutput().partition;
    // Known at preview: the management account is the one Pulumi runs in.
    const managementAccountId = aws.getCallerIdentityOutput().accountId;
    const values = pulumi.all([partition, managementAccountId]).apply(([p, m]) => ({ partition: p, managementAccountId: m }));
    const render = (text: string) => values.apply((v) => renderText(text, v));
    const out: Record<string, ReviewRole> = {};
    for (const r of plan) {
        const member = r.account === DEPLOYMENT_ACCOUNT ? undefined : accounts[r.account];
        const name = (key: string) => `review-${key}`;
        out[r.account] = new ReviewRole(
            name(r.account),
            { plan: r, render, provider: member?.provider, formerScopes: member ? childScopes(member.formerScopes, REVIEW_ROLE_TYPE, name) : [] },
            member ? { parent: member.resource, aliases: formerAliases(member.formerScopes, name) } : undefined,
        );
    }
    return out;
}
