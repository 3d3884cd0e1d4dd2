/**
 * Exactly once: every message keeps one Idempotency-Key through the node's own retries, n8n's Retry
 * On Fail and n8n's "Retry execution", so WAPing accepts it once, however the answers are lost. The
 * simulator counts accepted messages, not requests.
 */
import { Container } from '@n8n/di';
import { InstanceSettings } from 'n8n-core';
import type { INodeParameters } from 'n8n-workflow';

import { classifyResponse } from '../nodes/shared/failures';
import { FIRST_EXECUTION_FIELD } from '../nodes/shared/idempotency';
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
import { demoKeys } from '../simulator';

const sim = useSimulator();
const credentials = () => ({ apiKey: demoKeys.growth, baseUrl: sim().url });
const send = (extra: INodeParameters = {}, options: INodeParameters = {}): INodeParameters => ({
	resource: 'message',
	operation: 'send',
	deviceId: { __rl: true, mode: 'id', value: 'dev_123' },
	to: '={{ $json.to }}',
	text: '=Reminder for {{ $json.to }}',
	options: { retryDelaySeconds: 0.005, maxWait: 5, ...options },
	...extra,
});
const recipients = (n: number) =>
	Array.from({ length: n }, (_, i) => ({ to: `+1555123${String(i).padStart(4, '0')}` }));
const keysSent = () => posts(sim()).map((r) => String(r.headers['idempotency-key']));
/** Messages WAPing accepted per recipient: exactly once means every count is 1. */
const acceptedPer = () => {
	const per = new Map<string, number>();
	for (const message of sim().messages) per.set(message.to, (per.get(message.to) ?? 0) + 1);
	return per;
};
const expectEachOnce = (n: number) => {
	expect(sim().messages).toHaveLength(n);
	expect([...acceptedPer().values()].every((count) => count === 1)).toBe(true);
};

describe("the node's own retries reuse the key", () => {
	test.each([
		['accepted, then the answer is a 502', { afterAccept: true, status: 502 }],
		['accepted, then the connection is reset', { afterAccept: true, reset: true }],
		[
			'accepted, then the answer comes after the Timeout',
			{ afterAccept: true, passThrough: true, delayMs: 400 },
		],
	])(
		'%s: retried with the same key, WAPing replays its answer, one message',
		async (_label, fault) => {
			sim().inject({ path: '/v1/messages', ...fault });
			const result = await runWaping({
				parameters: send({}, { timeoutSeconds: 0.15 }),
				credentials: credentials(),
				items: recipients(1),
			});
			expect(result.error).toBeUndefined();
			expect(counts(result)).toEqual([1, 0, 0, 0]);
			const keys = keysSent();
			expect(keys).toHaveLength(2);
			expect(new Set(keys).size).toBe(1);
			expectEachOnce(1);
			const [item] = jsonOf(result, OUTPUT_INDEX.success);
			expect(item).toMatchObject({
				id: sim().messages[0].id,
				idempotencyKey: keys[0],
				replayed: true,
			});
		},
	);

	test('a 429 then success: same key, one message', async () => {
		sim().inject({ path: '/v1/messages', status: 429, retryAfter: 0 });
		const result = await runWaping({
			parameters: send(),
			credentials: credentials(),
			items: recipients(1),
		});
		expect(counts(result)).toEqual([1, 0, 0, 0]);
		expect(new Set(keysSent()).size).toBe(1);
		expectEachOnce(1);
	});

	test('400 and 404 are never retried', async () => {
		sim().inject({
			path: '/v1/messages',
			status: 400,
			body: { error: { code: 'VALIDATION_ERROR', message: 'bad' } },
		});
		const result = await runWaping({
			parameters: send({}, { maxAttempts: 5 }),
			credentials: credentials(),
			items: recipients(1),
		});
		expect(errorOf(result).httpCode).toBe('400');
		expect(keysSent()).toHaveLength(1);
	});
});

