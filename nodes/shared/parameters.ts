import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	DEVICE_ID_MAX_LENGTH,
	IDEMPOTENCY_KEY_MAX_LENGTH,
	TEXT_MAX_CHARACTERS,
} from './assumptions';
import { trimDeviceId } from './devices';
import { TEXT_LENGTH_UNIT } from './explanations';
import { toE164 } from './phone';
import type { RetryPolicy } from './transport/retry';
import { DEFAULT_RETRY_POLICY, RETRY_LIMITS } from './transport/retry';
import { characterCount, countInWords, isInvisible } from './textLength';
import { itemWords } from './itemWords';

/** Reads and checks parameters at the item's own index, so every item can differ. */

/**
 * What the readers need of n8n's context: the node, for their errors. The WAPing node passes its
 * execute context and an item index; the trigger, which has no items, its poll context and none.
 */
export interface NodeContext {
	getNode(): INode;
}

/** "item 4 gave", "the first item gave" for the node's items; "it is" for the trigger, which has none. */
function given(itemIndex: number | undefined): string {
	return itemIndex === undefined ? 'it is' : `${itemWords(itemIndex)} gave`;
}

/** The value of a resource locator ({ __rl, mode, value }), or the value itself (a Device ID saved as plain text). */
export function locatorValue(raw: unknown): unknown {
	if (
		typeof raw === 'object' &&
		raw !== null &&
		!Array.isArray(raw) &&
		(raw as IDataObject).__rl === true
	) {
		return (raw as IDataObject).value;
	}
	return raw;
}

/**
 * An options-type parameter's value, checked against its choices as own values, so that text such as
 * "constructor" or "__proto__" (from an expression or an edited file) is refused, never taken for a choice.
 */
export function readChoice<T extends string>(
	ctx: NodeContext,
	itemIndex: number | undefined,
	raw: unknown,
	label: string,
	choices: readonly T[],
): T {
	if (typeof raw === 'string' && (choices as readonly string[]).includes(raw)) return raw as T;
	throw new NodeOperationError(ctx.getNode(), `${label} has no choice ${shown(raw)}`, {
		itemIndex,
		description: `Choose one of: ${choices.join(', ')}.`,
	});
}

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
export function readDeviceId(ctx: IExecuteFunctions, itemIndex: number, raw: unknown): string {
	const picked = locatorValue(raw);
	const value = typeof picked === 'number' && Number.isFinite(picked) ? String(picked) : picked;
	if (value === undefined || value === null) {
		throw new NodeOperationError(ctx.getNode(), `Device ID is empty for ${itemWords(itemIndex)}`, {
			itemIndex,
			description:
				'The Device ID expression gave nothing for this item (is the field missing from it?). Map a field that holds a device id, e.g. {{ $json.deviceId }}.',
		});
	}
	if (typeof value !== 'string') {
		throw new NodeOperationError(
			ctx.getNode(),
			`Device ID must be text, but ${itemWords(itemIndex)} gave ${describe(raw)}`,
			{
				itemIndex,
				description: 'Map the field that holds one device id, e.g. {{ $json.deviceId }}.',
			},
		);
	}
	const id = trimDeviceId(value);
	if (id === '') {
		throw new NodeOperationError(ctx.getNode(), `Device ID is empty for ${itemWords(itemIndex)}`, {
			itemIndex,
			description:
				'Enter a device id such as dev_123, or map one from the input with an expression. Device → Get Many lists the ids.',
		});
	}
	if (INVISIBLE.test(id)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Device ID for ${itemWords(itemIndex)} contains control or invisible characters`,
			{
				itemIndex,
				description:
					'Remove line breaks, tabs and invisible characters (zero-width spaces, direction marks) from the Device ID; they often come along when an id is copied from a web page.',
			},
		);
	}
	if (id.length > DEVICE_ID_MAX_LENGTH) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Device ID for ${itemWords(itemIndex)} is ${id.length} characters long`,
			{
				itemIndex,
				description: `A WAPing device id is short, like dev_123 (at most ${DEVICE_ID_MAX_LENGTH} characters are accepted). Check that the expression picks the id, not a whole text or object.`,
			},
		);
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
		throw new NodeOperationError(
			ctx.getNode(),
			`Limit must be a whole number of at least 1, but ${itemWords(itemIndex)} gave ${shown(raw)}`,
			{
				itemIndex,
				description: 'Set Limit to how many devices to return, or turn on Return All.',
			},
		);
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
	ctx: NodeContext,
	options: IDataObject,
	name: string,
	label: string,
	limits: { min: number; max: number },
	fallback: number,
	itemIndex: number | undefined,
): number {
	const raw = options[name];
	if (raw === undefined || raw === null || raw === '') return fallback;
	const value = asNumber(raw);
	if (value === undefined || value < limits.min || value > limits.max) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${label} must be a number from ${limits.min} to ${limits.max}, but ${given(itemIndex)} ${shown(raw)}`,
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
	ctx: NodeContext,
	itemIndex: number | undefined,
	raw: unknown,
): RetryPolicy {
	if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The node's Options must be a set of options, but ${given(itemIndex)} ${describe(raw)}`,
			{
				itemIndex,
				description:
					'Open Options and set each option on its own instead of one expression for all of them.',
			},
		);
	}
	const options = (raw ?? {}) as IDataObject;
	const d = DEFAULT_RETRY_POLICY;
	const L = RETRY_LIMITS;
	return {
		...d,
		maxAttempts: Math.floor(
			readNumber(
				ctx,
				options,
				'maxAttempts',
				'Max Attempts',
				L.maxAttempts,
				d.maxAttempts,
				itemIndex,
			),
		),
		maxWaitMs:
			readNumber(
				ctx,
				options,
				'maxWait',
				'Max Wait (Seconds)',
				L.maxWaitSeconds,
				d.maxWaitMs / 1000,
				itemIndex,
			) * 1000,
		timeoutMs:
			readNumber(
				ctx,
				options,
				'timeoutSeconds',
				'Timeout (Seconds)',
				L.timeoutSeconds,
				d.timeoutMs / 1000,
				itemIndex,
			) * 1000,
		baseDelayMs:
			readNumber(
				ctx,
				options,
				'retryDelaySeconds',
				'Retry Delay (Seconds)',
				L.retryDelaySeconds,
				d.baseDelayMs / 1000,
				itemIndex,
			) * 1000,
	};
}

