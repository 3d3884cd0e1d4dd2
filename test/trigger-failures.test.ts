/**
 * WAPing Trigger, when a poll cannot read the devices: it starts no execution, keeps the baseline,
 * and fails the way n8n shows a failing trigger. A poll on schedule that throws is recorded by n8n
 * as a failed execution (and runs the error workflow); the first poll, at activation, fails the
 * activation. The tests read both as n8n stores them, and check the key never shows anywhere.
 */
import type { IDataObject } from 'n8n-workflow';

import type { PollResult } from './harness/poll';
import { TRIGGER_NAME, TriggerWorkflow } from './harness/poll';
import { ALL_EVENTS, closedPort, pollLeaks, useSimulator, useTriggers } from './helpers';
import type { Fault } from '../simulator';
import { demoKeys } from '../simulator';
import { DEFAULT_RETRY_POLICY } from '../nodes/shared/transport/retry';
import {
	FALLBACK_POLL_BUDGET_MS,
	pollBudgetMs,
	withinPollBudget,
} from '../nodes/WapingTrigger/budget';

const sim = useSimulator();
const KEY = demoKeys.growth;
/** Small retry settings, so that a failure past the retry budget comes fast. */
const FAST = { maxAttempts: 2, maxWait: 1, retryDelaySeconds: 0.005, timeoutSeconds: 1 };
const trigger = useTriggers(sim, { options: FAST });

/** The error as n8n stores it with the failed execution: what the executions list and the error workflow show. */
function stored(result: PollResult): IDataObject {
	const error = result.failedExecution?.resultData.error as unknown as IDataObject | undefined;
	if (!error)
		throw new Error(
			`no failed execution: ${JSON.stringify({ emitted: result.emitted, error: result.error?.message })}`,
		);
	return error;
}

/** [what happens, the fault, the error n8n records: name, httpCode, message, description] */
type Case = [
	string,
	Fault,
	{ name: string; httpCode: string | null; message: RegExp; description: RegExp; requests: number },
];

const cases: Case[] = [
	[
		'401: the key is revoked',
		{
			status: 401,
			times: Infinity,
			body: { error: { code: 'UNAUTHORIZED', message: 'API key has been revoked.' } },
		},
		{
			name: 'NodeApiError',
			httpCode: '401',
			message:
				/^WAPing did not accept the API key \(HTTP 401 UNAUTHORIZED\)\. WAPing said: "API key has been revoked\."$/,
			description: /Copy a valid key/,
			requests: 1,
		},
	],
	[
		'403: the plan has no API access',
		{
			status: 403,
			times: Infinity,
			body: {
				error: { code: 'FORBIDDEN', message: 'Your plan (Free) does not include REST API access.' },
			},
		},
		{
			name: 'NodeApiError',
			httpCode: '403',
			message: /^WAPing denied the request: the workspace's plan has no API access/,
			description: /Upgrade to Starter/,
			requests: 1,
		},
	],
	[
		'403: the key lacks permission',
		{
			status: 403,
			times: Infinity,
			body: { error: { code: 'FORBIDDEN', message: 'This API key lacks the devices:read scope.' } },
		},
		{
			name: 'NodeApiError',
			httpCode: '403',
			message: /^WAPing denied the request: the key lacks permission to list devices/,
			description: /permission to read devices/,
			requests: 1,
		},
	],
	[
		'429 past the retry budget',
		{
			status: 429,
			times: Infinity,
			retryAfter: 0,
			body: { error: { code: 'RATE_LIMITED', message: 'slow down' } },
		},
		{
			name: 'NodeApiError',
			httpCode: '429',
			message: /^WAPing asked the node to slow down \(HTTP 429 RATE_LIMITED\) after 2 attempts/,
			description: /less often|Max Attempts/,
			requests: 2,
		},
	],
	[
		'503 server errors past the retry budget',
		{
			status: 503,
			times: Infinity,
			body: { error: { code: 'SERVER_ERROR', message: 'maintenance' } },
		},
		{
			name: 'NodeApiError',
			httpCode: '503',
			message:
				/^WAPing had a server error \(HTTP 503 SERVER_ERROR\) after 2 attempts\. WAPing said: "maintenance"/,
			description: /temporary/,
			requests: 2,
		},
	],
	[
		'a 200 that is not a device list (a login page)',
		{ status: 200, times: Infinity, body: '<html><body>Sign in</body></html>' },
		{
			name: 'NodeApiError',
			httpCode: '200',
			message: /^WAPing's answer was not what the node expects: the device list was text, not JSON/,
			description: /Base URL/,
			requests: 1,
		},
	],
	[
		'a 200 with JSON but no device list',
		{ status: 200, times: Infinity, body: { devices: 'soon' } },
		{
			name: 'NodeApiError',
			httpCode: '200',
			message: /JSON without a "data" list of devices/,
			description: /Base URL/,
			requests: 1,
		},
	],
	[
		'the connection is reset every time',
		{ reset: true, times: Infinity },
		{
			name: 'NodeApiError',
			httpCode: null,
			message:
				/^Could not reach WAPing: the connection was closed before an answer came after 2 attempts/,
			description: /ECONNRESET/,
			requests: 2,
		},
	],
	[
		'no answer within the timeout',
		{ delayMs: 1500, times: Infinity },
		{
			name: 'NodeApiError',
			httpCode: null,
			message: /^WAPing did not answer in time after 2 attempts/,
			description: /Timeout/,
			requests: 2,
		},
	],
];

