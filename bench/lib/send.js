'use strict';
// The send section of `npm run bench` (issue 13): N messages against the simulator's rate limit of R
// per second, in real n8n (2.41.1 on Node 24, the packed package installed as a community package,
// `n8n execute --id` of imported workflows), by WAPing's Send and by what users build instead with
// n8n's HTTP Request node; with the fault mix off and on. Every number comes from the run: n8n's run
// data (the node's executionTime, its outputs and error), the n8n process (wall time, peak RSS) and
// the simulator (accepted messages, every request and its status).
const os = require('node:os');

const { startSimulator } = require('../../simulator');
const { node, wapingNode } = require('../../e2e/harness/workflows');
const { usesCredential, itemsWorkflow, openN8n, taskOf } = require('./real-n8n');
const {
	SEND_API_KEY,
	SEND_DEVICES,
	countMessages,
	itemsCode,
	LIMIT,
	sendSeed,
} = require('./send-workload');

/**
 * Max Concurrent Sends in the "tuned" WAPing leg (the node's default is 10). A request to WAPing on
 * loopback takes a few ms in n8n, so R × that is about one request in flight: 3 leaves room for a
 * slow answer. Tried once each (faults off, N = 2 000): 1 and 3 took 0.96–0.98× N / R with 0.3–0.5 % 429s,
 * 10 took 1.00× with 1.1 %, 50 took 1.01× with 4.1 %. `--send-tuned=<n>` measures another value.
 */
const TUNED_CONCURRENCY = 3;

/**
 * Faults on: shares of all sends (each accepts the message first, then the answer is lost), a 5xx
 * storm, and a device that disconnects, both when a share of the N messages has been accepted.
 * The hang (2 s) is answered after WAPing's Timeout (1 s in the faults-on legs): a slot held by a
 * hung request costs the run 1 s, not the 10 s of the default Timeout. n8n's HTTP Request node waits
 * 300 s by default, so for it a hung answer is only late.
 */
const FAULTS = {
	chaos: {
		acceptThen502: 0.05,
		acceptThenReset: 0.02,
		acceptThenHang: 0.01,
		hangMs: 2000,
		seed: 13,
	},
	storm: { afterShare: 0.3, forMs: 3000, status: 503 },
	disconnect: { deviceId: SEND_DEVICES[4], afterShare: 0.5 },
	wapingTimeoutMs: 1000,
};

const CREDENTIALS = {
	waping: { id: 'sendBenchWaping', name: 'WAPing send bench', type: 'wapingApi' },
	bearer: { id: 'sendBenchBearer', name: 'Bearer send bench', type: 'httpBearerAuth' },
};

const wapingSend = (options) =>
	wapingNode(
		'WAPing',
		{
			resource: 'message',
			operation: 'send',
			deviceId: { __rl: true, mode: 'id', value: '={{ $json.deviceId }}' },
			to: '={{ $json.to }}',
			text: '={{ $json.text }}',
			options,
		},
		CREDENTIALS.waping,
	);

/** What a user builds first: HTTP Request (the version n8n adds today), POST with a Bearer credential and a JSON body per item. */
const httpSend = (simUrl, options, extra = {}) =>
	node(
		'HTTP Request',
		'n8n-nodes-base.httpRequest',
		{
			method: 'POST',
			url: `${simUrl}/v1/messages`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpBearerAuth',
			sendBody: true,
			specifyBody: 'json',
			jsonBody:
				'={{ JSON.stringify({ deviceId: $json.deviceId, to: $json.to, type: "text", text: { body: $json.text } }) }}',
			options,
		},
		{ typeVersion: 4.5, ...usesCredential(CREDENTIALS.bearer), ...extra },
	);

const batching = { batching: { batch: { batchSize: LIMIT.perSecond, batchInterval: 1000 } } };
const retryOnFail = { retryOnFail: true }; // n8n's defaults: 3 tries, 1 000 ms apart
/** Max Attempts of the wapingRetry leg (the node's default is 4, its maximum 10). */
const RETRY_ATTEMPTS = 10;
// The node's option is in seconds.
const wapingTimeout = (faults) => (faults ? { timeoutSeconds: FAULTS.wapingTimeoutMs / 1000 } : {});

/**
 * The legs. `node` is the node whose run data is measured; `build(simUrl, faults, tuned)` gives the
 * nodes after the trigger and the Code node that makes the items.
 */
