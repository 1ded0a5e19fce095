// Unit tests of what the stack policies share between them (no gRPC): the stack view reused while
// the resources are the same, documents parsed once per text, matches returned in stack order.
import * as assert from "assert";
import { PolicyResource } from "@pulumi/policy";
import { parseDocument } from "../../policypack/lib/policy-document";
import { Res, stackViewOf, StackView } from "../../policypack/lib/stack";
import { matchesPlainProps, plainProps, UNKNOWN } from "../../policypack/lib/unknown";

// The policy server's unknown-checking proxy (internal to @pulumi/policy), so that the tests read
// resources the way the policies are handed them.
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as { unknownCheckingProxy: (o: unknown) => unknown };

const SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

interface Spec {
    urn: string;
    type?: string;
    props: Record<string, unknown>;
    deps?: Record<string, string[]>;
    protect?: boolean;
    provider?: string;
}

/** A fresh copy of the resources, as the server deserializes them for each policy. */
function handed(specs: Spec[]): PolicyResource[] {
    const out = specs.map((s) => ({
        urn: s.urn,
        type: s.type ?? "aws:iam/role:Role",
        name: s.urn,
        props: unknownCheckingProxy(JSON.parse(JSON.stringify(s.props))),
        opts: { protect: !!s.protect },
        propertyDependencies: {} as Record<string, PolicyResource[]>,
        ...(s.provider ? { provider: { urn: s.provider, type: "pulumi:providers:aws", name: s.provider, props: {} } } : {}),
    })) as unknown as PolicyResource[];
    const byUrn = new Map(out.map((r) => [r.urn, r]));
    specs.forEach((s, i) => {
        for (const [k, urns] of Object.entries(s.deps ?? {})) out[i].propertyDependencies[k] = urns.map((u) => byUrn.get(u)!);
    });
    return out;
}

describe("policy pack: sharing between stack policies", () => {
    it("matchesPlainProps agrees with plainProps, key order and unknowns included", () => {
        const raw = { a: "x", b: [1, SENTINEL, { c: true }], d: { e: null } };
        const p = plainProps(JSON.parse(JSON.stringify(raw)));
        assert.deepStrictEqual(p.b, [1, UNKNOWN, { c: true }]);
        assert.ok(matchesPlainProps(unknownCheckingProxy(JSON.parse(JSON.stringify(raw))), p));
        assert.ok(matchesPlainProps(JSON.parse(JSON.stringify(raw)), p), "plain objects (tests) too");
        for (const other of [
            { a: "y", b: [1, SENTINEL, { c: true }], d: { e: null } },
            { a: "x", b: [1, "known", { c: true }], d: { e: null } },
            { a: "x", b: [1, SENTINEL, { c: true }, 2], d: { e: null } },
            { a: "x", b: [1, SENTINEL, { c: "true" }], d: { e: null } },
            { a: "x", b: [1, SENTINEL, { c: true }], d: { e: null }, f: 1 },
            { a: "x", b: [1, SENTINEL, { c: true }] },
            { b: [1, SENTINEL, { c: true }], a: "x", d: { e: null } },
        ]) {
            assert.ok(!matchesPlainProps(unknownCheckingProxy(other), p), JSON.stringify(other));
        }
        assert.ok(matchesPlainProps(undefined, plainProps(undefined)));
        assert.ok(!matchesPlainProps(undefined, p));
    });

    it("reuses the stack view only while every resource is the same", () => {
        const specs: Spec[] = [
            { urn: "u1", props: { name: "a", tags: { Environment: "dev" } } },
            { urn: "u2", props: { name: "b", policy: SENTINEL }, deps: { policy: ["u1"] } },
        ];
        const v1 = stackViewOf(handed(specs));
        assert.strictEqual(stackViewOf(handed(specs)), v1, "another copy of the same resources");
        const changes: Spec[][] = [
            [specs[0], { ...specs[1], props: { name: "b", policy: "{}" } }],
            [{ ...specs[0], props: { name: "a", tags: { Environment: "prod" } } }, specs[1]],
            [specs[0], { ...specs[1], deps: {} }],
            [specs[0], { ...specs[1], deps: { policy: ["u2"] } }],
            [specs[0], { ...specs[1], protect: true }],
            [specs[0], { ...specs[1], type: "aws:iam/user:User" }],
            [specs[0], { ...specs[1], provider: "urn:pulumi:test::lz::pulumi:providers:aws::prod" }],
            [specs[1], specs[0]],
            [specs[0]],
        ];
        let prev = v1;
        for (const c of changes) {
            const v = stackViewOf(handed(c));
            assert.notStrictEqual(v, prev);
            assert.deepStrictEqual(
                v.resources.map((r) => [r.urn, r.type, r.props, r.protect, r.propertyDependencies, r.provider]),
                new StackView(
                    c.map((s) => ({
                        urn: s.urn,
                        type: s.type ?? "aws:iam/role:Role",
                        name: s.urn,
                        props: plainProps(JSON.parse(JSON.stringify(s.props))),
                        protect: !!s.protect,
                        propertyDependencies: s.deps ?? {},
                        provider: s.provider,
                    })),
                ).resources.map((r) => [r.urn, r.type, r.props, r.protect, r.propertyDependencies, r.provider]),
            );
            prev = v;
        }
        assert.ok(Object.isFrozen(prev.resources[0]) && Object.isFrozen(prev.resources[0].props), "shared resources cannot be changed by a policy");
    });

    it("parses a document text once and shares the frozen result", () => {
        const text = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] });
        const a = parseDocument(text);
        assert.strictEqual(parseDocument(`${text}`), a);
        assert.ok(a.kind === "ok" && Object.isFrozen(a.statements[0]));
        assert.ok(a.kind === "ok" && a.minifiedSize === text.length);
        const withUnknown = parseDocument({ Statement: [{ Effect: "Allow", Action: UNKNOWN, Resource: "*" }] });
        assert.ok(withUnknown.kind === "ok" && withUnknown.hasUnknown && withUnknown.statements[0].hasUnknown);
    });

    it("returns several matches of a reference in stack order", () => {
        const mk = (urn: string, props: Record<string, unknown>): Res => ({ urn, type: "aws:iam/role:Role", name: urn, props, protect: false, propertyDependencies: {} });
        // r4 is found first (through "id"), then r1 and r3 (through "name").
        const view = new StackView([mk("r1", { name: "x" }), mk("r2", { name: "y" }), mk("r3", { name: "x" }), mk("r4", { id: "x" })]);
        assert.deepStrictEqual(
            view.withValue(["aws:iam/role:Role"], ["id", "name"], "x").map((r) => r.urn),
            ["r1", "r3", "r4"],
        );
    });
});
