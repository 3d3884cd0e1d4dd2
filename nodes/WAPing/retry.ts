/** When to try a request again, and how long to wait before it. */

export interface RetryPolicy {
	/** Attempts in all, the first included. */
	maxAttempts: number;
	/** Most time spent waiting between attempts, in all. */
	maxWaitMs: number;
	/** How long one attempt may take. */
	timeoutMs: number;
	/** First backoff step; it doubles each attempt up to `capDelayMs` (or `baseDelayMs` when larger). */
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

/**
 * Bounds of the node's Options. Hard limits, so that no setting (or expression) can make one item
 * hammer the API or hold an execution for hours.
 */
export const RETRY_LIMITS = {
	maxAttempts: { min: 1, max: 10 },
	maxWaitSeconds: { min: 0, max: 3_600 },
	timeoutSeconds: { min: 0.001, max: 300 },
	retryDelaySeconds: { min: 0, max: 60 },
} as const;

/** A Retry-After beyond this is read as this; the wait budget decides anyway. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/** The three HTTP-date forms of RFC 9110 (IMF-fixdate, RFC 850, asctime) all start with a day name. */
const HTTP_DATE = /^(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+.*\d{1,2}:\d{2}:\d{2}/i;

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable
 * (then the caller backs off on its own). A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (/^\d+(\.\d+)?$/.test(text))
		return Math.min(MAX_RETRY_AFTER_MS, Math.round(Number(text) * 1000));
	if (!HTTP_DATE.test(text)) return undefined;
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, date - now));
}

/** Exponential backoff with full jitter: a random wait in [0, min(cap, base * 2^(attempt-1))]. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
	const cap = Math.max(policy.capDelayMs, policy.baseDelayMs);
	const ceiling = Math.min(cap, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 30));
	const draw = random();
	const unit = Number.isFinite(draw) ? Math.min(Math.max(draw, 0), 1) : 0;
	return Math.floor(unit * ceiling);
}
