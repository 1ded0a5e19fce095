// Deterministic, plausible answers for the Pulumi SDK's mock monitor (`pulumi.runtime.setMocks`).
//
// In preview mode the mocks behave like a provider's preview: a new resource's state is its
// inputs only, so every output the cloud computes (id, arn, roots, ...) stays unknown, exactly
// as `pulumi preview` shows them. A resource being imported is read by the engine in a real
// preview, so its outputs are known. Outside preview (used by tests and by whoever wants
// plausible values) the mocks fill in IDs and ARNs derived from names by hashing, so the same
// name always gives the same ID.
//
// Only type imports from @pulumi/pulumi: the program's own SDK instance is loaded at run time.
import { createHash } from "crypto";
import type { runtime } from "@pulumi/pulumi";
import { displayTypeName } from "./names";
import { unknownInvokeMessage } from "./process-report";

export type MockResourceArgs = runtime.MockResourceArgs;
export type MockResourceResult = runtime.MockResourceResult;
export type MockCallArgs = runtime.MockCallArgs;
export type MockCallResult = runtime.MockCallResult;

export interface MockContext {
    project: string;
    stack: string;
    preview: boolean;
    /** Full config map ("ns:key" -> string) as the program sees it, for aws:region. */
    config?: Record<string, string>;
}

function digest(seed: string): Buffer {
    return createHash("sha256").update(seed).digest();
}

/** Deterministic 12-digit AWS account ID for a name (never starts with 0). */
export function accountIdFor(seed: string): string {
    const n = digest(`account:${seed}`).readBigUInt64BE(0);
    const id = (n % 900000000000n) + 100000000000n;
    return id.toString();
}

const lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";

/** Deterministic lowercase alphanumeric string of `len` characters. */
export function alnum(seed: string, len: number): string {
    const bytes = digest(`alnum:${seed}`);
    let out = "";
    for (let i = 0; i < len; i++) {
        out += lowerAlnum[bytes[i % bytes.length]! % lowerAlnum.length];
    }
    return out;
}

function hex(seed: string, len: number): string {
    return digest(`hex:${seed}`).toString("hex").slice(0, len);
}

/** IAM unique IDs: a four-letter prefix (AROA for roles, AIDA users, ...) and 17 characters. */
function iamUniqueId(prefix: string, seed: string): string {
    const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const bytes = digest(`uid:${seed}`);
    let out = prefix;
    for (let i = 0; i < 17; i++) {
        out += chars[bytes[i]! % chars.length];
    }
    return out;
}

export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) {
        return "aws-cn";
    }
    if (region.startsWith("us-gov-")) {
        return "aws-us-gov";
    }
    return "aws";
}

/** The identifiers of the (single) organization a stack lives in. */
export interface OrgIds {
    managementAccountId: string;
    organizationId: string;
    rootId: string;
}

export function orgIdsFor(project: string, stack: string): OrgIds {
    const seed = `${project}/${stack}`;
    return {
        managementAccountId: accountIdFor(`${seed}/management`),
        organizationId: `o-${alnum(`${seed}/org`, 10)}`,
        rootId: `r-${alnum(`${seed}/root`, 4)}`,
    };
}

type Props = Record<string, unknown>;

function str(v: unknown): string | undefined {
    return typeof v === "string" ? v : undefined;
}

/** IAM paths are "/" or "/a/b/"; the ARN carries the path before the name. */
function iamPath(inputs: Props): string {
    const p = str(inputs.path);
    return p?.startsWith("/") ? p : "/";
}

export interface AwsIdentity {
    id: string;
    arn?: string;
    extra?: Props;
}

/**
 * The ID, ARN and other computed outputs AWS would give a resource, from its type, name and
 * inputs. `physicalName` is the AWS-side name (inputs.name, or the auto-name).
 */
