/**
 * Issue 4, bad input: device ids, parameters resolved from expressions, Base URLs and API keys that
 * are wrong, odd or hostile. Every one is refused with a message that says what to fix, or used in a
 * safe form; none puts anything but GET /v1/devices on the wire, none crashes the node, and with
 * Continue On Fail every input item comes out once, paired with itself.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { runWaping } from './harness/run';
import { demoKeys } from '../simulator';
import {
	counts,
	jsonOf,
	leaks,
	OUT,
	pairedIndexes,
	range,
	useServers,
} from './reliability-helpers';

const servers = useServers();
const sim = () => servers().sim;
const KEY = demoKeys.growth;
const credentials = () => ({ apiKey: KEY, baseUrl: sim().url });
const deviceStatus: INodeParameters = {
	resource: 'device',
	operation: 'getStatus',
	deviceId: '={{ $json.id }}',
};
const listDevices: INodeParameters = { resource: 'device', operation: 'getAll', returnAll: true };

/** How many bad inputs the file tried, for the closing figures. */
let tried = 0;
afterAll(() => {
	process.stderr.write(`hostile input: ${tried} bad inputs tried\n`);
});

/** Only the one documented read ever reaches the server, whatever the input. */
function onlyDeviceListRequests(): void {
	for (const request of sim().requests)
		expect(`${request.method} ${request.path}`).toBe('GET /v1/devices');
}

