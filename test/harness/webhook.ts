/**
 * Runs the WAPing Webhook Trigger the way n8n runs a published webhook workflow, with n8n-core's own
 * pieces and a real loopback HTTP server, mirroring n8n's CLI (packages/cli webhooks/live-webhooks.ts
 * executeWebhook and webhook-helpers.ts executeWebhook, the same on 1.123.81 and 2.41.1):
 *
 * - each request: the body read raw and, for JSON, parsed as n8n's parseBody does (a body that is not
 *   JSON under application/json is n8n's 422, before the node runs); a new Workflow built from the
 *   static data "in the database" (`saved`); n8n-core's real WebhookContext with the request and
 *   response in additionalData; the node type's webhook() called with it as `this`.
 * - then what n8n does with the answer: an error thrown starts an execution with the error;
 *   `noWebhookResponse` leaves the response to the node; without workflowData nothing starts;
 *   with responseMode onReceived n8n answers the node's webhookResponse (or `{ message: 'Workflow
 *   was started' }`) after it started the execution (2.41's order; 1.123 answers just before), and
 *   500 when it could not (`failStarts`). The response callback saves the static data when it
 *   changed (WorkflowStaticDataService, only for a valid workflow id) just before the answer; the
 *   execution runs through n8n-core's WorkflowExecute.
 * - activation: n8n's WebhookService.createWebhookIfNotExists: checkExists, then create, in
 *   n8n-core's HookContext; an error fails the activation.
 *
 * One `WebhookProcess` is one n8n process: its own node type object (n8n creates one per process,
 * DirectoryLoader.getNode), so that a restart or a second webhook process is a new one.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ExecutionLifecycleHooks, HookContext, WebhookContext, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, NodeHelpers, Workflow } from 'n8n-workflow';

import { WAPingApi } from '../../credentials/WAPingApi.credentials';
import { Waping } from '../../nodes/Waping/Waping.node';
import { WapingWebhookTrigger } from '../../nodes/WapingWebhookTrigger/WapingWebhookTrigger.node';
import { additionalData } from './additional-data';
import { TestCredentialsHelper } from './credentials';
import type { CapturedLine } from './logger';
import { captureLogs, PACKAGE, TestNodeTypes } from './run';

export const WEBHOOK_TRIGGER_TYPE = `${PACKAGE}.wapingWebhookTrigger`;
export const WEBHOOK_TRIGGER_NAME = 'WAPing Webhook Trigger';
export const WEBHOOK_ID = 'c0ffee00-0000-4000-8000-00000000abcd';

/** n8n 2.41's isWorkflowIdValid: static data is saved only for an id of at most 21 characters. */
const SAVED_ID_LENGTH = 21;

/** The database both processes of a queue-mode test share: the workflow's static data. */
export interface Database {
	staticData: IDataObject;
}

export interface WebhookSetup {
	parameters: INodeParameters;
	/** The trigger node's name (an example's); default "WAPing Webhook Trigger". */
	triggerName?: string;
	/** Nodes after the trigger (WAPing nodes only) and the workflow's connections. */
	downstream?: { nodes: INode[]; connections: IConnections };
	/** The WAPing credential's stored data (apiKey, baseUrl, plan, webhookSecret). */
	credentials: ICredentialDataDecryptedObject;
	workflowId?: string;
	/** 'webhook' (a published workflow's production URL) or 'manual' (the test URL). */
	mode?: WorkflowExecuteMode;
}

/** An execution n8n started from a request. */
export interface Started {
	items: INodeExecutionData[];
	/** Each node's outputs in this execution (the trigger's and those after it). */
	outputs: Record<string, INodeExecutionData[][]>;
	/** Whether the request's answer had gone out when n8n started the execution. */
	answeredFirst: boolean;
	/** An error execution (the node's webhook() threw). */
	error?: string;
}

export interface Delivery {
	status: number;
	text: string;
	json: unknown;
	headers: Headers;
}

/**
 * "The same moment": the next `count` requests (to any process holding this) each wait, once they
 * read the static data, until all of them have read it; so none sees what another saves.
 */
export class SameMoment {
	private waiting: Array<() => void> = [];

	constructor(private count: number) {}

