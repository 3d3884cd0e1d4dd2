import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { WapingClient } from '../shared/client';
import { explain } from '../shared/explanations';
import { DEFAULT_RETRY_POLICY } from '../shared/transport/retry';

/** The Devices filter's list: the workspace's devices (GET /v1/devices) with their session state. */
export async function getDevices(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	// The list answers while the user waits: one try, a short timeout.
	const client = await WapingClient.connect(this, {
		...DEFAULT_RETRY_POLICY,
		maxAttempts: 1,
		timeoutMs: 10_000,
	});
	const outcome = await client.listDevices();
	if (!outcome.ok) {
		const explanation = explain(outcome.failure, outcome.attempts, 'list devices');
		throw new NodeOperationError(this.getNode(), explanation.message, {
			description: explanation.description,
		});
	}
	return outcome.value.devices.map((device) => ({
		name: `${device.id} (${device.state})`,
		value: device.id,
	}));
}
