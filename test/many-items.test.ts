/**
 * Many input items in one run: every item is processed with its own parameter values (not item 0's),
 * every output item is paired with its input item, and the run makes exactly one list request.
 */
import type { Seed } from '../simulator';
import { demoKeys, manyDevices } from '../simulator';
import { runWaping } from './harness/run';
import { calls, counts, jsonOf, OUTPUT_INDEX, pairedOf, useSimulator } from './helpers';

const sim = useSimulator();
const credentials = () => ({ apiKey: demoKeys.growth, baseUrl: sim().url });
const byExpression = { resource: 'device', operation: 'getStatus', deviceId: '={{ $json.id }}' };

test("five items, five different devices: each answer is its own item's device, one request", async () => {
	const items = [
		{ id: 'dev_789' },
		{ id: 'dev_123' },
		{ id: 'dev_new' },
		{ id: 'dev_456' },
		{ id: 'dev_abc' },
	];
	const result = await runWaping({ parameters: byExpression, credentials: credentials(), items });
	expect(result.error).toBeUndefined();
	expect(counts(result)).toEqual([5, 0, 0]);
	expect(result.outputs[OUTPUT_INDEX.success]).toEqual([
		{
			json: { id: 'dev_789', status: 'disconnected', state: 'disconnected', connected: false },
			pairedItem: { item: 0 },
		},
		{
			json: { id: 'dev_123', status: 'connected', state: 'connected', connected: true },
			pairedItem: { item: 1 },
		},
		{
			json: { id: 'dev_new', status: 'PAIRING', state: 'unknown', connected: false },
			pairedItem: { item: 2 },
		},
		{
			json: { id: 'dev_456', status: 'degraded', state: 'degraded', connected: false },
			pairedItem: { item: 3 },
		},
		{
			json: { id: 'dev_abc', status: 'unlinked', state: 'unlinked', connected: false },
			pairedItem: { item: 4 },
		},
	]);
	expect(calls(sim())).toEqual(['GET /v1/devices']);
});

test('the same device asked for twice: two items, still one request', async () => {
	const result = await runWaping({
		parameters: byExpression,
		credentials: credentials(),
		items: [{ id: 'dev_123' }, { id: 'dev_123' }],
	});
	expect(jsonOf(result, OUTPUT_INDEX.success).map((device) => device.id)).toEqual([
		'dev_123',
		'dev_123',
	]);
	expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(sim().requests).toHaveLength(1);
});

test('an expression built from several fields', async () => {
	const result = await runWaping({
		parameters: { ...byExpression, deviceId: '={{ $json.prefix + "_" + $json.suffix }}' },
		credentials: credentials(),
		items: [
			{ prefix: 'dev', suffix: '456' },
			{ prefix: 'dev', suffix: 'abc' },
		],
	});
	expect(jsonOf(result, OUTPUT_INDEX.success).map((device) => device.id)).toEqual([
		'dev_456',
		'dev_abc',
	]);
});

describe('a large workspace and many items', () => {
	const seed: Seed = {
		workspaces: [
			{
				id: 'ws_big',
				plan: 'enterprise',
				devices: manyDevices('dev_', 50, ['connected', 'degraded', 'disconnected', 'unlinked']),
			},
		],
		keys: [{ key: 'wk_big_workspace_key_0001', workspace: 'ws_big', scopes: ['devices:read'] }],
	};

	test('200 items over 50 devices: 200 answers in input order, each paired, one request', async () => {
		sim().seed = seed;
		const items = Array.from({ length: 200 }, (_, i) => ({
			id: `dev_${String(((i * 7) % 50) + 1).padStart(3, '0')}`,
		}));
		const result = await runWaping({
			parameters: byExpression,
			credentials: { apiKey: 'wk_big_workspace_key_0001', baseUrl: sim().url },
			items,
		});
		const out = jsonOf(result, OUTPUT_INDEX.success);
		expect(out).toHaveLength(200);
		expect(out.map((device) => device.id)).toEqual(items.map((item) => item.id));
		// The states follow each device's own status (cycle of four in the seed), not item 0's.
		const statuses = ['connected', 'degraded', 'disconnected', 'unlinked'];
		expect(out.map((device) => device.state)).toEqual(
			items.map((item) => statuses[(Number(item.id.slice(4)) - 1) % 4]),
		);
		expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual(items.map((_, i) => ({ item: i })));
		expect(sim().requests).toHaveLength(1);
	});
});

