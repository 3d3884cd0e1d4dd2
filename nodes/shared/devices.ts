import type { IDataObject } from 'n8n-workflow';

import { DEVICE_LIST_FIELD, KNOWN_DEVICE_STATES, SENDABLE_STATE } from './assumptions';
import type { Redact } from './redact';

export type DeviceState = (typeof KNOWN_DEVICE_STATES)[number] | 'unknown';

/** A device as the node reports it: the API's own fields, then ours on top. */
export interface Device extends IDataObject {
	id: string;
	/** The status string exactly as the API gave it (null when it gave none). */
	status: string | null;
	state: DeviceState;
	connected: boolean;
}

export interface DeviceList {
	/**
	 * Each device once, in the order of the answer. Of the entries of a repeated id, the one in the
	 * best state counts (see betterEntry), whatever their order, so that a list that repeats an id
	 * in another order each time does not look like a change.
	 */
	devices: Device[];
	byId: Map<string, Device>;
	/** Entries of the answer that were not devices (no id), left out. */
	skipped: number;
	/** Entries that repeated an id already listed, left out. */
	duplicates: number;
}

export function normaliseState(status: unknown): DeviceState {
	if (typeof status !== 'string') return 'unknown';
	const state = status.trim().toLowerCase();
	return (KNOWN_DEVICE_STATES as readonly string[]).includes(state)
		? (state as DeviceState)
		: 'unknown';
}

/**
 * A device id as the node compares it: without the spaces around it. The Device ID a user gives is
 * trimmed the same way, so " dev_9 " in WAPing's list and "dev_9" are one device.
 */
export function trimDeviceId(id: string): string {
	return id.trim();
}

/** Best first: the state a device can send in, then the ones closest to it; unknown statuses last. */
const STATE_RANK: readonly DeviceState[] = [...KNOWN_DEVICE_STATES, 'unknown'];

/**
 * Which of two entries for one device id counts: the one in the better state (connected, degraded,
 * disconnected, unlinked, unknown), then the status first in code-point order. It does not depend
 * on which entry the answer lists first. The better state, because a device one of whose entries
 * is connected can send (WAPing decides per message, and the node classifies its answer).
 */
export function betterEntry<T extends { status: string | null }>(a: T, b: T): T {
	const rank = (entry: T) => STATE_RANK.indexOf(normaliseState(entry.status));
	if (rank(a) !== rank(b)) return rank(a) < rank(b) ? a : b;
	const sa = a.status ?? '';
	const sb = b.status ?? '';
	return sb < sa ? b : a;
}

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * n8n reads a top-level `error` on a success item as a failure: Retry On Fail re-runs the node when
 * the first item has one. A device field of that name (say, a session error the API reports) is kept
 * under this name instead.
 */
export const DEVICE_ERROR_FIELD = 'apiError';

/**
 * One device from the raw answer. `state` and `connected`, which workflows branch on, are worked out
 * from the status as WAPing sent it; every text the API sent is then scrubbed of the key, so a key
 * that happened to appear in a status cannot turn a connected device into an unknown one.
 */
function normaliseDevice(raw: unknown, redact: Redact): Device | undefined {
	if (!isObject(raw)) return undefined;
	const rawId = typeof raw.id === 'number' && Number.isFinite(raw.id) ? String(raw.id) : raw.id;
	if (typeof rawId !== 'string' || rawId.trim() === '') return undefined;
	const state = normaliseState(raw.status);
	const { error, ...fields } = redact(raw);
	if (error !== undefined && !(DEVICE_ERROR_FIELD in fields)) fields[DEVICE_ERROR_FIELD] = error;
	const status = typeof fields.status === 'string' ? fields.status : null;
	return { ...fields, id: redact(rawId), status, state, connected: state === SENDABLE_STATE };
}

/** The device list out of a 2xx answer, or undefined when the answer holds no list at all. */
export function parseDeviceList(
	body: unknown,
	redact: Redact = (value) => value,
): DeviceList | undefined {
	const list = Array.isArray(body) ? body : isObject(body) ? body[DEVICE_LIST_FIELD] : undefined;
	if (!Array.isArray(list)) return undefined;
	const devices: Device[] = [];
	const byId = new Map<string, Device>();
	// Where each id stands in `devices`: a list repeating ids costs no search per repeat.
	const position = new Map<string, number>();
	let duplicates = 0;
	for (const raw of list) {
		const device = normaliseDevice(raw, redact);
		if (!device) continue;
		const at = position.get(device.id);
		if (at !== undefined) {
			duplicates++;
			// The entry that counts takes the first entry's place in the list.
			const kept = betterEntry(devices[at], device);
			devices[at] = kept;
			byId.set(device.id, kept);
			continue;
		}
		position.set(device.id, devices.length);
		devices.push(device);
		byId.set(device.id, device);
	}
	// The node trims the Device ID it is given; an id the API padded with spaces still matches,
	// unless another device has exactly that id.
	for (const device of devices) {
		const trimmed = trimDeviceId(device.id);
		if (!byId.has(trimmed)) byId.set(trimmed, device);
	}
	return { devices, byId, skipped: list.length - devices.length - duplicates, duplicates };
}
