/**
 * Actions that share data outside the account: snapshot and image permissions, AWS RAM shares,
 * named shares and sharing policies of other services, and the block-public-access settings that
 * keep snapshots, images and buckets from being made public.
 *
 * The rule below selects candidates from the IAM action catalogue; catalogue.generated.ts holds
 * the candidates of the installed catalogue (regenerate with catalogue.ts). A write level never
 * gets a candidate unless it is reviewed below with the reason it shares nothing:
 * - accounts shared by several environments: the tag-scoped write policy denies the candidates
 *   of the covered services (it grants no other service);
 * - accounts dedicated to an environment: the write roles' permissions boundary (also the
 *   boundary of every delegated role) denies every candidate.
 * Admin levels keep them: sharing is a deliberate act of an environment's administrators, limited
 * by the deny-external-sharing guardrail where AWS offers a condition key.
 *
 * Pure: no catalogue import (the program never reads the catalogue at run time).
 */

/** Whether a catalogue action is a sharing candidate (non-read actions only). */
export function isSharingCandidate(service: string, name: string, accessLevel: string): boolean {
    if (accessLevel === "Read" || accessLevel === "List") return false;
    return service === "ram" || /Share([A-Z]|s?$)|Sharing|Shared/.test(name) || /^(Modify|Reset)\w*(Snapshot|Image)Attribute$/.test(name) || /BlockPublicAccess|PublicAccessBlock/.test(name);
}

const REMOVES = "removes or withdraws a share; nothing leaves the account";
const INBOUND = "accepts or declines a share offered to this account; nothing leaves it";
const STRONGER = "turns a public-access block on; it can only keep data in";
const TAGS = "changes tags of a share, not who it reaches";
const NOT_DATA = "shares no data outside the account";

/** Candidates a write level may keep, each with the reason. Everything else is denied at write. */
export const SHARING_REVIEWED: Record<string, string> = {
    "apigateway:DeletePortalProductSharingPolicy": REMOVES,
    "auditmanager:DeleteAssessmentFrameworkShare": REMOVES,
    "batch:CreateQuotaShare": `${NOT_DATA}: divides this account's compute capacity between job queues`,
    "batch:DeleteQuotaShare": `${NOT_DATA}: divides this account's compute capacity between job queues`,
    "batch:UpdateQuotaShare": `${NOT_DATA}: divides this account's compute capacity between job queues`,
    "connect:StartScreenSharing": `${NOT_DATA}: an agent shares a screen with a customer inside a contact`,
    "datazone:DeleteDomainSharingPolicy": REMOVES,
    "ds:AcceptSharedDirectory": INBOUND,
    "ds:RejectSharedDirectory": INBOUND,
    "ec2:DeleteVpcBlockPublicAccessExclusion": STRONGER,
    "ec2:EnableImageBlockPublicAccess": STRONGER,
    "ec2:EnableSnapshotBlockPublicAccess": STRONGER,
    "ec2:ResetFpgaImageAttribute": `${REMOVES} (back to private)`,
    "ec2:ResetImageAttribute": `${REMOVES} (back to private)`,
    "ec2:ResetSnapshotAttribute": `${REMOVES} (back to private)`,
    "elasticloadbalancing:DeleteSharedTrustStoreAssociation": REMOVES,
    "fsx:UpdateSharedVpcConfiguration": `${NOT_DATA}: lets file systems of participants of a shared VPC update its route tables`,
    "kms:DeriveSharedSecret": `${NOT_DATA}: a key agreement (ECDH) computes a shared secret with a public key`,
    "odb:DeleteGrantShare": REMOVES,
    "omics:AcceptShare": INBOUND,
    "omics:DeleteShare": REMOVES,
    "partnercentral:CreateMarketplaceRevenueShare": `${NOT_DATA}: billing between marketplace partners`,
    "partnercentral:CreateMarketplaceRevenueShareAllocation": `${NOT_DATA}: billing between marketplace partners`,
    "partnercentral:UpdateMarketplaceRevenueShareAllocation": `${NOT_DATA}: billing between marketplace partners`,
    "ram:AcceptResourceShareInvitation": INBOUND,
    "ram:DeletePermission": REMOVES,
    "ram:DeletePermissionVersion": REMOVES,
    "ram:DeleteResourceShare": REMOVES,
    "ram:DisassociateResourceShare": REMOVES,
    "ram:DisassociateResourceSharePermission": REMOVES,
    "ram:RejectResourceShareInvitation": INBOUND,
    "ram:TagResource": TAGS,
    "ram:UntagResource": TAGS,
    "redshift:DeauthorizeDataShare": REMOVES,
    "redshift:DisassociateDataShareConsumer": REMOVES,
    "redshift:RejectDataShare": INBOUND,
    "sagemaker:SendSharedModelEvent": `${NOT_DATA}: reports an event on a model already shared with this account`,
    "servicecatalog:AcceptPortfolioShare": INBOUND,
    "servicecatalog:DeletePortfolioShare": REMOVES,
    "servicecatalog:RejectPortfolioShare": INBOUND,
    "storagegateway:DeleteFileShare": REMOVES,
    "wellarchitected:DeleteLensShare": REMOVES,
    "wellarchitected:DeleteProfileShare": REMOVES,
    "wellarchitected:DeleteTemplateShare": REMOVES,
    "wellarchitected:DeleteWorkloadShare": REMOVES,
    "wellarchitected:UpdateShareInvitation": INBOUND,
};

/** The candidates a write level never gets: every candidate not reviewed. */
export function sharingDenied(candidates: readonly string[]): string[] {
    return candidates.filter((a) => SHARING_REVIEWED[a] === undefined);
}