describe('Get Many with per-item parameters', () => {
	test('each item its own Limit: the devices of each item are paired with it', async () => {
		const result = await runWaping({
			parameters: { resource: 'device', operation: 'getAll', limit: '={{ $json.limit }}' },
			credentials: credentials(),
			items: [{ limit: 1 }, { limit: 3 }],
		});
		expect(
			result.outputs[OUTPUT_INDEX.success].map((item) => [item.json.id, item.pairedItem]),
		).toEqual([
			['dev_123', { item: 0 }],
			['dev_123', { item: 1 }],
			['dev_456', { item: 1 }],
			['dev_789', { item: 1 }],
		]);
		expect(sim().requests).toHaveLength(1);
	});

	test('each item its own session filter', async () => {
		const result = await runWaping({
			parameters: {
				resource: 'device',
				operation: 'getAll',
				returnAll: true,
				sessionFilter: '={{ $json.filter }}',
			},
			credentials: credentials(),
			items: [{ filter: 'connected' }, { filter: 'notConnected' }],
		});
		expect(
			result.outputs[OUTPUT_INDEX.success].map((item) => [item.json.id, item.pairedItem]),
		).toEqual([
			['dev_123', { item: 0 }],
			['dev_456', { item: 1 }],
			['dev_789', { item: 1 }],
			['dev_abc', { item: 1 }],
			['dev_new', { item: 1 }],
		]);
		expect(sim().requests).toHaveLength(1);
	});

	test('three plain items (no expressions): the list three times, each copy paired with its item', async () => {
		const result = await runWaping({
			parameters: { resource: 'device', operation: 'getAll', returnAll: true },
			credentials: credentials(),
			items: [{}, {}, {}],
		});
		expect(counts(result)).toEqual([15, 0, 0]);
		expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual([
			...Array(5).fill({ item: 0 }),
			...Array(5).fill({ item: 1 }),
			...Array(5).fill({ item: 2 }),
		]);
		expect(sim().requests).toHaveLength(1);
	});
});

describe('failures with many items', () => {
	test('a failing list request is sent once, and every item reports it (Continue On Fail)', async () => {
		sim().inject({
			status: 503,
			body: { error: { code: 'SERVER_ERROR', message: 'maintenance' } },
			times: Infinity,
		});
		const result = await runWaping({
			parameters: { ...byExpression, options: { maxAttempts: 1 } },
			credentials: credentials(),
			items: [{ id: 'dev_123' }, { id: 'dev_456' }, { id: 'dev_789' }, { id: 'dev_abc' }],
			onError: 'continueRegularOutput',
		});
		expect(counts(result)).toEqual([4, 0, 0]);
		for (const json of jsonOf(result, OUTPUT_INDEX.success))
			expect(json.error).toMatch(/^WAPing had a server error \(HTTP 503 SERVER_ERROR\)/);
		expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(sim().requests).toHaveLength(1);
	});

	test('one bad id among good ones only fails its own item (Continue On Fail)', async () => {
		const result = await runWaping({
			parameters: byExpression,
			credentials: credentials(),
			items: [{ id: 'dev_123' }, { id: 'nope' }, { id: 'dev_456' }, { id: '' }],
			onError: 'continueRegularOutput',
		});
		expect(
			result.outputs[OUTPUT_INDEX.success].map((item) => [
				item.json.id ?? item.json.error,
				item.pairedItem,
			]),
		).toEqual([
			['dev_123', { item: 0 }],
			['Device "nope" is not linked to this WAPing workspace', { item: 1 }],
			['dev_456', { item: 2 }],
			['Device ID is empty for item 4', { item: 3 }],
		]);
		expect(sim().requests).toHaveLength(1);
	});

	test('without Continue On Fail, a bad id in item 2 stops the run with an error about item 2', async () => {
		const result = await runWaping({
			parameters: byExpression,
			credentials: credentials(),
			items: [{ id: 'dev_123' }, { id: 'dev_456' }, { id: 'ghost' }],
		});
		expect(result.error?.message).toBe('Device "ghost" is not linked to this WAPing workspace');
		expect(
			(result.error as unknown as { context?: { itemIndex?: number } }).context?.itemIndex,
		).toBe(2);
	});
});
