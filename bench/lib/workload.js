'use strict';
// The job every leg of the benchmark does: N input items, each naming one device of a workspace of
// 50, whose session status is wanted. Shared by the orchestrator, the workers and n8n's Code node.

const DEVICES = 50;
const API_KEY = 'wk_bench_workspace_key_0001';
const STATUSES = ['connected', 'degraded', 'disconnected', 'unlinked'];

/**
 * The device of item i: a fixed pseudo-random draw (a 32-bit integer hash of i), so every leg and
 * every repeat asks for the same ids. Self-contained, because its source is also pasted into n8n's
 * Code node.
 */
function deviceIdFor(i) {
	let x = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b);
	x ^= x >>> 13;
	x = Math.imul(x, 0xc2b2ae35);
	x ^= x >>> 16;
	return 'dev_' + String(((x >>> 0) % 50) + 1).padStart(3, '0');
}

function deviceIds(n) {
	return Array.from({ length: n }, (_, i) => deviceIdFor(i));
}

/** The simulator's seed: one Enterprise workspace (50 devices, statuses in a cycle of four), one key. */
function benchSeed(manyDevices) {
	return {
		workspaces: [
			{ id: 'ws_bench', plan: 'enterprise', devices: manyDevices('dev_', DEVICES, STATUSES) },
		],
		keys: [{ key: API_KEY, workspace: 'ws_bench', scopes: ['devices:read'] }],
	};
}

module.exports = { API_KEY, DEVICES, deviceIdFor, deviceIds, benchSeed };
