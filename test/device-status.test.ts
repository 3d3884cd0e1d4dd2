/**
 * Device → Get Status: one item per input item with the device's session state, read from the one
 * documented endpoint (GET /v1/devices). A device that is not in the workspace is an error naming it.
 */
import type { Seed } from '../simulator';
import { demoKeys, demoSeed } from '../simulator';
import { runWaping } from './harness/run';
import { calls, counts, errorOf, jsonOf, OUTPUT_INDEX, pairedOf, useSimulator } from './helpers';

const sim = useSimulator();
const credentials = (apiKey: string = demoKeys.growth) => ({ apiKey, baseUrl: sim().url });
const status = (deviceId: string) => ({ resource: 'device', operation: 'getStatus', deviceId });

test('a connected device: one item on Success with id, status, state and connected', async () => {
	const result = await runWaping({ parameters: status('dev_123'), credentials: credentials() });
	expect(result.error).toBeUndefined();
	expect(counts(result)).toEqual([1, 0, 0]);
	expect(result.outputs[OUTPUT_INDEX.success]).toEqual([
		{
			json: { id: 'dev_123', status: 'connected', state: 'connected', connected: true },
			pairedItem: { item: 0 },
		},
	]);
});

test('the request: one authenticated GET /v1/devices that asks for JSON', async () => {
	await runWaping({ parameters: status('dev_123'), credentials: credentials() });
	expect(calls(sim())).toEqual(['GET /v1/devices']);
	const [request] = sim().requests;
	expect(request.headers.authorization).toBe(`Bearer ${demoKeys.growth}`);
	expect(request.headers.accept).toMatch(/^application\/json/);
	expect(request.body).toBe('');
});

test.each([
	// [device, status as the API gives it, normalised state, connected, key of its workspace]
	['dev_456', 'degraded', 'degraded', false, demoKeys.growth],
	['dev_789', 'disconnected', 'disconnected', false, demoKeys.growth],
	['dev_abc', 'unlinked', 'unlinked', false, demoKeys.growth],
	['dev_new', 'PAIRING', 'unknown', false, demoKeys.growth],
	['dev_solo', 'Connected', 'connected', true, demoKeys.starter],
])(
	'%s: status "%s" kept as given, state %s, connected %s',
	async (deviceId, given, state, connected, key) => {
		const result = await runWaping({ parameters: status(deviceId), credentials: credentials(key) });
		expect(jsonOf(result, OUTPUT_INDEX.success)).toEqual([
			{ id: deviceId, status: given, state, connected },
		]);
	},
);

describe('statuses outside the documented four', () => {
	const odd: Seed = {
		workspaces: [
			{
				id: 'ws_odd',
				plan: 'growth',
				devices: [
					{ id: 'dev_upper', status: 'DEGRADED' },
					{ id: 'dev_spaced', status: ' connected ' },
					{ id: 'dev_none' } as never,
					{ id: 'dev_number', status: 7 } as never,
					{ id: 'dev_named', status: 'connected', name: 'Front desk', phone: '+15551234567' },
				],
			},
		],
		keys: [{ key: 'wk_odd_workspace_key_0001', workspace: 'ws_odd', scopes: ['devices:read'] }],
	};
	beforeEach(() => {
		sim().seed = odd;
	});

	test.each([
		['dev_upper', { status: 'DEGRADED', state: 'degraded', connected: false }],
		['dev_spaced', { status: ' connected ', state: 'connected', connected: true }],
		['dev_none', { status: null, state: 'unknown', connected: false }],
		['dev_number', { status: null, state: 'unknown', connected: false }],
	])('%s', async (deviceId, fields) => {
		const result = await runWaping({
			parameters: status(deviceId),
			credentials: credentials('wk_odd_workspace_key_0001'),
		});
		expect(result.error).toBeUndefined();
		expect(jsonOf(result, OUTPUT_INDEX.success)).toEqual([{ id: deviceId, ...fields }]);
	});

	test('fields the API adds are kept', async () => {
		const result = await runWaping({
			parameters: status('dev_named'),
			credentials: credentials('wk_odd_workspace_key_0001'),
		});
		expect(jsonOf(result, OUTPUT_INDEX.success)).toEqual([
			{
				id: 'dev_named',
				status: 'connected',
				name: 'Front desk',
				phone: '+15551234567',
				state: 'connected',
				connected: true,
			},
		]);
	});
});

test('surrounding spaces in the Device ID are ignored', async () => {
	const result = await runWaping({ parameters: status('  dev_789 '), credentials: credentials() });
	expect(jsonOf(result, OUTPUT_INDEX.success).map((device) => device.id)).toEqual(['dev_789']);
});

test('a numeric id from the API matches a numeric Device ID', async () => {
	sim().inject({ status: 200, body: { data: [{ id: 42, status: 'connected' }] } });
	const result = await runWaping({
		parameters: { ...status(''), deviceId: '={{ 42 }}' },
		credentials: credentials(),
	});
	expect(jsonOf(result, OUTPUT_INDEX.success)).toEqual([
		{ id: '42', status: 'connected', state: 'connected', connected: true },
	]);
});

