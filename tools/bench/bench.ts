// npm run bench -- [--sizes 10,100,1000] [--runs 3] [--startup-runs 5] [--only startup|sizes] [--json <file>] [--keep]
//
// Start-up: the plan of the shipped prod stack and of a trivial project, as `npm run plan` runs
// them (a process each, to its exit), side by side with the floor: a Node.js process that loads
// @pulumi/pulumi and @pulumi/aws once.
//
// Plans generated landing zones of N member accounts (with their OUs, guardrails, teams and
// roles: the real program on a generated Pulumi.<stack>.yaml) and compares them with the floor:
// the same number of plain @pulumi/aws resources registered under the same mock monitor, with
// no policy pack. Each phase is timed alone: the program with the pack idle, then policy
// evaluation (every Analyze call, then AnalyzeStack). A second plan runs as users run it, with
// each resource analyzed while the program runs (as the engine does), for its total time. The
// policy floor is the same evaluation by a pack with the same policies doing nothing: what
// @pulumi/policy and the protocol cost before any policy code runs.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import * as YAML from "yaml";
import { DEFAULT_ENVIRONMENTS } from "../../components/config";
import { REPO_ROOT } from "../plan/paths";
import { runPlan, type PlanResult } from "../plan/run";

export interface BenchRow {
    accounts: number;
    resources: number;
    programMs: number;
    /** Policy evaluation alone: every Analyze call, then AnalyzeStack. */
    policyMs: number;
    analyzeMs: number;
    analyzeStackMs: number;
    /** The same evaluation by a pack whose policies do nothing. */
    policyFloorMs: number;
    /** The plan's total time, phases one after the other and analyzing during the program. */
    sequentialTotalMs: number;
    streamedTotalMs: number;
    floorMs: number;
    peakRssMb: number;
    floorPeakRssMb: number;
    /**
     * CPU time (user and system, milliseconds), which other work on a shared machine disturbs
     * less than wall time: the program's process and the floor's (start-up included), and the
     * policy pack's process (its start included) with the real policies and with the no-op ones.
     */
    programCpuMs: number;
    floorCpuMs: number;
    policyCpuMs: number;
    policyFloorCpuMs: number;
}

const STACK = "bench";

/** Shipped multi-account stack config: the template the generated stacks grow from. */
function templateConfig(): Record<string, unknown> {
    const file = path.join(REPO_ROOT, "Pulumi.prod.yaml");
    const doc = YAML.parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
    if (!doc.config || typeof doc.config["landing-zone:accounts"] !== "object") {
        throw new Error(`${file} has no landing-zone:accounts to grow a benchmark stack from`);
    }
    return doc.config;
}

const ACCOUNTS_PER_OU = 10;

/**
 * A multi-account stack config with `accounts` member accounts: the shipped prod accounts plus
 * generated non-production accounts, ten per generated OU under the sandbox OU, the ten hosting
 * one environment of their own (so each account gets the teams' roles, guardrails and a budget);
 * one extra developer per ten accounts.
 */
