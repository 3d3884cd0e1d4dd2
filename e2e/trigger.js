#!/usr/bin/env node
'use strict';
/*
 * End-to-end suite of the WAPing Trigger in real n8n (scripts/n8n-runtime.js: Node 24 + n8n 2.41.1),
 * against the WAPing simulator on 127.0.0.1:
 *
 *   1. build, `npm pack`, install the tarball as a community package into a fresh n8n user folder;
 *   2. import three credentials and three workflows: the trigger watching every change (Growth key),
 *      the shipped example examples/device-disconnect-alert.json (Starter key), and a trigger whose
 *      credential declares the Free plan;
 *   3. `n8n start`, publish the workflows over n8n's REST API (POST /rest/workflows/:id/activate),
 *      then change devices through the simulator and read n8n's executions over REST: none while
 *      nothing changes, exactly one per change with the right items, a failed execution per failing
 *      poll (the key redacted) and nothing spurious after it;
 *   4. stop n8n, change a device while it is down, start it again on the same user folder and
 *      database: the change is reported once, by the first poll after the start.
 *
 * The baseline is read back from n8n's database (`n8n export:workflow`) after a poll that emitted.
 * Issue 18.5: with Only When It Becomes = Connected, a drop (left out) starts an execution with no
 * items, so that n8n saves it; a reconnect while n8n is stopped is reported once after the start.
 * Issue 22: a workflow whose id is longer than n8n saves static data for (16 characters on 1.x)
 * fails publishing with the node's message; on 2.41 (21) the same id works.
 *
 * n8n refuses Poll Times under a minute ("The polling interval is too short"). A Poll Time of one
 * fixed second is accepted, and so are several: twenty Custom crons "0 * * * * *", "3 * * * * *", ...
 * make the trigger poll every 3 s.
 *
 * On both n8n lines (`--line=N` for one), on e2e/harness; ends with `trigger: N passed, N failed`.
 * Env: WAPING_E2E_KEEP=1 keeps the work folder (it is kept anyway when a check failed).
 */
const assert = require('assert/strict');
const fs = require('fs');
const fsp = require('fs/promises');
const path = require('path');

const rt = require('../scripts/n8n-runtime');
const demo = require('../scripts/demo');
const { demoKeys } = require('../simulator');
const { createSuite } = require('./harness/runner');
const stack = require('./harness/stack');
const { wapingNode, workflow, credentials, fastPollTimes, editor } = require('./harness/workflows');
const { sleep, waitFor } = require('./harness/util');

const s = createSuite('trigger', {
	lines: __filename,
	keepEnv: 'WAPING_E2E_KEEP',
	footer: (suite) =>
		`\nn8n ${suite.line.n8nVersion}, Node ${suite.line.nodeVersion}; ${suite.elapsed()}`,
});
const { out, check, section, elapsed } = s;

const TRIGGER_TYPE = 'n8n-nodes-waping.wapingTrigger';
const POLL_SECONDS = 3;
/** Twenty Poll Times of one fixed second each: n8n accepts them, and the trigger polls every 3 s. */
const FAST_POLL_TIMES = fastPollTimes(POLL_SECONDS);
const OWNER = { email: 'owner@example.com', password: 'WapingE2e-Passw0rd' };

const CREDENTIALS = {
	growth: {
		id: 'trigGrowth',
		name: 'WAPing trigger e2e: Growth',
		apiKey: demoKeys.growth,
		plan: 'auto',
	},
	starter: {
		id: 'trigStarter',
		name: 'WAPing trigger e2e: Starter',
		apiKey: demoKeys.starter,
		plan: 'auto',
	},
	pro: {
		id: 'trigPro',
		name: 'WAPing trigger e2e: Pro',
		apiKey: demoKeys.pro,
		plan: 'auto',
	},
	free: {
		id: 'trigFree',
		name: 'WAPing trigger e2e: Free (declared)',
		apiKey: demoKeys.free,
		plan: 'free',
	},
};
const API_KEYS = Object.values(demoKeys);

const WATCH = 'trigWatchAll';
const EXAMPLE = 'trigExample';
const FREE = 'trigFreePlan';
/** Only When It Becomes = Connected, on the Pro workspace (issue 18.5). */
const CONNECTED = 'trigConnected';
/** 20 characters: over n8n 1.x's 16 for saving static data, within 2.41's 21 (issue 22). */
const LONG_ID = 'trigLongWorkflowId20';

