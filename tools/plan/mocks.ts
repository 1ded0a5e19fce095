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
    return p && p.startsWith("/") ? p : "/";
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
const autoNamed = new Set([
    "aws:iam/role:Role",
    "aws:iam/user:User",
    "aws:iam/group:Group",
    "aws:iam/policy:Policy",
    "aws:iam/instanceProfile:InstanceProfile",
    "aws:organizations/policy:Policy",
]);

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

/** Thrown for an invoke the mocks do not know: the message names its token. */
export class UnknownInvokeError extends Error {
    /** The SDK reports a failed invoke with the gRPC error's `details`, not its message. */
    readonly details: string;
    constructor(readonly token: string) {
        super(`the offline plan has no answer for the function '${token}'; it cannot be evaluated without AWS`);
        this.name = "UnknownInvokeError";
        this.details = this.message;
    }
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

/** Builds the object to hand to `setMocks`. */
export function createMocks(ctx: MockContext): runtime.Mocks {
    const handlers = invokeHandlers(ctx);
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
