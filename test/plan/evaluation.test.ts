// Policy evaluation while the program runs: the analyzer encoding each resource is sent with,
// and the queue that feeds Analyze calls as resources arrive.
import * as assert from "assert";
import * as path from "path";
import { PolicyPackClient, UNKNOWN, secret, type AnalyzerResource, type EncodedResource, type Violation } from "../../tools/lib/analyzer";
import { StreamingEvaluation } from "../../tools/plan/evaluation";
import { ROOT } from "./support";

type Any = any;
const pb: Any = require("@pulumi/pulumi/proto/analyzer_pb");
const structpb: Any = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] }));

const urn = (type: string, name: string) => `urn:pulumi:test::demo::${type}::${name}`;

function resource(name: string, extra: Partial<AnalyzerResource> = {}): AnalyzerResource {
    return { urn: urn("aws:iam/group:Group", name), type: "aws:iam/group:Group", name, properties: { name }, ...extra };
}

describe("plan: analyzer encoding", function () {
    this.timeout(120_000);
    let client: PolicyPackClient;
    before(async () => {
        client = await PolicyPackClient.start(path.join(ROOT, "policypack"));
    });
    after(async () => client?.close());

    const parent = urn("demo:Team", "ops");
    const full: AnalyzerResource = {
        urn: urn("aws:iam/role:Role", "ops-admin"),
        type: "aws:iam/role:Role",
        name: "ops-admin",
        properties: { name: "ops-admin", arn: UNKNOWN, tags: { Environment: "prod" }, password: secret("hunter2"), list: [1, null, true] },
        options: { protect: true, ignoreChanges: ["tags"], aliases: [urn("aws:iam/role:Role", "old")], customTimeouts: { create: "5m" } },
        provider: { name: "mgmt", type: "pulumi:providers:aws", urn: urn("pulumi:providers:aws", "mgmt"), properties: { region: "eu-west-1" } },
        parent,
        dependencies: [parent, urn("aws:iam/policy:Policy", "p")],
        propertyDependencies: { managedPolicyArns: [urn("aws:iam/policy:Policy", "p")], name: [] },
    };

    it("sends in AnalyzeStack exactly the AnalyzerResource a field-by-field message encodes", () => {
        const encoded = [client.encode(full), client.encode(resource("plain"))];
        const decoded = pb.AnalyzeStackRequest.deserializeBinary(Buffer.concat(encoded.map((e) => e.stackEntry))).getResourcesList();
        assert.strictEqual(decoded.length, 2);
        // The reference: every field set on one message, as the engine builds it.
        const ref = new pb.AnalyzerResource();
        ref.setUrn(full.urn);
        ref.setType(full.type);
        ref.setName(full.name);
        ref.setProperties(
            structpb.Struct.fromJavaScript({
                name: "ops-admin",
                arn: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
                tags: { Environment: "prod" },
                password: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "hunter2" },
                list: [1, null, true],
            }),
        );
        const opts = pb.AnalyzeRequest.deserializeBinary(encoded[0]!.analyzeRequest).getOptions();
        ref.setOptions(opts);
        ref.setProvider(pb.AnalyzeRequest.deserializeBinary(encoded[0]!.analyzeRequest).getProvider());
        ref.setParent(parent);
        ref.setDependenciesList(full.dependencies);
        const d = new pb.AnalyzerPropertyDependencies();
        d.setUrnsList(full.propertyDependencies!.managedPolicyArns);
        ref.getPropertydependenciesMap().set("managedPolicyArns", d);
        assert.deepStrictEqual(decoded[0].toObject(), ref.toObject());
        assert.strictEqual(decoded[1].getName(), "plain");
        assert.strictEqual(decoded[1].getParent(), "");
    });

    it("sends in Analyze the resource's inputs, options (with the parent) and provider", () => {
        const req = pb.AnalyzeRequest.deserializeBinary(client.encode(full).analyzeRequest);
        assert.strictEqual(req.getUrn(), full.urn);
        assert.strictEqual(req.getName(), "ops-admin");
        assert.deepStrictEqual(req.getProperties().toJavaScript().tags, { Environment: "prod" });
        assert.strictEqual(req.getOptions().getProtect(), true);
        assert.strictEqual(req.getOptions().getParent(), parent);
        assert.deepStrictEqual(req.getOptions().getIgnorechangesList(), ["tags"]);
        assert.strictEqual(req.getOptions().getCustomtimeouts().getCreate(), 300);
        assert.strictEqual(req.getProvider().getName(), "mgmt");
        assert.deepStrictEqual(req.getProvider().getProperties().toJavaScript(), { region: "eu-west-1" });
    });

    it("gets the same verdicts from the pack for encoded and plain resources", async () => {
        const user = {
            urn: urn("aws:iam/userPolicy:UserPolicy", "inline"),
            type: "aws:iam/userPolicy:UserPolicy",
            name: "inline",
            properties: { user: "bob", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) },
        };
        const plain = await client.analyze(user);
        const encoded = await client.analyze(client.encode(user));
        assert.ok(
            plain.some((v) => v.policyName === "iam-no-user-permissions"),
            JSON.stringify(plain),
        );
        assert.deepStrictEqual(encoded, plain);
    });
});

