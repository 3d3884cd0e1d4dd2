'use strict';
// Medians, ratios, the issue's targets, and the tables (console and bench/results.md).
const os = require('node:os');

const { median, table, ms, mb, times, mark } = require('./format');

const TARGETS = {
	httpOverWaping: 20, // HTTP Request workflow's node time ÷ WAPing node time, 10 000 items
	wapingOverFloor: 1.5, // WAPing node time ÷ (undici request + no-op node time)
	loadMs: 50,
	tarballBytes: 100 * 1024,
	linearSlack: 1.5, // memory per item at the largest N ≤ 1.5 × memory per item at the next size down
};

/** The median of every numeric field over the runs of one leg and size. */
function medians(runs) {
	if (!runs) return undefined;
	const fields = new Set(runs.flatMap((run) => Object.keys(run)));
	const result = { runs: runs.length };
	for (const field of fields) {
		const m = median(runs.map((run) => run[field]));
		if (m !== undefined) result[field] = m;
	}
	result.requestsAll = [...new Set(runs.map((run) => run.requests))];
	result.outputs = runs[0].outputs;
	return result;
}

function machine(runtime) {
	return {
		cpus: os.cpus().length,
		cpuModel: os.cpus()[0]?.model,
		memoryGB: Math.round(os.totalmem() / 1024 ** 3),
		platform: `${os.platform()} ${os.release()} ${os.arch()}`,
		benchNode: process.version,
		n8nNode: runtime ? `v${runtime.nodeVersion}` : undefined,
		n8n: runtime?.n8nVersion,
		n8nCore: require('n8n-core/package.json').version,
		n8nWorkflow: require('n8n-workflow/package.json').version,
		undici: require('undici/package.json').version,
	};
}

function describeRun(run) {
	const time = run.nodeMs ?? run.ms;
	const parts = [`node ${ms(time)} ms`, `${run.requests} request(s)`];
	if (run.nodeTimes) parts.push(JSON.stringify(run.nodeTimes));
	if (run.peakRss) parts.push(`peak RSS ${mb(run.peakRss)} MB`);
	return parts.join(', ');
}

