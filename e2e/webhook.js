#!/usr/bin/env node
'use strict';
/*
 * End-to-end suite of the WAPing Webhook Trigger in real n8n, on both n8n lines (`--line=N` for one),
 * against the WAPing simulator sending signed webhooks (simulator/webhooks.js) on 127.0.0.1:
 *
 *   1. the packed package installed as a community package; credentials with a Webhook Signing
 *      Secret; the shipped examples/reply-exactly-once.json (trigger → Send, Idempotency Key from the
 *      inbound messageId) and trigger workflows for the other events, published over REST;
 *   2. the production URL registered in the simulator (its GET handshake), the POST url.verification;
 *   3. inbound messages delivered several times, one after the other and at the same moment: one
 *      execution (mode webhook) per event, one reply accepted per message;
 *   4. a wrong secret, a tampered body, no signature: 401, nothing started, a line in n8n's log;
 *   5. publishing refused: Verification None without the risk option, a Free workspace;
 *   6. Message Status Changed, Session Changed, and an unknown event with Any Event (raw);
 *   7. a redelivery after n8n restarts (same user folder): nothing started;
 *   8. queue mode (PostgreSQL, Redis): a main, a webhook process and two workers; deliveries to the
 *      webhook process; the same event at the same moment to the main and the webhook process
 *      measured (n8n cannot make that exact: dedupe.ts), its reply still single.
 *
 * Ends with `webhook: N passed, N failed`. WAPING_E2E_KEEP=1 keeps the work folder (kept anyway when
 * a check failed).
 */
const assert = require('assert/strict');
const crypto = require('crypto');
const fs = require('fs');
const fsp = require('fs/promises');
const path = require('path');

const rt = require('../scripts/n8n-runtime');
const demo = require('../scripts/demo');
const { demoKeys } = require('../simulator');
const { hmacSignature } = require('../simulator/signing');
const { createSuite } = require('./harness/runner');
const stack = require('./harness/stack');
const { wapingNode, workflow, editor } = require('./harness/workflows');
const { sleep, waitFor } = require('./harness/util');
const kit = require('./webhook-kit');
const errors = require('./webhook-errors');

const s = createSuite('webhook', {
	lines: __filename,
	keepEnv: 'WAPING_E2E_KEEP',
	footer: (suite) =>
		`\nn8n ${suite.line.n8nVersion}, Node ${suite.line.nodeVersion}; ${suite.elapsed()}`,
});
const { out, say, check, section, elapsed } = s;

const TRIGGER_TYPE = demo.WEBHOOK_TRIGGER_TYPE;
const SECRET = 'waping-e2e-webhook-secret';
const OWNER = { email: 'owner@example.com', password: 'WapingE2e-Passw0rd' };
const REPLY_TRIGGER = 'When a WhatsApp message arrives';
const TRIGGER = 'WAPing Webhook Trigger';

const CREDENTIALS = {
	growth: { id: 'whGrowth', name: 'WAPing webhook e2e: Growth', apiKey: demoKeys.growth },
	pro: { id: 'whPro', name: 'WAPing webhook e2e: Pro', apiKey: demoKeys.pro },
	starter: { id: 'whStarter', name: 'WAPing webhook e2e: Starter', apiKey: demoKeys.starter },
	free: { id: 'whFree', name: 'WAPing webhook e2e: Free', apiKey: demoKeys.free },
	freeDeclared: {
		id: 'whFreeDecl',
		name: 'WAPing webhook e2e: Free (declared)',
		apiKey: demoKeys.free,
		plan: 'free',
	},
};

// workflow ids: 16 characters at most (n8n 1.x saves static data only for those)
const REPLY = 'whReply';
const EVENTS = 'whEvents';
const ANY = 'whAny';
const NONE = 'whNone';
const FREE = 'whFree';
const FREE_DECLARED = 'whFreeDecl';
const STARTED = 'whStarted';

/** The credentials' import form, each with the Webhook Signing Secret. */
const credentialsFor = (list, baseUrl) =>
	list.map((c) => ({
		id: c.id,
		name: c.name,
		type: demo.CREDENTIAL_TYPE,
		data: { apiKey: c.apiKey, baseUrl, plan: c.plan || 'auto', webhookSecret: SECRET },
	}));

const triggerNode = (cred, parameters) =>
	wapingNode(TRIGGER, parameters, cred, {
		type: TRIGGER_TYPE,
		position: [0, 0],
		webhookId: crypto.randomUUID(),
	});

