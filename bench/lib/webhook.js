'use strict';
// The webhook section of `npm run bench` (issue 20): a burst of N signed deliveries at R per second,
// a share of them redeliveries of an event already sent, into two published workflows of one real
// n8n (2.41.1, the packed package installed as a community package): the WAPing Webhook Trigger →
// WAPing Send, and n8n's own Webhook node (responseMode onReceived) → the same Send; both reply with
// the inbound messageId as Idempotency Key. The loader is this process: it signs each delivery as the
// simulator does (simulator/signing.js) and sends it with the simulator's own outbox
// (simulator/delivery.js, one connection per delivery, as the simulator delivers), on a fixed
// schedule, without waiting for answers; the ack latency is that outbox's `ms` (request sent →
// whole answer read). Executions are counted from n8n's REST API, replies from the simulator.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const rt = require('../../scripts/n8n-runtime');
const { startSimulator } = require('../../simulator');
const { createOutbox } = require('../../simulator/delivery');
const { seededRandom } = require('../../simulator/random');
const { signatureHeaders } = require('../../simulator/signing');
const { phoneOf } = require('../../simulator/webhooks');
const stack = require('../../e2e/harness/stack');
const { node, wapingNode, workflow, editor } = require('../../e2e/harness/workflows');
const { usesCredential } = require('./real-n8n');

const API_KEY = 'wk_bench_webhook_workspace_key_01';
const SECRET = 'bench-webhook-signing-secret';
const DEVICE = { id: 'dev_h01', status: 'connected' };
const CREDENTIAL = { id: 'hookBenchWaping', name: 'WAPing webhook bench', type: 'wapingApi' };
const SEED = {
	workspaces: [{ id: 'ws_hook', plan: 'growth', devices: [DEVICE] }],
	keys: [{ key: API_KEY, workspace: 'ws_hook', scopes: ['devices:read', 'messages:send'] }],
};
/** How far after its event a redelivery comes: 1 to this many delivery slots (10 ms each at 100/s). */
const REDELIVERY_WITHIN = 50;
const TIMEOUT_MS = 5000; // the simulator's default answer timeout for a delivery

/** The Send both workflows end in: the reply to the sender, once per inbound messageId (`event`, `data`: where the item has them). */
const reply = (event, data) =>
	wapingNode(
		'Reply',
		{
			resource: 'message',
			operation: 'send',
			deviceId: { __rl: true, mode: 'id', value: `={{ ${event}.deviceId }}` },
			to: `={{ ${data}.from }}`,
			text: '=Thanks, we got your message.',
			options: { idempotencyKey: `={{ ${data}.messageId }}` },
		},
		CREDENTIAL,
	);

const LEGS = {
	trigger: {
		id: 'bench-hook-waping',
		label: 'WAPing Webhook Trigger → Send',
		nodes: (webhookId) => [
			node(
				'WAPing Webhook Trigger',
				'n8n-nodes-waping.wapingWebhookTrigger',
				{ events: ['messageReceived'], verification: 'hmacSha256' },
				{ webhookId, ...usesCredential(CREDENTIAL) },
			),
			reply('$json', '$json'),
		],
	},
	webhookNode: {
		id: 'bench-hook-n8n',
		label: "n8n's Webhook node → Send",
		nodes: (webhookId) => [
			node(
				'Webhook',
				'n8n-nodes-base.webhook',
				{ httpMethod: 'POST', path: webhookId, responseMode: 'onReceived', options: {} },
				{ typeVersion: 2, webhookId },
			),
			// The node's item is { headers, params, query, body }: the event is the body.
			reply('$json.body', '$json.body.data'),
		],
	},
};

/**
 * The order of the burst: event indexes, one per delivery, `share` of them redeliveries of an event
 * sent 1 to REDELIVERY_WITHIN slots before (seeded: the same burst run after run, leg after leg).
 */
function burstOrder(deliveries, share, seed = 20) {
	const random = seededRandom(seed);
	const unique = deliveries - Math.round(deliveries * share);
	const slots = Array.from({ length: unique }, (_, j) => ({ j, at: j }));
	// Redeliveries of distinct events, spread over the burst.
	const events = Array.from({ length: unique }, (_, j) => j);
	for (let i = events.length - 1; i > 0; i--) {
		const k = Math.floor(random() * (i + 1));
		[events[i], events[k]] = [events[k], events[i]];
	}
	for (const j of events.slice(0, deliveries - unique))
		slots.push({ j, at: j + 0.5 + Math.floor(random() * REDELIVERY_WITHIN) });
	return { order: slots.sort((a, b) => a.at - b.at).map((s) => s.j), unique };
}