const LEGS = {
	waping: {
		code: 'w',
		node: 'WAPing',
		label: () => 'WAPing Send, default options',
		build: (simUrl, faults) => [wapingSend({ ...wapingTimeout(faults) })],
	},
	wapingTuned: {
		code: 'wt',
		node: 'WAPing',
		label: (tuned) => `WAPing Send, Max Concurrent Sends ${tuned}`,
		build: (simUrl, faults, tuned) => [
			wapingSend({ maxConcurrent: tuned, ...wapingTimeout(faults) }),
		],
	},
	// Faults on only: what a user can set today so that a run outlives a storm of a few seconds
	// (4 attempts, the default, all fall inside a 3 s storm for the messages in flight when it starts).
	wapingRetry: {
		code: 'wr',
		node: 'WAPing',
		faultsOnly: true,
		label: () => `WAPing Send, Max Attempts ${RETRY_ATTEMPTS}`,
		build: (simUrl, faults) => [
			wapingSend({ maxAttempts: RETRY_ATTEMPTS, ...wapingTimeout(faults) }),
		],
	},
	http: {
		code: 'h',
		node: 'HTTP Request',
		label: () => 'HTTP Request, defaults',
		build: (simUrl) => [httpSend(simUrl, {})],
	},
	httpRetry: {
		code: 'hr',
		node: 'HTTP Request',
		label: () => 'HTTP Request, Retry On Fail',
		build: (simUrl) => [httpSend(simUrl, {}, retryOnFail)],
	},
	httpBatch: {
		code: 'hb',
		node: 'HTTP Request',
		label: () => `HTTP Request, Batching ${LIMIT.perSecond} per 1 000 ms`,
		build: (simUrl) => [httpSend(simUrl, batching)],
	},
	httpBatchRetry: {
		code: 'hbr',
		node: 'HTTP Request',
		label: () => `HTTP Request, Batching ${LIMIT.perSecond} per 1 000 ms + Retry On Fail`,
		build: (simUrl) => [httpSend(simUrl, batching, retryOnFail)],
	},
	noop: {
		code: 'n',
		node: 'No Operation',
		label: () => 'No Operation (memory baseline)',
		build: () => [node('No Operation', 'n8n-nodes-base.noOp')],
	},
};

const workflowId = (leg, faults, n) => `send_${LEGS[leg].code}_${faults ? 'f' : 'o'}_${n}`;

function workflow(leg, faults, n, simUrl, tuned = TUNED_CONCURRENCY) {
	const id = workflowId(leg, faults, n);
	return itemsWorkflow(id, itemsCode(n), LEGS[leg].build(simUrl, faults, tuned));
}

/** The input items an output item is paired with. */
function pairedIndexes(item) {
	const paired = item?.pairedItem;
	if (paired === undefined || paired === null) return [];
	const list = Array.isArray(paired) ? paired : [paired];
	return list.map((p) => (typeof p === 'number' ? p : p?.item)).filter((i) => Number.isInteger(i));
}

/** Accepted messages per second from the first request of the run: the pace the run kept. */
function perSecond(times, from) {
	const counts = [];
	for (const at of times) {
		const second = Math.floor((at - from) / 1000);
		if (second < 0) continue;
		while (counts.length <= second) counts.push(0);
		counts[second]++;
	}
	return counts;
}

/**
 * Every message request of the run, second by second from the first: what the simulator answered
 * (new messages accepted, idempotent replays, 429s, 5xx, answers dropped, 409s, and the rest), and
 * the seconds in which no request arrived at all (the run paused).
 */
function timeline(posts, from) {
	const seconds = [];
	// Keys the simulator has accepted a message for: a later 202 for one of them is a replay.
	const acceptedKeys = new Set();
	const kind = (r) => {
		const key = r.headers['idempotency-key'];
		const again = key !== undefined && acceptedKeys.has(key);
		if (key !== undefined && (r.status === 202 || r.accepted)) acceptedKeys.add(key);
		if (r.fault === 'storm') return 'storm';
		if (r.fault?.includes('502')) return 'chaos502';
		if (r.fault?.includes('reset')) return 'chaosReset';
		if (r.fault?.includes('late')) return 'chaosLate';
		if (r.status === 429) return 'throttled';
		if (r.status === 409) return 'conflict';
		if (r.status === 202) return again ? 'replayed' : 'accepted';
		return r.status === undefined ? 'unanswered' : `status${r.status}`;
	};
	for (const r of posts) {
		const second = Math.floor((r.at - from) / 1000);
		while (seconds.length <= second) seconds.push({});
		const k = kind(r);
		seconds[second][k] = (seconds[second][k] ?? 0) + 1;
	}
	return seconds;
}