/** The shipped example, with the Growth credential. */
function replyWorkflow() {
	const shipped = JSON.parse(
		fs.readFileSync(path.join(demo.EXAMPLES_DIR, 'reply-exactly-once.json'), 'utf8'),
	);
	const wf = demo.clone(shipped);
	wf.id = REPLY;
	for (const node of wf.nodes)
		if (node.credentials)
			node.credentials = {
				wapingApi: { id: CREDENTIALS.growth.id, name: CREDENTIALS.growth.name },
			};
	return { wf, shipped };
}

function otherWorkflows() {
	return [
		workflow(EVENTS, 'webhook e2e: status and session events (Pro)', [
			triggerNode(CREDENTIALS.pro, { events: ['messageStatus', 'sessionChanged'] }),
		]),
		workflow(ANY, 'webhook e2e: any event (Starter)', [
			triggerNode(CREDENTIALS.starter, { events: ['anyEvent'] }),
		]),
		workflow(NONE, 'webhook e2e: Verification None, risk not confirmed', [
			triggerNode(CREDENTIALS.growth, { events: ['messageReceived'], verification: 'none' }),
		]),
		workflow(FREE, 'webhook e2e: Free workspace', [
			triggerNode(CREDENTIALS.free, { events: ['messageReceived'] }),
		]),
		workflow(FREE_DECLARED, 'webhook e2e: Free declared', [
			triggerNode(CREDENTIALS.freeDeclared, { events: ['messageReceived'] }),
		]),
		workflow(STARTED, 'webhook e2e: Answer WAPing once the execution is created', [
			triggerNode(CREDENTIALS.growth, {
				events: ['messageReceived'],
				options: { answer: 'started' },
			}),
		]),
	];
}

const webhookIdOf = (wf) => wf.nodes.find((n) => n.type === TRIGGER_TYPE).webhookId;
const urlOf = (baseUrl, wf) => `${baseUrl}/webhook/${webhookIdOf(wf)}`;
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The event id of each execution's trigger item, in execution order. */
async function eventIdsOf(api, executions, nodeName) {
	const ids = [];
	for (const e of executions)
		for (const item of await kit.itemsOf(api, e.id, nodeName)) ids.push(item.eventId);
	return ids;
}

// ---------------------------------------------------------------------------------------------
// repeated deliveries: the same checks in regular and queue mode

/**
 * `count` messages, each delivered `times` times (one after the other, or at the same moment), to
 * the registered URL; resolves the inbound messages, the attempts and the executions after them.
 */
async function repeated(ctx, { count, times, concurrent, prefix }) {
	const before = (await kit.executionsOf(ctx.api, ctx.workflowId)).length;
	const inbound = await kit.inboundMessages(ctx.sim, {
		deviceId: 'dev_123',
		count,
		times,
		concurrent,
		prefix,
	});
	const rows = await kit.deliveredOk(
		ctx.sim,
		inbound.map((m) => m.eventId),
		times,
	);
	const list = await kit.settledExecutions(ctx.api, ctx.workflowId, before + count);
	const fresh = list.slice(before);
	return { inbound, rows, before, list, fresh };
}

async function checkRepeated(ctx, { count, times, concurrent, prefix, exact, where }) {
	const how = concurrent ? 'at the same moment' : 'one after the other';
	const r = await repeated(ctx, { count, times, concurrent, prefix });
	const answered = r.rows.filter((d) => d.ok).length;
	const started = r.fresh.length;
	say(
		`measured: ${count} messages × ${times} copies ${how}${where}: ${answered} deliveries answered 2xx, ${r.rows.length - answered} not; ${plural(started, 'execution')} started`,
	);
	const ids = await eventIdsOf(ctx.api, r.fresh, REPLY_TRIGGER);
	const text = `${plural(count, 'inbound message')} delivered ${times} times each ${how}${where} started ${plural(started, 'execution')}${exact ? ' (mode webhook), one per event id' : ''}`;
	if (exact)
		check(text, () => {
			assert.equal(started, count, JSON.stringify(r.fresh));
			assert.ok(
				r.fresh.every((e) => e.mode === 'webhook' && e.status === 'success'),
				JSON.stringify(r.fresh),
			);
			assert.deepEqual([...ids].sort(), r.inbound.map((m) => m.eventId).sort());
		});
	else
		check(`${text}: at least one per event, all mode webhook`, () => {
			assert.ok(started >= count, JSON.stringify(r.fresh));
			assert.deepEqual([...new Set(ids)].sort(), r.inbound.map((m) => m.eventId).sort());
			assert.ok(
				r.fresh.every((e) => e.mode === 'webhook'),
				JSON.stringify(r.fresh),
			);
		});
	const replies = await kit.repliesTo(ctx.sim, r.inbound);
	check(
		`WAPing accepted one reply to each of the ${count} messages (Idempotency-Key reply-<messageId>)`,
		() => kit.assertOneReplyEach(replies, r.inbound),
	);
	return { started, count };
}

