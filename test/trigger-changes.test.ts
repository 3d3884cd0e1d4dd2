/**
 * WAPing Trigger, what it reports: the trigger runs as n8n runs an active polling workflow (n8n-core's
 * ActiveWorkflowTriggers at activation, then the cron's PollTriggerExecutor call for each poll,
 * static data kept in memory and saved when n8n saves it), against the simulator on 127.0.0.1 whose
 * devices the tests change between polls.
 */
import type { IDataObject } from 'n8n-workflow';

import { unsavedBecause } from '../nodes/WapingTrigger/saving';
import type { PollResult } from './harness/poll';
import { TRIGGER_NAME, TriggerWorkflow } from './harness/poll';
import { ALL_EVENTS, useSimulator, useTriggers } from './helpers';
import type { SeedDevice } from '../simulator';
import { demoKeys } from '../simulator';

const sim = useSimulator();
const triggers = useTriggers(sim);
const trigger = (parameters: IDataObject = {}) => triggers({}, parameters);

/** The items of the one execution the poll started (throws when it started none, or failed). */
function items(result: PollResult): IDataObject[] {
	if (result.error) throw result.error;
	if (!result.emitted) throw new Error('the poll started no execution');
	expect(result.emitted).toHaveLength(1);
	return result.emitted[0].map((item) => item.json);
}

/** The growth workspace's devices, as the simulator will list them. */
function setDevices(devices: SeedDevice[]): void {
	const workspace = sim().seed.workspaces.find((w) => w.id === 'ws_growth');
	if (!workspace) throw new Error('no growth workspace');
	workspace.devices = devices;
}

const change = (id: string, status: string) =>
	expect(sim().changeDevice({ id, status })).toBe(true);

