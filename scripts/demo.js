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

const REPO = path.resolve(__dirname, '..');
const EXAMPLES_DIR = path.join(REPO, 'examples');
const { demoKeys, demoSeed } = require(path.join(REPO, 'simulator'));
const { spawnCollect, tail } = require('./runtime/proc');

/** The node and credential type names n8n gives the installed package. */
const NODE_TYPE = 'n8n-nodes-waping.waping';
const TRIGGER_TYPE = 'n8n-nodes-waping.wapingTrigger';
const WEBHOOK_TRIGGER_TYPE = 'n8n-nodes-waping.wapingWebhookTrigger';
const CREDENTIAL_TYPE = 'wapingApi';

/**
 * One WAPing credential per demo key, all pointing at the simulator. `deviceId` is a device of
 * that key's workspace, put into the examples' Get Status nodes so each one checks a real device.
 * `expect` is what a WAPing node with this credential does (every operation reads GET /v1/devices):
 * the output it routes to, and for 401/403 the reason and whether a request was sent.
 */
const DEMO_CREDENTIALS = [
	{
		id: 'wapingDemoGrowth',
		name: 'WAPing demo: Growth',
		keyName: 'growth',
		plan: 'auto',
		deviceId: 'dev_123',
		workspace: 'growth',
		expect: { output: 0 },
	},
	{
		id: 'wapingDemoStarter',
		name: 'WAPing demo: Starter',
		keyName: 'starter',
		plan: 'auto',
		deviceId: 'dev_solo',
		workspace: 'starter',
		expect: { output: 0 },
	},
	{
		id: 'wapingDemoPro',
		name: 'WAPing demo: Pro',
		keyName: 'pro',
		plan: 'auto',
		deviceId: 'dev_pro_001',
		workspace: 'pro',
		expect: { output: 0 },
	},
	{
		id: 'wapingDemoFree',
		name: 'WAPing demo: Free (plan detected)',
		keyName: 'free',
		plan: 'auto',
		deviceId: 'dev_free',
		workspace: 'free',
		expect: { output: 2, reason: 'plan', source: 'api', statusCode: 403 },
	},
	{
		id: 'wapingDemoFreeGate',
		name: 'WAPing demo: Free (plan declared)',
		keyName: 'free',
		plan: 'free',
		deviceId: 'dev_free',
		workspace: 'free',
		expect: { output: 2, reason: 'plan', source: 'credential', statusCode: 403, noRequest: true },
	},
	{
		id: 'wapingDemoSendOnly',
		name: 'WAPing demo: send-only key',
		keyName: 'sendOnly',
		plan: 'auto',
		deviceId: 'dev_123',
		workspace: 'growth',
		expect: { output: 2, reason: 'permission', source: 'api', statusCode: 403 },
	},
	{
		id: 'wapingDemoRevoked',
		name: 'WAPing demo: revoked key',
		keyName: 'revoked',
		plan: 'auto',
		deviceId: 'dev_123',
		workspace: 'growth',
		expect: { output: 1, reason: 'credential', source: 'api', statusCode: 401 },
	},
];

for (const c of DEMO_CREDENTIALS) c.apiKey = demoKeys[c.keyName];

/**
 * The demo credentials' Webhook Signing Secret: a public demo value, like the demo keys. The
 * simulator signs the demo workspace's webhook deliveries with it (npm run dev).
 */
const DEMO_WEBHOOK_SECRET = 'waping-demo-webhook-secret';

/** Items for importCredentials(): every demo credential with the simulator as Base URL. */
function demoCredentials(simulatorUrl) {
	return DEMO_CREDENTIALS.map((c) => ({
		id: c.id,
		name: c.name,
		type: CREDENTIAL_TYPE,
		data: {
			apiKey: c.apiKey,
			baseUrl: simulatorUrl,
			plan: c.plan,
			webhookSecret: DEMO_WEBHOOK_SECRET,
		},
	}));
}

/**
 * The credential a new WAPing node gets in the editor: the Growth key, whose devices and messages
 * work. n8n 2.41's editor gives a node without credentials the usable credential of its type with
 * the latest `updatedAt` (getAutoSelectedCredential in
 * packages/frontend/editor-ui/src/features/credentials/credentials.utils.ts). `n8n import:credentials`
 * stores an `updatedAt` given in the file, and otherwise keeps a re-imported credential's old one.
 */
const EDITOR_DEFAULT_CREDENTIAL_ID = 'wapingDemoGrowth';

/**
 * Items for importCredentials() (from demoCredentials()) stamped so that the editor pre-fills new
 * WAPing nodes with `defaultId`: that credential is updated `now`, every other one a minute before.
 */
