/**
 * Everything this package assumes about WAPing beyond its public docs (WAPING-API.md).
 * WAPing calls its paths, fields and codes illustrative; when the canonical OpenAPI says otherwise,
 * this is the one file to correct.
 */

/** Documented host; configurable in the credential. */
export const DEFAULT_BASE_URL = 'https://api.waping.app';

/** The one documented read endpoint. No per-device GET, pagination or plan endpoint is documented. */
export const DEVICES_PATH = '/v1/devices';

/** Documented answer: `{ "data": [{ "id", "status" }] }`. A bare array is accepted too. */
export const DEVICE_LIST_FIELD = 'data';

/** Conceptual session states from the QR-session docs; only "connected" is safe to send through. */
export const KNOWN_DEVICE_STATES = ['connected', 'degraded', 'disconnected', 'unlinked'] as const;
export const SENDABLE_STATE = 'connected';

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

/** Where users create and rotate keys (named in the docs, exact URL assumed). */
export const DASHBOARD_HINT = 'the WAPing dashboard (Settings → API keys)';
