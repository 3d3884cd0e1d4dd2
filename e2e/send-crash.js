#!/usr/bin/env node
'use strict';
/*
 * npm run test:crash (issue 13): n8n killed in the middle of a 1 000-message run, then the workflow
 * run again to completion. Real n8n (scripts/n8n-runtime.js, each line below), the packed package
 * installed as a community package, the WAPing simulator on 127.0.0.1 limiting sends to 100/s with a
 * burst of 100 (as `npm run bench` does), so that the 1 000 messages take about 10 s.
 *
 * The workflow: Manual Trigger → Code (1 000 items, one recipient each) → WAPing Message → Send,
 * run with `n8n execute --id`. When the simulator has accepted some hundreds of messages, the
 * n8n process gets SIGKILL (`kill -9`); then `n8n execute` runs the same workflow again, to the end.
 *
 *   1. Idempotency Key set from the data (={{ 'reminder-' + $json.n }}): across both runs every
 *      message is accepted exactly once (0 duplicates, 0 missing); the second run's answers for the
 *      messages accepted before the kill are WAPing's replays.
 *   2. Idempotency Key empty (the default: a key per item and execution): the second run is a new
 *      execution with new keys, so every message accepted before the kill is accepted again. The
 *      test asserts that measured fact (duplicates = the messages accepted before the kill, exactly
 *      those; 0 missing), which the README states.
 *
 * On both n8n lines (`--line=N` for one), on e2e/harness (runner: the checks and `crash: N passed,
 * N failed`; stack: the bring-up). Stops every n8n execute process group it starts (n8n and its task
 * runner). Env: WAPING_CRASH_KEEP=1 keeps the temp folder (n8n's user folder and the runs' output).
 */
const cp = require('child_process');
const fs = require('fs');
const path = require('path');

const rt = require('../scripts/n8n-runtime');
const { createSuite } = require('./harness/runner');
const stack = require('./harness/stack');
const { node, wapingNode, workflow: chainOf } = require('./harness/workflows');
const { sleep } = require('./harness/util');
const {
	SEND_API_KEY,
	SEND_DEVICES,
	countMessages,
	itemsCode,
	LIMIT,
	messageIdentity,
	sendSeed,
} = require('../bench/lib/send-workload');

const s = createSuite('crash', {
	lines: __filename,
	keepEnv: 'WAPING_CRASH_KEEP',
	footer: (suite) => `\ntook ${suite.elapsed()}`,
});
const { out, check, elapsed } = s;

const N = 1000;
/** Kill n8n once this many messages were accepted (a third of the run). */
const KILL_AFTER = 300;
const CREDENTIAL = { id: 'crashWaping', name: 'WAPing crash test', type: 'wapingApi' };

// ---------------------------------------------------------------------------------------------
// the workflows

function workflow(id, idempotencyKey) {
	const options = idempotencyKey ? { idempotencyKey } : {};
	return chainOf(id, id, [
		node('Start', 'n8n-nodes-base.manualTrigger'),
		node('Items', 'n8n-nodes-base.code', { jsCode: itemsCode(N) }, { typeVersion: 2 }),
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
			CREDENTIAL,
		),
	]);
}

const MODES = [
	{
		id: 'crash_data_key',
		label: 'Idempotency Key from the data',
		key: "={{ 'reminder-' + $json.n }}",
	},
	{ id: 'crash_default_key', label: 'Idempotency Key empty (default)', key: undefined },
];

// ---------------------------------------------------------------------------------------------
// n8n execute as a child we can kill

/** Every process in a process group (Linux /proc), by pid. */
function groupMembers(pgid) {
	const pids = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			// pid (comm) state ppid pgrp ...: comm may hold spaces, so read after its closing bracket.
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(fields[2]) === pgid) pids.push(Number(entry));
		} catch {
			/* gone meanwhile */
		}
	}
	return pids;
}

/** Groups of the runs started and not yet seen gone; `runs` counts every run started. */
const live = new Set();
let runs = 0;

