/**
 * The run-wide throttle's decisions alone, on a clock the test moves (no waiting): which failures the
 * whole run waits out (and so cost a message no attempt), and when an outage begins and ends. The
 * engine tests in send-bulk.test.ts run the same gate through n8n against the simulator.
 */
import { DEFAULT_RETRY_POLICY } from '../nodes/WAPing/retry';
import type { Clock } from '../nodes/WAPing/transport/clock';
import type { GateTicket } from '../nodes/WAPing/transport/request';
import { RunThrottle } from '../nodes/WAPing/transport/throttle';

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
