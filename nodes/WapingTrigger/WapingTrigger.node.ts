import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { retryOptions } from '../shared/descriptions';
import { WapingClient } from '../shared/client';
import { CREDENTIAL_TYPE } from '../shared/connection';
import { wapingApiTest } from '../shared/credentialTest';
import { explain, freePlanExplanation } from '../shared/explanations';
import { apiError } from '../shared/errors';
import { readChoice, readRetryPolicy } from '../shared/parameters';
import { pollBudgetMs, withinPollBudget } from './budget';
import type { Becomes, DeviceEvent } from './changes';
import { unsavedBecause } from './saving';
import {
	BECOMES,
	changesBetween,
	EVENTS,
	mustBeSaved,
	readBaseline,
	sameDevices,
	selectChanges,
	snapshot,
	testEvents,
} from './changes';

/** Where the baseline lives in the node's static data (n8n saves it with the workflow: saving.ts). */
const BASELINE_KEY = 'baseline';

/** The events to report: at least one, each a known one (an expression could give anything). */
function readEvents(ctx: IPollFunctions): Set<DeviceEvent> {
	const raw = ctx.getNodeParameter('events', []) as unknown;
	const list = Array.isArray(raw) ? raw : typeof raw === 'string' && raw !== '' ? [raw] : [];
	const unknown = list.filter((event) => !(EVENTS as readonly unknown[]).includes(event));
	if (list.length === 0 || unknown.length > 0) {
		throw new NodeOperationError(
			ctx.getNode(),
			list.length === 0
				? 'Choose at least one event to watch'
				: `Events has no choice "${String(unknown[0]).slice(0, 40)}"`,
			{
				description:
					"Pick one or more of Session Changed, Device Linked and Device Removed in the trigger's Events.",
			},
		);
	}
	return new Set(list as DeviceEvent[]);
}

