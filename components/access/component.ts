/**
 * Registers the access plan: per account, the managed policies, groups, roles, users, group
 * memberships and password policy. Thin: every decision was taken by ./plan.ts.
 *
 * Logical names come from stable keys (account, team, user, environment, level), never list
 * positions. A user's memberships are one aws.iam.UserGroupMembership named after the user, so
 * removing a user or moving them between teams is one resource change, with nothing left over.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { childScopes, formerAliases, type FormerScope } from "../aliases";
import { DEPLOYMENT_ACCOUNT } from "../organization/plan";
import type { PolicyDocument } from "../policy-document";
import type { AccessPlan } from "./plan";
import { renderText } from "./policies";

export const ACCOUNT_ACCESS_TYPE = "landing-zone:access:AccountAccess";

/** Fills a text's placeholders (documents are rendered as their JSON text). */
type Renderer = (text: string) => pulumi.Input<string>;

export interface AccountAccessArgs {
    account: string;
    plan: AccessPlan;
    render: Renderer;
    /** Provider acting inside the account; undefined for the account Pulumi deploys to. */
    provider?: aws.Provider;
    /** This component's URNs under the account's former keys (a renamed account): its children keep theirs. */
    formerScopes?: FormerScope[];
}

/** Everything access-related inside one account. */
export class AccountAccess extends pulumi.ComponentResource {
    public readonly policies: Record<string, aws.iam.Policy> = {};
    public readonly groups: Record<string, aws.iam.Group> = {};
    public readonly roles: Record<string, aws.iam.Role> = {};
    public readonly users: Record<string, aws.iam.User> = {};

    constructor(name: string, args: AccountAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super(ACCOUNT_ACCESS_TYPE, name, {}, opts);
        const { account, plan, render } = args;
        const former = args.formerScopes ?? [];
        const n = (suffix: string) => `${account}-${suffix}`;
        // Each child under its own name and, for a renamed account, the name it had under each former key.
        const child = (suffix: string) => ({
            parent: this,
            provider: args.provider,
            aliases: formerAliases(former, (k) => `${k}-${suffix}`),
        });
        const sameName = (name: string) => ({ parent: this, provider: args.provider, aliases: formerAliases(former, () => name) });

        for (const p of plan.policies.filter((x) => x.account === account)) {
            this.policies[p.key] = new aws.iam.Policy(n(p.name), { name: p.name, path: p.path, description: p.description, policy: render(json(p.document)), tags: p.tags }, child(p.name));
        }

        for (const g of plan.groups.filter((x) => x.account === account)) {
            const group = new aws.iam.Group(n(g.name), { name: g.name, path: g.path }, child(g.name));
            this.groups[g.key] = group;
            for (const key of g.policyKeys) {
                const p = this.policies[key];
                const policyName = key.split("/")[1];
                new aws.iam.GroupPolicyAttachment(n(`${g.name}-${policyName}`), { group: group.name, policyArn: p.arn }, child(`${g.name}-${policyName}`));
            }
        }

        for (const r of plan.roles.filter((x) => x.account === account)) {
            const role = new aws.iam.Role(
                n(r.name),
                {
                    name: r.name,
                    path: r.path,
                    description: r.description,
                    assumeRolePolicy: render(json(r.trust)),
                    permissionsBoundary: r.boundaryKey ? this.policies[r.boundaryKey].arn : undefined,
                    maxSessionDuration: r.maxSessionDuration,
                    tags: r.tags,
                },
                child(r.name),
            );
            this.roles[r.key] = role;
            for (const arn of r.managedPolicyArns) {
                const policyName = arn.split("/").pop()!;
                new aws.iam.RolePolicyAttachment(n(`${r.name}-${policyName}`), { role: role.name, policyArn: render(arn) }, child(`${r.name}-${policyName}`));
            }
            for (const key of r.policyKeys) {
                const policyName = key.split("/")[1];
                new aws.iam.RolePolicyAttachment(n(`${r.name}-${policyName}`), { role: role.name, policyArn: this.policies[key].arn }, child(`${r.name}-${policyName}`));
            }
        }

        const users = plan.users.filter((u) => u.account === account);
        for (const u of users) {
            // forceDestroy: a leaver's console password and MFA devices (made outside this program)
            // must not block deleting the user in the same change.
            const user = new aws.iam.User(u.name, { name: u.name, tags: u.tags, forceDestroy: true }, sameName(u.name));
            this.users[u.name] = user;
            new aws.iam.UserGroupMembership(u.name, { user: user.name, groups: u.groupKeys.map((k) => this.groups[k].name) }, sameName(u.name));
        }

        if (plan.passwordPolicy.account === account) {
            const pp = plan.passwordPolicy;
            new aws.iam.AccountPasswordPolicy(
                n("password-policy"),
                {
                    minimumPasswordLength: pp.minimumLength,
                    requireLowercaseCharacters: true,
                    requireUppercaseCharacters: true,
                    requireNumbers: true,
                    requireSymbols: true,
                    allowUsersToChangePassword: pp.allowUsersToChange,
                    passwordReusePrevention: pp.reusePrevention,
                    maxPasswordAge: pp.maxAgeDays,
                    hardExpiry: pp.hardExpiry,
                },
                child("password-policy"),
            );
        }

        this.registerOutputs({});
    }
}

