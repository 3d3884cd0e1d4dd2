/**
 * A 2xx to a send is a success only when it is a message receipt (assumptions.ts): any other answer
 * proves nothing was accepted, so the item is an unknown outcome, an error the user sees and can retry
 * with the same key, never a Success item with `id: null`. And a `replayed` flag in the body alone is
 * not a replay.
 */
import type { INodeParameters } from 'n8n-workflow';

import { runWaping } from './harness/run';
import {
	counts,
	errorItemOf,
	errorOf,
	jsonOf,
	OUTPUT_INDEX,
	pairedOf,
	posts,
	useSimulator,
} from './helpers';
import type { Fault } from '../simulator';
import { demoKeys } from '../simulator';

const sim = useSimulator();
const credentials = () => ({ apiKey: demoKeys.growth, baseUrl: sim().url });
const send = (options: INodeParameters = {}): INodeParameters => ({
	resource: 'message',
	operation: 'send',
	deviceId: { __rl: true, mode: 'id', value: 'dev_123' },
	to: '+15551234567',
	text: 'Your order has shipped.',
	options: { retryDelaySeconds: 0.005, maxWait: 5, ...options },
});
/** Send has four outputs; the Error output (On Error: "Continue (using error output)") is the fifth. */
const ERROR_OUTPUT = 4;

const notReceipts: Array<[string, Fault, RegExp]> = [
	[
		'a 200 HTML login page',
		{
			status: 200,
			body: '<!DOCTYPE html><html><body><form>Sign in</form></body></html>',
			headers: { 'content-type': 'text/html' },
		},
		/a web page/,
	],
	['an empty 200', { status: 200, body: '' }, /was empty/],
	['a 204', { status: 204 }, /was empty/],
	[
		'a 200 with a device list',
		{ status: 200, body: { data: [{ id: 'dev_123', status: 'connected' }] } },
		/no message id/,
	],
	[
		'a 201 with an error',
		{ status: 201, body: { error: { code: 'SEND_FAILED', message: 'could not send' } } },
		/carried an error \("could not send"\)/,
	],
	[
		'a 200 with status "failed"',
		{ status: 200, body: { id: 'msg_000009', status: 'failed', deviceId: 'dev_123' } },
		/status was "failed"/,
	],
	['a 202 with an empty id', { status: 202, body: { id: '', status: 'queued' } }, /no message id/],
	['a 202 with a numeric id', { status: 202, body: { id: 42, status: 'queued' } }, /no message id/],
	['a 202 without a status', { status: 202, body: { id: 'msg_000009' } }, /no message status/],
	['a 200 with a bare list', { status: 200, body: [{ id: 'msg_000009' }] }, /was a list/],
];

describe('a 2xx that is not a message receipt is not a success', () => {
	test.each(notReceipts)(
		'%s: an unknown outcome on the error output, with words that say so, not retried',
		async (_label, fault, why) => {
			sim().inject({ path: '/v1/messages', ...fault });
			const result = await runWaping({
				parameters: send(),
				credentials: credentials(),
				onError: 'continueErrorOutput',
			});
			expect(result.error).toBeUndefined();
			expect(counts(result)).toEqual([0, 0, 0, 0, 1]);
			expect(pairedOf(result, ERROR_OUTPUT)).toEqual([{ item: 0 }]);
			const { error, details } = errorItemOf(result, ERROR_OUTPUT);
			expect(error).toMatch(/^WAPing's answer was not a message receipt: /);
			expect(error).toMatch(why);
			expect(error).toMatch(/Whether the message was sent is not known\.$/);
			expect(details.description).toMatch(/retry with the same key/);
			expect(posts(sim())).toHaveLength(1);
		},
	);

	test('stopping on error: the run fails with the same words, and nothing is on Success', async () => {
		sim().inject({ path: '/v1/messages', status: 200, body: '' });
		const result = await runWaping({ parameters: send(), credentials: credentials() });
		expect(errorOf(result).message).toBe(
			"WAPing's answer was not a message receipt: the answer was empty. Whether the message was sent is not known.",
		);
		expect(result.outputs.flat()).toEqual([]);
	});

	test("accepted, then a proxy's login page: n8n's Retry On Fail sends it again with the same key and gets the receipt, one message", async () => {
		sim().inject({
			path: '/v1/messages',
			afterAccept: true,
			status: 200,
			body: '<html><body>Please log in</body></html>',
			headers: { 'content-type': 'text/html' },
		});
		const result = await runWaping({
			parameters: send(),
			credentials: credentials(),
			retryOnFail: true,
			maxTries: 2,
			waitBetweenTries: 0,
		});
		expect(result.error).toBeUndefined();
		expect(counts(result)).toEqual([1, 0, 0, 0]);
		const keys = posts(sim()).map((post) => post.headers['idempotency-key']);
		expect(keys).toHaveLength(2);
		expect(keys[1]).toBe(keys[0]);
		expect(sim().messages).toHaveLength(1);
		expect(jsonOf(result, OUTPUT_INDEX.success)[0]).toMatchObject({
			id: sim().messages[0].id,
			replayed: true,
		});
	});

	test('a receipt with another status (not a failure) is a success, the status as WAPing said it', async () => {
		sim().inject({
			path: '/v1/messages',
			status: 201,
			body: { id: 'msg_777', status: 'sent', deviceId: 'dev_123' },
		});
		const result = await runWaping({ parameters: send(), credentials: credentials() });
		expect(counts(result)).toEqual([1, 0, 0, 0]);
		expect(jsonOf(result, OUTPUT_INDEX.success)[0]).toMatchObject({
			id: 'msg_777',
			status: 'sent',
		});
	});
});

describe('"replayed" comes from the API\'s replay header only', () => {
	test('a receipt whose body says replayed: true, without the header: not marked replayed', async () => {
		sim().inject({
			path: '/v1/messages',
			status: 202,
			body: { id: 'msg_000001', status: 'queued', deviceId: 'dev_123', replayed: true },
		});
		const result = await runWaping({ parameters: send(), credentials: credentials() });
		expect(counts(result)).toEqual([1, 0, 0, 0]);
		const [item] = jsonOf(result, OUTPUT_INDEX.success);
		expect(item.id).toBe('msg_000001');
		expect(item).not.toHaveProperty('replayed');
	});

	test('the same receipt with the header: replayed', async () => {
		sim().inject({
			path: '/v1/messages',
			status: 202,
			body: { id: 'msg_000001', status: 'queued', deviceId: 'dev_123', replayed: false },
			headers: { 'Idempotent-Replayed': 'true' },
		});
		const result = await runWaping({ parameters: send(), credentials: credentials() });
		expect(jsonOf(result, OUTPUT_INDEX.success)[0]).toMatchObject({ replayed: true });
	});
});
