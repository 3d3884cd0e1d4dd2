import type { IExecuteFunctions } from 'n8n-workflow';

import { DEVICE_LIST_FIELD, DEVICES_PATH } from './assumptions';
import type { Connection } from './connection';
import type { DeviceList } from './devices';
import { parseDeviceList } from './devices';
import type { RetryPolicy } from './retry';
import type { Clock, Outcome } from './transport';
import { getJson, realClock } from './transport';

/** A short, safe description of a body that is not a device list. */
function shapeOf(body: unknown): string {
	if (typeof body === 'string') {
		const start = body
			.trimStart()
			.slice(0, 200)
			.replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
			.trim()
			.slice(0, 40);
		return start === '' ? 'an empty body' : `text, not JSON (it starts "${start}")`;
	}
	if (Array.isArray(body)) return 'a list';
	if (body === null || body === undefined) return 'an empty body';
	if (typeof body === 'object') {
		const keys = Object.keys(body)
			.slice(0, 5)
			.map((key) => key.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '').slice(0, 30));
		return `JSON without a "${DEVICE_LIST_FIELD}" list of devices (keys: ${keys.join(', ') || 'none'})`;
	}
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
		const { attempts, waitedMs } = outcome;
		const list = parseDeviceList(outcome.value);
		if (!list) {
			return {
				ok: false,
				attempts,
				waitedMs,
				failure: { kind: 'badAnswer', statusCode: 200, code: 'UNEXPECTED_ANSWER', detail: `the device list was ${shapeOf(outcome.value)}` },
			};
		}
		if (list.skipped > 0) {
			this.ctx.logger.warn('WAPing device list had entries without an id; they were left out', { skipped: list.skipped });
		}
		if (attempts > 1) this.hint(`WAPing answered after ${attempts} attempts (waited ${Math.round(waitedMs)} ms in all).`);
		return { ok: true, value: list, attempts, waitedMs };
	}

	/**
	 * Success items stay pure data; that a read needed retries is told in the output pane instead
	 * (on n8n versions that have execution hints).
	 */
	private hint(message: string): void {
		const ctx = this.ctx as IExecuteFunctions & { addExecutionHints?: IExecuteFunctions['addExecutionHints'] };
		if (typeof ctx.addExecutionHints === 'function') ctx.addExecutionHints({ message, location: 'outputPane' });
	}
}
