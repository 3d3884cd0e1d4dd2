import type {
	ICredentialsDecrypted,
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INode,
	Logger,
	RequestHelperFunctions,
} from 'n8n-workflow';

import type { Connection } from '../connection';
import { CREDENTIAL_TYPE } from '../connection';
import type { Failure } from '../failures';
import { classifyNetworkError, classifyResponse, mayHaveArrived } from '../failures';
import type { Redact } from '../redact';
import { redactor } from '../redact';
import type { RetryPolicy } from './retry';
import type { Answer } from './answer';
import { BodyError, discard, parseBody, plainHeaders, readBody } from './answer';
import type { Clock } from './clock';
import { pause, realClock } from './clock';
import type { Line } from './hangUp';
import { onLine, openLine } from './hangUp';
import { MAX_ABSORBED_ANSWERS, nextStep } from './retry';

/** What the transport needs of n8n's context: an execute, poll or other function context. */
export interface ApiContext {
	helpers: Pick<RequestHelperFunctions, 'httpRequestWithAuthentication'>;
	getNode(): INode;
	logger: Logger;
	getExecutionCancelSignal?(): AbortSignal | undefined;
}

/** One request to the WAPing API. */
export interface ApiRequest {
	/** Any HTTP method; only GET and HEAD are retried without an idempotency key. */
	method: IHttpRequestMethods;
	/** Path under the Base URL, e.g. /v1/devices. */
	path: string;
	body?: IDataObject;
	/** Sent with every attempt: the one key that makes a retried POST safe. */
	idempotencyKey?: string;
	/** The largest answer accepted, in bytes; a larger one fails as a bad answer. */
	maxBytes: number;
}

/** What one request came to, after its retries: how many attempts, and how long was waited between them. */
export type Outcome<T> = (
	| { ok: true; value: T; headers: Record<string, string> }
	| { ok: false; failure: Failure }
) & {
	attempts: number;
	waitedMs: number;
	/** A failed request whose last attempt may still have been accepted (its answer lost, or cut by a stop). */
	uncertain?: boolean;
};

/** A pass through the gate: the gate's state when the attempt left, to tell old news from new. */
export interface GateTicket {
	epoch: number;
}

/** What the gate hears of an attempt's answer. */
export interface AttemptOutcome {
	throttled: boolean;
	retryAfterMs?: number;
	accepted: boolean;
	serverTrouble: boolean;
}

/**
 * A run-wide gate every attempt passes (Send uses it to slow the whole run when WAPing throttles):
 * `enter` waits for a turn (undefined when the run may no longer send), `leave` reports the answer.
 */
export interface AttemptGate {
	enter(): Promise<GateTicket | undefined>;
	/** True when the run waits this failure out at the gate (a throttle, an outage): it then costs the item no attempt. */
	leave(ticket: GateTicket, result: AttemptOutcome): boolean;
	/** Why enter() said no, for the failure. */
	refusal(): Failure['gaveUp'];
}

export function cancelSignal(ctx: ApiContext): AbortSignal | undefined {
	return typeof ctx.getExecutionCancelSignal === 'function'
		? ctx.getExecutionCancelSignal()
		: undefined;
}

const TIMED_OUT = Symbol('timed out');

/**
 * The headers answer, or TIMED_OUT when the deadline fires first: the attempt's line is then hung
 * up (axios aborts the request and destroys its socket), and an answer that still comes is closed
 * unread.
 */
async function beforeDeadline<T>(
	work: Promise<T>,
	deadline: AbortSignal,
	line: Line,
): Promise<T | typeof TIMED_OUT> {
	let onExpiry: () => void = () => {};
	const expired = new Promise<typeof TIMED_OUT>((resolve) => {
		onExpiry = () => resolve(TIMED_OUT);
		if (deadline.aborted) onExpiry();
		else deadline.addEventListener('abort', onExpiry, { once: true });
	});
	const result = await Promise.race([work, expired]);
	deadline.removeEventListener('abort', onExpiry);
	if (result === TIMED_OUT) {
		line.hangUp();
		// An abandoned request: close its answer if it still comes, and never let it reject unhandled.
		work.then(
			(late) => discard(late, line.hangUp),
			() => undefined,
		);
	}
	return result;
}