export function generateStackConfig(accounts: number): Record<string, unknown> {
    const config = structuredClone(templateConfig());
    const baseAccounts = config["landing-zone:accounts"] as Record<string, Record<string, unknown>>;
    const ous = (config["landing-zone:organizationalUnits"] ?? {}) as Record<string, Record<string, unknown>>;
    const baseKeys = Object.keys(baseAccounts);
    if (accounts < baseKeys.length) {
        throw new Error(`the smallest benchmark stack has the ${baseKeys.length} accounts of Pulumi.prod.yaml`);
    }
    const parentOu = "sandbox" in ous ? "sandbox" : undefined;
    const owner =
        Object.values(baseAccounts)
            .map((a) => a.owner)
            .find((o) => typeof o === "string") ?? "platform-team@example.com";
    const extra = accounts - baseKeys.length;
    const width = String(accounts).length;
    const environments = structuredClone((config["landing-zone:environments"] as { name: string; production?: boolean }[] | undefined) ?? DEFAULT_ENVIRONMENTS);
    for (let i = 0; i < extra; i++) {
        const n = String(i + 1).padStart(width, "0");
        const ouIndex = Math.floor(i / ACCOUNTS_PER_OU) + 1;
        const ouKey = `bench-${String(ouIndex).padStart(width, "0")}`;
        if (!ous[ouKey]) {
            ous[ouKey] = { name: `Bench${String(ouIndex).padStart(width, "0")}`, environmentClass: "non-production", ...(parentOu ? { parent: parentOu } : {}) };
        }
        // One environment per generated OU: the environment count stays realistic (the tag
        // policy that lists the environment values has a size limit) while every account gets
        // its environment's roles, budget and guardrails.
        const env = `sbx-${String(ouIndex).padStart(width, "0")}`;
        if (!environments.some((e) => e.name === env)) environments.push({ name: env, production: false });
        baseAccounts[`bench-${n}`] = {
            name: `app1-bench-${n}`,
            email: `aws+app1-bench-${n}@example.com`,
            ou: ouKey,
            environments: [env],
            owner,
        };
    }
    config["landing-zone:environments"] = environments;
    config["landing-zone:organizationalUnits"] = ous;
    const users = (config["landing-zone:users"] ?? {}) as Record<string, unknown>;
    for (let i = 0; i < Math.floor(accounts / 10); i++) {
        users[`bench-dev-${String(i + 1).padStart(width, "0")}`] = { teams: ["developers"] };
    }
    if (config["landing-zone:users"] !== undefined || Object.keys(users).length) config["landing-zone:users"] = users;
    return config;
}

/**
 * The prod policy config, with the generated environments added wherever a policy lists the
 * stack's environments (so the generated stack is judged like the shipped one).
 */
export function benchPolicyConfig(stackConfig: Record<string, unknown>): Record<string, unknown> {
    const file = path.join(REPO_ROOT, "policypack", "config", "prod.json");
    const config = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    const envs = ((stackConfig["landing-zone:environments"] as { name: string }[] | undefined) ?? []).map((e) => e.name);
    for (const value of Object.values(config)) {
        if (value && typeof value === "object" && Array.isArray((value as { environments?: unknown }).environments)) {
            const listed = (value as { environments: string[] }).environments;
            for (const e of envs) if (!listed.includes(e)) listed.push(e);
        }
    }
    return config;
}

/** A project directory running this repository's program on a generated stack. */
export function writeLandingZoneProject(dir: string, accounts: number): Record<string, unknown> {
    const project = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
    const main = path.resolve(REPO_ROOT, typeof project.main === "string" ? project.main : ".");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), YAML.stringify({ ...project, main }));
    const config = generateStackConfig(accounts);
    fs.writeFileSync(path.join(dir, `Pulumi.${STACK}.yaml`), YAML.stringify({ config }));
    fs.copyFileSync(path.join(REPO_ROOT, "tsconfig.json"), path.join(dir, "tsconfig.json"));
    return config;
}

/**
 * The floor: the same number of plain @pulumi/aws resources, of the same types as the plan's
 * (one aws.iam.Group for each component, which is no AWS resource), registered flat with
 * literal inputs: no components, no config, no outputs passed between resources. What the
 * program takes beyond it is its own cost (planning, components, outputs between resources).
 */
