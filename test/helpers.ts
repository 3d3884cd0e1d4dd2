/** Small helpers shared by the test files: one simulator per file, and readers for what a user sees. */
import { createHook } from 'node:async_hooks';
import { createServer } from 'node:net';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { TriggerWorkflow } from './harness/poll';
import type { RunResult } from './harness/run';
import { OUTPUT_INDEX } from './harness/run';
import type { RecordedRequest, Seed, Simulator } from '../simulator';
import { demoKeys, demoSeed, startSimulator } from '../simulator';

export { OUTPUT_INDEX };

/**
 * Starts one simulator for the file (beforeAll), resets its requests, faults and seed before every
 * test, and closes it afterwards. Returns a getter: the simulator only exists once beforeAll ran.
 */
export function useSimulator(makeSeed: () => Seed = demoSeed): () => Simulator {
	let sim: Simulator | undefined;
	beforeAll(async () => {
		sim = await startSimulator({ seed: makeSeed() });
	});
	beforeEach(() => {
		sim?.reset();
		if (sim) sim.seed = makeSeed();
	});
	afterAll(async () => {
		await sim?.close();
	});
	return () => {
		if (!sim) throw new Error('simulator not started');
		return sim;
	};
}

/** Every event the WAPing Trigger watches. */
export const ALL_EVENTS = ['sessionChanged', 'deviceLinked', 'deviceRemoved'];

/**
 * WAPing Trigger workflows for a file's tests, each stopped after its test: the demo Growth key on
 * the file's simulator, every event, any state, then `defaults`, then the test's own settings.
 */
export function useTriggers(
	sim: () => Simulator,
	defaults: IDataObject = {},
): (credentials?: IDataObject, parameters?: IDataObject) => TriggerWorkflow {
	const active: TriggerWorkflow[] = [];
	afterEach(async () => {
		for (const workflow of active.splice(0)) await workflow.stop();
	});
	return (credentials = {}, parameters = {}) => {
		const workflow = new TriggerWorkflow({
			parameters: { events: ALL_EVENTS, becomes: 'any', ...defaults, ...parameters },
			credentials: { apiKey: demoKeys.growth, baseUrl: sim().url, ...credentials },
		});
		active.push(workflow);
		return workflow;
	};
}

/** The json of every item on one output. */
export function jsonOf(result: RunResult, output: number): IDataObject[] {
	return (result.outputs[output] ?? []).map((item) => item.json);
}

/** The pairedItem of every item on one output. */
export function pairedOf(result: RunResult, output: number): INodeExecutionData['pairedItem'][] {
	return (result.outputs[output] ?? []).map((item) => item.pairedItem);
}

/** How many items each output holds, e.g. [2, 0, 0] or [0, 0, 0, 1] with the error output on. */
export function counts(result: RunResult): number[] {
	return result.outputs.map((items) => items.length);
}

/** Method and path of every API request the simulator received, in order. */
export function calls(sim: Simulator): string[] {
	return sim.requests.map((request: RecordedRequest) => `${request.method} ${request.path}`);
}

/** Every POST the simulator received (the sends, with their retries), in order. */
export function posts(sim: Simulator): RecordedRequest[] {
	return sim.requests.filter((request) => request.method === 'POST');
}

