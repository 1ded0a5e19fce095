// Change-review fixtures: config edits on copies of the shipped stack files, planned offline
// once each (the comparison itself is pure), and a matcher for the expected comparisons.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import type { FailOn } from "../../tools/change/flags";
import { planReport } from "../../tools/change/report";
import type { SavedPlan } from "../../tools/change/types";
import { runPlanHere } from "../helpers/plan";

export const ROOT = path.resolve(__dirname, "..", "..");
export const FIXTURES = path.join(ROOT, "test", "fixtures", "change");

/** Edits of a stack file's `config:`; paths are dotted (`landing-zone:users.alice.teams`). */
export interface ConfigEdits {
    set?: Record<string, unknown>;
    delete?: string[];
    /** Moves a value to another path (a renamed key). */
    rename?: Record<string, string>;
}

/** A change the config cannot make (a program change), made on the plan report. */
export interface PlanMutation {
    /** `remove-statement`: drop a statement of a document; `drop-condition`: drop a condition key from every statement. */
    kind: "remove-statement" | "drop-condition";
    /** Resource type and a regular expression its name must match. */
    type: string;
    name: string;
    /** The input holding the document (`policy`, `assumeRolePolicy`). */
    input: string;
    /** remove-statement: the first statement with this effect. */
    effect?: "Allow" | "Deny";
    /** drop-condition: the condition key. */
    conditionKey?: string;
}

export interface ListExpectation {
    /** Each pattern matches at least one entry (fields compared as given). */
    contains?: Record<string, unknown>[];
    /** Patterns entries may match without being required. */
    allow?: Record<string, unknown>[];
    /** Every entry matches a `contains` or `allow` pattern. */
    exactly?: boolean;
    count?: number;
}

export interface Fixture {
    name: string;
    description: string;
    stack: string;
    base?: ConfigEdits;
    head?: ConfigEdits;
    headMutation?: PlanMutation;
    /** The `--fail-on` conditions the comparison meets. */
    failOn: FailOn[];
    /** The review's exit status with every `--fail-on` condition, where the policy pack's verdict is part of the fixture. */
    exitCode?: number;
    expect: {
        summary?: Partial<Record<"widens" | "weakens" | "dangerous", number>>;
        access?: ListExpectation;
        guardrails?: ListExpectation;
        dangerous?: ListExpectation;
        resources?: Partial<Record<"added" | "removed" | "replaced" | "updated" | "renamed", ListExpectation>>;
        violations?: Partial<Record<"new" | "fixed", ListExpectation>>;
    };
}

export function loadFixtures(): Fixture[] {
    return fs
        .readdirSync(FIXTURES)
        .filter((f) => f.endsWith(".yaml"))
        .sort()
        .map((f) => ({ name: f.replace(/\.yaml$/, ""), ...(YAML.parse(fs.readFileSync(path.join(FIXTURES, f), "utf8")) as Omit<Fixture, "name">) }));
}

function splitPath(p: string): string[] {
    return p.split(".");
}

function parentOf(root: Record<string, unknown>, segments: string[], create: boolean): Record<string, unknown> {
    let node = root;
    for (const s of segments.slice(0, -1)) {
        const next = node[s];
        if (typeof next !== "object" || next === null) {
            if (!create) throw new Error(`no config key ${segments.join(".")}`);
            node[s] = {};
        }
        node = node[s] as Record<string, unknown>;
    }
    return node;
}

export function applyEdits(config: Record<string, unknown>, edits: ConfigEdits | undefined): Record<string, unknown> {
    const out = structuredClone(config);
    for (const [from, to] of Object.entries(edits?.rename ?? {})) {
        const fs_ = splitPath(from);
        const p = parentOf(out, fs_, false);
        const value = p[fs_.at(-1)!];
        if (value === undefined) throw new Error(`no config key ${from} to rename`);
        delete p[fs_.at(-1)!];
        const ts = splitPath(to);
        parentOf(out, ts, true)[ts.at(-1)!] = value;
    }
    for (const [key, value] of Object.entries(edits?.set ?? {})) {
        const s = splitPath(key);
        parentOf(out, s, true)[s.at(-1)!] = value;
    }
    for (const key of edits?.delete ?? []) {
        const s = splitPath(key);
        const p = parentOf(out, s, false);
        if (!(s.at(-1)! in p)) throw new Error(`no config key ${key} to delete`);
        delete p[s.at(-1)!];
    }
    return out;
}

