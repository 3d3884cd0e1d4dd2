import type {
	IAuthenticateRuleResponseCode,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { DEFAULT_BASE_URL, DEVICE_LIST_FIELD, DEVICES_PATH } from '../nodes/WAPing/assumptions';
import { checkCredential } from '../nodes/WAPing/connection';

/** The origin a request goes to, or undefined when its URL cannot be read. */
function originOf(options: IHttpRequestOptions): string | undefined {
	try {
		return new URL(options.url, options.baseURL).origin;
	} catch {
		return undefined;
	}
}

export class WAPingApi implements ICredentialType {
	name = 'wapingApi';

	displayName = 'WAPing API';

	icon = {
		light: 'file:../nodes/WAPing/waping.svg',
		dark: 'file:../nodes/WAPing/waping.dark.svg',
	} as const;

	documentationUrl = 'https://github.com/waping/n8n-nodes-waping#credential-waping-api';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'Server-to-server key from the WAPing dashboard (Settings → API keys). Paste the key; a "Bearer " in front of it is dropped.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description:
				'Root of the WAPing API, without /v1. Must be HTTPS; plain HTTP is accepted only for localhost.',
		},
		{
			displayName: 'Plan',
			name: 'plan',
			type: 'options',
			default: 'auto',
			description:
				"The workspace's WAPing plan. Free has no API access, so the node sends no request and routes items to Denied. Detect From the API infers the smallest tier that fits the linked devices.",
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
	 * Every request the credential signs, from the node and from the credential dialog's Test alike,
	 * passes the node's checks first: a Base URL that is not HTTPS (or loopback), holds a query, a
	 * path such as /v1 or the key itself, or a key with spaces, is refused with the node's own words
	 * before anything is sent. The key goes only to the Base URL's own origin, and redirects are never
	 * followed. Set in code rather than as an expression: that would cost n8n an expression compile
	 * on the first request of every execution process.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const checked = checkCredential(credentials);
		if ('problem' in checked)
			throw new Error(`${checked.problem.message}. ${checked.problem.description}`);
		const { connection } = checked;
		const safe: IHttpRequestOptions = {
			...requestOptions,
			disableFollowRedirect: true,
			maxRedirects: 0,
			sendCredentialsOnCrossOriginRedirect: false,
		};
		if (originOf(safe) !== new URL(connection.baseUrl).origin) {
			throw new Error(
				`The WAPing credential only signs requests to its Base URL (${new URL(connection.baseUrl).origin}); the key was not sent.`,
			);
		}
		return { ...safe, headers: { ...safe.headers, Authorization: `Bearer ${connection.apiKey}` } };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ ($credentials.baseUrl || "").trim().replace(/\\/+$/, "") || "${DEFAULT_BASE_URL}" }}`,
			url: DEVICES_PATH,
			method: 'GET',
			headers: { Accept: 'application/json' },
		},
		// n8n's tester reads each rule by its own type (codes when the request failed, the body when it
		// succeeded), so one list holds both kinds; its type declares a list of one kind only.
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'WAPing did not accept the API key (401): it is missing, mistyped or revoked. Copy a valid key from the WAPing dashboard (Settings → API keys).',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The key is valid, but WAPing denied access (403): the plan has no API access (Free) or the key lacks permission to read devices. Upgrade to Starter or above, or use a key that can read devices.',
				},
			},
			...[301, 302, 303, 307, 308].map((value) => ({
				type: 'responseCode' as const,
				properties: {
					value,
					message: `WAPing answered with a redirect (${value}), which the credential does not follow, so the key was sent nowhere else. Set the Base URL to the API's own address, e.g. ${DEFAULT_BASE_URL}.`,
				},
			})),
			{
				type: 'responseSuccessBody',
				properties: {
					key: DEVICE_LIST_FIELD,
					value: undefined,
					message: `The Base URL answered, but not as the WAPing API does (no device list). Check that it is the API's address, e.g. ${DEFAULT_BASE_URL}, not a web page or a proxy's login page.`,
				},
			},
		] as unknown as IAuthenticateRuleResponseCode[],
	};
}
