/** The item loop: each item's checks, its answer from the device list, and the output it goes to. */
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { DeviceList } from './devices';
import { isDenial } from './failures';
import { explain, freePlanExplanation } from './messages';
import * as device from './operations/device';
import * as plan from './operations/plan';
import type { Answer, Operation } from './operations/types';
import type { ItemResult, ItemScope } from './outputs';
import { apiError, denial, OUTPUT } from './outputs';
import { readDeviceId } from './parameters';
import type { Redact } from './redact';
import type { RetryPolicy } from './retry';
import type { WapingRun } from './run';
import type { Outcome } from './transport';

const operations: Record<string, Record<string, Operation>> = {
	device: { getAll: device.getAll, getStatus: device.getStatus },
	plan: { check: plan.check },
};

/** What each operation does, in words for error messages. */
const actions: Record<string, string> = {
	getAll: 'list devices',
	getStatus: 'read device status',
	check: 'read the plan',
};

/** What the item loop works with; the same for every item of the run. */
export interface ItemLoop {
	ctx: IExecuteFunctions;
	run: WapingRun;
	count: number;
	outputs: INodeExecutionData[][];
	toolMode: boolean;
	continueOnFail: boolean;
}

/**
 * Items from `from` on, into the outputs. A plain function without awaits, kept out of `execute`:
 * n8n hands `execute` a new context object every run, so V8 drops its optimised code each time,
 * while this loop stays optimised across runs. Returns the first item that needs the device list
 * before it has been fetched; the caller fetches the list and calls again with that item.
 */
export function runItems(loop: ItemLoop, from: number, carried?: Pending): Pending | undefined {
	const { ctx, run, count, outputs } = loop;
	for (let itemIndex = from; itemIndex < count; itemIndex++) {
		try {
			const step = carried ?? prepareItem(ctx, itemIndex, run);
			carried = undefined;
			let result: ItemResult;
			if ('result' in step) {
				result = step.result;
			} else {
				const list = run.settledDevices();
				if (!list) return step;
				result = answerItem(ctx, step, list);
			}
			// Success items come from answers scrubbed on arrival: a shallow copy keeps items apart.
			const success = result.output === OUTPUT.success;
			const output = outputs[loop.toolMode ? OUTPUT.success : result.output];
			for (let i = 0; i < result.items.length; i++) {
				const json = result.items[i];
				output.push({ json: success ? { ...json } : run.redact(json), pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			failedItem(loop, error, itemIndex);
		}
	}
	return undefined;
}

/** A failed item: the run stops with its error, or on Continue On Fail the item carries it. */
function failedItem({ ctx, run, outputs, continueOnFail }: ItemLoop, error: unknown, itemIndex: number): void {
	const safe = redactError(ctx.getNode(), error, (value) => run.redact(value), itemIndex);
	if (!continueOnFail) throw safe;
	// The n8n shape for a failed item: on "Continue (using error output)" n8n moves it there.
	const attempts = safe.context?.attempts;
	outputs[OUTPUT.success].push({
		json: {
			error: safe.message,
			details: { description: safe.description ?? null, ...(typeof attempts === 'number' ? { attempts } : {}) },
		},
		pairedItem: { item: itemIndex },
	});
}

/** An item waiting for the device list: its checked scope and how it is answered from the list. */
interface Pending extends ItemScope {
	itemIndex: number;
	policy: RetryPolicy;
	answer: Answer;
}

/** An item after its checks: its result already (the plan gate), or waiting for the device list. */
type ItemStep = { result: ItemResult } | Pending;

/** An item's parameters and checks, in the order a user fixes them; no request is sent here. */
function prepareItem(ctx: IExecuteFunctions, itemIndex: number, run: WapingRun): ItemStep {
	const connection = run.connection(itemIndex);
	const { resource, operation } = run.operationOf(itemIndex);
	const handler = operations[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(ctx.getNode(), `The resource "${resource}" has no operation "${operation}"`, {
			itemIndex,
			description: 'Choose the resource and operation again in the node.',
		});
	}
	const deviceId = operation === 'getStatus' ? readDeviceId(ctx, itemIndex, run.parameter('deviceId', itemIndex, '')) : undefined;

	// Plan gate: a workspace declared Free has no API, so no request is sent.
	if (connection.declaredPlan === 'free') {
		const scope: ItemScope = deviceId === undefined ? { resource, operation } : { resource, operation, deviceId };
		return { result: denial({ kind: 'forbidden', statusCode: 403, code: 'FORBIDDEN', reason: 'plan' }, freePlanExplanation(), scope, 'credential') };
	}

	const policy = run.retryPolicy(itemIndex);
	const answer = handler({ ctx, itemIndex, connection, deviceId });
	return { itemIndex, resource, operation, deviceId, policy, answer };
}

/** An item's result from the device list, or the list's failure routed: 401/403 to their outputs, else an error. */
function answerItem(ctx: IExecuteFunctions, item: Pending, list: Outcome<DeviceList>): ItemResult {
	if (list.ok) return { output: OUTPUT.success, items: item.answer(list.value) };
	const { itemIndex, operation } = item;
	const explanation = explain(list.failure, list.attempts, actions[operation] ?? operation);
	// When a read needed retries, the item says how many (issue 4); a first-try answer adds nothing.
	if (isDenial(list.failure)) {
		const denied = denial(list.failure, explanation, item, 'api');
		if (list.attempts > 1) denied.items[0].attempts = list.attempts;
		return denied;
	}
	const error = apiError(ctx.getNode(), list.failure, explanation, itemIndex);
	if (list.attempts > 1) error.context.attempts = list.attempts;
	throw error;
}

/** The same error with the key scrubbed from what n8n shows and stores. */
function redactError(node: INode, error: unknown, redact: Redact, itemIndex: number): NodeOperationError {
	if (!(error instanceof Error)) {
		return new NodeOperationError(node, redact(String(error)), { itemIndex });
	}
	const failure = error as NodeOperationError & { messages?: unknown; context?: IDataObject };
	failure.message = redact(failure.message);
	// NodeApiError keeps the object it was built from; n8n stores it with the execution.
	if (failure.errorResponse) failure.errorResponse = redact(failure.errorResponse);
	if (typeof failure.stack === 'string') failure.stack = redact(failure.stack);
	if (typeof failure.description === 'string') failure.description = redact(failure.description);
	if (Array.isArray(failure.messages)) failure.messages = redact(failure.messages);
	if (failure.context) failure.context = redact(failure.context);
	// A NodeOperationError built from text keeps that text in its cause, and n8n's error reporter
	// logs the cause: an id or value that holds the key would reach the log unredacted.
	let cause: unknown = failure.cause;
	for (let depth = 0; depth < 5 && cause instanceof Error; depth++) {
		cause.message = redact(cause.message);
		if (typeof cause.stack === 'string') cause.stack = redact(cause.stack);
		cause = cause.cause;
	}
	return failure;
}
