/**
 * Failures other than 401/403: the run stops with an error whose message says what happened and
 * whose description says what to do; with Continue On Fail the item carries the same on output 0, and
 * with "Continue (using error output)" it goes to the Error output. Transient failures are retried
 * within the node's Options; permanent ones are sent once.
 */
import { demoKeys } from '../simulator';
import { runWaping } from './harness/run';
import {
	calls,
	closedPort,
	counts,
	errorItemOf,
	errorOf,
	jsonOf,
	OUTPUT_INDEX,
	pairedOf,
	useSimulator,
} from './helpers';

const sim = useSimulator();
const credentials = () => ({ apiKey: demoKeys.growth, baseUrl: sim().url });
const once = { options: { maxAttempts: 1 } };
const listDevices = { resource: 'device', operation: 'getAll', returnAll: true, ...once };
const deviceStatus = { resource: 'device', operation: 'getStatus', deviceId: 'dev_123', ...once };

describe('HTTP errors from the API', () => {
	test('400: invalid request, quoted, not retried', async () => {
		sim().inject({
			status: 400,
			body: { error: { code: 'VALIDATION_ERROR', message: 'deviceId is malformed' } },
			times: 5,
		});
		const result = await runWaping({
			parameters: { ...deviceStatus, options: { maxAttempts: 4 } },
			credentials: credentials(),
		});
		expect(errorOf(result)).toEqual({
			name: 'NodeApiError',
			message:
				'WAPing rejected the request as invalid (HTTP 400 VALIDATION_ERROR). WAPing said: "deviceId is malformed"',
			description: 'Check the node parameters named in the message; the request is not retried.',
			httpCode: '400',
		});
		expect(calls(sim())).toEqual(['GET /v1/devices']);
		expect(result.outputs).toEqual([]);
	});

	test('404 from the API (a Base URL with a wrong path): says to fix the Base URL', async () => {
		const result = await runWaping({
			parameters: listDevices,
			credentials: { apiKey: demoKeys.growth, baseUrl: `${sim().url}/api` },
		});
		expect(calls(sim())).toEqual(['GET /api/v1/devices']);
		expect(errorOf(result)).toEqual({
			name: 'NodeApiError',
			message:
				'WAPing has no such resource (HTTP 404 NOT_FOUND). WAPing said: "No route GET /api/v1/devices."',
			description:
				"Check that the credential's Base URL is the API root (e.g. https://api.waping.app), with no path such as /v1 after it.",
			httpCode: '404',
		});
	});

	test('404 without a body: the code defaults to NOT_FOUND', async () => {
		sim().inject({ status: 404, body: '' });
		const result = await runWaping({ parameters: deviceStatus, credentials: credentials() });
		expect(errorOf(result).message).toBe('WAPing has no such resource (HTTP 404 NOT_FOUND).');
		expect(errorOf(result).httpCode).toBe('404');
	});

	test('429 with Retry-After: waits as asked, then succeeds', async () => {
		sim().inject({
			status: 429,
			headers: { 'retry-after': '0' },
			body: { error: { code: 'RATE_LIMITED', message: 'slow down' } },
			times: 2,
		});
		const result = await runWaping({
			parameters: { ...deviceStatus, options: { maxAttempts: 3 } },
			credentials: credentials(),
		});
		expect(result.error).toBeUndefined();
		expect(jsonOf(result, OUTPUT_INDEX.success)).toEqual([
			{ id: 'dev_123', status: 'connected', state: 'connected', connected: true },
		]);
		expect(calls(sim())).toEqual(['GET /v1/devices', 'GET /v1/devices', 'GET /v1/devices']);
	});

	test('429 until the attempts run out: message counts the attempts and the wait asked for', async () => {
		sim().inject({
			status: 429,
			headers: { 'retry-after': '0' },
			body: { error: { code: 'RATE_LIMITED', message: 'slow down' } },
			times: Infinity,
		});
		const result = await runWaping({
			parameters: { ...deviceStatus, options: { maxAttempts: 2 } },
			credentials: credentials(),
		});
		expect(errorOf(result)).toEqual({
			name: 'NodeApiError',
			message: expect.stringMatching(
				/^WAPing asked the node to slow down \(HTTP 429 RATE_LIMITED\) after 2 attempts; it asked to wait 0 s\./,
			),
			description: expect.stringContaining('raise "Max Attempts"'),
			httpCode: '429',
		});
		expect(sim().requests).toHaveLength(2);
	});

	test('429 whose Retry-After is longer than Max Wait: gives up at once instead of waiting', async () => {
		sim().inject({
			status: 429,
			headers: { 'retry-after': '120' },
			body: { error: { code: 'RATE_LIMITED' } },
			times: Infinity,
		});
		const started = Date.now();
		const result = await runWaping({
			parameters: { ...deviceStatus, options: { maxAttempts: 4, maxWait: 60 } },
			credentials: credentials(),
		});
		expect(Date.now() - started).toBeLessThan(5000);
		expect(sim().requests).toHaveLength(1);
		expect(errorOf(result)).toMatchObject({
			message: expect.stringMatching(
				/^WAPing asked the node to slow down \(HTTP 429 RATE_LIMITED\); it asked to wait 120 s\./,
			),
			description: expect.stringContaining('"Max Wait"'),
		});
	});

	test.each([500, 502, 503, 504])(
		'%i: a server error, quoted when the body says something',
		async (status) => {
			sim().inject({
				status,
				body: { error: { code: 'SERVER_ERROR', message: 'database unavailable' } },
			});
			const result = await runWaping({ parameters: listDevices, credentials: credentials() });
			expect(errorOf(result)).toEqual({
				name: 'NodeApiError',
				message: expect.stringMatching(
					new RegExp(
						`^WAPing had a server error \\(HTTP ${status} SERVER_ERROR\\)\\. WAPing said: "database unavailable"`,
					),
				),
				description:
					'This is usually temporary: try again later, or raise "Max Attempts" in the node\'s Options.',
				httpCode: String(status),
			});
			expect(sim().requests).toHaveLength(1);
		},
	);

	test("an API message that mentions a system error code keeps the node's message", async () => {
		// n8n replaces a message containing ECONNRESET, ETIMEDOUT, ... with a generic network text; here
		// WAPing did answer (502), so that would be wrong.
		sim().inject({
			status: 502,
			body: { error: { code: 'SERVER_ERROR', message: 'upstream ECONNRESET' } },
		});
		const result = await runWaping({ parameters: listDevices, credentials: credentials() });
		expect(errorOf(result)).toMatchObject({
			message: expect.stringMatching(
				/^WAPing had a server error \(HTTP 502 SERVER_ERROR\)\. WAPing said: "upstream ECONNRESET"/,
			),
			httpCode: '502',
		});
	});

	test('5xx once, then fine: retried and succeeds', async () => {
		sim().inject({ status: 503, body: '' });
		const result = await runWaping({
			parameters: { ...listDevices, options: { maxAttempts: 2 } },
			credentials: credentials(),
		});
		expect(result.error).toBeUndefined();
		expect(jsonOf(result, OUTPUT_INDEX.success).map((device) => device.id)).toEqual([
			'dev_123',
			'dev_456',
			'dev_789',
			'dev_abc',
			'dev_new',
		]);
		expect(sim().requests).toHaveLength(2);
	});

	test('5xx on every attempt: the message says how many', async () => {
		// Backoff is random in [0, 500 ms] before the second attempt; a 5 s budget always fits it.
		sim().inject({ status: 500, body: { error: { code: 'SERVER_ERROR' } }, times: Infinity });
		const result = await runWaping({
			parameters: { ...listDevices, options: { maxAttempts: 2, maxWait: 5 } },
			credentials: credentials(),
		});
		expect(errorOf(result).message).toMatch(
			/^WAPing had a server error \(HTTP 500 SERVER_ERROR\) after 2 attempts\./,
		);
		expect(sim().requests).toHaveLength(2);
	});

	test('an unexpected status (418) is not retried and says so', async () => {
		sim().inject({ status: 418, body: '', times: 3 });
		const result = await runWaping({
			parameters: { ...listDevices, options: { maxAttempts: 3 } },
			credentials: credentials(),
		});
		expect(errorOf(result)).toEqual({
			name: 'NodeApiError',
			message: 'WAPing answered with an unexpected status (HTTP 418 HTTP_418).',
			description:
				'The request was not retried. If it persists, contact WAPing support with the time of the run.',
			httpCode: '418',
		});
		expect(sim().requests).toHaveLength(1);
	});

	test('a session-disconnected code is explained as a QR re-link', async () => {
		sim().inject({
			status: 409,
			body: {
				error: { code: 'SESSION_DISCONNECTED', message: 'Device dev_123 is not connected.' },
			},
		});
		const result = await runWaping({ parameters: deviceStatus, credentials: credentials() });
		expect(errorOf(result)).toMatchObject({
			message:
				'The device\'s WhatsApp session is not connected (HTTP 409 SESSION_DISCONNECTED). WAPing said: "Device dev_123 is not connected."',
			description:
				'Re-link the device by scanning its QR code in the WAPing dashboard, then run again.',
		});
	});

	test('a redirect is reported, not followed, and names only the target origin', async () => {
		sim().inject({
			status: 302,
			headers: { location: 'https://elsewhere.example/v1/devices?token=abc' },
		});
		const result = await runWaping({ parameters: listDevices, credentials: credentials() });
		expect(errorOf(result)).toMatchObject({
			message:
				'WAPing answered with a redirect (HTTP 302 REDIRECT) to https://elsewhere.example, which the node does not follow.',
			description:
				"Set the credential's Base URL to the API's final address. The node never sends the key to a redirected host.",
		});
		expect(sim().requests).toHaveLength(1);
	});
});

