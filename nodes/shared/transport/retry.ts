/** When to try a request again, and how long to wait before it: the policy and the decision, without I/O. */
import type { Failure } from '../failures';
import { isRetryable } from '../failures';

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

/**
 * The shortest wait before trying again after WAPing throttled or failed: a Retry-After below it (0, a
 * fraction, a date already past, as a clock a few seconds behind gives) is raised to it, and so is a
 * pause of the whole run. With "Retry Delay" larger, that is the floor. A pause is never 0, so every
 * answer WAPing gives costs time against "Max Wait", and no answer sequence keeps a run going.
 */
export const MIN_RETRY_PAUSE_MS = 1000;

/** The least a run or a request waits after WAPing asked it to wait (or throttled it without saying). */
export function pauseFloor(policy: RetryPolicy): number {
	return Math.max(MIN_RETRY_PAUSE_MS, policy.baseDelayMs);
}

/** A Retry-After beyond this is read as this; the wait budget decides anyway. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/** The three HTTP-date forms of RFC 9110 (IMF-fixdate, RFC 850, asctime) all start with a day name. */
const HTTP_DATE = /^(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+.*\d{1,2}:\d{2}:\d{2}/i;

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable
 * (then the caller backs off on its own). A date in the past reads as 0; the caller raises any wait
 * to pauseFloor. A positive value is never rounded down to 0.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (/^\d+(\.\d+)?$/.test(text))
		return Math.min(MAX_RETRY_AFTER_MS, Math.ceil(Number(text) * 1000));
	if (!HTTP_DATE.test(text)) return undefined;
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, date - now));
}

/**
 * Exponential backoff with full jitter: a random wait in [0, min(cap, base * 2^(attempt-1))], never 0
 * (at least 1 ms, so that even "Retry Delay" 0 yields between tries; Max Attempts bounds them).
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
	const cap = Math.max(policy.capDelayMs, policy.baseDelayMs);
	const ceiling = Math.min(cap, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 30));
	const draw = random();
	const unit = Number.isFinite(draw) ? Math.min(Math.max(draw, 0), 1) : 0;
	return Math.max(1, Math.floor(unit * ceiling));
}

/**
 * A request's answers that the run's gate waits out cost it no attempt, up to this many; each one
 * after that counts like any other, so that no sequence of answers keeps one request going.
 */
export const MAX_ABSORBED_ANSWERS = 100;

/** After a failed attempt: wait this long and try again, or stop (and why, when retrying gave up). */
export type Step = { waitMs: number } | { stop: Failure['gaveUp']; failure: Failure };

/**
 * Transient failures are retried while attempts remain, the execution is not cancelled and the wait
 * (Retry-After raised to the floor, else backoff; never 0) fits in the wait budget. A failure the
 * whole run waits out at its gate (`absorbed`: a 429, or a server error during an outage, under the
 * gate's own budget) goes back to the gate, which holds it for the run's pause; `attempt` counts only
 * the attempts that were not absorbed.
 */
export function nextStep(
	failure: Failure,
	attempt: number,
	waitedMs: number,
	policy: RetryPolicy,
	random: () => number,
	cancelled: boolean,
	absorbed = false,
): Step {
	const retryable = isRetryable(failure);
	if (retryable && absorbed && !cancelled) return { waitMs: 0 };
	if (!retryable || attempt >= policy.maxAttempts) {
		return { stop: retryable ? 'attempts' : undefined, failure };
	}
	if (cancelled) return { stop: 'cancelled', failure };
	const waitMs =
		failure.retryAfterMs !== undefined
			? Math.max(pauseFloor(policy), failure.retryAfterMs)
			: backoffDelay(policy, attempt, random);
	if (waitedMs + waitMs > policy.maxWaitMs) {
		return {
			stop: 'waitBudget',
			failure: { ...failure, nextWaitMs: waitMs, maxWaitMs: policy.maxWaitMs },
		};
	}
	return { waitMs };
}
