export type PlanName = 'free' | 'starter' | 'growth' | 'pro' | 'enterprise';

export interface SeedDevice {
	id: string;
	status: string;
	[extra: string]: unknown;
}

export interface SeedWorkspace {
	id: string;
	plan: PlanName;
	devices: SeedDevice[];
}

export interface SeedKey {
	key: string;
	workspace: string;
	scopes: string[];
	revoked?: boolean;
}

export interface Seed {
	workspaces: SeedWorkspace[];
	keys: SeedKey[];
}

export interface RecordedRequest {
	method: string;
	path: string;
	headers: Record<string, string | string[] | undefined>;
	body: string;
	/** When the request arrived (Date.now()), to measure the waits between attempts. */
	at: number;
	/** The status the simulator answered with; absent when the connection was dropped. */
	status?: number;
	/** Which injected fault answered it (its `label`, or a short description). */
	fault?: string;
	/** The connection was dropped, reset or cut mid-body instead of answered. */
	dropped?: boolean;
	/** An afterAccept fault: whether the API accepted the message before the fault answered. */
	accepted?: boolean;
}

/** A message the simulator accepted (one per logical send, however many requests carried it). */
export interface AcceptedMessage {
	id: string;
	workspace: string;
	deviceId: string;
	to: string;
	text: string;
	/** The Idempotency-Key it came with. */
	key: string | undefined;
	at: number;
}

/** Send-side settings, also over POST /__sim/config. */
export interface SimConfig {
	/** A token bucket per workspace for POST /v1/messages; 429 with Retry-After in this form. Null removes it. */
	rateLimit?: { perSecond: number; burst: number; retryAfter?: 'seconds' | 'date' | 'none' } | null;
	/** Random faults on sends, each accepting the message first (shares of all sends, seeded). Null removes it. */
	chaos?: {
		acceptThen502?: number;
		acceptThenReset?: number;
		acceptThenHang?: number;
		hangMs?: number;
		seed?: number;
	} | null;
	/**
	 * How long WAPing processes an accepted send before its answer is final (default: none, answered at
	 * once). The send's answer comes `ms` late (a client whose Timeout is shorter loses it), and until
	 * then the same Idempotency-Key with the same body is answered 409 with `code` (default
	 * IDEMPOTENCY_CONFLICT, the only 409 code WAPing's docs name) and `message` (default "A request with
	 * this Idempotency-Key is still being processed."); afterwards it is replayed as usual. A different
	 * body is a 409 IDEMPOTENCY_CONFLICT as always. Null removes it.
	 */
	processing?: { ms: number; code?: string; message?: string } | null;
	/** Set a device's status once its workspace has accepted this many messages (a phone going offline mid-run). */
	disconnect?: Array<{ deviceId: string; afterMessages: number; status?: string }> | null;
	/**
	 * The delivery states of accepted messages: queued → sent → delivered → read (a `failed` share:
	 * queued → sent → failed), one step every `stepMs` (default 1000), drawn with `seed` (default 1);
	 * `failed` defaults to 0.1. Each step is a message.status event when the workspace has a webhook
	 * URL. Null restores the defaults.
	 */
	statuses?: { stepMs?: number; failed?: number; seed?: number } | null;
}

/** Signing schemes (the webhook contract; the node's assumptions.ts "Webhooks"). */
export type WebhookScheme = 'hmacSha256' | 'standardWebhooks' | 'sharedSecret' | 'none';

/**
 * POST /__sim/webhooks (or `registerWebhook`): a URL for a workspace, after the handshake. One per
 * workspace; registering again replaces it (when the new one passes its handshake).
 */
export interface WebhookRegistration {
	/** A workspace id (ws_growth) or one of its keys (a demo key). */
	workspace: string;
	url: string;
	/** Default hmacSha256. */
	scheme?: WebhookScheme;
	/** The signing secret (the credential's Webhook Signing Secret); required unless scheme is none. */
	secret?: string;
	/**
	 * The header that carries the signature (hmacSha256, default x-waping-signature) or the secret
	 * (sharedSecret, default x-waping-secret).
	 */
	header?: string;
	/** hmacSha256's value: hex (default), base64, or either with a `sha256=` prefix. */
	format?: 'hex' | 'base64' | 'sha256=hex' | 'sha256=base64';
	/**
	 * get (default): GET <url>?challenge=<value>, which must answer 200 with the value as its body;
	 * post: POST {"type":"url.verification","challenge":"<value>"}, signed like a delivery, which must
	 * answer 200 {"challenge":"<value>"}; none: registered without asking.
	 */
	handshake?: 'get' | 'post' | 'none';
	/** The share of events delivered a second time, with the same id and bytes (0 to 1, default 0). */
	duplicates?: number;
	/** How long after the first delivery ended a duplicate is sent (default 100 ms). */
	duplicateDelayMs?: number;
	/** The seed of the duplicates' draw (default 1): the same share run after run. */
	seed?: number;
	/**
	 * A delivery that gets no 2xx within timeoutMs (a non-2xx, a connection error, a slower answer)
	 * is tried again after min(maxMs, baseMs × 2^(attempt-1)), `attempts` times in all. Defaults:
	 * attempts 5, baseMs 200, maxMs 10000, timeoutMs 5000 (also the handshake's timeout).
	 */
	retry?: { attempts?: number; baseMs?: number; maxMs?: number; timeoutMs?: number };
}

