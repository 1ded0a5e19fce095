/**
 * The security baseline, planned as plain data: organization plan in, `{ plan, problems }` out.
 * Pure: no Pulumi import, no I/O. The component (./component.ts) registers exactly what this
 * returns, in the order the `dependsOn` lists say; the guardrails planner receives `protection`
 * (what protect-security-baseline protects, and where the baseline attaches it).
 *
 * Organizations layouts (multi-account, hybrid):
 * - the log archive account keeps the bucket and the KMS key (CloudTrail and Config write there);
 * - the management account keeps the organization trail (created after the bucket and key
 *   policies), registers the delegated administrators (after trusted access, which the
 *   organization resource enables) and records its own Config;
 * - the audit account is the delegated administrator of GuardDuty, Security Hub, Config
 *   aggregation and Access Analyzer, and holds their organization configurations;
 * - every account records Config in every region of `security.regions`.
 * Single-account: an account trail, its bucket and key, GuardDuty detectors and account
 * analyzers, in the one account.
 *
 * Regional resources name their region (the AWS provider v7 `region` argument), so one provider
 * per account (the account's organization access role) serves every region: no provider per
 * (account, region).
 */
import { MANAGEMENT_ACCOUNT, PARTITION } from "../access/policies";
import { sortedSet } from "../fields";
import { resolveGuardrailsConfig } from "../guardrails/config";
import type { SecurityBaselineProtection } from "../guardrails/scp";
import { DEPLOYMENT_ACCOUNT, type CorePlan } from "../organization/plan";
import { Broken } from "../parse";
import type { PolicyDocument } from "../policy-document";
import { didYouMean, problem as problemAt, type Planned, type Problem } from "../problems";
import { DEFAULT_ACCOUNT_TRAIL_NAME, DEFAULT_ORGANIZATION_TRAIL_NAME, MANAGEMENT_ACCOUNT_ID_TOKEN, resolveConfigRecorder, resolveSecurityHub } from "./config";
import { anyAccountRole, CONFIG_KEY_PREFIX, configAggregatorTrust, logBucketPolicy, logKeyPolicy, trailArn } from "./documents";

/** `dependsOn` entry standing for the organization resource (its trusted service access). */
export const ORGANIZATION = "organization";

/** A resource to register: its logical name, where it lives and what it waits for. */
export interface SecurityResource {
    name: string;
    /**
     * Member accounts only: the logical name under each former key of the account (`formerKeys`),
     * by that key. The component aliases the resource to it, under the account's former scope.
     */
    formerNames: Record<string, string>;
    /** `DEPLOYMENT_ACCOUNT` (the management account, or the one account) or an account key. */
    account: string;
    /** The region the resource is managed in (the provider v7 `region` argument). */
    region: string;
    /** Logical names of other planned resources, or ORGANIZATION. */
    dependsOn: string[];
}

export interface LogArchivePlan {
    account: string;
    region: string;
    /** Bucket name; may hold `{{managementAccountId}}`. */
    bucketName: string;
    bucket: SecurityResource & { objectLockEnabled: boolean };
    ownershipControls: SecurityResource;
    publicAccessBlock: SecurityResource;
    versioning: SecurityResource;
    encryption: SecurityResource;
    lifecycle: SecurityResource & { transitionDays: number; storageClass: string; expirationDays: number };
    objectLock?: SecurityResource & { mode: "GOVERNANCE" | "COMPLIANCE"; days: number };
    bucketPolicy: SecurityResource & { document: PolicyDocument };
    key: SecurityResource & { description: string };
    keyPolicy: SecurityResource & { document: PolicyDocument };
    alias: SecurityResource & { aliasName: string };
}

export interface TrailPlan extends SecurityResource {
    trailName: string;
    /** ARN, with placeholders: known before the trail exists. */
    arn: string;
    organization: boolean;
    dataEvents: { s3: boolean; lambda: boolean };
}

export interface DelegatedAdministratorPlan extends SecurityResource {
    servicePrincipal: string;
    /** Account key of the administrator. */
    adminAccount: string;
}

