import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { DEFAULT_BASE_URL } from '../nodes/shared/assumptions';
import { checkCredential } from '../nodes/shared/connection';

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
		light: 'file:../nodes/Waping/waping.svg',
		dark: 'file:../nodes/Waping/waping.dark.svg',
	} as const;

	documentationUrl = 'https://github.com/waping/n8n-nodes-waping/blob/main/docs/credential.md';

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
		{
			displayName: 'Webhook Signing Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only for the WAPing Webhook Trigger: the secret WAPing shows in its developer settings when you add the webhook URL. The trigger checks every delivery with it; never sent anywhere.',
		},
	];

	// The dialog's Test is the nodes' `testedBy` (nodes/shared/credentialTest.ts): it judges
	// the answer with the node's own device-list parser, which declarative test rules cannot express.

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
}
