'use strict';
// A local stand-in for the WAPing REST API, as WAPING-API.md describes it, for tests and for trying
// the node by hand. Listens on loopback only. Control routes under /__sim let another process
// (n8n, an end-to-end script) read what the server saw and inject faults.
const http = require('node:http');
const { demoSeed } = require('./seed');

const json = (res, status, body, headers = {}) => {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
	res.end(text);
};

const apiError = (res, status, code, message) => json(res, status, { error: { code, message } });

/** @param {{ port?: number, host?: string, seed?: import('./index').Seed, log?: (line: string) => void }} [options] */
async function startSimulator(options = {}) {
	const { host = '127.0.0.1', port = 0, log } = options;
	let seed = options.seed ?? demoSeed();
	/** @type {import('./index').RecordedRequest[]} */
	const requests = [];
	/** @type {import('./index').Fault[]} */
	let faults = [];
	const sockets = new Set();

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			const url = new URL(req.url ?? '/', 'http://simulator');
			if (url.pathname.startsWith('/__sim/')) return control(url.pathname, req.method ?? 'GET', body, res);
			requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: { ...req.headers }, body });
			log?.(`${req.method} ${url.pathname}`);
			const fault = takeFault(url.pathname);
			if (fault) return answerWithFault(fault, req, res);
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

	function answerWithFault(fault, req, res) {
		setTimeout(() => {
			if (fault.drop) return req.socket.destroy();
			const body = fault.body === undefined ? '' : typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body);
			const type = typeof fault.body === 'string' ? 'text/plain' : 'application/json';
			res.writeHead(fault.status ?? 500, { 'content-type': type, ...fault.headers });
			res.end(body);
		}, fault.delayMs ?? 0);
	}

	function authenticate(headers, res) {
		const header = headers.authorization;
		const match = typeof header === 'string' ? /^Bearer (\S+)$/.exec(header) : null;
		if (!match) return void apiError(res, 401, 'UNAUTHORIZED', 'Missing or malformed API key. Send Authorization: Bearer <key>.');
		const key = seed.keys.find((k) => k.key === match[1]);
		if (!key) return void apiError(res, 401, 'UNAUTHORIZED', 'API key is not valid.');
		if (key.revoked) return void apiError(res, 401, 'UNAUTHORIZED', 'API key has been revoked.');
		const workspace = seed.workspaces.find((w) => w.id === key.workspace);
		if (!workspace) return void apiError(res, 401, 'UNAUTHORIZED', 'API key is not valid.');
		if (workspace.plan === 'free') {
			return void apiError(res, 403, 'FORBIDDEN', 'Your plan (Free) does not include REST API access. Upgrade to Starter or above.');
		}
		return { key, workspace };
	}

	function api(method, url, headers, body, res) {
		const caller = authenticate(headers, res);
		if (!caller) return;
		const requireScope = (scope) => {
			if (caller.key.scopes.includes(scope)) return true;
			apiError(res, 403, 'FORBIDDEN', `This API key lacks the ${scope} scope.`);
			return false;
		};
		if (method === 'GET' && url.pathname === '/v1/devices') {
			if (!requireScope('devices:read')) return;
			return json(res, 200, { data: caller.workspace.devices });
		}
		if (method === 'POST' && url.pathname === '/v1/messages') {
			if (!requireScope('messages:send')) return;
			return sendMessage(caller.workspace, body, res);
		}
		apiError(res, 404, 'NOT_FOUND', `No route ${method} ${url.pathname}.`);
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
			inject(JSON.parse(body || '{}'));
			return json(res, 200, { ok: true });
		}
		json(res, 404, { error: 'unknown control route' });
	}

	function inject(fault) {
		faults.push({ ...fault });
	}

	function reset() {
		requests.length = 0;
		faults = [];
	}

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
		requests,
		get seed() {
			return seed;
		},
		set seed(next) {
			seed = next;
		},
		inject,
		clearFaults: () => void (faults = []),
		reset,
		close: () =>
			new Promise((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}

module.exports = { startSimulator };
