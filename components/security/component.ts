/**
 * Registers the security baseline plan (./plan.ts). Thin: every decision, name, document and
 * ordering is in the plan; this file maps each planned resource to its @pulumi/aws resource,
 * in the account the plan names (through that account's provider) and the region it names (the
 * provider v7 `region` argument), and waits for what its `dependsOn` lists.
 *
 * Resources of the deployment (management) account are children of the `security` component;
 * those of a member account are children of a `security-<key>` component under that account,
 * aliased under each of the account's former keys (a renamed account keeps them all).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { childScopes, formerAliases, type FormerScope } from "../aliases";
import { DEPLOYMENT_ACCOUNT } from "../organization/plan";
import type { Organization } from "../organization/component";
import { ORGANIZATION, type SecurityPlan, type SecurityResource } from "./plan";

export const SECURITY_BASELINE_TYPE = "landing-zone:security:SecurityBaseline";
export const ACCOUNT_BASELINE_TYPE = "landing-zone:security:AccountBaseline";

/** What the baseline needs of a member account. */
export interface SecurityAccount {
    accountId: pulumi.Output<string>;
    provider: aws.Provider;
    /** The account component, parent of the account's part of the baseline. */
    resource: pulumi.Resource;
    formerScopes: FormerScope[];
}

export interface SecurityBaselineArgs {
    plan: SecurityPlan;
    /** Absent in single-account. */
    organization?: Organization;
    /** Member accounts by key. */
    accounts: Record<string, SecurityAccount>;
}

/** The part of the baseline inside one member account: a scope for its resources. */
export class AccountBaseline extends pulumi.ComponentResource {
    constructor(
        name: string,
        public readonly formerScopes: FormerScope[],
        opts: pulumi.ComponentResourceOptions,
    ) {
        super(ACCOUNT_BASELINE_TYPE, name, {}, opts);
        // No outputs; the SecurityBaseline registers the children in this scope.
        this.registerOutputs({});
    }
}

/** Placeholder values: each a single output, so a text only waits for the values it names. */
type Values = (name: string) => pulumi.Input<string>;

/** Fills the placeholders of a text; a text without any stays a plain (known) string. */
export function renderText(text: string, value: Values): pulumi.Input<string> {
    const names = [...new Set([...text.matchAll(/\{\{([^}]+)\}\}/g)].map((m) => m[1]))];
    if (names.length === 0) return text;
    return pulumi.all(names.map((n) => value(n))).apply((vs) => names.reduce((t, n, i) => t.split(`{{${n}}}`).join(vs[i]), text));
}

/** Fills the placeholders of a document's strings, one value at a time: only those strings are unknown at preview. */
export function renderDocument(doc: unknown, value: Values): unknown {
    if (typeof doc === "string") return renderText(doc, value);
    if (Array.isArray(doc)) return doc.map((d) => renderDocument(d, value));
    if (doc && typeof doc === "object") return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, renderDocument(v, value)]));
    return doc;
}

export class SecurityBaseline extends pulumi.ComponentResource {
    /** By logical name. */
    public readonly resources: Record<string, pulumi.CustomResource> = {};

