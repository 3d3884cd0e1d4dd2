import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { RetryPolicy } from './retry';
import { DEFAULT_RETRY_POLICY } from './retry';

/** Reads and checks parameters at the item's own index, so every item can differ. */

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function readDeviceId(ctx: IExecuteFunctions, itemIndex: number): string {
	const raw = ctx.getNodeParameter('deviceId', itemIndex, '') as unknown;
	const value = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
	if (typeof value !== 'string') {
		throw new NodeOperationError(ctx.getNode(), `Device ID must be text, but item ${itemIndex} gave ${describe(raw)}`, {
			itemIndex,
			description: 'Map the field that holds one device id, e.g. {{ $json.deviceId }}.',
		});
	}
	const id = value.trim();
	if (id === '') {
		throw new NodeOperationError(ctx.getNode(), `Device ID is empty for item ${itemIndex}`, {
			itemIndex,
			description:
				'Enter a device id such as dev_123, or map one from the input with an expression. Device → Get Many lists the ids.',
		});
	}
	if (/[\u0000-\u001f\u007f]/.test(id)) {
		throw new NodeOperationError(ctx.getNode(), `Device ID for item ${itemIndex} contains control characters`, {
			itemIndex,
			description: 'Remove line breaks, tabs and other invisible characters from the Device ID.',
		});
	}
	return id;
}

/** Limit for Get Many: Infinity when Return All is on. */
export function readLimit(ctx: IExecuteFunctions, itemIndex: number): number {
	if (ctx.getNodeParameter('returnAll', itemIndex, false) === true) return Infinity;
	const limit = ctx.getNodeParameter('limit', itemIndex, 50) as unknown;
	if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
		throw new NodeOperationError(ctx.getNode(), `Limit must be a whole number of at least 1, but item ${itemIndex} gave ${String(limit)}`, {
			itemIndex,
			description: 'Set Limit to how many devices to return, or turn on Return All.',
		});
	}
	return limit;
}

function readNumber(
	ctx: IExecuteFunctions,
	options: IDataObject,
	name: string,
	label: string,
	min: number,
	fallback: number,
	itemIndex: number,
): number {
	const value = options[name];
	if (value === undefined) return fallback;
	if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
		throw new NodeOperationError(ctx.getNode(), `${label} must be a number of at least ${min}, but item ${itemIndex} gave ${String(value)}`, {
			itemIndex,
			description: `Fix "${label}" in the node's Options, or remove it to use the default (${fallback}).`,
		});
	}
	return value;
}

/** Retry and timeout settings from the node's Options, with defaults. */
export function readRetryPolicy(ctx: IExecuteFunctions, itemIndex: number): RetryPolicy {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const d = DEFAULT_RETRY_POLICY;
	return {
		...d,
		maxAttempts: Math.floor(readNumber(ctx, options, 'maxAttempts', 'Max Attempts', 1, d.maxAttempts, itemIndex)),
		maxWaitMs: readNumber(ctx, options, 'maxWait', 'Max Wait (Seconds)', 0, d.maxWaitMs / 1000, itemIndex) * 1000,
		timeoutMs: readNumber(ctx, options, 'timeout', 'Timeout (Ms)', 1, d.timeoutMs, itemIndex),
	};
}
