// What counts as widening, on policy documents a reviewer would recognise: a new action, a wider
// resource, a removed condition, a removed deny, an MFA condition dropped, and the changes that
// only look different (statement order, single-value arrays, action case, whitespace).
import * as assert from "assert";
import { compareStatements, parseDocument, type StatementChange } from "../../tools/change/policy";

function changes(before: object, after: object): StatementChange[] {
    const b = parseDocument(JSON.stringify(before));
    const a = parseDocument(JSON.stringify(after));
    assert.ok(b && a, "readable documents");
    return compareStatements(b.statements, a.statements);
}

const doc = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });
const READ = { Sid: "ReadBuckets", Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: ["arn:aws:s3:::app1-dev-*"] };
const TRUST = {
    Sid: "PeopleWithMfa",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::111111111111:root" },
    Action: "sts:AssumeRole",
    Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" }, NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } },
};
const FORCE_MFA = {
    Sid: "DenyWithoutMfa",
    Effect: "Deny",
    NotAction: ["iam:ChangePassword", "iam:CreateVirtualMFADevice", "sts:GetSessionToken"],
    Resource: "*",
    Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
};
const INSTANCE_TYPES = {
    Sid: "DenyInstanceTypesNotAllowed",
    Effect: "Deny",
    Action: "ec2:RunInstances",
    Resource: "arn:aws:ec2:*:*:instance/*",
    Condition: { StringNotLike: { "ec2:InstanceType": ["t3.*", "m5.large"] } },
};

function one(list: StatementChange[]): StatementChange {
    assert.equal(list.length, 1, JSON.stringify(list, null, 1));
    return list[0]!;
}

