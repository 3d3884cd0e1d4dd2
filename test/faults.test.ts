/**
 * Issue 4, transient faults and bad answers: each scenario runs the node through n8n's real engine
 * against the simulator with a fault injected, and checks the outputs, how many requests the server
 * saw, and the waits between them (measured at the server and announced in the node's debug log).
 *
 * Waits stay short without a fake clock: Retry-After is 0 or fractions of a second, the backoff base
 * comes from the node's own "Retry Delay (Seconds)" option (a few ms here), and "Max Wait" is small.
 * One test per Retry-After form waits a real second, to show the wait is really taken.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runWaping } from './harness/run';
import { errorItemOf } from './helpers';
import { demoKeys, manyDevices } from '../simulator';
import {
	counts,
	jsonOf,
	leaks,
	OUT,
	pairedIndexes,
	plannedWaits,
	range,
	useServers,
} from './reliability-helpers';
import { classifyNetworkError, classifyResponse, mayHaveArrived } from '../nodes/shared/failures';
import {
	DEFAULT_RETRY_POLICY,
	MIN_RETRY_PAUSE_MS,
	nextStep,
} from '../nodes/shared/transport/retry';

const servers = useServers();
const sim = () => servers().sim;
const KEY = demoKeys.growth;
const credentials = () => ({ apiKey: KEY, baseUrl: sim().url });

/** Small, fast retry settings: the backoff base is the node's own option. */
const fast = (extra: INodeParameters = {}): INodeParameters => ({
	maxAttempts: 4,
	maxWait: 5,
	retryDelaySeconds: 0.01,
	...extra,
});
const listDevices = (options: INodeParameters = fast()) => ({
	resource: 'device',
	operation: 'getAll',
	returnAll: true,
	options,
});
const deviceStatus = (options: INodeParameters = fast()) => ({
	resource: 'device',
	operation: 'getStatus',
	deviceId: 'dev_123',
	options,
});
const ALL_IDS = ['dev_123', 'dev_456', 'dev_789', 'dev_abc', 'dev_new'];
const DEV_123 = { id: 'dev_123', status: 'connected', state: 'connected', connected: true };

/** Scenario names, for the closing figures (printed once at the end of the file). */
const scenarios: string[] = [];
const scenario = (name: string, fn: () => Promise<void>, timeout?: number) => {
	scenarios.push(name);
	test(name, fn, timeout);
};
afterAll(() => {
	process.stderr.write(`faults: ${scenarios.length} scenarios through the engine\n`);
});