function summarise(results) {
	const { legs, sizes } = results;
	const at = (leg, n) => medians(legs[leg]?.[n]);
	const over = (a, b) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);
	const perSize = {};
	for (const n of sizes) {
		const s = {
			floor: at('floor', n),
			floorWarm: at('floor.warm', n),
			floorN8n: at('floor.n8nNode', n),
			waping: at('n8n.waping', n),
			http: at('n8n.http', n),
			noop: at('n8n.noop', n),
			minimal: at('n8n.minimal', n),
			inWaping: at('inprocess.waping', n),
			inNoop: at('inprocess.noop', n),
			inWapingWarm: at('inprocess.waping.warm', n),
			inNoopWarm: at('inprocess.noop.warm', n),
			inMinimal: at('inprocess.minimal', n),
			inMinimalWarm: at('inprocess.minimal.warm', n),
		};
		const floorOf = (request, noop) => (request && noop ? request.ms + noop.nodeMs : undefined);
		s.httpOverWaping = over(s.http?.nodeMs, s.waping?.nodeMs);
		s.wapingOverFloor = over(s.waping?.nodeMs, floorOf(s.floorN8n, s.noop));
		s.minimalOverFloor = over(s.minimal?.nodeMs, floorOf(s.floorN8n, s.noop));
		s.wapingOverMinimal = over(s.waping?.nodeMs, s.minimal?.nodeMs);
		s.inWapingOverFloor = over(s.inWaping?.nodeMs, floorOf(s.floor, s.inNoop));
		s.inWapingWarmOverFloor = over(s.inWapingWarm?.nodeMs, floorOf(s.floorWarm, s.inNoopWarm));
		// What WAPing adds to the least a node must do for the job in the same engine.
		s.inMinimalOverFloor = over(s.inMinimal?.nodeMs, floorOf(s.floor, s.inNoop));
		s.inMinimalWarmOverFloor = over(s.inMinimalWarm?.nodeMs, floorOf(s.floorWarm, s.inNoopWarm));
		s.inWapingOverMinimal = over(s.inWaping?.nodeMs, s.inMinimal?.nodeMs);
		s.inWapingWarmOverMinimal = over(s.inWapingWarm?.nodeMs, s.inMinimalWarm?.nodeMs);
		perSize[n] = s;
	}
	const largest = sizes.at(-1);
	const big = perSize[largest];
	const loadN20 = median(results.load.node20?.map((r) => r.ms) ?? []);
	const loadN8n = median(results.load.n8n?.map((r) => r.ms) ?? []);

	// Memory per item, WAPing in-process (cold): the RSS the run added; compared between the two
	// largest sizes (at small sizes it is all fixed cost).
	const perItem = (n) => {
		const m = perSize[n]?.inWaping;
		return m?.peakRss === undefined ? undefined : (m.peakRss - m.rssBefore) / n;
	};
	const prev = sizes.at(-2);
	const linear = () => (sizes.length < 2 ? undefined : over(perItem(largest), perItem(prev)));

	const targets = [];
	const target = (name, met, detail) => targets.push({ name, met, detail });
	target(
		`Get Status, ${largest} items: ≥ ${TARGETS.httpOverWaping}× less node time than the HTTP Request workflow (real n8n)`,
		big.httpOverWaping === undefined ? undefined : big.httpOverWaping >= TARGETS.httpOverWaping,
		`${times(big.httpOverWaping)} (${ms(big.http?.nodeMs)} ms vs ${ms(big.waping?.nodeMs)} ms)`,
	);
	const wapingRequests = [
		...(big.waping?.requestsAll ?? []),
		...(big.inWaping?.requestsAll ?? []),
		...(big.inWapingWarm?.requestsAll ?? []),
	];
	target(
		`Get Status, ${largest} items: 1 request instead of ${largest}`,
		wapingRequests.length ? wapingRequests.every((r) => r === 1) : undefined,
		`WAPing ${[...new Set(wapingRequests)].join('/')} in every run; HTTP Request ${big.http?.requestsAll.join('/') ?? '–'}`,
	);
	for (const [label, key, minimalKey] of [
		['real n8n, cold process', 'wapingOverFloor', 'minimalOverFloor'],
		['in-process engine, cold', 'inWapingOverFloor', 'inMinimalOverFloor'],
		['in-process engine, warm', 'inWapingWarmOverFloor', 'inMinimalWarmOverFloor'],
	]) {
		const values = sizes.map((n) => perSize[n][key]);
		if (values.every((v) => v === undefined)) continue;
		const bySize = (k) => sizes.map((n) => `${n}: ${times(perSize[n][k])}`).join(', ');
		// The minimal node against the same floor: what no node building N items can go below here.
		const minimal =
			minimalKey && sizes.some((n) => perSize[n][minimalKey] !== undefined)
				? `; the minimal node: ${bySize(minimalKey)}`
				: '';
		target(
			`Overhead (${label}): WAPing node time ≤ ${TARGETS.wapingOverFloor}× (undici request + no-op node), ${largest} items`,
			big[key] === undefined ? undefined : big[key] <= TARGETS.wapingOverFloor,
			`WAPing: ${bySize(key)}${minimal}`,
		);
	}
	const ratio = linear();
	target(
		`Memory linear in items (in-process WAPing: RSS growth during the run, per item, at ${largest} ≤ ${TARGETS.linearSlack}× that at ${prev})`,
		ratio === undefined ? undefined : ratio <= TARGETS.linearSlack,
		`${ratio === undefined ? '–' : ratio.toFixed(2)}× (per item: ${sizes.map((n) => `${n}: ${((perItem(n) ?? NaN) / 1024).toFixed(2)} KB`).join(', ')}); peak RSS of n8n at ${largest} items: WAPing ${mb(big.waping?.peakRss)} MB, No Operation ${mb(big.noop?.peakRss)} MB, HTTP Request ${mb(big.http?.peakRss)} MB`,
	);
	const load = Math.max(loadN20 ?? 0, loadN8n ?? 0);
	target(
		`Package load < ${TARGETS.loadMs} ms (require + construct the node and credential, fresh process)`,
		load < TARGETS.loadMs,
		`Node 24 with n8n's n8n-workflow: ${ms(loadN8n)} ms; Node 20: ${ms(loadN20)} ms`,
	);
	target(
		`Packed tarball < 100 KB`,
		results.package.size < TARGETS.tarballBytes,
		`${(results.package.size / 1024).toFixed(1)} KB (${results.package.files} files, ${(results.package.unpackedSize / 1024).toFixed(1)} KB unpacked)`,
	);
	return { perSize, targets, load: { node20Ms: loadN20, n8nMs: loadN8n } };
}

