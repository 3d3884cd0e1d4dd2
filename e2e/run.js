#!/usr/bin/env node
'use strict';
/*
 * End-to-end suite: the packed package inside real n8n (scripts/n8n-runtime.js: Node 24 + n8n 2.41.1,
 * installed into a cache on first use), against the WAPing simulator on 127.0.0.1.
 *
 *   1. build, `npm pack`, check the tarball (files, n8n section, no runtime dependencies);
 *   2. n8n's verification scan (@n8n/scan-community-package's own analyzePackage, e2e/scan.js) on the
 *      source tree and on the packed package, as its CLI runs it;
 *   3. install the tarball as a community package into a fresh n8n user folder;
 *   4. import a credential per demo key and, per example, one workflow that runs the example's nodes
 *      for every credential with "On Error" off and on "Continue (using error output)";
 *      `n8n execute` each one and check which output of the WAPing node every item reached, its
 *      fields, the nodes downstream, and the requests the simulator saw (none for a declared Free plan);
 *   5. `n8n start`: the node and credential types load without warnings, the credential test over
 *      REST, and each example as shipped run from its own triggers.
 *
 * Prints one line per check and ends with `e2e: N passed, N failed`; exits 1 when a check failed.
 *
 * n8n lines: `node e2e/run.js --line=2` runs the suite on n8n 2.41.1 (Node 24), `--line=1` on the
 * 1.123.x line (Node 22) (scripts/n8n-runtime.js, LINES). Without --line (npm run test:e2e) it runs
 * line 2, then line 1, each in its own process printing its own summary, and ends with the combined
 * `e2e: N passed, N failed` as its last line. A check whose expectation differs on 1.x says so in
 * its name ("on n8n 1.x: ..."): nothing is skipped.
 * Env: WAPING_E2E_KEEP=1 keeps the work folder (it is kept anyway when a check failed).
 * Plain CommonJS for Node 20.
 */
const assert = require('assert/strict');
const fs = require('fs');
const fsp = require('fs/promises');
const os = require('os');
const path = require('path');
const cp = require('child_process');

const rt = require('../scripts/n8n-runtime');
const demo = require('../scripts/demo');
const { buildMatrix, copyName, START } = require('./matrix');
const { scanPackage } = require('./scan');
const { startSimulator, demoSeed } = require('../test/simulator');

const T0 = Date.now();
const elapsed = () => `${((Date.now() - T0) / 1000).toFixed(1)} s`;
const out = (line) => process.stdout.write(`${line}\n`);
const indent = (text, pad = '       ') => String(text).split('\n').map((l) => pad + l).join('\n');

// ---------------------------------------------------------------------------------------------
// checks

let passed = 0;
let failed = 0;
const failedNames = [];

function check(name, fn) {
	try {
		fn();
		passed++;
		out(`  ok   ${name}`);
	} catch (e) {
		failed++;
		failedNames.push(name);
		out(`  FAIL ${name}\n${indent(e && e.message ? e.message : String(e))}`);
	}
}

function section(title) {
	out(`\n== ${title} (${elapsed()})`);
}

/** Every key of `expected` matches `actual`: a RegExp tests the value (as text), anything else is deep-equal. */
function assertSubset(actual, expected, where) {
	assert.ok(actual && typeof actual === 'object', `${where}: expected an object, got ${JSON.stringify(actual)}`);
	for (const [k, v] of Object.entries(expected)) {
		if (v instanceof RegExp) {
			assert.ok(typeof actual[k] === 'string' && v.test(actual[k]), `${where}: ${k} = ${JSON.stringify(actual[k])} does not match ${v}`);
		} else {
			assert.deepEqual(actual[k], v, `${where}: ${k} = ${JSON.stringify(actual[k])}, expected ${JSON.stringify(v)}`);
		}
	}
}

// ---------------------------------------------------------------------------------------------
// what the demo workspaces hold (test/simulator/seed.js)

const seed = demoSeed();
const KNOWN_STATES = ['connected', 'degraded', 'disconnected', 'unlinked'];
const stateOf = (s) => (typeof s === 'string' && KNOWN_STATES.includes(s.trim().toLowerCase()) ? s.trim().toLowerCase() : 'unknown');
const devicesOf = (cred) => seed.workspaces.find((w) => w.id === `ws_${cred.workspace}`).devices;
const deviceView = (d) => ({ id: d.id, status: d.status, state: stateOf(d.status), connected: stateOf(d.status) === 'connected' });

const OUTPUT_NAMES = ['Success', 'Unauthorized', 'Forbidden', 'Error'];
const EXPLAIN_401 = 'Explain: API key rejected (401)';
const EXPLAIN_403 = 'Explain: access denied (403)';

const cred = (id) => {
	const c = demo.DEMO_CREDENTIALS.find((x) => x.id === id) || EXTRA_CREDENTIALS.find((x) => x.id === id);
	if (!c) throw new Error(`no credential ${id}`);
	return c;
};
const shortLabel = (c) => c.id.replace(/^wapingDemo/, '').replace(/^e2e/, '').toLowerCase();