const triggerNode = (cred, parameters) =>
	wapingNode('WAPing Trigger', { pollTimes: FAST_POLL_TIMES, ...parameters }, cred, {
		type: TRIGGER_TYPE,
		position: [0, 0],
	});
const EVERY_EVENT = ['sessionChanged', 'deviceLinked', 'deviceRemoved'];
const FAST_RETRIES = { maxAttempts: 2, retryDelaySeconds: 0.1, timeoutSeconds: 3 };

function workflows() {
	const watch = workflow(WATCH, 'trigger e2e: every change (Growth)', [
		triggerNode(CREDENTIALS.growth, { events: EVERY_EVENT, becomes: 'any', options: FAST_RETRIES }),
	]);
	const free = workflow(FREE, 'trigger e2e: Free plan declared', [
		triggerNode(CREDENTIALS.free, { events: ['sessionChanged'], becomes: 'any', options: {} }),
	]);
	const connected = workflow(CONNECTED, 'trigger e2e: Only When It Becomes Connected (Pro)', [
		triggerNode(CREDENTIALS.pro, {
			events: EVERY_EVENT,
			becomes: 'connected',
			options: FAST_RETRIES,
		}),
	]);
	const longId = workflow(LONG_ID, 'trigger e2e: a workflow id of 20 characters (Pro)', [
		triggerNode(CREDENTIALS.pro, { events: ['sessionChanged'], becomes: 'any' }),
	]);
	// The example as shipped, with the Starter credential and the fast Poll Times.
	const shipped = JSON.parse(
		fs.readFileSync(path.join(demo.EXAMPLES_DIR, 'device-disconnect-alert.json'), 'utf8'),
	);
	const example = demo.clone(shipped);
	example.id = EXAMPLE;
	for (const node of example.nodes) {
		if (node.type !== TRIGGER_TYPE) continue;
		node.credentials = {
			wapingApi: { id: CREDENTIALS.starter.id, name: CREDENTIALS.starter.name },
		};
		node.parameters.pollTimes = FAST_POLL_TIMES;
	}
	return { watch, free, example, shipped, connected, longId };
}

// ---------------------------------------------------------------------------------------------
// n8n over REST (set by the suite once n8n runs)

let n8n;
const rest = (method, urlPath, body) => n8n.rest(method, urlPath, body);
const publish = (workflowId) => n8n.publish(workflowId, s.line.line);

/** The workflow's executions, oldest first: [{ id, status, mode }]. */
async function executionsOf(workflowId) {
	const data = await rest(
		'GET',
		`/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}&limit=100`,
	);
	return data.results
		.map((e) => ({
			id: e.id,
			status: e.status,
			mode: e.mode,
			finished: e.status !== 'running' && e.status !== 'new',
		}))
		.sort((a, b) => Number(a.id) - Number(b.id));
}

/** The workflow's executions once none is still running (an execution stuck running fails the check, not hangs it). */
async function settledExecutionsOf(workflowId, timeoutMs = 20000) {
	return await waitFor(`the executions of ${workflowId} to finish`, timeoutMs, async () => {
		const list = await executionsOf(workflowId);
		return list.every((e) => e.finished) ? list : undefined;
	});
}

/**
 * The workflow's static data as n8n's database holds it, read with n8n's own CLI
 * (`n8n export:workflow`) while n8n runs: what a restart would load.
 */
async function staticDataInDatabase(folder, workflowId) {
	const file = path.join(folder.userFolder, `export-${workflowId}-${Date.now()}.json`);
	const r = await folder.run(['export:workflow', `--id=${workflowId}`, `--output=${file}`]);
	if (r.code !== 0) throw new Error(`n8n export:workflow: exit ${r.code} ${r.stderr.slice(-300)}`);
	const exported = JSON.parse(await fsp.readFile(file, 'utf8'));
	await fsp.rm(file, { force: true });
	const workflow = Array.isArray(exported) ? exported[0] : exported;
	return workflow ? workflow.staticData : undefined;
}

