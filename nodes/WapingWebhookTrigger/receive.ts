/** One request to the WAPing Webhook Trigger, from its bytes to the items it starts (or not). */
import type {
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../shared/connection';
import type { RecentClaims } from './dedupe';
import { COPY_WAIT_MS, dedupeKey, inLedger, LEDGER_KEY, record } from './dedupe';
import type { EventItem } from './events';
import { handshakeChallenge, leftOutBecause, readEvents } from './events';
import { echoable, queryChallenge } from './handshake';
import { onAnswered, sendJson, sendText } from './respond';
import { readAnswerWhen, readFilter, readHeader, readScheme, readTolerance } from './settings';
import { verifyDelivery } from './verify';

type Request = ReturnType<IWebhookFunctions['getRequestObject']> & {
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
};

/** The delivery's bytes as WAPing signed them (n8n keeps them as req.rawBody on both lines). */
async function rawBodyOf(req: Request): Promise<Buffer> {
	if (!Buffer.isBuffer(req.rawBody) && typeof req.readRawBody === 'function')
		await req.readRawBody();
	return Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.alloc(0);
}

/** The body as JSON (a BOM tolerated), or undefined when it is not JSON. */
function parseJson(raw: Buffer): { value: unknown } | undefined {
	const text = raw.toString('utf8').replace(/^\uFEFF/, '');
	try {
		return { value: JSON.parse(text) as unknown };
	} catch {
		return undefined;
	}
}

/**
 * What n8n gets back for a delivery that starts events. n8n 2.x reads `webhookResponse` after
 * WorkflowRunner.run() and before its response callback saves the static data; run() builds a new
 * Workflow over the same static data object, which resets n8n's "changed" mark (n8n-workflow
 * observable-object.js), so the ledger written in webhook() would not be saved. Reading the answer
 * marks the ledger changed again (webhook-helpers.js: extractWebhookOnReceivedResponse, then
 * responseCallback; live-webhooks.js saves in that callback). n8n 1.x saves before the run.
 */
function answerAfterStart(
	answer: IDataObject,
	workflowData: INodeExecutionData[][],
	staticData: IDataObject | undefined,
): IWebhookResponseData {
	return {
		workflowData,
		get webhookResponse() {
			const ledger = staticData?.[LEDGER_KEY];
			if (staticData && ledger !== undefined) staticData[LEDGER_KEY] = ledger;
			return answer;
		},
	};
}

/**
 * One request: the GET handshake, or a delivery verified on its raw body, its handshake answered,
 * its events read, filtered and de-duplicated. The node answers what starts nothing itself
 * (respond.ts); n8n answers a delivery that starts events. It never throws: n8n would start an
 * execution with the error.
 */
export async function receive(
	ctx: IWebhookFunctions,
	claims: RecentClaims,
): Promise<IWebhookResponseData> {
	const res = ctx.getResponseObject();
	const node = ctx.getNode();
	const where = { node: node.name, workflowId: ctx.getWorkflow().id };
	try {
		const req = ctx.getRequestObject() as Request;
		if (ctx.getWebhookName() === 'setup') {
			const challenge = queryChallenge(ctx.getQueryData(), req.originalUrl ?? req.url);
			if (challenge === undefined)
				sendText(res, 200, 'WAPing Webhook Trigger: WAPing delivers events here with POST.');
			else if (echoable(challenge)) sendText(res, 200, challenge);
			else sendJson(res, 400, { error: 'challenge', message: 'The challenge cannot be echoed.' });
			return { noWebhookResponse: true };
		}

		const scheme = readScheme(ctx);
		const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
		const secret =
			typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret.trim() : '';
		const raw = await rawBodyOf(req);
		const headers = ctx.getHeaderData();
		const verdict = verifyDelivery(
			{
				scheme,
				secret,
				header: readHeader(ctx, scheme),
				toleranceSeconds: readTolerance(ctx),
				nowMs: Date.now(),
			},
			headers,
			raw,
		);
		if (!verdict.ok) {
			ctx.logger.warn(
				`WAPing Webhook Trigger refused a request that failed verification (${scheme}): ${verdict.reason}. Nothing was started.`,
				where,
			);
			sendJson(res, 401, { error: 'signature', message: 'The request failed verification.' });
			return { noWebhookResponse: true };
		}

		const parsed = parseJson(raw);
		if (!parsed) {
			ctx.logger.warn(
				'WAPing Webhook Trigger received a body that is not JSON. Nothing was started.',
				where,
			);
			sendJson(res, 400, { error: 'json', message: 'The body is not JSON.' });
			return { noWebhookResponse: true };
		}
		const challenge = handshakeChallenge(parsed.value);
		if (challenge !== undefined) {
			if (echoable(challenge)) sendJson(res, 200, { challenge });
			else sendJson(res, 400, { error: 'challenge', message: 'The challenge cannot be echoed.' });
			return { noWebhookResponse: true };
		}

		const filter = readFilter(ctx);
		const answerWhen = readAnswerWhen(ctx);
		const headerId = headers['webhook-id'];
		const events = readEvents(parsed.value, typeof headerId === 'string' ? headerId : undefined);
		const chosen = events.filter((event) => leftOutBecause(event, filter) === undefined);

		// Test URL ("Listen for test event"): every delivery shows; n8n does not save its static data.
		const manual = ctx.getMode() === 'manual';
		const items: EventItem[] = [];
		const claimed: string[] = [];
		const scope = `${where.workflowId ?? ''}/${node.id}`;
		const staticData = manual ? undefined : ctx.getWorkflowStaticData('node');
		let duplicates = 0;
		let busy = false;
		const waitUntilMs = Date.now() + COPY_WAIT_MS;
		for (const { item } of chosen) {
			const key = dedupeKey(
				item.eventId,
				chosen.length > 1 ? Buffer.from(JSON.stringify(item.raw)) : raw,
			);
			if (staticData) {
				const seen = () => inLedger(staticData, key, Date.now());
				const verdict = await claims.claim(scope, key, Date.now, seen, waitUntilMs);
				if (verdict === 'busy') busy = true;
				if (verdict !== 'start') {
					duplicates += verdict === 'duplicate' ? 1 : 0;
					continue;
				}
				claimed.push(key);
			}
			items.push(item);
		}
		if (busy) {
			// Another delivery of an event here is still being started: WAPing delivers this again.
			claims.abandon(scope, claimed);
			ctx.logger.info(
				'WAPing Webhook Trigger answered 503: another delivery of the same event is still being started. WAPing will deliver it again.',
				where,
			);
			res.setHeader('retry-after', String(Math.ceil(COPY_WAIT_MS / 1000)));
			sendJson(res, 503, {
				error: 'busy',
				message: 'Another delivery of this event is still being started; deliver it again later.',
			});
			return { noWebhookResponse: true };
		}
		if (staticData && items.length > 0) {
			record(staticData, claims.recent(scope), Date.now(), claims.forgotten(scope));
		}

		ctx.logger.debug('WAPing Webhook Trigger received a delivery', {
			...where,
			events: events.length,
			leftOut: events.length - chosen.length,
			duplicates,
			started: items.length > 0,
		});
		const answer = { received: true, events: events.length, started: items.length, duplicates };
		if (items.length === 0) {
			sendJson(res, 200, answer);
			return { noWebhookResponse: true };
		}
		const workflowData = [ctx.helpers.returnJsonArray(items as unknown as IDataObject[])];
		if (answerWhen === 'verified') {
			// The node answers before n8n creates the execution (n8n saves the static data first).
			claims.confirm(scope, claimed);
			sendJson(res, 200, answer);
			return { noWebhookResponse: true, workflowData };
		}
		// n8n answers (onReceived): on 2.x only once it created the execution and saved the static
		// data, so a 2xx means the events will run; an error answer lets WAPing deliver them again.
		onAnswered(res, (status) => {
			if (status >= 200 && status < 300) claims.confirm(scope, claimed);
			else claims.release(scope, claimed, Date.now());
		});
		return answerAfterStart(answer, workflowData, staticData);
	} catch (error) {
		// A setting an expression broke, a credential n8n cannot read: WAPing retries a 500 later.
		ctx.logger.error(
			`WAPing Webhook Trigger could not handle a delivery: ${(error as Error).message}. Nothing was started.`,
			where,
		);
		sendJson(res, 500, {
			error: 'trigger',
			message: 'The trigger could not handle the request.',
		});
		return { noWebhookResponse: true };
	}
}
