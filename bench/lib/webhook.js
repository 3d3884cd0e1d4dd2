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
/** WAPing's (the simulator's) answer timeout: a delivery answered later would be delivered again. */
const WAPING_TIMEOUT_MS = 5000;
/**
 * How long the loader waits for an answer: long enough that every delivery of a saturated n8n is
 * answered and measured (an abandoned one would only say "at least 5 s" and start nothing).
 */
const TIMEOUT_MS = 60_000;
/**
 * Deliveries not answered 2xx are delivered again, as WAPing does (at least once): up to `attempts`
 * in all, `baseMs` doubling up to `maxMs` between them. The ack latency is the first attempt's.
 */
const REDELIVERY = { attempts: 6, baseMs: 2000, maxMs: 30_000 };
const acked = (r) => r.status >= 200 && r.status < 300;
/**
 * What the section can compare with n8n's defaults (a new n8n for each): n8n 2.x evaluates expressions
 * in pooled isolates and takes one for every webhook request to a trigger that is not its own Webhook
 * node and for every credential read outside an execution; n8n 1.x has no isolates.
 */
const N8N_SETTINGS = {
	lazy: { env: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } },
	legacy: { env: { N8N_EXPRESSION_ENGINE: 'legacy' } },
	line1: { line: 1, env: {} },
	// Not n8n's: the trigger's Options → Answer WAPing: Once the Execution Is Created.
	started: { env: {}, answer: 'started' },
};
/** The settings compared when none are named (`--webhook-settings`). */
const DEFAULT_SETTINGS = ['legacy', 'line1'];
/** A setting's parts: a name in N8N_SETTINGS, or several joined with "+" (legacy+started). */
const settingSpec = (name) => {
	const parts = name ? name.split('+').map((part) => N8N_SETTINGS[part]) : [];
	if (parts.some((part) => !part)) return undefined;
	return parts.reduce((spec, part) => ({ ...spec, ...part, env: { ...spec.env, ...part.env } }), {
		env: {},
	});
};
/** How a report names a setting: its environment variables, its n8n line, its trigger option. */
const settingLabel = (name, runtime) => {
	const spec = settingSpec(name);
	const words = Object.entries(spec?.env ?? {}).map(([k, v]) => `${k}=${v}`);
	if (spec?.line) words.unshift(`n8n ${runtime?.n8nVersion ?? `line ${spec.line}`}'s defaults`);
	if (spec?.answer) words.push(`trigger answering once the execution exists`);
	return words.length ? words.join(', ') : "n8n's defaults";
};

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
		nodes: (webhookId, spec) => [
			node(
				'WAPing Webhook Trigger',
				'n8n-nodes-waping.wapingWebhookTrigger',
				{
					events: ['messageReceived'],
					verification: 'hmacSha256',
					...(spec?.answer ? { options: { answer: spec.answer } } : {}),
				},
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
 * waiting for an answer), each delivery not answered 2xx again as REDELIVERY says; resolves every
 * delivery's { j, duplicate, status, error, ms, lateMs } (its first attempt) with `attempts` and
 * `ackedAtLast`, and when the last first attempt was answered (`drainSeconds`).
 */
async function burst(url, { order, tag, rate, timeoutMs = TIMEOUT_MS }) {
	const outbox = createOutbox();
	const registration = { scheme: 'hmacSha256', secret: SECRET };
	const bodies = new Map();
	const sent = new Set();
	const started = performance.now();
	let lastFirstAnswer = started;
	const pending = [];
	const deliver = async (headers, raw) => {
		const first = await outbox.send(url, { headers, body: raw, timeoutMs });
		lastFirstAnswer = Math.max(lastFirstAnswer, performance.now());
		let last = first;
		let attempts = 1;
		while (!acked(last) && attempts < REDELIVERY.attempts) {
			await sleep(Math.min(REDELIVERY.maxMs, REDELIVERY.baseMs * 2 ** (attempts - 1)));
			last = await outbox.send(url, { headers, body: raw, timeoutMs });
			attempts += 1;
		}
		return { ...first, attempts, ackedAtLast: acked(last) };
	};
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
			deliver(headers, raw).then(({ status, body, error, ms, attempts, ackedAtLast }) => ({
				j,
				duplicate,
				status,
				error,
				ms,
				lateMs,
				attempts,
				ackedAtLast,
				// What a refusal said (n8n's own words for a 503, say).
				refusal: status >= 300 ? String(body ?? '').slice(0, 160) : undefined,
			})),
		);
	}
	const sendSeconds = (performance.now() - started) / 1000;
	const results = await Promise.all(pending);
	outbox.cancelAll();
	return { results, sendSeconds, drainSeconds: (lastFirstAnswer - started) / 1000 };
}

