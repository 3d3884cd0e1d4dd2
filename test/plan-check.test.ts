/**
 * Plan → Check: the workspace's tier and entitlements from the published plan table (WAPING-API.md,
 * 2026-04-03), checked against the devices the API shows. The expected numbers below are that table:
 *   Free 1 device / 500 msgs / no API, Starter 1 / 3,000, Growth 5 / 30,000, Pro 15 / 300,000,
 *   Enterprise 50 / 1,000,000.
 */
import type { Seed } from '../simulator';
import { demoKeys, manyDevices } from '../simulator';
import { runWaping } from './harness/run';
import { calls, counts, jsonOf, OUTPUT_INDEX, pairedOf, useSimulator } from './helpers';

const sim = useSimulator();
const check = { resource: 'plan', operation: 'check' };
const credentials = (apiKey: string, plan?: string) => ({
	apiKey,
	baseUrl: sim().url,
	...(plan ? { plan } : {}),
});

describe('detected from the API (plan "auto")', () => {
	test('Growth workspace: 5 devices listed, 1 of them unlinked (not counted), 1 connected → Growth, one slot left', async () => {
		const result = await runWaping({
			parameters: check,
			credentials: credentials(demoKeys.growth),
		});
		expect(result.error).toBeUndefined();
		expect(counts(result)).toEqual([1, 0, 0]);
		expect(jsonOf(result, OUTPUT_INDEX.success)).toEqual([
			{
				plan: 'growth',
				planName: 'Growth',
				planSource: 'inferred',
				apiAccess: true,
				deviceLimit: 5,
				devicesLinked: 4,
				devicesConnected: 1,
				devicesUnlinked: 1,
				devicesAvailable: 1,
				monthlyMessages: 30_000,
				withinLimits: true,
				warnings: [],
			},
		]);
		expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual([{ item: 0 }]);
		expect(calls(sim())).toEqual(['GET /v1/devices']);
	});

	test('Starter workspace: 1 device, "Connected" counts as connected → Starter', async () => {
		const result = await runWaping({
			parameters: check,
			credentials: credentials(demoKeys.starter),
		});
		expect(jsonOf(result, OUTPUT_INDEX.success)[0]).toMatchObject({
			plan: 'starter',
			planSource: 'inferred',
			deviceLimit: 1,
			devicesLinked: 1,
			devicesConnected: 1,
			devicesAvailable: 0,
			monthlyMessages: 3_000,
			withinLimits: true,
			warnings: [],
		});
	});

	test('Pro workspace: 7 devices → the smallest tier that fits is Pro', async () => {
		const result = await runWaping({ parameters: check, credentials: credentials(demoKeys.pro) });
		expect(jsonOf(result, OUTPUT_INDEX.success)[0]).toMatchObject({
			plan: 'pro',
			planName: 'Pro',
			deviceLimit: 15,
			devicesLinked: 7,
			devicesConnected: 7,
			devicesAvailable: 8,
			monthlyMessages: 300_000,
			withinLimits: true,
		});
	});

	test('no device linked yet → Starter is assumed, with a warning', async () => {
		sim().inject({ status: 200, body: { data: [] } });
		const result = await runWaping({
			parameters: check,
			credentials: credentials(demoKeys.growth),
		});
		const [item] = jsonOf(result, OUTPUT_INDEX.success);
		expect(item).toMatchObject({
			plan: 'starter',
			planSource: 'inferred',
			devicesLinked: 0,
			devicesAvailable: 1,
			withinLimits: true,
		});
		expect(item.warnings).toEqual([
			'No device is linked yet: scan a QR code in the WAPing dashboard before sending. With no device to count, Starter is assumed.',
		]);
	});

	test('more devices than Enterprise allows → Enterprise, not within limits, with a warning', async () => {
		sim().inject({ status: 200, body: { data: manyDevices('dev_', 51) } });
		const result = await runWaping({
			parameters: check,
			credentials: credentials(demoKeys.growth),
		});
		const [item] = jsonOf(result, OUTPUT_INDEX.success);
		expect(item).toMatchObject({
			plan: 'enterprise',
			deviceLimit: 50,
			devicesLinked: 51,
			devicesAvailable: 0,
			monthlyMessages: 1_000_000,
			withinLimits: false,
		});
		expect(item.warnings).toEqual([
			'51 devices are linked, more than the largest published tier (Enterprise, 50) allows.',
		]);
	});

	test.each([
		[1, 'starter'],
		[2, 'growth'],
		[5, 'growth'],
		[6, 'pro'],
		[15, 'pro'],
		[16, 'enterprise'],
		[50, 'enterprise'],
	])('%i linked devices → %s', async (linked, plan) => {
		sim().inject({
			status: 200,
			body: { data: manyDevices('dev_', linked, ['connected', 'disconnected']) },
		});
		const result = await runWaping({
			parameters: check,
			credentials: credentials(demoKeys.growth),
		});
		expect(jsonOf(result, OUTPUT_INDEX.success)[0]).toMatchObject({
			plan,
			devicesLinked: linked,
			devicesConnected: Math.ceil(linked / 2),
			withinLimits: true,
		});
	});

	test('unlinked devices do not count against the limit: 5 linked and 3 unlinked fit Growth', async () => {
		const data = [
			...manyDevices('dev_l', 5, ['connected', 'degraded', 'PAIRING']),
			...manyDevices('dev_u', 3, ['unlinked', 'UNLINKED']),
		];
		sim().inject({ status: 200, body: { data } });
		const result = await runWaping({
			parameters: check,
			credentials: credentials(demoKeys.growth),
		});
		expect(jsonOf(result, OUTPUT_INDEX.success)[0]).toMatchObject({
			plan: 'growth',
			devicesLinked: 5,
			devicesUnlinked: 3,
			devicesConnected: 2,
			devicesAvailable: 0,
			withinLimits: true,
			warnings: [],
		});
	});

	test('a device listed twice counts once, and the warning says the list was odd', async () => {
		const data = [
			{ id: 'dev_a', status: 'connected' },
			{ id: 'dev_b', status: 'connected' },
			{ id: 'dev_a', status: 'connected' },
		];
		sim().inject({ status: 200, body: { data } });
		const result = await runWaping({
			parameters: { resource: 'plan', operation: 'check' },
			credentials: credentials(demoKeys.growth, 'starter'),
		});
		const [item] = jsonOf(result, OUTPUT_INDEX.success);
		expect(item).toMatchObject({
			plan: 'starter',
			devicesLinked: 2,
			devicesConnected: 2,
			withinLimits: false,
		});
		expect(item.warnings).toEqual([
			"2 devices are linked, more than the declared Starter plan allows (1). The workspace is probably on a larger plan: update the credential's Plan.",
			'WAPing listed 1 device entry twice; each device was counted once.',
		]);
	});
});

