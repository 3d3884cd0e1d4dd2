'use strict';
// The send section's medians, the issue's targets and its tables (bench/results.md).
const { median, table, s1, x, mb, int, pct, mark, plural } = require('./format');

const SEND_TARGETS = {
	faultsOff: 1.1, // WAPing, default options, faults off: node time ≤ 1.10 × N / R
	faultsOn: 1.25, // faults on: ≤ 1.25 × N / R
	throttledShare: 0.02, // 429s ≤ 2 % of the requests sent
	linearSlack: 1.5, // memory per item at the largest N ≤ 1.5 × memory per item at the next size down
};

const legKey = (leg, faults) => `${leg}.${faults ? 'on' : 'off'}`;
const max = (values) => {
	const list = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
	return list.length ? Math.max(...list) : undefined;
};

/** The medians of one leg at one size, with the worst run where a target counts every run. */
function summariseLeg(runs, n, limit) {
	const floorMs = (n / limit.perSecond) * 1000;
	const m = (field) => median(runs.map((run) => run[field]));
	const nodeMs = m('nodeMs');
	return {
		runs: runs.length,
		completed: runs.filter((run) => run.status === 'success').length,
		floorMs,
		nodeMs,
		overFloor: nodeMs === undefined ? undefined : nodeMs / floorMs,
		processMs: m('processMs'),
		executionMs: m('executionMs'),
		peakRss: m('peakRss'),
		accepted: m('accepted'),
		duplicates: m('duplicates'),
		lost: m('lost'),
		notConnected: m('notConnected'),
		requests: m('requests'),
		throttled: m('throttled'),
		throttledShare: m('throttledShare'),
		idleMs: m('idleMs'),
		worst: {
			overFloor: max(runs.map((run) => run.nodeMs / floorMs)),
			duplicates: max(runs.map((run) => run.duplicates)),
			lost: max(runs.map((run) => run.lost)),
			throttledShare: max(runs.map((run) => run.throttledShare)),
		},
		errors: [...new Set(runs.map((run) => run.error).filter(Boolean))],
	};
}

function summariseSend(send) {
	const { legs, config } = send;
	const perLeg = {};
	for (const [key, bySize] of Object.entries(legs)) {
		perLeg[key] = {};
		for (const [n, runs] of Object.entries(bySize))
			perLeg[key][n] = summariseLeg(runs, Number(n), config.limit);
	}
	const main = config.sizes.at(-1);
	const at = (leg, faults, n = main) => perLeg[legKey(leg, faults)]?.[n];

	const targets = [];
	const target = (name, met, detail) => targets.push({ name, met, detail });
	// The other WAPing legs in the same fault mode, for comparison.
	const others = (faults) =>
		['wapingTuned', 'wapingRetry']
			.map((leg) => [leg, at(leg, faults)])
			.filter(([, o]) => o)
			.map(
				([leg, o]) =>
					`; ${send.labels[leg]}: ${x(o.overFloor)}, ${o.completed} of ${o.runs} completed`,
			)
			.join('');
	for (const [faults, limit] of [
		[false, SEND_TARGETS.faultsOff],
		[true, SEND_TARGETS.faultsOn],
	]) {
		const s = at('waping', faults);
		if (!s) continue;
		const allDone = s.completed === s.runs;
		const detail = others(faults);
		target(
			`WAPing Send, default options, faults ${faults ? 'on' : 'off'}: ${main} messages within ${limit.toFixed(2)}× N / R (${(s.floorMs / 1000).toFixed(0)} s), every run completing`,
			allDone && s.overFloor <= limit,
			`median ${x(s.overFloor)} (${(s.nodeMs / 1000).toFixed(1)} s), worst ${x(s.worst.overFloor)}; ${s.completed} of ${s.runs} runs completed${s.errors.length ? `; failed with: ${s.errors.join(' | ')}` : ''}${detail}`,
		);
	}
	const wapingLegs = Object.keys(perLeg).filter((key) => key.startsWith('waping'));
	const wapingMain = wapingLegs.map((key) => [key, perLeg[key][main]]).filter(([, s]) => s);
	if (wapingMain.length) {
		target(
			`429s ≤ ${SEND_TARGETS.throttledShare * 100} % of the requests sent, every WAPing run`,
			wapingMain.every(([, s]) => s.worst.throttledShare <= SEND_TARGETS.throttledShare),
			wapingMain
				.map(
					([key, s]) =>
						`${key}: ${pct(s.throttledShare)} median, ${pct(s.worst.throttledShare)} worst`,
				)
				.join('; '),
		);
		target(
			'0 duplicates and 0 lost, every WAPing run and fault mix',
			wapingMain.every(([, s]) => s.worst.duplicates === 0 && s.worst.lost === 0),
			wapingMain
				.map(
					([key, s]) =>
						`${key}: duplicates ${s.worst.duplicates}, lost ${s.worst.lost} (worst run)`,
				)
				.join('; '),
		);
	}
	// Memory: what the WAPing run adds to the peak RSS of n8n running the same items through No Operation, per item.
	const memory = config.sizes.map((n) => {
		const waping = at('waping', false, n)?.peakRss;
		const noop = at('noop', false, n)?.peakRss;
		return {
			n,
			waping,
			noop,
			perItem: waping !== undefined && noop !== undefined ? (waping - noop) / n : undefined,
		};
	});
	if (memory.length >= 2) {
		const [prev, last] = memory.slice(-2);
		const ratio =
			last.perItem !== undefined && prev.perItem > 0 ? last.perItem / prev.perItem : undefined;
		target(
			`Memory linear in N (peak RSS of n8n over the No Operation run of the same items, per item, at ${last.n} ≤ ${SEND_TARGETS.linearSlack}× that at ${prev.n})`,
			ratio === undefined ? undefined : ratio <= SEND_TARGETS.linearSlack,
			`${ratio === undefined ? '–' : `${ratio.toFixed(2)}×`} (${memory.map((m) => `${m.n}: ${m.perItem === undefined ? '–' : `${(m.perItem / 1024).toFixed(1)} KB`}`).join(', ')} per item; one run each)`,
		);
	}
	return { perLeg, targets, memory, main };
}

