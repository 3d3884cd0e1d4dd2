/** Signing and events for the WAPing Webhook Trigger's tests (the shapes of webhook-contract.md). */
import { createHmac } from 'node:crypto';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { WebhookProcess, WebhookSetup } from './harness/webhook';
import { WebhookProcess as Process } from './harness/webhook';
import { demoKeys } from '../simulator';

export const SECRET = 'whsec_test_signing_secret_0123456789';
/** A Standard Webhooks secret: base64 after whsec_. */
export const STANDARD_SECRET = `whsec_${Buffer.from('standard-webhooks-key-0123456789').toString('base64')}`;

export function hmacHex(body: string, secret = SECRET): string {
	return createHmac('sha256', secret).update(body).digest('hex');
}

export function hmacBase64(body: string, secret = SECRET): string {
	return createHmac('sha256', secret).update(body).digest('base64');
}

/** Standard Webhooks headers for a body, signed at `timestamp` (unix seconds). */
export function standardHeaders(
	body: string,
	options: { id?: string; timestamp?: number; secret?: string; extra?: string[] } = {},
): Record<string, string> {
	const id = options.id ?? 'msg_std_1';
	const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
	const secret = options.secret ?? STANDARD_SECRET;
	const key = secret.startsWith('whsec_')
		? Buffer.from(secret.slice(6), 'base64')
		: Buffer.from(secret);
	const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
	return {
		'webhook-id': id,
		'webhook-timestamp': String(timestamp),
		'webhook-signature': [...(options.extra ?? []), `v1,${signature}`].join(' '),
	};
}

let counter = 0;

/** A canonical message.received delivery. */
export function inbound(overrides: IDataObject = {}, data: IDataObject = {}): IDataObject {
	counter += 1;
	return {
		id: `evt_in_${counter}`,
		type: 'message.received',
		createdAt: '2026-12-07T00:00:00.000Z',
		workspaceId: 'ws_growth',
		deviceId: 'dev_123',
		data: {
			messageId: `wamid_${counter}`,
			from: '+4915112345678',
			to: '+14155550123',
			chatId: '4915112345678@s.whatsapp.net',
			isGroup: false,
			fromMe: false,
			type: 'text',
			text: 'hello',
			timestamp: '2026-12-07T00:00:00.000Z',
			...data,
		},
		...overrides,
	};
}

/** The body and its HMAC header, as the simulator sends a canonical delivery. */
export function signed(
	event: unknown,
	secret = SECRET,
): { body: string; headers: Record<string, string> } {
	const body = JSON.stringify(event);
	return { body, headers: { 'x-waping-signature': `sha256=${hmacHex(body, secret)}` } };
}

/** One trigger process per test, listening, closed after the test. */
export function useWebhookProcesses(simUrl: () => string) {
	const open: WebhookProcess[] = [];
	afterEach(async () => {
		for (const process of open.splice(0)) await process.close();
	});
	return async (
		parameters: IDataObject = {},
		credentials: IDataObject = {},
		more: Partial<WebhookSetup> & { db?: WebhookProcess['db'] } = {},
	): Promise<WebhookProcess> => {
		const { db, ...setup } = more;
		const process = new Process(
			{
				parameters: parameters as INodeParameters,
				credentials: {
					apiKey: demoKeys.growth,
					baseUrl: simUrl(),
					webhookSecret: SECRET,
					...credentials,
				},
				...setup,
			},
			db,
		);
		open.push(process);
		await process.listen();
		return process;
	};
}
