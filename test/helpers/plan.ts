/**
 * The test suite's plans: tools/plan's runPlan, in this process, against one policy pack
 * process shared by the test run (started on first use, stopped by test/helpers/hooks.ts; in
 * parallel mode, one per worker).
 *
 * A plan in a child process and a pack process each cost seconds on a small machine; tests plan
 * hundreds of programs. Plan through `runPlanHere()` unless the test is about the process itself
 * (a time limit, a program that ends its process, the CLI): those ask for `inProcess: false`, or
 * give a `timeoutMs`, which only a child process can enforce.
 */
import * as path from "path";
import { PolicyPackClient } from "../../tools/lib/analyzer";
import { REPO_ROOT } from "../../tools/plan/paths";
import { runPlan, type PlanOptions, type PlanResult } from "../../tools/plan/run";

export const ROOT = REPO_ROOT;
export const PACK_DIR = path.join(REPO_ROOT, "policypack");

/** In the unit tier (test/helpers/unit.ts) nothing plans, runs a program or starts the pack: the test fails at once, saying so. */
export function refuseInUnitTier(what: string): void {
    if (process.env.LANDING_ZONE_TEST_TIER === "unit") throw new Error(`a unit test ${what}: list its file under "ignore" in .mocharc.unit.json, so that it runs in npm test only`);
}

let pack: Promise<PolicyPackClient> | undefined;

/** This repository's policy pack, one process for the whole test run. */
export function sharedPack(): Promise<PolicyPackClient> {
    refuseInUnitTier("starts the policy pack");
    if (!pack) {
        pack = PolicyPackClient.start(PACK_DIR);
        // However this process ends, the pack's process does not outlive it.
        pack.then((client) => process.once("exit", () => client.kill())).catch(() => undefined);
    }
    return pack;
}

/** Stops the shared pack (the root hook does, after the last test). */
export async function stopSharedPack(): Promise<void> {
    const p = pack;
    pack = undefined;
    if (p) await (await p.catch(() => undefined))?.close();
}

/** Plans on the shared pack take turns: it holds one stack's configuration at a time. */
let turn: Promise<unknown> = Promise.resolve();

function usesSharedPack(opts: PlanOptions): boolean {
    return opts.policyPack === undefined && opts.policyPackDir !== null && (opts.policyPackDir === undefined || path.resolve(opts.policyPackDir) === PACK_DIR);
}

/**
 * runPlan for tests: the program in this process unless asked otherwise (or given a time
 * limit), this repository's pack through the shared process. What the plan reports is the same
 * as `npm run plan` reports (test/plan/shipped.test.ts compares the two). Programs in this process
 * run one at a time (tools/plan/program.ts); plans with a pack of their own and a child process
 * run side by side.
 */
export function runPlanHere(opts: PlanOptions): Promise<PlanResult> {
    refuseInUnitTier("plans a program");
    const inProcess = opts.inProcess ?? opts.timeoutMs === undefined;
    if (!usesSharedPack(opts)) return runPlan({ ...opts, inProcess });
    const run = turn.then(async () => runPlan({ ...opts, inProcess, policyPack: await sharedPack() }));
    turn = run.catch(() => undefined);
    return run;
}

/**
 * The shared pack for a block of tests that drive it themselves (configure, analyze): plans
 * wait until `release`. Do not plan (runPlanHere) before releasing it.
 */
export async function holdSharedPack(): Promise<{ client: PolicyPackClient; release: () => void }> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const before = turn;
    turn = before.then(() => held);
    await before;
    return { client: await sharedPack(), release };
}

const shipped = new Map<string, Promise<PlanResult>>();

/**
 * The plan of a shipped stack (Pulumi.<stack>.yaml) with the real pack and its config, made
 * once per test run and shared: do not change the result.
 */
export function shippedPlan(stack: string): Promise<PlanResult> {
    let p = shipped.get(stack);
    if (!p) {
        p = runPlanHere({ dir: ROOT, stack });
        shipped.set(stack, p);
    }
    return p;
}
