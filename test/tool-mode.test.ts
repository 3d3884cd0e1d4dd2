/**
 * Used as an AI agent tool (node type "<package>.wapingTool"), only output 0 reaches the agent: a 401
 * or 403 must come out there, with the same fields, so the agent gets a clear answer.
 */
import { demoKeys } from '../simulator';
import { runWaping } from './harness/run';
import { counts, errorOf, jsonOf, OUTPUT_INDEX, pairedOf, useSimulator } from './helpers';

const sim = useSimulator();
const credentials = (apiKey: string, plan?: string) => ({
	apiKey,
	baseUrl: sim().url,
	...(plan ? { plan } : {}),
});
const deviceStatus = { resource: 'device', operation: 'getStatus', deviceId: 'dev_123' };

test('a 401 reaches the agent on output 0 with its fields', async () => {
	const result = await runWaping({
		parameters: deviceStatus,
		credentials: credentials(demoKeys.revoked),
		asTool: true,
	});
	expect(result.error).toBeUndefined();
	expect(counts(result)).toEqual([1, 0, 0]);
	expect(result.outputs[OUTPUT_INDEX.success]).toEqual([
		{
			json: {
				statusCode: 401,
				code: 'UNAUTHORIZED',
				message:
					'WAPing did not accept the API key (HTTP 401 UNAUTHORIZED). WAPing said: "API key has been revoked."',
				description:
					'The key is missing, mistyped or revoked. Copy a valid key from the WAPing dashboard (Settings → API keys) into the WAPing credential. Retrying will not help.',
				reason: 'credential',
				source: 'api',
				resource: 'device',
				operation: 'getStatus',
				deviceId: 'dev_123',
			},
			pairedItem: { item: 0 },
		},
	]);
	expect(sim().requests).toHaveLength(1);
});

test('a 403 (permission) reaches the agent on output 0 with its reason', async () => {
	const result = await runWaping({
		parameters: deviceStatus,
		credentials: credentials(demoKeys.sendOnly),
		asTool: true,
	});
	expect(counts(result)).toEqual([1, 0, 0]);
	expect(jsonOf(result, OUTPUT_INDEX.success)).toEqual([
		expect.objectContaining({
			statusCode: 403,
			code: 'FORBIDDEN',
			reason: 'permission',
			message: expect.stringMatching(
				/^WAPing denied the request: the key lacks permission to read device status/,
			),
		}),
	]);
});

test('a 403 (Free workspace via the API) on output 0 with reason "plan"', async () => {
	const result = await runWaping({
		parameters: { resource: 'plan', operation: 'check' },
		credentials: credentials(demoKeys.free),
		asTool: true,
	});
	expect(counts(result)).toEqual([1, 0, 0]);
	expect(jsonOf(result, OUTPUT_INDEX.success)[0]).toMatchObject({
		statusCode: 403,
		reason: 'plan',
		source: 'api',
		resource: 'plan',
		operation: 'check',
	});
});

test('the Free plan gate on output 0, with no request', async () => {
	const result = await runWaping({
		parameters: deviceStatus,
		credentials: credentials(demoKeys.growth, 'free'),
		asTool: true,
	});
	expect(counts(result)).toEqual([1, 0, 0]);
	expect(jsonOf(result, OUTPUT_INDEX.success)[0]).toMatchObject({
		statusCode: 403,
		reason: 'plan',
		source: 'credential',
		message: 'The WAPing Free plan has no API access, so the node sent no request',
	});
	expect(sim().requests).toHaveLength(0);
});

test('successes look the same as outside tool mode', async () => {
	const asTool = await runWaping({
		parameters: deviceStatus,
		credentials: credentials(demoKeys.growth),
		asTool: true,
	});
	const plain = await runWaping({
		parameters: deviceStatus,
		credentials: credentials(demoKeys.growth),
	});
	expect(asTool.outputs).toEqual(plain.outputs);
	expect(jsonOf(asTool, OUTPUT_INDEX.success)).toEqual([
		{ id: 'dev_123', status: 'connected', state: 'connected', connected: true },
	]);
});

test('many items with a 401: each on output 0, paired, with its device id', async () => {
	const result = await runWaping({
		parameters: { ...deviceStatus, deviceId: '={{ $json.id }}' },
		credentials: credentials(demoKeys.revoked),
		items: [{ id: 'dev_123' }, { id: 'dev_456' }],
		asTool: true,
	});
	expect(counts(result)).toEqual([2, 0, 0]);
	expect(
		jsonOf(result, OUTPUT_INDEX.success).map((item) => [item.statusCode, item.deviceId]),
	).toEqual([
		[401, 'dev_123'],
		[401, 'dev_456'],
	]);
	expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual([{ item: 0 }, { item: 1 }]);
});

test('other failures are still errors the agent sees as such', async () => {
	const result = await runWaping({
		parameters: { ...deviceStatus, deviceId: 'dev_nope' },
		credentials: credentials(demoKeys.growth),
		asTool: true,
	});
	expect(errorOf(result)).toMatchObject({
		name: 'NodeOperationError',
		message: 'Device "dev_nope" is not linked to this WAPing workspace',
	});
});

test('outside tool mode the same 401 is on output 1, not 0 (the tool routing is what moves it)', async () => {
	const result = await runWaping({
		parameters: deviceStatus,
		credentials: credentials(demoKeys.revoked),
	});
	expect(counts(result)).toEqual([0, 1, 0]);
});

test("an agent sends a message: Device, To and Text filled by $fromAI from the tool call's arguments", async () => {
	// In n8n 2.x a tool call runs the node with the call's arguments as its input item, where $fromAI reads them.
	const result = await runWaping({
		parameters: {
			resource: 'message',
			operation: 'send',
			deviceId: {
				__rl: true,
				mode: 'id',
				value: "={{ $fromAI('device', 'The WAPing device id', 'string') }}",
			},
			to: "={{ $fromAI('to', 'The recipient, with country code', 'string') }}",
			text: "={{ $fromAI('text', 'The message', 'string') }}",
		},
		credentials: credentials(demoKeys.growth),
		items: [
			{
				device: 'dev_123',
				to: '+44 20 7946 0958',
				text: 'Your table is ready.',
				toolCallId: 'call_1',
			},
		],
		asTool: true,
	});
	expect(result.error).toBeUndefined();
	expect(counts(result)).toEqual([1, 0, 0, 0]);
	expect(jsonOf(result, OUTPUT_INDEX.success)[0]).toMatchObject({
		status: 'queued',
		deviceId: 'dev_123',
		to: '+442079460958',
	});
	expect(sim().messages.map((m) => [m.deviceId, m.to, m.text])).toEqual([
		['dev_123', '+442079460958', 'Your table is ready.'],
	]);
});

test('an agent sends through a device that is not connected: the Offline item comes back on output 0', async () => {
	const result = await runWaping({
		parameters: {
			resource: 'message',
			operation: 'send',
			deviceId: { __rl: true, mode: 'id', value: "={{ $fromAI('device') }}" },
			to: "={{ $fromAI('to') }}",
			text: "={{ $fromAI('text') }}",
		},
		credentials: credentials(demoKeys.growth),
		items: [{ device: 'dev_789', to: '+15551234567', text: 'Hello' }],
		asTool: true,
	});
	expect(counts(result)).toEqual([1, 0, 0, 0]);
	expect(jsonOf(result, OUTPUT_INDEX.success)[0]).toMatchObject({
		code: 'DEVICE_NOT_CONNECTED',
		state: 'disconnected',
	});
	expect(sim().messages).toHaveLength(0);
});