describe('a device that is not in the workspace', () => {
	test('stops the run with an error that names the id and lists the workspace devices', async () => {
		const result = await runWaping({ parameters: status('dev_999'), credentials: credentials() });
		expect(errorOf(result)).toMatchObject({
			name: 'NodeOperationError',
			message: 'Device "dev_999" is not linked to this WAPing workspace',
			description:
				"The workspace's devices are: dev_123, dev_456, dev_789, dev_abc, dev_new. Check the Device ID (IDs are case-sensitive), or pick the device from the list in the node.",
		});
		expect(calls(sim())).toEqual(['GET /v1/devices']);
	});

	test('ids are case-sensitive', async () => {
		const result = await runWaping({ parameters: status('DEV_123'), credentials: credentials() });
		expect(errorOf(result).message).toBe('Device "DEV_123" is not linked to this WAPing workspace');
	});

	test('a device of another workspace is not found with this key', async () => {
		const result = await runWaping({
			parameters: status('dev_solo'),
			credentials: credentials(demoKeys.growth),
		});
		expect(errorOf(result).message).toBe(
			'Device "dev_solo" is not linked to this WAPing workspace',
		);
	});

	test('a workspace with no devices says to link one', async () => {
		sim().inject({ status: 200, body: { data: [] } });
		const result = await runWaping({ parameters: status('dev_123'), credentials: credentials() });
		expect(errorOf(result)).toMatchObject({
			message: 'Device "dev_123" is not linked to this WAPing workspace',
			description:
				'The workspace has no linked devices. Link one by scanning its QR code in the WAPing dashboard.',
		});
	});

	test('a long workspace lists its first ten devices and an ellipsis', async () => {
		const seed = demoSeed();
		seed.workspaces[0].devices = Array.from({ length: 12 }, (_, i) => ({
			id: `d${i + 1}`,
			status: 'connected',
		}));
		sim().seed = seed;
		const result = await runWaping({ parameters: status('d99'), credentials: credentials() });
		expect(errorOf(result).description).toBe(
			"The workspace's devices are: d1, d2, d3, d4, d5, d6, d7, d8, d9, d10, …. Check the Device ID (IDs are case-sensitive), or pick the device from the list in the node.",
		);
	});

	test('with Continue On Fail: the found devices on Success, the missing one as an error item, in order', async () => {
		const result = await runWaping({
			parameters: status('={{ $json.id }}'),
			credentials: credentials(),
			items: [{ id: 'dev_123' }, { id: 'dev_999' }, { id: 'dev_789' }],
			onError: 'continueRegularOutput',
		});
		expect(result.error).toBeUndefined();
		expect(result.outputs[OUTPUT_INDEX.success]).toEqual([
			{
				json: { id: 'dev_123', status: 'connected', state: 'connected', connected: true },
				pairedItem: { item: 0 },
			},
			{
				json: {
					error: 'Device "dev_999" is not linked to this WAPing workspace',
					details: {
						description:
							"The workspace's devices are: dev_123, dev_456, dev_789, dev_abc, dev_new. Check the Device ID (IDs are case-sensitive), or pick the device from the list in the node.",
					},
				},
				pairedItem: { item: 1 },
			},
			{
				json: { id: 'dev_789', status: 'disconnected', state: 'disconnected', connected: false },
				pairedItem: { item: 2 },
			},
		]);
		expect(sim().requests).toHaveLength(1);
	});

	test('with the error output: the missing one goes to Error, the others stay on Success', async () => {
		const result = await runWaping({
			parameters: status('={{ $json.id }}'),
			credentials: credentials(),
			items: [{ id: 'dev_123' }, { id: 'dev_999' }],
			onError: 'continueErrorOutput',
		});
		expect(counts(result)).toEqual([1, 0, 0, 1]);
		expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual([{ item: 0 }]);
		expect(jsonOf(result, OUTPUT_INDEX.error)).toEqual([
			expect.objectContaining({ error: 'Device "dev_999" is not linked to this WAPing workspace' }),
		]);
		expect(pairedOf(result, OUTPUT_INDEX.error)).toEqual([{ item: 1 }]);
	});
});

describe('an unusable Device ID is refused before any request', () => {
	test('empty', async () => {
		const result = await runWaping({ parameters: status('   '), credentials: credentials() });
		expect(errorOf(result)).toMatchObject({
			name: 'NodeOperationError',
			message: 'Device ID is empty for the first item',
		});
		expect(errorOf(result).description).toContain('Device → Get Many');
		expect(sim().requests).toHaveLength(0);
	});

	test('an expression that gives an object', async () => {
		const result = await runWaping({
			parameters: status('={{ $json.device }}'),
			credentials: credentials(),
			items: [{ device: { id: 'dev_123' } }],
		});
		expect(errorOf(result)).toMatchObject({
			name: 'NodeOperationError',
			message: 'Device ID must be text, but the first item gave an object',
		});
		expect(sim().requests).toHaveLength(0);
	});

	test('a line break inside the id', async () => {
		const result = await runWaping({
			parameters: status('={{ "dev_\\n123" }}'),
			credentials: credentials(),
		});
		expect(errorOf(result).name).toBe('NodeOperationError');
		expect(errorOf(result).message).toMatch(/^Device ID for the first item /);
		expect(sim().requests).toHaveLength(0);
	});
});

describe('a device WAPing lists twice (the trigger picks the same entry)', () => {
	test.each([
		['connected first', [{ status: 'connected' }, { status: 'disconnected' }]],
		['disconnected first', [{ status: 'disconnected' }, { status: 'connected' }]],
	])('%s: the entry in the better state counts, whatever the order', async (_, entries) => {
		sim().inject({
			status: 200,
			body: { data: entries.map((entry) => ({ id: 'dev_twice', ...entry })) },
			times: Infinity,
		});
		const result = await runWaping({ parameters: status('dev_twice'), credentials: credentials() });
		expect(jsonOf(result, OUTPUT_INDEX.success)).toEqual([
			{ id: 'dev_twice', status: 'connected', state: 'connected', connected: true },
		]);
	});
});
