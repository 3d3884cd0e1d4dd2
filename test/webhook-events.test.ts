/**
 * What a delivery starts: one item per event with the plain fields and the raw event, the events
 * and filters chosen, unknown events raw with Any Event, a body that is not JSON refused, and the
 * answer out before n8n starts the execution.
 */
import { useSimulator } from './helpers';
import { inbound, signed, useWebhookProcesses, hmacHex } from './webhook-helpers';

const sim = useSimulator();
const trigger = useWebhookProcesses(() => sim().url);

const FIELDS = [
	'event',
	'eventId',
	'deviceId',
	'from',
	'to',
	'text',
	'messageId',
	'status',
	'state',
	'previousState',
	'chatId',
	'isGroup',
	'fromMe',
	'occurredAt',
	'raw',
];

describe('fields', () => {
	it('Answer WAPing: Once the Execution Is Created: the same 200 and body, sent after n8n created it, and the ledger still saved (n8n 2.x resets its mark in between)', async () => {
		const process = await trigger({ options: { answer: 'started' } });
		const delivery = signed(inbound({ id: 'evt_started' }));
		const answer = await process.deliver(delivery);
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({ received: true, events: 1, started: 1, duplicates: 0 });
		expect(process.started.map((s) => s.answeredFirst)).toEqual([false]);
		const restarted = await trigger({ options: { answer: 'started' } }, {}, { db: process.db });
		expect((await restarted.deliver(delivery)).json).toMatchObject({ started: 0, duplicates: 1 });
	});

	it('Message Received: the plain fields, the raw event, and the 200 sent before n8n creates the execution (Answer WAPing: As Soon As Verified, the default)', async () => {
		const process = await trigger();
		const event = inbound({ id: 'evt_fields' }, { messageId: 'wamid_fields', text: 'Hi there' });
		const answer = await process.deliver(signed(event));
		expect(answer.status).toBe(200);
		expect(process.started).toHaveLength(1);
		const [started] = process.started;
		expect(started.answeredFirst).toBe(true);
		expect(answer.json).toEqual({ received: true, events: 1, started: 1, duplicates: 0 });
		expect(started.items).toHaveLength(1);
		expect(Object.keys(started.items[0].json)).toEqual(FIELDS);
		expect(started.items[0].json).toEqual({
			event: 'message.received',
			eventId: 'evt_fields',
			deviceId: 'dev_123',
			from: '+4915112345678',
			to: '+14155550123',
			text: 'Hi there',
			messageId: 'wamid_fields',
			status: null,
			state: null,
			previousState: null,
			chatId: '4915112345678@s.whatsapp.net',
			isGroup: false,
			fromMe: false,
			occurredAt: '2026-12-07T00:00:00.000Z',
			raw: event,
		});
	});

	it('Message Status Changed: status, messageId, to', async () => {
		const process = await trigger({ events: ['messageStatus'] });
		const event = {
			id: 'evt_status_1',
			type: 'message.status',
			createdAt: '2026-12-07T00:00:01.000Z',
			deviceId: 'dev_123',
			data: { messageId: 'msg_1', status: 'Delivered', to: '+14155550123' },
		};
		await process.deliver(signed(event));
		expect(process.started[0].items[0].json).toMatchObject({
			event: 'message.status',
			eventId: 'evt_status_1',
			messageId: 'msg_1',
			status: 'delivered',
			to: '+14155550123',
			text: null,
			state: null,
		});
	});

	it('Session Changed: state and previousState', async () => {
		const process = await trigger({ events: ['sessionChanged'] });
		const event = {
			id: 'evt_session_1',
			type: 'session.changed',
			createdAt: '2026-12-07T00:00:02.000Z',
			deviceId: 'dev_123',
			data: { state: 'disconnected', previousState: 'connected' },
		};
		await process.deliver(signed(event));
		expect(process.started[0].items[0].json).toMatchObject({
			event: 'session.changed',
			deviceId: 'dev_123',
			state: 'disconnected',
			previousState: 'connected',
			from: null,
		});
	});

	it('the envelope variants: event name in event_type, payload, epoch seconds, text.body, device id in the payload', async () => {
		const process = await trigger({ events: ['messageReceived'] });
		const event = {
			event_id: 'evt_variant',
			event_type: 'Message_Inbound',
			timestamp: 1796601600,
			payload: {
				device_id: 'dev_9',
				from: '+15550001',
				text: { body: 'nested' },
				message_id: 'w_9',
			},
		};
		await process.deliver(signed(event));
		expect(process.started[0].items[0].json).toMatchObject({
			event: 'message.received',
			eventId: 'evt_variant',
			deviceId: 'dev_9',
			text: 'nested',
			messageId: 'w_9',
			occurredAt: new Date(1796601600 * 1000).toISOString(),
		});
	});

	it('a batch (a JSON list of events) starts one execution with one item per event', async () => {
		const process = await trigger({ events: ['anyEvent'] });
		const events = [inbound({ id: 'evt_b1' }), inbound({ id: 'evt_b2' })];
		await process.deliver(signed(events));
		expect(process.started).toHaveLength(1);
		expect(process.started[0].items.map((item) => item.json.eventId)).toEqual(['evt_b1', 'evt_b2']);
	});
});