	async arrive(): Promise<void> {
		if (this.count <= 0) return;
		this.count -= 1;
		await new Promise<void>((resolve) => {
			this.waiting.push(resolve);
			if (this.count === 0) for (const release of this.waiting.splice(0)) release();
		});
	}
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The body as n8n's rawBodyReader and parseBody leave it (node typeVersion 1). */
async function readBody(req: IncomingMessage): Promise<{ raw: Buffer; body: unknown }> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const raw = Buffer.concat(chunks);
	const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	let body: unknown = {};
	if (raw.length > 0 && type === 'application/json') {
		body = JSON.parse(raw.toString('utf8').replace(/^\uFEFF/, ''));
	} else if (raw.length > 0 && type === 'text/plain') {
		body = raw.toString('utf8');
	}
	return { raw, body };
}

/** n8n's onReceived body (webhook-on-received-response-extractor.js), responseData defaulting as n8n's. */
function onReceivedBody(description: IWebhookDescription, result: IWebhookResponseData): unknown {
	const responseData = description.responseData ?? 'firstEntryJson';
	if (responseData === 'noData') return undefined;
	if (responseData) return responseData;
	return result.webhookResponse ?? { message: 'Workflow was started' };
}

export class WebhookProcess {
	/** Set by a test: the next this many executions n8n fails to create (answered 500). */
	failStarts = 0;

	/** Set by a test: awaited when n8n is about to create an execution (after the node's webhook()). */
	beforeStart?: () => Promise<void>;

	/** Executions this process started, in order. */
	readonly started: Started[] = [];

	/** Every log line of this process's requests and activations. */
	readonly logs: CapturedLine[] = captureLogs();

	/** What the trigger's requests answered with, in order (status codes). */
	readonly answers: number[] = [];

	private readonly nodeType = new WapingWebhookTrigger();

	private readonly nodeTypes = new TestNodeTypes({
		[WEBHOOK_TRIGGER_TYPE]: this.nodeType,
		[`${PACKAGE}.waping`]: new Waping(),
	});

	private readonly credentialType = new WAPingApi();

	private server?: Server;

	/** Requests being handled, with the executions they started. */
	private readonly handling = new Set<Promise<void>>();

	/** Waits until every request so far is handled and its execution (if any) has ended. */
	async idle(): Promise<void> {
		while (this.handling.size > 0) await Promise.all([...this.handling]);
	}

	/** Set by a test: requests that arrive at the same moment (see SameMoment). */
	sameMoment?: SameMoment;

	private url = '';

	constructor(
		private readonly setup: WebhookSetup,
		readonly db: Database = { staticData: {} },
	) {}

	get triggerName(): string {
		return this.setup.triggerName ?? WEBHOOK_TRIGGER_NAME;
	}

	private get nodes(): INode[] {
		return [this.node, ...(this.setup.downstream?.nodes ?? [])];
	}

	get workflowId(): string {
		return this.setup.workflowId ?? 'wfWebhook1';
	}

	get node(): INode {
		const node: INode = {
			id: 'waping-webhook-trigger-node',
			name: this.triggerName,
			type: WEBHOOK_TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			webhookId: WEBHOOK_ID,
			parameters: {},
			credentials: { wapingApi: { id: 'cred-1', name: 'WAPing account' } },
		};
		// The parameters as the editor saves them: every top-level default filled in.
		node.parameters = NodeHelpers.getNodeParameters(
			this.nodeType.description.properties,
			this.setup.parameters,
			true,
			false,
			node,
			this.nodeType.description,
		) as INodeParameters;
		return node;
	}

	useCredentials(credentials: ICredentialDataDecryptedObject): void {
		this.setup.credentials = credentials;
	}

	private workflow(): Workflow {
		return new Workflow({
			id: this.workflowId,
			name: 'WAPing Webhook Trigger test',
			nodes: this.nodes,
			connections: this.setup.downstream?.connections ?? {},
			active: true,
			nodeTypes: this.nodeTypes,
			staticData: clone(this.db.staticData),
			settings: {},
		});
	}

	private additional(executionId: string) {
		const helper = new TestCredentialsHelper(
			{ wapingApi: this.credentialType },
			{ wapingApi: this.setup.credentials },
		);
		const hooks = new ExecutionLifecycleHooks(this.mode, executionId, {
			id: this.workflowId,
			name: 'WAPing Webhook Trigger test',
			nodes: this.nodes,
			connections: this.setup.downstream?.connections ?? {},
			active: true,
			activeVersionId: null,
			isArchived: false,
			createdAt: new Date(),
			updatedAt: new Date(),
		});
		return { ...additionalData(helper, hooks), executionId };
	}

