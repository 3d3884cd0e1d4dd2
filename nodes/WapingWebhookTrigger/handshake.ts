/** WAPing's URL-verification handshake (assumptions.ts, Webhooks): never starts the workflow. */
import type { IDataObject } from 'n8n-workflow';

import { CHALLENGE_MAX_LENGTH, HANDSHAKE_QUERY_PARAMETERS } from '../shared/assumptions';

/** A challenge that can be echoed: 1 to CHALLENGE_MAX_LENGTH visible ASCII characters. */
export function echoable(challenge: string): boolean {
	return (
		challenge.length >= 1 &&
		challenge.length <= CHALLENGE_MAX_LENGTH &&
		/^[\x21-\x7e]+$/.test(challenge)
	);
}

/** The GET handshake's challenge: from n8n's parsed query, else from the URL itself. */
export function queryChallenge(query: unknown, url: string | undefined): string | undefined {
	const parsed = typeof query === 'object' && query !== null ? (query as IDataObject) : {};
	for (const name of HANDSHAKE_QUERY_PARAMETERS) {
		const value = parsed[name];
		if (typeof value === 'string') return value;
	}
	const nested = parsed.hub;
	if (
		typeof nested === 'object' &&
		nested !== null &&
		typeof (nested as IDataObject).challenge === 'string'
	)
		return (nested as IDataObject).challenge as string;
	if (!url) return undefined;
	try {
		const params = new URL(url, 'http://localhost').searchParams;
		for (const name of HANDSHAKE_QUERY_PARAMETERS) {
			const value = params.get(name);
			if (value !== null) return value;
		}
	} catch {
		// Not a URL: no challenge.
	}
	return undefined;
}
