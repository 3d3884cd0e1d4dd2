import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

export class WAPingApi implements ICredentialType {
	name = 'wapingApi';

	displayName = 'WAPing API';

	icon = { light: 'file:../nodes/WAPing/waping.svg', dark: 'file:../nodes/WAPing/waping.dark.svg' } as const;

	documentationUrl = 'https://waping.app/docs/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'Server-to-server key from the WAPing dashboard (Settings → API keys). Paste the key alone, without "Bearer ".',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.waping.app',
			description:
				'Root of the WAPing API, without /v1. Must be HTTPS; plain HTTP is accepted only for localhost.',
		},
		{
			displayName: 'Plan',
			name: 'plan',
			type: 'options',
			default: 'auto',
			description:
				"The workspace's WAPing plan. Free has no API access, so the node sends no request and routes items to Forbidden. Detect From the API infers the smallest tier that fits the linked devices.",
			options: [
				{ name: 'Detect From the API', value: 'auto' },
				{ name: 'Enterprise (50 Devices)', value: 'enterprise' },
				{ name: 'Free (No API Access)', value: 'free' },
				{ name: 'Growth (5 Devices)', value: 'growth' },
				{ name: 'Pro (15 Devices)', value: 'pro' },
				{ name: 'Starter (1 Device)', value: 'starter' },
			],
		},
	];

	/**
	 * The Bearer header, set in code: as a generic `={{ }}` block n8n would compile and run an
	 * expression for it, about 20 ms on the first request of every execution process.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey.trim() : '';
		return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: `Bearer ${apiKey}` } };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.trim().replace(/\\/+$/, "")}}',
			url: '/v1/devices',
			method: 'GET',
			headers: { Accept: 'application/json' },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'WAPing rejected the key (401): it is missing, malformed or revoked. Copy a valid key from the WAPing dashboard.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The key is valid, but WAPing denied access (403): the plan has no API access (Free) or the key lacks permission to read devices.',
				},
			},
		],
	};
}
