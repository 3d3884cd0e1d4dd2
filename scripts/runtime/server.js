'use strict';
// n8n as a server: start/stop (main and queue worker), its REST API, owner and login, executions.
const http = require('http');
const cp = require('child_process');

const { lineSpec } = require('./lines');
const { sleep, lineSplitter, tail, freePort } = require('./proc');
const { processEnv } = require('./cli');

/** HTTP request to n8n on loopback; JSON in and out. Resolves {status, headers, body, text}. */
function request(baseUrl, method, urlPath, { body, cookie, headers = {}, timeoutMs = 30000 } = {}) {
	return new Promise((resolve, reject) => {
		const u = new URL(urlPath, baseUrl);
		const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
		const req = http.request(
			u,
			{
				method,
				headers: {
					accept: 'application/json',
					...(payload
						? { 'content-type': 'application/json', 'content-length': payload.length }
						: {}),
					...(cookie ? { cookie } : {}),
					...headers,
				},
				timeout: timeoutMs,
			},
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let parsed;
					try {
						parsed = JSON.parse(text);
					} catch {
						parsed = undefined;
					}
					resolve({ status: res.statusCode, headers: res.headers, body: parsed, text });
				});
			},
		);
		req.on('timeout', () => req.destroy(new Error(`timeout ${method} ${u}`)));
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

// servers still running when this process exits are killed with it
const liveServers = new Set();
process.on('exit', () => {
	for (const c of liveServers) {
		try {
			c.kill('SIGKILL');
		} catch {
			/* gone */
		}
	}
});

/**
 * Start `n8n start` and resolve once it serves its REST API (not just /healthz, which answers
 * before the controllers are registered). Resolves the ChildProcess, augmented with
 * `baseUrl`, `port`, `output()` (everything it printed) and `stop()` (SIGTERM, then SIGKILL; resolves on exit).
 * @param {{port?: number, timeoutMs?: number, onLine?: (line: string) => void}} opts
 */
async function startN8n(runtime, env, opts = {}) {
	const port = opts.port || (await freePort());
	const fullEnv = await processEnv(runtime, env, { N8N_PORT: String(port) });
	const child = spawnN8n(runtime, ['start'], fullEnv, opts.onLine);
	child.baseUrl = `http://127.0.0.1:${port}`;
	child.port = port;
	return await untilReady(child, 'n8n start', opts.timeoutMs || 120000, async () => {
		const h = await request(child.baseUrl, 'GET', '/healthz', { timeoutMs: 2000 });
		if (h.status !== 200) return false;
		const s = await request(child.baseUrl, 'GET', '/rest/settings', { timeoutMs: 5000 });
		// While it starts, n8n answers every path with 200 "n8n is starting up", and the editor's
		// routes come after the REST ones: ready is real settings JSON and the editor's page.
		const page =
			s.status === 200 && !isStartingUp(s)
				? await request(child.baseUrl, 'GET', '/signin', {
						headers: { accept: 'text/html' },
						timeoutMs: 5000,
					})
				: undefined;
		return Boolean(page && page.status === 200 && !isStartingUp(page));
	});
}

/**
 * Start `n8n worker` (queue mode: `env` must carry EXECUTIONS_MODE=queue, QUEUE_BULL_REDIS_*, the
 * shared database and N8N_ENCRYPTION_KEY) and resolve once its worker server answers
 * GET /healthz/readiness with 200 (the database and Redis are connected). The worker server listens
 * on 127.0.0.1:<healthPort> (QUEUE_HEALTH_CHECK_ACTIVE, QUEUE_HEALTH_CHECK_PORT,
 * N8N_WORKER_SERVER_ADDRESS); each worker needs its own port, and its own task broker port (given here).
 * Resolves the ChildProcess with `healthUrl`, `output()` and `stop()`, as startN8n does.
 * @param {{healthPort?: number, concurrency?: number, timeoutMs?: number, onLine?: (line: string) => void}} opts
 */
async function startN8nWorker(runtime, env, opts = {}) {
	const healthPort = opts.healthPort || (await freePort());
	const fullEnv = await processEnv(runtime, env, {
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: String(healthPort),
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
	});
	const child = spawnN8n(
		runtime,
		['worker', ...(opts.concurrency ? [`--concurrency=${opts.concurrency}`] : [])],
		fullEnv,
		opts.onLine,
	);
	child.healthUrl = `http://127.0.0.1:${healthPort}`;
	child.healthPort = healthPort;
	return await untilReady(child, 'n8n worker', opts.timeoutMs || 120000, async () => {
		const r = await request(child.healthUrl, 'GET', '/healthz/readiness', { timeoutMs: 2000 });
		return r.status === 200;
	});
}