/** The longest stretches with no message request at all: the run's pauses, in ms (largest first). */
function idleGaps(posts, atLeastMs = 300) {
	const gaps = [];
	for (let i = 1; i < posts.length; i++) {
		const gap = posts[i].at - posts[i - 1].at;
		if (gap >= atLeastMs) gaps.push(gap);
	}
	return gaps.sort((a, b) => b - a);
}

/** What one request came to, in a word (for the attempt histories). */
function answerOf(r) {
	if (r.fault === 'storm') return 'storm 503';
	if (r.fault?.includes('reset')) return 'accepted, reset';
	if (r.fault?.includes('502')) return 'accepted, 502';
	if (r.fault?.includes('late')) return 'accepted, late';
	return r.status === undefined ? 'no answer' : String(r.status);
}

/**
 * Attempts per message (by its Idempotency-Key; WAPing sends one per message): how many messages took
 * 1, 2, 3… requests, and the history of every message whose requests never got an answer the node
 * could read (the ones it gave up on), in ms from the storm's start when there was one.
 */
function attemptsPerMessage(posts, stormAt) {
	const byKey = new Map();
	for (const r of posts) {
		const key = r.headers['idempotency-key'];
		if (key === undefined) return undefined;
		if (!byKey.has(key)) byKey.set(key, []);
		byKey.get(key).push(r);
	}
	const histogram = {};
	const gaveUp = [];
	for (const list of byKey.values()) {
		histogram[list.length] = (histogram[list.length] ?? 0) + 1;
		// Given up, as the node saw it: no request of the message got an answer the node could read
		// (a 202, or a 409 for a device no longer connected); the simulator may still have accepted it.
		if (list.some((r) => !r.fault && (r.status === 202 || r.status === 409))) continue;
		const accepted = list.some((r) => r.accepted);
		gaveUp.push([
			...list.map((r) => `${stormAt === undefined ? '' : `${r.at - stormAt} ms: `}${answerOf(r)}`),
			accepted ? '(accepted by WAPing)' : '(never accepted)',
		]);
	}
	return { histogram, gaveUp: gaveUp.slice(0, 5), gaveUpCount: gaveUp.length };
}

/**
 * Sets up one n8n user folder for the send legs: the package, a WAPing and a Bearer Auth credential,
 * a workflow per leg, fault mode and size. Returns `run(leg, faults, n)` and `close()`.
 */
