'use strict';
/*
 * What e2e/webhook.js needs beyond e2e/harness/: the simulator's webhook control routes over HTTP
 * (register, inbound, deliver, deliveries, messages), a delivery signed by the test itself (the same
 * bytes to two n8n processes at once), and a workflow's executions counted once they settled.
 * Plain CommonJS for Node 20.
 */
const assert = require('assert/strict');
const crypto = require('crypto');

const rt = require('../scripts/n8n-runtime');
const { hmacSignature } = require('../simulator/signing');
const { sleep, waitFor } = require('./harness/util');

/** A call to the simulator's control routes: resolves { status, body, text }. */
const simCall = (sim, method, urlPath, body) =>
	rt.request(sim.url, method, urlPath, { body, timeoutMs: 60000 });

/** POST to a control route that must answer 200: its JSON, or throws with what it said. */
async function simPost(sim, urlPath, body) {
	const r = await simCall(sim, 'POST', urlPath, body);
	if (r.status !== 200) throw new Error(`POST ${urlPath}: ${r.status} ${r.text.slice(0, 300)}`);
	return r.body;
}

/** Every delivery attempt the simulator made (GET /__sim/webhooks/deliveries). */
async function deliveries(sim) {
	return (await simCall(sim, 'GET', '/__sim/webhooks/deliveries')).body.deliveries;
}

/** The messages WAPing accepted (GET /__sim/messages). */
async function accepted(sim) {
	return (await simCall(sim, 'GET', '/__sim/messages')).body.messages;
}

/**
 * Registers `url` for a workspace with HMAC-SHA256 and `secret`, trying again while n8n does not
 * serve the URL yet (a webhook registered just after publishing, or by another process).
 */
async function register(sim, { workspace, url, secret, handshake = 'get', timeoutMs = 30000 }) {
	let last;
	await waitFor(`the simulator to register ${url}`, timeoutMs, async () => {
		last = await simCall(sim, 'POST', '/__sim/webhooks', {
			workspace,
			url,
			scheme: 'hmacSha256',
			secret,
			handshake,
			// generous under load: a slow answer would be retried (and de-duplicated), not lost
			retry: { attempts: 5, baseMs: 200, timeoutMs: 15000 },
		});
		return last.status === 200;
	}).catch(() => {
		throw new Error(`POST /__sim/webhooks: ${last && last.status} ${last && last.text}`);
	});
	return last.body;
}

/** Waits until every copy of each event got a 2xx; resolves the attempts for those events. */
async function deliveredOk(sim, eventIds, copies, timeoutMs = 60000) {
	const ids = new Set(eventIds);
	let rows = [];
	await waitFor(
		`${copies} answered copies of ${eventIds.length} event(s)`,
		timeoutMs,
		async () => {
			rows = (await deliveries(sim)).filter((d) => ids.has(d.eventId));
			return eventIds.every((id) => rows.filter((d) => d.eventId === id && d.ok).length >= copies);
		},
		{
			otherwise: () => {
				throw new Error(`not every copy was answered 2xx: ${JSON.stringify(rows).slice(0, 800)}`);
			},
		},
	);
	return rows;
}

/** `count` contacts write to a device, each message delivered `times` times: [{ eventId, messageId, from }]. */
async function inboundMessages(sim, { deviceId, count, times, concurrent, prefix }) {
	const sent = [];
	for (let i = 0; i < count; i++) {
		const from = `+49151${prefix}${String(i).padStart(2, '0')}`;
		const answer = await simPost(sim, '/__sim/inbound', {
			deviceId,
			from,
			text: `hello ${i}`,
			times,
			concurrent,
		});
		sent.push({ ...answer, from });
	}
	return sent;
}

/** A canonical message.received event (the webhook contract) with a fixed id. */
function messageEvent({ id, deviceId, from, to = '+14155550123', text, workspaceId }) {
	const messageId = `wamid_${id.toUpperCase()}`;
	return {
		id,
		type: 'message.received',
		createdAt: new Date().toISOString(),
		workspaceId,
		deviceId,
		data: {
			messageId,
			from,
			to,
			chatId: `${from.slice(1)}@s.whatsapp.net`,
			isGroup: false,
			fromMe: false,
			type: 'text',
			text,
			timestamp: new Date().toISOString(),
		},
	};
}

