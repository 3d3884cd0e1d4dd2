/**
 * A delivery's JSON → the events it holds, each read into the plain fields a no-code user maps,
 * whatever variant of WAPing's (unpublished) envelope it uses (assumptions.ts, Webhooks). Never
 * throws: anything it cannot read is an unknown event, kept raw.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	DEVICE_ID_FIELDS,
	EVENT_DATA_FIELDS,
	EVENT_ID_FIELDS,
	EVENT_NAME_FIELDS,
	EVENT_NAMES,
	EVENT_TIME_FIELDS,
	GROUP_CHAT_SUFFIX,
	HANDSHAKE_EVENT_TYPES,
} from '../shared/assumptions';

/** The events a user picks; unknown events start the workflow only with Any Event. */
export const EVENT_CHOICES = [
	'messageReceived',
	'messageStatus',
	'sessionChanged',
	'anyEvent',
] as const;
export type EventChoice = (typeof EVENT_CHOICES)[number];
export type EventKind = Exclude<EventChoice, 'anyEvent'> | 'unknown';

/** The `event` field of a known kind: one spelling, whatever variant WAPing sent. */
export const CANONICAL_NAMES: Record<Exclude<EventKind, 'unknown'>, string> = {
	messageReceived: 'message.received',
	messageStatus: 'message.status',
	sessionChanged: 'session.changed',
};

/** One event as the workflow gets it: the plain fields, then the raw event. */
export interface EventItem extends IDataObject {
	event: string | null;
	eventId: string | null;
	deviceId: string | null;
	from: string | null;
	to: string | null;
	text: string | null;
	messageId: string | null;
	status: string | null;
	state: string | null;
	previousState: string | null;
	chatId: string | null;
	isGroup: boolean | null;
	fromMe: boolean | null;
	occurredAt: string | null;
	raw: IDataObject | string | number | boolean | null;
}

export interface ReadEvent {
	kind: EventKind;
	item: EventItem;
}

const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** "Message_Received", "message-received" and "message.received" alike. */
const nameKey = (name: string) =>
	name
		.trim()
		.toLowerCase()
		.replace(/[_\-.\s]+/g, '.');

function kindOf(name: string | null): EventKind {
	if (name === null) return 'unknown';
	const key = nameKey(name);
	for (const [kind, names] of Object.entries(EVENT_NAMES) as Array<
		[EventKind, readonly string[]]
	>) {
		if (names.some((known) => nameKey(known) === key)) return kind;
	}
	return 'unknown';
}

/** The first field of `fields` that is non-empty text (or a number, as text). */
function text(source: IDataObject | undefined, fields: readonly string[]): string | null {
	if (!source) return null;
	for (const field of fields) {
		const value = source[field];
		if (typeof value === 'string' && value.trim() !== '') return value;
		if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	}
	return null;
}

function flag(source: IDataObject | undefined, fields: readonly string[]): boolean | null {
	if (!source) return null;
	for (const field of fields) {
		if (typeof source[field] === 'boolean') return source[field] as boolean;
	}
	return null;
}