/**
 * Start `n8n webhook` (queue mode's webhook process: the same env as a worker's) on its own port and
 * resolve once it answers GET /healthz with 200. Resolves the ChildProcess with `baseUrl`, `output()`
 * and `stop()`, as startN8n does.
 * @param {{port?: number, timeoutMs?: number, onLine?: (line: string) => void}} opts
 */
async function startN8nWebhook(runtime, env, opts = {}) {
	const port = opts.port || (await freePort());
	const fullEnv = await processEnv(runtime, env, { N8N_PORT: String(port) });
	const child = spawnN8n(runtime, ['webhook'], fullEnv, opts.onLine);
	child.baseUrl = `http://127.0.0.1:${port}`;
	child.port = port;
	return await untilReady(child, 'n8n webhook', opts.timeoutMs || 120000, async () => {
		const r = await request(child.baseUrl, 'GET', '/healthz', { timeoutMs: 2000 });
		return r.status === 200;
	});
}

/**
 * An n8n process (`n8n <args>`) with what its starters share: `output()` (everything it printed),
 * `exited()` (its exit, once it exited) and `stop()` (SIGTERM, then SIGKILL; resolves on exit).
 */
function spawnN8n(runtime, args, fullEnv, onLine) {
	const child = cp.spawn(runtime.nodeBin, [runtime.n8nBin, ...args], {
		env: fullEnv,
		cwd: fullEnv.N8N_USER_FOLDER,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	liveServers.add(child);
	let out = '';
	const lines = lineSplitter(onLine);
	const onData = (which) => (c) => {
		const s = c.toString('utf8');
		out += s;
		lines.feed(which, s);
	};
	child.stdout.on('data', onData('stdout'));
	child.stderr.on('data', onData('stderr'));
	let exited = null;
	const exitPromise = new Promise((res) =>
		child.on('exit', (code, signal) => {
			liveServers.delete(child);
			lines.flush();
			res((exited = { code, signal }));
		}),
	);
	child.output = () => out;
	child.exited = () => exited;
	child.stop = async (graceMs = 15000) => {
		if (exited) return exited;
		child.kill('SIGTERM'); // n8n shuts its task runner down itself
		const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
		const r = await exitPromise;
		clearTimeout(t);
		return r;
	};
	return child;
}

/** Resolves the process once `ready()` says so; throws (and stops it) when it exits first or takes too long. */
async function untilReady(child, what, timeoutMs, ready) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exited())
			throw new Error(
				`${what} exited (${JSON.stringify(child.exited())}) before it was ready:\n${tail(child.output(), 40)}`,
			);
		if (Date.now() > deadline) {
			await child.stop();
			throw new Error(`${what} not ready after ${timeoutMs} ms:\n${tail(child.output(), 40)}`);
		}
		try {
			if (await ready()) return child;
		} catch {
			/* not listening yet */
		}
		await sleep(250);
	}
}

function isStartingUp(res) {
	return typeof res.text === 'string' && res.text.includes('n8n is starting up');
}

function authCookie(res) {
	const sc = res.headers['set-cookie'] || [];
	const c = sc.map((x) => x.split(';')[0]).find((x) => x.startsWith('n8n-auth='));
	return c || null;
}

/**
 * Create the owner account (first start of a user folder) and return {cookie, user}; `cookie` is
 * the `n8n-auth=...` pair to send as the Cookie header of /rest calls.
 * The password needs 8+ characters with a digit and an uppercase letter.
 */
async function setupOwner(baseUrl, owner = {}) {
	const body = {
		email: owner.email || 'owner@example.com',
		password: owner.password || 'WapingE2e-Passw0rd',
		firstName: owner.firstName || 'Owner',
		lastName: owner.lastName || 'Test',
	};
	let r = await request(baseUrl, 'POST', '/rest/owner/setup', { body });
	// A 404 or "starting up" right after start is a route not registered yet: try again briefly.
	for (let retry = 0; (r.status === 404 || isStartingUp(r)) && retry < 40; retry++) {
		await sleep(250);
		r = await request(baseUrl, 'POST', '/rest/owner/setup', { body });
	}
	if (r.status !== 200)
		throw new Error(`POST /rest/owner/setup: ${r.status} ${r.text.slice(0, 500)}`);
	const cookie = authCookie(r);
	if (!cookie) throw new Error('POST /rest/owner/setup: no n8n-auth cookie in the answer');
	return { cookie, user: r.body && r.body.data };
}

