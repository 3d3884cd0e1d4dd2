#!/usr/bin/env node
'use strict';
/*
 * npm run bench: the WAPing node's Device → Get Status against what users build instead and against
 * the floor, on the simulator (127.0.0.1, a workspace of 50 devices), for N input items.
 *
 * Legs, each measured in a fresh process, one at a time (no two heavy things run in parallel):
 *   in-process  n8n-core's WorkflowExecute (as the test harness runs nodes): the built WAPing node,
 *               a pass-through node (what n8n's No Operation node does) over the same items, and a
 *               minimal node (credential, one request, a lookup and a new item per input item, no checks);
 *               cold (the first run in the process) and warm (after 10 runs of the same in it).
 *   real n8n    n8n 2.41.1 on Node 24 (e2e/harness/stack.js), the packed package installed as a
 *               community package, `n8n execute --id`: the WAPing workflow, the HTTP Request
 *               workflow (HTTP Request per item + Edit Fields lookup), and n8n's No Operation node.
 *   floor       a plain undici client: one GET /v1/devices and a Map lookup per item; cold and warm
 *               on this Node, and cold on n8n's Node 24 (the floor of the real n8n legs).
 * Also: the package's load time (require + construct, fresh process) and the packed tarball's size.
 *
 *
 * Then Message → Send (issue 13, bench/lib/send.js): N messages against the simulator's rate limit of
 * R = 100/s (burst 100), in real n8n only: WAPing Send (default options, and Max Concurrent Sends
 * tuned), the HTTP Request node (defaults; Batching R per second; Batching + Retry On Fail) and the
 * floor N / R, with the fault mix off and on; WAPing and No Operation at each size for memory.
 *
 * Writes bench/results.json and bench/results.md. A part not run this time (--no-send, --only-send,
 * --no-webhook, --only-webhook,
 * --no-real) is carried over from the results file already there, marked with the date of its run.
 * Options (--help: this text):
 *   --sizes=1,100,1000,10000   item counts
 *   --repeats=7                repeats of the real n8n WAPing and No Operation legs and of the floor
 *                              on n8n's Node (the median is reported; a fresh n8n process varies a lot)
 *   --http-repeats=3           repeats of the HTTP Request leg below 10 000 items
 *   --light-repeats=5          repeats of each in-process and floor measurement (a second or less each)
 *   --http-10k-repeats=3       repeats of the slowest leg (HTTP Request, 10 000 items: ~40 s each)
 *   --no-real                  skip the real n8n legs (no Node 24 / n8n install needed), and so the send part
 *   --out=bench/results        where to write (.json and .md)
 * Send part:
 *   --no-send                  skip it;  --only-send  run only it (skips the Get Status part)
 *   --send-sizes=1000,2000     message counts: every leg at the largest, WAPing and No Operation at each (memory)
 *   --send-repeats=3           runs of WAPing with default options (faults off and on; the median is reported)
 *   --send-other-repeats=1     runs of every other send leg
 *   --send-legs=waping,wapingTuned,wapingRetry,http,httpBatch,httpBatchRetry
 *                              (wapingRetry, Max Attempts 10, runs with the faults on only; also: httpRetry,
 *                              HTTP Request defaults + Retry On Fail)
 *   --send-faults=off,on       fault modes
 *   --send-tuned=3             Max Concurrent Sends of the wapingTuned leg
 * Webhook part (issue 20, bench/lib/webhook.js): one real n8n with two published workflows, the WAPing
 * Webhook Trigger → Send and n8n's Webhook node → Send, fed the same burst of signed deliveries:
 *   --no-webhook               skip it;  --only-webhook  run only it
 *   --webhook-deliveries=2000  deliveries in the burst
 *   --webhook-rate=100         deliveries per second
 *   --webhook-duplicates=0.2   share of the deliveries that repeat an event already delivered
 *   --webhook-repeats=1        bursts into each workflow (the order alternates)
 *   --webhook-timeout=60000    how long the loader waits for an answer (ms); WAPing waits 5 000
 *   --webhook-settings=legacy,line1  after n8n's defaults, the same in a new n8n with each:
 *                              lazy = N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true, legacy =
 *                              N8N_EXPRESSION_ENGINE=legacy, line1 = n8n 1.x, started = the trigger's
 *                              Answer WAPing: Once the Execution Is Created; several joined
 *                              with + (legacy+started); none: --webhook-settings=
 */
const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const demo = require('../scripts/demo');
const { spawnCollect } = require('../scripts/runtime/proc');
const stack = require('../e2e/harness/stack');
const { manyDevices, startSimulator } = require('../simulator');
const { setupN8n } = require('./lib/status');
const { benchSeed, DEVICES } = require('./lib/workload');
const report = require('./lib/report');
const send = require('./lib/send');
const sendReport = require('./lib/send-report');
const webhook = require('./lib/webhook');
const webhookReport = require('./lib/webhook-report');