/** POSTs `event` signed with HMAC-SHA256 (hex) of its exact bytes to `url`: { status, body, text }. */
async function postSigned(url, event, secret) {
	const raw = JSON.stringify(event); // rt.request sends JSON.stringify(body): the same bytes
	const u = new URL(url);
	return await rt.request(u.origin, 'POST', u.pathname, {
		body: event,
		headers: { 'x-waping-signature': hmacSignature(secret, raw) },
		timeoutMs: 60000,
	});
}

/** A workflow's executions, oldest first: [{ id, status, mode, finished }]. */
async function executionsOf(api, workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const data = await api.rest('GET', `/rest/executions?filter=${filter}&limit=100`);
	return data.results
		.map((e) => ({
			id: e.id,
			status: e.status,
			mode: e.mode,
			finished: !['running', 'new', 'waiting'].includes(e.status),
		}))
		.sort((a, b) => Number(a.id) - Number(b.id));
}

/**
 * The workflow's executions once at least `atLeast` exist, every one finished, and none more came
 * within `quietMs` (so that a surplus execution is counted, not missed).
 */
async function settledExecutions(
	api,
	workflowId,
	atLeast,
	{ timeoutMs = 60000, quietMs = 2500 } = {},
) {
	let list = [];
	const settled = async () => {
		list = await executionsOf(api, workflowId);
		return list.length >= atLeast && list.every((e) => e.finished);
	};
	await waitFor(`${atLeast} finished executions of ${workflowId}`, timeoutMs, settled, {
		everyMs: 400,
		otherwise: () => {
			throw new Error(
				`${list.length} executions of ${workflowId} (${list.filter((e) => !e.finished).length} unfinished), expected at least ${atLeast}`,
			);
		},
	});
	for (;;) {
		const count = list.length;
		await sleep(quietMs);
		await waitFor(`the executions of ${workflowId} to finish`, timeoutMs, settled, {
			everyMs: 400,
		});
		if (list.length === count) return list;
	}
}

/** The first items the node `nodeName` put out in execution `id`. */
async function itemsOf(api, id, nodeName) {
	const exec = await api.execution(id);
	const outputs = rt.nodeOutputs(exec, nodeName);
	if (!outputs) throw new Error(`${nodeName} did not run in execution ${id}`);
	return outputs[0] || [];
}

/**
 * Publishes a workflow as the editor does and resolves its outcome (workflows.js `publish`, with a
 * longer wait: n8n 2.41 retries a failing trigger activation for about 15 s, longer on a busy
 * machine). Never rejects: a failure to get an outcome is { status: 'unknown', error }.
 */
async function publishOutcome(api, id, line, timeoutMs = 90000) {
	try {
		if (line === 1) return await api.publish(id, line);
		const r = await api.activate(id);
		if (r.status !== 200)
			return { status: 'unknown', error: `${r.status} ${r.text.slice(0, 300)}` };
		return await waitFor(`publication of ${id}`, timeoutMs, async () => {
			const status = await api.rest('GET', `/rest/workflows/${id}/publication-status`);
			return status.status === 'in_progress' ? undefined : status;
		});
	} catch (e) {
		return { status: 'unknown', error: e.message, triggers: [] };
	}
}

/** A fresh event id the node has never seen. */
const newEventId = (prefix) => `evt_${prefix}_${crypto.randomBytes(5).toString('hex')}`;

/** The replies WAPing accepted for these inbound messages: { from: [message, ...] }. */
async function repliesTo(sim, inbound) {
	const messages = await accepted(sim);
	return Object.fromEntries(inbound.map((m) => [m.from, messages.filter((x) => x.to === m.from)]));
}

/** Asserts one reply per inbound message, sent with Idempotency-Key reply-<messageId>. */
function assertOneReplyEach(replies, inbound) {
	for (const m of inbound) {
		const got = replies[m.from];
		assert.equal(got.length, 1, `${m.from}: ${got.length} replies ${JSON.stringify(got)}`);
		assert.equal(got[0].key, `reply-${m.messageId}`);
		assert.equal(got[0].deviceId, 'dev_123');
	}
}

module.exports = {
	repliesTo,
	assertOneReplyEach,
	simCall,
	simPost,
	deliveries,
	accepted,
	register,
	deliveredOk,
	inboundMessages,
	messageEvent,
	postSigned,
	executionsOf,
	settledExecutions,
	itemsOf,
	newEventId,
	publishOutcome,
};