export class WapingTrigger implements INodeType {
	description: INodeTypeDescription = {
		// n8n's nodes panel merges this trigger with the WAPing node (same name without "Trigger") into
		// one entry, described by this description: it names the actions too.
		displayName: 'WAPing Trigger',
		name: 'wapingTrigger',
		icon: { light: 'file:wapingTrigger.svg', dark: 'file:wapingTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ $parameter["becomes"] === "connected" ? "When a device becomes connected" : $parameter["becomes"] === "notConnected" ? "When a device stops being connected" : "When a device session changes" }}',
		description:
			'Starts a workflow when a WhatsApp device linked to WAPing connects, disconnects, is linked or is removed. Its actions send WhatsApp messages and check devices and the plan.',
		defaults: { name: 'WAPing Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'wapingApi', required: true, testedBy: 'wapingApiTest' }],
		properties: [
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: ['sessionChanged', 'deviceLinked', 'deviceRemoved'],
				description:
					'What to start the workflow for. Each change is one item; several changes found in one poll start one execution.',
				options: [
					{
						name: 'Device Linked',
						value: 'deviceLinked',
						description: 'A device that was not in the workspace at the last poll',
					},
					{
						name: 'Device Removed',
						value: 'deviceRemoved',
						description: 'A device that was in the workspace at the last poll and is gone',
					},
					{
						name: 'Session Changed',
						value: 'sessionChanged',
						description:
							"A device's WhatsApp session changed, e.g. from connected to disconnected, or from degraded to connected",
					},
				],
			},
			{
				displayName: 'Only When It Becomes',
				name: 'becomes',
				type: 'options',
				default: 'any',
				description:
					'Report every change, or only those after which the device is connected (safe to send through), or is not',
				options: [
					{ name: 'Any', value: 'any', description: 'Every change of the chosen events' },
					{
						name: 'Connected',
						value: 'connected',
						description: 'Only changes after which the device is connected',
					},
					{
						name: 'Not Connected',
						value: 'notConnected',
						description:
							'Only changes after which the device is not connected: degraded, disconnected, unlinked, an unknown status, or removed',
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				description:
					'How each poll retries when WAPing is busy, has a temporary problem or is slow to answer',
				options: retryOptions,
			},
		],
	};

	/** The credential dialog's Test, the same as the WAPing node's (n8n asks whichever node it finds). */
	methods = { credentialTest: { wapingApiTest } };

	/**
	 * One poll: reads the workspace's devices (GET /v1/devices, with retries) and compares them with
	 * the baseline in the node's static data. The first poll records the baseline and reports
	 * nothing; later polls report each change as one item and move the baseline on. A poll that
	 * fails throws (n8n records a failed execution and runs the error workflow) and leaves the
	 * baseline as it was, so an unreachable API never looks like devices going offline. n8n saves the
	 * baseline only when a poll starts an execution (saving.ts): a change left out by Events or Only
	 * When It Becomes that a restart must not forget starts one with no items (changes.ts, mustBeSaved).
	 * Fetch Test Event (manual mode) returns the devices as they are now that the chosen events and
	 * Only When It Becomes could report (or one made-up sample), leaving the baseline alone.
	 */
	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const manual = this.getMode() === 'manual';
		const events = readEvents(this);
		const becomes: Becomes = readChoice(
			this,
			undefined,
			this.getNodeParameter('becomes', 'any'),
			'Only When It Becomes',
			BECOMES,
		);
		const policy = withinPollBudget(
			readRetryPolicy(this, undefined, this.getNodeParameter('options', {})),
			pollBudgetMs(this),
		);

		// A baseline n8n would not save is refused at publishing: silently forgetting it at each
		// restart would hide what changed while n8n was stopped.
		const unsaved = manual
			? undefined
			: unsavedBecause(this.getWorkflow().id, typeof this.getPollBudgetMs === 'function');
		if (unsaved) {
			throw new NodeOperationError(this.getNode(), unsaved.message, {
				description: unsaved.description,
			});
		}

		const client = await WapingClient.connect(this, policy);
		const { connection } = client;
		// A workspace declared Free has no API: no request is sent. At activation this stops the
		// activation with the plan's message, since n8n runs the first poll then.
		if (connection.declaredPlan === 'free') {
			const { message, description } = freePlanExplanation();
			throw new NodeOperationError(this.getNode(), message, { description });
		}

		const outcome = await client.listDevices();
		if (!outcome.ok) {
			throw apiError(
				this.getNode(),
				outcome.failure,
				explain(outcome.failure, outcome.attempts, 'list devices'),
			);
		}
		const now = new Date();
		const devices = outcome.value.devices;
		// Fetch Test Event: the devices the chosen events and filter could be about, or one made-up sample.
		if (manual)
			return [
				this.helpers.returnJsonArray(testEvents(devices, events, becomes, now.toISOString())),
			];

		// The credential and API the devices come from: a baseline read with another one is not compared.
		const source = `${this.getNode().credentials?.[CREDENTIAL_TYPE]?.id ?? ''} ${connection.baseUrl}`;
		const staticData = this.getWorkflowStaticData('node');
		const current = snapshot(devices, source, now);
		const before = readBaseline(staticData[BASELINE_KEY], source);
		if (!before) {
			staticData[BASELINE_KEY] = current as unknown as IDataObject;
			this.logger.debug(
				'WAPing Trigger recorded its baseline; changes are reported from the next poll on',
				{ devices: devices.length },
			);
			return null;
		}
		if (sameDevices(before, current)) return null;
		// Set as a whole (never changed in place), so that n8n sees the static data changed and saves it.
		staticData[BASELINE_KEY] = current as unknown as IDataObject;
		const all = changesBetween(before, current, now.toISOString());
		const changes = selectChanges(all, events, becomes);
		this.logger.debug('WAPing Trigger compared the devices with its baseline', {
			changes: changes.length,
		});
		if (changes.length > 0) return [this.helpers.returnJsonArray(changes)];
		// n8n saves the baseline only when a poll starts an execution. A left-out change that a restart
		// must not forget (mustBeSaved) starts one with no items: no node after the trigger runs.
		if (all.some((change) => mustBeSaved(change, events, becomes))) {
			this.logger.debug(
				'WAPing Trigger starts an execution with no items so that n8n saves its baseline',
				{ leftOut: all.length },
			);
			return [[]];
		}
		return null;
	}
}