// e2e-only credentials, beside the demo ones
const EXTRA_CREDENTIALS = [
	// the Growth workspace (5 devices) under a declared Starter plan (1 device): Plan → Check warns
	{ id: 'e2eGrowthAsStarter', name: 'WAPing e2e: Growth key, Starter declared', apiKey: demo.demoKeys.growth, plan: 'starter', deviceId: 'dev_123', workspace: 'growth', expect: { output: 0 } },
	// the name the shipped examples refer to: saving an example picks it up
	{ id: 'e2eWapingAccount', name: 'WAPing account', apiKey: demo.demoKeys.growth, plan: 'auto', deviceId: 'dev_123', workspace: 'growth', expect: { output: 0 } },
];

/** A 401/403 item and what the explanation node after it says. */
function denialExpectation(c, scope) {
	const e = c.expect;
	const item = {
		statusCode: e.statusCode,
		code: e.statusCode === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN',
		reason: e.reason,
		source: e.source,
		resource: scope.resource,
		operation: scope.operation,
		message: /\S/,
		description: /\S/,
	};
	if (scope.deviceId) item.deviceId = scope.deviceId;
	const downstream = e.output === 1 ? { [EXPLAIN_401]: [{ alert: /\(401: missing, malformed or revoked\)/ }] } : { [EXPLAIN_403]: [{ alert: new RegExp(`\\(403, reason: ${e.reason}\\)`) }] };
	return { output: e.output, items: [item], downstream };
}

// ---------------------------------------------------------------------------------------------
// the examples, their variants and what each variant must produce

const MODES = [
	{ key: 'off', onError: undefined },
	{ key: 'errout', onError: 'continueErrorOutput' },
];

const SPECS = {
	'device-health-check': {
		id: 'e2eHealth',
		waping: 'Check device session',
		scope: { resource: 'device', operation: 'getStatus' },
		downstreamNodes: ['Connected?', 'Device OK', 'Alert: device not connected', EXPLAIN_401, EXPLAIN_403],
		success(v) {
			const id = v.deviceId || v.cred.deviceId;
			const d = devicesOf(v.cred).find((x) => x.id === id);
			const view = deviceView(d);
			const downstream = view.connected
				? { 'Connected?': [{ id }], 'Device OK': [{ summary: `Device ${id} is connected: messages can be sent through it.` }] }
				: { 'Connected?': [{ id }], 'Alert: device not connected': [{ alert: new RegExp(`^Device ${id} is not connected \\(state: ${view.state}, WAPing says "${d.status}"\\)`) }] };
			return { output: 0, items: [view], downstream };
		},
		extras: [
			{ label: 'growth-dev_789', cred: 'wapingDemoGrowth', deviceId: 'dev_789' },
			{ label: 'growth-dev_new', cred: 'wapingDemoGrowth', deviceId: 'dev_new' },
			{
				label: 'growth-dev_missing/errout',
				cred: 'wapingDemoGrowth',
				deviceId: 'dev_missing',
				onError: 'continueErrorOutput',
				expect: { output: 3, items: [{ error: /dev_missing/ }], downstream: {} },
				requests: 1,
			},
		],
	},
	'list-devices': {
		id: 'e2eList',
		waping: 'List devices',
		scope: { resource: 'device', operation: 'getAll' },
		downstreamNodes: ['Connected?', 'Ready to send', 'Needs attention', EXPLAIN_401, EXPLAIN_403],
		success(v) {
			let devices = devicesOf(v.cred).map(deviceView);
			const p = v.params || {};
			if (p.sessionFilter === 'connected') devices = devices.filter((d) => d.connected);
			if (p.sessionFilter === 'notConnected') devices = devices.filter((d) => !d.connected);
			if (p.returnAll === false) devices = devices.slice(0, p.limit);
			const ready = devices.filter((d) => d.connected);
			const attention = devices.filter((d) => !d.connected);
			const downstream = { 'Connected?': devices.map((d) => ({ id: d.id })) };
			if (ready.length) downstream['Ready to send'] = ready.map((d) => ({ id: d.id, connected: true }));
			if (attention.length) downstream['Needs attention'] = attention.map((d) => ({ id: d.id, alert: new RegExp(`^Device ${d.id} is ${d.state} `) }));
			return { output: 0, items: devices, downstream };
		},
		extras: [
			{ label: 'pro-limit3', cred: 'wapingDemoPro', params: { returnAll: false, limit: 3 } },
			{ label: 'growth-notConnected', cred: 'wapingDemoGrowth', params: { sessionFilter: 'notConnected' } },
			{ label: 'growth-connected', cred: 'wapingDemoGrowth', params: { sessionFilter: 'connected' } },
		],
	},
	'plan-check': {
		id: 'e2ePlan',
		waping: 'Check plan',
		scope: { resource: 'plan', operation: 'check' },
		downstreamNodes: ['Within plan limits?', 'Plan OK', 'Alert: over the plan limits', EXPLAIN_401, EXPLAIN_403],
		success(v) {
			const TIERS = { starter: ['Starter', 1, 3000], growth: ['Growth', 5, 30000], pro: ['Pro', 15, 300000] };
			const devices = devicesOf(v.cred).map(deviceView);
			const linked = devices.length;
			const connected = devices.filter((d) => d.connected).length;
			const plan = v.cred.plan === 'auto' ? v.cred.workspace : v.cred.plan;
			const [planName, deviceLimit, monthlyMessages] = TIERS[plan];
			const withinLimits = linked <= deviceLimit;
			const item = {
				plan,
				planName,
				planSource: v.cred.plan === 'auto' ? 'inferred' : 'declared',
				apiAccess: true,
				deviceLimit,
				devicesLinked: linked,
				devicesConnected: connected,
				monthlyMessages,
				withinLimits,
			};
			const downstream = withinLimits
				? {
						'Within plan limits?': [{ plan }],
						'Plan OK': [{ summary: `${planName} plan (${item.planSource}): ${linked} of ${deviceLimit} devices linked, ${connected} connected, ${monthlyMessages} messages a month.` }],
					}
				: { 'Within plan limits?': [{ plan }], 'Alert: over the plan limits': [{ alert: new RegExp(`^The WAPing workspace does not fit its ${planName} plan: ${linked} devices are linked`) }] };
			return { output: 0, items: [item], downstream };
		},
		extras: [{ label: 'growth-as-starter', cred: 'e2eGrowthAsStarter' }],
	},
};