describe('429 throttling', () => {
	scenario('Retry-After in seconds: waits that long (1 s), then succeeds; 2 attempts', async () => {
		sim().inject({
			status: 429,
			retryAfter: 1,
			body: { error: { code: 'RATE_LIMITED', message: 'slow down' } },
		});
		const result = await runWaping({ parameters: deviceStatus(), credentials: credentials() });
		expect(result.error).toBeUndefined();
		expect(jsonOf(result, OUT.success)).toEqual([DEV_123]);
		expect(sim().attempts()).toBe(2);
		expect(plannedWaits(result)).toEqual([1000]);
		expect(sim().gaps()[0]).toBeGreaterThanOrEqual(990);
		expect(sim().gaps()[0]).toBeLessThan(1500);
	});

	scenario('Retry-After as an HTTP date: waits until then, then succeeds', async () => {
		// An HTTP date has whole seconds: aim 1.5 s ahead, so the wait is between 0.5 and 1.5 s.
		const when = new Date(Date.now() + 1500);
		sim().inject({ status: 429, retryAfter: when });
		const result = await runWaping({ parameters: deviceStatus(), credentials: credentials() });
		expect(jsonOf(result, OUT.success)).toEqual([DEV_123]);
		expect(sim().attempts()).toBe(2);
		const [first, second] = sim().requests;
		const target = Math.floor(when.getTime() / 1000) * 1000;
		expect(second.at).toBeGreaterThanOrEqual(target - 20);
		expect(second.at - first.at).toBeLessThan(1600);
		expect(plannedWaits(result)[0]).toBeGreaterThan(0);
		expect(plannedWaits(result)[0]).toBeLessThanOrEqual(1500);
	});

	scenario(
		'Retry-After as an HTTP date in the past: waits the 1 s floor, not 0 (issue 18)',
		async () => {
			sim().inject({ status: 429, retryAfter: new Date(Date.now() - 60_000), times: 2 });
			const result = await runWaping({ parameters: deviceStatus(), credentials: credentials() });
			expect(jsonOf(result, OUT.success)).toEqual([DEV_123]);
			expect(sim().attempts()).toBe(3);
			expect(plannedWaits(result)).toEqual([1000, 1000]);
			sim()
				.gaps()
				.forEach((gap) => expect(gap).toBeGreaterThanOrEqual(990));
		},
	);

	scenario(
		'Retry-After: 0 three times: four attempts, each after the 1 s floor, then success on the last',
		async () => {
			sim().inject({ status: 429, retryAfter: 0, times: 3 });
			const result = await runWaping({ parameters: listDevices(), credentials: credentials() });
			expect(jsonOf(result, OUT.success).map((d) => d.id)).toEqual(ALL_IDS);
			expect(sim().attempts()).toBe(4);
			expect(plannedWaits(result)).toEqual([1000, 1000, 1000]);
			// Success items stay pure device data: no attempts, no error; the output pane gets a hint.
			expect(Object.keys(jsonOf(result, OUT.success)[0]).sort()).toEqual([
				'connected',
				'id',
				'state',
				'status',
			]);
			expect(result.task?.hints).toEqual([
				{
					message: 'WAPing answered after 4 attempts (waited 3000 ms in all).',
					type: 'info',
					location: 'outputPane',
				},
			]);
		},
	);

	scenario(
		'no Retry-After: exponential backoff with full jitter from "Retry Delay (Seconds)"',
		async () => {
			sim().inject({ status: 429, times: 3 });
			const result = await runWaping({
				parameters: listDevices(fast({ retryDelaySeconds: 0.04 })),
				credentials: credentials(),
			});
			expect(jsonOf(result, OUT.success)).toHaveLength(5);
			expect(sim().attempts()).toBe(4);
			const waits = plannedWaits(result);
			expect(waits).toHaveLength(3);
			// Full jitter: each wait is drawn from [0, 40 * 2^(n-1)].
			waits.forEach((wait, n) => {
				expect(wait).toBeGreaterThanOrEqual(0);
				expect(wait).toBeLessThanOrEqual(40 * 2 ** n);
			});
			// The server saw the waits (timer slack aside).
			sim()
				.gaps()
				.forEach((gap, n) => expect(gap).toBeGreaterThanOrEqual(waits[n] - 5));
		},
	);

	scenario('an unreadable Retry-After ("soon") falls back to backoff', async () => {
		sim().inject({ status: 429, headers: { 'Retry-After': 'soon' } });
		const result = await runWaping({
			parameters: deviceStatus(fast({ retryDelaySeconds: 0.02 })),
			credentials: credentials(),
		});
		expect(jsonOf(result, OUT.success)).toEqual([DEV_123]);
		expect(plannedWaits(result)[0]).toBeLessThanOrEqual(20);
	});

	scenario(
		'Retry-After longer than Max Wait: stops at once, says how long the server asked',
		async () => {
			sim().inject({ status: 429, retryAfter: 120, times: Infinity });
			const started = Date.now();
			const result = await runWaping({
				parameters: deviceStatus(fast({ maxWait: 5 })),
				credentials: credentials(),
			});
			expect(Date.now() - started).toBeLessThan(2000);
			expect(sim().attempts()).toBe(1);
			expect(result.error).toMatchObject({
				name: 'NodeApiError',
				httpCode: '429',
				message: expect.stringContaining('it asked to wait 120 s'),
				description: expect.stringContaining('Raise "Max Wait"'),
			});
			expect(result.error?.message).toContain('"Max Wait" (5 s)');
		},
	);

	scenario(
		'the wait budget runs out part way: 1 s waits, Max Wait 2.5 s, three attempts',
		async () => {
			sim().inject({ status: 429, retryAfter: 1, times: Infinity });
			const result = await runWaping({
				parameters: deviceStatus(fast({ maxAttempts: 10, maxWait: 2.5 })),
				credentials: credentials(),
				onError: 'continueRegularOutput',
			});
			expect(sim().attempts()).toBe(3);
			expect(plannedWaits(result)).toEqual([1000, 1000]);
			sim()
				.gaps()
				.forEach((gap) => expect(gap).toBeGreaterThanOrEqual(990));
			const [item] = jsonOf(result, OUT.success);
			expect(item.error).toBe(
				'WAPing asked the node to slow down (HTTP 429 RATE_LIMITED) after 3 attempts; it asked to wait 1 s. The next wait (1 s) did not fit in what was left of "Max Wait" (0.5 s).',
			);
			expect(item.details).toMatchObject({ attempts: 3 });
		},
	);

	scenario(
		'a Retry-After below the 1 s floor (0.2 s) is raised to it: with Max Wait 0.5 s, no retry, and it says so',
		async () => {
			sim().inject({ status: 429, retryAfter: '0.2', times: Infinity });
			const result = await runWaping({
				parameters: deviceStatus(fast({ maxAttempts: 10, maxWait: 0.5 })),
				credentials: credentials(),
				onError: 'continueRegularOutput',
			});
			expect(sim().attempts()).toBe(1);
			const [item] = jsonOf(result, OUT.success);
			expect(item.error).toBe(
				'WAPing asked the node to slow down (HTTP 429 RATE_LIMITED); it asked to wait 0.2 s. The next wait (1 s) did not fit in what was left of "Max Wait" (0.5 s).',
			);
		},
	);

	scenario(
		'429 on every attempt: error after Max Attempts, the count in the message and the item',
		async () => {
			sim().inject({ status: 429, retryAfter: 0, times: Infinity });
			const result = await runWaping({
				parameters: deviceStatus(fast({ maxAttempts: 3 })),
				credentials: credentials(),
				onError: 'continueErrorOutput',
			});
			expect(sim().attempts()).toBe(3);
			expect(counts(result)).toEqual([0, 0, 0, 1]);
			const item = errorItemOf(result, OUT.error);
			expect(item.error).toBe(
				'WAPing asked the node to slow down (HTTP 429 RATE_LIMITED) after 3 attempts; it asked to wait 0 s.',
			);
			expect(item.details).toEqual({
				description: expect.stringContaining('"Max Attempts"'),
				attempts: 3,
			});
		},
	);

	scenario('Max Attempts 1: a 429 is not retried', async () => {
		sim().inject({ status: 429, retryAfter: 0, times: Infinity });
		const result = await runWaping({
			parameters: deviceStatus(fast({ maxAttempts: 1 })),
			credentials: credentials(),
		});
		expect(sim().attempts()).toBe(1);
		expect(result.error?.message).toBe(
			'WAPing asked the node to slow down (HTTP 429 RATE_LIMITED); it asked to wait 0 s.',
		);
	});

	scenario('many items, one throttled list request shared by all of them', async () => {
		sim().inject({ status: 429, retryAfter: 0, times: 2 });
		const items = ALL_IDS.map((id) => ({ id }));
		const result = await runWaping({
			parameters: { ...deviceStatus(), deviceId: '={{ $json.id }}' },
			credentials: credentials(),
			items,
		});
		expect(sim().attempts()).toBe(3);
		expect(jsonOf(result, OUT.success).map((d) => d.id)).toEqual(ALL_IDS);
		expect(pairedIndexes(result)).toEqual(range(5));
	});
});

