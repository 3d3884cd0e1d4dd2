/**
 * The three outputs: Success (0), Unauthorized (1, a 401) and Forbidden (2, a 403). Denied items
 * carry what a workflow branches on, stay on their outputs under Continue On Fail and "Continue
 * (using error output)" (where every other failure goes to the Error output, index 3), and do not
 * make Retry On Fail loop. A 401 costs one request (n8n-core would send it twice by default).
 */
import { demoKeys } from '../simulator';
import type { RunOptions } from './harness/run';
import { runWaping } from './harness/run';
import { calls, counts, jsonOf, OUTPUT_INDEX, pairedOf, useSimulator } from './helpers';

const sim = useSimulator();
// Retry On Fail below waits 1 ms between tries: n8n reads 0 as "unset" and waits 1 s.
const credentials = (apiKey: string) => ({ apiKey, baseUrl: sim().url });
const deviceStatus = { resource: 'device', operation: 'getStatus', deviceId: 'dev_123' };

const UNAUTHORIZED_DESCRIPTION =
	'The key is missing, mistyped or revoked. Copy a valid key from the WAPing dashboard (Settings → API keys) into the WAPing credential. Retrying will not help.';
const PERMISSION_DESCRIPTION =
	"The key is valid, but its scope or the workspace's access rules deny this action. Use a key of the workspace that owns the devices, with permission to read devices. Retrying will not help.";
const PLAN_DESCRIPTION =
	'The key is valid, but the plan does not include the REST API (the Free plan has none). Upgrade to Starter or above (devices per tier: Starter 1, Growth 5, Pro 15, Enterprise 50). Retrying will not help.';

describe('401: Unauthorized output', () => {
	test('a revoked key: the item and its fields, one request', async () => {
		const result = await runWaping({
			parameters: deviceStatus,
			credentials: credentials(demoKeys.revoked),
		});
		expect(result.error).toBeUndefined();
		expect(counts(result)).toEqual([0, 1, 0]);
		expect(result.outputs[OUTPUT_INDEX.unauthorized]).toEqual([
			{
				json: {
					statusCode: 401,
					code: 'UNAUTHORIZED',
					message:
						'WAPing did not accept the API key (HTTP 401 UNAUTHORIZED). WAPing said: "API key has been revoked."',
					description: UNAUTHORIZED_DESCRIPTION,
					reason: 'credential',
					source: 'api',
					resource: 'device',
					operation: 'getStatus',
					deviceId: 'dev_123',
				},
				pairedItem: { item: 0 },
			},
		]);
		// n8n-core re-sends a 401 by default; the node must not.
		expect(calls(sim())).toEqual(['GET /v1/devices']);
	});

	test('an unknown key', async () => {
		const result = await runWaping({
			parameters: deviceStatus,
			credentials: credentials('wk_not_a_real_key_0000'),
		});
		expect(jsonOf(result, OUTPUT_INDEX.unauthorized)).toEqual([
			expect.objectContaining({
				statusCode: 401,
				code: 'UNAUTHORIZED',
				message:
					'WAPing did not accept the API key (HTTP 401 UNAUTHORIZED). WAPing said: "API key is not valid."',
			}),
		]);
		expect(sim().requests).toHaveLength(1);
	});

	test('a 401 with no body: the code defaults to UNAUTHORIZED and nothing is quoted', async () => {
		sim().inject({ status: 401, body: '' });
		const result = await runWaping({
			parameters: deviceStatus,
			credentials: credentials(demoKeys.growth),
		});
		expect(jsonOf(result, OUTPUT_INDEX.unauthorized)).toEqual([
			expect.objectContaining({
				statusCode: 401,
				code: 'UNAUTHORIZED',
				message: 'WAPing did not accept the API key (HTTP 401 UNAUTHORIZED).',
				reason: 'credential',
			}),
		]);
	});

	test("the API's own code is kept", async () => {
		sim().inject({ status: 401, body: { error: { code: 'KEY_EXPIRED', message: 'Key expired' } } });
		const result = await runWaping({
			parameters: deviceStatus,
			credentials: credentials(demoKeys.growth),
		});
		expect(jsonOf(result, OUTPUT_INDEX.unauthorized)[0]).toMatchObject({
			statusCode: 401,
			code: 'KEY_EXPIRED',
		});
	});
});