describe('device ids: refused with a message, or looked up as they are (never put in a URL)', () => {
	// [label, value the expression gives, what the item must show]
	const cases: Array<[string, unknown, RegExp | IDataObject]> = [
		['empty', '', /^Device ID is empty for (?:the (?:first|second|third) item|item \d+)$/],
		['spaces only', '   ', /^Device ID is empty for (?:the (?:first|second|third) item|item \d+)$/],
		[
			'tabs and line breaks only',
			'\t\n\r',
			/^Device ID is empty for (?:the (?:first|second|third) item|item \d+)$/,
		],
		[
			'missing field (undefined)',
			undefined,
			/^Device ID is empty for (?:the (?:first|second|third) item|item \d+)$/,
		],
		['null', null, /^Device ID is empty for (?:the (?:first|second|third) item|item \d+)$/],
		[
			'true',
			true,
			/^Device ID must be text, but (?:the (?:first|second|third) item|item \d+) gave a boolean$/,
		],
		[
			'an object',
			{ id: 'dev_123' },
			/^Device ID must be text, but (?:the (?:first|second|third) item|item \d+) gave an object$/,
		],
		[
			'a list',
			['dev_123'],
			/^Device ID must be text, but (?:the (?:first|second|third) item|item \d+) gave a list$/,
		],
		[
			'NaN',
			Number.NaN,
			/^Device ID must be text, but (?:the (?:first|second|third) item|item \d+) gave a number$/,
		],
		['a number', 123, /^Device "123" is not linked to this WAPing workspace$/],
		['a path', 'dev_123/../../admin', /^Device "dev_123\/\.\.\/\.\.\/admin" is not linked/],
		['dot-dot', '..', /^Device "\.\." is not linked/],
		['a query', 'dev_123?all=true', /^Device "dev_123\?all=true" is not linked/],
		['a fragment', 'dev_123#x', /^Device "dev_123#x" is not linked/],
		[
			'percent-encoded traversal',
			'%2e%2e%2fv1%2fmessages',
			/^Device "%2e%2e%2fv1%2fmessages" is not linked/,
		],
		['another endpoint', '/v1/messages', /^Device "\/v1\/messages" is not linked/],
		['a full URL', 'https://evil.example/x', /^Device "https:\/\/evil\.example\/x" is not linked/],
		[
			'a NUL byte',
			'dev_123\u0000',
			/^Device ID for (?:the (?:first|second|third) item|item \d+) contains control or invisible characters$/,
		],
		[
			'a line break inside',
			'dev\n123',
			/^Device ID for (?:the (?:first|second|third) item|item \d+) contains control or invisible characters$/,
		],
		[
			'a CRLF header injection',
			'dev_123\r\nX-Evil: 1',
			/^Device ID for (?:the (?:first|second|third) item|item \d+) contains control or invisible characters$/,
		],
		[
			'a zero-width space',
			'\u200bdev_123',
			/^Device ID for (?:the (?:first|second|third) item|item \d+) contains control or invisible characters$/,
		],
		[
			'a bidi override',
			'dev_\u202e321',
			/^Device ID for (?:the (?:first|second|third) item|item \d+) contains control or invisible characters$/,
		],
		[
			'a line separator inside',
			'dev_\u2028123',
			/^Device ID for (?:the (?:first|second|third) item|item \d+) contains control or invisible characters$/,
		],
		[
			'10,000 characters',
			'd'.repeat(10_000),
			/^Device ID for (?:the (?:first|second|third) item|item \d+) is 10000 characters long$/,
		],
		['__proto__', '__proto__', /^Device "__proto__" is not linked/],
		['constructor', 'constructor', /^Device "constructor" is not linked/],
		['an emoji', 'dev_📱', /^Device "dev_📱" is not linked/],
		['wrong case', 'DEV_123', /^Device "DEV_123" is not linked/],
		['padded with spaces (trimmed, found)', '  dev_123  ', { id: 'dev_123', state: 'connected' }],
		['the API key itself (never echoed)', KEY, /^Device "\[redacted\]" is not linked/],
	];

	test('all of them in one run: N items in, N items out, each paired and explained; one list request', async () => {
		tried += cases.length;
		const items = cases.map(([, id]) => ({ id })) as IDataObject[];
		for (const onError of ['continueRegularOutput', 'continueErrorOutput'] as const) {
			sim().reset();
			const result = await runWaping({
				parameters: deviceStatus,
				credentials: credentials(),
				items,
				onError,
			});
			expect(result.error).toBeUndefined();
			expect(pairedIndexes(result)).toEqual(range(cases.length));
			const byItem = new Map<number, IDataObject>();
			for (const output of result.outputs)
				for (const item of output)
					byItem.set((item.pairedItem as { item: number }).item, item.json);
			cases.forEach(([label, , expected], index) => {
				const json = byItem.get(index) as IDataObject;
				if (expected instanceof RegExp)
					expect({ label, error: json.error }).toEqual({
						label,
						error: expect.stringMatching(expected),
					});
				else expect({ label, json }).toEqual({ label, json: expect.objectContaining(expected) });
			});
			expect(sim().requests).toHaveLength(1);
			onlyDeviceListRequests();
			expect(leaks(result, KEY)).toEqual([]);
		}
	});

	test('without Continue On Fail, the first bad id stops the run with a NodeOperationError naming the item', async () => {
		tried += 1;
		const result = await runWaping({
			parameters: deviceStatus,
			credentials: credentials(),
			items: [{ id: 'dev_123' }, { id: ' ' }],
		});
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'Device ID is empty for the second item',
		});
	});
});

