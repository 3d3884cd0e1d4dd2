'use strict';
// A local stand-in for the WAPing REST API, as WAPING-API.md describes it, for tests and for trying
// the node by hand. Listens on loopback only. Control routes under /__sim let another process
// (n8n, an end-to-end script) read what the server saw and inject faults.
//
// Faults (see index.d.ts for every field) are queued with `inject()`. Each request takes the first
// queued fault whose `path` matches; a fault answers `times` requests, then it is used up and the
// simulator answers normally again. So "fail twice, then succeed" is one fault with `times: 2`, and
// faults injected in sequence are served in sequence.
const http = require('node:http');
const { demoSeed } = require('./seed');

const json = (res, status, body, headers = {}) => {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
	res.end(text);
};

const apiError = (res, status, code, message) => json(res, status, { error: { code, message } });

/** Lower-cases header names so a fault's headers replace the defaults instead of doubling them. */
const lowerKeys = (headers = {}) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

/** What the request's Authorization header carried: the whole header and the key after "Bearer ". */
function credentialsOf(req) {
	const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
	const match = /^Bearer\s+(.*)$/i.exec(authorization);
	return { authorization, key: match ? match[1] : '' };
}

/** Replaces {{key}} and {{authorization}} in strings, deep in objects: the server echoing the secret. */
function echo(value, creds) {
	if (typeof value === 'string') return value.split('{{key}}').join(creds.key).split('{{authorization}}').join(creds.authorization);
	if (Array.isArray(value)) return value.map((entry) => echo(entry, creds));
	if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [echo(k, creds), echo(v, creds)]));
	}
	return value;
}

/** Retry-After as sent: seconds for a number, an HTTP date for a Date, a string as is. */
function retryAfterHeader(value) {
	if (value === undefined || value === null) return undefined;
	if (value instanceof Date) return value.toUTCString();
	return String(value);
}

/** The headers a fault adds: its own, plus Retry-After and Location from the shorthands. */
function faultHeaders(fault, creds) {
	const headers = lowerKeys(echo(fault.headers ?? {}, creds));
	const retryAfter = retryAfterHeader(fault.retryAfter);
	if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
	if (fault.redirectTo) headers.location = echo(fault.redirectTo, creds);
	return headers;
}

