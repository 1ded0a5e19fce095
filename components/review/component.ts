/**
 * Registers the review roles (./plan.ts) in every account. Thin: every decision is in the plan.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { renderText } from "../access/policies";
import type { LandingZone } from "../landing-zone";
import { DEPLOYMENT_ACCOUNT } from "../plan";
import { planReviewRoles, type ReviewRolePlan } from "./plan";

export const REVIEW_ROLE_TYPE = "landing-zone:review:ReviewRole";

export interface ReviewRoleArgs {
    plan: ReviewRolePlan;
    /** Fills the documents' placeholders. */
    render: (text: string) => pulumi.Input<string>;
    /** Provider acting inside the account; undefined for the account Pulumi deploys to. */
    provider?: aws.Provider;
}

export class ReviewRole extends pulumi.ComponentResource {
    public readonly role: aws.iam.Role;

    constructor(name: string, args: ReviewRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super(REVIEW_ROLE_TYPE, name, {}, opts);
        const r = args.plan;
        const child = { parent: this, provider: args.provider };
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
            child,
        );
        new aws.iam.RolePolicy(
            `${r.account}-${r.policyName}`,
            { name: r.policyName, role: this.role.name, policy: args.render(JSON.stringify(r.policy)) },
            child,
        );
        this.registerOutputs({});
    }
}

/** Registers the review role in the deployment account and in every member account. */
export function deployReviewRoles(lz: Pick<LandingZone, "plan" | "accounts">): Record<string, ReviewRole> {
    const partition = aws.getPartitionOutput().partition;
    // Known at preview: the management account is the one Pulumi runs in.
    const managementAccountId = aws.getCallerIdentityOutput().accountId;
    const values = pulumi.all([partition, managementAccountId]).apply(([p, m]) => ({ partition: p, managementAccountId: m }));
    const render = (text: string) => values.apply((v) => renderText(text, v));
    const out: Record<string, ReviewRole> = {};
    for (const r of planReviewRoles(lz.plan)) {
        const member = r.account === DEPLOYMENT_ACCOUNT ? undefined : lz.accounts[r.account];
        out[r.account] = new ReviewRole(`review-${r.account}`, { plan: r, render, provider: member?.provider }, member ? { parent: member } : undefined);
    }
    return out;
}