describe('5xx, resets and timeouts', () => {
	scenario('flaky 503: fails twice, then succeeds; 3 attempts, backoff waits', async () => {
		sim().inject({
			status: 503,
			body: { error: { code: 'SERVER_ERROR', message: 'try later' } },
			times: 2,
		});
		const result = await runWaping({ parameters: listDevices(), credentials: credentials() });
		expect(result.error).toBeUndefined();
		expect(jsonOf(result, OUT.success)).toHaveLength(5);
		expect(sim().attempts()).toBe(3);
		const waits = plannedWaits(result);
		expect(waits).toHaveLength(2);
		expect(waits[0]).toBeLessThanOrEqual(10);
		expect(waits[1]).toBeLessThanOrEqual(20);
	});

	scenario('503 with Retry-After: obeyed like a 429 (0.1 s raised to the 1 s floor)', async () => {
		sim().inject({ status: 503, retryAfter: '0.1' });
		const result = await runWaping({ parameters: deviceStatus(), credentials: credentials() });
		expect(jsonOf(result, OUT.success)).toEqual([DEV_123]);
		expect(plannedWaits(result)).toEqual([1000]);
		expect(sim().gaps()[0]).toBeGreaterThanOrEqual(990);
	});

	scenario('502 with an HTML page on every attempt: error after Max Attempts', async () => {
		sim().inject({
			status: 502,
			body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
			headers: { 'content-type': 'text/html' },
			times: Infinity,
		});
		const result = await runWaping({
			parameters: listDevices(fast({ maxAttempts: 3 })),
			credentials: credentials(),
		});
		expect(sim().attempts()).toBe(3);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '502',
			message: 'WAPing had a server error (HTTP 502 SERVER_ERROR) after 3 attempts.',
		});
	});

	scenario('500 then 400: the 400 is not retried; the message counts both attempts', async () => {
		sim().inject({ status: 500 });
		sim().inject({ status: 400, body: { error: { code: 'VALIDATION_ERROR', message: 'bad' } } });
		const result = await runWaping({
			parameters: deviceStatus(),
			credentials: credentials(),
			onError: 'continueRegularOutput',
		});
		expect(sim().attempts()).toBe(2);
		const [item] = jsonOf(result, OUT.success);
		expect(item.error).toBe(
			'WAPing rejected the request as invalid (HTTP 400 VALIDATION_ERROR). WAPing said: "bad" (2 attempts)',
		);
		expect(item.details).toMatchObject({ attempts: 2 });
	});

	scenario('500 then 401: the item goes to Unauthorized and says it took 2 attempts', async () => {
		sim().inject({ status: 500 });
		sim().inject({ status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'revoked' } } });
		const result = await runWaping({
			parameters: deviceStatus(),
			credentials: credentials(),
			onError: 'continueErrorOutput',
		});
		expect(counts(result)).toEqual([0, 1, 0, 0]);
		expect(jsonOf(result, OUT.unauthorized)[0]).toMatchObject({
			statusCode: 401,
			code: 'UNAUTHORIZED',
			attempts: 2,
		});
	});

	scenario('a 401 at once is one request and carries no attempts field', async () => {
		const result = await runWaping({
			parameters: deviceStatus(),
			credentials: { apiKey: demoKeys.revoked, baseUrl: sim().url },
		});
		expect(sim().attempts()).toBe(1);
		expect(jsonOf(result, OUT.unauthorized)[0]).not.toHaveProperty('attempts');
	});

	scenario('latency under the timeout: one slow attempt, success', async () => {
		sim().inject({ passThrough: true, delayMs: 150 });
		const started = Date.now();
		const result = await runWaping({
			parameters: deviceStatus(fast({ timeoutSeconds: 2 })),
			credentials: credentials(),
		});
		expect(Date.now() - started).toBeGreaterThanOrEqual(150);
		expect(jsonOf(result, OUT.success)).toEqual([DEV_123]);
		expect(sim().attempts()).toBe(1);
	});

	scenario('latency over the timeout: the attempt is abandoned and retried', async () => {
		sim().inject({ passThrough: true, delayMs: 500 });
		const result = await runWaping({
			parameters: deviceStatus(fast({ timeoutSeconds: 0.1 })),
			credentials: credentials(),
		});
		expect(jsonOf(result, OUT.success)).toEqual([DEV_123]);
		// Two attempts and a success prove the first was given up: it would have answered at 500 ms.
		// The gap is measured by the server, so under load it can come in a little under the timeout.
		expect(sim().attempts()).toBe(2);
		expect(sim().gaps()[0]).toBeGreaterThanOrEqual(50);
		expect(sim().gaps()[0]).toBeLessThan(450);
	});

	scenario('a server that never answers in time: timeout error after Max Attempts', async () => {
		sim().inject({ passThrough: true, delayMs: 400, times: Infinity });
		const result = await runWaping({
			parameters: deviceStatus(fast({ timeoutSeconds: 0.06, maxAttempts: 2 })),
			credentials: credentials(),
		});
		expect(sim().attempts()).toBe(2);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'WAPing did not answer in time after 2 attempts.',
		});
	});

	scenario(
		'an answer dripped a byte at a time: Timeout bounds the whole attempt, not just idle time',
		async () => {
			sim().inject({
				status: 200,
				body: { data: [{ id: 'dev_123', status: 'connected' }] },
				trickleMs: 20,
			});
			const result = await runWaping({
				parameters: deviceStatus(fast({ timeoutSeconds: 0.15 })),
				credentials: credentials(),
			});
			// The drip would take about 1 s; the first attempt is given up at 150 ms, the second succeeds
			// (an idle-only timeout would have let the first one finish: one attempt).
			expect(jsonOf(result, OUT.success)).toEqual([DEV_123]);
			expect(sim().attempts()).toBe(2);
			expect(sim().gaps()[0]).toBeGreaterThanOrEqual(75);
			expect(sim().gaps()[0]).toBeLessThan(900);
		},
	);

	scenario('a dropped connection (socket closed, no answer): retried, then success', async () => {
		sim().inject({ drop: true });
		const result = await runWaping({ parameters: deviceStatus(), credentials: credentials() });
		expect(jsonOf(result, OUT.success)).toEqual([DEV_123]);
		expect(sim().requests.map((r) => r.dropped ?? false)).toEqual([true, false]);
	});

	scenario('a reset connection (TCP RST): retried, then success', async () => {
		sim().inject({ reset: true, times: 2 });
		const result = await runWaping({ parameters: deviceStatus(), credentials: credentials() });
		expect(jsonOf(result, OUT.success)).toEqual([DEV_123]);
		expect(sim().attempts()).toBe(3);
	});

	scenario('an answer cut off mid-body: retried, then success', async () => {
		sim().inject({ status: 200, body: { data: manyDevices('dev_cut_', 50) }, truncate: true });
		const result = await runWaping({ parameters: listDevices(), credentials: credentials() });
		expect(jsonOf(result, OUT.success).map((d) => d.id)).toEqual(ALL_IDS);
		expect(sim().attempts()).toBe(2);
	});

	scenario(
		'connections dropped on every attempt: a clear network error after Max Attempts',
		async () => {
			sim().inject({ drop: true, times: Infinity });
			const result = await runWaping({
				parameters: deviceStatus(fast({ maxAttempts: 3 })),
				credentials: credentials(),
			});
			expect(sim().attempts()).toBe(3);
			expect(result.error).toMatchObject({
				name: 'NodeApiError',
				message:
					'Could not reach WAPing: the connection was closed before an answer came after 3 attempts.',
				description: expect.stringContaining('ECONNRESET'),
			});
		},
	);
});