	private get mode(): WorkflowExecuteMode {
		return this.setup.mode ?? 'webhook';
	}

	private webhookData(description: IWebhookDescription, additional: object): IWebhookData {
		return {
			httpMethod: description.httpMethod as IWebhookData['httpMethod'],
			node: this.triggerName,
			path: WEBHOOK_ID,
			webhookDescription: description,
			workflowId: this.workflowId,
			workflowExecuteAdditionalData: additional as IWebhookData['workflowExecuteAdditionalData'],
			webhookId: WEBHOOK_ID,
			isTest: this.mode === 'manual',
		};
	}

	private description(name: string): IWebhookDescription {
		const found = this.nodeType.description.webhooks?.find((w) => w.name === name);
		if (!found) throw new Error(`no webhook ${name}`);
		return found;
	}

	/** n8n's WorkflowStaticDataService.saveStaticData: an UPDATE of the whole object, awaited. */
	private async save(workflow: Workflow): Promise<void> {
		const data = workflow.staticData as IDataObject & { __dataChanged?: boolean };
		if (data.__dataChanged !== true) return;
		if (this.workflowId.length > SAVED_ID_LENGTH) return;
		await new Promise((resolve) => setImmediate(resolve));
		const { __dataChanged, ...rest } = clone(data);
		void __dataChanged;
		this.db.staticData = rest;
		data.__dataChanged = false;
	}

	/** Publishes the workflow: checkExists, then create (n8n's createWebhookIfNotExists). */
	async activate(activation: WorkflowActivateMode = 'activate'): Promise<Error | undefined> {
		const workflow = this.workflow();
		const additional = this.additional('activation');
		const context = new HookContext(
			workflow,
			workflow.getNode(this.triggerName) as INode,
			additional,
			this.mode,
			activation,
			this.webhookData(this.description('default'), additional),
		);
		const methods = this.nodeType.webhookMethods.default;
		try {
			if (!(await methods.checkExists.call(context))) await methods.create.call(context);
		} catch (error) {
			return error as Error;
		}
		return undefined;
	}

	/** Unpublishing: n8n's deleteWebhook. */
	async deactivate(): Promise<boolean> {
		const workflow = this.workflow();
		const additional = this.additional('deactivation');
		const context = new HookContext(
			workflow,
			workflow.getNode(this.triggerName) as INode,
			additional,
			this.mode,
			'activate',
			this.webhookData(this.description('default'), additional),
		);
		return await this.nodeType.webhookMethods.default.delete.call(context);
	}

	/** The production URL n8n gives the node (its webhookId). */
	async listen(): Promise<string> {
		this.server = createServer((req, res) => {
			const handling = this.handle(req, res).catch((error: Error) => {
				if (!res.headersSent) res.writeHead(500).end(error.message);
			});
			this.handling.add(handling);
			void handling.finally(() => this.handling.delete(handling));
		});
		await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
		const { port } = this.server.address() as AddressInfo;
		this.url = `http://127.0.0.1:${port}/webhook/${WEBHOOK_ID}`;
		return this.url;
	}

