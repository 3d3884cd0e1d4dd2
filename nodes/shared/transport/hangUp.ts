/** An attempt's own way to close its connection, whatever state the answer is in. */
import type { IHttpRequestOptions } from 'n8n-workflow';

/**
 * The handle on one attempt's socket. n8n hands the answer over as axios' stream, which is a
 * wrapper (Readable.from, axios' size check on streams) around the socket's IncomingMessage:
 * destroying the wrapper while a stalled body keeps it waiting never reaches the socket. What does
 * is the request's abort signal: axios then destroys the request, and with it the socket, before or
 * after the headers. So every attempt carries a signal of its own, which also follows the
 * execution's cancel signal.
 */
export interface Line {
	signal: AbortSignal;
	/** Destroys the attempt's socket (nothing happens once its answer was read to the end). */
	hangUp(): void;
	/** Stops following the execution's cancel signal; call once the attempt is over. */
	release(): void;
}

export function openLine(cancel: AbortSignal | undefined): Line {
	const own = new AbortController();
	const hangUp = () => {
		if (!own.signal.aborted) own.abort();
	};
	if (cancel?.aborted) hangUp();
	else cancel?.addEventListener('abort', hangUp, { once: true });
	return {
		signal: own.signal,
		hangUp,
		release: () => cancel?.removeEventListener('abort', hangUp),
	};
}

/**
 * The request options with the line's signal as their abort signal. n8n's
 * httpRequestWithAuthentication sets `abortSignal` to the execution's cancel signal, over whatever
 * the node gave; the line follows that signal anyway, so the replacement is ignored here rather than
 * losing the only way to close this attempt's socket.
 */
export function onLine(options: IHttpRequestOptions, line: Line): IHttpRequestOptions {
	const withSignal = { ...options };
	Object.defineProperty(withSignal, 'abortSignal', {
		enumerable: true,
		configurable: true,
		get: () => line.signal,
		set: () => undefined,
	});
	return withSignal;
}
