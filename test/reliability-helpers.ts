/**
 * Helpers for the reliability suites (faults, hostile input, properties): one simulator and one
 * "other origin" per file, readers for attempts and waits, and the checks every scenario shares:
 * the key nowhere, and every input item accounted for on exactly one output, paired right.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { RunResult } from './harness/run';
import type { OtherOrigin, Seed, Simulator } from '../simulator';
import { demoSeed, startOtherOrigin, startSimulator } from '../simulator';

export { OUTPUT_INDEX as OUT } from './harness/run';
export { counts, findString, jsonOf, leaks } from './helpers';

export interface Servers {
	sim: Simulator;
	other: OtherOrigin;
}

/** Starts the simulator and a second origin for the file; resets requests, faults and seed before each test. */
export function useServers(makeSeed: () => Seed = demoSeed): () => Servers {
	let servers: Servers | undefined;
	beforeAll(async () => {
		servers = { sim: await startSimulator({ seed: makeSeed() }), other: await startOtherOrigin() };
	});
	beforeEach(() => {
		if (!servers) return;
		servers.sim.reset();
		servers.sim.seed = makeSeed();
		servers.other.requests.length = 0;
	});
	afterAll(async () => {
		await servers?.sim.close();
		await servers?.other.close();
	});
	return () => {
		if (!servers) throw new Error('servers not started');
		return servers;
	};
}

/** A workspace whose only key is `key` (so any well-formed random key can be used against the simulator). */
export function seedWithKey(key: string, devices = demoSeed().workspaces[0].devices): Seed {
	return {
		workspaces: [{ id: 'ws_prop', plan: 'growth', devices }],
		keys: [{ key, workspace: 'ws_prop', scopes: ['devices:read'] }],
	};
}

/** The waits the node announced before each retry ("WAPing request will be retried" debug lines). */
export function plannedWaits(result: RunResult): number[] {
	return result.logs
		.filter((line) => line.message === 'WAPing request will be retried')
		.map((line) => (line.metadata as { delayMs: number }).delayMs);
}

/**
 * Input item indexes as the outputs carry them. With Continue On Fail or the error output, every
 * one of `inputs` items must appear; `exactlyOnce` for operations that give one item per input.
 */
export function pairedIndexes(result: RunResult): number[] {
	const indexes: number[] = [];
	for (const items of result.outputs) {
		for (const item of items as INodeExecutionData[]) {
			const paired = item.pairedItem;
			const first = Array.isArray(paired) ? paired[0] : paired;
			indexes.push(typeof first === 'number' ? first : (first?.item ?? -1));
		}
	}
	return indexes.sort((a, b) => a - b);
}

/** 0..n-1, the indexes a one-item-per-input run must pair. */
export function range(n: number): number[] {
	return Array.from({ length: n }, (_, i) => i);
}
