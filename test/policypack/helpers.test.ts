// Pure unit tests of the policy pack helpers and of the client's encoding (no gRPC).
import * as assert from "assert";
import { durationSeconds, encodeValue, parsePolicyPackConfig, secret, UNKNOWN as CLIENT_UNKNOWN, UNKNOWN_SENTINEL } from "../../tools/lib/analyzer";
import { checkAction, checkConditionKey, checkOperator, closest, editDistance, supportsResourceTag } from "../../policypack/lib/catalogue";
import { resolveConfig } from "../../policypack/lib/config";
import { OrgTree } from "../../policypack/lib/org-tree";
import { actionMatches, isForceMfaDeny, isUnrestrictedArn, isUnrestrictedResource, minifiedLength, parseDocument, requiresMfa } from "../../policypack/lib/policy-document";
import { Res, StackView } from "../../policypack/lib/stack";
import { isUnknown, toPlain, UNKNOWN } from "../../policypack/lib/unknown";
import { escalationGrants } from "../../policypack/policies/privilege-escalation";
import { FORCE_MFA, MFA_TRUST } from "./support";

const stmt0 = (d: unknown) => {
    const p = parseDocument(d);
    if (p.kind !== "ok") throw new Error(p.kind);
    return p.statements[0];
};

describe("policy pack helpers", () => {
    it("edit distance and suggestions", () => {
        assert.strictEqual(editDistance("GetObjekt", "GetObject"), 1);
        assert.strictEqual(closest("s3:GetObjekt", ["s3:GetObject", "s3:PutObject"]), "s3:GetObject");
        assert.strictEqual(closest("zzzzzz", ["s3:GetObject"]), undefined);
    });

    it("catalogue: actions, wildcards, services and operators", async () => {
        assert.strictEqual(await checkAction("s3:GetObject"), undefined);
        assert.strictEqual(await checkAction("S3:getobject"), undefined, "IAM action names are case-insensitive");
        assert.strictEqual(await checkAction("iam:Put*"), undefined);
        assert.match((await checkAction("iam:Frob*")) ?? "", /matches no iam action/);
        assert.match((await checkAction("s3GetObject")) ?? "", /service:action/);
        assert.strictEqual(checkOperator("ForAnyValue:StringEqualsIfExists"), undefined);
        assert.match(checkOperator("NullIfExists") ?? "", /unknown condition operator/);
        assert.match(checkOperator("stringequals") ?? "", /did you mean "StringEquals"/);
        assert.strictEqual(await checkConditionKey("aws:TagKeys", "ForAllValues:StringEquals"), undefined);
        assert.match((await checkConditionKey("aws:ResourceTag/Environment", "ForAllValues:StringEquals")) ?? "", /single-valued/);
        assert.strictEqual(await supportsResourceTag("ec2:StopInstances"), true);
        assert.strictEqual(await supportsResourceTag("s3:ListAllMyBuckets"), false);
    });

    it("normalises documents given as strings or objects, single values or arrays", () => {
        const a = parseDocument(JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "*" } }));
        const b = parseDocument({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["*"] }] });
        assert.ok(a.kind === "ok" && b.kind === "ok");
        assert.deepStrictEqual(a.statements[0].action, b.statements[0].action);
        assert.strictEqual(parseDocument(UNKNOWN).kind, "unknown");
        assert.strictEqual(parseDocument("{nope").kind, "invalid");
        const partial = parseDocument({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: UNKNOWN }] });
        assert.ok(partial.kind === "ok" && partial.statements[0].hasUnknown);
    });

    it("measures size without whitespace outside strings", () => {
        const d = { Version: "2012-10-17", Statement: [{ Sid: "With spaces inside", Effect: "Allow" }] };
        assert.strictEqual(minifiedLength(JSON.parse(JSON.stringify(d, null, 4))), JSON.stringify(d).length);
    });

    it("matches wildcards and recognises unrestricted resources", () => {
        assert.ok(actionMatches("iam:Put*", "iam:PutRolePolicy"));
        assert.ok(actionMatches("IAM:*", "iam:PassRole"));
        assert.ok(!actionMatches("iam:Get*", "iam:PassRole"));
        assert.ok(isUnrestrictedResource(stmt0({ Statement: { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::*:role/*" } })));
        assert.ok(!isUnrestrictedResource(stmt0({ Statement: { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111111111111:role/app" } })));
        assert.ok(isUnrestrictedArn("arn:aws:iam::111111111111:role/*"));
        assert.ok(isUnrestrictedArn("arn:aws:lambda:*:*:function:*"));
        assert.ok(!isUnrestrictedArn("arn:aws:iam::*:user/${aws:username}"));
        assert.ok(!isUnrestrictedArn("arn:aws:iam::111111111111:role/workloads/dev/*"));
    });

    it("recognises MFA conditions and the force-MFA deny", () => {
        assert.ok(requiresMfa(stmt0(MFA_TRUST)));
        assert.ok(isForceMfaDeny(stmt0(FORCE_MFA)));
        assert.ok(!isForceMfaDeny(stmt0({ Statement: { Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } } } })));
    });

    it("finds escalation through wildcards but not through bounded or scoped grants", () => {
        const g = escalationGrants(parseDocument({ Statement: [{ Effect: "Allow", Action: "iam:Attach*", Resource: "*" }] }));
        assert.deepStrictEqual(g.actions.sort(), ["iam:AttachGroupPolicy", "iam:AttachRolePolicy", "iam:AttachUserPolicy"]);
        assert.deepStrictEqual(escalationGrants(parseDocument({ Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }] })).actions, []);
        assert.deepStrictEqual(
            escalationGrants(
                parseDocument({
                    Statement: [{ Effect: "Allow", Action: "iam:AttachRolePolicy", Resource: "*", Condition: { StringEquals: { "iam:PermissionsBoundary": "arn:aws:iam::111111111111:policy/b" } } }],
                }),
            ).actions,
            [],
        );
    });

    it("converts unknown sentinels and throwing proxies to UNKNOWN", () => {
        const proxy = new Proxy({ a: 1, b: "x" } as Record<string, unknown>, {
            get: (o, k) => {
                if (k === "b") {
                    const e = new Error("string value at .b can't be known during preview");
                    (e as unknown as Record<string, unknown>).unknownTypeSentinel = "x";
                    throw e;
                }
                return o[k as string];
            },
        });
        assert.deepStrictEqual(toPlain(proxy), { a: 1, b: UNKNOWN });
        assert.ok(isUnknown(toPlain("04da6b54-80e4-46f7-96ec-b56ff0331ba9")));
    });

    it("reads config with defaults for anything missing or malformed", () => {
        const c = resolveConfig({ environmentTagKey: "Env", accountQuota: "x" });
        assert.strictEqual(c.environmentTagKey, "Env");
        assert.strictEqual(c.accountQuota, 10);
        assert.deepStrictEqual(c.productionEnvironments, ["prod"]);
    });

    it("resolves the org tree through property dependencies and known IDs", () => {
        const mk = (urn: string, type: string, props: Record<string, unknown>, deps: Record<string, string[]> = {}): Res => ({
            urn,
            type,
            name: urn,
            props,
            protect: true,
            propertyDependencies: deps,
        });
        const org = mk("org", "aws:organizations/organization:Organization", { roots: [{ id: "r-ab12" }] });
        const ou1 = mk("ou1", "aws:organizations/organizationalUnit:OrganizationalUnit", { parentId: UNKNOWN }, { parentId: ["org"] });
        const ou2 = mk("ou2", "aws:organizations/organizationalUnit:OrganizationalUnit", { parentId: "ou-ab12-11111111", id: "ou-ab12-22222222" });
        const ou3 = mk("ou3", "aws:organizations/organizationalUnit:OrganizationalUnit", { parentId: "r-ab12", id: "ou-ab12-11111111" });
        const acct = mk("acct", "aws:organizations/account:Account", { parentId: UNKNOWN }, { parentId: ["ou2"] });
        const lost = mk("lost", "aws:organizations/account:Account", { parentId: UNKNOWN });
        const tree = new OrgTree(new StackView([org, ou1, ou2, ou3, acct, lost]));
        assert.deepStrictEqual(
            tree.chain({ kind: "account", res: acct }).nodes.map((n) => (n.kind === "ou" || n.kind === "account" ? n.res.urn : n.kind)),
            ["acct", "ou2", "ou3", "root"],
        );
        assert.strictEqual(tree.depth(ou1).depth, 1);
        const c = tree.chain({ kind: "account", res: lost });
        assert.ok(!c.complete && c.end.kind === "unknown");
    });
});

describe("analyzer client encoding", () => {
    it("encodes unknowns as the engine's sentinel and secrets with the secret signature", () => {
        assert.deepStrictEqual(encodeValue({ a: CLIENT_UNKNOWN, b: [CLIENT_UNKNOWN, 1], c: undefined, d: secret("s") }), {
            a: UNKNOWN_SENTINEL,
            b: [UNKNOWN_SENTINEL, 1],
            d: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s" },
        });
    });
    it("parses --policy-pack-config content and durations", () => {
        assert.deepStrictEqual(parsePolicyPackConfig({ all: "advisory", p: { enforcementLevel: "disabled", x: 1 } }), {
            all: { enforcementLevel: "advisory", properties: {} },
            p: { enforcementLevel: "disabled", properties: { x: 1 } },
        });
        assert.throws(() => parsePolicyPackConfig({ p: 3 }), /must be a string or object/);
        assert.strictEqual(durationSeconds("1h30m"), 5400);
        assert.strictEqual(durationSeconds(12), 12);
    });
});

describe("policy pack helpers: partly unknown documents", () => {
    it("an unknown Resource is one specific resource: nothing to report; an unknown action list decides, and is reported", async () => {
        const { checkStatement } = await import("../../policypack/lib/catalogue");
        const g = escalationGrants(parseDocument({ Statement: [{ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: [UNKNOWN] }] }));
        assert.deepStrictEqual(g, { actions: [], where: [], unknown: [] });
        const scoped = escalationGrants(parseDocument({ Statement: [{ Effect: "Allow", Action: ["s3:GetObject", UNKNOWN], Resource: "*" }] }));
        assert.match(scoped.unknown.join(), /the Action of statement #1/);
        // checkStatement judges what is known; the policy reports the unknown parts once per document.
        const st = stmt0({ Statement: [{ Effect: "Allow", Action: ["s3:GetObjekt", UNKNOWN], Resource: "*", Condition: UNKNOWN }] });
        assert.deepStrictEqual(await checkStatement(st), ['statement #1: unknown action "s3:GetObjekt" (did you mean "s3:GetObject"?)']);
    });
});
