import type { IDataObject } from 'n8n-workflow';

import {
	ERROR_CODES,
	IDEMPOTENCY_CONFLICT_CODE,
	IN_PROGRESS_CODES,
	IN_PROGRESS_WORDS,
	KEY_REUSE_WORDS,
	NOT_PROCESSED_STATUSES,
	PLAN_DENIAL_CODES,
	PLAN_DENIAL_WORDS,
	RECEIPT_FAILED_STATUSES,
	RECEIPT_ID_FIELD,
	RECEIPT_STATUS_FIELD,
} from './assumptions';
import { parseRetryAfter } from './transport/retry';

/** What went wrong with one request, in the user's terms. */
export type FailureKind =
	| 'unauthorized'
	| 'forbidden'
	| 'badRequest'
	| 'notFound'
	| 'conflict'
	/** 409: WAPing is still processing a request with this key (see assumptions.ts). */
	| 'inProgress'
	| 'throttled'
	| 'server'
	| 'sessionDisconnected'
	| 'redirect'
	| 'network'
	| 'timeout'
	| 'badAnswer'
	| 'unexpectedStatus'
	/** A 2xx to a send that is not a message receipt: whether the message was accepted is unknown. */
	| 'notReceipt'
	/** A send the run stopped before it went out (throttled past Max Wait, or cancelled). */
	| 'notSent';

export type DenialReason = 'credential' | 'plan' | 'permission';

export interface Failure {
	kind: FailureKind;
	statusCode?: number;
	/** The API's error code, or ours when the answer had none. */
	code: string;
	/** The API's own message, when it sent one. */
	apiMessage?: string;
	reason?: DenialReason;
	/** How long the server asked to wait (429 Retry-After). */
	retryAfterMs?: number;
	/** Extra words for the error message (a network code, a redirect target, a shape problem). */
	detail?: string;
	/** A network failure that trying again cannot fix (a refused certificate, an invalid header). */
	permanent?: boolean;
	/** Set by the transport when it stopped retrying a retryable failure: why. */
	gaveUp?: 'attempts' | 'waitBudget' | 'cancelled';
	/** Time spent waiting between attempts, in all. */
	waitedMs?: number;
	/** The wait that did not fit in the budget (gaveUp: 'waitBudget'). */
	nextWaitMs?: number;
	/** The wait budget (Max Wait), for the message. */
	maxWaitMs?: number;
	/** A conflict that says the key was used for a different message. */
	keyReused?: boolean;
}

/** Kinds of failure another attempt may fix. */
export const RETRYABLE: ReadonlySet<FailureKind> = new Set([
	'throttled',
	'server',
	'network',
	'timeout',
	'inProgress',
]);

export function isRetryable(failure: Failure): boolean {
	return RETRYABLE.has(failure.kind) && failure.permanent !== true;
}

/** Network codes that mean the request never reached WAPing (no connection was made). */
const NEVER_CONNECTED = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)$/;

/**
 * Whether a failed attempt may still have been accepted by WAPing: its answer was lost (a reset, a
 * timeout), a server error other than a 503, or an answer the node could not read. A later 409 for
 * the same key and body is then that request still being processed. A 4xx, a
 * throttle, a 503 or a connection never made is a definite "not sent".
 */
export function mayHaveArrived(failure: Failure): boolean {
	switch (failure.kind) {
		case 'server':
			return !NOT_PROCESSED_STATUSES.includes(failure.statusCode ?? 0);
		case 'timeout':
		case 'badAnswer':
		case 'unexpectedStatus':
			return true;
		case 'network':
			return !NEVER_CONNECTED.test(failure.code) && failure.permanent !== true;
		default:
			return false;
	}
}

export function isDenial(failure: Failure): boolean {
	return failure.kind === 'unauthorized' || failure.kind === 'forbidden';
}

function asObject(value: unknown): IDataObject | undefined {
	if (typeof value === 'string') {
		try {
			return asObject(JSON.parse(value));
		} catch {
			return undefined;
		}
	}
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as IDataObject)
		: undefined;
}

/** Error bodies bigger than this are not parsed for a code and message. */
const MAX_ERROR_BODY_CHARS = 100_000;