export interface GuardDutyPlan {
    /** One detector per region: in the audit account (before it is made administrator), or in the one account. */
    detectors: (SecurityResource & { findingPublishingFrequency: string })[];
    /** Organizations layouts: the audit account made administrator, per region, from the management account. */
    adminAccounts: (SecurityResource & { adminAccount: string })[];
    /** Organizations layouts: auto-enable for members, per region, through the audit account. */
    organizationConfigurations: (SecurityResource & { detector: string; autoEnableOrganizationMembers: "ALL" | "NEW" })[];
}

export interface SecurityHubPlan {
    /** Administrator in the home region; central configuration extends it to the linked regions. */
    adminAccount: SecurityResource & { adminAccount: string };
    findingAggregator: SecurityResource & { linkedRegions: string[] };
    organizationConfiguration: SecurityResource;
    policy: SecurityResource & { policyName: string; standardArns: string[] };
    /** The policy on the organization root: every account, existing and new, in every linked region. */
    rootAssociation: SecurityResource;
}

export interface ConfigPlan {
    /** AWSServiceRoleForConfig, per account. */
    serviceLinkedRoles: SecurityResource[];
    recorders: (SecurityResource & { recorderName: string; serviceLinkedRole: string; includeGlobalResourceTypes: boolean })[];
    deliveryChannels: (SecurityResource & { channelName: string; recorder: string; keyPrefix: string })[];
    recorderStatuses: (SecurityResource & { recorderName: string; deliveryChannel: string })[];
    aggregator?: {
        role: SecurityResource & { roleName: string; path: string; trust: PolicyDocument; managedPolicyArn: string };
        roleAttachment: SecurityResource;
        aggregator: SecurityResource & { aggregatorName: string; regions: string[] };
    };
}

export interface AnalyzerPlan extends SecurityResource {
    analyzerName: string;
    type: "ACCOUNT" | "ORGANIZATION" | "ACCOUNT_UNUSED_ACCESS" | "ORGANIZATION_UNUSED_ACCESS";
    unusedAccessAge?: number;
}

export interface SecurityPlan {
    layout: "organization" | "account";
    homeRegion: string;
    regions: string[];
    /** Account keys (`DEPLOYMENT_ACCOUNT` in single-account). */
    logArchiveAccount: string;
    auditAccount: string;
    /** Service principals the organization must trust before anything is delegated. */
    trustedAccess: string[];
    logArchive?: LogArchivePlan;
    trail?: TrailPlan;
    /** An organization trail kept by something else (Control Tower): referenced, not created. */
    existingTrailArn?: string;
    delegatedAdministrators: DelegatedAdministratorPlan[];
    guardDuty?: GuardDutyPlan;
    securityHub?: SecurityHubPlan;
    config?: ConfigPlan;
    analyzers: AnalyzerPlan[];
    /**
     * What the guardrail protect-security-baseline protects (Organizations layouts), and the accounts
     * the baseline attaches it to: the log archive and audit accounts, the only ones whose principals
     * can reach those resources (other accounts get no grant on them).
     */
    protection?: SecurityBaselineProtection & { accounts: string[] };
    /** The unused-access analyzer's age, for the estate review; undefined when it is off. */
    unusedAccessAge?: number;
    tags: Record<string, string>;
}

export const CONFIG_RECORDER_NAME = "lz-recorder";
export const CONFIG_DELIVERY_CHANNEL_NAME = "lz-delivery";
export const CONFIG_AGGREGATOR_ROLE = { name: "lz-config-aggregator", path: "/service-role/" };
export const CONFIG_AGGREGATOR_POLICY = "service-role/AWSConfigRoleForOrganizations";
export const SECURITY_HUB_POLICY_NAME = "lz-security-baseline";

export const standardArn = (region: string, standard: string) => `arn:${PARTITION}:securityhub:${region}::standards/${standard}`;

/**
 * The security section's planner: the baseline (undefined when `security` is absent) and every
 * problem of the section: accounts, regions, trusted access, the single-account limits, the
 * lifecycle, the tag limit. References to entries that failed to parse (`broken`) are left alone.
 */