/** ISO text of a time given as ISO text, epoch seconds or epoch milliseconds; null when none. */
function time(value: unknown): string | null {
	let ms: number | undefined;
	if (typeof value === 'number' && Number.isFinite(value)) ms = value < 1e12 ? value * 1000 : value;
	else if (typeof value === 'string' && /^\d{9,13}$/.test(value.trim())) return time(Number(value));
	else if (typeof value === 'string' && value.trim() !== '') ms = Date.parse(value);
	if (ms === undefined || !Number.isFinite(ms)) return null;
	const date = new Date(ms);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function firstTime(source: IDataObject | undefined, fields: readonly string[]): string | null {
	if (!source) return null;
	for (const field of fields) {
		const value = time(source[field]);
		if (value) return value;
	}
	return null;
}

/** The message text: `text`, `body`, `text.body` or `message.text` / `message.body`. */
function messageText(data: IDataObject): string | null {
	const direct = text(data, ['text', 'body', 'caption']);
	if (direct !== null) return direct;
	for (const field of ['text', 'message']) {
		const nested = data[field];
		if (isObject(nested)) {
			const value = text(nested, ['body', 'text', 'caption']);
			if (value !== null) return value;
		}
	}
	return null;
}

const lower = (value: string | null) => (value === null ? null : value.trim().toLowerCase());

/** Whether a body is WAPing's URL-verification handshake; its challenge when it is. */
export function handshakeChallenge(body: unknown): string | undefined {
	if (!isObject(body)) return undefined;
	const name = text(body, EVENT_NAME_FIELDS);
	if (name === null || !HANDSHAKE_EVENT_TYPES.some((type) => nameKey(type) === nameKey(name)))
		return undefined;
	const challenge = body.challenge;
	return typeof challenge === 'string' ? challenge : undefined;
}

/** One event (an element of the body, or the body itself) read into its item. */
export function readEvent(value: unknown, headerId?: string): ReadEvent {
	const envelope = isObject(value) ? value : undefined;
	const name = text(envelope, EVENT_NAME_FIELDS);
	const kind = kindOf(name);
	const payload = envelope
		? (EVENT_DATA_FIELDS.map((field) => envelope[field]).find(isObject) ?? envelope)
		: undefined;
	const data: IDataObject = payload ?? {};
	const chatId = text(data, ['chatId', 'chat_id', 'chat', 'remoteJid']);
	const isGroup =
		flag(data, ['isGroup', 'is_group', 'group']) ??
		(chatId === null ? null : chatId.endsWith(GROUP_CHAT_SUFFIX));
	const direction = lower(text(data, ['direction']));
	const fromMe =
		flag(data, ['fromMe', 'from_me', 'isFromMe']) ??
		(direction === null ? null : ['outbound', 'outgoing', 'out', 'sent'].includes(direction));
	const status = kind === 'messageStatus' ? lower(text(data, ['status', 'ack', 'state'])) : null;
	const state =
		kind === 'sessionChanged' ? lower(text(data, ['state', 'status', 'session'])) : null;
	const item: EventItem = {
		event: kind === 'unknown' ? name : CANONICAL_NAMES[kind],
		eventId: text(envelope, EVENT_ID_FIELDS) ?? headerId ?? null,
		deviceId: text(envelope, DEVICE_ID_FIELDS) ?? text(data, DEVICE_ID_FIELDS),
		from: text(data, ['from', 'sender', 'author']),
		to: text(data, ['to', 'recipient']),
		text: kind === 'messageReceived' || kind === 'unknown' ? messageText(data) : null,
		messageId:
			text(data, ['messageId', 'message_id']) ??
			(kind === 'messageReceived' || kind === 'messageStatus'
				? (text(data === envelope ? {} : data, ['id']) ??
					(isObject(data.message) ? text(data.message, ['id']) : null))
				: null),
		status,
		state,
		previousState:
			kind === 'sessionChanged'
				? lower(text(data, ['previousState', 'previous_state', 'from']))
				: null,
		chatId,
		isGroup,
		fromMe,
		occurredAt: firstTime(envelope, EVENT_TIME_FIELDS) ?? firstTime(data, EVENT_TIME_FIELDS),
		raw: (value ?? null) as EventItem['raw'],
	};
	// A session event's "from" is its previous state, not a sender.
	if (kind === 'sessionChanged') item.from = null;
	return { kind, item };
}

/** Every event a delivery holds: a list of events (a batch) or one. */
export function readEvents(body: unknown, headerId?: string): ReadEvent[] {
	if (Array.isArray(body)) {
		// In a batch the webhook-id header names the delivery, not each event.
		return body.map((element) => readEvent(element));
	}
	return [readEvent(body, headerId)];
}

/** What the user chose to start the workflow for. */
export interface EventFilter {
	events: ReadonlySet<EventChoice>;
	/** Device ids to keep; empty = every device. */
	devices: ReadonlySet<string>;
	ignoreOwnMessages: boolean;
	chats: 'all' | 'direct' | 'groups';
}

/** Whether an event starts the workflow (undefined) or why not. */
export function leftOutBecause(event: ReadEvent, filter: EventFilter): string | undefined {
	const { kind, item } = event;
	const any = filter.events.has('anyEvent');
	if (!any && (kind === 'unknown' || !filter.events.has(kind))) return 'event not chosen';
	if (filter.devices.size > 0 && (item.deviceId === null || !filter.devices.has(item.deviceId)))
		return 'device not chosen';
	if (kind === 'messageReceived') {
		if (filter.ignoreOwnMessages && item.fromMe === true) return 'sent by the device itself';
		if (filter.chats === 'direct' && item.isGroup === true) return 'group chat';
		if (filter.chats === 'groups' && item.isGroup !== true) return 'not a group chat';
	}
	return undefined;
}