/** Every variant of one example: each demo credential with On Error off and on, then the extras. */
function variantsFor(slug) {
	const spec = SPECS[slug];
	const list = [];
	for (const c of demo.DEMO_CREDENTIALS) {
		for (const mode of MODES) list.push({ label: `${shortLabel(c)}/${mode.key}`, cred: c, onError: mode.onError });
	}
	for (const x of spec.extras) list.push({ ...x, cred: cred(x.cred) });
	for (const v of list) {
		const deviceId = spec.scope.operation === 'getStatus' ? v.deviceId || v.cred.deviceId : undefined;
		if (!v.expect) v.expect = v.cred.expect.output === 0 ? spec.success(v) : denialExpectation(v.cred, { ...spec.scope, deviceId });
		if (v.requests === undefined) v.requests = v.cred.expect.noRequest ? 0 : 1;
	}
	return list;
}

// ---------------------------------------------------------------------------------------------
// reading an execution

function nodeRuns(exec, name) {
	return (exec.data && exec.data.resultData && exec.data.resultData.runData && exec.data.resultData.runData[name]) || null;
}

/**
 * n8n 1.x moves an item to the "Error" output (On Error: Continue (using error output)) only when
 * the item has `error` set or its json is exactly {error} or {error, message}; 2.x also when its
 * json keys are any of error, message, details (n8n-core WorkflowExecute.handleNodeErrorOutput).
 */
const ERROR_OUTPUT_1X =
	'on n8n 1.x, n8n-core moves an item to the Error output only when item.error is set or its json is exactly {error} or {error, message} ' +
	'(2.x: any of error, message, details); this item stayed on Success';

/** Checks of one variant inside a matrix execution. */
function checkVariant(slug, spec, v, exec, apiKeys, line) {
	const W = copyName(spec.waping, v);
	const tag = `${slug} ${v.label}`;
	const e = v.expect;
	check(`${tag}: items on ${OUTPUT_NAMES[e.output]} (output ${e.output}) only`, () => {
		const runs = nodeRuns(exec, W);
		assert.ok(runs, `node "${W}" did not run`);
		assert.equal(runs.length, 1, `node "${W}" ran ${runs.length} times`);
		assert.equal(runs[0].executionStatus, 'success', `node "${W}": executionStatus ${runs[0].executionStatus} ${JSON.stringify(runs[0].error || '')}`);
		const main = runs[0].data.main;
		assert.equal(main.length, v.onError === 'continueErrorOutput' ? 4 : 3, `node "${W}" has ${main.length} outputs`);
		const counts = main.map((o) => (o || []).length);
		const want = main.map((_, i) => (i === e.output ? e.items.length : 0));
		const hint = line === 1 && e.output === 3 && counts[0] === e.items.length ? ` (${ERROR_OUTPUT_1X})` : '';
		assert.deepEqual(counts, want, `items per output: ${JSON.stringify(counts)}, expected ${JSON.stringify(want)}${hint}`);
		for (const it of main[e.output]) assert.deepEqual(it.pairedItem, { item: 0 }, `pairedItem ${JSON.stringify(it.pairedItem)}`);
	});
	check(`${tag}: fields`, () => {
		const runs = nodeRuns(exec, W);
		const items = ((runs && runs[0].data.main[e.output]) || []).map((it) => it.json);
		assert.equal(items.length, e.items.length, `${items.length} items`);
		items.forEach((json, i) => {
			assertSubset(json, e.items[i], `item ${i}`);
			if (e.output !== 3) assert.ok(!('error' in json), `item ${i} carries an "error" key: ${JSON.stringify(json)}`);
			const text = JSON.stringify(json);
			for (const k of apiKeys) assert.ok(!text.includes(k), `item ${i} contains an API key`);
		});
	});
	check(`${tag}: nodes downstream`, () => {
		for (const name of spec.downstreamNodes) {
			const runs = nodeRuns(exec, copyName(name, v));
			const want = e.downstream[name];
			if (!want) {
				assert.ok(!runs, `"${name}" ran but should not have`);
				continue;
			}
			assert.ok(runs, `"${name}" did not run`);
			const items = runs.flatMap((r) => (r.data && r.data.main ? r.data.main.flat() : []));
			// an If node has two outputs: count what went in, not out
			const got = items.filter(Boolean).map((it) => it.json);
			assert.equal(got.length, want.length, `"${name}" put out ${got.length} items, expected ${want.length}`);
			got.forEach((json, i) => assertSubset(json, want[i], `"${name}" item ${i}`));
		}
	});
}