export function planSecurity(plan: CorePlan, broken: Broken = new Broken()): Planned<SecurityPlan | undefined> {
    const s = plan.config.security;
    if (!s) return { plan: undefined, problems: [] };
    const problems: Problem[] = [];
    const problem = (path: (string | number)[], value: unknown, message: string) => problems.push(problemAt(["security", ...path], value, message));
    const organization = plan.organization !== undefined;

    // --- Accounts ----------------------------------------------------------------------------
    const accountKeys = plan.accounts.map((a) => a.key);
    const declared = Object.keys(plan.config.accounts ?? {});
    const memberAccount = (key: "logArchiveAccount" | "auditAccount"): string | undefined => {
        const value = s[key];
        if (!organization) {
            if (value !== undefined) problem([key], value, "is not allowed when layout is single-account: the baseline lives in the one account");
            return DEPLOYMENT_ACCOUNT;
        }
        if (value === undefined) {
            if (!broken.has("security", key)) problem([key], value, `is required when layout is ${plan.layout}: the key of a member account (declared: ${declared.join(", ") || "(none)"})`);
            return undefined;
        }
        if (value === DEPLOYMENT_ACCOUNT) {
            problem(
                [key],
                value,
                "must be a member account, not the management account: service control policies never apply to the management account, so nothing there could protect the logs and findings from its administrators",
            );
            return undefined;
        }
        const account = plan.accounts.find((a) => a.key === value);
        if (!account) {
            // An account whose own entry did not parse (or was left out of the plan) was reported already.
            if (!declared.includes(value) && !broken.hides("accounts", value)) {
                problem([key], value, `names an unknown account${didYouMean(value, declared)}; declared accounts: ${declared.join(", ") || "(none)"}`);
            }
            return undefined;
        }
        if (account.environments.length > 0) {
            problem([key], value, `must be an account that hosts no environment (it hosts ${account.environments.join(", ")}): workloads and their administrators stay out of the security accounts`);
        }
        return value;
    };
    const logArchiveAccount = memberAccount("logArchiveAccount");
    const auditAccount = memberAccount("auditAccount");
    if (organization && logArchiveAccount && logArchiveAccount === auditAccount) {
        problem(["auditAccount"], auditAccount, "must differ from logArchiveAccount: the log archive keeps the evidence of what the audit account's administrators do");
    }

    // --- Regions -------------------------------------------------------------------------------
    const g = organization ? resolveGuardrailsConfig(plan.config) : undefined;
    const allowed = g?.allowedRegions;
    const regions = sortedSet(s.regions ?? allowed ?? []);
    if (regions.length === 0 && !broken.has("security", "regions") && !broken.has("guardrails", "allowedRegions")) {
        problem(
            ["regions"],
            s.regions,
            organization
                ? "is required when guardrails.allowedRegions is not set: the regions where GuardDuty, Config and Access Analyzer run"
                : "is required in single-account: the regions where GuardDuty and Access Analyzer run",
        );
    }
    (s.regions ?? []).forEach((r, i, all) => {
        if (all.indexOf(r) !== i) problem(["regions", i], r, "is listed twice");
        if (allowed && !allowed.includes(r)) {
            problem(["regions", i], r, `is outside guardrails.allowedRegions (${allowed.join(", ")}): the region guardrail would stop everything there but the platform roles`);
        }
    });
    // A set's first entry would change with its order: the default is the first in alphabetical order.
    const homeRegion = s.homeRegion ?? regions[0] ?? "";
    if (s.homeRegion && regions.length > 0 && !regions.includes(s.homeRegion)) {
        problem(["homeRegion"], s.homeRegion, `must be one of security.regions (${regions.join(", ")})`);
    }

    // --- Single-account limits -----------------------------------------------------------------
    if (!organization) {
        if (s.securityHub)
            problem(
                ["securityHub"],
                "(set)",
                "is not part of the single-account baseline (an account trail, GuardDuty, Access Analyzer): it needs an organization with a delegated administrator; use multi-account or hybrid",
            );
        if (s.config) problem(["config"], "(set)", "is not part of the single-account baseline (an account trail, GuardDuty, Access Analyzer); use multi-account or hybrid");
        if (s.guardDuty.autoEnableOrganizationMembers !== undefined) {
            problem(["guardDuty", "autoEnableOrganizationMembers"], s.guardDuty.autoEnableOrganizationMembers, "is not allowed when layout is single-account: there are no member accounts to enable");
        }
    }
    const securityHub = organization ? resolveSecurityHub(s) : undefined;
    const configRecorder = organization ? resolveConfigRecorder(s) : undefined;

    // --- CloudTrail ----------------------------------------------------------------------------
    const ct = s.cloudTrail;
    const ownTrail = ct.enabled && ct.existingTrailArn === undefined;
    if (ct.existingTrailArn !== undefined) {
        if (ct.name !== undefined) problem(["cloudTrail", "name"], ct.name, "cannot be set with existingTrailArn: the existing trail keeps its name");
        if (ct.dataEvents.s3 || ct.dataEvents.lambda) problem(["cloudTrail", "dataEvents"], ct.dataEvents, "cannot be set with existingTrailArn: configure data events on the existing trail");
    }

    // --- Trusted access --------------------------------------------------------------------------
    const trustedAccess = organization
        ? [
              ...(ownTrail ? ["cloudtrail.amazonaws.com"] : []),
              ...(s.guardDuty.enabled ? ["guardduty.amazonaws.com"] : []),
              ...(securityHub?.enabled ? ["securityhub.amazonaws.com"] : []),
              ...(configRecorder?.enabled && configRecorder.aggregator ? ["config.amazonaws.com"] : []),
              ...(s.accessAnalyzer.enabled || s.accessAnalyzer.unusedAccess ? ["access-analyzer.amazonaws.com"] : []),
          ]
        : [];
    const trusted = plan.organization?.awsServiceAccessPrincipals ?? [];
    for (const principal of trustedAccess.filter((p) => !trusted.includes(p))) {
        if (broken.has("organization", "awsServiceAccessPrincipals")) break;
        problems.push(
            problemAt(
                ["organization", "awsServiceAccessPrincipals"],
                trusted,
                `must include ${principal}: the security baseline delegates that service, and trusted access must be enabled on the organization first`,
            ),
        );
    }

    // --- Log archive protections: who may still administer it ------------------------------
    const deploymentRoles = s.deploymentRoleNames ?? [];
    const needsBucket = ownTrail || (configRecorder?.enabled ?? false);
    if (!organization && needsBucket && deploymentRoles.length === 0) {
        problem(
            ["deploymentRoleNames"],
            s.deploymentRoleNames,
            "is required in single-account: the roles that run pulumi up in this account (the log bucket denies every one else deleting logs or changing its policy, and only they administer its key)",
        );
    }
    const platformRoles = g ? [g.platformRoleName, ...plan.accounts.map((a) => a.roleName)] : [];
    const exemptRoleArns = sortedSet([...platformRoles, ...deploymentRoles]).map(anyAccountRole);

    // --- Lifecycle ---------------------------------------------------------------------------------
    const la = s.logArchive;
    if (la.expirationDays > 0 && la.expirationDays <= la.transitionDays) {
        problem(["logArchive", "expirationDays"], la.expirationDays, `must be more than transitionDays (${la.transitionDays}), or 0 to keep the logs for ever`);
    }
    if (la.transitionStorageClass === "STANDARD_IA" && la.transitionDays < 30) {
        problem(["logArchive", "transitionDays"], la.transitionDays, "must be at least 30 for STANDARD_IA (S3 moves objects there only after 30 days)");
    }
    if (la.objectLock && la.expirationDays > 0 && la.objectLock.days > la.expirationDays) {
        problem(
            ["logArchive", "objectLock", "days"],
            la.objectLock.days,
            `must not exceed expirationDays (${la.expirationDays}): the lifecycle cannot remove a locked version before its retention ends`,
        );
    }

    if (problems.length > 0 || !logArchiveAccount || !auditAccount) return { plan: undefined, problems };

    // --- Names ---------------------------------------------------------------------------------
    const formerKeysOf = (account: string) => plan.accounts.find((a) => a.key === account)?.formerKeys ?? [];
    /**
     * A planned resource. A name given as a function of the account key is the name under each of
     * the account's former keys too; a plain name stays the same (only the account's scope changes).
     */
    const planned = (name: string | ((accountKey: string) => string), account: string, region: string, dependsOn: string[] = []): SecurityResource => {
        const nameFor = typeof name === "string" ? () => name : name;
        return {
            name: nameFor(account),
            formerNames: Object.fromEntries(formerKeysOf(account).map((k) => [k, nameFor(k)])),
            account,
            region,
            dependsOn,
        };
    };
    const tags = { ...plan.commonTags };

    // --- Log archive: bucket and key ---------------------------------------------------------
    const trailName = ct.name ?? (organization ? DEFAULT_ORGANIZATION_TRAIL_NAME : DEFAULT_ACCOUNT_TRAIL_NAME);
    const arnOfTrail = trailArn(homeRegion, trailName);
    let logArchive: LogArchivePlan | undefined;
    if (needsBucket) {
        const bucketName = la.bucketName.replace(MANAGEMENT_ACCOUNT_ID_TOKEN, MANAGEMENT_ACCOUNT);
        const at = (name: string, dependsOn: string[] = []) => planned(name, logArchiveAccount, homeRegion, dependsOn);
        const documentInputs = {
            bucketName,
            homeRegion,
            trail: ownTrail ? { arn: arnOfTrail, organization } : undefined,
            config: configRecorder?.enabled ?? false,
            exemptRoleArns,
        };
        logArchive = {
            account: logArchiveAccount,
            region: homeRegion,
            bucketName,
            bucket: { ...at("log-archive-bucket"), objectLockEnabled: la.objectLock !== undefined },
            ownershipControls: at("log-archive-bucket-ownership"),
            publicAccessBlock: at("log-archive-bucket-public-access-block"),
            versioning: at("log-archive-bucket-versioning"),
            encryption: at("log-archive-bucket-encryption"),
            lifecycle: {
                // S3 rejects a lifecycle configuration on a bucket whose versioning is still being set.
                ...at("log-archive-bucket-lifecycle", ["log-archive-bucket-versioning"]),
                transitionDays: la.transitionDays,
                storageClass: la.transitionStorageClass,
                expirationDays: la.expirationDays,
            },
            objectLock: la.objectLock ? { ...at("log-archive-bucket-object-lock", ["log-archive-bucket-versioning"]), ...la.objectLock } : undefined,
            // The public access block first (with BlockPublicPolicy, a policy AWS judges public is refused), and the
            // ownership controls (ACLs off; CloudTrail's and Config's bucket-owner-full-control writes are accepted).
            bucketPolicy: {
                ...at("log-archive-bucket-policy", ["log-archive-bucket-public-access-block", "log-archive-bucket-ownership"]),
                document: logBucketPolicy({ ...documentInputs, auditAccount: organization ? auditAccount : undefined }),
            },
            key: { ...at("log-archive-key"), description: "Landing zone log archive: CloudTrail and Config logs" },
            keyPolicy: { ...at("log-archive-key-policy"), document: logKeyPolicy({ ...documentInputs, organization }) },
            alias: { ...at("log-archive-key-alias"), aliasName: la.keyAlias },
        };
    }

    // --- The trail: after the bucket and key policies, and (organization) after trusted access ---
    const trail: TrailPlan | undefined = ownTrail
        ? {
              ...planned(organization ? "organization-trail" : "account-trail", DEPLOYMENT_ACCOUNT, homeRegion, [
                  "log-archive-bucket-policy",
                  "log-archive-key-policy",
                  ...(organization ? [ORGANIZATION] : []),
              ]),
              trailName,
              arn: arnOfTrail,
              organization,
              dataEvents: { ...ct.dataEvents },
          }
        : undefined;

    // --- Delegated administrators registered through Organizations (Config, Access Analyzer) -----
    const delegatedAdministrators: DelegatedAdministratorPlan[] = [];
    const delegate = (service: string, servicePrincipal: string) => {
        const d = { ...planned(`delegated-admin-${service}`, DEPLOYMENT_ACCOUNT, homeRegion, [ORGANIZATION]), servicePrincipal, adminAccount: auditAccount };
        delegatedAdministrators.push(d);
        return d.name;
    };

    // --- GuardDuty ---------------------------------------------------------------------------------
    let guardDuty: GuardDutyPlan | undefined;
    if (s.guardDuty.enabled) {
        guardDuty = { detectors: [], adminAccounts: [], organizationConfigurations: [] };
        for (const region of regions) {
            const detector = {
                ...planned((k) => `guardduty-detector-${k === DEPLOYMENT_ACCOUNT ? "account" : k}-${region}`, auditAccount, region),
                findingPublishingFrequency: s.guardDuty.findingPublishingFrequency,
            };
            guardDuty.detectors.push(detector);
            if (!organization) continue;
            // The administrator's own detector exists first, so designating it adopts that detector.
            const admin = { ...planned(`guardduty-admin-${region}`, DEPLOYMENT_ACCOUNT, region, [ORGANIZATION, detector.name]), adminAccount: auditAccount };
            guardDuty.adminAccounts.push(admin);
            guardDuty.organizationConfigurations.push({
                ...planned(`guardduty-organization-${region}`, auditAccount, region, [admin.name]),
                detector: detector.name,
                autoEnableOrganizationMembers: s.guardDuty.autoEnableOrganizationMembers ?? "ALL",
            });
        }
    }

    // --- Security Hub: central configuration from the home region ----------------------------------
    let securityHubPlan: SecurityHubPlan | undefined;
    if (securityHub?.enabled) {
        const admin = { ...planned("securityhub-admin", DEPLOYMENT_ACCOUNT, homeRegion, [ORGANIZATION]), adminAccount: auditAccount };
        const aggregator = { ...planned("securityhub-finding-aggregator", auditAccount, homeRegion, [admin.name]), linkedRegions: regions.filter((r) => r !== homeRegion) };
        const orgConfig = planned("securityhub-organization", auditAccount, homeRegion, [aggregator.name]);
        const policy = {
            ...planned("securityhub-policy", auditAccount, homeRegion, [orgConfig.name]),
            policyName: SECURITY_HUB_POLICY_NAME,
            standardArns: sortedSet(securityHub.standards).map((st) => standardArn(homeRegion, st)),
        };
        securityHubPlan = {
            adminAccount: admin,
            findingAggregator: aggregator,
            organizationConfiguration: orgConfig,
            policy,
            rootAssociation: planned("securityhub-policy-root", auditAccount, homeRegion, [policy.name]),
        };
    }

    // --- Config: a recorder in every account and region, an aggregator in the audit account ------
    let config: ConfigPlan | undefined;
    if (configRecorder?.enabled && logArchive) {
        config = { serviceLinkedRoles: [], recorders: [], deliveryChannels: [], recorderStatuses: [] };
        for (const account of [DEPLOYMENT_ACCOUNT, ...accountKeys]) {
            const slr = planned((k) => `config-service-role-${k}`, account, homeRegion);
            config.serviceLinkedRoles.push(slr);
            for (const region of regions) {
                const recorder = {
                    ...planned((k) => `config-recorder-${k}-${region}`, account, region),
                    recorderName: CONFIG_RECORDER_NAME,
                    serviceLinkedRole: slr.name,
                    // IAM and other global resources once, in the home region (recording them everywhere multiplies their cost).
                    includeGlobalResourceTypes: region === homeRegion,
                };
                // The bucket and key policies must admit Config before a channel points at them.
                const channel = {
                    ...planned((k) => `config-delivery-${k}-${region}`, account, region, [recorder.name, logArchive.bucketPolicy.name, logArchive.keyPolicy.name]),
                    channelName: CONFIG_DELIVERY_CHANNEL_NAME,
                    recorder: recorder.name,
                    keyPrefix: CONFIG_KEY_PREFIX,
                };
                config.recorders.push(recorder);
                config.deliveryChannels.push(channel);
                config.recorderStatuses.push({
                    ...planned((k) => `config-recorder-status-${k}-${region}`, account, region, [channel.name]),
                    recorderName: CONFIG_RECORDER_NAME,
                    deliveryChannel: channel.name,
                });
            }
        }
        if (configRecorder.aggregator) {
            const admin = delegate("config", "config.amazonaws.com");
            const role = {
                ...planned((k) => `${k}-config-aggregator-role`, auditAccount, homeRegion),
                roleName: CONFIG_AGGREGATOR_ROLE.name,
                path: CONFIG_AGGREGATOR_ROLE.path,
                trust: configAggregatorTrust(),
                managedPolicyArn: `arn:${PARTITION}:iam::aws:policy/${CONFIG_AGGREGATOR_POLICY}`,
            };
            const roleAttachment = planned((k) => `${k}-config-aggregator-role-policy`, auditAccount, homeRegion);
            config.aggregator = {
                role,
                roleAttachment,
                aggregator: { ...planned("config-aggregator", auditAccount, homeRegion, [admin, roleAttachment.name]), aggregatorName: "lz-organization", regions: [...regions] },
            };
        }
    }

    // --- Access Analyzer -------------------------------------------------------------------------
    const analyzers: AnalyzerPlan[] = [];
    const aa = s.accessAnalyzer;
    const analyzerAdmin = organization && (aa.enabled || aa.unusedAccess) ? delegate("access-analyzer", "access-analyzer.amazonaws.com") : undefined;
    const scope = organization ? "ORGANIZATION" : "ACCOUNT";
    if (aa.enabled) {
        for (const region of regions) {
            analyzers.push({
                ...planned(`access-analyzer-${region}`, auditAccount, region, analyzerAdmin ? [analyzerAdmin] : []),
                analyzerName: organization ? "lz-organization-external-access" : "lz-account-external-access",
                type: scope,
            });
        }
    }
    if (aa.unusedAccess) {
        analyzers.push({
            ...planned("access-analyzer-unused-access", auditAccount, homeRegion, analyzerAdmin ? [analyzerAdmin] : []),
            analyzerName: organization ? "lz-organization-unused-access" : "lz-account-unused-access",
            type: `${scope}_UNUSED_ACCESS`,
            unusedAccessAge: aa.unusedAccessAge,
        });
    }

    // --- What the guardrail protect-security-baseline protects -------------------------------------
    const protection: SecurityPlan["protection"] =
        organization && (logArchive || config?.aggregator)
            ? {
                  logBucketNames: logArchive ? [la.bucketName.replace(MANAGEMENT_ACCOUNT_ID_TOKEN, "*")] : [],
                  keyAliases: logArchive ? [la.keyAlias] : [],
                  roles: config?.aggregator ? [`${CONFIG_AGGREGATOR_ROLE.path.slice(1)}${CONFIG_AGGREGATOR_ROLE.name}`] : [],
                  accounts: [logArchiveAccount, auditAccount],
              }
            : undefined;

    return {
        plan: {
            layout: organization ? "organization" : "account",
            homeRegion,
            regions: [...regions],
            logArchiveAccount,
            auditAccount,
            trustedAccess,
            logArchive,
            trail,
            existingTrailArn: ct.existingTrailArn,
            delegatedAdministrators,
            guardDuty,
            securityHub: securityHubPlan,
            config,
            analyzers,
            protection,
            unusedAccessAge: aa.unusedAccess ? aa.unusedAccessAge : undefined,
            tags,
        },
        problems,
    };
}

