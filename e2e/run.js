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
 *   4. import a credential per demo key and, per example with a WAPing node, one workflow that runs
 *      the example's nodes for every credential with "On Error" off and on "Continue (using error
 *      output)", plus extra variants (devices, options); `n8n execute` each one and check which
 *      output of the WAPing node every item reached, its fields (the node's words in full), the nodes
 *      downstream (the examples' alert texts in full), the requests the simulator saw (none for a
 *      declared Free plan) and, for Message → Send, the messages it accepted. The Send matrix runs
 *      twice: the second run's items are replays (same message ids) and no message is accepted again.
 *      Examples whose only trigger is the WAPing Trigger stay out of the matrix (e2e/trigger.js
 *      covers the trigger in real n8n);
 *   5. `n8n start`: the node and credential types load without warnings, the credential test over
 *      REST (good, revoked, denied, refused before any request, a redirect, a page that is not the
 *      API), and each example as shipped run from its own triggers (the WAPing Trigger's manual run,
 *      which is what Fetch Test Event runs, included).
 *
 * On both n8n lines (`--line=N` for one), on e2e/harness; ends with `e2e: N passed, N failed`. A
 * check whose expectation differs on 1.x says so in its name ("on n8n 1.x: ..."): nothing is skipped.
 * Env: WAPING_E2E_KEEP=1 keeps the work folder (it is kept anyway when a check failed).
 */
const assert = require('assert/strict');
const fs = require('fs');
const fsp = require('fs/promises');
const path = require('path');
const cp = require('child_process');

const rt = require('../scripts/n8n-runtime');
const demo = require('../scripts/demo');
const { buildMatrix, mergeMatrices, copyName, START } = require('./matrix');
const { scanPackage } = require('./scan');
const words = require('./words');
const { demoSeed } = require('../simulator');
const { createSuite } = require('./harness/runner');
const stack = require('./harness/stack');
const { credentials, editor } = require('./harness/workflows');
const { startRecorder } = require('./harness/util');

const s = createSuite('e2e', {
	lines: __filename,
	keepEnv: 'WAPING_E2E_KEEP',
	footer: (suite) =>
		`\nn8n ${suite.line.n8nVersion}, Node ${suite.line.nodeVersion}; ${suite.elapsed()}`,
});
const { out, check, section, elapsed } = s;

// ---------------------------------------------------------------------------------------------
// checks

/** In an expectation: the key must not be there. */
const ABSENT = Symbol('absent');

/**
 * Every key of `expected` matches `actual`: ABSENT means the key is not there, a RegExp tests the
 * value (as text), a function gets the value and returns true or what is wrong, anything else is
 * deep-equal.
 */
function assertSubset(actual, expected, where) {
	assert.ok(
		actual && typeof actual === 'object',
		`${where}: expected an object, got ${JSON.stringify(actual)}`,
	);
	for (const [k, v] of Object.entries(expected)) {
		if (v === ABSENT) {
			assert.ok(
				!(k in actual),
				`${where}: has ${k} = ${JSON.stringify(actual[k])}, expected no such key`,
			);
		} else if (v instanceof RegExp) {
			assert.ok(
				typeof actual[k] === 'string' && v.test(actual[k]),
				`${where}: ${k} = ${JSON.stringify(actual[k])} does not match ${v}`,
			);
		} else if (typeof v === 'function') {
			const verdict = v(actual[k]);
			assert.ok(verdict === true, `${where}: ${k} = ${JSON.stringify(actual[k])}: ${verdict}`);
		} else {
			assert.deepEqual(
				actual[k],
				v,
				`${where}: ${k} = ${JSON.stringify(actual[k])}, expected ${JSON.stringify(v)}`,
			);
		}
	}
}

// ---------------------------------------------------------------------------------------------
// what the demo workspaces hold (simulator/seed.js)

const seed = demoSeed();
const KNOWN_STATES = ['connected', 'degraded', 'disconnected', 'unlinked'];
const stateOf = (s) =>
	typeof s === 'string' && KNOWN_STATES.includes(s.trim().toLowerCase())
		? s.trim().toLowerCase()
		: 'unknown';
const devicesOf = (cred) => seed.workspaces.find((w) => w.id === `ws_${cred.workspace}`).devices;
const deviceView = (d) => ({
	id: d.id,
	status: d.status,
	state: stateOf(d.status),
	connected: stateOf(d.status) === 'connected',
});
/** What the simulator accepts a send through: a device whose status is "connected" in any case. */
const simSendsThrough = (d) => String(d.status).toLowerCase() === 'connected';

const READ_OUTPUTS = ['Success', 'Bad Key', 'Denied'];
const SEND_OUTPUTS = [...READ_OUTPUTS, 'Offline'];
const outputNamesOf = (operation) => [
	...(operation === 'send' ? SEND_OUTPUTS : READ_OUTPUTS),
	'Error',
];
const errorOutputOf = (operation) => (operation === 'send' ? SEND_OUTPUTS : READ_OUTPUTS).length;

const EXPLAIN_401 = 'Explain: key not accepted';
const EXPLAIN_403 = 'Explain: denied';

const cred = (id) => {
	const c =
		demo.DEMO_CREDENTIALS.find((x) => x.id === id) || EXTRA_CREDENTIALS.find((x) => x.id === id);
	if (!c) throw new Error(`no credential ${id}`);
	return c;
};
const shortLabel = (c) =>
	c.id
		.replace(/^wapingDemo/, '')
		.replace(/^e2e/, '')
		.toLowerCase();

// e2e-only credentials, beside the demo ones
const EXTRA_CREDENTIALS = [
	// the Growth workspace (5 devices) under a declared Starter plan (1 device): Plan → Check warns
	{
		id: 'e2eGrowthAsStarter',
		name: 'WAPing e2e: Growth key, Starter declared',
		apiKey: demo.demoKeys.growth,
		plan: 'starter',
		deviceId: 'dev_123',
		workspace: 'growth',
		expect: { output: 0 },
	},
	// the name the shipped examples refer to: saving an example picks it up
	{
		id: 'e2eWapingAccount',
		name: 'WAPing account',
		apiKey: demo.demoKeys.growth,
		plan: 'auto',
		deviceId: 'dev_123',
		workspace: 'growth',
		expect: { output: 0 },
	},
];

/** A 401/403 item, exactly as the node words it, and the alert the explanation node after it builds. */
function denialExpectation(c, scope) {
	const e = c.expect;
	const said = words.denialWords(e, scope.operation);
	const item = {
		statusCode: e.statusCode,
		code: e.statusCode === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN',
		reason: e.reason,
		source: e.source,
		resource: scope.resource,
		operation: scope.operation,
		message: said.message,
		description: said.description,
		deviceId: scope.deviceId === undefined ? ABSENT : scope.deviceId,
		to: scope.to === undefined ? ABSENT : scope.to,
		error: ABSENT,
	};
	const downstream =
		e.output === 1
			? { [EXPLAIN_401]: [{ alert: words.explainAlert(said) }] }
			: { [EXPLAIN_403]: [{ alert: words.deniedAlert(said, e.reason) }] };
	return { output: e.output, items: [item], downstream };
}

/**
 * A failed item on n8n's Error output (On Error: Continue (using error output)). Both lines keep
 * `{ error: <message> }` as its json and the error itself beside it, which is what the editor
 * shows: the node's message and description.
 */
function errorOutputExpectation(operation, said) {
	return {
		output: errorOutputOf(operation),
		items: [{ error: said.message, details: ABSENT }],
		itemErrors: [
			{ name: 'NodeOperationError', message: said.message, description: said.description },
		],
		downstream: {},
	};
}

// ---------------------------------------------------------------------------------------------
// the examples, their variants and what each variant must produce

const MODES = [
	{ key: 'off', onError: undefined },
	{ key: 'errout', onError: 'continueErrorOutput' },
];

/** Examples whose only trigger is the WAPing Trigger: e2e/trigger.js runs them in real n8n. */
const TRIGGER_ONLY = ['device-disconnect-alert'];

/** The send example's recipient, as WAPing gets it: the order's "+1 (555) 123-4567" in E.164. */
const TO = '+15551234567';
const SHIPPED_ORDER = 1042;
const orderKey = (orderId) => `order-${orderId}-shipped`;
const orderText = (orderId) => `Hi Ada, your order ${orderId} has shipped.`;

/**
 * What the simulator accepted in the send runs, by Idempotency-Key: expectations read it when the
 * checks run (a Success item's `id` is the id WAPing gave the message).
 */
const accepted = new Map();
const acceptedId = (key) => (accepted.get(key) || {}).id;

/** A device id missing from every demo workspace. */
const MISSING_DEVICE = 'dev_missing';

const SPECS = {
	'device-health-check': {
		id: 'e2eHealth',
		waping: 'Check device session',
		scope: { resource: 'device', operation: 'getStatus' },
		downstreamNodes: [
			'Connected?',
			'Device OK',
			'Alert: device not connected',
			EXPLAIN_401,
			EXPLAIN_403,
		],
		success(v) {
			const id = v.deviceId || v.cred.deviceId;
			const devices = devicesOf(v.cred);
			const d = devices.find((x) => x.id === id);
			if (!d) {
				return errorOutputExpectation(
					'getStatus',
					words.unknownDeviceWords(
						id,
						devices.map((x) => x.id),
					),
				);
			}
			const view = deviceView(d);
			const downstream = view.connected
				? {
						'Connected?': [{ id }],
						'Device OK': [
							{ summary: `Device ${id} is connected: messages can be sent through it.` },
						],
					}
				: {
						'Connected?': [{ id }],
						'Alert: device not connected': [
							{
								alert: `Device ${id} is not connected (state: ${view.state}, WAPing says "${d.status}"). Messages through it will fail or be delayed: check the phone, or re-link it by scanning the QR code in the WAPing dashboard.`,
							},
						],
					};
			return { output: 0, items: [view], downstream };
		},
		extras: [
			{ label: 'growth-dev_789', cred: 'wapingDemoGrowth', deviceId: 'dev_789' },
			{ label: 'growth-dev_new', cred: 'wapingDemoGrowth', deviceId: 'dev_new' },
			{
				label: 'growth-dev_456-byid',
				cred: 'wapingDemoGrowth',
				deviceId: 'dev_456',
				deviceIdForm: 'id',
			},
			{ label: 'starter-plain-string', cred: 'wapingDemoStarter', deviceIdForm: 'string' },
			{
				label: `growth-${MISSING_DEVICE}/errout`,
				cred: 'wapingDemoGrowth',
				deviceId: MISSING_DEVICE,
				onError: 'continueErrorOutput',
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
			if (ready.length)
				downstream['Ready to send'] = ready.map((d) => ({ id: d.id, connected: true }));
			if (attention.length) {
				downstream['Needs attention'] = attention.map((d) => ({
					id: d.id,
					alert: `Device ${d.id} is ${d.state} (WAPing says "${d.status}"): re-link it by scanning the QR code in the WAPing dashboard before sending through it.`,
				}));
			}
			return { output: 0, items: devices, downstream };
		},
		extras: [
			{ label: 'pro-limit3', cred: 'wapingDemoPro', params: { returnAll: false, limit: 3 } },
			{
				label: 'growth-notConnected',
				cred: 'wapingDemoGrowth',
				params: { sessionFilter: 'notConnected' },
			},
			{
				label: 'growth-connected',
				cred: 'wapingDemoGrowth',
				params: { sessionFilter: 'connected' },
			},
		],
	},
	'plan-check': {
		id: 'e2ePlan',
		waping: 'Check plan',
		scope: { resource: 'plan', operation: 'check' },
		downstreamNodes: [
			'Within plan limits?',
			'Plan OK',
			'Alert: over the plan limits',
			EXPLAIN_401,
			EXPLAIN_403,
		],
		success(v) {
			const TIERS = {
				starter: ['Starter', 1, 3000],
				growth: ['Growth', 5, 30000],
				pro: ['Pro', 15, 300000],
			};
			const devices = devicesOf(v.cred).map(deviceView);
			// a device whose state is "unlinked" has no session: it does not count as linked
			const linkedDevices = devices.filter((d) => d.state !== 'unlinked');
			const linked = linkedDevices.length;
			const connected = linkedDevices.filter((d) => d.connected).length;
			const plan = v.cred.plan === 'auto' ? v.cred.workspace : v.cred.plan;
			const [planName, deviceLimit, monthlyMessages] = TIERS[plan];
			const withinLimits = linked <= deviceLimit;
			const warnings = withinLimits
				? []
				: [
						`${linked} devices are linked, more than the declared ${planName} plan allows (${deviceLimit}). The workspace is probably on a larger plan: update the credential's Plan.`,
					];
			const item = {
				plan,
				planName,
				planSource: v.cred.plan === 'auto' ? 'inferred' : 'declared',
				apiAccess: true,
				deviceLimit,
				devicesLinked: linked,
				devicesConnected: connected,
				devicesUnlinked: devices.length - linked,
				devicesAvailable: Math.max(0, deviceLimit - linked),
				monthlyMessages,
				withinLimits,
				warnings,
			};
			const downstream = withinLimits
				? {
						'Within plan limits?': [{ plan }],
						'Plan OK': [
							{
								summary: `${planName} plan (${item.planSource}): ${linked} of ${deviceLimit} devices linked, ${connected} connected, ${monthlyMessages} messages a month.`,
							},
						],
					}
				: {
						'Within plan limits?': [{ plan }],
						'Alert: over the plan limits': [
							{
								alert: `The WAPing workspace does not fit its ${planName} plan: ${warnings.join(' ')}`,
							},
						],
					};
			return { output: 0, items: [item], downstream };
		},
		extras: [{ label: 'growth-as-starter', cred: 'e2eGrowthAsStarter' }],
	},
	'send-when-connected': {
		id: 'e2eSend',
		waping: 'Send shipping notice',
		scope: { resource: 'message', operation: 'send' },
		downstreamNodes: ['Sent', EXPLAIN_401, EXPLAIN_403, 'Alert: device not connected'],
		/**
		 * Each variant sends its own order (1042 for the first, as shipped, then 1043, ...): the shipped
		 * Idempotency Key `order-{{ $json.orderId }}-shipped` then differs per variant, as it would per
		 * order, so each variant's message is told apart at the simulator (the Growth and send-only keys
		 * share a workspace, where one key stands for one message).
		 */
		prepare(v, i, example) {
			v.orderId = SHIPPED_ORDER + i;
			v.key = orderKey(v.orderId);
			const orders = example.nodes.find((n) => n.name === 'Orders to notify');
			const shipped = orders.parameters.jsonOutput;
			const json = shipped.replace(`"orderId": ${SHIPPED_ORDER}`, `"orderId": ${v.orderId}`);
			if (v.orderId !== SHIPPED_ORDER && json === shipped)
				throw new Error(
					`"Orders to notify" no longer holds "orderId": ${SHIPPED_ORDER}: ${shipped}`,
				);
			v.nodeParams = { 'Orders to notify': { jsonOutput: json } };
			v.onlyWhenConnected = !(
				v.params &&
				v.params.options &&
				v.params.options.onlyWhenConnected === false
			);
		},
		scopeOf: (v) => ({ deviceId: v.deviceId || v.cred.deviceId, to: TO }),
		success(v) {
			const deviceId = v.deviceId || v.cred.deviceId;
			const devices = devicesOf(v.cred);
			const d = devices.find((x) => x.id === deviceId);
			const read = v.onlyWhenConnected ? 1 : 0;
			if (!d) {
				return {
					...errorOutputExpectation(
						'send',
						words.unknownDeviceWords(
							deviceId,
							devices.map((x) => x.id),
						),
					),
					requests: { get: read, post: 0 },
					accepts: 0,
				};
			}
			const view = deviceView(d);
			const notConnected = (state, code, apiMessage) => {
				const said = words.notConnectedWords(deviceId, state, apiMessage);
				const item = {
					deviceId,
					state,
					connected: false,
					to: TO,
					code,
					message: said.message,
					description: said.description,
					resource: 'message',
					operation: 'send',
					error: ABSENT,
				};
				return {
					output: 3,
					items: [item],
					downstream: {
						'Alert: device not connected': [
							{ alert: `Not sent to ${TO}: ${said.message} ${said.description}` },
						],
					},
				};
			};
			// Only When Connected: the device list says; without it, WAPing answers 409 SESSION_DISCONNECTED
			if (v.onlyWhenConnected && !view.connected)
				return {
					...notConnected(view.state, 'DEVICE_NOT_CONNECTED'),
					requests: { get: 1, post: 0 },
					accepts: 0,
				};
			if (!simSendsThrough(d))
				return {
					...notConnected(
						'disconnected',
						'SESSION_DISCONNECTED',
						words.SIMULATOR_SAYS.notConnected(deviceId),
					),
					requests: { get: read, post: 1 },
					accepts: 0,
				};
			const sameId = (id) =>
				(typeof id === 'string' && id === acceptedId(v.key)) ||
				`expected the id of the message WAPing accepted with key ${v.key}: ${acceptedId(v.key)}`;
			const item = {
				id: sameId,
				status: 'queued',
				deviceId,
				to: TO,
				idempotencyKey: v.key,
				replayed: v.replay ? true : ABSENT,
				error: ABSENT,
			};
			const summary = (s) =>
				s === `Message ${acceptedId(v.key)} to ${TO} is queued.` ||
				`expected "Message ${acceptedId(v.key)} to ${TO} is queued."`;
			return {
				output: 0,
				items: [item],
				downstream: { Sent: [{ id: sameId, summary }] },
				requests: { get: read, post: 1 },
				accepts: 1,
			};
		},
		extras: [
			{ label: 'growth-dev_789', cred: 'wapingDemoGrowth', deviceId: 'dev_789' },
			{ label: 'growth-dev_456', cred: 'wapingDemoGrowth', deviceId: 'dev_456' },
			{ label: 'growth-dev_new', cred: 'wapingDemoGrowth', deviceId: 'dev_new' },
			{
				label: `growth-${MISSING_DEVICE}/errout`,
				cred: 'wapingDemoGrowth',
				deviceId: MISSING_DEVICE,
				onError: 'continueErrorOutput',
			},
			// the send-only key may send; what it may not is read the devices, which Only When Connected does
			{
				label: 'sendonly-unchecked',
				cred: 'wapingDemoSendOnly',
				keySends: true,
				params: { options: { onlyWhenConnected: false } },
			},
			{
				label: 'growth-dev_789-unchecked',
				cred: 'wapingDemoGrowth',
				deviceId: 'dev_789',
				params: { options: { onlyWhenConnected: false } },
			},
			{ label: 'pro-byid', cred: 'wapingDemoPro', deviceIdForm: 'id' },
			{ label: 'starter-plain-string', cred: 'wapingDemoStarter', deviceIdForm: 'string' },
		],
	},
};

/**
 * Every variant of one example: each demo credential with On Error off and on, then the extras.
 * `replay` marks the Send matrix's second run (the same workflow executed again).
 */
function variantsFor(slug, example, { replay = false, ns } = {}) {
	const spec = SPECS[slug];
	const list = [];
	for (const c of demo.DEMO_CREDENTIALS) {
		for (const mode of MODES)
			list.push({ label: `${shortLabel(c)}/${mode.key}`, cred: c, onError: mode.onError });
	}
	for (const x of spec.extras) list.push({ ...x, cred: cred(x.cred) });
	list.forEach((v, i) => {
		v.replay = replay;
		if (ns) v.ns = ns;
		if (spec.prepare) spec.prepare(v, i, example);
		const deviceId =
			'deviceId' in (demo.wapingNodes(example)[0].parameters || {})
				? v.deviceId || v.cred.deviceId
				: undefined;
		const scope = { ...spec.scope, deviceId, ...(spec.scopeOf ? spec.scopeOf(v) : {}) };
		if (!v.expect)
			v.expect =
				v.cred.expect.output === 0 || v.keySends
					? spec.success(v)
					: denialExpectation(v.cred, scope);
		// one device list per node run (Send: with Only When Connected); none for a declared Free plan
		if (!v.expect.requests) {
			const sent = !v.cred.expect.noRequest;
			v.expect.requests =
				v.onlyWhenConnected === false
					? { get: 0, post: sent ? 1 : 0 }
					: { get: sent ? 1 : 0, post: 0 };
		}
		if (v.expect.accepts === undefined) v.expect.accepts = 0;
	});
	return list;
}

// ---------------------------------------------------------------------------------------------
// reading an execution

function nodeRuns(exec, name) {
	return exec.data?.resultData?.runData?.[name] || null;
}

/** Checks of one variant inside a matrix execution. */
function checkVariant(slug, spec, v, exec, apiKeys, tagSuffix = '') {
	const W = copyName(spec.waping, v);
	const tag = `${slug} ${v.label}${tagSuffix}`;
	const e = v.expect;
	const names = outputNamesOf(spec.scope.operation);
	const errorOutput = errorOutputOf(spec.scope.operation);
	check(`${tag}: items on ${names[e.output]} (output ${e.output}) only`, () => {
		const runs = nodeRuns(exec, W);
		assert.ok(runs, `node "${W}" did not run`);
		assert.equal(runs.length, 1, `node "${W}" ran ${runs.length} times`);
		assert.equal(
			runs[0].executionStatus,
			'success',
			`node "${W}": executionStatus ${runs[0].executionStatus} ${JSON.stringify(runs[0].error || '')}`,
		);
		const main = runs[0].data.main;
		assert.equal(
			main.length,
			errorOutput + (v.onError === 'continueErrorOutput' ? 1 : 0),
			`node "${W}" has ${main.length} outputs`,
		);
		const counts = main.map((o) => (o || []).length);
		const want = main.map((_, i) => (i === e.output ? e.items.length : 0));
		assert.deepEqual(
			counts,
			want,
			`items per output (${names.slice(0, main.length).join(', ')}): ${JSON.stringify(counts)}, expected ${JSON.stringify(want)}`,
		);
		for (const it of main[e.output])
			assert.deepEqual(it.pairedItem, { item: 0 }, `pairedItem ${JSON.stringify(it.pairedItem)}`);
	});
	check(`${tag}: fields`, () => {
		const runs = nodeRuns(exec, W);
		const items = ((runs && runs[0].data.main[e.output]) || []).map((it) => it.json);
		assert.equal(items.length, e.items.length, `${items.length} items`);
		items.forEach((json, i) => {
			assertSubset(json, e.items[i], `item ${i} ${JSON.stringify(json)}`);
			if (e.itemErrors)
				assertSubset(runs[0].data.main[e.output][i].error, e.itemErrors[i], `item ${i}'s error`);
			if (e.output !== errorOutput)
				assert.ok(!('error' in json), `item ${i} carries an "error" key: ${JSON.stringify(json)}`);
			const text = JSON.stringify(runs[0].data.main[e.output][i]);
			for (const k of apiKeys) assert.ok(!text.includes(k), `item ${i} contains an API key`);
		});
	});
	check(`${tag}: nodes downstream`, () =>
		assertDownstream(exec, spec.downstreamNodes, e.downstream, (name) => copyName(name, v)),
	);
}

/** What each node after the WAPing node put out (`want[name]`), and that the others did not run. */
function assertDownstream(exec, names, want, rename = (name) => name) {
	for (const name of names) {
		const runs = nodeRuns(exec, rename(name));
		if (!want[name]) {
			assert.ok(!runs, `"${name}" ran but should not have`);
			continue;
		}
		assert.ok(runs, `"${name}" did not run`);
		const items = runs.flatMap((r) => (r.data && r.data.main ? r.data.main.flat() : []));
		// an If node has two outputs: count what went in, not out
		const got = items.filter(Boolean).map((it) => it.json);
		assert.equal(
			got.length,
			want[name].length,
			`"${name}" put out ${got.length} items, expected ${want[name].length}`,
		);
		got.forEach((json, i) => assertSubset(json, want[name][i], `"${name}" item ${i}`));
	}
}

/** The simulator's request log and accepted messages over its control routes. */
async function simState(simUrl) {
	const r = await rt.request(simUrl, 'GET', '/__sim/requests');
	const m = await rt.request(simUrl, 'GET', '/__sim/messages');
	return { requests: r.body.requests, messages: m.body.messages };
}

/** The simulator's requests and messages over its control routes, then reset (requests, messages, faults). */
async function takeSim(simUrl) {
	const state = await simState(simUrl);
	await rt.request(simUrl, 'POST', '/__sim/reset');
	return state;
}

/** The simulator's request log, then reset. */
async function takeRequests(simUrl) {
	return (await takeSim(simUrl)).requests;
}

const keyName = (k) => Object.entries(demo.demoKeys).find(([, v]) => v === k)?.[0] || k;

/** Requests per key: GET /v1/devices and POST /v1/messages; each POST's Idempotency-Key names its variant. */
function checkRequests(tag, requests, variants) {
	const want = {};
	for (const v of variants) {
		const w = (want[keyName(v.cred.apiKey)] ||= { get: 0, post: 0 });
		w.get += v.expect.requests.get;
		w.post += v.expect.requests.post;
	}
	const sends = variants.some((v) => v.key);
	const what = sends
		? 'GET /v1/devices once per node run with Only When Connected, POST /v1/messages once per message; none for a declared Free plan'
		: 'one GET /v1/devices per WAPing node run; none for a declared Free plan';
	check(`${tag}: requests per key (${what})`, () => {
		const got = {};
		for (const r of requests) {
			const route = `${r.method} ${r.path}`;
			assert.ok(
				['GET /v1/devices', ...(sends ? ['POST /v1/messages'] : [])].includes(route),
				`unexpected request ${route}`,
			);
			const m = /^Bearer (\S+)$/.exec(r.headers.authorization || '');
			assert.ok(m, `Authorization header "${r.headers.authorization}"`);
			assert.match(
				String(r.headers.accept || ''),
				/application\/json/,
				`Accept: ${r.headers.accept}`,
			);
			const g = (got[keyName(m[1])] ||= { get: 0, post: 0 });
			if (r.method === 'GET') g.get++;
			else g.post++;
		}
		const show = (o) =>
			JSON.stringify(
				Object.fromEntries(
					Object.entries(o)
						.filter(([, n]) => n.get + n.post > 0)
						.sort(([a], [b]) => a.localeCompare(b)),
				),
			);
		assert.equal(show(got), show(want), `requests per key: ${show(got)}, expected ${show(want)}`);
	});
	if (!sends) return;
	check(
		`${tag}: each POST /v1/messages carries its variant's Idempotency-Key (order-<orderId>-shipped), as many as expected per variant`,
		() => {
			const posts = requests.filter((r) => r.method === 'POST');
			const byKey = new Map();
			for (const r of posts)
				byKey.set(r.headers['idempotency-key'], (byKey.get(r.headers['idempotency-key']) || 0) + 1);
			for (const v of variants)
				assert.equal(
					byKey.get(v.key) || 0,
					v.expect.requests.post,
					`${v.label}: ${byKey.get(v.key) || 0} POSTs with Idempotency-Key ${v.key}`,
				);
			const known = new Set(variants.map((v) => v.key));
			const stray = [...byKey.keys()].filter((k) => !known.has(k));
			assert.deepEqual(stray, [], `POSTs with keys no variant sends: ${JSON.stringify(stray)}`);
			for (const r of posts) {
				const v = variants.find((x) => x.key === r.headers['idempotency-key']);
				const body = JSON.parse(r.body);
				assert.deepEqual(
					body,
					{
						deviceId: v.deviceId || v.cred.deviceId,
						to: TO,
						type: 'text',
						text: { body: orderText(v.orderId) },
					},
					`${v.label}: POST body ${r.body}`,
				);
			}
		},
	);
}

/** The messages WAPing accepted: exactly one per variant that sent, none for the others. */
function checkMessages(tag, messages, variants, { replay = false } = {}) {
	const title = replay
		? `${tag}: WAPing accepted no new message (every Success is a replay of run 1's)`
		: `${tag}: messages WAPing accepted: exactly one per variant on Success, none for the others`;
	check(title, () => {
		const perKey = new Map();
		for (const m of messages) perKey.set(m.key, [...(perKey.get(m.key) || []), m]);
		for (const v of variants) {
			const got = perKey.get(v.key) || [];
			assert.equal(
				got.length,
				v.expect.accepts,
				`${v.label}: ${got.length} messages accepted with key ${v.key}, expected ${v.expect.accepts}`,
			);
			for (const m of got) {
				assertSubset(
					m,
					{
						workspace: `ws_${v.cred.workspace}`,
						deviceId: v.deviceId || v.cred.deviceId,
						to: TO,
						text: orderText(v.orderId),
					},
					`${v.label}: message ${m.id}`,
				);
			}
		}
		const total = variants.reduce((n, v) => n + v.expect.accepts, 0);
		assert.equal(
			messages.length,
			total,
			`${messages.length} messages accepted in all, expected ${total}: ${JSON.stringify(messages.map((m) => m.key))}`,
		);
	});
}

const LOAD_FAILURE =
	/Failed to load package|Unrecognized node type|Unknown (node|credential)|is not a constructor/i;

/** An example as shipped, run over REST from one of its triggers with the Growth credential. */
function checkShipped(title, ex, exec, trig, state) {
	const spec = SPECS[ex.slug];
	const v = { label: 'shipped', cred: cred('wapingDemoGrowth'), replay: false };
	if (spec.prepare) spec.prepare(v, 0, ex.workflow); // the first variant's order is the shipped one
	for (const m of state.messages) accepted.set(m.key, m);
	const e = spec.success(v);
	const names = outputNamesOf(spec.scope.operation);
	check(`${title}: ${names[e.output]} and the nodes after it`, () => {
		assert.equal(
			exec.status,
			'success',
			JSON.stringify(exec.data && exec.data.resultData && exec.data.resultData.error),
		);
		assert.ok(nodeRuns(exec, trig.name), `${trig.name} did not run`);
		const runs = nodeRuns(exec, spec.waping);
		assert.ok(runs, `${spec.waping} did not run`);
		const main = runs[0].data.main;
		assert.deepEqual(
			main.map((o) => (o || []).length),
			Array.from({ length: errorOutputOf(spec.scope.operation) }, (_, k) =>
				k === e.output ? e.items.length : 0,
			),
		);
		main[e.output].forEach((it, k) => assertSubset(it.json, e.items[k], `item ${k}`));
		assertDownstream(exec, spec.downstreamNodes, e.downstream);
	});
	const want = { get: e.requests ? e.requests.get : 1, post: e.requests ? e.requests.post : 0 };
	check(
		`${title}: ${want.get} GET /v1/devices${want.post ? `, ${want.post} POST /v1/messages` : ''} with the Growth key; ${e.accepts ? 'WAPing accepted the one message, keyed by the order' : 'no message'}`,
		() => {
			const routes = state.requests.map((r) => `${r.method} ${r.path}`).sort();
			assert.deepEqual(routes, [
				...Array(want.get).fill('GET /v1/devices'),
				...Array(want.post).fill('POST /v1/messages'),
			]);
			for (const r of state.requests)
				assert.equal(r.headers.authorization, `Bearer ${demo.demoKeys.growth}`);
			if (!e.accepts) return assert.deepEqual(state.messages, []);
			assert.equal(state.messages.length, 1, JSON.stringify(state.messages));
			assertSubset(
				state.messages[0],
				{
					workspace: 'ws_growth',
					deviceId: 'dev_123',
					to: TO,
					text: orderText(SHIPPED_ORDER),
					key: orderKey(SHIPPED_ORDER),
				},
				'message',
			);
			const post = state.requests.find((r) => r.method === 'POST');
			assert.equal(post.headers['idempotency-key'], orderKey(SHIPPED_ORDER));
		},
	);
}

/**
 * A trigger-only example as shipped, run over REST from its WAPing Trigger: n8n polls in manual mode,
 * which is what the editor's Fetch Test Event runs, and the trigger gives each device as it is now.
 */
function checkShippedTrigger(title, exec, trig, wf, { requests, messages }) {
	const devices = devicesOf(cred('wapingDemoGrowth'));
	const downstream = (wf.connections[trig.name].main[0] || []).map((c) => c.node);
	check(
		`${title} (the manual poll Fetch Test Event runs): one "sample" item per device of the workspace, as it is now`,
		() => {
			assert.equal(
				exec.status,
				'success',
				JSON.stringify(exec.data && exec.data.resultData && exec.data.resultData.error),
			);
			const runs = nodeRuns(exec, trig.name);
			assert.ok(runs, `${trig.name} did not run`);
			const items = runs[0].data.main[0].map((it) => it.json);
			assert.equal(items.length, devices.length, JSON.stringify(items));
			items.forEach((json, k) => {
				const d = deviceView(devices[k]);
				assertSubset(
					json,
					{
						event: 'sample',
						deviceId: d.id,
						previousState: null,
						state: d.state,
						connected: d.connected,
						status: d.status,
						previousStatus: null,
						detectedAt: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
					},
					`item ${k}`,
				);
			});
		},
	);
	check(
		`${title}: the node after the trigger (${downstream.join(', ')}) ran on every sample item`,
		() => {
			assert.equal(downstream.length, 1);
			const ran = nodeRuns(exec, downstream[0]);
			assert.ok(ran, `${downstream[0]} did not run`);
			const got = ran[0].data.main[0].map((it) => it.json);
			assert.equal(got.length, devices.length);
			got.forEach((json, k) => {
				const d = deviceView(devices[k]);
				// a sample says it is one, with the device's state now (it has no change to name)
				assert.equal(
					json.alert,
					`Sample (Fetch Test Event): device ${d.id} is ${d.state} now. A real alert names the change.`,
					`item ${k}`,
				);
			});
		},
	);
	check(`${title}: one GET /v1/devices with the Growth key, no message`, () => {
		assert.deepEqual(
			requests.map((r) => `${r.method} ${r.path} ${r.headers.authorization}`),
			[`GET /v1/devices Bearer ${demo.demoKeys.growth}`],
		);
		assert.deepEqual(messages, []);
	});
}

s.run(async (LINE) => {
	const ON_1X = LINE.line === 1;
	const work = await s.tempDir('waping-e2e-', { keepOnFailure: true });
	out(
		`e2e on n8n ${LINE.n8nVersion}, Node ${LINE.nodeVersion} (line ${LINE.line}); work folder ${work}`,
	);
	section('runtime');
	const runtime = await stack.runtime(LINE, (m) => out(`  [n8n-runtime] ${m}`));
	out(`  n8n ${runtime.n8nVersion} on Node ${runtime.nodeVersion} from ${runtime.runtimeDir}`);

	// -------------------------------------------------------------------------------------
	section('build and pack');
	const tarball = await stack.buildAndPack(work);
	out(`  ${path.basename(tarball.file)}: ${tarball.files.length} files`);
	const extracted = path.join(work, 'extracted');
	await fsp.mkdir(extracted);
	cp.execFileSync('tar', ['-xzf', tarball.file, '-C', extracted, '--strip-components=1']);
	const pj = JSON.parse(fs.readFileSync(path.join(extracted, 'package.json'), 'utf8'));
	check('tarball: only dist/, package.json, README.md and LICENSE', () => {
		const stray = tarball.files.filter(
			(f) => !/^dist\//.test(f) && !['package.json', 'README.md', 'LICENSE'].includes(f),
		);
		assert.deepEqual(stray, [], `unexpected files: ${stray.join(', ')}`);
	});
	check('tarball: no runtime dependencies', () => {
		assert.deepEqual(
			Object.keys(pj.dependencies || {}),
			[],
			`dependencies: ${JSON.stringify(pj.dependencies)}`,
		);
	});
	check('tarball: every file of the n8n section is in it, with its icons', () => {
		assert.equal(pj.n8n.n8nNodesApiVersion, 1);
		const listed = [...pj.n8n.nodes, ...pj.n8n.credentials];
		assert.ok(
			pj.n8n.nodes.length >= 1 && pj.n8n.credentials.length >= 1,
			'n8n.nodes and n8n.credentials are empty',
		);
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
	section(
		"n8n's verification scan (@n8n/scan-community-package analyzePackage, as its CLI calls it)",
	);
	// the source leg: the working tree with the scanner's SOURCE_FILE_PATTERNS, inline eslint-disable
	// comments ignored; the tarball leg: the packed package's .js files and package.json
	const scan = await scanPackage({ sourceDir: demo.REPO, packageDir: extracted });
	for (const leg of scan.legs) {
		check(
			`scan ${scan.scannerVersion}, ${leg.kind} leg (${leg.patterns.join(', ')}): no violation`,
			() => {
				assert.ok(
					leg.passed,
					`${leg.message || 'failed'}${leg.details ? `\n${leg.details.trim()}` : ''}${leg.error ? `\n${leg.error}` : ''}`,
				);
			},
		);
	}

	// -------------------------------------------------------------------------------------
	section('install into a fresh n8n user folder; credentials and workflows');
	const folder = await stack.n8nFolder({
		runtime,
		userFolder: path.join(work, 'n8n-user'),
		tarball,
		extra: { N8N_LOG_FORMAT: 'json' },
		onCleanup: s.onCleanup,
	});
	const { installed } = folder;
	check('community package installed from the tarball', () => {
		assert.equal(installed.packageName, 'n8n-nodes-waping');
		for (const f of pj.n8n.nodes)
			assert.ok(fs.existsSync(path.join(installed.packageDir, f)), `${f} is missing`);
		assert.ok(
			!fs.existsSync(path.join(installed.packageDir, 'node_modules')),
			'it has a node_modules folder',
		);
	});

	const sim = await stack.simulator({}, s.onCleanup);
	out(`  simulator on ${sim.url}`);
	const creds = [...demo.demoCredentials(sim.url), ...credentials(EXTRA_CREDENTIALS, sim.url)];
	await folder.importCredentials(creds);
	out(`  imported ${creds.length} credentials (${elapsed()})`);

	const examples = demo.loadExamples();
	const isWapingNode = (n) => n.type === demo.NODE_TYPE || n.type === demo.TRIGGER_TYPE;
	const matrixExamples = examples.filter((ex) => !TRIGGER_ONLY.includes(ex.slug));
	check(
		`examples: four or more with a WAPing node, each in the matrix; the trigger-only ones (${TRIGGER_ONLY.join(', ')}) start on the WAPing Trigger alone`,
		() => {
			assert.ok(matrixExamples.length >= 4, `${matrixExamples.length} examples with a WAPing node`);
			for (const ex of matrixExamples) {
				assert.ok(demo.wapingNodes(ex.workflow).length >= 1, `${ex.file} has no WAPing node`);
				assert.ok(SPECS[ex.slug], `${ex.file} has no expectations in e2e/run.js`);
			}
			for (const slug of TRIGGER_ONLY) {
				const ex = examples.find((x) => x.slug === slug);
				assert.ok(ex, `examples/${slug}.json is missing`);
				const triggers = ex.workflow.nodes.filter((n) => /trigger$/i.test(n.type));
				assert.deepEqual(
					triggers.map((n) => n.type),
					[demo.TRIGGER_TYPE],
					`${ex.file}: triggers ${JSON.stringify(triggers.map((n) => n.type))}`,
				);
				assert.equal(
					demo.wapingNodes(ex.workflow).length,
					0,
					`${ex.file} has a WAPing node: give it expectations in the matrix`,
				);
			}
		},
	);
	check('examples: only nodes that ship with n8n, plus WAPing and the WAPing Trigger', () => {
		for (const ex of examples) {
			for (const n of ex.workflow.nodes)
				assert.match(
					n.type,
					/^(n8n-nodes-base\.|n8n-nodes-waping\.(waping|wapingTrigger)$)/,
					`${ex.file}: ${n.name} is ${n.type}`,
				);
		}
	});
	check(
		'examples: the device health check starts on a Schedule Trigger, picks its Device from the list and branches on `connected`',
		() => {
			const wf = examples.find((x) => x.slug === 'device-health-check').workflow;
			assert.ok(wf.nodes.some((n) => n.type === 'n8n-nodes-base.scheduleTrigger'));
			const iff = wf.nodes.find((n) => n.type === 'n8n-nodes-base.if');
			assert.match(JSON.stringify(iff.parameters), /\$json\.connected/);
			assert.deepEqual(demo.wapingNodes(wf)[0].parameters.deviceId, {
				__rl: true,
				value: 'dev_123',
				mode: 'list',
				cachedResultName: 'dev_123',
			});
			const outs = wf.connections['Check device session'].main;
			assert.equal(outs.length, 3);
			for (const o of outs) assert.equal(o.length, 1, 'each of the three outputs leads somewhere');
		},
	);
	check(
		'examples: the send example sends through a Device from the list, keyed by the order, and each of its four outputs leads somewhere',
		() => {
			const wf = examples.find((x) => x.slug === 'send-when-connected').workflow;
			const send = demo.wapingNodes(wf)[0];
			assertSubset(
				send.parameters,
				{ resource: 'message', operation: 'send', to: '={{ $json.phone }}' },
				'Send shipping notice',
			);
			assert.equal(send.parameters.deviceId.__rl, true);
			assert.equal(send.parameters.options.idempotencyKey, '=order-{{ $json.orderId }}-shipped');
			assert.ok(
				!('onlyWhenConnected' in send.parameters.options),
				'Only When Connected is set in the example: it should be the default (on)',
			);
			const outs = wf.connections[send.name].main;
			assert.equal(outs.length, 4);
			for (const o of outs) assert.equal(o.length, 1, 'each of the four outputs leads somewhere');
		},
	);

	const plan = matrixExamples.map((ex) => {
		const spec = SPECS[ex.slug];
		const sends = spec.scope.operation === 'send';
		// the read examples run in one workflow: their copies are named apart by the example
		const variants = variantsFor(ex.slug, ex.workflow, { ns: sends ? undefined : ex.slug });
		const workflow = buildMatrix(ex.workflow, variants, {
			id: spec.id,
			name: `e2e: ${ex.workflow.name} × every demo key`,
		});
		return { ex, spec, variants, workflow, sends };
	});
	const reads = plan.filter((p) => !p.sends);
	const sendPlan = plan.find((p) => p.sends);
	const readsWorkflow = mergeMatrices(
		reads.map((p) => p.workflow),
		{ id: 'e2eReads', name: 'e2e: the read examples × every demo key' },
	);
	// as shipped, each WAPing node and WAPing Trigger given the Growth credential (what a user picks)
	// and nothing else changed: run from each trigger over REST later
	const growth = cred('wapingDemoGrowth');
	const asShipped = examples.map((ex, i) => {
		const wf = demo.clone(ex.workflow);
		wf.id = `e2eShipped${i + 1}`;
		for (const n of wf.nodes.filter(isWapingNode))
			n.credentials = { [demo.CREDENTIAL_TYPE]: { id: growth.id, name: growth.name } };
		return wf;
	});
	// "On Error" off and a device that is not in the workspace: the run stops with the node's error
	const healthEx = examples.find((x) => x.slug === 'device-health-check');
	const stopVariant = {
		label: `growth-${MISSING_DEVICE}/off`,
		cred: growth,
		deviceId: MISSING_DEVICE,
	};
	const stopWorkflow = buildMatrix(healthEx.workflow, [stopVariant], {
		id: 'e2eStop',
		name: 'e2e: device health check, unknown device, On Error off',
	});
	const matrices = [readsWorkflow, sendPlan.workflow];
	await folder.importWorkflow([...matrices, stopWorkflow, ...asShipped]);
	out(`  imported ${matrices.length + 1 + asShipped.length} workflows (${elapsed()})`);
	await takeRequests(sim.url);
	const apiKeys = Object.values(demo.demoKeys);

	/** `n8n execute` of one matrix workflow, and the checks every matrix run gets. */
	const executeMatrix = async (id, tag) => {
		const exec = await folder.executeWorkflow(id);
		const state = await simState(sim.url);
		const cliText = `${exec.cli.stdout}\n${exec.cli.stderr}`;
		check(`${tag}: n8n execute --id=${id} succeeded`, () => {
			assert.equal(
				exec.cli.code,
				0,
				`exit code ${exec.cli.code}: ${JSON.stringify(exec.data.resultData.error || '')}`,
			);
			assert.equal(exec.status, 'success');
			assert.equal(exec.mode, 'cli');
			assert.ok(nodeRuns(exec, START), 'the Manual Trigger did not run');
			assert.ok(
				!LOAD_FAILURE.test(cliText),
				cliText
					.split('\n')
					.filter((l) => LOAD_FAILURE.test(l))
					.join('\n'),
			);
		});
		return { exec, state };
	};

	// -------------------------------------------------------------------------------------
	section(
		`n8n execute: the read examples in one workflow (${reads.map((p) => `${p.ex.file} × ${p.variants.length}`).join(', ')}; every demo key, On Error off/on, extras)`,
	);
	{
		const { exec, state } = await executeMatrix(readsWorkflow.id, 'read examples');
		for (const p of reads)
			for (const v of p.variants) checkVariant(p.ex.slug, p.spec, v, exec, apiKeys);
		checkRequests(
			'read examples',
			state.requests,
			reads.flatMap((p) => p.variants),
		);
		check('read examples: WAPing accepted no message', () => assert.deepEqual(state.messages, []));
		await takeRequests(sim.url);
	}

	{
		const p = sendPlan;
		section(
			`n8n execute: ${p.ex.file} × ${p.variants.length} variants (every demo key, On Error off/on, extras)`,
		);
		const { exec, state } = await executeMatrix(p.spec.id, `${p.ex.slug} run 1`);
		for (const m of state.messages) accepted.set(m.key, m);
		for (const v of p.variants) checkVariant(p.ex.slug, p.spec, v, exec, apiKeys, ' run 1');
		checkRequests(`${p.ex.slug} run 1`, state.requests, p.variants);
		checkMessages(`${p.ex.slug} run 1`, state.messages, p.variants);

		section(`n8n execute: ${p.ex.file} again (the same orders): replays, no new message`);
		const mark = state.requests.length;
		const again = variantsFor(p.ex.slug, p.ex.workflow, { replay: true });
		const second = await executeMatrix(p.spec.id, `${p.ex.slug} run 2`);
		for (const v of again) checkVariant(p.ex.slug, p.spec, v, second.exec, apiKeys, ' run 2');
		checkRequests(`${p.ex.slug} run 2`, second.state.requests.slice(mark), again);
		checkMessages(`${p.ex.slug} run 2`, second.state.messages, again, { replay: true });
		check(`${p.ex.slug} run 2: the messages WAPing holds are run 1's, unchanged`, () => {
			assert.deepEqual(second.state.messages, state.messages);
		});
		await takeRequests(sim.url);
	}

	section('n8n execute: On Error off, device not in the workspace');
	{
		const exec = await folder.executeWorkflow('e2eStop');
		const requests = await takeRequests(sim.url);
		const W = copyName('Check device session', stopVariant);
		const said = words.unknownDeviceWords(
			MISSING_DEVICE,
			devicesOf(growth).map((d) => d.id),
		);
		check(
			"the run fails with the node's error naming the device and the workspace's devices (exit 1, status error)",
			() => {
				assert.equal(exec.status, 'error');
				assert.equal(
					exec.cli.code,
					1,
					`exit code ${exec.cli.code}, signal ${exec.cli.signal}:\n${exec.cli.stderr.split('\n').slice(-15).join('\n')}`,
				);
				const err = exec.data.resultData.error;
				assert.ok(err, 'no resultData.error');
				assert.equal(err.message, said.message);
				assert.equal(err.description, said.description);
				assert.equal(exec.data.resultData.lastNodeExecuted, W);
				const runs = nodeRuns(exec, W);
				assert.equal(runs[0].executionStatus, 'error');
				for (const k of apiKeys)
					assert.ok(!JSON.stringify(exec).includes(k), 'the execution contains an API key');
			},
		);
		check('nothing after the failed node ran', () => {
			for (const n of SPECS['device-health-check'].downstreamNodes)
				assert.ok(!nodeRuns(exec, copyName(n, stopVariant)), `${n} ran`);
		});
		checkRequests('on error off', requests, [
			{ ...stopVariant, expect: { requests: { get: 1, post: 0 } } },
		]);
	}

	// -------------------------------------------------------------------------------------
	section('n8n start: loading, credential test, the examples as shipped');
	const lines = [];
	const server = await folder.start({ onLine: (l) => lines.push(l) }, { N8N_LOG_LEVEL: 'debug' });
	const startup = lines.slice(0).map(stack.parseLogLine);
	const api = editor(server.baseUrl, (await rt.setupOwner(server.baseUrl)).cookie);
	check('n8n loads the package: 2 nodes (WAPing, WAPing Trigger) and 1 credential type', () => {
		const loaded = startup.find((l) =>
			/Loaded all credentials and nodes from n8n-nodes-waping/.test(l.message || ''),
		);
		assert.ok(loaded, 'no "Loaded all credentials and nodes from n8n-nodes-waping" line');
		const meta = loaded.metadata || loaded;
		assert.equal(meta.nodes, 2, JSON.stringify(loaded));
		assert.equal(meta.credentials, 1, JSON.stringify(loaded));
	});
	check('n8n starts without warnings or errors about the package (known n8n notices aside)', () => {
		// n8n's own notices; on 1.x the deprecation list is worded "related to your environment variables"
		const HARMLESS = [
			/Python task runner/,
			/deprecations related to your (n8n setup|environment variables)/,
			/Automatic license renewal is disabled/,
		];
		const bad = startup.filter(
			(l) =>
				['warn', 'error'].includes(l.level) && !HARMLESS.some((re) => re.test(l.message || '')),
		);
		const textual = startup.filter((l) => l.level === 'text' && LOAD_FAILURE.test(l.message));
		assert.deepEqual(
			[...bad, ...textual].map((l) => `${l.level}: ${l.message}`),
			[],
		);
	});
	const types = await api.request('GET', '/types/nodes.json');
	const credTypes = await api.request('GET', '/types/credentials.json');
	const nodeType = (types.body || []).find((n) => n.name === demo.NODE_TYPE);
	check(
		'the editor lists the node n8n-nodes-waping.waping: outputs Success, Bad Key, Denied, and Offline for Message → Send',
		() => {
			assert.ok(nodeType, 'not in /types/nodes.json');
			// the outputs are an expression over the node's parameters; the editor evaluates it
			assert.equal(
				typeof nodeType.outputs,
				'string',
				`outputs ${JSON.stringify(nodeType.outputs)}`,
			);
			const m = /^=\{\{([\s\S]*)\}\}$/.exec(nodeType.outputs);
			assert.ok(m, `outputs is not an expression: ${nodeType.outputs.slice(0, 200)}`);
			const outputsFor = new Function('$parameter', `return (${m[1]});`);
			const labels = (parameters) =>
				outputsFor(parameters).map((o) => `${o.type}:${o.displayName}`);
			assert.deepEqual(
				labels({ resource: 'message', operation: 'send' }),
				SEND_OUTPUTS.map((n) => `main:${n}`),
			);
			for (const operation of ['getStatus', 'getAll'])
				assert.deepEqual(
					labels({ resource: 'device', operation }),
					READ_OUTPUTS.map((n) => `main:${n}`),
				);
			assert.deepEqual(
				labels({ resource: 'plan', operation: 'check' }),
				READ_OUTPUTS.map((n) => `main:${n}`),
			);
			assert.deepEqual(
				nodeType.credentials.map((c) => c.name),
				[demo.CREDENTIAL_TYPE],
			);
			assert.ok(
				nodeType.iconUrl &&
					nodeType.iconUrl.light &&
					nodeType.iconUrl.dark &&
					nodeType.iconUrl.light !== nodeType.iconUrl.dark,
				`iconUrl ${JSON.stringify(nodeType.iconUrl)}`,
			);
			assert.ok(
				(types.body || []).some((n) => n.name === `${demo.NODE_TYPE}Tool`),
				'no AI tool variant',
			);
		},
	);
	check(
		'the editor lists the trigger n8n-nodes-waping.wapingTrigger: a polling trigger with the WAPing credential',
		() => {
			const t = (types.body || []).find((n) => n.name === demo.TRIGGER_TYPE);
			assert.ok(t, 'not in /types/nodes.json');
			assert.equal(t.polling, true);
			assert.deepEqual(t.inputs, []);
			assert.deepEqual(
				t.credentials.map((c) => c.name),
				[demo.CREDENTIAL_TYPE],
			);
		},
	);
	check(
		'the editor lists the credential type wapingApi (apiKey, baseUrl, plan) for both node types',
		() => {
			const c = (credTypes.body || []).find((x) => x.name === demo.CREDENTIAL_TYPE);
			assert.ok(c, 'not in /types/credentials.json');
			// n8n appends its own fields (allowedHttpRequestDomains, allowedDomains) after the package's
			assert.deepEqual(c.properties.map((p) => p.name).slice(0, 3), ['apiKey', 'baseUrl', 'plan']);
			assert.deepEqual([...c.supportedNodes].sort(), [demo.NODE_TYPE, demo.TRIGGER_TYPE].sort());
		},
	);
	for (const icon of ['light', 'dark']) {
		const url = nodeType && nodeType.iconUrl && nodeType.iconUrl[icon];
		const r = url ? await api.request('GET', `/${url}`) : { status: 0, text: '' };
		check(`n8n serves the ${icon} icon`, () => {
			assert.equal(r.status, 200, `GET /${url}: ${r.status}`);
			assert.match(r.text, /<svg/);
		});
	}

	// -------------------------------------------------------------------------------------
	// credential test, as the editor's "Test" button does it: the nodes' `testedBy` function
	// (nodes/shared/credentialTest.ts), which both n8n lines call the same way, so both show
	// WAPing's own words for a 401, a 403 and a redirect.
	// a loopback server that is not WAPing: where a followed redirect would land (it answers a device list)
	const other = await startRecorder();
	s.onCleanup('the other loopback server', () => other.close());
	const growthKey = demo.demoKeys.growth;
	// [::ffff:127.0.0.1] is 127.0.0.1, but not by name: a request sent there reaches the simulator
	const mappedUrl = `http://[::ffff:127.0.0.1]:${sim.port}`;
	{
		const probe = await rt.request(mappedUrl, 'GET', '/v1/devices', {
			headers: { authorization: `Bearer ${growthKey}` },
		});
		const seen = await takeRequests(sim.url);
		const hit = await rt.request(other.url, 'GET', '/probe');
		check(
			`control: a request to ${mappedUrl} reaches the simulator, and the second loopback server records what it gets`,
			() => {
				assert.equal(probe.status, 200);
				assert.equal(seen.length, 1, `${seen.length} requests`);
				assert.equal(hit.status, 200);
				assert.equal(other.requests.length, 1);
			},
		);
		other.requests.length = 0;
	}
	const httpRule = (code) =>
		typeof words.CREDENTIAL_TEST[code] === 'function'
			? words.CREDENTIAL_TEST[code](code)
			: words.CREDENTIAL_TEST[code];
	/** A credential the node refuses before sending anything (words.REFUSED[reason]). */
	const refused = (title, reason, change) => ({
		title: `${title}: refused, nothing sent`,
		c: growth,
		status: 'Error',
		message: words.REFUSED[reason],
		requests: [0, 0],
		...change,
	});
	const credTests = [
		{
			title: 'Growth key',
			c: cred('wapingDemoGrowth'),
			status: 'OK',
			message: words.CREDENTIAL_TEST.ok,
			sent: growthKey,
		},
		{
			title: 'Growth key pasted as "Bearer <key>"',
			c: cred('wapingDemoGrowth'),
			apiKey: `Bearer ${growthKey}`,
			status: 'OK',
			message: words.CREDENTIAL_TEST.ok,
			sent: growthKey,
		},
		// n8n's declarative test re-sent a 401 once; the node's own Test sends it once (either is accepted)
		{
			title: 'revoked key',
			c: cred('wapingDemoRevoked'),
			status: 'Error',
			message: httpRule(401),
			sent: demo.demoKeys.revoked,
			requests: [1, 2],
		},
		{
			title: 'Free workspace',
			c: cred('wapingDemoFree'),
			status: 'Error',
			message: httpRule(403),
			sent: demo.demoKeys.free,
		},
		{
			title: 'send-only key',
			c: cred('wapingDemoSendOnly'),
			status: 'Error',
			message: httpRule(403),
			sent: demo.demoKeys.sendOnly,
		},
		refused(`plain HTTP to ${mappedUrl}, loopback but not by name`, 'plainHttp', {
			baseUrl: mappedUrl,
		}),
		refused('a Base URL ending in /v1', 'versionPath', { baseUrl: `${sim.url}/v1` }),
		refused('a Base URL with a query', 'query', { baseUrl: `${sim.url}/?region=eu` }),
		refused('a Base URL holding the key', 'keyInBaseUrl', { baseUrl: `${sim.url}/${growthKey}` }),
		refused('a key with a space in it', 'keyWithSpaces', {
			apiKey: growthKey.replace('_growth_', '_growth '),
		}),
		{
			title: `a redirect (302) to another loopback origin: not followed`,
			c: growth,
			fault: {
				path: '/v1/devices',
				status: 302,
				redirectTo: `${other.url}/v1/devices`,
				times: 1,
			},
			status: 'Error',
			message: httpRule(302),
			sent: growthKey,
			otherOrigin: true,
		},
		{
			title: 'a 200 with a web page instead of the API',
			c: growth,
			fault: {
				path: '/v1/devices',
				status: 200,
				body: '<!doctype html><html><head><title>Sign in</title></head><body>Sign in to continue</body></html>',
				headers: { 'content-type': 'text/html; charset=utf-8' },
				times: 1,
			},
			status: 'Error',
			message: words.CREDENTIAL_TEST.notTheApi,
			sent: growthKey,
		},
	];
	for (const t of credTests) {
		if (t.fault) await rt.request(sim.url, 'POST', '/__sim/faults', { body: t.fault });
		const apiKey = t.apiKey === undefined ? t.c.apiKey : t.apiKey;
		const data = { apiKey, baseUrl: t.baseUrl || sim.url, plan: t.c.plan };
		const body = {
			credentials: { id: t.c.id, name: t.c.name, type: demo.CREDENTIAL_TYPE, data },
		};
		const r = await api.request('POST', '/rest/credentials/test', { body });
		const requests = await takeRequests(sim.url);
		const reached = other.requests.splice(0);
		const [min, max] = t.requests || [1, 1];
		check(`credential test over REST, ${t.title}: ${t.status} "${t.message}"`, () => {
			assert.equal(r.status, 200, `${r.status} ${r.text.slice(0, 300)}`);
			const d = r.body.data;
			assert.equal(d.status, t.status, JSON.stringify(d));
			assert.equal(d.message, t.message);
			for (const k of apiKeys) assert.ok(!d.message.includes(k), 'the message contains a key');
			assert.ok(
				requests.length >= min && requests.length <= max,
				`${requests.length} requests at the simulator, expected ${min === max ? min : `${min} to ${max}`}`,
			);
			for (const q of requests) {
				assert.equal(`${q.method} ${q.path}`, 'GET /v1/devices');
				assert.equal(q.headers.authorization, `Bearer ${t.sent}`);
			}
			assert.deepEqual(
				reached.map((q) => `${q.method} ${q.path}`),
				[],
				t.otherOrigin ? 'the redirect was followed' : 'the other server was reached',
			);
		});
	}

	// -------------------------------------------------------------------------------------
	// each example file as is, saved through the editor's API: n8n 2.x swaps the placeholder
	// credential for the one named like it ("WAPing account"); n8n 1.x keeps the placeholder (the
	// user selects the credential in the node)
	for (const ex of examples) {
		const { id, ...body } = demo.clone(ex.workflow); // eslint-disable-line no-unused-vars
		const r = await api.request('POST', '/rest/workflows', { body });
		const placeholder = ex.workflow.nodes.find(isWapingNode).credentials[demo.CREDENTIAL_TYPE];
		const want = ON_1X ? placeholder : { id: 'e2eWapingAccount', name: 'WAPing account' };
		const title = ON_1X
			? `${ex.file} saved as is through the editor's API keeps its placeholder credential (on n8n 1.x: n8n does not match credentials by name when a workflow is saved)`
			: `${ex.file} saved as is through the editor's API uses the credential named "WAPing account"`;
		check(title, () => {
			assert.equal(r.status, 200, `${r.status} ${r.text.slice(0, 500)}`);
			const saved = r.body.data;
			const nodes = saved.nodes.filter(isWapingNode);
			assert.equal(nodes.length, ex.workflow.nodes.filter(isWapingNode).length);
			for (const n of nodes) assert.deepEqual(n.credentials[demo.CREDENTIAL_TYPE], want, n.name);
		});
	}

	// each example as shipped (the Growth credential picked), from each of its triggers, as the editor runs it
	await takeRequests(sim.url);
	for (const [i, ex] of examples.entries()) {
		const wf = asShipped[i];
		const triggers = wf.nodes.filter((n) => /trigger$/i.test(n.type));
		for (const trig of triggers) {
			const exec = await rt.runWorkflowViaRest(server.baseUrl, api.cookie, wf.id, trig.name, {
				runtime,
			});
			const state = await takeSim(sim.url);
			const title = `${ex.slug} as shipped, run from "${trig.name}" over REST`;
			if (TRIGGER_ONLY.includes(ex.slug)) {
				checkShippedTrigger(title, exec, trig, wf, state);
				continue;
			}
			checkShipped(title, ex, exec, trig, state);
		}
	}
	const stopped = await server.stop();
	check('n8n stops cleanly on SIGTERM', () => {
		assert.ok(stopped.code === 0 || stopped.signal === 'SIGTERM', JSON.stringify(stopped));
	});
});