describe('parameters from expressions', () => {
	test('Limit: numbers as text are read, anything else is refused per item', async () => {
		const limits: Array<[unknown, number | RegExp]> = [
			['2', 2],
			[' 3 ', 3],
			[1, 1],
			[1e9, 5],
			[
				0,
				/^Limit must be a whole number of at least 1, but (?:the (?:first|second|third) item|item \d+) gave 0$/,
			],
			[-1, /gave -1$/],
			[2.5, /gave 2\.5$/],
			['abc', /gave "abc"$/],
			['', /gave ""$/],
			[null, /gave null$/],
			[true, /gave true$/],
			[{}, /gave an object$/],
		];
		tried += limits.length;
		const result = await runWaping({
			parameters: {
				resource: 'device',
				operation: 'getAll',
				returnAll: false,
				limit: '={{ $json.limit }}',
			},
			credentials: credentials(),
			items: limits.map(([limit]) => ({ limit })) as IDataObject[],
			onError: 'continueRegularOutput',
		});
		limits.forEach(([, expected], index) => {
			const mine = result.outputs[OUT.success]
				.filter((item) => (item.pairedItem as { item: number }).item === index)
				.map((item) => item.json);
			if (typeof expected === 'number') expect(mine).toHaveLength(expected);
			else
				expect(mine).toEqual([expect.objectContaining({ error: expect.stringMatching(expected) })]);
		});
		expect(sim().requests).toHaveLength(1);
	});

	test('Options refused under Continue On Fail: every item gets the error, the run goes on (found by the property test)', async () => {
		tried += 1;
		const result = await runWaping({
			parameters: {
				resource: 'device',
				operation: 'getStatus',
				deviceId: '={{ $json.id }}',
				options: { maxWait: -1 },
			},
			credentials: credentials(),
			items: [{ id: 'dev_123' }, { id: 'dev_456' }, { id: 'dev_789' }],
			onError: 'continueRegularOutput',
		});
		expect(result.error).toBeUndefined();
		expect(jsonOf(result, OUT.success).map((item) => item.error)).toEqual(
			[0, 1, 2].map(
				(i) =>
					`Max Wait (Seconds) must be a number from 0 to 3600, but the ${['first', 'second', 'third'][i]} item gave -1`,
			),
		);
		expect(sim().requests).toHaveLength(0);
	});

	test('Options: out-of-range, non-numeric and non-object values are refused per item, before any request', async () => {
		const options: Array<[IDataObject, RegExp | null]> = [
			[
				{ maxAttempts: 0 },
				/^Max Attempts must be a number from 1 to 10, but (?:the (?:first|second|third) item|item \d+) gave 0$/,
			],
			[
				{ maxAttempts: 11 },
				/^Max Attempts must be a number from 1 to 10, but (?:the (?:first|second|third) item|item \d+) gave 11$/,
			],
			[{ maxAttempts: 1e9 }, /^Max Attempts must be a number from 1 to 10/],
			[{ maxAttempts: 'many' }, /gave "many"$/],
			[{ maxAttempts: '3' }, null],
			[{ maxAttempts: 2.7 }, null],
			[{ maxWait: -1 }, /^Max Wait \(Seconds\) must be a number from 0 to 3600/],
			[{ maxWait: 86_400 }, /^Max Wait \(Seconds\) must be a number from 0 to 3600/],
			[{ timeoutSeconds: 0 }, /^Timeout \(Seconds\) must be a number from 0\.001 to 300/],
			[{ timeoutSeconds: 'soon' }, /^Timeout \(Seconds\) must be a number from 0\.001 to 300/],
			[{ retryDelaySeconds: -5 }, /^Retry Delay \(Seconds\) must be a number from 0 to 60/],
			[{ retryDelaySeconds: 1e9 }, /^Retry Delay \(Seconds\) must be a number from 0 to 60/],
			[{ retryDelaySeconds: 0 }, null],
			[{ timeoutSeconds: '2.5' }, null],
		];
		tried += options.length;
		for (const [option, expected] of options) {
			sim().reset();
			const result = await runWaping({
				parameters: { ...listDevices, options: option as INodeParameters },
				credentials: credentials(),
				onError: 'continueRegularOutput',
			});
			if (expected) {
				expect(jsonOf(result, OUT.success)).toEqual([
					expect.objectContaining({ error: expect.stringMatching(expected) }),
				]);
				expect(sim().requests).toHaveLength(0);
			} else {
				expect(jsonOf(result, OUT.success)).toHaveLength(5);
			}
		}
	});

	test('an unknown resource or operation is an error, with no request', async () => {
		tried += 2;
		for (const parameters of [
			{ resource: 'contact', operation: 'send' },
			{ resource: 'device', operation: 'delete' },
		]) {
			const result = await runWaping({ parameters, credentials: credentials() });
			// n8n itself refuses an operation the resource does not show; the node refuses the rest.
			expect(result.error?.message).toMatch(
				/^(The resource "\w+" has no operation "\w+"|Could not get parameter "operation")$/,
			);
		}
		expect(sim().requests).toHaveLength(0);
	});
});

