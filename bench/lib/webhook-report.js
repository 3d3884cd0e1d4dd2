'use strict';
// The webhook section's targets (issue 20) and its tables (bench/results.md).
const { median, table, int, x, mark, plural } = require('./format');
const { TIMEOUT_MS, WAPING_TIMEOUT_MS, REDELIVERY } = require('./webhook');

const P99_SLACK = 1.2; // the trigger's ack p99 ≤ 1.2 × the Webhook node's

/** Milliseconds as the report shows them; a value at the loader's timeout is only a lower bound. */
function ackFormat(config) {
	const timeout = config.timeoutMs ?? TIMEOUT_MS;
	return (v) => (v === undefined ? '–' : v >= timeout ? `≥ ${v}` : String(Math.round(v)));
}

/** The median p50/p99 of each workflow's runs, and the trigger's p99 over the Webhook node's. */
function perLeg(runs) {
	const per = {};
	for (const [leg, list] of Object.entries(runs))
		per[leg] = { p50: median(list.map((r) => r.p50)), p99: median(list.map((r) => r.p99)) };
	const ratio =
		per.trigger?.p99 !== undefined && per.webhookNode?.p99
			? per.trigger.p99 / per.webhookNode.p99
			: undefined;
	return { per, ratio };
}

function summariseWebhook(webhook) {
	const { runs, config } = webhook;
	const timeout = config.timeoutMs ?? TIMEOUT_MS;
	const ackMs = ackFormat(config);
	const { per, ratio } = perLeg(runs);
	const t = per.trigger;
	const w = per.webhookNode;
	const targets = [];
	const target = (name, met, detail) => targets.push({ name, met, detail });
	const censored = (v) => v >= timeout;
	const others = (webhook.settings ?? []).map((e) => {
		const other = perLeg(e.runs);
		return `with ${e.label}: trigger ${ackMs(other.per.trigger?.p99)} ms, Webhook node ${ackMs(other.per.webhookNode?.p99)} ms (${x(other.ratio)})`;
	});
	// A p99 at the timeout says only "at least": the ratio is known only when the Webhook node's is not censored.
	target(
		`Ack latency p99: the WAPing trigger's ≤ ${P99_SLACK}× n8n's Webhook node's (n8n's default settings)`,
		ratio === undefined || (censored(w.p99) && censored(t.p99))
			? undefined
			: censored(w.p99)
				? true
				: ratio <= P99_SLACK,
		`trigger ${ackMs(t?.p99)} ms, Webhook node ${ackMs(w?.p99)} ms (${x(ratio)}); p50 ${ackMs(t?.p50)} ms and ${ackMs(w?.p50)} ms` +
			(others.length ? `; ${others.join('; ')}` : ''),
	);
	const trigger = runs.trigger ?? [];
	const every = (f) => (trigger.length ? trigger.every(f) : undefined);
	target(
		`WAPing trigger: executions started = unique events (${config.unique}), every run`,
		every((r) => r.executions === config.unique),
		trigger.map((r) => r.executions).join(', ') +
			`; the Webhook node (no dedupe) started ${(runs.webhookNode ?? []).map((r) => r.executions).join(', ')} for ${config.deliveries} deliveries`,
	);
	target(
		'Lost events (no reply sent): 0, every run of both workflows',
		[...trigger, ...(runs.webhookNode ?? [])].every((r) => r.lost === 0),
		`trigger ${trigger.map((r) => r.lost).join(', ')}; Webhook node ${(runs.webhookNode ?? []).map((r) => r.lost).join(', ')}`,
	);
	target(
		`Replies accepted by the simulator = unique messages (${config.unique}), trigger workflow, every run`,
		every((r) => r.replies === config.unique),
		`trigger ${trigger.map((r) => r.replies).join(', ')}; Webhook node ${(runs.webhookNode ?? []).map((r) => r.replies).join(', ')} (its Send has the same Idempotency Key)`,
	);
	return { per, targets };
}

