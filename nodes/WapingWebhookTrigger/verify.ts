/**
 * Whether a delivery comes from WAPing: the schemes the node supports (assumptions.ts, Webhooks),
 * each checked on the raw body bytes in constant time. Pure: headers, body, secret and clock in; a
 * verdict out, whose reason never holds the secret or a signature.
 */
import { createHash, createHmac, timingSafeEqual } from 'crypto';
import type { IWebhookFunctions } from 'n8n-workflow';

import { HMAC_PREFIX, STANDARD_SECRET_PREFIX, WEBHOOK_HEADERS } from '../shared/assumptions';

export type IncomingHttpHeaders = ReturnType<IWebhookFunctions['getHeaderData']>;

export const SCHEMES = ['hmacSha256', 'standardWebhooks', 'sharedSecret', 'none'] as const;
export type Scheme = (typeof SCHEMES)[number];

export interface VerifySettings {
	scheme: Scheme;
	/** The credential's Webhook Signing Secret ('' when not set). */
	secret: string;
	/** The header holding the signature (hmacSha256) or the secret (sharedSecret), lower case. */
	header: string;
	/** Standard Webhooks: how far the timestamp may be from now, both ways. */
	toleranceSeconds: number;
	nowMs: number;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/** The default header of a scheme, when the user left Header Name empty. */
export function defaultHeader(scheme: Scheme): string {
	return scheme === 'sharedSecret' ? WEBHOOK_HEADERS.sharedSecret : WEBHOOK_HEADERS.hmacSignature;
}

/** Every value of a header (a repeated header arrives as a list). */
function values(headers: IncomingHttpHeaders, name: string): string[] {
	const value = headers[name.toLowerCase()];
	if (value === undefined) return [];
	return (Array.isArray(value) ? value : [value]).map((v) => String(v).trim()).filter(Boolean);
}

/** Constant time for equal lengths; a different length is not a secret (digests have one length). */
function sameBytes(a: Buffer, b: Buffer): boolean {
	return a.length === b.length && timingSafeEqual(a, b);
}

/** A signature as bytes: 64 hex digits, else base64 (standard or URL-safe); undefined when neither. */
function signatureBytes(text: string): Buffer | undefined {
	const value = text.toLowerCase().startsWith(HMAC_PREFIX) ? text.slice(HMAC_PREFIX.length) : text;
	if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
	if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return Buffer.from(value, 'base64');
	return undefined;
}

function hmacSha256(key: Buffer | string, ...parts: Buffer[]): Buffer {
	const hmac = createHmac('sha256', key);
	for (const part of parts) hmac.update(part);
	return hmac.digest();
}

function verifyHmac(settings: VerifySettings, headers: IncomingHttpHeaders, raw: Buffer): Verdict {
	const given = values(headers, settings.header);
	if (given.length === 0) return { ok: false, reason: `no ${settings.header} header` };
	const expected = hmacSha256(settings.secret, raw);
	// Every value is checked (no early exit): a repeated header may carry an old and a new signature.
	let match = false;
	for (const value of given) {
		const bytes = signatureBytes(value);
		if (bytes && sameBytes(bytes, expected)) match = true;
	}
	return match
		? { ok: true }
		: { ok: false, reason: `the ${settings.header} signature does not match the body` };
}

function verifySharedSecret(settings: VerifySettings, headers: IncomingHttpHeaders): Verdict {
	const given = values(headers, settings.header);
	if (given.length === 0) return { ok: false, reason: `no ${settings.header} header` };
	// Hashed first so that the comparison takes the same time whatever the lengths.
	const expected = createHash('sha256').update(settings.secret).digest();
	let match = false;
	for (const value of given) {
		if (sameBytes(createHash('sha256').update(value).digest(), expected)) match = true;
	}
	return match
		? { ok: true }
		: { ok: false, reason: `the ${settings.header} header is not the secret` };
}

/** The Standard Webhooks key: base64 after "whsec_", else the secret's own bytes. */
function standardKey(secret: string): Buffer {
	return secret.startsWith(STANDARD_SECRET_PREFIX)
		? Buffer.from(secret.slice(STANDARD_SECRET_PREFIX.length), 'base64')
		: Buffer.from(secret, 'utf8');
}

function verifyStandard(
	settings: VerifySettings,
	headers: IncomingHttpHeaders,
	raw: Buffer,
): Verdict {
	const [id] = values(headers, WEBHOOK_HEADERS.standardId);
	const [timestamp] = values(headers, WEBHOOK_HEADERS.standardTimestamp);
	const signatures = values(headers, WEBHOOK_HEADERS.standardSignature).flatMap((v) =>
		v.split(' '),
	);
	const missing = [
		id ? undefined : WEBHOOK_HEADERS.standardId,
		timestamp ? undefined : WEBHOOK_HEADERS.standardTimestamp,
		signatures.length ? undefined : WEBHOOK_HEADERS.standardSignature,
	].filter(Boolean);
	if (missing.length) return { ok: false, reason: `no ${missing.join(', ')} header` };
	if (!/^\d{1,12}$/.test(timestamp))
		return { ok: false, reason: `the ${WEBHOOK_HEADERS.standardTimestamp} header is not a time` };
	const skew = Math.floor(settings.nowMs / 1000) - Number(timestamp);
	if (Math.abs(skew) > settings.toleranceSeconds) {
		return {
			ok: false,
			reason: `the ${WEBHOOK_HEADERS.standardTimestamp} is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'}, beyond the tolerance of ${settings.toleranceSeconds} s`,
		};
	}
	const expected = hmacSha256(
		standardKey(settings.secret),
		Buffer.from(`${id}.${timestamp}.`),
		raw,
	);
	let match = false;
	for (const entry of signatures) {
		const comma = entry.indexOf(',');
		if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
		const value = entry.slice(comma + 1);
		if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) continue;
		if (sameBytes(Buffer.from(value, 'base64'), expected)) match = true;
	}
	return match
		? { ok: true }
		: { ok: false, reason: `no v1 signature in ${WEBHOOK_HEADERS.standardSignature} matches` };
}

/** Checks one delivery; "none" accepts everything (the node refuses it at publishing unless confirmed). */
export function verifyDelivery(
	settings: VerifySettings,
	headers: IncomingHttpHeaders,
	raw: Buffer,
): Verdict {
	if (settings.scheme === 'none') return { ok: true };
	if (settings.secret === '')
		return { ok: false, reason: 'the WAPing credential has no Webhook Signing Secret' };
	switch (settings.scheme) {
		case 'hmacSha256':
			return verifyHmac(settings, headers, raw);
		case 'sharedSecret':
			return verifySharedSecret(settings, headers);
		case 'standardWebhooks':
			return verifyStandard(settings, headers, raw);
	}
}