describe('Base URL', () => {
	const accepted: Array<[string, (url: string) => string, string]> = [
		['a trailing slash', (url) => `${url}/`, '/v1/devices'],
		['several trailing slashes', (url) => `${url}///`, '/v1/devices'],
		['spaces and a line break around it', (url) => `  ${url}\n`, '/v1/devices'],
		['a proxy path prefix', (url) => `${url}/waping-proxy/`, '/waping-proxy/v1/devices'],
		[
			'localhost instead of 127.0.0.1',
			(url) => url.replace('127.0.0.1', 'localhost'),
			'/v1/devices',
		],
		[
			'an upper-case scheme and host name',
			(url) => url.replace('http://', 'HTTP://').replace('127.0.0.1', 'LOCALHOST'),
			'/v1/devices',
		],
	];

	test.each(accepted)('%s: accepted and normalised', async (_label, make, path) => {
		tried += 1;
		const result = await runWaping({
			parameters: listDevices,
			credentials: { apiKey: KEY, baseUrl: make(sim().url) },
		});
		expect(sim().requests.map((r) => r.path)).toEqual([path]);
		if (path === '/v1/devices') expect(jsonOf(result, OUT.success)).toHaveLength(5);
	});

	const refused: Array<[string, unknown, RegExp]> = [
		[
			'plain HTTP to a remote host',
			'http://api.waping.app',
			/it uses http, and the API key may only travel over HTTPS/,
		],
		['plain HTTP to a look-alike of loopback', 'http://127.0.0.1.nip.io', /it uses http/],
		['plain HTTP to localhost.example', 'http://localhost.example.com', /it uses http/],
		['ftp', 'ftp://api.waping.app', /it uses ftp/],
		['file', 'file:///etc/passwd', /it uses file/],
		['javascript', 'javascript:alert(1)', /it uses javascript/],
		['data', 'data:text/plain,hi', /it uses data/],
		['a query', 'https://api.waping.app/?x=1', /a query \(\?\.\.\.\) or fragment/],
		['an empty query', 'https://api.waping.app/?', /a query \(\?\.\.\.\) or fragment/],
		['a fragment', 'https://api.waping.app/#v1', /a query \(\?\.\.\.\) or fragment/],
		['user and password', 'https://user:pass@api.waping.app', /a user name or password/],
		['the /v1 prefix', 'https://api.waping.app/v1', /ends with \/v1 or an API path/],
		[
			'the whole devices path',
			'https://api.waping.app/v1/devices',
			/ends with \/v1 or an API path/,
		],
		['a tab inside', 'https://api.wap\ting.app', /spaces, line breaks or invisible characters/],
		['a space inside', 'https://api.waping .app', /spaces, line breaks or invisible characters/],
		[
			'a zero-width space',
			'https://api.waping.app\u200b',
			/spaces, line breaks or invisible characters/,
		],
		['not a URL', 'api.waping.app', /"api\.waping\.app" is not a URL/],
		['a number', 443, /it is not text/],
	];

	test.each(refused)('%s: refused before any request, saying why', async (_label, baseUrl, why) => {
		tried += 1;
		const result = await runWaping({
			parameters: listDevices,
			credentials: { apiKey: KEY, baseUrl } as ICredentialDataDecryptedObject,
		});
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'The Base URL in the WAPing credential cannot be used',
			description: expect.stringMatching(why),
		});
		expect(sim().requests).toHaveLength(0);
		expect(leaks(result, KEY)).toEqual([]);
	});

	test('a Base URL that contains the key: refused, and the key is not quoted back', async () => {
		tried += 2;
		for (const baseUrl of [`https://api.waping.app/${KEY}`, `htps:/${KEY}`]) {
			const result = await runWaping({
				parameters: listDevices,
				credentials: { apiKey: KEY, baseUrl },
			});
			expect(result.error?.name).toBe('NodeOperationError');
			expect(leaks(result, KEY)).toEqual([]);
		}
		expect(sim().requests).toHaveLength(0);
	});
});