describe('409 IDEMPOTENCY_CONFLICT: the same key for a different message', () => {
	test('a key used by an earlier execution for another text: the error says why, one message', async () => {
		const parameters = (text: string) =>
			send({ text }, { idempotencyKey: 'order-1042', maxConcurrent: 1 });
		await runWaping({
			parameters: parameters('Hello at 0'),
			credentials: credentials(),
			items: [{ to: '+15551230001' }],
			executionId: 'exec-a',
		});
		const result = await runWaping({
			parameters: parameters('Hello at 1'),
			credentials: credentials(),
			items: [{ to: '+15551230001' }],
			executionId: 'exec-b',
			onError: 'continueRegularOutput',
		});
		const [out] = jsonOf(result, OUTPUT_INDEX.success);
		expect(out.error).toBe(
			'WAPing refused the message: its Idempotency Key was already used for a different message (HTTP 409 IDEMPOTENCY_CONFLICT). WAPing said: "This Idempotency-Key was used with a different request body."',
		);
		expect((out.details as { description: string }).description).toMatch(
			/built from the time \(\$now\) or a random value/,
		);
		expect(sim().messages).toHaveLength(1);
		expect(keysSent()).toHaveLength(2);
	});

	test('two items of one run with one key and different texts: both refused before anything is sent, the others sent', async () => {
		const result = await runWaping({
			parameters: send(
				{ text: '=Hello at {{ $itemIndex }}' },
				{ idempotencyKey: '={{ $json.key }}', maxConcurrent: 1 },
			),
			credentials: credentials(),
			items: [
				{ to: '+15551230001', key: 'order-1042' },
				{ to: '+15551230002', key: 'order-7' },
				{ to: '+15551230001', key: 'order-1042' },
			],
			onError: 'continueRegularOutput',
		});
		const out = jsonOf(result, OUTPUT_INDEX.success);
		expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const index of [0, 2]) {
			expect(out[index].error).toBe(
				'The message was not sent: the first and third items of this run give the Idempotency Key "order-1042" to different messages',
			);
			expect((out[index].details as { description: string }).description).toMatch(
				/None of these items was sent/,
			);
		}
		expect(out[1]).toMatchObject({ idempotencyKey: 'order-7', status: 'queued' });
		expect(keysSent()).toEqual(['order-7']);
		expect(sim().messages.map((m) => m.to)).toEqual(['+15551230002']);
	});

	test('the same without Continue On Fail: the run stops before any request', async () => {
		const result = await runWaping({
			parameters: send({ text: '=Hello at {{ $itemIndex }}' }, { idempotencyKey: 'order-1042' }),
			credentials: credentials(),
			items: [{ to: '+15551230001' }, { to: '+15551230001' }],
		});
		expect(errorOf(result).message).toBe(
			'The message was not sent: the first and second items of this run give the Idempotency Key "order-1042" to different messages',
		);
		expect(sim().requests).toHaveLength(0);
	});

	test('two items with one key and the same message: one message, both items have its receipt', async () => {
		const result = await runWaping({
			parameters: send({}, { idempotencyKey: '=order-{{ $json.order }}', maxConcurrent: 1 }),
			credentials: credentials(),
			items: [
				{ to: '+15551230001', order: 7 },
				{ to: '+15551230001', order: 7 },
			],
		});
		const out = jsonOf(result, OUTPUT_INDEX.success);
		expect(out.map((item) => item.id)).toEqual([sim().messages[0].id, sim().messages[0].id]);
		expect(out[1].replayed).toBe(true);
		expectEachOnce(1);
	});
});

describe('one key and the same message twice in a run, at the default concurrency', () => {
	test('sent once, one after the other (WAPing still processing the first), both items carry its receipt', async () => {
		sim().configure({ processing: { ms: 300 } });
		const result = await runWaping({
			parameters: send({}, { idempotencyKey: 'order-9' }),
			credentials: credentials(),
			items: [{ to: '+15551230001' }, { to: '+15551230001' }],
		});
		expect(counts(result)).toEqual([2, 0, 0, 0]);
		expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual([{ item: 0 }, { item: 1 }]);
		const out = jsonOf(result, OUTPUT_INDEX.success);
		expect(out.map((item) => item.id)).toEqual([sim().messages[0].id, sim().messages[0].id]);
		expect(out.map((item) => item.replayed ?? false)).toEqual([false, true]);
		expect(posts(sim()).map((r) => r.status)).toEqual([202, 202]);
		expectEachOnce(1);
	});
});