/** Every planned resource, in registration order (each after what it depends on). */
export function plannedResources(sp: SecurityPlan): SecurityResource[] {
    const la = sp.logArchive;
    const out: SecurityResource[] = [];
    if (la) {
        out.push(la.bucket, la.ownershipControls, la.publicAccessBlock, la.versioning, la.key, la.keyPolicy, la.alias, la.encryption, la.lifecycle);
        if (la.objectLock) out.push(la.objectLock);
        out.push(la.bucketPolicy);
    }
    if (sp.trail) out.push(sp.trail);
    out.push(...sp.delegatedAdministrators);
    if (sp.guardDuty) out.push(...sp.guardDuty.detectors, ...sp.guardDuty.adminAccounts, ...sp.guardDuty.organizationConfigurations);
    const sh = sp.securityHub;
    if (sh) out.push(sh.adminAccount, sh.findingAggregator, sh.organizationConfiguration, sh.policy, sh.rootAssociation);
    const c = sp.config;
    if (c) {
        out.push(...c.serviceLinkedRoles, ...c.recorders, ...c.deliveryChannels, ...c.recorderStatuses);
        if (c.aggregator) out.push(c.aggregator.role, c.aggregator.roleAttachment, c.aggregator.aggregator);
    }
    out.push(...sp.analyzers);
    return out;
}