/** A code is one short token (letters, digits, _ . : -); anything else is ignored, not shown. */
const CODE_TOKEN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** The API's message as one line of at most 500 characters, without control characters. */
function messageText(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const line = value
		.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	if (line === '') return undefined;
	return line.length > 500 ? `${line.slice(0, 499)}…` : line;
}

/** `{ "error": { "code", "message" } }`, tolerating a bare `{ code, message }` or `{ error: "..." }`. */
export function readApiError(body: unknown): { code?: string; message?: string } {
	if (typeof body === 'string' && body.length > MAX_ERROR_BODY_CHARS) return {};
	const root = asObject(body);
	if (!root) return {};
	const inner = asObject(root.error) ?? root;
	const code =
		typeof inner.code === 'string' && CODE_TOKEN.test(inner.code.trim())
			? inner.code.trim()
			: undefined;
	return {
		code,
		message: messageText(inner.message) ?? messageText(root.error) ?? messageText(root.message),
	};
}

function forbiddenReason(code: string | undefined, message: string | undefined): DenialReason {
	if (code && PLAN_DENIAL_CODES.includes(code.toUpperCase())) return 'plan';
	if (message && PLAN_DENIAL_WORDS.test(message)) return 'plan';
	if (
		code &&
		code.toUpperCase() !== ERROR_CODES.forbidden &&
		PLAN_DENIAL_WORDS.test(code.replace(/_/g, ' '))
	) {
		return 'plan';
	}
	return 'permission';
}

function header(headers: IDataObject | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
	const value = key === undefined ? undefined : headers[key];
	return Array.isArray(value) ? String(value[0]) : typeof value === 'string' ? value : undefined;
}

/** What the transport knows of the request's earlier attempts. */
export interface AttemptContext {
	/** An earlier attempt's answer was lost (mayHaveArrived): WAPing may be processing it. */
	answerLost?: boolean;
}

/** A 409 that is not a session problem: still processing, or the key used for another message (assumptions.ts). */
function conflict(
	base: { statusCode: number; apiMessage?: string },
	code: string | undefined,
	context: AttemptContext,
	retryAfterMs: number | undefined,
): Failure {
	const upper = code?.toUpperCase();
	const inProgress =
		code === undefined ||
		(upper !== undefined && IN_PROGRESS_CODES.includes(upper)) ||
		IN_PROGRESS_WORDS.test(base.apiMessage ?? '') ||
		context.answerLost === true;
	if (inProgress) {
		return {
			...base,
			kind: 'inProgress',
			code: code ?? 'IDEMPOTENCY_IN_PROGRESS',
			...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
		};
	}
	return {
		...base,
		kind: 'conflict',
		code: code ?? 'CONFLICT',
		...(upper === IDEMPOTENCY_CONFLICT_CODE ? { keyReused: true } : {}),
	};
}

/**
 * Why a send's 2xx answer is not a message receipt (assumptions.ts), in words; undefined when it is
 * one. `body` is the answer as read: parsed JSON, or the text itself.
 */
export function notAReceipt(body: unknown): string | undefined {
	if (body === undefined || body === null || body === '') return 'the answer was empty';
	if (typeof body === 'string') {
		return /<\s*(!doctype|html|head|body)\b/i.test(body)
			? 'the answer was a web page (a login or proxy page?)'
			: 'the answer was text, not JSON';
	}
	if (Array.isArray(body)) return 'the answer was a list';
	if (typeof body !== 'object') return 'the answer was not a JSON object';
	const fields = body as IDataObject;
	const error = fields.error;
	if (error !== undefined && error !== null && error !== false && error !== '') {
		const said = readApiError(fields).message;
		return `the answer carried an error${said ? ` ("${said}")` : ''}`;
	}
	const id = fields[RECEIPT_ID_FIELD];
	if (typeof id !== 'string' || id.trim() === '') {
		return `the answer had no message ${RECEIPT_ID_FIELD}`;
	}
	const status = fields[RECEIPT_STATUS_FIELD];
	if (typeof status !== 'string' || status.trim() === '') {
		return `the answer had no message ${RECEIPT_STATUS_FIELD}`;
	}
	const word = status.trim().toLowerCase();
	if ((RECEIPT_FAILED_STATUSES as readonly string[]).includes(word)) {
		return `its ${RECEIPT_STATUS_FIELD} was "${messageText(status) ?? word}"`;
	}
	return undefined;
}

