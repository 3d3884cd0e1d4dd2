/**
 * The Free plan gate: a credential that declares the Free plan sends no request at all. Every item
 * goes to the Forbidden output with reason "plan" and a message that says Free has no API access and
 * Starter is the first tier that has it.
 */
import { demoKeys } from '../simulator';
import { runWaping } from './harness/run';
import { counts, jsonOf, OUTPUT_INDEX, pairedOf, useSimulator } from './helpers';

const sim = useSimulator();
const free = (apiKey: string = demoKeys.growth) => ({ apiKey, baseUrl: sim().url, plan: 'free' });

const MESSAGE = 'The WAPing Free plan has no API access, so the node sent no request';
const DESCRIPTION =
	'The credential declares the Free plan. Starter is the first tier with the REST API (devices per tier: Starter 1, Growth 5, Pro 15, Enterprise 50). Upgrade the workspace, then set the credential\'s Plan to the new tier or to "Detect from the API".';

test.each([
	['device', 'getAll', { returnAll: true }],
	['device', 'getStatus', { deviceId: 'dev_123' }],
	['plan', 'check', {}],
])('%s → %s: one Forbidden item, no request', async (resource, operation, extra) => {
	const result = await runWaping({
		parameters: { resource, operation, ...extra },
		credentials: free(),
	});
	expect(result.error).toBeUndefined();
	expect(counts(result)).toEqual([0, 0, 1]);
	const expected: Record<string, unknown> = {
		statusCode: 403,
		code: 'FORBIDDEN',
		message: MESSAGE,
		description: DESCRIPTION,
		reason: 'plan',
		source: 'credential',
		resource,
		operation,
	};
	if (operation === 'getStatus') expected.deviceId = 'dev_123';
	expect(result.outputs[OUTPUT_INDEX.forbidden]).toEqual([
		{ json: expected, pairedItem: { item: 0 } },
	]);
	expect(sim().requests).toEqual([]);
});

test('the gate holds even with a key that works (the credential is believed)', async () => {
	const result = await runWaping({
		parameters: { resource: 'plan', operation: 'check' },
		credentials: free(demoKeys.pro),
	});
	expect(counts(result)).toEqual([0, 0, 1]);
	expect(sim().requests).toEqual([]);
});

test('many items: each on Forbidden with its own device id and pairing, still no request', async () => {
	const result = await runWaping({
		parameters: { resource: 'device', operation: 'getStatus', deviceId: '={{ $json.id }}' },
		credentials: free(),
		items: [{ id: 'dev_a' }, { id: 'dev_b' }, { id: 'dev_c' }, { id: 'dev_d' }],
	});
	expect(counts(result)).toEqual([0, 0, 4]);
	expect(
		jsonOf(result, OUTPUT_INDEX.forbidden).map((item) => [item.deviceId, item.reason]),
	).toEqual([
		['dev_a', 'plan'],
		['dev_b', 'plan'],
		['dev_c', 'plan'],
		['dev_d', 'plan'],
	]);
	expect(pairedOf(result, OUTPUT_INDEX.forbidden)).toEqual([
		{ item: 0 },
		{ item: 1 },
		{ item: 2 },
		{ item: 3 },
	]);
	expect(sim().requests).toEqual([]);
});

test('"Continue (using error output)": the items stay on Forbidden', async () => {
	const result = await runWaping({
		parameters: { resource: 'device', operation: 'getAll', returnAll: true },
		credentials: free(),
		onError: 'continueErrorOutput',
	});
	expect(counts(result)).toEqual([0, 0, 1, 0]);
	expect(jsonOf(result, OUTPUT_INDEX.forbidden)[0]).toMatchObject({
		reason: 'plan',
		source: 'credential',
	});
	expect(sim().requests).toEqual([]);
});

test('Retry On Fail: no request and no retry', async () => {
	const result = await runWaping({
		parameters: { resource: 'device', operation: 'getAll', returnAll: true },
		credentials: free(),
		retryOnFail: true,
		maxTries: 3,
		waitBetweenTries: 1,
	});
	expect(counts(result)).toEqual([0, 0, 1]);
	expect(sim().requests).toEqual([]);
});

test('the same workspace with the plan on "auto" does ask the API (and is denied by it)', async () => {
	const result = await runWaping({
		parameters: { resource: 'plan', operation: 'check' },
		credentials: { apiKey: demoKeys.free, baseUrl: sim().url },
	});
	expect(counts(result)).toEqual([0, 0, 1]);
	expect(jsonOf(result, OUTPUT_INDEX.forbidden)[0]).toMatchObject({
		reason: 'plan',
		source: 'api',
	});
	expect(sim().requests).toHaveLength(1);
});