    constructor(name: string, args: SecurityBaselineArgs, opts?: pulumi.ComponentResourceOptions) {
        super(SECURITY_BASELINE_TYPE, name, {}, opts);
        const { plan: sp, organization, accounts } = args;

        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        // Known at preview: the management account is the one Pulumi runs in.
        const managementAccountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const value: Values = (n) => {
            if (n === "partition") return partition;
            if (n === "managementAccountId") return managementAccountId;
            if (n === "organizationId" && organization) return organization.organizationId;
            const m = /^account:(.+)$/.exec(n);
            if (m && accounts[m[1]]) return accounts[m[1]].accountId;
            throw new Error(`no value for placeholder {{${n}}}`);
        };
        const text = (t: string) => renderText(t, value);
        const accountId = (account: string) => (account === DEPLOYMENT_ACCOUNT ? managementAccountId : accounts[account].accountId);
        const resolve = (dep: string): pulumi.Resource => {
            if (dep === ORGANIZATION) {
                if (!organization) throw new Error("the security plan waits for an organization this layout does not have");
                return organization.organization;
            }
            const r = this.resources[dep];
            if (!r) throw new Error(`security baseline: ${dep} is registered after what depends on it`);
            return r;
        };
        const scopes: Record<string, AccountBaseline> = {};
        const scopeOf = (account: string): AccountBaseline => {
            if (!scopes[account]) {
                const member = accounts[account];
                const name = (key: string) => `security-${key}`;
                scopes[account] = new AccountBaseline(name(account), childScopes(member.formerScopes, ACCOUNT_BASELINE_TYPE, name), {
                    parent: member.resource,
                    aliases: formerAliases(member.formerScopes, name),
                });
            }
            return scopes[account];
        };
        const options = (p: SecurityResource, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions => {
            if (p.account === DEPLOYMENT_ACCOUNT) return { parent: this, dependsOn: p.dependsOn.map(resolve), ...extra };
            const scope = scopeOf(p.account);
            return {
                parent: scope,
                provider: accounts[p.account].provider,
                dependsOn: p.dependsOn.map(resolve),
                aliases: scope.formerScopes.map((f) => ({ name: p.formerNames[f.key] ?? p.name, parent: f.urn })),
                ...extra,
            };
        };
        const add = <T extends pulumi.CustomResource>(p: SecurityResource, make: (name: string, o: pulumi.CustomResourceOptions) => T, extra?: pulumi.CustomResourceOptions): T =>
            (this.resources[p.name] = make(p.name, options(p, extra))) as T;
        const tags = sp.tags;

        // --- Log archive: bucket, key, policies --------------------------------------------------
        const la = sp.logArchive;
        let bucket: aws.s3.Bucket | undefined;
        let key: aws.kms.Key | undefined;
        if (la) {
            const region = la.region;
            // The logs are precious: the bucket and the key are never deleted by this program.
            const precious = { protect: true, retainOnDelete: true };
            bucket = add(la.bucket, (n, o) => new aws.s3.Bucket(n, { bucket: text(la.bucketName), region, objectLockEnabled: la.bucket.objectLockEnabled || undefined, tags }, o), precious);
            const b = bucket.bucket;
            add(la.ownershipControls, (n, o) => new aws.s3.BucketOwnershipControls(n, { bucket: b, region, rule: { objectOwnership: "BucketOwnerEnforced" } }, o));
            add(
                la.publicAccessBlock,
                (n, o) => new aws.s3.BucketPublicAccessBlock(n, { bucket: b, region, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, o),
            );
            add(la.versioning, (n, o) => new aws.s3.BucketVersioning(n, { bucket: b, region, versioningConfiguration: { status: "Enabled" } }, o));
            key = add(la.key, (n, o) => new aws.kms.Key(n, { description: la.key.description, region, enableKeyRotation: true, deletionWindowInDays: 30, tags }, o), precious);
            const k = key;
            add(la.keyPolicy, (n, o) => new aws.kms.KeyPolicy(n, { keyId: k.keyId, region, policy: text(JSON.stringify(la.keyPolicy.document)) }, o));
            add(la.alias, (n, o) => new aws.kms.Alias(n, { name: la.alias.aliasName, region, targetKeyId: k.keyId }, o));
            add(
                la.encryption,
                (n, o) =>
                    new aws.s3.BucketServerSideEncryptionConfiguration(
                        n,
                        {
                            bucket: b,
                            region,
                            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: k.arn } }],
                        },
                        o,
                    ),
            );
            const lc = la.lifecycle;
            add(
                lc,
                (n, o) =>
                    new aws.s3.BucketLifecycleConfiguration(
                        n,
                        {
                            bucket: b,
                            region,
                            rules: [
                                {
                                    id: "archive-then-expire",
                                    status: "Enabled",
                                    filter: { prefix: "" },
                                    transitions: [{ days: lc.transitionDays, storageClass: lc.storageClass }],
                                    noncurrentVersionTransitions: [{ noncurrentDays: lc.transitionDays, storageClass: lc.storageClass }],
                                    ...(lc.expirationDays > 0 ? { expiration: { days: lc.expirationDays }, noncurrentVersionExpiration: { noncurrentDays: lc.expirationDays } } : {}),
                                    abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                                },
                            ],
                        },
                        o,
                    ),
            );
            const lock = la.objectLock;
            if (lock) {
                add(lock, (n, o) => new aws.s3.BucketObjectLockConfiguration(n, { bucket: b, region, rule: { defaultRetention: { mode: lock.mode, days: lock.days } } }, o));
            }
            add(la.bucketPolicy, (n, o) => new aws.s3.BucketPolicy(n, { bucket: b, region, policy: renderDocument(la.bucketPolicy.document, value) as aws.iam.PolicyDocument }, o));
        }

