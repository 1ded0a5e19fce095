// The in-process route (in-process.ts) that the single-policy suites use gives the real pack's
// answers: every resource and the whole stack of a clean organization and of violating variants,
// under the default config and under configs that change levels and properties, give the same
// violations in this process as from the pack's process over gRPC.
import * as assert from "assert";
import type { AnalyzerResource, Violation } from "../../tools/lib/analyzer";
import { InProcessPack } from "./in-process";
import { cleanStack, doc, find, READ_ONLY, res, T, UNKNOWN, usePack, withResources } from "./support";

/** Resources the single-policy suites judge: each makes at least one policy speak. */
function violating(): AnalyzerResource[] {
    const base = cleanStack();
    return [
        res(T.userPolicy, "up", { user: "alice", policy: READ_ONLY }),
        res(T.accessKey, "k", { user: "alice" }),
        res(T.accessKey, "k2", { user: UNKNOWN }),
        res(T.policy, "p", { name: "p", policy: doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }) }),
        res(T.policy, "p3", { name: "p3", policy: UNKNOWN }),
        res(T.policy, "na", { name: "na", policy: doc({ Effect: "Allow", NotAction: ["iam:Frobnicate"], Resource: "*" }) }),
        res(T.groupPolicy, "typo", { group: "developers", policy: doc({ Effect: "Allow", Action: ["s3:GetObjekt", "ec2:DescribeInstance"], Resource: "*" }) }),
        res(T.policy, "full", { name: "full", policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) }),
        res(T.role, "open", { name: "open", assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }) }),
        res(T.role, "xacct", { name: "xacct", assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "sts:AssumeRole" }) }),
        res(T.account, "a", { name: "a", email: "a@example.com", closeOnDeletion: true, tags: { Environment: "dev" } }),
        res(T.account, "e", { name: "e", email: "e@example.com", tags: { Environment: "qa" } }, { protect: true }),
        res(T.orgPolicy, "j", { name: "j", type: "SERVICE_CONTROL_POLICY", content: '{ "Version": "2012-10-17", ' }),
        res(T.bucket, "open-bucket", { bucket: "example-open" }),
        res(T.kmsKey, "open-key", { description: "open", policy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:*", Resource: "*" }) }),
        res(T.user, "bob", { name: "bob" }),
        { ...find(base, "acct-prod"), properties: { ...find(base, "acct-prod").properties, tags: {} } },
    ];
}

const CONFIGS: Record<string, unknown>[] = [
    {},
    { all: { enforcementLevel: "mandatory" } },
    { "cloudtrail-organization-trail": { enforcementLevel: "mandatory" }, "iam-no-full-admin": { adminEntityNames: ["full", "admins"] } },
    { "iam-user-baseline": { requireAccountPasswordPolicy: true, serviceUsers: ["bob"] }, "org-account-quota": { accountQuota: 2 } },
    { "org-account-protection": { closeOnDeletionAccounts: ["a"] }, "iam-no-privilege-escalation": { adminEntityNames: ["developers"] }, "iam-trust-policy": { enforcementLevel: "disabled" } },
];

/** Violations in a stable order, for comparison. */
const sorted = (vs: Violation[]) => vs.map((v) => JSON.stringify(v)).sort();

describe("policy pack: the in-process route gives the pack's answers over gRPC", function () {
    this.timeout(120_000);
    const pack = usePack();

    it("every resource and the stack, clean and violating, under several configs", async () => {
        const inProcess = new InProcessPack();
        const resources = violating();
        const stacks = [cleanStack(), withResources(cleanStack(), ...resources)];
        const policies = new Set<string>();
        let compared = 0;
        for (const config of CONFIGS) {
            await pack.client().configure(config);
            await inProcess.configure(config);
            for (const r of [...cleanStack(), ...resources]) {
                const want = await pack.client().analyze(r);
                assert.deepStrictEqual(sorted(await inProcess.analyze(r)), sorted(want), `${r.name} under ${JSON.stringify(config)}`);
                want.forEach((v) => policies.add(v.policyName));
                compared++;
            }
            for (const [i, s] of stacks.entries()) {
                const want = await pack.client().analyzeStack(s);
                assert.deepStrictEqual(sorted(await inProcess.analyzeStack(s)), sorted(want), `stack ${i} under ${JSON.stringify(config)}`);
                want.forEach((v) => policies.add(v.policyName));
                compared++;
            }
        }
        await pack.client().configure({});
        console.log(`      ${compared} answers compared; ${policies.size} policies spoke`);
        // The comparison means something only if many policies spoke.
        assert.ok(policies.size >= 15, `only ${policies.size} policies spoke: ${[...policies].join(", ")}`);
    });

    it("refuses a config the pack refuses, like the client", async () => {
        const bad = { "iam-no-ful-admin": { adminEntityNames: ["x"] } };
        await assert.rejects(pack.client().configure(bad), /unknown policy 'iam-no-ful-admin'/);
        await assert.rejects(new InProcessPack().configure(bad), /unknown policy 'iam-no-ful-admin'/);
    });
});