describe('answers that are not a device list', () => {
	test('an HTML page with 200 (a proxy login, a website)', async () => {
		sim().inject({
			status: 200,
			headers: { 'content-type': 'text/html' },
			body: '<!DOCTYPE html>\n<html><body>Please sign in</body></html>',
		});
		const result = await runWaping({ parameters: listDevices, credentials: credentials() });
		expect(errorOf(result)).toMatchObject({
			name: 'NodeApiError',
			message:
				'WAPing\'s answer was not what the node expects: the device list was text, not JSON (it starts "<!DOCTYPE html> <html><body>Please sign ").',
			description:
				"Check that the credential's Base URL points at the WAPing API itself, not a web page or a proxy login.",
		});
	});

	test('an HTML error page with 502 from a proxy: a server error, no quote', async () => {
		sim().inject({
			status: 502,
			headers: { 'content-type': 'text/html' },
			body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
		});
		const result = await runWaping({ parameters: listDevices, credentials: credentials() });
		expect(errorOf(result)).toMatchObject({
			message: 'WAPing had a server error (HTTP 502 SERVER_ERROR).',
			httpCode: '502',
		});
	});

	test('JSON without a "data" list names the keys it found', async () => {
		sim().inject({ status: 200, body: { devices: [{ id: 'dev_1' }], total: 1 } });
		const result = await runWaping({ parameters: deviceStatus, credentials: credentials() });
		expect(errorOf(result).message).toBe(
			'WAPing\'s answer was not what the node expects: the device list was JSON without a "data" list of devices (keys: devices, total).',
		);
	});

	test('an empty 200 body', async () => {
		sim().inject({ status: 200, body: '' });
		const result = await runWaping({
			parameters: { resource: 'plan', operation: 'check' },
			credentials: credentials(),
		});
		expect(errorOf(result).message).toBe(
			"WAPing's answer was not what the node expects: the device list was an empty body.",
		);
	});
});