describe('a poll that fails starts no execution, keeps the baseline, and is recorded as a failed execution', () => {
	test.each(cases)(
		'%s',
		async (_label, fault, want) => {
			const workflow = trigger();
			await workflow.activate();
			const baseline = workflow.staticData;
			const saved = workflow.saved;
			// A real change during the outage: reported once the API answers again, and nothing else.
			sim().changeDevice({ id: 'dev_123', status: 'disconnected' });
			sim().reset();
			sim().inject({ path: '/v1/devices', ...fault });

			const result = await workflow.poll();
			expect(result.emitted).toBeUndefined();
			expect(result.error).toBeDefined();
			const error = stored(result);
			expect(error.name).toBe(want.name);
			expect(error.httpCode ?? null).toBe(want.httpCode);
			expect(error.message).toMatch(want.message);
			expect(error.description).toMatch(want.description);
			expect((error.node as IDataObject).name).toBe(TRIGGER_NAME);
			expect(sim().attempts('/v1/devices')).toBe(want.requests);
			expect(workflow.staticData).toEqual(baseline);
			expect(workflow.saved).toEqual(saved);
			expect(pollLeaks(result, KEY, [workflow.staticData, workflow.saved])).toEqual([]);

			// A second failing poll: the same, still nothing emitted.
			const again = await workflow.poll();
			expect(again.emitted).toBeUndefined();
			expect(again.error).toBeDefined();
			expect(workflow.staticData).toEqual(baseline);

			sim().clearFaults();
			const back = await workflow.poll();
			expect(back.error).toBeUndefined();
			expect(
				back.emitted?.[0].map((item) => [
					item.json.event,
					item.json.deviceId,
					item.json.previousState,
					item.json.state,
				]),
			).toEqual([['sessionChanged', 'dev_123', 'connected', 'disconnected']]);
		},
		20_000,
	);

	test('an API that cannot be reached at all never looks like devices going offline', async () => {
		const workflow = trigger();
		await workflow.activate();
		sim().inject({ path: '/v1/devices', drop: true, times: Infinity });
		for (let i = 0; i < 3; i++) {
			const result = await workflow.poll();
			expect(result.emitted).toBeUndefined();
			expect(stored(result).message).toMatch(/^Could not reach WAPing/);
		}
		sim().clearFaults();
		expect((await workflow.poll()).emitted).toBeUndefined();
	});

	test('a 401 costs one request per poll (n8n does not send it again)', async () => {
		const workflow = trigger({}, { options: { maxAttempts: 4 } });
		await workflow.activate();
		sim().reset();
		sim().inject({ path: '/v1/devices', status: 401, times: Infinity });
		await workflow.poll();
		expect(sim().attempts('/v1/devices')).toBe(1);
	});
});