describe('bad answers: clear errors or unknown states, never a crash or a wrong output', () => {
	const badAnswer =
		(status: number, body: unknown, headers?: Record<string, string>) => async () => {
			sim().inject({ status, body, headers, times: Infinity });
			const result = await runWaping({
				parameters: listDevices(),
				credentials: credentials(),
				onError: 'continueErrorOutput',
			});
			expect(counts(result)).toEqual([0, 0, 0, 1]);
			// A 2xx answer that is not a device list is not retried: it would be the same again.
			expect(sim().attempts()).toBe(1);
			return errorItemOf(result, OUT.error);
		};

	scenario('200 with a body that is not JSON', async () => {
		const item = await badAnswer(200, '{"data": [', { 'content-type': 'application/json' })();
		expect(item.error).toBe(
			'WAPing\'s answer was not what the node expects: the device list was text, not JSON (it starts "{"data": [").',
		);
	});

	scenario('200 with an HTML login page', async () => {
		const item = await badAnswer(200, '<!DOCTYPE html><html><body>Please sign in</body></html>', {
			'content-type': 'text/html',
		})();
		expect(item.error).toMatch(
			/the device list was text, not JSON \(it starts "<!DOCTYPE html><html><body>Please sign i"\)\.$/,
		);
		expect(item.details).toMatchObject({
			description: expect.stringContaining('not a web page or a proxy login'),
		});
	});

	test.each([
		['an object', { data: { id: 'dev_1' } }, 'JSON without a "data" list of devices (keys: data)'],
		['a string', { data: 'dev_1' }, 'JSON without a "data" list of devices (keys: data)'],
		['null', { data: null }, 'JSON without a "data" list of devices (keys: data)'],
		['missing', { devices: [] }, 'JSON without a "data" list of devices (keys: devices)'],
		['a bare number', 42, 'a number'],
		['JSON null', null, 'an empty body'],
	])('"data" is %s: a clear error', async (_label, body, words) => {
		const item = await badAnswer(
			200,
			body === null ? 'null' : body,
			body === null ? { 'content-type': 'application/json' } : undefined,
		)();
		expect(item.error).toBe(
			`WAPing's answer was not what the node expects: the device list was ${words}.`,
		);
	});
	scenarios.push('"data" not a list (6 shapes)');

	scenario('204 with no body', async () => {
		const item = await badAnswer(204, undefined)();
		expect(item.error).toBe(
			"WAPing's answer was not what the node expects: the device list was an empty body.",
		);
	});

	scenario('a bare list instead of {"data": [...]} is read as the list', async () => {
		sim().inject({ status: 200, body: [{ id: 'dev_bare', status: 'connected' }] });
		const result = await runWaping({ parameters: listDevices(), credentials: credentials() });
		expect(jsonOf(result, OUT.success)).toEqual([
			{ id: 'dev_bare', status: 'connected', state: 'connected', connected: true },
		]);
	});

	scenario(
		'devices without id are left out, a repeated id is one device, without status or with odd statuses "unknown"',
		async () => {
			const data = [
				{ id: 'dev_ok', status: 'CONNECTED' },
				{ status: 'connected' },
				{ id: '', status: 'connected' },
				{ id: '   ', status: 'connected' },
				{ id: null, status: 'connected' },
				{ id: { nested: true }, status: 'connected' },
				'dev_string',
				null,
				42,
				{ id: 'dev_nostatus' },
				{ id: 'dev_numstatus', status: 3 },
				{ id: 'dev_objstatus', status: { value: 'connected' } },
				{ id: 'dev_weird', status: 'QR_PENDING' },
				{ id: 7, status: 'degraded' },
				{ id: 'dev_ok', status: 'disconnected' },
			];
			sim().inject({ status: 200, body: { data }, times: Infinity });
			const result = await runWaping({ parameters: listDevices(), credentials: credentials() });
			expect(jsonOf(result, OUT.success)).toEqual([
				{ id: 'dev_ok', status: 'CONNECTED', state: 'connected', connected: true },
				{ id: 'dev_nostatus', status: null, state: 'unknown', connected: false },
				{ id: 'dev_numstatus', status: null, state: 'unknown', connected: false },
				{ id: 'dev_objstatus', status: null, state: 'unknown', connected: false },
				{ id: 'dev_weird', status: 'QR_PENDING', state: 'unknown', connected: false },
				{ id: '7', status: 'degraded', state: 'degraded', connected: false },
			]);
			expect(
				result.logs.some((line) =>
					line.message.startsWith('WAPing device list had entries without an id'),
				),
			).toBe(true);
			// Get Status of a repeated id reads its first entry; Plan Check counts each device once and says the list was odd.
			const status = await runWaping({
				parameters: { ...deviceStatus(), deviceId: 'dev_ok' },
				credentials: credentials(),
			});
			expect(jsonOf(status, OUT.success)).toEqual([
				{ id: 'dev_ok', status: 'CONNECTED', state: 'connected', connected: true },
			]);
			const plan = await runWaping({
				parameters: { resource: 'plan', operation: 'check', options: fast() },
				credentials: credentials(),
			});
			expect(jsonOf(plan, OUT.success)[0]).toMatchObject({ devicesLinked: 6, devicesConnected: 1 });
			expect(jsonOf(plan, OUT.success)[0].warnings).toEqual([
				'WAPing listed 1 device entry twice; each device was counted once.',
				'WAPing listed 8 entries without a device id; they were not counted.',
			]);
		},
	);

	scenario(
		'a device the API reports with an "error" field: kept as apiError, so n8n sees no failure',
		async () => {
			sim().inject({
				status: 200,
				body: {
					data: [{ id: 'dev_1', status: 'disconnected', error: { code: 'SESSION_EXPIRED' } }],
				},
				times: Infinity,
			});
			const result = await runWaping({
				parameters: listDevices(),
				credentials: credentials(),
				onError: 'continueErrorOutput',
				retryOnFail: true,
				maxTries: 3,
				waitBetweenTries: 1,
			});
			expect(counts(result)).toEqual([1, 0, 0, 0]);
			expect(jsonOf(result, OUT.success)).toEqual([
				{
					id: 'dev_1',
					status: 'disconnected',
					apiError: { code: 'SESSION_EXPIRED' },
					state: 'disconnected',
					connected: false,
				},
			]);
			// Retry On Fail did not re-run the node.
			expect(sim().attempts()).toBe(1);
		},
	);

	scenario(
		'an unknown status code with an unknown error code: a clear error, not retried',
		async () => {
			sim().inject({
				status: 418,
				body: { error: { code: 'TEAPOT_MODE', message: 'I am a teapot' } },
				times: Infinity,
			});
			const result = await runWaping({ parameters: deviceStatus(), credentials: credentials() });
			expect(sim().attempts()).toBe(1);
			expect(result.error).toMatchObject({
				name: 'NodeApiError',
				httpCode: '418',
				message:
					'WAPing answered with an unexpected status (HTTP 418 TEAPOT_MODE). WAPing said: "I am a teapot"',
			});
		},
	);

	scenario(
		'an error code that is not a short token is ignored; the message is one bounded line',
		async () => {
			const message = `line one\nline two\u0000\u202e ${'x'.repeat(2000)}`;
			sim().inject({
				status: 500,
				body: { error: { code: '<script>alert(1)</script>', message } },
				times: Infinity,
			});
			const result = await runWaping({
				parameters: deviceStatus(fast({ maxAttempts: 1 })),
				credentials: credentials(),
			});
			const text = result.error?.message ?? '';
			expect(
				text.startsWith(
					'WAPing had a server error (HTTP 500 SERVER_ERROR). WAPing said: "line one line two ',
				),
			).toBe(true);
			expect(text).not.toMatch(/[\p{Cc}\u202e]/u);
			expect(text.length).toBeLessThan(650);
		},
	);

	scenario(
		'50,000 devices: Get Many returns them all, Get Status finds the last, Plan Check counts them',
		async () => {
			const devices = manyDevices('dev_big_', 50_000, [
				'connected',
				'degraded',
				'Disconnected',
				'weird',
			]);
			sim().seed = {
				...sim().seed,
				workspaces: sim().seed.workspaces.map((w) =>
					w.id === 'ws_growth' ? { ...w, devices } : w,
				),
			};
			const started = Date.now();
			const all = await runWaping({ parameters: listDevices(), credentials: credentials() });
			expect(jsonOf(all, OUT.success)).toHaveLength(50_000);
			expect(jsonOf(all, OUT.success)[49_999]).toEqual({
				id: 'dev_big_50000',
				status: 'weird',
				state: 'unknown',
				connected: false,
			});
			const status = await runWaping({
				parameters: { ...deviceStatus(), deviceId: 'dev_big_50000' },
				credentials: credentials(),
			});
			expect(jsonOf(status, OUT.success)).toEqual([
				{ id: 'dev_big_50000', status: 'weird', state: 'unknown', connected: false },
			]);
			const plan = await runWaping({
				parameters: { resource: 'plan', operation: 'check', options: fast() },
				credentials: credentials(),
			});
			expect(jsonOf(plan, OUT.success)[0]).toMatchObject({
				plan: 'enterprise',
				devicesLinked: 50_000,
				devicesConnected: 12_500,
				withinLimits: false,
			});
			expect(sim().attempts()).toBe(3);
			expect(Date.now() - started).toBeLessThan(15_000);
		},
		30_000,
	);

	scenario('a 1 MB HTML error page on a 500: handled like any 5xx', async () => {
		sim().inject({
			status: 500,
			body: `<html>${'<p>error</p>'.repeat(100_000)}</html>`,
			headers: { 'content-type': 'text/html' },
			times: Infinity,
		});
		const result = await runWaping({
			parameters: deviceStatus(fast({ maxAttempts: 2 })),
			credentials: credentials(),
		});
		expect(result.error).toMatchObject({
			message: 'WAPing had a server error (HTTP 500 SERVER_ERROR) after 2 attempts.',
		});
	});
});

