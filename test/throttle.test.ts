/**
 * The run-wide throttle's decisions alone, on a clock the test moves (no waiting): which failures the
 * whole run waits out (and so cost a message no attempt), and when an outage begins and ends. The
 * engine tests in send-bulk.test.ts run the same gate through n8n against the simulator.
 */
import { DEFAULT_RETRY_POLICY } from '../nodes/shared/transport/retry';
import type { Clock } from '../nodes/shared/transport/clock';
import type { GateTicket } from '../nodes/shared/transport/request';
import { RunThrottle } from '../nodes/shared/transport/throttle';

function fakeClock(): Clock & { advance(ms: number): void } {
	let now = 1_000_000;
	return {
		now: () => now,
		sleep: async (ms: number) => {
			now += ms;
		},
		random: () => 0.5,
		advance(ms: number) {
			now += ms;
		},
	};
}

const serverError = { throttled: false, accepted: false, serverTrouble: true };
const accepted = { throttled: false, accepted: true, serverTrouble: false };

async function ticket(gate: RunThrottle): Promise<GateTicket> {
	const t = await gate.enter();
	if (!t) throw new Error('the gate refused');
	return t;
}

test("one or two server errors among accepted answers are the message's own: they cost it an attempt", async () => {
	const gate = new RunThrottle(fakeClock(), undefined, DEFAULT_RETRY_POLICY);
	expect(gate.leave(await ticket(gate), serverError)).toBe(false);
	expect(gate.leave(await ticket(gate), accepted)).toBe(false);
	expect(gate.leave(await ticket(gate), serverError)).toBe(false);
	expect(gate.leave(await ticket(gate), accepted)).toBe(false);
	expect(gate.leave(await ticket(gate), accepted)).toBe(false);
});

test('three server errors among the last five answers are an outage: the run pauses and waits it out', async () => {
	const gate = new RunThrottle(fakeClock(), undefined, DEFAULT_RETRY_POLICY);
	const inFlight = await Promise.all([ticket(gate), ticket(gate), ticket(gate), ticket(gate)]);
	expect(gate.leave(inFlight[0], serverError)).toBe(false);
	expect(gate.leave(inFlight[1], accepted)).toBe(false);
	expect(gate.leave(inFlight[2], serverError)).toBe(false);
	// The third: the outage begins, and this failure (like every later one in it) costs no attempt.
	expect(gate.leave(inFlight[3], serverError)).toBe(true);
	expect(gate.lastPause).toBe('outage');
});

test('answers to messages sent before the outage began do not end it; an answer to one sent since does', async () => {
	const clock = fakeClock();
	const gate = new RunThrottle(clock, undefined, DEFAULT_RETRY_POLICY);
	const before = await Promise.all([
		ticket(gate),
		ticket(gate),
		ticket(gate),
		ticket(gate),
		ticket(gate),
	]);
	gate.leave(before[0], serverError);
	gate.leave(before[1], serverError);
	expect(gate.leave(before[2], serverError)).toBe(true);
	// Late answers to messages sent before it: the outage goes on, and the next failure is still absorbed.
	expect(gate.leave(before[3], accepted)).toBe(false);
	expect(gate.leave(before[4], accepted)).toBe(false);
	const probe = await ticket(gate);
	expect(gate.leave(probe, serverError)).toBe(true);
	// A message sent during the outage is accepted: it is over, and a lone failure is a message's own again.
	const after = await ticket(gate);
	expect(gate.leave(after, accepted)).toBe(false);
	expect(gate.leave(await ticket(gate), serverError)).toBe(false);
});

test('during an outage the run tries again at least every second, however long it lasts', async () => {
	const clock = fakeClock();
	const gate = new RunThrottle(clock, undefined, {
		...DEFAULT_RETRY_POLICY,
		baseDelayMs: 500,
		maxWaitMs: 600_000,
	});
	for (let i = 0; i < 3; i++) gate.leave(await ticket(gate), serverError);
	for (let i = 0; i < 10; i++) {
		const start = clock.now();
		const probe = await ticket(gate);
		expect(clock.now() - start).toBeLessThanOrEqual(1000);
		gate.leave(probe, serverError);
	}
});

