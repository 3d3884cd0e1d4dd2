import type { INodeProperties } from 'n8n-workflow';

// Defaults are literals for n8n's editor; they match DEFAULT_RETRY_POLICY (a test checks it).
export const requestOptions: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description: 'How often to retry and how long to wait when WAPing throttles, fails or is slow to answer',
		options: [
			{
				displayName: 'Max Attempts',
				name: 'maxAttempts',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 10 },
				default: 4,
				description:
					'How many times to send a request in all when WAPing throttles (429), has a server error (5xx) or cannot be reached. 401, 403 and other answers are never retried.',
			},
			{
				displayName: 'Max Wait (Seconds)',
				name: 'maxWait',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 3600 },
				default: 60,
				description:
					"Most time to spend waiting between attempts, in all. A 429's Retry-After is obeyed while it fits in this budget.",
			},
			{
				displayName: 'Retry Delay (Ms)',
				name: 'retryDelay',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 60000 },
				default: 500,
				description:
					"First wait before retrying when WAPing gives no Retry-After; it doubles on each attempt (a random part of it is waited, up to 10 s). A 429's Retry-After is obeyed instead.",
			},
			{
				displayName: 'Timeout (Ms)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 300000 },
				default: 10000,
				description: 'How long to wait for one answer before giving up on that attempt',
			},
		],
	},
];
