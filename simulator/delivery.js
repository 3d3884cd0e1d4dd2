'use strict';
// One HTTP request from the simulator to a webhook receiver, bounded in time. Every request in
// flight and every timer is tracked, so that `cancelAll()` (the simulator's close or reset) leaves
// nothing behind, and neither keeps the process alive: a stalled receiver never holds it open.
const http = require('node:http');
const https = require('node:https');

/** Bytes of a receiver's answer that are kept (the rest is read and dropped). */
const ANSWER_CAP = 64 * 1024;

function createOutbox() {
	/** Each request in flight, with what ends its promise. */
	const requests = new Map();
	const timers = new Set();
	/** Bumped by cancelAll(): work begun before it must not schedule more. */
	let generation = 0;

	/** A timer that is forgotten when it fires and cancelled by cancelAll(); unref'd. */
	function later(ms, fn) {
		const timer = setTimeout(() => {
			timers.delete(timer);
			fn();
		}, ms);
		timer.unref();
		timers.add(timer);
		return timer;
	}

	/**
	 * Sends one request; resolves (never rejects) { status?, body, error?, ms }: `error` is
	 * 'timeout' when no whole answer came within timeoutMs, or the connection's error code.
	 * @param {string} url
	 * @param {{ method?: string, headers?: Record<string, string>, body?: string, timeoutMs: number }} options
	 */
	function send(url, { method = 'POST', headers = {}, body, timeoutMs }) {
		const started = Date.now();
		return new Promise((resolve) => {
			let done = false;
			let req;
			const finish = (outcome) => {
				if (done) return;
				done = true;
				clearTimeout(timer);
				timers.delete(timer);
				requests.delete(req);
				resolve({ ...outcome, ms: Date.now() - started });
			};
			const timer = later(timeoutMs, () => {
				finish({ error: 'timeout', body: '' });
				req?.destroy();
			});
			let target;
			try {
				target = new URL(url);
			} catch {
				return finish({ error: 'invalid URL', body: '' });
			}
			const client = target.protocol === 'https:' ? https : http;
			const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
			try {
				req = client.request(target, {
					method,
					agent: false, // one connection per attempt, closed after it: nothing pooled to clean up
					headers: {
						'user-agent': 'WAPing-Simulator/1',
						...(payload ? { 'content-length': String(payload.length) } : {}),
						...headers,
					},
				});
			} catch (e) {
				return finish({ error: e instanceof Error ? e.message : String(e), body: '' });
			}
			requests.set(req, finish);
			req.on('socket', (socket) => socket.unref());
			req.on('error', (e) => finish({ error: /** @type {any} */ (e).code ?? e.message, body: '' }));
			req.on('response', (res) => {
				const chunks = [];
				let size = 0;
				res.on('data', (c) => {
					if (size < ANSWER_CAP) chunks.push(c);
					size += c.length;
				});
				res.on('end', () =>
					finish({
						status: res.statusCode,
						body: Buffer.concat(chunks).toString('utf8').slice(0, ANSWER_CAP),
					}),
				);
				res.on('error', (e) => finish({ error: e.message, body: '' }));
			});
			req.end(payload);
		});
	}

	/** Cancels every timer and destroys every request in flight. */
	function cancelAll() {
		for (const timer of timers) clearTimeout(timer);
		timers.clear();
		generation++;
		for (const [req, finish] of [...requests]) {
			finish({ error: 'cancelled', body: '' });
			req.destroy();
		}
		requests.clear();
	}

	return {
		send,
		later,
		cancelAll,
		get generation() {
			return generation;
		},
		/** Timers and requests still pending (for tests of close()). */
		pending: () => ({ timers: timers.size, requests: requests.size }),
	};
}

module.exports = { createOutbox };