describe('issue 18: every answer costs time against Max Wait; no answer sequence keeps a run going', () => {
	const throttled = (retryAfterMs?: number) => ({
		throttled: true,
		retryAfterMs,
		accepted: false,
		serverTrouble: false,
	});
	/** Answers every attempt with `answer` (taking `answerMs` each, `inFlight` at once) until the gate refuses. */
	async function untilRefused(
		gate: RunThrottle,
		clock: ReturnType<typeof fakeClock>,
		answer: Parameters<RunThrottle['leave']>[1],
		{ inFlight = 1, answerMs = 0, limit = 100_000 } = {},
	) {
		const started = clock.now();
		let answers = 0;
		for (;;) {
			const tickets: GateTicket[] = [];
			for (let i = 0; i < inFlight; i++) {
				const t = await gate.enter();
				if (!t) return { answers, elapsedMs: clock.now() - started, reason: gate.refusal() };
				tickets.push(t);
			}
			clock.advance(answerMs);
			for (const t of tickets) {
				gate.leave(t, answer);
				answers++;
			}
			if (answers > limit) throw new Error(`still going after ${answers} answers`);
		}
	}
	const policy = (extra: Partial<typeof DEFAULT_RETRY_POLICY> = {}) => ({
		...DEFAULT_RETRY_POLICY,
		maxWaitMs: 10_000,
		...extra,
	});

	// [what WAPing answers, retry settings, the shortest pause: 1 s for a throttle, 0.25 s in an outage]
	test.each([
		['Retry-After 0', throttled(0), {}, 1000],
		['no Retry-After, Retry Delay 0', throttled(), { baseDelayMs: 0 }, 1000],
		['server errors, Retry Delay 0', serverError, { baseDelayMs: 0 }, 250],
	])(
		'%s on every answer: every pause has a floor, and the run stops within Max Wait',
		async (_name, answer, extra, floor) => {
			const clock = fakeClock();
			const gate = new RunThrottle(clock, undefined, policy(extra));
			const run = await untilRefused(gate, clock, answer);
			expect(run.reason).toBe('waitBudget');
			expect(run.elapsedMs).toBeLessThanOrEqual(10_000);
			// One answer per pause (and three to notice an outage): tens, not thousands.
			expect(run.answers).toBeLessThanOrEqual(10_000 / floor + 4);
		},
	);

	test('Retry Delay above the floor is the floor: a Retry-After of 0 pauses the run 3 s', async () => {
		const clock = fakeClock();
		const gate = new RunThrottle(clock, undefined, policy({ baseDelayMs: 3000 }));
		gate.leave(await ticket(gate), throttled(0));
		const before = clock.now();
		await ticket(gate);
		expect(clock.now() - before).toBe(3000);
	});

	test('50 at once, each answered with a stale 429: still bounded by Max Wait', async () => {
		const clock = fakeClock();
		const gate = new RunThrottle(clock, undefined, policy());
		const run = await untilRefused(gate, clock, throttled(0), { inFlight: 50 });
		expect(run.reason).toBe('waitBudget');
		expect(run.elapsedMs).toBeLessThanOrEqual(10_000);
		expect(run.answers).toBeLessThanOrEqual(50 * 11);
	});

	test('slow 429s (each answer takes 4 s): Max Wait counts wall time, not only the pauses', async () => {
		const clock = fakeClock();
		const gate = new RunThrottle(clock, undefined, policy());
		const run = await untilRefused(gate, clock, throttled(1000), { answerMs: 4000 });
		expect(run.reason).toBe('waitBudget');
		// Pauses alone (1 s each) would allow ten rounds, 50 s; the time in trouble stops it near 10 s.
		expect(run.elapsedMs).toBeLessThanOrEqual(10_000 + 4000);
	});

	test('Max Wait 0: the first throttle stops the run', async () => {
		const clock = fakeClock();
		const gate = new RunThrottle(clock, undefined, policy({ maxWaitMs: 0 }));
		const run = await untilRefused(gate, clock, throttled(0));
		expect(run).toEqual({ answers: 1, elapsedMs: 0, reason: 'waitBudget' });
	});

	test('short throttles between accepted answers add up: Max Wait is for the whole run', async () => {
		const clock = fakeClock();
		const gate = new RunThrottle(clock, undefined, policy({ maxWaitMs: 5000 }));
		let rounds = 0;
		for (; rounds < 20; rounds++) {
			const first = await gate.enter();
			if (!first) break;
			gate.leave(first, throttled(1000));
			const second = await gate.enter();
			if (!second) break;
			gate.leave(second, accepted);
		}
		expect(rounds).toBeLessThanOrEqual(5);
		// Each trouble ends with the accepted answer, and each counts: five of them fill Max Wait.
		expect(gate.stopReason).toBe('waitBudget');
	});
});
