import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { WapingClient } from '../../shared/client';
import { apiError } from '../../shared/errors';
import { BY_ID_MEANWHILE, explain } from '../../shared/explanations';
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
		// An API error: n8n's REST answer carries only its description and HTTP code to the editor,
		// which shows them under "Could not load list" (with "Check your credential" on a 401/403).
		throw apiError(this.getNode(), outcome.failure, {
			message: explanation.message,
			description: `${explanation.description} ${BY_ID_MEANWHILE}`,
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