describe('the key is never leaked, never sent elsewhere', () => {
	scenario(
		'echoed in an error body, quoted and cut at 500 characters: redacted before it is cut',
		async () => {
			// The key straddles the 500-character cut: cutting first, redacting after, would leak its start.
			const message = `${'x'.repeat(490)}{{key}} trailing`;
			sim().inject({
				status: 500,
				body: { error: { code: 'SERVER_ERROR', message } },
				headers: { 'x-echo': '{{authorization}}' },
				times: Infinity,
			});
			const result = await runWaping({
				parameters: deviceStatus(fast({ maxAttempts: 2 })),
				credentials: credentials(),
				onError: 'continueRegularOutput',
			});
			expect(jsonOf(result, OUT.success)[0].error).toContain(`${'x'.repeat(20)}[redacted…"`);
			expect(leaks(result, KEY)).toEqual([]);
			expect(leaks(result, KEY.slice(0, 10))).toEqual([]);
		},
	);

	scenario('echoed in a header and a 200 body: success items carry no key', async () => {
		sim().seed.workspaces[0].devices.push({
			id: 'dev_echo',
			status: 'connected',
			note: `your key is ${KEY}`,
		});
		sim().inject({
			passThrough: true,
			headers: { 'x-api-key': '{{key}}', 'www-authenticate': 'Bearer {{key}}' },
		});
		const result = await runWaping({ parameters: listDevices(), credentials: credentials() });
		expect(jsonOf(result, OUT.success)).toHaveLength(6);
		expect(leaks(result, KEY)).toEqual([]);
	});

	scenario(
		'echoed in the error code and message of a 429: the retry log line is clean',
		async () => {
			sim().inject({
				status: 429,
				retryAfter: 0,
				body: { error: { code: 'LIMIT_{{key}}', message: 'key {{key}}' } },
			});
			const result = await runWaping({ parameters: deviceStatus(), credentials: credentials() });
			expect(jsonOf(result, OUT.success)).toEqual([DEV_123]);
			expect(plannedWaits(result)).toEqual([1000]);
			expect(leaks(result, KEY)).toEqual([]);
		},
	);

	test.each([301, 302, 303, 307, 308])(
		'a %i redirect to another origin is not followed; the other origin gets nothing',
		async (status) => {
			const { other } = servers();
			sim().inject({ status, redirectTo: `${other.url}/v1/devices?k={{key}}`, times: Infinity });
			const result = await runWaping({
				parameters: listDevices(),
				credentials: credentials(),
				onError: 'continueErrorOutput',
			});
			expect(other.requests).toHaveLength(0);
			expect(other.receivedAuthorization).toBe(false);
			expect(sim().attempts()).toBe(1);
			const [item] = jsonOf(result, OUT.error);
			expect(item.error).toBe(
				`WAPing answered with a redirect (HTTP ${status} REDIRECT) to ${other.url}, which the node does not follow.`,
			);
			expect(leaks(result, KEY)).toEqual([]);
		},
	);
	scenarios.push('redirect to another origin (301, 302, 303, 307, 308)');

	scenario('a redirect to the same origin is not followed either', async () => {
		sim().inject({ status: 302, redirectTo: `${sim().url}/v1/devices` });
		const result = await runWaping({ parameters: listDevices(), credentials: credentials() });
		expect(sim().attempts()).toBe(1);
		expect(result.error?.message).toMatch(/^WAPing answered with a redirect \(HTTP 302 REDIRECT\)/);
	});

	scenario(
		'on the wire, only the Authorization header carries the key, on every attempt',
		async () => {
			sim().inject({ status: 503, retryAfter: 0, times: 2 });
			await runWaping({ parameters: deviceStatus(), credentials: credentials() });
			expect(sim().attempts()).toBe(3);
			for (const request of sim().requests) {
				expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
				const elsewhere = { ...request, headers: { ...request.headers, authorization: undefined } };
				expect(JSON.stringify(elsewhere)).not.toContain(KEY);
			}
		},
	);
});

