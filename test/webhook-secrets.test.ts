/**
 * Neither the Webhook Signing Secret nor the API key appears in anything the WAPing Webhook Trigger
 * shows: items, answers, activation errors, log lines.
 */
import { demoKeys } from '../simulator';
import type { WebhookProcess } from './harness/webhook';
import { useSimulator } from './helpers';
import {
	hmacHex,
	inbound,
	SECRET,
	signed,
	standardHeaders,
	STANDARD_SECRET,
	useWebhookProcesses,
} from './webhook-helpers';

const sim = useSimulator();
const trigger = useWebhookProcesses(() => sim().url);

/** Everything a user or an operator could read. */
function shown(process: WebhookProcess, extra: unknown[]): string {
	return JSON.stringify([process.logs, process.started, extra], (_key, value: unknown) =>
		value instanceof Error
			? {
					message: value.message,
					description: (value as { description?: string }).description,
					stack: value.stack,
				}
			: value,
	);
}

function expectNoSecrets(text: string, key: string) {
	for (const secret of [SECRET, STANDARD_SECRET, STANDARD_SECRET.slice(6), key]) {
		expect(text).not.toContain(secret);
	}
	// The secret's own bytes hashed as a signature are not shown either.
	expect(text).not.toContain(hmacHex('', SECRET));
}

it.each([['hmacSha256'], ['standardWebhooks'], ['sharedSecret']])(
	'%s: no secret or key in any item, answer, error or log line, through good, bad and half-right deliveries and failed activations',
	async (verification) => {
		const secret = verification === 'standardWebhooks' ? STANDARD_SECRET : SECRET;
		const process = await trigger(
			{ verification, events: ['anyEvent'] },
			{ webhookSecret: secret },
		);
		const answers: unknown[] = [];
		const event = inbound();
		const body = JSON.stringify(event);
		const attempts: Array<Record<string, string>> = [
			signed(event).headers,
			standardHeaders(body, { secret }),
			{ 'x-waping-secret': secret },
			{ 'x-waping-secret': `${secret}-almost` },
			{ 'x-waping-secret': secret.slice(0, -1) },
			{ 'x-waping-signature': `sha256=${secret}` },
			{ 'webhook-signature': `v1,${secret}`, 'webhook-id': 'x', 'webhook-timestamp': '1' },
			{},
		];
		for (const headers of attempts) {
			const answer = await process.deliver({ body, headers });
			answers.push(answer.status, answer.text, Object.fromEntries(answer.headers));
		}
		const errors = [];
		for (const apiKey of [demoKeys.revoked, demoKeys.free, demoKeys.sendOnly]) {
			process.useCredentials({ apiKey, baseUrl: sim().url, webhookSecret: secret });
			errors.push(await process.activate());
		}
		process.useCredentials({
			apiKey: demoKeys.growth,
			baseUrl: 'http://127.0.0.1:9',
			webhookSecret: secret,
		});
		errors.push(await process.activate());
		expect(process.started.length).toBeGreaterThanOrEqual(1);
		expect(errors.filter(Boolean)).toHaveLength(4);
		expect(process.logs.some((l) => /failed verification/.test(l.message))).toBe(true);
		const text = shown(process, [answers, errors]);
		expectNoSecrets(text, demoKeys.growth);
		for (const key of [demoKeys.revoked, demoKeys.free, demoKeys.sendOnly])
			expect(text).not.toContain(key);
	},
);