export function writeSameTypesFloorProject(dir: string, types: string[]): void {
    const counts = new Map<string, number>();
    for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: bench-floor\nruntime: nodejs\n");
    fs.writeFileSync(path.join(dir, "types.json"), JSON.stringify([...counts]));
    fs.writeFileSync(
        path.join(dir, "index.ts"),
        [
            'import * as aws from "@pulumi/aws";',
            'const counts: [string, number][] = require("./types.json");',
            "// aws:<module>/<member>:<Class> -> aws.<module>.<Class>; pulumi:providers:aws -> aws.Provider",
            "function resourceClass(type: string): any {",
            '    if (type === "pulumi:providers:aws") return aws.Provider;',
            "    const [, mod, cls] = /^aws:([^/]+)\\/[^:]+:(.+)$/.exec(type) ?? [];",
            '    const c = mod === "index" ? (aws as any)[cls] : (aws as any)[mod]?.[cls];',
            "    return c ?? aws.iam.Group;",
            "}",
            "// Inputs: a name and the type's required properties, as literal strings. A constructor",
            "// names a missing required property before it registers anything, so the first resource",
            "// of a type learns them.",
            "let i = 0;",
            "for (const [type, n] of counts) {",
            "    const C = resourceClass(type);",
            '    const required: string[] = ["name"];',
            "    const inputs = () => Object.fromEntries(required.map((k) => [k, `r-${i}`]));",
            "    for (let k = 0; k < n; k++, i++) {",
            "        for (;;) {",
            "            try { new C(`r-${i}`, inputs()); break; } catch (e) {",
            "                const m = /Missing required property '([^']+)'/.exec(String(e));",
            "                if (!m || required.includes(m[1])) throw e;",
            "                required.push(m[1]);",
            "            }",
            "        }",
            "    }",
            "}",
            "",
        ].join("\n"),
    );
}

/** The floor: `count` plain resources, no components, no config, no computation. */
export function writeFloorProject(dir: string, count: number): void {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: bench-floor\nruntime: nodejs\n");
    fs.writeFileSync(
        path.join(dir, "index.ts"),
        ['import * as aws from "@pulumi/aws";', `for (let i = 0; i < ${count}; i++) {`, '    new aws.iam.Group(`group-${i}`, { name: `group-${i}`, path: "/bench/" });', "}", ""].join("\n"),
    );
}

/**
 * The policy floor: a pack with this repository's policies (same names, levels, config schemas
 * and resource-type filters) whose validations do nothing. Evaluating it costs what
 * @pulumi/policy's server and the analyzer protocol cost before any policy code runs.
 */
export function writeNoopPolicyPack(dir: string): void {
    const policyLib = require.resolve("@pulumi/policy", { paths: [path.join(REPO_ROOT, "policypack")] });
    const policies = path.join(REPO_ROOT, "policypack", "policies");
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "noop-policypack", version: "0.1.0", private: true, main: "index.js" }, null, 2));
    // The policies are TypeScript, compiled on load with this repository's compiler options.
    const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "tsconfig.json"), "utf8")) as { compilerOptions: unknown };
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions }, null, 2));
    fs.writeFileSync(
        path.join(dir, "index.js"),
        [
            `const { PolicyPack } = require(${JSON.stringify(policyLib)});`,
            `const { policies } = require(${JSON.stringify(policies)});`,
            "const noop = () => undefined;",
            'new PolicyPack("aws-landing-zone-guardrails", {',
            "    policies: policies.map((p) => {",
            "        if (!p.validateResource) return { ...p, validateStack: noop };",
            "        // Keep the type a validation is restricted to: the server skips other types before deserializing.",
            "        const type = Array.isArray(p.validateResource) ? undefined : p.validateResource.__pulumiType;",
            "        return { ...p, validateResource: type ? Object.assign(() => undefined, { __pulumiType: type }) : noop };",
            "    }),",
            "});",
            "",
        ].join("\n"),
    );
}

function check(r: PlanResult, what: string): void {
    if (r.error) {
        throw new Error(`${what}: ${r.error.kind} error: ${r.error.message}`);
    }
}

/** Generous: the benchmark measures, it does not enforce the plan's default time limits. */
const BENCH_TIMEOUT_MS = 30 * 60_000;

