'use strict';
// The send side of the WAPing simulator: what a careful API does with POST /v1/messages.
//   - Idempotency: the same Idempotency-Key with the same body replays the first answer (marked
//     `Idempotent-Replayed: true`) and accepts no second message; the same key with another body is a
//     409 IDEMPOTENCY_CONFLICT. Keys are per workspace.
//   - Optionally (`processing`), an accepted send takes a while before its answer is final: its answer
//     comes that late, and the same key and body arriving meanwhile is answered 409 "still being
//     processed" (the IETF Idempotency-Key draft), with a configurable code and message.
//   - A rate limit per workspace (a token bucket: `perSecond`, `burst`), answering 429 with a
//     Retry-After in whole seconds, as an HTTP date, or none, as configured.
//   - Every accepted message is recorded, so tests count messages, not requests.
const crypto = require('node:crypto');

const E164 = /^\+[1-9]\d{6,14}$/;

/** A token bucket; `take()` says whether a token was there, or how long until the next one. */
function tokenBucket({ perSecond, burst }, now) {
	let tokens = burst;
	let at = now();
	return {
		take() {
			const t = now();
			tokens = Math.min(burst, tokens + ((t - at) / 1000) * perSecond);
			at = t;
			if (tokens >= 1) {
				tokens -= 1;
				return { ok: true };
			}
			return { ok: false, waitMs: ((1 - tokens) / perSecond) * 1000 };
		},
	};
}

/** Retry-After for a 429 in the configured form: 'seconds' (whole, rounded up), 'date', or 'none'. */
function retryAfter(form, waitMs, now) {
	if (form === 'none') return undefined;
	if (form === 'date') return new Date(now() + Math.max(1000, waitMs)).toUTCString();
	return String(Math.max(1, Math.ceil(waitMs / 1000)));
}

function createMessaging({ now = Date.now } = {}) {
	/** @type {Array<{ id: string, workspace: string, deviceId: string, to: string, text: string, key: string | undefined, at: number }>} */
	const messages = [];
	const idempotency = new Map();
	const buckets = new Map();
	let counter = 0;
	let limit; // { perSecond, burst, retryAfter: 'seconds' | 'date' | 'none' }
	let processing; // { ms, code?, message? }
	let throttled = 0;

	function bucketFor(workspace) {
		if (!limit) return undefined;
		let bucket = buckets.get(workspace.id);
		if (!bucket) {
			bucket = tokenBucket(limit, now);
			buckets.set(workspace.id, bucket);
		}
		return bucket;
	}

	/**
	 * Handles one send; returns { status, body, headers }. `record` says whether the message was
	 * accepted now (a fault may then replace the answer the client gets).
	 */
	function send(workspace, rawBody, headers) {
		const key =
			typeof headers['idempotency-key'] === 'string' ? headers['idempotency-key'] : undefined;
		const bodyHash = crypto.createHash('sha256').update(rawBody).digest('hex');
		const stored = key !== undefined ? idempotency.get(`${workspace.id}\u0000${key}`) : undefined;
		if (stored) {
			if (stored.bodyHash !== bodyHash) {
				return error(
					409,
					'IDEMPOTENCY_CONFLICT',
					'This Idempotency-Key was used with a different request body.',
				);
			}
			if (now() < stored.readyAt) {
				return error(
					409,
					stored.processing.code ?? 'IDEMPOTENCY_CONFLICT',
					stored.processing.message ??
						'A request with this Idempotency-Key is still being processed.',
				);
			}
			return {
				...stored.answer,
				headers: { ...stored.answer.headers, 'idempotent-replayed': 'true' },
			};
		}
		const bucket = bucketFor(workspace);
		if (bucket) {
			const token = bucket.take();
			if (!token.ok) {
				throttled++;
				const after = retryAfter(limit.retryAfter ?? 'seconds', token.waitMs, now);
				return {
					...error(429, 'RATE_LIMITED', 'Too many messages; slow down.'),
					headers: after === undefined ? {} : { 'retry-after': after },
				};
			}
		}
		let message;
		try {
			message = JSON.parse(rawBody);
		} catch {
			return error(400, 'VALIDATION_ERROR', 'Body is not valid JSON.');
		}
		if (!message || typeof message !== 'object')
			return error(400, 'VALIDATION_ERROR', 'Body must be a JSON object.');
		if (!E164.test(String(message.to)))
			return error(400, 'VALIDATION_ERROR', '"to" must be an E.164 number.');
		if (
			message.type !== 'text' ||
			typeof message.text?.body !== 'string' ||
			message.text.body === ''
		) {
			return error(400, 'VALIDATION_ERROR', 'A text message needs type "text" and text.body.');
		}
		const device = workspace.devices.find((d) => d.id === message.deviceId);
		if (!device) return error(404, 'NOT_FOUND', `Device ${message.deviceId} not found.`);
		if (String(device.status).toLowerCase() !== 'connected') {
			return error(409, 'SESSION_DISCONNECTED', `Device ${device.id} is not connected.`);
		}
		counter++;
		const id = `msg_${String(counter).padStart(6, '0')}`;
		messages.push({
			id,
			workspace: workspace.id,
			deviceId: device.id,
			to: message.to,
			text: message.text.body,
			key,
			at: now(),
		});
		const answer = {
			status: 202,
			body: { id, status: 'queued', deviceId: device.id },
			headers: {},
		};
		const processingMs = processing?.ms ?? 0;
		if (key !== undefined)
			idempotency.set(`${workspace.id}\u0000${key}`, {
				bodyHash,
				answer,
				readyAt: now() + processingMs,
				processing: processing ?? {},
			});
		return { ...answer, accepted: true, ...(processingMs > 0 ? { delayMs: processingMs } : {}) };
	}

	function error(status, code, message) {
		return { status, body: { error: { code, message } }, headers: {} };
	}

	return {
		messages,
		send,
		get throttled() {
			return throttled;
		},
		/** Sets (or with undefined, removes) the rate limit; buckets start full. */
		setRateLimit(next) {
			limit = next ? { retryAfter: 'seconds', ...next } : undefined;
			buckets.clear();
		},
		get rateLimit() {
			return limit;
		},
		/** Sets (or with undefined, removes) how long an accepted send is processed before its answer. */
		setProcessing(next) {
			processing = next && next.ms > 0 ? { ...next } : undefined;
		},
		reset() {
			messages.length = 0;
			idempotency.clear();
			buckets.clear();
			throttled = 0;
			counter = 0;
			processing = undefined;
		},
	};
}

module.exports = { createMessaging, tokenBucket };