/**
 * One attempt: the answer read whole within `timeoutMs`, or a thrown network/timeout error. An
 * attempt that does not read its answer to the end (deadline, size cap, cancel, a broken stream)
 * leaves no connection open.
 */
async function attemptOnce(
	ctx: ApiContext,
	options: IHttpRequestOptions,
	credentialsDecrypted: ICredentialsDecrypted,
	request: ApiRequest,
	timeoutMs: number,
): Promise<Answer> {
	const deadline = AbortSignal.timeout(timeoutMs);
	const line = openLine(cancelSignal(ctx));
	let readToTheEnd = false;
	try {
		const pending = ctx.helpers.httpRequestWithAuthentication.call(
			ctx as never,
			CREDENTIAL_TYPE,
			onLine({ ...options, headers: { ...options.headers } }, line),
			{ preAuthenticationRetryStatusCode: [], credentialsDecrypted },
		) as Promise<{ body: unknown; headers?: unknown; statusCode: number }>;
		const response = await beforeDeadline(pending, deadline, line);
		if (response === TIMED_OUT) {
			throw Object.assign(new Error('the attempt ran past its deadline'), { code: 'ETIMEDOUT' });
		}
		const text = await readBody(response?.body, request.maxBytes, deadline, line.hangUp).catch(
			(error: unknown) => {
				// A body still arriving at the deadline is a timeout, like an answer that never started.
				if (error instanceof BodyError && error.reason === 'deadline')
					return Object.assign(new Error('the answer did not arrive in time'), {
						code: 'ETIMEDOUT',
					});
				return error instanceof Error ? error : new Error(String(error));
			},
		);
		if (text instanceof Error) throw text;
		readToTheEnd = true;
		const headers = plainHeaders(response?.headers);
		return {
			statusCode: Number(response?.statusCode),
			headers,
			body: parseBody(text, headers['content-type']),
		};
	} finally {
		if (!readToTheEnd) line.hangUp();
		line.release();
	}
}

/**
 * The only place that calls the WAPing API. Answers are never thrown: every non-2xx status and every
 * network fault comes back as a classified failure, after bounded retries of the transient ones (429,
 * 5xx, resets, timeouts): at most `maxAttempts` requests and `maxWaitMs` of waiting in all, each wait
 * as the server's Retry-After says or else exponential backoff with full jitter. A POST is retried
 * only when it carries an idempotency key, the same one on every attempt.
 *
 * Every attempt reads its answer whole within the Timeout and the size cap, or closes its connection.
 * A 2xx body is handed back as the server sent it (the caller reads it, then scrubs it); everything a
 * failure carries is scrubbed of the API key before anything reads, cuts or logs it.
 */
