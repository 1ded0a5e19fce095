// Every policy of the pack, in the order the pack serves them. Kept apart from the PolicyPack
// (index.ts) so that tools can load the policies without starting a policy server.
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { accountEnvironmentTag } from "./account-environment-tag";
import { accountProtection } from "./account-protection";
import { accountQuota } from "./account-quota";
import { budgetPerEnvironment } from "./budget-per-environment";
import { cloudTrailBucket } from "./cloud-trail-bucket";
import { fullAdmin } from "./full-admin";
import { inlinePolicyTotals } from "./inline-policy-totals";
import { kmsKeyPolicy } from "./kms-key-policy";
import { noAllowNotAction } from "./no-allow-not-action";
import { noPassRoleWildcard } from "./no-pass-role-wildcard";
import { nonprodInstanceTypes } from "./nonprod-instance-types";
import { noUserAccessKeys } from "./no-user-access-keys";
import { noUserPermissions } from "./no-user-permissions";
import { orgPolicyDocument } from "./org-policy-document";
import { organizationTrail } from "./organization-trail";
import { orgStructureLimits } from "./org-structure-limits";
import { policySize } from "./policy-size";
import { privilegeEscalation } from "./privilege-escalation";
import { productionSeparation } from "./production-separation";
import { scpBaseline } from "./scp-baseline";
import { ssoAccountAssignments, ssoPermissionSetSession } from "./sso-permission-sets";
import { tagIsolation } from "./tag-isolation";
import { trustPolicy } from "./trust-policy";
import { userBaseline } from "./user-baseline";
import { validPolicyElements } from "./valid-policy-elements";

export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    // Resource policies
    noUserPermissions,
    noUserAccessKeys,
    noPassRoleWildcard,
    noAllowNotAction,
    validPolicyElements,
    trustPolicy,
    accountProtection,
    accountEnvironmentTag,
    orgPolicyDocument,
    policySize,
    tagIsolation,
    ssoPermissionSetSession,
    kmsKeyPolicy,
    // Stack policies
    privilegeEscalation,
    fullAdmin,
    inlinePolicyTotals,
    scpBaseline,
    nonprodInstanceTypes,
    orgStructureLimits,
    accountQuota,
    productionSeparation,
    userBaseline,
    budgetPerEnvironment,
    ssoAccountAssignments,
    organizationTrail,
    cloudTrailBucket,
];
