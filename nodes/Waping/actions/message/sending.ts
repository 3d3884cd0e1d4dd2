/**
 * Sending messages, for every message kind (Message → Send today): the options they share, the
 * idempotency key of each message, the session check against the run's device list, the run's
 * throttle and queue, and what each message came to. A kind of message only reads its own fields
 * (actions/types.ts MessageOperation); everything after that is here.
 */
import type { IDataObject, INode, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { WapingClient } from '../../../shared/client';
import { REPLAYED_HEADER } from '../../../shared/assumptions';
import { DEVICE_ERROR_FIELD, type Device } from '../../../shared/devices';
import { apiError } from '../../../shared/errors';
import {
	explain,
	keyConflictExplanation,
	notSentExplanation,
	offlineExplanation,
	deniedRunWords,
	stoppedRunWords,
} from '../../../shared/explanations';
import type { Failure } from '../../../shared/failures';
import { isDenial, notAReceipt } from '../../../shared/failures';
import type { KeyScope } from '../../../shared/idempotency';
import { derivedKey, keyScope, RunKeys } from '../../../shared/idempotency';
import type { SendSettings } from '../../../shared/parameters';
import { readIdempotencyKey, readSendSettings, SEND_LIMITS } from '../../../shared/parameters';
import type { Clock } from '../../../shared/transport/clock';
import { runQueue } from '../../../shared/transport/queue';
import type { RetryPolicy } from '../../../shared/transport/retry';
import { RunThrottle } from '../../../shared/transport/throttle';
import type { ItemResult, ItemScope } from '../../outputs';
import { denialError, denialHandling } from '../../denials';
import { denial, OUTPUT } from '../../outputs';
import type { WapingRun } from '../../run';
import { findDevice } from '../device/getStatus.operation';
import type { ItemContext, MessageJob, MessageToSend, PreparedItem } from '../types';

/** The Options every message kind has, beside the retry Options (sorted together by the kind's Options). */
export const sendingOptions: INodeProperties[] = [
	{
		displayName: 'Idempotency Key',
		name: 'idempotencyKey',
		type: 'string',
		default: '',
		placeholder: 'e.g. order-{{ $json.orderId }}-shipped',
		description:
			'What makes this message "the same message" when it is sent again. Leave empty and the node makes one per item and execution (retries never send twice). Set it from your data, such as an order ID, to also avoid a second message when the workflow runs again for the same data. An item for which it gives nothing is not sent, and one key given to different messages in a run sends none of them.',
	},
	{
		displayName: 'Max Concurrent Sends',
		name: 'maxConcurrent',
		type: 'number',
		typeOptions: {
			minValue: SEND_LIMITS.maxConcurrent.min,
			maxValue: SEND_LIMITS.maxConcurrent.max,
		},
		default: 10,
		description:
			'How many messages may be on their way to WAPing at once. The node also learns how fast WAPing accepts messages and keeps under that pace.',
	},
	{
		displayName: 'Min Interval Between Messages (Ms)',
		name: 'minInterval',
		type: 'number',
		typeOptions: {
			minValue: SEND_LIMITS.minIntervalMs.min,
			maxValue: SEND_LIMITS.minIntervalMs.max,
		},
		default: 0,
		description:
			'The least time between two messages from the same device, plus a little random extra, so the phone sends like a person rather than a script. Devices are paced separately.',
	},
	{
		displayName: 'Only When Connected',
		name: 'onlyWhenConnected',
		type: 'boolean',
		default: true,
		description:
			"Whether to check the device's WhatsApp session first and send only through a connected device. Items for a device that is not connected go to the Offline output instead.",
	},
];

/** What a run of sends shares: its settings, the scope of its derived keys, and one throttle. */
export interface SendState {
	settings: SendSettings;
	keys: KeyScope;
	/** The keys set from the data, to refuse one key given to different messages. */
	runKeys: RunKeys;
	throttle: RunThrottle;
	clock: Clock;
	signal: AbortSignal | undefined;
	node: INode;
	/** Items whose send failed after an attempt that may still have been accepted: their outcome is unknown. */
	uncertain: Set<number>;
	/** What the messages do, in error messages ("send messages"). */
	action: string;
	/** A Bad Key or Denied is the item's error (version 2's default), not an item on its output. */
	failDenials: boolean;
	/** Items whose Bad Key or Denied became their error: they say what became of the run's other messages. */
	denied: Set<number>;
}

/** A message the run stopped before it went out; its message gets the run's counts at the end. */
class NotSent extends Error {
	constructor(readonly reason: 'waitBudget' | 'cancelled' | 'stopped') {
		super('not sent');
	}
}

/** An item for the Offline output (not connected): what the device's state is and what to do. */
function offline(
	scope: ItemScope,
	state: string,
	code: string,
	detail: { apiMessage?: string },
): ItemResult {
	const explanation = offlineExplanation(scope.deviceId ?? '', state, detail.apiMessage);
	return {
		output: OUTPUT.offline,
		items: [
			{
				deviceId: scope.deviceId ?? null,
				state,
				connected: false,
				to: scope.to ?? null,
				code,
				message: explanation.message,
				description: explanation.description,
				resource: scope.resource,
				operation: scope.operation,
			},
		],
	};
}

/** WAPing's receipt for an accepted message (notAReceipt() said it is one), with the number and key it was sent with. */
function receipt(answer: unknown, scope: ItemScope, key: string, replayed: boolean): IDataObject {
	const fields: IDataObject = { ...(answer as IDataObject) };
	// Only the API's replay header says a receipt is a replay (assumptions.ts REPLAYED_HEADER).
	delete fields.replayed;
	// A top-level `error` would make n8n take the item for a failure (see devices.ts).
	if ('error' in fields) {
		if (!(DEVICE_ERROR_FIELD in fields)) fields[DEVICE_ERROR_FIELD] = fields.error;
		delete fields.error;
	}
	return {
		id: null,
		status: null,
		...fields,
		deviceId: typeof fields.deviceId === 'string' ? fields.deviceId : (scope.deviceId ?? null),
		to: scope.to ?? null,
		idempotencyKey: key,
		...(replayed ? { replayed: true } : {}),
	};
}

/** What a failed send comes to: a 401/403 item, an Offline item, or an error. */
function failedSend(
	node: INode,
	state: SendState,
	failure: Failure,
	attempts: number,
	scope: ItemScope,
	itemIndex: number,
	key: string,
): ItemResult {
	if (failure.kind === 'notSent')
		return { error: new NotSent(failure.gaveUp === 'cancelled' ? 'cancelled' : 'waitBudget') };
	if (failure.kind === 'sessionDisconnected')
		return offline(scope, 'disconnected', failure.code, failure);
	const explanation = explain(failure, attempts, state.action);
	if (isDenial(failure)) {
		if (!state.failDenials) return denial(failure, explanation, scope, 'api');
		state.denied.add(itemIndex);
		return { error: denialError(node, failure, explanation, itemIndex, 'api') };
	}
	const error = apiError(node, failure, explanation, itemIndex);
	if (attempts > 1) error.context.attempts = attempts;
	// An unknown outcome: the key to retry it with, so that WAPing sends it at most once.
	if (failure.kind === 'notReceipt' || failure.kind === 'inProgress')
		error.context.idempotencyKey = key;
	return { error };
}

/** A message with its idempotency key. */
type Message = MessageToSend & { key: string };

/** POST /v1/messages for one item, through the run's throttle; never throws. */
async function sendOne(
	client: WapingClient,
	message: Message,
	policy: RetryPolicy,
	state: SendState,
	scope: ItemScope,
	itemIndex: number,
): Promise<ItemResult> {
	const { node } = state;
	try {
		const outcome = await client.sendMessage(
			{
				deviceId: message.deviceId,
				to: message.to,
				type: message.type,
				content: message.content,
				idempotencyKey: message.key,
			},
			{ policy, gate: state.throttle },
		);
		if (!outcome.ok && outcome.uncertain) state.uncertain.add(itemIndex);
		// Stopped while it was on its way: its outcome is unknown, and it says so with the run's counts.
		if (!outcome.ok && state.signal?.aborted) return { error: new NotSent('cancelled') };
		if (!outcome.ok)
			return failedSend(
				node,
				state,
				outcome.failure,
				outcome.attempts,
				scope,
				itemIndex,
				message.key,
			);
		const answer = client.redact(outcome.value);
		// A 2xx that is not a receipt proves nothing was accepted: an unknown outcome, not a success.
		const problem = notAReceipt(answer);
		if (problem !== undefined) {
			state.uncertain.add(itemIndex);
			const failure: Failure = { kind: 'notReceipt', code: 'NOT_A_RECEIPT', detail: problem };
			return failedSend(node, state, failure, outcome.attempts, scope, itemIndex, message.key);
		}
		const replayed = /^(1|true)$/i.test(outcome.headers[REPLAYED_HEADER] ?? '');
		return {
			output: OUTPUT.success,
			items: [receipt(answer, scope, message.key, replayed)],
		};
	} catch (error) {
		return {
			error:
				error instanceof Error ? error : new NodeOperationError(node, String(error), { itemIndex }),
		};
	}
}

/** Refuses an item whose Idempotency Key this run gives to a different message too (RunKeys). */
function refuseKeyConflict(state: SendState, itemIndex: number): void {
	const conflict = state.runKeys.conflictOf(itemIndex);
	if (!conflict) return;
	const explanation = keyConflictExplanation(conflict.key, [itemIndex, ...conflict.others]);
	throw new NodeOperationError(state.node, explanation.message, {
		itemIndex,
		description: explanation.description,
	});
}

/** What a run of messages shares, set up at its first item (its Options are read there). */
export function startSending(run: WapingRun, itemIndex: number, action: string): SendState {
	const settings = readSendSettings(run.ctx, itemIndex, run.parameter('options', itemIndex, {}));
	const { clock, signal } = run.client(itemIndex);
	const throttle = new RunThrottle(clock, signal, run.retryPolicy(itemIndex));
	return {
		settings,
		keys: keyScope(run.ctx),
		runKeys: new RunKeys(),
		throttle,
		clock,
		signal,
		node: run.ctx.getNode(),
		uncertain: new Set(),
		action,
		failDenials: denialHandling(run.ctx) === 'fail',
		denied: new Set(),
	};
}

/**
 * One item's message, once its kind read it: its idempotency key (its own, refused when the run
 * gives it to a different message too, or one derived from the run and item), and the job that
 * sends it; with "Only When Connected", only after the device's session was found connected.
 */
export function prepareMessage(
	{ ctx, run, itemIndex, client }: ItemContext,
	state: SendState,
	message: MessageToSend,
	scope: ItemScope,
): PreparedItem {
	const { deviceId, to } = message;
	const options = (run.parameter('options', itemIndex, {}) ?? {}) as IDataObject;
	const stored = (ctx.getNode().parameters.options as IDataObject | undefined)?.idempotencyKey;
	const ownKey = readIdempotencyKey(ctx, itemIndex, options.idempotencyKey, stored);
	const key = ownKey ?? derivedKey(state.keys, itemIndex);
	if (ownKey !== undefined) {
		state.runKeys.claim(
			ownKey,
			{ deviceId, to, content: [message.type, message.content] },
			itemIndex,
		);
		refuseKeyConflict(state, itemIndex);
	}
	const policy = run.retryPolicy(itemIndex);
	const job: MessageJob = {
		deviceId,
		to,
		send: async () => await sendOne(client, { ...message, key }, policy, state, scope, itemIndex),
	};
	if (!state.settings.onlyWhenConnected) return { scope, work: { job } };
	return {
		scope,
		work: {
			fromDevices: (list) => {
				const device: Device = findDevice(ctx, list, deviceId, itemIndex);
				return device.connected
					? { job }
					: offline(scope, device.state, 'DEVICE_NOT_CONNECTED', {});
			},
		},
	};
}

/**
 * Sends the run's messages through the queue (paced, throttled, in order per recipient), and gives
 * each item's result at its index; a message the run stopped before it went out says how the
 * whole run went.
 */
export async function sendMessages(
	allJobs: Array<MessageJob | undefined>,
	state: SendState,
	stopped: () => boolean,
): Promise<Array<ItemResult | undefined>> {
	const { settings, throttle, clock, signal, node } = state;
	// Items whose key another item (prepared after them) gave to a different message: not sent.
	const refused = new Map<number, ItemResult>();
	const jobs = allJobs.map((job, itemIndex) => {
		if (!job) return job;
		try {
			refuseKeyConflict(state, itemIndex);
			return job;
		} catch (error) {
			refused.set(itemIndex, { error: error as Error });
			return undefined;
		}
	});
	const queued = await runQueue(
		jobs,
		{
			concurrency: settings.maxConcurrent,
			minIntervalMs: settings.minIntervalMs,
			clock,
			signal,
			stopped,
		},
		(): ItemResult => ({
			error: new NotSent(throttle.stopReason ?? (stopped() ? 'stopped' : 'cancelled')),
		}),
	);
	const results = Array.from(queued, (result, itemIndex) => refused.get(itemIndex) ?? result);
	// Messages the run stopped before they went out: each says how the whole run went (sent, not
	// sent, and unknown: failed after an attempt WAPing may have accepted).
	const total = jobs.filter(Boolean).length;
	const unknownAt = new Set(
		[...state.uncertain].filter((index) => {
			const result = results[index];
			return result !== undefined && 'error' in result;
		}),
	);
	const notSent = results.filter(
		(result, index) =>
			result && 'error' in result && result.error instanceof NotSent && !unknownAt.has(index),
	).length;
	const sent = results.filter(
		(result) => result && 'output' in result && result.output === OUTPUT.success,
	).length;
	const counts = { sent, notSent, total, unknown: unknownAt.size };
	return results.map((result, itemIndex) => {
		if (!result || !('error' in result)) return result;
		const { error } = result;
		if (!(error instanceof NotSent)) {
			// The failure that stopped the run: it says what became of the other messages.
			const others = { ...counts, unknown: counts.unknown - (unknownAt.has(itemIndex) ? 1 : 0) };
			// A Bad Key or Denied that fails the execution: also when it stopped nothing, what was sent.
			if (state.denied.has(itemIndex) && others.total > 1 && error instanceof NodeApiError) {
				error.description = `${error.description ?? ''} ${deniedRunWords(others)}`.trim();
				return result;
			}
			if (
				notSent + others.unknown > 0 &&
				stopped() &&
				!signal?.aborted &&
				error instanceof NodeApiError
			) {
				error.description = `${error.description ?? ''} ${stoppedRunWords(others)}`.trim();
			}
			return result;
		}
		if (error.reason === 'stopped') return result;
		const explanation = notSentExplanation(error.reason, {
			...counts,
			lastRetryAfterMs: throttle.lastRetryAfterMs,
			outage: throttle.lastPause === 'outage',
			uncertain: unknownAt.has(itemIndex),
		});
		return {
			error: new NodeOperationError(node, explanation.message, {
				itemIndex,
				description: explanation.description,
			}),
		};
	});
}
