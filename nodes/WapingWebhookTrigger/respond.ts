/**
 * The node answers each request itself (n8n's `noWebhookResponse`), so that WAPing has its 2xx before
 * n8n creates the execution: with `responseMode: 'onReceived'` n8n 2.41 answers only after its
 * WorkflowRunner.run() returned (cli webhooks/webhook-helpers.js, shouldDeferOnReceivedResponse),
 * 1.123 just before it. Node's own response API, which n8n's Express response extends.
 */
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

type Response = ReturnType<IWebhookFunctions['getResponseObject']>;

export function sendJson(res: Response, status: number, body: IDataObject): void {
	if (res.headersSent) return;
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'content-length': Buffer.byteLength(text),
		'cache-control': 'no-store',
	});
	res.end(text);
}

export function sendText(res: Response, status: number, text: string): void {
	if (res.headersSent) return;
	res.writeHead(status, {
		'content-type': 'text/plain; charset=utf-8',
		'content-length': Buffer.byteLength(text),
		'cache-control': 'no-store',
	});
	res.end(text);
}