describe('no answer at all', () => {
	test('a closed port: the node says it could not reach WAPing', async () => {
		const port = await closedPort();
		const result = await runWaping({
			parameters: listDevices,
			credentials: { apiKey: demoKeys.growth, baseUrl: `http://127.0.0.1:${port}` },
		});
		expect(errorOf(result)).toMatchObject({
			name: 'NodeApiError',
			message: expect.stringMatching(/^Could not reach WAPing: the connection was refused\./),
			description:
				"Check the credential's Base URL and that n8n can reach it (DNS, firewall, proxy). System error: ECONNREFUSED.",
		});
	});

	test('a closed port with retries: every attempt is counted', async () => {
		const port = await closedPort();
		const result = await runWaping({
			parameters: { ...listDevices, options: { maxAttempts: 2, maxWait: 5 } },
			credentials: { apiKey: demoKeys.growth, baseUrl: `http://127.0.0.1:${port}` },
		});
		expect(errorOf(result).message).toMatch(
			/^Could not reach WAPing: the connection was refused after 2 attempts\./,
		);
	});

	test('the server drops the connection', async () => {
		sim().inject({ drop: true });
		const result = await runWaping({ parameters: listDevices, credentials: credentials() });
		expect(sim().requests).toHaveLength(1);
		expect(errorOf(result)).toMatchObject({
			message: expect.stringMatching(
				/^Could not reach WAPing: the connection was closed before an answer came\./,
			),
			description:
				"Check the credential's Base URL and that n8n can reach it (DNS, firewall, proxy). System error: ECONNRESET.",
		});
	});

	test('the server answers after the timeout', async () => {
		sim().inject({ status: 200, body: { data: [] }, delayMs: 400 });
		const result = await runWaping({
			parameters: { ...listDevices, options: { maxAttempts: 1, timeoutSeconds: 0.05 } },
			credentials: credentials(),
		});
		expect(errorOf(result)).toMatchObject({
			message: expect.stringMatching(/^WAPing did not answer in time\./),
			description: expect.stringMatching(
				/^Check that the Base URL is reachable from n8n, or raise "Timeout.*" in the node's Options\.$/,
			),
		});
	});
});

