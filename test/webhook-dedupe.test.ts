/**
 * Repeated deliveries of one event start one execution: a redelivery 1 s later, 60 s later, after
 * n8n restarts, and several at the same moment in one process. What cannot be exact (two webhook
 * processes receiving the same event at the same moment, queue mode) is measured. See
 * nodes/WapingWebhookTrigger/dedupe.ts for what n8n offers and why.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Database } from './harness/webhook';
import { SameMoment } from './harness/webhook';
import { useSimulator } from './helpers';
import { inbound, signed, useWebhookProcesses } from './webhook-helpers';

const sim = useSimulator();
const trigger = useWebhookProcesses(() => sim().url);

const HOUR = 60 * 60 * 1000;

/** Moves Date.now() (and only it) forward, as time passing between deliveries. */
function advanceClock(ms: number): void {
	jest.useFakeTimers({
		doNotFake: [
			'hrtime',
			'nextTick',
			'performance',
			'queueMicrotask',
			'setImmediate',
			'clearImmediate',
			'setInterval',
			'clearInterval',
			'setTimeout',
			'clearTimeout',
		],
		now: Date.now() + ms,
	});
}

afterEach(() => jest.useRealTimers());

/** The ids in the ledger n8n saved (the node's static data in the workflow's static data). */
function ledger(db: Database): string[] {
	const node = db.staticData['node:WAPing Webhook Trigger'] as IDataObject | undefined;
	return Object.keys((node?.seenEvents as IDataObject | undefined) ?? {}).sort();
}

describe('one execution per event', () => {
	it('the same event again at once, 1 s later and 60 s later: one execution; every delivery answered 200', async () => {
		const process = await trigger();
		const delivery = signed(inbound({ id: 'evt_seq' }));
		const first = await process.deliver(delivery);
		const again = await process.deliver(delivery);
		await new Promise((resolve) => setTimeout(resolve, 1000));
		const second = await process.deliver(delivery);
		advanceClock(60_000);
		const minute = await process.deliver(delivery);
		expect([first, again, second, minute].map((a) => a.status)).toEqual([200, 200, 200, 200]);
		expect(first.json).toMatchObject({ started: 1, duplicates: 0 });
		expect(minute.json).toMatchObject({ started: 0, duplicates: 1 });
		expect(process.started).toHaveLength(1);
		expect(ledger(process.db)).toEqual(['id:evt_seq']);
	});

	it('after n8n restarts (a new process reading the saved static data): the redelivery starts nothing', async () => {
		const db: Database = { staticData: {} };
		const before = await trigger({}, {}, { db });
		const delivery = signed(inbound({ id: 'evt_restart' }));
		await before.deliver(delivery);
		await before.close();
		const after = await trigger({}, {}, { db });
		await after.deliver(delivery);
		await after.deliver(signed(inbound({ id: 'evt_new_after_restart' })));
		expect(before.started).toHaveLength(1);
		expect(after.started.map((s) => s.items[0].json.eventId)).toEqual(['evt_new_after_restart']);
	});

	it('ten deliveries of one event at the same moment in one process: one execution, ten 200s', async () => {
		const process = await trigger();
		const delivery = signed(inbound({ id: 'evt_burst' }));
		process.sameMoment = new SameMoment(10);
		const answers = await Promise.all(Array.from({ length: 10 }, () => process.deliver(delivery)));
		expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
		expect(process.started).toHaveLength(1);
	});

	it('two different events at the same moment: both ids saved (one save does not drop the other), so neither starts again after a restart', async () => {
		const db: Database = { staticData: {} };
		const process = await trigger({}, {}, { db });
		const a = signed(inbound({ id: 'evt_a' }));
		const b = signed(inbound({ id: 'evt_b' }));
		process.sameMoment = new SameMoment(2);
		await Promise.all([process.deliver(a), process.deliver(b)]);
		expect(process.started).toHaveLength(2);
		expect(ledger(db)).toEqual(['id:evt_a', 'id:evt_b']);
		await process.close();
		const restarted = await trigger({}, {}, { db });
		restarted.sameMoment = new SameMoment(2);
		await Promise.all([restarted.deliver(a), restarted.deliver(b)]);
		expect(restarted.started).toHaveLength(0);
	});

	it('an event without an id is de-duplicated on its bytes', async () => {
		const process = await trigger();
		const { id: _id, ...event } = inbound();
		void _id;
		const delivery = signed(event);
		await process.deliver(delivery);
		await process.deliver(delivery);
		await process.deliver(signed({ ...event, data: { text: 'other' } }));
		expect(process.started).toHaveLength(2);
		expect(process.started[0].items[0].json.eventId).toBeNull();
	});

	it('a delivery that was refused (401) or left out by a filter is not remembered: the right one later starts the workflow', async () => {
		const process = await trigger({ devices: ['dev_123'] });
		const event = inbound({ id: 'evt_later' });
		await process.deliver({
			body: JSON.stringify(event),
			headers: { 'x-waping-signature': 'sha256=00' },
		});
		await process.deliver(signed({ ...event, deviceId: 'dev_other' }));
		await process.deliver(signed(event));
		expect(process.started).toHaveLength(1);
	});
});

