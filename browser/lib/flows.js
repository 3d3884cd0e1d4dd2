'use strict';
// Workflows a scenario makes for itself (through n8n's REST API, as the editor saves them), publishing,
// the Executions list as a person reads it, and the simulator's control routes.
const crypto = require('crypto');

const { waitUntil, assert, sleep } = require('../editor');
const { archiveWorkflow } = require('./canvas');

const WAPING = 'n8n-nodes-waping.waping';
const WEBHOOK_TRIGGER = 'n8n-nodes-waping.wapingWebhookTrigger';

/** A credential reference as a saved node holds it. */
const credentialOf = (cred) => ({ wapingApi: { id: cred.id, name: cred.name } });

/** Saves a new workflow (removed again at the end of the run); resolves its id. */
async function createWorkflow(ctx, { name, nodes, connections = {} }) {
	const wf = await ctx.ed.restCall('POST', '/rest/workflows', {
		name,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
		active: false,
	});
	ctx.cleanup.push(async () => {
		await ctx.ed.restCall('POST', `/rest/workflows/${wf.id}/deactivate`, {}).catch(() => {});
		await archiveWorkflow(ctx.ed, wf.id);
	});
	return wf.id;
}

/** A node at a place on the canvas. */
const node = (name, type, typeVersion, parameters, position, extra = {}) => ({
	id: crypto.randomUUID(),
	name,
	type,
	typeVersion,
	parameters,
	position,
	...extra,
});

/** Publishes a saved workflow as the editor's Publish does, and waits until n8n says it is published. */
async function publishWorkflow(ed, id) {
	const wf = await ed.rest(`/rest/workflows/${id}`);
	await ed.restCall('POST', `/rest/workflows/${id}/activate`, { versionId: wf.versionId });
	let status = null;
	await waitUntil(
		async () => {
			status = await ed.rest(`/rest/workflows/${id}/publication-status`).catch(() => null);
			return status && status.status === 'published';
		},
		{ timeoutMs: 30000, describe: () => `publishing: ${JSON.stringify(status).slice(0, 300)}` },
	);
}

/**
 * The rows of the Executions list (Overview → Executions) for the workflow `name`, as their texts:
 * the page opened again until `until(rows)` holds.
 */
async function executionRows(ctx, name, until, { timeoutMs = 60000, what = '' } = {}) {
	const { ed, page } = ctx;
	let rows = [];
	await waitUntil(
		async () => {
			await page.goto(`${ed.baseUrl}/home/executions`);
			const list = page.getByTestId('global-execution-list-item');
			await list
				.first()
				.waitFor({ state: 'visible', timeout: 10000 })
				.catch(() => {});
			rows = (await list.allInnerTexts())
				.map((t) => t.replace(/\s+/g, ' ').trim())
				.filter((t) => t.includes(name));
			if (until(rows)) return true;
			await sleep(1000);
			return false;
		},
		{
			timeoutMs,
			intervalMs: 500,
			describe: () => `the Executions list ${what}: rows for "${name}": [${rows.join(' | ')}]`,
		},
	);
	return rows;
}

/** A control route of the simulator (from this process; the page itself is opened in a tab). */
async function sim(ctx, method, path, body) {
	assert(ctx.dev.simulatorUrl, "npm run dev's banner printed no Simulator line");
	const r = await fetch(`${ctx.dev.simulatorUrl}${path}`, {
		method,
		headers: { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await r.text();
	assert(r.ok, `${method} ${path} on the simulator: ${r.status} ${text.slice(0, 200)}`);
	return text ? JSON.parse(text) : null;
}

/**
 * Points the Growth workspace's webhooks at another URL; resolves restore(), which registers again
 * what npm run dev registered (the reply demo, with the demo signing secret). The end of the run
 * restores it too, in case the check failed before.
 */
async function borrowGrowthWebhook(ctx, registration) {
	const { webhooks } = await sim(ctx, 'GET', '/__sim/webhooks');
	const before = webhooks.find((w) => w.workspace === 'ws_growth');
	let restored = false;
	const restore = async () => {
		if (restored) return;
		restored = true;
		if (before)
			await sim(ctx, 'POST', '/__sim/webhooks', {
				workspace: 'ws_growth',
				url: before.url,
				scheme: before.scheme,
				secret: ctx.demo.DEMO_WEBHOOK_SECRET,
				handshake: 'none',
			});
		else await sim(ctx, 'DELETE', '/__sim/webhooks', { workspace: 'ws_growth' });
	};
	ctx.cleanup.push(restore);
	const answer = await sim(ctx, 'POST', '/__sim/webhooks', {
		workspace: 'ws_growth',
		scheme: 'hmacSha256',
		secret: ctx.demo.DEMO_WEBHOOK_SECRET,
		...registration,
	});
	assert(
		answer.registered !== false,
		`the simulator did not register ${registration.url}: ${answer.error}`,
	);
	return restore;
}

module.exports = {
	WAPING,
	WEBHOOK_TRIGGER,
	credentialOf,
	createWorkflow,
	node,
	publishWorkflow,
	executionRows,
	sim,
	borrowGrowthWebhook,
};
