import * as workflow from 'n8n-workflow';

type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * n8n's own wait that a cancelled execution ends, its timer cleared: the 1.x line exports
 * `sleepWithAbort` (its `sleep` takes no signal); n8n-workflow 2.x's `sleep` takes the signal itself
 * and has no `sleepWithAbort`. Both reject when the signal fires.
 */
const n8nSleep: Sleep =
	(workflow as unknown as { sleepWithAbort?: Sleep }).sleepWithAbort ?? workflow.sleep;

/** Time and chance, injected so tests and benchmarks can shrink waits; the node uses n8n's own sleep. */
export interface Clock {
	now: () => number;
	/** Waits `ms`; with a signal, ends (resolving or rejecting) when it fires and leaves no timer. */
	sleep: Sleep;
	random: () => number;
}

export const realClock: Clock = { now: () => Date.now(), sleep: n8nSleep, random: Math.random };

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
	// Also ends on cancel with a sleep that ignores the signal (an n8n with neither form above).
	const aborted = new Promise<false>((resolve) => {
		onAbort = () => resolve(false);
		signal.addEventListener('abort', onAbort, { once: true });
	});
	const slept = clock.sleep(ms, signal).then(
		() => !signal.aborted,
		() => false,
	);
	try {
		return await Promise.race([slept, aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}