/** The node's error as n8n stored it: the plain fields a user sees in the editor. */
export function errorOf(result: RunResult): {
	name?: string;
	message?: string;
	description?: string | null;
	httpCode?: string | null;
} {
	const error = result.error as unknown as Record<string, unknown> | undefined;
	if (!error) throw new Error(`the run did not fail; outputs: ${JSON.stringify(result.outputs)}`);
	return {
		name: error.name as string | undefined,
		message: error.message as string | undefined,
		description: error.description as string | null | undefined,
		httpCode: error.httpCode as string | null | undefined,
	};
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

/**
 * Every place a string occurs in a value: own properties (enumerable or not, so an Error's message,
 * stack and errorResponse count), nested objects and arrays. Returns paths like `$.error.message`.
 */
export function findString(
	value: unknown,
	needle: string,
	path = '$',
	seen = new Set<unknown>(),
): string[] {
	if (typeof value === 'string') return value.includes(needle) ? [path] : [];
	if (typeof value !== 'object' || value === null || seen.has(value)) return [];
	seen.add(value);
	const found: string[] = [];
	for (const key of Object.getOwnPropertyNames(value)) {
		if (key.includes(needle)) found.push(`${path}[key ${key}]`);
		let entry: unknown;
		try {
			entry = (value as Record<string, unknown>)[key];
		} catch {
			continue;
		}
		found.push(...findString(entry, needle, `${path}.${key}`, seen));
	}
	return found;
}

/**
 * Where the key shows in anything the node produced: output items, the error, the stored results of
 * the run (as n8n saves them) and log lines. The run's input items are left out: a test that puts the
 * key into its own input data finds it there, and that is the user's data, not a leak.
 */
export function leaks(result: RunResult, key: string): string[] {
	const stored = result.run.data.resultData;
	return [
		...findString(result.outputs, key, 'outputs'),
		...findString(result.error, key, 'error'),
		...findString(stored, key, 'run.resultData'),
		...findString(result.logs, key, 'logs'),
		...(JSON.stringify(stored).includes(key) ? ['run.resultData (serialised)'] : []),
	];
}

/**
 * A failed item on n8n's Error output as a user sees it: n8n keeps `{ error }` as its json and shows
 * the error it carries (message, description, attempts) in the output pane.
 */
export function errorItemOf(
	result: RunResult,
	output: number,
	index = 0,
): { error: unknown; details: { description?: unknown; attempts?: unknown } } {
	const item = result.outputs[output]?.[index];
	if (!item)
		throw new Error(
			`no item ${index} on output ${output}; outputs: ${JSON.stringify(result.outputs)}`,
		);
	const carried = item.error as unknown as
		| { description?: unknown; context?: { attempts?: unknown } }
		| undefined;
	const details: { description?: unknown; attempts?: unknown } = {
		description: carried?.description ?? null,
	};
	if (carried?.context?.attempts !== undefined) details.attempts = carried.context.attempts;
	return { error: item.json.error, details };
}

/**
 * Where the key shows in anything a trigger poll produced: the items n8n started an execution with,
 * the error (an activation's, or a poll's), the failed execution n8n stores for it, the run of a
 * Fetch Test Event, log lines, and the static data (as n8n keeps it in memory and saves it).
 */
export function pollLeaks(result: object, key: string, staticData: unknown[] = []): string[] {
	return [
		...findString(result, key, 'result'),
		...findString(staticData, key, 'staticData'),
		...(JSON.stringify(staticData).includes(key) ? ['staticData (serialised)'] : []),
	];
}

/**
 * Watches the timers made from now on: `pending()` lists, by where each was made, those still due
 * and keeping the process alive (Node marks a timer _destroyed once it fired or was cleared);
 * `stop()` ends the watch.
 */
export function watchTimers(): { pending: () => string[]; stop: () => void } {
	type Timer = { hasRef?: () => boolean; _destroyed?: boolean };
	const made = new Map<number, { timer: Timer; madeAt: string }>();
	const hook = createHook({
		init(id, type, _trigger, timer: Timer) {
			if (type === 'Timeout') made.set(id, { timer, madeAt: new Error().stack ?? '' });
		},
		destroy: (id) => made.delete(id),
	});
	hook.enable();
	return {
		pending: () =>
			[...made.values()]
				.filter(({ timer }) => timer._destroyed !== true && timer.hasRef?.() !== false)
				.map(({ madeAt }) => madeAt.split('\n').slice(6, 14).join('\n')),
		stop: () => hook.disable(),
	};
}
