// The pack on the known privilege-escalation methods (test/fixtures/escalation/catalogue.json):
// each method's identity policy is attached to a role that nothing else grants to, and the stack
// goes to the real pack over gRPC. A method is caught when iam-no-privilege-escalation reports it
// at mandatory level naming the actions (or AWS managed policy) that escalate. The near misses
// ("safe") must not be reported as escalation. Recall is printed and held to 95%.
import * as assert from "assert";
import * as path from "path";
import type { AnalyzerResource, Violation } from "../../tools/lib/analyzer";
import { analyzeEach, json, res, SERVICE_TRUST, T, UNKNOWN, usePack } from "./support";

interface Entry {
    id: string;
    catalogue?: "classic" | "wider";
    method: string;
    documents: unknown[];
    awsManaged: string[];
    expect?: string[];
}
const catalogue = require(path.resolve(__dirname, "../fixtures/escalation/catalogue.json")) as { methods: Entry[]; variants: Entry[]; safe: Entry[] };

/** The stack of one entry: a role, one managed policy per document, the attachments. */
export function entryStack(e: Entry): AnalyzerResource[] {
    const role = res(T.role, `${e.id}-role`, { name: `${e.id}-role`.slice(0, 64), assumeRolePolicy: SERVICE_TRUST });
    const out: AnalyzerResource[] = [role];
    e.documents.forEach((d, i) => {
        const policy = res(T.policy, `${e.id}-policy-${i + 1}`, { name: `${e.id}-${i + 1}`.slice(0, 128), policy: json(d), arn: UNKNOWN });
        out.push(policy, res(T.rolePolicyAttachment, `${e.id}-attach-${i + 1}`, { role: UNKNOWN, policyArn: UNKNOWN }, { deps: { role: [role], policyArn: [policy] } }));
    });
    e.awsManaged.forEach((arn, i) => out.push(res(T.rolePolicyAttachment, `${e.id}-managed-${i + 1}`, { role: UNKNOWN, policyArn: arn }, { deps: { role: [role] } })));
    return out;
}

describe("policy pack: privilege-escalation methods (recall)", function () {
    this.timeout(120_000);
    const pack = usePack();
    const verdicts = new Map<string, Violation[]>();

    const judge = async (e: Entry) => {
        const stack = entryStack(e);
        const vs = [...(await analyzeEach(pack.client(), stack)), ...(await pack.client().analyzeStack(stack))];
        verdicts.set(e.id, vs);
        return vs;
    };
    const escalations = (vs: Violation[]) => vs.filter((v) => v.policyName === "iam-no-privilege-escalation" && v.enforcementLevel === "mandatory");
    const caught = (e: Entry, vs: Violation[]) => escalations(vs).some((v) => (e.expect ?? []).every((f) => v.message.includes(f)));

    it("holds the 31-path catalogue, the classic 21 among them", () => {
        assert.strictEqual(catalogue.methods.length, 31);
        assert.strictEqual(catalogue.methods.filter((m) => m.catalogue === "classic").length, 21);
    });

    it("recall on the escalation methods, and no escalation reported for the near misses", async () => {
        const lines: string[] = [];
        const count = async (entries: Entry[]) => {
            let n = 0;
            for (const e of entries) {
                const vs = await judge(e);
                if (caught(e, vs)) n++;
                else
                    lines.push(
                        `    missed        ${e.id}: ${e.method}\n${escalations(vs)
                            .map((v) => `      ${v.message.split("\n")[1]}`)
                            .join("\n")}`,
                    );
            }
            return n;
        };
        const classic = await count(catalogue.methods.filter((m) => m.catalogue === "classic"));
        const wider = classic + (await count(catalogue.methods.filter((m) => m.catalogue === "wider")));
        const variants = await count(catalogue.variants);
        const falseAlarms: string[] = [];
        for (const e of catalogue.safe) {
            const vs = escalations(await judge(e));
            if (vs.length > 0) falseAlarms.push(`    false alarm   ${e.id}: ${e.method}\n${vs.map((v) => `      ${v.message.split("\n")[1]}`).join("\n")}`);
        }
        const total = catalogue.methods.length + catalogue.variants.length;
        const recall = (wider + variants) / total;
        console.log(`      classic methods caught: ${classic} of 21`);
        console.log(`      31-path catalogue caught: ${wider} of 31`);
        console.log(`      variants caught: ${variants} of ${catalogue.variants.length}`);
        console.log(`      recall ${(100 * recall).toFixed(1)}% (${wider + variants} of ${total}); near misses reported as escalation: ${falseAlarms.length} of ${catalogue.safe.length}`);
        if (lines.length + falseAlarms.length > 0) console.log([...lines, ...falseAlarms].join("\n"));
        assert.ok(recall >= 0.95, `recall ${(100 * recall).toFixed(1)}% is below 95%`);
        assert.strictEqual(classic, 21, "every classic method is caught");
        assert.deepStrictEqual(falseAlarms, [], "near misses reported as escalation");
    });
});
