/**
 * Issue 18, items 1 and 6: every wait is bounded and cancellable. Message → Send through n8n's real
 * engine against the simulator: answers that ask for no wait at all (Retry-After 0, a fraction, a
 * date already past), throttles without Retry-After at Retry Delay 0, and server-error storms end
 * the run by themselves within "Max Wait", with every item on an output and the run's counts said;
 * and a cancelled execution ends at once, leaving no timer behind.
 */
import type { INodeParameters } from 'n8n-workflow';

import { runWaping } from './harness/run';
import { counts, errorOf, jsonOf, OUTPUT_INDEX, posts, useSimulator, watchTimers } from './helpers';
import type { Fault } from '../simulator';
import { demoKeys } from '../simulator';

const sim = useSimulator();
const credentials = () => ({ apiKey: demoKeys.growth, baseUrl: sim().url });
const send = (options: INodeParameters = {}): INodeParameters => ({
	resource: 'message',
	operation: 'send',
	deviceId: { __rl: true, mode: 'id', value: '={{ $json.device }}' },
	to: '={{ $json.to }}',
	text: '=Order update {{ $json.n }}',
	options,
});
const items = (n: number) =>
	Array.from({ length: n }, (_, i) => ({ n: i, device: 'dev_123', to: `+1555${1000000 + i}` }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Stops the run after this long, so that a run that would never end fails the test instead of hanging it. */
const safetyStop = (ms: number) =>
	new Promise((resolve) => setTimeout(resolve, ms).unref()).then(() => 'stopped by the test');
const pairedIndexes = (result: Awaited<ReturnType<typeof runWaping>>) =>
	result.outputs
		.flatMap((output) => output.map((item) => (item.pairedItem as { item: number }).item))
		.sort((a, b) => a - b);

describe('a run always ends by itself', () => {
	// Each storm answers every send; Max Wait 2 s. A floor of 1 s per pause allows a handful of tries.
	const storms: Array<[string, Fault, INodeParameters]> = [
		['429 with Retry-After: 0', { status: 429, retryAfter: 0 }, {}],
		['429 with Retry-After: 0.0001', { status: 429, retryAfter: '0.0001' }, {}],
		['429 with an HTTP date already past', { status: 429, retryAfter: 'past' }, {}],
		['429 without Retry-After, Retry Delay 0', { status: 429 }, { retryDelaySeconds: 0 }],
		['503 storm, Retry Delay 0', { status: 503 }, { retryDelaySeconds: 0 }],
	];
	test.each(storms)(
		'%s on every send: the run stops within Max Wait, says so with its counts, none lost (On Error: Continue)',
		async (_name, fault, options) => {
			const retryAfter =
				fault.retryAfter === 'past' ? new Date(Date.now() - 5000) : fault.retryAfter;
			sim().inject({ path: '/v1/messages', times: Infinity, ...fault, retryAfter });
			const result = await runWaping({
				parameters: send({ maxWait: 2, maxConcurrent: 3, ...options }),
				credentials: credentials(),
				items: items(6),
				onError: 'continueRegularOutput',
				cancelWhen: safetyStop(15_000),
			});
			// Not cancelled by the safety stop: every item carries the run's own give-up message.
			const out = jsonOf(result, OUTPUT_INDEX.success);
			expect(out).toHaveLength(6);
			for (const item of out) {
				expect(item.error).toEqual(expect.stringContaining('"Max Wait" ran out'));
				expect(item.error).toEqual(expect.stringMatching(/0 of 6 messages were sent/));
			}
			expect(pairedIndexes(result)).toEqual([0, 1, 2, 3, 4, 5]);
			expect(sim().messages).toHaveLength(0);
			// A handful of tries, not thousands: each pause of the run lasts at least 1 s.
			expect(posts(sim()).length).toBeLessThanOrEqual(30);
		},
		20_000,
	);

	test('On Error off: the execution error says how many were sent and not sent', async () => {
		sim().inject({ path: '/v1/messages', passThrough: true, times: 2 });
		sim().inject({ path: '/v1/messages', status: 429, retryAfter: 0, times: Infinity });
		const result = await runWaping({
			parameters: send({ maxWait: 1.5, maxConcurrent: 1 }),
			credentials: credentials(),
			items: items(5),
			cancelWhen: safetyStop(15_000),
		});
		expect(errorOf(result).message).toBe(
			'The message was not sent: WAPing kept asking the node to slow down, and "Max Wait" ran out. 2 of 5 messages were sent, 3 were not. WAPing last asked to wait 0 s.',
		);
		expect(sim().messages).toHaveLength(2);
	}, 20_000);

	test('Max Wait 0: the first throttle stops the run, with the error output for the rest', async () => {
		sim().inject({ path: '/v1/messages', passThrough: true, times: 1 });
		sim().inject({ path: '/v1/messages', status: 429, retryAfter: 0, times: Infinity });
		const result = await runWaping({
			parameters: send({ maxWait: 0, maxConcurrent: 1 }),
			credentials: credentials(),
			items: items(4),
			onError: 'continueErrorOutput',
			cancelWhen: safetyStop(15_000),
		});
		expect(counts(result)).toEqual([1, 0, 0, 0, 3]);
		expect(pairedIndexes(result)).toEqual([0, 1, 2, 3]);
		expect(posts(sim())).toHaveLength(2);
	}, 20_000);
});

describe('stopping an execution leaves nothing behind', () => {
	/** Timers made while `run` goes, still due and keeping the process alive when it is over. */
	async function leftoverTimers(run: () => Promise<void>): Promise<string[]> {
		const timers = watchTimers();
		try {
			await run();
			// A cleared timer is marked a moment later: a second is allowed; the waits here last an hour.
			for (let waited = 0; waited < 1000 && timers.pending().length > 0; waited += 20)
				await sleep(20);
			return timers.pending();
		} finally {
			timers.stop();
		}
	}

	test('cancelled during a Retry-After of an hour: the run ends at once, no timer left', async () => {
		sim().inject({ path: '/v1/messages', status: 429, retryAfter: 3600, times: Infinity });
		let ended = Infinity;
		const leftover = await leftoverTimers(async () => {
			const cancelAt = (async () => {
				while (posts(sim()).length < 1) await sleep(10);
				await sleep(100);
				return Date.now();
			})();
			const result = await runWaping({
				parameters: send({ maxWait: 3600, maxConcurrent: 1 }),
				credentials: credentials(),
				items: items(3),
				cancelWhen: cancelAt,
			});
			ended = Date.now() - (await cancelAt);
			expect(errorOf(result).message).toMatch(
				/^The message was not sent: the execution was stopped/,
			);
		});
		expect(ended).toBeLessThan(2000);
		expect(leftover).toEqual([]);
		expect(posts(sim())).toHaveLength(1);
	});

	test('cancelled during a Min Interval of an hour: the run ends at once, no timer left', async () => {
		let ended = Infinity;
		const leftover = await leftoverTimers(async () => {
			const cancelAt = (async () => {
				while (sim().messages.length < 1) await sleep(10);
				await sleep(100);
				return Date.now();
			})();
			const result = await runWaping({
				parameters: send({ minInterval: 3_600_000, maxConcurrent: 2 }),
				credentials: credentials(),
				items: items(3),
				onError: 'continueRegularOutput',
				cancelWhen: cancelAt,
			});
			ended = Date.now() - (await cancelAt);
			expect(pairedIndexes(result)).toEqual([0, 1, 2]);
		});
		expect(ended).toBeLessThan(2000);
		expect(leftover).toEqual([]);
		expect(sim().messages).toHaveLength(1);
	});
});

describe('a run that gives up counts what was sent, not sent, and unknown', () => {
	// The second message is accepted, but every answer to it is a 502: the run waits the outage out
	// until Max Wait runs out. WAPing has it; the node cannot know.
	const acceptedThenLost = () => {
		sim().inject({ path: '/v1/messages', passThrough: true, times: 1 });
		sim().inject({ path: '/v1/messages', status: 502, afterAccept: true, times: Infinity });
	};

	test('On Error off: the execution error says 1 sent, 2 not sent, 1 may have been sent', async () => {
		acceptedThenLost();
		const result = await runWaping({
			parameters: send({ maxWait: 1.5, maxConcurrent: 1, retryDelaySeconds: 0.01 }),
			credentials: credentials(),
			items: items(4),
			cancelWhen: safetyStop(15_000),
		});
		expect(errorOf(result).message).toBe(
			'The message may have been sent: WAPing kept answering with server errors, and "Max Wait" ran out. 1 of 4 messages were sent, 2 were not, and 1 may have been sent.',
		);
		expect(sim().messages).toHaveLength(2);
	}, 20_000);

	test('Continue (using error output): every item on an output, paired; the unknown one says so', async () => {
		acceptedThenLost();
		const result = await runWaping({
			parameters: send({ maxWait: 1.5, maxConcurrent: 1, retryDelaySeconds: 0.01 }),
			credentials: credentials(),
			items: items(4),
			onError: 'continueErrorOutput',
			cancelWhen: safetyStop(15_000),
		});
		expect(counts(result)).toEqual([1, 0, 0, 0, 3]);
		expect(pairedIndexes(result)).toEqual([0, 1, 2, 3]);
		const errors = result.outputs[4].map((item) => item.json.error);
		expect(errors).toEqual([
			'The message may have been sent: WAPing kept answering with server errors, and "Max Wait" ran out. 1 of 4 messages were sent, 2 were not, and 1 may have been sent.',
			'The message was not sent: WAPing kept answering with server errors, and "Max Wait" ran out. 1 of 4 messages were sent, 2 were not, and 1 may have been sent.',
			'The message was not sent: WAPing kept answering with server errors, and "Max Wait" ran out. 1 of 4 messages were sent, 2 were not, and 1 may have been sent.',
		]);
	}, 20_000);
});
