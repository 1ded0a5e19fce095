/**
 * Registers a plan's resources: the organization and its OUs, the member accounts, and the
 * sections planned elsewhere (access, guardrails). Nothing is decided here.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Access, deployAccess } from "./access/component";
import { deployGuardrails, Guardrails, guardrailsOutputs } from "./guardrails/component";
import { MemberAccount, Organization } from "./organization";
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
    security?: SecurityBaseline;
}

export function deployLandingZone(plan: LandingZonePlan): LandingZone {
    const lz: LandingZone = { plan, accounts: {} };
    if (!plan.organization) {
        lz.guardrails = deployGuardrails(lz); // budgets only: there is no organization
        lz.access = deployAccess(lz);
        deployReviewRoles(lz);
        lz.security = deploySecurity(lz);
        return lz;
    }

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
    lz.guardrails = deployGuardrails(lz);
    lz.access = deployAccess(lz);
    deployReviewRoles(lz);
    lz.security = deploySecurity(lz);
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
