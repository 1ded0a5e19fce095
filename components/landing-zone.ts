/**
 * Registers a landing-zone plan: the organization and its OUs, the member accounts, and each
 * section's sub-plan through its component. Nothing is decided here.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { deployAccess, type Access } from "./access/component";
import { deployGuardrails, guardrailsOutputs, type Guardrails } from "./guardrails/component";
import { deployIdentity, type IdentityCenter } from "./identity/component";
import { MemberAccount, Organization } from "./organization/component";
import type { LandingZonePlan } from "./plan";
import { deployReviewRoles } from "./review/component";
import { deploySecurity, type SecurityBaseline } from "./security/component";

export interface LandingZone {
    plan: LandingZonePlan;
    organization?: Organization;
    /** By account key. */
    accounts: Record<string, MemberAccount>;
    guardrails?: Guardrails;
    access?: Access;
    identityCenter?: IdentityCenter;
    security?: SecurityBaseline;
}

export function deployLandingZone(plan: LandingZonePlan): LandingZone {
    const lz: LandingZone = { plan, accounts: {} };
    if (plan.organization) {
        const partition = aws.getPartitionOutput().partition;
        const region = aws.config.region;
        const organization = new Organization("organization", {
            organization: plan.organization,
            organizationalUnits: plan.organizationalUnits,
        });
        lz.organization = organization;
        for (const a of plan.accounts) {
            lz.accounts[a.key] = new MemberAccount(
                a.key,
                {
                    plan: a,
                    parentId: organization.parentIdOf(a.ouKey),
                    createAfter: a.createAfter ? lz.accounts[a.createAfter].account : undefined,
                    partition,
                    region,
                },
                { parent: organization },
            );
        }
    }
    // In single-account there is no organization: the guardrails are budgets only.
    const members = Object.fromEntries(Object.entries(lz.accounts).map(([key, m]) => [key, { accountId: m.accountId, provider: m.provider, resource: m, formerScopes: m.formerScopes }]));
    lz.guardrails = deployGuardrails(plan.guardrails, lz.organization, Object.fromEntries(Object.entries(lz.accounts).map(([k, m]) => [k, m.accountId])));
    lz.access = deployAccess(plan.access, members);
    if (plan.identity && lz.organization) lz.identityCenter = deployIdentity(plan.identity, lz.organization, members, lz.access);
    deployReviewRoles(plan.reviewRoles, members);
    lz.security = deploySecurity(plan.security, lz.organization, members);
    return lz;
}

/** Stack outputs: organization and root IDs, OU IDs by path, account IDs by name, the layout. */
export function stackOutputs(lz: LandingZone) {
    const accountIds: Record<string, pulumi.Output<string>> = {};
    for (const a of lz.plan.accounts) accountIds[a.name] = lz.accounts[a.key].accountId;
    return {
        layout: lz.plan.layout,
        // null, not undefined, in single-account: the engine warns about undefined stack outputs.
        organizationId: lz.organization?.organizationId ?? null,
        rootId: lz.organization?.rootId ?? null,
        organizationalUnitIds: lz.organization?.organizationalUnitIds ?? null,
        accountIds,
        environments: Object.fromEntries(lz.plan.environments.map((e) => [e.name, { production: e.production, accounts: e.accounts }])),
        guardrails: guardrailsOutputs(lz.guardrails),
        accessMatrix: lz.access?.plan.matrix ?? {},
    };
}
