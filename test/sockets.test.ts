/**
 * Issue 18 item 2: an attempt the node gives up on closes its connection, whatever the server does.
 * Each test runs the node through n8n's real engine against a loopback server of its own that gets
 * stuck (before the headers, after them, mid-body, trickling forever, too large, late, gzip) and
 * counts the TCP connections the node leaves open to it: after the run there are none. A short,
 * bounded wait lets the close reach the server.
 *
 * Why it needs the node's own abort: with `encoding: 'stream'` n8n hands over axios' stream, which
 * is not the socket's IncomingMessage but a Readable.from() wrapper around it (axios enforces
 * maxContentLength on streams that way). Destroying the wrapper while it waits for the next chunk
 * of a stalled body never reaches the IncomingMessage, so the socket stayed ESTABLISHED.
 */
import { gzipSync } from 'node:zlib';

import type { INodeParameters } from 'n8n-workflow';

import { runWaping } from './harness/run';
import { ALL_EVENTS, counts, jsonOf, pairedOf } from './helpers';
import type { Handler, StuckServer } from './stuck-server';
import { later, startStuckServer, trickle } from './stuck-server';
import { TriggerWorkflow } from './harness/poll';

const KEY = 'wap_live_sockets_test_key_0123456789abcdef';
const TIMEOUT_S = 0.2;
const SENDS = 30;
const SEND_ERROR = 4;

let server: StuckServer | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});

async function serve(handler: Handler): Promise<StuckServer> {
	server = await startStuckServer(handler);
	return server;
}

const credentials = () => ({ apiKey: KEY, baseUrl: server?.url ?? '', plan: 'growth' });
const fast = (extra: INodeParameters = {}): INodeParameters => ({
	timeoutSeconds: TIMEOUT_S,
	maxAttempts: 2,
	retryDelaySeconds: 0.01,
	maxWait: 5,
	...extra,
});
const send = (options: INodeParameters = {}): INodeParameters => ({
	resource: 'message',
	operation: 'send',
	deviceId: { __rl: true, mode: 'id', value: 'dev_123' },
	to: '={{ $json.to }}',
	text: '=Order update {{ $json.n }}',
	options: fast({ maxConcurrent: 10, ...options }),
});
const items = (n: number) =>
	Array.from({ length: n }, (_, i) => ({ n: i, to: `+1555${String(1000000 + i)}` }));

/** Only the sends get stuck; the device list is answered normally. */
const onPost =
	(stuck: Handler): Handler =>
	(req, res) =>
		req.method === 'POST' ? stuck(req, res) : false;

/** Headers, then the start of a JSON body, then nothing. */
const stallMidBody: Handler = (_req, res) => {
	res.writeHead(200, { 'content-type': 'application/json' });
	res.write('{"id":"msg_');
};

/** Every send of a 30-item run given up on; every item accounted for on the error output. */
async function sendAll(handler: Handler, options: INodeParameters = {}) {
	const stuck = await serve(onPost(handler));
	const result = await runWaping({
		parameters: send(options),
		credentials: credentials(),
		items: items(SENDS),
		onError: 'continueErrorOutput',
	});
	return { stuck, result };
}

function expectAllOnError(result: Awaited<ReturnType<typeof runWaping>>, words: string) {
	// Send's outputs: Success, Bad Key, Denied, Offline, then n8n's Error output.
	expect(counts(result)).toEqual([0, 0, 0, 0, SENDS]);
	for (const item of jsonOf(result, SEND_ERROR)) expect(item.error).toContain(words);
	expect(pairedOf(result, SEND_ERROR)).toEqual(items(SENDS).map((_, i) => ({ item: i })));
}

