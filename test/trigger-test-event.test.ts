/**
 * WAPing Trigger in the editor: Fetch Test Event runs the workflow manually from the trigger
 * (n8n-core's WorkflowExecute calls poll() in a manual poll context). It shows the devices as they
 * are now, as items shaped like the changes the trigger reports, and leaves the baseline alone.
 * And the node as n8n loads it: its description, codex, icons and place in package.json.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { retryOptions } from '../nodes/shared/descriptions';
import { WapingTrigger } from '../nodes/WapingTrigger/WapingTrigger.node';
import { TRIGGER_NAME } from './harness/poll';
import { ALL_EVENTS, pollLeaks, useSimulator, useTriggers } from './helpers';
import { demoKeys } from '../simulator';

const sim = useSimulator();
const KEY = demoKeys.growth;
const ROOT = join(__dirname, '..');
const trigger = useTriggers(sim);

describe('Fetch Test Event', () => {
	test('returns every device as it is now, as a "sample" item with the fields of a change', async () => {
		const result = await trigger().fetchTestEvent();
		expect(result.error).toBeUndefined();
		expect(result.run.status).toBe('success');
		const items = result.items.map((item) => item.json);
		expect(items.map((item) => [item.deviceId, item.state, item.connected, item.status])).toEqual([
			['dev_123', 'connected', true, 'connected'],
			['dev_456', 'degraded', false, 'degraded'],
			['dev_789', 'disconnected', false, 'disconnected'],
			['dev_abc', 'unlinked', false, 'unlinked'],
			['dev_new', 'unknown', false, 'PAIRING'],
		]);
		for (const item of items) {
			expect(Object.keys(item).sort()).toEqual([
				'connected',
				'detectedAt',
				'deviceId',
				'event',
				'previousState',
				'previousStatus',
				'state',
				'status',
			]);
			expect(item).toMatchObject({ event: 'sample', previousState: null, previousStatus: null });
		}
		expect(sim().attempts('/v1/devices')).toBe(1);
	});

	test.each([
		['connected', ALL_EVENTS, ['dev_123']],
		['notConnected', ALL_EVENTS, ['dev_456', 'dev_789', 'dev_abc', 'dev_new']],
		['notConnected', ['deviceLinked'], ['dev_456', 'dev_789', 'dev_abc', 'dev_new']],
		['any', ['sessionChanged'], ['dev_123', 'dev_456', 'dev_789', 'dev_abc', 'dev_new']],
	])(
		'Only When It Becomes = %s, Events %j: only the devices it could report (%j)',
		async (becomes, events, ids) => {
			const result = await trigger({}, { events, becomes }).fetchTestEvent();
			expect(result.error).toBeUndefined();
			expect(result.items.map((item) => item.json.deviceId)).toEqual(ids);
			for (const item of result.items) {
				expect(item.json.event).toBe('sample');
				if (becomes !== 'any') expect(item.json.connected).toBe(becomes === 'connected');
			}
		},
	);

	const madeUp = (fields: IDataObject) => ({
		event: 'sample',
		deviceId: 'sample',
		detectedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		...fields,
	});

	test.each([
		[
			'only Device Removed: no present device is a removal, one made-up removal',
			{ events: ['deviceRemoved'], becomes: 'any' },
			{
				previousState: 'connected',
				state: null,
				connected: false,
				status: null,
				previousStatus: 'connected',
			},
		],
		[
			'Connected, and no device is: one made-up session change to connected',
			{ events: ALL_EVENTS, becomes: 'connected', noneConnected: true },
			{
				previousState: 'disconnected',
				state: 'connected',
				connected: true,
				status: 'connected',
				previousStatus: 'disconnected',
			},
		],
		[
			'Device Linked, Not Connected, and every device is connected: one made-up link, not connected',
			{ events: ['deviceLinked'], becomes: 'notConnected', allConnected: true },
			{
				previousState: null,
				state: 'disconnected',
				connected: false,
				status: 'disconnected',
				previousStatus: null,
			},
		],
	])('none matches (%s)', async (_name, settings, fields) => {
		const workspace = sim().seed.workspaces.find((w) => w.id === 'ws_growth');
		if (workspace && 'noneConnected' in settings)
			workspace.devices = workspace.devices.filter((d) => d.status !== 'connected');
		if (workspace && 'allConnected' in settings)
			workspace.devices = workspace.devices.filter((d) => d.status === 'connected');
		const result = await trigger(
			{},
			{ events: settings.events, becomes: settings.becomes },
		).fetchTestEvent();
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json)).toEqual([madeUp(fields)]);
	});

	test('before activation: records no baseline (the first poll after publishing still does)', async () => {
		const workflow = trigger();
		const sample = await workflow.fetchTestEvent();
		expect(sample.items).toHaveLength(5);
		expect(sample.staticDataChanged).toBe(false);
		expect(sample.staticData).toEqual({});
		sim().changeDevice({ id: 'dev_123', status: 'disconnected' });
		const first = await workflow.activate();
		expect(first.emitted).toBeUndefined();
	});

	test('while active: leaves the baseline alone, so the next poll still reports the change', async () => {
		const workflow = trigger();
		await workflow.activate();
		const saved = workflow.saved;
		sim().changeDevice({ id: 'dev_123', status: 'disconnected' });
		const sample = await workflow.fetchTestEvent();
		expect(sample.items[0].json).toMatchObject({
			deviceId: 'dev_123',
			state: 'disconnected',
			event: 'sample',
		});
		expect(sample.staticDataChanged).toBe(false);
		expect(sample.staticData).toEqual(saved);
		const poll = await workflow.poll();
		expect(poll.emitted?.[0].map((item) => [item.json.event, item.json.deviceId])).toEqual([
			['sessionChanged', 'dev_123'],
		]);
	});

	test('a workspace without devices: one made-up sample, no error', async () => {
		const workspace = sim().seed.workspaces.find((w) => w.id === 'ws_growth');
		if (workspace) workspace.devices = [];
		const result = await trigger().fetchTestEvent();
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json)).toEqual([
			expect.objectContaining({ event: 'sample', deviceId: 'sample', state: 'connected' }),
		]);
	});

	test('a credential that declares Free: the plan message, and no request', async () => {
		const result = await trigger({ apiKey: demoKeys.free, plan: 'free' }).fetchTestEvent();
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'The WAPing Free plan has no API access, so the node sent no request',
		});
		expect(result.error?.description).toMatch(/Upgrade the workspace/);
		expect(sim().requests).toHaveLength(0);
	});

	test('a revoked key: the 401 message, the key nowhere', async () => {
		const result = await trigger({ apiKey: demoKeys.revoked }).fetchTestEvent();
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '401' });
		expect(result.error?.message).toMatch(/^WAPing did not accept the API key/);
		expect(pollLeaks(result, demoKeys.revoked)).toEqual([]);
	});

	test('devices echoing the key: the samples hold "[redacted]"', async () => {
		sim().seed.workspaces[0].devices.push({ id: 'dev_x', status: `s ${KEY}` });
		const result = await trigger().fetchTestEvent();
		expect(result.items[5].json.status).toBe('s [redacted]');
		expect(pollLeaks(result, KEY)).toEqual([]);
	});
});

describe('the node as n8n loads it', () => {
	const { description } = new WapingTrigger();

	test('a polling trigger named wapingTrigger, on the WAPing credential, with its own light and dark icons', () => {
		expect(description).toMatchObject({
			name: 'wapingTrigger',
			displayName: 'WAPing Trigger',
			group: ['trigger'],
			polling: true,
			inputs: [],
			credentials: [{ name: 'wapingApi', required: true }],
		});
		expect(description.outputs).toHaveLength(1);
		const icon = description.icon as { light: string; dark: string };
		const light = readFileSync(
			join(ROOT, 'nodes/WapingTrigger', icon.light.replace('file:', '')),
			'utf8',
		);
		const dark = readFileSync(
			join(ROOT, 'nodes/WapingTrigger', icon.dark.replace('file:', '')),
			'utf8',
		);
		expect(light).toMatch(/^<svg /);
		expect(dark).toMatch(/^<svg /);
		expect(light).not.toEqual(dark);
		expect(light).not.toEqual(readFileSync(join(ROOT, 'nodes/Waping/waping.svg'), 'utf8'));
	});

	test("Events (at least one, all three by default), Only When It Becomes, and the WAPing node's retry Options", () => {
		const [events, becomes, options] = description.properties;
		expect(events).toMatchObject({
			name: 'events',
			type: 'multiOptions',
			required: true,
			default: ALL_EVENTS,
		});
		expect(events.options?.map((option) => (option as { name: string }).name)).toEqual([
			'Device Linked',
			'Device Removed',
			'Session Changed',
		]);
		expect(becomes).toMatchObject({ name: 'becomes', type: 'options', default: 'any' });
		expect(becomes.options?.map((option) => (option as { value: string }).value)).toEqual([
			'any',
			'connected',
			'notConnected',
		]);
		expect(options).toMatchObject({ name: 'options', type: 'collection', default: {} });
		expect(options.options).toBe(retryOptions);
		expect(description.properties).toHaveLength(3);
	});

	test('the codex names the node as n8n types it, and package.json lists the built node', () => {
		const codex = JSON.parse(
			readFileSync(join(ROOT, 'nodes/WapingTrigger/WapingTrigger.node.json'), 'utf8'),
		) as IDataObject;
		expect(codex.node).toBe('n8n-nodes-waping.wapingTrigger');
		expect(codex.categories).toEqual(['Communication']);
		const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
			n8n: { nodes: string[] };
		};
		expect(pkg.n8n.nodes).toContain('dist/nodes/WapingTrigger/WapingTrigger.node.js');
		expect(existsSync(join(ROOT, 'nodes/WapingTrigger/WapingTrigger.node.ts'))).toBe(true);
	});

	test(`the node's static data key is per node name (n8n's "node:${TRIGGER_NAME}")`, async () => {
		const workflow = trigger();
		await workflow.activate();
		expect(Object.keys(workflow.saved)).toEqual([`node:${TRIGGER_NAME}`]);
	});
});
