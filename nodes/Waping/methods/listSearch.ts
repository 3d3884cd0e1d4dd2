import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { WapingClient } from '../../shared/client';
import { explain } from '../../shared/explanations';
import { DEFAULT_RETRY_POLICY } from '../../shared/transport/retry';

/** The editor's device picker: the workspace's devices with their session state, filtered as the user types. */
export async function searchDevices(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	// The picker answers while the user waits: one try, a short timeout.
	const policy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 1, timeoutMs: 10_000 };
	const client = await WapingClient.connect(this, policy);
	const outcome = await client.listDevices();
	if (!outcome.ok) {
		const explanation = explain(outcome.failure, outcome.attempts, 'list devices');
		throw new NodeOperationError(this.getNode(), explanation.message, {
			description: explanation.description,
		});
	}
	const needle = (filter ?? '').trim().toLowerCase();
	const results = outcome.value.devices
		.filter(
			(device) =>
				needle === '' || device.id.toLowerCase().includes(needle) || device.state.includes(needle),
		)
		.map((device) => ({ name: `${device.id} (${device.state})`, value: device.id }));
	return { results };
}
