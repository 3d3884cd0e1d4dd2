/** The retry decision after a failed attempt, without I/O. */
import type { Failure } from '../failures';
import { isRetryable } from '../failures';
import type { RetryPolicy } from '../retry';
import { backoffDelay, pauseFloor } from '../retry';

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
