'use strict';
/*
 * How the e2e suite reads an execution and what it checks in it: items per output, fields, the
 * nodes after the WAPing node, the requests and messages the simulator saw. Bound to the suite's
 * check() by checkers(suite).
 */
const assert = require('assert/strict');
const rt = require('../scripts/n8n-runtime');
const demo = require('../scripts/demo');
const { copyName } = require('./matrix');
const {
	assertSubset,
	devicesOf,
	deviceView,
	outputNamesOf,
	errorOutputOf,
	cred,
	TO,
	SHIPPED_ORDER,
	orderKey,
	orderText,
	accepted,
	SPECS,
} = require('./expectations');

/** The checkers, bound to one suite's check(). */
function checkers({ check }) {
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
					assert.ok(
						!('error' in json),
						`item ${i} carries an "error" key: ${JSON.stringify(json)}`,
					);
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
					byKey.set(
						r.headers['idempotency-key'],
						(byKey.get(r.headers['idempotency-key']) || 0) + 1,
					);
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
		// The example reports only devices that stop being connected: Fetch Test Event samples those.
		const devices = devicesOf(cred('wapingDemoGrowth')).filter((d) => !deviceView(d).connected);
		const downstream = (wf.connections[trig.name].main[0] || []).map((c) => c.node);
		check(
			`${title} (the manual poll Fetch Test Event runs): one "sample" item per device the example would report (not connected), as it is now`,
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

	return {
		nodeRuns,
		checkVariant,
		assertDownstream,
		simState,
		takeSim,
		takeRequests,
		keyName,
		checkRequests,
		checkMessages,
		LOAD_FAILURE,
		checkShipped,
		checkShippedTrigger,
	};
}

module.exports = { checkers };
