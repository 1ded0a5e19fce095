// The landing-zone guardrails policy pack. Each policy lives in its own module under policies/.
import { PolicyPack } from "@pulumi/policy";
import { accountEnvironmentTag } from "./policies/accountEnvironmentTag";
import { accountProtection } from "./policies/accountProtection";
import { accountQuota } from "./policies/accountQuota";
import { budgetPerEnvironment } from "./policies/budgetPerEnvironment";
import { fullAdmin } from "./policies/fullAdmin";
import { inlinePolicyTotals } from "./policies/inlinePolicyTotals";
import { noAllowNotAction } from "./policies/noAllowNotAction";
import { noPassRoleWildcard } from "./policies/noPassRoleWildcard";
import { nonprodInstanceTypes } from "./policies/nonprodInstanceTypes";
import { noUserAccessKeys } from "./policies/noUserAccessKeys";
import { noUserPermissions } from "./policies/noUserPermissions";
import { orgPolicyDocument } from "./policies/orgPolicyDocument";
import { orgStructureLimits } from "./policies/orgStructureLimits";
import { policySize } from "./policies/policySize";
import { privilegeEscalation } from "./policies/privilegeEscalation";
import { productionSeparation } from "./policies/productionSeparation";
import { scpBaseline } from "./policies/scpBaseline";
import { tagIsolation } from "./policies/tagIsolation";
import { trustPolicy } from "./policies/trustPolicy";
import { userBaseline } from "./policies/userBaseline";
import { validPolicyElements } from "./policies/validPolicyElements";

new PolicyPack("aws-landing-zone-guardrails", {
    description: "Guardrails for AWS IAM and AWS Organizations, enforced at pulumi preview.",
    policies: [
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
    ],
});