/** Event j of a run (`tag` makes its ids its own): a message.received as the simulator sends it. */
function event(tag, j) {
	const from = `+1555${String(2_000_000 + j)}`;
	return {
		id: `evt_${tag}_${j}`,
		type: 'message.received',
		createdAt: new Date().toISOString(),
		workspaceId: 'ws_hook',
		deviceId: DEVICE.id,
		data: {
			messageId: `wamid_${tag}_${j}`,
			from,
			to: phoneOf(DEVICE),
			chatId: `${from.slice(1)}@s.whatsapp.net`,
			isGroup: false,
			fromMe: false,
			type: 'text',
			text: `Hello ${j}`,
			timestamp: new Date().toISOString(),
		},
	};
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends the burst to `url` at `rate` per second on a fixed schedule (delivery i at i / rate s, never
 * waiting for an answer); resolves every delivery's { j, duplicate, status, error, ms, lateMs }.
 */
async function burst(url, { order, tag, rate }) {
	const outbox = createOutbox();
	const registration = { scheme: 'hmacSha256', secret: SECRET };
	const bodies = new Map();
	const sent = new Set();
	const started = performance.now();
	const pending = [];
	for (const [i, j] of order.entries()) {
		const due = started + (i * 1000) / rate;
		const wait = due - performance.now();
		if (wait > 1) await sleep(wait);
		if (!bodies.has(j)) bodies.set(j, JSON.stringify(event(tag, j)));
		const raw = bodies.get(j);
		const duplicate = sent.has(j);
		sent.add(j);
		const lateMs = performance.now() - due;
		const headers = {
			'content-type': 'application/json',
			...signatureHeaders(registration, raw, { id: `evt_${tag}_${j}`, timestamp: 0 }),
		};
		pending.push(
			outbox
				.send(url, { headers, body: raw, timeoutMs: TIMEOUT_MS })
				.then(({ status, error, ms }) => ({ j, duplicate, status, error, ms, lateMs })),
		);
	}
	const results = await Promise.all(pending);
	outbox.cancelAll();
	return { results, sendSeconds: (performance.now() - started) / 1000 };
}

/** The `p`th percentile (nearest rank) of `values`. */
function percentile(values, p) {
	const sorted = [...values].sort((a, b) => a - b);
	if (!sorted.length) return undefined;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** One n8n (`n8n start`, SQLite) with both workflows published; resolves { url(leg), executions(leg), stop }. */
async function startN8n({ tarball, simUrl, log }) {
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'waping-bench-hook-'));
	const cleanups = [];
	const onCleanup = (what, fn) => cleanups.push(fn);
	const stop = async () => {
		for (const fn of cleanups.reverse()) await fn();
		fs.rmSync(scratch, { recursive: true, force: true });
	};
	try {
		const runtime = await stack.runtime(undefined, log);
		const n8n = await stack.n8nFolder({ runtime, userFolder: scratch, tarball, onCleanup });
		await n8n.importCredentials([
			{
				...CREDENTIAL,
				data: { apiKey: API_KEY, baseUrl: simUrl, plan: 'auto', webhookSecret: SECRET },
			},
		]);
		const webhookIds = {};
		const workflows = Object.entries(LEGS).map(([leg, spec]) => {
			webhookIds[leg] = crypto.randomUUID();
			return workflow(spec.id, spec.label, spec.nodes(webhookIds[leg]));
		});
		await n8n.importWorkflow(workflows);
		// Executions as n8n saves them by default; info logs would cost each request a line.
		const server = await n8n.start({}, { N8N_LOG_LEVEL: 'warn' });
		const { cookie } = await rt.setupOwner(server.baseUrl);
		const api = editor(server.baseUrl, cookie);
		for (const spec of Object.values(LEGS)) {
			const outcome = await api.publish(spec.id, 2);
			if (outcome.status !== 'published')
				throw new Error(`${spec.label} did not publish: ${JSON.stringify(outcome).slice(0, 500)}`);
		}
		return {
			runtime,
			url: (leg) => `${server.baseUrl}/webhook/${webhookIds[leg]}`,
			/** The executions of a leg's workflow n8n has, and how many of them have not finished. */
			async executions(leg) {
				const count = async (filter) => {
					const query = encodeURIComponent(JSON.stringify({ workflowId: LEGS[leg].id, ...filter }));
					// A busy n8n can take long to answer: wait for it rather than fail the run.
					const r = await api.request('GET', `/rest/executions?filter=${query}&limit=1`, {
						timeoutMs: 120_000,
					});
					if (r.status !== 200) throw new Error(`GET /rest/executions: ${r.status}`);
					return r.body.data.count;
				};
				return { all: await count({}), unfinished: await count({ status: ['new', 'running'] }) };
			},
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/** Waits until the leg's executions have all finished and their number has not moved for 3 s (at most 3 min). */
async function settle(n8n, leg) {
	let last;
	let good;
	let since = Date.now();
	for (const end = Date.now() + 180_000; Date.now() < end; await sleep(500)) {
		// A busy n8n may refuse (503) or time out: it is still moving.
		const now = await n8n.executions(leg).catch(() => ({ all: NaN, unfinished: NaN }));
		if (now.all !== last?.all || now.unfinished !== 0) since = Date.now();
		last = now;
		if (!Number.isNaN(now.all)) good = now;
		if (Date.now() - since >= 3000) return { ...now, settled: true };
	}
	return { ...good, settled: false };
}

/** One burst into one leg's workflow: its answers, executions and replies. */
async function runLeg(n8n, sim, leg, { order, unique, rate, tag }) {
	const before = (await settle(n8n, leg)).all;
	const repliesBefore = sim.messages.length;
	const { results, sendSeconds } = await burst(n8n.url(leg), { order, tag, rate });
	const ended = await settle(n8n, leg);
	const replies = sim.messages
		.slice(repliesBefore)
		.filter((m) => m.key?.startsWith(`wamid_${tag}_`));
	const replied = new Set(replies.map((m) => m.key));
	const acked = (r) => r.status >= 200 && r.status < 300;
	// A delivery not answered 2xx (timed out, refused) counts at its time spent, at least the timeout.
	const ms = results.map((r) => (acked(r) ? r.ms : Math.max(r.ms, TIMEOUT_MS)));
	const answers = {};
	for (const r of results) answers[r.error ?? r.status] = (answers[r.error ?? r.status] ?? 0) + 1;
	return {
		deliveries: results.length,
		unique,
		p50: percentile(ms, 50),
		p99: percentile(ms, 99),
		max: Math.max(...ms),
		answers,
		notAcked: results.filter((r) => !acked(r)).length,
		executions: ended.all - before,
		settled: ended.settled,
		replies: replies.length,
		// Lost: an event that got no reply (the workflow's one effect), whatever its deliveries were answered.
		lost: [...new Set(order)].filter((j) => !replied.has(`wamid_${tag}_${j}`)).length,
		sendSeconds,
		lateP99: percentile(
			results.map((r) => r.lateMs),
			99,
		),
		load: os.loadavg(),
	};
}

/**
 * The whole webhook section: its own simulator and n8n; `repeats` bursts into each workflow, one
 * workflow at a time (the order alternates run by run), after a warm-up burst of 20 into each.
 */
async function webhookBench({ tarball, deliveries, rate, duplicates, repeats, log }) {
	const started = Date.now();
	const startedAt = new Date().toISOString();
	const loadAverage = { start: os.loadavg() };
	const { order, unique } = burstOrder(deliveries, duplicates);
	const sim = await startSimulator({ seed: SEED });
	let n8n;
	const runs = { trigger: [], webhookNode: [] };
	try {
		log(`webhook: simulator on ${sim.url}; n8n with both workflows published`);
		n8n = await startN8n({ tarball, simUrl: sim.url, log });
		const warm = burstOrder(20, duplicates);
		for (const leg of Object.keys(LEGS))
			await runLeg(n8n, sim, leg, { ...warm, rate, tag: `warm${leg}` });
		for (let r = 0; r < repeats; r++) {
			const legs = r % 2 ? ['webhookNode', 'trigger'] : ['trigger', 'webhookNode'];
			for (const leg of legs) {
				const run = await runLeg(n8n, sim, leg, { order, unique, rate, tag: `r${r}${leg}` });
				runs[leg].push(run);
				log(
					`webhook: ${LEGS[leg].label} #${r + 1}: ack p50 ${run.p50} ms, p99 ${run.p99} ms, max ${run.max} ms; ` +
						`${run.executions} executions for ${unique} events (${deliveries} deliveries); ` +
						`lost ${run.lost}; replies ${run.replies}; answers ${JSON.stringify(run.answers)}; ` +
						`sent in ${run.sendSeconds.toFixed(1)} s; load ${run.load[0].toFixed(1)}`,
				);
			}
		}
	} finally {
		await n8n?.stop();
		await sim.close();
	}
	return {
		startedAt,
		config: { deliveries, rate, duplicates, unique, repeats, redeliveryWithin: REDELIVERY_WITHIN },
		labels: Object.fromEntries(Object.entries(LEGS).map(([leg, spec]) => [leg, spec.label])),
		runs,
		n8n: n8n?.runtime ? `${n8n.runtime.n8nVersion} on Node ${n8n.runtime.nodeVersion}` : undefined,
		loadAverage: { ...loadAverage, end: os.loadavg() },
		benchSeconds: (Date.now() - started) / 1000,
	};
}

module.exports = { LEGS, TIMEOUT_MS, burstOrder, percentile, startN8n, burst, webhookBench };
