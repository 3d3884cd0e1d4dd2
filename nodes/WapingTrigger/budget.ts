/**
 * One poll ends within n8n's poll budget, whatever the retry Options say. n8n-workflow 2.x gives the
 * budget (getPollBudgetMs(), 5 minutes by default: then the engine abandons the tick); the 1.x line
 * has none and starts the next poll on schedule even while one still runs (at most once a minute),
 * so there a poll keeps under a minute.
 */
import type { IPollFunctions } from 'n8n-workflow';

import type { RetryPolicy } from '../shared/transport/retry';

/** The budget on an n8n without getPollBudgetMs (the 1.x line): under its shortest Poll Time, a minute. */
export const FALLBACK_POLL_BUDGET_MS = 50_000;

/** Part of the budget the requests may use; the rest is for the poll's own work and timer slack. */
const USABLE = 0.9;

/** The poll's budget: n8n's own where it has one, else the fallback. */
export function pollBudgetMs(ctx: Partial<Pick<IPollFunctions, 'getPollBudgetMs'>>): number {
	const budget = typeof ctx.getPollBudgetMs === 'function' ? ctx.getPollBudgetMs() : undefined;
	return typeof budget === 'number' && Number.isFinite(budget) && budget > 0
		? budget
		: FALLBACK_POLL_BUDGET_MS;
}

/**
 * The retry policy shortened so that every attempt (Timeout each) and every wait between them (Max
 * Wait in all) fit in the budget: the attempts get at most half of it, the waits what is left.
 */
export function withinPollBudget(policy: RetryPolicy, budgetMs: number): RetryPolicy {
	const usable = budgetMs * USABLE;
	const timeoutMs = Math.min(policy.timeoutMs, usable / (2 * policy.maxAttempts));
	const maxWaitMs = Math.min(policy.maxWaitMs, usable - policy.maxAttempts * timeoutMs);
	return { ...policy, timeoutMs, maxWaitMs };
}
