/**
 * Device → Get Many: one item per linked device, in the API's order, with Return All / Limit and a
 * session filter (any, connected, not connected). One GET /v1/devices per run.
 */
import { demoKeys, demoSeed, manyDevices } from '../simulator';
import { runWaping } from './harness/run';
import { calls, counts, errorOf, jsonOf, OUTPUT_INDEX, pairedOf, useSimulator } from './helpers';

const sim = useSimulator();
const credentials = (apiKey: string = demoKeys.growth) => ({ apiKey, baseUrl: sim().url });
const list = (extra: Record<string, unknown> = {}) => ({
	resource: 'device',
	operation: 'getAll',
	...extra,
});
const ids = (result: Awaited<ReturnType<typeof runWaping>>) =>
	jsonOf(result, OUTPUT_INDEX.success).map((device) => device.id);

test('Return All: every device of the workspace, in order, with its fields, on Success', async () => {
	const result = await runWaping({
		parameters: list({ returnAll: true }),
		credentials: credentials(),
	});
	expect(result.error).toBeUndefined();
	expect(counts(result)).toEqual([5, 0, 0]);
	expect(jsonOf(result, OUTPUT_INDEX.success)).toEqual([
		{ id: 'dev_123', status: 'connected', state: 'connected', connected: true },
		{ id: 'dev_456', status: 'degraded', state: 'degraded', connected: false },
		{ id: 'dev_789', status: 'disconnected', state: 'disconnected', connected: false },
		{ id: 'dev_abc', status: 'unlinked', state: 'unlinked', connected: false },
		{ id: 'dev_new', status: 'PAIRING', state: 'unknown', connected: false },
	]);
	expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual(Array(5).fill({ item: 0 }));
	expect(calls(sim())).toEqual(['GET /v1/devices']);
	expect(sim().requests[0].headers.authorization).toBe(`Bearer ${demoKeys.growth}`);
});

test('another workspace lists only its own devices', async () => {
	const result = await runWaping({
		parameters: list({ returnAll: true }),
		credentials: credentials(demoKeys.starter),
	});
	expect(jsonOf(result, OUTPUT_INDEX.success)).toEqual([
		{ id: 'dev_solo', status: 'Connected', state: 'connected', connected: true },
	]);
});

test('Limit returns the first devices only', async () => {
	const result = await runWaping({
		parameters: list({ returnAll: false, limit: 2 }),
		credentials: credentials(),
	});
	expect(ids(result)).toEqual(['dev_123', 'dev_456']);
});

describe('a workspace with more devices than the default limit', () => {
	beforeEach(() => {
		const seed = demoSeed();
		seed.workspaces[0].devices = manyDevices('dev_', 60, ['connected', 'degraded']);
		sim().seed = seed;
	});

	test('without Return All, the default limit of 50 applies', async () => {
		const result = await runWaping({ parameters: list(), credentials: credentials() });
		expect(ids(result)).toHaveLength(50);
		expect(ids(result)[49]).toBe('dev_050');
	});

	test('Return All returns all 60', async () => {
		const result = await runWaping({
			parameters: list({ returnAll: true }),
			credentials: credentials(),
		});
		expect(ids(result)).toHaveLength(60);
		expect(ids(result)[59]).toBe('dev_060');
		expect(sim().requests).toHaveLength(1);
	});

	test('the limit counts the devices that pass the filter', async () => {
		const result = await runWaping({
			parameters: list({ limit: 3, sessionFilter: 'notConnected' }),
			credentials: credentials(),
		});
		expect(ids(result)).toEqual(['dev_002', 'dev_004', 'dev_006']);
	});
});

describe('session filter', () => {
	test('Connected: only devices that can send now', async () => {
		const result = await runWaping({
			parameters: list({ returnAll: true, sessionFilter: 'connected' }),
			credentials: credentials(),
		});
		expect(ids(result)).toEqual(['dev_123']);
	});

	test('Connected matches "Connected" whatever its case', async () => {
		const result = await runWaping({
			parameters: list({ returnAll: true, sessionFilter: 'connected' }),
			credentials: credentials(demoKeys.starter),
		});
		expect(ids(result)).toEqual(['dev_solo']);
	});

	test('Not Connected: degraded, disconnected, unlinked and unknown states', async () => {
		const result = await runWaping({
			parameters: list({ returnAll: true, sessionFilter: 'notConnected' }),
			credentials: credentials(),
		});
		expect(jsonOf(result, OUTPUT_INDEX.success).map((device) => [device.id, device.state])).toEqual(
			[
				['dev_456', 'degraded'],
				['dev_789', 'disconnected'],
				['dev_abc', 'unlinked'],
				['dev_new', 'unknown'],
			],
		);
	});

	test('Any is the default', async () => {
		const result = await runWaping({
			parameters: list({ returnAll: true }),
			credentials: credentials(),
		});
		expect(ids(result)).toHaveLength(5);
	});

	test('nothing matches: no items and no error', async () => {
		sim().inject({ status: 200, body: { data: [{ id: 'dev_x', status: 'degraded' }] } });
		const result = await runWaping({
			parameters: list({ returnAll: true, sessionFilter: 'connected' }),
			credentials: credentials(),
		});
		expect(result.error).toBeUndefined();
		expect(counts(result)).toEqual([0, 0, 0]);
	});
});

test('an empty workspace: no items and no error', async () => {
	sim().inject({ status: 200, body: { data: [] } });
	const result = await runWaping({
		parameters: list({ returnAll: true }),
		credentials: credentials(),
	});
	expect(result.error).toBeUndefined();
	expect(counts(result)).toEqual([0, 0, 0]);
});

test('entries without an id are left out; the rest are listed', async () => {
	sim().inject({
		status: 200,
		body: {
			data: [
				{ id: 'dev_1', status: 'connected' },
				{ status: 'connected' },
				'dev_2',
				null,
				{ id: '', status: 'degraded' },
				{ id: 'dev_3', status: 'degraded' },
			],
		},
	});
	const result = await runWaping({
		parameters: list({ returnAll: true }),
		credentials: credentials(),
	});
	expect(ids(result)).toEqual(['dev_1', 'dev_3']);
});

test('a bare list (without the "data" wrapper) is read too', async () => {
	sim().inject({
		status: 200,
		body: [
			{ id: 'dev_1', status: 'connected' },
			{ id: 'dev_2', status: 'unlinked' },
		],
	});
	const result = await runWaping({
		parameters: list({ returnAll: true }),
		credentials: credentials(),
	});
	expect(ids(result)).toEqual(['dev_1', 'dev_2']);
});

test('a device with fields the API adds keeps them', async () => {
	sim().inject({
		status: 200,
		body: {
			data: [
				{ id: 'dev_1', status: 'connected', name: 'Sales', lastSeenAt: '2026-04-03T10:00:00Z' },
			],
		},
	});
	const result = await runWaping({
		parameters: list({ returnAll: true }),
		credentials: credentials(),
	});
	expect(jsonOf(result, OUTPUT_INDEX.success)).toEqual([
		{
			id: 'dev_1',
			status: 'connected',
			name: 'Sales',
			lastSeenAt: '2026-04-03T10:00:00Z',
			state: 'connected',
			connected: true,
		},
	]);
});

test('a Limit below 1 is refused before any request', async () => {
	const result = await runWaping({ parameters: list({ limit: 0 }), credentials: credentials() });
	expect(errorOf(result)).toMatchObject({ name: 'NodeOperationError' });
	expect(errorOf(result).message).toMatch(/^Limit must be a whole number of at least 1/);
	expect(sim().requests).toHaveLength(0);
});