describe('403: Forbidden output', () => {
	test('a key without the devices:read scope: reason "permission"', async () => {
		const result = await runWaping({
			parameters: deviceStatus,
			credentials: credentials(demoKeys.sendOnly),
		});
		expect(result.error).toBeUndefined();
		expect(counts(result)).toEqual([0, 0, 1]);
		expect(result.outputs[OUTPUT_INDEX.forbidden]).toEqual([
			{
				json: {
					statusCode: 403,
					code: 'FORBIDDEN',
					message:
						'WAPing denied the request: the key lacks permission to read device status (HTTP 403 FORBIDDEN). WAPing said: "This API key lacks the devices:read scope."',
					description: PERMISSION_DESCRIPTION,
					reason: 'permission',
					source: 'api',
					resource: 'device',
					operation: 'getStatus',
					deviceId: 'dev_123',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(sim().requests).toHaveLength(1);
	});

	test('a Free workspace: reason "plan"', async () => {
		const result = await runWaping({
			parameters: deviceStatus,
			credentials: credentials(demoKeys.free),
		});
		expect(jsonOf(result, OUTPUT_INDEX.forbidden)).toEqual([
			expect.objectContaining({
				statusCode: 403,
				code: 'FORBIDDEN',
				reason: 'plan',
				source: 'api',
				description: PLAN_DESCRIPTION,
				message: expect.stringMatching(
					/^WAPing denied the request: the workspace's plan has no API access \(HTTP 403 FORBIDDEN\)\./,
				),
			}),
		]);
	});

	test.each([
		['a plan code', 'plan', { code: 'PLAN_REQUIRED', message: 'Not allowed' }],
		['an upgrade code', 'plan', { code: 'UPGRADE_REQUIRED' }],
		[
			'a message about the subscription',
			'plan',
			{ code: 'FORBIDDEN', message: 'Your subscription does not include this' },
		],
		['a scope code', 'permission', { code: 'SCOPE_DENIED', message: 'Key cannot read devices' }],
		[
			'a workspace ACL message',
			'permission',
			{ code: 'FORBIDDEN', message: 'Device belongs to another workspace' },
		],
	])('reason from the answer: %s → %s', async (_label, reason, error) => {
		sim().inject({ status: 403, body: { error } });
		const result = await runWaping({
			parameters: deviceStatus,
			credentials: credentials(demoKeys.growth),
		});
		expect(jsonOf(result, OUTPUT_INDEX.forbidden)).toEqual([
			expect.objectContaining({ statusCode: 403, code: error.code, reason }),
		]);
	});

	test('a 403 with no body: code FORBIDDEN, reason "permission"', async () => {
		sim().inject({ status: 403, body: '' });
		const result = await runWaping({
			parameters: deviceStatus,
			credentials: credentials(demoKeys.growth),
		});
		expect(jsonOf(result, OUTPUT_INDEX.forbidden)).toEqual([
			expect.objectContaining({
				statusCode: 403,
				code: 'FORBIDDEN',
				reason: 'permission',
				message:
					'WAPing denied the request: the key lacks permission to read device status (HTTP 403 FORBIDDEN).',
			}),
		]);
	});
});

describe('every operation routes its denials the same way', () => {
	test.each([
		['device', 'getAll', { returnAll: true }, 'list devices'],
		['device', 'getStatus', { deviceId: 'dev_456' }, 'read device status'],
		['plan', 'check', {}, 'read the plan'],
	])('%s → %s', async (resource, operation, extra, action) => {
		const parameters = { resource, operation, ...extra };
		const unauthorized = await runWaping({
			parameters,
			credentials: credentials(demoKeys.revoked),
		});
		const forbidden = await runWaping({ parameters, credentials: credentials(demoKeys.sendOnly) });
		expect(counts(unauthorized)).toEqual([0, 1, 0]);
		expect(counts(forbidden)).toEqual([0, 0, 1]);
		const scope =
			operation === 'getStatus'
				? { resource, operation, deviceId: 'dev_456' }
				: { resource, operation };
		expect(jsonOf(unauthorized, OUTPUT_INDEX.unauthorized)[0]).toMatchObject(scope);
		expect(jsonOf(forbidden, OUTPUT_INDEX.forbidden)[0]).toMatchObject(scope);
		// deviceId only where the operation has one.
		expect('deviceId' in jsonOf(forbidden, OUTPUT_INDEX.forbidden)[0]).toBe(
			operation === 'getStatus',
		);
		expect(jsonOf(forbidden, OUTPUT_INDEX.forbidden)[0].message).toContain(
			`the key lacks permission to ${action}`,
		);
		expect(sim().requests).toHaveLength(2);
	});
});

describe('many items: every item lands on the denial output, paired, with its own device id', () => {
	test.each([
		['401', demoKeys.revoked, OUTPUT_INDEX.unauthorized],
		['403', demoKeys.sendOnly, OUTPUT_INDEX.forbidden],
	])('%s', async (_label, key, output) => {
		const result = await runWaping({
			parameters: { resource: 'device', operation: 'getStatus', deviceId: '={{ $json.id }}' },
			credentials: credentials(key),
			items: [{ id: 'dev_123' }, { id: 'dev_456' }, { id: 'dev_789' }],
		});
		expect(counts(result).reduce((a, b) => a + b, 0)).toBe(3);
		expect(jsonOf(result, output).map((item) => item.deviceId)).toEqual([
			'dev_123',
			'dev_456',
			'dev_789',
		]);
		expect(pairedOf(result, output)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(sim().requests).toHaveLength(1);
	});
});

describe('node settings', () => {
	const settings: Array<[string, Partial<RunOptions>, number]> = [
		['Continue On Fail', { onError: 'continueRegularOutput' }, 3],
		['Continue (using error output)', { onError: 'continueErrorOutput' }, 4],
		['Retry On Fail (3 tries)', { retryOnFail: true, maxTries: 3, waitBetweenTries: 1 }, 3],
	];

	test.each(settings)(
		'%s: a 401 stays on Unauthorized, one request',
		async (_label, options, outputCount) => {
			const result = await runWaping({
				parameters: deviceStatus,
				credentials: credentials(demoKeys.revoked),
				...options,
			});
			expect(result.error).toBeUndefined();
			expect(result.outputs).toHaveLength(outputCount);
			expect(counts(result)).toEqual([0, 1, 0, 0].slice(0, outputCount));
			expect(jsonOf(result, OUTPUT_INDEX.unauthorized)[0]).toMatchObject({
				statusCode: 401,
				code: 'UNAUTHORIZED',
				reason: 'credential',
			});
			expect(calls(sim())).toEqual(['GET /v1/devices']);
		},
	);

	test.each(settings)(
		'%s: a 403 stays on Forbidden, one request',
		async (_label, options, outputCount) => {
			const result = await runWaping({
				parameters: deviceStatus,
				credentials: credentials(demoKeys.sendOnly),
				...options,
			});
			expect(result.error).toBeUndefined();
			expect(counts(result)).toEqual([0, 0, 1, 0].slice(0, outputCount));
			expect(jsonOf(result, OUTPUT_INDEX.forbidden)[0]).toMatchObject({
				statusCode: 403,
				reason: 'permission',
			});
			expect(sim().requests).toHaveLength(1);
		},
	);

	test('the error output: successes stay on Success, other failures move to Error (index 3)', async () => {
		// One run, one key: a good key, with one id that does not exist.
		const ok = await runWaping({
			parameters: { ...deviceStatus, deviceId: '={{ $json.id }}' },
			credentials: credentials(demoKeys.growth),
			items: [{ id: 'dev_123' }, { id: 'dev_missing' }, { id: 'dev_456' }],
			onError: 'continueErrorOutput',
		});
		expect(counts(ok)).toEqual([2, 0, 0, 1]);
		expect(pairedOf(ok, OUTPUT_INDEX.success)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(pairedOf(ok, OUTPUT_INDEX.error)).toEqual([{ item: 1 }]);
		expect(jsonOf(ok, OUTPUT_INDEX.error)[0].error).toBe(
			'Device "dev_missing" is not linked to this WAPing workspace',
		);

		sim().reset();
		sim().inject({ status: 500, body: { error: { code: 'SERVER_ERROR' } } });
		const failed = await runWaping({
			parameters: { ...deviceStatus, options: { maxAttempts: 1 } },
			credentials: credentials(demoKeys.growth),
			onError: 'continueErrorOutput',
		});
		expect(counts(failed)).toEqual([0, 0, 0, 1]);
		expect(jsonOf(failed, OUTPUT_INDEX.error)[0].error).toMatch(
			/^WAPing had a server error \(HTTP 500 SERVER_ERROR\)/,
		);
	});

	test('Retry On Fail still retries real failures (so the single 401 request above is meaningful)', async () => {
		sim().inject({ status: 500, body: { error: { code: 'SERVER_ERROR' } }, times: Infinity });
		const result = await runWaping({
			parameters: { ...deviceStatus, options: { maxAttempts: 1 } },
			credentials: credentials(demoKeys.growth),
			retryOnFail: true,
			maxTries: 2,
			waitBetweenTries: 1,
		});
		expect(result.error?.message).toMatch(/^WAPing had a server error/);
		expect(sim().requests).toHaveLength(2);
	});

	test('without any setting, a 401 or 403 does not stop the workflow', async () => {
		const unauthorized = await runWaping({
			parameters: deviceStatus,
			credentials: credentials(demoKeys.revoked),
		});
		const forbidden = await runWaping({
			parameters: deviceStatus,
			credentials: credentials(demoKeys.sendOnly),
		});
		expect(unauthorized.error).toBeUndefined();
		expect(forbidden.error).toBeUndefined();
		expect(unauthorized.run.data.resultData.error).toBeUndefined();
		expect(forbidden.run.data.resultData.error).toBeUndefined();
	});
});

describe('success items never look like failures to n8n', () => {
	// A device the API reports with an `error` field keeps it as `apiError` (devices.ts), so n8n's
	// Retry On Fail (which checks output 0, item 0 for `json.error`) does not re-run the node.
	test('a device with an "error" field does not make Retry On Fail re-run the node', async () => {
		sim().inject({
			status: 200,
			body: { data: [{ id: 'dev_123', status: 'disconnected', error: 'session expired' }] },
			times: Infinity,
		});
		const result = await runWaping({
			parameters: deviceStatus,
			credentials: credentials(demoKeys.growth),
			retryOnFail: true,
			maxTries: 3,
			waitBetweenTries: 1,
		});
		expect(counts(result)).toEqual([1, 0, 0]);
		expect(sim().requests).toHaveLength(1);
	});
});