export function awsIdentityFor(type: string, physicalName: string, inputs: Props, ctx: MockContext): AwsIdentity {
    const org = orgIdsFor(ctx.project, ctx.stack);
    const region = ctx.config?.["aws:region"] ?? "us-east-1";
    const partition = partitionOf(region);
    const mgmt = org.managementAccountId;
    const seed = `${ctx.project}/${ctx.stack}/${type}/${physicalName}`;
    const orgArn = (kind: string, rest: string) => `arn:${partition}:organizations::${mgmt}:${kind}/${org.organizationId}/${rest}`;
    switch (type) {
        case "aws:organizations/organization:Organization":
            return {
                id: org.organizationId,
                arn: `arn:${partition}:organizations::${mgmt}:organization/${org.organizationId}`,
                extra: {
                    masterAccountId: mgmt,
                    masterAccountArn: orgArn("account", mgmt),
                    masterAccountEmail: "management@example.com",
                    roots: [
                        {
                            id: org.rootId,
                            arn: `arn:${partition}:organizations::${mgmt}:root/${org.organizationId}/${org.rootId}`,
                            name: "Root",
                            policyTypes: [],
                        },
                    ],
                    accounts: [],
                    nonMasterAccounts: [],
                },
            };
        case "aws:organizations/account:Account": {
            const id = accountIdFor(str(inputs.name) ?? physicalName);
            return { id, arn: orgArn("account", id), extra: { status: "ACTIVE", govcloudId: "" } };
        }
        case "aws:organizations/organizationalUnit:OrganizationalUnit": {
            const id = `ou-${org.rootId.slice(2)}-${alnum(seed, 8)}`;
            return { id, arn: orgArn("ou", id), extra: { accounts: [] } };
        }
        case "aws:organizations/policy:Policy": {
            const id = `p-${alnum(seed, 8)}`;
            const kind = (str(inputs.type) ?? "SERVICE_CONTROL_POLICY").toLowerCase();
            return { id, arn: orgArn("policy", `${kind}/${id}`) };
        }
        case "aws:organizations/policyAttachment:PolicyAttachment":
            return { id: `${str(inputs.targetId) ?? "target"}:${str(inputs.policyId) ?? "policy"}` };
        case "aws:iam/role:Role":
            return {
                id: physicalName,
                arn: `arn:${partition}:iam::${mgmt}:role${iamPath(inputs)}${physicalName}`,
                extra: { uniqueId: iamUniqueId("AROA", seed), createDate: "2024-01-01T00:00:00Z" },
            };
        case "aws:iam/user:User":
            return {
                id: physicalName,
                arn: `arn:${partition}:iam::${mgmt}:user${iamPath(inputs)}${physicalName}`,
                extra: { uniqueId: iamUniqueId("AIDA", seed) },
            };
        case "aws:iam/group:Group":
            return {
                id: physicalName,
                arn: `arn:${partition}:iam::${mgmt}:group${iamPath(inputs)}${physicalName}`,
                extra: { uniqueId: iamUniqueId("AGPA", seed) },
            };
        case "aws:iam/policy:Policy": {
            const arn = `arn:${partition}:iam::${mgmt}:policy${iamPath(inputs)}${physicalName}`;
            return { id: arn, arn, extra: { policyId: iamUniqueId("ANPA", seed), attachmentCount: 0 } };
        }
        case "aws:iam/instanceProfile:InstanceProfile":
            return {
                id: physicalName,
                arn: `arn:${partition}:iam::${mgmt}:instance-profile${iamPath(inputs)}${physicalName}`,
                extra: { uniqueId: iamUniqueId("AIPA", seed) },
            };
        case "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
            const url = (str(inputs.url) ?? physicalName).replace(/^https:\/\//, "");
            const arn = `arn:${partition}:iam::${mgmt}:oidc-provider/${url}`;
            return { id: arn, arn };
        }
        case "aws:iam/samlProvider:SamlProvider": {
            const arn = `arn:${partition}:iam::${mgmt}:saml-provider/${physicalName}`;
            return { id: arn, arn };
        }
        case "aws:s3/bucket:Bucket":
        case "aws:s3/bucketV2:BucketV2":
            return { id: physicalName, arn: `arn:${partition}:s3:::${physicalName}`, extra: { bucket: physicalName } };
        case "aws:kms/key:Key": {
            const id = `${hex(seed + "a", 8)}-${hex(seed + "b", 4)}-${hex(seed + "c", 4)}-${hex(seed + "d", 4)}-${hex(seed + "e", 12)}`;
            return { id, arn: `arn:${partition}:kms:${region}:${mgmt}:key/${id}`, extra: { keyId: id } };
        }
        case "aws:sns/topic:Topic": {
            const arn = `arn:${partition}:sns:${region}:${mgmt}:${physicalName}`;
            return { id: arn, arn };
        }
        case "aws:cloudtrail/trail:Trail":
            return { id: physicalName, arn: `arn:${partition}:cloudtrail:${region}:${mgmt}:trail/${physicalName}` };
        case "aws:budgets/budget:Budget":
            return { id: `${mgmt}:${physicalName}`, arn: `arn:${partition}:budgets::${mgmt}:budget/${physicalName}` };
    }
    // Attachments and memberships have no ARN; their ID joins the names they link.
    if (/Attachment$|Membership$|UserGroupMembership$/.test(type) || type.startsWith("aws:iam/")) {
        return { id: `${physicalName}-${hex(seed, 8)}` };
    }
    // Generic AWS resource: "arn:aws:<service>:<region>:<account>:<resource-type>/<name>".
    const m = /^aws:([a-zA-Z0-9]+)\/([a-zA-Z0-9]+):/.exec(type);
    if (m) {
        const service = m[1]!.toLowerCase();
        const resourceType = m[2]!.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
        return { id: `${physicalName}-${hex(seed, 8)}`, arn: `arn:${partition}:${service}:${region}:${mgmt}:${resourceType}/${physicalName}` };
    }
    return { id: `${physicalName}-${hex(seed, 8)}` };
}