/** The shipped stack file's config with edits, in a project of its own that runs this repository's program. */
export function projectWith(stack: string, edits: ConfigEdits | undefined): { dir: string; remove(): void } {
    const shipped = YAML.parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "change-fixture-"));
    const project = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8").replace(/^main: .*$/m, `main: ${JSON.stringify(path.join(ROOT, "index.ts"))}`);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), project);
    fs.copyFileSync(path.join(ROOT, "tsconfig.json"), path.join(dir, "tsconfig.json"));
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), YAML.stringify({ config: applyEdits(shipped.config, edits) }));
    return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Plans of distinct (stack, edits), each run once per test process, with the real policy pack. */
const plans = new Map<string, Promise<{ report: SavedPlan; exitCode: number }>>();

export function planOf(stack: string, edits: ConfigEdits | undefined): Promise<{ report: SavedPlan; exitCode: number }> {
    const key = JSON.stringify([stack, edits ?? {}]);
    let p = plans.get(key);
    if (!p) {
        p = (async () => {
            const project = projectWith(stack, edits);
            try {
                // The project lives outside this repository, so the stack's pack config is named explicitly.
                const r = await runPlanHere({
                    dir: project.dir,
                    stack,
                    policyPackDir: path.join(ROOT, "policypack"),
                    policyConfigFile: path.join(ROOT, "policypack", "config", `${stack}.json`),
                });
                assert.equal(r.error, undefined, `plan of ${key}: ${r.error?.message}`);
                return { report: planReport(r), exitCode: r.exitCode };
            } finally {
                project.remove();
            }
        })();
        plans.set(key, p);
    }
    return p;
}

/** Applies a program-level change to a copy of a plan report. */
export function mutate(plan: SavedPlan, m: PlanMutation): { plan: SavedPlan; removedSid?: string; touched: string[] } {
    const out = structuredClone(plan);
    const re = new RegExp(m.name);
    let removedSid: string | undefined;
    const touched: string[] = [];
    for (const r of out.resources) {
        if (r.type !== m.type || !re.test(r.name)) continue;
        const doc = JSON.parse(String(r.inputs[m.input])) as { Statement: Record<string, unknown>[] };
        if (m.kind === "remove-statement") {
            const i = doc.Statement.findIndex((s) => s.Effect === m.effect);
            assert.ok(i >= 0, `${r.name} has a ${m.effect} statement`);
            removedSid = String(doc.Statement[i]!.Sid);
            doc.Statement.splice(i, 1);
        } else {
            let dropped = false;
            for (const s of doc.Statement) {
                const cond = (s.Condition ?? {}) as Record<string, Record<string, unknown>>;
                for (const [op, block] of Object.entries(cond)) {
                    if (m.conditionKey! in block) {
                        delete block[m.conditionKey!];
                        dropped = true;
                        if (Object.keys(block).length === 0) delete cond[op];
                    }
                }
            }
            assert.ok(dropped, `${r.name} has a ${m.conditionKey} condition`);
        }
        r.inputs[m.input] = JSON.stringify(doc);
        touched.push(r.name);
    }
    assert.ok(touched.length > 0, `no ${m.type} named like ${m.name}`);
    return { plan: out, removedSid, touched };
}

function matches(entry: Record<string, unknown>, pattern: Record<string, unknown>, vars: Record<string, string>): boolean {
    return Object.entries(pattern).every(([k, v]) => {
        const want = typeof v === "string" && v.startsWith("$") ? vars[v.slice(1)] : v;
        return JSON.stringify(entry[k]) === JSON.stringify(want);
    });
}

/** Checks a list of the comparison against its expectation; the message shows the list. */
export function checkList(what: string, list: Record<string, unknown>[], e: ListExpectation | undefined, vars: Record<string, string> = {}): void {
    if (!e) return;
    const shown = `${what}:\n${JSON.stringify(list, null, 1)}`;
    if (e.count !== undefined) assert.equal(list.length, e.count, `${what}: ${e.count} entries expected\n${shown}`);
    for (const p of e.contains ?? [])
        assert.ok(
            list.some((x) => matches(x, p, vars)),
            `${what}: no entry like ${JSON.stringify(p)}\n${shown}`,
        );
    if (e.exactly) {
        const patterns = [...(e.contains ?? []), ...(e.allow ?? [])];
        for (const x of list)
            assert.ok(
                patterns.some((p) => matches(x, p, vars)),
                `${what}: unexpected entry ${JSON.stringify(x)}\n${shown}`,
            );
    }
}
