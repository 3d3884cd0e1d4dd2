/**
 * The simulator's webhooks (the webhook contract: what WAPing is assumed to send), checked from the
 * receiving end: a loopback receiver of this file's own, and signatures verified with node:crypto
 * written here, not the simulator's signing code.
 */
import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';

import type { Simulator } from '../simulator';
import { demoKeys, startSimulator } from '../simulator';
import { closedPort, useSimulator, watchTimers } from './helpers';

interface Received {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
	raw: string;
	at: number;
}
type Answer = { status?: number; body?: string; delayMs?: number; hang?: boolean };

/** A receiver on 127.0.0.1: answers with `answers` in turn (then `fallback`), and echoes GET challenges. */
async function receiver(fallback: Answer = { status: 200, body: 'ok' }) {
	const received: Received[] = [];
	const answers: Answer[] = [];
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			received.push({
				method: req.method ?? '',
				url: req.url ?? '',
				headers: req.headers,
				raw,
				at: Date.now(),
			});
			const challenge = new URL(req.url ?? '/', 'http://x').searchParams.get('challenge');
			if (req.method === 'GET' && challenge !== null) return void res.end(challenge);
			const parsed = raw.startsWith('{') ? JSON.parse(raw) : {};
			if (parsed.type === 'url.verification')
				return void res.end(JSON.stringify({ challenge: parsed.challenge }));
			const answer = answers.shift() ?? fallback;
			if (answer.hang) return;
			const reply = () => {
				if (res.destroyed) return;
				res.statusCode = answer.status ?? 200;
				res.end(answer.body ?? '');
			};
			if (answer.delayMs) setTimeout(reply, answer.delayMs);
			else reply();
		});
	});
	const sockets = new Set<import('node:net').Socket>();
	server.on('connection', (s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as import('node:net').AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}/hook`,
		received,
		answers,
		openSockets: () => sockets.size,
		/** The deliveries (POSTs that are not a handshake), parsed. */
		events: () =>
			received
				.filter((r) => r.method === 'POST' && !r.raw.includes('"url.verification"'))
				.map((r) => ({ ...r, body: JSON.parse(r.raw) })),
		close: () =>
			new Promise<void>((resolve) => {
				for (const s of sockets) s.destroy();
				server.close(() => resolve());
			}),
	};
}
type Receiver = Awaited<ReturnType<typeof receiver>>;

const until = async (what: string, test: () => boolean, ms = 5000) => {
	const end = Date.now() + ms;
	while (!test()) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 10));
	}
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const getJson = async (url: string): Promise<any> => (await fetch(url)).json();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const hmac = (key: string | Buffer, text: string, enc: 'hex' | 'base64') =>
	createHmac('sha256', key).update(text).digest(enc);

async function post(
	sim: Simulator,
	path: string,
	body: unknown,
	headers: Record<string, string> = {},
) {
	const res = await fetch(`${sim.url}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify(body),
	});
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	return { status: res.status, body: (await res.json()) as any };
}

const sim = useSimulator();
let rx: Receiver;
beforeEach(async () => {
	rx = await receiver();
});
afterEach(async () => {
	sim().reset(); // cancels what a test left in flight before its receiver goes
	await rx.close();
});

const register = (extra: Record<string, unknown> = {}) =>
	post(sim(), '/__sim/webhooks', {
		workspace: demoKeys.growth,
		url: rx.url,
		scheme: 'hmacSha256',
		secret: 'shh-demo-secret',
		...extra,
	});
const inbound = (extra: Record<string, unknown> = {}) =>
	post(sim(), '/__sim/inbound', {
		deviceId: 'dev_123',
		from: '+4915112345678',
		text: 'hello',
		...extra,
	});

