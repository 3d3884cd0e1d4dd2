/**
 * One throttle for a whole run of sends. WAPing limits sends per workspace and says so only with a
 * 429 (and maybe a Retry-After): instead of every request retrying on its own and hammering the API,
 * every send of the run passes this gate, which
 *   - pauses the whole run when WAPing throttles: every later attempt waits out the Retry-After (or a
 *     backoff when there is none), never less than the floor (MIN_RETRY_PAUSE_MS or Retry Delay);
 *   - counts the wall time the run is in trouble (from a pause until WAPing accepts an attempt made
 *     after it) against Max Wait, however many answers arrive meanwhile, and stops sending past it;
 *   - learns the rate WAPing allows from the answers around two throttles, then spaces sends at a
 *     little under it, ramping back up while nothing is throttled, so a long run meets few 429s;
 *   - pauses the run on a run of server errors too (an outage, not one unlucky answer), so a few
 *     seconds' outage costs each message one or two attempts, not all of them.
 */
import type { RetryPolicy } from './retry';
import { MIN_RETRY_PAUSE_MS, pauseFloor } from './retry';
import type { Clock } from './clock';
import { pause } from './clock';
import type { AttemptGate, AttemptOutcome, GateTicket } from './request';

/** The rate is set this far under what WAPing was seen to accept. */
const RATE_MARGIN = 0.97;
/**
 * While nothing is throttled the rate grows each second: fast while the run is still finding the
 * limit (the first estimate is low when WAPing allows only a small burst), slowly once it has been
 * throttled at a known pace.
 */
const PROBE_PER_SECOND = 1.5;
const RAMP_PER_SECOND = 1.02;
/** At a throttle at a known pace, the pace falls this far. */
const CUT = 0.85;
/** An outage: this many server errors among the last OUTAGE_WINDOW answers (one unlucky answer is not). */
const OUTAGE_ERRORS = 3;
const OUTAGE_WINDOW = 5;
/** During an outage the run tries again this often (or every Retry Delay when longer), so it goes on soon after WAPing is back. */
const OUTAGE_PROBE_MS = 1000;
/**
 * An outage pause is never shorter than this, Retry Delay 0 included (the default Retry Delay starts
 * at 250 to 500 ms): a quarter of the throttle floor, so that the run goes on soon after a short
 * outage, while Max Wait, counted in wall time, still bounds the whole of it.
 */
const MIN_OUTAGE_PAUSE_MS = MIN_RETRY_PAUSE_MS / 4;

export class RunThrottle implements AttemptGate {
	/** The whole run waits until then. */
	private pausedUntil = 0;

	/** Wall time of the run's past troubles (throttles, outages): the wait budget is checked against it. */
	private troubleMs = 0;

	/** While the run is in trouble: since when, and the epoch from which an attempt's answer can end it. */
	private trouble?: { since: number; epoch: number };

	/** Sends per second, once learned (Infinity before). */
	private rate = Infinity;

	/** When the next send may start, at the learned rate. */
	private nextStartAt = 0;

	/** When the rate last grew. */
	private rampedAt = 0;

	/** Still finding the limit (before the first throttle at a known pace). */
	private probing = true;

	/** How many times the run was throttled and adapted: a 429 for an attempt sent before the last one is old news. */
	private epoch = 0;

	/** Answers accepted since the last pause began, and when it began: the rate WAPing allows. */
	private acceptedSincePause = 0;

	private pauseStartedAt?: number;

	/** Throttles, then server errors, in a row: the backoff when WAPing gives no Retry-After. */
	private troubleInARow = 0;

	/** The last answers, newest last: true for a server error, false for an accepted message. */
	private recent: boolean[] = [];

	/** The epoch an outage began at, while it lasts: it ends with an answer to an attempt made since. */
	private outageSince?: number;

	private stopped?: 'waitBudget' | 'cancelled';

	/** The last Retry-After WAPing sent, for the message when the budget runs out. */
	lastRetryAfterMs?: number;

	/** Why the run last paused: WAPing throttled it, or answered with server errors (an outage). */
	lastPause?: 'throttled' | 'outage';

	/** How many 429s the run received. */
	throttles = 0;

	constructor(
		private readonly clock: Clock,
		private readonly signal: AbortSignal | undefined,
		private readonly policy: RetryPolicy,
	) {}

	/** Waits for the run's turn: after any pause, and at the learned rate. Undefined when the run may send no more. */
	async enter(): Promise<GateTicket | undefined> {
		for (;;) {
			if (this.signal?.aborted) this.stopped ??= 'cancelled';
			if (this.stopped) return undefined;
			const now = this.clock.now();
			const wait = Math.max(this.pausedUntil, this.nextStartAt) - now;
			if (wait > 0) {
				if (!(await pause(wait, this.clock, this.signal))) this.stopped ??= 'cancelled';
				continue;
			}
			if (Number.isFinite(this.rate)) {
				this.ramp(now);
				this.nextStartAt = Math.max(now, this.nextStartAt) + 1000 / this.rate;
			}
			return { epoch: this.epoch };
		}
	}