export async function benchOne(accounts: number, keep = false): Promise<BenchRow & { groupsFloorMs: number; mandatory: number; advisory: number; mandatoryPolicies: string[]; dir: string }> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `lz-bench-${accounts}-`));
    try {
        const lz = path.join(root, "landing-zone");
        fs.mkdirSync(lz);
        const stackConfig = writeLandingZoneProject(lz, accounts);
        const policyConfig = benchPolicyConfig(stackConfig);
        const plan = await runPlan({ dir: lz, stack: STACK, policyPackDir: path.join(REPO_ROOT, "policypack"), policyConfig, phasesInTurn: true, timeoutMs: BENCH_TIMEOUT_MS });
        check(plan, `landing zone with ${accounts} accounts`);
        const streamed = await runPlan({ dir: lz, stack: STACK, policyPackDir: path.join(REPO_ROOT, "policypack"), policyConfig, timeoutMs: BENCH_TIMEOUT_MS });
        check(streamed, `landing zone with ${accounts} accounts, analyzed during the program`);
        const noopDir = path.join(root, "noop-policypack");
        fs.mkdirSync(noopDir);
        writeNoopPolicyPack(noopDir);
        const policyFloor = await runPlan({ dir: lz, stack: STACK, policyPackDir: noopDir, policyConfig, phasesInTurn: true, timeoutMs: BENCH_TIMEOUT_MS });
        check(policyFloor, `landing zone with ${accounts} accounts and the no-op policy pack`);
        // Same number of resources as the plan: the floor's stack resource plus plain resources,
        // of the plan's types (the floor the targets are judged against), and, for scale, of
        // one cheap type (aws.iam.Group, few outputs).
        const types = plan.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => (r.custom ? r.type : "aws:iam/group:Group"));
        const floorDir = path.join(root, "floor");
        fs.mkdirSync(floorDir);
        writeSameTypesFloorProject(floorDir, types);
        const floor = await runPlan({ dir: floorDir, stack: STACK, policyPackDir: null, timeoutMs: BENCH_TIMEOUT_MS });
        check(floor, `floor with ${plan.resources.length} resources`);
        const groupsDir = path.join(root, "floor-groups");
        fs.mkdirSync(groupsDir);
        writeFloorProject(groupsDir, types.length);
        const groups = await runPlan({ dir: groupsDir, stack: STACK, policyPackDir: null, timeoutMs: BENCH_TIMEOUT_MS });
        check(groups, `group floor with ${plan.resources.length} resources`);
        return {
            groupsFloorMs: Math.round(groups.timings.programMs),
            accounts,
            resources: plan.resources.length,
            programMs: Math.round(plan.timings.programMs),
            policyMs: Math.round(plan.timings.policyMs),
            analyzeMs: Math.round(plan.timings.analyzeMs),
            analyzeStackMs: Math.round(plan.timings.analyzeStackMs),
            policyFloorMs: Math.round(policyFloor.timings.policyMs),
            sequentialTotalMs: Math.round(plan.timings.totalMs),
            streamedTotalMs: Math.round(streamed.timings.totalMs),
            floorMs: Math.round(floor.timings.programMs),
            peakRssMb: Math.round(plan.peakRssMb),
            floorPeakRssMb: Math.round(floor.peakRssMb),
            programCpuMs: Math.round(plan.timings.programCpuMs ?? 0),
            floorCpuMs: Math.round(floor.timings.programCpuMs ?? 0),
            policyCpuMs: Math.round(plan.timings.policyCpuMs ?? 0),
            policyFloorCpuMs: Math.round(policyFloor.timings.policyCpuMs ?? 0),
            mandatory: plan.summary.mandatory,
            advisory: plan.summary.advisory,
            mandatoryPolicies: [...new Set(plan.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy))],
            dir: root,
        };
    } finally {
        if (!keep) fs.rmSync(root, { recursive: true, force: true });
    }
}

// ---------------------------------------------------------------------------------------------
// Start-up