/** @param {{ port?: number, host?: string, seed?: import('./index').Seed, log?: (line: string) => void }} [options] */
async function startSimulator(options = {}) {
	const { host = '127.0.0.1', port = 0, log } = options;
	let seed = options.seed ?? demoSeed();
	/** @type {import('./index').RecordedRequest[]} */
	const requests = [];
	/** @type {import('./index').Fault[]} */
	let faults = [];

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			const url = new URL(req.url ?? '/', 'http://simulator');
			if (url.pathname.startsWith('/__sim/')) return control(url.pathname, req.method ?? 'GET', body, res);
			/** @type {import('./index').RecordedRequest} */
			const record = { method: req.method ?? 'GET', path: req.url ?? '/', headers: { ...req.headers }, body, at: Date.now() };
			requests.push(record);
			res.on('finish', () => {
				record.status = res.statusCode;
			});
			log?.(`${req.method} ${url.pathname}`);
			const fault = takeFault(url.pathname);
			if (fault) {
				record.fault = fault.label ?? describeFault(fault);
				return answerWithFault(fault, req, res, record, body);
			}
			api(req.method ?? 'GET', url, req.headers, body, res);
		});
	});

	function takeFault(path) {
		const fault = faults.find((f) => !f.path || path.startsWith(f.path));
		if (!fault) return undefined;
		fault.times = (fault.times ?? 1) - 1;
		if (fault.times <= 0) faults = faults.filter((f) => f !== fault);
		return fault;
	}

	function describeFault(fault) {
		if (fault.reset) return 'reset';
		if (fault.drop) return 'drop';
		if (fault.truncate) return 'truncate';
		if (fault.trickleMs) return `trickle ${fault.trickleMs}ms`;
		if (fault.passThrough) return fault.delayMs ? `latency ${fault.delayMs}ms` : 'pass-through';
		if (fault.redirectTo) return `redirect ${fault.status ?? 302}`;
		return `status ${fault.status ?? 500}`;
	}

	function answerWithFault(fault, req, res, record, requestBody) {
		const creds = credentialsOf(req);
		const answer = () => {
			if (res.destroyed || req.socket.destroyed) return;
			if (fault.reset) {
				record.dropped = true;
				return req.socket.resetAndDestroy();
			}
			if (fault.drop) {
				record.dropped = true;
				return req.socket.destroy();
			}
			const headers = faultHeaders(fault, creds);
			if (fault.passThrough) {
				const url = new URL(req.url ?? '/', 'http://simulator');
				return api(req.method ?? 'GET', url, req.headers, requestBody, res, headers);
			}
			const raw = fault.body === undefined ? '' : echo(fault.body, creds);
			const body = Buffer.isBuffer(raw) ? raw : Buffer.from(typeof raw === 'string' ? raw : JSON.stringify(raw), 'utf8');
			const type = typeof fault.body === 'string' || Buffer.isBuffer(fault.body) ? 'text/plain' : 'application/json';
			const status = fault.status ?? (fault.redirectTo ? 302 : 500);
			if (fault.trickleMs) {
				// Headers at once, then the body one byte every trickleMs: never idle, never done in time.
				res.writeHead(status, { 'content-type': type, 'content-length': body.length, ...headers });
				let sent = 0;
				const timer = setInterval(() => {
					if (res.destroyed || sent >= body.length) {
						clearInterval(timer);
						if (!res.destroyed) res.end();
						return;
					}
					res.write(body.subarray(sent, sent + 1));
					sent += 1;
				}, fault.trickleMs);
				res.on('close', () => clearInterval(timer));
				return;
			}
			if (fault.truncate) {
				// Promise the whole body, send half of it, then hang up.
				record.dropped = true;
				res.writeHead(status, { 'content-type': type, 'content-length': body.length, ...headers });
				res.write(body.subarray(0, Math.floor(body.length / 2)));
				return setTimeout(() => req.socket.destroy(), 5);
			}
			res.writeHead(status, { 'content-type': type, 'content-length': body.length, ...headers });
			res.end(body);
		};
		if (fault.delayMs) setTimeout(answer, fault.delayMs);
		else answer();
	}

	/** The caller's key and workspace, or undefined after `refuse` answered 401/403. */
	function authenticate(headers, refuse) {
		const header = headers.authorization;
		const match = typeof header === 'string' ? /^Bearer (\S+)$/.exec(header) : null;
		if (!match) return void refuse(401, 'UNAUTHORIZED', 'Missing or malformed API key. Send Authorization: Bearer <key>.');
		const key = seed.keys.find((k) => k.key === match[1]);
		if (!key) return void refuse(401, 'UNAUTHORIZED', 'API key is not valid.');
		if (key.revoked) return void refuse(401, 'UNAUTHORIZED', 'API key has been revoked.');
		const workspace = seed.workspaces.find((w) => w.id === key.workspace);
		if (!workspace) return void refuse(401, 'UNAUTHORIZED', 'API key is not valid.');
		if (workspace.plan === 'free') {
			return void refuse(403, 'FORBIDDEN', 'Your plan (Free) does not include REST API access. Upgrade to Starter or above.');
		}
		return { key, workspace };
	}

	/** The normal answer; `extraHeaders` are added to it (a pass-through fault's headers). */
	function api(method, url, headers, body, res, extraHeaders = {}) {
		const send = (status, payload) => json(res, status, payload, extraHeaders);
		const refuse = (status, code, message) => send(status, { error: { code, message } });
		const caller = authenticate(headers, refuse);
		if (!caller) return;
		const requireScope = (scope) => {
			if (caller.key.scopes.includes(scope)) return true;
			refuse(403, 'FORBIDDEN', `This API key lacks the ${scope} scope.`);
			return false;
		};
		if (method === 'GET' && url.pathname === '/v1/devices') {
			if (!requireScope('devices:read')) return;
			return send(200, { data: caller.workspace.devices });
		}
		if (method === 'POST' && url.pathname === '/v1/messages') {
			if (!requireScope('messages:send')) return;
			return sendMessage(caller.workspace, body, res);
		}
		refuse(404, 'NOT_FOUND', `No route ${method} ${url.pathname}.`);
	}

	function sendMessage(workspace, body, res) {
		let message;
		try {
			message = JSON.parse(body);
		} catch {
			return apiError(res, 400, 'VALIDATION_ERROR', 'Body is not valid JSON.');
		}
		if (!/^\+[1-9]\d{6,14}$/.test(String(message?.to))) return apiError(res, 400, 'VALIDATION_ERROR', '"to" must be an E.164 number.');
		const device = workspace.devices.find((d) => d.id === message.deviceId);
		if (!device) return apiError(res, 404, 'NOT_FOUND', `Device ${message.deviceId} not found.`);
		if (String(device.status).toLowerCase() !== 'connected') {
			return apiError(res, 409, 'SESSION_DISCONNECTED', `Device ${device.id} is not connected.`);
		}
		json(res, 202, { id: `msg_${requests.length}`, status: 'queued', deviceId: device.id });
	}

	function control(path, method, body, res) {
		if (path === '/__sim/requests' && method === 'GET') return json(res, 200, { requests });
		if (path === '/__sim/reset' && method === 'POST') {
			reset();
			return json(res, 200, { ok: true });
		}
		if (path === '/__sim/faults' && method === 'POST') {
			const parsed = JSON.parse(body || '{}');
			for (const fault of Array.isArray(parsed) ? parsed : [parsed]) inject(fault);
			return json(res, 200, { ok: true });
		}
		if (path === '/__sim/faults' && method === 'DELETE') {
			faults = [];
			return json(res, 200, { ok: true });
		}
		json(res, 404, { error: 'unknown control route' });
	}

	function inject(fault) {
		const copy = { ...fault };
		// JSON cannot carry Infinity: a negative or null `times` over the control route means "always".
		if (copy.times === null || (typeof copy.times === 'number' && copy.times < 0)) copy.times = Infinity;
		faults.push(copy);
	}

	function reset() {
		requests.length = 0;
		faults = [];
	}

	/** Requests the API saw (control routes excluded), optionally only those whose path starts with `path`. */
	function seen(path) {
		return path ? requests.filter((r) => r.path.startsWith(path)) : requests.slice();
	}

	const { url, port: boundPort, close } = await listen(server, host, port);

	return {
		url,
		port: boundPort,
		requests,
		get seed() {
			return seed;
		},
		set seed(next) {
			seed = next;
		},
		inject,
		clearFaults: () => void (faults = []),
		pendingFaults: () => faults.map((f) => ({ ...f })),
		reset,
		attempts: (path) => seen(path).length,
		gaps: (path) => {
			const list = seen(path);
			return list.slice(1).map((r, i) => r.at - list[i].at);
		},
		close,
	};
}