describe('API key', () => {
	test('spaces and a line break around the key are trimmed; the server gets exactly "Bearer <key>"', async () => {
		tried += 1;
		const result = await runWaping({
			parameters: listDevices,
			credentials: { apiKey: `  ${KEY}\n`, baseUrl: sim().url },
		});
		expect(jsonOf(result, OUT.success)).toHaveLength(5);
		expect(sim().requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${KEY}`]);
	});

	const refused: Array<[string, unknown, RegExp]> = [
		['empty', '', /^The WAPing credential has no API key$/],
		['spaces only', '   ', /^The WAPing credential has no API key$/],
		['not text', 12345678, /^The WAPing credential has no API key$/],
		['"Bearer" alone', 'Bearer ', /^The WAPing credential has no API key$/],
		['a "Basic " scheme', `Basic ${KEY}`, /contains spaces$/],
		['a space inside', 'wk_demo growth_0123456789', /contains spaces$/],
		['a CRLF header injection', `${KEY}\r\nX-Evil: 1`, /contains spaces$/],
		['a NUL byte', `${KEY}\u0000`, /contains characters that cannot be sent$/],
		['a zero-width space', `${KEY}\u200b`, /contains characters that cannot be sent$/],
		['non-ASCII letters', 'wk_ключ_0123456789', /contains characters that cannot be sent$/],
		['an emoji', 'wk_demo_🔑_0123456789', /contains characters that cannot be sent$/],
		['too short to redact safely', 'abc', /is too short to be a WAPing key$/],
	];

	test.each(refused)(
		'%s: refused before any request, without echoing the key',
		async (_label, apiKey, message) => {
			tried += 1;
			const result = await runWaping({
				parameters: listDevices,
				credentials: { apiKey, baseUrl: sim().url } as ICredentialDataDecryptedObject,
			});
			expect(result.error).toMatchObject({
				name: 'NodeOperationError',
				message: expect.stringMatching(message),
			});
			expect(typeof result.error?.description).toBe('string');
			expect(sim().requests).toHaveLength(0);
			if (typeof apiKey === 'string' && apiKey.trim().length >= 8)
				expect(leaks(result, apiKey.trim())).toEqual([]);
			expect(leaks(result, KEY)).toEqual([]);
		},
	);

	test.each([
		['a "Bearer " prefix', `Bearer ${KEY}`],
		['a lower-case "bearer " prefix', `bearer ${KEY}`],
		['"Bearer" and a tab, with spaces around', ` Bearer\t${KEY} `],
	])(
		'%s (pasted from a curl example) is dropped: the server gets exactly "Bearer <key>"',
		async (_label, apiKey) => {
			tried += 1;
			const result = await runWaping({
				parameters: listDevices,
				credentials: { apiKey, baseUrl: sim().url },
			});
			expect(jsonOf(result, OUT.success)).toHaveLength(5);
			expect(sim().requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${KEY}`]);
		},
	);

	test('refused credentials under Continue On Fail: every item gets the error, paired, none lost', async () => {
		tried += 1;
		const items = range(4).map((i) => ({ id: `dev_${i}` }));
		const result = await runWaping({
			parameters: deviceStatus,
			credentials: { apiKey: `Basic ${KEY}`, baseUrl: sim().url },
			items,
			onError: 'continueErrorOutput',
		});
		expect(counts(result)).toEqual([0, 0, 0, 4]);
		expect(pairedIndexes(result)).toEqual(range(4));
		expect(sim().requests).toHaveLength(0);
		expect(leaks(result, KEY)).toEqual([]);
	});
});