describe("change review: policy statements, widening by containment", () => {
    it("ignores statement order, single-value arrays, action case and whitespace", () => {
        const other = { Sid: "Logs", Effect: "Allow", Action: "logs:PutLogEvents", Resource: "*" };
        const reformatted = { Sid: "ReadBuckets", Effect: "Allow", Action: [" S3:ListBucket", "s3:getobject"], Resource: "arn:aws:s3:::app1-dev-*" };
        assert.deepEqual(changes(doc(READ, other), doc({ ...other, Action: ["logs:PutLogEvents"] }, reformatted)), []);
    });

    it("a new action widens, named", () => {
        const c = one(changes(doc(READ), doc({ ...READ, Action: [...READ.Action, "s3:PutObject"] })));
        assert.equal(c.wider, true);
        assert.deepEqual(c.reasons, ["grants action s3:putobject"]);
    });

    it("a wider resource widens; a narrower one does not", () => {
        const wider = one(changes(doc(READ), doc({ ...READ, Resource: "arn:aws:s3:::app1-*" })));
        assert.equal(wider.wider, true);
        assert.deepEqual(wider.reasons, ["grants resource arn:aws:s3:::app1-*"]);
        const narrower = one(changes(doc(READ), doc({ ...READ, Resource: "arn:aws:s3:::app1-dev-logs" })));
        assert.equal(narrower.wider, false);
        assert.deepEqual(narrower.reasons, ["stricter"]);
    });

    it("a wildcard action covering the old ones widens; one inside them does not", () => {
        assert.equal(one(changes(doc(READ), doc({ ...READ, Action: "s3:*" }))).wider, true);
        assert.equal(one(changes(doc({ ...READ, Action: "s3:Get*" }), doc({ ...READ, Action: "s3:GetObject" }))).wider, false);
    });

    it("a removed condition widens; an MFA condition dropped is flagged as such", () => {
        const { Bool: _bool, ...rest } = TRUST.Condition;
        const c = one(changes(doc(TRUST), doc({ ...TRUST, Condition: rest })));
        assert.equal(c.wider, true);
        assert.equal(c.mfa, true);
        assert.deepEqual(c.reasons, ["condition removed: Bool aws:MultiFactorAuthPresent true"]);
    });

    it("a longer MFA age or an IfExists operator loosens the condition; a shorter age does not", () => {
        const longer = one(changes(doc(TRUST), doc({ ...TRUST, Condition: { ...TRUST.Condition, NumericLessThan: { "aws:MultiFactorAuthAge": "43200" } } })));
        assert.equal(longer.wider, true);
        assert.equal(longer.mfa, true);
        assert.deepEqual(longer.reasons, ["condition NumericLessThan aws:MultiFactorAuthAge +43200 -3600"]);
        const shorter = one(changes(doc(TRUST), doc({ ...TRUST, Condition: { ...TRUST.Condition, NumericLessThan: { "aws:MultiFactorAuthAge": "900" } } })));
        assert.equal(shorter.wider, false);
        const ifExists = one(changes(doc(TRUST), doc({ ...TRUST, Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "true" }, NumericLessThan: TRUST.Condition.NumericLessThan } })));
        assert.equal(ifExists.wider, true);
        assert.equal(ifExists.mfa, true);
    });

    it("a wider principal in a trust policy widens", () => {
        const c = one(changes(doc(TRUST), doc({ ...TRUST, Principal: { AWS: ["arn:aws:iam::111111111111:root", "222222222222"] } })));
        assert.equal(c.wider, true);
        assert.deepEqual(c.reasons, ["grants principal AWS arn:aws:iam::222222222222:root"]);
    });

    it("a removed deny widens (and says MFA when the deny enforced it)", () => {
        const c = one(changes(doc(READ, FORCE_MFA), doc(READ)));
        assert.equal(c.change, "removed");
        assert.equal(c.wider, true);
        assert.equal(c.mfa, true);
    });

    it("a deny that excludes more actions, or a guard that allows more values, weakens", () => {
        const notAction = one(changes(doc(FORCE_MFA), doc({ ...FORCE_MFA, NotAction: [...FORCE_MFA.NotAction, "iam:CreateAccessKey"] })));
        assert.equal(notAction.wider, true);
        assert.deepEqual(notAction.reasons, ["no longer denies action iam:createaccesskey"]);
        const types = one(changes(doc(INSTANCE_TYPES), doc({ ...INSTANCE_TYPES, Condition: { StringNotLike: { "ec2:InstanceType": ["t3.*", "m5.large", "c5.*"] } } })));
        assert.equal(types.wider, true);
        assert.deepEqual(types.reasons, ["deny condition StringNotLike ec2:InstanceType +c5.*"]);
        const tightened = one(changes(doc(INSTANCE_TYPES), doc({ ...INSTANCE_TYPES, Condition: { StringNotLike: { "ec2:InstanceType": ["t3.*"] } } })));
        assert.equal(tightened.wider, false);
    });

    it("a deny that gains a condition applies less often: weaker", () => {
        const deny = { Sid: "NoUsers", Effect: "Deny", Action: "iam:CreateUser", Resource: "*" };
        const c = one(changes(doc(deny), doc({ ...deny, Condition: { ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/break-glass" } } })));
        assert.equal(c.wider, true);
        assert.deepEqual(c.reasons, ["deny condition added: ArnNotLike aws:PrincipalArn arn:aws:iam::*:role/break-glass"]);
    });

    it("a statement split in two, or renamed, grants nothing new", () => {
        const split = changes(doc(READ), doc({ ...READ, Action: "s3:GetObject" }, { ...READ, Sid: "ListBuckets", Action: "s3:ListBucket" }));
        assert.ok(split.length === 2 && split.every((c) => !c.wider), JSON.stringify(split));
        const renamed = changes(doc(READ), doc({ ...READ, Sid: "ReadAppBuckets" }));
        assert.deepEqual(renamed.map((c) => [c.change, c.wider]).sort(), [
            ["added", false],
            ["removed", false],
        ]);
    });

    it("an Allow that was a Deny widens; statements without a Sid match by content", () => {
        assert.equal(one(changes(doc({ ...READ, Effect: "Deny" }), doc(READ))).wider, true);
        const { Sid: _sid, ...unnamed } = READ;
        assert.deepEqual(changes(doc(unnamed), doc({ ...unnamed, Action: [...unnamed.Action].reverse() })), []);
        const grown = changes(doc(unnamed), doc({ ...unnamed, Action: [...unnamed.Action, "s3:DeleteObject"] }));
        assert.deepEqual(grown.map((c) => [c.change, c.wider]).sort(), [
            ["added", true],
            ["removed", false],
        ]);
    });

    it("does not read what is not a policy document", () => {
        assert.equal(parseDocument("[unknown]"), undefined);
        assert.equal(parseDocument(JSON.stringify({ Statement: [{ Effect: "Maybe", Action: "*" }] })), undefined);
    });
});
