/**
 * The three webhook examples: what they hold, and the reply example run end to end in n8n-core (the
 * WAPing Webhook Trigger, then WAPing Send against the simulator): inbound messages delivered several
 * times, in sequence, at the same moment and to two webhook processes, get one reply each.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IConnections, INode, INodeParameters } from 'n8n-workflow';

import { WapingWebhookTrigger } from '../nodes/WapingWebhookTrigger/WapingWebhookTrigger.node';
import type { Database } from './harness/webhook';
import { SameMoment, WEBHOOK_TRIGGER_TYPE } from './harness/webhook';
import { useSimulator } from './helpers';
import { inbound, signed, useWebhookProcesses } from './webhook-helpers';

const sim = useSimulator();
const trigger = useWebhookProcesses(() => sim().url);

interface Example {
	name: string;
	nodes: INode[];
	connections: IConnections;
}

const load = (file: string) =>
	JSON.parse(readFileSync(join(__dirname, '..', 'examples', file), 'utf8')) as Example;

const EXAMPLES = {
	'reply-exactly-once.json': ['messageReceived'],
	'record-delivery-states.json': ['messageStatus'],
	'session-drop-alert.json': ['sessionChanged'],
};

const triggerOf = (example: Example) =>
	example.nodes.find((node) => node.type === WEBHOOK_TRIGGER_TYPE) as INode;

describe.each(Object.entries(EXAMPLES))('examples/%s', (file, events) => {
	const example = load(file);

	it('starts on the WAPing Webhook Trigger (its only trigger) with the events it is about, verified with HMAC-SHA256', () => {
		const triggers = example.nodes.filter((node) => /trigger$/i.test(node.type));
		expect(triggers.map((node) => node.type)).toEqual([WEBHOOK_TRIGGER_TYPE]);
		expect(triggerOf(example).parameters).toMatchObject({ events, verification: 'hmacSha256' });
		expect(triggerOf(example).webhookId).toMatch(/^[0-9a-f-]{36}$/);
	});

	it("uses only nodes that ship with n8n, plus WAPing's; every trigger parameter is one the node has", () => {
		for (const node of example.nodes)
			expect(node.type).toMatch(
				/^(n8n-nodes-base\.|n8n-nodes-waping\.(waping|wapingWebhookTrigger)$)/,
			);
		const names = new WapingWebhookTrigger().description.properties.map((p) => p.name);
		for (const key of Object.keys(triggerOf(example).parameters)) expect(names).toContain(key);
	});

	it('every connection leads to a node of the workflow', () => {
		const names = new Set(example.nodes.map((node) => node.name));
		for (const [from, outputs] of Object.entries(example.connections)) {
			expect(names.has(from)).toBe(true);
			for (const output of outputs.main ?? [])
				for (const target of output ?? []) expect(names.has(target.node)).toBe(true);
		}
	});
});

describe('reply exactly once, end to end', () => {
	const example = load('reply-exactly-once.json');
	const reply = example.nodes.find((node) => node.name === 'Reply') as INode;

	it("the reply's Idempotency Key is built from the inbound messageId; it goes to the sender through the event's device", () => {
		expect((reply.parameters.options as INodeParameters).idempotencyKey).toBe(
			'=reply-{{ $json.messageId }}',
		);
		expect(reply.parameters.to).toBe('={{ $json.from }}');
		expect((reply.parameters.deviceId as INodeParameters).value).toBe('={{ $json.deviceId }}');
	});

	async function replyWorkflow(db: Database) {
		const node = triggerOf(example);
		const sendNode: INode = {
			...reply,
			credentials: { wapingApi: { id: 'cred-1', name: 'WAPing' } },
		};
		return await trigger(
			node.parameters as never,
			{},
			{
				db,
				triggerName: node.name,
				downstream: {
					nodes: [sendNode],
					connections: { [node.name]: example.connections[node.name] },
				},
			},
		);
	}

	it('three messages, delivered 3 times in sequence, 4 times at the same moment, and to two webhook processes at once: 3 replies accepted by WAPing', async () => {
		const db: Database = { staticData: {} };
		const one = await replyWorkflow(db);
		const two = await replyWorkflow(db);
		const m1 = signed(
			inbound({ id: 'evt_m1', deviceId: 'dev_123' }, { messageId: 'wamid_m1', text: 'one' }),
		);
		const m2 = signed(
			inbound({ id: 'evt_m2', deviceId: 'dev_123' }, { messageId: 'wamid_m2', text: 'two' }),
		);
		const m3 = signed(
			inbound({ id: 'evt_m3', deviceId: 'dev_123' }, { messageId: 'wamid_m3', text: 'three' }),
		);
		for (let i = 0; i < 3; i += 1) await one.deliver(m1);
		one.sameMoment = new SameMoment(4);
		await Promise.all(Array.from({ length: 4 }, () => one.deliver(m2)));
		one.sameMoment = two.sameMoment = new SameMoment(2);
		await Promise.all([one.deliver(m3), two.deliver(m3)]);

		// The trigger fired once for m1 and m2, twice for m3 (two processes: not exact) ...
		const fired = [...one.started, ...two.started].map((s) => s.items[0].json.messageId);
		expect(fired.sort()).toEqual(['wamid_m1', 'wamid_m2', 'wamid_m3', 'wamid_m3']);
		// ... and WAPing accepted one reply per inbound message, to its sender.
		expect(sim().messages).toHaveLength(3);
		expect(
			sim()
				.messages.map((m) => m.to)
				.sort(),
		).toEqual(['+4915112345678', '+4915112345678', '+4915112345678']);
		// The second m3 reply was WAPing's replay of the first (same key, same body), on Success.
		const replies = [...one.started, ...two.started].map((s) => s.outputs.Reply?.[0]?.[0]?.json);
		expect(replies.every((json) => json?.status !== undefined)).toBe(true);
	});
});