async function setupSendBench({ tarball, sim, plan, log, tuned = TUNED_CONCURRENCY }) {
	const workflows = new Map();
	for (const { leg, faults, n } of plan)
		workflows.set(workflowId(leg, faults, n), workflow(leg, faults, n, sim.url, tuned));
	const n8n = await openN8n({
		prefix: 'waping-bench-send-',
		tarballs: [tarball],
		credentials: [
			{ ...CREDENTIALS.waping, data: { apiKey: SEND_API_KEY, baseUrl: sim.url, plan: 'auto' } },
			{ ...CREDENTIALS.bearer, data: { token: SEND_API_KEY } },
		],
		workflows: [...workflows.values()],
		log,
	});

	/** One run of one leg: the simulator starts clean (devices connected, the limit, the faults). */
	async function run(leg, faults, n) {
		sim.reset();
		for (const id of SEND_DEVICES) sim.changeDevice({ id, status: 'connected' });
		const disconnectAfter = Math.round(n * FAULTS.disconnect.afterShare);
		const stormAfter = Math.round(n * FAULTS.storm.afterShare);
		sim.configure({
			rateLimit: LIMIT,
			...(faults
				? {
						chaos: FAULTS.chaos,
						disconnect: [{ deviceId: FAULTS.disconnect.deviceId, afterMessages: disconnectAfter }],
					}
				: {}),
		});
		// The storm starts when stormAfter messages have been accepted (watched on the simulator, which runs in this process).
		let stormAt;
		const watch = faults
			? setInterval(() => {
					if (stormAt === undefined && sim.messages.length >= stormAfter) {
						stormAt = Date.now();
						sim.inject({
							path: '/v1/messages',
							status: FAULTS.storm.status,
							body: { error: { code: 'UNAVAILABLE', message: 'storm' } },
							forMs: FAULTS.storm.forMs,
							label: 'storm',
						});
					}
				}, 5)
			: undefined;
		const startedAt = Date.now();
		let outcome;
		try {
			outcome = await n8n.execute(workflowId(leg, faults, n), 10 * 60 * 1000);
		} finally {
			if (watch) clearInterval(watch);
		}
		const { execution, processMs, peakRss } = outcome;
		const { resultData } = execution.data;
		const task = taskOf(execution, workflowId(leg, faults, n), LEGS[leg].node);
		const outputs = (task.data?.main ?? []).map((list) => list ?? []);
		const error = task.error ?? (execution.status !== 'success' ? resultData.error : undefined);

		const posts = sim.requests.filter(
			(r) => r.method === 'POST' && r.path.startsWith('/v1/messages'),
		);
		const status = (code) => posts.filter((r) => r.status === code).length;
		const messages = sim.messages.slice();
		const counted = countMessages(messages, n);
		const result = {
			nodeMs: task.executionTime,
			executionMs: Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt),
			processMs,
			peakRss,
			status: execution.status,
			error: error ? String(error.message ?? error).slice(0, 300) : undefined,
			outputs: outputs.map((list) => list.length),
		};
		if (leg === 'noop') return result;

		const reported = new Set(outputs.flatMap((list) => list.flatMap(pairedIndexes)));
		const lost = counted.missing.filter((i) => !reported.has(i)).length;
		const firstPost = posts[0]?.at;
		const acceptedTimes = messages.map((m) => m.at);
		return {
			...result,
			accepted: counted.accepted,
			distinct: counted.distinct,
			duplicates: counted.duplicates,
			lost,
			notAccepted: counted.missing.length,
			// WAPing's outputs: Success, Unauthorized, Forbidden, Not Connected.
			notConnected: leg.startsWith('waping') ? (outputs[3]?.length ?? 0) : undefined,
			replayed: leg.startsWith('waping')
				? (outputs[0] ?? []).filter((item) => item.json?.replayed === true).length
				: undefined,
			requests: posts.length,
			throttled: status(429),
			throttledShare: posts.length ? status(429) / posts.length : undefined,
			serverErrors: posts.filter((r) => r.status >= 500).length,
			dropped: posts.filter((r) => r.dropped).length,
			faults: Object.fromEntries(
				[...new Set(posts.map((r) => r.fault).filter(Boolean))].map((label) => [
					label,
					posts.filter((r) => r.fault === label).length,
				]),
			),
			deviceRequests: sim.requests.filter((r) => r.path.startsWith('/v1/devices')).length,
			// From the process start: how long n8n took to send its first message, and the send phase.
			firstRequestMs: firstPost === undefined ? undefined : firstPost - startedAt,
			sendPhaseMs:
				firstPost === undefined || !acceptedTimes.length
					? undefined
					: Math.max(...acceptedTimes) - firstPost,
			stormAtAccepted: faults ? (stormAt === undefined ? 'never' : stormAfter) : undefined,
			// After the storm: how long until the next message was accepted, past its end.
			resumedAfterStormMs:
				stormAt === undefined
					? undefined
					: (posts.find((r) => r.at >= stormAt + FAULTS.storm.forMs && r.status === 202)?.at ??
							NaN) -
						(stormAt + FAULTS.storm.forMs),
			attempts: attemptsPerMessage(posts, stormAt),
			acceptedPerSecond: firstPost === undefined ? [] : perSecond(acceptedTimes, firstPost),
			idleGapsMs: idleGaps(posts).slice(0, 10),
			idleMs: idleGaps(posts).reduce((sum, gap) => sum + gap, 0),
			timeline: firstPost === undefined ? [] : timeline(posts, firstPost),
		};
	}

	return { run, close: n8n.close };
}

const DEFAULT_LEGS = [
	'waping',
	'wapingTuned',
	'wapingRetry',
	'http',
	'httpBatch',
	'httpBatchRetry',
];

