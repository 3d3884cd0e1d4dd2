/**
 * The Device field's list (listSearch searchDevices) as n8n's editor loads it, through n8n-core's
 * LoadOptionsContext: the devices with their states, and when the list cannot load, an API error
 * (n8n's REST answer carries only a NodeApiError's description and HTTP code to the editor, which
 * shows them under "Could not load list") that says what to do and that "By ID" works meanwhile.
 */
import { NodeApiError } from 'n8n-workflow';

import { demoKeys } from '../simulator';
import { searchDeviceList } from './harness/run';
import { closedPort, useSimulator } from './helpers';

const sim = useSimulator();
const BY_ID =
	'Meanwhile, switch the Device field to "By ID" and type the device\'s ID (e.g. dev_123): the node does not need this list to run.';

/** What n8n's REST error answer holds for the editor (packages/cli response-helper, 2.41 and 1.123). */
function restAnswer(error: Error | undefined): Record<string, unknown> {
	expect(error).toBeInstanceOf(NodeApiError);
	return { ...Object.assign({}, error), message: error?.message };
}

test('the devices of the workspace, each with its state', async () => {
	const { result, error } = await searchDeviceList({ apiKey: demoKeys.growth, baseUrl: sim().url });
	expect(error).toBeUndefined();
	expect(result?.results).toEqual(
		expect.arrayContaining([
			{ name: 'dev_123 (connected)', value: 'dev_123' },
			{ name: 'dev_789 (disconnected)', value: 'dev_789' },
		]),
	);
});

test('a revoked key: what to do, and that By ID works meanwhile, as the editor receives it', async () => {
	const { error } = await searchDeviceList({ apiKey: demoKeys.revoked, baseUrl: sim().url });
	const answer = restAnswer(error);
	expect(answer).toMatchObject({
		name: 'NodeApiError',
		httpCode: '401',
		message:
			'WAPing did not accept the API key (HTTP 401 UNAUTHORIZED). WAPing said: "API key has been revoked."',
		description: `The key is missing, mistyped or revoked. Copy a valid key from the WAPing dashboard (Settings → API keys) into the WAPing credential. Retrying will not help. ${BY_ID}`,
	});
	expect(JSON.stringify(answer)).not.toContain(demoKeys.revoked);
});

test('a key that may not read devices: names the permission, and By ID', async () => {
	const { error } = await searchDeviceList({ apiKey: demoKeys.sendOnly, baseUrl: sim().url });
	const answer = restAnswer(error);
	expect(answer.httpCode).toBe('403');
	expect(answer.description).toMatch(/with permission to read devices\./);
	expect(answer.description).toMatch(/By ID/);
});

test('WAPing unreachable: what to check, and By ID', async () => {
	const port = await closedPort();
	const { error } = await searchDeviceList({
		apiKey: demoKeys.growth,
		baseUrl: `http://127.0.0.1:${port}`,
	});
	const answer = restAnswer(error);
	expect(answer.message).toMatch(/^Could not reach WAPing: the connection was refused/);
	expect(String(answer.description).endsWith(BY_ID)).toBe(true);
});
