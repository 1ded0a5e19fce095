/**
 * What `protect-security-services` protects: every action of the security services that stops,
 * deletes, weakens, archives, suppresses or redirects their recording and findings.
 *
 * The candidates are every non-read action of the five services, taken from the IAM action
 * catalogue (catalogue.generated.ts; regenerate with `npx ts-node --transpile-only
 * components/guardrails/catalogue.ts`). Each candidate is either matched by one of the patterns
 * the SCP denies, or reviewed below with the reason it cannot blind detection. A test fails when
 * the installed catalogue has a candidate that is neither (or one that is both).
 *
 * Pure: no catalogue import.
 */

/** The security services whose findings and logs the guardrail protects. */
export const SECURITY_SERVICES = ["access-analyzer", "cloudtrail", "config", "guardduty", "securityhub"] as const;

/** Non-read actions of the security services are candidates. */
export function isDetectionCandidate(service: string, accessLevel: string): boolean {
    return (SECURITY_SERVICES as readonly string[]).includes(service) && accessLevel !== "Read" && accessLevel !== "List";
}

/**
 * Denied by the SCP to everyone but the platform roles. Patterns keep the document small and
 * cover actions AWS adds later under the same verbs.
 */
export const PROTECTED_SECURITY_ACTIONS: readonly string[] = [
    // IAM Access Analyzer: analyzers and the archive rules and finding updates that hide findings.
    "access-analyzer:ApplyArchiveRule",
    "access-analyzer:CreateArchiveRule",
    "access-analyzer:Delete*",
    "access-analyzer:Update*",
    // CloudTrail: trails and event data stores, their selectors, ingestion and resource policies.
    "cloudtrail:Delete*",
    "cloudtrail:Deregister*",
    "cloudtrail:Put*",
    "cloudtrail:Stop*",
    "cloudtrail:Update*",
    // Config: recorders, delivery channels, rules, aggregation, retention, stored resource
    // configuration and remediation exceptions (every Put* but PutEvaluations and
    // PutExternalEvaluation, which custom rules need to report their results).
    "config:Delete*",
    "config:Disassociate*",
    "config:PutA*",
    "config:PutCon*",
    "config:PutD*",
    "config:PutO*",
    "config:PutRe*",
    "config:PutS*",
    "config:PutT*",
    "config:Stop*",
    // GuardDuty: detectors, filters (auto-archive), trusted IP and entity lists, publishing
    // destinations, membership, archiving findings.
    "guardduty:Accept*",
    "guardduty:ArchiveFindings",
    "guardduty:CreateFilter",
    "guardduty:CreateIPSet",
    "guardduty:CreatePublishingDestination",
    "guardduty:CreateTrustedEntitySet",
    "guardduty:Decline*",
    "guardduty:Delete*",
    "guardduty:Disable*",
    "guardduty:Disassociate*",
    "guardduty:Stop*",
    "guardduty:Update*",
    // Security Hub: standards and controls, automation rules, finding updates, product imports,
    // configuration policies, membership.
    "securityhub:Accept*",
    "securityhub:BatchDelete*",
    "securityhub:BatchDisable*",
    "securityhub:BatchUpdate*",
    "securityhub:CreateAutomationRule*",
    "securityhub:Decline*",
    "securityhub:Delete*",
    "securityhub:Disable*",
    "securityhub:Disassociate*",
    "securityhub:StartConfigurationPolicy*",
    "securityhub:Update*",
];

const ADDS = "adds recording, detection or analysis; it switches nothing off";
const TAGS = "changes tags only";
const QUERY = "runs or cancels a query or report on recorded data";
const MANAGEMENT_ONLY = "only the management account can call it, and SCPs never apply there";
const ADMIN_SIDE = "acts on member accounts from a delegated administrator; it does not change what this account records";

