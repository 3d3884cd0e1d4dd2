'use strict';
/*
 * What `npm run dev` and `npm run test:e2e` share: building and packing the package, the WAPing
 * credentials for the simulator's demo keys, and the example workflows wired to them.
 *
 * Plain CommonJS for Node 20, Node built-ins only.
 */

const fs = require('fs');
const fsp = require('fs/promises');
const path = require('path');
const cp = require('child_process');

const REPO = path.resolve(__dirname, '..');
const EXAMPLES_DIR = path.join(REPO, 'examples');
const { demoKeys } = require(path.join(REPO, 'test', 'simulator'));

/** The node and credential type names n8n gives the installed package. */
const NODE_TYPE = 'n8n-nodes-waping.waping';
const TRIGGER_TYPE = 'n8n-nodes-waping.wapingTrigger';
const CREDENTIAL_TYPE = 'wapingApi';

/**
 * One WAPing credential per demo key, all pointing at the simulator. `deviceId` is a device of
 * that key's workspace, put into the examples' Get Status nodes so each one checks a real device.
 * `expect` is what a WAPing node with this credential does (every operation reads GET /v1/devices):
 * the output it routes to, and for 401/403 the reason and whether a request was sent.
 */
const DEMO_CREDENTIALS = [
	{ id: 'wapingDemoGrowth', name: 'WAPing demo: Growth', keyName: 'growth', plan: 'auto', deviceId: 'dev_123', workspace: 'growth', expect: { output: 0 } },
	{ id: 'wapingDemoStarter', name: 'WAPing demo: Starter', keyName: 'starter', plan: 'auto', deviceId: 'dev_solo', workspace: 'starter', expect: { output: 0 } },
	{ id: 'wapingDemoPro', name: 'WAPing demo: Pro', keyName: 'pro', plan: 'auto', deviceId: 'dev_pro_001', workspace: 'pro', expect: { output: 0 } },
	{ id: 'wapingDemoFree', name: 'WAPing demo: Free (plan detected)', keyName: 'free', plan: 'auto', deviceId: 'dev_free', workspace: 'free', expect: { output: 2, reason: 'plan', source: 'api', statusCode: 403 } },
	{ id: 'wapingDemoFreeGate', name: 'WAPing demo: Free (plan declared)', keyName: 'free', plan: 'free', deviceId: 'dev_free', workspace: 'free', expect: { output: 2, reason: 'plan', source: 'credential', statusCode: 403, noRequest: true } },
	{ id: 'wapingDemoSendOnly', name: 'WAPing demo: send-only key', keyName: 'sendOnly', plan: 'auto', deviceId: 'dev_123', workspace: 'growth', expect: { output: 2, reason: 'permission', source: 'api', statusCode: 403 } },
	{ id: 'wapingDemoRevoked', name: 'WAPing demo: revoked key', keyName: 'revoked', plan: 'auto', deviceId: 'dev_123', workspace: 'growth', expect: { output: 1, reason: 'credential', source: 'api', statusCode: 401 } },
];

for (const c of DEMO_CREDENTIALS) c.apiKey = demoKeys[c.keyName];

/** Items for importCredentials(): every demo credential with the simulator as Base URL. */
function demoCredentials(simulatorUrl) {
	return DEMO_CREDENTIALS.map((c) => ({
		id: c.id,
		name: c.name,
		type: CREDENTIAL_TYPE,
		data: { apiKey: c.apiKey, baseUrl: simulatorUrl, plan: c.plan },
	}));
}

/**
 * The example workflows, as shipped in examples/: [{ file, slug, workflow }], sorted by file name.
 * `slug` is the file name without .json (device-health-check, list-devices, plan-check).
 */
function loadExamples(dir = EXAMPLES_DIR) {
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => ({ file, slug: file.replace(/\.json$/, ''), workflow: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) }));
}

const clone = (x) => JSON.parse(JSON.stringify(x));

/** Every WAPing node of a workflow. */
function wapingNodes(workflow) {
	return workflow.nodes.filter((n) => n.type === NODE_TYPE);
}

/**
 * A copy of an example wired to one demo credential: every WAPing node and WAPing Trigger uses it,
 * every Get Status node checks `deviceId` (default: the credential's own demo device). Sets `id` and
 * `name` when given.
 */
function wireExample(workflow, cred, { id, name, deviceId } = {}) {
	const wf = clone(workflow);
	if (id !== undefined) wf.id = id;
	if (name !== undefined) wf.name = name;
	for (const node of wapingNodes(wf)) {
		node.credentials = { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } };
		if (node.parameters.operation === 'getStatus') node.parameters.deviceId = deviceId || cred.deviceId;
	}
	for (const node of wf.nodes.filter((n) => n.type === TRIGGER_TYPE)) {
		node.credentials = { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } };
	}
	return wf;
}

// ---------------------------------------------------------------------------------------------
// build and pack

/** The npm CLI this process was started by (npm run ...), or `npm` from PATH. */
function npmCommand() {
	const execPath = process.env.npm_execpath;
	if (execPath && /npm-cli\.js$/.test(execPath) && fs.existsSync(execPath)) return { cmd: process.execPath, pre: [execPath] };
	return { cmd: 'npm', pre: [] };
}

function runNpm(args, { cwd = REPO, quiet = false } = {}) {
	const { cmd, pre } = npmCommand();
	return new Promise((resolve, reject) => {
		const child = cp.spawn(cmd, [...pre, ...args], { cwd, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'] });
		let out = '';
		if (quiet) {
			child.stdout.on('data', (c) => (out += c));
			child.stderr.on('data', (c) => (out += c));
		}
		child.on('error', reject);
		child.on('close', (code) => {
			if (code === 0) resolve(out);
			else reject(new Error(`npm ${args.join(' ')} failed (exit ${code})${quiet ? `:\n${out.split('\n').slice(-30).join('\n')}` : ''}`));
		});
	});
}

/** `npm run build` in the repository. */
async function build(opts = {}) {
	await runNpm(['run', 'build', '--silent'], opts);
}

/** `npm pack` the repository into destDir; resolves the tarball's absolute path. */
async function pack(destDir, opts = {}) {
	await fsp.mkdir(destDir, { recursive: true });
	const out = await runNpm(['pack', '--json', '--pack-destination', destDir], { ...opts, quiet: true });
	let info;
	try {
		info = JSON.parse(out.slice(out.indexOf('[')));
	} catch {
		throw new Error(`npm pack: cannot read its --json answer:\n${out.slice(-2000)}`);
	}
	const file = path.join(destDir, info[0].filename);
	if (!fs.existsSync(file)) throw new Error(`npm pack: ${file} is missing`);
	return { file, files: info[0].files.map((f) => f.path), name: info[0].name, version: info[0].version };
}

module.exports = {
	REPO,
	EXAMPLES_DIR,
	NODE_TYPE,
	TRIGGER_TYPE,
	CREDENTIAL_TYPE,
	DEMO_CREDENTIALS,
	demoKeys,
	demoCredentials,
	loadExamples,
	wireExample,
	wapingNodes,
	clone,
	build,
	pack,
	runNpm,
};
