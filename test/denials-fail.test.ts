/**
 * Version 2 of the node: a Bad Key (401) or Denied (403) fails the execution by default, with the
 * node's words, where n8n shows failures (the execution's error: the Executions list, the error
 * workflow). "Send Down Their Own Outputs" keeps the branches, and version 1, which every saved
 * workflow keeps, is unchanged (test/outputs-401-403.test.ts and the other files run version 1).
 */
import type { INodeParameters } from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { OUTPUTS_EXPRESSION } from '../nodes/Waping/actions/operations';
import { BRANCH_WORDS } from '../nodes/Waping/denials';
import { Waping } from '../nodes/Waping/Waping.node';
import { demoKeys } from '../simulator';
import type { RunOptions } from './harness/run';
import { runWaping, TestNodeTypes } from './harness/run';
import { calls, counts, errorOf, jsonOf, pairedOf, posts, useSimulator } from './helpers';

const sim = useSimulator();
const credentials = (apiKey: string, plan?: string) => ({
	apiKey,
	baseUrl: sim().url,
	...(plan ? { plan } : {}),
});
const deviceStatus = { resource: 'device', operation: 'getStatus', deviceId: 'dev_123' };
const send = (extra: INodeParameters = {}, options: INodeParameters = {}): INodeParameters => ({
	resource: 'message',
	operation: 'send',
	deviceId: { __rl: true, mode: 'id', value: 'dev_123' },
	to: '={{ $json.to }}',
	text: '=Reminder for {{ $json.to }}',
	options: { retryDelaySeconds: 0.005, maxWait: 5, ...options },
	...extra,
});
const recipients = (n: number) =>
	Array.from({ length: n }, (_, i) => ({ to: `+1555000${String(i).padStart(4, '0')}` }));
const v2 = (options: RunOptions) => runWaping({ typeVersion: 2, ...options });

const UNAUTHORIZED_MESSAGE =
	'WAPing did not accept the API key (HTTP 401 UNAUTHORIZED). WAPing said: "API key has been revoked."';
const UNAUTHORIZED_DESCRIPTION =
	'The key is missing, mistyped or revoked. Copy a valid key from the WAPing dashboard (Settings → API keys) into the WAPing credential. Retrying will not help.';
const PLAN_DESCRIPTION =
	'The key is valid, but the plan does not include the REST API (the Free plan has none). Upgrade to Starter or above (devices per tier: Starter 1, Growth 5, Pro 15, Enterprise 50). Retrying will not help.';

/** Evaluates the outputs expression as n8n does, over `$parameter` and `$nodeVersion`. */
function labels(parameters: Record<string, unknown>, version: number): unknown {
	const body = OUTPUTS_EXPRESSION.replace(/^=\{\{/, '').replace(/\}\}$/, '');
	const outputs = new Function('$parameter', '$nodeVersion', `return (${body});`)(
		parameters,
		version,
	) as Array<{ displayName: string }>;
	return outputs.map((output) => output.displayName);
}

describe('the node has two versions; a new node gets version 2', () => {
	test('version [1, 2], default 2; the choice shows from version 2, default "Fail the Execution"', () => {
		const { description } = new Waping();
		expect(description.version).toEqual([1, 2]);
		expect(description.defaultVersion).toBe(2);
		const field = description.properties.find((p) => p.name === 'badKeyAndDenied');
		expect(field?.default).toBe('fail');
		expect(field?.displayOptions).toEqual({ show: { '@version': [{ _cnd: { gte: 2 } }] } });
	});

	test.each([
		[{ operation: 'getStatus' }, 2, ['Success']],
		[{ operation: 'send' }, 2, ['Success', 'Offline']],
		[{ operation: 'send', badKeyAndDenied: 'fail' }, 2, ['Success', 'Offline']],
		[{ operation: 'getStatus', badKeyAndDenied: 'outputs' }, 2, ['Success', 'Bad Key', 'Denied']],
		[
			{ operation: 'send', badKeyAndDenied: 'outputs' },
			2,
			['Success', 'Bad Key', 'Denied', 'Offline'],
		],
		[{ operation: 'getStatus' }, 1, ['Success', 'Bad Key', 'Denied']],
		[{ operation: 'send' }, 1, ['Success', 'Bad Key', 'Denied', 'Offline']],
	])('outputs of %j at version %d: %j', (parameters, version, expected) => {
		expect(labels(parameters, version)).toEqual(expected);
	});
});

