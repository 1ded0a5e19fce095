/**
 * The identity plan: which permission sets, identity store groups, users and account assignments
 * IAM Identity Center gets, from the validated landing-zone plan. Plain data out, no Pulumi.
 *
 * The model is the access model's (teams x environments x levels, ../access): a team's level in
 * an environment becomes an assignment of the permission set `lz-<env>-<level>` to the team's
 * group in every account hosting the environment, `lz-<env>-write-iam` with delegated IAM
 * administration, and organization administrators get `lz-organization-admin` in the management
 * account. What each permission set holds is in ./policies.ts.
 *
 * Order: assignments are provisioned one account at a time at most (Identity Center updates one
 * permission-set role per account at a time, and many concurrent assignments fail with
 * ConflictException or ThrottlingException), so the assignments of one account form a chain.
 */
import { effectiveTeams, TeamConfig } from "../access/config";
import { ORGANIZATION_ADMIN_ROLE, groupName } from "../access/plan";
import { environmentRoleName, PolicyDocument, RoleLevel } from "../access/policies";
import { LANDING_ZONE_ADMIN_TAG } from "../access/tags";
import type { LandingZonePlan } from "../plan";
import { DEPLOYMENT_ACCOUNT } from "../plan";
import {
    abacOptionsOf,
    DEFAULT_SESSION_DURATION,
    identityProblems,
    IdentityProblem,
    IdentitySource,
    permissionSetLevel,
    usesIdentityCenter,
} from "./config";
import { organizationAdminPermissionSetPolicy, permissionSetDocuments, PolicyReference } from "./policies";

export interface PermissionSetPlan {
    /** The permission set's name, shown in the access portal: `lz-<env>-<level>`, `lz-organization-admin`. */
    name: string;
    description: string;
    /** Undefined for organization administration. */
    environment?: string;
    level: RoleLevel | "organization-admin";
    sessionDuration: string;
    relayState?: string;
    /** AWS managed policy ARNs (partition placeholder). */
    managedPolicyArns: string[];
    customerManagedPolicies: PolicyReference[];
    inlinePolicy?: PolicyDocument;
    permissionsBoundary?: PolicyReference;
    tags: Record<string, string>;
    /**
     * The account whose provider manages it: the delegated administrator, or `management`. A
     * permission set assigned in the management account is always the management account's: AWS
     * refuses those from a delegated administrator.
     */
    managedBy: string;
}

export interface IdentityGroupPlan {
    team: string;
    /** `lz-<team>`: what the access portal and the console show. */
    displayName: string;
    description: string;
    /** Set: an existing directory group (SCIM) is used and nothing is created. */
    directoryGroupId?: string;
}

export interface IdentityUserPlan {
    userName: string;
    displayName: string;
    email: string;
    givenName?: string;
    familyName?: string;
}

export interface MembershipPlan {
    /** `<user>/<team>`. */
    key: string;
    userName: string;
    team: string;
}

export interface AssignmentPlan {
    /** `<team>/<permission set>/<account>`: stable, from config keys. */
    key: string;
    team: string;
    permissionSet: string;
    /** Account key (`management` = the account Pulumi deploys to). */
    account: string;
    /** The assignment created just before this one in the same account (one provisioning per account at a time). */
    after?: string;
    /** Keys (`<account>/<name>`) of the access plan's managed policies the permission set names: they must exist first. */
    requiresPolicies: string[];
}

export interface IdentityPlan {
    source: IdentitySource;
    /** Configured instance; what is absent is looked up (aws.ssoadmin.getInstances). */
    instanceArn?: string;
    identityStoreId?: string;
    /** Account key Identity Center's administration is delegated to. */
    delegatedAdministrator?: string;
    groups: IdentityGroupPlan[];
    users: IdentityUserPlan[];
    memberships: MembershipPlan[];
    /** Sorted by name. */
    permissionSets: PermissionSetPlan[];
    /** Sorted by account, then key. */
    assignments: AssignmentPlan[];
}

export interface PlannedIdentity {
    /** Undefined when people sign in as IAM users only. */
    plan?: IdentityPlan;
    problems: IdentityProblem[];
}