const json = (doc: PolicyDocument) => JSON.stringify(doc);

export interface Access {
    plan: AccessPlan;
    /** By account key. */
    accounts: Record<string, AccountAccess>;
}

/** What the access component needs of a member account. */
export interface AccessAccount {
    accountId: pulumi.Output<string>;
    provider: aws.Provider;
    /** The account component, parent of the account's access. */
    resource: pulumi.Resource;
    /** Its URNs under the account's former keys. */
    formerScopes: FormerScope[];
}

/** Registers an access plan: one AccountAccess per account, under its member account. */
export function deployAccess(plan: AccessPlan, accounts: Record<string, AccessAccount>): Access {
    const partition = aws.getPartitionOutput().partition;
    // Known at preview: the management account is the one Pulumi runs in.
    const managementAccountId = aws.getCallerIdentityOutput().accountId;
    const memberIds: Record<string, pulumi.Output<string>> = {};
    // Only a member identity account's ID appears in documents (trust policies); it is unknown
    // until the account exists, so only that configuration has documents unknown at preview.
    if (plan.identityAccount !== DEPLOYMENT_ACCOUNT) memberIds[plan.identityAccount] = accounts[plan.identityAccount].accountId;
    // One output carries the values; each text with placeholders is one apply on it, and a text
    // without any stays a plain string (an Output per document is the program's main cost at
    // thousands of accounts).
    const values = pulumi.all([partition, managementAccountId, pulumi.all(memberIds)]).apply(([p, m, ids]) => ({ partition: p, managementAccountId: m, accountIds: ids }));
    const render: Renderer = (text) => (text.includes("{{") ? values.apply((v) => renderText(text, v)) : text);

    const accountKeys = [...new Set([...plan.policies, ...plan.groups, ...plan.roles, ...plan.users].map((x) => x.account).concat(plan.passwordPolicy.account))].sort();
    const out: Record<string, AccountAccess> = {};
    for (const account of accountKeys) {
        const member = account === DEPLOYMENT_ACCOUNT ? undefined : accounts[account];
        const name = (key: string) => `access-${key}`;
        out[account] = new AccountAccess(
            name(account),
            {
                account,
                plan,
                render,
                provider: member?.provider,
                formerScopes: member ? childScopes(member.formerScopes, ACCOUNT_ACCESS_TYPE, name) : [],
            },
            member ? { parent: member.resource, aliases: formerAliases(member.formerScopes, name) } : undefined,
        );
    }
    return { plan, accounts: out };
}
