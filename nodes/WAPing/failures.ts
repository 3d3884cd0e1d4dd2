import type { IDataObject } from 'n8n-workflow';

import { ERROR_CODES, PLAN_DENIAL_CODES, PLAN_DENIAL_WORDS } from './assumptions';
import { parseRetryAfter } from './retry';

/** What went wrong with one request, in the user's terms. */
export type FailureKind =
	| 'unauthorized'
	| 'forbidden'
	| 'badRequest'
	| 'notFound'
	| 'conflict'
	| 'throttled'
	| 'server'
	| 'sessionDisconnected'
	| 'redirect'
	| 'network'
	| 'timeout'
	| 'badAnswer'
	| 'unexpectedStatus';

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
}

const RETRYABLE: ReadonlySet<FailureKind> = new Set(['throttled', 'server', 'network', 'timeout']);

export function isRetryable(failure: Failure): boolean {
	return RETRYABLE.has(failure.kind);
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

/** `{ "error": { "code", "message" } }`, tolerating a bare `{ code, message }` or `{ error: "..." }`. */
export function readApiError(body: unknown): { code?: string; message?: string } {
	const root = asObject(body);
	if (!root) return {};
	const inner = asObject(root.error) ?? root;
	const text = (value: unknown) =>
		typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 500) : undefined;
	return {
		code: text(inner.code),
		message: text(inner.message) ?? text(root.error) ?? text(root.message),
	};
}

function forbiddenReason(code: string | undefined, message: string | undefined): DenialReason {
	if (code && PLAN_DENIAL_CODES.includes(code.toUpperCase())) return 'plan';
	if (message && PLAN_DENIAL_WORDS.test(message)) return 'plan';
	if (code && code.toUpperCase() !== ERROR_CODES.forbidden && PLAN_DENIAL_WORDS.test(code.replace(/_/g, ' '))) {
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

/** Classifies a non-2xx answer; branch on the status first, refine with the API's code. */
export function classifyResponse(
	statusCode: number,
	headers: IDataObject | undefined,
	body: unknown,
	now: number,
): Failure {
	const { code, message: apiMessage } = readApiError(body);
	const base = { statusCode, apiMessage };
	if (statusCode >= 300 && statusCode < 400) {
		return { ...base, kind: 'redirect', code: code ?? 'REDIRECT', detail: header(headers, 'location') };
	}
	switch (statusCode) {
		case 401:
			return { ...base, kind: 'unauthorized', code: code ?? ERROR_CODES.unauthorized, reason: 'credential' };
		case 403:
			return {
				...base,
				kind: 'forbidden',
				code: code ?? ERROR_CODES.forbidden,
				reason: forbiddenReason(code, apiMessage),
			};
		case 400:
		case 422:
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
	if (statusCode === 409) return { ...base, kind: 'conflict', code: code ?? 'CONFLICT' };
	if (statusCode >= 500) return { ...base, kind: 'server', code: code ?? ERROR_CODES.server };
	return { ...base, kind: 'unexpectedStatus', code: code ?? `HTTP_${statusCode}` };
}

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT']);

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
	if (TIMEOUT_CODES.has(code) || /timeout/i.test(message)) {
		return { kind: 'timeout', code: 'TIMEOUT', detail: code };
	}
	return { kind: 'network', code, detail: code };
}
