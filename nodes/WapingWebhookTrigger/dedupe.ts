/**
 * Repeated deliveries of one event start one execution.
 *
 * What n8n offers a webhook trigger, read in n8n's source (packages/cli and packages/core, the
 * published builds of 1.123.81 and 2.41.1):
 * - n8n's de-duplication store (`helpers.checkProcessedAndRecord`, DataDeduplicationService) is
 *   given to execute and supply-data contexts only (n8n-core execute-context.js and
 *   supply-data-context.js spread getDeduplicationHelperFunctions; webhook-context.js does not),
 *   on both lines. It is a read-modify-write of one row too (cli deduplication-helper.js).
 * - n8n has no de-duplication of webhook requests of its own.
 * - Workflow static data: every production request builds its Workflow from the static data read
 *   from the database at that moment (cli webhooks/live-webhooks.js executeWebhook:
 *   `staticData: workflowData.staticData`), and n8n saves it, when changed, in the response callback
 *   that follows the node's webhook() (`workflowStaticDataService.saveStaticData(workflow)`), before
 *   the execution starts; the same on 1.123 and 2.41. The save replaces the whole object (an UPDATE
 *   of the workflow row), and only for a workflow id n8n deems valid (at most 16 characters on 1.x,
 *   21 on 2.41: cli utils isWorkflowIdValid). Not saved in manual (test URL) runs.
 *
 * So the ledger of seen event ids lives in the node's static data: exact for a redelivery that
 * arrives after the first delivery's answer (1 s later, 60 s later, after a restart), on any process.
 * Two deliveries at the same moment both read the ledger before either saved it: within one n8n
 * process the node's RecentClaims (below) catches the second one, which waits for n8n's answer to the
 * first (a 2xx: a duplicate; an error: it starts the event; none within 3 s: 503, delivered again),
 * and each save carries the process's claims, so that one request's save does not drop another's
 * id, and takes out ids whose start failed.
 * Across processes (queue mode with two or more webhook processes, or a main and a webhook process,
 * receiving the same event within the time a save takes) neither n8n nor the node can make it exact:
 * both may start an execution, and two saves at once can each drop the other's id. Send's
 * Idempotency Key set from the inbound messageId keeps the reply single even then.
 *
 * Measured in real n8n (2.41.1 and 1.123.81, SQLite, one process, the reply example): five
 * deliveries of one event at once started one execution; with the claims switched off, five.
 */
import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { DEDUPE_MAX_AGE_MS, DEDUPE_MAX_IDS } from '../shared/assumptions';
import { pause, realClock } from '../shared/transport/clock';

/** Where the ledger lives in the node's static data. */
export const LEDGER_KEY = 'seenEvents';

/** How long, and how many, ids a process keeps claimed in memory (a bounded window for races). */
export const CLAIM_TTL_MS = 10 * 60 * 1000;
export const CLAIMS_MAX = 10_000;

/** The key an event is remembered by: its id (hashed when long), else the hash of the raw body. */
export function dedupeKey(eventId: string | null, rawBody: Buffer): string {
	if (eventId !== null && eventId.length <= 128) return `id:${eventId}`;
	const source = eventId ?? rawBody;
	return `sha256:${createHash('sha256').update(source).digest('hex')}`;
}

type Ledger = Record<string, number>;

function readLedger(value: unknown): Ledger {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
	const ledger: Ledger = {};
	for (const [key, at] of Object.entries(value as IDataObject)) {
		if (typeof at === 'number' && Number.isFinite(at)) ledger[key] = at;
	}
	return ledger;
}

/** Whether the ledger in `staticData` holds `key` (seen within DEDUPE_MAX_AGE_MS). */
export function inLedger(staticData: IDataObject, key: string, nowMs: number): boolean {
	const at = readLedger(staticData[LEDGER_KEY])[key];
	return at !== undefined && nowMs - at <= DEDUPE_MAX_AGE_MS;
}

/**
 * Records keys in the ledger: the old entries less `forget` (ids whose start failed), plus
 * `entries`, the newest DEDUPE_MAX_IDS within DEDUPE_MAX_AGE_MS. Set as a new object so that n8n
 * sees the static data changed and saves it.
 */
export function record(
	staticData: IDataObject,
	entries: Iterable<[string, number]>,
	nowMs: number,
	forget: Iterable<string> = [],
) {
	const merged: Ledger = readLedger(staticData[LEDGER_KEY]);
	for (const key of forget) delete merged[key];
	for (const [key, at] of entries) merged[key] = Math.min(merged[key] ?? at, at);
	const kept = Object.entries(merged)
		.filter(([, at]) => nowMs - at <= DEDUPE_MAX_AGE_MS)
		.sort((a, b) => a[1] - b[1])
		.slice(-DEDUPE_MAX_IDS);
	staticData[LEDGER_KEY] = Object.fromEntries(kept);
}

/**
 * How long a claim waits for n8n's answer to its delivery before it lapses: n8n hung after the
 * node's webhook() (its start never answered), so a redelivery may start the event.
 */
export const PENDING_MAX_MS = 2 * 60 * 1000;

/**
 * How long a copy waits for n8n's answer to the delivery that claimed its event: less than WAPing
 * waits for an answer (5 s), so that WAPing hears "deliver again" instead of timing out, and short
 * because each waiting request holds n8n's resources (on 2.x an expression isolate).
 */
export const COPY_WAIT_MS = 3 * 1000;

