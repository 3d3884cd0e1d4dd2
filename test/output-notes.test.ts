/**
 * The warning in the output pane when items went to Denied names the fix, as Bad Key's does: the
 * plan (upgrade to Starter or above) or the key's permission (a key that may read devices, or send).
 */
import type { INodeParameters } from 'n8n-workflow';

import { demoKeys } from '../simulator';
import { runWaping } from './harness/run';
import { counts, useSimulator } from './helpers';

const sim = useSimulator();
const credentials = (apiKey: string) => ({ apiKey, baseUrl: sim().url });

async function note(apiKey: string, parameters: INodeParameters): Promise<unknown> {
	const result = await runWaping({ parameters, credentials: credentials(apiKey), items: [{}] });
	expect(counts(result)[2]).toBe(1);
	return result.task?.hints;
}

test('a Free workspace: upgrade to Starter or above', async () => {
	expect(await note(demoKeys.free, { resource: 'device', operation: 'getAll' })).toEqual([
		{
			message:
				'1 item went to "Denied": the workspace\'s plan has no API access: upgrade it to Starter or above.',
			type: 'warning',
			location: 'outputPane',
		},
	]);
});

test('a key that may not read devices: a key that may read devices', async () => {
	expect(await note(demoKeys.sendOnly, { resource: 'device', operation: 'getAll' })).toEqual([
		expect.objectContaining({
			message:
				'1 item went to "Denied": the API key lacks a permission: use a key that may read devices.',
		}),
	]);
});

test('Send with a key that may not read devices: a key that may send and read devices, or Only When Connected off', async () => {
	const hints = await note(demoKeys.sendOnly, {
		resource: 'message',
		operation: 'send',
		deviceId: { __rl: true, mode: 'id', value: 'dev_123' },
		to: '+15551234567',
		text: 'Hello',
	});
	expect(hints).toEqual([
		expect.objectContaining({
			message:
				'1 item went to "Denied": the API key lacks a permission: use a key that may send messages and read devices (or, for a key that may only send, turn off "Only When Connected" in the Options).',
		}),
	]);
});