/**
 * AWS resource types whose `name` the provider generates when it is not given (logical name
 * plus a random suffix). The provider does this in its Check step, so even a real preview shows
 * the generated name; we derive the suffix from the URN instead of randomness.
 */
const autoNamed = new Set(["aws:iam/role:Role", "aws:iam/user:User", "aws:iam/group:Group", "aws:iam/policy:Policy", "aws:iam/instanceProfile:InstanceProfile", "aws:organizations/policy:Policy"]);

function autoName(type: string, name: string, inputs: Props, ctx: MockContext): string | undefined {
    if (!autoNamed.has(type) || inputs.name !== undefined || inputs.namePrefix !== undefined) {
        return undefined;
    }
    return `${name}-${hex(`${ctx.project}/${ctx.stack}/${type}/${name}`, 7)}`;
}

// ---------------------------------------------------------------------------------------------
// aws.iam.getPolicyDocument, computed as the provider does.

interface PolicyStatementArgs {
    sid?: string;
    effect?: string;
    actions?: string[];
    notActions?: string[];
    resources?: string[];
    notResources?: string[];
    principals?: { type: string; identifiers: string[] }[];
    notPrincipals?: { type: string; identifiers: string[] }[];
    conditions?: { test: string; variable: string; values: string[] }[];
}

/**
 * The provider writes a one-element list as a plain string and sorts longer lists in
 * reverse order (its `policyDecodeConfigStringList`), which is what a real preview shows.
 */
function decodeList(list: string[]): string | string[] {
    if (list.length === 1) {
        return list[0]!;
    }
    return [...list].sort().reverse();
}

function sortedObject(entries: [string, unknown][]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        out[k] = v;
    }
    return out;
}

function principalsBlock(ps: { type: string; identifiers: string[] }[]): unknown {
    // `type = "*"` with identifiers ["*"] means the anonymous principal, written as "*".
    if (ps.length === 1 && ps[0]!.type === "*") {
        return "*";
    }
    const byType = new Map<string, string[]>();
    for (const p of ps) {
        byType.set(p.type, [...(byType.get(p.type) ?? []), ...(p.identifiers ?? [])]);
    }
    return sortedObject([...byType].map(([t, ids]) => [t, decodeList(ids)]));
}

function statementJson(s: PolicyStatementArgs): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (s.sid) out.Sid = s.sid;
    out.Effect = s.effect ?? "Allow";
    if (s.actions?.length) out.Action = decodeList(s.actions);
    if (s.notActions?.length) out.NotAction = decodeList(s.notActions);
    if (s.resources?.length) out.Resource = decodeList(s.resources);
    if (s.notResources?.length) out.NotResource = decodeList(s.notResources);
    if (s.principals?.length) out.Principal = principalsBlock(s.principals);
    if (s.notPrincipals?.length) out.NotPrincipal = principalsBlock(s.notPrincipals);
    if (s.conditions?.length) {
        const tests = new Map<string, Map<string, string[]>>();
        for (const c of s.conditions) {
            const vars = tests.get(c.test) ?? new Map<string, string[]>();
            vars.set(c.variable, [...(vars.get(c.variable) ?? []), ...(c.values ?? [])]);
            tests.set(c.test, vars);
        }
        out.Condition = sortedObject([...tests].map(([t, vars]) => [t, sortedObject([...vars].map(([k, vs]) => [k, decodeList(vs)]))]));
    }
    return out;
}