/** One line per leg and fault mode at the main size. */
function legRows(send, summary, faults) {
	const { config, labels } = send;
	const n = summary.main;
	const rows = [];
	for (const leg of config.legs) {
		const s = summary.perLeg[legKey(leg, faults)]?.[n];
		const skipped = send.skipped?.[legKey(leg, faults)];
		if (skipped) rows.push([labels[leg], 0, ...Array(10).fill('–'), `not run: ${skipped}`]);
		if (!s) continue;
		const outcome =
			s.completed === s.runs
				? s.runs > 1
					? `all ${s.runs} completed`
					: 'completed'
				: `${s.completed} of ${s.runs} completed; failed: ${s.errors.map((e) => `"${e.slice(0, 90)}"`).join(', ')}`;
		rows.push([
			labels[leg],
			s.runs,
			s1(s.nodeMs),
			x(s.overFloor),
			s1(s.processMs),
			int(s.accepted),
			int(s.duplicates),
			int(s.lost),
			s.notConnected === undefined ? '–' : int(s.notConnected),
			int(s.requests),
			`${int(s.throttled)} (${s.throttledShare === undefined ? '–' : (s.throttledShare * 100).toFixed(1)} %)`,
			mb(s.peakRss),
			outcome,
		]);
	}
	rows.push([
		`Floor: N / R`,
		'–',
		s1((n / config.limit.perSecond) * 1000),
		'1.00×',
		'–',
		n,
		0,
		0,
		'–',
		n,
		'0',
		'–',
		'–',
	]);
	return rows;
}

const HEADER = [
	'Leg',
	'Runs',
	'Node time (s)',
	'÷ N / R',
	'Process wall (s)',
	'Accepted',
	'Duplicates',
	'Lost',
	'Not Connected',
	'Requests',
	'429s (% of requests)',
	'Peak RSS (MB)',
	'Outcome',
];

/** The table for the README: faults off and on at the main size. */
function sendTables(send, summary) {
	return [
		`Faults off (${summary.main} messages, R = ${send.config.limit.perSecond}/s, burst ${send.config.limit.burst}):`,
		'',
		table(HEADER, legRows(send, summary, false)),
		'',
		`Faults on (5 % accepted then 502, 2 % accepted then reset, 1 % accepted then answered after ${send.config.faults.chaos.hangMs} ms, a ${send.config.faults.storm.forMs / 1000} s storm of ${send.config.faults.storm.status}s after ${Math.round(send.config.faults.storm.afterShare * 100)} % of the messages, device ${send.config.faults.disconnect.deviceId} (a fifth of the items) disconnected after ${Math.round(send.config.faults.disconnect.afterShare * 100)} %; WAPing with Timeout ${send.config.faults.wapingTimeoutMs} ms):`,
		'',
		table(HEADER, legRows(send, summary, true)),
	].join('\n');
}

/** The most requests one message took, and how many messages took that many. */
function maxAttempts(attempts) {
	if (!attempts) return '–';
	const counts = Object.keys(attempts.histogram).map(Number);
	const most = Math.max(...counts);
	return `${most} (${attempts.histogram[most]} message${attempts.histogram[most] === 1 ? '' : 's'})`;
}