export async function callApi(
	ctx: ApiContext,
	connection: Connection,
	request: ApiRequest,
	policy: RetryPolicy,
	clock: Clock = realClock,
	gate?: AttemptGate,
	redact: Redact = redactor(connection.apiKey),
): Promise<Outcome<unknown>> {
	const signal = cancelSignal(ctx);
	const headers: IDataObject = { Accept: 'application/json' };
	if (request.body !== undefined) headers['Content-Type'] = 'application/json';
	if (request.idempotencyKey !== undefined) headers['Idempotency-Key'] = request.idempotencyKey;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${connection.baseUrl}${request.path}`,
		headers,
		...(request.body !== undefined ? { body: request.body } : {}),
		// The node reads the answer itself: within a size cap, and closing the connection when it gives up.
		encoding: 'stream',
		timeout: policy.timeoutMs,
		returnFullResponse: true,
		// Status codes are classified here, not thrown: also keeps n8n from re-sending a 401.
		ignoreHttpStatusErrors: true,
		// A redirect could carry the key to another host: report it instead of following it.
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
	const retrySafe =
		request.method === 'GET' || request.method === 'HEAD' || request.idempotencyKey !== undefined;
	let waitedMs = 0;
	// Attempts that count against Max Attempts: not those the whole run waits out at the gate (up to a cap).
	let counted = 0;
	let absorbedAnswers = 0;
	// An earlier attempt's answer was lost: a 409 now is that request still being processed.
	let answerLost = false;
	// Whether the last attempt may have been accepted: the outcome of a request that stops now is unknown.
	let uncertain = false;
	for (let attempt = 1; ; attempt++) {
		const ticket = gate ? await gate.enter() : undefined;
		if (gate && !ticket) {
			const failure: Failure = { kind: 'notSent', code: 'NOT_SENT' };
			return stop(failure, attempt - 1, waitedMs, gate.refusal(), uncertain);
		}
		let failure: Failure;
		try {
			const answer = await attemptOnce(
				ctx,
				options,
				credentialsDecrypted,
				request,
				policy.timeoutMs,
			);
			const { statusCode } = answer;
			if (statusCode >= 200 && statusCode < 300) {
				if (ticket) gate?.leave(ticket, { throttled: false, accepted: true, serverTrouble: false });
				return {
					ok: true,
					value: answer.body,
					headers: redact(answer.headers),
					attempts: attempt,
					waitedMs,
				};
			}
			failure = Number.isInteger(statusCode)
				? classifyResponse(statusCode, redact(answer.headers), redact(answer.body), clock.now(), {
						answerLost,
					})
				: { kind: 'badAnswer', code: 'UNEXPECTED_ANSWER', detail: 'the answer had no HTTP status' };
		} catch (error) {
			failure =
				error instanceof BodyError
					? {
							kind: 'badAnswer',
							code: 'ANSWER_TOO_LARGE',
							detail: `the answer was larger than ${Math.round(request.maxBytes / 1024)} KB`,
						}
					: classifyNetworkError(error);
		}
		const arrived = mayHaveArrived(failure);
		answerLost ||= arrived;
		// An attempt cut by a stop may have reached WAPing, whatever error the cut gave.
		uncertain = signal?.aborted === true || arrived;
		const absorbed =
			ticket !== undefined &&
			gate !== undefined &&
			gate.leave(ticket, {
				throttled: failure.kind === 'throttled',
				retryAfterMs: failure.retryAfterMs,
				accepted: false,
				serverTrouble: failure.kind === 'server',
			}) &&
			++absorbedAnswers <= MAX_ABSORBED_ANSWERS;
		if (!absorbed) counted++;
		if (!retrySafe) failure = { ...failure, permanent: true };
		const step = nextStep(
			failure,
			counted,
			waitedMs,
			policy,
			clock.random,
			signal?.aborted === true,
			absorbed,
		);
		if ('stop' in step) return stop(step.failure, attempt, waitedMs, step.stop, uncertain);
		ctx.logger.debug('WAPing request will be retried', {
			path: request.path,
			attempt,
			statusCode: failure.statusCode,
			code: failure.code,
			delayMs: step.waitMs,
			waitedMs,
		});
		waitedMs += step.waitMs;
		if (step.waitMs > 0 && !(await pause(step.waitMs, clock, signal)))
			return stop(failure, attempt, waitedMs, 'cancelled', uncertain);
		if (signal?.aborted) return stop(failure, attempt, waitedMs, 'cancelled', uncertain);
	}
}

function stop(
	failure: Failure,
	attempts: number,
	waitedMs: number,
	gaveUp: Failure['gaveUp'],
	uncertain = false,
): Outcome<never> {
	return {
		ok: false,
		failure: { ...failure, waitedMs, ...(gaveUp ? { gaveUp } : {}) },
		attempts,
		waitedMs,
		...(uncertain ? { uncertain } : {}),
	};
}