function parseDocStatements(json: string): Record<string, unknown>[] {
    const doc = JSON.parse(json) as { Statement?: unknown };
    const st = doc.Statement;
    return Array.isArray(st) ? (st as Record<string, unknown>[]) : st ? [st as Record<string, unknown>] : [];
}

/** `aws:iam/getPolicyDocument` result: `json` (indented as the provider does) and `minifiedJson`. */
export function policyDocument(args: Props): { json: string; minifiedJson: string; id: string } {
    // Merge order as documented: source documents, then this document's statements (same Sid
    // replaces), then override documents (same Sid replaces).
    const statements: Record<string, unknown>[] = [];
    const put = (s: Record<string, unknown>) => {
        const sid = s.Sid;
        const i = typeof sid === "string" && sid !== "" ? statements.findIndex((x) => x.Sid === sid) : -1;
        if (i >= 0) {
            statements[i] = s;
        } else {
            statements.push(s);
        }
    };
    for (const d of (args.sourcePolicyDocuments as string[] | undefined) ?? []) parseDocStatements(d).forEach(put);
    for (const s of (args.statements as PolicyStatementArgs[] | undefined) ?? []) put(statementJson(s));
    for (const d of (args.overridePolicyDocuments as string[] | undefined) ?? []) parseDocStatements(d).forEach(put);
    const doc: Record<string, unknown> = { Version: str(args.version) ?? "2012-10-17" };
    if (str(args.policyId)) doc.Id = args.policyId;
    if (statements.length) doc.Statement = statements;
    const json = JSON.stringify(doc, null, 2);
    return { json, minifiedJson: JSON.stringify(doc), id: String(digest(json).readUInt32BE(0)) };
}

// ---------------------------------------------------------------------------------------------

/** Thrown for an invoke the mocks do not know: the message names its token and how to answer it. */
export class UnknownInvokeError extends Error {
    /** The SDK reports a failed invoke with the gRPC error's `details`, not its message. */
    readonly details: string;
    constructor(readonly token: string) {
        super(unknownInvokeMessage(token));
        this.name = "UnknownInvokeError";
        this.details = this.message;
    }
}

/**
 * Answers a user gives in a `--mocks` file (JSON or YAML, see mocks-file.ts): results of invokes
 * by token, and outputs of resources by type or by logical name (the name wins).
 */
export interface UserMocks {
    invokes: Record<string, Props>;
    resources: Record<string, Props>;
}

/** By token or type, written in full or short ("aws:ec2:getAmi", as the CLI shows them). */
function lookup(table: Record<string, Props>, key: string): Props | undefined {
    return table[key] ?? table[displayTypeName(key)];
}

/** A resource-ish ID of AWS's form: prefix and 17 hex digits ("vpc-0a1b..."). */
function awsId(prefix: string, seed: string, len = 17): string {
    return `${prefix}-${hex(seed, len)}`;
}

function uuidFor(seed: string): string {
    return `${hex(seed + "a", 8)}-${hex(seed + "b", 4)}-4${hex(seed + "c", 3)}-8${hex(seed + "d", 3)}-${hex(seed + "e", 12)}`;
}

/** A filter's values by name, from `filters: [{ name, values }]` of an EC2 lookup. */
function filterValues(inputs: Props, name: string): string[] {
    const filters = Array.isArray(inputs.filters) ? (inputs.filters as { name?: unknown; values?: unknown }[]) : [];
    return filters.filter((f) => f.name === name).flatMap((f) => (Array.isArray(f.values) ? f.values.map(String) : []));
}

/**
 * Plausible answers for the data sources programs use most: the same inputs give the same
 * answer, IDs and ARNs have AWS's forms, and what a lookup was given comes back.
 */
