/**
 * Answers to WAPing. The node answers itself (n8n's `noWebhookResponse`) what starts nothing: a
 * refusal, a handshake, a duplicate. A delivery that starts events is answered by n8n
 * (`responseMode: 'onReceived'`, the body the node's `webhookResponse`): n8n 2.x answers only after
 * WorkflowRunner.run() created the execution and the static data was saved (cli
 * webhooks/webhook-helpers.js, shouldDeferOnReceivedResponse; live-webhooks.js saves in the
 * response callback), and answers an error when either failed, so WAPing delivers again instead of
 * holding a 2xx for an event that never ran. n8n 1.x answers after the save, before the run.
 * Node's own response API, which n8n's Express response extends.
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

/**
 * Calls `then` with the status of the answer this response ends with, whoever sends it (n8n, after
 * the node returned), even when the client has gone: wraps this one response's end().
 */
export function onAnswered(res: Response, then: (status: number) => void): void {
	const end = res.end.bind(res) as (...args: unknown[]) => Response;
	let told = false;
	(res as unknown as { end: (...args: unknown[]) => Response }).end = (...args: unknown[]) => {
		if (!told) {
			told = true;
			then(res.statusCode);
		}
		return end(...args);
	};
}