const root = path.resolve(__dirname, '..');
const WARM_UP_RUNS = 10;

/** Every option and its default (the header above says what each one is). */
const DEFAULTS = {
	sizes: '1,100,1000,10000',
	repeats: 7,
	'http-repeats': 3,
	'light-repeats': 5,
	'http-10k-repeats': 3,
	'no-real': false,
	out: 'bench/results',
	'no-send': false,
	'only-send': false,
	'send-sizes': '1000,2000',
	'send-repeats': 3,
	'send-other-repeats': 1,
	'send-legs': send.DEFAULT_LEGS.join(','),
	'send-faults': 'off,on',
	'send-tuned': send.TUNED_CONCURRENCY,
	'no-webhook': false,
	'only-webhook': false,
	'webhook-deliveries': 2000,
	'webhook-rate': 100,
	'webhook-duplicates': 0.2,
	'webhook-repeats': 1,
	'webhook-timeout': webhook.TIMEOUT_MS,
	'webhook-settings': webhook.DEFAULT_SETTINGS.join(','),
};
const given = {};
for (const arg of process.argv.slice(2)) {
	if (arg === '--help' || arg === '-h') {
		process.stdout.write(fs.readFileSync(__filename, 'utf8').split('*/')[0]);
		process.exit(0);
	}
	const [, name, value] = /^--([\w-]+)(?:=(.*))?$/.exec(arg) ?? [];
	if (!(name in DEFAULTS)) {
		process.stderr.write(`unknown option ${arg} (--help lists them)\n`);
		process.exit(2);
	}
	given[name] = value ?? true;
}
const option = (name) => (name in given ? given[name] : DEFAULTS[name]);
/** A list of whole numbers, each a size or a repeat count from 1 to 100 000. */
const counts = (name) =>
	String(option(name))
		.split(',')
		.map((v) => {
			const n = Number(v);
			if (!Number.isInteger(n) || n < 1 || n > 100_000)
				throw new Error(`bad size or repeat count: ${v} (--${name})`);
			return n;
		});

const sizes = counts('sizes');
const [repeats] = counts('repeats');
const [httpRepeats] = counts('http-repeats');
const [lightRepeats] = counts('light-repeats');
const [http10kRepeats] = counts('http-10k-repeats');
const withReal = !option('no-real');
const out = path.resolve(root, String(option('out')));
const onlyOne = option('only-send')
	? '--only-send'
	: option('only-webhook')
		? '--only-webhook'
		: '';
const withStatus = !onlyOne;
const withSend = withReal && !option('no-send') && !option('only-webhook');
const withWebhook = withReal && !option('no-webhook') && !option('only-send');
const sendSizes = counts('send-sizes');
const [sendRepeats] = counts('send-repeats');
const [sendOtherRepeats] = counts('send-other-repeats');
const sendLegs = String(option('send-legs')).split(',');
const sendFaults = String(option('send-faults')).split(',');
const [sendTuned] = counts('send-tuned');
for (const leg of sendLegs)
	if (!send.LEGS[leg] || leg === 'noop')
		throw new Error(
			`unknown send leg: ${leg} (one of ${Object.keys(send.LEGS)
				.filter((l) => l !== 'noop')
				.join(', ')})`,
		);
for (const mode of sendFaults)
	if (mode !== 'off' && mode !== 'on')
		throw new Error(`--send-faults takes off and/or on, not ${mode}`);
const [webhookDeliveries] = counts('webhook-deliveries');
const [webhookRate] = counts('webhook-rate');
const [webhookRepeats] = counts('webhook-repeats');
const [webhookTimeout] = counts('webhook-timeout');
const webhookSettings = String(option('webhook-settings')).split(',').filter(Boolean);
for (const name of webhookSettings)
	if (!webhook.settingSpec(name))
		throw new Error(
			`--webhook-settings takes ${Object.keys(webhook.N8N_SETTINGS).join(', ')} or several joined with + (legacy+started), not ${name}`,
		);
const webhookDuplicates = Number(option('webhook-duplicates'));
if (!(webhookDuplicates >= 0 && webhookDuplicates < 1))
	throw new Error('--webhook-duplicates is a share from 0 to below 1, like 0.2');
if (option('only-send') && option('only-webhook'))
	throw new Error('--only-send and --only-webhook: give one of them');
if (!withStatus && !withSend && !withWebhook)
	throw new Error(`${onlyOne} needs the real n8n legs (drop --no-real)`);

const log = (line) => process.stderr.write(`[bench] ${line}\n`);
// Stopped from outside (Ctrl-C, kill): exit, so that the runtime's exit hook stops every n8n it started.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
	process.on(signal, () => {
		log(`${signal}: stopping`);
		process.exit(130);
	});