function commonLookups(ctx: MockContext, region: string, partition: string, mgmt: string): Record<string, (inputs: Props) => Props> {
    const seedOf = (token: string, inputs: Props) => `${ctx.project}/${ctx.stack}/${token}/${JSON.stringify(inputs)}`;
    const regionOf = (inputs: Props) => str(inputs.region) ?? region;
    const defaultVpcId = (r: string) => awsId("vpc", `${ctx.project}/${ctx.stack}/default-vpc/${r}`);
    return {
        "aws:ec2/getAmi:getAmi": (inputs) => {
            const seed = seedOf("getAmi", inputs);
            const id = awsId("ami", seed);
            // A name matching the filter's wildcards (or the regular expression), with a date for them.
            const wildcard = filterValues(inputs, "name")[0];
            const regex = str(inputs.nameRegex);
            const name =
                wildcard !== undefined
                    ? wildcard.replace(/\*/g, "2024.01.01").replace(/\?/g, "0")
                    : regex !== undefined
                      ? regex.replace(/\.[*+]/g, "2024.01.01").replace(/[\^$\\?]/g, "")
                      : "image-2024.01.01";
            const arch = filterValues(inputs, "architecture")[0] ?? (/arm64|aarch64/.test(name) ? "arm64" : "x86_64");
            const owners = Array.isArray(inputs.owners) ? inputs.owners.map(String) : [];
            const alias = owners.find((o) => !/^\d{12}$/.test(o));
            const ownerId = owners.find((o) => /^\d{12}$/.test(o)) ?? accountIdFor(`ami-owner/${alias ?? "self"}`);
            const snapshot = awsId("snap", seed);
            return {
                ...inputs,
                id,
                imageId: id,
                arn: `arn:${partition}:ec2:${regionOf(inputs)}::image/${id}`,
                name,
                description: name,
                architecture: arch,
                ownerId,
                imageOwnerAlias: alias ?? "",
                imageLocation: `${alias ?? ownerId}/${name}`,
                imageType: "machine",
                platform: "",
                platformDetails: "Linux/UNIX",
                usageOperation: "RunInstances",
                virtualizationType: "hvm",
                hypervisor: "xen",
                rootDeviceName: "/dev/xvda",
                rootDeviceType: "ebs",
                rootSnapshotId: snapshot,
                blockDeviceMappings: [
                    {
                        deviceName: "/dev/xvda",
                        ebs: { snapshot_id: snapshot, volume_size: "8", volume_type: "gp3", encrypted: "false", delete_on_termination: "true", iops: "3000", throughput: "125" },
                        noDevice: "",
                        virtualName: "",
                    },
                ],
                bootMode: "uefi-preferred",
                creationDate: "2024-01-01T00:00:00.000Z",
                deprecationTime: "2026-01-01T00:00:00.000Z",
                lastLaunchedTime: "",
                enaSupport: true,
                sriovNetSupport: "simple",
                imdsSupport: "v2.0",
                tpmSupport: "",
                kernelId: "",
                ramdiskId: "",
                productCodes: [],
                public: alias !== undefined,
                state: "available",
                stateReason: { code: "UNSET", message: "UNSET" },
                tags: {},
                region: regionOf(inputs),
            };
        },
        "aws:ec2/getVpc:getVpc": (inputs) => {
            const r = regionOf(inputs);
            const id = str(inputs.id) ?? filterValues(inputs, "vpc-id")[0] ?? (inputs.default === true || !inputs.filters ? defaultVpcId(r) : awsId("vpc", seedOf("getVpc", inputs)));
            const isDefault = id === defaultVpcId(r);
            // A default VPC is always 172.31.0.0/16.
            const cidrBlock = str(inputs.cidrBlock) ?? (isDefault ? "172.31.0.0/16" : "10.0.0.0/16");
            return {
                ...inputs,
                id,
                arn: `arn:${partition}:ec2:${r}:${mgmt}:vpc/${id}`,
                cidrBlock,
                cidrBlockAssociations: [{ associationId: awsId("vpc-cidr-assoc", id), cidrBlock, state: "associated" }],
                default: isDefault,
                dhcpOptionsId: str(inputs.dhcpOptionsId) ?? awsId("dopt", id),
                enableDnsHostnames: isDefault,
                enableDnsSupport: true,
                enableNetworkAddressUsageMetrics: false,
                instanceTenancy: "default",
                ipv6AssociationId: "",
                ipv6CidrBlock: "",
                ipv6CidrBlockAssociations: [],
                mainRouteTableId: awsId("rtb", id),
                ownerId: mgmt,
                region: r,
                state: "available",
                tags: (inputs.tags as Props | undefined) ?? {},
            };
        },
        "aws:ec2/getSubnets:getSubnets": (inputs) => {
            const r = regionOf(inputs);
            // One subnet per availability zone, as a default VPC has; of the VPC filtered on.
            const vpc = filterValues(inputs, "vpc-id")[0] ?? defaultVpcId(r);
            const zones = filterValues(inputs, "availability-zone");
            const names = zones.length ? zones : ["a", "b", "c"].map((z) => `${r}${z}`);
            return { ...inputs, id: r, ids: names.map((z) => awsId("subnet", `${vpc}/${z}/${JSON.stringify(inputs.tags ?? {})}`)), region: r, tags: (inputs.tags as Props | undefined) ?? {} };
        },
        "aws:iam/getRole:getRole": (inputs) => {
            const name = str(inputs.name) ?? "role";
            const service = /^AWSServiceRoleFor/.test(name);
            const trust = service
                ? { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: `${name.replace(/^AWSServiceRoleFor/, "").toLowerCase()}.amazonaws.com` }, Action: "sts:AssumeRole" }] }
                : { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${mgmt}:root` }, Action: "sts:AssumeRole" }] };
            const rolePath = service ? "/aws-service-role/" : "/";
            return {
                id: name,
                name,
                arn: `arn:${partition}:iam::${mgmt}:role${rolePath}${name}`,
                path: rolePath,
                assumeRolePolicy: JSON.stringify(trust),
                createDate: "2024-01-01T00:00:00Z",
                description: "",
                maxSessionDuration: 3600,
                permissionsBoundary: "",
                roleLastUseds: [],
                tags: (inputs.tags as Props | undefined) ?? {},
                uniqueId: iamUniqueId("AROA", `role/${name}`),
            };
        },
        "aws:kms/getKey:getKey": (inputs) => {
            const given = str(inputs.keyId) ?? "";
            const r = regionOf(inputs);
            const keyId = /^[0-9a-f]{8}-[0-9a-f]{4}-/.test(given.split("/").pop() ?? "") && !given.includes("alias/") ? given.split("/").pop()! : uuidFor(`${ctx.project}/${ctx.stack}/kms/${given}`);
            const awsManaged = /alias\/aws\//.test(given);
            return {
                ...inputs,
                id: keyId,
                keyId,
                arn: `arn:${partition}:kms:${r}:${mgmt}:key/${keyId}`,
                awsAccountId: mgmt,
                cloudHsmClusterId: "",
                creationDate: "2024-01-01T00:00:00Z",
                customKeyStoreId: "",
                customerMasterKeySpec: "SYMMETRIC_DEFAULT",
                keySpec: "SYMMETRIC_DEFAULT",
                deletionDate: "",
                description: awsManaged ? `Default key that protects my ${given.split("/").pop()} data when no other key is defined` : "",
                enabled: true,
                expirationModel: "",
                keyManager: awsManaged ? "AWS" : "CUSTOMER",
                keyState: "Enabled",
                keyUsage: "ENCRYPT_DECRYPT",
                multiRegion: false,
                multiRegionConfigurations: [],
                origin: "AWS_KMS",
                pendingDeletionWindowInDays: 0,
                region: r,
                validTo: "",
                xksKeyConfigurations: [],
            };
        },
        "aws:ssm/getParameter:getParameter": (inputs) => {
            const name = str(inputs.name) ?? "parameter";
            const r = regionOf(inputs);
            // The public AMI parameters (/aws/service/ami-...) hold an image ID.
            const value = /^\/aws\/service\/.*ami/.test(name) ? awsId("ami", `${r}${name}`) : `offline-value-of-${name.replace(/^\//, "").replace(/\//g, "-")}`;
            return {
                ...inputs,
                id: name,
                name,
                arn: `arn:${partition}:ssm:${r}:${name.startsWith("/aws/") ? "" : mgmt}:parameter/${name.replace(/^\//, "")}`,
                type: "String",
                value,
                insecureValue: value,
                version: 1,
                region: r,
            };
        },
        "aws:ssoadmin/getInstances:getInstances": (inputs) => {
            const r = regionOf(inputs);
            const seed = `${ctx.project}/${ctx.stack}/sso`;
            return { id: r, arns: [`arn:${partition}:sso:::instance/ssoins-${hex(seed, 16)}`], identityStoreIds: [`d-${hex(seed + "/store", 10)}`], region: r };
        },
        "aws:s3/getBucket:getBucket": (inputs) => {
            const bucket = str(inputs.bucket) ?? "bucket";
            const r = regionOf(inputs);
            return {
                ...inputs,
                id: bucket,
                bucket,
                arn: `arn:${partition}:s3:::${bucket}`,
                bucketDomainName: `${bucket}.s3.amazonaws.com`,
                bucketRegionalDomainName: `${bucket}.s3.${r}.amazonaws.com`,
                bucketRegion: r,
                hostedZoneId: `Z${hex(`s3/${r}`, 12).toUpperCase()}`,
                region: r,
                websiteDomain: "",
                websiteEndpoint: "",
            };
        },
        "aws:route53/getZone:getZone": (inputs) => {
            const name = (str(inputs.name) ?? "example.com").replace(/\.$/, "");
            const zoneId = str(inputs.zoneId) ?? `Z${hex(`${ctx.project}/${ctx.stack}/zone/${name}/${String(inputs.privateZone ?? false)}`, 20).toUpperCase()}`;
            const n = digest(zoneId).readUInt16BE(0);
            return {
                ...inputs,
                id: zoneId,
                zoneId,
                name,
                arn: `arn:${partition}:route53:::hostedzone/${zoneId}`,
                callerReference: uuidFor(zoneId),
                comment: "",
                linkedServiceDescription: "",
                linkedServicePrincipal: "",
                nameServers: [
                    `ns-${n % 2048}.awsdns-${n % 64}.org`,
                    `ns-${(n + 1) % 2048}.awsdns-${(n + 1) % 64}.co.uk`,
                    `ns-${(n + 2) % 2048}.awsdns-${(n + 2) % 64}.com`,
                    `ns-${(n + 3) % 2048}.awsdns-${(n + 3) % 64}.net`,
                ],
                primaryNameServer: `ns-${n % 2048}.awsdns-${n % 64}.org`,
                privateZone: inputs.privateZone === true,
                resourceRecordSetCount: 2,
                tags: (inputs.tags as Props | undefined) ?? {},
                ...(inputs.vpcId ? { vpcId: inputs.vpcId } : {}),
            };
        },
        "aws:acm/getCertificate:getCertificate": (inputs) => {
            const domain = str(inputs.domain) ?? "example.com";
            const r = regionOf(inputs);
            const id = uuidFor(`${ctx.project}/${ctx.stack}/acm/${r}/${domain}`);
            const arn = `arn:${partition}:acm:${r}:${mgmt}:certificate/${id}`;
            return { ...inputs, id: arn, arn, domain, status: "ISSUED", certificate: "", certificateChain: "", region: r, tags: (inputs.tags as Props | undefined) ?? {} };
        },
    };
}