/**
 * What a delivery learns from the claims: start the event; it is a duplicate of one that started;
 * or another delivery of it is still being started (answer so that WAPing delivers it again).
 */
export type ClaimResult = 'start' | 'duplicate' | 'busy';

interface Claim {
	at: number;
	/** Set once n8n answered the claiming delivery 2xx: the event's execution was started. */
	confirmed: boolean;
	/** Resolves when the claim is confirmed, released or lapsed. */
	settled: Promise<void>;
	settle: () => void;
}

/**
 * The ids this n8n process accepted lately, per trigger (workflow and node): the one guard against
 * two deliveries at the same moment, which both read the same static data. A claim is pending until
 * n8n answers the delivery that made it: 2xx confirms it (n8n started the execution and saved the
 * static data), anything else releases it, so that WAPing's redelivery starts the event even where
 * another delivery's save already put its id in the ledger. A copy that arrives while a claim is
 * pending waits for that answer (at most COPY_WAIT_MS), so that it is not answered 2xx for an event
 * that then fails to start; still pending then, it is 'busy'.
 * Held by the node type object, which n8n creates once per process; bounded in time and size, and
 * never the record of truth (that is the ledger in the static data, which a restart or another
 * process reads).
 */
export class RecentClaims {
	private readonly scopes = new Map<string, Map<string, Claim>>();

	/** Released ids, per scope: a ledger entry for them is another save's, not a start. */
	private readonly released = new Map<string, Map<string, number>>();

	private size = 0;

	/**
	 * Claims `key` for `scope` unless it is claimed, or `inLedger` says it started already (and this
	 * process did not see that start fail); waits for a pending claim of it to settle until
	 * `waitUntilMs`.
	 */
	async claim(
		scope: string,
		key: string,
		now: () => number,
		inLedger: () => boolean,
		waitUntilMs: number,
	): Promise<ClaimResult> {
		for (;;) {
			const nowMs = now();
			this.prune(nowMs);
			const held = this.scopes.get(scope)?.get(key);
			if (held?.confirmed) return 'duplicate';
			if (held && nowMs - held.at <= PENDING_MAX_MS) {
				if (nowMs >= waitUntilMs) return 'busy';
				await settledOrLapsed(held, Math.min(held.at + PENDING_MAX_MS + 1, waitUntilMs) - nowMs);
				continue;
			}
			// Lapsed: the first delivery never got its answer.
			if (held) this.release(scope, [key], nowMs);
			else if (!this.released.get(scope)?.has(key) && inLedger()) return 'duplicate';
			let settle = () => {};
			const settled = new Promise<void>((resolve) => (settle = resolve));
			inner(this.scopes, scope).set(key, { at: nowMs, confirmed: false, settled, settle });
			this.size += 1;
			this.released.get(scope)?.delete(key);
			return 'start';
		}
	}

	/** n8n answered the claiming delivery 2xx: its events started. */
	confirm(scope: string, keys: string[]): void {
		for (const key of keys) {
			const held = this.scopes.get(scope)?.get(key);
			if (!held) continue;
			held.confirmed = true;
			held.settle();
		}
	}

	/** n8n answered the claiming delivery with an error (or never): its events did not start. */
	release(scope: string, keys: string[], nowMs: number): void {
		for (const key of keys) {
			if (this.drop(scope, key)) inner(this.released, scope).set(key, nowMs);
		}
	}

	/** Claims a delivery made and then did not use (it started nothing). */
	abandon(scope: string, keys: string[]): void {
		for (const key of keys) this.drop(scope, key);
	}

	/** The keys for `scope` still in the window, to merge into the ledger being saved. */
	recent(scope: string): Array<[string, number]> {
		return [...(this.scopes.get(scope) ?? [])].map(([key, held]): [string, number] => [
			key,
			held.at,
		]);
	}

	/** Released keys for `scope`, to take out of the ledger being saved. */
	forgotten(scope: string): string[] {
		return [...(this.released.get(scope)?.keys() ?? [])];
	}

	private drop(scope: string, key: string): boolean {
		const claims = this.scopes.get(scope);
		const held = claims?.get(key);
		if (!claims || !held) return false;
		claims.delete(key);
		this.size -= 1;
		held.settle();
		if (claims.size === 0) this.scopes.delete(scope);
		return true;
	}

	private prune(nowMs: number): void {
		for (const [scope, claims] of this.scopes) {
			for (const [key, held] of claims) {
				// Maps keep insertion order: the first young entry ends the scope's old ones.
				if (nowMs - held.at <= CLAIM_TTL_MS && this.size <= CLAIMS_MAX) break;
				this.drop(scope, key);
			}
		}
		for (const [scope, released] of this.released) {
			for (const [key, at] of released) {
				if (nowMs - at <= CLAIM_TTL_MS && released.size <= CLAIMS_MAX) break;
				released.delete(key);
			}
			if (released.size === 0) this.released.delete(scope);
		}
	}
}

/** The map `outer` holds for `scope`, made when it has none. */
function inner<V>(outer: Map<string, Map<string, V>>, scope: string): Map<string, V> {
	let map = outer.get(scope);
	if (!map) {
		map = new Map();
		outer.set(scope, map);
	}
	return map;
}

/** Waits until `held` settles or `ms` passed, and leaves no timer behind (n8n's own sleep). */
async function settledOrLapsed(held: Claim, ms: number): Promise<void> {
	const stop = new AbortController();
	try {
		await Promise.race([held.settled, pause(Math.max(ms, 0), realClock, stop.signal)]);
	} finally {
		stop.abort();
	}
}