/** What GET /__sim/webhooks lists: a registration without its secret. */
export type WebhookInfo = Omit<WebhookRegistration, 'secret' | 'seed' | 'duplicateDelayMs'> & {
	workspace: string;
	scheme: WebhookScheme;
	retry: Required<NonNullable<WebhookRegistration['retry']>>;
};

/**
 * An event as delivered (the canonical envelope; the body is its JSON in UTF-8):
 *   message.received data: { messageId, from, to, chatId, isGroup, participant?, fromMe, type: 'text', text, timestamp }
 *   message.status data:   { messageId, status: queued|sent|delivered|read|failed, to, error?: { code, message } }
 *   session.changed data:  { state, previousState } (a removed device: state unlinked; a linked one: previousState unlinked)
 */
export interface WebhookEvent {
	id: string;
	type: 'message.received' | 'message.status' | 'session.changed';
	createdAt: string;
	workspaceId: string;
	deviceId: string;
	data: Record<string, unknown>;
}

/** One attempt to reach a webhook URL (GET /__sim/webhooks/deliveries lists them all, oldest first). */
export interface WebhookDelivery {
	/** The event's id; null for a handshake. */
	eventId: string | null;
	/** The event type, handshake.get / handshake.post, or for /__sim/deliver the body's type (else "exact"). */
	type: string;
	url: string;
	/** 1 for the first try of a copy, then 2, 3, ... for its retries. */
	attempt: number;
	/** A second copy of an event (the duplicates share or `times`). */
	duplicate?: boolean;
	/** From /__sim/deliver. */
	exact?: boolean;
	/** When the attempt started (Date.now()). */
	at: number;
	/** The receiver's status; absent while waiting or when there was no answer. */
	status?: number;
	/** 'timeout' (no whole answer within timeoutMs), a connection error code (ECONNREFUSED, ...), or 'cancelled' (close/reset). */
	error?: string;
	/** How long the attempt took. */
	ms?: number;
	/** A 2xx. */
	ok?: boolean;
	/** The wait before the next attempt. */
	retryInMs?: number;
	/** The last attempt failed: the event was given up. */
	gaveUp?: boolean;
}

/**
 * POST /__sim/inbound (or `inbound`): a contact writes to a device; a message.received event to the
 * device's workspace URL. Answers { eventId, messageId }; 404 for an unknown device, 409 when the
 * device is not connected or its workspace has no URL, 400 for a bad `from` or `text`.
 */
export interface InboundMessage {
	deviceId: string;
	/** The contact's number, E.164 (+4915112345678). */
	from: string;
	text: string;
	/** In a group chat: chatId …@g.us, isGroup true, participant = the contact. */
	group?: boolean;
	/** Deliver the same event this many times (1 to 100; default 1), besides the duplicates share. */
	times?: number;
	/** Those copies at the same moment instead of one after the other. */
	concurrent?: boolean;
}

/**
 * POST /__sim/deliver (or `deliver`): exactly one request to the workspace's URL, no retry, no
 * duplicate; answers the receiver's { status, body, ms } (or { error }).
 */
export interface ExactDelivery {
	workspace: string;
	/** Sent as JSON ... */
	body?: unknown;
	/** ... or these exact characters. */
	raw?: string;
	/** Added after the signature headers (and replacing them when named alike). */
	headers?: Record<string, string>;
	/** Sign with the registration's scheme (default true). */
	sign?: boolean;
}

/**
 * One canned answer that replaces the simulator's normal behaviour for matching requests.
 * In `body`, `headers` and `redirectTo`, the text `{{key}}` is replaced with the API key the request
 * carried and `{{authorization}}` with its whole Authorization header: a server echoing the secret.
 */
export interface Fault {
	/** Only requests whose path starts with this (default: every request). */
	path?: string;
	/** How many requests it answers before it is used up (default: 1; Infinity for all). */
	times?: number;
	/** Default 500, or 302 with `redirectTo`. */
	status?: number;
	headers?: Record<string, string>;
	/** A string or Buffer is sent as is (text/plain unless headers say otherwise); anything else as JSON. */
	body?: unknown;
	/** Sets Retry-After: a number as seconds, a Date as an HTTP date, a string as is. */
	retryAfter?: number | string | Date;
	/** Sets Location (default status 302). */
	redirectTo?: string;
	/** Wait this long before answering (or dropping). */
	delayMs?: number;
	/** Close the socket without answering (the client sees "socket hang up"). */
	drop?: boolean;
	/** Reset the connection (TCP RST; the client sees ECONNRESET). */
	reset?: boolean;
	/** Send the status, headers and half the body, then close the socket. */
	truncate?: boolean;
	/** Send the status and headers, then the body one byte every this many ms (a slow drip). */
	trickleMs?: number;
	/** Answer normally (after `delayMs`), adding this fault's headers: latency, or a header echo on a 200. */
	passThrough?: boolean;
	/** A name for the fault, recorded on the requests it answered. */
	label?: string;
	/** Only requests with this method. */
	method?: string;
	/** Answer every matching request for this long from now (a storm), instead of `times` requests. */
	forMs?: number;
	/**
	 * The API handles the request first (a send is accepted and recorded), then this fault answers:
	 * a status, a reset or drop, or (with passThrough and delayMs) the real answer, late.
	 */
	afterAccept?: boolean;
	/** Answer 200 with a body that never ends: `chunkBytes` every `everyMs` (default 64 KB every 2 ms). */
	endless?: boolean | { chunkBytes?: number; everyMs?: number };
}