function machineLine(results) {
	const m = results.machine;
	const load = results.loadAverage;
	return (
		`Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGB} GB, ${m.platform}; load average ${load.start[0].toFixed(1)} at the start, ${load.end[0].toFixed(1)} at the end. ` +
		`n8n ${m.n8n ?? '–'} on Node ${m.n8nNode ?? '–'}; in-process legs and their floor on Node ${m.benchNode} with n8n-core ${m.n8nCore}, n8n-workflow ${m.n8nWorkflow}, undici ${m.undici}. ` +
		`Run ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC; \`npm run bench\` took ${results.benchSeconds.toFixed(0)} s.`
	);
}

/** The short table (README): one row per size. */
function compact(results, summary) {
	const rows = results.sizes.map((n) => {
		const s = summary.perSize[n];
		return [
			n,
			ms(s.waping?.nodeMs),
			ms(s.http?.nodeMs),
			times(s.httpOverWaping),
			`${s.waping?.requestsAll.join('/') ?? '–'} / ${s.http?.requestsAll.join('/') ?? '–'}`,
			`${ms(s.noop?.nodeMs)} + ${ms(s.floorN8n?.ms)}`,
			times(s.wapingOverFloor),
			`${ms(s.minimal?.nodeMs)} (${times(s.wapingOverMinimal)})`,
			`${ms(s.inWapingWarm?.nodeMs)} vs ${ms(s.inNoopWarm?.nodeMs)} + ${ms(s.floorWarm?.ms)}`,
			times(s.inWapingWarmOverFloor),
			`${mb(s.waping?.peakRss)} / ${mb(s.http?.peakRss)} / ${mb(s.noop?.peakRss)}`,
		];
	});
	return table(
		[
			'Items',
			'WAPing (ms)',
			'HTTP Request + Edit Fields (ms)',
			'HTTP ÷ WAPing',
			'Requests WAPing / HTTP',
			'Floor: No Op + undici (ms)',
			'WAPing ÷ floor',
			'Minimal node (ms), WAPing ÷ it',
			'Warm in-process: WAPing vs pass-through + undici (ms)',
			'Warm WAPing ÷ floor',
			'Peak RSS WAPing / HTTP / No Op (MB)',
		],
		rows,
	);
}

/** The rows of "Every leg": label, engine, the summary's key, and its node, workflow and process times. */
const REAL = ['n8n execute', 'nodeMs', 'executionMs', 'processMs'];
const COLD = ['in-process, cold', 'nodeMs', 'wallMs'];
const WARM = ['in-process, warm', 'nodeMs', 'wallMs'];
const LEG_ROWS = [
	['WAPing Get Status', REAL, 'waping'],
	['HTTP Request + Edit Fields', REAL, 'http'],
	['No Operation', REAL, 'noop'],
	['minimal node', REAL, 'minimal'],
	['WAPing Get Status', COLD, 'inWaping'],
	['pass-through node', COLD, 'inNoop'],
	['undici + Map lookup', ["floor, cold, n8n's Node", 'ms', 'ms'], 'floorN8n'],
	['minimal node', COLD, 'inMinimal'],
	['undici + Map lookup', ['floor, cold', 'ms', 'ms'], 'floor'],
	['WAPing Get Status', WARM, 'inWapingWarm'],
	['pass-through node', WARM, 'inNoopWarm'],
	['minimal node', WARM, 'inMinimalWarm'],
	['undici + Map lookup', ['floor, warm', 'ms', 'ms'], 'floorWarm'],
].map(([leg, [engine, ...fields], key]) => [leg, engine, key, ...fields]);