export interface StartupRow {
    /** The plan of the shipped prod stack, with its policy pack, as `npm run plan -- --stack prod` runs it. */
    prodPlanMs: number;
    /** The same with nothing transpiled yet (a fresh checkout): PLAN_TRANSPILE_CACHE=off. */
    prodPlanColdMs: number;
    /** A one-resource project with the same policy pack: what every plan pays. */
    trivialPlanMs: number;
    /** A Node.js process that loads @pulumi/pulumi and @pulumi/aws once, and nothing else. */
    floorMs: number;
}

/** A one-resource Pulumi project: the fixed cost of a plan. */
export function writeTrivialProject(dir: string): void {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: trivial\nruntime: nodejs\n");
    fs.writeFileSync(path.join(dir, "index.ts"), 'import * as aws from "@pulumi/aws";\n\nnew aws.iam.Group("readers", { name: "readers" });\n');
}

/** Wall time of a child process from its start to its exit. */
function timeProcess(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
    return new Promise((resolve, reject) => {
        const t0 = performance.now();
        const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => {
            // Exit 0 or 1 (a mandatory violation) is a plan; 2 is a failure.
            if (code !== 0 && code !== 1) reject(new Error(`${args.join(" ")} exited with ${code}: ${stderr.slice(-2000)}`));
            else resolve(performance.now() - t0);
        });
    });
}

const PLAN_CLI = ["-r", path.join(REPO_ROOT, "tools", "lib", "register.js"), path.join(REPO_ROOT, "tools", "plan", "cli.ts")];

/**
 * One start-up sample: the floor, the trivial plan and the prod plan, one after the other (so
 * that each sees the machine as the others did), and a prod plan with no transpile cache.
 */
export async function benchStartupOnce(trivialDir: string): Promise<StartupRow> {
    const env = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith("TS_NODE_") || k.startsWith("PLAN_")) delete env[k];
    const floorMs = await timeProcess(["-e", "require('@pulumi/pulumi'); require('@pulumi/aws')"], env);
    const trivialPlanMs = await timeProcess([...PLAN_CLI, "--stack", "dev", "--dir", trivialDir, "--policy-pack", path.join(REPO_ROOT, "policypack")], env);
    const prodPlanMs = await timeProcess([...PLAN_CLI, "--stack", "prod"], env);
    const prodPlanColdMs = await timeProcess([...PLAN_CLI, "--stack", "prod"], { ...env, PLAN_TRANSPILE_CACHE: "off" });
    return { prodPlanMs: Math.round(prodPlanMs), prodPlanColdMs: Math.round(prodPlanColdMs), trivialPlanMs: Math.round(trivialPlanMs), floorMs: Math.round(floorMs) };
}

/** Medians of `runs` samples (after one warm-up that fills the transpile cache), and the spread. */
export async function benchStartup(runs: number, log: (line: string) => void = () => undefined): Promise<{ median: StartupRow; samples: StartupRow[] }> {
    const t = fs.mkdtempSync(path.join(os.tmpdir(), "lz-bench-startup-"));
    try {
        writeTrivialProject(t);
        await benchStartupOnce(t); // warm-up: the transpile cache and the OS's file cache
        const samples: StartupRow[] = [];
        for (let i = 0; i < runs; i++) {
            const s = await benchStartupOnce(t);
            log(
                `  start-up run ${i + 1} of ${runs}: prod plan ${s.prodPlanMs} ms (${ratio(s.prodPlanMs, s.floorMs)} the floor), trivial ${s.trivialPlanMs} ms, floor ${s.floorMs} ms, prod with no transpile cache ${s.prodPlanColdMs} ms`,
            );
            samples.push(s);
        }
        return { median: medianOf(samples), samples };
    } finally {
        fs.rmSync(t, { recursive: true, force: true });
    }
}

