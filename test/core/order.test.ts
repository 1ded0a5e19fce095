/**
 * List order must not cause updates: every set-like list of both shipped stacks (and of the
 * hybrid variant) reversed, every map's keys reversed, and the defaulted sets written out in
 * reverse: every resource gets identical inputs. The one ordered list is `environments` (its
 * order is the display order, docs/config-reference.md), and it is left as it is.
 */
import * as assert from "assert";
import { runProgram, stackConfig, type ProgramRun } from "../helpers/program";
import { DEFAULT_TAG_ENFORCED_FOR } from "../../components/guardrails/config";
import { DEFAULT_NON_PRODUCTION_INSTANCE_TYPES } from "../../components/guardrails/scp";
import { DEFAULT_SERVICE_ACCESS_PRINCIPALS } from "../../components/config";

/** Every list reversed and every map's keys in reverse order, except the ordered top-level `environments`. */
function reversed(value: unknown): unknown {
    if (Array.isArray(value)) return [...value].reverse().map(reversed);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reversed(v)]),
        );
    }
    return value;
}

function reorder(config: Record<string, string>, extra: Record<string, (v: any) => any> = {}): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, text] of Object.entries(config).reverse()) {
        let v: unknown = text;
        try {
            v = JSON.parse(text);
        } catch {
            // a plain string
        }
        if (key !== "landing-zone:environments") v = reversed(v);
        if (extra[key]) v = extra[key](v);
        out[key] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return out;
}

function inputsByUrn(run: ProgramRun): Map<string, unknown> {
    return new Map(run.resources.map((r) => [r.urn, r.inputs]));
}

function hybrid(): Record<string, string> {
    const c = stackConfig("prod");
    const accounts = JSON.parse(c["landing-zone:accounts"]);
    for (const k of ["dev", "test", "staging"]) delete accounts[k];
    accounts.nonprod = { name: "app1-nonprod", email: "aws+app1-nonprod@example.com", ou: "workloads-nonprod", environments: ["dev", "test", "staging"] };
    return { ...c, "landing-zone:layout": "hybrid", "landing-zone:accounts": JSON.stringify(accounts) };
}

/** The sets a stack leaves to their defaults, written out in reverse (Organizations layouts). */
const DEFAULTS_REVERSED: Record<string, (v: any) => any> = {
    "landing-zone:guardrails": (g: any) => ({
        ...g,
        nonProductionInstanceTypes: [...DEFAULT_NON_PRODUCTION_INSTANCE_TYPES].reverse(),
        tagPolicies: { enforcedFor: [...DEFAULT_TAG_ENFORCED_FOR].reverse() },
        trustedExternalAccountIds: ["222222222222", "111111111111"],
        extraGlobalActions: ["support:*", "budgets:*"],
    }),
    "landing-zone:organization": (o: any) => ({ ...o, awsServiceAccessPrincipals: [...DEFAULT_SERVICE_ACCESS_PRINCIPALS].reverse() }),
};

const STACKS: [string, () => Record<string, string>, Record<string, (v: any) => any>][] = [
    ["dev", () => ({ ...stackConfig("dev"), "landing-zone:allowedTagKeys": JSON.stringify(["Name", "Owner", "Team"]) }), {}],
    ["prod", () => stackConfig("prod"), DEFAULTS_REVERSED],
    ["hybrid", hybrid, DEFAULTS_REVERSED],
];

describe("list order changes no resource input", function () {
    this.timeout(120_000);
    for (const [name, config, defaults] of STACKS) {
        it(`${name}: every set-like list and map reversed, the same inputs everywhere`, async () => {
            // The baseline writes the defaulted sets in their declared order, the variant reverses them.
            const inOrder = Object.fromEntries(Object.entries(defaults).map(([k, f]) => [k, (v: any) => reversed(f(reversed(v)))]));
            const base = reorder(reorder(config()), inOrder);
            const variant = reorder(config(), defaults);
            assert.notDeepStrictEqual(variant, base, "the variant differs in its order");
            const [a, b] = [inputsByUrn(await runProgram(base)), inputsByUrn(await runProgram(variant))];
            assert.deepStrictEqual([...b.keys()].sort(), [...a.keys()].sort(), "the same resources");
            const differ = [...a.keys()].filter((urn) => {
                try {
                    assert.deepStrictEqual(b.get(urn), a.get(urn));
                    return false;
                } catch {
                    return true;
                }
            });
            assert.deepStrictEqual(differ, [], `inputs that depend on list order:\n${differ.map((u) => `${u}\n  ${JSON.stringify(a.get(u))}\n  ${JSON.stringify(b.get(u))}`).join("\n")}`);
        });
    }
});
