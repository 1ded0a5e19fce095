/**
 * Resource control policies (RCPs): limits on what any principal, from inside or outside the
 * organization, may do to the resources of member accounts. AWS attaches `RCPFullAWSAccess` to
 * every root, OU and account once the policy type is enabled; these documents only deny.
 *
 * AWS facts the documents rely on: an RCP statement names `Principal: "*"`, its effect is Deny
 * (Allow is reserved to RCPFullAWSAccess), it has no NotAction; RCPs apply to the resources of
 * member accounts only (never the management account's) and only to the services that support
 * them, STS among them; a document holds at most 5,120 characters.
 */
import type { Statement } from "../policy-document";

export interface RcpStatement extends Omit<Statement, "NotAction"> {
    Principal: "*";
}

export interface RcpDocument {
    Version: "2012-10-17";
    Statement: RcpStatement[];
}

/** The RCPs the landing zone can attach (the baseline attaches every one to the root). */
export const RCP_NAMES = ["deny-external-role-assumption"] as const;
export type RcpName = (typeof RCP_NAMES)[number];

/**
 * Nobody outside the organization assumes a role of a member account, whatever its trust policy
 * says: a delegated IAM administrator who makes a bounded role trust a personal account (IAM has
 * no condition key on a trust policy's content) gets nothing from it. AWS services (service
 * principals) and the accounts listed in `trustedExternalAccountIds` (vendors) stay able to.
 * The organization is matched with the policy variable `${aws:ResourceOrgID}`, so the document is
 * known at preview even before the organization exists. Federation (AssumeRoleWithWebIdentity,
 * AssumeRoleWithSAML) has no principal organization and is not covered.
 */
export function denyExternalRoleAssumption(p: { trustedAccountIds: readonly string[] }): RcpDocument {
    const notOurs: Record<string, string | string[]> = { "aws:PrincipalOrgID": "${aws:ResourceOrgID}" };
    if (p.trustedAccountIds.length) notOurs["aws:PrincipalAccount"] = [...p.trustedAccountIds];
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyRoleAssumptionFromOutsideTheOrganization",
                Effect: "Deny",
                Principal: "*",
                Action: ["sts:AssumeRole", "sts:SetContext"],
                Resource: "*",
                Condition: {
                    StringNotEqualsIfExists: notOurs,
                    BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
                },
            },
        ],
    };
}

export function buildRcp(name: RcpName, p: { trustedAccountIds: readonly string[] }): RcpDocument {
    switch (name) {
        case "deny-external-role-assumption":
            return denyExternalRoleAssumption(p);
    }
}

export const RCP_DESCRIPTIONS: Record<RcpName, string> = {
    "deny-external-role-assumption": "Deny assuming roles of member accounts to principals outside the organization, except AWS services",
};
