/**
 * The organization, its OUs and its member accounts as component resources.
 *
 * Thin: every decision was taken by the plan (./plan.ts); this file only registers it.
 * Logical names come from config keys, never list positions, so adding or removing one
 * entry never renames another. Do not change a name or a parent here without an alias:
 * a changed URN is a replacement, and a replaced account is a closed account.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { formerAliases, type FormerScope } from "../aliases";
import type { AccountPlan, OrganizationalUnitPlan, OrganizationPlan } from "./plan";

export const ORGANIZATION_TYPE = "landing-zone:organizations:Organization";
export const MEMBER_ACCOUNT_TYPE = "landing-zone:organizations:MemberAccount";

export interface OrganizationArgs {
    organization: OrganizationPlan;
    organizationalUnits: OrganizationalUnitPlan[];
}

/** The AWS organization (created, or adopted by import) and its OU tree. */
export class Organization extends pulumi.ComponentResource {
    public readonly organization: aws.organizations.Organization;
    public readonly organizationId: pulumi.Output<string>;
    public readonly rootId: pulumi.Output<string>;
    public readonly managementAccountId: pulumi.Output<string>;
    /** By OU key. */
    public readonly organizationalUnits: Record<string, aws.organizations.OrganizationalUnit> = {};
    /** OU IDs by path (`Workloads/Prod`). */
    public readonly organizationalUnitIds: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: OrganizationArgs, opts?: pulumi.ComponentResourceOptions) {
        super(ORGANIZATION_TYPE, name, {}, opts);
        const plan = args.organization;

        this.organization = new aws.organizations.Organization(
            name,
            {
                featureSet: plan.featureSet,
                awsServiceAccessPrincipals: plan.awsServiceAccessPrincipals,
                enabledPolicyTypes: plan.enabledPolicyTypes,
            },
            {
                parent: this,
                // The organization is never replaced or deleted by this program.
                protect: true,
                retainOnDelete: true,
                import: plan.existingId,
            },
        );
        this.organizationId = this.organization.id;
        this.rootId = this.organization.roots.apply((roots) => roots[0].id);
        this.managementAccountId = this.organization.masterAccountId;

        // Parents first (the plan sorts them), so every parent exists when its child is declared.
        for (const ou of args.organizationalUnits) {
            const parentId = ou.parentKey === undefined ? this.rootId : this.organizationalUnits[ou.parentKey].id;
            this.organizationalUnits[ou.key] = new aws.organizations.OrganizationalUnit(
                `ou-${ou.key}`,
                { name: ou.name, parentId, tags: ou.tags },
                // Deleting an OU that still holds accounts fails in AWS; keep it if it is removed from config.
                {
                    parent: this,
                    retainOnDelete: true,
                    import: ou.existingId,
                    aliases: ou.formerKeys.map((k) => ({ name: `ou-${k}` })),
                },
            );
        }
        const byPath = args.organizationalUnits.map((ou) => this.organizationalUnits[ou.key].id.apply((id) => [ou.path, id] as const));
        this.organizationalUnitIds = pulumi.all(byPath).apply((pairs) => Object.fromEntries(pairs));

        this.registerOutputs({
            organizationId: this.organizationId,
            rootId: this.rootId,
            organizationalUnitIds: this.organizationalUnitIds,
        });
    }

    /** AWS parent ID for an OU key; undefined = the root. */
    public parentIdOf(ouKey: string | undefined): pulumi.Output<string> {
        return ouKey === undefined ? this.rootId : this.organizationalUnits[ouKey].id;
    }
}

export interface MemberAccountArgs {
    plan: AccountPlan;
    parentId: pulumi.Input<string>;
    /** The account created before this one: creation is serialized. */
    createAfter?: pulumi.Resource;
    /** Region for the provider that works inside the account. */
    region?: pulumi.Input<string>;
    /** AWS partition (`aws`, `aws-cn`, `aws-us-gov`) for ARNs. */
    partition: pulumi.Input<string>;
}

/**
 * A member account, and a provider that works inside it by assuming the account's
 * organization access role from the management account.
 */
export class MemberAccount extends pulumi.ComponentResource {
    public readonly account: aws.organizations.Account;
    public readonly accountId: pulumi.Output<string>;
    /** Provider acting inside this account through its organization access role. */
    public readonly provider: aws.Provider;
    /** This component's URNs under the account's former keys: its children (and theirs) alias to them. */
    public readonly formerScopes: FormerScope[];

    constructor(name: string, args: MemberAccountArgs, opts: pulumi.ComponentResourceOptions = {}) {
        const a = args.plan;
        // A renamed key keeps every old URN through aliases: the component's, and its children's
        // under the old component, so neither the account nor its provider is replaced.
        const formerScopes = a.formerKeys.map((k) => ({ key: k, urn: pulumi.createUrn(k, MEMBER_ACCOUNT_TYPE, opts.parent) }));
        super(
            MEMBER_ACCOUNT_TYPE,
            name,
            {},
            {
                ...opts,
                aliases: [...(opts.aliases ?? []), ...a.formerKeys.map((k) => ({ name: k }))],
            },
        );
        this.formerScopes = formerScopes;

        this.account = new aws.organizations.Account(
            name,
            {
                name: a.name,
                email: a.email,
                parentId: args.parentId,
                roleName: a.roleName,
                iamUserAccessToBilling: a.iamUserAccessToBilling,
                closeOnDeletion: a.closeOnDeletion,
                tags: a.tags,
            },
            {
                parent: this,
                // Accounts are precious: never deleted or replaced by a refactor or a removed line of config.
                protect: true,
                retainOnDelete: true,
                import: a.existingId,
                aliases: formerAliases(formerScopes, (k) => k),
                // roleName and iamUserAccessToBilling only take effect at CreateAccount; AWS cannot read
                // them back, so after an import they would show a permanent diff (and a replacement).
                ignoreChanges: ["roleName", "iamUserAccessToBilling"],
                dependsOn: args.createAfter ? [args.createAfter] : [],
            },
        );
        this.accountId = this.account.id;

        this.provider = new aws.Provider(
            `${name}-account`,
            {
                region: args.region,
                assumeRoles: [
                    {
                        roleArn: pulumi.interpolate`arn:${args.partition}:iam::${this.account.id}:role/${a.roleName}`,
                        sessionName: "landing-zone",
                    },
                ],
                // A wrong role can never make this provider touch another account.
                allowedAccountIds: [this.account.id],
            },
            { parent: this, aliases: formerAliases(formerScopes, (k) => `${k}-account`) },
        );

        this.registerOutputs({ accountId: this.accountId });
    }
}
