import type { INodeProperties } from 'n8n-workflow';

import { RETRY_LIMITS as L } from './transport/retry';

/**
 * The device an item is about: picked from the workspace's list (searchable, with each device's
 * state), typed as an id, or mapped with an expression. A Device ID saved as plain text by an
 * earlier version of the node is still read as that id.
 */
export const deviceLocator: INodeProperties = {
	displayName: 'Device',
	name: 'deviceId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description:
		"The linked WhatsApp device. Pick it from the list, type its ID, or map each item's own device with an expression.",
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a device...',
			typeOptions: { searchListMethod: 'searchDevices', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. dev_123',
		},
	],
};

/**
 * Retry settings, shared by every operation, all in seconds, within RETRY_LIMITS (also what the
 * node enforces). Defaults are literals for n8n's editor; they match DEFAULT_RETRY_POLICY (a test
 * checks it). These retries happen inside one run of the
 * node; n8n's own "Retry On Fail" setting runs the whole node again after it failed.
 */
export const retryOptions: INodeProperties[] = [
	{
		displayName: 'Max Attempts',
		name: 'maxAttempts',
		type: 'number',
		typeOptions: { minValue: L.maxAttempts.min, maxValue: L.maxAttempts.max },
		default: 4,
		description:
			"How many times to try one request in all when WAPing is busy (429), has a temporary problem (5xx) or cannot be reached. A rejected key (401) or a denial (403) is never tried again. This happens inside the node, before n8n's own Retry On Fail setting.",
	},
	{
		displayName: 'Max Wait (Seconds)',
		name: 'maxWait',
		type: 'number',
		typeOptions: { minValue: L.maxWaitSeconds.min, maxValue: L.maxWaitSeconds.max },
		default: 60,
		description:
			"The most time to spend waiting for WAPing, in all: between tries, and for Send the whole run's pauses while WAPing throttles it or fails. When WAPing says how long to wait, the node waits that long while it fits, and at least 1 second (or Retry Delay when longer). In the WAPing Trigger, one poll also ends within n8n's poll budget (5 minutes by default; 50 seconds on n8n 1.x): Max Wait and Timeout are shortened to fit.",
	},
	{
		displayName: 'Retry Delay (Seconds)',
		name: 'retryDelaySeconds',
		type: 'number',
		typeOptions: {
			minValue: L.retryDelaySeconds.min,
			maxValue: L.retryDelaySeconds.max,
			numberPrecision: 3,
		},
		default: 0.5,
		description:
			'The first wait before trying again when WAPing does not say how long to wait; each later wait may be up to twice as long (at most 10 seconds)',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeoutSeconds',
		type: 'number',
		typeOptions: {
			minValue: L.timeoutSeconds.min,
			maxValue: L.timeoutSeconds.max,
			numberPrecision: 3,
		},
		default: 10,
		description:
			"How long to wait for one answer before giving up on that try. In the WAPing Trigger, shortened when needed so that one poll ends within n8n's poll budget.",
	},
];