/** Runs `node <script> <json>` in a fresh process; resolves the JSON line it prints. */
async function worker(nodeBin, script, args, { env = process.env } = {}) {
	const r = await spawnCollect(
		nodeBin,
		[path.join(__dirname, 'lib', script), JSON.stringify(args)],
		{
			cwd: root,
			env,
			timeoutMs: 10 * 60 * 1000,
		},
	);
	if (r.code !== 0)
		throw new Error(
			`${script} ${JSON.stringify(args).slice(0, 200)} failed (${r.code ?? r.signal}):\n${r.stderr.slice(-2000)}`,
		);
	return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** `times` measurements of one leg, one after the other; the simulator's request log is read per run. */
async function repeat(times, sim, label, measure) {
	const runs = [];
	for (let i = 0; i < times; i++) {
		sim.reset();
		const { measuredFrom, ...result } = await measure();
		// A warm leg's worker did the job before the measured run: only what came after counts.
		const requests =
			measuredFrom === undefined
				? sim.requests.length
				: sim.requests.filter((r) => r.at >= measuredFrom).length;
		runs.push({ ...result, requests });
		log(`${label} #${i + 1}: ${report.describeRun(runs.at(-1))}`);
	}
	return runs;
}

async function main() {
	const started = Date.now();
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'waping-bench-'));
	const results = {
		startedAt: new Date().toISOString(),
		sizes,
		repeats: {
			realN8n: repeats,
			http: httpRepeats,
			http10k: http10kRepeats,
			light: lightRepeats,
			warmUpRuns: WARM_UP_RUNS,
		},
		devices: DEVICES,
		loadAverage: { start: os.loadavg() },
		legs: {},
		load: {},
		package: {},
	};
	let sim;
	let n8n;
	try {
		log('npm run build, npm pack');
		const packed = await stack.buildAndPack(scratch);
		const tarball = packed.file;
		results.package = {
			tarball: path.basename(packed.file),
			size: packed.size,
			unpackedSize: packed.unpackedSize,
			files: packed.files.length,
		};
		const minimal = await demo.pack(scratch, { cwd: path.join(__dirname, 'minimal-node') });
		const minimalTarball = minimal.file;

		const runtime = withReal ? await stack.runtime(undefined, log) : undefined;
		results.machine = report.machine(runtime);
		if (withStatus) await statusBench({ tarball, minimalTarball, runtime });
		if (withSend) {
			results.send = await send.sendBench({
				tarball,
				sizes: sendSizes,
				repeats: sendRepeats,
				otherRepeats: sendOtherRepeats,
				legs: sendLegs,
				faultModes: sendFaults.map((mode) => mode === 'on'),
				tuned: sendTuned,
				log,
			});
		}
		if (withWebhook) {
			results.webhook = await webhook.webhookBench({
				tarball,
				deliveries: webhookDeliveries,
				rate: webhookRate,
				duplicates: webhookDuplicates,
				repeats: webhookRepeats,
				timeoutMs: webhookTimeout,
				settings: webhookSettings,
				log,
			});
		}
		results.loadAverage.end = os.loadavg();
		results.benchSeconds = (Date.now() - started) / 1000;
		write(results);
	} finally {
		n8n?.close();
		await sim?.close();
		fs.rmSync(scratch, { recursive: true, force: true });
	}

	/** Device → Get Status: the package's load, in-process, floor and real n8n legs. */
	async function statusBench({ tarball, minimalTarball, runtime }) {
		// Package load: as n8n loads it (n8n-workflow already loaded), fresh process each time.
		const loads = { node20: [] };
		for (let i = 0; i < 7; i++)
			loads.node20.push(await worker(process.execPath, 'load.js', { root }));
		if (runtime) {
			const unpacked = path.join(scratch, 'package');
			fs.mkdirSync(unpacked);
			cp.execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
			const env = { ...process.env, NODE_PATH: path.join(runtime.appDir, 'node_modules') };
			loads.n8n = [];
			for (let i = 0; i < 7; i++)
				loads.n8n.push(await worker(runtime.nodeBin, 'load.js', { root: unpacked }, { env }));
		}
		results.load = loads;

		sim = await startSimulator({ seed: benchSeed(manyDevices) });
		log(`simulator on ${sim.url}`);
		const legs = results.legs;
		const add = (leg, n, runs) => ((legs[leg] ??= {})[n] = runs);

		// Cold: the first run in a fresh process, as every `n8n execute` is. Warm: the same run after
		// WARM_UP_RUNS others in that process, as a long-running n8n sees it.
		for (const n of sizes) {
			for (const warm of [0, WARM_UP_RUNS]) {
				const suffix = warm ? '.warm' : '';
				const label = `${warm ? 'warm' : 'cold'}, ${n} items`;
				const floor = () =>
					worker(process.execPath, 'floor.js', { items: n, baseUrl: sim.url, warm });
				add(
					`floor${suffix}`,
					n,
					await repeat(lightRepeats, sim, `floor (undici), ${label}`, floor),
				);
				for (const node of ['waping', 'minimal', 'noop']) {
					const run = () =>
						worker(process.execPath, 'inprocess.js', { node, items: n, baseUrl: sim.url, warm });
					add(
						`inprocess.${node}${suffix}`,
						n,
						await repeat(lightRepeats, sim, `in-process ${node}, ${label}`, run),
					);
				}
			}
		}

		if (runtime) {
			// The floor for the real n8n legs runs on n8n's own Node, as a fresh process like every n8n execute.
			for (const n of sizes) {
				const floor = () =>
					worker(runtime.nodeBin, 'floor.js', { items: n, baseUrl: sim.url, warm: 0 });
				add(
					'floor.n8nNode',
					n,
					await repeat(
						repeats,
						sim,
						`floor (undici) on Node ${runtime.nodeVersion}, cold, ${n} items`,
						floor,
					),
				);
			}
			log('real n8n: installing the package, importing credentials and workflows');
			n8n = await setupN8n({ tarball, minimalTarball, simUrl: sim.url, sizes, log });
			// The first run on a fresh user folder also migrates the database: not measured.
			await n8n.execute('noop', sizes[0]);
			for (const n of sizes) {
				for (const job of ['waping', 'minimal', 'http', 'noop']) {
					const times = job !== 'http' ? repeats : n >= 10_000 ? http10kRepeats : httpRepeats;
					add(
						`n8n.${job}`,
						n,
						await repeat(times, sim, `n8n ${job}, ${n} items`, () => n8n.execute(job, n)),
					);
				}
			}
		}
	}
}

