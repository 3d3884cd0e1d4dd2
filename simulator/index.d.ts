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