/** The recipient for one item, as E.164; a number without its country code is refused before any request. */
export function readRecipient(ctx: IExecuteFunctions, itemIndex: number, raw: unknown): string {
	const phone = toE164(raw);
	if ('e164' in phone) return phone.e164;
	const quoted = typeof raw === 'string' ? ` ${shown(raw)}` : '';
	throw new NodeOperationError(
		ctx.getNode(),
		`The number in "To"${quoted} for ${itemWords(itemIndex)} cannot be used: ${phone.problem}`,
		{
			itemIndex,
			description: phone.fix,
		},
	);
}

/** The text of one message: not empty, within WhatsApp's limit for one message. */
export function readText(ctx: IExecuteFunctions, itemIndex: number, raw: unknown): string {
	const text = typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw;
	if (typeof text !== 'string') {
		throw new NodeOperationError(
			ctx.getNode(),
			`"Text" must be text, but ${itemWords(itemIndex)} gave ${describe(raw)}`,
			{
				itemIndex,
				description:
					'Map a field that holds the message, e.g. {{ $json.message }}, or type the text.',
			},
		);
	}
	if (text.trim() === '') {
		throw new NodeOperationError(ctx.getNode(), `"Text" is empty for ${itemWords(itemIndex)}`, {
			itemIndex,
			description:
				'Type the message, or map a field that holds it. WhatsApp does not deliver empty messages.',
		});
	}
	if (isInvisible(text)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"Text" for ${itemWords(itemIndex)} has only invisible characters`,
			{
				itemIndex,
				description:
					'It holds nothing a recipient could read (only spaces, line breaks, or invisible characters such as zero-width spaces or joiners), so WhatsApp would show an empty message. Type the message, or map a field that holds it.',
			},
		);
	}
	const length = characterCount(text, TEXT_MAX_CHARACTERS);
	if (length > TEXT_MAX_CHARACTERS) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"Text" for ${itemWords(itemIndex)} is ${countInWords(length)} characters long, over WhatsApp's limit of ${TEXT_MAX_CHARACTERS}`,
			{
				itemIndex,
				description: `Shorten the message, or split it into messages of at most ${TEXT_MAX_CHARACTERS} characters (one item each). ${TEXT_LENGTH_UNIT}`,
			},
		);
	}
	return text;
}

