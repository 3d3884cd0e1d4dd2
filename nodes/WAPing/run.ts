import type { IExecuteFunctions } from 'n8n-workflow';

import { DEVICES_PATH } from './assumptions';
import type { Connection } from './connection';
import type { DeviceList } from './devices';
import { parseDeviceList } from './devices';
import type { RetryPolicy } from './retry';
import type { Clock, Outcome } from './transport';
import { getJson, realClock } from './transport';

/** A short, safe description of a body that is not a device list. */
function shapeOf(body: unknown): string {
	if (typeof body === 'string') {
		const start = body.trim().slice(0, 40).replace(/\s+/g, ' ');
		return start === '' ? 'an empty body' : `text, not JSON (it starts "${start}")`;
	}
	if (Array.isArray(body)) return 'a list';
	if (body === null || body === undefined) return 'an empty body';
	if (typeof body === 'object') return `JSON without a "data" list of devices (keys: ${Object.keys(body).slice(0, 5).join(', ') || 'none'})`;
	return `a ${typeof body}`;
}

/**
 * State of one node run, gone when the run ends: the device list is fetched once per credential
 * and shared by every item, so N items cost one request (also when it fails).
 */
export class WapingRun {
	private readonly lists = new Map<string, Promise<Outcome<DeviceList>>>();

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly clock: Clock = realClock,
	) {}

	async devices(connection: Connection, policy: RetryPolicy): Promise<Outcome<DeviceList>> {
		const key = `${connection.baseUrl}\n${connection.apiKey}`;
		let pending = this.lists.get(key);
		if (!pending) {
			pending = this.fetchDevices(connection, policy);
			this.lists.set(key, pending);
		}
		return await pending;
	}

	private async fetchDevices(connection: Connection, policy: RetryPolicy): Promise<Outcome<DeviceList>> {
		const outcome = await getJson(this.ctx, connection, DEVICES_PATH, policy, this.clock);
		if (!outcome.ok) return outcome;
		const list = parseDeviceList(outcome.value);
		if (list) return { ok: true, value: list, attempts: outcome.attempts };
		return {
			ok: false,
			attempts: outcome.attempts,
			failure: { kind: 'badAnswer', statusCode: 200, code: 'UNEXPECTED_ANSWER', detail: `the device list was ${shapeOf(outcome.value)}` },
		};
	}
}
