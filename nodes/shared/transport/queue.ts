/**
 * The order and pace of a run's sends: at most `concurrency` at once, each device paced on its own
 * (a minimum interval between its messages, with a little jitter, so a phone does not send like a
 * script), and messages to the same number through the same device sent one after the other, in
 * input order, so a conversation never arrives shuffled.
 */
import type { Clock } from './clock';
import { pause } from './clock';

export interface SendJob<T> {
	deviceId: string;
	to: string;
	/** Sends the message (with its retries); never throws. */
	send: () => Promise<T>;
}

export interface QueueOptions {
	concurrency: number;
	/** Per device: the least time between the starts of two of its messages. */
	minIntervalMs: number;
	clock: Clock;
	signal: AbortSignal | undefined;
	/** Asked before each job starts: true when the run must send nothing more. */
	stopped: () => boolean;
}

/** Up to this share of the interval is added at random to each device's next slot. */
const JITTER = 0.2;

/**
 * Runs the jobs and gives each one's result at its own index; a job not started because the run
 * stopped (or was cancelled) gets `notStarted`'s result instead.
 */
export async function runQueue<T>(
	jobs: Array<SendJob<T> | undefined>,
	options: QueueOptions,
	notStarted: () => T,
): Promise<Array<T | undefined>> {
	const { clock, signal, minIntervalMs } = options;
	const results = new Array<T | undefined>(jobs.length);
	// Per device, when its previous message actually started (undefined: none yet).
	const lastStart = new Map<string, Promise<number | undefined>>();
	const lastToRecipient = new Map<string, Promise<unknown>>();
	let next = 0;

	const mayStart = () => !signal?.aborted && !options.stopped();

	/**
	 * Waits for the device's turn: its interval (plus jitter) after the previous message's real
	 * start, not its planned one, so a timer that fired late cannot squeeze the next gap.
	 */
	async function deviceTurn(deviceId: string): Promise<boolean> {
		const previous = lastStart.get(deviceId);
		let release: (startedAt: number | undefined) => void = () => {};
		lastStart.set(deviceId, new Promise((resolve) => (release = resolve)));
		const previousAt = await previous;
		if (previousAt !== undefined) {
			const spacing = minIntervalMs + Math.floor(minIntervalMs * JITTER * clock.random());
			for (let wait = previousAt + spacing - clock.now(); wait > 0; ) {
				if (!(await pause(wait, clock, signal))) break;
				wait = previousAt + spacing - clock.now();
			}
		}
		const go = mayStart();
		release(go ? clock.now() : previousAt);
		return go;
	}

	async function start(index: number, job: SendJob<T>): Promise<void> {
		if (!mayStart() || (minIntervalMs > 0 && !(await deviceTurn(job.deviceId)))) {
			results[index] = notStarted();
			return;
		}
		results[index] = await job.send();
	}

	async function worker(): Promise<void> {
		while (next < jobs.length) {
			const index = next++;
			const job = jobs[index];
			if (!job) continue;
			// One number through one device: after the previous message to it has finished.
			const recipient = `${job.deviceId}\u0000${job.to}`;
			const before = lastToRecipient.get(recipient);
			const mine = (before ?? Promise.resolve()).then(async () => await start(index, job));
			lastToRecipient.set(recipient, mine);
			await mine;
		}
	}

	const workers = Math.max(1, Math.min(options.concurrency, jobs.length));
	await Promise.all(Array.from({ length: workers }, async () => await worker()));
	return results;
}
