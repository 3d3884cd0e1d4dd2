/**
 * Which left-out changes the trigger makes n8n save (mustBeSaved), checked against every case: a
 * left-out change must be saved exactly when some later state of the device would be reported
 * differently after a restart (compared with the baseline saved before the change) than without
 * one. Pure functions, every filter, every pair of states.
 */
import type { Baseline, Becomes, DeviceEvent } from '../nodes/WapingTrigger/changes';
import {
	BECOMES,
	changesBetween,
	EVENTS,
	mustBeSaved,
	selectChanges,
} from '../nodes/WapingTrigger/changes';

/** A device's possible states: absent (undefined), each known status, and two WAPing never documented. */
const STATES: Array<string | undefined> = [
	undefined,
	'connected',
	'degraded',
	'disconnected',
	'unlinked',
	'QR_PENDING',
	'offline',
];

const baseline = (status: string | undefined): Baseline => ({
	version: 1,
	source: 's',
	devices: status === undefined ? [] : [{ id: 'dev', status }],
	recordedAt: '',
});

const reported = (
	from: string | undefined,
	to: string | undefined,
	events: ReadonlySet<DeviceEvent>,
	becomes: Becomes,
) => selectChanges(changesBetween(baseline(from), baseline(to), ''), events, becomes).length;

const eventSets: Array<Set<DeviceEvent>> = [];
for (let mask = 1; mask < 1 << EVENTS.length; mask++)
	eventSets.push(new Set(EVENTS.filter((_, i) => mask & (1 << i))));

test('a left-out change is saved exactly when a restart without it could report a later state differently', () => {
	let cases = 0;
	let saved = 0;
	for (const events of eventSets)
		for (const becomes of BECOMES)
			for (const before of STATES)
				for (const after of STATES) {
					const all = changesBetween(baseline(before), baseline(after), '');
					if (all.length === 0 || selectChanges(all, events, becomes).length > 0) continue;
					// A left-out change: does any later state tell the two baselines apart?
					const matters = STATES.some(
						(later) =>
							reported(before, later, events, becomes) !== reported(after, later, events, becomes),
					);
					const rule = all.some((change) => mustBeSaved(change, events, becomes));
					expect({ events: [...events], becomes, before, after, rule }).toEqual({
						events: [...events],
						becomes,
						before,
						after,
						rule: matters,
					});
					cases++;
					if (rule) saved++;
				}
	// Not a vacuous check: both kinds occur.
	expect(cases).toBeGreaterThan(100);
	expect(saved).toBeGreaterThan(0);
	expect(saved).toBeLessThan(cases);
});