/** The baseline's devices in the static data, as { id: status }. */
function baselineIn(staticData, nodeName = 'WAPing Trigger') {
	const node = staticData && staticData[`node:${nodeName}`];
	const baseline = node && node.baseline;
	if (!baseline || !Array.isArray(baseline.devices)) return undefined;
	return Object.fromEntries(baseline.devices.map((d) => [d.id, d.status]));
}

const execution = (id) => n8n.execution(id);

function triggerItems(exec, nodeName = 'WAPing Trigger') {
	const outputs = rt.nodeOutputs(exec, nodeName);
	assert.ok(outputs, `${nodeName} did not run in execution ${exec.id}`);
	return outputs[0] || [];
}

// ---------------------------------------------------------------------------------------------
// the simulator's view: polls per key

let sim;
const pollsBy = (key) =>
	sim.requests.filter(
		(r) => r.headers.authorization === `Bearer ${key}` && r.path === '/v1/devices',
	).length;

/** Waits until the key's workflow has polled `count` more times (answered), so a check covers real polls. */
async function morePolls(key, count) {
	const start = pollsBy(key);
	await waitFor(
		`${count} more polls with the ${key.split('_')[2]} key`,
		(count + 2) * POLL_SECONDS * 1000 + 5000,
		async () => pollsBy(key) >= start + count,
	);
	// the last poll's answer reaches the node and any execution it starts is created
	await sleep(500);
}

/** Waits for the workflow's execution count to reach `count`, then returns the executions. */
async function executionsReach(workflowId, count, timeoutMs = 20000) {
	return await waitFor(`${count} executions of ${workflowId}`, timeoutMs, async () => {
		const list = await settledExecutionsOf(workflowId);
		return list.length >= count ? list : undefined;
	});
}

const noKeyIn = (value, where) => {
	const text = JSON.stringify(value);
	for (const key of API_KEYS) assert.ok(!text.includes(key), `${where} contains an API key`);
};

// ---------------------------------------------------------------------------------------------

