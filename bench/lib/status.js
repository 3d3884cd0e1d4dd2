'use strict';
// Device → Get Status in the real n8n: a workflow per job and size, each run and checked.
const { node, wapingNode } = require('../../e2e/harness/workflows');
const { usesCredential, itemsWorkflow, openN8n, taskOf } = require('./real-n8n');
const { API_KEY, deviceIdFor } = require('./workload');

const CREDENTIALS = {
	waping: { id: 'benchWaping', name: 'WAPing bench', type: 'wapingApi' },
	bearer: { id: 'benchBearer', name: 'Bearer bench', type: 'httpBearerAuth' },
};

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
			wapingNode(
				'WAPing',
				{
					resource: 'device',
					operation: 'getStatus',
					deviceId: '={{ $json.deviceId }}',
					options: {},
				},
				CREDENTIALS.waping,
			),
		],
	},
	http: {
		nodes: ['HTTP Request', 'Lookup'],
		build: (simUrl) => [
			node(
				'HTTP Request',
				'n8n-nodes-base.httpRequest',
				{
					url: `${simUrl}/v1/devices`,
					authentication: 'genericCredentialType',
					genericAuthType: 'httpBearerAuth',
					options: {},
				},
				{ typeVersion: 4.2, ...usesCredential(CREDENTIALS.bearer) },
			),
			node(
				'Lookup',
				'n8n-nodes-base.set',
				{
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
				},
				{ typeVersion: 3.4 },
			),
		],
	},
	noop: {
		nodes: ['No Operation'],
		build: () => [node('No Operation', 'n8n-nodes-base.noOp')],
	},
	minimal: {
		nodes: ['Bench Minimal'],
		build: () => [
			wapingNode('Bench Minimal', {}, CREDENTIALS.waping, {
				type: 'n8n-nodes-bench-minimal.minimal',
			}),
		],
	},
};

const workflowId = (job, items) => `bench_${job}_${items}`;

/**
 * Sets up one n8n user folder for the whole Get Status part: package, credentials, a workflow per job and
 * size. Returns `execute(job, items)` and `close()`.
 */
async function setupN8n({ tarball, minimalTarball, simUrl, sizes, log }) {
	// The Code node makes the N items ({ deviceId }).
	const itemsCode = (items) =>
		`${deviceIdFor.toString()}\nreturn Array.from({ length: ${items} }, (_, i) => ({ json: { deviceId: deviceIdFor(i) } }));`;
	const workflows = [];
	for (const job of Object.keys(JOBS))
		for (const items of sizes)
			workflows.push(
				itemsWorkflow(workflowId(job, items), itemsCode(items), JOBS[job].build(simUrl)),
			);
	const n8n = await openN8n({
		prefix: 'waping-bench-n8n-',
		tarballs: [tarball, minimalTarball],
		credentials: [
			{ ...CREDENTIALS.waping, data: { apiKey: API_KEY, baseUrl: simUrl, plan: 'auto' } },
			{ ...CREDENTIALS.bearer, data: { token: API_KEY } },
		],
		workflows,
		log,
	});

	async function execute(job, items) {
		const id = workflowId(job, items);
		const { execution, processMs, peakRss } = await n8n.execute(id, 20 * 60 * 1000);
		const { resultData } = execution.data;
		if (execution.status !== 'success' || resultData.error) {
			throw new Error(
				`workflow ${id} did not succeed: ${resultData.error?.message ?? execution.status}`,
			);
		}
		const task = (name) => taskOf(execution, id, name);
		const last = task(JOBS[job].nodes.at(-1));
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
			nodeMs: JOBS[job].nodes.reduce((sum, name) => sum + task(name).executionTime, 0),
			nodeTimes: Object.fromEntries(
				JOBS[job].nodes.map((name) => [name, task(name).executionTime]),
			),
			executionMs: Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt),
			processMs,
			peakRss,
			outputs: (last.data?.main ?? []).map((list) => (list ?? []).length),
			sample: last.data?.main?.[0]?.[0]?.json,
		};
	}

	return { runtime: n8n.runtime, execute, close: n8n.close };
}

module.exports = { setupN8n };