/** A stand-in for the pack's client that answers when told to and records what it was asked. */
class FakeClient {
    readonly calls: string[] = [];
    readonly stackCalls: string[][] = [];
    inFlight = 0;
    maxInFlight = 0;
    private pending: { urn: string; resolve: (v: Violation[]) => void; reject: (e: Error) => void }[] = [];

    encode(r: AnalyzerResource): EncodedResource {
        return { urn: r.urn, analyzeRequest: Buffer.from(r.name), stackEntry: Buffer.from(r.name) };
    }
    analyze(r: EncodedResource): Promise<Violation[]> {
        this.calls.push(r.urn);
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        return new Promise((resolve, reject) => this.pending.push({ urn: r.urn, resolve, reject }));
    }
    async analyzeStack(rs: EncodedResource[]): Promise<Violation[]> {
        this.stackCalls.push(rs.map((r) => r.urn));
        return [violation("stack-policy", null)];
    }
    /** Answers the calls in flight, newest first, each with one violation naming its resource. */
    answerAll(): void {
        for (const p of this.pending.splice(0).reverse()) {
            this.inFlight--;
            p.resolve([violation("resource-policy", p.urn)]);
        }
    }
    failOne(message: string): void {
        const p = this.pending.shift()!;
        this.inFlight--;
        p.reject(new Error(message));
    }
}

function violation(policyName: string, u: string | null): Violation {
    return { policyPackName: "pack", policyName, description: "", message: `${policyName} on ${u}`, enforcementLevel: "advisory", urn: u };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("plan: streaming evaluation", () => {
    it("analyzes what queued before the pack was ready, then each resource as it arrives, within the concurrency", async () => {
        const fake = new FakeClient();
        const ev = new StreamingEvaluation(2);
        ev.add(resource("a"));
        ev.add(resource("b"));
        ev.add(resource("c"));
        assert.strictEqual(fake.calls.length, 0, "nothing is sent before the pack is configured");
        ev.attach(fake as unknown as PolicyPackClient);
        assert.deepStrictEqual(
            fake.calls.map((u) => u.split("::").pop()),
            ["a", "b"],
            "at most two in flight",
        );
        fake.answerAll();
        await tick();
        assert.deepStrictEqual(
            fake.calls.map((u) => u.split("::").pop()),
            ["a", "b", "c"],
        );
        ev.add(resource("d"));
        assert.deepStrictEqual(
            fake.calls.map((u) => u.split("::").pop()),
            ["a", "b", "c", "d"],
            "sent as it arrives, before the program ends",
        );
        const done = ev.finish();
        fake.answerAll();
        const vs = await done;
        assert.strictEqual(fake.maxInFlight, 2);
        // Answers came newest first; violations keep registration order, the stack's last.
        assert.deepStrictEqual(
            vs.map((v) => v.urn?.split("::").pop() ?? "(stack)"),
            ["a", "b", "c", "d", "(stack)"],
        );
        assert.deepStrictEqual(
            fake.stackCalls.map((c) => c.map((u) => u.split("::").pop())),
            [["a", "b", "c", "d"]],
        );
        assert.ok(ev.timings.analyzeMs >= 0 && ev.timings.analyzeStackMs >= 0);
    });

    it("stops at the first failed Analyze call and reports it, without calling AnalyzeStack", async () => {
        const fake = new FakeClient();
        const ev = new StreamingEvaluation(1);
        ev.attach(fake as unknown as PolicyPackClient);
        ev.add(resource("a"));
        ev.add(resource("b"));
        fake.failOne("analyze failed: policy exploded");
        await tick();
        ev.add(resource("c"));
        assert.deepStrictEqual(
            fake.calls.map((u) => u.split("::").pop()),
            ["a"],
            "no call after the failure",
        );
        await assert.rejects(ev.finish(), /policy exploded/);
        assert.deepStrictEqual(fake.stackCalls, []);
    });

    it("analyzes an empty program with AnalyzeStack alone", async () => {
        const fake = new FakeClient();
        const ev = new StreamingEvaluation(8);
        ev.attach(fake as unknown as PolicyPackClient);
        assert.deepStrictEqual(
            (await ev.finish()).map((v) => v.policyName),
            ["stack-policy"],
        );
        assert.throws(() => new StreamingEvaluation(0), /positive whole number/);
    });
});