// ---------------------------------------------------------------------------------------------

s.run(async (LINE) => {
	const work = await s.tempDir('waping-webhook-e2e-', { keepOnFailure: true });
	await fsp.chmod(work, 0o711); // PostgreSQL (queue mode) runs as its own user inside it
	out(`webhook: n8n ${LINE.n8nVersion} on Node ${LINE.nodeVersion}; work folder ${work}`);
	section('runtime, build, pack, install');
	const runtime = await stack.runtime(LINE, (m) => say(`[n8n-runtime] ${m}`));
	const tarball = await stack.buildAndPack(work);
	check('the tarball holds the WAPing Webhook Trigger', () =>
		assert.ok(
			tarball.files.includes('dist/nodes/WapingWebhookTrigger/WapingWebhookTrigger.node.js'),
		),
	);
	// queue mode's services, folders and database are prepared while the regular part runs
	const prepared = prepareQueue(runtime, tarball, work);
	prepared.catch(() => {}); // awaited (and reported) by queueMode
	try {
		await regular(LINE, runtime, tarball, work);
	} finally {
		// whatever it started is registered for clean-up before the suite cleans up
		await prepared.catch(() => {});
	}
	await queueMode(LINE, runtime, prepared);
});

// ---------------------------------------------------------------------------------------------
// one n8n process (SQLite)