describe('signatures: each scheme verifies with an independent implementation', () => {
	test.each([
		['hex', (raw: string) => hmac('shh-demo-secret', raw, 'hex')],
		['base64', (raw: string) => hmac('shh-demo-secret', raw, 'base64')],
		['sha256=hex', (raw: string) => `sha256=${hmac('shh-demo-secret', raw, 'hex')}`],
		['sha256=base64', (raw: string) => `sha256=${hmac('shh-demo-secret', raw, 'base64')}`],
	])(
		'hmacSha256, format %s: x-waping-signature is the HMAC of the raw body',
		async (format, expected) => {
			expect((await register({ format })).body).toEqual({
				registered: true,
				workspace: 'ws_growth',
			});
			await inbound({ text: 'héllo 👋 "quoted"' });
			await until('the delivery', () => rx.events().length === 1);
			const [event] = rx.events();
			expect(event.headers['x-waping-signature']).toBe(expected(event.raw));
			expect(event.headers['content-type']).toBe('application/json');
			expect(event.body.data.text).toBe('héllo 👋 "quoted"');
		},
	);

	test('hmacSha256 with another header name', async () => {
		await register({ header: 'X-Hub-Signature-256', format: 'sha256=hex' });
		await inbound();
		await until('the delivery', () => rx.events().length === 1);
		const [event] = rx.events();
		expect(event.headers['x-hub-signature-256']).toBe(
			`sha256=${hmac('shh-demo-secret', event.raw, 'hex')}`,
		);
		expect(event.headers['x-waping-signature']).toBeUndefined();
	});

	test.each([
		[
			'a whsec_ secret (base64 key)',
			`whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`,
			Buffer.from('0123456789abcdef0123456789abcdef'),
		],
		['a plain secret (its UTF-8 bytes)', 'plain-secret', Buffer.from('plain-secret')],
	])(
		'standardWebhooks with %s: v1 signature over id.timestamp.body, id = the event id',
		async (_n, secret, key) => {
			await register({ scheme: 'standardWebhooks', secret });
			await inbound();
			await until('the delivery', () => rx.events().length === 1);
			const [event] = rx.events();
			const id = event.headers['webhook-id'] as string;
			const timestamp = event.headers['webhook-timestamp'] as string;
			expect(id).toBe(event.body.id);
			expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(10);
			expect(event.headers['webhook-signature']).toBe(
				`v1,${hmac(key, `${id}.${timestamp}.${event.raw}`, 'base64')}`,
			);
		},
	);

	test('sharedSecret: the secret in x-waping-secret, or a header of the registration', async () => {
		await register({ scheme: 'sharedSecret' });
		await inbound();
		await until('the delivery', () => rx.events().length === 1);
		expect(rx.events()[0].headers['x-waping-secret']).toBe('shh-demo-secret');
		await register({ scheme: 'sharedSecret', header: 'Authorization-Token' });
		await inbound();
		await until('the second delivery', () => rx.events().length === 2);
		expect(rx.events()[1].headers['authorization-token']).toBe('shh-demo-secret');
	});

	test('none: no signature header at all; a scheme with a secret needs one', async () => {
		expect((await register({ scheme: 'hmacSha256', secret: '' })).status).toBe(400);
		await register({ scheme: 'none', secret: undefined });
		await inbound();
		await until('the delivery', () => rx.events().length === 1);
		const names = Object.keys(rx.events()[0].headers);
		expect(names.filter((h) => /signature|secret|webhook-/.test(h))).toEqual([]);
	});
});

describe('the envelope', () => {
	test('message.received: the contract fields; a group chat has @g.us and the participant', async () => {
		await register();
		const answer = await inbound({ text: 'where is my order?' });
		expect(answer.status).toBe(200);
		await inbound({ group: true });
		await until('both deliveries', () => rx.events().length === 2);
		const [direct, group] = rx.events().map((e) => e.body);
		expect(direct).toEqual({
			id: answer.body.eventId,
			type: 'message.received',
			createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			workspaceId: 'ws_growth',
			deviceId: 'dev_123',
			data: {
				messageId: answer.body.messageId,
				from: '+4915112345678',
				to: expect.stringMatching(/^\+\d+$/),
				chatId: '4915112345678@s.whatsapp.net',
				isGroup: false,
				fromMe: false,
				type: 'text',
				text: 'where is my order?',
				timestamp: expect.any(String),
			},
		});
		expect(group.data).toMatchObject({
			isGroup: true,
			participant: '4915112345678@s.whatsapp.net',
		});
		expect(group.data.chatId).toMatch(/@g\.us$/);
	});

	test('inbound is refused with why: a disconnected device, no URL registered, a bad number', async () => {
		expect((await inbound()).body.error).toMatch(/no webhook URL is registered for ws_growth/);
		await register();
		expect(await inbound({ deviceId: 'dev_789' })).toEqual({
			status: 409,
			body: { error: expect.stringMatching(/dev_789 is disconnected/) },
		});
		expect((await inbound({ from: '015112345678' })).status).toBe(400);
		expect((await inbound({ deviceId: 'dev_nope' })).status).toBe(404);
		await sleep(50);
		expect(rx.events()).toEqual([]);
	});
});