/**
 * Control routes besides the API (/v1/...):
 *   GET  /  and  /__sim              the page for people: workspaces, devices and buttons, messages, deliveries
 *   GET  /__sim/view                 the page's live part (HTML), GET /__sim/state the same as JSON
 *   GET  /__sim/requests, /__sim/messages; POST /__sim/faults, DELETE /__sim/faults; POST /__sim/config (SimConfig)
 *   POST /__sim/devices              { workspace, id?, status } adds (no id: a new dev_linked_N; answers { ok, id }),
 *                                    { id, status } changes, { id, remove: true } removes: a session.changed event
 *   POST /__sim/webhooks             WebhookRegistration → 200 { registered: true, workspace } or 400/404 { registered: false, error }
 *   GET  /__sim/webhooks             { webhooks: WebhookInfo[] }; DELETE /__sim/webhooks { workspace? } removes
 *   GET  /__sim/webhooks/deliveries  { deliveries: WebhookDelivery[] }
 *   POST /__sim/inbound              InboundMessage → { eventId, messageId }
 *   POST /__sim/deliver              ExactDelivery → { status, body, ms } of the receiver
 *   POST /__sim/reset                requests, faults, messages, config, webhooks and their deliveries cleared; timers cancelled
 */
export interface Simulator {
	url: string;
	port: number;
	/** Every API request seen since the last reset (control routes excluded). */
	requests: RecordedRequest[];
	seed: Seed;
	inject(fault: Fault): void;
	clearFaults(): void;
	/** Faults still queued (copies). */
	pendingFaults(): Fault[];
	reset(): void;
	/** How many API requests arrived (whose path starts with `path`). */
	attempts(path?: string): number;
	/** Milliseconds between consecutive requests (whose path starts with `path`). */
	gaps(path?: string): number[];
	/** Every message accepted since the last reset. */
	messages: AcceptedMessage[];
	/** How many sends were answered 429 by the rate limit since the last reset. */
	readonly throttled: number;
	configure(config: SimConfig): void;
	/** Adds a device to a workspace, changes its status, or removes it; false when nothing matched. */
	changeDevice(change: {
		workspace?: string;
		id: string;
		status?: string;
		remove?: boolean;
	}): boolean;
	/** Connections open to the server right now. */
	openConnections(): number;
	/** Registers a webhook URL after its handshake; rejects with why (its `status`: 400 or 404). */
	registerWebhook(
		registration: WebhookRegistration,
	): Promise<{ registered: true; workspace: string }>;
	/** Removes a workspace's URL, or every URL. */
	unregisterWebhooks(workspace?: string): void;
	/** The registered URLs, without secrets. */
	webhooks(): WebhookInfo[];
	/** Every delivery attempt since the last reset. */
	deliveries: WebhookDelivery[];
	/** A contact writes to a device (throws with `status` 400/404/409 as the route answers). */
	inbound(message: InboundMessage): { eventId: string; messageId: string };
	/** One exact delivery. */
	deliver(
		delivery: ExactDelivery,
	): Promise<{ status?: number; error?: string; body: string; ms: number }>;
	/** An accepted message's delivery state now (see SimConfig.statuses). */
	messageState(message: AcceptedMessage): 'queued' | 'sent' | 'delivered' | 'read' | 'failed';
	/** Webhook timers and requests still pending: both 0 after close() or reset(). */
	pendingWork(): { timers: number; requests: number };
	/** Ends open connections, cancels every webhook timer and request in flight, stops listening. */
	close(): Promise<void>;
}

/** A second server on loopback, for redirects to another origin; records what it receives. */
export interface OtherOrigin {
	url: string;
	port: number;
	requests: RecordedRequest[];
	/** Whether any request it received carried an Authorization header. */
	readonly receivedAuthorization: boolean;
	close(): Promise<void>;
}

export function startSimulator(options?: {
	port?: number;
	host?: string;
	seed?: Seed;
	log?: (line: string) => void;
}): Promise<Simulator>;
export function startOtherOrigin(options?: { port?: number; host?: string }): Promise<OtherOrigin>;
export function demoSeed(): Seed;
export function manyDevices(prefix: string, count: number, statuses?: string[]): SeedDevice[];
export const demoKeys: Record<
	'growth' | 'starter' | 'pro' | 'free' | 'sendOnly' | 'revoked',
	string
>;