describe('the first poll, at activation, fails the activation', () => {
	test('a credential that declares the Free plan: the plan message, and no request at all', async () => {
		const workflow = trigger({ apiKey: demoKeys.free, plan: 'free' });
		const result = await workflow.activate();
		expect(result.emitted).toBeUndefined();
		expect(result.error?.name).toBe('WorkflowActivationError');
		expect(result.error?.message).toBe(
			'There was a problem activating the workflow: "The WAPing Free plan has no API access, so the node sent no request"',
		);
		// n8n keeps the node's error as the cause, and its description (how to fix it) as the activation error's.
		expect((result.error?.cause as Error).name).toBe('NodeOperationError');
		expect((result.error as Error & { description?: string }).description).toMatch(
			/^The credential declares the Free plan\. Starter is the first tier with the REST API/,
		);
		expect(sim().requests).toHaveLength(0);
		expect(workflow.saved).toEqual({});
		expect(pollLeaks(result, demoKeys.free)).toEqual([]);
	});

	test('a Free workspace with the plan left to detect: WAPing answers 403, the activation fails with the plan message', async () => {
		const workflow = trigger({ apiKey: demoKeys.free, plan: 'auto' });
		const result = await workflow.activate();
		expect(result.error?.message).toMatch(
			/^There was a problem activating the workflow: "WAPing denied the request: the workspace's plan has no API access \(HTTP 403 FORBIDDEN\)/,
		);
		expect(sim().attempts('/v1/devices')).toBe(1);
		expect(workflow.saved).toEqual({});
	});

	test('a revoked key: the activation fails with the 401 message', async () => {
		const workflow = trigger({ apiKey: demoKeys.revoked });
		const result = await workflow.activate();
		expect(result.error?.message).toMatch(
			/^There was a problem activating the workflow: "WAPing did not accept the API key \(HTTP 401 UNAUTHORIZED\)/,
		);
		expect((result.error?.cause as Error).name).toBe('NodeApiError');
		expect((result.error as Error & { description?: string }).description).toMatch(
			/Copy a valid key/,
		);
		expect(pollLeaks(result, demoKeys.revoked)).toEqual([]);
	});

	test('a Base URL nothing listens on: the activation fails, nothing is recorded as a baseline', async () => {
		const workflow = trigger({ baseUrl: `http://127.0.0.1:${await closedPort()}` });
		const result = await workflow.activate();
		expect(result.error?.message).toMatch(/Could not reach WAPing: the connection was refused/);
		expect(workflow.saved).toEqual({});
	});

	test('a Base URL that is not HTTPS: the credential problem, before any request', async () => {
		const workflow = trigger({ baseUrl: 'http://api.example.com' });
		const result = await workflow.activate();
		expect(result.error?.message).toMatch(/The Base URL in the WAPing credential cannot be used/);
		expect((result.error as Error & { description?: string }).description).toMatch(/HTTPS/);
		expect(sim().requests).toHaveLength(0);
	});

	test('no event chosen: the activation fails and says what to pick', async () => {
		const workflow = trigger({}, { events: [] });
		const result = await workflow.activate();
		expect(result.error?.message).toBe(
			'There was a problem activating the workflow: "Choose at least one event to watch"',
		);
		expect(sim().requests).toHaveLength(0);
	});

	test('an Option out of range (from an expression): the activation fails naming it, without "item 0"', async () => {
		const workflow = trigger({}, { options: { maxAttempts: '={{ 50 }}' } });
		const result = await workflow.activate();
		expect(result.error?.message).toBe(
			'There was a problem activating the workflow: "Max Attempts must be a number from 1 to 10, but it is 50"',
		);
	});

	test('a Free plan declared after the baseline was recorded: later polls fail without a request, the baseline is kept', async () => {
		const workflow = trigger();
		await workflow.activate();
		await workflow.stop();
		const saved = workflow.saved;
		workflow.useCredential({ apiKey: KEY, baseUrl: sim().url, plan: 'free' });
		sim().reset();
		const result = await workflow.activate('init');
		expect(result.error?.message).toMatch(/Free plan has no API access/);
		expect(sim().requests).toHaveLength(0);
		expect(workflow.saved).toEqual(saved);
	});
});

describe('the key never shows', () => {
	const echoes: Array<[string, Fault]> = [
		[
			'a 500 echoing the key',
			{ status: 500, body: { error: { code: 'SERVER_ERROR', message: `bad key ${KEY}` } } },
		],
		[
			'a 401 echoing the key',
			{ status: 401, body: { error: { code: 'UNAUTHORIZED', message: `key ${KEY} revoked` } } },
		],
		[
			'a 403 echoing the key in its code',
			{ status: 403, body: { error: { code: `DENIED_${KEY}`, message: 'no' } } },
		],
		['a login page starting with the key', { status: 200, body: `${KEY} <html>login</html>` }],
	];

	test.each(echoes)(
		'%s: not in the error, the failed execution, the logs or the static data',
		async (_label, fault) => {
			const workflow = trigger({}, { options: { maxAttempts: 1 } });
			await workflow.activate();
			sim().inject({ path: '/v1/devices', times: Infinity, ...fault });
			const result = await workflow.poll();
			expect(result.error).toBeDefined();
			expect(pollLeaks(result, KEY, [workflow.staticData, workflow.saved])).toEqual([]);
			expect(JSON.stringify(result.failedExecution)).not.toContain(KEY);
		},
	);

	test('devices whose id, status and fields echo the key: items, baseline and logs hold "[redacted]" instead', async () => {
		const workflow = trigger();
		await workflow.activate();
		const workspace = sim().seed.workspaces.find((w) => w.id === 'ws_growth');
		workspace?.devices.push({ id: `dev_${KEY}`, status: `weird ${KEY}`, note: KEY });
		const result = await workflow.poll();
		const json = result.emitted?.[0].map((item) => item.json);
		expect(json).toEqual([
			expect.objectContaining({
				event: 'deviceLinked',
				deviceId: 'dev_[redacted]',
				status: 'weird [redacted]',
				state: 'unknown',
			}),
		]);
		expect(pollLeaks(result, KEY, [workflow.staticData, workflow.saved])).toEqual([]);
		// The next poll compares the redacted id with the redacted id: no change.
		expect((await workflow.poll()).emitted).toBeUndefined();
	});

	test('on the wire the key travels only in the Authorization header', async () => {
		const workflow = trigger();
		await workflow.activate();
		await workflow.poll();
		expect(sim().requests.length).toBe(2);
		for (const request of sim().requests) {
			expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
			expect(request.path).toBe('/v1/devices');
			expect(JSON.stringify({ ...request.headers, authorization: undefined })).not.toContain(KEY);
		}
	});
});

