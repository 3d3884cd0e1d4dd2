/** Reading one HTTP answer: its body within a size cap and a deadline, its headers as plain text. */
import type { IDataObject } from 'n8n-workflow';

/** An answer as the node reads it: status, headers (lower-case names) and the body, JSON-parsed when it is JSON. */
export interface Answer {
	statusCode: number;
	headers: Record<string, string>;
	body: unknown;
}

/** Why a body was not read to its end. */
export class BodyError extends Error {
	constructor(
		readonly reason: 'tooLarge' | 'deadline',
		readonly bytes: number,
	) {
		super(
			reason === 'tooLarge'
				? `the answer is larger than allowed (${bytes} bytes read)`
				: 'the answer did not arrive in time',
		);
	}
}

/** The stream n8n hands over with `encoding: 'stream'` (Node's IncomingMessage), as far as it is used here. */
interface BodyStream {
	on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown;
	on(event: 'end' | 'close', listener: () => void): unknown;
	on(event: 'error', listener: (error: Error) => void): unknown;
	destroy(error?: Error): unknown;
}

function isStream(value: unknown): value is BodyStream {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as BodyStream).on === 'function' &&
		typeof (value as BodyStream).destroy === 'function'
	);
}

/**
 * Closes an answer the node will not read: `hangUp` destroys its socket (see hangUp.ts: destroying
 * the stream alone does not reach a socket whose body stalls), then the stream goes too, so a server
 * that keeps sending cannot keep a connection (and memory) busy after the node gave up on it.
 */
export function discard(response: unknown, hangUp: () => void): void {
	hangUp();
	const body = (response as { body?: unknown } | undefined)?.body;
	if (isStream(body)) body.destroy();
}

/**
 * The whole body as text, at most `maxBytes` and before `deadline` (a signal that fires when the
 * attempt's time is up); past either, or when the stream fails, the connection is closed (`hangUp`,
 * then the stream is destroyed) and a BodyError (or the stream's error) is thrown.
 */
export async function readBody(
	body: unknown,
	maxBytes: number,
	deadline: AbortSignal,
	hangUp: () => void,
): Promise<string> {
	if (!isStream(body)) {
		// Not a stream (n8n's evaluation mocks hand over plain values): already complete.
		if (body === undefined || body === null) return '';
		return typeof body === 'string' ? body : JSON.stringify(body);
	}
	return await new Promise<string>((resolve, reject) => {
		const chunks: Uint8Array[] = [];
		let size = 0;
		let settled = false;
		const finish = (error?: Error) => {
			if (settled) return;
			settled = true;
			deadline.removeEventListener('abort', onDeadline);
			if (error) {
				discard({ body }, hangUp);
				reject(error);
			} else {
				resolve(Buffer.concat(chunks, size).toString('utf8'));
			}
		};
		const onDeadline = () => finish(new BodyError('deadline', size));
		if (deadline.aborted) return onDeadline();
		deadline.addEventListener('abort', onDeadline, { once: true });
		body.on('data', (chunk) => {
			if (settled) return;
			const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
			size += bytes.length;
			if (size > maxBytes) return finish(new BodyError('tooLarge', size));
			chunks.push(bytes);
		});
		body.on('end', () => finish());
		body.on('error', (error) => finish(error));
		// A connection closed before the end of the body is a network failure, not an empty answer.
		body.on('close', () =>
			finish(
				Object.assign(new Error('the connection closed before the answer was complete'), {
					code: 'ECONNRESET',
				}),
			),
		);
	});
}

/** JSON when the answer says it is JSON or looks like an object or list, else the text itself (a web page, a proxy's message). */
export function parseBody(text: string, contentType = ''): unknown {
	if (text === '') return '';
	const start = text.trimStart()[0];
	if (!/\bjson\b/i.test(contentType) && start !== '{' && start !== '[') return text;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

/** Response headers as plain lower-case text (n8n hands over axios' own header class). */
export function plainHeaders(headers: unknown): Record<string, string> {
	const plain: Record<string, string> = {};
	if (typeof headers !== 'object' || headers === null) return plain;
	for (const [name, value] of Object.entries(headers as IDataObject)) {
		if (value === undefined || value === null) continue;
		plain[name.toLowerCase()] = Array.isArray(value) ? value.map(String).join(', ') : String(value);
	}
	return plain;
}
