/**
 * The send queue's pacing alone, on a clock the test moves and whose timers can fire late (as they do
 * on a busy machine): each device's messages start at least its interval apart, measured from when
 * the previous one really started. send-bulk.test.ts runs the same queue through n8n.
 */
import type { Clock } from '../nodes/shared/transport/clock';
import { runQueue, type SendJob } from '../nodes/shared/transport/queue';

/** Virtual time: a sleep wakes when the test's loop reaches it, `late` ms after it was due. */
function lateClock(
	lateness: (call: number) => number,
): Clock & { drive(done: Promise<unknown>): Promise<void> } {
	let now = 0;
	let calls = 0;
	const timers: Array<{ at: number; wake: () => void }> = [];
	return {
		now: () => now,
		random: () => 0.5,
		sleep: async (ms: number) =>
			await new Promise<void>((wake) => {
				timers.push({ at: now + ms + lateness(calls++), wake });
			}),
		async drive(done: Promise<unknown>) {
			let finished = false;
			void done.then(() => (finished = true));
			while (!finished) {
				await new Promise((resolve) => setImmediate(resolve));
				if (timers.length === 0) continue;
				timers.sort((a, b) => a.at - b.at);
				const timer = timers.shift()!;
				now = Math.max(now, timer.at);
				timer.wake();
			}
		},
	};
}

function jobs(
	deviceIds: string[],
	startedAt: Map<string, number[]>,
	clock: Clock,
): Array<SendJob<string>> {
	return deviceIds.map((deviceId, i) => ({
		deviceId,
		to: `+1555000${String(i).padStart(4, '0')}`,
		send: async () => {
			startedAt.set(deviceId, [...(startedAt.get(deviceId) ?? []), clock.now()]);
			return 'sent';
		},
	}));
}

const gaps = (times: number[]) => times.slice(1).map((at, i) => at - times[i]);

test('a timer that fires late does not squeeze the next gap: starts stay an interval apart', async () => {
	// The first wait fires 80 ms late; the rest on time.
	const clock = lateClock((call) => (call === 0 ? 80 : 0));
	const startedAt = new Map<string, number[]>();
	const run = runQueue(
		jobs(['dev_a', 'dev_a', 'dev_a', 'dev_a'], startedAt, clock),
		{ concurrency: 4, minIntervalMs: 150, clock, signal: undefined, stopped: () => false },
		() => 'not sent',
	);
	await clock.drive(run);
	expect(await run).toEqual(['sent', 'sent', 'sent', 'sent']);
	// The interval plus the jitter (a fifth of it at most; half of that with random() = 0.5).
	expect(gaps(startedAt.get('dev_a')!)).toEqual([80 + 165, 165, 165]);
});

test('devices are paced separately: one device waiting does not hold back another', async () => {
	const clock = lateClock(() => 0);
	const startedAt = new Map<string, number[]>();
	const run = runQueue(
		jobs(['dev_a', 'dev_b', 'dev_a', 'dev_b'], startedAt, clock),
		{ concurrency: 4, minIntervalMs: 100, clock, signal: undefined, stopped: () => false },
		() => 'not sent',
	);
	await clock.drive(run);
	expect(startedAt.get('dev_a')).toEqual([0, 110]);
	expect(startedAt.get('dev_b')).toEqual([0, 110]);
});

test('a stop while a device waits: the waiting message is not sent, and nothing after it', async () => {
	const clock = lateClock(() => 0);
	const startedAt = new Map<string, number[]>();
	let stop = false;
	const all = jobs(['dev_a', 'dev_a', 'dev_a'], startedAt, clock);
	const first = all[0].send;
	all[0].send = async () => {
		stop = true;
		return await first();
	};
	const run = runQueue(
		all,
		{ concurrency: 3, minIntervalMs: 100, clock, signal: undefined, stopped: () => stop },
		() => 'not sent',
	);
	await clock.drive(run);
	expect(await run).toEqual(['sent', 'not sent', 'not sent']);
});
