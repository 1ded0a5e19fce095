// Programs the pack has never seen: malformed or odd values must give violations, never crash
// the analyzer (a thrown error fails the whole preview with a stack trace instead of a message).
import * as assert from "assert";
import { cleanStack, res, T, UNKNOWN, usePack } from "./support";

const ODD_VALUES: unknown[] = [
    null,
    5,
    "",
    "not json",
    "[]",
    "{}",
    "null",
    UNKNOWN,
    [],
    {},
    { Statement: null },
    { Statement: [null, 5, "x"] },
    { Version: "2012-10-17", Statement: [{ Effect: 3, Action: {}, Resource: 7, Condition: "x", Principal: ["a"] }] },
    { Version: "2012-10-17", Statement: { Effect: "Allow", Action: [UNKNOWN, "*"], Resource: [UNKNOWN], Condition: { Bool: UNKNOWN } } },
    { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:", Resource: "*", Condition: { "": { "": "" } } }] },
];

describe("policy pack: robustness against unexpected values", function () {
    const pack = usePack();

    it("no resource policy throws on odd documents, tags or references", async () => {
        const rs = ODD_VALUES.flatMap((v, i) => [
            res(T.policy, `p${i}`, { name: `p${i}`, policy: v, tags: v }),
            res(T.groupPolicy, `gp${i}`, { group: v, policy: v }),
            res(T.role, `r${i}`, { name: v, assumeRolePolicy: v, inlinePolicies: [v, { name: v, policy: v }], managedPolicyArns: v, tags: v }),
            res(T.orgPolicy, `o${i}`, { name: "x", type: i % 2 ? "TAG_POLICY" : v, content: v }),
            res(T.account, `a${i}`, { name: "x", email: "x@example.com", tags: v, closeOnDeletion: v, parentId: v }),
            res(T.accessKey, `k${i}`, { user: v }),
            res(T.policyAttachment, `pa${i}`, { name: "x", policyArn: v, users: v, groups: v, roles: v }),
        ]);
        for (const r of rs) await pack.client().analyze(r);
    });

    it("no stack policy throws on odd references and documents", async () => {
        const extra = ODD_VALUES.flatMap((v, i) => [
            res(T.orgAttach, `att${i}`, { policyId: v, targetId: v }),
            res(T.ou, `ou${i}`, { name: "x", parentId: v, tags: v }),
            res(T.rolePolicyAttachment, `rpa${i}`, { role: v, policyArn: v }),
            res(T.groupMembership, `gm${i}`, { group: v, users: v }),
            res(T.userGroupMembership, `ugm${i}`, { user: v, groups: v }),
            res(T.budget, `b${i}`, { name: "x", budgetType: "COST", timeUnit: "MONTHLY", costFilters: v, tags: v }),
            res(T.passwordPolicy, `pw${i}`, { minimumPasswordLength: v, requireSymbols: v }),
            res(T.user, `u${i}`, { name: v }),
            res(T.policy, `sp${i}`, { name: `sp${i}`, policy: v }),
        ]);
        const vs = await pack.client().analyzeStack([...cleanStack(), ...extra]);
        assert.ok(vs.length > 0);
    });
});
