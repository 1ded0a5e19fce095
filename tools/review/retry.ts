/**
 * Throttling retries with exponential backoff and full jitter. The SDK clients are built with
 * `maxAttempts: 1`, so this is the only retry layer, and it sees every call (paginators included).
 */

export interface RetryOptions {
    /** Attempts in all, the first included. */
    attempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
    sleep: (ms: number) => Promise<void>;
    random: () => number;
    /** Called before each wait. */
    onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export const DEFAULT_RETRY: RetryOptions = {
    attempts: 8,
    baseDelayMs: 250,
    maxDelayMs: 20_000,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    random: Math.random,
};

const THROTTLING = new Set([
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "BandwidthLimitExceeded",
]);

export function isThrottling(e: unknown): boolean {
    if (!e || typeof e !== "object") return false;
    const err = e as { name?: string; Code?: string; $retryable?: { throttling?: boolean }; $metadata?: { httpStatusCode?: number } };
    return THROTTLING.has(err.name ?? "") || THROTTLING.has(err.Code ?? "") || err.$retryable?.throttling === true || err.$metadata?.httpStatusCode === 429;
}

export async function withRetry<T>(fn: () => Promise<T>, o: RetryOptions = DEFAULT_RETRY): Promise<T> {
    for (let attempt = 1; ; attempt++) {
        try {
            return await fn();
        } catch (e) {
            if (!isThrottling(e) || attempt >= o.attempts) throw e;
            const ceiling = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempt - 1));
            const delay = Math.floor(o.random() * ceiling);
            o.onRetry?.(e, attempt, delay);
            await o.sleep(delay);
        }
    }
}
