/**
 * The WAPing API credential: its test (as n8n's credentials screen runs it) tells a good key, a 401
 * and a 403 apart, applies the node's rules before anything is sent (HTTPS, no query or /v1, no key in
 * the URL, no redirect followed), and the server receives exactly `Authorization: Bearer <key>`, from
 * the test and from node runs alike.
 */
import { WAPingApi } from '../credentials/WAPingApi.credentials';
import type { INodeType } from 'n8n-workflow';

import { checkCredential } from '../nodes/shared/connection';
import { Waping } from '../nodes/Waping/Waping.node';
import { WapingTrigger } from '../nodes/WapingTrigger/WapingTrigger.node';
import { demoKeys } from '../simulator';
import { runWaping, testCredential } from './harness/run';
import { calls, closedPort, errorOf, useSimulator } from './helpers';
import { startOtherOrigin } from '../simulator';
import type { OtherOrigin } from '../simulator';

const sim = useSimulator();
let other: OtherOrigin;
beforeAll(async () => {
	other = await startOtherOrigin();
});
beforeEach(() => {
	other.requests.length = 0;
});
afterAll(async () => {
	await other.close();
});

const MESSAGE_401 =
	'WAPing did not accept the API key (401): it is missing, mistyped or revoked. Copy a valid key from the WAPing dashboard (Settings → API keys).';
const MESSAGE_403 =
	'The key is valid, but WAPing denied access (403): the plan has no API access (Free) or the key lacks permission to read devices. Upgrade to Starter or above, or use a key that can read devices.';

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
		const result = await testCredential({
			apiKey: demoKeys.growth,
			baseUrl: `http://127.0.0.1:${port}`,
		});
		expect(result.status).toBe('Error');
		expect(result.message).toContain('ECONNREFUSED');
	});

	test('a key echoed by the API appears in neither the result nor a log line', async () => {
		sim().inject({
			status: 401,
			body: { error: { code: 'UNAUTHORIZED', message: `bad key ${demoKeys.growth}` } },
			times: Infinity,
		});
		const result = await testCredential({ apiKey: demoKeys.growth, baseUrl: sim().url });
		expect(result.status).toBe('Error');
		expect(result.message).toBe(MESSAGE_401);
		expect(JSON.stringify(result)).not.toContain(demoKeys.growth);
	});
});

/** Credential data the node refuses before any request, and the words it uses (message. description). */
const refusedByBoth: Array<[string, (url: string) => Record<string, string>, string]> = [
	[
		'plain HTTP to a host that is not loopback by name',
		// The IPv4-mapped form of 127.0.0.1: not "localhost" or 127.x, so refused; without the rule it would reach the simulator.
		(url) => ({ apiKey: demoKeys.growth, baseUrl: url.replace('127.0.0.1', '[::ffff:127.0.0.1]') }),
		'The Base URL in the WAPing credential cannot be used. The Base URL is refused because it uses http, and the API key may only travel over HTTPS (plain HTTP is allowed for localhost alone). Use the API root, e.g. https://api.waping.app.',
	],
	[
		'a Base URL with a query',
		(url) => ({ apiKey: demoKeys.growth, baseUrl: `${url}/?token=1` }),
		'The Base URL in the WAPing credential cannot be used. The Base URL is refused because it contains a query (?...) or fragment (#...). Use the API root, e.g. https://api.waping.app.',
	],
	[
		'a Base URL ending in /v1',
		(url) => ({ apiKey: demoKeys.growth, baseUrl: `${url}/v1` }),
		'The Base URL in the WAPing credential cannot be used. The Base URL is refused because it ends with /v1 or an API path, and the node adds /v1/devices itself. Use the API root, e.g. https://api.waping.app.',
	],
	[
		'a Base URL that holds the key, in other letter case',
		(url) => ({ apiKey: 'wk_demo_Growth_0123456789', baseUrl: `${url}/WK_DEMO_GROWTH_0123456789` }),
		'The Base URL in the WAPing credential contains the API key. Put the key in the API Key field only; the Base URL is the API root, e.g. https://api.waping.app. A key in a URL ends up in logs.',
	],
	[
		'a key with a space inside',
		(url) => ({ apiKey: 'wk_demo growth_0123456789', baseUrl: url }),
		'The API key in the WAPing credential contains spaces. Paste only the key itself, without spaces or line breaks.',
	],
];

