/** The trigger's parameters, read and checked (a bad value throws the node's words). */
import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_TIMESTAMP_TOLERANCE_SECONDS } from '../shared/assumptions';
import { readChoice } from '../shared/parameters';
import type { EventChoice, EventFilter } from './events';
import { EVENT_CHOICES } from './events';
import type { Scheme } from './verify';
import { defaultHeader, SCHEMES } from './verify';

type Context = IHookFunctions | IWebhookFunctions;

export const CHATS = ['all', 'direct', 'groups'] as const;

/** When a delivery that starts the workflow is answered (Options → Answer WAPing). */
export const ANSWERS = ['verified', 'started'] as const;
export type AnswerWhen = (typeof ANSWERS)[number];

/** A header name: the token characters HTTP allows. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]{1,100}$/i;

export function readScheme(ctx: Context): Scheme {
	return readChoice(
		ctx,
		undefined,
		ctx.getNodeParameter('verification', 'hmacSha256'),
		'Verification',
		SCHEMES,
	);
}

function options(ctx: Context): IDataObject {
	const value = ctx.getNodeParameter('options', {}) as unknown;
	return typeof value === 'object' && value !== null ? (value as IDataObject) : {};
}

/** The header of the signature (or the secret), lower case; the scheme's default when left empty. */
export function readHeader(ctx: Context, scheme: Scheme): string {
	const raw = options(ctx).headerName;
	if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === ''))
		return defaultHeader(scheme);
	if (typeof raw !== 'string' || !HEADER_NAME.test(raw.trim())) {
		throw new NodeOperationError(ctx.getNode(), 'Header Name is not a valid HTTP header name', {
			description:
				'Use the header name WAPing sends the signature in, e.g. x-waping-signature: letters, digits and dashes.',
		});
	}
	return raw.trim().toLowerCase();
}

export function readAnswerWhen(ctx: Context): AnswerWhen {
	return readChoice(ctx, undefined, options(ctx).answer ?? 'verified', 'Answer WAPing', ANSWERS);
}

export function readTolerance(ctx: Context): number {
	const raw = options(ctx).timestampTolerance;
	if (raw === undefined || raw === null || raw === '') return DEFAULT_TIMESTAMP_TOLERANCE_SECONDS;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < 1 || value > 86_400) {
		throw new NodeOperationError(ctx.getNode(), 'Timestamp Tolerance must be 1 to 86400 seconds', {
			description:
				'Use 300 (five minutes), the Standard Webhooks default, unless WAPing says otherwise.',
		});
	}
	return value;
}

function list(raw: unknown): unknown[] {
	if (Array.isArray(raw)) return raw;
	if (typeof raw === 'string' && raw.trim() !== '') return raw.split(',').map((v) => v.trim());
	return [];
}

export function readFilter(ctx: Context): EventFilter {
	const events = list(ctx.getNodeParameter('events', ['messageReceived']));
	if (events.length === 0) {
		throw new NodeOperationError(ctx.getNode(), 'Choose at least one event to start the workflow', {
			description: 'Pick Message Received, Message Status Changed, Session Changed or Any Event.',
		});
	}
	const chosen = events.map((event) =>
		readChoice(ctx, undefined, event, 'Events', EVENT_CHOICES),
	) as EventChoice[];
	const devices = list(ctx.getNodeParameter('devices', []))
		.filter((id): id is string => typeof id === 'string' && id.trim() !== '')
		.map((id) => id.trim());
	const chats = readChoice(ctx, undefined, ctx.getNodeParameter('chats', 'all'), 'Chats', CHATS);
	return {
		events: new Set(chosen),
		devices: new Set(devices),
		ignoreOwnMessages: ctx.getNodeParameter('ignoreOwnMessages', true) !== false,
		chats,
	};
}