describe('n8n 2.41 Poll Times (what the README and the e2e suite rely on)', () => {
	test('n8n refuses a Poll Time of less than a minute at activation, before any poll', async () => {
		const workflow = trigger(
			{},
			{ pollTimes: { item: [{ mode: 'custom', cronExpression: '*/5 * * * * *' }] } },
		);
		const result = await workflow.activate();
		expect(result.error?.message).toBe(
			'There was a problem activating the workflow: "The polling interval is too short. It has to be at least a minute."',
		);
		expect(sim().requests).toHaveLength(0);
	});

	test('several Poll Times of one fixed second each are accepted (the e2e suite polls every 5 s this way)', async () => {
		const seconds = [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55];
		const workflow = trigger(
			{},
			{
				pollTimes: {
					item: seconds.map((s) => ({ mode: 'custom', cronExpression: `${s} * * * * *` })),
				},
			},
		);
		const result = await workflow.activate();
		expect(result.error).toBeUndefined();
		expect(result.emitted).toBeUndefined();
	});
});

describe("one poll ends within n8n's poll budget, whatever the Options say (issue 18)", () => {
	const LARGEST = { maxAttempts: 10, maxWait: 3600, timeoutSeconds: 300, retryDelaySeconds: 60 };
	const BUDGET_MS = 4000;
	test.each<[string, Fault]>([
		['WAPing never answers', { status: 503, delayMs: 120_000, times: Infinity }],
		[
			'WAPing throttles every request for a second',
			{ status: 429, retryAfter: 1, times: Infinity },
		],
		['WAPing answers 503 at once, every time', { status: 503, times: Infinity }],
	])(
		'%s, with the largest Options: the poll fails within the budget',
		async (_label, fault) => {
			const workflow = new TriggerWorkflow({
				parameters: { events: ALL_EVENTS, becomes: 'any', options: LARGEST },
				credentials: { apiKey: KEY, baseUrl: sim().url },
				pollBudgetMs: BUDGET_MS,
			});
			try {
				await workflow.activate();
				sim().inject({ path: '/v1/devices', ...fault });
				const started = Date.now();
				const result = await Promise.race([
					workflow.poll(),
					new Promise<undefined>((resolve) =>
						setTimeout(() => resolve(undefined), 3 * BUDGET_MS).unref(),
					),
				]);
				expect(Date.now() - started).toBeLessThanOrEqual(BUDGET_MS);
				expect(result?.emitted).toBeUndefined();
				expect(stored(result as PollResult).message).toMatch(
					/^WAPing (did not answer in time|had a server error|asked the node to slow down)/,
				);
			} finally {
				await workflow.stop();
			}
		},
		30_000,
	);

	test('on an n8n without getPollBudgetMs (the 1.x line), a fixed budget under a minute', () => {
		expect(pollBudgetMs({})).toBe(FALLBACK_POLL_BUDGET_MS);
		expect(FALLBACK_POLL_BUDGET_MS).toBeLessThan(60_000);
		expect(pollBudgetMs({ getPollBudgetMs: () => 300_000 })).toBe(300_000);
		expect(pollBudgetMs({ getPollBudgetMs: () => Number.NaN })).toBe(FALLBACK_POLL_BUDGET_MS);
		const worst = (p: ReturnType<typeof withinPollBudget>) =>
			p.maxAttempts * p.timeoutMs + p.maxWaitMs;
		const largest = {
			maxAttempts: 10,
			maxWaitMs: 3_600_000,
			timeoutMs: 300_000,
			baseDelayMs: 60_000,
			capDelayMs: 10_000,
		};
		expect(worst(withinPollBudget(largest, FALLBACK_POLL_BUDGET_MS))).toBeLessThan(
			FALLBACK_POLL_BUDGET_MS,
		);
		expect(worst(withinPollBudget(largest, 300_000))).toBeLessThan(300_000);
		// The defaults fit n8n 2.x's 5 minutes as they are.
		expect(withinPollBudget(DEFAULT_RETRY_POLICY, 300_000)).toEqual(DEFAULT_RETRY_POLICY);
	});
});
