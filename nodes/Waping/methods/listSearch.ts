import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { connectionOf, CREDENTIAL_TYPE } from '../connection';
import { explain } from '../explanations';
import { redactor } from '../redact';
import { DEFAULT_RETRY_POLICY } from '../transport/retry';
import { realClock } from '../transport/clock';
import { fetchDevices } from '../transport/deviceList';

/** The editor's device picker: the workspace's devices with their session state, filtered as the user types. */
export async function searchDevices(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const connection = connectionOf(this.getNode(), await this.getCredentials(CREDENTIAL_TYPE));
	// The picker answers while the user waits: one try, a short timeout.
	const policy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 1, timeoutMs: 10_000 };
	const outcome = await fetchDevices(
		this,
		connection,
		policy,
		realClock,
		redactor(connection.apiKey),
	);
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
