/**
 * What makes a WAPing credential usable, checked the same way by the node before its first request
 * and by the credential itself on every request it authenticates (so the credential dialog's Test
 * applies the node's rules and shows the node's words).
 */
import type { ICredentialDataDecryptedObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	API_KEY_CHARACTERS,
	API_KEY_MIN_LENGTH,
	DASHBOARD_HINT,
	DEFAULT_BASE_URL,
	DEVICES_PATH,
} from './assumptions';
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

/** What is wrong with a credential: what happened, and how to fix it. */
export interface CredentialProblem {
	message: string;
	description: string;
}

/** Hosts that plain HTTP may reach: the key never leaves the machine there. */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The version prefix the node adds itself (from DEVICES_PATH, e.g. /v1). */
const VERSION_PREFIX = `/${DEVICES_PATH.split('/')[1]}`;

/**
 * The key as pasted, made usable: spaces around it and a "Bearer " in front (copied from a curl
 * example) are dropped, since the credential adds "Bearer " itself.
 */
export function normaliseKey(raw: unknown): string {
	if (typeof raw !== 'string') return '';
	return raw
		.trim()
		.replace(/^bearer(\s+|$)/i, '')
		.trim();
}

/** Checks the credential's Base URL; returns it without trailing slashes, or what is wrong with it. */
export function checkBaseUrl(
	raw: unknown,
	redact: (text: string) => string = (text) => text,
): { url: string } | { problem: string } {
	if (raw !== undefined && raw !== null && typeof raw !== 'string') {
		return { problem: `it is not text (it is a ${Array.isArray(raw) ? 'list' : typeof raw})` };
	}
	const text = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : DEFAULT_BASE_URL;
	// The URL parser would silently drop tabs and line breaks inside the text: refuse them instead.
	if (/[\s\p{Cc}\p{Cf}]/u.test(text))
		return { problem: 'it contains spaces, line breaks or invisible characters' };
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		// Redacted before it is cut: a cut could leave part of a key that the redactor would not know.
		return { problem: `"${redact(text).slice(0, 100)}" is not a URL` };
	}
	// The URL parser turns look-alike letters into punycode and "。" or full-width letters into ASCII:
	// the address would not be the one it looks like. Shown as the host the request would go to.
	if (/[^\x21-\x7e]/.test(text)) {
		return {
			problem: `it is not written in plain ASCII (it holds a look-alike letter, such as a Cyrillic "а", or a "。" in place of a dot), so it is not the address it looks like: its host is ${url.hostname}`,
		};
	}
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) {
		return {
			problem: `it uses ${url.protocol.replace(':', '')}, and the API key may only travel over HTTPS (plain HTTP is allowed for localhost alone)`,
		};
	}
	if (url.username || url.password) return { problem: 'it contains a user name or password' };
	if (url.search || url.hash || /[?#]/.test(text))
		return { problem: 'it contains a query (?...) or fragment (#...)' };
	const path = url.pathname.replace(/\/+$/, '');
	const lower = path.toLowerCase();
	if (
		lower === VERSION_PREFIX ||
		lower.endsWith(VERSION_PREFIX) ||
		lower.includes(`${VERSION_PREFIX}/`)
	) {
		return {
			problem: `it ends with ${VERSION_PREFIX} or an API path, and the node adds ${DEVICES_PATH} itself`,
		};
	}
	return { url: `${url.origin}${path}` };
}

/** Why an API key (already normalised) cannot be used as it is, or undefined when it can. */
export function keyProblem(apiKey: string): CredentialProblem | undefined {
	if (apiKey === '') {
		return {
			message: 'The WAPing credential has no API key',
			description: `Open the WAPing credential and paste a key from ${DASHBOARD_HINT}.`,
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

/** Whether `text` holds the key in any spelling a URL gives it (any case, percent-encoded). */
function containsKey(text: string, apiKey: string): boolean {
	const lower = text.toLowerCase();
	let decoded = lower;
	try {
		decoded = decodeURIComponent(lower);
	} catch {
		// A stray % is not an encoding: the text as it is was checked.
	}
	const key = apiKey.toLowerCase();
	return (
		lower.includes(key) ||
		decoded.includes(key) ||
		lower.includes(encodeURIComponent(apiKey).toLowerCase())
	);
}

/** The credential's data, checked: a usable connection, or the first problem a user must fix. */
export function checkCredential(
	credentials: ICredentialDataDecryptedObject,
): { connection: Connection } | { problem: CredentialProblem } {
	const apiKey = normaliseKey(credentials.apiKey);
	const problem = keyProblem(apiKey);
	if (problem) return { problem };
	const raw = credentials.baseUrl;
	// A key pasted into the Base URL would travel in the URL (and a DNS lookup): refused before anything.
	if (typeof raw === 'string' && containsKey(raw, apiKey)) {
		return {
			problem: {
				message: 'The Base URL in the WAPing credential contains the API key',
				description: `Put the key in the API Key field only; the Base URL is the API root, e.g. ${DEFAULT_BASE_URL}. A key in a URL ends up in logs.`,
			},
		};
	}
	const baseUrl = checkBaseUrl(raw, redactor(apiKey));
	if ('problem' in baseUrl) {
		return {
			problem: {
				message: 'The Base URL in the WAPing credential cannot be used',
				description: `The Base URL is refused because ${baseUrl.problem}. Use the API root, e.g. ${DEFAULT_BASE_URL}.`,
			},
		};
	}
	const plan = credentials.plan;
	return {
		connection: {
			baseUrl: baseUrl.url,
			declaredPlan: isPlanName(plan) ? plan : 'auto',
			apiKey,
			credentials: { ...credentials, apiKey },
		},
	};
}

/**
 * The credential's data checked for a node (the WAPing node, its device picker, the trigger): the
 * connection, or the node's error in the problem's words.
 */
export function connectionOf(
	node: INode,
	credentials: ICredentialDataDecryptedObject,
	itemIndex?: number,
): Connection {
	const checked = checkCredential(credentials);
	if ('problem' in checked) {
		throw new NodeOperationError(node, checked.problem.message, {
			itemIndex,
			description: checked.problem.description,
		});
	}
	return checked.connection;
}
