/**
 * What the WAPing Trigger compares from one poll to the next: the workspace's devices as last seen
 * (the baseline, kept in n8n's workflow static data), and the changes between that and the device
 * list just read. Pure functions: no request, no n8n context, no state of their own.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Device, DeviceState } from '../shared/devices';
import { betterEntry, normaliseState, trimDeviceId } from '../shared/devices';

export const EVENTS = ['sessionChanged', 'deviceLinked', 'deviceRemoved'] as const;
export type DeviceEvent = (typeof EVENTS)[number];

/** "Only When It Becomes": every change, or only those after which the device is (not) connected. */
export const BECOMES = ['any', 'connected', 'notConnected'] as const;
export type Becomes = (typeof BECOMES)[number];

/** The event of a Fetch Test Event item: a device as it is now, not a change. */
export const SAMPLE_EVENT = 'sample';

/** Statuses are kept up to this length: WAPing's are short words; a longer one is cut, on both sides of a comparison. */
const STATUS_KEPT = 256;

/** Bumped when the stored shape changes: a baseline of another version is recorded again, silently. */
const BASELINE_VERSION = 1;

/** One device as the baseline keeps it: its id and the status WAPing sent (the state is worked out again from it). */
export interface SeenDevice {
	id: string;
	status: string | null;
}

/** What the trigger stores in the node's static data between polls. Plain JSON. */
export interface Baseline {
	version: number;
	/** Which credential and API the devices were read with: another one starts a new baseline. */
	source: string;
	devices: SeenDevice[];
	/** When this baseline was recorded (ISO), for people reading the static data. */
	recordedAt: string;
}

/** One change, as the trigger emits it: one item per change. */
export interface Change extends IDataObject {
	event: DeviceEvent | typeof SAMPLE_EVENT;
	deviceId: string;
	previousState: DeviceState | null;
	state: DeviceState | null;
	/** Whether the device can send now: only a connected session can (false for a removed device). */
	connected: boolean;
	/** The status as WAPing sent it now (null for a removed device, or when it sent none). */
	status: string | null;
	/** The status as WAPing sent it at the last poll (null for a newly linked device). */
	previousStatus: string | null;
	detectedAt: string;
}

function kept(status: unknown): string | null {
	return typeof status === 'string' ? status.slice(0, STATUS_KEPT) : null;
}

/**
 * What a comparison looks at: the normalised state, so that "Connected" and "connected" are the same
 * session; for a status the node does not know, the status itself (trimmed, any case), so that a
 * WAPing status outside the documented four still shows its changes instead of staying "unknown".
 */
function comparable(status: string | null): string {
	const state = normaliseState(status);
	return state === 'unknown' ? `unknown:${(status ?? '').trim().toLowerCase()}` : state;
}

/**
 * Each device once, by its id as the node trims it (trimDeviceId), so " dev_9 " and "dev_9" are one
 * device; of two entries for one id, the one betterEntry picks, whatever their order. In the order
 * of the list, each id where it first appears.
 */
function oncePerId(devices: ReadonlyArray<{ id: string; status: string | null }>): SeenDevice[] {
	const byId = new Map<string, SeenDevice>();
	for (const device of devices) {
		const entry = { id: trimDeviceId(device.id), status: kept(device.status) };
		const seen = byId.get(entry.id);
		byId.set(entry.id, seen ? betterEntry(seen, entry) : entry);
	}
	return [...byId.values()];
}

/** The baseline for a device list just read. */
export function snapshot(devices: readonly Device[], source: string, now: Date): Baseline {
	return {
		version: BASELINE_VERSION,
		source,
		devices: oncePerId(devices),
		recordedAt: now.toISOString(),
	};
}

function isSeenDevice(value: unknown): value is SeenDevice {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	const { id, status } = value as IDataObject;
	return typeof id === 'string' && (status === null || typeof status === 'string');
}

/**
 * The stored baseline, when it is one this trigger can compare with: of this version and from the
 * same credential and API. Anything else (nothing stored yet, another credential, a shape this
 * version does not know) gives undefined: the poll records a new baseline and reports nothing.
 */
export function readBaseline(stored: unknown, source: string): Baseline | undefined {
	if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return undefined;
	const baseline = stored as IDataObject;
	if (baseline.version !== BASELINE_VERSION || baseline.source !== source) return undefined;
	const devices = baseline.devices;
	if (!Array.isArray(devices) || !devices.every(isSeenDevice)) return undefined;
	return {
		version: BASELINE_VERSION,
		source,
		devices: oncePerId(devices as SeenDevice[]),
		recordedAt: typeof baseline.recordedAt === 'string' ? baseline.recordedAt : '',
	};
}

/** Whether two baselines hold the same devices in the same states (then the stored one is kept as it is). */
export function sameDevices(a: Baseline, b: Baseline): boolean {
	if (a.devices.length !== b.devices.length) return false;
	const before = new Map(a.devices.map((device) => [device.id, device.status]));
	return b.devices.every(
		(device) => before.has(device.id) && before.get(device.id) === device.status,
	);
}

/**
 * Every change from `before` to `after`: devices whose session changed and devices linked since, in
 * the order of the answer, then devices removed since, in the order they were seen.
 */