describe("the credential test applies the node's rules, before any request", () => {
	test.each(refusedByBoth)(
		"%s: refused with the node's words, nothing sent",
		async (_label, make, words) => {
			const data = make(sim().url);
			const result = await testCredential(data);
			expect(result).toMatchObject({ status: 'Error', message: words });
			expect(sim().requests).toHaveLength(0);
			// A run of the node says the same thing (message, then description).
			const run = await runWaping({
				parameters: { resource: 'device', operation: 'getAll', returnAll: true },
				credentials: data,
			});
			const error = errorOf(run);
			expect(`${error.message}. ${error.description}`).toBe(words);
			expect(sim().requests).toHaveLength(0);
			expect(JSON.stringify(result)).not.toMatch(/0123456789/);
		},
	);

	test('a redirect to another origin: not followed, the key sent nowhere else, an Error that says so', async () => {
		sim().inject({ status: 302, redirectTo: `${other.url}/v1/devices`, times: Infinity });
		const result = await testCredential({ apiKey: demoKeys.growth, baseUrl: sim().url });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(
			/^WAPing answered with a redirect \(302\), which the credential does not follow, so the key was sent nowhere else\./,
		);
		expect(other.requests).toHaveLength(0);
		expect(JSON.stringify(result)).not.toContain(demoKeys.growth);
	});

	test.each([301, 303, 307, 308])('a %i redirect is refused the same way', async (status) => {
		sim().inject({ status, redirectTo: `${other.url}/v1/devices` });
		const result = await testCredential({ apiKey: demoKeys.growth, baseUrl: sim().url });
		expect(result.message).toMatch(new RegExp(`^WAPing answered with a redirect \\(${status}\\)`));
		expect(other.requests).toHaveLength(0);
	});

	test('a web page answered with 200 is not a working API', async () => {
		sim().inject({
			status: 200,
			body: '<!doctype html><html><body>Sign in</body></html>',
			headers: { 'content-type': 'text/html' },
		});
		const result = await testCredential({ apiKey: demoKeys.growth, baseUrl: sim().url });
		expect(result).toMatchObject({
			status: 'Error',
			message:
				"The Base URL answered, but not as the WAPing API does (no device list). Check that it is the API's address, e.g. https://api.waping.app, not a web page or a proxy's login page.",
		});
	});

	test('JSON without a device list is not a working API either', async () => {
		sim().inject({ status: 200, body: { ok: true } });
		const result = await testCredential({ apiKey: demoKeys.growth, baseUrl: sim().url });
		expect(result.status).toBe('Error');
	});

	test.each([
		['"Bearer " in front', `Bearer ${demoKeys.growth}`],
		['"bearer" and a tab in front', `bearer\t${demoKeys.growth}`],
	])(
		'a key pasted with %s: OK, the server gets exactly "Bearer <key>" (the node does the same)',
		async (_label, apiKey) => {
			const result = await testCredential({ apiKey, baseUrl: sim().url });
			expect(result.status).toBe('OK');
			await runWaping({
				parameters: { resource: 'plan', operation: 'check' },
				credentials: { apiKey, baseUrl: sim().url },
			});
			expect(sim().requests.map((request) => request.headers.authorization)).toEqual([
				`Bearer ${demoKeys.growth}`,
				`Bearer ${demoKeys.growth}`,
			]);
		},
	);

	test('an empty Base URL: the test calls the default API root, as the node does', () => {
		// The Test and the node take the Base URL from the same check (no request: that address is not on this machine).
		for (const baseUrl of ['', '   ', 'https://api.waping.app/']) {
			const checked = checkCredential({ apiKey: demoKeys.growth, baseUrl });
			expect('connection' in checked && checked.connection.baseUrl).toBe('https://api.waping.app');
		}
	});

	test('a request to another origin is never signed', async () => {
		const type = new WAPingApi();
		await expect(
			type.authenticate(
				{ apiKey: demoKeys.growth, baseUrl: sim().url },
				{ url: `${other.url}/v1/devices` },
			),
		).rejects.toThrow(/only signs requests to its Base URL .*; the key was not sent\.$/);
		const signed = await type.authenticate(
			{ apiKey: demoKeys.growth, baseUrl: sim().url },
			{ url: '/v1/devices', baseURL: sim().url },
		);
		expect(signed).toMatchObject({
			headers: { Authorization: `Bearer ${demoKeys.growth}` },
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		});
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
		expect(Object.keys(headers).filter((name) => name.toLowerCase() === 'authorization')).toEqual([
			'authorization',
		]);
	});
});

describe('the credential type as n8n reads it', () => {
	const type = new WAPingApi();
	const property = (name: string) => type.properties.find((p) => p.name === name);

	test('name, fields and defaults', () => {
		expect(type.name).toBe('wapingApi');
		expect(type.properties.map((p) => p.name)).toEqual([
			'apiKey',
			'baseUrl',
			'plan',
			'webhookSecret',
		]);
		// The webhook trigger's signing secret: optional, empty by default (the other nodes ignore it).
		expect(property('webhookSecret')).toMatchObject({ type: 'string', default: '' });
		expect(property('webhookSecret')?.required).toBeUndefined();
		expect(property('apiKey')).toMatchObject({
			type: 'string',
			required: true,
			typeOptions: { password: true },
		});
		expect(property('baseUrl')?.default).toBe('https://api.waping.app');
		expect(property('plan')?.default).toBe('auto');
		expect(
			(property('plan')?.options ?? []).map((o) => (o as { value: string }).value).sort(),
		).toEqual(['auto', 'enterprise', 'free', 'growth', 'pro', 'starter']);
	});

	test('only the secrets are password fields: the API key and the Webhook Signing Secret', () => {
		expect(type.properties.filter((p) => p.typeOptions?.password).map((p) => p.name)).toEqual([
			'apiKey',
			'webhookSecret',
		]);
	});
});

