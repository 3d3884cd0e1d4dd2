/**
 * Issue 10: abandoned attempts free their connection, answers are read within a size cap, the key
 * does not slip out in headers, host names or other spellings, option values that name object
 * properties are refused, and output items never share nested objects.
 */
import { checkBaseUrl } from '../nodes/shared/connection';
import { copyJson, REDACTED, redactor } from '../nodes/shared/redact';
import { runWaping } from './harness/run';
import { errorOf } from './helpers';
import { counts, jsonOf, leaks, OUT, useServers } from './reliability-helpers';
import { demoKeys } from '../simulator';

const servers = useServers();
const sim = () => servers().sim;
const KEY = demoKeys.growth;
const credentials = () => ({ apiKey: KEY, baseUrl: sim().url });
const listDevices = (options = {}) => ({
	resource: 'device',
	operation: 'getAll',
	returnAll: true,
	options,
});

/** Waits until the server has no open connection left (closing takes a moment), or gives up. */
async function openConnectionsAfter(ms: number): Promise<number> {
	const until = Date.now() + ms;
	while (Date.now() < until && sim().openConnections() > 0)
		await new Promise((resolve) => setTimeout(resolve, 20));
	return sim().openConnections();
}

describe('an attempt given up at its Timeout closes its connection', () => {
	test('a 200 whose body never ends (and keeps coming): 3 attempts abandoned, 0 connections left, memory bounded', async () => {
		// 2.6 MB/s: under the size cap within the Timeout, so the attempt ends at its deadline.
		sim().inject({
			path: '/v1/devices',
			endless: { chunkBytes: 16 * 1024, everyMs: 6 },
			times: Infinity,
		});
		global.gc?.();
		const before = process.memoryUsage().rss;
		const result = await runWaping({
			parameters: listDevices({ maxAttempts: 3, timeoutSeconds: 0.3, retryDelaySeconds: 0.001 }),
			credentials: credentials(),
		});
		expect(errorOf(result).message).toBe('WAPing did not answer in time after 3 attempts.');
		expect(sim().attempts()).toBe(3);
		expect(await openConnectionsAfter(1000)).toBe(0);
		// Had the abandoned downloads gone on, connections would stay open and memory would keep growing.
		await new Promise((resolve) => setTimeout(resolve, 1000));
		global.gc?.();
		const grownMb = (process.memoryUsage().rss - before) / 1024 / 1024;
		expect(grownMb).toBeLessThan(60);
		expect(sim().openConnections()).toBe(0);
	});

	test('headers that never come: the attempt is abandoned and its connection closed too', async () => {
		sim().inject({ path: '/v1/devices', passThrough: true, delayMs: 3000, times: Infinity });
		const result = await runWaping({
			parameters: listDevices({ maxAttempts: 2, timeoutSeconds: 0.2, retryDelaySeconds: 0.001 }),
			credentials: credentials(),
		});
		expect(errorOf(result).message).toBe('WAPing did not answer in time after 2 attempts.');
		// n8n's request timeout (the same Timeout) closes a socket that stays silent.
		expect(await openConnectionsAfter(1500)).toBe(0);
	});
});

