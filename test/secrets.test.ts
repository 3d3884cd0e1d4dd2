/**
 * The API key must never show up in anything a workflow, an execution or a log can show: output
 * items, error messages and descriptions, the stored run data and log lines. The simulator is made
 * to echo the key back in its answers, as a careless API might. On the wire the key travels only in
 * the Authorization header.
 */
import type { Fault } from '../simulator';
import { demoKeys, demoSeed } from '../simulator';
import { runWaping } from './harness/run';
import { closedPort, counts, findString, leaks, useSimulator } from './helpers';

/** A key with the characters a server mangles: "+", "/" and "=" (URL-encoded, JSON-escaped, base64's own). */
const ODD_KEY = 'wk_live+Ab/Cd=Ef_0123456789==';

const sim = useSimulator(() => {
	const seed = demoSeed();
	seed.keys.push({
		key: ODD_KEY,
		workspace: 'ws_growth',
		scopes: ['devices:read', 'messages:send'],
	});
	return seed;
});
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

/** The forms a careless server echoes a key in, each a different way to miss it. */
const echoedForms = (key: string): Array<[string, string]> => [
	['split by a line break', `${key.slice(0, 9)}\n${key.slice(9)}`],
	['split by CR LF', `${key.slice(0, 5)}\r\n${key.slice(5)}`],
	[
		'wrapped over three lines with indentation',
		`${key.slice(0, 6)}\n    ${key.slice(6, 14)}\r\n\t${key.slice(14)}`,
	],
	['split by a zero-width space', `${key.slice(0, 9)}\u200b${key.slice(9)}`],
	['double URL-encoded', encodeURIComponent(encodeURIComponent(key))],
	['partly URL-encoded (%2B, %3D)', key.replace('+', '%2B').replace(/=/g, '%3D')],
	['partly URL-encoded in lower case (%2f)', key.replace('/', '%2f')],
	['JSON-escaped with \\/', JSON.stringify(key).slice(1, -1).replace(/\//g, '\\/')],
	['base64-encoded', Buffer.from(key).toString('base64')],
	['base64 of "Bearer <key>"', Buffer.from(`Bearer ${key}`).toString('base64')],
	['base64url of "api:<key>"', Buffer.from(`api:${key}`).toString('base64url')],
	[
		'base64, wrapped at 16 characters',
		Buffer.from(key)
			.toString('base64')
			.replace(/(.{16})/g, '$1\r\n'),
	],
];

/**
 * Where the key shows in what a run produced, in the form it was echoed in, as written or once its
 * whitespace is normalised (a user pasting an error into a ticket, or a log that joins lines).
 */
function formLeaks(result: Awaited<ReturnType<typeof runWaping>>, form: string, key: string) {
	const found = leaks(result, form);
	const shown = JSON.stringify([
		result.outputs,
		result.error,
		result.run.data.resultData,
		result.logs,
	]);
	const joined = JSON.parse(shown.replace(/\\[rnt]/g, ' ')) as unknown;
	const squeezed = JSON.stringify(joined).replace(/[\s\u200b]+/g, '');
	if (squeezed.includes(key) || squeezed.includes(form.replace(/\s+/g, '')))
		found.push('whitespace-normalised output');
	const decoded = (() => {
		try {
			return decodeURIComponent(decodeURIComponent(squeezed));
		} catch {
			return squeezed;
		}
	})();
	if (decoded.includes(key)) found.push('URL-decoded output');
	for (const token of squeezed.match(/[A-Za-z0-9+/_-]{16,}={0,2}/g) ?? []) {
		if (Buffer.from(token, 'base64').toString('latin1').includes(key))
			found.push(`base64 ${token}`);
	}
	return found;
}

describe('the key echoed in a mangled form is redacted too', () => {
	const forms = echoedForms(ODD_KEY);
	const credentials = () => ({ apiKey: ODD_KEY, baseUrl: sim().url });

	test.each(forms)('%s, in a 400 and a 500 error message, and a header', async (_label, form) => {
		for (const status of [400, 500]) {
			sim().reset();
			sim().inject({
				status,
				headers: { 'x-echo': form.replace(/[\r\n\t\u200b]+/g, ' ') },
				body: {
					error: {
						code: status === 400 ? 'VALIDATION_ERROR' : 'SERVER_ERROR',
						message: `bad key ${form}`,
					},
				},
			});
			const result = await runWaping({ parameters: listDevices, credentials: credentials() });
			expect(sim().requests).toHaveLength(1);
			expect(result.error?.message).toContain('[redacted]');
			expect(formLeaks(result, form, ODD_KEY)).toEqual([]);
		}
	});

	test.each(forms)('%s, in a 2xx device list and a 2xx receipt', async (_label, form) => {
		sim().inject({
			status: 200,
			headers: { 'x-echo': form.replace(/[\r\n\t\u200b]+/g, ' ') },
			body: { data: [{ id: 'dev_123', status: 'connected', note: `owner ${form}` }] },
		});
		const list = await runWaping({ parameters: listDevices, credentials: credentials() });
		expect(counts(list)[0]).toBe(1);
		expect(JSON.stringify(list.outputs)).toContain('[redacted]');
		expect(formLeaks(list, form, ODD_KEY)).toEqual([]);

		sim().reset();
		sim().inject({
			path: '/v1/messages',
			status: 200,
			headers: { 'x-echo': form.replace(/[\r\n\t\u200b]+/g, ' ') },
			body: { id: 'msg_echo_1', status: 'queued', deviceId: 'dev_123', account: form },
		});
		const sent = await runWaping({
			parameters: {
				resource: 'message',
				operation: 'send',
				deviceId: { __rl: true, mode: 'id', value: 'dev_123' },
				to: '+15551234567',
				text: 'Hello',
				options: { maxAttempts: 1 },
			},
			credentials: credentials(),
		});
		expect(counts(sent)[0]).toBe(1);
		expect(formLeaks(sent, form, ODD_KEY)).toEqual([]);
	});

	test.each(forms)(
		'%s, with "Continue (using error output)": the error item is clean',
		async (_label, form) => {
			sim().inject({
				status: 404,
				body: { error: { code: 'NOT_FOUND', message: `no workspace for ${form}` } },
			});
			const result = await runWaping({
				parameters: deviceStatus,
				credentials: credentials(),
				onError: 'continueErrorOutput',
			});
			expect(result.error).toBeUndefined();
			expect(formLeaks(result, form, ODD_KEY)).toEqual([]);
		},
	);
});