/**
 * A second, unrelated server on loopback: the "other origin" a redirect points at. It records every
 * request (with its headers) and answers 200 with a device list, so a client that followed a redirect
 * there would visibly get its answer.
 * @param {{ host?: string, port?: number }} [options]
 */
async function startOtherOrigin(options = {}) {
	const { host = '127.0.0.1', port = 0 } = options;
	/** @type {import('./index').RecordedRequest[]} */
	const requests = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			requests.push({
				method: req.method ?? 'GET',
				path: req.url ?? '/',
				headers: { ...req.headers },
				body: Buffer.concat(chunks).toString('utf8'),
				at: Date.now(),
			});
			json(res, 200, { data: [{ id: 'dev_other_origin', status: 'connected' }] });
		});
	});
	const { url, port: boundPort, close } = await listen(server, host, port);
	return {
		url,
		port: boundPort,
		requests,
		get receivedAuthorization() {
			return requests.some((r) => r.headers.authorization !== undefined);
		},
		close,
	};
}

/** Listens on loopback; `close` also ends open connections, so a test never waits on keep-alive. */
async function listen(server, host, port) {
	const sockets = new Set();
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, resolve);
	});
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://${host}:${address.port}`,
		port: address.port,
		close: () =>
			new Promise((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}

module.exports = { startSimulator, startOtherOrigin };
