/**
 * The API key must never show up in anything a workflow, an execution or a log can show: output
 * items, error messages and descriptions, the stored run data and log lines. The simulator is made
 * to echo the key back in its answers, as a careless API might. On the wire the key travels only in
 * the Authorization header.
 */
import type { Fault } from './simulator';
import { demoKeys } from './simulator';
import { runWaping } from './harness/run';
import { closedPort, counts, findString, leaks, useSimulator } from './helpers';

const sim = useSimulator();
const KEY = demoKeys.growth;

/** The key may be in the Authorization header and nowhere else in any request. */
function keyOutsideAuthorization(key: string): string[] {
	const found: string[] = [];
	sim().requests.forEach((request, index) => {
		if (request.path.includes(key)) found.push(`request ${index} path`);
		if (request.body.includes(key)) found.push(`request ${index} body`);
		for (const [name, value] of Object.entries(request.headers)) {
			if (name !== 'authorization' && String(value).includes(key))
				found.push(`request ${index} header ${name}`);
		}
	});
	return found;
}

const listDevices = {
	resource: 'device',
	operation: 'getAll',
	returnAll: true,
	options: { maxAttempts: 1 },
};
const deviceStatus = {
	resource: 'device',
	operation: 'getStatus',
	deviceId: 'dev_123',
	options: { maxAttempts: 1 },
};

/** [what the API does, the answer, whether the node quotes the echoed text (with the key replaced)] */
type Scenario = [string, Fault, boolean];

const echoes: Scenario[] = [
	[
		'a 500 whose message echoes the key',
		{ status: 500, body: { error: { code: 'SERVER_ERROR', message: `bad key ${KEY}` } } },
		true,
	],
	[
		'a 400 whose message echoes the key',
		{ status: 400, body: { error: { code: 'VALIDATION_ERROR', message: `bad key ${KEY}` } } },
		true,
	],
	[
		'a 404 whose message echoes the key',
		{ status: 404, body: { error: { code: 'NOT_FOUND', message: `no workspace for ${KEY}` } } },
		true,
	],
	[
		'a 429 whose message echoes the key',
		{ status: 429, body: { error: { code: 'RATE_LIMITED', message: `slow down, ${KEY}` } } },
		false,
	],
	[
		'a 401 whose message echoes the key',
		{ status: 401, body: { error: { code: 'UNAUTHORIZED', message: `bad key ${KEY}` } } },
		true,
	],
	[
		'a 403 whose message echoes the key',
		{
			status: 403,
			body: { error: { code: 'FORBIDDEN', message: `key ${KEY} lacks devices:read` } },
		},
		true,
	],
	[
		'a 403 whose code echoes the key',
		{ status: 403, body: { error: { code: `DENIED_${KEY}`, message: 'no' } } },
		false,
	],
	[
		'an error body that is a bare string with the key',
		{ status: 502, body: `upstream rejected ${KEY}` },
		false,
	],
	['an HTML page starting with the key', { status: 200, body: `${KEY} <html>login</html>` }, true],
	[
		'a device list echoing the key in a device field',
		{
			status: 200,
			body: { data: [{ id: 'dev_1', status: 'connected', note: `owner key ${KEY}` }] },
		},
		true,
	],
	[
		'a device list echoing the key as a field name',
		{ status: 200, body: { data: [{ id: 'dev_1', status: 'connected', [KEY]: true }] } },
		true,
	],
	[
		'an unexpected status with the key',
		{ status: 418, body: { error: { code: 'TEAPOT', message: KEY } } },
		true,
	],
];

describe('the key echoed back by the API is redacted', () => {
	test.each(echoes)('%s: stopping on error', async (_label, fault, quoted) => {
		sim().inject(fault);
		const result = await runWaping({
			parameters: listDevices,
			credentials: { apiKey: KEY, baseUrl: sim().url },
		});
		expect(sim().requests).toHaveLength(1);
		expect(leaks(result, KEY)).toEqual([]);
		// Where the node quotes what the API said, the quote is kept with the key replaced.
		if (quoted)
			expect(JSON.stringify([result.outputs, result.error?.message])).toContain('[redacted]');
	});

	test.each(echoes)('%s: continue (using error output)', async (_label, fault) => {
		sim().inject(fault);
		const result = await runWaping({
			parameters: deviceStatus,
			credentials: { apiKey: KEY, baseUrl: sim().url },
			onError: 'continueErrorOutput',
		});
		expect(result.error).toBeUndefined();
		expect(counts(result).reduce((a, b) => a + b, 0)).toBe(1);
		expect(leaks(result, KEY)).toEqual([]);
	});

	test.each(echoes)('%s: continue on fail (regular output)', async (_label, fault) => {
		sim().inject(fault);
		const result = await runWaping({
			parameters: listDevices,
			credentials: { apiKey: KEY, baseUrl: sim().url },
			onError: 'continueRegularOutput',
		});
		expect(result.error).toBeUndefined();
		expect(leaks(result, KEY)).toEqual([]);
	});

	test('the same for a tool call by an AI agent', async () => {
		sim().inject({
			status: 401,
			body: { error: { code: 'UNAUTHORIZED', message: `bad key ${KEY}` } },
		});
		const result = await runWaping({
			parameters: deviceStatus,
			credentials: { apiKey: KEY, baseUrl: sim().url },
			asTool: true,
		});
		expect(counts(result)).toEqual([1, 0, 0]);
		expect(leaks(result, KEY)).toEqual([]);
	});
});