describe('Send, 30 items, every answer stuck: no connection left open', () => {
	test('headers and part of the body, then a stall', async () => {
		const { stuck, result } = await sendAll(stallMidBody);
		expectAllOnError(result, 'did not answer in time');
		expect(stuck.requests.filter((r) => r.startsWith('POST')).length).toBeGreaterThan(SENDS);
		expect(await stuck.settled()).toBe(0);
		// Closed when given up, not at the end of the run: never much more open than the sends in
		// flight (Max Concurrent Sends, 10; a closing connection may overlap its retry).
		expect(stuck.peak()).toBeLessThanOrEqual(2 * 10);
	});

	test('headers, then no body at all', async () => {
		const { stuck, result } = await sendAll((_req, res) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.flushHeaders();
		});
		expectAllOnError(result, 'did not answer in time');
		expect(await stuck.settled()).toBe(0);
	});

	test('no headers at all', async () => {
		const { stuck, result } = await sendAll(() => undefined);
		expectAllOnError(result, 'did not answer in time');
		expect(await stuck.settled()).toBe(0);
	});

	test('an endless body, a few bytes every 50 ms: each attempt ends at the Timeout', async () => {
		const { stuck, result } = await sendAll((_req, res) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.write('{"id":"msg_1","padding":"');
			trickle(res, 'xx', 50);
		});
		expectAllOnError(result, 'did not answer in time');
		expect(await stuck.settled()).toBe(0);
	});

	test('a body one byte over the cap (64 KB), then a stall', async () => {
		const { stuck, result } = await sendAll((_req, res) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.write('x'.repeat(64 * 1024 + 1));
		});
		expectAllOnError(result, 'larger than 64 KB');
		expect(await stuck.settled()).toBe(0);
	});

	test('an answer that starts just after the deadline, then stalls', async () => {
		const { stuck, result } = await sendAll((_req, res) => {
			later(res, TIMEOUT_S * 1000 + 15, () => stallMidBody(_req, res));
		});
		expectAllOnError(result, 'did not answer in time');
		expect(await stuck.settled()).toBe(0);
	});

	test('a gzip body (which n8n decompresses) that stalls mid-way', async () => {
		const whole = gzipSync(JSON.stringify({ id: 'msg_1', padding: 'x'.repeat(4000) }));
		const { stuck, result } = await sendAll((_req, res) => {
			res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
			res.write(whole.subarray(0, Math.floor(whole.length / 2)));
		});
		expectAllOnError(result, 'did not answer in time');
		expect(await stuck.settled()).toBe(0);
	});
});

describe('device reads and the trigger', () => {
	const stallDevices: Handler = (req, res) => {
		if (req.url !== '/v1/devices') return false;
		return stallMidBody(req, res);
	};

	test('Device → Get Status: a device list that stalls mid-body', async () => {
		const stuck = await serve(stallDevices);
		const result = await runWaping({
			parameters: {
				resource: 'device',
				operation: 'getStatus',
				deviceId: 'dev_123',
				options: fast(),
			},
			credentials: credentials(),
		});
		expect(result.error?.message).toBe('WAPing did not answer in time after 2 attempts.');
		expect(stuck.accepted()).toBe(2);
		expect(await stuck.settled()).toBe(0);
	});

	test('Device → Get Many: a device list one byte over its cap (4 MB), then a stall', async () => {
		const stuck = await serve((req, res) => {
			if (req.url !== '/v1/devices') return false;
			res.writeHead(200, { 'content-type': 'application/json' });
			res.write('x'.repeat(4 * 1024 * 1024 + 1));
			return true;
		});
		const result = await runWaping({
			parameters: { resource: 'device', operation: 'getAll', returnAll: true, options: fast() },
			credentials: credentials(),
		});
		expect(result.error?.message).toContain('larger than 4096 KB');
		expect(await stuck.settled()).toBe(0);
	});

	test("the WAPing Trigger's poll: a device list that stalls mid-body", async () => {
		const stuck = await serve(stallDevices);
		const trigger = new TriggerWorkflow({
			parameters: { events: ALL_EVENTS, becomes: 'any', options: fast() },
			credentials: credentials(),
		});
		try {
			const activation = await trigger.activate();
			expect(activation.error?.message).toContain('did not answer in time');
		} finally {
			await trigger.stop();
		}
		expect(stuck.accepted()).toBe(2);
		expect(await stuck.settled()).toBe(0);
	});
});

describe('a cancelled execution', () => {
	test('Stop while every send waits on a stalled body (Timeout 30 s): nothing left open', async () => {
		let allStuck: () => void = () => undefined;
		const stuckNow = new Promise<void>((resolve) => (allStuck = resolve));
		const stuck = await serve(
			onPost((req, res) => {
				stallMidBody(req, res);
				if (stuck.requests.filter((r) => r.startsWith('POST')).length === 10) allStuck();
			}),
		);
		const result = await runWaping({
			parameters: send({ timeoutSeconds: 30 }),
			credentials: credentials(),
			items: items(SENDS),
			onError: 'continueErrorOutput',
			cancelWhen: stuckNow,
		});
		expect(result.run.status).toBe('canceled');
		expect(await stuck.settled()).toBe(0);
	});
});
