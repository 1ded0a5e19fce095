/**
 * Registers the identity plan in IAM Identity Center: the delegated administrator (when
 * configured), identity store groups, users and memberships, permission sets with their
 * policies, and the account assignments. Thin: every decision was taken by ./plan.ts.
 *
 * Order, for Identity Center's sake: a permission set's policies are attached before it is
 * assigned anywhere (each attachment re-provisions the set to every account it is assigned in),
 * an assignment waits for the customer managed policies its set names in that account, and the
 * assignments of one account are created one after another.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Access } from "../access/component";
import type { FormerScope } from "../aliases";
import { renderText } from "../access/policies";
import { DEPLOYMENT_ACCOUNT } from "../organization/plan";
import { IDENTITY_CENTER_SERVICE_PRINCIPAL } from "./config";
import { chooseInstance, type IdentityPlan } from "./plan";

export const IDENTITY_CENTER_TYPE = "landing-zone:identity:IdentityCenter";

export interface IdentityCenterArgs {
    plan: IdentityPlan;
    /** Account IDs by account key (`management` included). */
    accountIds: Record<string, pulumi.Input<string>>;
    /** Provider of each account that manages something here (undefined: the account Pulumi deploys to). */
    providers: Record<string, aws.Provider | undefined>;
    /** The access plan's managed policies by key (`<account>/<name>`): assignments wait for those their set names. */
    policies: Record<string, aws.iam.Policy>;
    /** The AWS partition, for the policy documents' placeholders. */
    partition: pulumi.Input<string>;
    region: string;
    /** The organization: the delegated administrator is registered once it exists. */
    organization?: pulumi.Resource;
    /** Former keys of each account (renames): an assignment keeps its URN through an alias. */
    formerKeys: Record<string, string[]>;
}

export class IdentityCenter extends pulumi.ComponentResource {
    public readonly instanceArn: pulumi.Output<string>;
    public readonly identityStoreId: pulumi.Output<string>;
    public readonly permissionSets: Record<string, aws.ssoadmin.PermissionSet> = {};
    /** Group ID by team: created in the identity store, or the directory group's. */
    public readonly groupIds: Record<string, pulumi.Input<string>> = {};
    public readonly assignments: Record<string, aws.ssoadmin.AccountAssignment> = {};