describe('the key is in no log line', () => {
	test('retries are logged without the key (the log capture sees the retry line)', async () => {
		sim().inject({
			status: 429,
			headers: { 'retry-after': '0' },
			body: { error: { code: 'RATE_LIMITED', message: `slow down ${KEY}` } },
			times: 2,
		});
		const result = await runWaping({
			parameters: { ...listDevices, options: { maxAttempts: 3 } },
			credentials: { apiKey: KEY, baseUrl: sim().url },
		});
		expect(counts(result)).toEqual([5, 0, 0]);
		expect(sim().requests).toHaveLength(3);
		// Proves the log check below looks at real lines, not an empty list.
		expect(
			result.logs.filter((line) => line.message === 'WAPing request will be retried'),
		).toHaveLength(2);
		expect(leaks(result, KEY)).toEqual([]);
	});

	test('a failed run logs the error without the key', async () => {
		// A message of its own: n8n's error reporter logs each distinct error once per process.
		sim().inject({
			status: 500,
			body: { error: { code: 'SERVER_ERROR', message: `log test: bad key ${KEY}` } },
		});
		const result = await runWaping({
			parameters: listDevices,
			credentials: { apiKey: KEY, baseUrl: sim().url },
		});
		expect(
			result.logs.filter((line) => line.level === 'error').map((line) => line.message),
		).toEqual([
			'WAPing had a server error (HTTP 500 SERVER_ERROR). WAPing said: "log test: bad key [redacted]"',
		]);
		expect(findString(result.logs, KEY)).toEqual([]);
	});

	// transport.ts scrubs every answer of the key as it arrives, so the retry debug line is clean too.
	test('an error code that echoes the key is not logged on retry', async () => {
		sim().inject({
			status: 429,
			headers: { 'retry-after': '0' },
			body: { error: { code: `LIMIT_${KEY}` } },
			times: 1,
		});
		const result = await runWaping({
			parameters: { ...listDevices, options: { maxAttempts: 2 } },
			credentials: { apiKey: KEY, baseUrl: sim().url },
		});
		expect(counts(result)).toEqual([5, 0, 0]);
		expect(findString(result.logs, KEY)).toEqual([]);
	});
});

describe('failures without an API answer do not reveal the key', () => {
	test('network failure (closed port)', async () => {
		const port = await closedPort();
		const result = await runWaping({
			parameters: listDevices,
			credentials: { apiKey: KEY, baseUrl: `http://127.0.0.1:${port}` },
		});
		expect(result.error).toBeDefined();
		expect(leaks(result, KEY)).toEqual([]);
	});

	test('a device that is not in the workspace', async () => {
		const result = await runWaping({
			parameters: { ...deviceStatus, deviceId: 'dev_missing' },
			credentials: { apiKey: KEY, baseUrl: sim().url },
		});
		expect(result.error?.message).toContain('dev_missing');
		expect(leaks(result, KEY)).toEqual([]);
	});

	test('a key pasted with a "Basic " prefix is refused without echoing it', async () => {
		const result = await runWaping({
			parameters: deviceStatus,
			credentials: { apiKey: `Basic ${KEY}`, baseUrl: sim().url },
		});
		expect(result.error?.message).toMatch(/^The API key in the WAPing credential /);
		expect(sim().requests).toHaveLength(0);
		expect(leaks(result, KEY)).toEqual([]);
	});
});

describe('on the wire, the key travels only in the Authorization header', () => {
	test.each([
		['Device → Get Many', listDevices],
		['Device → Get Status', deviceStatus],
		['Plan → Check', { resource: 'plan', operation: 'check' }],
	])('%s', async (_label, parameters) => {
		const result = await runWaping({
			parameters,
			credentials: { apiKey: KEY, baseUrl: sim().url },
		});
		expect(result.error).toBeUndefined();
		expect(sim().requests).toHaveLength(1);
		expect(sim().requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
		expect(sim().requests[0].path).toBe('/v1/devices');
		expect(keyOutsideAuthorization(KEY)).toEqual([]);
		expect(leaks(result, KEY)).toEqual([]);
	});

	test('also when the request fails and is retried', async () => {
		sim().inject({
			status: 429,
			headers: { 'retry-after': '0' },
			body: { error: { code: 'RATE_LIMITED' } },
			times: 3,
		});
		await runWaping({
			parameters: { ...listDevices, options: { maxAttempts: 3 } },
			credentials: { apiKey: KEY, baseUrl: sim().url },
		});
		expect(sim().requests).toHaveLength(3);
		for (const request of sim().requests)
			expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
		expect(keyOutsideAuthorization(KEY)).toEqual([]);
	});
});
