import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { API_KEY_CHARACTERS, API_KEY_MIN_LENGTH, DASHBOARD_HINT, DEFAULT_BASE_URL, DEVICES_PATH } from './assumptions';
import type { DeclaredPlan } from './plans';
import { isPlanName } from './plans';
import { redactor } from './redact';

export const CREDENTIAL_TYPE = 'wapingApi';

/** What the node needs from the credential, checked. The key itself stays with n8n's auth step. */
export interface Connection {
	/** API root without a trailing slash, e.g. https://api.waping.app */
	baseUrl: string;
	declaredPlan: DeclaredPlan;
	/** Only to redact it from answers; never put in a request by the node. */
	apiKey: string;
	/** The credential as n8n decrypted it, handed back to n8n's auth step so it is not read again. */
	credentials: ICredentialDataDecryptedObject;
}

/** Hosts that plain HTTP may reach: the key never leaves the machine there. */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The version prefix the node adds itself (from DEVICES_PATH, e.g. /v1). */
const VERSION_PREFIX = `/${DEVICES_PATH.split('/')[1]}`;

/** Checks the credential's Base URL; returns it without trailing slashes or an error message. */
export function checkBaseUrl(raw: unknown): { url: string } | { problem: string } {
	if (raw !== undefined && raw !== null && typeof raw !== 'string') {
		return { problem: `it is not text (it is a ${Array.isArray(raw) ? 'list' : typeof raw})` };
	}
	const text = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : DEFAULT_BASE_URL;
	// The URL parser would silently drop tabs and line breaks inside the text: refuse them instead.
	if (/[\s\p{Cc}\p{Cf}]/u.test(text)) return { problem: 'it contains spaces, line breaks or invisible characters' };
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return { problem: `"${text.slice(0, 100)}" is not a URL` };
	}
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) {
		return {
			problem: `it uses ${url.protocol.replace(':', '')}, and the API key may only travel over HTTPS (plain HTTP is allowed for localhost alone)`,
		};
	}
	if (url.username || url.password) return { problem: 'it contains a user name or password' };
	if (url.search || url.hash || /[?#]/.test(text)) return { problem: 'it contains a query (?...) or fragment (#...)' };
	const path = url.pathname.replace(/\/+$/, '');
	const lower = path.toLowerCase();
	if (lower === VERSION_PREFIX || lower.endsWith(VERSION_PREFIX) || lower.includes(`${VERSION_PREFIX}/`)) {
		return { problem: `it ends with ${VERSION_PREFIX} or an API path, and the node adds ${DEVICES_PATH} itself` };
	}
	return { url: `${url.origin}${path}` };
}

/** Why an API key cannot be used as it is, or undefined when it can. */
export function keyProblem(apiKey: string): { message: string; description: string } | undefined {
	if (/^bearer(\s|$)/i.test(apiKey)) {
		return {
			message: 'The API key in the WAPing credential starts with "Bearer"',
			description: 'Paste only the key itself, without "Bearer " in front: the node adds it.',
		};
	}
	if (/\s/.test(apiKey)) {
		return {
			message: 'The API key in the WAPing credential contains spaces',
			description: 'Paste only the key itself, without spaces or line breaks.',
		};
	}
	if (!API_KEY_CHARACTERS.test(apiKey)) {
		return {
			message: 'The API key in the WAPing credential contains characters that cannot be sent',
			description:
				'A key is plain letters, digits and punctuation. Copy it again from the WAPing dashboard; control or accented characters, emoji and invisible characters are not part of it.',
		};
	}
	if (apiKey.length < API_KEY_MIN_LENGTH) {
		return {
			message: 'The API key in the WAPing credential is too short to be a WAPing key',
			description: `Paste the whole key from ${DASHBOARD_HINT} (a key is at least ${API_KEY_MIN_LENGTH} characters).`,
		};
	}
	return undefined;
}

/** Checks the credential's data; a problem is reported as an error of item `itemIndex`. */
export function checkConnection(ctx: IExecuteFunctions, credentials: ICredentialDataDecryptedObject, itemIndex: number): Connection {
	const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey.trim() : '';
	if (apiKey === '') {
		throw new NodeOperationError(ctx.getNode(), 'The WAPing credential has no API key', {
			itemIndex,
			description: `Open the WAPing credential and paste a key from ${DASHBOARD_HINT}.`,
		});
	}
	const problem = keyProblem(apiKey);
	if (problem) throw new NodeOperationError(ctx.getNode(), problem.message, { itemIndex, description: problem.description });
	const baseUrl = checkBaseUrl(credentials.baseUrl);
	if ('problem' in baseUrl) {
		throw new NodeOperationError(ctx.getNode(), 'The Base URL in the WAPing credential cannot be used', {
			itemIndex,
			// The problem may quote the Base URL, and a key pasted into it must not show.
			description: redactor(apiKey)(`The Base URL is refused because ${baseUrl.problem}. Use the API root, e.g. ${DEFAULT_BASE_URL}.`),
		});
	}
	if (baseUrl.url.includes(apiKey) || baseUrl.url.includes(encodeURIComponent(apiKey))) {
		throw new NodeOperationError(ctx.getNode(), 'The Base URL in the WAPing credential contains the API key', {
			itemIndex,
			description: `Put the key in the API Key field only; the Base URL is the API root, e.g. ${DEFAULT_BASE_URL}. A key in a URL ends up in logs.`,
		});
	}
	const plan = credentials.plan;
	return { baseUrl: baseUrl.url, declaredPlan: isPlanName(plan) ? plan : 'auto', apiKey, credentials };
}