/** The baseline in the static data, as [id, status] pairs. */
function baselineOf(staticData: IDataObject): Array<[string, string | null]> | undefined {
	const node = staticData[`node:${TRIGGER_NAME}`] as IDataObject | undefined;
	const baseline = node?.baseline as
		| { devices: Array<{ id: string; status: string | null }> }
		| undefined;
	return baseline?.devices.map((device) => [device.id, device.status]);
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('the baseline', () => {
	test('the first poll (at activation) records every device and starts no execution; n8n saves it', async () => {
		const workflow = trigger();
		const first = await workflow.activate();
		expect(first.error).toBeUndefined();
		expect(first.emitted).toBeUndefined();
		expect(baselineOf(workflow.saved)).toEqual([
			['dev_123', 'connected'],
			['dev_456', 'degraded'],
			['dev_789', 'disconnected'],
			['dev_abc', 'unlinked'],
			['dev_new', 'PAIRING'],
		]);
		expect(sim().attempts('/v1/devices')).toBe(1);
	});

	test('a poll with nothing changed starts no execution and leaves the static data as it was', async () => {
		const workflow = trigger();
		await workflow.activate();
		const before = workflow.staticData;
		for (let i = 0; i < 3; i++) {
			const result = await workflow.poll();
			expect(result.error).toBeUndefined();
			expect(result.emitted).toBeUndefined();
		}
		expect(workflow.staticData).toEqual(before);
		expect(sim().attempts('/v1/devices')).toBe(4);
	});

	test('a change is reported once: the baseline moves on with it', async () => {
		const workflow = trigger();
		await workflow.activate();
		change('dev_123', 'disconnected');
		expect(items(await workflow.poll())).toHaveLength(1);
		expect((await workflow.poll()).emitted).toBeUndefined();
		expect(baselineOf(workflow.saved)?.[0]).toEqual(['dev_123', 'disconnected']);
	});

	test('the baseline lives in the static data of the workflow: two workflows each keep their own', async () => {
		const one = trigger();
		await one.activate();
		await one.stop();
		change('dev_123', 'disconnected');
		const two = trigger();
		await two.activate();
		// The second workflow's baseline already has dev_123 disconnected; the first one's does not.
		change('dev_456', 'connected');
		expect(items(await two.poll()).map((item) => item.deviceId)).toEqual(['dev_456']);
		await two.stop();
		expect(items(await one.activate('init')).map((item) => item.deviceId)).toEqual([
			'dev_123',
			'dev_456',
		]);
	});
});

describe('Session Changed', () => {
	test('connected → disconnected: one item with the fields the issue names', async () => {
		const workflow = trigger();
		await workflow.activate();
		change('dev_123', 'disconnected');
		const [item] = items(await workflow.poll());
		expect(item).toEqual({
			event: 'sessionChanged',
			deviceId: 'dev_123',
			previousState: 'connected',
			state: 'disconnected',
			connected: false,
			status: 'disconnected',
			previousStatus: 'connected',
			detectedAt: expect.stringMatching(ISO),
		});
		expect(Date.now() - Date.parse(item.detectedAt as string)).toBeLessThan(5_000);
	});

	test('degraded → connected: connected is true, the status as WAPing sent it ("Connected")', async () => {
		const workflow = trigger();
		await workflow.activate();
		change('dev_456', 'Connected');
		expect(items(await workflow.poll())).toEqual([
			expect.objectContaining({
				event: 'sessionChanged',
				deviceId: 'dev_456',
				previousState: 'degraded',
				state: 'connected',
				connected: true,
				status: 'Connected',
			}),
		]);
	});

	test('only the letter case of the status changed: the same session, nothing reported', async () => {
		const workflow = trigger();
		await workflow.activate();
		change('dev_123', ' CONNECTED ');
		expect((await workflow.poll()).emitted).toBeUndefined();
	});

	test('several changes in one poll: several items in one execution, in the order of the answer', async () => {
		const workflow = trigger();
		await workflow.activate();
		change('dev_789', 'connected');
		change('dev_123', 'degraded');
		change('dev_abc', 'disconnected');
		const result = await workflow.poll();
		expect(result.emitted).toHaveLength(1);
		expect(items(result).map((item) => [item.deviceId, item.previousState, item.state])).toEqual([
			['dev_123', 'connected', 'degraded'],
			['dev_789', 'disconnected', 'connected'],
			['dev_abc', 'unlinked', 'disconnected'],
		]);
		const times = new Set(items(result).map((item) => item.detectedAt));
		expect(times.size).toBe(1);
	});
});

describe('Device Linked and Device Removed', () => {
	test('a new id: Device Linked, with no previous state', async () => {
		const workflow = trigger();
		await workflow.activate();
		expect(
			sim().changeDevice({ workspace: 'ws_growth', id: 'dev_fresh', status: 'unlinked' }),
		).toBe(true);
		expect(items(await workflow.poll())).toEqual([
			{
				event: 'deviceLinked',
				deviceId: 'dev_fresh',
				previousState: null,
				state: 'unlinked',
				connected: false,
				status: 'unlinked',
				previousStatus: null,
				detectedAt: expect.stringMatching(ISO),
			},
		]);
	});

	test('an id gone from the list: Device Removed, with its last state and no state now', async () => {
		const workflow = trigger();
		await workflow.activate();
		expect(sim().changeDevice({ id: 'dev_456', remove: true })).toBe(true);
		expect(items(await workflow.poll())).toEqual([
			{
				event: 'deviceRemoved',
				deviceId: 'dev_456',
				previousState: 'degraded',
				state: null,
				connected: false,
				status: null,
				previousStatus: 'degraded',
				detectedAt: expect.stringMatching(ISO),
			},
		]);
	});

	test('linked, changed and removed in one poll: changes and links in answer order, then removals', async () => {
		const workflow = trigger();
		await workflow.activate();
		sim().changeDevice({ id: 'dev_abc', remove: true });
		sim().changeDevice({ workspace: 'ws_growth', id: 'dev_zzz', status: 'connected' });
		change('dev_123', 'disconnected');
		expect(items(await workflow.poll()).map((item) => [item.event, item.deviceId])).toEqual([
			['sessionChanged', 'dev_123'],
			['deviceLinked', 'dev_zzz'],
			['deviceRemoved', 'dev_abc'],
		]);
	});

	test('every device removed (an empty list is a valid answer): one Device Removed each', async () => {
		const workflow = trigger();
		await workflow.activate();
		setDevices([]);
		expect(items(await workflow.poll()).map((item) => item.event)).toEqual(
			Array(5).fill('deviceRemoved'),
		);
	});
});

describe('Events: only the chosen ones', () => {
	/** One of each: dev_123 changes, dev_new2 is linked, dev_abc is removed. */
	async function oneOfEach(events: string[]): Promise<unknown[]> {
		const workflow = trigger({ events });
		await workflow.activate();
		change('dev_123', 'disconnected');
		sim().changeDevice({ workspace: 'ws_growth', id: 'dev_new2', status: 'connected' });
		sim().changeDevice({ id: 'dev_abc', remove: true });
		const result = await workflow.poll();
		// Whatever was reported, the baseline now holds every device as it is.
		expect(baselineOf(workflow.staticData)?.map(([id]) => id)).toEqual([
			'dev_123',
			'dev_456',
			'dev_789',
			'dev_new',
			'dev_new2',
		]);
		return result.emitted ? items(result).map((item) => item.event) : [];
	}

	test.each([
		[['sessionChanged'], ['sessionChanged']],
		[['deviceLinked'], ['deviceLinked']],
		[['deviceRemoved'], ['deviceRemoved']],
		[
			['deviceLinked', 'deviceRemoved'],
			['deviceLinked', 'deviceRemoved'],
		],
		[ALL_EVENTS, ['sessionChanged', 'deviceLinked', 'deviceRemoved']],
	])('Events %j report %j', async (events, expected) => {
		expect(await oneOfEach(events)).toEqual(expected);
	});

	test('a change of an event not chosen starts no execution, and is not reported later either', async () => {
		const workflow = trigger({ events: ['deviceLinked'] });
		await workflow.activate();
		change('dev_123', 'disconnected');
		expect((await workflow.poll()).emitted).toBeUndefined();
		sim().changeDevice({ workspace: 'ws_growth', id: 'dev_new3', status: 'connected' });
		expect(items(await workflow.poll()).map((item) => item.deviceId)).toEqual(['dev_new3']);
	});
});

describe('Only When It Becomes', () => {
	/** A change to every kind of "after": connected, not connected, unknown, linked both ways, removed. */
	async function everyKind(becomes: string): Promise<Array<[unknown, unknown]>> {
		const workflow = trigger({ becomes });
		await workflow.activate();
		change('dev_789', 'connected'); // disconnected → connected
		change('dev_123', 'degraded'); // connected → degraded
		change('dev_abc', 'QR_EXPIRED'); // unlinked → an unknown status
		sim().changeDevice({ workspace: 'ws_growth', id: 'dev_on', status: 'connected' });
		sim().changeDevice({ workspace: 'ws_growth', id: 'dev_off', status: 'unlinked' });
		sim().changeDevice({ id: 'dev_456', remove: true });
		const result = await workflow.poll();
		return result.emitted ? items(result).map((item) => [item.deviceId, item.connected]) : [];
	}

	test('Any: every change', async () => {
		expect(await everyKind('any')).toEqual([
			['dev_123', false],
			['dev_789', true],
			['dev_abc', false],
			['dev_on', true],
			['dev_off', false],
			['dev_456', false],
		]);
	});

	test('Connected: only changes after which the device is connected', async () => {
		expect(await everyKind('connected')).toEqual([
			['dev_789', true],
			['dev_on', true],
		]);
	});

	test('Not Connected: degraded, an unknown status, unlinked and removed devices', async () => {
		expect(await everyKind('notConnected')).toEqual([
			['dev_123', false],
			['dev_abc', false],
			['dev_off', false],
			['dev_456', false],
		]);
	});

	test('Not Connected: a device already not connected that gets worse is reported (degraded → disconnected)', async () => {
		const workflow = trigger({ becomes: 'notConnected' });
		await workflow.activate();
		change('dev_456', 'disconnected');
		expect(items(await workflow.poll())).toEqual([
			expect.objectContaining({
				deviceId: 'dev_456',
				previousState: 'degraded',
				state: 'disconnected',
			}),
		]);
	});

	test('Connected: a device that drops and comes back between two polls is reported when it is back', async () => {
		const workflow = trigger({ becomes: 'connected' });
		await workflow.activate();
		change('dev_123', 'disconnected');
		// The drop is left out: an execution with no items, only so that n8n saves the baseline.
		expect((await workflow.poll()).emitted).toEqual([[]]);
		change('dev_123', 'connected');
		expect(items(await workflow.poll())).toEqual([
			expect.objectContaining({
				deviceId: 'dev_123',
				previousState: 'disconnected',
				state: 'connected',
			}),
		]);
	});
});

describe('statuses the node does not know', () => {
	test('an unknown status changing to another one is a change: previousStatus and status tell them apart', async () => {
		const workflow = trigger();
		await workflow.activate();
		change('dev_new', 'QR_EXPIRED');
		expect(items(await workflow.poll())).toEqual([
			expect.objectContaining({
				event: 'sessionChanged',
				deviceId: 'dev_new',
				previousState: 'unknown',
				state: 'unknown',
				connected: false,
				status: 'QR_EXPIRED',
				previousStatus: 'PAIRING',
			}),
		]);
	});

	test('statuses WAPing never documented (online/offline) still show their changes', async () => {
		setDevices([{ id: 'dev_a', status: 'online' }]);
		const workflow = trigger();
		await workflow.activate();
		change('dev_a', 'offline');
		expect(items(await workflow.poll())).toEqual([
			expect.objectContaining({
				previousStatus: 'online',
				status: 'offline',
				state: 'unknown',
				connected: false,
			}),
		]);
	});

	test('a device without a status, or with a status that is not text, is unknown and never fails the poll', async () => {
		setDevices([
			{ id: 'dev_a', status: 'connected' },
			{ id: 'dev_b', status: 'connected' },
		]);
		const workflow = trigger();
		await workflow.activate();
		setDevices([
			{ id: 'dev_a' } as SeedDevice,
			{ id: 'dev_b', status: { code: 3 } } as unknown as SeedDevice,
		]);
		expect(items(await workflow.poll())).toEqual([
			expect.objectContaining({
				deviceId: 'dev_a',
				previousState: 'connected',
				state: 'unknown',
				status: null,
				connected: false,
			}),
			expect.objectContaining({
				deviceId: 'dev_b',
				previousState: 'connected',
				state: 'unknown',
				status: null,
				connected: false,
			}),
		]);
		expect((await workflow.poll()).emitted).toBeUndefined();
	});

	test('a very long status is kept cut short in the baseline, and compared the same way each poll', async () => {
		const long = `weird_${'x'.repeat(5000)}`;
		setDevices([{ id: 'dev_a', status: long }]);
		const workflow = trigger();
		await workflow.activate();
		expect(JSON.stringify(workflow.saved).length).toBeLessThan(1000);
		expect((await workflow.poll()).emitted).toBeUndefined();
	});
});

describe('duplicate ids in the answer', () => {
	test('a device listed twice is one device: the first entry counts, and the baseline holds it once', async () => {
		setDevices([
			{ id: 'dev_a', status: 'connected' },
			{ id: 'dev_a', status: 'disconnected' },
			{ id: 'dev_b', status: 'connected' },
		]);
		const workflow = trigger();
		const first = await workflow.activate();
		expect(baselineOf(workflow.saved)).toEqual([
			['dev_a', 'connected'],
			['dev_b', 'connected'],
		]);
		expect(
			first.logs.some((line) => line.level === 'warn' && /repeated id/.test(line.message)),
		).toBe(true);
		// Still listed twice, in the same order: no change, no flapping.
		expect((await workflow.poll()).emitted).toBeUndefined();
		// The first entry changes: one item, not two.
		setDevices([
			{ id: 'dev_a', status: 'disconnected' },
			{ id: 'dev_a', status: 'disconnected' },
			{ id: 'dev_b', status: 'connected' },
		]);
		expect(items(await workflow.poll())).toEqual([
			expect.objectContaining({ deviceId: 'dev_a', state: 'disconnected' }),
		]);
	});

	test('a device listed twice with two statuses, in another order at each poll, is one stable device', async () => {
		const a = { id: 'dev_a', status: 'connected' };
		const b = { id: 'dev_a', status: 'disconnected' };
		setDevices([a, b, { id: 'dev_b', status: 'connected' }]);
		const workflow = trigger();
		await workflow.activate();
		for (const order of [
			[b, a],
			[a, b],
			[b, a],
		]) {
			setDevices([...order, { id: 'dev_b', status: 'connected' }]);
			expect((await workflow.poll()).emitted).toBeUndefined();
		}
		// The entry in the better state counts, whichever comes first.
		expect(baselineOf(workflow.staticData)).toEqual([
			['dev_a', 'connected'],
			['dev_b', 'connected'],
		]);
		// Both entries disconnected: that is a change, reported once.
		setDevices([b, { ...b }, { id: 'dev_b', status: 'connected' }]);
		expect(items(await workflow.poll())).toEqual([
			expect.objectContaining({
				deviceId: 'dev_a',
				previousState: 'connected',
				state: 'disconnected',
			}),
		]);
		expect((await workflow.poll()).emitted).toBeUndefined();
	});

	test('ids are trimmed as the WAPing node trims a Device ID: " dev_9 " and "dev_9" are one device', async () => {
		setDevices([{ id: ' dev_9 ', status: 'connected' }]);
		const workflow = trigger();
		await workflow.activate();
		expect(baselineOf(workflow.saved)).toEqual([['dev_9', 'connected']]);
		setDevices([{ id: 'dev_9', status: 'connected' }]);
		expect((await workflow.poll()).emitted).toBeUndefined();
		setDevices([{ id: 'dev_9\t', status: 'disconnected' }]);
		expect(items(await workflow.poll())).toEqual([
			expect.objectContaining({
				event: 'sessionChanged',
				deviceId: 'dev_9',
				previousState: 'connected',
				state: 'disconnected',
			}),
		]);
		// Both spellings in one answer: one device, the entry in the better state.
		setDevices([
			{ id: 'dev_9', status: 'disconnected' },
			{ id: ' dev_9', status: 'disconnected' },
		]);
		expect((await workflow.poll()).emitted).toBeUndefined();
	});

	test('a baseline saved with untrimmed ids (before this version) is read trimmed: no device looks removed and linked', async () => {
		setDevices([{ id: 'dev_9', status: 'connected' }]);
		const workflow = trigger();
		await workflow.activate();
		const saved = workflow.saved[`node:${TRIGGER_NAME}`] as IDataObject;
		(saved.baseline as { devices: Array<{ id: string }> }).devices[0].id = ' dev_9 ';
		await workflow.stop();
		expect((await workflow.activate('init')).emitted).toBeUndefined();
	});

	test('an entry without an id is not a device: it is neither linked nor removed', async () => {
		const workflow = trigger();
		await workflow.activate();
		setDevices([
			...sim().seed.workspaces[0].devices,
			{ status: 'connected' } as SeedDevice,
			{ id: '  ', status: 'connected' },
		]);
		expect((await workflow.poll()).emitted).toBeUndefined();
	});
});

describe('n8n stopped and started again', () => {
	test('a change made while n8n was stopped is reported by the first poll after the start, once', async () => {
		const workflow = trigger();
		await workflow.activate();
		change('dev_123', 'disconnected');
		expect(items(await workflow.poll())).toHaveLength(1);
		await workflow.stop();
		change('dev_123', 'connected');
		const start = await workflow.activate('init');
		expect(start.error).toBeUndefined();
		expect(items(start)).toEqual([
			expect.objectContaining({
				deviceId: 'dev_123',
				previousState: 'disconnected',
				state: 'connected',
			}),
		]);
		expect((await workflow.poll()).emitted).toBeUndefined();
		// And once more after another restart: the baseline n8n saved already has it.
		await workflow.stop();
		expect((await workflow.activate('init')).emitted).toBeUndefined();
	});

	test('nothing changed while stopped: the start reports nothing', async () => {
		const workflow = trigger();
		await workflow.activate();
		await workflow.stop();
		expect((await workflow.activate('init')).emitted).toBeUndefined();
		expect((await workflow.poll()).emitted).toBeUndefined();
	});

	test('a change the filter left out, then a restart: compared with what n8n saved, still left out', async () => {
		const workflow = trigger({ becomes: 'notConnected' });
		await workflow.activate();
		change('dev_456', 'connected'); // not reported (it became connected): an execution with no items saves it
		expect((await workflow.poll()).emitted).toEqual([[]]);
		await workflow.stop();
		expect((await workflow.activate('init')).emitted).toBeUndefined();
		change('dev_456', 'disconnected');
		expect(items(await workflow.poll())).toEqual([
			expect.objectContaining({ deviceId: 'dev_456', state: 'disconnected' }),
		]);
	});

	test('Connected: a drop left out, n8n restarted, the device back meanwhile: the reconnect is reported once', async () => {
		const workflow = trigger({ becomes: 'connected' });
		await workflow.activate();
		change('dev_123', 'disconnected');
		const drop = await workflow.poll();
		// No item and no node after the trigger runs, but n8n starts an execution, so it saves the baseline.
		expect(drop.emitted).toEqual([[]]);
		expect(baselineOf(workflow.saved)?.[0]).toEqual(['dev_123', 'disconnected']);
		await workflow.stop();
		change('dev_123', 'connected');
		expect(items(await workflow.activate('init'))).toEqual([
			expect.objectContaining({
				event: 'sessionChanged',
				deviceId: 'dev_123',
				previousState: 'disconnected',
				state: 'connected',
				connected: true,
			}),
		]);
		expect((await workflow.poll()).emitted).toBeUndefined();
		await workflow.stop();
		expect((await workflow.activate('init')).emitted).toBeUndefined();
	});

	test('Not Connected: a reconnect left out, n8n restarted, the device dropped again meanwhile: the drop is reported once', async () => {
		const workflow = trigger({ becomes: 'notConnected' });
		await workflow.activate();
		change('dev_789', 'connected');
		expect((await workflow.poll()).emitted).toEqual([[]]);
		await workflow.stop();
		change('dev_789', 'disconnected');
		expect(items(await workflow.activate('init')).map((item) => item.deviceId)).toEqual([
			'dev_789',
		]);
	});

	test('a left-out change that no later change depends on starts no execution (n8n need not save it)', async () => {
		// Connected: degraded → disconnected. Back to degraded would not be reported either.
		const connected = trigger({ becomes: 'connected' });
		await connected.activate();
		change('dev_456', 'disconnected');
		expect((await connected.poll()).emitted).toBeUndefined();
		await connected.stop();
		// Only Device Removed: a session change, whose way back is a session change too.
		const removed = trigger({ events: ['deviceRemoved'] });
		await removed.activate();
		change('dev_123', 'degraded');
		expect((await removed.poll()).emitted).toBeUndefined();
	});

	test('only Session Changed: a device linked meanwhile (left out) whose status then changes while n8n is stopped is reported after the start', async () => {
		const workflow = trigger({ events: ['sessionChanged'] });
		await workflow.activate();
		sim().changeDevice({ workspace: 'ws_growth', id: 'dev_late', status: 'unlinked' });
		expect((await workflow.poll()).emitted).toEqual([[]]);
		await workflow.stop();
		change('dev_late', 'connected');
		expect(
			items(await workflow.activate('init')).map((item) => [item.event, item.deviceId]),
		).toEqual([['sessionChanged', 'dev_late']]);
	});

	test('published again after an edit (mode "update"): the baseline is kept and changes meanwhile are reported', async () => {
		const workflow = trigger();
		await workflow.activate();
		await workflow.stop();
		change('dev_789', 'connected');
		expect(items(await workflow.activate('update')).map((item) => item.deviceId)).toEqual([
			'dev_789',
		]);
	});

	test('unpublished and published again: the baseline is kept, as n8n keeps static data (changes meanwhile are reported once)', async () => {
		const workflow = trigger();
		await workflow.activate();
		await workflow.stop();
		sim().changeDevice({ id: 'dev_abc', remove: true });
		expect(
			items(await workflow.activate('activate')).map((item) => [item.event, item.deviceId]),
		).toEqual([['deviceRemoved', 'dev_abc']]);
		expect((await workflow.poll()).emitted).toBeUndefined();
	});
});

describe('another credential or API', () => {
	test('a credential pointing at another workspace starts a new baseline instead of reporting every device', async () => {
		const workflow = trigger();
		await workflow.activate();
		await workflow.stop();
		workflow.useCredential({ apiKey: demoKeys.pro, baseUrl: sim().url }, 'cred-pro');
		const start = await workflow.activate('update');
		expect(start.error).toBeUndefined();
		expect(start.emitted).toBeUndefined();
		expect(baselineOf(workflow.saved)).toHaveLength(7);
		sim().changeDevice({ id: 'dev_pro_001', status: 'disconnected' });
		expect(items(await workflow.poll()).map((item) => item.deviceId)).toEqual(['dev_pro_001']);
	});

	test('a baseline this version cannot read is recorded again, silently', async () => {
		const workflow = trigger();
		workflow.saved = {
			[`node:${TRIGGER_NAME}`]: { baseline: { version: 99, devices: 'nonsense' } },
		};
		const first = await workflow.activate();
		expect(first.error).toBeUndefined();
		expect(first.emitted).toBeUndefined();
		expect(baselineOf(workflow.saved)).toHaveLength(5);
	});
});

describe('a workflow whose id n8n does not save static data for (issue 22)', () => {
	const withId = (workflowId: string) =>
		new TriggerWorkflow({
			parameters: { events: ALL_EVENTS, becomes: 'any' },
			credentials: { apiKey: demoKeys.growth, baseUrl: sim().url },
			workflowId,
		});

	test('an id longer than n8n saves (22 characters on n8n 2.41): publishing fails and says why and what to do', async () => {
		const workflow = withId('w'.repeat(22));
		const first = await workflow.activate();
		expect(first.error?.message).toBe(
			`There was a problem activating the workflow: "n8n cannot save what this trigger has seen: the workflow's id "${'w'.repeat(22)}" is longer than 21 characters"`,
		);
		expect((first.error as Error & { description?: string }).description).toMatch(
			/each restart would forget .* Duplicate the workflow/,
		);
		expect(sim().attempts('/v1/devices')).toBe(0);
		await workflow.stop();
	});

	test('an id of 21 characters is saved on n8n 2.41: the trigger works and keeps its baseline', async () => {
		const workflow = withId('w'.repeat(21));
		expect((await workflow.activate()).error).toBeUndefined();
		expect(baselineOf(workflow.saved)).toHaveLength(5);
		await workflow.stop();
	});

	test("the limit is the line's: 16 characters without a poll budget (n8n 1.x), 21 with one (2.41)", () => {
		expect(unsavedBecause('a'.repeat(16), false)).toBeUndefined();
		expect(unsavedBecause('a'.repeat(17), false)?.message).toMatch(/longer than 16 characters$/);
		expect(unsavedBecause('a'.repeat(21), true)).toBeUndefined();
		expect(unsavedBecause('a'.repeat(22), true)?.message).toMatch(/longer than 21 characters$/);
	});
});