describe('unknown events', () => {
	it('with Any Event: started raw (event = its own name), never dropped', async () => {
		const process = await trigger({ events: ['anyEvent'] });
		const event = { id: 'evt_unknown', type: 'contact.updated', data: { name: 'Ana' } };
		await process.deliver(signed(event));
		expect(process.started[0].items[0].json).toMatchObject({
			event: 'contact.updated',
			eventId: 'evt_unknown',
			raw: event,
		});
	});

	it.each([
		['a JSON string', '"just text"'],
		['a number', '42'],
		['null', 'null'],
		['an object without a name', '{"hello":"world"}'],
		['a list of scalars', '[1, 2]'],
	])('with Any Event, %s starts the workflow raw and does not crash', async (_case, body) => {
		const process = await trigger({ events: ['anyEvent'] });
		const answer = await process.deliver({
			body,
			headers: { 'x-waping-signature': hmacHex(body) },
		});
		expect(answer.status).toBe(200);
		expect(process.started).toHaveLength(1);
		expect(process.started[0].error).toBeUndefined();
		const parsed: unknown = JSON.parse(body);
		expect(process.started[0].items[0].json.raw).toEqual(
			Array.isArray(parsed) ? parsed[0] : parsed,
		);
	});

	it('without Any Event: answered 200 (accepted), nothing started', async () => {
		const process = await trigger({ events: ['messageReceived'] });
		const answer = await process.deliver(signed({ id: 'evt_x', type: 'contact.updated' }));
		expect(answer.status).toBe(200);
		expect(answer.json).toMatchObject({ received: true, started: 0 });
		expect(process.started).toHaveLength(0);
	});
});

describe('a body that is not JSON', () => {
	it('under application/json: n8n itself answers 422 before the node runs; nothing started', async () => {
		const process = await trigger({ events: ['anyEvent'] });
		const body = '{"id": "evt_broken", ';
		const answer = await process.deliver({
			body,
			headers: { 'x-waping-signature': hmacHex(body) },
		});
		expect(answer.status).toBe(422);
		expect(process.started).toHaveLength(0);
	});

	it('under text/plain (n8n leaves it to the node): 400, nothing started', async () => {
		const process = await trigger({ events: ['anyEvent'] });
		const body = '{"id": "evt_broken", ';
		const answer = await process.deliver({
			body,
			headers: { 'content-type': 'text/plain', 'x-waping-signature': hmacHex(body) },
		});
		expect(answer.status).toBe(400);
		expect(answer.json).toMatchObject({ error: 'json' });
		expect(process.started).toHaveLength(0);
	});

	it('JSON sent as text/plain is read like JSON', async () => {
		const process = await trigger();
		const { body, headers } = signed(inbound({ id: 'evt_plain' }));
		const answer = await process.deliver({
			body,
			headers: { ...headers, 'content-type': 'text/plain' },
		});
		expect(answer.status).toBe(200);
		expect(process.started[0].items[0].json.eventId).toBe('evt_plain');
	});
});