describe("n8n's own evaluation of the outputs (n8n-workflow's expression, the saved parameters without defaults)", () => {
	test.each([
		[2, {}, ['Success']],
		[2, { badKeyAndDenied: 'outputs' }, ['Success', 'Bad Key', 'Denied']],
		[1, {}, ['Success', 'Bad Key', 'Denied']],
		[2, { resource: 'message', operation: 'send' }, ['Success', 'Offline']],
	])('version %d with %j: %j', (typeVersion, parameters, expected) => {
		const type = new Waping();
		const node = {
			id: 'n',
			name: 'WAPing',
			type: 'n8n-nodes-waping.waping',
			typeVersion,
			position: [0, 0] as [number, number],
			parameters,
		};
		const workflow = new Workflow({
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: new TestNodeTypes({ 'n8n-nodes-waping.waping': type }),
		});
		const outputs = NodeHelpers.getNodeOutputs(
			workflow,
			workflow.getNode('WAPing')!,
			type.description,
		);
		expect(
			outputs.map((output) => (typeof output === 'string' ? output : output.displayName)),
		).toEqual(expected);
	});
});

describe('version 2, default: a Bad Key or Denied fails the execution', () => {
	test("a revoked key: the execution fails with the node's words, one request", async () => {
		const result = await v2({
			parameters: deviceStatus,
			credentials: credentials(demoKeys.revoked),
		});
		// What the Executions list shows, and what makes n8n start the error workflow.
		expect(result.run.status).toBe('error');
		expect(result.run.data.resultData.error?.message).toBe(UNAUTHORIZED_MESSAGE);
		expect(errorOf(result)).toEqual({
			name: 'NodeApiError',
			message: UNAUTHORIZED_MESSAGE,
			description: `${UNAUTHORIZED_DESCRIPTION} ${BRANCH_WORDS}`,
			httpCode: '401',
		});
		expect(calls(sim())).toEqual(['GET /v1/devices']);
		expect(JSON.stringify(result.run)).not.toContain(demoKeys.revoked);
	});

	test('a Free workspace (the API answers 403): Denied fails it, and says to upgrade', async () => {
		const result = await v2({
			parameters: { resource: 'device', operation: 'getAll' },
			credentials: credentials(demoKeys.free),
		});
		expect(result.run.status).toBe('error');
		const error = errorOf(result);
		expect(error.httpCode).toBe('403');
		expect(error.message).toMatch(
			/^WAPing denied the request: the workspace's plan has no API access/,
		);
		expect(error.description).toBe(`${PLAN_DESCRIPTION} ${BRANCH_WORDS}`);
	});

	test('a Free plan declared on the credential: fails without a request', async () => {
		const result = await v2({
			parameters: send(),
			credentials: credentials(demoKeys.free, 'free'),
			items: recipients(2),
		});
		expect(result.run.status).toBe('error');
		const error = errorOf(result);
		expect(error.message).toBe(
			'The WAPing Free plan has no API access, so the node sent no request',
		);
		expect(error.description).toMatch(/Upgrade the workspace/);
		expect(error.description).toMatch(/"Send Down Their Own Outputs"\.$/);
		expect(sim().requests).toHaveLength(0);
	});

	test('a send-only key reading devices: Denied names the permission to ask for', async () => {
		const result = await v2({
			parameters: { resource: 'device', operation: 'getAll' },
			credentials: credentials(demoKeys.sendOnly),
		});
		expect(result.run.status).toBe('error');
		expect(errorOf(result).description).toMatch(/with permission to read devices/);
	});

	test('Send with a revoked key: fails, nothing sent, and it says so', async () => {
		const result = await v2({
			parameters: send(),
			credentials: credentials(demoKeys.revoked),
			items: recipients(3),
		});
		expect(errorOf(result).message).toBe(UNAUTHORIZED_MESSAGE);
		expect(sim().messages).toHaveLength(0);
	});

	test('Send: a denial after two messages went out says they were sent, and "Retry execution" sends only the rest', async () => {
		sim().inject({ path: '/v1/messages', passThrough: true, times: 2 });
		sim().inject({
			path: '/v1/messages',
			status: 403,
			body: { error: { code: 'FORBIDDEN', message: 'Not allowed for this key.' } },
		});
		const parameters = send({}, { maxConcurrent: 1, maxAttempts: 1, onlyWhenConnected: false });
		const failed = await v2({
			parameters,
			credentials: credentials(demoKeys.growth),
			items: recipients(3),
			executionId: 'exec-1',
		});
		expect(failed.run.status).toBe('error');
		const error = errorOf(failed);
		expect(error.httpCode).toBe('403');
		expect(error.description).toContain(
			'2 of 3 messages were sent, 1 was not (this one among them). Once that is fixed, retry this execution (Executions → Retry): WAPing recognises the messages already sent by their idempotency key and does not send them again. Running the workflow anew would send them again, unless "Idempotency Key" is set from your data.',
		);
		expect(sim().messages).toHaveLength(2);

		const retried = await v2({
			parameters,
			credentials: credentials(demoKeys.growth),
			retryOf: failed.run,
			executionId: 'exec-2',
		});
		expect(retried.error).toBeUndefined();
		expect(counts(retried)).toEqual([3, 0]);
		// Each recipient got one message: the two sent before were replayed, not sent again.
		expect(
			sim()
				.messages.map((message) => message.to)
				.sort(),
		).toEqual(recipients(3).map((item) => item.to));
		expect(jsonOf(retried, 0).map((item) => item.replayed ?? false)).toEqual([true, true, false]);
		const keys = posts(sim()).map((request) => String(request.headers['idempotency-key']));
		expect(keys.slice(3)).toEqual(keys.slice(0, 3));
	});

	test('Send: Offline is the second output, and a device that is not connected still goes there', async () => {
		const result = await v2({
			parameters: send({ deviceId: { __rl: true, mode: 'id', value: 'dev_789' } }),
			credentials: credentials(demoKeys.growth),
			items: recipients(1),
		});
		expect(result.error).toBeUndefined();
		expect(counts(result)).toEqual([0, 1]);
		expect(jsonOf(result, 1)[0]).toMatchObject({ deviceId: 'dev_789', connected: false });
	});

	test('On Error "Continue (using regular output)": each item carries the error on Success', async () => {
		const result = await v2({
			parameters: deviceStatus,
			credentials: credentials(demoKeys.revoked),
			items: [{}, {}],
			onError: 'continueRegularOutput',
		});
		expect(result.run.status).not.toBe('error');
		expect(counts(result)).toEqual([2]);
		expect(jsonOf(result, 0)[0]).toEqual({
			error: UNAUTHORIZED_MESSAGE,
			details: { description: `${UNAUTHORIZED_DESCRIPTION} ${BRANCH_WORDS}` },
		});
		expect(pairedOf(result, 0)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	test('On Error "Continue (using error output)": each item goes to the Error output', async () => {
		const result = await v2({
			parameters: deviceStatus,
			credentials: credentials(demoKeys.revoked),
			items: [{}, {}],
			onError: 'continueErrorOutput',
		});
		expect(result.run.status).not.toBe('error');
		expect(counts(result)).toEqual([0, 2]);
		expect(jsonOf(result, 1)[0]).toMatchObject({ error: UNAUTHORIZED_MESSAGE });
		expect(pairedOf(result, 1)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('version 2, "Send Down Their Own Outputs", and version 1: the branches as before', () => {
	test.each([2, 1])(
		'version %d: a revoked key goes to Bad Key, the execution succeeds',
		async (version) => {
			const result = await runWaping({
				typeVersion: version,
				parameters: version === 2 ? { ...deviceStatus, badKeyAndDenied: 'outputs' } : deviceStatus,
				credentials: credentials(demoKeys.revoked),
			});
			expect(result.error).toBeUndefined();
			expect(result.run.status).not.toBe('error');
			expect(counts(result)).toEqual([0, 1, 0]);
			expect(jsonOf(result, 1)[0]).toMatchObject({
				message: UNAUTHORIZED_MESSAGE,
				description: UNAUTHORIZED_DESCRIPTION,
			});
		},
	);

	test('version 2 with outputs: Send keeps four outputs, a Free workspace goes to Denied', async () => {
		const result = await v2({
			parameters: send({ badKeyAndDenied: 'outputs' }),
			credentials: credentials(demoKeys.free),
			items: recipients(2),
		});
		expect(result.error).toBeUndefined();
		expect(counts(result)).toEqual([0, 0, 2, 0]);
		expect(sim().messages).toHaveLength(0);
	});
});
