'use strict';
// How the simulator signs a webhook delivery, per scheme of the webhook contract
// (/work/wt/webhook-contract.md; the node's assumptions.ts "Webhooks"). Pure: no clock, no I/O.
const crypto = require('node:crypto');

const SCHEMES = ['hmacSha256', 'standardWebhooks', 'sharedSecret', 'none'];
const FORMATS = ['hex', 'base64', 'sha256=hex', 'sha256=base64'];
const DEFAULT_HEADER = { hmacSha256: 'x-waping-signature', sharedSecret: 'x-waping-secret' };

/** The HMAC-SHA256 of the raw body, in one of FORMATS. */
function hmacSignature(secret, rawBody, format = 'hex') {
	const encoding = format.endsWith('base64') ? 'base64' : 'hex';
	const digest = crypto.createHmac('sha256', secret).update(rawBody).digest(encoding);
	return format.startsWith('sha256=') ? `sha256=${digest}` : digest;
}

/** Standard Webhooks' key: the bytes after `whsec_` base64-decoded, else the secret's UTF-8 bytes. */
function standardKey(secret) {
	return secret.startsWith('whsec_')
		? Buffer.from(secret.slice('whsec_'.length), 'base64')
		: Buffer.from(secret, 'utf8');
}

/** Standard Webhooks' `v1,<base64>` over `${id}.${timestamp}.${rawBody}`. */
function standardSignature(secret, id, timestamp, rawBody) {
	const signed = `${id}.${timestamp}.${rawBody}`;
	return `v1,${crypto.createHmac('sha256', standardKey(secret)).update(signed).digest('base64')}`;
}

/**
 * The headers that sign `rawBody` for a registration: { scheme, secret, header?, format? }.
 * `id` is the event id (Standard Webhooks' webhook-id, the same on every retry); `timestamp` is
 * unix seconds at this attempt.
 * @param {{ scheme: string, secret?: string, header?: string, format?: string }} registration
 * @param {string} rawBody
 * @param {{ id: string, timestamp: number }} at
 * @returns {Record<string, string>}
 */
function signatureHeaders(registration, rawBody, { id, timestamp }) {
	const { scheme, secret = '', header, format } = registration;
	if (scheme === 'hmacSha256')
		return {
			[(header ?? DEFAULT_HEADER.hmacSha256).toLowerCase()]: hmacSignature(secret, rawBody, format),
		};
	if (scheme === 'sharedSecret')
		return { [(header ?? DEFAULT_HEADER.sharedSecret).toLowerCase()]: secret };
	if (scheme === 'standardWebhooks')
		return {
			'webhook-id': id,
			'webhook-timestamp': String(timestamp),
			'webhook-signature': standardSignature(secret, id, timestamp, rawBody),
		};
	return {};
}

module.exports = {
	SCHEMES,
	FORMATS,
	DEFAULT_HEADER,
	hmacSignature,
	standardSignature,
	signatureHeaders,
};