/** Kills what is left of a run: the processes of the group its n8n leads (n8n and its task runner), each by its pid. */
async function stopGroup(pgid) {
	for (let i = 0; i < 50; i++) {
		const pids = groupMembers(pgid);
		if (pids.length === 0) {
			live.delete(pgid);
			return true;
		}
		for (const pid of pids) {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {
				/* gone meanwhile */
			}
		}
		await sleep(100);
	}
	return groupMembers(pgid).length === 0;
}

/**
 * Starts `n8n execute --id=<id> --rawOutput` as the leader of its own process group (its task runner
 * joins it), output to files (n8n prints the run data in one large write). Resolves { child, exited,
 * output() }: `exited` resolves { code, signal, ms } when n8n is gone.
 */
async function startExecute(session, dir, id, tag) {
	const stdout = path.join(dir, `${tag}.stdout`);
	const stderr = path.join(dir, `${tag}.stderr`);
	const outFd = fs.openSync(stdout, 'w');
	const errFd = fs.openSync(stderr, 'w');
	const { runtime, env } = session;
	const childEnv = await rt.processEnv(runtime, env, {
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_FORMAT: 'text',
	});
	const t = Date.now();
	const child = cp.spawn(
		runtime.nodeBin,
		[runtime.n8nBin, 'execute', `--id=${id}`, '--rawOutput'],
		{
			env: childEnv,
			cwd: env.N8N_USER_FOLDER,
			stdio: ['ignore', outFd, errFd],
			detached: true,
		},
	);
	fs.closeSync(outFd);
	fs.closeSync(errFd);
	live.add(child.pid);
	runs++;
	const exited = new Promise((resolve, reject) => {
		child.on('error', reject);
		child.on('exit', (code, signal) => resolve({ code, signal, ms: Date.now() - t }));
	});
	return {
		child,
		exited,
		output: () => `${fs.readFileSync(stdout, 'utf8')}\n${fs.readFileSync(stderr, 'utf8')}`,
	};
}

// ---------------------------------------------------------------------------------------------

/** One mode: run, kill -9 mid-run, run again to completion; the checks. */
async function crashAndRerun(session, sim, dir, mode) {
	out(`\n-- ${mode.label} (${elapsed()})`);
	sim.reset();
	for (const id of SEND_DEVICES) sim.changeDevice({ id, status: 'connected' });
	sim.configure({ rateLimit: LIMIT });

	// 1. The run that is killed.
	const first = await startExecute(session, dir, mode.id, `${mode.id}.first`);
	let gone;
	first.exited.then((e) => (gone = e));
	const deadline = Date.now() + 120_000;
	while (!gone && sim.messages.length < KILL_AFTER && Date.now() < deadline) await sleep(5);
	const atKill = sim.messages.length;
	let killed = false;
	if (!gone) {
		process.kill(first.child.pid, 'SIGKILL');
		killed = true;
	}
	const firstExit = await first.exited;
	await stopGroup(first.child.pid);
	// Requests already on their way are answered (or not) by now.
	await sleep(500);
	const beforeKill = sim.messages.slice();
	check(
		'n8n was killed (SIGKILL) in the middle of the run',
		killed && firstExit.signal === 'SIGKILL' && beforeKill.length >= 100 && beforeKill.length < N,
		`${beforeKill.length} of ${N} messages accepted when it died (${atKill} when the kill was sent), ${(firstExit.ms / 1000).toFixed(1)} s after n8n started`,
	);

	// 2. The same workflow again, to the end.
	const second = await startExecute(session, dir, mode.id, `${mode.id}.second`);
	const timer = setTimeout(() => process.kill(second.child.pid, 'SIGKILL'), 180_000);
	const secondExit = await second.exited;
	clearTimeout(timer);
	await stopGroup(second.child.pid);
	const execution = rt.parseRawOutput(second.output());
	const task = execution?.data?.resultData?.runData?.WAPing?.[0];
	const success = task?.data?.main?.[0] ?? [];
	const paired = success.map((item) => item.pairedItem?.item);
	check(
		'the second run completed: every item on Success, paired to itself',
		secondExit.code === 0 &&
			execution?.status === 'success' &&
			success.length === N &&
			paired.every((p, i) => p === i),
		execution
			? `status ${execution.status}, outputs ${JSON.stringify((task?.data?.main ?? []).map((list) => (list ?? []).length))}, node ${((task?.executionTime ?? NaN) / 1000).toFixed(1)} s, process ${(secondExit.ms / 1000).toFixed(1)} s${execution.data?.resultData?.error ? `, error: ${execution.data.resultData.error.message}` : ''}`
			: `no execution JSON (exit ${secondExit.code}): ${second.output().slice(-500)}`,
	);

	const all = countMessages(sim.messages, N);
	const replayed = success.filter((item) => item.json?.replayed === true).length;
	const beforeIds = new Set(beforeKill.map((m) => messageIdentity(m.to, m.text)));
	const detail = `${all.accepted} accepted across both runs for ${N} items (${beforeKill.length} before the kill), ${all.duplicates} duplicates, ${all.missing.length} missing; the second run answered ${replayed} as replays`;
	if (mode.key) {
		check(
			'every message accepted exactly once across both runs (0 duplicates, 0 missing)',
			all.accepted === N && all.duplicates === 0 && all.missing.length === 0,
			detail,
		);
		check(
			'the second run sent nothing twice: the messages accepted before the kill came back as WAPing replays',
			replayed === beforeKill.length,
			`${replayed} replays for ${beforeKill.length} messages accepted before the kill`,
		);
	} else {
		check('no message missing across both runs', all.missing.length === 0, detail);
		check(
			'with the default key the second run sends again every message accepted before the kill (new execution, new keys), and only those',
			all.duplicates === beforeKill.length &&
				all.duplicated.length === beforeIds.size &&
				all.duplicated.every((id) => beforeIds.has(id)) &&
				replayed === 0,
			`${all.duplicates} duplicates = the ${beforeKill.length} messages accepted before the kill: ${all.duplicated.every((id) => beforeIds.has(id)) ? 'the same ones' : 'NOT the same ones'}; ${replayed} replays`,
		);
	}
	return {
		beforeKill: beforeKill.length,
		accepted: all.accepted,
		duplicates: all.duplicates,
		missing: all.missing.length,
		replayed,
		killedAfterMs: firstExit.ms,
		secondNodeMs: task?.executionTime,
		secondProcessMs: secondExit.ms,
	};
}