export function changesBetween(before: Baseline, after: Baseline, detectedAt: string): Change[] {
	const previous = new Map(before.devices.map((device) => [device.id, device]));
	const changes: Change[] = [];
	for (const device of after.devices) {
		const state = normaliseState(device.status);
		const connected = state === 'connected';
		const seen = previous.get(device.id);
		if (!seen) {
			changes.push({
				event: 'deviceLinked',
				deviceId: device.id,
				previousState: null,
				state,
				connected,
				status: device.status,
				previousStatus: null,
				detectedAt,
			});
		} else if (comparable(seen.status) !== comparable(device.status)) {
			changes.push({
				event: 'sessionChanged',
				deviceId: device.id,
				previousState: normaliseState(seen.status),
				state,
				connected,
				status: device.status,
				previousStatus: seen.status,
				detectedAt,
			});
		}
	}
	const current = new Set(after.devices.map((device) => device.id));
	for (const seen of before.devices) {
		if (current.has(seen.id)) continue;
		changes.push({
			event: 'deviceRemoved',
			deviceId: seen.id,
			previousState: normaliseState(seen.status),
			state: null,
			connected: false,
			status: null,
			previousStatus: seen.status,
			detectedAt,
		});
	}
	return changes;
}

/** The changes the user asked for: the chosen events, and "Only When It Becomes". */
export function selectChanges(
	changes: readonly Change[],
	events: ReadonlySet<DeviceEvent>,
	becomes: Becomes,
): Change[] {
	return changes.filter(
		(change) =>
			events.has(change.event as DeviceEvent) &&
			(becomes === 'any' || (becomes === 'connected' ? change.connected : !change.connected)),
	);
}

/**
 * Whether a change the filters left out must still be saved by n8n. n8n saves the baseline only
 * when a poll starts an execution (or at activation); one left unsaved is lost on a restart, and
 * the next poll then compares with the baseline saved before. That loses nothing when the change is
 * harmless: when, for every state the device can be in later, the older baseline and the new one
 * lead to the same report. It is not harmless when
 * - the change back would be reported (a drop left out by Only When It Becomes = Connected: after a
 *   restart, the reconnect would look like no change), or
 * - a device appeared or disappeared and Events holds only one of Device Linked and Session Changed
 *   (the device's next change would be a link compared with one baseline, a session change compared
 *   with the other), unless no later state can pass Only When It Becomes and differ from its state.
 * For a change between two states of a device present in both, the later states other than the
 * first one are reported the same from both baselines (the event and the new state decide), so the
 * change back is the only case.
 */
export function mustBeSaved(
	change: Change,
	events: ReadonlySet<DeviceEvent>,
	becomes: Becomes,
): boolean {
	if (
		change.event !== 'sessionChanged' &&
		events.has('deviceLinked') !== events.has('sessionChanged')
	) {
		// A later state other than the device's state when present is reported from one baseline
		// only, unless Only When It Becomes = Connected and that state is connected (no other state
		// both passes the filter and differs from it).
		const present = change.event === 'deviceLinked' ? change.state : change.previousState;
		if (becomes !== 'connected' || present !== 'connected') return true;
	}
	return selectChanges([reversal(change)], events, becomes).length > 0;
}

/** The change that would undo `change`: its device back as it was. */
function reversal(change: Change): Change {
	const state = change.previousState;
	const back: Change['event'] =
		change.event === 'deviceLinked'
			? 'deviceRemoved'
			: change.event === 'deviceRemoved'
				? 'deviceLinked'
				: 'sessionChanged';
	return {
		...change,
		event: back,
		previousState: change.state,
		state,
		connected: state === 'connected',
		status: change.previousStatus,
		previousStatus: change.status,
	};
}

/** Fetch Test Event: every device as it is now, in the shape of a change, for mapping fields. */
export function samples(devices: readonly Device[], detectedAt: string): Change[] {
	return devices.map((device) => ({
		event: SAMPLE_EVENT,
		deviceId: device.id,
		previousState: null,
		state: device.state,
		connected: device.connected,
		status: kept(device.status),
		previousStatus: null,
		detectedAt,
	}));
}

/** The device id of a made-up sample: no device of the workspace has it. */
export const MADE_UP_DEVICE = 'sample';

/**
 * Fetch Test Event: the devices a chosen event could be about now, as samples (Only When It Becomes
 * applied to their state; a removal is about no present device). When none matches, one made-up
 * sample shaped like the first chosen event that can pass the filter, so the user still maps the
 * fields they will get. Every item's event is "sample".
 */
export function testEvents(
	devices: readonly Device[],
	events: ReadonlySet<DeviceEvent>,
	becomes: Becomes,
	detectedAt: string,
): Change[] {
	const present = events.has('sessionChanged') || events.has('deviceLinked');
	const matching = present
		? samples(devices, detectedAt).filter(
				(item) => becomes === 'any' || (becomes === 'connected') === item.connected,
			)
		: [];
	if (matching.length > 0) return matching;
	const connected = becomes === 'connected';
	// A removed device is never connected: with Connected, a removal cannot pass, unless it is all there is.
	const shaped =
		EVENTS.find((event) => events.has(event) && !(connected && event === 'deviceRemoved')) ??
		'deviceRemoved';
	const made = (previous: DeviceState | null, state: DeviceState | null): Change => ({
		event: SAMPLE_EVENT,
		deviceId: MADE_UP_DEVICE,
		previousState: previous,
		state,
		connected: state === 'connected',
		status: state,
		previousStatus: previous,
		detectedAt,
	});
	if (shaped === 'deviceRemoved') return [made('connected', null)];
	const state: DeviceState = connected || becomes === 'any' ? 'connected' : 'disconnected';
	if (shaped === 'deviceLinked') return [made(null, state)];
	return [made(state === 'connected' ? 'disconnected' : 'connected', state)];
}