async function regular(LINE, runtime, tarball, work) {
	const folder = await stack.n8nFolder({
		runtime,
		userFolder: path.join(work, 'n8n-user'),
		tarball,
		onCleanup: s.onCleanup,
	});
	const sim = await stack.simulator({}, s.onCleanup);
	// accepted messages go queued → sent → delivered → read quickly, none failed
	await kit.simPost(sim, '/__sim/config', { statuses: { stepMs: 300, failed: 0 } });
	await folder.importCredentials(
		credentialsFor([...Object.values(CREDENTIALS), errors.REVOKED], sim.url),
	);
	const { wf: reply, shipped } = replyWorkflow();
	const others = otherWorkflows();
	const byId = Object.fromEntries([reply, ...others].map((w) => [w.id, w]));
	check(
		'the shipped example: WAPing Webhook Trigger (Message Received) → Send to {{$json.from}}, Idempotency Key reply-{{ $json.messageId }}',
		() => {
			const trig = shipped.nodes.find((n) => n.type === TRIGGER_TYPE);
			assert.deepEqual(trig.parameters.events, ['messageReceived']);
			const send = shipped.nodes.find((n) => n.type === demo.NODE_TYPE);
			assert.equal(send.parameters.to, '={{ $json.from }}');
			assert.equal(send.parameters.options.idempotencyKey, '=reply-{{ $json.messageId }}');
			assert.deepEqual(
				shipped.connections[trig.name].main[0].map((c) => c.node),
				[send.name],
			);
		},
	);
	const failing = errors.errorWorkflows(CREDENTIALS.growth);
	await folder.importWorkflow([reply, ...others, ...failing]);
	say(`simulator on ${sim.url}; 6 credentials and ${1 + others.length + 2} workflows imported`);

	section('n8n start; publish');
	const port = await rt.freePort();
	let server = await folder.start({ port });
	let api = editor(server.baseUrl, (await rt.setupOwner(server.baseUrl, OWNER)).cookie);
	// n8n 2.41 retries a failing activation for about 15 s before it says so: read those later
	const outcomes = Object.fromEntries(
		[REPLY, EVENTS, ANY, NONE, FREE, FREE_DECLARED, STARTED].map((id) => [
			id,
			kit.publishOutcome(api, id, LINE.line),
		]),
	);
	for (const id of [REPLY, EVENTS, ANY, STARTED]) {
		const status = await outcomes[id];
		check(`${byId[id].name}: published, its trigger activated`, () => {
			assert.equal(status.status, 'published', JSON.stringify(status));
			assert.deepEqual(
				status.triggers.map((t) => t.status),
				['activated'],
			);
		});
	}

	// -------------------------------------------------------------------------------------
	section('the handshakes');
	const replyUrl = urlOf(server.baseUrl, reply);
	await kit.register(sim, { workspace: 'ws_growth', url: replyUrl, secret: SECRET });
	{
		const rows = (await kit.deliveries(sim)).filter((d) => d.type === 'handshake.get');
		const listed = (await kit.simCall(sim, 'GET', '/__sim/webhooks')).body.webhooks;
		check(
			"the reply workflow's production URL <n8n>/webhook/<webhookId> passed the simulator's GET handshake and is registered for ws_growth",
			() => {
				assert.ok(
					rows.some((d) => d.url === replyUrl && d.ok && d.status === 200),
					JSON.stringify(rows),
				);
				assert.deepEqual(
					listed.map((w) => [w.workspace, w.url]),
					[['ws_growth', replyUrl]],
				);
			},
		);
	}
	{
		const u = new URL(replyUrl);
		const get = await rt.request(u.origin, 'GET', `${u.pathname}?challenge=e2e-challenge-42`);
		check(
			'GET <url>?challenge=e2e-challenge-42 is answered 200 text/plain "e2e-challenge-42"',
			() => {
				assert.equal(get.status, 200, get.text);
				assert.equal(get.text, 'e2e-challenge-42');
				assert.match(String(get.headers['content-type']), /^text\/plain/);
			},
		);
		const post = await kit.simPost(sim, '/__sim/deliver', {
			workspace: 'ws_growth',
			body: { type: 'url.verification', challenge: 'e2e-post-challenge' },
		});
		check(
			'a signed POST { type: url.verification, challenge } is answered 200 { challenge }',
			() => {
				assert.equal(post.status, 200, JSON.stringify(post));
				assert.deepEqual(JSON.parse(post.body), { challenge: 'e2e-post-challenge' });
			},
		);
	}
	await kit.register(sim, {
		workspace: 'ws_pro',
		url: urlOf(server.baseUrl, byId[EVENTS]),
		secret: SECRET,
	});
	await kit.register(sim, {
		workspace: 'ws_starter',
		url: urlOf(server.baseUrl, byId[ANY]),
		secret: SECRET,
		handshake: 'post',
	});
	{
		const rows = (await kit.deliveries(sim)).filter((d) => d.type === 'handshake.post');
		check('the Any Event workflow passed the POST handshake (signed url.verification)', () =>
			assert.ok(
				rows.some((d) => d.ok && d.status === 200),
				JSON.stringify(rows),
			),
		);
		const replyRuns = await kit.settledExecutions(api, REPLY, 0);
		const anyRuns = await kit.settledExecutions(api, ANY, 0, { quietMs: 0 });
		check('the handshakes started no execution', () => {
			assert.deepEqual(replyRuns, []);
			assert.deepEqual(anyRuns, []);
		});
	}

	// -------------------------------------------------------------------------------------
	section('repeated deliveries: one execution per event, one reply per message');
	const ctx = { sim, api, workflowId: REPLY };
	await checkRepeated(ctx, {
		count: 3,
		times: 3,
		concurrent: false,
		prefix: '1000',
		exact: true,
		where: '',
	});
	await checkRepeated(ctx, {
		count: 3,
		times: 3,
		concurrent: true,
		prefix: '2000',
		exact: true,
		where: '',
	});

	// -------------------------------------------------------------------------------------
	section('bad signatures: 401, nothing started');
	{
		const before = (await kit.executionsOf(api, REPLY)).length;
		const repliesBefore = (await kit.accepted(sim)).length;
		const event = (text) =>
			kit.messageEvent({
				id: kit.newEventId('bad'),
				deviceId: 'dev_123',
				from: '+4915130000001',
				text,
				workspaceId: 'ws_growth',
			});
		const wrong = event('signed with another secret');
		const wrongRaw = JSON.stringify(wrong);
		const original = event('the text WAPing signed');
		const tampered = { ...original, data: { ...original.data, text: 'a text someone changed' } };
		const answers = {
			'a wrong secret': await kit.simPost(sim, '/__sim/deliver', {
				workspace: 'ws_growth',
				raw: wrongRaw,
				headers: { 'x-waping-signature': hmacSignature('not-the-secret', wrongRaw) },
			}),
			'a tampered body': await kit.simPost(sim, '/__sim/deliver', {
				workspace: 'ws_growth',
				raw: JSON.stringify(tampered),
				headers: { 'x-waping-signature': hmacSignature(SECRET, JSON.stringify(original)) },
			}),
			'no signature': await kit.simPost(sim, '/__sim/deliver', {
				workspace: 'ws_growth',
				body: event('unsigned'),
				sign: false,
			}),
		};
		for (const [what, a] of Object.entries(answers))
			check(`${what}: answered 401 { error: "signature" }`, () => {
				assert.equal(a.status, 401, JSON.stringify(a));
				assert.equal(JSON.parse(a.body).error, 'signature');
			});
		const after = await kit.settledExecutions(api, REPLY, before);
		const repliesAfter = (await kit.accepted(sim)).length;
		check('none of them started an execution or a reply', () => {
			assert.equal(after.length, before, JSON.stringify(after.slice(before)));
			assert.equal(repliesAfter, repliesBefore);
		});
		const log = server.output();
		const warned = log
			.split('\n')
			.filter((l) => l.includes('refused a request that failed verification'));
		check(
			`n8n's log says so (${plural(warned.length, 'line')} "WAPing Webhook Trigger refused a request that failed verification (hmacSha256): …"), without the secret or the key`,
			() => {
				assert.equal(warned.length, 3, warned.join('\n'));
				assert.ok(!log.includes(SECRET), 'the secret is in the log');
				for (const key of Object.values(demoKeys))
					assert.ok(!log.includes(key), 'a key is in the log');
			},
		);
	}

	// -------------------------------------------------------------------------------------
	section('publishing refused');
	{
		const [none, free, freeDeclared] = await Promise.all(
			[NONE, FREE, FREE_DECLARED].map((id) => outcomes[id]),
		);
		const failedWith = (status, words) => {
			assert.equal(status.status, 'failed', JSON.stringify(status));
			assert.deepEqual(
				status.triggers.map((t) => t.status),
				['failed'],
			);
			assert.ok(status.triggers[0].errorMessage.includes(words), status.triggers[0].errorMessage);
		};
		const said = (status) =>
			(status.triggers && status.triggers[0] && status.triggers[0].errorMessage) ||
			status.error ||
			'';
		check(`Verification None without "Accept Unverified Requests": refused: ${said(none)}`, () =>
			failedWith(
				none,
				'This trigger would accept requests from anyone: Verification is set to None',
			),
		);
		// n8n 1.x shows an API error's description (how to fix it), 2.41 its message (what happened)
		const planWords =
			LINE.line === 1
				? 'the plan does not include the REST API (the Free plan has none). Upgrade to Starter or above'
				: "the workspace's plan has no API access";
		check(`a Free workspace (WAPing answers 403): refused: ${said(free)}`, () =>
			failedWith(free, planWords),
		);
		check(`a credential declaring Free: refused: ${said(freeDeclared)}`, () =>
			failedWith(
				freeDeclared,
				'The WAPing Free plan has no webhooks, so this trigger would never receive an event',
			),
		);
	}

	// -------------------------------------------------------------------------------------
	section('events: Message Status Changed, Session Changed, Any Event');
	{
		const sent = await rt.request(sim.url, 'POST', '/v1/messages', {
			body: {
				deviceId: 'dev_pro_001',
				to: '+4915140000001',
				type: 'text',
				text: { body: 'a message whose states come back' },
			},
			headers: { authorization: `Bearer ${demoKeys.pro}` },
		});
		assert.equal(sent.status, 202, sent.text);
		const statusRuns = await kit.settledExecutions(api, EVENTS, 4, { quietMs: 1500 });
		const statusItems = [];
		for (const e of statusRuns) statusItems.push(...(await kit.itemsOf(api, e.id, TRIGGER)));
		check(
			'a message sent on the Pro workspace: 4 executions, its states queued, sent, delivered, read (event message.status)',
			() => {
				assert.equal(statusRuns.length, 4, JSON.stringify(statusRuns));
				assert.deepEqual(
					statusItems.map((i) => [i.event, i.messageId, i.status, i.deviceId]),
					['queued', 'sent', 'delivered', 'read'].map((st) => [
						'message.status',
						sent.body.id,
						st,
						'dev_pro_001',
					]),
				);
			},
		);
		await kit.simPost(sim, '/__sim/devices', { id: 'dev_pro_002', status: 'disconnected' });
		const all = await kit.settledExecutions(api, EVENTS, 5);
		const [session] = await kit.itemsOf(api, all[4].id, TRIGGER);
		check(
			'a device change (POST /__sim/devices dev_pro_002 → disconnected): one execution, event session.changed, state disconnected, previousState connected',
			() => {
				assert.equal(all.length, 5, JSON.stringify(all));
				assert.deepEqual(
					[session.event, session.deviceId, session.state, session.previousState],
					['session.changed', 'dev_pro_002', 'disconnected', 'connected'],
				);
			},
		);
		const unknown = {
			id: kit.newEventId('unknown'),
			type: 'contact.updated',
			createdAt: new Date().toISOString(),
			workspaceId: 'ws_starter',
			deviceId: 'dev_solo',
			data: { contact: '+4915150000001', name: 'Ada' },
		};
		const answer = await kit.simPost(sim, '/__sim/deliver', {
			workspace: 'ws_starter',
			body: unknown,
		});
		const anyRuns = await kit.settledExecutions(api, ANY, 1);
		const [item] = await kit.itemsOf(api, anyRuns[0].id, TRIGGER);
		check(
			'an event the node does not know (contact.updated) with Any Event: answered 200, one execution, the event raw on its item',
			() => {
				assert.equal(answer.status, 200, JSON.stringify(answer));
				assert.equal(anyRuns.length, 1, JSON.stringify(anyRuns));
				assert.equal(item.event, 'contact.updated');
				assert.equal(item.eventId, unknown.id);
				assert.deepEqual(item.raw, unknown);
			},
		);
	}

	section('a bad key in a version 2 WAPing node: a failed execution and the error workflow');
	const failingUrl = urlOf(server.baseUrl, failing[0]);
	await errors.checkErrorWorkflow({ api, check, line: LINE.line, url: failingUrl, secret: SECRET });

	// -------------------------------------------------------------------------------------
	section('a redelivery after n8n restarts');
	{
		const event = kit.messageEvent({
			id: kit.newEventId('restart'),
			deviceId: 'dev_123',
			from: '+4915160000001',
			text: 'before the restart',
			workspaceId: 'ws_growth',
		});
		const inbound = [{ from: event.data.from, messageId: event.data.messageId }];
		const before = (await kit.executionsOf(api, REPLY)).length;
		const first = await kit.simPost(sim, '/__sim/deliver', { workspace: 'ws_growth', body: event });
		const runs = await kit.settledExecutions(api, REPLY, before + 1);
		await check('the event delivered once: answered 200, one execution, one reply', async () => {
			assert.equal(first.status, 200, JSON.stringify(first));
			assert.equal(runs.length, before + 1);
			kit.assertOneReplyEach(await kit.repliesTo(sim, inbound), inbound);
		});
		// Answer WAPing: Once the Execution Is Created: n8n answers, after its run() (n8n 2.x), and
		// the ledger must still be saved (receive.ts, answerAfterStart).
		const startedUrl = urlOf(server.baseUrl, byId[STARTED]);
		const startedEvent = kit.messageEvent({
			id: kit.newEventId('started'),
			deviceId: 'dev_123',
			from: '+4915160000003',
			text: 'answered once the execution exists',
			workspaceId: 'ws_growth',
		});
		const startedFirst = await kit.postSigned(startedUrl, startedEvent, SECRET);
		const startedRuns = await kit.settledExecutions(api, STARTED, 1);
		check(
			'Answer WAPing "Once the Execution Is Created": answered 200 { started: 1 } by n8n, one execution',
			() => {
				assert.equal(startedFirst.status, 200, JSON.stringify(startedFirst));
				assert.equal(startedFirst.body?.started, 1, startedFirst.text);
				assert.equal(startedRuns.length, 1, JSON.stringify(startedRuns));
			},
		);
		const stopped = await server.stop();
		check('n8n stops on SIGTERM', () =>
			assert.ok(stopped.code === 0 || stopped.signal === 'SIGTERM', JSON.stringify(stopped)),
		);
		const downAt = Date.now();
		server = await folder.start({ port });
		api = editor(server.baseUrl, (await rt.login(server.baseUrl, OWNER)).cookie);
		// n8n serves its REST API before it has activated every workflow: a 404 is "not yet"
		let again;
		await waitFor('the trigger to be served again after the start', 30000, async () => {
			again = await kit.simPost(sim, '/__sim/deliver', { workspace: 'ws_growth', body: event });
			return again.status !== 404;
		}).catch(() => {});
		say(`n8n up again ${((Date.now() - downAt) / 1000).toFixed(1)} s after the stop`);
		const after = await kit.settledExecutions(api, REPLY, before + 1, { quietMs: 3000 });
		const body = again && again.body ? JSON.parse(again.body) : {};
		await check(
			'the same event id redelivered after the restart: answered 200 { started: 0, duplicates: 1 }, no new execution, no second reply',
			async () => {
				assert.equal(again.status, 200, JSON.stringify(again));
				assert.deepEqual([body.started, body.duplicates], [0, 1], JSON.stringify(body));
				assert.equal(after.length, before + 1, JSON.stringify(after.slice(before)));
				kit.assertOneReplyEach(await kit.repliesTo(sim, inbound), inbound);
			},
		);
		const startedAgain = await kit.postSigned(startedUrl, startedEvent, SECRET);
		const startedAfter = await kit.settledExecutions(api, STARTED, 1, { quietMs: 2000 });
		check(
			'Answer WAPing "Once the Execution Is Created": the same event after the restart is a duplicate (the ledger was saved), no new execution',
			() => {
				assert.equal(startedAgain.status, 200, JSON.stringify(startedAgain));
				const answer = startedAgain.body ?? {};
				assert.deepEqual([answer.started, answer.duplicates], [0, 1], startedAgain.text);
				assert.equal(startedAfter.length, 1, JSON.stringify(startedAfter));
			},
		);
		const fresh = kit.messageEvent({
			id: kit.newEventId('after'),
			deviceId: 'dev_123',
			from: '+4915160000002',
			text: 'after the restart',
			workspaceId: 'ws_growth',
		});
		await kit.simPost(sim, '/__sim/deliver', { workspace: 'ws_growth', body: fresh });
		const later = await kit.settledExecutions(api, REPLY, before + 2);
		check('a new event after the restart starts one execution (the trigger is live)', () =>
			assert.equal(later.length, before + 2, JSON.stringify(later.slice(before))),
		);
		const stoppedAgain = await server.stop();
		check('n8n stops on SIGTERM again', () =>
			assert.ok(
				stoppedAgain.code === 0 || stoppedAgain.signal === 'SIGTERM',
				JSON.stringify(stoppedAgain),
			),
		);
	}
}

