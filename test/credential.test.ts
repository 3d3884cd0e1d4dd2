/**
 * The WAPing API credential: its test (as n8n's credentials screen runs it) tells a good key, a 401
 * and a 403 apart, and the server receives exactly `Authorization: Bearer <key>`, from the test and
 * from node runs alike.
 */
import { WAPingApi } from '../credentials/WAPingApi.credentials';
import { demoKeys } from './simulator';
import { runWaping, testCredential } from './harness/run';
import { calls, closedPort, useSimulator } from './helpers';

const sim = useSimulator();

const MESSAGE_401 = 'WAPing rejected the key (401): it is missing, malformed or revoked. Copy a valid key from the WAPing dashboard.';
const MESSAGE_403 =
	'The key is valid, but WAPing denied access (403): the plan has no API access (Free) or the key lacks permission to read devices.';

describe('credential test', () => {
	test('a working key: OK, after one GET /v1/devices with exactly "Bearer <key>"', async () => {
		const result = await testCredential({ apiKey: demoKeys.growth, baseUrl: sim().url });
		expect(result).toMatchObject({ status: 'OK', message: 'Connection successful!' });
		expect(calls(sim())).toEqual(['GET /v1/devices']);
		expect(sim().requests[0].headers.authorization).toBe(`Bearer ${demoKeys.growth}`);
		expect(sim().requests[0].headers.accept).toMatch(/^application\/json/);
	});

	test.each([
		['a revoked key', demoKeys.revoked, MESSAGE_401],
		['an unknown key', 'wk_unknown_key_000000001', MESSAGE_401],
		['a key of a Free workspace', demoKeys.free, MESSAGE_403],
		['a key without the devices:read scope', demoKeys.sendOnly, MESSAGE_403],
	])('%s: Error with its own message', async (_label, apiKey, message) => {
		const result = await testCredential({ apiKey, baseUrl: sim().url });
		expect(result).toMatchObject({ status: 'Error', message });
		// n8n-core itself re-sends a 401 once here (a declarative credential test cannot opt out).
		expect(calls(sim()).length).toBeGreaterThanOrEqual(1);
		for (const request of sim().requests) {
			expect(`${request.method} ${request.path}`).toBe('GET /v1/devices');
			expect(request.headers.authorization).toBe(`Bearer ${apiKey}`);
		}
	});

	test('a Base URL with a trailing slash still calls /v1/devices', async () => {
		const result = await testCredential({ apiKey: demoKeys.growth, baseUrl: `${sim().url}/` });
		expect(result.status).toBe('OK');
		expect(calls(sim())).toEqual(['GET /v1/devices']);
	});

	test('a key pasted with spaces around it is sent trimmed', async () => {
		const result = await testCredential({ apiKey: `  ${demoKeys.growth}\n`, baseUrl: sim().url });
		expect(result.status).toBe('OK');
		expect(sim().requests[0].headers.authorization).toBe(`Bearer ${demoKeys.growth}`);
	});

	test('a server error is an Error, not OK', async () => {
		sim().inject({ status: 503, body: { error: { code: 'SERVER_ERROR' } } });
		const result = await testCredential({ apiKey: demoKeys.growth, baseUrl: sim().url });
		expect(result.status).toBe('Error');
	});

	test('nothing listening: an Error naming the connection failure', async () => {
		const port = await closedPort();
		const result = await testCredential({ apiKey: demoKeys.growth, baseUrl: `http://127.0.0.1:${port}` });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('ECONNREFUSED');
	});

	test('a key echoed by the API appears in neither the result nor a log line', async () => {
		sim().inject({ status: 401, body: { error: { code: 'UNAUTHORIZED', message: `bad key ${demoKeys.growth}` } }, times: Infinity });
		const result = await testCredential({ apiKey: demoKeys.growth, baseUrl: sim().url });
		expect(result.status).toBe('Error');
		expect(result.message).toBe(MESSAGE_401);
		expect(JSON.stringify(result)).not.toContain(demoKeys.growth);
	});
});

describe('node runs send the same header', () => {
	test.each([
		['Device → Get Many', { resource: 'device', operation: 'getAll', returnAll: true }],
		['Device → Get Status', { resource: 'device', operation: 'getStatus', deviceId: 'dev_123' }],
		['Plan → Check', { resource: 'plan', operation: 'check' }],
	])('%s', async (_label, parameters) => {
		await runWaping({ parameters, credentials: { apiKey: demoKeys.growth, baseUrl: sim().url } });
		expect(sim().requests).toHaveLength(1);
		const { headers } = sim().requests[0];
		expect(headers.authorization).toBe(`Bearer ${demoKeys.growth}`);
		// One Authorization header, not a list, and no other header naming the key.
		expect(Object.keys(headers).filter((name) => name.toLowerCase() === 'authorization')).toEqual(['authorization']);
	});
});

describe('the credential type as n8n reads it', () => {
	const type = new WAPingApi();
	const property = (name: string) => type.properties.find((p) => p.name === name);

	test('name, fields and defaults', () => {
		expect(type.name).toBe('wapingApi');
		expect(type.properties.map((p) => p.name)).toEqual(['apiKey', 'baseUrl', 'plan']);
		expect(property('apiKey')).toMatchObject({ type: 'string', required: true, typeOptions: { password: true } });
		expect(property('baseUrl')?.default).toBe('https://api.waping.app');
		expect(property('plan')?.default).toBe('auto');
		expect((property('plan')?.options ?? []).map((o) => (o as { value: string }).value).sort()).toEqual(
			['auto', 'enterprise', 'free', 'growth', 'pro', 'starter'],
		);
	});

	test('only the API key is a password field', () => {
		expect(type.properties.filter((p) => p.typeOptions?.password).map((p) => p.name)).toEqual(['apiKey']);
	});
});
