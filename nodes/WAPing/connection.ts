import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DASHBOARD_HINT, DEFAULT_BASE_URL } from './assumptions';
import type { DeclaredPlan } from './plans';
import { isPlanName } from './plans';

export const CREDENTIAL_TYPE = 'wapingApi';

/** What the node needs from the credential, checked. The key itself stays with n8n's auth step. */
export interface Connection {
	/** API root without a trailing slash, e.g. https://api.waping.app */
	baseUrl: string;
	declaredPlan: DeclaredPlan;
	/** Only to redact it from answers; never put in a request by the node. */
	apiKey: string;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Checks the credential's Base URL; returns it without trailing slashes or an error message. */
export function checkBaseUrl(raw: unknown): { url: string } | { problem: string } {
	const text = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : DEFAULT_BASE_URL;
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return { problem: `"${text}" is not a URL` };
	}
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) {
		return { problem: `it uses ${url.protocol.replace(':', '')}, and the API key may only travel over HTTPS (plain HTTP is allowed for localhost alone)` };
	}
	if (url.username || url.password) return { problem: 'it contains a user name or password' };
	if (url.search || url.hash) return { problem: 'it contains a query (?...) or fragment (#...)' };
	return { url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/** Reads and checks the credential for one item (n8n may resolve credentials per item). */
export async function readConnection(ctx: IExecuteFunctions, itemIndex: number): Promise<Connection> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE, itemIndex);
	const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey.trim() : '';
	if (apiKey === '') {
		throw new NodeOperationError(ctx.getNode(), 'The WAPing credential has no API key', {
			itemIndex,
			description: `Open the WAPing credential and paste a key from ${DASHBOARD_HINT}.`,
		});
	}
	if (/^bearer\s/i.test(apiKey) || /\s/.test(apiKey)) {
		throw new NodeOperationError(ctx.getNode(), 'The API key in the WAPing credential contains spaces', {
			itemIndex,
			description:
				'Paste only the key itself: without a "Bearer " prefix (the node adds it) and without spaces or line breaks.',
		});
	}
	const baseUrl = checkBaseUrl(credentials.baseUrl);
	if ('problem' in baseUrl) {
		throw new NodeOperationError(ctx.getNode(), 'The Base URL in the WAPing credential cannot be used', {
			itemIndex,
			description: `The Base URL is refused because ${baseUrl.problem}. Use the API root, e.g. ${DEFAULT_BASE_URL}.`,
		});
	}
	const plan = credentials.plan;
	return { baseUrl: baseUrl.url, declaredPlan: isPlanName(plan) ? plan : 'auto', apiKey };
}
