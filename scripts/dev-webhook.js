'use strict';
/*
 * The webhook demo of `npm run dev`: the reply workflow (scripts/demo.js replyWorkflow) published in
 * n8n, and its production URL registered in the simulator for the Growth workspace, signed with the
 * demo Webhook Signing Secret. Everything here fails soft: it answers a sentence for the banner and
 * never stops `npm run dev`.
 *
 * Plain CommonJS for Node 20.
 */
const fs = require('fs');
const path = require('path');

const rt = require('./n8n-runtime');
const demo = require('./demo');

/** Whether the built package has the WAPing Webhook Trigger (it is declared and compiled). */
function hasWebhookTrigger() {
	const file = 'dist/nodes/WapingWebhookTrigger/WapingWebhookTrigger.node.js';
	const pkg = JSON.parse(fs.readFileSync(path.join(demo.REPO, 'package.json'), 'utf8'));
	return (pkg.n8n?.nodes ?? []).includes(file) && fs.existsSync(path.join(demo.REPO, file));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Publishes a workflow as the editor does; resolves undefined, or why it did not publish. */
async function publish(baseUrl, cookie, line, workflowId) {
	const get = await rt.request(baseUrl, 'GET', `/rest/workflows/${workflowId}`, { cookie });
	if (get.status !== 200) return `n8n does not have the workflow (${get.status})`;
	const { versionId } = get.body.data;
	const r = await rt.request(baseUrl, 'POST', `/rest/workflows/${workflowId}/activate`, {
		cookie,
		body: { versionId },
	});
	const said = (res) => (res.body && res.body.message) || res.text.slice(0, 300);
	if (r.status !== 200) return `n8n refused to publish it: ${said(r)}`;
	if (line === 1) return undefined; // 1.x activates within the request
	for (const end = Date.now() + 20000; Date.now() < end; await sleep(250)) {
		const s = await rt.request(baseUrl, 'GET', `/rest/workflows/${workflowId}/publication-status`, {
			cookie,
		});
		const status = s.body && s.body.data;
		if (!status || status.status === 'in_progress') continue;
		if (status.status === 'published') return undefined;
		const why = (status.triggers || []).map((t) => t.errorMessage).filter(Boolean);
		return `publishing failed: ${why.join('; ') || JSON.stringify(status).slice(0, 300)}`;
	}
	return 'publishing did not finish within 20 s';
}

/**
 * Publishes the reply workflow and registers its production URL for ws_growth. Resolves
 * { ok, lines } for the banner.
 * @param {{ baseUrl: string, cookie?: string, line: number, sim: import('../simulator').Simulator, imported: boolean }} options
 */
async function setUpWebhookDemo({ baseUrl, cookie, line, sim, imported }) {
	const name = demo.replyWorkflow().name;
	const fail = (why) => ({
		ok: false,
		lines: [
			`  Webhooks   not set up: ${why}.`,
			'             Everything else works; the simulator page shows messages and devices.',
		],
	});
	if (!imported)
		return fail('this build has no WAPing Webhook Trigger (nodes/WapingWebhookTrigger) yet');
	if (!cookie) return fail('cannot log in to n8n to publish the demo workflow');
	try {
		const notPublished = await publish(baseUrl, cookie, line, demo.REPLY_WORKFLOW_ID);
		if (notPublished) return fail(`"${name}" ${notPublished}`);
		const url = `${baseUrl}/webhook/${demo.REPLY_WEBHOOK_ID}`;
		await sim.registerWebhook({
			workspace: 'ws_growth',
			url,
			scheme: 'hmacSha256',
			secret: demo.DEMO_WEBHOOK_SECRET,
			handshake: 'get',
		});
		return {
			ok: true,
			lines: [
				`  Webhooks   "${name}"`,
				"             is published; the simulator sends the Growth workspace's events to",
				`             ${url}`,
				'             (signed with the demo Webhook Signing Secret). Try it: on the simulator page,',
				'             "Send as a contact" to dev_123; the reply shows in "Messages WAPing accepted".',
			],
		};
	} catch (e) {
		return fail(e && e.message ? e.message : String(e));
	}
}

module.exports = { hasWebhookTrigger, setUpWebhookDemo };
