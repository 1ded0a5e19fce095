/**
 * Registers a guardrails plan: SCPs and their attachments, tag policies, budgets.
 *
 * Thin: every decision (which guardrails, which documents, their content and size) was taken by
 * the plan (./plan.ts). Logical names come from target and guardrail keys, never positions.
 * Policy content is a plain JSON string, known at preview, so a preview shows the exact
 * document AWS will store and the policy pack can check it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Organization } from "../organization/component";
import type { GuardrailsPlan, ScpTargetPlan, TagPolicyPlan } from "./plan";

export const GUARDRAILS_TYPE = "landing-zone:guardrails:Guardrails";

export interface GuardrailsArgs {
    plan: GuardrailsPlan;
    /** Absent in the single-account layout (budgets only). */
    organization?: Organization;
    /** Member account IDs by account key. */
    accountIds: Record<string, pulumi.Input<string>>;
}

export class Guardrails extends pulumi.ComponentResource {
    /** SCPs and tag policies by logical name. */
    public readonly policies: Record<string, aws.organizations.Policy> = {};
    public readonly attachments: Record<string, aws.organizations.PolicyAttachment> = {};
    /** By budget key: the environment name, or `account-<key>`. */
    public readonly budgets: Record<string, aws.budgets.Budget> = {};
    /** AWS SCP names by target key (`root`, `ou-<key>`, `account-<key>`). */
    public readonly scpNamesByTarget: Record<string, string[]> = {};
    /**
     * Targets whose FullAWSAccess must be detached once their allow-list is attached (allow-list
     * strategy). AWS attaches FullAWSAccess itself, so it is not in this program's state and
     * cannot be deleted by it; see docs/guardrails.md for the one-time step.
     */
    public readonly fullAwsAccessToDetach: pulumi.Output<{ target: string; targetId: string }[]>;

    constructor(name: string, args: GuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(GUARDRAILS_TYPE, name, {}, opts);
        const { plan, organization } = args;

        const allowListTargets: pulumi.Output<{ target: string; targetId: string }>[] = [];
        if (organization) {
            // Policies of a type can only be created once the organization has it enabled.
            const after = { parent: this, dependsOn: [organization.organization] };
            for (const t of plan.targets) {
                const targetId = this.targetId(t, organization, args.accountIds);
                this.scpNamesByTarget[t.key] = t.documents.map((d) => d.policyName);
                for (const d of t.documents) {
                    const policy = new aws.organizations.Policy(
                        d.logicalName,
                        { name: d.policyName, description: d.description, type: "SERVICE_CONTROL_POLICY", content: d.content, tags: plan.tags },
                        { ...after, aliases: aliases(d.formerLogicalNames) },
                    );
                    this.policies[d.logicalName] = policy;
                    this.attachments[d.logicalName] = new aws.organizations.PolicyAttachment(
                        d.logicalName,
                        { policyId: policy.id, targetId },
                        { parent: this, aliases: aliases(d.formerLogicalNames) },
                    );
                }
                if (t.strategy === "allow-list") {
                    allowListTargets.push(pulumi.output(targetId).apply((id) => ({ target: t.key, targetId: id })));
                }
            }
            for (const tp of plan.tagPolicies) {
                const policy = new aws.organizations.Policy(
                    tp.logicalName,
                    {
                        name: tp.policyName,
                        description: `Environment tag key and its ${tp.environmentClass} values`,
                        type: "TAG_POLICY",
                        content: tp.content,
                        tags: plan.tags,
                    },
                    { ...after, aliases: aliases(tp.formerLogicalNames) },
                );
                this.policies[tp.logicalName] = policy;
                this.attachments[tp.logicalName] = new aws.organizations.PolicyAttachment(
                    tp.logicalName,
                    { policyId: policy.id, targetId: this.tagPolicyTargetId(tp, organization, args.accountIds) },
                    { parent: this, aliases: aliases(tp.formerLogicalNames) },
                );
            }
            // Resource control policies: the organization enables their type itself (../organization.ts).
            for (const rp of plan.resourceControlPolicies) {
                const policy = new aws.organizations.Policy(
                    rp.logicalName,
                    { name: rp.policyName, description: rp.description, type: "RESOURCE_CONTROL_POLICY", content: rp.content, tags: plan.tags },
                    after,
                );
                this.policies[rp.logicalName] = policy;
                this.attachments[rp.logicalName] = new aws.organizations.PolicyAttachment(rp.logicalName, { policyId: policy.id, targetId: organization.rootId }, { parent: this });
            }
        }
        this.fullAwsAccessToDetach = pulumi.all(allowListTargets);

        // Budgets live in the deployment (management) account: see ./budgets.ts for why.
        for (const b of plan.budgets) {
            const costFilters: aws.types.input.budgets.BudgetCostFilter[] = [];
            if (b.linkedAccounts.length) {
                costFilters.push({ name: "LinkedAccount", values: b.linkedAccounts.map((k) => args.accountIds[k]) });
            }
            if (b.tagFilter) costFilters.push({ name: "TagKeyValue", values: [b.tagFilter] });
            this.budgets[b.key] = new aws.budgets.Budget(
                b.logicalName,
                {
                    name: b.name,
                    budgetType: "COST",
                    limitAmount: String(b.amount),
                    limitUnit: b.currency,
                    timeUnit: "MONTHLY",
                    costFilters,
                    notifications: b.notifications.map((n) => ({
                        comparisonOperator: "GREATER_THAN",
                        notificationType: n.type,
                        threshold: n.percent,
                        thresholdType: "PERCENTAGE",
                        subscriberEmailAddresses: n.emails,
                    })),
                    tags: b.tags,
                },
                { parent: this, aliases: aliases(b.formerLogicalNames) },
            );
        }

        this.registerOutputs({ scpNamesByTarget: this.scpNamesByTarget, fullAwsAccessToDetach: this.fullAwsAccessToDetach });
    }

    private targetId(t: ScpTargetPlan, org: Organization, accountIds: Record<string, pulumi.Input<string>>): pulumi.Input<string> {
        if (t.kind === "root") return org.rootId;
        if (t.kind === "organizational-unit") return org.organizationalUnits[t.ref!].id;
        return accountIds[t.ref!];
    }

    private tagPolicyTargetId(t: TagPolicyPlan, org: Organization, accountIds: Record<string, pulumi.Input<string>>): pulumi.Input<string> {
        return t.kind === "organizational-unit" ? org.organizationalUnits[t.ref].id : accountIds[t.ref];
    }
}

/** A renamed OU or account keeps its policies' URNs (same parent, former logical names). */
function aliases(formerLogicalNames: string[]): pulumi.Alias[] {
    return formerLogicalNames.map((name) => ({ name }));
}

/** Registers a guardrails plan once the organization and accounts exist; nothing when it plans nothing. */
export function deployGuardrails(plan: GuardrailsPlan, organization: Organization | undefined, accountIds: Record<string, pulumi.Output<string>>): Guardrails | undefined {
    if (!plan.targets.length && !plan.tagPolicies.length && !plan.resourceControlPolicies.length && !plan.budgets.length) return undefined;
    return new Guardrails("guardrails", { plan, organization, accountIds });
}

/** Stack output: SCP names by target, tag policy names, budget names, allow-list targets to finish. */
export function guardrailsOutputs(g: Guardrails | undefined) {
    if (!g) return null;
    return {
        scpsByTarget: g.scpNamesByTarget,
        budgets: Object.fromEntries(Object.entries(g.budgets).map(([key, b]) => [key, b.name])),
        fullAwsAccessToDetach: g.fullAwsAccessToDetach,
    };
}