/** The simulator's log over its control route, then reset. */
async function takeRequests(simUrl) {
	const r = await rt.request(simUrl, 'GET', '/__sim/requests');
	await rt.request(simUrl, 'POST', '/__sim/reset');
	return r.body.requests;
}

function checkRequests(tag, requests, variants) {
	const want = {};
	for (const v of variants) want[v.cred.apiKey] = (want[v.cred.apiKey] || 0) + v.requests;
	check(`${tag}: requests per key (one per WAPing node run; none for a declared Free plan)`, () => {
		const got = {};
		for (const r of requests) {
			assert.equal(r.method, 'GET', `${r.method} ${r.path}`);
			assert.equal(r.path, '/v1/devices', `${r.method} ${r.path}`);
			const m = /^Bearer (\S+)$/.exec(r.headers.authorization || '');
			assert.ok(m, `Authorization header "${r.headers.authorization}"`);
			assert.match(String(r.headers.accept || ''), /application\/json/, `Accept: ${r.headers.accept}`);
			got[m[1]] = (got[m[1]] || 0) + 1;
		}
		const name = (k) => Object.entries(demo.demoKeys).find(([, v]) => v === k)?.[0] || k;
		const show = (o) => JSON.stringify(Object.fromEntries(Object.entries(o).filter(([, n]) => n > 0).map(([k, n]) => [name(k), n]).sort()));
		assert.equal(show(got), show(want), `requests per key: ${show(got)}, expected ${show(want)}`);
	});
}

const LOAD_FAILURE = /Failed to load package|Unrecognized node type|Unknown (node|credential)|is not a constructor/i;

// ---------------------------------------------------------------------------------------------

const SUMMARY = /^e2e: (\d+) passed, (\d+) failed$/;

/** `--line=N` from the command line, or undefined. */
function lineArg(argv) {
	const a = argv.find((x) => /^--line(=|$)/.test(x));
	if (!a) return undefined;
	const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[argv.indexOf(a) + 1];
	if (!Object.keys(rt.LINES).includes(String(v))) throw new Error(`--line takes ${Object.keys(rt.LINES).join(' or ')}, got "${v}"`);
	return Number(v);
}

/**
 * Every line, newest first, each in its own process (its output streamed through), then the combined
 * summary as the last line.
 */
