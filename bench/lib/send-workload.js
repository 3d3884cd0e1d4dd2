'use strict';
// The job of the send benchmark and the crash test: N reminders, one per recipient, spread over the
// five connected devices of one workspace. Shared by the orchestrator, the crash test and n8n's
// Code node (sendItem's source is pasted into it).

const SEND_API_KEY = 'wk_bench_send_workspace_key_0001';
const SEND_WORKSPACE = 'ws_send';
const SEND_DEVICES = ['dev_s01', 'dev_s02', 'dev_s03', 'dev_s04', 'dev_s05'];

/**
 * WAPing's rate limit in the simulator, for the benchmark and the crash test alike: R = 100
 * messages/s per workspace with a burst of R (a one-second bucket). At N = 2 000 the floor N / R is
 * 20 s, so even a leg at 2.5× the floor stays under a minute; 100 requests/s is well within what one
 * n8n process on a shared 2-core machine sends, so the legs measure pacing against the limit rather
 * than CPU.
 */
const LIMIT = { perSecond: 100, burst: 100, retryAfter: 'seconds' };

/**
 * Item n: its own recipient and text, so a message accepted twice shows as the same recipient and
 * text twice. Self-contained: its source is also n8n's Code node.
 */
function sendItem(n) {
	return {
		n: n,
		deviceId: 'dev_s0' + ((n % 5) + 1),
		to: '+1555' + String(1000000 + n),
		text: 'Reminder ' + n + ': your appointment is tomorrow at 10:00.',
	};
}

/** The Code node that makes the N items. */
function itemsCode(n) {
	return `${sendItem.toString()}\nreturn Array.from({ length: ${n} }, (_, n) => ({ json: sendItem(n) }));`;
}

/** The simulator's seed: one Pro workspace with five connected devices and a key that may send. */
function sendSeed() {
	return {
		workspaces: [
			{
				id: SEND_WORKSPACE,
				plan: 'pro',
				devices: SEND_DEVICES.map((id) => ({ id, status: 'connected' })),
			},
		],
		keys: [
			{ key: SEND_API_KEY, workspace: SEND_WORKSPACE, scopes: ['devices:read', 'messages:send'] },
		],
	};
}

/** The identity of a message: recipient and text (a message accepted twice has the same one). */
const messageIdentity = (to, text) => `${to}\u0000${text}`;

/**
 * What the simulator accepted, against the N items: how many, how many twice or more (duplicates:
 * acceptances beyond the first of the same recipient and text), and which items have none.
 */
function countMessages(messages, n) {
	const seen = new Map();
	for (const message of messages) {
		const id = messageIdentity(message.to, message.text);
		seen.set(id, (seen.get(id) ?? 0) + 1);
	}
	const missing = [];
	for (let i = 0; i < n; i++) {
		const item = sendItem(i);
		if (!seen.has(messageIdentity(item.to, item.text))) missing.push(i);
	}
	let duplicates = 0;
	for (const count of seen.values()) duplicates += count - 1;
	const duplicated = [...seen].filter(([, count]) => count > 1).map(([id]) => id);
	return { accepted: messages.length, distinct: seen.size, duplicates, duplicated, missing };
}

module.exports = {
	LIMIT,
	SEND_API_KEY,
	SEND_WORKSPACE,
	SEND_DEVICES,
	sendItem,
	itemsCode,
	sendSeed,
	messageIdentity,
	countMessages,
};
