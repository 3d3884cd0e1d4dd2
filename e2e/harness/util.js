'use strict';
/*
 * Small utilities of the real-n8n suites: waiting with a bound, HTTP calls on loopback, child
 * processes, a loopback server that records what it gets. Plain CommonJS for Node 20.
 */
const cp = require('child_process');
const http = require('http');

const { request } = require('../../scripts/n8n-runtime');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves probe()'s first truthy value, asking every `everyMs`; throws after timeoutMs ("timed out
 * after … waiting for <what>", or what `otherwise()` returns or throws). An error from probe() ends
 * the wait unless `tolerate` (not up yet).
 */
async function waitFor(
	what,
	timeoutMs,
	probe,
	{ everyMs = 250, tolerate = false, otherwise } = {},
) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		let value;
		try {
			value = await probe();
		} catch (e) {
			if (!tolerate || Date.now() > deadline) throw e;
		}
		if (value) return value;
		if (Date.now() > deadline) {
			if (otherwise) return await otherwise();
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		}
		await sleep(everyMs);
	}
}

/** fn(i) for i in 0..count-1, at most `concurrency` at a time; resolves the results in order. */
async function inLanes(count, concurrency, fn) {
	const results = new Array(count);
	let next = 0;
	const lane = async () => {
		while (next < count) {
			const i = next++;
			results[i] = await fn(i);
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
	return results;
}

/** POST of JSON that never rejects: { status, json, text, ms } or { status: 0, error, ms }. */
async function post(url, body, timeoutMs = 60000) {
	const t0 = Date.now();
	try {
		const r = await request(url, 'POST', url, { body, timeoutMs });
		return { status: r.status, json: r.body, text: r.text, ms: Date.now() - t0 };
	} catch (e) {
		const error = /^timeout /.test(e.message) ? `timeout after ${timeoutMs} ms` : e.message;
		return { status: 0, error, ms: Date.now() - t0 };
	}
}

/** A command's exit and output (stdout and stderr together): { code, signal, text }. */
function run(cmd, args, opts = {}) {
	return new Promise((resolve, reject) => {
		const child = cp.spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
		let text = '';
		child.stdout.on('data', (d) => (text += d));
		child.stderr.on('data', (d) => (text += d));
		child.on('error', reject);
		child.on('close', (code, signal) => resolve({ code, signal, text }));
	});
}

/** run(), throwing with the output's last lines when the command fails; resolves its output. */
async function mustRun(what, cmd, args, opts) {
	const r = await run(cmd, args, opts);
	if (r.code !== 0)
		throw new Error(
			`${what} failed (exit ${r.code}${r.signal ? `, ${r.signal}` : ''}): ${cmd} ${args.join(' ')}\n${lastLines(r.text, 20)}`,
		);
	return r.text;
}

const lastLines = (text, n) => String(text).split('\n').slice(-n).join('\n');
const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length ? s[Math.floor(s.length / 2)] : 0;
};

/** A loopback HTTP server that records what it gets and answers a device list (where a followed redirect would land). */
function startRecorder() {
	const requests = [];
	const srv = http.createServer((req, res) => {
		requests.push({ method: req.method, path: req.url, headers: { ...req.headers } });
		req.resume();
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ data: [{ id: 'dev_elsewhere', status: 'connected' }] }));
	});
	return new Promise((resolve, reject) => {
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			resolve({
				url: `http://127.0.0.1:${srv.address().port}`,
				requests,
				close: () => new Promise((done) => srv.close(() => done())),
			});
		});
	});
}

module.exports = {
	sleep,
	waitFor,
	inLanes,
	post,
	run,
	mustRun,
	lastLines,
	median,
	startRecorder,
};