function describe(run, n) {
	const parts = [
		`node ${(run.nodeMs / 1000).toFixed(1)} s (${(run.nodeMs / ((n / LIMIT.perSecond) * 1000)).toFixed(2)}× N / R)`,
		`process ${(run.processMs / 1000).toFixed(1)} s`,
	];
	if (run.accepted !== undefined) {
		parts.push(
			`accepted ${run.accepted}`,
			`duplicates ${run.duplicates}`,
			`lost ${run.lost}`,
			`429s ${run.throttled}/${run.requests}`,
		);
		if (run.notConnected) parts.push(`not connected ${run.notConnected}`);
	}
	parts.push(
		`peak RSS ${(run.peakRss / 1024 / 1024).toFixed(0)} MB`,
		run.status === 'success' ? 'completed' : `failed: ${run.error}`,
	);
	return parts.join(', ');
}

/**
 * The whole send section: its own simulator and n8n user folder; every leg at the largest size with
 * the faults off and on, WAPing (default options, faults off) at the other sizes, and the No
 * Operation workflow at every size for the memory baseline. Runs one thing at a time.
 */
async function sendBench({
	tarball,
	sizes,
	repeats,
	otherRepeats,
	legs = DEFAULT_LEGS,
	faultModes = [false, true],
	tuned = TUNED_CONCURRENCY,
	log,
}) {
	const started = Date.now();
	const startedAt = new Date().toISOString();
	const main = sizes.at(-1);
	const plan = [];
	for (const n of sizes) plan.push({ leg: 'noop', faults: false, n, times: 1 });
	for (const faults of faultModes) {
		for (const leg of legs)
			if (faults || !LEGS[leg].faultsOnly)
				plan.push({ leg, faults, n: main, times: leg === 'waping' ? repeats : otherRepeats });
	}
	if (legs.includes('waping'))
		for (const n of sizes.slice(0, -1)) plan.push({ leg: 'waping', faults: false, n, times: 1 });

	const labels = Object.fromEntries(
		Object.entries(LEGS).map(([leg, spec]) => [leg, spec.label(tuned)]),
	);
	const results = {};
	const skipped = {};
	const loadAverage = { start: os.loadavg() };
	const sim = await startSimulator({ seed: sendSeed() });
	let bench;
	try {
		log(
			`send: simulator on ${sim.url}; installing the package, importing credentials and ${plan.length} workflows`,
		);
		bench = await setupSendBench({ tarball, sim, plan, log, tuned });
		// The first run on a fresh user folder also migrates the database: not measured.
		await bench.run('noop', false, sizes[0]);
		for (const { leg, faults, n, times } of plan) {
			// Retry On Fail re-runs a node that failed: when Batching alone sent every message without a
			// failed request, it has nothing to do, and its run would be the Batching run again.
			const batch = results[`httpBatch.${faults ? 'on' : 'off'}`]?.[n];
			if (
				leg === 'httpBatchRetry' &&
				batch?.length &&
				batch.every(
					(run) =>
						run.status === 'success' &&
						run.throttled === 0 &&
						run.serverErrors === 0 &&
						run.dropped === 0,
				)
			) {
				skipped[`${leg}.${faults ? 'on' : 'off'}`] =
					`${labels.httpBatch} completed without a failed request, so Retry On Fail had nothing to run again: the same as that leg`;
				log(
					`send: ${labels[leg]}, faults ${faults ? 'on' : 'off'}: not run (${labels.httpBatch} completed without a failed request)`,
				);
				continue;
			}
			for (let i = 0; i < times; i++) {
				const run = await bench.run(leg, faults, n);
				((results[`${leg}.${faults ? 'on' : 'off'}`] ??= {})[n] ??= []).push(run);
				log(
					`send: ${labels[leg]}, faults ${faults ? 'on' : 'off'}, ${n} messages #${i + 1}: ${describe(run, n)}`,
				);
			}
		}
	} finally {
		bench?.close();
		await sim.close();
	}
	return {
		startedAt,
		config: {
			limit: LIMIT,
			faults: FAULTS,
			tuned,
			sizes,
			legs,
			faultModes: faultModes.map((f) => (f ? 'on' : 'off')),
			repeats: { waping: repeats, other: otherRepeats },
		},
		labels,
		legs: results,
		skipped,
		loadAverage: { ...loadAverage, end: os.loadavg() },
		benchSeconds: (Date.now() - started) / 1000,
	};
}

module.exports = {
	LIMIT,
	TUNED_CONCURRENCY,
	FAULTS,
	LEGS,
	DEFAULT_LEGS,
	setupSendBench,
	sendBench,
	workflow,
};