describe('nothing lost: N input items give N output items, paired, whatever the mix', () => {
	const mixedItems = [
		{ id: 'dev_123' },
		{ id: '' },
		{ id: 'dev_missing' },
		{ id: 42 },
		{ id: { not: 'text' } },
		{ id: 'dev_456' },
		{ id: 'dev\u0000x' },
		{ id: '../v1/devices?x=1#y' },
	];
	const mixed = (options: INodeParameters) => ({
		resource: 'device',
		operation: 'getStatus',
		deviceId: '={{ $json.id }}',
		options,
	});

	test.each([
		['a 429 then success', [{ status: 429, retryAfter: 0 }]],
		['a 503 then success', [{ status: 503 }]],
		['a reset then success', [{ reset: true }]],
		['the budget running out', [{ status: 429, retryAfter: 0, times: Infinity }]],
		[
			'an HTML page',
			[{ status: 200, body: '<html></html>', headers: { 'content-type': 'text/html' } }],
		],
		['a 401', [{ status: 401, body: { error: { code: 'UNAUTHORIZED' } } }]],
		[
			'a 403 for the plan',
			[{ status: 403, body: { error: { code: 'FORBIDDEN', message: 'Upgrade your plan' } } }],
		],
	])('%s, with Continue On Fail and with the error output', async (_label, faults) => {
		for (const onError of ['continueRegularOutput', 'continueErrorOutput'] as const) {
			sim().reset();
			for (const fault of faults) sim().inject(fault);
			const result = await runWaping({
				parameters: mixed(fast({ maxAttempts: 2 })),
				credentials: credentials(),
				items: mixedItems,
				onError,
			});
			expect(result.error).toBeUndefined();
			expect(pairedIndexes(result)).toEqual(range(mixedItems.length));
			// Each success item is the device its own input item asked for.
			for (const item of result.outputs[OUT.success]) {
				const index = (item.pairedItem as { item: number }).item;
				if (!('error' in item.json)) expect(item.json.id).toBe(String(mixedItems[index].id));
			}
			expect(sim().attempts()).toBeLessThanOrEqual(2);
		}
	});
	scenarios.push('mixed input items under 7 fault kinds, both continue modes');
});