/** The results file already there, for the part not run this time; undefined when there is none. */
function previousResults() {
	try {
		return JSON.parse(fs.readFileSync(`${out}.json`, 'utf8'));
	} catch {
		return undefined;
	}
}

const carriedNote = (what, date, why) =>
	`> ${what}: not run this time (${why}); the results below are those of the run of ${date.slice(0, 16).replace('T', ' ')} UTC, carried over.`;

/** Writes bench/results.json and .md: this run's parts, and the part not run carried over from the file already there. */
function write(results) {
	const previous = previousResults();
	let json = { ...results };
	const parts = [];
	if (withStatus) {
		const summary = report.summarise(results);
		json.summary = summary;
		parts.push(report.markdown(results, summary));
	} else if (previous?.legs && previous.summary) {
		json = { ...previous, send: results.send, webhook: results.webhook, statusCarriedOver: true };
		parts.push(
			carriedNote('Device → Get Status', previous.startedAt, onlyOne),
			'',
			report.markdown(previous, previous.summary),
		);
	}
	if (results.send) {
		const summary = sendReport.summariseSend(results.send);
		const machineLine = report.machineLine(results);
		json.send = { ...results.send, summary, machineLine };
		parts.push(sendReport.sendMarkdown(results.send, summary, machineLine));
	} else if (previous?.send) {
		json.send = { ...previous.send, carriedOver: true };
		const why = !withReal ? '--no-real' : onlyOne || '--no-send';
		parts.push(
			carriedNote('Message → Send', previous.send.startedAt, why),
			'',
			sendReport.sendMarkdown(
				previous.send,
				sendReport.summariseSend(previous.send),
				previous.send.machineLine ?? '',
			),
		);
	}
	if (results.webhook) {
		const summary = webhookReport.summariseWebhook(results.webhook);
		json.webhook = { ...results.webhook, summary };
		parts.push(webhookReport.webhookMarkdown(results.webhook, summary));
	} else if (previous?.webhook) {
		json.webhook = { ...previous.webhook, carriedOver: true };
		const why = !withReal ? '--no-real' : onlyOne || '--no-webhook';
		parts.push(
			carriedNote('Webhooks', previous.webhook.startedAt, why),
			'',
			webhookReport.webhookMarkdown(
				previous.webhook,
				webhookReport.summariseWebhook(previous.webhook),
			),
		);
	}
	fs.mkdirSync(path.dirname(out), { recursive: true });
	fs.writeFileSync(`${out}.json`, `${JSON.stringify(json, null, '\t')}\n`);
	const markdown = parts.join('\n');
	fs.writeFileSync(`${out}.md`, markdown);
	process.stdout.write(`${markdown}\n`);
	log(`wrote ${path.relative(root, out)}.json and .md in ${results.benchSeconds.toFixed(0)} s`);
}

main().catch((error) => {
	process.stderr.write(`${error.stack ?? error}\n`);
	process.exit(1);
});