s.run(async (LINE) => {
	const dir = await s.tempDir('waping-crash-');
	s.onCleanup('n8n execute processes', async () => {
		for (const pid of [...live]) await stopGroup(pid);
	});
	out(`-- setup (${elapsed()})`);
	const packed = await stack.buildAndPack(dir);
	const runtime = await stack.runtime(LINE, (line) => out(`       ${line}`));
	const sim = await stack.simulator({ seed: sendSeed() }, s.onCleanup);
	const session = await stack.n8nFolder({
		runtime,
		userFolder: path.join(dir, 'n8n'),
		tarball: packed,
	});
	await session.importCredentials([
		{ ...CREDENTIAL, data: { apiKey: SEND_API_KEY, baseUrl: sim.url, plan: 'auto' } },
	]);
	await session.importWorkflow(MODES.map((mode) => workflow(mode.id, mode.key)));
	out(
		`  packed ${path.basename(packed.file)}, n8n ${runtime.n8nVersion} on Node ${runtime.nodeVersion}, simulator ${sim.url} at ${LIMIT.perSecond}/s (burst ${LIMIT.burst})`,
	);
	// The first `n8n execute` on a fresh user folder also migrates the database: a short run first, so
	// that the runs below start as fast as they would on an n8n in use.
	const warmUp = workflow('crash_warm_up');
	await session.importWorkflow([{ ...warmUp, nodes: warmUp.nodes.slice(0, 1), connections: {} }]);
	await session.executeWorkflow('crash_warm_up');

	const outcomes = {};
	for (const mode of MODES) outcomes[mode.id] = await crashAndRerun(session, sim, dir, mode);

	out(`\n-- clean-up (${elapsed()})`);
	const left = [...live].flatMap((pid) => groupMembers(pid));
	check(
		'no process of the runs is left',
		left.length === 0,
		left.length
			? `still running: ${left.join(', ')}`
			: `the ${runs} n8n execute processes and their task runners are gone`,
	);
	out(`\n${JSON.stringify({ crash: outcomes })}`);
});
