/**
 * The WAPing Webhook Trigger checks every delivery on its raw bytes, with the credential's Webhook
 * Signing Secret, in the scheme chosen: a request that fails gets 401, starts nothing, and leaves a
 * line in n8n's log without the secret.
 */
import { demoKeys } from '../simulator';
import { useSimulator } from './helpers';
import {
	hmacBase64,
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

function refusals(logs: Array<{ level: string; message: string }>) {
	return logs.filter((line) => line.level === 'warn' && /failed verification/.test(line.message));
}

describe('HMAC-SHA256 of the raw body', () => {
	it.each([
		['hex', (body: string) => hmacHex(body)],
		['hex with sha256=', (body: string) => `sha256=${hmacHex(body)}`],
		['upper-case hex', (body: string) => hmacHex(body).toUpperCase()],
		['base64', (body: string) => hmacBase64(body)],
		['base64 with sha256=', (body: string) => `sha256=${hmacBase64(body)}`],
	])('a signature in %s starts one execution, answered 200', async (_shape, sign) => {
		const process = await trigger();
		const body = JSON.stringify(inbound());
		const answer = await process.deliver({ body, headers: { 'x-waping-signature': sign(body) } });
		expect(answer.status).toBe(200);
		expect(answer.json).toMatchObject({ received: true, started: 1 });
		expect(process.started).toHaveLength(1);
		expect(process.started[0].items[0].json).toMatchObject({
			event: 'message.received',
			text: 'hello',
		});
	});

	it('the signature is checked on the bytes sent: a body with other spacing than n8n would re-serialise still passes', async () => {
		const process = await trigger();
		const body = `{ "id":"evt_spacing",  "type":"message.received", "deviceId":"dev_123", "data":{"text":"h\\u00e9llo","from":"+4915112345678"} }`;
		const answer = await process.deliver({
			body,
			headers: { 'x-waping-signature': hmacHex(body) },
		});
		expect(answer.status).toBe(200);
		expect(process.started[0].items[0].json).toMatchObject({
			eventId: 'evt_spacing',
			text: 'héllo',
		});
	});

	it.each([
		[
			'a wrong secret',
			(body: string) => ({ 'x-waping-signature': hmacHex(body, 'another-secret') }),
		],
		['no signature header', () => ({})],
		['a signature that is not hex or base64', () => ({ 'x-waping-signature': 'sha256=zz!!' })],
		['an empty signature', () => ({ 'x-waping-signature': '' })],
	])('%s: 401, nothing started, a warning in the log', async (_case, headers) => {
		const process = await trigger();
		const body = JSON.stringify(inbound());
		const answer = await process.deliver({ body, headers: headers(body) });
		expect(answer.status).toBe(401);
		expect(answer.json).toMatchObject({ error: 'signature' });
		expect(process.started).toHaveLength(0);
		expect(refusals(process.logs)).toHaveLength(1);
		expect(JSON.stringify(process.logs)).not.toContain(SECRET);
	});

	it('a tampered body (signed, then one character changed) gets 401', async () => {
		const process = await trigger();
		const { body, headers } = signed(inbound({}, { text: 'pay 10' }));
		const answer = await process.deliver({ body: body.replace('pay 10', 'pay 99'), headers });
		expect(answer.status).toBe(401);
		expect(process.started).toHaveLength(0);
	});

	it('Header Name changes where the signature is read', async () => {
		const process = await trigger({ options: { headerName: 'X-Hub-Signature-256' } });
		const body = JSON.stringify(inbound());
		const inDefault = await process.deliver({
			body,
			headers: { 'x-waping-signature': hmacHex(body) },
		});
		const inCustom = await process.deliver({
			body,
			headers: { 'x-hub-signature-256': `sha256=${hmacHex(body)}` },
		});
		expect([inDefault.status, inCustom.status]).toEqual([401, 200]);
		expect(process.started).toHaveLength(1);
	});

	it('a credential without a Webhook Signing Secret: every delivery 401, and the log says what is missing', async () => {
		const process = await trigger({}, { webhookSecret: '' });
		const { body, headers } = signed(inbound());
		const answer = await process.deliver({ body, headers });
		expect(answer.status).toBe(401);
		expect(refusals(process.logs)[0].message).toContain('no Webhook Signing Secret');
	});
});

describe('Standard Webhooks', () => {
	const standard = { verification: 'standardWebhooks' };
	const credentials = { webhookSecret: STANDARD_SECRET };

	it('a good signature (whsec_ base64 key) starts one execution; the webhook-id is the event id when the body has none', async () => {
		const process = await trigger(standard, credentials);
		const { id: _id, ...event } = inbound();
		void _id;
		const body = JSON.stringify(event);
		const answer = await process.deliver({
			body,
			headers: standardHeaders(body, { id: 'msg_header_id' }),
		});
		expect(answer.status).toBe(200);
		expect(process.started[0].items[0].json.eventId).toBe('msg_header_id');
	});

	it('a secret without whsec_ is used as its own bytes', async () => {
		const process = await trigger(standard, { webhookSecret: 'plain-secret-0123456789' });
		const body = JSON.stringify(inbound());
		const answer = await process.deliver({
			body,
			headers: standardHeaders(body, { secret: 'plain-secret-0123456789' }),
		});
		expect(answer.status).toBe(200);
	});

	it('several signatures (a rotated key, other versions): one matching v1 is enough', async () => {
		const process = await trigger(standard, credentials);
		const body = JSON.stringify(inbound());
		const headers = standardHeaders(body, {
			extra: ['v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', 'v1a,whatever', 'v2,abc'],
		});
		expect((await process.deliver({ body, headers })).status).toBe(200);
	});

	it.each([
		['310 s old', -310, 401],
		['310 s in the future', 310, 401],
		['290 s old', -290, 200],
		['290 s in the future', 290, 200],
	])('a timestamp %s (tolerance 300 s): %i', async (_case, offset, status) => {
		const process = await trigger(standard, credentials);
		const body = JSON.stringify(inbound());
		const timestamp = Math.floor(Date.now() / 1000) + offset;
		const answer = await process.deliver({ body, headers: standardHeaders(body, { timestamp }) });
		expect(answer.status).toBe(status);
		expect(process.started).toHaveLength(status === 200 ? 1 : 0);
	});

	it('Timestamp Tolerance widens the window', async () => {
		const process = await trigger(
			{ ...standard, options: { timestampTolerance: 900 } },
			credentials,
		);
		const body = JSON.stringify(inbound());
		const timestamp = Math.floor(Date.now() / 1000) - 600;
		expect(
			(await process.deliver({ body, headers: standardHeaders(body, { timestamp }) })).status,
		).toBe(200);
	});

	it.each([
		['a wrong secret', (body: string) => standardHeaders(body, { secret: 'whsec_b3RoZXI=' })],
		[
			'no webhook-signature',
			(body: string) => {
				const { 'webhook-signature': _s, ...rest } = standardHeaders(body);
				void _s;
				return rest;
			},
		],
		[
			'no webhook-timestamp',
			(body: string) => {
				const { 'webhook-timestamp': _t, ...rest } = standardHeaders(body);
				void _t;
				return rest;
			},
		],
		[
			'a signature for another id',
			(body: string) => ({ ...standardHeaders(body), 'webhook-id': 'msg_other' }),
		],
		[
			'only a v2 signature',
			(body: string) => ({ ...standardHeaders(body), 'webhook-signature': 'v2,abc' }),
		],
	])('%s: 401, nothing started', async (_case, headers) => {
		const process = await trigger(standard, credentials);
		const body = JSON.stringify(inbound());
		const answer = await process.deliver({ body, headers: headers(body) });
		expect(answer.status).toBe(401);
		expect(process.started).toHaveLength(0);
		expect(refusals(process.logs)).toHaveLength(1);
	});

	it('a tampered body gets 401', async () => {
		const process = await trigger(standard, credentials);
		const body = JSON.stringify(inbound({}, { text: 'a' }));
		const headers = standardHeaders(body);
		const answer = await process.deliver({ body: body.replace('"a"', '"b"'), headers });
		expect(answer.status).toBe(401);
	});
});

describe('a shared secret in a header', () => {
	const shared = { verification: 'sharedSecret' };

	it('the secret in x-waping-secret: 200; another value, none, or the secret with a suffix: 401', async () => {
		const process = await trigger(shared);
		const body = JSON.stringify(inbound());
		const statuses = [];
		for (const headers of [
			{ 'x-waping-secret': SECRET },
			{ 'x-waping-secret': 'wrong' },
			{},
			{ 'x-waping-secret': `${SECRET}x` },
			{ 'x-waping-signature': SECRET },
		] as Array<Record<string, string>>) {
			statuses.push((await process.deliver({ body: JSON.stringify(inbound()), headers })).status);
		}
		void body;
		expect(statuses).toEqual([200, 401, 401, 401, 401]);
		expect(process.started).toHaveLength(1);
	});

	it('Header Name moves it', async () => {
		const process = await trigger({ ...shared, options: { headerName: 'Authorization-Token' } });
		const ok = await process.deliver({
			body: JSON.stringify(inbound()),
			headers: { 'authorization-token': SECRET },
		});
		expect(ok.status).toBe(200);
	});
});

describe('None', () => {
	it('with the risk accepted, an unsigned delivery starts the workflow', async () => {
		const process = await trigger(
			{ verification: 'none', allowUnverifiedRequests: true },
			{ webhookSecret: '' },
		);
		const answer = await process.deliver({ body: JSON.stringify(inbound()) });
		expect(answer.status).toBe(200);
		expect(process.started).toHaveLength(1);
	});

	it('the key is never needed to receive: a revoked key does not stop a verified delivery', async () => {
		const process = await trigger({}, { apiKey: demoKeys.revoked });
		const { body, headers } = signed(inbound());
		expect((await process.deliver({ body, headers })).status).toBe(200);
		expect(sim().requests).toHaveLength(0);
	});
});