    constructor(name: string, args: IdentityCenterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(IDENTITY_CENTER_TYPE, name, {}, opts);
        const { plan } = args;
        const delegated = plan.delegatedAdministrator;
        const admin = delegated
            ? new aws.organizations.DelegatedAdministrator(
                  "identity-center-delegated-administrator",
                  { accountId: args.accountIds[delegated], servicePrincipal: IDENTITY_CENTER_SERVICE_PRINCIPAL },
                  { parent: this, dependsOn: args.organization ? [args.organization] : [] },
              )
            : undefined;
        /** Options of a resource managed through `account`'s provider (after the delegation when it is the delegated administrator). */
        const through = (account: string, dependsOn: pulumi.Input<pulumi.Resource>[] = []): pulumi.CustomResourceOptions => ({
            parent: this,
            provider: args.providers[account],
            dependsOn: account === delegated && admin ? [admin, ...dependsOn] : dependsOn,
        });
        const storeAccount = delegated ?? DEPLOYMENT_ACCOUNT;

        const configured = { instanceArn: plan.instanceArn, identityStoreId: plan.identityStoreId };
        const instance =
            configured.instanceArn && configured.identityStoreId
                ? pulumi.output(chooseInstance(configured, undefined, args.region))
                : aws.ssoadmin
                      .getInstancesOutput({}, { parent: this, provider: args.providers[storeAccount], dependsOn: admin ? [admin] : [] })
                      .apply((found) => chooseInstance(configured, found, args.region));
        this.instanceArn = instance.instanceArn;
        this.identityStoreId = instance.identityStoreId;
        // Permission set documents name no account (../access/policies.ts): the partition is their only placeholder.
        const render = (text: string): pulumi.Input<string> =>
            text.includes("{{")
                ? pulumi
                      .output(args.partition)
                      .apply((partition) => renderText(text, { partition, managementAccountId: "{{managementAccountId}}" }))
                      .apply(noPlaceholder)
                : text;

        // Groups: the team's own, or the directory's (SCIM), which is only referenced.
        for (const g of plan.groups) {
            this.groupIds[g.team] =
                g.directoryGroupId ??
                new aws.identitystore.Group(`group-${g.team}`, { identityStoreId: this.identityStoreId, displayName: g.displayName, description: g.description }, through(storeAccount)).groupId;
        }
        const userIds: Record<string, pulumi.Output<string>> = {};
        for (const u of plan.users) {
            userIds[u.userName] = new aws.identitystore.User(
                `user-${u.userName}`,
                {
                    identityStoreId: this.identityStoreId,
                    userName: u.userName,
                    displayName: u.displayName,
                    name: u.givenName && u.familyName ? { givenName: u.givenName, familyName: u.familyName } : undefined,
                    emails: { value: u.email, primary: true, type: "work" },
                },
                through(storeAccount),
            ).userId;
        }
        for (const m of plan.memberships) {
            new aws.identitystore.GroupMembership(
                `${m.userName}-${m.team}`,
                { identityStoreId: this.identityStoreId, groupId: this.groupIds[m.team], memberId: userIds[m.userName] },
                through(storeAccount),
            );
        }

        // Permission sets, complete before any assignment.
        const attachments: Record<string, pulumi.Resource[]> = {};
        for (const ps of plan.permissionSets) {
            const set = new aws.ssoadmin.PermissionSet(
                ps.name,
                {
                    name: ps.name,
                    description: ps.description,
                    instanceArn: this.instanceArn,
                    sessionDuration: ps.sessionDuration,
                    relayState: ps.relayState,
                    tags: ps.tags,
                },
                through(ps.managedBy),
            );
            this.permissionSets[ps.name] = set;
            const common = { instanceArn: this.instanceArn, permissionSetArn: set.arn };
            const parts: pulumi.Resource[] = [];
            for (const arn of ps.managedPolicyArns) {
                parts.push(new aws.ssoadmin.ManagedPolicyAttachment(`${ps.name}-${arn.split("/").pop()}`, { ...common, managedPolicyArn: render(arn) }, through(ps.managedBy)));
            }
            for (const ref of ps.customerManagedPolicies) {
                parts.push(new aws.ssoadmin.CustomerManagedPolicyAttachment(`${ps.name}-${ref.name}`, { ...common, customerManagedPolicyReference: ref }, through(ps.managedBy)));
            }
            if (ps.inlinePolicy) {
                parts.push(new aws.ssoadmin.PermissionSetInlinePolicy(`${ps.name}-inline`, { ...common, inlinePolicy: render(JSON.stringify(ps.inlinePolicy)) }, through(ps.managedBy)));
            }
            if (ps.permissionsBoundary) {
                parts.push(
                    new aws.ssoadmin.PermissionsBoundaryAttachment(
                        `${ps.name}-boundary`,
                        { ...common, permissionsBoundary: { customerManagedPolicyReference: ps.permissionsBoundary } },
                        through(ps.managedBy),
                    ),
                );
            }
            attachments[ps.name] = parts;
        }

        // Assignments: one account at a time, each after its set is complete and the policies it names exist there.
        for (const a of plan.assignments) {
            const ps = plan.permissionSets.find((p) => p.name === a.permissionSet)!;
            const waitFor = [...attachments[a.permissionSet], ...a.requiresPolicies.map((k) => args.policies[k]), ...(a.after ? [this.assignments[a.after]] : [])];
            const name = (account: string) => `${a.team}-${a.permissionSet}-${account}`;
            this.assignments[a.key] = new aws.ssoadmin.AccountAssignment(
                name(a.account),
                {
                    instanceArn: this.instanceArn,
                    permissionSetArn: this.permissionSets[a.permissionSet].arn,
                    principalType: "GROUP",
                    principalId: this.groupIds[a.team],
                    targetType: "AWS_ACCOUNT",
                    targetId: args.accountIds[a.account],
                },
                { ...through(ps.managedBy, waitFor), aliases: (args.formerKeys[a.account] ?? []).map((k) => ({ name: name(k) })) },
            );
        }
        this.registerOutputs({ instanceArn: this.instanceArn, identityStoreId: this.identityStoreId });
    }
}

function noPlaceholder(text: string): string {
    if (text.includes("{{")) throw new Error(`a permission set document names an account placeholder: ${text.slice(0, 200)}`);
    return text;
}

/** What the identity component needs of a member account. */
export interface IdentityAccount {
    accountId: pulumi.Output<string>;
    provider: aws.Provider;
    /** The account's former keys (renames): an assignment in it keeps its URN through an alias. */
    formerScopes: readonly FormerScope[];
}

/** What it needs of the organization. */
export interface IdentityOrganization {
    organization: pulumi.Resource;
    managementAccountId: pulumi.Output<string>;
}

/**
 * Registers an identity plan in IAM Identity Center. `access` holds the customer managed policies
 * the permission sets name: each assignment waits for those of its account.
 */
export function deployIdentity(plan: IdentityPlan, organization: IdentityOrganization, accounts: Record<string, IdentityAccount>, access: Access): IdentityCenter {
    const accountIds: Record<string, pulumi.Input<string>> = { [DEPLOYMENT_ACCOUNT]: organization.managementAccountId };
    const providers: Record<string, aws.Provider | undefined> = { [DEPLOYMENT_ACCOUNT]: undefined };
    const formerKeys: Record<string, string[]> = {};
    for (const [key, member] of Object.entries(accounts)) {
        accountIds[key] = member.accountId;
        providers[key] = member.provider;
        formerKeys[key] = member.formerScopes.map((f) => f.key);
    }
    const policies: Record<string, aws.iam.Policy> = {};
    for (const a of Object.values(access.accounts)) Object.assign(policies, a.policies);
    return new IdentityCenter("identity-center", {
        plan,
        accountIds,
        providers,
        policies,
        partition: aws.getPartitionOutput().partition,
        region: aws.config.region ?? "us-east-1",
        organization: organization.organization,
        formerKeys,
    });
}
