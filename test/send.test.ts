/**
 * Message → Send through n8n's real engine against the simulator: the request WAPing receives, the
 * item a user sees on each output (Success, Bad Key, Denied, Not Connected), numbers and texts
 * refused before anything is sent, and the session check.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runWaping } from './harness/run';
import {
	calls,
	counts,
	errorOf,
	jsonOf,
	OUTPUT_INDEX,
	pairedOf,
	posts,
	useSimulator,
} from './helpers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { description as sendProperties } from '../nodes/Waping/actions/message/send.operation';
import { TEXT_LENGTH_UNIT } from '../nodes/shared/explanations';
import { demoKeys } from '../simulator';

const sim = useSimulator();
const NOT_CONNECTED = 3;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const credentials = (apiKey = demoKeys.growth, plan?: string) => ({
	apiKey,
	baseUrl: sim().url,
	...(plan ? { plan } : {}),
});
const send = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'message',
	operation: 'send',
	deviceId: { __rl: true, mode: 'list', value: 'dev_123' },
	to: '+15551234567',
	text: 'Your order has shipped.',
	...extra,
});

describe('a message sent', () => {
	test('one POST /v1/messages with the documented body, Bearer key and an Idempotency-Key; the receipt on Success', async () => {
		const result = await runWaping({ parameters: send(), credentials: credentials() });
		expect(result.error).toBeUndefined();
		expect(counts(result)).toEqual([1, 0, 0, 0]);
		expect(calls(sim())).toEqual(['GET /v1/devices', 'POST /v1/messages']);
		const [post] = posts(sim());
		expect(JSON.parse(post.body)).toEqual({
			deviceId: 'dev_123',
			to: '+15551234567',
			type: 'text',
			text: { body: 'Your order has shipped.' },
		});
		expect(post.headers.authorization).toBe(`Bearer ${demoKeys.growth}`);
		expect(post.headers['content-type']).toMatch(/^application\/json/);
		expect(post.headers['idempotency-key']).toMatch(UUID);
		const [item] = jsonOf(result, OUTPUT_INDEX.success);
		expect(item).toEqual({
			id: sim().messages[0].id,
			status: 'queued',
			deviceId: 'dev_123',
			to: '+15551234567',
			idempotencyKey: post.headers['idempotency-key'],
		});
		expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual([{ item: 0 }]);
		expect(sim().messages.map((m) => [m.deviceId, m.to, m.text])).toEqual([
			['dev_123', '+15551234567', 'Your order has shipped.'],
		]);
	});

	test('a Device ID saved as plain text (an earlier version of the node) still sends', async () => {
		const result = await runWaping({
			parameters: send({ deviceId: 'dev_123' }),
			credentials: credentials(),
		});
		expect(counts(result)).toEqual([1, 0, 0, 0]);
		expect(sim().messages).toHaveLength(1);
	});

	test('100 items, each with its own number and text from expressions: 100 messages, in order, each paired', async () => {
		const items = Array.from({ length: 100 }, (_, i) => ({
			phone: `+1 (555) 010-${String(i).padStart(4, '0')}`,
			name: `Customer ${i}`,
		}));
		const result = await runWaping({
			parameters: send({
				to: '={{ $json.phone }}',
				text: '=Hello {{ $json.name }}, your order has shipped.',
			}),
			credentials: credentials(),
			items,
		});
		expect(result.error).toBeUndefined();
		const out = jsonOf(result, OUTPUT_INDEX.success);
		expect(out.map((item) => item.to)).toEqual(
			items.map((_, i) => `+1555010${String(i).padStart(4, '0')}`),
		);
		expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual(items.map((_, i) => ({ item: i })));
		expect(sim().messages).toHaveLength(100);
		expect(new Set(sim().messages.map((m) => m.text)).size).toBe(100);
		expect(sim().messages.find((m) => m.to === '+15550100042')?.text).toBe(
			'Hello Customer 42, your order has shipped.',
		);
		expect(new Set(out.map((item) => item.idempotencyKey)).size).toBe(100);
		// One device list for the whole run, one POST per message.
		expect(calls(sim()).filter((call) => call === 'GET /v1/devices')).toHaveLength(1);
	});
});

describe('"To": numbers as people paste them', () => {
	test.each([
		['+1 (555) 123-4567', '+15551234567'],
		['+44 20 7946 0958', '+442079460958'],
		['00 44 20 7946 0958', '+442079460958'],
		['+44 (0)20 7946 0958', '+442079460958'],
		['+33 6.12.34.56.78', '+33612345678'],
		['tel:+49-151-2345-6789', '+4915123456789'],
		['\u202a+31 6 1234 5678\u202c', '+31612345678'],
	])('%s is sent as %s', async (to, e164) => {
		const result = await runWaping({ parameters: send({ to }), credentials: credentials() });
		expect(jsonOf(result, OUTPUT_INDEX.success)[0].to).toBe(e164);
		expect(JSON.parse(posts(sim())[0].body).to).toBe(e164);
	});

	test.each([
		[
			'0612345678',
			/cannot be used: it has no country code$/,
			/international form: \+ and the country code/,
		],
		['06 12 34 56 78 ext. 12', /cannot be used: it contains letters$/, /Extensions/],
		['call me', /cannot be used: it contains letters$/, /starting with \+ and the country code/],
		['', /cannot be used: it is empty$/, /with its country code/],
		['+0 555 1234', /the country code cannot start with 0$/, /country code/],
		['+1 555', /it has 4 digits, and an international number has 7 to 15$/, /whole number/],
		['+1 555 123 4567 8901 2345', /it has 19 digits/, /whole number/],
		['+1 555*123', /contains characters other than digits$/, /only the digits/],
	])(
		'%j is refused before any request, saying what is wrong and how to write it',
		async (to, message, description) => {
			// From an expression, as most numbers come (n8n itself refuses a literal empty required field).
			const result = await runWaping({
				parameters: send({ to: '={{ $json.to }}' }),
				credentials: credentials(),
				items: [{ to }],
			});
			const error = errorOf(result);
			expect(error.message).toMatch(/^The number in "To"/);
			expect(error.message).toMatch(message);
			expect(error.description).toMatch(description);
			expect(sim().requests).toHaveLength(0);
		},
	);

	test('a number given as a number (no +) is refused with the fix', async () => {
		const result = await runWaping({
			parameters: send({ to: '={{ $json.phone }}' }),
			credentials: credentials(),
			items: [{ phone: 15551234567 }],
		});
		expect(errorOf(result).message).toMatch(
			/it is a number \(15551234567\), and a number cannot carry the leading \+/,
		);
		expect(sim().requests).toHaveLength(0);
	});
});

describe('"Text"', () => {
	test.each([
		['empty', '', /^"Text" is empty for the first item$/],
		['only spaces and line breaks', '  \n ', /^"Text" is empty for the first item$/],
		[
			'over 4 096 characters',
			'x'.repeat(4097),
			/^"Text" for the first item is 4097 characters long, over WhatsApp's limit of 4096$/,
		],
		[
			'4 096 emoji (one character each, 8 192 UTF-16 units) and one more',
			'😀'.repeat(4097),
			/is 4097 characters long/,
		],
	])('%s: refused before any request', async (_label, text, message) => {
		const result = await runWaping({
			parameters: send({ text: '={{ $json.text }}' }),
			credentials: credentials(),
			items: [{ text }],
		});
		expect(errorOf(result).message).toMatch(message);
		expect(sim().requests).toHaveLength(0);
	});

	test('exactly 4 096 characters (emoji count as one) is sent whole', async () => {
		const text = '😀'.repeat(4096);
		const result = await runWaping({ parameters: send({ text }), credentials: credentials() });
		expect(counts(result)).toEqual([1, 0, 0, 0]);
		expect(sim().messages[0].text).toBe(text);
	});

	test('2 049 thumbs up with a skin tone (4 098 code points, one character each) are sent whole', async () => {
		const text = '👍🏽'.repeat(2049);
		const result = await runWaping({ parameters: send({ text }), credentials: credentials() });
		expect(counts(result)).toEqual([1, 0, 0, 0]);
		expect(sim().messages[0].text).toBe(text);
	});

	test.each([
		['4 096 letters written as e + accent (8 192 code points)', 'e\u0301'.repeat(4096)],
		['4 096 flags (two code points each)', '🇫🇷'.repeat(4096)],
		['4 096 line breaks written CR LF between letters', 'a\r\n'.repeat(2048)],
	])('%s: within the limit, sent', async (_label, text) => {
		const result = await runWaping({
			parameters: send({ text: '={{ $json.text }}' }),
			credentials: credentials(),
			items: [{ text }],
		});
		expect(counts(result)).toEqual([1, 0, 0, 0]);
		expect(sim().messages[0].text).toBe(text);
	});

	test('one character over, counted the way the Text field and the error say it', async () => {
		const result = await runWaping({
			parameters: send({ text: '={{ $json.text }}' }),
			credentials: credentials(),
			items: [{ text: '👍🏽'.repeat(4097) }],
		});
		const error = errorOf(result);
		expect(error.message).toBe(
			'"Text" for the first item is 4097 characters long, over WhatsApp\'s limit of 4096',
		);
		expect(error.description).toBe(
			`Shorten the message, or split it into messages of at most 4096 characters (one item each). ${TEXT_LENGTH_UNIT}`,
		);
		const field = sendProperties.find((property) => property.name === 'text');
		expect(field?.description).toContain(`up to 4096 characters. ${TEXT_LENGTH_UNIT}`);
		const reference = readFileSync(join(__dirname, '..', 'docs', 'waping-node.md'), 'utf8');
		expect(reference).toContain(
			`| **Text** | The message, up to 4 096 characters. ${TEXT_LENGTH_UNIT}`,
		);
		expect(sim().requests).toHaveLength(0);
	});

	test.each([
		['a zero-width space', '\u200b'],
		['zero-width joiners and non-joiners', '\u200d\u200c\u200d'],
		['a byte order mark', '\ufeff'],
		['a word joiner between spaces', ' \u2060 '],
		['variation selectors', '\ufe0f\ufe0e'],
		['a Hangul filler', '\u3164'],
		['a braille blank and a line break', '\u2800\n'],
		['invisible tag characters', '\u{E0020}\u{E0041}'],
		['a soft hyphen and left-to-right marks', '\u00ad\u200e\u200f'],
		['an ideographic space and a no-break space', '\u3000\u00a0'],
	])('only %s: refused as invisible, before any request', async (_label, text) => {
		const result = await runWaping({
			parameters: send({ text: '={{ $json.text }}' }),
			credentials: credentials(),
			items: [{ text }],
		});
		const error = errorOf(result);
		expect(error.message).toMatch(
			/^"Text" (for the first item has only invisible characters|is empty for the first item)$/,
		);
		expect(error.description).toMatch(
			/invisible characters|WhatsApp does not deliver empty messages/,
		);
		expect(sim().requests).toHaveLength(0);
	});

	test('a zero-width space alone says so, in words a user understands', async () => {
		const result = await runWaping({
			parameters: send({ text: '={{ $json.text }}' }),
			credentials: credentials(),
			items: [{ text: '\u200b\u200b' }],
		});
		expect(errorOf(result)).toMatchObject({
			message: '"Text" for the first item has only invisible characters',
			description:
				'It holds nothing a recipient could read (only spaces, line breaks, or invisible characters such as zero-width spaces or joiners), so WhatsApp would show an empty message. Type the message, or map a field that holds it.',
		});
	});

	test('visible text with a zero-width joiner inside (a family emoji) is sent', async () => {
		const text = '👨\u200d👩\u200d👧';
		const result = await runWaping({ parameters: send({ text }), credentials: credentials() });
		expect(counts(result)).toEqual([1, 0, 0, 0]);
		expect(sim().messages[0].text).toBe(text);
	});

	test('a bad item among good ones stops the run before anything is sent (no Continue On Fail)', async () => {
		const result = await runWaping({
			parameters: send({ to: '={{ $json.to }}' }),
			credentials: credentials(),
			items: [{ to: '+15551230001' }, { to: '+15551230002' }, { to: '0612345678' }],
		});
		expect(errorOf(result).message).toMatch(/for the third item cannot be used/);
		expect(sim().messages).toHaveLength(0);
	});

	test('with "Continue (using error output)": the bad item on Error, the others sent', async () => {
		const result = await runWaping({
			parameters: send({ to: '={{ $json.to }}' }),
			credentials: credentials(),
			items: [{ to: '+15551230001' }, { to: '0612345678' }, { to: '+15551230003' }],
			onError: 'continueErrorOutput',
		});
		expect(counts(result)).toEqual([2, 0, 0, 0, 1]);
		expect(pairedOf(result, 4)).toEqual([{ item: 1 }]);
		expect(sim().messages.map((m) => m.to)).toEqual(['+15551230001', '+15551230003']);
	});
});

describe('a device that is not connected: the Not Connected output', () => {
	test.each([
		['dev_789', 'disconnected'],
		['dev_456', 'degraded'],
		['dev_abc', 'unlinked'],
		['dev_new', 'unknown'],
	])('%s (%s): nothing sent, the item says what to do', async (deviceId, state) => {
		const result = await runWaping({
			parameters: send({ deviceId: { __rl: true, mode: 'id', value: deviceId } }),
			credentials: credentials(),
		});
		expect(result.error).toBeUndefined();
		expect(counts(result)).toEqual([0, 0, 0, 1]);
		const [item] = jsonOf(result, NOT_CONNECTED);
		expect(item).toEqual({
			deviceId,
			state,
			connected: false,
			to: '+15551234567',
			code: 'DEVICE_NOT_CONNECTED',
			message: `The message was not sent: device "${deviceId}" is not connected (its session is ${state}).`,
			description: expect.stringMatching(
				/Then run the workflow again for these items; nothing was sent for them\.$/,
			),
			resource: 'message',
			operation: 'send',
		});
		expect(pairedOf(result, NOT_CONNECTED)).toEqual([{ item: 0 }]);
		expect(calls(sim())).toEqual(['GET /v1/devices']);
		// The output pane says once where the item went and what to do.
		expect(result.task?.hints).toEqual([
			expect.objectContaining({
				type: 'warning',
				message: expect.stringMatching(/went to "Offline"/),
			}),
		]);
	});

	test('the session drops between the check and the send (WAPing answers SESSION_DISCONNECTED): Not Connected, not retried', async () => {
		sim().inject({
			path: '/v1/messages',
			status: 409,
			body: {
				error: { code: 'SESSION_DISCONNECTED', message: 'Device dev_123 is not connected.' },
			},
		});
		const result = await runWaping({
			parameters: send({ options: { maxAttempts: 5 } }),
			credentials: credentials(),
		});
		expect(counts(result)).toEqual([0, 0, 0, 1]);
		expect(jsonOf(result, NOT_CONNECTED)[0]).toMatchObject({
			deviceId: 'dev_123',
			state: 'disconnected',
			code: 'SESSION_DISCONNECTED',
			message:
				'The message was not sent: device "dev_123" is not connected (its session is disconnected). WAPing said: "Device dev_123 is not connected."',
		});
		expect(posts(sim())).toHaveLength(1);
		expect(sim().messages).toHaveLength(0);
	});

	test('"Only When Connected" off: no device list; WAPing refuses the disconnected device, the item goes to Not Connected', async () => {
		const result = await runWaping({
			parameters: send({
				deviceId: { __rl: true, mode: 'id', value: 'dev_789' },
				options: { onlyWhenConnected: false },
			}),
			credentials: credentials(),
		});
		expect(calls(sim())).toEqual(['POST /v1/messages']);
		expect(jsonOf(result, NOT_CONNECTED)[0]).toMatchObject({
			deviceId: 'dev_789',
			state: 'disconnected',
			code: 'SESSION_DISCONNECTED',
		});
	});

	test('a device that is not in the workspace is an error that names it, and nothing is sent', async () => {
		const result = await runWaping({
			parameters: send({ deviceId: { __rl: true, mode: 'id', value: 'dev_nope' } }),
			credentials: credentials(),
		});
		expect(errorOf(result)).toMatchObject({
			message: 'Device "dev_nope" is not linked to this WAPing workspace',
		});
		expect(posts(sim())).toHaveLength(0);
	});

	test('items for several devices: each goes where its device allows, in input order', async () => {
		const items = [
			{ device: 'dev_123' },
			{ device: 'dev_789' },
			{ device: 'dev_123' },
			{ device: 'dev_456' },
		];
		const result = await runWaping({
			parameters: send({
				deviceId: { __rl: true, mode: 'id', value: '={{ $json.device }}' },
				to: '={{ "+1555123000" + $itemIndex }}',
			}),
			credentials: credentials(),
			items,
		});
		expect(counts(result)).toEqual([2, 0, 0, 2]);
		expect(pairedOf(result, OUTPUT_INDEX.success)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(pairedOf(result, NOT_CONNECTED)).toEqual([{ item: 1 }, { item: 3 }]);
		expect(sim().messages.map((m) => m.to)).toEqual(['+15551230000', '+15551230002']);
	});
});

describe('bad key, plan and permissions: the same outputs as the reads', () => {
	test('a revoked key: Bad Key, with the number, after the one device list request', async () => {
		const result = await runWaping({
			parameters: send(),
			credentials: credentials(demoKeys.revoked),
		});
		expect(counts(result)).toEqual([0, 1, 0, 0]);
		expect(jsonOf(result, OUTPUT_INDEX.unauthorized)[0]).toMatchObject({
			statusCode: 401,
			reason: 'credential',
			resource: 'message',
			operation: 'send',
			deviceId: 'dev_123',
			to: '+15551234567',
		});
		expect(sim().messages).toHaveLength(0);
	});

	test('a Free plan declared in the credential: Denied, and no request at all', async () => {
		const result = await runWaping({
			parameters: send(),
			credentials: credentials(demoKeys.growth, 'free'),
		});
		expect(counts(result)).toEqual([0, 0, 1, 0]);
		expect(jsonOf(result, OUTPUT_INDEX.forbidden)[0]).toMatchObject({
			statusCode: 403,
			reason: 'plan',
			source: 'credential',
			to: '+15551234567',
		});
		expect(sim().requests).toHaveLength(0);
	});

	test('a send-only key cannot read devices: with "Only When Connected" the item is Denied and says what to change', async () => {
		const result = await runWaping({
			parameters: send(),
			credentials: credentials(demoKeys.sendOnly),
		});
		expect(counts(result)).toEqual([0, 0, 1, 0]);
		const [item] = jsonOf(result, OUTPUT_INDEX.forbidden);
		expect(item).toMatchObject({ statusCode: 403, reason: 'permission' });
		expect(item.message).toBe(
			'WAPing denied the request: the key lacks permission to read devices (HTTP 403 FORBIDDEN). WAPing said: "This API key lacks the devices:read scope."',
		);
		expect(item.description).toMatch(/turn that option off in the node's Options\.$/);
	});

	test('a send-only key with "Only When Connected" off: sent', async () => {
		const result = await runWaping({
			parameters: send({ options: { onlyWhenConnected: false } }),
			credentials: credentials(demoKeys.sendOnly),
		});
		expect(counts(result)).toEqual([1, 0, 0, 0]);
		expect(sim().messages).toHaveLength(1);
	});

	test('a 403 on the send itself (plan): Denied, not retried', async () => {
		sim().inject({
			path: '/v1/messages',
			status: 403,
			body: {
				error: {
					code: 'PLAN_LIMIT_EXCEEDED',
					message: 'Monthly message quota reached for your plan.',
				},
			},
		});
		const result = await runWaping({ parameters: send(), credentials: credentials() });
		expect(counts(result)).toEqual([0, 0, 1, 0]);
		expect(jsonOf(result, OUTPUT_INDEX.forbidden)[0]).toMatchObject({
			statusCode: 403,
			code: 'PLAN_LIMIT_EXCEEDED',
			reason: 'plan',
			source: 'api',
		});
		expect(posts(sim())).toHaveLength(1);
	});

	test("as an AI agent's tool, every outcome comes out on output 0", async () => {
		const result = await runWaping({
			parameters: send({ deviceId: { __rl: true, mode: 'id', value: '={{ $json.device }}' } }),
			credentials: credentials(),
			items: [{ device: 'dev_123' }, { device: 'dev_789' }],
			asTool: true,
		});
		expect(counts(result)).toEqual([2, 0, 0, 0]);
		expect(jsonOf(result, 0).map((item: IDataObject) => item.code ?? item.status)).toEqual([
			'queued',
			'DEVICE_NOT_CONNECTED',
		]);
	});
});
