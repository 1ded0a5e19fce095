// Policy evaluation as the engine does it during a preview: each resource goes to the policy
// pack (Analyze) as soon as the program registers it, while the program goes on; AnalyzeStack
// follows once the program has finished, with every resource.
import { performance } from "perf_hooks";
import type { PolicyPackClient, AnalyzerResource, EncodedResource, Violation } from "./analyzer-client";

export interface EvaluationTimings {
    /** Wall time from the first Analyze call to the last answer (mostly during the program). */
    analyzeMs: number;
    /** The AnalyzeStack call. */
    analyzeStackMs: number;
}

/**
 * Queues resources until the pack is ready (it starts alongside the program), then keeps up to
 * `concurrency` Analyze calls in flight. The first failed call stops further calls; `finish`
 * reports it. Violations come back in registration order, then the stack-level ones.
 */
export class StreamingEvaluation {
    /** Plain until the pack is up (the encoding needs its protocol classes), then encoded. */
    private readonly resources: (AnalyzerResource | EncodedResource)[] = [];
    private encoded = 0;
    private readonly results: Violation[][] = [];
    private client?: PolicyPackClient;
    private next = 0;
    private inFlight = 0;
    private error?: Error;
    private waiters: (() => void)[] = [];
    private firstCallAt?: number;
    private lastAnswerAt?: number;
    readonly timings: EvaluationTimings = { analyzeMs: 0, analyzeStackMs: 0 };

    constructor(private readonly concurrency: number) {
        if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`analyze concurrency must be a positive whole number, not ${concurrency}`);
    }

    /** A resource, in registration order. */
    add(r: AnalyzerResource): void {
        this.resources.push(r);
        this.pump();
    }

    /** The pack is configured: start analyzing what has queued up. */
    attach(client: PolicyPackClient): void {
        this.client = client;
        this.pump();
    }

    /**
     * Encodes each resource once, as it arrives: the Analyze call and the final AnalyzeStack
     * both send the encoding, so AnalyzeStack, which waits for the program, has only to send.
     */
    private encodeQueued(client: PolicyPackClient): void {
        for (; this.encoded < this.resources.length; this.encoded++) {
            this.resources[this.encoded] = client.encode(this.resources[this.encoded] as AnalyzerResource);
        }
    }

    private pump(): void {
        const client = this.client;
        if (!client) return;
        this.encodeQueued(client);
        while (!this.error && this.inFlight < this.concurrency && this.next < this.resources.length) {
            const i = this.next++;
            this.inFlight++;
            this.firstCallAt ??= performance.now();
            client
                .analyze(this.resources[i]!)
                .then(
                    (v) => {
                        this.results[i] = v;
                    },
                    (e: Error) => {
                        this.error ??= e;
                    },
                )
                .finally(() => {
                    this.inFlight--;
                    this.lastAnswerAt = performance.now();
                    this.pump();
                    if (this.isDrained()) for (const w of this.waiters.splice(0)) w();
                });
        }
    }

    /** Nothing in flight, and nothing left to send (or a call failed, which stops the sending). */
    private isDrained(): boolean {
        return this.inFlight === 0 && (this.error !== undefined || this.next === this.resources.length);
    }

    private drained(): Promise<void> {
        if (this.isDrained()) return Promise.resolve();
        return new Promise((resolve) => this.waiters.push(resolve));
    }

    /** After the program: waits for the last Analyze answers, then calls AnalyzeStack. */
    async finish(): Promise<Violation[]> {
        const client = this.client;
        if (!client) throw new Error("the policy pack is not configured");
        this.pump();
        await this.drained();
        if (this.error) throw this.error;
        if (this.firstCallAt !== undefined && this.lastAnswerAt !== undefined) this.timings.analyzeMs = this.lastAnswerAt - this.firstCallAt;
        const t0 = performance.now();
        this.encodeQueued(client);
        const stackLevel = await client.analyzeStack(this.resources);
        this.timings.analyzeStackMs = performance.now() - t0;
        return [...this.results.flat(), ...stackLevel];
    }
}
