/**
 * Issue 4, property-based: random API answers and random parameters, thrown at the response handling
 * (pure functions, many runs) and at the whole node through n8n's real engine (fewer runs), checking
 * the invariants: no crash (no unexpected error type), the key nowhere (outputs, errors, stored run,
 * log lines), every input item kept with Continue On Fail or the error output, pairedItem right.
 *
 * Run counts are fixed and small enough for the file to finish well under 30 s. A failure prints
 * fast-check's seed and path; set FC_SEED to replay one run, FC_RUNS to run more.
 */
import fc from 'fast-check';
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { runWaping } from './harness/run';
import type { Fault, SeedDevice } from '../simulator';
import {
	findString,
	leaks,
	OUT,
	pairedIndexes,
	range,
	seedWithKey,
	useServers,
} from './reliability-helpers';
import { checkBaseUrl, keyProblem } from '../nodes/shared/connection';
import { parseDeviceList } from '../nodes/shared/devices';
import type { FailureKind } from '../nodes/shared/failures';
import {
	classifyNetworkError,
	classifyResponse,
	isRetryable,
	readApiError,
} from '../nodes/shared/failures';
import { explain } from '../nodes/shared/explanations';
import { redactor } from '../nodes/shared/redact';
import {
	backoffDelay,
	DEFAULT_RETRY_POLICY,
	MAX_RETRY_AFTER_MS,
	parseRetryAfter,
} from '../nodes/shared/transport/retry';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const runs = (n: number) => (process.env.FC_RUNS ? Number(process.env.FC_RUNS) : n);
const settings = (numRuns: number) => ({
	numRuns: runs(numRuns),
	...(seed !== undefined ? { seed } : {}),
});

/** Figures for the closing note. */
let pureCases = 0;
let engineRuns = 0;
let engineItems = 0;
let engineItemsOut = 0;
afterAll(() => {
	process.stderr.write(
		`properties: ${pureCases} pure cases, ${engineRuns} engine runs, ${engineItems} input items, ${engineItems - engineItemsOut} items lost\n`,
	);
});

const KINDS: FailureKind[] = [
	'unauthorized',
	'forbidden',
	'badRequest',
	'notFound',
	'conflict',
	'inProgress',
	'throttled',
	'server',
	'sessionDisconnected',
	'redirect',
	'network',
	'timeout',
	'badAnswer',
	'unexpectedStatus',
];
const CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** A well-formed, random API key (the characters the credential check lets through). */
const keyArb = fc
	.stringMatching(/^[A-Za-z0-9_.~-]{12,40}$/)
	.filter((key) => !key.includes('redacted'));

/** Any text, from plain ASCII to full Unicode with control characters. */
const textArb = fc.oneof(
	fc.string({ maxLength: 40 }),
	fc.string({ unit: 'binary', maxLength: 40 }),
	fc.constantFrom(
		'',
		' ',
		'\u0000',
		'\u202e',
		'<html><body>Error</body></html>',
		'{"data": [',
		'null',
		'[]',
	),
);

/** Something a device list entry could be. */
const deviceLikeArb = fc.oneof(
	fc.record(
		{
			id: fc.oneof(
				fc.constantFrom('dev_1', 'dev_2', 'dev_3', ' dev_1 ', ''),
				textArb,
				fc.integer(),
				fc.constant(null),
				fc.jsonValue({ maxDepth: 1 }),
			),
			status: fc.oneof(
				fc.constantFrom(
					'connected',
					'CONNECTED',
					'degraded',
					'disconnected',
					'unlinked',
					'PAIRING',
				),
				textArb,
				fc.jsonValue({ maxDepth: 1 }),
			),
			error: fc.option(textArb, { nil: undefined }),
		},
		{ requiredKeys: [] },
	),
	fc.jsonValue({ maxDepth: 2 }),
);

/** A body an API answer could have. */
const bodyArb = fc.oneof(
	fc.jsonValue({ maxDepth: 3 }),
	textArb,
	fc.record({
		error: fc.record(
			{
				code: fc.oneof(
					textArb,
					fc.constantFrom('RATE_LIMITED', 'FORBIDDEN', 'PLAN_REQUIRED', 'SESSION_DISCONNECTED'),
				),
				message: textArb,
			},
			{ requiredKeys: [] },
		),
	}),
	fc.record({ data: fc.array(deviceLikeArb, { maxLength: 8 }) }),
	fc.array(deviceLikeArb, { maxLength: 5 }),
);

