/**
 * What each permission set of IAM Identity Center holds, built from the access model's own
 * documents (../access/policies.ts): the same level means the same permissions whether a person
 * is an IAM user assuming a role or signs in through Identity Center. Pure: no Pulumi, no I/O.
 *
 * - An environment in an account of its own: the AWS managed job policy of the level
 *   (ReadOnlyAccess, PowerUserAccess, AdministratorAccess); write carries the environment's
 *   boundary `lz-<env>-boundary` as the permission set's permissions boundary (a customer managed
 *   policy reference, by name and path, that must exist in every account the set is assigned in);
 *   delegated IAM administration adds the delegation policy inline.
 * - Environments sharing an account (hybrid non-production): the tag-scoped (ABAC) documents of
 *   the level inline, so the environment is bound by the permission set itself, and the unscoped
 *   list/describe policy `lz-list-describe` of the account by reference (inline, everything would
 *   exceed the 10,240 characters an inline policy may hold once provisioned as a role policy).
 */
import {
    AbacOptions,
    abacPolicy,
    acceptedUntaggedPolicy,
    awsManagedPolicyArn,
    boundaryName,
    iamDelegationPolicy,
    LZ_PATH,
    organizationAdminPolicy,
    PolicyDocument,
    RoleLevel,
} from "../access/policies";

/** A customer managed policy named in a permission set: it must exist, by name and path, in every account the set is assigned in. */
export interface PolicyReference {
    name: string;
    path: string;
}

export interface PermissionSetDocuments {
    /** AWS managed policy ARNs (partition placeholder). */
    managedPolicyArns: string[];
    customerManagedPolicies: PolicyReference[];
    inlinePolicy?: PolicyDocument;
    permissionsBoundary?: PolicyReference;
}

/** Name of the list/describe policy the access plan creates in an account shared by several environments. */
export const LIST_DESCRIBE_POLICY = "lz-list-describe";

/** IAM Identity Center limits of a permission set's inline policy (quotas page): as submitted, and without whitespace once provisioned. */
export const INLINE_POLICY_MAX_CHARS = 32768;
export const INLINE_POLICY_MAX_NON_WHITESPACE = 10240;

const merge = (...docs: (PolicyDocument | undefined)[]): PolicyDocument => ({
    Version: "2012-10-17",
    Statement: docs.flatMap((d) => d?.Statement ?? []),
});

/**
 * The documents of the permission set of one level in one environment.
 * `shared`: the environment shares its accounts with others (tag-separated).
 */
export function permissionSetDocuments(env: string, level: RoleLevel, shared: boolean, opts: AbacOptions, acceptedUntagged: string[]): PermissionSetDocuments {
    const delegation = level === "write-iam" ? iamDelegationPolicy(env) : undefined;
    if (shared) {
        const base = level === "write-iam" ? "write" : level;
        const accepted = base !== "read" && acceptedUntagged.length > 0 ? acceptedUntaggedPolicy(acceptedUntagged) : undefined;
        return {
            managedPolicyArns: [],
            customerManagedPolicies: [{ name: LIST_DESCRIBE_POLICY, path: LZ_PATH }],
            inlinePolicy: merge(abacPolicy(env, base, opts), accepted, delegation),
        };
    }
    const job = { read: "ReadOnlyAccess", write: "PowerUserAccess", "write-iam": "PowerUserAccess", admin: "AdministratorAccess" }[level];
    return {
        managedPolicyArns: [awsManagedPolicyArn(job)],
        customerManagedPolicies: [],
        inlinePolicy: delegation,
        permissionsBoundary: level === "write" || level === "write-iam" ? { name: boundaryName(env), path: LZ_PATH } : undefined,
    };
}

/**
 * Organization administration through Identity Center: the organization-admin policy of the
 * IAM-user model without its MFA conditions. A permission set's session comes from the Identity
 * Center sign-in, whose MFA is the instance's setting; `aws:MultiFactorAuthPresent` would not be
 * true in it, and the conditions would deny everything. The break-glass denies stay.
 */
export function organizationAdminPermissionSetPolicy(): PolicyDocument {
    const doc = organizationAdminPolicy(3600);
    return {
        ...doc,
        Statement: doc.Statement.map((s) => {
            if (!s.Condition) return s;
            const condition = Object.fromEntries(
                Object.entries(s.Condition)
                    .map(([op, block]) => [op, Object.fromEntries(Object.entries(block).filter(([k]) => !/^aws:MultiFactorAuth/i.test(k)))] as const)
                    .filter(([, block]) => Object.keys(block).length > 0),
            );
            const { Condition: _dropped, ...rest } = s;
            return Object.keys(condition).length > 0 ? { ...rest, Condition: condition } : rest;
        }),
    };
}

/** Sizes of an inline policy as the provider submits it (JSON without whitespace). */
export function inlinePolicySize(doc: PolicyDocument): number {
    return JSON.stringify(doc).length;
}