async function allLines() {
	const lines = Object.keys(rt.LINES).map(Number).sort((a, b) => b - a);
	let total = { passed: 0, failed: 0 };
	const perLine = [];
	let child = null;
	// The line's run is its own process group (detached), so a Ctrl-C reaches it once, from here, and
	// it stops what it started and removes its folder before exiting.
	let stopping = false;
	const onSignal = (sig) => {
		if (stopping) return;
		stopping = true;
		if (child) {
			try {
				process.kill(-child.pid, sig); // the run and the n8n processes it started, as a Ctrl-C would
			} catch {
				child.kill(sig);
			}
		}
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	process.on('SIGHUP', onSignal);
	for (const line of lines) {
		const spec = rt.LINES[line];
		out(`\n######## e2e on n8n ${spec.n8nVersion} (line ${line}), Node ${spec.nodeVersion}\n`);
		let summary = null;
		const r = await new Promise((resolve) => {
			child = cp.spawn(process.execPath, [__filename, `--line=${line}`], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
			let buf = '';
			child.stdout.on('data', (d) => {
				process.stdout.write(d);
				buf += d;
				const parts = buf.split('\n');
				buf = parts.pop();
				for (const l of parts) {
					const m = SUMMARY.exec(l);
					if (m) summary = { passed: Number(m[1]), failed: Number(m[2]) };
				}
			});
			child.on('close', (code, signal) => {
				const m = SUMMARY.exec(buf);
				if (m) summary = { passed: Number(m[1]), failed: Number(m[2]) };
				resolve({ code, signal });
			});
		});
		child = null;
		if (!summary) {
			// the run died before its summary: that is a failure of its own
			summary = { passed: 0, failed: 1 };
			out(`  FAIL e2e on line ${line} ended without its summary (exit ${r.code}${r.signal ? `, ${r.signal}` : ''})`);
		} else if (r.code !== 0 && summary.failed === 0) {
			summary.failed = 1;
			out(`  FAIL e2e on line ${line} exited ${r.code}${r.signal ? ` (${r.signal})` : ''} although no check failed`);
		}
		perLine.push(`n8n ${spec.n8nVersion} (Node ${spec.nodeVersion}): ${summary.passed} passed, ${summary.failed} failed`);
		total = { passed: total.passed + summary.passed, failed: total.failed + summary.failed };
		if (stopping || r.signal === 'SIGINT' || r.signal === 'SIGTERM' || r.code === 130) break;
	}
	out(`\n######## e2e, every n8n line\n${perLine.map((l) => `  ${l}`).join('\n')}`);
	out(`e2e: ${total.passed} passed, ${total.failed} failed`);
	process.exit(total.failed ? 1 : 0);
}

async function main() {
	let line;
	try {
		line = lineArg(process.argv.slice(2));
	} catch (e) {
		process.stderr.write(`e2e: ${e.message}\n`);
		process.exit(2);
	}
	if (line === undefined) return allLines();
	const LINE = rt.LINES[line];
	const ON_1X = LINE.line === 1;
	const keep = process.env.WAPING_E2E_KEEP === '1';
	const work = await fsp.mkdtemp(path.join(os.tmpdir(), 'waping-e2e-'));
	let sim;
	let server;
	const cleanup = async () => {
		if (server) await server.stop().catch(() => {});
		if (sim) await sim.close().catch(() => {});
	};
	const onSignal = (sig) => {
		out(`\n${sig}: stopping`);
		cleanup()
			.then(() => (keep ? out(`work folder kept: ${work}`) : fsp.rm(work, { recursive: true, force: true })))
			.finally(() => {
				out(`e2e: ${passed} passed, ${failed + 1} failed`);
				process.exit(130);
			});
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);

	try {
		out(`e2e on n8n ${LINE.n8nVersion}, Node ${LINE.nodeVersion} (line ${LINE.line}); work folder ${work}`);
		section('runtime');
		const runtime = await rt.ensureRuntime({ line: LINE.line, log: (m) => out(`  [n8n-runtime] ${m}`) });
		out(`  n8n ${runtime.n8nVersion} on Node ${runtime.nodeVersion} from ${runtime.runtimeDir}`);

		// -------------------------------------------------------------------------------------
		section('build and pack');
		await demo.build({ quiet: true });
		const tarball = await demo.pack(path.join(work, 'pack'), { quiet: true });
		out(`  ${path.basename(tarball.file)}: ${tarball.files.length} files`);
		const extracted = path.join(work, 'extracted');
		await fsp.mkdir(extracted);
		cp.execFileSync('tar', ['-xzf', tarball.file, '-C', extracted, '--strip-components=1']);
		const pj = JSON.parse(fs.readFileSync(path.join(extracted, 'package.json'), 'utf8'));
		check('tarball: only dist/, package.json, README.md and LICENSE', () => {
			const stray = tarball.files.filter((f) => !/^dist\//.test(f) && !['package.json', 'README.md', 'LICENSE'].includes(f));
			assert.deepEqual(stray, [], `unexpected files: ${stray.join(', ')}`);
		});
		check('tarball: no runtime dependencies', () => {
			assert.deepEqual(Object.keys(pj.dependencies || {}), [], `dependencies: ${JSON.stringify(pj.dependencies)}`);
		});
		check('tarball: every file of the n8n section is in it, with its icons', () => {
			assert.equal(pj.n8n.n8nNodesApiVersion, 1);
			const listed = [...pj.n8n.nodes, ...pj.n8n.credentials];
			assert.ok(pj.n8n.nodes.length >= 1 && pj.n8n.credentials.length >= 1, 'n8n.nodes and n8n.credentials are empty');
			for (const f of listed) assert.ok(fs.existsSync(path.join(extracted, f)), `${f} is missing`);
			for (const f of listed) {
				const src = fs.readFileSync(path.join(extracted, f), 'utf8');
				for (const m of src.matchAll(/['"]file:([^'"]+)['"]/g)) {
					const icon = path.join(extracted, path.dirname(f), m[1]);
					assert.ok(fs.existsSync(icon), `${f} refers to ${m[1]}, which is missing`);
				}
			}
		});

		// -------------------------------------------------------------------------------------
		section("n8n's verification scan (@n8n/scan-community-package analyzePackage, as its CLI calls it)");
		// the source leg: the working tree with the scanner's SOURCE_FILE_PATTERNS, inline eslint-disable
		// comments ignored; the tarball leg: the packed package's .js files and package.json
		const scan = await scanPackage({ sourceDir: demo.REPO, packageDir: extracted });
		for (const leg of scan.legs) {
			check(`scan ${scan.scannerVersion}, ${leg.kind} leg (${leg.patterns.join(', ')}): no violation`, () => {
				assert.ok(leg.passed, `${leg.message || 'failed'}${leg.details ? `\n${leg.details.trim()}` : ''}${leg.error ? `\n${leg.error}` : ''}`);
			});
		}

		// -------------------------------------------------------------------------------------
		section('install into a fresh n8n user folder; credentials and workflows');
		const userFolder = path.join(work, 'n8n-user');
		const env = rt.n8nEnv({ userFolder, runtime, extra: { N8N_LOG_FORMAT: 'json' } });
		const installed = await rt.installCommunityPackage(runtime, userFolder, tarball.file);
		check('community package installed from the tarball', () => {
			assert.equal(installed.packageName, 'n8n-nodes-waping');
			assert.ok(fs.existsSync(path.join(installed.packageDir, pj.n8n.nodes[0])));
			assert.ok(!fs.existsSync(path.join(installed.packageDir, 'node_modules')), 'it has a node_modules folder');
		});

		sim = await startSimulator({ port: 0, host: '127.0.0.1' });
		out(`  simulator on ${sim.url}`);
		const creds = [
			...demo.demoCredentials(sim.url),
			...EXTRA_CREDENTIALS.map((c) => ({ id: c.id, name: c.name, type: demo.CREDENTIAL_TYPE, data: { apiKey: c.apiKey, baseUrl: sim.url, plan: c.plan } })),
		];
		await rt.importCredentials(runtime, env, creds);
		out(`  imported ${creds.length} credentials (${elapsed()})`);

		const examples = demo.loadExamples();
		check('examples: three or more, each with a WAPing node', () => {
			assert.ok(examples.length >= 3, `${examples.length} examples`);
			for (const ex of examples) assert.ok(demo.wapingNodes(ex.workflow).length >= 1, `${ex.file} has no WAPing node`);
			for (const ex of examples) assert.ok(SPECS[ex.slug], `${ex.file} has no expectations in e2e/run.js`);
		});
		check('examples: only nodes that ship with n8n, plus WAPing', () => {
			for (const ex of examples) {
				for (const n of ex.workflow.nodes) assert.match(n.type, /^(n8n-nodes-base\.|n8n-nodes-waping\.waping$)/, `${ex.file}: ${n.name} is ${n.type}`);
			}
		});
		check('examples: the device health check starts on a Schedule Trigger and branches on `connected`', () => {
			const wf = examples.find((x) => x.slug === 'device-health-check').workflow;
			assert.ok(wf.nodes.some((n) => n.type === 'n8n-nodes-base.scheduleTrigger'));
			const iff = wf.nodes.find((n) => n.type === 'n8n-nodes-base.if');
			assert.match(JSON.stringify(iff.parameters), /\$json\.connected/);
			const outs = wf.connections['Check device session'].main;
			assert.equal(outs.length, 3);
			for (const o of outs) assert.equal(o.length, 1, 'each of the three outputs leads somewhere');
		});

		const plan = examples.map((ex) => {
			const spec = SPECS[ex.slug];
			const variants = variantsFor(ex.slug);
			const workflow = buildMatrix(ex.workflow, variants, { id: spec.id, name: `e2e: ${ex.workflow.name} × every demo key` });
			return { ex, spec, variants, workflow };
		});
		// as shipped, wired to the Growth credential: run from each trigger over REST later
		const growth = cred('wapingDemoGrowth');
		const asShipped = examples.map((ex, i) => demo.wireExample(ex.workflow, growth, { id: `e2eShipped${i + 1}` }));
		// "On Error" off and a device that is not in the workspace: the run stops with the node's error
		const healthEx = examples.find((x) => x.slug === 'device-health-check');
		const stopVariant = { label: 'growth-dev_missing/off', cred: growth, deviceId: 'dev_missing' };
		const stopWorkflow = buildMatrix(healthEx.workflow, [stopVariant], { id: 'e2eStop', name: 'e2e: device health check, unknown device, On Error off' });
		await rt.importWorkflow(runtime, env, [...plan.map((p) => p.workflow), stopWorkflow, ...asShipped]);
		out(`  imported ${plan.length + 1 + asShipped.length} workflows (${elapsed()})`);
		await takeRequests(sim.url);
		const apiKeys = Object.values(demo.demoKeys);

		// -------------------------------------------------------------------------------------
		for (const p of plan) {
			section(`n8n execute: ${p.ex.file} × ${p.variants.length} variants (every demo key, On Error off/on)`);
			const exec = await rt.executeWorkflow(runtime, env, p.spec.id);
			const requests = await takeRequests(sim.url);
			const cliText = `${exec.cli.stdout}\n${exec.cli.stderr}`;
			check(`${p.ex.slug}: n8n execute --id=${p.spec.id} succeeded`, () => {
				assert.equal(exec.cli.code, 0, `exit code ${exec.cli.code}: ${JSON.stringify(exec.data.resultData.error || '')}`);
				assert.equal(exec.status, 'success');
				assert.equal(exec.mode, 'cli');
				assert.ok(nodeRuns(exec, START), 'the Manual Trigger did not run');
				assert.ok(!LOAD_FAILURE.test(cliText), cliText.split('\n').filter((l) => LOAD_FAILURE.test(l)).join('\n'));
			});
			for (const v of p.variants) checkVariant(p.ex.slug, p.spec, v, exec, apiKeys, LINE.line);
			checkRequests(p.ex.slug, requests, p.variants);
		}

		section('n8n execute: On Error off, device not in the workspace');
		{
			const exec = await rt.executeWorkflow(runtime, env, 'e2eStop');
			const requests = await takeRequests(sim.url);
			const W = copyName('Check device session', stopVariant);
			check('the run fails with the node error naming the device (exit 1, status error)', () => {
				assert.equal(exec.status, 'error');
				assert.equal(exec.cli.code, 1, `exit code ${exec.cli.code}, signal ${exec.cli.signal}:\n${exec.cli.stderr.split('\n').slice(-15).join('\n')}`);
				const err = exec.data.resultData.error;
				assert.ok(err, 'no resultData.error');
				assert.match(err.message, /dev_missing/);
				assert.equal(exec.data.resultData.lastNodeExecuted, W);
				const runs = nodeRuns(exec, W);
				assert.equal(runs[0].executionStatus, 'error');
				for (const k of apiKeys) assert.ok(!JSON.stringify(exec).includes(k), 'the execution contains an API key');
			});
			check('nothing after the failed node ran', () => {
				for (const n of SPECS['device-health-check'].downstreamNodes) assert.ok(!nodeRuns(exec, copyName(n, stopVariant)), `${n} ran`);
			});
			checkRequests('on error off', requests, [stopVariant].map((v) => ({ ...v, requests: 1 })));
		}

		// -------------------------------------------------------------------------------------
		section('n8n start: loading, credential test, the examples as shipped');
		const lines = [];
		let readyAt = -1;
		server = await rt.startN8n(runtime, { ...env, N8N_LOG_LEVEL: 'debug' }, { onLine: (l) => lines.push(l) });
		readyAt = lines.length;
		const { cookie } = await rt.setupOwner(server.baseUrl);
		const parsed = lines.map((l) => {
			try {
				return JSON.parse(l);
			} catch {
				return { level: 'text', message: l };
			}
		});
		const startup = parsed.slice(0, readyAt);
		check('n8n loads the package: 1 node and 1 credential type', () => {
			const loaded = startup.find((l) => /Loaded all credentials and nodes from n8n-nodes-waping/.test(l.message || ''));
			assert.ok(loaded, 'no "Loaded all credentials and nodes from n8n-nodes-waping" line');
			const meta = loaded.metadata || loaded;
			assert.equal(meta.nodes, 1, JSON.stringify(loaded));
			assert.equal(meta.credentials, 1, JSON.stringify(loaded));
		});
		check('n8n starts without warnings or errors about the package (known n8n notices aside)', () => {
			// n8n's own notices; on 1.x the deprecation list is worded "related to your environment variables"
			const HARMLESS = [/Python task runner/, /deprecations related to your (n8n setup|environment variables)/, /Automatic license renewal is disabled/];
			const bad = startup.filter((l) => ['warn', 'error'].includes(l.level) && !HARMLESS.some((re) => re.test(l.message || '')));
			const textual = startup.filter((l) => l.level === 'text' && LOAD_FAILURE.test(l.message));
			assert.deepEqual([...bad, ...textual].map((l) => `${l.level}: ${l.message}`), []);
		});
		const types = await rt.request(server.baseUrl, 'GET', '/types/nodes.json', { cookie });
		const credTypes = await rt.request(server.baseUrl, 'GET', '/types/credentials.json', { cookie });
		check('the editor lists the node: n8n-nodes-waping.waping with outputs Success, Unauthorized, Forbidden', () => {
			const node = (types.body || []).find((n) => n.name === demo.NODE_TYPE);
			assert.ok(node, 'not in /types/nodes.json');
			assert.deepEqual(node.outputNames, ['Success', 'Unauthorized', 'Forbidden']);
			assert.equal(node.outputs.length, 3);
			assert.deepEqual(node.credentials.map((c) => c.name), [demo.CREDENTIAL_TYPE]);
			assert.ok(node.iconUrl && node.iconUrl.light && node.iconUrl.dark && node.iconUrl.light !== node.iconUrl.dark, `iconUrl ${JSON.stringify(node.iconUrl)}`);
			assert.ok((types.body || []).some((n) => n.name === `${demo.NODE_TYPE}Tool`), 'no AI tool variant');
		});
		check('the editor lists the credential type wapingApi (apiKey, baseUrl, plan)', () => {
			const c = (credTypes.body || []).find((x) => x.name === demo.CREDENTIAL_TYPE);
			assert.ok(c, 'not in /types/credentials.json');
			// n8n appends its own fields (allowedHttpRequestDomains, allowedDomains) after the package's
			assert.deepEqual(c.properties.map((p) => p.name).slice(0, 3), ['apiKey', 'baseUrl', 'plan']);
			assert.deepEqual(c.supportedNodes, [demo.NODE_TYPE]);
		});
		for (const icon of ['light', 'dark']) {
			const node = (types.body || []).find((n) => n.name === demo.NODE_TYPE);
			const url = node && node.iconUrl && node.iconUrl[icon];
			const r = url ? await rt.request(server.baseUrl, 'GET', `/${url}`, { cookie }) : { status: 0, text: '' };
			check(`n8n serves the ${icon} icon`, () => {
				assert.equal(r.status, 200, `GET /${url}: ${r.status}`);
				assert.match(r.text, /<svg/);
			});
		}

		// credential test, as the editor's "Test" button does it. n8n 1.x does not apply a credential's
		// `responseCode` rules to a request that failed: the NodeApiError it gets has no `cause.response`
		// there, so its credentials tester answers with the error's own message, n8n's generic text for
		// the status (seen on 1.123.81; 2.x answers with the rule's message).
		const ON_1X_CRED = ' (on n8n 1.x: n8n\'s own text for the status; 1.x ignores the credential\'s responseCode rules when the request fails)';
		const credTests = [
			{ c: cred('wapingDemoGrowth'), status: 'OK', message: /^Connection successful!$/ },
			{ c: cred('wapingDemoRevoked'), status: 'Error', message: /^WAPing rejected the key \(401\)/, message1x: /^Authorization failed - please check your credentials$/ },
			{ c: cred('wapingDemoFree'), status: 'Error', message: /^The key is valid, but WAPing denied access \(403\)/, message1x: /^Forbidden - perhaps check your credentials\?$/ },
			{ c: cred('wapingDemoSendOnly'), status: 'Error', message: /^The key is valid, but WAPing denied access \(403\)/, message1x: /^Forbidden - perhaps check your credentials\?$/ },
		];
		for (const t of credTests) {
			const body = { credentials: { id: t.c.id, name: t.c.name, type: demo.CREDENTIAL_TYPE, data: { apiKey: t.c.apiKey, baseUrl: sim.url, plan: t.c.plan } } };
			const r = await rt.request(server.baseUrl, 'POST', '/rest/credentials/test', { cookie, body });
			const requests = await takeRequests(sim.url);
			const message = ON_1X && t.message1x ? t.message1x : t.message;
			check(`credential test over REST, ${t.c.name}: ${t.status} ${message}${ON_1X && t.message1x ? ON_1X_CRED : ''}`, () => {
				assert.equal(r.status, 200, `${r.status} ${r.text.slice(0, 300)}`);
				const d = r.body.data;
				assert.equal(d.status, t.status, JSON.stringify(d));
				assert.match(d.message, message);
				assert.ok(!d.message.includes(t.c.apiKey), 'the message contains the key');
				// n8n re-sends a 401 once in credential tests (it assumes an expired token)
				assert.ok(requests.length >= 1 && requests.length <= (t.status === 'OK' ? 1 : 2), `${requests.length} requests`);
				for (const q of requests) {
					assert.equal(`${q.method} ${q.path}`, 'GET /v1/devices');
					assert.equal(q.headers.authorization, `Bearer ${t.c.apiKey}`);
				}
			});
		}

		// each example file as is, saved through the editor's API: n8n 2.x swaps the placeholder
		// credential for the one named like it ("WAPing account"); n8n 1.x keeps the placeholder (the
		// user selects the credential in the node)
		for (const ex of examples) {
			const { id, ...body } = demo.clone(ex.workflow); // eslint-disable-line no-unused-vars
			const r = await rt.request(server.baseUrl, 'POST', '/rest/workflows', { cookie, body });
			const placeholder = demo.wapingNodes(ex.workflow)[0].credentials[demo.CREDENTIAL_TYPE];
			const want = ON_1X ? placeholder : { id: 'e2eWapingAccount', name: 'WAPing account' };
			const title = ON_1X
				? `${ex.file} saved as is through the editor's API keeps its placeholder credential (on n8n 1.x: n8n does not match credentials by name when a workflow is saved)`
				: `${ex.file} saved as is through the editor's API uses the credential named "WAPing account"`;
			check(title, () => {
				assert.equal(r.status, 200, `${r.status} ${r.text.slice(0, 500)}`);
				const saved = r.body.data;
				const nodes = demo.wapingNodes(saved);
				assert.ok(nodes.length >= 1);
				for (const n of nodes) assert.deepEqual(n.credentials[demo.CREDENTIAL_TYPE], want);
			});
		}

		// each example as shipped, from each of its triggers, as the editor runs it
		for (const [i, ex] of examples.entries()) {
			const wf = asShipped[i];
			const spec = SPECS[ex.slug];
			const triggers = wf.nodes.filter((n) => /trigger$/i.test(n.type));
			for (const trig of triggers) {
				const exec = await rt.runWorkflowViaRest(server.baseUrl, cookie, wf.id, trig.name, { runtime });
				await takeRequests(sim.url);
				const v = { label: 'shipped', cred: growth };
				const e = spec.success(v);
				check(`${ex.slug} as shipped, run from "${trig.name}" over REST: Success and the nodes after it`, () => {
					assert.equal(exec.status, 'success', JSON.stringify(exec.data && exec.data.resultData && exec.data.resultData.error));
					assert.ok(nodeRuns(exec, trig.name), `${trig.name} did not run`);
					const runs = nodeRuns(exec, spec.waping);
					assert.ok(runs, `${spec.waping} did not run`);
					const main = runs[0].data.main;
					assert.deepEqual(main.map((o) => (o || []).length), [e.items.length, 0, 0]);
					main[0].forEach((it, k) => assertSubset(it.json, e.items[k], `item ${k}`));
					for (const name of Object.keys(e.downstream)) assert.ok(nodeRuns(exec, name), `${name} did not run`);
				});
			}
		}
		const stopped = await server.stop();
		server = null;
		check('n8n stops cleanly on SIGTERM', () => {
			assert.ok(stopped.code === 0 || stopped.signal === 'SIGTERM', JSON.stringify(stopped));
		});
	} catch (e) {
		failed++;
		failedNames.push('(suite aborted)');
		out(`  FAIL the suite stopped: ${e && e.stack ? e.stack : e}`);
	} finally {
		await cleanup();
		if (failed === 0 && !keep) await fsp.rm(work, { recursive: true, force: true });
		else out(`\nwork folder kept: ${work}`);
	}

	out(`\nn8n ${LINE.n8nVersion}, Node ${LINE.nodeVersion}; ${elapsed()}`);
	if (failed) out(`failed:\n${failedNames.map((n) => `  - ${n}`).join('\n')}`);
	out(`e2e: ${passed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
}

main();
