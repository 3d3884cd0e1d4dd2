'use strict';
// The real n8n both bench parts run in (2.41.1 on Node 24, e2e/harness/stack.js): the packed
// package installed as a community package, workflows imported, each run with `n8n execute --id`.
// n8n's own run data gives each node's execution time; the n8n process's peak RSS is read from /proc.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const rt = require('../../scripts/n8n-runtime');
const stack = require('../../e2e/harness/stack');
const { node, workflow } = require('../../e2e/harness/workflows');
const { watchPeak } = require('./memory');

/** A node's reference to a credential {id, name, type}. */
const usesCredential = ({ id, name, type }) => ({ credentials: { [type]: { id, name } } });

/** Manual trigger, a Code node ("Items") that returns the items, then `jobNodes`, one after the other. */
function itemsWorkflow(id, jsCode, jobNodes) {
	const nodes = [
		node('Start', 'n8n-nodes-base.manualTrigger'),
		node('Items', 'n8n-nodes-base.code', { jsCode }, { typeVersion: 2 }),
		...jobNodes,
	].map((n, i) => ({ ...n, position: [i * 220, 0] }));
	return workflow(id, id, nodes);
}

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
	const { runtime, env } = session;
	const childEnv = await rt.processEnv(runtime, env, {
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_FORMAT: 'text',
	});
	try {
		const started = Date.now();
		const child = spawn(runtime.nodeBin, [runtime.n8nBin, 'execute', `--id=${id}`, '--rawOutput'], {
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
		const execution = rt.parseRawOutput(stdout);
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
 * A fresh n8n user folder with the packages (tarballs) installed and the credentials and workflows
 * imported. Returns `execute(id, timeoutMs)` (executeToFiles), `runtime` and `close()`.
 */
async function openN8n({ prefix, tarballs, credentials, workflows, log }) {
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	const [tarball, ...more] = tarballs;
	const runtime = await stack.runtime(undefined, log);
	const n8n = await stack.n8nFolder({ runtime, userFolder, tarball });
	for (const other of more) await rt.installCommunityPackage(runtime, userFolder, other);
	await n8n.importCredentials(credentials);
	await n8n.importWorkflow(workflows);
	return {
		runtime,
		execute: (id, timeoutMs) => executeToFiles(n8n, id, timeoutMs),
		close: () => fs.rmSync(userFolder, { recursive: true, force: true }),
	};
}

/** The first run of node `name` in an execution of workflow `id`; throws when it did not run. */
function taskOf(execution, id, name) {
	const { resultData } = execution.data;
	const task = resultData.runData[name]?.[0];
	if (!task)
		throw new Error(
			`workflow ${id}: node "${name}" did not run: ${resultData.error?.message ?? execution.status}`,
		);
	return task;
}

module.exports = { usesCredential, itemsWorkflow, executeToFiles, openN8n, taskOf };
