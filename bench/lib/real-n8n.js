'use strict';
// The legs run in the real n8n (2.41.1 on Node 24, from scripts/n8n-runtime.js): the packed
// package installed as a community package, one workflow per job, run with `n8n execute --id`.
// n8n's own run data gives each node's execution time; the n8n process's peak RSS is read from /proc.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const runtime = require('../../scripts/n8n-runtime');
const { watchPeak } = require('./memory');
const { API_KEY, deviceIdFor } = require('./workload');

const CREDENTIALS = {
	waping: { id: 'benchWaping', name: 'WAPing bench', type: 'wapingApi' },
	bearer: { id: 'benchBearer', name: 'Bearer bench', type: 'httpBearerAuth' },
};

let nodeId = 0;
const node = (name, type, typeVersion, parameters, extra = {}) => ({
	id: `00000000-0000-4000-8000-${String(++nodeId).padStart(12, '0')}`,
	name,
	type,
	typeVersion,
	position: [nodeId * 220, 0],
	parameters,
	...extra,
});

const chain = (names) =>
	Object.fromEntries(
		names
			.slice(0, -1)
			.map((name, i) => [name, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]),
	);

/** Manual trigger, then a Code node that makes the N items ({ deviceId }), then the job's nodes. */
function workflow(id, items, jobNodes) {
	const head = [
		node('Start', 'n8n-nodes-base.manualTrigger', 1, {}),
		node('Items', 'n8n-nodes-base.code', 2, {
			jsCode: `${deviceIdFor.toString()}\nreturn Array.from({ length: ${items} }, (_, i) => ({ json: { deviceId: deviceIdFor(i) } }));`,
		}),
	];
	const nodes = [...head, ...jobNodes];
	return {
		id,
		name: id,
		nodes,
		connections: chain(nodes.map((n) => n.name)),
		active: false,
		settings: { executionOrder: 'v1' },
	};
}

/**
 * The three jobs. `nodes` are the nodes whose execution time is the job's node time.
 *  - waping: the WAPing node's Device → Get Status, Device ID mapped from each item.
 *  - http:   what users build without it: n8n's HTTP Request node GETs /v1/devices for every item
 *            (Bearer Auth credential), then Edit Fields (Set) picks the item's device out of the list.
 *  - noop:   n8n's No Operation node passing the items through (the engine's cost for N items).
 *  - minimal: bench/minimal-node, installed as a second community package: the credential, one
 *            request, a lookup and a new item per input item, with none of WAPing's checks.
 */
const JOBS = {
	waping: {
		nodes: ['WAPing'],
		build: () => [
			node(
				'WAPing',
				'n8n-nodes-waping.waping',
				1,
				{
					resource: 'device',
					operation: 'getStatus',
					deviceId: '={{ $json.deviceId }}',
					options: {},
				},
				{
					credentials: { wapingApi: { id: CREDENTIALS.waping.id, name: CREDENTIALS.waping.name } },
				},
			),
		],
	},
	http: {
		nodes: ['HTTP Request', 'Lookup'],
		build: (simUrl) => [
			node(
				'HTTP Request',
				'n8n-nodes-base.httpRequest',
				4.2,
				{
					url: `${simUrl}/v1/devices`,
					authentication: 'genericCredentialType',
					genericAuthType: 'httpBearerAuth',
					options: {},
				},
				{
					credentials: {
						httpBearerAuth: { id: CREDENTIALS.bearer.id, name: CREDENTIALS.bearer.name },
					},
				},
			),
			node('Lookup', 'n8n-nodes-base.set', 3.4, {
				mode: 'manual',
				assignments: {
					assignments: [
						{
							id: 'device',
							name: 'device',
							type: 'object',
							value:
								"={{ $json.data.find((device) => device.id === $('Items').item.json.deviceId) }}",
						},
					],
				},
				options: {},
			}),
		],
	},
	noop: {
		nodes: ['No Operation'],
		build: () => [node('No Operation', 'n8n-nodes-base.noOp', 1, {})],
	},
	minimal: {
		nodes: ['Bench Minimal'],
		build: () => [
			node(
				'Bench Minimal',
				'n8n-nodes-bench-minimal.minimal',
				1,
				{},
				{
					credentials: { wapingApi: { id: CREDENTIALS.waping.id, name: CREDENTIALS.waping.name } },
				},
			),
		],
	},
};

const workflowId = (job, items) => `bench_${job}_${items}`;

/**
 * `n8n execute --id=<id> --rawOutput`, as scripts/n8n-runtime.js runs it (same environment: Node 24
 * first on PATH, a free task-broker port, info-level text logs), but with stdout and stderr going to
 * files: n8n prints the run data in one large write and exits, and through a pipe the tail of a big
 * run (10 000 HTTP Request items, ~30 MB) was lost. Files are written synchronously. The child's pid
 * also lets its peak RSS be followed.
 */
