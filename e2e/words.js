'use strict';
/*
 * What the user reads, written out in full: the WAPing node's messages and descriptions for the
 * demo situations, the credential test's messages, and what the simulator says (simulator).
 * The e2e suite compares the items n8n produced and the alerts the examples build from them with
 * these texts, character for character; they are deliberately not imported from the node's code.
 */

const DASHBOARD = 'the WAPing dashboard (Settings → API keys)';
const TIERS = 'devices per tier: Starter 1, Growth 5, Pro 15, Enterprise 50';
const DEFAULT_BASE_URL = 'https://api.waping.app';

/** What the simulator answers (simulator/server.js). */
const SIMULATOR_SAYS = {
	revoked: 'API key has been revoked.',
	freePlan: 'Your plan (Free) does not include REST API access. Upgrade to Starter or above.',
	noDevicesRead: 'This API key lacks the devices:read scope.',
	notConnected: (deviceId) => `Device ${deviceId} is not connected.`,
};

/** What each operation says it was doing when a key lacks permission (the node's `action`). */
const ACTIONS = {
	getStatus: 'read device status',
	getAll: 'list devices',
	check: 'read the plan',
	// Send with Only When Connected reads the device list first
	send: 'read devices',
};

/** What Send adds to the fix when its device list is denied for lack of permission. */
const SEND_LIST_HINT =
	'Send reads the devices only to check the session first ("Only When Connected"): with a key that may send but not read devices, turn that option off in the node\'s Options.';

/** The node's words for a 401/403 of a demo credential (its `expect`), for an operation. */
function denialWords(expect, operation) {
	if (expect.statusCode === 401) {
		return {
			message: `WAPing did not accept the API key (HTTP 401 UNAUTHORIZED). WAPing said: "${SIMULATOR_SAYS.revoked}"`,
			description: `The key is missing, mistyped or revoked. Copy a valid key from ${DASHBOARD} into the WAPing credential. Retrying will not help.`,
		};
	}
	if (expect.source === 'credential') {
		return {
			message: 'The WAPing Free plan has no API access, so the node sent no request',
			description: `The credential declares the Free plan. Starter is the first tier with the REST API (${TIERS}). Upgrade the workspace, then set the credential's Plan to the new tier or to "Detect from the API".`,
		};
	}
	if (expect.reason === 'plan') {
		return {
			message: `WAPing denied the request: the workspace's plan has no API access (HTTP 403 FORBIDDEN). WAPing said: "${SIMULATOR_SAYS.freePlan}"`,
			description: `The key is valid, but the plan does not include the REST API (the Free plan has none). Upgrade to Starter or above (${TIERS}). Retrying will not help.`,
		};
	}
	const description =
		"The key is valid, but its scope or the workspace's access rules deny this action. Use a key of the workspace that owns the devices, with permission to read devices. Retrying will not help.";
	return {
		message: `WAPing denied the request: the key lacks permission to ${ACTIONS[operation]} (HTTP 403 FORBIDDEN). WAPing said: "${SIMULATOR_SAYS.noDevicesRead}"`,
		description: operation === 'send' ? `${description} ${SEND_LIST_HINT}` : description,
	};
}

/** The examples' explanation nodes: "Explain: key not accepted" and "Explain: denied". */
const explainAlert = ({ message, description }) => `${message} Fix: ${description}`;
const deniedAlert = ({ message, description }, reason) =>
	`${message} Fix: ${description} (reason: ${reason})`;

/** Send's Not Connected item: the device's state, and WAPing's words when it answered 409. */
function notConnectedWords(deviceId, state, apiMessage) {
	const how =
		state === 'degraded'
			? 'Its connection is unstable (the phone may be offline or on a weak network): check the phone, or wait until the session shows connected again.'
			: "Open the WAPing dashboard and scan the device's QR code with WhatsApp on the phone (Linked devices) to connect it again.";
	return {
		message: `The message was not sent: device "${deviceId}" is not connected (its session is ${state}).${apiMessage ? ` WAPing said: "${apiMessage}"` : ''}`,
		description: `${how} Then run the workflow again for these items; nothing was sent for them.`,
	};
}

/** A device id that is not in the workspace (Get Status, Send). */
function unknownDeviceWords(deviceId, workspaceDeviceIds) {
	return {
		message: `Device "${deviceId}" is not linked to this WAPing workspace`,
		description: `The workspace's devices are: ${workspaceDeviceIds.join(', ')}. Check the Device ID (IDs are case-sensitive), or pick the device from the list in the node.`,
	};
}

/** The credential test's own messages (CREDENTIAL_TEST_WORDS in nodes/shared/explanations.ts). */
const CREDENTIAL_TEST = {
	ok: 'Connection successful!',
	401: 'WAPing did not accept the API key (401): it is missing, mistyped or revoked. Copy a valid key from the WAPing dashboard (Settings → API keys).',
	403: 'The key is valid, but WAPing denied access (403): the plan has no API access (Free) or the key lacks permission to read devices. Upgrade to Starter or above, or use a key that can read devices.',
	302: (status) =>
		`WAPing answered with a redirect (${status}), which the credential does not follow, so the key was sent nowhere else. Set the Base URL to the API's own address, e.g. ${DEFAULT_BASE_URL}.`,
	notTheApi: `The Base URL answered, but not as the WAPing API does (no device list). Check that it is the API's address, e.g. ${DEFAULT_BASE_URL}, not a web page or a proxy's login page.`,
};

/** What the node (and the credential, before any request) says about a credential it refuses: `<message>. <description>`. */
const baseUrlRefused = (because) =>
	`The Base URL in the WAPing credential cannot be used. The Base URL is refused because ${because}. Use the API root, e.g. ${DEFAULT_BASE_URL}.`;
const REFUSED = {
	plainHttp: baseUrlRefused(
		'it uses http, and the API key may only travel over HTTPS (plain HTTP is allowed for localhost alone)',
	),
	versionPath: baseUrlRefused(
		'it ends with /v1 or an API path, and the node adds /v1/devices itself',
	),
	query: baseUrlRefused('it contains a query (?...) or fragment (#...)'),
	keyInBaseUrl: `The Base URL in the WAPing credential contains the API key. Put the key in the API Key field only; the Base URL is the API root, e.g. ${DEFAULT_BASE_URL}. A key in a URL ends up in logs.`,
	keyWithSpaces:
		'The API key in the WAPing credential contains spaces. Paste only the key itself, without spaces or line breaks.',
};

module.exports = {
	SIMULATOR_SAYS,
	ACTIONS,
	denialWords,
	explainAlert,
	deniedAlert,
	notConnectedWords,
	unknownDeviceWords,
	CREDENTIAL_TEST,
	REFUSED,
};