function stampEditorDefault(
	items,
	{ defaultId = EDITOR_DEFAULT_CREDENTIAL_ID, now = new Date() } = {},
) {
	if (!items.some((c) => c.id === defaultId))
		throw new Error(`stampEditorDefault: no credential ${defaultId}`);
	const earlier = new Date(now.getTime() - 60_000).toISOString();
	return items.map((c) => ({ ...c, updatedAt: c.id === defaultId ? now.toISOString() : earlier }));
}

/**
 * The demo workspaces as the simulator starts (simulator/seed.js demoSeed): each with its plan,
 * its devices ({ id, status } as WAPing sends them) and the demo credentials that reach it.
 */
function demoWorkspaces(seed = demoSeed()) {
	return seed.workspaces.map((w) => ({
		id: w.id,
		plan: w.plan,
		devices: w.devices.map((d) => ({ id: d.id, status: d.status })),
		credentials: DEMO_CREDENTIALS.filter((c) =>
			seed.keys.some((k) => k.key === c.apiKey && k.workspace === w.id),
		),
	}));
}

/**
 * The example workflows, as shipped in examples/: [{ file, slug, workflow }], sorted by file name.
 * `slug` is the file name without .json (device-disconnect-alert, device-health-check, ...).
 */
function loadExamples(dir = EXAMPLES_DIR) {
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => ({
			file,
			slug: file.replace(/\.json$/, ''),
			workflow: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')),
		}));
}

const clone = (x) => JSON.parse(JSON.stringify(x));

/** Every WAPing node of a workflow. */
function wapingNodes(workflow) {
	return workflow.nodes.filter((n) => n.type === NODE_TYPE);
}

/** The operations whose Device (`deviceId`) names one device: Device → Get Status and Message → Send. */
const DEVICE_OPERATIONS = ['getStatus', 'send'];

/**
 * `deviceId` for a node that held `previous`: a Device picked from the list or typed by ID (n8n's
 * resource locator, `{ __rl, mode, value }`) stays one, with the new id as its value and its list
 * label; a plain string (what the node saved before Device became a list) stays a plain string.
 */
function withDevice(previous, deviceId) {
	if (previous && typeof previous === 'object' && previous.__rl) {
		const next = { ...previous, value: deviceId };
		if (previous.mode === 'list') next.cachedResultName = deviceId;
		else delete next.cachedResultName;
		return next;
	}
	return deviceId;
}

/**
 * A copy of an example wired to one demo credential: every WAPing node and WAPing Trigger uses it,
 * and every Get Status and Send node uses `deviceId` (default: the credential's own demo device),
 * keeping the example's form of the Device field (see withDevice). Sets `id` and `name` when given.
 */
function wireExample(workflow, cred, { id, name, deviceId } = {}) {
	const wf = clone(workflow);
	if (id !== undefined) wf.id = id;
	if (name !== undefined) wf.name = name;
	for (const node of wapingNodes(wf)) {
		node.credentials = { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } };
		// A Device mapped from the item (the reply example's `{{ $json.deviceId }}`) stays mapped.
		if (
			DEVICE_OPERATIONS.includes(node.parameters.operation) &&
			!isExpression(node.parameters.deviceId)
		)
			node.parameters.deviceId = withDevice(node.parameters.deviceId, deviceId || cred.deviceId);
	}
	for (const node of wf.nodes.filter((n) =>
		[TRIGGER_TYPE, WEBHOOK_TRIGGER_TYPE].includes(n.type),
	)) {
		node.credentials = { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } };
		// Each imported copy listens on its own path: n8n refuses to publish two workflows on one.
		if (node.webhookId && wf.id) node.webhookId = webhookIdFor(`${wf.id}/${node.name}`);
	}
	return wf;
}

/** Whether a parameter (a string, or a resource locator's value) is an n8n expression. */
function isExpression(value) {
	const text = value && typeof value === 'object' ? value.value : value;
	return typeof text === 'string' && text.startsWith('=');
}

