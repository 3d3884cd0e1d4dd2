'use strict';
// What the package and `npm run dev` promise: the built node's words, the demo credentials, the
// example workflows it imported, the outputs, actions and options the editor should show.
const fs = require('fs');
const path = require('path');

const { assert } = require('../editor');

const REPO = path.resolve(__dirname, '..', '..');

/** The credential test's 401 and 403 messages, from the built package (npm run dev builds it). */
function credentialMessages() {
	const file = path.join(REPO, 'dist', 'nodes', 'shared', 'explanations.js');
	delete require.cache[require.resolve(file)];
	const { CREDENTIAL_TEST_WORDS } = require(file);
	const byCode = {
		401: CREDENTIAL_TEST_WORDS?.unauthorized,
		403: CREDENTIAL_TEST_WORDS?.forbidden,
	};
	assert(byCode[401] && byCode[403], 'the credential test has no 401 or 403 message');
	return byCode;
}

/** The demo credentials `npm run dev` imports, with what each one does (scripts/demo.js). */
function demoCredentials() {
	const demo = require(path.join(REPO, 'scripts', 'demo.js'));
	return demo.DEMO_CREDENTIALS.map((c) => ({
		...c,
		// the credential test always sends GET /v1/devices, whatever Plan the credential declares
		testCode: c.expect.output === 0 ? 200 : c.expect.statusCode,
	}));
}

const EXAMPLES_DIR = path.join(REPO, 'examples');
const readExample = (file) => JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'));
const DEVICE_HEALTH_EXAMPLE = readExample('device-health-check.json');
const SEND_EXAMPLE = readExample('send-when-connected.json');

/** The canvas labels of the WAPing node's outputs: the reads have the first three, Send all four. */
const OUTPUT_LABELS = ['Success', 'Bad Key', 'Denied', 'Offline'];
const READ_LABELS = OUTPUT_LABELS.slice(0, 3);
const ACTIONS = [
	'Get many devices',
	'Get the session status of a device',
	'Send a text message',
	'Check the workspace plan',
];
/** The WAPing Trigger's entries in the nodes panel: n8n makes one per choice of its Events. */
const TRIGGER_ENTRIES = ['On device linked', 'On device removed', 'On session changed'];
const SEND_OPTIONS = [
	'Idempotency Key',
	'Max Attempts',
	'Max Concurrent Sends',
	'Max Wait (Seconds)',
	'Min Interval Between Messages (Ms)',
	'Only When Connected',
	'Retry Delay (Seconds)',
	'Timeout (Seconds)',
];
const READ_OPTIONS = [
	'Max Attempts',
	'Max Wait (Seconds)',
	'Retry Delay (Seconds)',
	'Timeout (Seconds)',
];

/**
 * The devices `npm run dev` printed for the workspace ws_growth (the Growth key's), as
 * ["dev_123 (connected)", ...]: the words the node's Device list should show. Null when the banner
 * has no such lines.
 */
function bannerDevices(output, workspaceId = 'ws_growth') {
	const lines = String(output).split('\n');
	const at = lines.findIndex((l) => new RegExp(`^\\s{4}${workspaceId}, `).test(l));
	if (at < 0) return null;
	const devices = [];
	for (let i = at + 1; i < lines.length && /^\s{8}\S/.test(lines[i]); i++) {
		for (const m of lines[i].matchAll(/(dev_\w+) \((\w+)/g)) devices.push(`${m[1]} (${m[2]})`);
	}
	return devices;
}

/** The same list worked out from the simulator's seed and the built node's state rule. */
function seedDevices(workspaceId = 'ws_growth') {
	const demo = require(path.join(REPO, 'scripts', 'demo.js'));
	const { normaliseState } = require(path.join(REPO, 'dist', 'nodes', 'shared', 'devices.js'));
	const w = demo.demoWorkspaces().find((x) => x.id === workspaceId);
	return w.devices.map((d) => `${d.id} (${normaliseState(d.status)})`);
}

/**
 * The runs of one example that npm run dev imported wired to the demo credentials: one per kind of
 * outcome (output, reason, source), in the order scripts/demo.js lists the credentials. Starter and
 * Pro add nothing to Growth here, and each full page load costs seconds.
 */
async function findExampleRuns(ed, credentials, example, kind, labels) {
	const list = await ed.rest('/rest/workflows');
	const all = Array.isArray(list) ? list : list.data || [];
	const candidates = all.filter((w) => w.name.startsWith(`${example.name} (`));
	const runs = [];
	for (const w of candidates) {
		const wf = await ed.rest(`/rest/workflows/${encodeURIComponent(w.id)}`);
		const node = wf.nodes.find((n) => n.type === 'n8n-nodes-waping.waping');
		if (!node) continue;
		const credId = node.credentials && node.credentials.wapingApi && node.credentials.wapingApi.id;
		const cred = credentials.find((c) => c.id === credId);
		if (!cred) continue;
		const main = (wf.connections[node.name] && wf.connections[node.name].main) || [];
		const targets = labels.map((_, i) => (main[i] || []).map((c) => c.node));
		if (!targets.every((t) => t.length > 0))
			throw new Error(`"${wf.name}": every WAPing output should lead somewhere`);
		const device = node.parameters.deviceId;
		const deviceId = device && typeof device === 'object' ? device.value : device;
		runs.push({
			kind,
			workflow: { id: wf.id, name: wf.name },
			wapingName: node.name,
			targets,
			cred,
			deviceId,
		});
	}
	runs.sort((a, b) => credentials.indexOf(a.cred) - credentials.indexOf(b.cred));
	const seen = new Set();
	return runs.filter((r) => {
		const k = JSON.stringify([
			r.cred.expect.output,
			r.cred.expect.reason || null,
			r.cred.expect.source || null,
		]);
		if (seen.has(k)) return false;
		seen.add(k);
		return true;
	});
}

module.exports = {
	REPO,
	EXAMPLES_DIR,
	DEVICE_HEALTH_EXAMPLE,
	SEND_EXAMPLE,
	OUTPUT_LABELS,
	READ_LABELS,
	ACTIONS,
	TRIGGER_ENTRIES,
	SEND_OPTIONS,
	READ_OPTIONS,
	credentialMessages,
	demoCredentials,
	bannerDevices,
	seedDevices,
	findExampleRuns,
};
