/** When to try a request again, and how long to wait before it. */

export interface RetryPolicy {
	/** Attempts in all, the first included. */
	maxAttempts: number;
	/** Most time spent waiting between attempts, in all. */
	maxWaitMs: number;
	/** How long one attempt may take. */
	timeoutMs: number;
	/** First backoff step; it doubles each attempt up to `capDelayMs`. */
	baseDelayMs: number;
	capDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 4,
	maxWaitMs: 60_000,
	timeoutMs: 10_000,
	baseDelayMs: 500,
	capDelayMs: 10_000,
};

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
	if (value === undefined) return undefined;
	const text = value.trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

/** Exponential backoff with full jitter: a random wait in [0, min(cap, base * 2^(attempt-1))]. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
	const ceiling = Math.min(policy.capDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	return Math.floor(random() * ceiling);
}