// ---------------------------------------------------------------------------------------------
// queue mode: a main, a webhook process and two workers on PostgreSQL and Redis

/** Redis, PostgreSQL, the package in each process's folder, the credential and workflow imported. */
async function prepareQueue(runtime, tarball, work) {
	const t0 = Date.now();
	const notes = [];
	const dir = path.join(work, 'queue');
	await fsp.mkdir(dir, { recursive: true });
	await fsp.chmod(dir, 0o711);
	const { redis, db, pg } = await stack.services(dir, {
		say: (m) => notes.push(m),
		onCleanup: s.onCleanup,
	});
	notes.push(
		`redis-server on 127.0.0.1:${redis.port}; PostgreSQL ${pg.version} on 127.0.0.1:${db.port}`,
	);
	const mainPort = await rt.freePort();
	const names = ['main', 'webhook', 'worker1', 'worker2'];
	const folders = {};
	for (const name of names)
		folders[name] = await stack.n8nFolder({
			runtime,
			userFolder: path.join(dir, name),
			tarball,
			encryptionKey: 'waping-webhook-e2e-queue-key',
			port: mainPort,
			extra: { ...stack.queueEnv({ redis, db }), WEBHOOK_URL: `http://127.0.0.1:${mainPort}/` },
		});
	const sim = await stack.simulator({}, s.onCleanup);
	await kit.simPost(sim, '/__sim/config', { statuses: { stepMs: 300, failed: 0 } });
	await folders.main.importCredentials(credentialsFor([CREDENTIALS.growth], sim.url));
	const { wf: reply } = replyWorkflow();
	await folders.main.importWorkflow([reply]);
	notes.push(
		`prepared beside the regular part in ${((Date.now() - t0) / 1000).toFixed(1)} s: the package in 4 folders, the credential and the reply example imported into PostgreSQL`,
	);
	return { dir, mainPort, names, folders, sim, reply, notes };
}

