import { sleep } from 'n8n-workflow';

/** Time and chance, injected so tests and benchmarks can shrink waits; the node uses n8n's own sleep. */
export interface Clock {
	now: () => number;
	sleep: (ms: number) => Promise<void>;
	random: () => number;
}

export const realClock: Clock = { now: () => Date.now(), sleep, random: Math.random };

/** Waits `ms`, or less when the execution is cancelled; false when it was. */
export async function pause(
	ms: number,
	clock: Clock,
	signal: AbortSignal | undefined,
): Promise<boolean> {
	if (!signal) {
		await clock.sleep(ms);
		return true;
	}
	if (signal.aborted) return false;
	let onAbort: () => void = () => {};
	const aborted = new Promise<false>((resolve) => {
		onAbort = () => resolve(false);
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		return await Promise.race([clock.sleep(ms).then(() => true as const), aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}