/**
 * A trigger with one delivery of event `id` held where n8n is about to create its execution:
 * `open()` lets n8n go on; `first` is that delivery's answer.
 */
async function firstDeliveryHeld(id: string) {
	const process = await trigger(ANSWER_STARTED);
	let reached: () => void = () => {};
	let open: () => void = () => {};
	const atStart = new Promise<void>((resolve) => (reached = resolve));
	const gate = new Promise<void>((resolve) => (open = resolve));
	process.beforeStart = async () => {
		process.beforeStart = undefined;
		reached();
		await gate;
	};
	const delivery = signed(inbound({ id }));
	const first = process.deliver(delivery);
	await atStart;
	return { process, delivery, first, open };
}

/** Options → Answer WAPing: Once the Execution Is Created. */
const ANSWER_STARTED = { options: { answer: 'started' } };

describe('a start that n8n could not make (Answer WAPing: Once the Execution Is Created)', () => {
	it('n8n fails to create the execution (its answer 500): the redelivery starts the event, once', async () => {
		const process = await trigger(ANSWER_STARTED);
		process.failStarts = 1;
		const delivery = signed(inbound({ id: 'evt_failed_start' }));
		const failed = await process.deliver(delivery);
		expect(failed.status).toBe(500);
		expect(process.started).toHaveLength(0);
		const again = await process.deliver(delivery);
		expect(again.status).toBe(200);
		expect(again.json).toMatchObject({ started: 1, duplicates: 0 });
		const third = await process.deliver(delivery);
		expect(third.json).toMatchObject({ started: 0, duplicates: 1 });
		expect(process.started).toHaveLength(1);
		expect(ledger(process.db)).toEqual(['id:evt_failed_start']);
	});

	it('a copy arriving while n8n is still starting the first delivery waits for its answer; the first fails: the copy starts the event', async () => {
		const { process, delivery, first, open } = await firstDeliveryHeld('evt_copy_starts');
		let copyAnswered = false;
		const copy = process.deliver(delivery).then((answer) => {
			copyAnswered = true;
			return answer;
		});
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(copyAnswered).toBe(false);
		process.failStarts = 1;
		open();
		const [a, b] = await Promise.all([first, copy]);
		expect([a.status, b.status]).toEqual([500, 200]);
		expect(b.json).toMatchObject({ started: 1, duplicates: 0 });
		expect(process.started).toHaveLength(1);
	});

	it('a copy arriving while n8n is still starting the first delivery waits for its answer; the first starts: the copy is a duplicate', async () => {
		const { process, delivery, first, open } = await firstDeliveryHeld('evt_copy_waits');
		const copy = process.deliver(delivery);
		open();
		const [a, b] = await Promise.all([first, copy]);
		expect([a.status, b.status]).toEqual([200, 200]);
		expect([a.json, b.json]).toMatchObject([
			{ started: 1, duplicates: 0 },
			{ started: 0, duplicates: 1 },
		]);
		expect(process.started).toHaveLength(1);
	});

	it('a copy still waiting after 3 s is answered 503 with Retry-After (WAPing delivers it again); once the first started, a copy is a duplicate', async () => {
		const { process, delivery, first, open } = await firstDeliveryHeld('evt_slow_start');
		const copy = await process.deliver({ ...delivery, waitIdle: false });
		expect(copy.status).toBe(503);
		expect(copy.headers.get('retry-after')).toBe('3');
		expect(copy.json).toMatchObject({ error: 'busy' });
		open();
		expect((await first).json).toMatchObject({ started: 1 });
		const later = await process.deliver(delivery);
		expect(later.json).toMatchObject({ started: 0, duplicates: 1 });
		expect(process.started).toHaveLength(1);
		expect(process.logs.map((l) => l.message).join('\n')).toMatch(/answered 503: another delivery/);
	});

	it("another event's save put the failed event's id in the ledger: its redelivery still starts it", async () => {
		const { process, delivery: failing, first, open } = await firstDeliveryHeld('evt_fails');
		// Another event accepted meanwhile: its save carries the pending id into the ledger.
		const other = await process.deliver({
			...signed(inbound({ id: 'evt_other' })),
			waitIdle: false,
		});
		expect(other.status).toBe(200);
		expect(ledger(process.db)).toEqual(['id:evt_fails', 'id:evt_other']);
		process.failStarts = 1;
		open();
		expect((await first).status).toBe(500);
		const again = await process.deliver(failing);
		expect(again.json).toMatchObject({ started: 1, duplicates: 0 });
		expect(process.started.map((s) => s.items[0].json.eventId).sort()).toEqual([
			'evt_fails',
			'evt_other',
		]);
	});
});

