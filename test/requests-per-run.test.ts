/**
 * What one node run costs, whatever the number of items: one device-list request per run (Get
 * Status, Get Many and Plan Check alike), one credential read, and the Device ID shortcut for
 * `{{ $json.field }}` giving exactly what n8n's expression engine gives. No timing is asserted here;
 * `npm run bench` measures time.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { TestCredentialsHelper } from './harness/credentials';
import { runWaping } from './harness/run';
import { calls, counts, jsonOf, OUTPUT_INDEX, pairedOf, useSimulator } from './helpers';
import type { Seed } from '../simulator';
import { manyDevices } from '../simulator';
import { jsonFieldOf } from '../nodes/Waping/run';

const KEY = 'wk_requests_per_run_0001';
const seed = (): Seed => ({
	workspaces: [
		{
			id: 'ws_big',
			plan: 'enterprise',
			devices: manyDevices('dev_', 50, ['connected', 'degraded', 'disconnected', 'unlinked']),
		},
	],
	keys: [{ key: KEY, workspace: 'ws_big', scopes: ['devices:read'] }],
});
const sim = useSimulator(seed);
const credentials = () => ({ apiKey: KEY, baseUrl: sim().url });
const deviceId = (i: number) => `dev_${String(((i * 7) % 50) + 1).padStart(3, '0')}`;
const getStatus = (id: string): INodeParameters => ({
	resource: 'device',
	operation: 'getStatus',
	deviceId: id,
});

afterEach(() => jest.restoreAllMocks());

describe('one list request per run', () => {
	test('Get Status, 10 000 items over 50 devices: every item answered in order and paired, one request', async () => {
		const items = Array.from({ length: 10_000 }, (_, i) => ({ deviceId: deviceId(i) }));
		const result = await runWaping({
			parameters: getStatus('={{ $json.deviceId }}'),
			credentials: credentials(),
			items,
		});
		expect(result.error).toBeUndefined();
		const out = jsonOf(result, OUTPUT_INDEX.success);
		expect(out.map((device) => device.id)).toEqual(items.map((item) => item.deviceId));
		expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual(items.map((_, i) => ({ item: i })));
		// The same device answers many items: each item still gets an object of its own.
		expect(new Set(out).size).toBe(out.length);
		expect(calls(sim())).toEqual(['GET /v1/devices']);
	});

	test('Get Status with a fixed Device ID (no expression) for 1 000 items: one request', async () => {
		const items = Array.from({ length: 1000 }, () => ({}));
		const result = await runWaping({
			parameters: getStatus('dev_007'),
			credentials: credentials(),
			items,
		});
		expect(jsonOf(result, OUTPUT_INDEX.success).map((device) => device.id)).toEqual(
			items.map(() => 'dev_007'),
		);
		expect(sim().requests).toHaveLength(1);
	});

	test('Get Status with a Device ID expression n8n evaluates per item: one request', async () => {
		const items = Array.from({ length: 300 }, (_, i) => ({ n: ((i * 7) % 50) + 1 }));
		const result = await runWaping({
			parameters: getStatus('={{ "dev_" + String($json.n).padStart(3, "0") }}'),
			credentials: credentials(),
			items,
		});
		expect(jsonOf(result, OUTPUT_INDEX.success).map((device) => device.id)).toEqual(
			items.map((_, i) => deviceId(i)),
		);
		expect(sim().requests).toHaveLength(1);
	});

	test('Get Many, 1 000 items with the same parameters: one request, the list for every item', async () => {
		const items = Array.from({ length: 1000 }, () => ({}));
		const result = await runWaping({
			parameters: { resource: 'device', operation: 'getAll', limit: 2 },
			credentials: credentials(),
			items,
		});
		expect(counts(result)).toEqual([2000, 0, 0]);
		expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual(
			items.flatMap((_, i) => [{ item: i }, { item: i }]),
		);
		expect(sim().requests).toHaveLength(1);
	});

	test('Get Many, 500 items each with its own Limit: still one request', async () => {
		const items = Array.from({ length: 500 }, (_, i) => ({ limit: (i % 3) + 1 }));
		const result = await runWaping({
			parameters: { resource: 'device', operation: 'getAll', limit: '={{ $json.limit }}' },
			credentials: credentials(),
			items,
		});
		expect(counts(result)[OUTPUT_INDEX.success]).toBe(
			items.reduce((sum, item) => sum + item.limit, 0),
		);
		expect(sim().requests).toHaveLength(1);
	});

	test('Plan Check, 1 000 items: one request, one plan item per input item', async () => {
		const items = Array.from({ length: 1000 }, () => ({}));
		const result = await runWaping({
			parameters: { resource: 'plan', operation: 'check' },
			credentials: credentials(),
			items,
		});
		const out = jsonOf(result, OUTPUT_INDEX.success);
		expect(out).toHaveLength(1000);
		// 50 devices listed, every fourth unlinked (not counted): 38 linked.
		expect(
			new Set(out.map((plan) => `${plan.plan}/${plan.devicesLinked}/${plan.devicesUnlinked}`)),
		).toEqual(new Set(['enterprise/38/12']));
		expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual(items.map((_, i) => ({ item: i })));
		expect(sim().requests).toHaveLength(1);
	});
});

describe('the credential, once per run', () => {
	test('1 000 items: the credential is read once by the node and once by n8n for the request', async () => {
		const reads = jest.spyOn(TestCredentialsHelper.prototype, 'getDecrypted');
		const items = Array.from({ length: 1000 }, (_, i) => ({ deviceId: deviceId(i) }));
		const result = await runWaping({
			parameters: getStatus('={{ $json.deviceId }}'),
			credentials: credentials(),
			items,
		});
		expect(counts(result)).toEqual([1000, 0, 0]);
		expect(reads.mock.calls.length).toBeLessThanOrEqual(2);
	});

	test('a credential the node refuses fails every item with its own index (Continue On Fail), and sends nothing', async () => {
		const result = await runWaping({
			parameters: getStatus('={{ $json.deviceId }}'),
			credentials: { apiKey: 'wk requests per run', baseUrl: sim().url },
			items: [{ deviceId: 'dev_001' }, { deviceId: 'dev_002' }, { deviceId: 'dev_003' }],
			onError: 'continueRegularOutput',
		});
		const out = jsonOf(result, OUTPUT_INDEX.success);
		expect(out.map((item) => item.error)).toEqual(
			Array(3).fill('The API key in the WAPing credential contains spaces'),
		);
		expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(sim().requests).toHaveLength(0);
	});

	test('without Continue On Fail, a first item that fails its checks stops the run before any request', async () => {
		const result = await runWaping({
			parameters: getStatus('={{ $json.deviceId }}'),
			credentials: credentials(),
			items: [{ deviceId: ' ' }, { deviceId: 'dev_001' }],
		});
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'Device ID is empty for the first item',
		});
		expect(sim().requests).toHaveLength(0);
	});

	test('without Continue On Fail, a later bad item also stops the run before any request: every item is checked first', async () => {
		const result = await runWaping({
			parameters: getStatus('={{ $json.deviceId }}'),
			credentials: credentials(),
			items: [
				{ deviceId: 'dev_001' },
				{ deviceId: 'dev_002' },
				{ deviceId: '' },
				{ deviceId: 'dev_003' },
			],
		});
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'Device ID is empty for the third item',
		});
		expect(calls(sim())).toEqual([]);
	});
});

describe('Device ID {{ $json.field }} is read from the item, exactly as n8n evaluates it', () => {
	test('which expressions are read straight from the item', () => {
		expect(jsonFieldOf('={{ $json.deviceId }}')).toBe('deviceId');
		expect(jsonFieldOf('={{$json.deviceId}}')).toBe('deviceId');
		expect(jsonFieldOf('={{ $json["device id"] }}')).toBe('device id');
		expect(jsonFieldOf("={{ $json['id'] }}")).toBe('id');
		for (const other of [
			'dev_123',
			'={{ $json.deviceId.trim() }}',
			'={{ $json.device.id }}',
			'=dev_{{ $json.n }}',
			'={{ $json.id }} ',
			'={{ $json["a\\"b"] }}',
			'={{ $json.constructor }}',
			'={{ $json.__proto__ }}',
			'={{ $json["prototype"] }}',
			'={{ $("Items").item.json.id }}',
		]) {
			expect(jsonFieldOf(other)).toBeUndefined();
		}
	});

	const values: Array<[string, IDataObject]> = [
		['an id', { v: 'dev_001' }],
		['an id with spaces around', { v: '  dev_002 ' }],
		['a number', { v: 3 }],
		['NaN', { v: Number.NaN }],
		['null', { v: null }],
		['no such field', {}],
		['an empty text', { v: '' }],
		['an object', { v: { id: 'dev_001' } }],
		['a list', { v: ['dev_001'] }],
		['true', { v: true }],
		['a zero-width space inside', { v: 'dev_\u200b001' }],
		['an unknown id', { v: 'dev_999' }],
		['a very long text', { v: 'd'.repeat(300) }],
	];

	test.each([
		['$json.v', '={{ $json.v }}', '={{ ($json.v) }}'],
		['$json["v"]', '={{ $json["v"] }}', '={{ ($json["v"]) }}'],
	])(
		'%s gives every item the same answer or error as the expression engine',
		async (_name, shortcut, engine) => {
			const items = values.map(([, json]) => json);
			const run = (expression: string) =>
				runWaping({
					parameters: getStatus(expression),
					credentials: credentials(),
					items,
					onError: 'continueRegularOutput',
				});
			// `($json.v)` is not the shortcut's form, so n8n's expression engine evaluates it.
			expect(jsonFieldOf(engine)).toBeUndefined();
			const [fast, slow] = [await run(shortcut), await run(engine)];
			expect(fast.outputs).toEqual(slow.outputs);
			expect(counts(fast)).toEqual([values.length, 0, 0]);
		},
	);
});