function startupTable(r: StartupRow): string {
    return render(
        ["startup", "prod plan ms", "trivial plan ms", "floor ms", "prod/floor", "trivial/floor", "prod plan ms, no transpile cache"],
        [["startup", String(r.prodPlanMs), String(r.trivialPlanMs), String(r.floorMs), ratio(r.prodPlanMs, r.floorMs), ratio(r.trivialPlanMs, r.floorMs), String(r.prodPlanColdMs)]],
    );
}

/** Relative spread of a figure over the samples: (max - min) / median. */
export function spread(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    const mid = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
    return mid > 0 ? (s[s.length - 1]! - s[0]!) / mid : 0;
}

type Row = BenchRow & { groupsFloorMs: number };

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

function render(head: string[], body: string[][]): string {
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join("  ");
    return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

/** The phases against their targets. */
function table(rows: Row[]): string {
    return render(
        ["accounts", "resources", "program ms", "floor ms", "program/floor", "policy ms", "policy floor ms", "policy/floor", "peak RSS MB", "floor RSS MB"],
        rows.map((r) => [
            String(r.accounts),
            String(r.resources),
            String(r.programMs),
            String(r.floorMs),
            ratio(r.programMs, r.floorMs),
            String(r.policyMs),
            String(r.policyFloorMs),
            ratio(r.policyMs, r.policyFloorMs),
            String(r.peakRssMb),
            String(r.floorPeakRssMb),
        ]),
    );
}

/** The same comparisons in CPU time. */
function cpuTable(rows: Row[]): string {
    return render(
        ["accounts", "program CPU ms", "floor CPU ms", "program/floor", "policy CPU ms", "policy floor CPU ms", "policy/floor"],
        rows.map((r) => [
            String(r.accounts),
            String(r.programCpuMs),
            String(r.floorCpuMs),
            ratio(r.programCpuMs, r.floorCpuMs),
            String(r.policyCpuMs),
            String(r.policyFloorCpuMs),
            ratio(r.policyCpuMs, r.policyFloorCpuMs),
        ]),
    );
}

/** Where the time goes, and the plan as users run it. */
function detail(rows: Row[]): string {
    return render(
        ["accounts", "group floor ms", "Analyze ms", "AnalyzeStack ms", "total ms, phases in turn", "total ms, Analyze during program"],
        rows.map((r) => [String(r.accounts), String(r.groupsFloorMs), String(r.analyzeMs), String(r.analyzeStackMs), String(r.sequentialTotalMs), String(r.streamedTotalMs)]),
    );
}

/** Each numeric figure's median over the samples (timings on a shared machine vary by 10-30% per run). */
export function medianOf<T extends object>(runs: T[]): T {
    const median = (xs: number[]) => {
        const s = [...xs].sort((a, b) => a - b);
        const mid = Math.floor(s.length / 2);
        return s.length % 2 ? s[mid]! : Math.round((s[mid - 1]! + s[mid]!) / 2);
    };
    const first = runs[0]!;
    const out = { ...first } as Record<string, unknown>;
    for (const k of Object.keys(first)) out[k] = median(runs.map((r) => (r as Record<string, number>)[k]!));
    return out as T;
}

/** Each figure's median over the runs. */
export function medianRow(runs: Row[]): Row {
    return medianOf(runs);
}

async function main(argv: string[]): Promise<void> {
    let sizes = [10, 100, 1000];
    let json: string | undefined;
    let keep = false;
    let runs = 3;
    let startupRuns = 5;
    let only: "startup" | "sizes" | undefined;
    const usage = "usage: npm run bench -- [--sizes 10,100,1000] [--runs 3] [--startup-runs 5] [--only startup|sizes] [--json <file>] [--keep]";
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i]!;
        if (a === "--sizes") sizes = (argv[++i] ?? "").split(",").map((s) => Number(s.trim()));
        else if (a === "--runs") runs = Number(argv[++i]);
        else if (a === "--startup-runs") startupRuns = Number(argv[++i]);
        else if (a === "--only") {
            const o = argv[++i];
            if (o !== "startup" && o !== "sizes") throw new Error(`--only takes startup or sizes; ${usage}`);
            only = o;
        } else if (a === "--json") json = path.resolve(argv[++i] ?? "");
        else if (a === "--keep") keep = true;
        else throw new Error(`unknown argument '${a}'; ${usage}`);
    }
    if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error("--sizes takes positive whole numbers, e.g. 10,100,1000");
    if (!Number.isInteger(runs) || runs <= 0) throw new Error("--runs takes a positive whole number, e.g. 3");
    if (!Number.isInteger(startupRuns) || startupRuns <= 0) throw new Error("--startup-runs takes a positive whole number, e.g. 5");
    let startup: { median: StartupRow; samples: StartupRow[] } | undefined;
    if (only !== "sizes") {
        process.stderr.write(`start-up: ${startupRuns} runs after a warm-up...\n`);
        startup = await benchStartup(startupRuns, (l) => process.stderr.write(`${l}\n`));
        const m = startup.median;
        const spreadOf = (k: keyof StartupRow) => `${(100 * spread(startup!.samples.map((s) => s[k]))).toFixed(0)}%`;
        process.stdout.write(`medians of ${startupRuns} runs (spread, max-min over median: prod ${spreadOf("prodPlanMs")}, floor ${spreadOf("floorMs")})\n${startupTable(m)}\n`);
        process.stdout.write(`target: the prod stack's plan within 2.5x the floor: ${m.prodPlanMs <= 2.5 * m.floorMs ? "met" : "missed"} (${ratio(m.prodPlanMs, m.floorMs)})\n\n`);
    }
    const rows: Row[] = [];
    for (const n of only === "startup" ? [] : sizes) {
        const perRun: Row[] = [];
        for (let run = 1; run <= runs; run++) {
            process.stderr.write(`planning ${n} accounts${runs > 1 ? ` (run ${run} of ${runs})` : ""}...\n`);
            const { mandatory, advisory, mandatoryPolicies, dir, ...row } = await benchOne(n, keep);
            if (keep) process.stderr.write(`  kept ${dir}\n`);
            process.stderr.write(
                `  ${row.resources} resources, ${mandatory} mandatory${mandatory ? ` (${mandatoryPolicies.join(", ")})` : ""} and ${advisory} advisory violations; program/floor ${ratio(row.programMs, row.floorMs)}, policy/floor ${ratio(row.policyMs, row.policyFloorMs)}\n`,
            );
            perRun.push(row);
        }
        rows.push(medianRow(perRun));
    }
    if (rows.length) {
        if (runs > 1) process.stdout.write(`medians of ${runs} runs per size\n`);
        process.stdout.write(`${table(rows)}\n\n${detail(rows)}\n\nCPU time\n${cpuTable(rows)}\n`);
    }
    const big = rows.find((r) => r.accounts === 1000);
    if (big) {
        process.stdout.write(
            `targets at 1,000 accounts: program within 1.25x the floor: ${big.programMs <= 1.25 * big.floorMs ? "met" : "missed"} (CPU: ${big.programCpuMs <= 1.25 * big.floorCpuMs ? "met" : "missed"}); ` +
                `policy evaluation within 1.25x the policy floor: ${big.policyMs <= 1.25 * big.policyFloorMs ? "met" : "missed"} (CPU: ${big.policyCpuMs <= 1.25 * big.policyFloorCpuMs ? "met" : "missed"})\n`,
        );
    }
    if (json) {
        // The start-up medians and samples, and one object per size, with the documented keys.
        const sizesOut: BenchRow[] = rows.map(({ groupsFloorMs: _, ...row }) => row);
        fs.writeFileSync(json, JSON.stringify({ ...(startup ? { startup } : {}), sizes: sizesOut }, null, 2) + "\n");
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((e: unknown) => {
        process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 2;
    });
}