describe('retry schedule decisions (the pure step the transport takes after each failure)', () => {
	const policy = {
		...DEFAULT_RETRY_POLICY,
		maxAttempts: 5,
		maxWaitMs: 60_000,
		baseDelayMs: 500,
		capDelayMs: 10_000,
	};
	const start = Date.parse('2026-04-03T12:00:00Z');
	const ceiling = () => 1;

	/** Plays a script of answers through classifyResponse + nextStep, as getJson does, without waiting. */
	function schedule(
		answers: Array<{ statusCode: number; headers?: IDataObject }>,
		cancelAfterWaits?: number,
	) {
		const waits: number[] = [];
		let waited = 0;
		for (let attempt = 1; attempt <= answers.length; attempt++) {
			const { statusCode, headers } = answers[attempt - 1];
			const failure = classifyResponse(statusCode, headers, undefined, start + waited);
			const step = nextStep(
				failure,
				attempt,
				waited,
				policy,
				ceiling,
				waits.length === cancelAfterWaits,
			);
			if ('stop' in step)
				return { waits, attempts: attempt, stop: step.stop, failure: step.failure };
			waits.push(step.waitMs);
			waited += step.waitMs;
		}
		return { waits, attempts: answers.length, stop: 'none' as const };
	}

	test('Retry-After seconds and HTTP date are waited exactly; no header backs off at the jitter ceiling', () => {
		const run = schedule([
			{ statusCode: 429, headers: { 'retry-after': '7' } },
			{ statusCode: 429, headers: { 'Retry-After': 'Fri, 03 Apr 2026 12:00:30 GMT' } },
			{ statusCode: 503 },
			{ statusCode: 503 },
			{ statusCode: 503 },
		]);
		// 7 s; then the date is 30 s after start, 7 s have passed: 23 s; then 500 * 2^2, 500 * 2^3.
		expect(run.waits).toEqual([7000, 23_000, 2000, 4000]);
		expect(run).toMatchObject({ attempts: 5, stop: 'attempts' });
	});

	test('issue 18: a Retry-After of 0, a fraction or a past date is raised to the 1 s floor (or Retry Delay when larger)', () => {
		const run = schedule([
			{ statusCode: 429, headers: { 'retry-after': '0' } },
			{ statusCode: 429, headers: { 'retry-after': '0.0001' } },
			{ statusCode: 503, headers: { 'Retry-After': 'Fri, 03 Apr 2026 11:59:00 GMT' } },
			{ statusCode: 200 },
		]);
		expect(run.waits).toEqual([MIN_RETRY_PAUSE_MS, MIN_RETRY_PAUSE_MS, MIN_RETRY_PAUSE_MS]);
		const failure = classifyResponse(429, { 'retry-after': '0' }, undefined, start);
		expect(nextStep(failure, 1, 0, { ...policy, baseDelayMs: 2500 }, ceiling, false)).toEqual({
			waitMs: 2500,
		});
		// Without Retry-After, the backoff is the user's Retry Delay, but never 0.
		const noHeader = classifyResponse(503, {}, undefined, start);
		expect(nextStep(noHeader, 1, 0, { ...policy, baseDelayMs: 0 }, () => 0, false)).toEqual({
			waitMs: 1,
		});
	});

	test('issue 18: which failed attempts leave a send unknown (WAPing may have accepted it)', () => {
		const answer = (statusCode: number) => classifyResponse(statusCode, {}, undefined, start);
		const network = (code: string) =>
			classifyNetworkError(Object.assign(new Error(code), { code }));
		expect([500, 502, 504].map((code) => mayHaveArrived(answer(code)))).toEqual([true, true, true]);
		expect([400, 409, 429, 503].map((code) => mayHaveArrived(answer(code)))).toEqual([
			false,
			false,
			false,
			false,
		]);
		expect(mayHaveArrived(network('ECONNRESET'))).toBe(true);
		expect(mayHaveArrived(network('ETIMEDOUT'))).toBe(true);
		expect(mayHaveArrived(network('ECONNREFUSED'))).toBe(false);
	});

	test('the wait budget: stops before a wait that would not fit, and says so', () => {
		const run = schedule([
			{ statusCode: 429, headers: { 'retry-after': '40' } },
			{ statusCode: 429, headers: { 'retry-after': '40' } },
		]);
		expect(run.waits).toEqual([40_000]);
		expect(run).toMatchObject({
			attempts: 2,
			stop: 'waitBudget',
			failure: { kind: 'throttled', nextWaitMs: 40_000 },
		});
	});

	test('not retried: 400, 401, 403, 404, redirects, and permanent network errors', () => {
		for (const statusCode of [400, 401, 403, 404, 302]) {
			expect(schedule([{ statusCode }, { statusCode: 200 }])).toMatchObject({
				waits: [],
				attempts: 1,
				stop: undefined,
			});
		}
		const certificate = classifyNetworkError(
			Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
		);
		expect(certificate).toMatchObject({ kind: 'network', permanent: true });
		expect(nextStep(certificate, 1, 0, policy, ceiling, false)).toMatchObject({ stop: undefined });
	});

	test('a cancelled execution stops retrying', () => {
		expect(schedule([{ statusCode: 503 }, { statusCode: 503 }], 1)).toMatchObject({
			waits: [expect.any(Number)],
			attempts: 2,
			stop: 'cancelled',
		});
	});
});