s.run(async (LINE) => {
	const work = await s.tempDir('waping-trigger-e2e-', { keepOnFailure: true });
	out(`trigger: n8n ${LINE.n8nVersion} on Node ${LINE.nodeVersion}; work folder ${work}`);
	section('runtime, build, pack, install');
	const runtime = await stack.runtime(LINE, (m) => out(`  [n8n-runtime] ${m}`));
	const tarball = await stack.buildAndPack(work);
	const folder = await stack.n8nFolder({
		runtime,
		userFolder: path.join(work, 'n8n-user'),
		tarball,
		onCleanup: s.onCleanup,
	});
	const { installed } = folder;
	check('the tarball holds the trigger, its codex and both icons; package.json lists it', () => {
		const files = tarball.files;
		for (const f of [
			'dist/nodes/WapingTrigger/WapingTrigger.node.js',
			'dist/nodes/WapingTrigger/WapingTrigger.node.json',
			'dist/nodes/WapingTrigger/wapingTrigger.svg',
			'dist/nodes/WapingTrigger/wapingTrigger.dark.svg',
		]) {
			assert.ok(files.includes(f), `${f} is not in the tarball`);
		}
		const pj = JSON.parse(fs.readFileSync(path.join(installed.packageDir, 'package.json'), 'utf8'));
		assert.ok(
			pj.n8n.nodes.includes('dist/nodes/WapingTrigger/WapingTrigger.node.js'),
			JSON.stringify(pj.n8n.nodes),
		);
	});

	sim = await stack.simulator({}, s.onCleanup);
	out(`  simulator on ${sim.url}`);
	await folder.importCredentials(credentials(Object.values(CREDENTIALS), sim.url));
	const { watch, free, example, shipped, connected, longId } = workflows();
	check(
		'the example: WAPing Trigger (Only When It Becomes: Not Connected) → Edit Fields writing `alert`',
		() => {
			const trig = shipped.nodes.find((n) => n.type === TRIGGER_TYPE);
			assert.ok(trig, 'no WAPing Trigger');
			assert.equal(trig.parameters.becomes, 'notConnected');
			const set = shipped.nodes.find((n) => n.type === 'n8n-nodes-base.set');
			assert.ok(set, 'no Edit Fields (Set) node');
			assert.deepEqual(
				shipped.connections[trig.name].main[0].map((c) => c.node),
				[set.name],
			);
			assert.deepEqual(
				set.parameters.assignments.assignments.map((a) => a.name),
				['alert'],
			);
			assert.deepEqual(trig.credentials.wapingApi.name, 'WAPing account');
		},
	);
	await folder.importWorkflow([watch, free, example, connected, longId]);
	out(`  imported 4 credentials and 5 workflows (${elapsed()})`);

	// -------------------------------------------------------------------------------------
	section('n8n start; publish the workflows');
	let server = await folder.start();
	n8n = editor(server.baseUrl, (await rt.setupOwner(server.baseUrl, OWNER)).cookie);

	const type = (await n8n.nodeTypes()).find((n) => n.name === TRIGGER_TYPE);
	const icons = {};
	for (const which of ['light', 'dark']) {
		const url = type && type.iconUrl && type.iconUrl[which];
		icons[which] = url ? await n8n.request('GET', `/${url}`) : { status: 0, text: '' };
	}
	check(
		'n8n lists the node type n8n-nodes-waping.wapingTrigger: a polling trigger with Poll Times, Events, Only When It Becomes, Options',
		() => {
			assert.ok(type, 'not in /types/nodes.json');
			assert.equal(type.polling, true);
			assert.deepEqual(type.group, ['trigger']);
			assert.deepEqual(
				type.properties.map((p) => p.name),
				['pollTimes', 'events', 'becomes', 'options'],
			);
			assert.deepEqual(
				type.credentials.map((c) => c.name),
				['wapingApi'],
			);
		},
	);
	check('n8n serves its light and dark icons, two different SVGs', () => {
		assert.equal(icons.light.status, 200);
		assert.equal(icons.dark.status, 200);
		assert.match(icons.light.text, /<svg/);
		assert.match(icons.dark.text, /<svg/);
		assert.notEqual(icons.light.text, icons.dark.text);
	});

	// n8n 2.41 tries a failing trigger activation 5 times (1, 2, 4 and 8 s apart) before it reports
	// the failure: the Free workflow's outcome is read after the next section.
	const freePublished = publish(FREE);
	const watchStatus = await publish(WATCH);
	const exampleStatus = await publish(EXAMPLE);
	check('the trigger and the example publish: their trigger is activated', () => {
		for (const s of [watchStatus, exampleStatus]) {
			assert.equal(s.status, 'published', JSON.stringify(s));
			assert.deepEqual(
				s.triggers.map((t) => t.status),
				['activated'],
				JSON.stringify(s),
			);
		}
	});
	const activatedAt = Date.now();
	const connectedStatus = await publish(CONNECTED);
	const longIdStatus = await publish(LONG_ID);
	check('Only When It Becomes Connected (Pro) publishes: its trigger is activated', () => {
		assert.equal(connectedStatus.status, 'published', JSON.stringify(connectedStatus));
	});
	if (LINE.line === 1) {
		check(
			"a workflow id of 20 characters (n8n 1.x saves static data for 16 at most): publishing fails with the node's words",
			() => {
				assert.equal(longIdStatus.status, 'failed', JSON.stringify(longIdStatus));
				assert.equal(
					longIdStatus.triggers[0].errorMessage,
					`There was a problem activating the workflow: "n8n cannot save what this trigger has seen: the workflow's id "${LONG_ID}" is longer than 16 characters"`,
				);
			},
		);
	} else {
		const stored = await staticDataInDatabase(folder, LONG_ID);
		check(
			'a workflow id of 20 characters (n8n 2.41 saves static data for 21): it publishes and n8n saved its baseline',
			() => {
				assert.equal(longIdStatus.status, 'published', JSON.stringify(longIdStatus));
				assert.deepEqual(Object.keys(baselineIn(stored) || {}).length, 7, JSON.stringify(stored));
			},
		);
	}

	// -------------------------------------------------------------------------------------
	section(`polling every ${POLL_SECONDS} s: nothing changed`);
	await morePolls(demoKeys.growth, 3);
	await morePolls(demoKeys.starter, 1);
	{
		const watchRuns = await settledExecutionsOf(WATCH);
		const exampleRuns = await settledExecutionsOf(EXAMPLE);
		const growthPolls = pollsBy(demoKeys.growth);
		check(
			`no execution while nothing changes (${growthPolls} polls by the trigger in ${((Date.now() - activatedAt) / 1000).toFixed(0)} s, the first one at activation)`,
			() => {
				assert.ok(growthPolls >= 4, `${growthPolls} polls`);
				assert.deepEqual(watchRuns, []);
				assert.deepEqual(exampleRuns, []);
			},
		);
	}
	const freeStatus = await freePublished;
	check(
		'a credential declaring Free: publishing fails with the plan message, and the key never reached the API',
		() => {
			assert.equal(freeStatus.status, 'failed', JSON.stringify(freeStatus));
			assert.deepEqual(
				freeStatus.triggers.map((t) => t.status),
				['failed'],
				JSON.stringify(freeStatus),
			);
			assert.equal(
				freeStatus.triggers[0].errorMessage,
				'There was a problem activating the workflow: "The WAPing Free plan has no API access, so the node sent no request"',
			);
			assert.equal(pollsBy(demoKeys.free), 0, 'the Free key reached the API');
		},
	);

	// -------------------------------------------------------------------------------------
	section('one change: one execution with its item');
	sim.changeDevice({ id: 'dev_123', status: 'disconnected' });
	{
		const list = await executionsReach(WATCH, 1);
		await morePolls(demoKeys.growth, 2);
		const after = await settledExecutionsOf(WATCH);
		const exec = await execution(list[0].id);
		check(
			'exactly one execution (mode trigger, success) for dev_123 connected → disconnected, and none more on the next polls',
			() => {
				assert.equal(after.length, 1, JSON.stringify(after));
				assert.equal(exec.mode, 'trigger');
				assert.equal(exec.status, 'success');
				const items = triggerItems(exec);
				assert.equal(items.length, 1, JSON.stringify(items));
				assert.deepEqual(
					{ ...items[0], detectedAt: typeof items[0].detectedAt },
					{
						event: 'sessionChanged',
						deviceId: 'dev_123',
						previousState: 'connected',
						state: 'disconnected',
						connected: false,
						status: 'disconnected',
						previousStatus: 'connected',
						detectedAt: 'string',
					},
				);
				assert.ok(
					Math.abs(Date.parse(items[0].detectedAt) - Date.now()) < 30000,
					items[0].detectedAt,
				);
			},
		);
		const exampleRuns = await settledExecutionsOf(EXAMPLE);
		check('the example has no execution (its workspace did not change)', () =>
			assert.deepEqual(exampleRuns, []),
		);
		const stored = await rest('GET', `/rest/workflows/${WATCH}`);
		check(
			'the baseline n8n saved in the static data holds dev_123 disconnected, and no key',
			() => {
				const baseline =
					stored.staticData &&
					stored.staticData['node:WAPing Trigger'] &&
					stored.staticData['node:WAPing Trigger'].baseline;
				assert.ok(baseline, JSON.stringify(stored.staticData));
				assert.deepEqual(
					baseline.devices.find((d) => d.id === 'dev_123'),
					{ id: 'dev_123', status: 'disconnected' },
				);
				noKeyIn(stored.staticData, 'the static data');
			},
		);
		const inDatabase = await staticDataInDatabase(folder, WATCH);
		check(
			"n8n's database holds that baseline (n8n export:workflow): dev_123 disconnected, what a restart loads",
			() => {
				const devices = baselineIn(inDatabase);
				assert.ok(devices, JSON.stringify(inDatabase));
				assert.equal(devices.dev_123, 'disconnected');
				assert.equal(devices.dev_456, 'degraded');
				noKeyIn(inDatabase, 'the static data in the database');
			},
		);
	}

	// -------------------------------------------------------------------------------------
	section('several changes in one poll: one execution, one item each');
	sim.changeDevice({ id: 'dev_456', status: 'connected' });
	sim.changeDevice({ id: 'dev_abc', remove: true });
	sim.changeDevice({ workspace: 'ws_growth', id: 'dev_e2e', status: 'unlinked' });
	{
		const list = await executionsReach(WATCH, 2);
		await morePolls(demoKeys.growth, 2);
		const after = await settledExecutionsOf(WATCH);
		const exec = await execution(list[1].id);
		check(
			'one more execution with three items: dev_456 connected, dev_e2e linked, dev_abc removed',
			() => {
				assert.equal(after.length, 2, JSON.stringify(after));
				const items = triggerItems(exec).map((i) => [
					i.event,
					i.deviceId,
					i.previousState,
					i.state,
					i.connected,
				]);
				// The simulator runs in this process: the three changes are made before any poll is answered.
				assert.deepEqual(items, [
					['sessionChanged', 'dev_456', 'degraded', 'connected', true],
					['deviceLinked', 'dev_e2e', null, 'unlinked', false],
					['deviceRemoved', 'dev_abc', 'unlinked', null, false],
				]);
			},
		);
	}

	// -------------------------------------------------------------------------------------
	section('the shipped example: Only When It Becomes Not Connected → alert');
	sim.changeDevice({ id: 'dev_solo', status: 'disconnected' });
	{
		const list = await executionsReach(EXAMPLE, 1);
		await morePolls(demoKeys.starter, 2);
		const exec = await execution(list[0].id);
		check('dev_solo disconnected: one execution, and the Set node wrote the alert', () => {
			assert.equal(exec.status, 'success');
			const trig = shipped.nodes.find((n) => n.type === TRIGGER_TYPE).name;
			assert.deepEqual(
				triggerItems(exec, trig).map((i) => [i.event, i.deviceId, i.state]),
				[['sessionChanged', 'dev_solo', 'disconnected']],
			);
			const alerts = triggerItems(exec, 'Alert: device not connected').map((i) => i.alert);
			assert.equal(alerts.length, 1);
			assert.match(
				alerts[0],
				/^Device dev_solo is not connected any more \(state: disconnected, WAPing says "disconnected"\); it was connected\. Detected at \d{4}-/,
			);
		});
		sim.changeDevice({ id: 'dev_solo', status: 'connected' });
		await morePolls(demoKeys.starter, 2);
		const runs = await settledExecutionsOf(EXAMPLE);
		// The reconnect is left out, but a restart must not forget it (a drop after it would look
		// like no change): it starts one execution with no items, so that n8n saves the baseline.
		const later = await Promise.all(runs.slice(1).map((e) => execution(e.id)));
		check(
			'dev_solo connected again: the example stays silent (it only alerts on Not Connected)',
			() => {
				assert.equal(runs.length, 2, JSON.stringify(runs));
				for (const exec of later) {
					assert.equal(exec.status, 'success');
					assert.deepEqual(
						triggerItems(exec, example.nodes.find((n) => n.type === TRIGGER_TYPE).name),
						[],
					);
					assert.ok(!rt.nodeOutputs(exec, 'Alert: device not connected'), 'the alert node ran');
				}
			},
		);
	}

	// -------------------------------------------------------------------------------------
	section('a failing poll: a failed execution, and nothing spurious afterwards');
	{
		const before = (await settledExecutionsOf(WATCH)).length;
		// Every device list answers 500, echoing the caller's key, for 4 s: at least one whole poll.
		sim.inject({
			path: '/v1/devices',
			status: 500,
			body: { error: { code: 'SERVER_ERROR', message: 'upstream rejected {{key}}' } },
			forMs: 4000,
		});
		const faultEnds = Date.now() + 4000;
		const list = await executionsReach(WATCH, before + 1);
		const failedRun = list.find((e) => e.status === 'error');
		const exec = failedRun ? await execution(failedRun.id) : undefined;
		check(
			"the failing poll is in the executions list as a failed execution of the trigger, with the node's words",
			() => {
				assert.ok(exec, `no failed execution: ${JSON.stringify(list.slice(before))}`);
				const error = exec.data.resultData.error;
				assert.match(
					error.message,
					/^WAPing had a server error \(HTTP 500 SERVER_ERROR\) after 2 attempts\. WAPing said: "upstream rejected \[redacted\]"/,
				);
				assert.match(error.description, /temporary/);
				assert.equal(exec.data.resultData.lastNodeExecuted, 'WAPing Trigger');
				noKeyIn(exec, 'the failed execution');
			},
		);
		await sleep(Math.max(0, faultEnds - Date.now()));
		await morePolls(demoKeys.growth, 2);
		const after = await settledExecutionsOf(WATCH);
		check('once WAPing answers again: no execution reporting devices gone or changed', () => {
			const spurious = after.slice(before).filter((e) => e.status !== 'error');
			assert.deepEqual(spurious, []);
		});
	}

	// -------------------------------------------------------------------------------------
	section('Only When It Becomes Connected: a drop is left out, and n8n saves it');
	{
		// The failing poll above left a failed execution here too (every key's device list failed).
		const before = (await settledExecutionsOf(CONNECTED)).length;
		sim.changeDevice({ id: 'dev_pro_001', status: 'disconnected' });
		const list = await executionsReach(CONNECTED, before + 1);
		await morePolls(demoKeys.pro, 3);
		const after = (await settledExecutionsOf(CONNECTED)).slice(before);
		const exec = await execution(list[before].id);
		const stored = await staticDataInDatabase(folder, CONNECTED);
		check(
			'dev_pro_001 connected → disconnected: one execution with no items (nothing reported), and none more',
			() => {
				assert.equal(after.length, 1, JSON.stringify(after));
				assert.equal(exec.status, 'success');
				assert.deepEqual(triggerItems(exec), []);
			},
		);
		check("n8n's database holds the drop in that workflow's baseline", () => {
			const devices = baselineIn(stored);
			assert.ok(devices, JSON.stringify(stored));
			assert.equal(devices.dev_pro_001, 'disconnected');
		});
	}

	// -------------------------------------------------------------------------------------
	section('n8n stopped, a device changed meanwhile, n8n started again');
	const beforeRestart = (await settledExecutionsOf(WATCH)).length;
	const exampleBefore = (await settledExecutionsOf(EXAMPLE)).length;
	const connectedBefore = (await settledExecutionsOf(CONNECTED)).length;
	const stopped = await server.stop();
	check('n8n stops cleanly on SIGTERM', () =>
		assert.ok(stopped.code === 0 || stopped.signal === 'SIGTERM', JSON.stringify(stopped)),
	);
	sim.changeDevice({ id: 'dev_789', status: 'connected' });
	sim.changeDevice({ id: 'dev_pro_001', status: 'connected' });
	const downAt = Date.now();
	server = await folder.start();
	n8n = editor(server.baseUrl, (await rt.login(server.baseUrl, OWNER)).cookie);
	out(`  n8n up again after ${((Date.now() - downAt) / 1000).toFixed(1)} s`);
	{
		const list = await executionsReach(WATCH, beforeRestart + 1, 30000);
		await morePolls(demoKeys.growth, 3);
		const after = await settledExecutionsOf(WATCH);
		const exec = await execution(list[beforeRestart].id);
		check(
			'the change made while n8n was down is reported once, by the first poll after the start',
			() => {
				assert.equal(after.length, beforeRestart + 1, JSON.stringify(after.slice(beforeRestart)));
				assert.equal(exec.status, 'success');
				assert.deepEqual(
					triggerItems(exec).map((i) => [i.event, i.deviceId, i.previousState, i.state]),
					[['sessionChanged', 'dev_789', 'disconnected', 'connected']],
				);
			},
		);
		const exampleAfter = await settledExecutionsOf(EXAMPLE);
		check(
			'the example, whose workspace did not change, has no new execution after the start',
			() => {
				assert.equal(exampleAfter.length, exampleBefore, JSON.stringify(exampleAfter));
			},
		);
		const connectedList = await executionsReach(CONNECTED, connectedBefore + 1, 30000);
		await morePolls(demoKeys.pro, 3);
		const connectedAfter = await settledExecutionsOf(CONNECTED);
		const reconnect = await execution(connectedList[connectedBefore].id);
		check(
			'Only When It Becomes Connected: dev_pro_001, dropped before the stop and back while n8n was stopped, is reported once',
			() => {
				assert.equal(
					connectedAfter.length,
					connectedBefore + 1,
					JSON.stringify(connectedAfter.slice(connectedBefore)),
				);
				assert.deepEqual(
					triggerItems(reconnect).map((i) => [i.event, i.deviceId, i.previousState, i.state]),
					[['sessionChanged', 'dev_pro_001', 'disconnected', 'connected']],
				);
			},
		);
	}
	const stoppedAgain = await server.stop();
	check('n8n stops cleanly again', () =>
		assert.ok(
			stoppedAgain.code === 0 || stoppedAgain.signal === 'SIGTERM',
			JSON.stringify(stoppedAgain),
		),
	);
});