const statusArb = fc.oneof(
	fc.integer({ min: 100, max: 999 }),
	fc.constantFrom(200, 204, 301, 302, 400, 401, 403, 404, 409, 418, 429, 500, 502, 503),
);

const retryAfterArb = fc.oneof(
	fc.constant(undefined),
	textArb,
	fc.constantFrom(
		'0',
		'1',
		'0.5',
		'-1',
		'1e3',
		'99999999999999999999',
		'Fri, 03 Apr 2026 12:00:30 GMT',
		'Sunday, 06-Nov-94 08:49:37 GMT',
		'Sun Nov  6 08:49:37 1994',
	),
);

describe('response handling, pure (random answers)', () => {
	test('classifyResponse and explain: never throw; bounded, clean, consistent results', () => {
		fc.assert(
			fc.property(
				statusArb,
				retryAfterArb,
				bodyArb,
				fc.integer({ min: 1, max: 10 }),
				(status, retryAfter, body, attempts) => {
					pureCases++;
					const headers: IDataObject =
						retryAfter === undefined ? {} : { 'Retry-After': retryAfter };
					const failure = classifyResponse(
						status,
						headers,
						body,
						Date.parse('2026-04-03T12:00:00Z'),
					);
					expect(KINDS).toContain(failure.kind);
					expect(typeof failure.code).toBe('string');
					expect(failure.code.length).toBeGreaterThan(0);
					expect(failure.code.length).toBeLessThanOrEqual(64);
					if (failure.retryAfterMs !== undefined) {
						expect(failure.retryAfterMs).toBeGreaterThanOrEqual(0);
						expect(failure.retryAfterMs).toBeLessThanOrEqual(MAX_RETRY_AFTER_MS);
					}
					if (failure.apiMessage !== undefined) {
						expect(failure.apiMessage.length).toBeLessThanOrEqual(500);
						expect(failure.apiMessage).not.toMatch(CONTROL);
					}
					if (status === 401) expect(failure.kind).toBe('unauthorized');
					if (status === 403) expect(['plan', 'permission']).toContain(failure.reason);
					if (status === 429) expect(failure.kind).toBe('throttled');
					if (status >= 300 && status < 400) expect(failure.kind).toBe('redirect');
					// A 409 "still being processed" (assumptions.ts) is waited out too, and only a 409 is.
					if (failure.kind === 'inProgress') expect(status).toBe(409);
					expect(isRetryable(failure)).toBe(
						['throttled', 'server', 'inProgress'].includes(failure.kind),
					);
					const { message, description } = explain(failure, attempts, 'list devices');
					expect(message.length).toBeGreaterThan(0);
					expect(description.length).toBeGreaterThan(0);
					expect(message).not.toMatch(/undefined|NaN|\[object Object\]/);
				},
			),
			settings(1500),
		);
	});

	test('readApiError and classifyNetworkError: anything in, strings or nothing out', () => {
		fc.assert(
			fc.property(fc.anything(), (value) => {
				pureCases++;
				const { code, message } = readApiError(value);
				if (code !== undefined) expect(code).toMatch(/^[A-Za-z0-9_.:-]{1,64}$/);
				if (message !== undefined) expect(message).not.toMatch(CONTROL);
				const failure = classifyNetworkError(value);
				expect(['network', 'timeout']).toContain(failure.kind);
				expect(explain(failure, 2, 'list devices').message.length).toBeGreaterThan(0);
			}),
			settings(800),
		);
	});

	test('parseDeviceList: anything in; devices have a text id, a known state, connected only when connected', () => {
		fc.assert(
			fc.property(fc.oneof(bodyArb, fc.anything()), (body) => {
				pureCases++;
				const list = parseDeviceList(body);
				if (!list) return;
				const entries = Array.isArray(body) ? body : (body as { data: unknown[] }).data;
				expect(list.devices.length + list.skipped + list.duplicates).toBe(entries.length);
				expect(new Set(list.devices.map((device) => device.id)).size).toBe(list.devices.length);
				for (const device of list.devices) {
					expect(typeof device.id).toBe('string');
					expect(device.id.trim()).not.toBe('');
					expect(['connected', 'degraded', 'disconnected', 'unlinked', 'unknown']).toContain(
						device.state,
					);
					expect(device.connected).toBe(device.state === 'connected');
					expect(device.status === null || typeof device.status === 'string').toBe(true);
					expect(list.byId.get(device.id)?.id).toBe(device.id);
				}
			}),
			settings(800),
		);
	});

	test('parseRetryAfter and backoffDelay: always a wait within bounds', () => {
		fc.assert(
			fc.property(
				fc.oneof(textArb, retryAfterArb),
				fc.integer({ min: 0, max: 4_102_444_800_000 }),
				fc.integer({ min: 1, max: 40 }),
				fc.double(),
				(value, now, attempt, random) => {
					pureCases++;
					const wait = parseRetryAfter(value, now);
					if (wait !== undefined) {
						expect(Number.isFinite(wait)).toBe(true);
						expect(wait).toBeGreaterThanOrEqual(0);
						expect(wait).toBeLessThanOrEqual(MAX_RETRY_AFTER_MS);
					}
					const delay = backoffDelay(DEFAULT_RETRY_POLICY, attempt, () => random);
					expect(delay).toBeGreaterThanOrEqual(0);
					expect(delay).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.capDelayMs);
				},
			),
			settings(800),
		);
	});

	test('checkBaseUrl and keyProblem: any credential text gives a safe URL or a reason, never a throw', () => {
		const urlArb = fc.oneof(
			fc.webUrl({ withQueryParameters: true, withFragments: true }),
			textArb,
			fc.anything(),
			fc
				.tuple(
					fc.constantFrom('http://', 'https://', 'HTTP://', 'ftp://', ' https://', 'https:///'),
					fc.constantFrom(
						'localhost',
						'127.0.0.1',
						'[::1]',
						'api.waping.app',
						'127.0.0.1.evil',
						'localhost.evil',
					),
					fc.constantFrom('', ':8080', ':0'),
					fc.constantFrom('', '/', '//', '/v1', '/api', '/a/../v1/', '/%2e%2e/'),
				)
				.map((parts) => parts.join('')),
		);
		fc.assert(
			fc.property(urlArb, fc.oneof(keyArb, textArb), (raw, key) => {
				pureCases++;
				const checked = checkBaseUrl(raw);
				if ('url' in checked) {
					const url = new URL(checked.url);
					expect(
						url.protocol === 'https:' ||
							(url.protocol === 'http:' &&
								/^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(url.hostname)),
					).toBe(true);
					expect(checked.url).not.toMatch(/[?#\s]|\/$/);
					expect(url.username + url.password).toBe('');
					expect(checked.url.toLowerCase()).not.toMatch(/\/v1(\/|$)/);
				} else {
					expect(checked.problem.length).toBeGreaterThan(0);
				}
				const problem = keyProblem(key.trim());
				if (!problem) expect(key.trim()).toMatch(/^[\x21-\x7e]{8,}$/);
				if (!problem) expect(key.trim()).not.toMatch(/^bearer$/i);
			}),
			settings(800),
		);
	});

	test('redactor: the key is gone from any value it was put into, and nothing else changes', () => {
		/** Puts the key into some of the strings (and keys) of a JSON value. */
		const withKey = (value: unknown, key: string, pick: () => boolean): unknown => {
			if (typeof value === 'string') return pick() ? `${value}${key}${value}` : value;
			if (Array.isArray(value)) return value.map((entry) => withKey(entry, key, pick));
			if (value && typeof value === 'object') {
				return Object.fromEntries(
					Object.entries(value).map(([k, v]) => [pick() ? `${k}${key}` : k, withKey(v, key, pick)]),
				);
			}
			return value;
		};
		fc.assert(
			fc.property(
				keyArb,
				fc.jsonValue({ maxDepth: 4 }),
				fc.infiniteStream(fc.boolean()),
				(key, value, coins) => {
					pureCases++;
					const redact = redactor(key);
					const iterator = coins[Symbol.iterator]();
					const dirty = withKey(value, key, () => iterator.next().value as boolean);
					const clean = redact(dirty);
					expect(findString(clean, key)).toEqual([]);
					expect(JSON.stringify(clean)).not.toContain(JSON.stringify(key).slice(1, -1));
					expect(findString(clean, encodeURIComponent(key))).toEqual([]);
					// A value without the key comes back equal (as JSON).
					expect(JSON.stringify(redact(value))).toBe(JSON.stringify(value));
				},
			),
			settings(500),
		);
	});
});

describe('the node through the engine (random answers, random parameters)', () => {
	const servers = useServers();

	const faultArb: fc.Arbitrary<Fault> = fc.oneof(
		{
			weight: 6,
			arbitrary: fc.record({
				status: statusArb,
				body: bodyArb,
				retryAfter: fc.constantFrom(undefined, 0, '0.01', 'soon', '-1'),
				times: fc.integer({ min: 1, max: 3 }),
			}),
		},
		{
			weight: 2,
			arbitrary: fc.record({
				status: fc.constantFrom(200, 400, 401, 403, 429, 500),
				body: fc.constantFrom(
					{ error: { code: 'X_{{key}}', message: 'key={{key}} auth={{authorization}}' } },
					'echo {{key}}',
					{ data: [{ id: 'dev_1', status: 'connected', note: '{{key}}' }] },
				),
				headers: fc.constant({ 'x-echo': '{{authorization}}', 'retry-after': '0' }),
			}),
		},
		{
			weight: 1,
			arbitrary: fc.record({
				status: fc.constantFrom(301, 302, 307, 308),
				redirectTo: fc.constant('OTHER/v1/devices?k={{key}}'),
			}),
		},
		{
			weight: 1,
			arbitrary: fc.constantFrom<Fault>(
				{ drop: true },
				{ reset: true },
				{ status: 200, body: { data: [{ id: 'dev_1', status: 'connected' }] }, truncate: true },
				{ passThrough: true, headers: { 'x-key': '{{key}}' } },
			),
		},
	);

	const deviceIdArb = fc.oneof(
		{ weight: 4, arbitrary: fc.constantFrom('dev_1', 'dev_2', 'dev_3', ' dev_1 ', 'dev_missing') },
		{ weight: 2, arbitrary: textArb },
		{
			weight: 1,
			arbitrary: fc.constantFrom<unknown>(
				null,
				true,
				42,
				{ id: 'dev_1' },
				['dev_1'],
				'../v1/messages?x#y',
				'dev\u0000',
				'KEY',
			),
		},
	);

	const optionsArb = fc.record(
		{
			maxAttempts: fc.oneof(
				{ weight: 5, arbitrary: fc.integer({ min: 1, max: 3 }) },
				{ weight: 1, arbitrary: fc.constantFrom<unknown>(0, 11, 'x', '2', null) },
			),
			maxWait: fc.oneof(
				{ weight: 5, arbitrary: fc.constantFrom(0, 0.02, 0.05) },
				{ weight: 1, arbitrary: fc.constantFrom<unknown>(-1, 'never') },
			),
			retryDelay: fc.oneof(
				{ weight: 5, arbitrary: fc.integer({ min: 0, max: 3 }) },
				{ weight: 1, arbitrary: fc.constantFrom<unknown>(-1, 1e9) },
			),
			timeout: fc.constantFrom(300, 1000),
		},
		{ requiredKeys: [] },
	);

	const scenarioArb = fc.record({
		key: keyArb,
		devices: fc.array(
			fc.record({
				id: fc.constantFrom('dev_1', 'dev_2', 'dev_3', 'dev_4'),
				status: fc.constantFrom('connected', 'degraded', 'Connected', 'weird'),
			}),
			{ maxLength: 4 },
		),
		faults: fc.array(faultArb, { maxLength: 3 }),
		operation: fc.constantFrom('getStatus', 'getStatus', 'getAll', 'check'),
		returnAll: fc.boolean(),
		limit: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constantFrom<unknown>(0, 'x')),
		ids: fc.array(deviceIdArb, { minLength: 1, maxLength: 5 }),
		options: optionsArb,
		onError: fc.constantFrom<'continueRegularOutput' | 'continueErrorOutput' | undefined>(
			'continueRegularOutput',
			'continueErrorOutput',
			undefined,
		),
	});

	test('no crash, no key anywhere, every item kept and paired right', async () => {
		await fc.assert(
			fc.asyncProperty(scenarioArb, async (s) => {
				const { sim, other } = servers();
				sim.reset();
				other.requests.length = 0;
				sim.seed = seedWithKey(s.key, s.devices as SeedDevice[]);
				for (const fault of s.faults) {
					sim.inject(
						fault.redirectTo
							? { ...fault, redirectTo: fault.redirectTo.replace('OTHER', other.url) }
							: fault,
					);
				}
				const ids = s.ids.map((id) => (id === 'KEY' ? s.key : id));
				const parameters = {
					resource: s.operation === 'check' ? 'plan' : 'device',
					operation: s.operation,
					deviceId: '={{ $json.id }}',
					returnAll: s.returnAll,
					limit: s.limit,
					options: s.options,
				} as INodeParameters;
				const credentials: ICredentialDataDecryptedObject = { apiKey: s.key, baseUrl: sim.url };
				const result = await runWaping({
					parameters,
					credentials,
					items: ids.map((id) => ({ id })) as IDataObject[],
					onError: s.onError,
				});
				engineRuns++;

				// No crash: continuing runs never fail; a stopped run fails with one of the node's own errors.
				if (s.onError) expect(result.error).toBeUndefined();
				else if (result.error)
					expect(['NodeApiError', 'NodeOperationError']).toContain(result.error.name);

				// The key: nowhere a workflow, an error, the stored run or a log line can show it.
				expect(leaks(result, s.key)).toEqual([]);
				// Never sent elsewhere; never more requests than the most attempts allowed (one shared read).
				expect(other.requests).toHaveLength(0);
				expect(sim.requests.length).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxAttempts);
				for (const request of sim.requests) expect(request.path).toBe('/v1/devices');

				if (!s.onError) return;
				// Nothing lost: each input item is on the outputs, once (Get Many: its devices, or its one
				// error). Only Get Many of an empty device list gives an input item no item at all.
				engineItems += ids.length;
				const paired = pairedIndexes(result);
				const distinct = [...new Set(paired)];
				const devicesListed = (result.outputs[OUT.success] ?? []).some(
					(item) => !('error' in item.json),
				);
				const missing = range(ids.length).filter((index) => !distinct.includes(index));
				const emptyList = s.operation === 'getAll' && !devicesListed;
				engineItemsOut += emptyList ? ids.length : distinct.length;
				if (!emptyList) expect(missing).toEqual([]);
				if (s.operation !== 'getAll') expect(paired).toEqual(range(ids.length));
				// Denial and error items: exactly one per input item that got one.
				for (const output of [OUT.unauthorized, OUT.forbidden, OUT.error]) {
					const indexes = (result.outputs[output] ?? []).map(
						(item) => (item.pairedItem as { item: number }).item,
					);
					expect(new Set(indexes).size).toBe(indexes.length);
				}
				// Success items never look like failures to n8n: only real error items carry `error`, and
				// with the error output on, n8n has moved every one of them there.
				for (const item of result.outputs[OUT.success] ?? []) {
					if ('error' in item.json) {
						expect(Object.keys(item.json).sort()).toEqual(['details', 'error']);
						expect(s.onError).toBe('continueRegularOutput');
					}
				}
				// Paired right: a success item of Get Status is the device its own input asked for.
				for (const item of result.outputs[OUT.success] ?? []) {
					const index = (item.pairedItem as { item: number }).item;
					if (s.operation === 'getStatus' && !('error' in item.json)) {
						expect(String(item.json.id).trim()).toBe(String(ids[index]).trim());
					}
				}
				// Denial items name their own input's device id.
				for (const output of [OUT.unauthorized, OUT.forbidden]) {
					for (const item of result.outputs[output] ?? []) {
						const index = (item.pairedItem as { item: number }).item;
						// (An id that is the key itself is named redacted.)
						if (s.operation === 'getStatus')
							expect(item.json.deviceId).toBe(redactor(s.key)(String(ids[index]).trim()));
					}
				}
			}),
			settings(250),
		);
	}, 30_000);
});
