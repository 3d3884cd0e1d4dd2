import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { DEFAULT_TIMESTAMP_TOLERANCE_SECONDS, WEBHOOK_SETTINGS_HINT } from '../shared/assumptions';
import { wapingApiTest } from '../shared/credentialTest';
import { checkActivation } from './activation';
import { RecentClaims } from './dedupe';
import { getDevices } from './devices';
import { receive } from './receive';

export class WapingWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WAPing Webhook Trigger',
		name: 'wapingWebhookTrigger',
		icon: { light: 'file:wapingWebhookTrigger.svg', dark: 'file:wapingWebhookTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "On " + ($parameter["events"] || []).join(", ") }}',
		description:
			"Starts the workflow when a WhatsApp message arrives, a sent message changes state or a device's session changes",
		defaults: { name: 'WAPing Webhook Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'wapingApi', required: true, testedBy: 'wapingApiTest' }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// Empty: n8n answers with the node's webhookResponse (without it, its default
				// 'firstEntryJson' would be sent as the body).
				responseData: '',
				path: '',
				isFullPath: true,
			},
			{
				name: 'setup',
				httpMethod: 'GET',
				responseMode: 'onReceived',
				path: '',
				isFullPath: true,
			},
		],
		properties: [
			{
				displayName: `Publish this workflow, then add its Production URL (under Webhook URLs above) in ${WEBHOOK_SETTINGS_HINT} and copy the signing secret WAPing shows into the WAPing credential's Webhook Signing Secret. Webhooks need the Starter plan or above.`,
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: ['messageReceived'],
				description:
					'What starts the workflow. Each event is one item; a delivery WAPing repeats starts it once.',
				options: [
					{
						name: 'Any Event',
						value: 'anyEvent',
						description:
							'Every event WAPing sends, including kinds this node does not know (those come raw)',
					},
					{
						name: 'Message Received',
						value: 'messageReceived',
						description: 'A WhatsApp message arrived on a linked device',
					},
					{
						name: 'Message Status Changed',
						value: 'messageStatus',
						description: 'A message you sent was queued, sent, delivered, read or failed',
					},
					{
						name: 'Session Changed',
						value: 'sessionChanged',
						description: "A device's WhatsApp session changed, e.g. from connected to disconnected",
					},
				],
			},
			{
				displayName: 'Device Names or IDs',
				name: 'devices',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getDevices' },
				default: [],
				description:
					'Only events of these devices. Leave empty for every device of the workspace. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Ignore Messages Sent by the Device',
				name: 'ignoreOwnMessages',
				type: 'boolean',
				default: true,
				displayOptions: { show: { events: ['messageReceived', 'anyEvent'] } },
				description:
					'Whether to leave out messages the linked phone itself sent (including the replies of this workflow), so that a reply never starts the workflow again',
			},
			{
				displayName: 'Chats',
				name: 'chats',
				type: 'options',
				default: 'all',
				displayOptions: { show: { events: ['messageReceived', 'anyEvent'] } },
				description: 'For Message Received: which chats start the workflow',
				options: [
					{ name: 'All Chats', value: 'all' },
					{ name: 'Direct Chats Only', value: 'direct' },
					{ name: 'Groups Only', value: 'groups' },
				],
			},
			{
				displayName: 'Verification',
				name: 'verification',
				type: 'options',
				default: 'hmacSha256',
				description:
					"How the trigger checks that a request comes from WAPing, with the credential's Webhook Signing Secret. A request that fails gets 401 and starts nothing.",
				options: [
					{
						name: 'HMAC-SHA256 Signature',
						value: 'hmacSha256',
						description:
							'A header (x-waping-signature) holds the HMAC-SHA256 of the body, in hex or base64, with or without "sha256="',
					},
					{
						name: 'Standard Webhooks',
						value: 'standardWebhooks',
						description:
							'The webhook-ID, webhook-timestamp and webhook-signature headers (standardwebhooks.com)',
					},
					{
						name: 'Shared Secret in a Header',
						value: 'sharedSecret',
						description: 'A header (x-waping-secret) holds the secret itself',
					},
					{
						name: 'None (Unsafe)',
						value: 'none',
						description: 'Anyone who knows the URL can start the workflow',
					},
				],
			},
			{
				displayName:
					'Warning: with Verification set to None, anyone who finds this URL can start the workflow with made-up WhatsApp messages. Publishing is refused unless you turn on the option below.',
				name: 'noneNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { verification: ['none'] } },
			},
			{
				displayName:
					'Accept Unverified Requests (Anyone Who Knows the URL Can Start This Workflow)',
				name: 'allowUnverifiedRequests',
				type: 'boolean',
				default: false,
				displayOptions: { show: { verification: ['none'] } },
				description:
					'Whether to publish the workflow without checking who sends the requests. Only for a test setup.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Answer WAPing',
						name: 'answer',
						type: 'options',
						options: [
							{
								name: 'As Soon As Verified',
								value: 'verified',
								description:
									'Fastest: WAPing has its answer before n8n creates the execution. If n8n then fails to create it (under heavy load), the event is not delivered again.',
							},
							{
								name: 'Once the Execution Is Created',
								value: 'started',
								description:
									'Safest: when n8n cannot create the execution, WAPing gets an error and delivers the event again. Slower under load (n8n 1.x answers just before it creates the execution).',
							},
						],
						default: 'verified',
						description: 'When WAPing gets its 200 for a delivery that starts the workflow',
					},
					{
						displayName: 'Header Name',
						name: 'headerName',
						type: 'string',
						default: '',
						placeholder: 'x-waping-signature',
						description:
							'The header WAPing puts the signature (HMAC-SHA256) or the secret (Shared Secret) in. Empty: x-waping-signature, or x-waping-secret for a shared secret.',
					},
					{
						displayName: 'Timestamp Tolerance (Seconds)',
						name: 'timestampTolerance',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 86400 },
						default: DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
						description:
							'For Standard Webhooks: how old (or early) a delivery may be, so that a recorded request cannot be replayed later',
					},
				],
			},
		],
	};

	methods = {
		credentialTest: { wapingApiTest },
		loadOptions: { getDevices },
	};

	/**
	 * WAPing has no API to register a URL (the user adds it in its developer settings): nothing
	 * exists to check or delete there. `create` does the checks publishing needs (activation.ts).
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				await checkActivation(this);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	/**
	 * One request (receive.ts). n8n calls it with its webhook context as `this`; the claims of this
	 * process (dedupe.ts, RecentClaims) are this node type object's, which n8n creates once per
	 * process: kept in a closure, never in a module.
	 */
	webhook: (this: IWebhookFunctions) => Promise<IWebhookResponseData>;

	constructor() {
		const claims = new RecentClaims();
		this.webhook = async function (this: IWebhookFunctions) {
			return await receive(this, claims);
		};
	}
}