async function executeToFiles(session, id, timeoutMs) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waping-bench-exec-'));
	const out = fs.openSync(path.join(dir, 'stdout'), 'w');
	const err = fs.openSync(path.join(dir, 'stderr'), 'w');
	const { runtime: rt, env } = session;
	const childEnv = await runtime.processEnv(rt, env, {
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_FORMAT: 'text',
	});
	try {
		const started = Date.now();
		const child = spawn(rt.nodeBin, [rt.n8nBin, 'execute', `--id=${id}`, '--rawOutput'], {
			env: childEnv,
			cwd: env.N8N_USER_FOLDER,
			stdio: ['ignore', out, err],
		});
		const memory = watchPeak(child.pid);
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		const code = await new Promise((resolve, reject) => {
			child.on('error', reject);
			child.on('exit', (exitCode, signal) => resolve(signal ?? exitCode));
		});
		clearTimeout(timer);
		const processMs = Date.now() - started;
		const peakRss = memory.stop();
		const stdout = fs.readFileSync(path.join(dir, 'stdout'), 'utf8');
		const execution = runtime.parseRawOutput(stdout);
		if (!execution) {
			const stderr = fs.readFileSync(path.join(dir, 'stderr'), 'utf8');
			throw new Error(
				`n8n execute --id=${id}: no execution JSON (exit ${code}):\n${`${stdout}\n${stderr}`.slice(-3000)}`,
			);
		}
		return { execution, processMs, peakRss };
	} finally {
		fs.closeSync(out);
		fs.closeSync(err);
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * Sets up one n8n user folder for the whole benchmark: package, credentials, a workflow per job and
 * size. Returns `execute(job, items)` and `close()`.
 */
async function setupN8n({ tarball, minimalTarball, simUrl, sizes, log }) {
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'waping-bench-n8n-'));
	const n8n = await runtime.session({ userFolder, log });
	await n8n.installCommunityPackage(tarball);
	await n8n.installCommunityPackage(minimalTarball);
	await n8n.importCredentials([
		{ ...CREDENTIALS.waping, data: { apiKey: API_KEY, baseUrl: simUrl, plan: 'auto' } },
		{ ...CREDENTIALS.bearer, data: { token: API_KEY } },
	]);
	const workflows = [];
	for (const job of Object.keys(JOBS))
		for (const items of sizes)
			workflows.push(workflow(workflowId(job, items), items, JOBS[job].build(simUrl)));
	await n8n.importWorkflow(workflows);

	async function execute(job, items) {
		const id = workflowId(job, items);
		const { execution, processMs, peakRss } = await executeToFiles(n8n, id, 20 * 60 * 1000);
		const { resultData } = execution.data;
		if (execution.status !== 'success' || resultData.error) {
			throw new Error(
				`workflow ${id} did not succeed: ${resultData.error?.message ?? execution.status}`,
			);
		}
		const taskOf = (name) => {
			const task = resultData.runData[name]?.[0];
			if (!task) throw new Error(`workflow ${id}: node "${name}" did not run`);
			return task;
		};
		const last = taskOf(JOBS[job].nodes.at(-1));
		const answered = last.data?.main?.[0] ?? [];
		// Every leg must have done the job: one item per input item, the WAPing and Edit Fields ones
		// carrying the device asked for.
		const expected = (i) =>
			job === 'http'
				? answered[i]?.json.device?.id
				: job === 'noop'
					? answered[i]?.json.deviceId
					: answered[i]?.json.id;
		if (answered.length !== items || [0, items - 1].some((i) => expected(i) !== deviceIdFor(i))) {
			throw new Error(
				`workflow ${id}: expected ${items} items answering their own device, got ${answered.length} (first: ${JSON.stringify(answered[0]?.json)})`,
			);
		}
		return {
			nodeMs: JOBS[job].nodes.reduce((sum, name) => sum + taskOf(name).executionTime, 0),
			nodeTimes: Object.fromEntries(
				JOBS[job].nodes.map((name) => [name, taskOf(name).executionTime]),
			),
			executionMs: Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt),
			processMs,
			peakRss,
			outputs: (last.data?.main ?? []).map((list) => (list ?? []).length),
			sample: last.data?.main?.[0]?.[0]?.json,
		};
	}

	return {
		runtime: n8n.runtime,
		execute,
		close: () => fs.rmSync(userFolder, { recursive: true, force: true }),
	};
}

module.exports = { setupN8n, executeToFiles };