describe('"Idempotency Key" set, but empty for an item: refused, never sent under a derived key', () => {
	test('empty, blank, null and missing values go to the error output; nothing is POSTed for them', async () => {
		const result = await runWaping({
			parameters: send({}, { idempotencyKey: '={{ $json.order }}' }),
			credentials: credentials(),
			items: [
				{ to: '+15551230000', order: 'o-0' },
				{ to: '+15551230001', order: '' },
				{ to: '+15551230002', order: '   ' },
				{ to: '+15551230003', order: null },
				{ to: '+15551230004' },
			],
			onError: 'continueErrorOutput',
		});
		expect(counts(result)).toEqual([1, 0, 0, 0, 4]);
		expect(pairedOf(result, 4)).toEqual([{ item: 1 }, { item: 2 }, { item: 3 }, { item: 4 }]);
		const first = errorItemOf(result, 4, 0);
		expect(first.error).toBe(
			'"Idempotency Key" is empty for the second item, so the message was not sent',
		);
		expect(first.details.description).toMatch(/gave nothing for this item/);
		expect(keysSent()).toEqual(['o-0']);
		expect(sim().messages.map((m) => m.to)).toEqual(['+15551230000']);
	});

	test('without Continue On Fail the run stops before any request', async () => {
		const result = await runWaping({
			parameters: send({}, { idempotencyKey: '={{ $json.order }}' }),
			credentials: credentials(),
			items: [{ to: '+15551230000', order: 'o-0' }, { to: '+15551230001' }],
		});
		expect(errorOf(result).message).toBe(
			'"Idempotency Key" is empty for the second item, so the message was not sent',
		);
		expect(sim().requests).toHaveLength(0);
	});

	test('running the same data again does not send the refused item twice (it was never sent)', async () => {
		const run = async (executionId: string) =>
			await runWaping({
				parameters: send({}, { idempotencyKey: '={{ $json.order }}' }),
				credentials: credentials(),
				items: [{ to: '+15551230001', order: '' }],
				executionId,
				onError: 'continueErrorOutput',
			});
		await run('exec-a');
		await run('exec-b');
		expect(sim().messages).toHaveLength(0);
	});

	test('the option added but left empty (no expression): the node derives the key, as documented', async () => {
		const result = await runWaping({
			parameters: send({}, { idempotencyKey: '' }),
			credentials: credentials(),
			items: recipients(1),
		});
		expect(counts(result)).toEqual([1, 0, 0, 0]);
		expect(keysSent()[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5/);
	});
});

describe("n8n's Retry On Fail re-runs the node: no message twice", () => {
	test('3 items, the third fails on the first run: the re-run sends only the third, with the keys of the first run', async () => {
		// One at a time, so the failure hits the third message: two answered normally, then a 503 that uses up Max Attempts.
		sim().inject({ path: '/v1/messages', passThrough: true, times: 2 });
		sim().inject({ path: '/v1/messages', status: 503 });
		const result = await runWaping({
			parameters: send({}, { maxConcurrent: 1, maxAttempts: 1 }),
			credentials: credentials(),
			items: recipients(3),
			retryOnFail: true,
			maxTries: 2,
			waitBetweenTries: 0,
		});
		expect(result.error).toBeUndefined();
		expect(counts(result)).toEqual([3, 0, 0, 0]);
		expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expectEachOnce(3);
		// 3 POSTs on the first run (the third refused), 3 on the re-run: the same three keys.
		const keys = keysSent();
		expect(keys).toHaveLength(6);
		expect(keys.slice(3)).toEqual(keys.slice(0, 3));
		expect(jsonOf(result, OUTPUT_INDEX.success).map((item) => item.replayed ?? false)).toEqual([
			true,
			true,
			false,
		]);
	});
});

describe('which messages share a key, and which never do', () => {
	test('two runs of the node in one execution (a loop): different keys, each run sends', async () => {
		const result = await runWaping({
			parameters: send(),
			credentials: credentials(),
			items: recipients(2),
			runs: 2,
		});
		expect(result.run.data.resultData.runData.WAPing).toHaveLength(2);
		const keys = keysSent();
		expect(keys).toHaveLength(4);
		expect(new Set(keys).size).toBe(4);
		expect(sim().messages).toHaveLength(4);
	});

	test('two executions with the default key: each sends (the default key dedupes within an execution only)', async () => {
		await runWaping({
			parameters: send(),
			credentials: credentials(),
			items: recipients(2),
			executionId: 'exec-a',
		});
		await runWaping({
			parameters: send(),
			credentials: credentials(),
			items: recipients(2),
			executionId: 'exec-b',
		});
		expect(new Set(keysSent()).size).toBe(4);
		expect(sim().messages).toHaveLength(4);
	});

	test('two n8n installations (other instance ids) with the same workflow, node and execution ids: different keys, each sends', async () => {
		const settings = Container.get(InstanceSettings) as unknown as { instanceId: string };
		const own = settings.instanceId;
		try {
			for (const instanceId of ['instance-staging', 'instance-production']) {
				settings.instanceId = instanceId;
				const result = await runWaping({
					parameters: send(),
					credentials: credentials(),
					items: recipients(1),
					executionId: 'exec-7',
				});
				expect(counts(result)).toEqual([1, 0, 0, 0]);
				expect(jsonOf(result, OUTPUT_INDEX.success)[0]).not.toHaveProperty('replayed');
			}
			// The same installation again (a retried execution): the same key, WAPing replays.
			const again = await runWaping({
				parameters: send(),
				credentials: credentials(),
				items: recipients(1),
				executionId: 'exec-7',
			});
			expect(jsonOf(again, OUTPUT_INDEX.success)[0]).toMatchObject({ replayed: true });
		} finally {
			settings.instanceId = own;
		}
		const keys = keysSent();
		expect(keys).toHaveLength(3);
		expect(keys[0]).not.toBe(keys[1]);
		expect(keys[2]).toBe(keys[1]);
		expect(sim().messages).toHaveLength(2);
	});

	test('two executions with "Idempotency Key" set from the data: the second sends nothing new', async () => {
		const parameters = send({}, { idempotencyKey: '=reminder-{{ $json.to }}' });
		const first = await runWaping({
			parameters,
			credentials: credentials(),
			items: recipients(3),
			executionId: 'exec-a',
		});
		const second = await runWaping({
			parameters,
			credentials: credentials(),
			items: recipients(3),
			executionId: 'exec-b',
		});
		expectEachOnce(3);
		expect(jsonOf(second, OUTPUT_INDEX.success).map((item) => item.id)).toEqual(
			jsonOf(first, OUTPUT_INDEX.success).map((item) => item.id),
		);
		expect(jsonOf(second, OUTPUT_INDEX.success).every((item) => item.replayed === true)).toBe(true);
	});

	test('"Retry execution" of a failed execution: the retry uses the first execution\'s keys, sends only what was not sent', async () => {
		sim().inject({ path: '/v1/messages', passThrough: true, times: 2 });
		sim().inject({ path: '/v1/messages', status: 503 });
		const failed = await runWaping({
			parameters: send({}, { maxConcurrent: 1, maxAttempts: 1 }),
			credentials: credentials(),
			items: recipients(3),
			executionId: 'exec-1',
		});
		expect(errorOf(failed).httpCode).toBe('503');
		expect(sim().messages).toHaveLength(2);
		expect(failed.run.data.resultData.metadata?.[FIRST_EXECUTION_FIELD]).toBe('exec-1');

		const retried = await runWaping({
			parameters: send({}, { maxConcurrent: 1, maxAttempts: 1 }),
			credentials: credentials(),
			retryOf: failed.run,
			executionId: 'exec-2',
		});
		expect(retried.error).toBeUndefined();
		expect(counts(retried)).toEqual([3, 0, 0, 0]);
		expectEachOnce(3);
		const keys = keysSent();
		expect(keys.slice(3)).toEqual(keys.slice(0, 3));
		expect(retried.run.data.resultData.metadata?.[FIRST_EXECUTION_FIELD]).toBe('exec-1');
	});
});

describe('a 409 while WAPing is still processing the first try: wait and ask again', () => {
	test('the first answer is lost (Timeout), the retry gets 409 IDEMPOTENCY_CONFLICT while WAPing processes: the node waits, asks again and gets the receipt', async () => {
		sim().configure({
			processing: {
				ms: 700,
				code: 'IDEMPOTENCY_CONFLICT',
				message: 'This Idempotency-Key was used with a different request body.',
			},
		});
		const result = await runWaping({
			parameters: send({}, { timeoutSeconds: 0.2, retryDelaySeconds: 0.1, maxAttempts: 10 }),
			credentials: credentials(),
			items: recipients(1),
		});
		expect(result.error).toBeUndefined();
		expect(counts(result)).toEqual([1, 0, 0, 0]);
		const statuses = posts(sim()).map((r) => r.status);
		expect(statuses).toContain(409);
		expect(statuses[statuses.length - 1]).toBe(202);
		expect(new Set(keysSent()).size).toBe(1);
		expectEachOnce(1);
		expect(jsonOf(result, OUTPUT_INDEX.success)[0]).toMatchObject({
			id: sim().messages[0].id,
			replayed: true,
		});
	});

	test('still processing when Max Attempts runs out: an unknown outcome, not "used for a different message"', async () => {
		sim().configure({ processing: { ms: 20_000 } });
		const result = await runWaping({
			parameters: send({}, { timeoutSeconds: 0.15, retryDelaySeconds: 0.01, maxAttempts: 3 }),
			credentials: credentials(),
			items: recipients(1),
			onError: 'continueErrorOutput',
		});
		expect(counts(result)).toEqual([0, 0, 0, 0, 1]);
		const { error, details } = errorItemOf(result, 4);
		expect(error).toBe(
			'The message\'s outcome is not known yet: WAPing was still processing an earlier request with its Idempotency Key (HTTP 409 IDEMPOTENCY_CONFLICT) after 3 attempts. WAPing said: "A request with this Idempotency-Key is still being processed."',
		);
		expect(String(details.description)).not.toMatch(/built from the time/);
		expect(posts(sim()).map((r) => r.status)).toEqual([undefined, 409, 409]);
		expect(new Set(keysSent()).size).toBe(1);
		expect(sim().messages).toHaveLength(1);
	});

	test.each([
		[
			'409 with an in-progress code, first try',
			409,
			{ error: { code: 'IDEMPOTENCY_IN_PROGRESS' } },
			false,
			'inProgress',
		],
		['409 without a code (IETF: in progress)', 409, '', false, 'inProgress'],
		[
			'409 IDEMPOTENCY_CONFLICT, first try (the docs: another body)',
			409,
			{ error: { code: 'IDEMPOTENCY_CONFLICT' } },
			false,
			'conflict',
		],
		[
			'409 IDEMPOTENCY_CONFLICT after a lost answer',
			409,
			{ error: { code: 'IDEMPOTENCY_CONFLICT' } },
			true,
			'inProgress',
		],
		[
			'409 SESSION_DISCONNECTED after a lost answer',
			409,
			{ error: { code: 'SESSION_DISCONNECTED' } },
			true,
			'sessionDisconnected',
		],
		[
			'422 naming the key (IETF: another body)',
			422,
			{ error: { code: 'IDEMPOTENCY_KEY_REUSED' } },
			false,
			'conflict',
		],
		['422 VALIDATION_ERROR', 422, { error: { code: 'VALIDATION_ERROR' } }, false, 'badRequest'],
	])('%s: %s', (_label, status, body, answerLost, kind) => {
		expect(classifyResponse(status, {}, body, 0, { answerLost }).kind).toBe(kind);
	});
});