/** The invokes the plan can answer offline, keyed by token. */
export function invokeHandlers(ctx: MockContext): Record<string, (inputs: Props) => Props> {
    const org = orgIdsFor(ctx.project, ctx.stack);
    const region = ctx.config?.["aws:region"] ?? "us-east-1";
    const partition = partitionOf(region);
    const mgmt = org.managementAccountId;
    const organization = (): Props => ({
        id: org.organizationId,
        arn: `arn:${partition}:organizations::${mgmt}:organization/${org.organizationId}`,
        featureSet: "ALL",
        masterAccountId: mgmt,
        masterAccountArn: `arn:${partition}:organizations::${mgmt}:account/${org.organizationId}/${mgmt}`,
        masterAccountEmail: "management@example.com",
        awsServiceAccessPrincipals: [],
        enabledPolicyTypes: ["SERVICE_CONTROL_POLICY"],
        roots: [
            {
                id: org.rootId,
                arn: `arn:${partition}:organizations::${mgmt}:root/${org.organizationId}/${org.rootId}`,
                name: "Root",
                policyTypes: [{ status: "ENABLED", type: "SERVICE_CONTROL_POLICY" }],
            },
        ],
        accounts: [],
        nonMasterAccounts: [],
    });
    return {
        ...commonLookups(ctx, region, partition, mgmt),
        "aws:index/getCallerIdentity:getCallerIdentity": () => ({
            id: mgmt,
            accountId: mgmt,
            arn: `arn:${partition}:sts::${mgmt}:assumed-role/plan/offline`,
            userId: `${iamUniqueId("AROA", "plan")}:offline`,
        }),
        "aws:index/getRegion:getRegion": (inputs) => {
            const name = str(inputs.region) ?? str(inputs.name) ?? region;
            return { id: name, name, region: name, description: name, endpoint: `ec2.${name}.amazonaws.com` };
        },
        "aws:index/getPartition:getPartition": () => ({
            id: partition,
            partition,
            dnsSuffix: partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com",
            reverseDnsPrefix: partition === "aws-cn" ? "cn.com.amazonaws" : "com.amazonaws",
        }),
        "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
            id: region,
            names: ["a", "b", "c"].map((z) => `${region}${z}`),
            zoneIds: [1, 2, 3].map((n) => `${region.replace(/-/g, "").slice(0, 4)}-az${n}`),
            groupNames: [region],
        }),
        "aws:organizations/getOrganization:getOrganization": organization,
        "aws:iam/getPolicyDocument:getPolicyDocument": (inputs) => policyDocument(inputs),
        "aws:iam/getSessionContext:getSessionContext": (inputs) => ({
            id: str(inputs.arn) ?? "",
            arn: str(inputs.arn) ?? "",
            issuerArn: str(inputs.arn) ?? "",
            issuerId: "",
            issuerName: "",
            sessionName: "",
        }),
        "aws:iam/getPolicy:getPolicy": (inputs) => {
            // AWS managed policies ("arn:aws:iam::aws:policy/ReadOnlyAccess") are the usual lookup.
            const name = str(inputs.name) ?? (str(inputs.arn) ?? "").split("/").pop() ?? "";
            const arn = str(inputs.arn) ?? `arn:${partition}:iam::aws:policy/${name}`;
            return { id: arn, arn, name, path: "/", description: "", policy: "{}", policyId: iamUniqueId("ANPA", arn), tags: {} };
        },
    };
}

