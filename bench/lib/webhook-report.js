'use strict';
// The webhook section's targets (issue 20) and its tables (bench/results.md).
const { median, table, int, x, mark, plural } = require('./format');
const { TIMEOUT_MS } = require('./webhook');

const P99_SLACK = 1.2; // the trigger's ack p99 ≤ 1.2 × the Webhook node's

/** Milliseconds; a percentile at the timeout is only a lower bound. */
const ackMs = (v) => (v === undefined ? '–' : v >= TIMEOUT_MS ? `≥ ${v}` : String(Math.round(v)));

function summariseWebhook(webhook) {
	const { runs, config } = webhook;
	const per = {};
	for (const [leg, list] of Object.entries(runs))
		per[leg] = { p50: median(list.map((r) => r.p50)), p99: median(list.map((r) => r.p99)) };
	const t = per.trigger;
	const w = per.webhookNode;
	const targets = [];
	const target = (name, met, detail) => targets.push({ name, met, detail });
	const censored = (v) => v >= TIMEOUT_MS;
	// A p99 at the timeout says only "at least": the ratio is known only when the Webhook node's is not censored.
	const ratio = t?.p99 !== undefined && w?.p99 ? t.p99 / w.p99 : undefined;
	target(
		`Ack latency p99: the WAPing trigger's ≤ ${P99_SLACK}× n8n's Webhook node's`,
		ratio === undefined || (censored(w.p99) && censored(t.p99))
			? undefined
			: censored(w.p99)
				? true
				: ratio <= P99_SLACK,
		`trigger ${ackMs(t?.p99)} ms, Webhook node ${ackMs(w?.p99)} ms (${x(ratio)}); p50 ${ackMs(t?.p50)} ms and ${ackMs(w?.p50)} ms` +
			(censored(w?.p99) && censored(t?.p99)
				? `; both at the ${TIMEOUT_MS} ms timeout: no ratio can be read`
				: ''),
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
	const rows = [];
	for (const [leg, list] of Object.entries(webhook.runs))
		list.forEach((r, i) =>
			rows.push([
				labels[leg],
				i + 1,
				ackMs(r.p50),
				ackMs(r.p99),
				ackMs(r.max),
				r.notAcked,
				Object.entries(r.answers)
					.map(([k, n]) => `${k}: ${n}`)
					.join(', '),
				`${r.executions}${r.settled ? '' : ' (still moving after 3 min)'}`,
				r.lost,
				r.replies,
				int(r.lateP99),
				r.load[0].toFixed(1),
			]),
		);
	const load = webhook.loadAverage;
	return [
		`## Benchmark: webhooks, ${config.deliveries} deliveries at ${config.rate}/s, ${Math.round(config.duplicates * 100)} % redelivered`,
		'',
		`n8n ${webhook.n8n ?? '–'} (\`n8n start\`, SQLite, default settings; the packed package installed as a community package), both workflows published in it: ` +
			`**${labels.trigger}** (HMAC-SHA256, Message Received) and **${labels.webhookNode}** (responseMode onReceived, no signature check); ` +
			`each Send replies to the sender with the inbound messageId as Idempotency Key. ` +
			`The same burst into each, one workflow at a time (${plural(config.repeats, 'run')} each, the order alternating; 20 deliveries into each first, not counted): ` +
			`${config.deliveries} deliveries on a fixed schedule of ${config.rate}/s, ${config.unique} events, ${config.deliveries - config.unique} of them delivered again 1 to ${config.redeliveryWithin} deliveries later, ` +
			`signed with HMAC-SHA256 as the simulator signs them and sent with its outbox (one connection each, answer timeout ${TIMEOUT_MS} ms, no retry). ` +
			`The section took ${webhook.benchSeconds.toFixed(0)} s, with a load average of ${load.start[0].toFixed(1)} at its start and ${load.end[0].toFixed(1)} at its end ` +
			`(on a machine shared with other work: latencies vary from run to run).`,
		'',
		table(
			[
				'Workflow',
				'Run',
				'Ack p50 (ms)',
				'Ack p99 (ms)',
				'Ack max (ms)',
				`Not answered 2xx in ${TIMEOUT_MS / 1000} s`,
				'Answers',
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
		'- Ack: from the delivery sent to its whole answer read (the simulator outbox\'s `ms`); a delivery not answered 2xx within the timeout counts as at least the timeout, so a percentile shown "≥" is a lower bound.',
		"- Executions started: the executions n8n saved for the workflow during the run (REST API), counted once they stopped changing. Lost: events no reply was accepted for. Replies accepted: messages the simulator accepted with the run's messageIds as Idempotency Key.",
		'- Loader late: how far behind its schedule this process sent a delivery (its own share of a busy machine).',
		'',
	].join('\n');
}

module.exports = { P99_SLACK, summariseWebhook, webhookMarkdown };
