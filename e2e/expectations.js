'use strict';
/*
 * What each example and its variants must produce in the e2e suite (e2e/run.js): the demo
 * workspaces' devices, the e2e-only credentials, the expectations per example (SPECS) and the
 * variants each example runs as. No check runs here.
 */
const assert = require('assert/strict');
const demo = require('../scripts/demo');
const words = require('./words');
const { demoSeed } = require('../simulator');

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
/** Examples that start on the WAPing Webhook Trigger (a request from WAPing): e2e/webhook.js runs them. */
const WEBHOOK_ONLY = ['reply-exactly-once', 'record-delivery-states', 'session-drop-alert'];
const inMatrix = (slug) => !TRIGGER_ONLY.includes(slug) && !WEBHOOK_ONLY.includes(slug);

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

module.exports = {
	ABSENT,
	assertSubset,
	seed,
	KNOWN_STATES,
	stateOf,
	devicesOf,
	deviceView,
	simSendsThrough,
	READ_OUTPUTS,
	SEND_OUTPUTS,
	outputNamesOf,
	errorOutputOf,
	EXPLAIN_401,
	EXPLAIN_403,
	cred,
	shortLabel,
	EXTRA_CREDENTIALS,
	denialExpectation,
	errorOutputExpectation,
	MODES,
	TRIGGER_ONLY,
	WEBHOOK_ONLY,
	inMatrix,
	TO,
	SHIPPED_ORDER,
	orderKey,
	orderText,
	accepted,
	acceptedId,
	MISSING_DEVICE,
	SPECS,
	variantsFor,
};