async function queueMode(LINE, runtime, prepared) {
	section('queue mode: Redis and PostgreSQL, a main, a webhook process, two workers');
	const { dir, mainPort, names, folders, sim, reply, notes } = await prepared;
	for (const note of notes) say(note);
	const n8n = await stack.startProcesses(runtime, names, (name) => folders[name].env, {
		logDir: dir,
		port: mainPort,
		onCleanup: s.onCleanup,
	});
	const main = n8n.procs.main;
	const hook = n8n.procs.webhook;
	say(`main on ${main.baseUrl}, webhook process on ${hook.baseUrl}, 2 workers (${elapsed()})`);
	const api = editor(main.baseUrl, (await rt.setupOwner(main.baseUrl, OWNER)).cookie);
	const status = await kit.publishOutcome(api, REPLY, LINE.line);
	check('queue mode: the reply example published on the main, its trigger activated', () =>
		assert.equal(status.status, 'published', JSON.stringify(status)),
	);
	const hookUrl = urlOf(hook.baseUrl, reply);
	await kit.register(sim, { workspace: 'ws_growth', url: hookUrl, secret: SECRET });
	await check(
		"queue mode: the webhook process's URL passed the simulator's GET handshake",
		async () => {
			const rows = (await kit.deliveries(sim)).filter((d) => d.type === 'handshake.get');
			assert.ok(
				rows.some((d) => d.url === hookUrl && d.ok),
				JSON.stringify(rows),
			);
		},
	);

	const ctx = { sim, api, workflowId: REPLY };
	const where = ' to the webhook process';
	await checkRepeated(ctx, {
		count: 3,
		times: 3,
		concurrent: false,
		prefix: '3000',
		exact: true,
		where,
	});
	await checkRepeated(ctx, {
		count: 3,
		times: 3,
		concurrent: true,
		prefix: '4000',
		exact: true,
		where,
	});

	// The same event to the main, then a second later to the webhook process: the ledger in the
	// static data (saved in PostgreSQL) is read by the other process: exact (dedupe.ts).
	const mainUrl = urlOf(main.baseUrl, reply);
	{
		const before = (await kit.executionsOf(api, REPLY)).length;
		const inbound = [];
		const seconds = [];
		for (let i = 0; i < 2; i++) {
			const event = kit.messageEvent({
				id: kit.newEventId('later'),
				deviceId: 'dev_123',
				from: `+49151600000${i}`,
				text: `to one process, then the other ${i}`,
				workspaceId: 'ws_growth',
			});
			inbound.push({ from: event.data.from, messageId: event.data.messageId });
			const first = await kit.postSigned(mainUrl, event, SECRET);
			await sleep(1000);
			seconds.push([first, await kit.postSigned(hookUrl, event, SECRET)]);
		}
		const list = await kit.settledExecutions(api, REPLY, before + 2);
		check(
			'queue mode: 2 events delivered to the main, then a second later to the webhook process: 2 executions, the second copies answered { started: 0, duplicates: 1 }',
			() => {
				assert.equal(list.length - before, 2, JSON.stringify(list.slice(before)));
				for (const [a, b] of seconds) {
					assert.equal(a.status, 200, a.text);
					assert.deepEqual([b.status, b.body.started, b.body.duplicates], [200, 0, 1], b.text);
				}
			},
		);
		const replies = await kit.repliesTo(sim, inbound);
		check('queue mode: one reply to each of them', () => kit.assertOneReplyEach(replies, inbound));
	}

	// The same event at the same moment to two processes: each reads the static data before either
	// saved it, and their claims are their own (dedupe.ts): measured, not exact.
	const K = 4;
	const before = (await kit.executionsOf(api, REPLY)).length;
	const inbound = [];
	const answers = [];
	for (let i = 0; i < K; i++) {
		const event = kit.messageEvent({
			id: kit.newEventId('twice'),
			deviceId: 'dev_123',
			from: `+49151500000${i}`,
			text: `to two processes ${i}`,
			workspaceId: 'ws_growth',
		});
		inbound.push({ from: event.data.from, messageId: event.data.messageId });
		answers.push(
			...(await Promise.all([
				kit.postSigned(mainUrl, event, SECRET),
				kit.postSigned(hookUrl, event, SECRET),
			])),
		);
	}
	const list = await kit.settledExecutions(api, REPLY, before + K, { quietMs: 3000 });
	const started = list.length - before;
	const bothStarted = answers.filter((a) => a.body && a.body.started === 1).length - K;
	say(
		`measured: ${K} events, each delivered at the same moment to the main and the webhook process: ${plural(started, 'execution')} started (exact would be ${K}; ${plural(Math.max(bothStarted, 0), 'event')} started by both processes)`,
	);
	check(
		`queue mode: ${K} events each delivered at once to the main and the webhook process: all answered 200, ${plural(started, 'execution')} (measured, not exact: ${K} to ${2 * K})`,
		() => {
			assert.ok(
				answers.every((a) => a.status === 200),
				JSON.stringify(answers.map((a) => a.status)),
			);
			assert.ok(started >= K && started <= 2 * K, `${started}`);
		},
	);
	const replies = await kit.repliesTo(sim, inbound);
	check(
		`queue mode: even so, WAPing accepted one reply to each of the ${K} messages (Idempotency Key from the inbound messageId)`,
		() => kit.assertOneReplyEach(replies, inbound),
	);
	for (const name of names) {
		const errors = n8n.logs[name].filter((l) => stack.LOAD_FAILURE.test(l.message));
		check(`queue mode: ${name} loaded the package without errors`, () =>
			assert.deepEqual(errors, []),
		);
	}
}
