/**
 * Everything this package assumes about WAPing beyond its public docs (WAPING-API.md).
 * WAPing calls its paths, fields and codes illustrative; when the canonical OpenAPI says otherwise,
 * this is the one file to correct.
 */

/** Documented host; configurable in the credential. */
export const DEFAULT_BASE_URL = 'https://api.waping.app';

/** The one documented read endpoint. No per-device GET, pagination or plan endpoint is documented. */
export const DEVICES_PATH = '/v1/devices';

/**
 * The documented send: `POST /v1/messages` with `Idempotency-Key` and the body
 * `{ deviceId, to, type: "text", text: { body } }`; the answer `{ id, status, deviceId }`.
 */
export const MESSAGES_PATH = '/v1/messages';
export const TEXT_MESSAGE_TYPE = 'text';

/**
 * WhatsApp's limit for one text message, 4096 characters; neither WAPing's docs nor WhatsApp's say in
 * which unit. Counted as user-perceived characters (grapheme clusters: 👍🏽, 🇫🇷 and e + accent are one),
 * because that is what a person writing the message counts, what the README has always promised
 * ("emoji count as one"), and the most lenient reading: a text within it in code points or UTF-16
 * units is within it here too, so the node never refuses a text WAPing could take. Should WAPing
 * count a smaller unit, it answers such a text with a 400 that the node reports as not sent.
 */
export const TEXT_MAX_CHARACTERS = 4096;

/** E.164: a country code and number of at most 15 digits. Shorter than 7 digits is taken for a typo. */
export const PHONE_DIGITS = { min: 7, max: 15 } as const;

/**
 * Idempotency keys: the docs show a UUID. Keys set by the user are sent as written, up to this
 * length, in visible ASCII (they travel in an HTTP header).
 */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/**
 * A replayed answer (same key and body sent again) is marked by this header, as Stripe does; WAPing
 * does not document one. When present, the success item says `replayed: true`. A `replayed` field in
 * the body alone is not trusted (a proxy or a cache could send it): it is dropped.
 */
export const REPLAYED_HEADER = 'idempotent-replayed';

/**
 * What a message receipt is: the documented answer `{ "id": "msg_abc123", "status": "queued",
 * "deviceId" }`: a JSON object whose `id` and `status` are non-empty text, the status not one of
 * RECEIPT_FAILED_STATUSES (any other status, e.g. "sent", is kept as WAPing said it), with no `error`. Any other 2xx (an empty answer, a
 * 204, a web page, a device list, `{ "error": … }`, `status: "failed"`) is not a receipt: nothing
 * proves the message was accepted, so the item is an unknown outcome, never a success.
 */
export const RECEIPT_ID_FIELD = 'id';
export const RECEIPT_STATUS_FIELD = 'status';
/** Statuses that say the message was not accepted (compared trimmed, in any case). Not documented. */
export const RECEIPT_FAILED_STATUSES = [
	'failed',
	'failure',
	'error',
	'errored',
	'rejected',
	'refused',
	'undelivered',
	'undeliverable',
	'cancelled',
	'canceled',
	'expired',
	'invalid',
] as const;

/**
 * Idempotency conflicts. The docs name one: 409 IDEMPOTENCY_CONFLICT, "same key, different body". The
 * IETF httpapi Idempotency-Key draft adds: 409 = a request with this key is still being processed,
 * 422 = the key was used with a different body. Assumed here, as both allow:
 * - a 409 whose code is one of IN_PROGRESS_CODES, or whose message says so (IN_PROGRESS_WORDS), or
 *   which has no error code at all, is "still being processed": waited and asked again, within Max
 *   Attempts and Max Wait;
 * - a 409 that answers the node's own retry after an attempt whose answer was lost (a timeout, a
 *   dropped connection, a 5xx: WAPing may have taken the first one) is "still being processed" too,
 *   whatever its code: the node sent the same body with the same key, so it cannot be another message;
 * - any other 409 IDEMPOTENCY_CONFLICT, and a 422 whose code or message names the idempotency key,
 *   is the key used for a different message: not retried.
 */
export const IDEMPOTENCY_CONFLICT_CODE = 'IDEMPOTENCY_CONFLICT';
export const IN_PROGRESS_CODES = [
	'IDEMPOTENCY_IN_PROGRESS',
	'IDEMPOTENCY_KEY_IN_USE',
	'IDEMPOTENCY_PROCESSING',
	'REQUEST_IN_PROGRESS',
	'IN_PROGRESS',
	'CONCURRENT_REQUEST',
];
export const IN_PROGRESS_WORDS =
	/\b(in progress|still (being )?process\w*|being processed|outstanding|in use)\b/i;