describe('declared in the credential', () => {
	test('Enterprise declared, 4 linked (and 1 unlinked) → 46 available', async () => {
		const result = await runWaping({
			parameters: check,
			credentials: credentials(demoKeys.growth, 'enterprise'),
		});
		expect(jsonOf(result, OUTPUT_INDEX.success)).toEqual([
			{
				plan: 'enterprise',
				planName: 'Enterprise',
				planSource: 'declared',
				apiAccess: true,
				deviceLimit: 50,
				devicesLinked: 4,
				devicesConnected: 1,
				devicesUnlinked: 1,
				devicesAvailable: 46,
				monthlyMessages: 1_000_000,
				withinLimits: true,
				warnings: [],
			},
		]);
	});

	test('Starter declared on a workspace with 4 linked devices → not within limits; the warning says to update the Plan', async () => {
		const result = await runWaping({
			parameters: check,
			credentials: credentials(demoKeys.growth, 'starter'),
		});
		const [item] = jsonOf(result, OUTPUT_INDEX.success);
		expect(item).toMatchObject({
			plan: 'starter',
			planSource: 'declared',
			deviceLimit: 1,
			devicesLinked: 4,
			devicesAvailable: 0,
			withinLimits: false,
		});
		expect(item.warnings).toEqual([
			"4 devices are linked, more than the declared Starter plan allows (1). The workspace is probably on a larger plan: update the credential's Plan.",
		]);
	});

	test('a declared plan with no device linked warns without assuming a tier', async () => {
		sim().inject({ status: 200, body: { data: [] } });
		const result = await runWaping({
			parameters: check,
			credentials: credentials(demoKeys.growth, 'pro'),
		});
		const [item] = jsonOf(result, OUTPUT_INDEX.success);
		expect(item).toMatchObject({ plan: 'pro', planSource: 'declared', devicesAvailable: 15 });
		expect(item.warnings).toEqual([
			'No device is linked yet: scan a QR code in the WAPing dashboard before sending.',
		]);
	});
});

describe('a Free workspace with the plan left on "auto": the API answers 403', () => {
	test('the item goes to Forbidden with reason "plan", and the run does not fail', async () => {
		const result = await runWaping({ parameters: check, credentials: credentials(demoKeys.free) });
		expect(result.error).toBeUndefined();
		expect(counts(result)).toEqual([0, 0, 1]);
		expect(result.outputs[OUTPUT_INDEX.forbidden]).toEqual([
			{
				json: {
					statusCode: 403,
					code: 'FORBIDDEN',
					message:
						'WAPing denied the request: the workspace\'s plan has no API access (HTTP 403 FORBIDDEN). WAPing said: "Your plan (Free) does not include REST API access. Upgrade to Starter or above."',
					description:
						'The key is valid, but the plan does not include the REST API (the Free plan has none). Upgrade to Starter or above (devices per tier: Starter 1, Growth 5, Pro 15, Enterprise 50). Retrying will not help.',
					reason: 'plan',
					source: 'api',
					resource: 'plan',
					operation: 'check',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(calls(sim())).toEqual(['GET /v1/devices']);
	});
});

describe('one run, many items', () => {
	const seed: Seed = {
		workspaces: [{ id: 'ws', plan: 'growth', devices: manyDevices('dev_', 3) }],
		keys: [{ key: 'wk_many_items_key_000001', workspace: 'ws', scopes: ['devices:read'] }],
	};

	test('one report per input item, paired, from one request', async () => {
		sim().seed = seed;
		const result = await runWaping({
			parameters: check,
			credentials: credentials('wk_many_items_key_000001'),
			items: [{}, {}, {}],
		});
		expect(
			jsonOf(result, OUTPUT_INDEX.success).map((item) => [item.plan, item.devicesLinked]),
		).toEqual([
			['growth', 3],
			['growth', 3],
			['growth', 3],
		]);
		expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(sim().requests).toHaveLength(1);
	});
});