describe('answers are read within a size cap', () => {
	test('a body that keeps coming fast is cut at the cap, and its connection closed', async () => {
		sim().inject({ path: '/v1/devices', endless: true });
		const result = await runWaping({
			parameters: listDevices({ maxAttempts: 1, timeoutSeconds: 5 }),
			credentials: credentials(),
		});
		expect(errorOf(result).message).toBe(
			"WAPing's answer was not what the node expects: the answer was larger than 4096 KB.",
		);
		expect(await openConnectionsAfter(1000)).toBe(0);
	});

	test('a device list of 5 MB is refused as a bad answer, not read whole, and its connection closed', async () => {
		const big = Array.from({ length: 25_000 }, (_, i) => ({
			id: `dev_${i}`,
			status: 'connected',
			note: 'x'.repeat(180),
		}));
		sim().inject({ path: '/v1/devices', status: 200, body: { data: big }, times: Infinity });
		const result = await runWaping({
			parameters: listDevices({ maxAttempts: 1 }),
			credentials: credentials(),
		});
		expect(errorOf(result).message).toBe(
			"WAPing's answer was not what the node expects: the answer was larger than 4096 KB.",
		);
		expect(await openConnectionsAfter(1000)).toBe(0);
	});

	test('a list of 5 000 small devices (far beyond the largest plan, under the cap) is still read', async () => {
		const many = Array.from({ length: 5000 }, (_, i) => ({ id: `dev_${i}`, status: 'connected' }));
		sim().inject({ path: '/v1/devices', status: 200, body: { data: many } });
		const result = await runWaping({ parameters: listDevices(), credentials: credentials() });
		expect(counts(result)).toEqual([5000, 0, 0]);
	});

	test('a send answer over 64 KB is refused too', async () => {
		sim().inject({
			path: '/v1/messages',
			status: 202,
			body: { id: 'msg_1', status: 'queued', padding: 'x'.repeat(70_000) },
		});
		const result = await runWaping({
			parameters: {
				resource: 'message',
				operation: 'send',
				deviceId: 'dev_123',
				to: '+15551234567',
				text: 'hi',
				options: { maxAttempts: 1 },
			},
			credentials: credentials(),
		});
		expect(errorOf(result).message).toBe(
			"WAPing's answer was not what the node expects: the answer was larger than 64 KB.",
		);
	});
});

describe('the key does not slip out in other spellings', () => {
	test('echoed in a header of an error answer (n8n hands headers over as its own header class): redacted', async () => {
		const { other } = servers();
		// The redirect target's host holds the key in other letter case: URLs lower-case host names.
		const mixed = KEY.replace('growth', 'GROWTH');
		sim().inject({
			status: 302,
			redirectTo: `http://${mixed}.localhost:${other.port}/v1/devices`,
			headers: { 'x-echo': '{{key}}' },
		});
		const result = await runWaping({
			parameters: listDevices(),
			credentials: credentials(),
			onError: 'continueRegularOutput',
		});
		const [item] = jsonOf(result, OUT.success);
		expect(item.error).toMatch(/^WAPing answered with a redirect \(HTTP 302 REDIRECT\) to /);
		expect(JSON.stringify(item).toLowerCase()).not.toContain(KEY.toLowerCase());
		expect(leaks(result, KEY)).toEqual([]);
		expect(other.requests).toHaveLength(0);
	});

	test('a Base URL whose host holds the key in other letter case is refused, before any lookup or request', async () => {
		const result = await runWaping({
			parameters: listDevices(),
			credentials: { apiKey: KEY, baseUrl: `https://${KEY.toUpperCase()}.example.com` },
		});
		expect(errorOf(result).message).toBe(
			'The Base URL in the WAPing credential contains the API key',
		);
		expect(JSON.stringify(result.error).toLowerCase()).not.toContain(KEY.toLowerCase());
		expect(sim().requests).toHaveLength(0);
	});

	test('a quoted Base URL is redacted before it is cut, so no part of a key shows', () => {
		const redact = redactor('wk_secret_key_0123456789');
		// Not a URL, 95 characters then the key: cut at 100 characters first, the key's start would show.
		const raw = `${'x'.repeat(95)}wk_secret_key_0123456789`;
		const checked = checkBaseUrl(raw, redact);
		expect(checked).toEqual({ problem: `"${'x'.repeat(95)}[reda" is not a URL` });
	});

	test.each([
		['as written', (key: string) => `a ${key} b`],
		['in other letter case', (key: string) => `a ${key.toUpperCase()} b`],
		['percent-encoded', (key: string) => `a ${encodeURIComponent(key)} b`],
		['JSON-escaped', (key: string) => `a ${JSON.stringify(key).slice(1, -1)} b`],
	])('the redactor covers a key %s, deep in objects and in object keys', (_label, spell) => {
		const key = 'wk_"odd\\key/+ü_0123';
		const redact = redactor(key);
		const value = { list: [{ [spell(key)]: spell(key) }], nested: { deep: spell(key) } };
		const scrubbed = redact(value);
		expect(JSON.stringify(scrubbed)).toBe(
			JSON.stringify({
				list: [{ [`a ${REDACTED} b`]: `a ${REDACTED} b` }],
				nested: { deep: `a ${REDACTED} b` },
			}),
		);
	});

	test('fields workflows branch on come from the raw answer: a status that is the key keeps the device "connected"', async () => {
		// A (silly) key that equals a status WAPing sends: the status text is redacted, the state is not corrupted.
		sim().seed = {
			workspaces: [
				{
					id: 'ws',
					plan: 'growth',
					devices: [
						{ id: 'dev_1', status: 'Connected' },
						{ id: 'dev_2', status: 'disconnected' },
					],
				},
			],
			keys: [{ key: 'connected', workspace: 'ws', scopes: ['devices:read'] }],
		};
		const result = await runWaping({
			parameters: listDevices(),
			credentials: { apiKey: 'connected', baseUrl: sim().url },
		});
		expect(jsonOf(result, OUT.success)).toEqual([
			{ id: 'dev_1', status: REDACTED, state: 'connected', connected: true },
			{ id: 'dev_2', status: 'dis[redacted]', state: 'disconnected', connected: false },
		]);
	});
});