/** A UUID-shaped webhook id derived from a name, the same at every import. */
function webhookIdFor(name) {
	const hex = require('node:crypto').createHash('sha256').update(name).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The webhook demo of `npm run dev`: its workflow id (16 characters at most for n8n 1.x) and webhook id. */
const REPLY_WORKFLOW_ID = 'webhook-reply';
const REPLY_WEBHOOK_ID = '5f0c7a1e-2b4d-4c8e-9a61-7d3e0b9c2a51';

/**
 * The workflow `npm run dev` publishes and registers in the simulator: the WAPing Webhook Trigger
 * (Message Received, HMAC-SHA256 with the credential's Webhook Signing Secret) → Message → Send,
 * replying from the device that received the message to its sender, with the inbound message's id
 * as Idempotency Key, so a delivery WAPing repeats gets one reply. Written from the webhook contract.
 */
function replyWorkflow(cred = DEMO_CREDENTIALS.find((c) => c.id === EDITOR_DEFAULT_CREDENTIAL_ID)) {
	const credentials = { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } };
	return {
		id: REPLY_WORKFLOW_ID,
		name: `WAPing: reply to an inbound WhatsApp message (${cred.name.replace(/^WAPing demo: /, '')})`,
		nodes: [
			{
				parameters: { events: ['messageReceived'], verification: 'hmacSha256' },
				id: 'c1b2c3d4-0000-4000-8000-000000000601',
				name: 'When a WhatsApp message arrives',
				type: WEBHOOK_TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId: REPLY_WEBHOOK_ID,
				credentials,
			},
			{
				parameters: {
					resource: 'message',
					operation: 'send',
					deviceId: { __rl: true, mode: 'id', value: '={{ $json.deviceId }}' },
					to: '={{ $json.from }}',
					text: '=Thanks for your message ("{{ $json.text }}"). This is an automatic reply from n8n.',
					options: { idempotencyKey: '={{ $json.messageId }}' },
				},
				id: 'c1b2c3d4-0000-4000-8000-000000000602',
				name: 'Reply',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [260, 0],
				credentials,
			},
		],
		connections: {
			'When a WhatsApp message arrives': {
				main: [[{ node: 'Reply', type: 'main', index: 0 }]],
			},
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

// ---------------------------------------------------------------------------------------------
// build and pack

/** The npm CLI this process was started by (npm run ...), or `npm` from PATH. */
function npmCommand() {
	const execPath = process.env.npm_execpath;
	if (execPath && /npm-cli\.js$/.test(execPath) && fs.existsSync(execPath))
		return { cmd: process.execPath, pre: [execPath] };
	return { cmd: 'npm', pre: [] };
}

/** npm with `args` in cwd; resolves its stdout. Quiet: its output only in the error, when it fails. */
async function runNpm(args, { cwd = REPO, quiet = false } = {}) {
	const { cmd, pre } = npmCommand();
	const r = await spawnCollect(cmd, [...pre, ...args], {
		cwd,
		onLine: quiet ? undefined : (line, which) => process[which].write(`${line}\n`),
	});
	if (r.code !== 0)
		throw new Error(
			`npm ${args.join(' ')} failed (exit ${r.code})${quiet ? `:\n${tail(`${r.stdout}\n${r.stderr}`, 30)}` : ''}`,
		);
	return r.stdout;
}

/** `npm run build` in the repository. */
async function build(opts = {}) {
	await runNpm(['run', 'build', '--silent'], opts);
}

/** `npm pack` the repository (or opts.cwd) into destDir: { file, files, name, version, size, unpackedSize }. */
async function pack(destDir, opts = {}) {
	await fsp.mkdir(destDir, { recursive: true });
	const out = await runNpm(['pack', '--json', '--pack-destination', destDir], {
		...opts,
		quiet: true,
	});
	let info;
	try {
		info = JSON.parse(out.slice(out.indexOf('[')));
	} catch {
		throw new Error(`npm pack: cannot read its --json answer:\n${out.slice(-2000)}`);
	}
	const file = path.join(destDir, info[0].filename);
	if (!fs.existsSync(file)) throw new Error(`npm pack: ${file} is missing`);
	return {
		file,
		files: info[0].files.map((f) => f.path),
		name: info[0].name,
		version: info[0].version,
		size: info[0].size,
		unpackedSize: info[0].unpackedSize,
	};
}

module.exports = {
	REPO,
	EXAMPLES_DIR,
	NODE_TYPE,
	TRIGGER_TYPE,
	WEBHOOK_TRIGGER_TYPE,
	CREDENTIAL_TYPE,
	DEMO_CREDENTIALS,
	DEMO_WEBHOOK_SECRET,
	REPLY_WORKFLOW_ID,
	REPLY_WEBHOOK_ID,
	replyWorkflow,
	EDITOR_DEFAULT_CREDENTIAL_ID,
	demoKeys,
	demoCredentials,
	stampEditorDefault,
	demoWorkspaces,
	loadExamples,
	wireExample,
	wapingNodes,
	clone,
	build,
	pack,
	npmCommand,
	runNpm,
};