	leave(ticket: GateTicket, result: AttemptOutcome): boolean {
		const now = this.clock.now();
		// Every answer but a 429 passed WAPing's limit (a message may be accepted and its answer lost):
		// they are what the limit let through, the measure of the pace it allows.
		if (!result.throttled) this.acceptedSincePause++;
		// An answer other than a throttle or a server error, to an attempt made since the trouble began: it is over.
		if (
			!result.throttled &&
			!result.serverTrouble &&
			this.trouble &&
			ticket.epoch >= this.trouble.epoch
		) {
			this.troubleMs += now - this.trouble.since;
			this.trouble = undefined;
		}
		if (result.accepted) {
			this.troubleInARow = 0;
			this.remember(false);
			// An answer to an attempt made before the outage began says nothing about it being over.
			if (this.outageSince !== undefined && ticket.epoch >= this.outageSince) {
				this.outageSince = undefined;
				this.recent = [];
			}
			return false;
		}
		if (result.throttled) {
			this.throttles++;
			if (result.retryAfterMs !== undefined) this.lastRetryAfterMs = result.retryAfterMs;
			// Attempts that left before the run last adapted were throttled by the old pace.
			if (ticket.epoch === this.epoch) {
				this.learn(now);
				this.epoch++;
				this.troubleInARow++;
				this.lastPause = 'throttled';
				this.pauseFor(result.retryAfterMs ?? this.backoff(), now);
			}
			return true;
		}
		if (!result.serverTrouble) return false;
		this.remember(true);
		if (this.outageSince === undefined) {
			if (this.recent.filter(Boolean).length < OUTAGE_ERRORS) return false;
			// An outage begins: attempts made from now on can end it.
			this.outageSince = this.epoch + 1;
			this.pauseForOutage(now);
		} else if (ticket.epoch === this.epoch) {
			// A try after the last pause failed too: wait again.
			this.pauseForOutage(now);
		}
		// The messages caught in an outage keep their attempts: the run waits it out together.
		return true;
	}

	/**
	 * During an outage the run waits, trying again at least every second. The time it lasts says
	 * nothing about WAPing's pace: the next throttle starts a new count instead of cutting the pace.
	 */
	private pauseForOutage(now: number): void {
		this.pauseStartedAt = undefined;
		this.acceptedSincePause = 0;
		this.epoch++;
		this.troubleInARow++;
		this.lastPause = 'outage';
		this.pauseFor(Math.min(this.backoff(), OUTAGE_PROBE_MS), now, MIN_OUTAGE_PAUSE_MS);
	}

	private remember(serverError: boolean): void {
		this.recent.push(serverError);
		if (this.recent.length > OUTAGE_WINDOW) this.recent.shift();
	}

	refusal(): 'waitBudget' | 'cancelled' {
		return this.stopped ?? 'cancelled';
	}

	/** Why the run stopped sending, if it did. */
	get stopReason(): 'waitBudget' | 'cancelled' | undefined {
		return this.stopped;
	}

	/**
	 * At a throttle. The first one starts a count: before it, the run may have spent a burst the API
	 * allowed. At the next, the answers accepted since the previous pause began, over the time since
	 * then, is about what WAPing allows (its bucket refills during a pause and is drained after it):
	 * the pace starts a little under that. Later throttles cut the pace (and end the fast probing).
	 */
	private learn(now: number): void {
		if (!Number.isFinite(this.rate)) {
			if (this.pauseStartedAt !== undefined) {
				const seconds = (now - this.pauseStartedAt) / 1000;
				if (seconds > 0 && this.acceptedSincePause > 0) {
					this.rate = Math.max(1, (this.acceptedSincePause / seconds) * RATE_MARGIN);
					this.rampedAt = now;
				}
			}
		} else {
			this.rate = Math.max(1, this.rate * CUT);
			this.probing = false;
			this.rampedAt = now;
		}
		this.pauseStartedAt = now;
		this.acceptedSincePause = 0;
	}

	/** While nothing is throttled, the pace grows. */
	private ramp(now: number): void {
		const seconds = (now - this.rampedAt) / 1000;
		if (seconds >= 1) {
			this.rate *= (this.probing ? PROBE_PER_SECOND : RAMP_PER_SECOND) ** Math.floor(seconds);
			this.rampedAt = now;
		}
	}

	/** Exponential backoff with half jitter: WAPing gave no Retry-After. */
	private backoff(): number {
		const ceiling = Math.min(
			Math.max(this.policy.capDelayMs, this.policy.baseDelayMs),
			this.policy.baseDelayMs * 2 ** Math.min(this.troubleInARow - 1, 30),
		);
		return Math.floor(ceiling * (0.5 + 0.5 * this.clock.random()));
	}

	/** Wall time the run has spent in trouble, this one included. */
	private waitedMs(now: number): number {
		return this.troubleMs + (this.trouble ? now - this.trouble.since : 0);
	}

	/**
	 * Pauses the run (never for less than the floor), unless the pause would not fit in Max Wait with
	 * the time already spent in trouble, slow answers included: then the run stops sending. Every
	 * answer that pauses the run comes here, and the others only wait out a pause made since they left,
	 * so no sequence of answers keeps a run in trouble past Max Wait (and one attempt's Timeout).
	 */
	private pauseFor(ms: number, now: number, floor = pauseFloor(this.policy)): void {
		this.trouble ??= { since: now, epoch: this.epoch };
		// Only an answer to an attempt made after this pause ends the trouble.
		this.trouble.epoch = this.epoch;
		const until = now + Math.max(floor, ms);
		if (until <= this.pausedUntil) return;
		if (this.waitedMs(now) + (until - now) > this.policy.maxWaitMs) {
			this.stopped ??= 'waitBudget';
			return;
		}
		this.pausedUntil = until;
	}
}