describe('option values that name object properties are refused, never taken for a choice', () => {
	test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
		'Session = %j (from an expression): a clear error, no crash, no request',
		async (value) => {
			const result = await runWaping({
				parameters: {
					resource: 'device',
					operation: 'getAll',
					returnAll: true,
					sessionFilter: '={{ $json.filter }}',
				},
				credentials: credentials(),
				items: [{ filter: value }],
			});
			expect(errorOf(result)).toMatchObject({
				name: 'NodeOperationError',
				message: `Session has no choice "${value}"`,
				description: 'Choose one of: any, connected, notConnected.',
			});
			expect(sim().requests).toHaveLength(0);
		},
	);

	test.each([
		['constructor', 'getAll'],
		['device', 'constructor'],
		['__proto__', 'toString'],
	])(
		'resource %j, operation %j: refused with the usual message, no request',
		async (resource, operation) => {
			const result = await runWaping({
				parameters: { resource, operation },
				credentials: credentials(),
			});
			expect(result.error?.message).toMatch(
				/^(The resource "[\w_]+" has no operation "\w+"|Could not get parameter "operation")$/,
			);
			expect(sim().requests).toHaveLength(0);
		},
	);
});

describe('output items never share nested objects', () => {
	test('two items for the same device are two copies, nested fields included', async () => {
		sim().seed.workspaces[0].devices[0] = {
			id: 'dev_123',
			status: 'connected',
			phone: { battery: 80, model: 'Pixel' },
			tags: ['shop'],
		};
		const result = await runWaping({
			parameters: { resource: 'device', operation: 'getStatus', deviceId: 'dev_123' },
			credentials: credentials(),
			items: [{}, {}],
		});
		const [a, b] = jsonOf(result, OUT.success);
		expect(a).toEqual(b);
		expect(a.phone).not.toBe(b.phone);
		expect(a.tags).not.toBe(b.tags);
		// A later node that edits one item's nested data leaves the other alone.
		(a.phone as { battery: number }).battery = 1;
		expect((b.phone as { battery: number }).battery).toBe(80);
	});

	test('copyJson copies deep and keeps a "__proto__" key as data', () => {
		const source = JSON.parse('{"a":{"b":[1,{"c":2}]},"__proto__":{"polluted":true}}') as Record<
			string,
			unknown
		>;
		const copy = copyJson(source);
		expect(copy).toEqual(source);
		expect(copy.a).not.toBe(source.a);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
	});
});