export const KEY_REUSE_WORDS = /\bidempoten/i;

/**
 * The largest answers the node reads, in bytes. The largest plan has 50 devices; a device list far
 * beyond that (thousands of devices with large fields) is refused as a bad answer, not read.
 */
export const MAX_ANSWER_BYTES = { devices: 4 * 1024 * 1024, message: 64 * 1024 } as const;

/** Documented answer: `{ "data": [{ "id", "status" }] }`. A bare array is accepted too. */
export const DEVICE_LIST_FIELD = 'data';

/** Conceptual session states from the QR-session docs; only "connected" is safe to send through. */
export const KNOWN_DEVICE_STATES = ['connected', 'degraded', 'disconnected', 'unlinked'] as const;
export const SENDABLE_STATE = 'connected';

/**
 * The plans limit "linked devices". A device the API lists as "unlinked" has no WhatsApp session (its
 * QR code was never scanned, or it was logged out): it is not counted against the plan's limit.
 * Duplicate ids in one answer are one device.
 */
export const UNLINKED_STATE = 'unlinked';

/** Documented error body: `{ "error": { "code", "message" } }`; optional on any non-2xx. */
export const ERROR_CODES = {
	unauthorized: 'UNAUTHORIZED',
	forbidden: 'FORBIDDEN',
	notFound: 'NOT_FOUND',
	validation: 'VALIDATION_ERROR',
	rateLimited: 'RATE_LIMITED',
	sessionDisconnected: 'SESSION_DISCONNECTED',
	server: 'SERVER_ERROR',
} as const;

/**
 * The docs use FORBIDDEN for both a plan without API access and a key whose scope or workspace ACL
 * denies. These codes and words in the answer mark a plan denial; any other 403 is a permission one.
 */
export const PLAN_DENIAL_CODES = [
	'PLAN_REQUIRED',
	'PLAN_NO_API_ACCESS',
	'PLAN_LIMIT_EXCEEDED',
	'UPGRADE_REQUIRED',
	'PAYMENT_REQUIRED',
	'FEATURE_NOT_IN_PLAN',
];
export const PLAN_DENIAL_WORDS = /\b(plan|tier|upgrade|subscription|billing|free)\b/i;

/**
 * Keys are opaque and no format is documented. Assumed: one token of visible ASCII (it travels in an
 * HTTP header) of at least 8 characters. Shorter keys are refused: the node redacts the key from
 * everything it shows, and a 3-letter "key" could not be redacted without mangling ordinary text.
 */
export const API_KEY_MIN_LENGTH = 8;
export const API_KEY_CHARACTERS = /^[\x21-\x7e]+$/;

/** Device ids look like dev_123 in the docs; longer than this is taken for a mapping mistake. */
export const DEVICE_ID_MAX_LENGTH = 200;

// Retry-After is documented on 429; it is honoured on 5xx answers too (HTTP allows it on 503).

/**
 * Rate limits are per workspace and undocumented beyond 429 + Retry-After: Send learns the rate from
 * the 429s it gets (see transport/throttle.ts), it is not configured.
 */

// Webhooks (inbound messages, delivery and session changes) exist, but their event names, envelope,
// verification handshake and signature scheme are not published. The WAPing Trigger polls the
// documented GET /v1/devices; the WAPing Webhook Trigger accepts the common shapes listed in the
// "Webhooks" section at the end of this file.
//
// The WAPing Trigger also assumes (nodes/WapingTrigger/changes.ts):
// - GET /v1/devices lists every device of the workspace in one answer (no pagination is documented):
//   an id missing from a 2xx answer is reported as Device Removed, and an empty list as every device
//   removed. Only a failed request (any non-2xx, a network fault, an answer that is not a list) is
//   treated as "unknown", never as devices gone.
// - A device id is stable for the life of its link: a new id is Device Linked, never a renamed device.
// - Statuses are short words: the baseline keeps at most 256 characters of one. A status outside the
//   four documented states is compared as text (trimmed, any case), so its changes are still reported.
// - WAPing publishes no "last changed" time per device: detectedAt is when the poll read the list.

/** Where users create and rotate keys (named in the docs, exact URL assumed). */
export const DASHBOARD_HINT = 'the WAPing dashboard (Settings → API keys)';