export function planIdentity(plan: LandingZonePlan): PlannedIdentity {
    const cfg = plan.config;
    const problems = identityProblems(cfg);
    const id = cfg.identity;
    if (!usesIdentityCenter(id.source) || problems.length > 0) return { problems };

    const teams = effectiveTeams(cfg);
    const teamKeys = Object.keys(teams).sort();
    const tagKey = plan.environmentTagKey;
    const opts = abacOptionsOf(cfg);
    const delegated = id.delegatedAdministrator;
    const sessionDuration = id.sessionDuration ?? DEFAULT_SESSION_DURATION;
    const shared = (account: string) => (plan.accounts.find((a) => a.key === account)?.environments.length ?? 0) > 1;
    const adminTags = (tags: Record<string, string>) => ({ ...tags, [LANDING_ZONE_ADMIN_TAG.key]: LANDING_ZONE_ADMIN_TAG.value });

    const permissionSets = new Map<string, PermissionSetPlan>();
    const assignments: AssignmentPlan[] = [];

    for (const env of plan.environments) {
        const sharedAccounts = env.accounts.filter(shared);
        if (sharedAccounts.length > 0 && sharedAccounts.length < env.accounts.length) {
            // One permission set per environment and level serves every account hosting it.
            problems.push({ path: ["accounts"], value: env.accounts.join(", "),
                message: `host environment '${env.name}' both shared with other environments and alone; with IAM Identity Center every account hosting an environment must be of one kind` });
            continue;
        }
        const isShared = sharedAccounts.length > 0;
        for (const teamKey of teamKeys) {
            const level = permissionSetLevel(teams[teamKey], env);
            if (!level) continue;
            const name = environmentRoleName(env.name, level);
            if (!permissionSets.has(name)) {
                const docs = permissionSetDocuments(env.name, level, isShared, opts, cfg.acceptedUntaggedActions);
                const tags = { ...plan.commonTags, [tagKey]: env.name };
                permissionSets.set(name, {
                    name,
                    description: `${level} access to ${env.name}${isShared ? ` (resources tagged ${tagKey}=${env.name})` : ""}`,
                    environment: env.name,
                    level,
                    sessionDuration,
                    relayState: id.relayState,
                    ...docs,
                    tags: level === "admin" ? adminTags(tags) : tags,
                    managedBy: delegated ?? DEPLOYMENT_ACCOUNT,
                });
            }
            const ps = permissionSets.get(name)!;
            for (const account of env.accounts) {
                const requiresPolicies = [...ps.customerManagedPolicies, ...(ps.permissionsBoundary ? [ps.permissionsBoundary] : [])].map((p) => `${account}/${p.name}`);
                assignments.push({ key: `${teamKey}/${name}/${account}`, team: teamKey, permissionSet: name, account, requiresPolicies });
            }
        }
    }

    // Organization administration: in the management account, always managed from the management
    // account (a delegated administrator cannot manage the management account's access).
    const orgAdmins = teamKeys.filter((t) => teams[t].organizationAdmin);
    if (plan.organization && orgAdmins.length > 0) {
        permissionSets.set(ORGANIZATION_ADMIN_ROLE, {
            name: ORGANIZATION_ADMIN_ROLE,
            description: "Administer AWS Organizations (break-glass actions excepted)",
            level: "organization-admin",
            sessionDuration,
            relayState: id.relayState,
            managedPolicyArns: [],
            customerManagedPolicies: [],
            inlinePolicy: organizationAdminPermissionSetPolicy(),
            tags: adminTags(plan.commonTags),
            managedBy: DEPLOYMENT_ACCOUNT,
        });
        for (const t of orgAdmins) {
            assignments.push({ key: `${t}/${ORGANIZATION_ADMIN_ROLE}/${DEPLOYMENT_ACCOUNT}`, team: t, permissionSet: ORGANIZATION_ADMIN_ROLE, account: DEPLOYMENT_ACCOUNT, requiresPolicies: [] });
        }
    }

    // One chain per account, in key order.
    assignments.sort((x, y) => x.account.localeCompare(y.account) || x.key.localeCompare(y.key));
    assignments.forEach((a, i) => {
        const prev = assignments[i - 1];
        if (prev && prev.account === a.account) a.after = prev.key;
    });

    const groups: IdentityGroupPlan[] = teamKeys.map((t) => groupOf(t, teams[t]));
    const directoryUsers = Object.keys(id.users).sort();
    const users: IdentityUserPlan[] = directoryUsers.map((userName) => {
        const u = id.users[userName];
        return { userName, displayName: u.displayName, email: u.email, givenName: u.givenName, familyName: u.familyName };
    });
    const memberships: MembershipPlan[] = directoryUsers.flatMap((userName) =>
        [...new Set(id.users[userName].teams)].sort().map((team) => ({ key: `${userName}/${team}`, userName, team })),
    );

    if (problems.length > 0) return { problems };
    return {
        plan: {
            source: id.source,
            instanceArn: id.instanceArn,
            identityStoreId: id.identityStoreId,
            delegatedAdministrator: delegated,
            groups,
            users,
            memberships,
            permissionSets: [...permissionSets.values()].sort((a, b) => a.name.localeCompare(b.name)),
            assignments,
        },
        problems,
    };
}

function groupOf(team: string, t: TeamConfig): IdentityGroupPlan {
    return {
        team,
        displayName: groupName(team),
        description: t.description ?? `Landing zone team ${team}`,
        directoryGroupId: t.directoryGroupId,
    };
}

/**
 * The instance to use: the configured ARN and store ID, what is missing taken from the lookup
 * (aws.ssoadmin.getInstances, which lists the organization's instance). Throws when Identity
 * Center has never been enabled: no resource can enable it.
 */
export function chooseInstance(
    configured: { instanceArn?: string; identityStoreId?: string },
    lookup: { arns: string[]; identityStoreIds: string[] } | undefined,
    region: string,
): { instanceArn: string; identityStoreId: string } {
    if (configured.instanceArn && configured.identityStoreId) return { instanceArn: configured.instanceArn, identityStoreId: configured.identityStoreId };
    const arns = lookup?.arns ?? [];
    if (arns.length === 0) {
        throw new Error(
            `IAM Identity Center is not enabled in ${region} of this organization's management account (aws.ssoadmin.getInstances found no instance). ` +
                "Enable it once in the IAM Identity Center console (an organization instance, in the management account), then run again; " +
                "or set landing-zone:identity.instanceArn and landing-zone:identity.identityStoreId.",
        );
    }
    const index = configured.instanceArn ? arns.indexOf(configured.instanceArn) : 0;
    if (index < 0) {
        throw new Error(`landing-zone:identity.instanceArn ${configured.instanceArn} is not an IAM Identity Center instance of this account (aws.ssoadmin.getInstances lists ${arns.join(", ")})`);
    }
    return {
        instanceArn: configured.instanceArn ?? arns[0],
        identityStoreId: configured.identityStoreId ?? lookup!.identityStoreIds[index],
    };
}