describe('Continue On Fail and the error output', () => {
	const failure = {
		status: 500,
		body: { error: { code: 'SERVER_ERROR', message: 'database unavailable' } },
	};
	const expectedItem = {
		error: 'WAPing had a server error (HTTP 500 SERVER_ERROR). WAPing said: "database unavailable"',
		details: {
			description:
				'This is usually temporary: try again later, or raise "Max Attempts" in the node\'s Options.',
		},
	};

	test('Continue On Fail: every item gets the error on output 0, one request for all', async () => {
		sim().inject(failure);
		const result = await runWaping({
			parameters: { ...deviceStatus, deviceId: '={{ $json.id }}' },
			credentials: credentials(),
			items: [{ id: 'dev_123' }, { id: 'dev_456' }],
			onError: 'continueRegularOutput',
		});
		expect(result.error).toBeUndefined();
		expect(counts(result)).toEqual([2, 0, 0]);
		expect(jsonOf(result, OUTPUT_INDEX.success)).toEqual([expectedItem, expectedItem]);
		expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(sim().requests).toHaveLength(1);
	});

	test('Continue (using error output): every item goes to the Error output', async () => {
		sim().inject(failure);
		const result = await runWaping({
			parameters: { ...deviceStatus, deviceId: '={{ $json.id }}' },
			credentials: credentials(),
			items: [{ id: 'dev_123' }, { id: 'dev_456' }],
			onError: 'continueErrorOutput',
		});
		expect(counts(result)).toEqual([0, 0, 0, 2]);
		expect([
			errorItemOf(result, OUTPUT_INDEX.error, 0),
			errorItemOf(result, OUTPUT_INDEX.error, 1),
		]).toEqual([expectedItem, expectedItem]);
		expect(pairedOf(result, OUTPUT_INDEX.error)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	test('a network failure under Continue On Fail', async () => {
		const port = await closedPort();
		const result = await runWaping({
			parameters: listDevices,
			credentials: { apiKey: demoKeys.growth, baseUrl: `http://127.0.0.1:${port}` },
			onError: 'continueRegularOutput',
		});
		expect(jsonOf(result, OUTPUT_INDEX.success)).toEqual([
			{
				error: 'Could not reach WAPing: the connection was refused.',
				details: {
					description:
						"Check the credential's Base URL and that n8n can reach it (DNS, firewall, proxy). System error: ECONNREFUSED.",
				},
			},
		]);
	});
});

describe('credential data the node refuses before sending anything', () => {
	test.each([
		['an empty key', { apiKey: '  ' }, /^The WAPing credential has no API key$/],
		[
			'a key with a "Basic " scheme in front',
			{ apiKey: `Basic ${demoKeys.growth}` },
			/^The API key in the WAPing credential contains spaces/,
		],
		[
			'a key with a line break inside',
			{ apiKey: `wk_demo\ngrowth_0123456789` },
			/^The API key in the WAPing credential /,
		],
		[
			'plain HTTP to a host other than localhost',
			{ baseUrl: 'http://api.waping.example' },
			/^The Base URL in the WAPing credential cannot be used$/,
		],
		[
			'a Base URL with a query',
			{ baseUrl: 'https://api.waping.example/?key=1' },
			/^The Base URL in the WAPing credential cannot be used$/,
		],
		[
			'a Base URL that is not a URL',
			{ baseUrl: 'not-a-url' },
			/^The Base URL in the WAPing credential cannot be used$/,
		],
	])('%s', async (_label, data, message) => {
		const result = await runWaping({
			parameters: listDevices,
			credentials: { apiKey: demoKeys.growth, baseUrl: sim().url, ...data },
		});
		expect(errorOf(result)).toMatchObject({
			name: 'NodeOperationError',
			message: expect.stringMatching(message),
		});
		expect(errorOf(result).description).toEqual(expect.any(String));
		expect(sim().requests).toHaveLength(0);
	});

	test('plain HTTP to a remote host: the description says why', async () => {
		const result = await runWaping({
			parameters: listDevices,
			credentials: { apiKey: demoKeys.growth, baseUrl: 'http://api.waping.example' },
		});
		expect(errorOf(result).description).toBe(
			'The Base URL is refused because it uses http, and the API key may only travel over HTTPS (plain HTTP is allowed for localhost alone). Use the API root, e.g. https://api.waping.app.',
		);
	});
});