/** Log in an existing user; returns {cookie, user}. */
async function login(baseUrl, { email, password }) {
	const r = await request(baseUrl, 'POST', '/rest/login', {
		body: { emailOrLdapLoginId: email, password },
	});
	if (r.status !== 200) throw new Error(`POST /rest/login: ${r.status} ${r.text.slice(0, 500)}`);
	return { cookie: authCookie(r), user: r.body && r.body.data };
}

/** Decode n8n's `flatted` serialisation (execution.data from GET /rest/executions/:id). */
function unflatten(text) {
	// flatted: a JSON array; entry 0 is the root; strings at the top level are values, strings inside
	// objects/arrays are indexes of other entries.
	const input = JSON.parse(text);
	if (!Array.isArray(input)) return input;
	const seen = new Set();
	const stack = [];
	const root = input[0];
	if (!root || typeof root !== 'object') return root;
	seen.add(root);
	stack.push(root);
	while (stack.length) {
		const obj = stack.pop();
		for (const k of Object.keys(obj)) {
			const v = obj[k];
			if (typeof v !== 'string') continue;
			const t = input[Number(v)];
			obj[k] = t;
			if (t && typeof t === 'object' && !seen.has(t)) {
				seen.add(t);
				stack.push(t);
			}
		}
	}
	return root;
}

/** GET /rest/executions/:id with its `data` decoded: same shape as executeWorkflow's result. */
async function getExecution(baseUrl, cookie, executionId) {
	const r = await request(baseUrl, 'GET', `/rest/executions/${executionId}`, { cookie });
	if (r.status !== 200)
		throw new Error(`GET /rest/executions/${executionId}: ${r.status} ${r.text.slice(0, 500)}`);
	const e = r.body.data;
	if (typeof e.data === 'string') e.data = unflatten(e.data);
	return e;
}

/**
 * Run a saved workflow over the internal REST API (what the editor's "Execute workflow" does):
 * POST /rest/workflows/:id/run {triggerToStartFrom: {name}} -> {data: {executionId}}, then poll
 * GET /rest/executions/:id until it has stopped. Resolves the decoded execution.
 * n8n 1.x wants the workflow itself in the body too ({workflowData, triggerToStartFrom}, as its
 * editor sends it; without it: 500 "Cannot read properties of undefined (reading 'id')"): `line: 1`
 * (or a runtime of line 1) reads it with GET /rest/workflows/:id first.
 */
async function runWorkflowViaRest(
	baseUrl,
	cookie,
	workflowId,
	triggerNodeName,
	{ timeoutMs = 60000, line, runtime } = {},
) {
	const spec = lineSpec(line !== undefined ? line : runtime ? runtime.line : undefined);
	const body = { triggerToStartFrom: { name: triggerNodeName } };
	if (spec.line === 1) {
		const w = await request(baseUrl, 'GET', `/rest/workflows/${workflowId}`, { cookie });
		if (w.status !== 200 || !w.body || !w.body.data)
			throw new Error(`GET /rest/workflows/${workflowId}: ${w.status} ${w.text.slice(0, 500)}`);
		body.workflowData = w.body.data;
	}
	const r = await request(baseUrl, 'POST', `/rest/workflows/${workflowId}/run`, { cookie, body });
	if (r.status !== 200 || !r.body || !r.body.data || !r.body.data.executionId) {
		throw new Error(`POST /rest/workflows/${workflowId}/run: ${r.status} ${r.text.slice(0, 500)}`);
	}
	const id = r.body.data.executionId;
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const e = await getExecution(baseUrl, cookie, id);
		if (e.stoppedAt || (e.status && !['new', 'running', 'waiting'].includes(e.status))) return e;
		if (Date.now() > deadline)
			throw new Error(`execution ${id} still ${e.status} after ${timeoutMs} ms`);
		await sleep(200);
	}
}

module.exports = {
	request,
	startN8n,
	startN8nWorker,
	startN8nWebhook,
	setupOwner,
	login,
	unflatten,
	getExecution,
	runWorkflowViaRest,
};
