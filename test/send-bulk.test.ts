/**
 * Issue 13, sending in bulk through n8n's real engine: a concurrency limit with answers in input
 * order, one throttle for the whole run when WAPing rate-limits, pacing per device, cancel, and
 * exactly once under a fault mix (answers lost after acceptance, resets, late answers, storms, a
 * device that disconnects mid-run). Rates and counts are small so each test takes a second or two;
 * `npm run bench` runs the same at scale.
 */
import type { INodeParameters } from 'n8n-workflow';

import { runWaping } from './harness/run';
import {
	counts,
	errorOf,
	jsonOf,
	OUTPUT_INDEX,
	pairedOf,
	posts,
	useSimulator,
	watchTimers,
} from './helpers';
import { demoKeys } from '../simulator';

const sim = useSimulator();
const NOT_CONNECTED = 3;
const credentials = () => ({ apiKey: demoKeys.growth, baseUrl: sim().url });
const send = (options: INodeParameters = {}, extra: INodeParameters = {}): INodeParameters => ({
	resource: 'message',
	operation: 'send',
	deviceId: { __rl: true, mode: 'id', value: '={{ $json.device }}' },
	to: '={{ $json.to }}',
	text: '=Order update {{ $json.n }}',
	options: { retryDelaySeconds: 0.02, ...options },
	...extra,
});
const items = (n: number, device = 'dev_123') =>
	Array.from({ length: n }, (_, i) => ({ n: i, device, to: `+1555${String(1000000 + i)}` }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every input item once on exactly one output (or the error output), paired to itself. */
function expectNoneLost(result: Awaited<ReturnType<typeof runWaping>>, n: number) {
	const paired = result.outputs.flatMap((output) =>
		output.map((item) => (item.pairedItem as { item: number }).item),
	);
	expect(paired.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
}
/** WAPing accepted each message at most once, and every accepted one is on Success. */
function expectNoDuplicates() {
	const texts = sim().messages.map((m) => `${m.to}|${m.text}`);
	expect(new Set(texts).size).toBe(texts.length);
}

describe('concurrency', () => {
	test.each([1, 3, 10])(
		'Max Concurrent Sends = %i: never more at once, answers in input order, each paired',
		async (limit) => {
			// Each answer takes 30 ms, so sends overlap whenever the node allows it.
			sim().inject({ path: '/v1/messages', passThrough: true, delayMs: 30, times: Infinity });
			let inFlight = 0;
			let most = 0;
			const timer = setInterval(() => {
				inFlight = sim().openConnections();
				most = Math.max(most, inFlight);
			}, 2);
			const result = await runWaping({
				parameters: send({ maxConcurrent: limit }),
				credentials: credentials(),
				items: items(20),
			});
			clearInterval(timer);
			expect(result.error).toBeUndefined();
			expect(jsonOf(result, OUTPUT_INDEX.success).map((item) => item.to)).toEqual(
				items(20).map((item) => item.to),
			);
			expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual(
				items(20).map((_, i) => ({ item: i })),
			);
			expect(sim().messages).toHaveLength(20);
			// Connections open at the server: the sends in flight (n8n opens one per request).
			expect(most).toBeLessThanOrEqual(limit);
			if (limit > 1) expect(most).toBeGreaterThan(1);
		},
	);

	test('messages to the same number through the same device go one after the other, in input order', async () => {
		sim().inject({ path: '/v1/messages', passThrough: true, delayMs: 20, times: Infinity });
		const same = Array.from({ length: 6 }, (_, i) => ({
			n: i,
			device: 'dev_123',
			to: '+15550001111',
		}));
		await runWaping({
			parameters: send({ maxConcurrent: 10 }),
			credentials: credentials(),
			items: same,
		});
		expect(sim().messages.map((m) => m.text)).toEqual(same.map((item) => `Order update ${item.n}`));
	});
});

describe('one throttle for the whole run', () => {
	test.each([
		['Retry-After in seconds', 'seconds'],
		['Retry-After as an HTTP date', 'date'],
		['no Retry-After', 'none'],
	] as const)(
		'%s: every message sent once, none lost, and the run slows down instead of hammering',
		async (_label, retryAfter) => {
			sim().configure({ rateLimit: { perSecond: 40, burst: 40, retryAfter } });
			const result = await runWaping({
				parameters: send({ maxConcurrent: 5, maxWait: 30 }),
				credentials: credentials(),
				items: items(120),
			});
			expect(result.error).toBeUndefined();
			expect(counts(result)).toEqual([120, 0, 0, 0]);
			expectNoDuplicates();
			expect(sim().messages).toHaveLength(120);
			// Bouncing off the limit would cost a 429 for most sends; the run learns the pace instead.
			expect(sim().throttled).toBeLessThan(25);
			expect(posts(sim()).length).toBe(120 + sim().throttled);
		},
		20_000,
	);

	test("when WAPing asks to wait longer than Max Wait, the messages not sent fail with the run's counts", async () => {
		sim().configure({ rateLimit: { perSecond: 0.2, burst: 3, retryAfter: 'seconds' } });
		const result = await runWaping({
			parameters: send({ maxConcurrent: 1, maxWait: 2 }),
			credentials: credentials(),
			items: items(6),
			onError: 'continueRegularOutput',
		});
		const out = jsonOf(result, OUTPUT_INDEX.success);
		expect(out.filter((item) => item.status === 'queued')).toHaveLength(3);
		const failed = out.filter((item) => typeof item.error === 'string');
		expect(failed).toHaveLength(3);
		expect(failed[0].error).toBe(
			'The message was not sent: WAPing kept asking the node to slow down, and "Max Wait" ran out. 3 of 6 messages were sent, 3 were not. WAPing last asked to wait 5 s.',
		);
		expectNoneLost(result, 6);
		expect(sim().messages).toHaveLength(3);
	});

	test('without Continue On Fail the run stops with that message, and nothing is sent twice', async () => {
		sim().configure({ rateLimit: { perSecond: 0.2, burst: 2, retryAfter: 'seconds' } });
		const result = await runWaping({
			parameters: send({ maxConcurrent: 1, maxWait: 1 }),
			credentials: credentials(),
			items: items(4),
		});
		expect(errorOf(result).message).toMatch(
			/^The message was not sent: WAPing kept asking the node to slow down, and "Max Wait" ran out\. 2 of 4 messages were sent, 2 were not\./,
		);
		expect(sim().messages).toHaveLength(2);
	});
});

describe('a failed message stops the run (no Continue On Fail)', () => {
	test('nothing more is sent, and the error says how many were sent and how many were not', async () => {
		sim().inject({ path: '/v1/messages', passThrough: true, times: 2 });
		sim().inject({
			path: '/v1/messages',
			status: 400,
			body: { error: { code: 'VALIDATION_ERROR', message: 'text.body is not allowed' } },
		});
		const result = await runWaping({
			parameters: send({ maxConcurrent: 1 }),
			credentials: credentials(),
			items: items(10),
		});
		const error = errorOf(result);
		expect(error.message).toBe(
			'WAPing rejected the request as invalid (HTTP 400 VALIDATION_ERROR). WAPing said: "text.body is not allowed"',
		);
		expect(error.description).toMatch(
			/The run stopped at this message: 2 of 10 messages were sent, 7 were not sent\./,
		);
		expect(sim().messages).toHaveLength(2);
		expect(posts(sim())).toHaveLength(3);
	});
});

describe('pacing per device', () => {
	test('Min Interval Between Messages: each device waits its interval (plus a little jitter); devices are paced separately', async () => {
		const mixed = [...items(4, 'dev_123'), ...items(4, 'dev_solo2')].map((item, i) => ({
			...item,
			to: `+1555200${String(i).padStart(4, '0')}`,
		}));
		sim().seed.workspaces[0].devices.push({ id: 'dev_solo2', status: 'connected' });
		const result = await runWaping({
			parameters: send({ minInterval: 200, maxConcurrent: 4 }),
			credentials: credentials(),
			items: mixed,
		});
		expect(counts(result)).toEqual([8, 0, 0, 0]);
		for (const device of ['dev_123', 'dev_solo2']) {
			const times = sim()
				.messages.filter((m) => m.deviceId === device)
				.map((m) => m.at);
			const gaps = times.slice(1).map((at, i) => at - times[i]);
			// The node spaces the starts (queue.test.ts checks them exactly); here they are seen on arrival,
			// which a busy machine shifts (most the first request's, on a cold path). So: no burst (unpaced,
			// all four arrive within a few ms), and from the second message on, the interval kept.
			expect(Math.min(...gaps)).toBeGreaterThanOrEqual(50);
			expect(times[3] - times[1]).toBeGreaterThanOrEqual(2 * 200 - 50);
			expect(times[3] - times[0]).toBeLessThan(3 * 240 + 2000);
		}
		// The two devices are paced side by side, not one after the other: their messages interleave.
		const first = (device: string) =>
			Math.min(
				...sim()
					.messages.filter((m) => m.deviceId === device)
					.map((m) => m.at),
			);
		const last = (device: string) =>
			Math.max(
				...sim()
					.messages.filter((m) => m.deviceId === device)
					.map((m) => m.at),
			);
		expect(first('dev_solo2')).toBeLessThan(last('dev_123'));
	});
});

describe('cancel', () => {
	test('stopping the execution stops sending: no message starts after the stop', async () => {
		sim().inject({ path: '/v1/messages', passThrough: true, delayMs: 20, times: Infinity });
		let postsAtStop = 0;
		const cancelWhen = (async () => {
			while (sim().messages.length < 5) await sleep(5);
			postsAtStop = posts(sim()).length;
		})();
		const result = await runWaping({
			parameters: send({ maxConcurrent: 2 }),
			credentials: credentials(),
			items: items(50),
			cancelWhen,
		});
		await sleep(300);
		// At most the two already on their way (Max Concurrent Sends 2) reach WAPing after the stop.
		expect(posts(sim()).length - postsAtStop).toBeLessThanOrEqual(2);
		expect(sim().messages.length).toBeLessThan(10);
		// n8n's own run status comes from the node's error here (n8n's server marks the execution canceled).
		// A message on its way at the stop may have been accepted: it is counted apart (issue 18).
		expect(errorOf(result).message).toMatch(
			/^The message (was not sent|may have been sent): the execution was stopped\. \d+ of 50 messages were sent, \d+ were not(, and [12] may have been sent)?\.$/,
		);
	});
});

describe('exactly once under faults', () => {
	test('a fault mix (accepted then 502, reset or late) on 150 sends: every message accepted once, none lost', async () => {
		sim().configure({
			chaos: {
				acceptThen502: 0.1,
				acceptThenReset: 0.05,
				acceptThenHang: 0.03,
				hangMs: 600,
				seed: 7,
			},
		});
		const result = await runWaping({
			parameters: send({ maxConcurrent: 8, timeoutSeconds: 0.3, maxAttempts: 6 }),
			credentials: credentials(),
			items: items(150),
		});
		expect(result.error).toBeUndefined();
		expect(counts(result)).toEqual([150, 0, 0, 0]);
		expectNoDuplicates();
		expect(sim().messages).toHaveLength(150);
		// Faults happened, and their retries carried the same keys.
		expect(sim().requests.some((request) => request.fault?.startsWith('chaos'))).toBe(true);
		const keysByTo = new Map<string, Set<string>>();
		for (const request of posts(sim())) {
			const to = JSON.parse(request.body).to as string;
			if (!keysByTo.has(to)) keysByTo.set(to, new Set());
			keysByTo.get(to)?.add(String(request.headers['idempotency-key']));
		}
		expect([...keysByTo.values()].every((keys) => keys.size === 1)).toBe(true);
	}, 20_000);

	test('a 5xx storm of a second: the run pauses and goes on; every message once, none lost', async () => {
		sim().inject({ path: '/v1/messages', passThrough: true, times: 10 });
		sim().inject({ path: '/v1/messages', status: 503, forMs: 1000 });
		const result = await runWaping({
			parameters: send({ maxConcurrent: 4, retryDelaySeconds: 0.2 }),
			credentials: credentials(),
			items: items(40),
		});
		expect(result.error).toBeUndefined();
		expect(counts(result)).toEqual([40, 0, 0, 0]);
		expectNoDuplicates();
		// The storm cost each message few attempts: the run paused instead of each message retrying alone.
		expect(posts(sim()).filter((request) => request.status === 503).length).toBeLessThan(40);
	}, 20_000);

	test("an outage longer than Max Wait: the messages not sent fail saying so, with the run's counts", async () => {
		sim().inject({ path: '/v1/messages', passThrough: true, times: 3 });
		sim().inject({ path: '/v1/messages', status: 503, times: Infinity });
		const result = await runWaping({
			parameters: send({ maxConcurrent: 1, maxWait: 1.5, retryDelaySeconds: 0.2 }),
			credentials: credentials(),
			items: items(8),
			onError: 'continueRegularOutput',
		});
		const out = jsonOf(result, OUTPUT_INDEX.success);
		expect(out.filter((item) => item.status === 'queued')).toHaveLength(3);
		const failed = out.filter((item) => typeof item.error === 'string').map((item) => item.error);
		expect(failed).toHaveLength(5);
		expect(failed[failed.length - 1]).toBe(
			'The message was not sent: WAPing kept answering with server errors, and "Max Wait" ran out. 3 of 8 messages were sent, 5 were not.',
		);
		expectNoneLost(result, 8);
		expectNoDuplicates();
	});

	test('a device that disconnects mid-run: its later messages go to Not Connected, the rest are sent, none lost', async () => {
		sim().configure({ disconnect: [{ deviceId: 'dev_123', afterMessages: 10 }] });
		const result = await runWaping({
			parameters: send({ maxConcurrent: 1 }),
			credentials: credentials(),
			items: items(25),
		});
		expect(result.error).toBeUndefined();
		expect(counts(result)).toEqual([10, 0, 0, 15]);
		expect(
			jsonOf(result, NOT_CONNECTED).every((item) => item.code === 'SESSION_DISCONNECTED'),
		).toBe(true);
		expectNoneLost(result, 25);
		expect(sim().messages).toHaveLength(10);
	});
});

describe('nothing outlives the run', () => {
	test('after a throttled, faulty run: no open connection, no timer left pending', async () => {
		sim().configure({
			rateLimit: { perSecond: 50, burst: 10 },
			chaos: { acceptThen502: 0.1, seed: 3 },
		});
		// Every timer made while the run goes, and where: one still due outlived the run.
		const timers = watchTimers();
		try {
			const result = await runWaping({
				parameters: send({ maxConcurrent: 5 }),
				credentials: credentials(),
				items: items(60),
			});
			expect(counts(result)).toEqual([60, 0, 0, 0]);
			// Sockets close and timers end a moment after the last answer (longer on a busy machine): a
			// second is allowed; a wait or retry left behind by the node would last longer.
			for (
				let waited = 0;
				waited < 1000 && (sim().openConnections() > 0 || timers.pending().length > 0);
				waited += 20
			)
				await sleep(20);
			expect(sim().openConnections()).toBe(0);
			expect(timers.pending()).toEqual([]);
		} finally {
			timers.stop();
		}
	}, 20_000);
});