/**
 * Builds the object to hand to `setMocks`. `user` answers first (a --mocks file);
 * `unanswered` hears each invoke token nothing could answer.
 */
export function createMocks(ctx: MockContext, user?: UserMocks, unanswered?: (token: string) => void): runtime.Mocks {
    const handlers = invokeHandlers(ctx);
    const mocks = createBuiltInMocks(ctx, handlers, unanswered);
    if (!user) return mocks;
    return {
        newResource(args: MockResourceArgs): MockResourceResult {
            const result = mocks.newResource(args) as MockResourceResult;
            const given = user.resources[args.name] ?? lookup(user.resources, args.type);
            if (!given) return result;
            const { id, ...outputs } = given;
            return { id: typeof id === "string" ? id : result.id, state: { ...result.state, ...outputs } };
        },
        call(args: MockCallArgs): MockCallResult {
            const given = lookup(user.invokes, args.token);
            return given ? { ...given } : mocks.call(args);
        },
    };
}

function createBuiltInMocks(ctx: MockContext, handlers: ReturnType<typeof invokeHandlers>, unanswered?: (token: string) => void): runtime.Mocks {
    return {
        newResource(args: MockResourceArgs): MockResourceResult {
            const inputs = { ...(args.inputs as Props) };
            if (!args.custom) {
                return { id: undefined, state: inputs };
            }
            const generated = autoName(args.type, args.name, inputs, ctx);
            if (generated !== undefined) {
                inputs.name = generated;
            }
            if (args.type.startsWith("pulumi:providers:")) {
                // Providers have an opaque ID; keep it unknown in preview like the engine does.
                return { id: ctx.preview ? undefined : hex(`${ctx.project}/${ctx.stack}/${args.name}`, 32), state: inputs };
            }
            const imported = args.id !== undefined && args.id !== "";
            if (ctx.preview && !imported) {
                // Inputs only: computed outputs resolve as unknown.
                return { id: undefined, state: inputs };
            }
            const physicalName = str(inputs.name) ?? str(inputs.bucket) ?? args.name;
            const ident = awsIdentityFor(args.type, physicalName, inputs, ctx);
            const state: Props = { ...ident.extra, ...inputs };
            if (ident.arn !== undefined) {
                state.arn = ident.arn;
            }
            return { id: imported ? args.id : ident.id, state };
        },
        call(args: MockCallArgs): MockCallResult {
            const handler = handlers[args.token];
            if (!handler) {
                unanswered?.(args.token);
                throw new UnknownInvokeError(args.token);
            }
            try {
                return handler(args.inputs as Props);
            } catch (e) {
                const err = e instanceof Error ? e : new Error(String(e));
                (err as Error & { details?: string }).details = `${args.token}: ${err.message}`;
                throw err;
            }
        },
    };
}