/** Classifies a non-2xx answer; branch on the status first, refine with the API's code. */
export function classifyResponse(
	statusCode: number,
	headers: IDataObject | undefined,
	body: unknown,
	now: number,
	context: AttemptContext = {},
): Failure {
	const { code, message: apiMessage } = readApiError(body);
	const base = { statusCode, apiMessage };
	if (statusCode >= 300 && statusCode < 400) {
		return {
			...base,
			kind: 'redirect',
			code: code ?? 'REDIRECT',
			detail: header(headers, 'location'),
		};
	}
	switch (statusCode) {
		case 401:
			return {
				...base,
				kind: 'unauthorized',
				code: code ?? ERROR_CODES.unauthorized,
				reason: 'credential',
			};
		case 403:
			return {
				...base,
				kind: 'forbidden',
				code: code ?? ERROR_CODES.forbidden,
				reason: forbiddenReason(code, apiMessage),
			};
		case 422:
			// The IETF draft's "key used with a different body".
			if (KEY_REUSE_WORDS.test(code ?? '') || KEY_REUSE_WORDS.test(apiMessage ?? ''))
				return {
					...base,
					kind: 'conflict',
					code: code ?? IDEMPOTENCY_CONFLICT_CODE,
					keyReused: true,
				};
			return { ...base, kind: 'badRequest', code: code ?? ERROR_CODES.validation };
		case 400:
			return { ...base, kind: 'badRequest', code: code ?? ERROR_CODES.validation };
		case 404:
			return { ...base, kind: 'notFound', code: code ?? ERROR_CODES.notFound };
		case 429:
			return {
				...base,
				kind: 'throttled',
				code: code ?? ERROR_CODES.rateLimited,
				retryAfterMs: parseRetryAfter(header(headers, 'retry-after'), now),
			};
	}
	if (code?.toUpperCase() === ERROR_CODES.sessionDisconnected) {
		return { ...base, kind: 'sessionDisconnected', code };
	}
	if (statusCode === 409) {
		return conflict(base, code, context, parseRetryAfter(header(headers, 'retry-after'), now));
	}
	if (statusCode >= 500 && statusCode < 600) {
		// A 503 may say when to come back, as a 429 does.
		const retryAfterMs = parseRetryAfter(header(headers, 'retry-after'), now);
		return {
			...base,
			kind: 'server',
			code: code ?? ERROR_CODES.server,
			...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
		};
	}
	return { ...base, kind: 'unexpectedStatus', code: code ?? `HTTP_${statusCode}` };
}

const TIMEOUT_CODES = new Set([
	'ETIMEDOUT',
	'ECONNABORTED',
	'ESOCKETTIMEDOUT',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'UND_ERR_CONNECT_TIMEOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Network failures that another attempt cannot fix: the server's TLS certificate was refused, the
 * request itself is invalid, or the execution was cancelled. Every other one is retried (bounded).
 */
export const CERTIFICATE_CODE =
	/^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT|UNABLE_TO_)/;
const INVALID_REQUEST_CODE =
	/^(ERR_INVALID_|ERR_CANCELED|ERR_UNESCAPED_CHARACTERS|ERR_HTTP_INVALID)/;

/** Finds the system error code (ECONNRESET, ...) anywhere in an error's cause chain. */
function systemCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
		const { code } = current as { code?: unknown };
		if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** Classifies a request that got no HTTP answer at all. */
export function classifyNetworkError(error: unknown): Failure {
	const code = systemCode(error) ?? 'NETWORK_ERROR';
	const message = error instanceof Error ? error.message : '';
	if (TIMEOUT_CODES.has(code) || /\btime(d)? ?out\b/i.test(message)) {
		return { kind: 'timeout', code: 'TIMEOUT', detail: code };
	}
	return {
		kind: 'network',
		code,
		detail: code,
		...(CERTIFICATE_CODE.test(code) || INVALID_REQUEST_CODE.test(code) ? { permanent: true } : {}),
	};
}
