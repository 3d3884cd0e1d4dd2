'use strict';
// Demo data for the WAPing simulator: one workspace per situation a workflow must handle.
// Keys are fake and only mean something to this simulator.

/** @returns {import('./index').Seed} */
function demoSeed() {
	return {
		workspaces: [
			{
				id: 'ws_growth',
				plan: 'growth',
				devices: [
					{ id: 'dev_123', status: 'connected' },
					{ id: 'dev_456', status: 'degraded' },
					{ id: 'dev_789', status: 'disconnected' },
					{ id: 'dev_abc', status: 'unlinked' },
					{ id: 'dev_new', status: 'PAIRING' },
				],
			},
			{ id: 'ws_starter', plan: 'starter', devices: [{ id: 'dev_solo', status: 'Connected' }] },
			{ id: 'ws_pro', plan: 'pro', devices: manyDevices('dev_pro_', 7) },
			{ id: 'ws_free', plan: 'free', devices: [{ id: 'dev_free', status: 'connected' }] },
		],
		keys: [
			{
				key: 'wk_demo_growth_0123456789',
				workspace: 'ws_growth',
				scopes: ['devices:read', 'messages:send'],
			},
			{
				key: 'wk_demo_starter_0123456789',
				workspace: 'ws_starter',
				scopes: ['devices:read', 'messages:send'],
			},
			{
				key: 'wk_demo_pro_0123456789',
				workspace: 'ws_pro',
				scopes: ['devices:read', 'messages:send'],
			},
			{ key: 'wk_demo_free_0123456789', workspace: 'ws_free', scopes: ['devices:read'] },
			{ key: 'wk_demo_sendonly_0123456789', workspace: 'ws_growth', scopes: ['messages:send'] },
			{
				key: 'wk_demo_revoked_0123456789',
				workspace: 'ws_growth',
				scopes: ['devices:read'],
				revoked: true,
			},
		],
	};
}

/** A workspace of `count` devices, every one connected unless `statuses` says otherwise. */
function manyDevices(prefix, count, statuses = ['connected']) {
	return Array.from({ length: count }, (_, i) => ({
		id: `${prefix}${String(i + 1).padStart(3, '0')}`,
		status: statuses[i % statuses.length],
	}));
}

/** Names of the demo keys, for people and scripts that need one of each kind. */
const demoKeys = {
	growth: 'wk_demo_growth_0123456789',
	starter: 'wk_demo_starter_0123456789',
	pro: 'wk_demo_pro_0123456789',
	free: 'wk_demo_free_0123456789',
	sendOnly: 'wk_demo_sendonly_0123456789',
	revoked: 'wk_demo_revoked_0123456789',
};

module.exports = { demoSeed, manyDevices, demoKeys };
