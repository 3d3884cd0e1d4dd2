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
const { createMessaging } = require('./messages');
const { demoSeed } = require('./seed');
const { createWebhooks } = require('./webhooks');
const { pageHtml, viewHtml, pageState } = require('./page');
const { seededRandom } = require('./random');

const json = (res, status, body, headers = {}) => {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
};

const html = (res, text) => {
	res.writeHead(200, {
		'content-type': 'text/html; charset=utf-8',
		'content-length': Buffer.byteLength(text),
		'cache-control': 'no-store',
	});
	res.end(text);
};

/** Lower-cases header names so a fault's headers replace the defaults instead of doubling them. */
const lowerKeys = (headers = {}) =>
	Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

/** What the request's Authorization header carried: the whole header and the key after "Bearer ". */
function credentialsOf(req) {
	const authorization =
		typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
	const match = /^Bearer\s+(.*)$/i.exec(authorization);
	return { authorization, key: match ? match[1] : '' };
}

/** Replaces {{key}} and {{authorization}} in strings, deep in objects: the server echoing the secret. */
function echo(value, creds) {
	if (typeof value === 'string')
		return value
			.split('{{key}}')
			.join(creds.key)
			.split('{{authorization}}')
			.join(creds.authorization);
	if (Array.isArray(value)) return value.map((entry) => echo(entry, creds));
	if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
		return Object.fromEntries(
			Object.entries(value).map(([k, v]) => [echo(k, creds), echo(v, creds)]),
		);
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
	const messaging = createMessaging();
	/** Random faults on sends (see index.d.ts Chaos), and the generator that draws them. */
	let chaos;
	let random = seededRandom(1);
	/** Devices to disconnect once the workspace has accepted so many messages. */
	let disconnects = [];
	const webhooks = createWebhooks({ findWorkspace, deviceById, log });

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			const url = new URL(req.url ?? '/', 'http://simulator');
			// A browser on the page asks for an icon: not an API request (no key, no 401 in the log).
			if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
			if (url.pathname === '/' || url.pathname === '/__sim' || url.pathname.startsWith('/__sim/')) {
				try {
					return control(url.pathname, req.method ?? 'GET', body, res);
				} catch (e) {
					// A body that is not JSON is the caller's mistake: a 400, not the simulator (and npm run dev) gone.
					return json(res, 400, { error: `the body is not JSON: ${String(e && e.message)}` });
				}
			}
			/** @type {import('./index').RecordedRequest} */
			const record = {
				method: req.method ?? 'GET',
				path: req.url ?? '/',
				headers: { ...req.headers },
				body,
				at: Date.now(),
			};
			requests.push(record);
			res.on('finish', () => {
				record.status = res.statusCode;
			});
			log?.(`${req.method} ${url.pathname}`);
			const fault = takeFault(url.pathname, req.method) ?? chaosFault(url.pathname, req.method);
			if (fault) {
				record.fault = fault.label ?? describeFault(fault);
				return answerWithFault(fault, req, res, record, body);
			}
			api(req.method ?? 'GET', url, req.headers, body, res);
		});
	});

	function takeFault(path, method) {
		const now = Date.now();
		faults = faults.filter((f) => f.until === undefined || f.until > now);
		const fault = faults.find(
			(f) => (!f.path || path.startsWith(f.path)) && (!f.method || f.method === method),
		);
		if (!fault) return undefined;
		if (fault.until !== undefined) return fault;
		fault.times = (fault.times ?? 1) - 1;
		if (fault.times <= 0) faults = faults.filter((f) => f !== fault);
		return fault;
	}

	/** A random fault for a send, drawn from the chaos mix (each kind accepts the message first). */
	function chaosFault(path, method) {
		if (!chaos || method !== 'POST' || !path.startsWith('/v1/messages')) return undefined;
		const draw = random();
		let edge = 0;
		for (const [kind, share] of [
			['acceptThen502', chaos.acceptThen502],
			['acceptThenReset', chaos.acceptThenReset],
			['acceptThenHang', chaos.acceptThenHang],
		]) {
			edge += share ?? 0;
			if (draw < edge) {
				if (kind === 'acceptThen502')
					return {
						afterAccept: true,
						status: 502,
						body: { error: { code: 'BAD_GATEWAY', message: 'upstream failed' } },
						label: 'chaos: accepted, then 502',
					};
				if (kind === 'acceptThenReset')
					return { afterAccept: true, reset: true, label: 'chaos: accepted, then reset' };
				return {
					afterAccept: true,
					passThrough: true,
					delayMs: chaos.hangMs ?? 15_000,
					label: 'chaos: accepted, answered late',
				};
			}
		}
		return undefined;
	}

	function describeFault(fault) {
		if (fault.afterAccept)
			return `accepted, then ${fault.reset ? 'reset' : fault.drop ? 'drop' : fault.passThrough ? `late ${fault.delayMs ?? 0}ms` : `status ${fault.status ?? 500}`}`;
		if (fault.endless) return 'endless body';
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
		if (fault.afterAccept) {
			// The API does its work (a message is accepted), then the answer is lost, late or replaced.
			const url = new URL(req.url ?? '/', 'http://simulator');
			const outcome = handle(req.method ?? 'GET', url, req.headers, requestBody);
			record.accepted = outcome.accepted === true;
			if (fault.passThrough) {
				return void setTimeout(() => {
					if (!res.destroyed && !req.socket.destroyed)
						json(res, outcome.status, outcome.body, outcome.headers);
				}, fault.delayMs ?? 0).unref();
			}
		}
		if (fault.endless) {
			// A 200 whose body never ends and keeps coming fast: a client that gives up must hang up.
			const { chunkBytes = 64 * 1024, everyMs = 2 } =
				typeof fault.endless === 'object' ? fault.endless : {};
			res.writeHead(200, { 'content-type': 'application/json' });
			res.write('{"data":[');
			const chunk = Buffer.alloc(chunkBytes, 0x20);
			const timer = setInterval(() => {
				if (res.destroyed || req.socket.destroyed) return clearInterval(timer);
				res.write(chunk);
			}, everyMs);
			res.on('close', () => clearInterval(timer));
			return;
		}
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
			if (fault.passThrough && !fault.afterAccept) {
				const url = new URL(req.url ?? '/', 'http://simulator');
				return api(req.method ?? 'GET', url, req.headers, requestBody, res, headers);
			}
			const raw = fault.body === undefined ? '' : echo(fault.body, creds);
			const body = Buffer.isBuffer(raw)
				? raw
				: Buffer.from(typeof raw === 'string' ? raw : JSON.stringify(raw), 'utf8');
			const type =
				typeof fault.body === 'string' || Buffer.isBuffer(fault.body)
					? 'text/plain'
					: 'application/json';
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
		// Timers do not keep the process alive: a test may end while a late answer is still pending.
		if (fault.delayMs) setTimeout(answer, fault.delayMs).unref();
		else answer();
	}

	/** The caller's key and workspace, or undefined after `refuse` answered 401/403. */
	function authenticate(headers, refuse) {
		const header = headers.authorization;
		const match = typeof header === 'string' ? /^Bearer (\S+)$/.exec(header) : null;
		if (!match)
			return void refuse(
				401,
				'UNAUTHORIZED',
				'Missing or malformed API key. Send Authorization: Bearer <key>.',
			);
		const key = seed.keys.find((k) => k.key === match[1]);
		if (!key) return void refuse(401, 'UNAUTHORIZED', 'API key is not valid.');
		if (key.revoked) return void refuse(401, 'UNAUTHORIZED', 'API key has been revoked.');
		const workspace = seed.workspaces.find((w) => w.id === key.workspace);
		if (!workspace) return void refuse(401, 'UNAUTHORIZED', 'API key is not valid.');
		if (workspace.plan === 'free') {
			return void refuse(
				403,
				'FORBIDDEN',
				'Your plan (Free) does not include REST API access. Upgrade to Starter or above.',
			);
		}
		return { key, workspace };
	}

	/** The normal answer as { status, body, headers, accepted }: what the API does with a request. */
	function handle(method, url, headers, body) {
		let refused;
		const refuse = (status, code, message) =>
			void (refused = { status, body: { error: { code, message } }, headers: {} });
		const caller = authenticate(headers, refuse);
		if (!caller) return refused;
		const requireScope = (scope) => {
			if (caller.key.scopes.includes(scope)) return true;
			refuse(403, 'FORBIDDEN', `This API key lacks the ${scope} scope.`);
			return false;
		};
		if (method === 'GET' && url.pathname === '/v1/devices') {
			if (!requireScope('devices:read')) return refused;
			return { status: 200, body: { data: caller.workspace.devices }, headers: {} };
		}
		if (method === 'POST' && url.pathname === '/v1/messages') {
			if (!requireScope('messages:send')) return refused;
			const outcome = messaging.send(caller.workspace, body, headers);
			if (outcome.accepted) {
				webhooks.accepted(messaging.messages[messaging.messages.length - 1]);
				disconnectDue(caller.workspace);
			}
			return outcome;
		}
		refuse(404, 'NOT_FOUND', `No route ${method} ${url.pathname}.`);
		return refused;
	}

	/** A device set to disconnect after so many accepted messages: a phone going offline mid-run. */
	function disconnectDue(workspace) {
		const sent = messaging.messages.filter((m) => m.workspace === workspace.id).length;
		for (const rule of disconnects) {
			if (rule.done || sent < rule.afterMessages) continue;
			const device = workspace.devices.find((d) => d.id === rule.deviceId);
			if (device) {
				const previous = device.status;
				device.status = rule.status ?? 'disconnected';
				rule.done = true;
				webhooks.sessionChanged(workspace.id, device.id, device.status, previous);
			}
		}
	}

	/** The normal answer, written; `extraHeaders` are added to it (a pass-through fault's headers). */
	function api(method, url, headers, body, res, extraHeaders = {}) {
		const outcome = handle(method, url, headers, body);
		const write = () => {
			if (!res.destroyed)
				json(res, outcome.status, outcome.body, { ...outcome.headers, ...extraHeaders });
		};
		// A send still being processed (config `processing`) is answered when it is done.
		if (outcome.delayMs) setTimeout(write, outcome.delayMs).unref();
		else write();
	}

	/** Finds a device of any workspace by id. */
	function deviceById(id) {
		for (const workspace of seed.workspaces) {
			const device = workspace.devices.find((d) => d.id === id);
			if (device) return { workspace, device };
		}
		return undefined;
	}

	/** A workspace by its id or by one of its keys. */
	function findWorkspace(ref) {
		const key = seed.keys.find((k) => k.key === ref);
		return seed.workspaces.find((w) => w.id === (key ? key.workspace : ref));
	}

	function control(path, method, body, res) {
		const state = () => pageState({ seed, messages: messaging.messages, webhooks });
		const parse = () => JSON.parse(body || '{}');
		if ((path === '/' || path === '/__sim') && method === 'GET')
			return html(res, pageHtml(state()));
		if (path === '/__sim/view' && method === 'GET') return html(res, viewHtml(state()));
		if (path === '/__sim/state' && method === 'GET') return json(res, 200, state());
		if (
			path.startsWith('/__sim/webhooks') ||
			path === '/__sim/inbound' ||
			path === '/__sim/deliver'
		)
			return void webhooks.control(path, method, parse).then(
				(answer) =>
					res.destroyed ||
					(answer
						? json(res, answer.status, answer.body)
						: json(res, 404, { error: 'unknown control route' })),
				(e) => res.destroyed || json(res, 500, { error: String(e && e.message) }),
			);
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
		if (path === '/__sim/messages' && method === 'GET')
			return json(res, 200, { messages: messaging.messages, throttled: messaging.throttled });
		if (path === '/__sim/config' && method === 'POST') {
			configure(JSON.parse(body || '{}'));
			return json(res, 200, { ok: true });
		}
		if (path === '/__sim/devices' && method === 'POST') {
			// { workspace, id, status }: add a device, or change its status; { id, remove: true } removes it.
			const change = JSON.parse(body || '{}');
			const ok = changeDevice(change);
			return json(res, ok ? 200 : 404, ok ? { ok, id: change.id } : { ok });
		}
		json(res, 404, { error: 'unknown control route' });
	}

	/** Sets the rate limit, the chaos mix and mid-run disconnects (see index.d.ts SimConfig). */
	function configure(config) {
		if ('rateLimit' in config) messaging.setRateLimit(config.rateLimit ?? undefined);
		if ('processing' in config) messaging.setProcessing(config.processing ?? undefined);
		if ('chaos' in config) {
			chaos = config.chaos ?? undefined;
			random = seededRandom(config.chaos?.seed ?? 1);
		}
		if ('statuses' in config) webhooks.configure(config.statuses ?? undefined);
		if ('disconnect' in config)
			disconnects = (config.disconnect ?? []).map((rule) => ({ ...rule, done: false }));
	}

	/**
	 * Adds, changes or removes a device (a session.changed event when its state changes); false when
	 * there is nothing to change. Adding without an id links a new device; `change.id` is set to it.
	 */
	function changeDevice(change) {
		const { workspace: workspaceId, status, remove } = change;
		const found = change.id === undefined ? undefined : deviceById(change.id);
		if (remove) {
			if (!found) return false;
			found.workspace.devices = found.workspace.devices.filter((d) => d !== found.device);
			webhooks.sessionChanged(found.workspace.id, found.device.id, 'unlinked', found.device.status);
			return true;
		}
		if (found) {
			const previous = found.device.status;
			found.device.status = status;
			webhooks.sessionChanged(found.workspace.id, found.device.id, status, previous);
			return true;
		}
		const workspace = seed.workspaces.find((w) => w.id === workspaceId);
		if (!workspace) return false;
		const id = change.id ?? newDeviceId();
		change.id = id;
		workspace.devices.push({ id, status });
		webhooks.sessionChanged(workspace.id, id, status, 'unlinked');
		return true;
	}

	/** An id no device has yet: dev_linked_1, dev_linked_2, ... */
	function newDeviceId() {
		for (let n = 1; ; n++) if (!deviceById(`dev_linked_${n}`)) return `dev_linked_${n}`;
	}

	function inject(fault) {
		const copy = { ...fault };
		// A fault with `forMs` answers every matching request for that long (a storm).
		if (typeof copy.forMs === 'number') copy.until = Date.now() + copy.forMs;
		// JSON cannot carry Infinity: a negative or null `times` over the control route means "always".
		if (copy.times === null || (typeof copy.times === 'number' && copy.times < 0))
			copy.times = Infinity;
		faults.push(copy);
	}

	function reset() {
		requests.length = 0;
		faults = [];
		messaging.reset();
		messaging.setRateLimit(undefined);
		chaos = undefined;
		disconnects = [];
		webhooks.reset();
	}

	/** Requests the API saw (control routes excluded), optionally only those whose path starts with `path`. */
	function seen(path) {
		return path ? requests.filter((r) => r.path.startsWith(path)) : requests.slice();
	}

	const { url, port: boundPort, close, openConnections } = await listen(server, host, port);

	return {
		url,
		port: boundPort,
		requests,
		messages: messaging.messages,
		get throttled() {
			return messaging.throttled;
		},
		configure,
		changeDevice,
		openConnections,
		registerWebhook: webhooks.register,
		unregisterWebhooks: webhooks.unregister,
		webhooks: webhooks.list,
		deliveries: webhooks.deliveries,
		inbound: webhooks.inbound,
		deliver: webhooks.deliverOnce,
		messageState: webhooks.stateOf,
		pendingWork: webhooks.pending,
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
		close: () => {
			webhooks.close();
			return close();
		},
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
		openConnections: () => sockets.size,
		close: () =>
			new Promise((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}

module.exports = { startSimulator, startOtherOrigin };