function sendMarkdown(send, summary, machineLine) {
	const { config } = send;
	const runsTable = [];
	const gaveUp = [];
	for (const [key, bySize] of Object.entries(send.legs)) {
		if (!key.startsWith('waping')) continue;
		for (const [n, runs] of Object.entries(bySize)) {
			runs.forEach((run, i) =>
				runsTable.push([
					`${send.labels[key.split('.')[0]]}, faults ${key.split('.')[1]}`,
					n,
					i + 1,
					s1(run.nodeMs),
					x(run.nodeMs / ((Number(n) / config.limit.perSecond) * 1000)),
					`${run.throttled} / ${run.requests}`,
					run.duplicates,
					run.lost,
					run.notConnected,
					run.replayed,
					s1(run.idleMs),
					s1(run.idleGapsMs?.[0]),
					run.resumedAfterStormMs === undefined ? '–' : s1(run.resumedAfterStormMs),
					maxAttempts(run.attempts),
					run.status === 'success' ? 'completed' : `failed: "${run.error}"`,
				]),
			);
			runs.forEach((run, i) => {
				if (run.attempts?.gaveUp?.length) {
					gaveUp.push(
						`- ${send.labels[key.split('.')[0]]}, faults ${key.split('.')[1]}, ${n} messages, run ${i + 1}: ${run.attempts.gaveUpCount} message(s) given up; ${run.attempts.gaveUp.map((h) => `[${h.join(', ')}]`).join('; ')}`,
					);
				}
			});
		}
	}
	const memoryRows = summary.memory.map((m) => [
		m.n,
		mb(m.waping),
		mb(m.noop),
		m.perItem === undefined ? '–' : (m.perItem / 1024).toFixed(1),
	]);
	return [
		`## Benchmark: Message → Send, ${summary.main} messages at a rate limit of ${config.limit.perSecond}/s`,
		'',
		machineLine,
		'',
		`The simulator (127.0.0.1) limits sends to R = ${config.limit.perSecond} per second per workspace, a token bucket with a burst of ${config.limit.burst} answering 429 with Retry-After in seconds. ` +
			`${summary.main} messages, one per recipient, over 5 devices; the floor N / R is ${(summary.main / config.limit.perSecond).toFixed(0)} s. ` +
			`Real n8n (\`n8n execute\` of imported workflows, the packed package installed as a community package): Manual Trigger → Code (the items) → the leg's node. ` +
			`${plural(config.repeats.waping, 'run')} of WAPing with default options (medians), ${config.repeats.other} of every other leg. ` +
			`The send section took ${send.benchSeconds.toFixed(0)} s${send.loadAverage ? `, with a load average of ${send.loadAverage.start[0].toFixed(1)} at its start and ${send.loadAverage.end[0].toFixed(1)} at its end` : ''}.`,
		'',
		sendTables(send, summary),
		'',
		'Targets (issue 13):',
		'',
		...summary.targets.map((t) => `- ${mark(t.met)}: ${t.name}: ${t.detail}`),
		'',
		'### Every WAPing run',
		'',
		table(
			[
				'Leg',
				'N',
				'Run',
				'Node time (s)',
				'÷ N / R',
				'429s / requests',
				'Duplicates',
				'Lost',
				'Not Connected',
				'Replayed',
				'No request for ≥ 0.3 s, in all (s)',
				'Longest such pause (s)',
				'First 202 after the storm ended (s)',
				'Requests per message (most)',
				'Outcome',
			],
			runsTable,
		),
		'',
		...(gaveUp.length
			? [
					'Messages a run gave up on (no request of theirs got an answer the node could read, a 202 or a 409): their requests, in ms from the start of the storm:',
					'',
					...gaveUp,
					'',
				]
			: []),
		'### Memory',
		'',
		table(
			['N', 'WAPing peak RSS (MB)', 'No Operation peak RSS (MB)', 'Added per item (KB)'],
			memoryRows,
		),
		'',
		"- Node time: n8n's `executionTime` of the measured node (with Retry On Fail, every try and the waits between them). Process wall: the whole `n8n execute` process, start-up (about 3–5 s) included. ÷ N / R: node time over the floor.",
		"- Accepted: messages the simulator accepted (`GET /__sim/messages`). Duplicates: acceptances of a recipient and text already accepted. Lost: input items with no accepted message that are on no output of the node; when the node stopped the workflow with an error, every item it did not send is counted lost (WAPing's error then names the failed message, not the items left unsent; HTTP Request's names its first failed item).",
		"- Requests: every `POST /v1/messages` the simulator received, retries and Retry On Fail's re-runs included. 429s: those the rate limit answered 429.",
		"- Peak RSS: of the `n8n execute` process (its task runner, which runs the Code node, is a separate process). Memory per item: WAPing's peak over the No Operation workflow's peak for the same items, divided by N (one run each: a fresh n8n process varies by some MB).",
		'- The HTTP Request node sends all the requests of its batches before it looks at any answer, then stops at the first failed item in input order (without Continue On Fail); Retry On Fail then runs the node again with every item.',
		'',
	].join('\n');
}

module.exports = { SEND_TARGETS, legKey, summariseSend, sendTables, sendMarkdown };
