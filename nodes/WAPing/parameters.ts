import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEVICE_ID_MAX_LENGTH } from './assumptions';
import type { RetryPolicy } from './retry';
import { DEFAULT_RETRY_POLICY, RETRY_LIMITS } from './retry';

/** Reads and checks parameters at the item's own index, so every item can differ. */

/**
 * Characters refused in a device id: control characters, and invisible ones (zero-width, bidi
 * overrides, line separators) that would make "dev_123" and "dev_123" look the same and differ.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The Device ID for one item. The id never goes into a URL: the node looks it up in the device
 * list (the one documented read), so "/", "?", "#" and ".." are harmless and are looked up as they are.
 */
export function readDeviceId(
	ctx: IExecuteFunctions,
	itemIndex: number,
	raw: unknown = ctx.getNodeParameter('deviceId', itemIndex, ''),
): string {
	const value = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
	if (value === undefined || value === null) {
		throw new NodeOperationError(ctx.getNode(), `Device ID is empty for item ${itemIndex}`, {
			itemIndex,
			description:
				'The Device ID expression gave nothing for this item (is the field missing from it?). Map a field that holds a device id, e.g. {{ $json.deviceId }}.',
		});
	}
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
	if (INVISIBLE.test(id)) {
		throw new NodeOperationError(ctx.getNode(), `Device ID for item ${itemIndex} contains control or invisible characters`, {
			itemIndex,
			description:
				'Remove line breaks, tabs and invisible characters (zero-width spaces, direction marks) from the Device ID; they often come along when an id is copied from a web page.',
		});
	}
	if (id.length > DEVICE_ID_MAX_LENGTH) {
		throw new NodeOperationError(ctx.getNode(), `Device ID for item ${itemIndex} is ${id.length} characters long`, {
			itemIndex,
			description: `A WAPing device id is short, like dev_123 (at most ${DEVICE_ID_MAX_LENGTH} characters are accepted). Check that the expression picks the id, not a whole text or object.`,
		});
	}
	return id;
}

/** A number, also when an expression gave it as text ("5"); undefined for anything else. */
function asNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
	return undefined;
}

/** Limit for Get Many: Infinity when Return All is on. */
export function readLimit(ctx: IExecuteFunctions, itemIndex: number): number {
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as unknown;
	if (returnAll === true || returnAll === 'true') return Infinity;
	const raw = ctx.getNodeParameter('limit', itemIndex, 50) as unknown;
	const limit = asNumber(raw);
	if (limit === undefined || !Number.isInteger(limit) || limit < 1) {
		throw new NodeOperationError(ctx.getNode(), `Limit must be a whole number of at least 1, but item ${itemIndex} gave ${shown(raw)}`, {
			itemIndex,
			description: 'Set Limit to how many devices to return, or turn on Return All.',
		});
	}
	return limit;
}

/** A parameter value as a short quote for a message. */
function shown(value: unknown): string {
	if (typeof value === 'string') return `"${value.replace(/[\p{Cc}\p{Cf}]/gu, '').slice(0, 40)}"`;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return describe(value);
}

function readNumber(
	ctx: IExecuteFunctions,
	options: IDataObject,
	name: string,
	label: string,
	limits: { min: number; max: number },
	fallback: number,
	itemIndex: number,
): number {
	const raw = options[name];
	if (raw === undefined || raw === null || raw === '') return fallback;
	const value = asNumber(raw);
	if (value === undefined || value < limits.min || value > limits.max) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${label} must be a number from ${limits.min} to ${limits.max}, but item ${itemIndex} gave ${shown(raw)}`,
			{
				itemIndex,
				description: `Fix "${label}" in the node's Options, or remove it to use the default (${fallback}).`,
			},
		);
	}
	return value;
}

/**
 * Retry and timeout settings from the node's Options, with defaults. Hard limits (RETRY_LIMITS)
 * bound what one item can cost: at most 10 requests and an hour of waiting.
 */
export function readRetryPolicy(
	ctx: IExecuteFunctions,
	itemIndex: number,
	raw: unknown,
): RetryPolicy {
	if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
		throw new NodeOperationError(ctx.getNode(), `The node's Options must be a set of options, but item ${itemIndex} gave ${describe(raw)}`, {
			itemIndex,
			description: 'Open Options and set each option on its own instead of one expression for all of them.',
		});
	}
	const options = (raw ?? {}) as IDataObject;
	const d = DEFAULT_RETRY_POLICY;
	const L = RETRY_LIMITS;
	return {
		...d,
		maxAttempts: Math.floor(readNumber(ctx, options, 'maxAttempts', 'Max Attempts', L.maxAttempts, d.maxAttempts, itemIndex)),
		maxWaitMs: readNumber(ctx, options, 'maxWait', 'Max Wait (Seconds)', L.maxWaitSeconds, d.maxWaitMs / 1000, itemIndex) * 1000,
		timeoutMs: readNumber(ctx, options, 'timeout', 'Timeout (Ms)', L.timeoutMs, d.timeoutMs, itemIndex),
		baseDelayMs: readNumber(ctx, options, 'retryDelay', 'Retry Delay (Ms)', L.retryDelayMs, d.baseDelayMs, itemIndex),
	};
}
