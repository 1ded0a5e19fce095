// Preloaded into a policy pack's process by the analyzer client (`-r pack-hook.ts`, see
// analyzer.ts). It records which policy is evaluating which resource, so that the plan can name
// them when a policy never returns (a loop, a promise that never settles) or the pack dies:
//
// - each policy's validateResource / validateStack is wrapped (its resource-type filter kept)
//   to note the policy and the resource in a slot of shared memory while it runs;
// - a watchdog thread, which runs even while a policy blocks the pack's own thread, writes a
//   line to stderr for every evaluation that has lasted longer than PLAN_POLICY_TIMEOUT_MS;
// - when the process exits (a policy calling process.exit), the evaluations under way are
//   written to stderr as well.
//
// Lines start with POLICY_MARKER and carry JSON (pack-report.ts). Nothing else changes: the
// pack's server calls the same policy code with the same arguments.
import * as fs from "fs";
import Module = require("module");
import { Worker } from "worker_threads";
import { POLICY_MARKER, type Evaluating } from "./pack-report";

const SLOTS = 32;
const URN_BYTES = 2048;

class Slots {
    private readonly policy: Int32Array;
    private readonly started: Float64Array;
    private readonly urnLength: Int32Array;
    private readonly urns: Uint8Array;
    private readonly encoder = new TextEncoder();

    constructor(readonly buffer: SharedArrayBuffer) {
        this.started = new Float64Array(buffer, 0, SLOTS);
        this.policy = new Int32Array(buffer, SLOTS * 8, SLOTS);
        this.urnLength = new Int32Array(buffer, SLOTS * 12, SLOTS);
        this.urns = new Uint8Array(buffer, SLOTS * 16, SLOTS * URN_BYTES);
    }

    static create(): Slots {
        return new Slots(new SharedArrayBuffer(SLOTS * 16 + SLOTS * URN_BYTES));
    }

    /** Notes an evaluation; returns its slot, or -1 when every slot is taken. */
    begin(policyIndex: number, urn: string): number {
        for (let i = 0; i < SLOTS; i++) {
            if (Atomics.load(this.policy, i) !== 0) continue;
            const { written } = this.encoder.encodeInto(urn, this.urns.subarray(i * URN_BYTES, (i + 1) * URN_BYTES));
            this.urnLength[i] = written;
            this.started[i] = Date.now();
            Atomics.store(this.policy, i, policyIndex + 1);
            return i;
        }
        return -1;
    }

    end(slot: number): void {
        if (slot >= 0) Atomics.store(this.policy, slot, 0);
    }

    /** Evaluations under way, longest first. */
    busy(names: string[], now = Date.now()): (Evaluating & { slot: number; started: number })[] {
        const out: (Evaluating & { slot: number; started: number })[] = [];
        for (let i = 0; i < SLOTS; i++) {
            const p = Atomics.load(this.policy, i);
            if (p === 0) continue;
            const urn = Buffer.from(this.urns.subarray(i * URN_BYTES, i * URN_BYTES + this.urnLength[i]!)).toString("utf8");
            out.push({ slot: i, started: this.started[i]!, policy: names[p - 1] ?? `#${p - 1}`, urn, ms: now - this.started[i]! });
        }
        return out.sort((a, b) => b.ms - a.ms);
    }
}

function report(e: Evaluating): void {
    try {
        fs.writeSync(2, `\n${POLICY_MARKER}${JSON.stringify(e)}\n`);
    } catch {
        // stderr closed
    }
}

function startWatchdog(slots: Slots, names: string[], limitMs: number): void {
    // The worker gets this module's compiled code through its own require: the slot layout is
    // defined once. It is started with the same preload (-r) options as the pack's thread.
    const worker = new Worker(`require(${JSON.stringify(__filename)}).watch(require("worker_threads").workerData)`, {
        eval: true,
        workerData: { buffer: slots.buffer, names, limitMs },
    });
    worker.unref();
    worker.on("error", () => undefined);
}

/** Runs in the watchdog thread: reports each evaluation once it has lasted `limitMs`. */
export function watch(data: { buffer: SharedArrayBuffer; names: string[]; limitMs: number }): void {
    const slots = new Slots(data.buffer);
    const reported = new Set<string>();
    setInterval(
        () => {
            for (const e of slots.busy(data.names)) {
                const key = `${e.slot}:${e.started}`;
                if (e.ms >= data.limitMs && !reported.has(key)) {
                    reported.add(key);
                    report({ policy: e.policy, urn: e.urn, ms: e.ms });
                }
            }
        },
        Math.max(50, Math.min(250, data.limitMs / 4)),
    );
}

type Fn = ((args: { urn?: string }, report: unknown) => unknown) & { __pulumiType?: string };

interface PolicyLike {
    name: string;
    validateResource?: Fn | Fn[];
    validateStack?: Fn;
}

function instrument(policies: PolicyLike[]): PolicyLike[] {
    const slots = Slots.create();
    const names = policies.map((p) => p.name);
    const limitMs = Number(process.env.PLAN_POLICY_TIMEOUT_MS);
    let watching = false;
    process.on("exit", () => {
        for (const e of slots.busy(names)) report({ policy: e.policy, urn: e.urn, ms: e.ms });
    });
    const wrap = (fn: Fn, index: number, stack: boolean): Fn => {
        const wrapped: Fn = function (this: unknown, args, reportViolation) {
            if (!watching && limitMs > 0) {
                watching = true;
                startWatchdog(slots, names, limitMs);
            }
            const slot = slots.begin(index, stack ? "(stack)" : String(args?.urn ?? ""));
            let result: unknown;
            try {
                result = fn.call(this, args, reportViolation);
            } catch (e) {
                slots.end(slot);
                throw e;
            }
            if (result && typeof (result as Promise<unknown>).then === "function") {
                return Promise.resolve(result).finally(() => slots.end(slot));
            }
            slots.end(slot);
            return result;
        };
        if (fn.__pulumiType !== undefined) wrapped.__pulumiType = fn.__pulumiType;
        return wrapped;
    };
    return policies.map((p, i) => ({
        ...p,
        ...(p.validateResource ? { validateResource: Array.isArray(p.validateResource) ? p.validateResource.map((f) => wrap(f, i, false)) : wrap(p.validateResource, i, false) } : {}),
        ...(p.validateStack ? { validateStack: wrap(p.validateStack, i, true) } : {}),
    }));
}

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;

/** Wraps @pulumi/policy's PolicyPack when the pack loads it, so its policies are instrumented. */
function hookPolicyPack(): void {
    const mod = Module as unknown as { _load: Load };
    const load = mod._load;
    let done = false;
    mod._load = function (this: unknown, request, parent, isMain) {
        const exported = load.call(this, request, parent, isMain) as Record<string, unknown> | undefined;
        if (!done && exported && typeof exported.PolicyPack === "function" && typeof exported.validateResourceOfType === "function") {
            done = true;
            const Original = exported.PolicyPack as new (name: string, args: { policies: PolicyLike[] }, initialConfig?: unknown) => object;
            exported.PolicyPack = class PolicyPack extends Original {
                constructor(name: string, args: { policies: PolicyLike[] }, initialConfig?: unknown) {
                    super(name, { ...args, policies: instrument(args.policies) }, initialConfig);
                }
            };
        }
        return exported;
    };
}

// Only where the analyzer client preloaded it, not in the watchdog thread that requires it.
if (require("worker_threads").isMainThread) hookPolicyPack();