describe('handshake', () => {
	test('GET: the challenge echoed registers the URL', async () => {
		expect((await register()).body).toEqual({ registered: true, workspace: 'ws_growth' });
		const [get] = rx.received;
		expect(get.method).toBe('GET');
		expect(new URL(get.url, 'http://x').searchParams.get('challenge')).toMatch(/^[0-9a-f]{24}$/);
		const listed = await getJson(`${sim().url}/__sim/webhooks`);
		expect(listed.webhooks).toEqual([
			expect.objectContaining({ workspace: 'ws_growth', url: rx.url, scheme: 'hmacSha256' }),
		]);
		expect(JSON.stringify(listed)).not.toContain('shh-demo-secret');
	});

	test("DELETE /__sim/webhooks removes a workspace's URL: nothing is sent any more", async () => {
		await register();
		const res = await fetch(`${sim().url}/__sim/webhooks`, {
			method: 'DELETE',
			body: JSON.stringify({ workspace: 'ws_growth' }),
		});
		expect(res.status).toBe(200);
		expect((await getJson(`${sim().url}/__sim/webhooks`)).webhooks).toEqual([]);
		expect((await inbound()).status).toBe(409);
		await post(sim(), '/__sim/devices', { id: 'dev_123', status: 'degraded' });
		await sleep(50);
		expect(rx.events()).toEqual([]);
	});

	test('POST: {type: url.verification, challenge} signed like a delivery, answered {challenge}', async () => {
		expect((await register({ handshake: 'post' })).status).toBe(200);
		const [hs] = rx.received;
		expect(hs.method).toBe('POST');
		expect(JSON.parse(hs.raw)).toEqual({ type: 'url.verification', challenge: expect.any(String) });
		expect(hs.headers['x-waping-signature']).toBe(hmac('shh-demo-secret', hs.raw, 'hex'));
	});

	test('a URL that does not answer the challenge is not registered, and says why', async () => {
		await register();
		const wrong = createServer((_req, res) => res.end('{"nope":1}'));
		await new Promise<void>((r) => wrong.listen(0, '127.0.0.1', r));
		const wrongUrl = `http://127.0.0.1:${(wrong.address() as import('node:net').AddressInfo).port}/`;
		try {
			const at = (url: string, handshake: string) =>
				post(sim(), '/__sim/webhooks', { workspace: 'ws_growth', url, scheme: 'none', handshake });
			expect(await at(wrongUrl, 'get')).toEqual({
				status: 400,
				body: {
					registered: false,
					error: expect.stringMatching(/GET handshake: the answer did not echo the challenge/),
				},
			});
			expect((await at(wrongUrl, 'post')).body.error).toMatch(
				/POST handshake: the answer was not \{"challenge"/,
			);
			const refused = await at(`http://127.0.0.1:${await closedPort()}/hook`, 'get');
			expect(refused.body.error).toMatch(/GET handshake: ECONNREFUSED/);
		} finally {
			await new Promise((r) => wrong.close(r));
		}
		// The registration that passed stays.
		const listed = await getJson(`${sim().url}/__sim/webhooks`);
		expect(listed.webhooks.map((w: { url: string }) => w.url)).toEqual([rx.url]);
	});
});

describe('at least once', () => {
	test('duplicates: the configured share of events delivered again, same id, same bytes', async () => {
		await register({ duplicates: 0.3, duplicateDelayMs: 0, seed: 7 });
		for (let i = 0; i < 100; i++) await inbound({ text: `message ${i}` });
		await sleep(100);
		await until('the deliveries to settle', () =>
			sim().deliveries.every((d) => d.status !== undefined),
		);
		const events = rx.events();
		const ids = new Set(events.map((e) => e.body.id));
		expect(ids.size).toBe(100);
		const repeated = events.length - 100;
		expect(repeated).toBeGreaterThanOrEqual(15);
		expect(repeated).toBeLessThanOrEqual(45);
		for (const id of ids) {
			const copies = events.filter((e) => e.body.id === id);
			expect(new Set(copies.map((c) => c.raw)).size).toBe(1);
		}
		const rows = sim().deliveries.filter((d) => d.type === 'message.received');
		expect(rows.filter((d) => d.duplicate)).toHaveLength(repeated);
	});

	test('duplicates 0: each event once; times: 3 delivers it three times (concurrent: at once)', async () => {
		await register({ duplicateDelayMs: 0 });
		for (let i = 0; i < 20; i++) await inbound();
		const thrice = (await inbound({ times: 3 })).body.eventId;
		const atOnce = (await inbound({ times: 2, concurrent: true })).body.eventId;
		await until('every delivery', () => rx.events().length === 25);
		await sleep(100);
		expect(rx.events()).toHaveLength(25);
		expect(rx.events().filter((e) => e.body.id === thrice)).toHaveLength(3);
		expect(rx.events().filter((e) => e.body.id === atOnce)).toHaveLength(2);
	});

	test('retries on 500 with exponential backoff, the same event id, until a 2xx', async () => {
		await register({ retry: { attempts: 5, baseMs: 60, timeoutMs: 2000 } });
		rx.answers.push({ status: 500 }, { status: 503 });
		await inbound();
		await until('the third attempt', () => rx.events().length === 3);
		await sleep(150);
		const events = rx.events();
		expect(events).toHaveLength(3);
		expect(new Set(events.map((e) => e.body.id)).size).toBe(1);
		expect(events[1].at - events[0].at).toBeGreaterThanOrEqual(55);
		expect(events[2].at - events[1].at).toBeGreaterThanOrEqual(115);
		const rows = sim().deliveries.filter((d) => d.type === 'message.received');
		expect(rows.map((d) => [d.attempt, d.status, d.retryInMs])).toEqual([
			[1, 500, 60],
			[2, 503, 120],
			[3, 200, undefined],
		]);
	});

	test('a slow answer (over timeoutMs) counts as failed and is retried', async () => {
		await register({ retry: { attempts: 3, baseMs: 20, timeoutMs: 200 } });
		rx.answers.push({ status: 200, delayMs: 600 });
		await inbound();
		await until('the retry', () => rx.events().length === 2);
		await until('its answer', () => sim().deliveries.filter((d) => d.ok).length === 2); // handshake + retry
		const rows = sim().deliveries.filter((d) => d.type === 'message.received');
		expect(rows.map((d) => [d.attempt, d.error ?? d.status])).toEqual([
			[1, 'timeout'],
			[2, 200],
		]);
	});

	test('connection refused: retried, bounded by attempts, backoff doubling up to maxMs, then given up', async () => {
		const port = await closedPort();
		await post(sim(), '/__sim/webhooks', {
			workspace: 'ws_growth',
			url: `http://127.0.0.1:${port}/hook`,
			scheme: 'none',
			handshake: 'none',
			retry: { attempts: 4, baseMs: 20, maxMs: 50, timeoutMs: 1000 },
		});
		await inbound();
		await until('the last attempt', () => sim().deliveries.some((d) => d.gaveUp));
		await sleep(200);
		const rows = sim().deliveries;
		expect(rows.map((d) => [d.attempt, d.error, d.retryInMs, d.gaveUp])).toEqual([
			[1, 'ECONNREFUSED', 20, undefined],
			[2, 'ECONNREFUSED', 40, undefined],
			[3, 'ECONNREFUSED', 50, undefined],
			[4, 'ECONNREFUSED', undefined, true],
		]);
	});

	test('a receiver that always fails gets exactly `attempts` requests', async () => {
		await register({ retry: { attempts: 3, baseMs: 10, timeoutMs: 1000 } });
		rx.answers.push(...Array.from({ length: 10 }, () => ({ status: 500 })));
		await inbound();
		await until('the last attempt', () => sim().deliveries.some((d) => d.gaveUp));
		await sleep(200);
		expect(rx.events()).toHaveLength(3);
	});

	test('/__sim/deliver: one exact delivery, the raw bytes as given, no retry even on 500', async () => {
		await register();
		rx.answers.push({ status: 500, body: 'nope' });
		const raw = '{"event":"message.inbound","eventId":"e-1","payload":{"body":"hi"}}';
		const answer = await post(sim(), '/__sim/deliver', { workspace: 'ws_growth', raw });
		expect(answer.body).toMatchObject({ status: 500, body: 'nope' });
		const unsigned = await post(sim(), '/__sim/deliver', {
			workspace: 'ws_growth',
			body: { type: 'something.new', id: 'evt_x' },
			sign: false,
			headers: { 'X-Extra': 'yes' },
		});
		expect(unsigned.body.status).toBe(200);
		await sleep(100);
		const [first, second] = rx.events();
		expect(rx.events()).toHaveLength(2);
		expect(first.raw).toBe(raw);
		expect(first.headers['x-waping-signature']).toBe(hmac('shh-demo-secret', raw, 'hex'));
		expect(second.headers['x-waping-signature']).toBeUndefined();
		expect(second.headers['x-extra']).toBe('yes');
	});
});

describe('events', () => {
	const send = (deviceId = 'dev_123') =>
		post(
			sim(),
			'/v1/messages',
			{ deviceId, to: '+14155550123', type: 'text', text: { body: 'hi' } },
			{ authorization: `Bearer ${demoKeys.growth}` },
		);

	test('an accepted message: message.status queued → sent → delivered → read, in order', async () => {
		await register();
		sim().configure({ statuses: { stepMs: 40, failed: 0 } });
		const accepted = await send();
		expect(accepted.status).toBe(202);
		await until('read', () => rx.events().some((e) => e.body.data.status === 'read'));
		const statuses = rx.events().filter((e) => e.body.type === 'message.status');
		expect(statuses.map((e) => e.body.data)).toEqual(
			['queued', 'sent', 'delivered', 'read'].map((status) => ({
				messageId: accepted.body.id,
				status,
				to: '+14155550123',
			})),
		);
		expect(sim().messageState(sim().messages[0])).toBe('read');
	});

	test('a share failed: queued → sent → failed with an error', async () => {
		await register();
		sim().configure({ statuses: { stepMs: 20, failed: 1 } });
		const accepted = await send();
		await until('failed', () => rx.events().some((e) => e.body.data.status === 'failed'));
		await sleep(60);
		expect(rx.events().map((e) => e.body.data.status)).toEqual(['queued', 'sent', 'failed']);
		expect(rx.events()[2].body.data).toEqual({
			messageId: accepted.body.id,
			status: 'failed',
			to: '+14155550123',
			error: { code: 'DELIVERY_FAILED', message: expect.any(String) },
		});
	});

	test('session.changed when a device changes, is linked or removed; nothing when it stays the same', async () => {
		await register();
		await post(sim(), '/__sim/devices', { id: 'dev_123', status: 'disconnected' });
		await post(sim(), '/__sim/devices', { id: 'dev_123', status: 'disconnected' });
		const linked = await post(sim(), '/__sim/devices', {
			workspace: 'ws_growth',
			status: 'connected',
		});
		expect(linked.body).toEqual({ ok: true, id: 'dev_linked_1' });
		await post(sim(), '/__sim/devices', { id: 'dev_456', remove: true });
		await post(sim(), '/__sim/devices', { id: 'dev_solo', status: 'disconnected' }); // ws_starter: no URL
		await until('three events', () => rx.events().length === 3);
		await sleep(50);
		expect(rx.events().map((e) => [e.body.type, e.body.deviceId, e.body.data])).toEqual([
			['session.changed', 'dev_123', { state: 'disconnected', previousState: 'connected' }],
			['session.changed', 'dev_linked_1', { state: 'connected', previousState: 'unlinked' }],
			['session.changed', 'dev_456', { state: 'unlinked', previousState: 'degraded' }],
		]);
	});
});

describe('nothing outlives the simulator', () => {
	test('close() with a stalled receiver, a retry and status events pending: no timer, no socket left', async () => {
		const timers = watchTimers();
		const own = await startSimulator();
		const stalled = await receiver({ hang: true });
		try {
			await own.registerWebhook({
				workspace: 'ws_growth',
				url: stalled.url,
				scheme: 'none',
				retry: { attempts: 5, baseMs: 10_000, timeoutMs: 60_000 },
			});
			own.configure({ statuses: { stepMs: 60_000 } });
			own.inbound({ deviceId: 'dev_123', from: '+4915112345678', text: 'hi' });
			await post(
				own,
				'/v1/messages',
				{ deviceId: 'dev_123', to: '+14155550123', type: 'text', text: { body: 'x' } },
				{ authorization: `Bearer ${demoKeys.growth}` },
			);
			await until('the stalled deliveries', () => stalled.events().length >= 2);
			expect(own.pendingWork().requests).toBeGreaterThanOrEqual(2);
			expect(own.pendingWork().timers).toBeGreaterThan(0);
			await own.close();
			expect(own.pendingWork()).toEqual({ timers: 0, requests: 0 });
			await until(
				'the receiver to see its sockets closed',
				() => stalled.openSockets() === 0,
				2000,
			);
			expect(
				own.deliveries
					.filter((d) => d.type !== 'handshake.get')
					.every((d) => d.error === 'cancelled'),
			).toBe(true);
			// The simulator's own timers are unref'd (a stalled receiver never keeps a process alive) and gone.
			expect(timers.pending().filter((stack) => stack.includes('/simulator/'))).toEqual([]);
		} finally {
			timers.stop();
			await own.close();
			await stalled.close();
		}
	});

	test('reset() in the middle of retries: no attempt after it', async () => {
		await register({ retry: { attempts: 5, baseMs: 50, timeoutMs: 1000 } });
		rx.answers.push(...Array.from({ length: 10 }, () => ({ status: 500 })));
		await inbound();
		await until('the first attempt', () => rx.events().length === 1);
		sim().reset();
		await sleep(300);
		expect(rx.events()).toHaveLength(1);
		expect(sim().pendingWork()).toEqual({ timers: 0, requests: 0 });
	});
});