function webhookMarkdown(webhook, summary) {
	const { config, labels } = webhook;
	const timeout = config.timeoutMs ?? TIMEOUT_MS;
	const waping = config.wapingTimeoutMs ?? WAPING_TIMEOUT_MS;
	const ackMs = ackFormat(config);
	const rows = [];
	const settings = [{ name: "n8n's defaults", runs: webhook.runs }].concat(
		(webhook.settings ?? []).map((e) => ({ name: e.label, runs: e.runs })),
	);
	for (const { name, runs } of settings)
		for (const [leg, list] of Object.entries(runs))
			list.forEach((r, i) =>
				rows.push([
					labels[leg],
					name,
					i + 1,
					ackMs(r.p50),
					ackMs(r.p99),
					ackMs(r.max),
					r.withinWaping ?? '–',
					r.answeredPerSecond === undefined ? '–' : r.answeredPerSecond.toFixed(1),
					Object.entries(r.answers)
						.map(([k, n]) => `${k}: ${n}`)
						.join(', '),
					r.redelivered ?? '–',
					r.neverAcked ?? '–',
					`${r.executions}${r.settled ? '' : ' (still moving after 5 min)'}`,
					r.lost,
					r.replies,
					int(r.lateP99),
					r.load[0].toFixed(1),
				]),
			);
	const said = {};
	for (const { runs } of settings)
		for (const list of Object.values(runs))
			for (const r of list) for (const [k, v] of Object.entries(r.refusals ?? {})) said[k] ??= v;
	const load = webhook.loadAverage;
	const others = (webhook.settings ?? []).map((e) => e.label);
	return [
		`## Benchmark: webhooks, ${config.deliveries} deliveries at ${config.rate}/s, ${Math.round(config.duplicates * 100)} % redelivered`,
		'',
		`n8n ${webhook.n8n ?? '–'} (\`n8n start\`, SQLite; the packed package installed as a community package), both workflows published in it: ` +
			`**${labels.trigger}** (HMAC-SHA256, Message Received) and **${labels.webhookNode}** (responseMode onReceived, no signature check); ` +
			`each Send replies to the sender with the inbound messageId as Idempotency Key. ` +
			`Settings: "n8n's defaults" is where the targets are read` +
			(others.length
				? `; then the same again in a new n8n with each of ${others.join(', ')}, to show what n8n's expression engine costs each workflow`
				: '') +
			'. ' +
			`The same burst into each workflow, one at a time (${plural(config.repeats, 'run')} each, the order alternating; 20 deliveries into each first, not counted): ` +
			`${config.deliveries} deliveries on a fixed schedule of ${config.rate}/s, ${config.unique} events, ${config.deliveries - config.unique} of them delivered again 1 to ${config.redeliveryWithin} deliveries later, ` +
			`signed with HMAC-SHA256 as the simulator signs them and sent with its outbox (one connection each). ` +
			`A delivery not answered 2xx is delivered again, as WAPing delivers at least once: up to ${REDELIVERY.attempts} attempts, ${REDELIVERY.baseMs / 1000} s doubling up to ${REDELIVERY.maxMs / 1000} s between them; the latencies are the first attempts'. ` +
			`The loader waits up to ${timeout / 1000} s for each answer, so that a saturated n8n's latency is measured rather than cut off; WAPing waits ${waping / 1000} s and would deliver a later-answered event again ("answered within ${waping / 1000} s"). ` +
			`The section took ${webhook.benchSeconds.toFixed(0)} s, with a load average of ${load.start[0].toFixed(1)} at its start and ${load.end[0].toFixed(1)} at its end.`,
		'',
		table(
			[
				'Workflow',
				'Settings',
				'Run',
				'Ack p50 (ms)',
				'Ack p99 (ms)',
				'Ack max (ms)',
				`Answered within ${waping / 1000} s`,
				'Answered per s',
				'First answers',
				'Redelivered',
				'Never answered 2xx',
				'Executions started',
				'Lost',
				'Replies accepted',
				'Loader late p99 (ms)',
				'Load (1 min)',
			],
			rows,
		),
		'',
		'Targets (issue 20):',
		'',
		...summary.targets.map((t) => `- ${mark(t.met)}: ${t.name}: ${t.detail}`),
		'',
		'- Ack: from the delivery sent to its whole answer read (the simulator outbox\'s `ms`); a delivery not answered 2xx within the loader\'s timeout counts as at least the timeout, so a percentile shown "≥" is a lower bound.',
		'- Answered per s: first attempts answered 2xx, over the time from the first delivery sent to the last first attempt\'s answer: what this n8n sustained. First answers: how n8n answered the first attempts (503: n8n\'s own "Database is not ready", which it answers to everything while its database health check fails under load).',
		"- Executions started: the executions n8n saved for the workflow during the run (REST API), counted once they stopped changing. Lost: events no reply was accepted for. Replies accepted: messages the simulator accepted with the run's messageIds as Idempotency Key.",
		'- Loader late: how far behind its schedule this process sent a delivery (its own share of a busy machine).',
		...Object.entries(said).map(
			([status, body]) => `- What n8n answered with ${status}: \`${body}\``,
		),
		...(webhook.settings ?? [])
			.filter((e) => e.error)
			.map(
				(e) => `- **${e.label}: not measured**, it failed: ${e.error.split('\n')[0].slice(0, 300)}`,
			),
		'',
	].join('\n');
}

module.exports = { P99_SLACK, summariseWebhook, webhookMarkdown };