        // --- The trail ------------------------------------------------------------------------------
        const t = sp.trail;
        if (t && bucket && key) {
            const selectors: aws.types.input.cloudtrail.TrailAdvancedEventSelector[] = [{ name: "Management events", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] }];
            const dataEvents = (name: string, type: string) => ({
                name,
                fieldSelectors: [
                    { field: "eventCategory", equals: ["Data"] },
                    { field: "resources.type", equals: [type] },
                ],
            });
            if (t.dataEvents.s3) selectors.push(dataEvents("S3 data events", "AWS::S3::Object"));
            if (t.dataEvents.lambda) selectors.push(dataEvents("Lambda data events", "AWS::Lambda::Function"));
            const bucketName = bucket.bucket;
            const keyArn = key.arn;
            add(
                t,
                (n, o) =>
                    new aws.cloudtrail.Trail(
                        n,
                        {
                            name: t.trailName,
                            region: t.region,
                            s3BucketName: bucketName,
                            kmsKeyId: keyArn,
                            isOrganizationTrail: t.organization,
                            isMultiRegionTrail: true,
                            includeGlobalServiceEvents: true,
                            enableLogFileValidation: true,
                            advancedEventSelectors: selectors,
                            tags,
                        },
                        o,
                    ),
            );
        }

        // --- Delegated administrators (Organizations) -----------------------------------------------
        for (const d of sp.delegatedAdministrators) {
            add(d, (n, o) => new aws.organizations.DelegatedAdministrator(n, { accountId: accountId(d.adminAccount), servicePrincipal: d.servicePrincipal }, o));
        }

        // --- GuardDuty ---------------------------------------------------------------------------------
        const gd = sp.guardDuty;
        if (gd) {
            const detectors: Record<string, aws.guardduty.Detector> = {};
            for (const d of gd.detectors) {
                detectors[d.name] = add(d, (n, o) => new aws.guardduty.Detector(n, { enable: true, region: d.region, findingPublishingFrequency: d.findingPublishingFrequency, tags }, o));
            }
            for (const a of gd.adminAccounts) {
                add(a, (n, o) => new aws.guardduty.OrganizationAdminAccount(n, { adminAccountId: accountId(a.adminAccount), region: a.region }, o));
            }
            for (const c of gd.organizationConfigurations) {
                add(
                    c,
                    (n, o) =>
                        new aws.guardduty.OrganizationConfiguration(n, { detectorId: detectors[c.detector].id, region: c.region, autoEnableOrganizationMembers: c.autoEnableOrganizationMembers }, o),
                );
            }
        }

        // --- Security Hub ------------------------------------------------------------------------------
        const sh = sp.securityHub;
        if (sh && organization) {
            add(sh.adminAccount, (n, o) => new aws.securityhub.OrganizationAdminAccount(n, { adminAccountId: accountId(sh.adminAccount.adminAccount), region: sh.adminAccount.region }, o));
            const agg = sh.findingAggregator;
            add(
                agg,
                (n, o) =>
                    new aws.securityhub.FindingAggregator(
                        n,
                        {
                            region: agg.region,
                            linkingMode: agg.linkedRegions.length ? "SPECIFIED_REGIONS" : "NO_REGIONS",
                            specifiedRegions: agg.linkedRegions.length ? agg.linkedRegions : undefined,
                        },
                        o,
                    ),
            );
            add(
                sh.organizationConfiguration,
                (n, o) =>
                    new aws.securityhub.OrganizationConfiguration(
                        n,
                        {
                            region: sh.organizationConfiguration.region,
                            autoEnable: false,
                            autoEnableStandards: "NONE",
                            organizationConfiguration: { configurationType: "CENTRAL" },
                        },
                        o,
                    ),
            );
            const policy = add(
                sh.policy,
                (n, o) =>
                    new aws.securityhub.ConfigurationPolicy(
                        n,
                        {
                            name: sh.policy.policyName,
                            description: "Landing zone security baseline: Security Hub on, with the configured standards, in every account",
                            region: sh.policy.region,
                            configurationPolicy: {
                                serviceEnabled: true,
                                enabledStandardArns: sh.policy.standardArns.map(text),
                                securityControlsConfiguration: { disabledControlIdentifiers: [] },
                            },
                        },
                        o,
                    ),
            );
            add(sh.rootAssociation, (n, o) => new aws.securityhub.ConfigurationPolicyAssociation(n, { policyId: policy.id, targetId: organization.rootId, region: sh.rootAssociation.region }, o));
        }

        // --- Config ------------------------------------------------------------------------------------
        const c = sp.config;
        if (c && bucket) {
            const roles: Record<string, aws.iam.ServiceLinkedRole> = {};
            for (const r of c.serviceLinkedRoles) {
                roles[r.name] = add(r, (n, o) => new aws.iam.ServiceLinkedRole(n, { awsServiceName: "config.amazonaws.com", description: "AWS Config recording (landing zone)" }, o));
            }
            for (const r of c.recorders) {
                add(
                    r,
                    (n, o) =>
                        new aws.cfg.Recorder(
                            n,
                            {
                                name: r.recorderName,
                                region: r.region,
                                roleArn: roles[r.serviceLinkedRole].arn,
                                recordingGroup: { allSupported: true, includeGlobalResourceTypes: r.includeGlobalResourceTypes },
                            },
                            o,
                        ),
                );
            }
            const bucketName = bucket.bucket;
            for (const d of c.deliveryChannels) {
                add(d, (n, o) => new aws.cfg.DeliveryChannel(n, { name: d.channelName, region: d.region, s3BucketName: bucketName, s3KeyPrefix: d.keyPrefix }, o));
            }
            // Recording starts once the channel exists (its dependsOn).
            for (const st of c.recorderStatuses) {
                add(st, (n, o) => new aws.cfg.RecorderStatus(n, { name: st.recorderName, region: st.region, isEnabled: true }, o));
            }
            const a = c.aggregator;
            if (a) {
                const role = add(
                    a.role,
                    (n, o) =>
                        new aws.iam.Role(
                            n,
                            { name: a.role.roleName, path: a.role.path, assumeRolePolicy: text(JSON.stringify(a.role.trust)), description: "AWS Config organization aggregator (landing zone)", tags },
                            o,
                        ),
                );
                add(a.roleAttachment, (n, o) => new aws.iam.RolePolicyAttachment(n, { role: role.name, policyArn: text(a.role.managedPolicyArn) }, o));
                add(
                    a.aggregator,
                    (n, o) =>
                        new aws.cfg.ConfigurationAggregator(
                            n,
                            {
                                name: a.aggregator.aggregatorName,
                                region: a.aggregator.region,
                                organizationAggregationSource: { roleArn: role.arn, regions: a.aggregator.regions },
                                tags,
                            },
                            o,
                        ),
                );
            }
        }

        // --- Access Analyzer ---------------------------------------------------------------------------
        for (const an of sp.analyzers) {
            add(
                an,
                (n, o) =>
                    new aws.accessanalyzer.Analyzer(
                        n,
                        {
                            analyzerName: an.analyzerName,
                            type: an.type,
                            region: an.region,
                            configuration: an.unusedAccessAge !== undefined ? { unusedAccess: { unusedAccessAge: an.unusedAccessAge } } : undefined,
                            tags,
                        },
                        o,
                    ),
            );
        }

        this.registerOutputs({});
    }
}

/** Registers the security baseline's plan; undefined when the stack has no `security` section. */
export function deploySecurity(plan: SecurityPlan | undefined, organization: Organization | undefined, accounts: Record<string, SecurityAccount>): SecurityBaseline | undefined {
    if (!plan) return undefined;
    return new SecurityBaseline("security", { plan, organization, accounts });
}