function markdown(results, summary) {
	const { perSize, targets } = summary;
	const rows = [];
	for (const n of results.sizes) {
		for (const [leg, engine, key, time, wall, processWall] of LEG_ROWS) {
			const x = perSize[n][key];
			if (!x) continue;
			rows.push([
				n,
				leg,
				engine,
				ms(x[time]),
				ms(x[wall]),
				ms(processWall && x[processWall]),
				x.requestsAll.join('/'),
				mb(x.peakRss),
				x.runs,
			]);
		}
	}
	const ratios = results.sizes.map((n) => {
		const s = perSize[n];
		return [
			n,
			times(s.httpOverWaping),
			times(s.wapingOverFloor),
			times(s.inWapingOverFloor),
			times(s.inWapingWarmOverFloor),
			times(s.wapingOverMinimal),
			times(s.inWapingOverMinimal),
			times(s.inWapingWarmOverMinimal),
		];
	});
	const r = results.repeats;
	return [
		`## Benchmark: Device → Get Status over a workspace of ${results.devices} devices`,
		'',
		machineLine(results),
		'',
		`Medians of ${r.realN8n} runs for the real n8n WAPing and No Operation legs and the floor on n8n's Node, ${r.http ?? r.realN8n} for HTTP Request (${r.http10k} at 10 000 items), and ${r.light} for each in-process and floor leg.`,
		'',
		compact(results, summary),
		'',
		'Targets:',
		'',
		...targets.map((t) => `- ${mark(t.met)}: ${t.name}: ${t.detail}`),
		'',
		'### Every leg',
		'',
		table(
			[
				'Items',
				'Leg',
				'Engine',
				'Node time (ms)',
				'Workflow wall (ms)',
				'Process wall (ms)',
				'Requests',
				'Peak RSS (MB)',
				'Runs',
			],
			rows,
		),
		'',
		table(
			[
				'Items',
				'HTTP Request ÷ WAPing (n8n)',
				'WAPing ÷ floor (n8n)',
				'WAPing ÷ floor (in-process, cold)',
				'WAPing ÷ floor (in-process, warm)',
				'WAPing ÷ minimal node (n8n)',
				'WAPing ÷ minimal node (in-process, cold)',
				'WAPing ÷ minimal node (in-process, warm)',
			],
			ratios,
		),
		'',
		'- Node time: what n8n records for the node (`executionTime` in the run data); for the HTTP Request workflow, HTTP Request + Edit Fields. Workflow wall: the execution from start to stop (it includes the trigger and the Code node that makes the items). Process wall: the whole `n8n execute` process, start-up included.',
		"- Floor: the undici request and Map lookup, plus the no-op node of the same engine (n8n's No Operation node in n8n; a pass-through node in-process). For the real n8n legs the undici client runs on n8n's own Node.",
		"- Minimal node (bench/minimal-node, installed in n8n as a second community package): the least a node can do for the job through n8n's helpers, with none of WAPing's checks, retries, redaction or routing: read the credential, one authenticated request, then a Map lookup and a new item per input item. Unlike the no-op node it builds N new items, as any node answering N items must.",
		`- Cold: the first run in a fresh process; every \`n8n execute\` is one, so its node time includes n8n's first-use costs (reading and decrypting the credential from its database, the HTTP client's first request); in-process, also loading n8n-core's HTTP stack, which the minimal node pays as well. Warm: the same run after ${r.warmUpRuns} others in the same process, as in a long-running n8n.`,
		'- Peak RSS: of the n8n process, or of the in-process worker during the run (with n8n-core loaded it starts at ~170 MB).',
		'',
	].join('\n');
}

module.exports = {
	TARGETS,
	median,
	medians,
	machine,
	machineLine,
	describeRun,
	summarise,
	compact,
	markdown,
};