describe('the limits, measured', () => {
	it('As Soon As Verified (the default) answers 200 before n8n creates the execution: when n8n then fails to, the redelivery is taken for a repeat and the event never runs', async () => {
		const process = await trigger();
		process.failStarts = 1;
		const delivery = signed(inbound({ id: 'evt_lost_after_answer' }));
		const first = await process.deliver(delivery);
		expect(first.status).toBe(200);
		expect(first.json).toMatchObject({ started: 1 });
		const again = await process.deliver(delivery);
		expect(again.json).toMatchObject({ started: 0, duplicates: 1 });
		expect(process.started).toHaveLength(0);
	});

	it('ids are remembered for a day: the same id 25 hours later starts the workflow again', async () => {
		const process = await trigger();
		const delivery = signed(inbound({ id: 'evt_day' }));
		await process.deliver(delivery);
		advanceClock(25 * HOUR);
		await process.deliver(delivery);
		expect(process.started).toHaveLength(2);
	});

	it('queue mode, two webhook processes, the same event at the same moment (both read the static data before either saved it): two executions, not exact; any later redelivery starts nothing', async () => {
		const db: Database = { staticData: {} };
		const one = await trigger({}, {}, { db });
		const two = await trigger({}, {}, { db });
		one.sameMoment = two.sameMoment = new SameMoment(2);
		const delivery = signed(inbound({ id: 'evt_two_processes' }));
		await Promise.all([one.deliver(delivery), two.deliver(delivery)]);
		expect(one.started.length + two.started.length).toBe(2);
		await one.deliver(delivery);
		await two.deliver(delivery);
		expect(one.started.length + two.started.length).toBe(2);
	});

	it('queue mode, two webhook processes, two different events at the same moment: one save can drop the other id, and that event would start again on a later redelivery', async () => {
		const db: Database = { staticData: {} };
		const one = await trigger({}, {}, { db });
		const two = await trigger({}, {}, { db });
		one.sameMoment = two.sameMoment = new SameMoment(2);
		await Promise.all([
			one.deliver(signed(inbound({ id: 'evt_p1' }))),
			two.deliver(signed(inbound({ id: 'evt_p2' }))),
		]);
		expect(ledger(db)).toHaveLength(1);
	});

	it('the test URL (Listen for test event) shows every delivery and leaves the static data alone', async () => {
		const db: Database = { staticData: {} };
		const process = await trigger({}, {}, { db, mode: 'manual' });
		const delivery = signed(inbound({ id: 'evt_manual' }));
		await process.deliver(delivery);
		await process.deliver(delivery);
		expect(process.started).toHaveLength(2);
		expect(db.staticData).toEqual({});
	});
});
