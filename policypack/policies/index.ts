// Every policy of the pack, in the order the pack serves them. Kept apart from the PolicyPack
// (index.ts) so that tools can load the policies without starting a policy server.
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { accountEnvironmentTag } from "./accountEnvironmentTag";
import { accountProtection } from "./accountProtection";
import { accountQuota } from "./accountQuota";
import { budgetPerEnvironment } from "./budgetPerEnvironment";
import { cloudTrailBucket } from "./cloudTrailBucket";
import { fullAdmin } from "./fullAdmin";
import { inlinePolicyTotals } from "./inlinePolicyTotals";
import { kmsKeyPolicy } from "./kmsKeyPolicy";
import { noAllowNotAction } from "./noAllowNotAction";
import { noPassRoleWildcard } from "./noPassRoleWildcard";
import { nonprodInstanceTypes } from "./nonprodInstanceTypes";
import { noUserAccessKeys } from "./noUserAccessKeys";
import { noUserPermissions } from "./noUserPermissions";
import { orgPolicyDocument } from "./orgPolicyDocument";
import { organizationTrail } from "./organizationTrail";
import { orgStructureLimits } from "./orgStructureLimits";
import { policySize } from "./policySize";
import { privilegeEscalation } from "./privilegeEscalation";
import { productionSeparation } from "./productionSeparation";
import { scpBaseline } from "./scpBaseline";
import { ssoAccountAssignments, ssoPermissionSetSession } from "./ssoPermissionSets";
import { tagIsolation } from "./tagIsolation";
import { trustPolicy } from "./trustPolicy";
import { userBaseline } from "./userBaseline";
import { validPolicyElements } from "./validPolicyElements";

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
