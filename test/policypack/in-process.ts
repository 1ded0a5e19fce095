// The policy pack's policies run in this process by the policy SDK's own analyzer code, for the
// unit tests of single policies: no pack process, no gRPC. The protocol suites (config,
// robustness, corpus, realistic, escalation, parity) keep the real pack over gRPC.
//
// What runs here is what runs in the pack's server: @pulumi/policy's makeAnalyzeRpcFun and
// makeAnalyzeStackRpcFun (the handlers its `serve` registers for Analyze and AnalyzeStack) over
// the pack's `policies`, given request messages decoded from the very bytes the gRPC client
// sends (AnalyzerCodec.encode), with the pack's AnalyzerInfo built by the SDK's makeAnalyzerInfo.
// The answers are decoded as the client decodes them.
//
// Config: the SDK keeps the policy config in a module variable of server.js that only its
// unexported `configure` handler sets, and only through a gRPC server that `serve` starts and
// never hands back (serve's initialConfig only feeds GetAnalyzerInfo). So the config is not set
// there: it is reconciled with the schema defaults as for the real pack (reconcilePolicyConfig,
// the client's own), passed through a protobuf Struct as Configure carries it, and given to each
// policy as the SDK would: its enforcement level as the policy's own level (the level the SDK
// falls back to when it has no config, so its own rules still pick, disable and downgrade it),
// and its properties as what `getConfig()` returns. The parity suite (parity.test.ts) checks
// that this gives the real pack's answers.
import { policies } from "../../policypack/policies";
import { AnalyzerCodec, type AnalyzerInfo, type AnalyzerResource, reconcilePolicyConfig, type Violation } from "../../tools/lib/analyzer";
import { PACK_DIR } from "../helpers/plan";

type Any = any;
type Policy = (typeof policies)[number];
type Validation = ((args: Any, report: Any) => unknown) & { __pulumiType?: string };

const PACK_NAME = "aws-landing-zone-guardrails";
const PACK_VERSION: string = require(`${PACK_DIR}/package.json`).version;
/** The PolicyPack's own default (the pack sets no enforcementLevel). */
const PACK_LEVEL = "advisory";

// The SDK's modules, and the protobuf modules resolved from it, as the pack's server loads them.
const policyDir = require("path").dirname(require.resolve("@pulumi/policy/package.json", { paths: [PACK_DIR] }));
const fromPolicy = (m: string) => require(require.resolve(m, { paths: [policyDir] }));
const server = fromPolicy("@pulumi/policy/server");
const protoutil = fromPolicy("@pulumi/policy/protoutil");
const pulumiDir = require("path").dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [policyDir] }));
const codec = new AnalyzerCodec(fromPolicy("@pulumi/pulumi/proto/analyzer_pb"), require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] })));

/** The analyzer calls the policy unit tests make, in-process or over gRPC. */
export interface PolicyAnalyzer {
    configure(config: Record<string, unknown>): Promise<unknown>;
    analyze(resource: AnalyzerResource): Promise<Violation[]>;
    analyzeStack(resources: AnalyzerResource[]): Promise<Violation[]>;
}

/** A validation function that sees `config` as its policy's config. */
function withConfig(fn: Validation, config: Record<string, unknown>): Validation {
    const wrapped: Validation = (args, report) => fn({ ...args, getConfig: () => ({ ...config }) }, report);
    // The SDK's fast type check reads the type validateResourceOfType attached.
    if (fn.__pulumiType) wrapped.__pulumiType = fn.__pulumiType;
    return wrapped;
}

function configured(p: Policy, c: { enforcementLevel: string; properties: Record<string, unknown> } | undefined): Policy {
    if (!c) return p;
    // Through a Struct, as Configure carries the properties to the pack.
    const properties = codec.structpb.Struct.fromJavaScript(c.properties).toJavaScript() as Record<string, unknown>;
    const out: Any = { ...p, enforcementLevel: c.enforcementLevel };
    const v = p as Any;
    if (v.validateResource)
        out.validateResource = Array.isArray(v.validateResource) ? v.validateResource.map((f: Validation) => withConfig(f, properties)) : withConfig(v.validateResource, properties);
    if (v.validateStack) out.validateStack = withConfig(v.validateStack, properties);
    return out as Policy;
}

/** Runs one of the SDK's handlers on a request, as its gRPC server would. */
function call(handler: Any, request: Any, urn: string | null): Promise<Violation[]> {
    return new Promise((resolve, reject) => handler({ request }, (err: Error | null | undefined, resp: Any) => (err ? reject(err) : resolve(codec.violations(resp, urn)))));
}

export class InProcessPack implements PolicyAnalyzer {
    readonly info: AnalyzerInfo = codec.analyzerInfo(protoutil.makeAnalyzerInfo(PACK_NAME, PACK_VERSION, PACK_LEVEL, { policies }, undefined));
    private analyzeFn: Any;
    private analyzeStackFn: Any;

    constructor(config: Record<string, unknown> = {}) {
        this.apply(config);
    }

    private apply(config: Record<string, unknown>): void {
        const reconciled = reconcilePolicyConfig(this.info, config);
        const ps = policies.map((p) => configured(p, reconciled[p.name]));
        this.analyzeFn = server.makeAnalyzeRpcFun(PACK_NAME, PACK_VERSION, PACK_LEVEL, ps);
        this.analyzeStackFn = server.makeAnalyzeStackRpcFun(PACK_NAME, PACK_VERSION, PACK_LEVEL, ps);
    }

    /** Replaces the configuration, given as a --policy-pack-config file, like the client's configure. */
    async configure(config: Record<string, unknown>): Promise<void> {
        this.apply(config);
    }

    analyze(resource: AnalyzerResource): Promise<Violation[]> {
        const e = codec.encode(resource);
        return call(this.analyzeFn, codec.pb.AnalyzeRequest.deserializeBinary(e.analyzeRequest), e.urn);
    }

    analyzeStack(resources: AnalyzerResource[]): Promise<Violation[]> {
        const body = Buffer.concat(resources.map((r) => codec.encode(r).stackEntry));
        return call(this.analyzeStackFn, codec.pb.AnalyzeStackRequest.deserializeBinary(body), null);
    }
}

/** The pack's policies in this process, configured for this suite: usePack's interface without a process. */
export function inProcessPack(config: Record<string, unknown> = {}): { client: () => PolicyAnalyzer } {
    let pack: InProcessPack | undefined;
    before(() => {
        pack = new InProcessPack(config);
    });
    return {
        client: () => {
            if (!pack) throw new Error("pack not set up");
            return pack;
        },
    };
}
