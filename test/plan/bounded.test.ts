// Failures that end, and say why: time limits on the program, the policy pack's start, each
// Analyze and AnalyzeStack; a pack that dies; a pack that does not compile; a program whose
// process ends without a result. Most of these cases wait for a time limit: they all start at
// once (before), each with processes of its own, and each test checks its own outcome.
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { parseDuration } from "../../tools/plan/cli";
import { runPlanHere } from "../helpers/plan";
import { ROOT, copyFixture, fixture, runCliHere, tempDir } from "./support";

describe("plan: bounded, explained failures", function () {
    this.timeout(180_000);

    const started = performance.now();
    const cases = {
        // Only a child process can be stopped, or end without a result.
        hangs: () => runPlanHere({ dir: fixture("hangs"), stack: "dev", policyPackDir: null, timeoutMs: 8000 }),
        timeoutFlag: () => runCliHere(["--stack", "dev", "--dir", fixture("hangs"), "--no-policy-pack", "--timeout", "6s"]),
        loops: () => runPlanHere({ dir: fixture("billing"), stack: "ci", policyPackDir: fixture("hanging-pack"), policyTimeoutMs: 6000 }),
        neverSettles: () => runPlanHere({ dir: fixture("billing"), stack: "ci", policyPackDir: fixture("hanging-pack"), policyTimeoutMs: 6000, policyConfig: { "loops-on-groups": "disabled" } }),
        slowStart: () => runPlanHere({ dir: fixture("bad-config"), stack: "good", policyPackDir: fixture("slow-start-pack"), policyTimeoutMs: 2000 }),
        dies: () => runPlanHere({ dir: fixture("billing"), stack: "ci", policyPackDir: fixture("dying-pack") }),
        killed: () => runPlanHere({ dir: fixture("billing"), stack: "ci", policyPackDir: fixture("dying-pack"), policyConfig: { "dies-on-groups": { how: "signal" } } }),
        stalls: () => runPlanHere({ dir: fixture("stalls"), stack: "dev", policyPackDir: null, inProcess: false }),
        packCopyTypeChecks: () => typeCheckPackCopy(),
    };
    const outcome: { [K in keyof typeof cases]?: ReturnType<(typeof cases)[K]> } = {};
    before(() => {
        // Four at a time, in the order above (the longest waits first): more would slow the
        // packs' starts on a small machine past the limits under test.
        const limit = pool(4);
        for (const [k, start] of Object.entries(cases)) {
            const p = limit(start as () => Promise<unknown>);
            p.catch(() => undefined);
            (outcome as Record<string, Promise<unknown>>)[k] = p;
        }
    });

    it("stops a policy that never returns on a resource (a loop), naming the policy and the resource", async () => {
        const r = await outcome.loops!;
        assert.strictEqual(r.exitCode, 2);
        assert.strictEqual(r.error?.kind, "policy-pack", r.error?.message);
        assert.match(
            r.error!.message,
            /policy 'loops-on-groups' did not finish evaluating aws:iam\/group:Group 'payments-admins' within 6 s; the policy pack was stopped \(raise the limit with --timeout\)/,
        );
        // Well before the default limit of two minutes.
        assert.ok(performance.now() - started < 60_000);
    });

    it("stops a stack policy that never settles (AnalyzeStack), naming the policy", async () => {
        const r = await outcome.neverSettles!;
        assert.strictEqual(r.error?.kind, "policy-pack", r.error?.message);
        assert.match(r.error!.message, /policy 'never-settles' did not finish evaluating the stack \(AnalyzeStack\) within 6 s/);
    });

    it("stops a policy pack that does not start in time", async () => {
        const r = await outcome.slowStart!;
        assert.strictEqual(r.error?.kind, "policy-pack", r.error?.message);
        assert.match(r.error!.message, /policy pack .*slow-start-pack did not start within 2 s \(it printed no port; it was stopped\)/);
    });

    it("reports a pack that dies mid-run with its exit code, its last words on stderr and the policy", async () => {
        const r = await outcome.dies!;
        assert.strictEqual(r.error?.kind, "policy-pack", r.error?.message);
        assert.match(r.error!.message, /the policy pack's process ended \(exit code 3\) while policy 'dies-on-groups' was evaluating aws:iam\/group:Group 'payments-admins'/);
        assert.match(r.error!.message, /the last lines of its stderr:\ndying-pack: out of memory while reading payments-admins/);
    });

    it("reports a pack killed by a signal", async () => {
        const r = await outcome.killed!;
        assert.strictEqual(r.error?.kind, "policy-pack", r.error?.message);
        assert.match(r.error!.message, /the policy pack's process ended \(signal SIGKILL\) while it was analyzing /);
    });

    it("stops a program that never finishes, naming the last resource it registered", async () => {
        const r = await outcome.hangs!;
        assert.strictEqual(r.error?.kind, "program", r.error?.message);
        assert.strictEqual(r.error!.message, "the program did not finish within 8 s; the last resource it registered was aws:iam:Group 'first' (2 registered) (raise the limit with --timeout)");
    });

    it("reports the first error of a program whose process ends without a result", async () => {
        const r = await outcome.stalls!;
        assert.strictEqual(r.error?.kind, "program", r.error?.message);
        assert.match(
            r.error!.message,
            /^the program's process ended without a result \(exit code \d+\); its first error: the offline plan has no answer for the function 'aws:ec2\/getInstance:getInstance'/,
        );
    });

    it("shows a TypeScript error of a pack outside this repository without --verbose", async () => {
        const t = tempDir("plan-ts-error-pack-");
        try {
            const pack = copyFixture("ts-error-pack", t.dir);
            const r = await runCliHere(["--stack", "good", "--dir", fixture("bad-config"), "--policy-pack", pack]);
            assert.strictEqual(r.status, 2, r.stdout + r.stderr);
            assert.match(
                r.stdout,
                /error \(policy-pack\): policy pack .*ts-error-pack failed to start \(exit code 1\):\nSyntaxError: cannot transpile TypeScript:\n.*index\.ts\(4,38\): error: Expected "\]" but found/,
            );
            assert.match(r.stdout, /const levels: string\[\] = \["advisory" "mandatory"\];/);
            assert.ok(!/\n\s+at /.test(r.stdout), "no stack frames");
        } finally {
            t.remove();
        }
    });

    it("takes --timeout as seconds or a duration", async () => {
        const r = await outcome.timeoutFlag!;
        assert.strictEqual(r.status, 2, r.stdout + r.stderr);
        assert.match(r.stdout, /error \(program\): the program did not finish within 6 s; the last resource it registered was aws:iam:Group 'first'/);
        assert.deepStrictEqual(["90", "90s", "1m30s", "500ms", "2h"].map(parseDuration), [90_000, 90_000, 90_000, 500, 7_200_000]);
        const bad = await runCliHere(["--stack", "dev", "--timeout", "soon"]);
        assert.strictEqual(bad.status, 2);
        assert.match(bad.stderr, /--timeout must be a duration such as 90, 90s, 5m or 1m30s, not 'soon'/);
    });

    it("type checks the policy pack with its own tsconfig.json, copied outside this repository", async () => {
        const tsc = await outcome.packCopyTypeChecks!;
        assert.strictEqual(tsc.status, 0, tsc.output);
    });
});

/**
 * The engine compiles a pack with the tsconfig.json found from the pack's directory: the pack
 * must not depend on this repository's. Type-checks a copy of it outside this repository.
 */
async function typeCheckPackCopy(): Promise<{ status: number | null; output: string }> {
    const t = tempDir("plan-pack-copy-");
    try {
        const copy = path.join(t.dir, "policypack");
        fs.cpSync(path.join(ROOT, "policypack"), copy, { recursive: true, filter: (src) => !src.includes("node_modules") });
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"));
        const child = spawn(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(copy, "tsconfig.json"), "--noEmit"]);
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d));
        child.stderr.on("data", (d: Buffer) => (output += d));
        const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
        return { status, output };
    } finally {
        t.remove();
    }
}

/** Runs at most n of the given tasks at once. */
function pool(n: number): <T>(task: () => Promise<T>) => Promise<T> {
    let active = 0;
    const waiting: (() => void)[] = [];
    return async (task) => {
        if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
        active++;
        try {
            return await task();
        } finally {
            active--;
            waiting.shift()?.();
        }
    };
}