describe('filters', () => {
	it('Events: only the kinds chosen start the workflow', async () => {
		const process = await trigger({ events: ['messageStatus', 'sessionChanged'] });
		await process.deliver(signed(inbound()));
		await process.deliver(signed({ id: 'e_s', type: 'message.status', data: { status: 'read' } }));
		await process.deliver(
			signed({ id: 'e_c', type: 'device.status', data: { status: 'unlinked' } }),
		);
		expect(process.started.map((s) => s.items[0].json.event)).toEqual([
			'message.status',
			'session.changed',
		]);
		expect(process.started[1].items[0].json.state).toBe('unlinked');
	});

	it('Devices: only the devices chosen', async () => {
		const process = await trigger({ devices: ['dev_a', 'dev_b'] });
		for (const deviceId of ['dev_a', 'dev_c', 'dev_b'])
			await process.deliver(signed(inbound({ deviceId })));
		await process.deliver(signed(inbound({ deviceId: undefined })));
		expect(process.started.map((s) => s.items[0].json.deviceId)).toEqual(['dev_a', 'dev_b']);
	});

	it("Ignore Messages Sent by the Device (on by default): the device's own messages start nothing; off: they do", async () => {
		const ignoring = await trigger();
		await ignoring.deliver(signed(inbound({}, { fromMe: true })));
		await ignoring.deliver(signed(inbound({}, { fromMe: undefined, direction: 'outbound' })));
		await ignoring.deliver(signed(inbound({}, { fromMe: false })));
		expect(ignoring.started).toHaveLength(1);
		const keeping = await trigger({ ignoreOwnMessages: false });
		await keeping.deliver(signed(inbound({}, { fromMe: true })));
		expect(keeping.started).toHaveLength(1);
		expect(keeping.started[0].items[0].json.fromMe).toBe(true);
	});

	it('Chats: direct only, groups only (isGroup, or a chat id ending in @g.us)', async () => {
		const group = inbound({}, { chatId: '1203630@g.us', isGroup: undefined, participant: '+4915' });
		const direct = inbound();
		const directOnly = await trigger({ chats: 'direct' });
		await directOnly.deliver(signed(group));
		await directOnly.deliver(signed(direct));
		expect(directOnly.started.map((s) => s.items[0].json.isGroup)).toEqual([false]);
		const groupsOnly = await trigger({ chats: 'groups' });
		await groupsOnly.deliver(signed(inbound({}, { chatId: '1203630@g.us', isGroup: undefined })));
		await groupsOnly.deliver(signed(inbound()));
		expect(groupsOnly.started.map((s) => s.items[0].json.isGroup)).toEqual([true]);
	});

	it('a batch keeps the events that pass and leaves out the others', async () => {
		const process = await trigger({ events: ['messageReceived'] });
		await process.deliver(
			signed([
				inbound({ id: 'evt_keep' }),
				{ id: 'evt_drop', type: 'message.status' },
				inbound({ id: 'evt_mine' }, { fromMe: true }),
			]),
		);
		expect(process.started[0].items.map((i) => i.json.eventId)).toEqual(['evt_keep']);
	});
});

describe('a setting an expression broke', () => {
	it('Verification with no such choice: 500 (WAPing retries later), nothing started, an error line in the log', async () => {
		const process = await trigger({ verification: 'md5' });
		const answer = await process.deliver(signed(inbound()));
		expect(answer.status).toBe(500);
		expect(process.started).toHaveLength(0);
		expect(
			process.logs.some(
				(line) => line.level === 'error' && /Verification has no choice/.test(line.message),
			),
		).toBe(true);
	});
});