/** The `p`th percentile (nearest rank) of `values`. */
function percentile(values, p) {
	const sorted = [...values].sort((a, b) => a - b);
	if (!sorted.length) return undefined;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** One n8n (`n8n start`, SQLite) with both workflows published; resolves { url(leg), executions(leg), stop }. */
async function startN8n({ tarball, simUrl, log, setting }) {
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'waping-bench-hook-'));
	const cleanups = [];
	const onCleanup = (what, fn) => cleanups.push(fn);
	const stop = async () => {
		for (const fn of cleanups.reverse()) await fn();
		fs.rmSync(scratch, { recursive: true, force: true });
	};
	try {
		const spec = settingSpec(setting);
		const runtime = await stack.runtime(spec?.line, log);
		const n8n = await stack.n8nFolder({ runtime, userFolder: scratch, tarball, onCleanup });
		await n8n.importCredentials([
			{
				...CREDENTIAL,
				data: { apiKey: API_KEY, baseUrl: simUrl, plan: 'auto', webhookSecret: SECRET },
			},
		]);
		const webhookIds = {};
		const workflows = Object.entries(LEGS).map(([leg, legSpec]) => {
			webhookIds[leg] = crypto.randomUUID();
			return workflow(legSpec.id, legSpec.label, legSpec.nodes(webhookIds[leg], spec));
		});
		await n8n.importWorkflow(workflows);
		// Executions as n8n saves them by default; info logs would cost each request a line.
		// `setting`: a name in N8N_SETTINGS; undefined keeps n8n's defaults.
		const server = await n8n.start({}, { N8N_LOG_LEVEL: 'warn', ...(spec?.env ?? {}) });
		const { cookie } = await rt.setupOwner(server.baseUrl);
		const api = editor(server.baseUrl, cookie);
		for (const legSpec of Object.values(LEGS)) {
			const outcome = await api.publish(legSpec.id, runtime.line);
			if (outcome.status !== 'published')
				throw new Error(
					`${legSpec.label} did not publish: ${JSON.stringify(outcome).slice(0, 500)}`,
				);
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

/** Waits until the leg's executions have all finished and their number has not moved for 3 s (at most 5 min). */
async function settle(n8n, leg) {
	let last;
	let good;
	let since = Date.now();
	for (const end = Date.now() + 300_000; Date.now() < end; await sleep(500)) {
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
async function runLeg(n8n, sim, leg, { order, unique, rate, tag, timeoutMs }) {
	const before = (await settle(n8n, leg)).all;
	const repliesBefore = sim.messages.length;
	const { results, sendSeconds, drainSeconds } = await burst(n8n.url(leg), {
		order,
		tag,
		rate,
		timeoutMs,
	});
	const ended = await settle(n8n, leg);
	const replies = sim.messages
		.slice(repliesBefore)
		.filter((m) => m.key?.startsWith(`wamid_${tag}_`));
	const replied = new Set(replies.map((m) => m.key));
	// A delivery not answered 2xx (timed out, refused) counts at its time spent, at least the timeout.
	const ms = results.map((r) => (acked(r) ? r.ms : Math.max(r.ms, timeoutMs)));
	const answers = {};
	const refusals = {};
	for (const r of results) {
		answers[r.error ?? r.status] = (answers[r.error ?? r.status] ?? 0) + 1;
		if (r.refusal !== undefined) refusals[r.status] ??= r.refusal;
	}
	return {
		deliveries: results.length,
		unique,
		p50: percentile(ms, 50),
		p99: percentile(ms, 99),
		max: Math.max(...ms),
		answers,
		refusals,
		// What WAPing would have taken as answered; the rest it would deliver again.
		withinWaping: results.filter((r) => acked(r) && r.ms <= WAPING_TIMEOUT_MS).length,
		// Deliveries answered 2xx per second, from the first sent to the last answer.
		answeredPerSecond: results.filter(acked).length / drainSeconds,
		// WAPing's redeliveries of deliveries not answered 2xx, and the deliveries never answered 2xx.
		redelivered: results.reduce((n, r) => n + r.attempts - 1, 0),
		neverAcked: results.filter((r) => !r.ackedAtLast).length,
		executions: ended.all - before,
		settled: ended.settled,
		replies: replies.length,
		// Lost: an event that got no reply (the workflow's one effect), whatever its deliveries were answered.
		lost: [...new Set(order)].filter((j) => !replied.has(`wamid_${tag}_${j}`)).length,
		sendSeconds,
		drainSeconds,
		lateP99: percentile(
			results.map((r) => r.lateMs),
			99,
		),
		load: os.loadavg(),
	};
}

/**
 * The bursts into one n8n: its own process with both workflows published (a `setting` of
 * N8N_SETTINGS, or n8n's defaults), a warm-up burst of 20 into each, then `repeats` bursts into each
 * workflow, one workflow at a time (the order alternates run by run).
 */
async function benchOneN8n(sim, { tarball, setting, burstSpec, repeats, log }) {
	const runs = { trigger: [], webhookNode: [] };
	const n8n = await startN8n({ tarball, simUrl: sim.url, log, setting });
	const name = settingLabel(setting, n8n.runtime);
	try {
		const warm = burstOrder(20, burstSpec.duplicates);
		for (const leg of Object.keys(LEGS))
			await runLeg(n8n, sim, leg, { ...burstSpec, ...warm, tag: `warm${setting ?? ''}${leg}` });
		for (let r = 0; r < repeats; r++) {
			const legs = r % 2 ? ['webhookNode', 'trigger'] : ['trigger', 'webhookNode'];
			for (const leg of legs) {
				const run = await runLeg(n8n, sim, leg, {
					...burstSpec,
					tag: `r${r}${setting ?? ''}${leg}`,
				});
				runs[leg].push(run);
				log(
					`webhook (${name}): ${LEGS[leg].label} #${r + 1}: ack p50 ${run.p50} ms, p99 ${run.p99} ms, max ${run.max} ms; ` +
						`${run.withinWaping} answered within ${WAPING_TIMEOUT_MS} ms; ${run.answeredPerSecond.toFixed(1)} answered/s; ` +
						`redelivered ${run.redelivered}, never answered 2xx ${run.neverAcked}; ` +
						`${run.executions} executions for ${burstSpec.unique} events; lost ${run.lost}; replies ${run.replies}; ` +
						`answers ${JSON.stringify(run.answers)}; load ${run.load[0].toFixed(1)}`,
				);
			}
		}
	} finally {
		await n8n.stop();
	}
	return {
		setting,
		label: name,
		runs,
		n8n: `${n8n.runtime.n8nVersion} on Node ${n8n.runtime.nodeVersion}`,
	};
}

/**
 * The whole webhook section: its own simulator; one n8n with n8n's defaults (the targets), then one
 * for each of `settings` (names in N8N_SETTINGS), to show what n8n's expression engine costs each.
 */
async function webhookBench({
	tarball,
	deliveries,
	rate,
	duplicates,
	repeats,
	timeoutMs = TIMEOUT_MS,
	settings = DEFAULT_SETTINGS,
	log,
}) {
	const started = Date.now();
	const startedAt = new Date().toISOString();
	const loadAverage = { start: os.loadavg() };
	const { order, unique } = burstOrder(deliveries, duplicates);
	const burstSpec = { order, unique, rate, duplicates, timeoutMs };
	const sim = await startSimulator({ seed: SEED });
	let main;
	const others = [];
	try {
		log(`webhook: simulator on ${sim.url}; n8n with both workflows published`);
		main = await benchOneN8n(sim, { tarball, burstSpec, repeats, log });
		for (const setting of settings) {
			// A setting that fails (an n8n that does not start, say) is reported; the rest still runs.
			const done = await benchOneN8n(sim, { tarball, setting, burstSpec, repeats, log }).catch(
				(error) => {
					log(`webhook (${settingLabel(setting)}): failed: ${error.message.split('\n')[0]}`);
					return { setting, label: settingLabel(setting), runs: {}, error: error.message };
				},
			);
			others.push(done);
		}
	} finally {
		await sim.close();
	}
	return {
		startedAt,
		config: {
			deliveries,
			rate,
			duplicates,
			unique,
			repeats,
			timeoutMs,
			wapingTimeoutMs: WAPING_TIMEOUT_MS,
			redeliveryWithin: REDELIVERY_WITHIN,
		},
		labels: Object.fromEntries(Object.entries(LEGS).map(([leg, spec]) => [leg, spec.label])),
		runs: main.runs,
		settings: others,
		n8n: main.n8n,
		loadAverage: { ...loadAverage, end: os.loadavg() },
		benchSeconds: (Date.now() - started) / 1000,
	};
}

module.exports = {
	LEGS,
	TIMEOUT_MS,
	WAPING_TIMEOUT_MS,
	REDELIVERY,
	N8N_SETTINGS,
	DEFAULT_SETTINGS,
	settingSpec,
	burstOrder,
	percentile,
	startN8n,
	burst,
	webhookBench,
};
