// Which input changes make the engine replace a resource rather than update it.
//
// The Pulumi SDK does not carry this: `@pulumi/aws` exposes types and docs, not the provider
// schema's "force new" flags, and without the provider plugin (no Pulumi CLI here) there is no
// provider Diff to ask. So it is a documented list, for the resource types the landing zone
// registers, taken from the resource schemas of the bridged Terraform AWS provider (attributes
// marked ForceNew), in the program's input names. A resource's own `replaceOnChanges` option is
// honoured too. A type missing from the list is shown as updated, never as replaced: add it here
// when the program starts using it.
export const FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
    "aws:organizations/account:Account": ["email", "name", "iamUserAccessToBilling", "roleName"],
    "aws:organizations/organizationalUnit:OrganizationalUnit": ["parentId"],
    "aws:organizations/policy:Policy": ["type"],
    "aws:organizations/policyAttachment:PolicyAttachment": ["policyId", "targetId"],
    "aws:iam/role:Role": ["name", "namePrefix", "path"],
    "aws:iam/policy:Policy": ["name", "namePrefix", "path", "description"],
    "aws:iam/rolePolicy:RolePolicy": ["name", "namePrefix", "role"],
    "aws:iam/groupPolicy:GroupPolicy": ["name", "namePrefix", "group"],
    "aws:iam/userPolicy:UserPolicy": ["name", "namePrefix", "user"],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["role", "policyArn"],
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": ["group", "policyArn"],
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": ["user", "policyArn"],
    "aws:iam/userGroupMembership:UserGroupMembership": ["user"],
    "aws:budgets/budget:Budget": ["accountId", "name", "namePrefix"],
};

/** Top-level input name of a property path (`tags.Owner` -> `tags`, `a[0].b` -> `a`). */
export function topLevel(path: string): string {
    return /^[^.[]+/.exec(path)?.[0] ?? path;
}

/** The changed paths that force a replacement of a resource of `type`. */
export function replacementCauses(type: string, changedPaths: string[], replaceOnChanges: string[]): string[] {
    const forced = new Set([...(FORCE_NEW[type] ?? [])]);
    const all = replaceOnChanges.includes("*");
    return changedPaths.filter((p) => all || forced.has(topLevel(p)) || replaceOnChanges.some((r) => p === r || p.startsWith(`${r}.`) || p.startsWith(`${r}[`)));
}
