import type { IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { Connection } from './connection';
import { CREDENTIAL_TYPE } from './connection';
import type { Failure } from './failures';
import { classifyNetworkError, classifyResponse, isRetryable } from './failures';
import type { RetryPolicy } from './retry';
import { backoffDelay } from './retry';

export type Outcome<T> =
	| { ok: true; value: T; attempts: number }
	| { ok: false; failure: Failure; attempts: number };

interface FullResponse {
	body: unknown;
	headers?: IDataObject;
	statusCode: number;
}

/** Injected so tests and benchmarks can shrink waits; the node uses n8n's own sleep. */
export interface Clock {
	now: () => number;
	sleep: (ms: number) => Promise<void>;
	random: () => number;
}

export const realClock: Clock = { now: () => Date.now(), sleep, random: Math.random };

/**
 * The only place that calls the WAPing API. Answers are never thrown: every non-2xx status and
 * every network fault comes back as a classified failure, after bounded retries of the transient ones.
 */
export async function getJson(
	ctx: IExecuteFunctions,
	connection: Connection,
	path: string,
	policy: RetryPolicy,
	clock: Clock = realClock,
): Promise<Outcome<unknown>> {
	const options: IHttpRequestOptions = {
		method: 'GET',
		url: `${connection.baseUrl}${path}`,
		headers: { Accept: 'application/json' },
		json: true,
		timeout: policy.timeoutMs,
		returnFullResponse: true,
		// Status codes are classified here, not thrown: also keeps n8n from re-sending a 401.
		ignoreHttpStatusErrors: true,
		// A redirect could carry the key to another host: report it instead of following it.
		disableFollowRedirect: true,
	};
	let waited = 0;
	for (let attempt = 1; ; attempt++) {
		let failure: Failure;
		try {
			const response = (await ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				CREDENTIAL_TYPE,
				{ ...options, headers: { ...options.headers } },
				{ preAuthenticationRetryStatusCode: [] },
			)) as FullResponse;
			if (response.statusCode >= 200 && response.statusCode < 300) {
				return { ok: true, value: response.body, attempts: attempt };
			}
			failure = classifyResponse(response.statusCode, response.headers, response.body, clock.now());
		} catch (error) {
			failure = classifyNetworkError(error);
		}
		if (!isRetryable(failure) || attempt >= policy.maxAttempts || isCancelled(ctx)) {
			return { ok: false, failure, attempts: attempt };
		}
		const delay = failure.retryAfterMs ?? backoffDelay(policy, attempt, clock.random);
		if (waited + delay > policy.maxWaitMs) return { ok: false, failure, attempts: attempt };
		waited += delay;
		ctx.logger.debug('WAPing request will be retried', {
			path,
			attempt,
			statusCode: failure.statusCode,
			code: failure.code,
			delayMs: delay,
		});
		await clock.sleep(delay);
	}
}

function isCancelled(ctx: IExecuteFunctions): boolean {
	return ctx.getExecutionCancelSignal?.()?.aborted === true;
}
