/**
 * WAPing's URL-verification handshake, in the two common shapes: a GET whose challenge is echoed as
 * text, a POST whose body carries it (verified like any delivery). Neither starts the workflow.
 */
import { useSimulator } from './helpers';
import { signed, useWebhookProcesses } from './webhook-helpers';

const sim = useSimulator();
const trigger = useWebhookProcesses(() => sim().url);

describe('GET handshake', () => {
	it.each([['challenge'], ['hub.challenge']])(
		'?%s=… is echoed as text/plain, nothing started',
		async (name) => {
			const process = await trigger();
			const answer = await process.deliver({ method: 'GET', query: `?${name}=abc123-XYZ_~.` });
			expect(answer.status).toBe(200);
			expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
			expect(answer.text).toBe('abc123-XYZ_~.');
			expect(process.started).toHaveLength(0);
		},
	);

	it.each([
		['257 characters', `?challenge=${'a'.repeat(257)}`],
		['a space', '?challenge=a%20b'],
		['markup', '?challenge=%3Cscript%3E%20'],
		['empty', '?challenge='],
	])('a challenge with %s is not echoed: 400', async (_case, query) => {
		const process = await trigger();
		const answer = await process.deliver({ method: 'GET', query });
		expect(answer.status).toBe(400);
		expect(answer.text).not.toContain('script');
		expect(process.started).toHaveLength(0);
	});

	it('256 characters are echoed', async () => {
		const process = await trigger();
		const answer = await process.deliver({ method: 'GET', query: `?challenge=${'b'.repeat(256)}` });
		expect(answer.text).toBe('b'.repeat(256));
	});

	it('a GET without a challenge: 200 with a short note, nothing started', async () => {
		const process = await trigger();
		const answer = await process.deliver({ method: 'GET' });
		expect(answer.status).toBe(200);
		expect(process.started).toHaveLength(0);
	});
});

describe('POST handshake', () => {
	it.each([['url.verification'], ['webhook.verification'], ['URL_VERIFICATION']])(
		'{ type: "%s", challenge } signed: answered { challenge } as JSON, nothing started',
		async (type) => {
			const process = await trigger({ events: ['anyEvent'] });
			const answer = await process.deliver(signed({ type, challenge: 'ch_42' }));
			expect(answer.status).toBe(200);
			expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
			expect(answer.json).toEqual({ challenge: 'ch_42' });
			expect(process.started).toHaveLength(0);
		},
	);

	it('unsigned, with a scheme set: 401 like any delivery', async () => {
		const process = await trigger();
		const answer = await process.deliver({
			body: { type: 'url.verification', challenge: 'ch_42' },
		});
		expect(answer.status).toBe(401);
		expect(answer.text).not.toContain('ch_42');
	});

	it('with Verification None (risk accepted): answered without a signature', async () => {
		const process = await trigger({ verification: 'none', allowUnverifiedRequests: true });
		const answer = await process.deliver({ body: { event: 'url.verification', challenge: 'c' } });
		expect(answer.json).toEqual({ challenge: 'c' });
	});

	it('the handshake is not recorded as an event: the same body later is answered again', async () => {
		const process = await trigger();
		const first = await process.deliver(signed({ type: 'url.verification', challenge: 'again' }));
		const second = await process.deliver(signed({ type: 'url.verification', challenge: 'again' }));
		expect([first.json, second.json]).toEqual([{ challenge: 'again' }, { challenge: 'again' }]);
	});
});