/**
 * A key set by the user (an order or ticket id): sent as written, so it must fit in an HTTP header.
 * Undefined (the node derives one) only when the option is not set: not added, or left empty. When it
 * is set (an expression, as keys from data are), an item for which it gives nothing is refused: sent
 * under a derived key instead, a second run for the same data would send the message again.
 */
export function readIdempotencyKey(
	ctx: IExecuteFunctions,
	itemIndex: number,
	raw: unknown,
	stored: unknown,
): string | undefined {
	const set = typeof stored === 'string' && (stored.startsWith('=') || stored.trim() !== '');
	const value = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
	const blank =
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
	if (blank && !set) return undefined;
	if (blank) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"Idempotency Key" is empty for ${itemWords(itemIndex)}, so the message was not sent`,
			{
				itemIndex,
				description:
					'The Idempotency Key expression gave nothing for this item (is the field missing or empty in it?). Map a field every item has, e.g. order-{{ $json.orderId }}, or remove the option to let the node make a key per item and execution.',
			},
		);
	}
	if (typeof value !== 'string') {
		throw new NodeOperationError(
			ctx.getNode(),
			`"Idempotency Key" must be text, but ${itemWords(itemIndex)} gave ${describe(raw)}`,
			{
				itemIndex,
				description:
					'Map one value that identifies the message, e.g. {{ $json.orderId }}, or leave it empty to let the node make one.',
			},
		);
	}
	const key = value.trim();
	if (key.length > IDEMPOTENCY_KEY_MAX_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"Idempotency Key" for ${itemWords(itemIndex)} cannot be sent`,
			{
				itemIndex,
				description: `A key is at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters of plain letters, digits and punctuation, without spaces (e.g. order-1042-shipped). Build it from ids, not from names or text.`,
			},
		);
	}
	return key;
}

/** Send's own options, read for the whole run (from the first item that sends). */
export interface SendSettings {
	onlyWhenConnected: boolean;
	maxConcurrent: number;
	minIntervalMs: number;
}

export const SEND_LIMITS = {
	maxConcurrent: { min: 1, max: 50 },
	minIntervalMs: { min: 0, max: 3_600_000 },
} as const;

export const DEFAULT_SEND_SETTINGS: SendSettings = {
	onlyWhenConnected: true,
	maxConcurrent: 10,
	minIntervalMs: 0,
};

export function readSendSettings(
	ctx: IExecuteFunctions,
	itemIndex: number,
	raw: unknown,
): SendSettings {
	const options = (
		typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}
	) as IDataObject;
	const d = DEFAULT_SEND_SETTINGS;
	const only = options.onlyWhenConnected;
	if (
		only !== undefined &&
		only !== null &&
		only !== '' &&
		!['true', 'false'].includes(String(only))
	) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"Only When Connected" must be on or off, but ${itemWords(itemIndex)} gave ${shown(only)}`,
			{
				itemIndex,
				description:
					"Switch the option on or off in the node's Options instead of using an expression.",
			},
		);
	}
	return {
		onlyWhenConnected:
			only === undefined || only === null || only === ''
				? d.onlyWhenConnected
				: String(only) === 'true',
		maxConcurrent: Math.floor(
			readNumber(
				ctx,
				options,
				'maxConcurrent',
				'Max Concurrent Sends',
				SEND_LIMITS.maxConcurrent,
				d.maxConcurrent,
				itemIndex,
			),
		),
		minIntervalMs: readNumber(
			ctx,
			options,
			'minInterval',
			'Min Interval Between Messages (Ms)',
			SEND_LIMITS.minIntervalMs,
			d.minIntervalMs,
			itemIndex,
		),
	};
}