/**
 * A 503 (like a 429) means WAPing did not take the request: a send answered 503 was not accepted.
 * Any other 5xx (500 from a crash mid-way, 502 or 504 from a proxy after WAPing may have taken it)
 * leaves a send's outcome unknown. Not in WAPing's docs.
 */
export const NOT_PROCESSED_STATUSES: readonly number[] = [503];

// ---------------------------------------------------------------------------------------------
// Webhooks (the WAPing Webhook Trigger). None of this is in WAPing's public pages: each constant
// below is the one place to correct when WAPing publishes its contract.
// ---------------------------------------------------------------------------------------------

/** Where a user registers the URL (the docs say "developer settings"; the exact menu is assumed). */
export const WEBHOOK_SETTINGS_HINT = 'the WAPing dashboard (Settings → Developer → Webhooks)';

/** Webhooks come with the same plans as the REST API: Starter and above (WAPING-API.md, Plans). */

/** Default header names of the schemes the node supports (the user can change the first two). */
export const WEBHOOK_HEADERS = {
	hmacSignature: 'x-waping-signature',
	sharedSecret: 'x-waping-secret',
	/** Standard Webhooks (standardwebhooks.com): fixed names. */
	standardId: 'webhook-id',
	standardTimestamp: 'webhook-timestamp',
	standardSignature: 'webhook-signature',
} as const;

/** HMAC-SHA256 signatures may carry this prefix (GitHub's style). */
export const HMAC_PREFIX = 'sha256=';

/** Standard Webhooks: a secret that starts with this is base64 after it; else its UTF-8 bytes are the key. */
export const STANDARD_SECRET_PREFIX = 'whsec_';

/** Standard Webhooks: how far a delivery's timestamp may be from now, both ways (seconds). */
export const DEFAULT_TIMESTAMP_TOLERANCE_SECONDS = 300;

/**
 * The verification handshake. GET: the challenge in one of these query parameters, echoed as plain
 * text. POST: a body whose event name is one of HANDSHAKE_EVENT_TYPES with a `challenge`, answered
 * `{ "challenge": … }`. A challenge longer than this, or with other than visible ASCII, gets 400.
 */
export const HANDSHAKE_QUERY_PARAMETERS = ['challenge', 'hub.challenge'] as const;
export const HANDSHAKE_EVENT_TYPES = ['url.verification', 'webhook.verification'] as const;
export const CHALLENGE_MAX_LENGTH = 256;

/**
 * The envelope: `{ id, type, createdAt, workspaceId, deviceId, data }`. Variants accepted, first
 * found wins: event name, event id, payload, time. With no id anywhere (nor a webhook-id header),
 * the SHA-256 of the raw body stands in for it when de-duplicating (a retry resends the same bytes).
 */
export const EVENT_NAME_FIELDS = ['type', 'event', 'eventType', 'event_type'] as const;
export const EVENT_ID_FIELDS = ['id', 'eventId', 'event_id'] as const;
export const EVENT_DATA_FIELDS = ['data', 'payload'] as const;
export const EVENT_TIME_FIELDS = ['createdAt', 'timestamp', 'occurredAt', 'created_at'] as const;
export const DEVICE_ID_FIELDS = [
	'deviceId',
	'device_id',
	'device',
	'sessionId',
	'session',
] as const;

/**
 * Event names, compared in any case with "_", "." and "-" alike. Any other name is an unknown event:
 * with Any Event chosen it starts the workflow with the raw event.
 */
export const EVENT_NAMES = {
	messageReceived: ['message.received', 'message.inbound', 'inbound.message', 'message'],
	messageStatus: [
		'message.status',
		'message.status.updated',
		'message.ack',
		'message.delivery',
		'delivery.status',
	],
	sessionChanged: [
		'session.changed',
		'session.updated',
		'session.status',
		'device.status',
		'device.session',
		'connection.update',
	],
} as const;

/** Message statuses WAPing reports after a send (from the send docs' "queued"; the rest assumed). */
export const MESSAGE_STATUSES = ['queued', 'sent', 'delivered', 'read', 'failed'] as const;

/** A group chat's id ends with this (WhatsApp's own convention); `isGroup: true` says so too. */
export const GROUP_CHAT_SUFFIX = '@g.us';

/**
 * How many event ids the trigger remembers per node to drop a redelivery (oldest forgotten first),
 * and for how long. WAPing's retry window is not published; a day covers "backs off and may pause".
 */
export const DEDUPE_MAX_IDS = 2000;
export const DEDUPE_MAX_AGE_MS = 24 * 60 * 60 * 1000;