	async close(): Promise<void> {
		const server = this.server;
		this.server = undefined;
		if (server) {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const name = req.method === 'POST' ? 'default' : req.method === 'GET' ? 'setup' : undefined;
		if (!name || url.pathname !== `/webhook/${WEBHOOK_ID}`) {
			res.writeHead(404).end();
			return;
		}
		// live-webhooks.ts loads the workflow, with its static data, before the body is read.
		const workflow = this.workflow();
		await this.sameMoment?.arrive();
		let parsed: { raw: Buffer; body: unknown };
		try {
			parsed = await readBody(req);
		} catch {
			// n8n's parseBody: UnprocessableRequestError, answered before the node runs.
			this.answers.push(422);
			res.writeHead(422, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ code: 422, message: 'Failed to parse request body' }));
			return;
		}
		const request = Object.assign(req, {
			rawBody: parsed.raw,
			body: parsed.body,
			query: Object.fromEntries(url.searchParams),
			params: {},
			originalUrl: req.url,
		});
		const executionId = `exec-${this.started.length + 1}-${Date.now()}`;
		const additional = {
			...this.additional(executionId),
			httpRequest: request,
			httpResponse: res,
		};
		const context = new WebhookContext(
			workflow,
			workflow.getNode(this.triggerName) as INode,
			additional as never,
			this.mode,
			this.webhookData(this.description(name), additional),
			[],
			null,
		);
		let result: IWebhookResponseData;
		let error: string | undefined;
		try {
			result = await this.nodeType.webhook.call(context);
		} catch (thrown) {
			// n8n starts an execution with the error, and answers 500.
			error = (thrown as Error).message;
			result = { noWebhookResponse: true, workflowData: [[{ json: {} }]] };
			if (!res.headersSent) res.writeHead(500).end('Error in workflow');
		}
		// n8n's response callback saves the static data, then answers: at once when the node
		// answered itself or starts nothing; after WorkflowRunner.run otherwise (2.41's deferred
		// onReceived answer).
		const deferred = !result.noWebhookResponse && result.workflowData !== undefined;
		if (!deferred) await this.save(workflow);
		if (result.workflowData === undefined) {
			if (!result.noWebhookResponse && !res.headersSent) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify(result.webhookResponse ?? { message: 'Webhook call received' }));
			}
			this.answers.push(res.statusCode);
			return;
		}
		await this.beforeStart?.();
		if (this.failStarts > 0) {
			// n8n could not create the execution (its database failed): it answers the error.
			this.failStarts -= 1;
			if (!res.headersSent) {
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ code: 0, message: 'There was a problem executing the workflow' }));
			}
			this.answers.push(res.statusCode);
			return;
		}
		const answeredFirst = res.headersSent;
		const node = workflow.getNode(this.triggerName) as INode;
		const running = new WorkflowExecute(
			additional as never,
			this.mode,
			createRunExecutionData({
				executionData: {
					nodeExecutionStack: [{ node, data: { main: result.workflowData }, source: null }],
				},
			}),
		).processRunExecutionData(workflow);
		if (deferred) {
			// n8n 2.41's run() builds a Workflow over the same static data object
			// (workflow-runner.js establishContextForPersistence), which resets its "changed" mark
			// (n8n-workflow observable-object.js); then it reads the answer, then saves.
			new Workflow({
				id: this.workflowId,
				nodes: this.nodes,
				connections: this.setup.downstream?.connections ?? {},
				active: true,
				nodeTypes: this.nodeTypes,
				staticData: workflow.staticData,
			});
			const body = onReceivedBody(this.description(name), result);
			await this.save(workflow);
			if (!res.headersSent) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify(body));
			}
		}
		this.answers.push(res.statusCode);
		const run = await running;
		const task = run.data.resultData.runData[this.triggerName]?.[0];
		const outputs = Object.fromEntries(
			Object.entries(run.data.resultData.runData).map(([name, tasks]) => [
				name,
				(tasks[0]?.data?.main ?? []).map((items) => items ?? []),
			]),
		);
		this.started.push({ items: task?.data?.main?.[0] ?? [], outputs, answeredFirst, error });
	}

	/** One request to the trigger's URL, as WAPing (or anyone) would send it. */
	async deliver(options: {
		body?: string | Buffer | object;
		headers?: Record<string, string>;
		method?: 'POST' | 'GET';
		query?: string;
		/** false: return with the answer, without waiting for the other requests' executions. */
		waitIdle?: boolean;
	}): Promise<Delivery> {
		if (!this.url) throw new Error('listen() first');
		const method = options.method ?? 'POST';
		const body =
			options.body === undefined || method === 'GET'
				? undefined
				: typeof options.body === 'string' || Buffer.isBuffer(options.body)
					? options.body
					: JSON.stringify(options.body);
		const response = await fetch(`${this.url}${options.query ?? ''}`, {
			method,
			headers: {
				...(body !== undefined ? { 'content-type': 'application/json' } : {}),
				...options.headers,
			},
			body,
		});
		const text = await response.text();
		// The answer came first; the execution it started (if any) is awaited before the test reads it.
		if (options.waitIdle !== false) await this.idle();
		let json: unknown;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		return { status: response.status, text, json, headers: response.headers };
	}
}