/** Candidates the SCP leaves open, each with the reason it cannot blind detection. */
export const REVIEWED_SECURITY_ACTIONS: Record<string, string> = {
    "access-analyzer:CancelPolicyGeneration": QUERY,
    "access-analyzer:CreateAccessPreview": QUERY,
    "access-analyzer:CreateAnalyzer": ADDS,
    "access-analyzer:CreateServiceLinkedAnalyzer": ADDS,
    "access-analyzer:GenerateFindingRecommendation": QUERY,
    "access-analyzer:StartPolicyGeneration": QUERY,
    "access-analyzer:StartResourceScan": ADDS,
    "access-analyzer:TagResource": TAGS,
    "access-analyzer:UntagResource": TAGS,
    "cloudtrail:AddTags": TAGS,
    "cloudtrail:CancelQuery": QUERY,
    "cloudtrail:CreateChannel": ADDS,
    "cloudtrail:CreateDashboard": QUERY,
    "cloudtrail:CreateEventDataStore": ADDS,
    "cloudtrail:CreateServiceLinkedChannel": ADDS,
    "cloudtrail:CreateTrail": ADDS,
    "cloudtrail:DisableFederation": "withdraws query access to an event data store through Lake Formation; recording goes on",
    "cloudtrail:EnableFederation": "opens an event data store to queries through Lake Formation; recording goes on",
    "cloudtrail:GenerateQuery": QUERY,
    "cloudtrail:RegisterOrganizationDelegatedAdmin": MANAGEMENT_ONLY,
    "cloudtrail:RemoveTags": TAGS,
    "cloudtrail:RestoreEventDataStore": ADDS,
    "cloudtrail:StartDashboardRefresh": QUERY,
    "cloudtrail:StartEventDataStoreIngestion": ADDS,
    "cloudtrail:StartImport": ADDS,
    "cloudtrail:StartLogging": ADDS,
    "cloudtrail:StartQuery": QUERY,
    "config:AssociateResourceTypes": ADDS,
    "config:PutEvaluations": "a custom rule's function reports its results with it; it cannot stop or change a rule (a false result is a residual risk, see the guardrails docs)",
    "config:PutExternalEvaluation": "reports the result of a rule evaluated outside Config; it cannot stop or change a rule (a false result is a residual risk, see the guardrails docs)",
    "config:StartConfigRulesEvaluation": ADDS,
    "config:StartConfigurationRecorder": ADDS,
    "config:StartRemediationExecution": "runs a remediation the security team configured",
    "config:StartResourceEvaluation": ADDS,
    "config:TagResource": TAGS,
    "config:UntagResource": TAGS,
    "guardduty:CreateCustomDetectionRuleAssociation": ADDS,
    "guardduty:CreateCustomDetectionRuleOrgConfiguration": ADDS,
    "guardduty:CreateDetector": ADDS,
    "guardduty:CreateInvestigation": QUERY,
    "guardduty:CreateMalwareProtectionPlan": ADDS,
    "guardduty:CreateMembers": ADMIN_SIDE,
    "guardduty:CreateSampleFindings": "adds sample findings, marked as samples",
    "guardduty:CreateThreatEntitySet": ADDS,
    "guardduty:CreateThreatIntelSet": ADDS,
    "guardduty:EnableOrganizationAdminAccount": MANAGEMENT_ONLY,
    "guardduty:InviteMembers": ADMIN_SIDE,
    "guardduty:SendObjectMalwareScan": ADDS,
    "guardduty:SendSecurityTelemetry": ADDS,
    "guardduty:StartMalwareScan": ADDS,
    "guardduty:StartMonitoringMembers": ADDS,
    "guardduty:TagResource": TAGS,
    "guardduty:UnarchiveFindings": "brings archived findings back into view",
    "guardduty:UntagResource": TAGS,
    "securityhub:AllowVendedLogDeliveryForResource": "lets Security Hub deliver its own logs to a destination; findings are untouched",
    "securityhub:BatchEnableStandards": ADDS,
    "securityhub:BatchImportFindings": "adds findings (from integrated products); it cannot change or archive existing ones",
    "securityhub:ConnectorRegistrationsV2": ADDS,
    "securityhub:CreateActionTarget": ADDS,
    "securityhub:CreateAggregatorV2": ADDS,
    "securityhub:CreateConfigurationPolicy": ADMIN_SIDE,
    "securityhub:CreateConnector": ADDS,
    "securityhub:CreateConnectorV2": ADDS,
    "securityhub:CreateFindingAggregator": ADDS,
    "securityhub:CreateInsight": QUERY,
    "securityhub:CreateMembers": ADMIN_SIDE,
    "securityhub:CreateTicketV2": "opens a ticket for a finding",
    "securityhub:EnableImportFindingsForProduct": ADDS,
    "securityhub:EnableOrganizationAdminAccount": MANAGEMENT_ONLY,
    "securityhub:EnableSecurityHub": ADDS,
    "securityhub:EnableSecurityHubFeatureV2": ADDS,
    "securityhub:EnableSecurityHubV2": ADDS,
    "securityhub:GenerateRecommendedPolicyV2": QUERY,
    "securityhub:InviteMembers": ADMIN_SIDE,
    "securityhub:TagResource": TAGS,
    "securityhub:UntagResource": TAGS,
};
