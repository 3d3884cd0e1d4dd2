/** The workspace's device list: the one documented read, shared by the node's reads, Send's check and the trigger. */
import { DEVICE_LIST_FIELD, DEVICES_PATH, MAX_ANSWER_BYTES } from '../assumptions';
import type { Connection } from '../connection';
import type { DeviceList } from '../devices';
import { parseDeviceList } from '../devices';
import type { Redact } from '../redact';
import type { RetryPolicy } from './retry';
import type { Clock } from './clock';
import type { ApiContext, Outcome } from './request';
import { callApi } from './request';

const CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** A short, safe description of a body that is not a device list (it was scrubbed of the key first). */
export function shapeOf(body: unknown): string {
	if (typeof body === 'string') {
		const start = body
			.trimStart()
			.slice(0, 200)
			.replace(CONTROL, ' ')
			.replace(/\s+/g, ' ')
			.trim()
			.slice(0, 40);
		return start === '' ? 'an empty body' : `text, not JSON (it starts "${start}")`;
	}
	if (Array.isArray(body)) return 'a list';
	if (body === null || body === undefined) return 'an empty body';
	if (typeof body === 'object') {
		const keys = Object.keys(body)
			.slice(0, 5)
			.map((key) => key.replace(CONTROL, '').slice(0, 30));
		return `JSON without a "${DEVICE_LIST_FIELD}" list of devices (keys: ${keys.join(', ') || 'none'})`;
	}
	return `a ${typeof body}`;
}

/** GET /v1/devices, with retries: the list (its texts scrubbed of the key), or the classified failure. */
export async function fetchDevices(
	ctx: ApiContext,
	connection: Connection,
	policy: RetryPolicy,
	clock: Clock,
	redact: Redact,
): Promise<Outcome<DeviceList>> {
	const outcome = await callApi(
		ctx,
		connection,
		{ method: 'GET', path: DEVICES_PATH, maxBytes: MAX_ANSWER_BYTES.devices },
		policy,
		clock,
		undefined,
		redact,
	);
	if (!outcome.ok) return outcome;
	const { attempts, waitedMs, headers } = outcome;
	const list = parseDeviceList(outcome.value, redact);
	if (!list) {
		return {
			ok: false,
			attempts,
			waitedMs,
			failure: {
				kind: 'badAnswer',
				statusCode: 200,
				code: 'UNEXPECTED_ANSWER',
				detail: `the device list was ${shapeOf(redact(outcome.value))}`,
			},
		};
	}
	if (list.skipped > 0 || list.duplicates > 0) {
		ctx.logger.warn(
			'WAPing device list had entries without an id or with a repeated id; they were left out',
			{
				skipped: list.skipped,
				duplicates: list.duplicates,
			},
		);
	}
	return { ok: true, value: list, headers, attempts, waitedMs };
}