/** 2xx answers of GET /v1/devices: whether the node reads them as a device list. */
const deviceListAnswers: Array<[string, unknown, boolean]> = [
	['{ data: [devices] }', { data: [{ id: 'dev_1', status: 'connected' }] }, true],
	['{ data: [] } (no devices yet)', { data: [] }, true],
	['a bare list of devices', [{ id: 'dev_1', status: 'connected' }], true],
	['an empty bare list', [], true],
	['{ data: null }', { data: null }, false],
	['{ data: "hello" }', { data: 'hello' }, false],
	['{ data: {} }', { data: {} }, false],
	['{ data: 5 }', { data: 5 }, false],
	[
		'{ devices: [...] } (another field)',
		{ devices: [{ id: 'dev_1', status: 'connected' }] },
		false,
	],
	['JSON null', 'null', false],
	['a JSON string', '"ok"', false],
];

describe('the credential Test and the node agree on what a device list is', () => {
	test.each(deviceListAnswers)('%s', async (_label, body, isList) => {
		const fault = {
			path: '/v1/devices',
			status: 200,
			body,
			headers: { 'content-type': 'application/json' },
		};
		sim().inject(fault);
		const result = await testCredential({ apiKey: demoKeys.growth, baseUrl: sim().url });
		sim().inject(fault);
		const run = await runWaping({
			parameters: { resource: 'device', operation: 'getAll', returnAll: true },
			credentials: { apiKey: demoKeys.growth, baseUrl: sim().url },
		});
		expect({ test: result.status, nodeAccepts: run.error === undefined }).toEqual({
			test: isList ? 'OK' : 'Error',
			nodeAccepts: isList,
		});
		if (!isList)
			expect(result.message).toBe(
				"The Base URL answered, but not as the WAPing API does (no device list). Check that it is the API's address, e.g. https://api.waping.app, not a web page or a proxy's login page.",
			);
		expect(calls(sim())).toEqual(['GET /v1/devices', 'GET /v1/devices']);
	});

	test('the Test is offered in the credential dialog: every node that uses the credential names a test it has', () => {
		for (const type of [new Waping(), new WapingTrigger()] as INodeType[]) {
			const uses = (type.description.credentials ?? []).filter((c) => c.name === 'wapingApi');
			expect(uses).toHaveLength(1);
			const testedBy = uses[0].testedBy as string;
			expect(typeof type.methods?.credentialTest?.[testedBy]).toBe('function');
		}
	});
});

/** Base URLs that are not the address they look like: [label, Base URL, the host as the request would see it]. */
const lookAlikes: Array<[string, string, string]> = [
	['a Cyrillic "а" in the host', 'https://wаping.io', 'xn--wping-4ve.io'],
	['a Cyrillic "а" in a subdomain', 'https://аpi.waping.app', 'xn--pi-6kc.waping.app'],
	['ideographic full stops for dots', 'https://api。waping。app', 'api.waping.app'],
	['full-width letters', 'https://ａｐｉ.waping.app', 'api.waping.app'],
];

describe('a Base URL that is not plain ASCII is refused, its host shown as the request would see it', () => {
	test.each(lookAlikes)(
		'%s: refused by the Test and the node, nothing sent',
		async (_label, baseUrl, host) => {
			const words = `The Base URL in the WAPing credential cannot be used. The Base URL is refused because it is not written in plain ASCII (it holds a look-alike letter, such as a Cyrillic "а", or a "。" in place of a dot), so it is not the address it looks like: its host is ${host}. Use the API root, e.g. https://api.waping.app.`;
			const result = await testCredential({ apiKey: demoKeys.growth, baseUrl });
			expect(result).toMatchObject({ status: 'Error', message: words });
			const run = await runWaping({
				parameters: { resource: 'device', operation: 'getAll', returnAll: true },
				credentials: { apiKey: demoKeys.growth, baseUrl },
			});
			const error = errorOf(run);
			expect(`${error.message}. ${error.description}`).toBe(words);
		},
	);

	test('ideographic full stops in a loopback address: refused, though the parser would turn it into 127.0.0.1', async () => {
		const baseUrl = sim().url.replace(/\./g, '。');
		const result = await testCredential({ apiKey: demoKeys.growth, baseUrl });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('its host is 127.0.0.1');
		const run = await runWaping({
			parameters: { resource: 'device', operation: 'getAll', returnAll: true },
			credentials: { apiKey: demoKeys.growth, baseUrl },
		});
		expect(errorOf(run).description).toContain('its host is 127.0.0.1');
		expect(sim().requests).toHaveLength(0);
	});

	test.each(lookAlikes)('%s: the check itself (no request)', (_label, baseUrl, host) => {
		const checked = checkCredential({ apiKey: demoKeys.growth, baseUrl });
		expect('problem' in checked && checked.problem.description).toContain(`its host is ${host}.`);
	});
});
