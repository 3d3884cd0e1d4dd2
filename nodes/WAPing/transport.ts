import type { ICredentialsDecrypted, IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { Connection } from './connection';
import { CREDENTIAL_TYPE } from './connection';
import type { Failure } from './failures';
import { classifyNetworkError, classifyResponse, isRetryable } from './failures';
import { redactor } from './redact';
import type { RetryPolicy } from './retry';
import { backoffDelay } from './retry';

/** What one request came to, after its retries: how many attempts, and how long was waited between them. */
export type Outcome<T> = ({ ok: true; value: T } | { ok: false; failure: Failure }) & {
	attempts: number;
	waitedMs: number;
};

interface FullResponse {
	body: unknown;
	headers?: IDataObject;
	statusCode: number;
}

/** Injected so unit tests and benchmarks can shrink waits; the node uses n8n's own sleep. */
export interface Clock {
	now: () => number;
	sleep: (ms: number) => Promise<void>;
	random: () => number;
}

export const realClock: Clock = { now: () => Date.now(), sleep, random: Math.random };

/** Waits `ms`, or less when the execution is cancelled; false when it was. */
async function pause(ms: number, clock: Clock, signal: AbortSignal | undefined): Promise<boolean> {
	if (!signal) {
		await clock.sleep(ms);
		return true;
	}
	if (signal.aborted) return false;
	let onAbort: () => void = () => {};
	const aborted = new Promise<false>((resolve) => {
		onAbort = () => resolve(false);
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		return await Promise.race([clock.sleep(ms).then(() => true as const), aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

function cancelSignal(ctx: IExecuteFunctions): AbortSignal | undefined {
	return typeof ctx.getExecutionCancelSignal === 'function' ? ctx.getExecutionCancelSignal() : undefined;
}

const TIMED_OUT = Symbol('timed out');

/**
 * The attempt, or TIMED_OUT once it has taken `timeoutMs` in all. The request's own timeout only
 * counts idle time, so a server that drips its answer a byte at a time would otherwise hold the node
 * for as long as it likes. (n8n-core sets the request's abort signal itself, to the execution's
 * cancel signal, so the late request is abandoned rather than aborted; its answer is ignored.)
 * AbortSignal.timeout's timer does not keep the process alive.
 */
async function withDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T | typeof TIMED_OUT> {
	if (typeof AbortSignal === 'undefined' || typeof AbortSignal.timeout !== 'function') return await work;
	const deadline = AbortSignal.timeout(timeoutMs);
	let onExpiry: () => void = () => {};
	const expired = new Promise<typeof TIMED_OUT>((resolve) => {
		onExpiry = () => resolve(TIMED_OUT);
		deadline.addEventListener('abort', onExpiry, { once: true });
	});
	// An abandoned request that fails later must not become an unhandled rejection.
	work.catch(() => {});
	try {
		return await Promise.race([work, expired]);
	} finally {
		deadline.removeEventListener('abort', onExpiry);
	}
}

/**
 * The only place that calls the WAPing API. Answers are never thrown: every non-2xx status and
 * every network fault comes back as a classified failure, after bounded retries of the transient ones
 * (429, 5xx, resets, timeouts): at most `maxAttempts` requests and `maxWaitMs` of waiting in all,
 * each wait as the server's Retry-After says or else exponential backoff with full jitter.
 *
 * Every answer is scrubbed of the API key as it arrives, before anything reads, cuts or logs it,
 * so a server that echoes the key cannot get it into a message, even partly.
 */
export async function getJson(
	ctx: IExecuteFunctions,
	connection: Connection,
	path: string,
	policy: RetryPolicy,
	clock: Clock = realClock,
): Promise<Outcome<unknown>> {
	const redact = redactor(connection.apiKey);
	const signal = cancelSignal(ctx);
	const options: IHttpRequestOptions = {
		method: 'GET',
		url: `${connection.baseUrl}${path}`,
		headers: { Accept: 'application/json' },
		json: true,
		timeout: policy.timeoutMs,
		returnFullResponse: true,
		// Status codes are classified here, not thrown: also keeps n8n from re-sending a 401.
		ignoreHttpStatusErrors: true,
		// A redirect could carry the key to another host: report it instead of following it. n8n's
		// default is to follow and to keep the Authorization header across origins; both are turned off.
		disableFollowRedirect: true,
		maxRedirects: 0,
		sendCredentialsOnCrossOriginRedirect: false,
	};
	// The credential the node already read: n8n would otherwise load and decrypt it again.
	const reference = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
	const credentialsDecrypted: ICredentialsDecrypted = {
		id: reference?.id ?? '',
		name: reference?.name ?? '',
		type: CREDENTIAL_TYPE,
		data: connection.credentials,
	};
	let waitedMs = 0;
	for (let attempt = 1; ; attempt++) {
		let failure: Failure;
		try {
			const response = await withDeadline(
				ctx.helpers.httpRequestWithAuthentication.call(
					ctx,
					CREDENTIAL_TYPE,
					{ ...options, headers: { ...options.headers } },
					{ preAuthenticationRetryStatusCode: [], credentialsDecrypted },
				) as Promise<FullResponse>,
				policy.timeoutMs,
			);
			if (response === TIMED_OUT) throw Object.assign(new Error('the attempt ran past its deadline'), { code: 'ETIMEDOUT' });
			const statusCode = Number(response?.statusCode);
			if (statusCode >= 200 && statusCode < 300) {
				return { ok: true, value: redact(response.body), attempts: attempt, waitedMs };
			}
			failure = Number.isInteger(statusCode)
				? classifyResponse(statusCode, redact(response.headers), redact(response.body), clock.now())
				: { kind: 'badAnswer', code: 'UNEXPECTED_ANSWER', detail: 'the answer had no HTTP status' };
		} catch (error) {
			failure = classifyNetworkError(error);
		}
		const next = nextStep(failure, attempt, waitedMs, policy, clock.random, signal?.aborted === true);
		if ('stop' in next) return stop(next.failure, attempt, waitedMs, next.stop);
		const delay = next.waitMs;
		ctx.logger.debug('WAPing request will be retried', {
			path,
			attempt,
			statusCode: failure.statusCode,
			code: failure.code,
			delayMs: delay,
			waitedMs,
		});
		waitedMs += delay;
		if (!(await pause(delay, clock, signal))) return stop(failure, attempt, waitedMs, 'cancelled');
	}
}

/** After a failed attempt: wait this long and try again, or stop (and why, when retrying gave up). */
export type Step = { waitMs: number } | { stop: Failure['gaveUp']; failure: Failure };

/**
 * The retry decision alone, without I/O: transient failures are retried while attempts remain, the
 * execution is not cancelled and the wait (Retry-After, else backoff) fits in the wait budget.
 */
export function nextStep(
	failure: Failure,
	attempt: number,
	waitedMs: number,
	policy: RetryPolicy,
	random: () => number,
	cancelled: boolean,
): Step {
	if (!isRetryable(failure) || attempt >= policy.maxAttempts) {
		return { stop: isRetryable(failure) ? 'attempts' : undefined, failure };
	}
	if (cancelled) return { stop: 'cancelled', failure };
	const waitMs = failure.retryAfterMs ?? backoffDelay(policy, attempt, random);
	if (waitedMs + waitMs > policy.maxWaitMs) {
		return { stop: 'waitBudget', failure: { ...failure, nextWaitMs: waitMs, maxWaitMs: policy.maxWaitMs } };
	}
	return { waitMs };
}

function stop(failure: Failure, attempts: number, waitedMs: number, gaveUp: Failure['gaveUp']): Outcome<never> {
	return { ok: false, failure: { ...failure, waitedMs, ...(gaveUp ? { gaveUp } : {}) }, attempts, waitedMs };
}
