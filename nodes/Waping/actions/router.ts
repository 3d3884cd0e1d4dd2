/**
 * Every item's path through the node: its operation reads and checks its parameters, the plan gate
 * stops what a Free workspace cannot do, the run's device list (one request for the whole run)
 * answers the reads and Send's session check, the sends go out through the transport queue, and each
 * item's result is placed on its output here: with its pairedItem, the key scrubbed, and Continue On
 * Fail applied in one place.
 */
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { DeviceList } from '../../shared/devices';
import { apiError } from '../../shared/errors';
import { explain, freePlanExplanation } from '../../shared/explanations';
import { isDenial } from '../../shared/failures';
import { FIRST_API_PLAN } from '../../shared/plans';
import { copyJson } from '../../shared/redact';
import type { Outcome } from '../../shared/transport/request';
import type { ItemResult } from '../outputs';
import type { DenialHandling } from '../denials';
import { denialError, denialHandling } from '../denials';
import { denial, OUTPUT, OUTPUT_LABELS, outputCountOf, outputPlaces } from '../outputs';
import { WapingRun } from '../run';
import type { SendState } from './message/sending';
import { prepareMessage, sendMessages, startSending } from './message/sending';
import { findOperation } from './operations';
import type { ItemContext, MessageJob, Operation, OperationKind, PreparedItem } from './types';

/**
 * How the operations of one kind run: what their run shares (set up at the first item), each
 * item's preparation (its parameters read and checked, nothing sent), and the requests its items
 * left, run after every item was prepared.
 */
interface Executor<Op extends Operation, State> {
	setup(operation: Op, run: WapingRun, itemIndex: number): State;
	prepare(operation: Op, item: ItemContext, state: State): PreparedItem;
	runJobs(
		jobs: Array<MessageJob | undefined>,
		state: State,
		stopped: () => boolean,
	): Promise<Array<ItemResult | undefined>>;
}

/** What each kind's run shares. */
interface KindStates {
	fromDevices: undefined;
	request: undefined;
	message: SendState;
}

/** Runs the items' own requests one after the other, until the run stops. */
async function eachInTurn(
	jobs: Array<MessageJob | undefined>,
	_state: undefined,
	stopped: () => boolean,
): Promise<Array<ItemResult | undefined>> {
	const results = new Array<ItemResult | undefined>(jobs.length);
	for (let itemIndex = 0; itemIndex < jobs.length; itemIndex++) {
		const job = jobs[itemIndex];
		if (!job) continue;
		if (stopped()) break;
		results[itemIndex] = await job.send();
	}
	return results;
}

/** One executor per kind of operation: a kind without one, or with one missing a step, does not compile. */
const executors: {
	[K in OperationKind]: Executor<Extract<Operation, { kind: K }>, KindStates[K]>;
} = {
	fromDevices: {
		setup: () => undefined,
		prepare: (operation, item) => {
			const { scope, answer } = operation.prepare(item);
			return { scope, work: { fromDevices: answer } };
		},
		runJobs: eachInTurn,
	},
	request: {
		setup: () => undefined,
		prepare: (operation, item) => {
			const { scope, request } = operation.prepare(item);
			return { scope, work: { job: { deviceId: '', to: '', send: request } } };
		},
		runJobs: eachInTurn,
	},
	message: {
		setup: (operation, run, itemIndex) => startSending(run, itemIndex, operation.words.action),
		prepare: (operation, item, state) => {
			const message = operation.prepare(item);
			const scope = {
				resource: 'message',
				operation: String(operation.option.value),
				deviceId: message.deviceId,
				to: message.to,
			};
			return prepareMessage(item, state, message, scope);
		},
		runJobs: sendMessages,
	},
};

/** The executor of an operation's kind. */
function executorOf(operation: Operation): Executor<Operation, unknown> {
	return executors[operation.kind] as Executor<Operation, unknown>;
}

/** What the item loops work with; the same for every item of the run. */
interface Loop {
	ctx: IExecuteFunctions;
	run: WapingRun;
	operation: Operation;
	executor: Executor<Operation, unknown>;
	/** What the operation's kind shares across the run (Send's settings and throttle), set up at its first item. */
	state?: { value: unknown };
	count: number;
	continueOnFail: boolean;
	/** On Error is "Continue (using error output)". */
	errorOutput: boolean;
	/** Each item's result, by its index. */
	results: Array<ItemResult | undefined>;
	/** Set when a failed message stops the run from sending more (no Continue On Fail). */
	stopped?: boolean;
	/** Bad Key and Denied items: their outputs, or the item's error (version 2's default). */
	denials: DenialHandling;
	/** Each output's place on the canvas, by its index in OUTPUT (undefined: left out). */
	places: Array<number | undefined>;
}

/**
 * Whether n8n runs the node as an AI agent's tool: then only the first output reaches the agent.
 * isToolExecution() is true when n8n supplies the node to an agent as a tool (and absent on old
 * n8n); when an agent's tool call runs the node as a step of the execution (n8n 2.x's engine
 * requests), n8n runs the tool variant of the type, named `<name>Tool`, with a plain context.
 */
function isToolExecution(ctx: IExecuteFunctions): boolean {
	if (typeof ctx.isToolExecution === 'function' && ctx.isToolExecution()) return true;
	return ctx.getNode().type.endsWith('Tool');
}

function chosenOperation(ctx: IExecuteFunctions): {
	resource: string;
	operation: string;
	module: Operation;
} {
	// Resource and Operation take no expressions: they are the same for every item.
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const module = findOperation(resource, operation);
	if (!module) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The resource "${String(resource)}" has no operation "${String(operation)}"`,
			{
				description: 'Choose the resource and operation again in the node.',
			},
		);
	}
	return { resource, operation, module };
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const { module } = chosenOperation(this);
	const denials = denialHandling(this);
	const places = outputPlaces(outputCountOf(module.outputs), denials === 'fail');
	const outputs: INodeExecutionData[][] = Array.from(
		{ length: places.filter((place) => place !== undefined).length },
		() => [],
	);
	if (items.length === 0) return outputs;
	const run = new WapingRun(this);
	const loop: Loop = {
		ctx: this,
		run,
		operation: module,
		executor: executorOf(module),
		count: items.length,
		continueOnFail: this.continueOnFail(),
		errorOutput: this.getNode().onError === 'continueErrorOutput',
		results: new Array(items.length),
		denials,
		places,
	};
	await run.readCredentials();

	// Every item's parameters are checked before any request: a bad one stops the run before anything is sent.
	const prepared = prepareItems(loop);
	const first = prepared.findIndex((item) => item !== undefined && 'fromDevices' in item.work);
	if (first >= 0) await run.loadDevices(run.client(first), run.retryPolicy(first));
	const jobs = answerItems(loop, prepared);
	if (jobs.some(Boolean)) {
		const results = await loop.executor.runJobs(
			stopOnFailure(loop, jobs),
			loop.state?.value,
			() => loop.stopped === true,
		);
		results.forEach((result, index) => {
			if (result) loop.results[index] = result;
		});
	}
	placeItems(loop, outputs, isToolExecution(this));
	return outputs;
}

/** Without Continue On Fail, the first message that fails stops the run from sending more. */
function stopOnFailure(
	loop: Loop,
	jobs: Array<MessageJob | undefined>,
): Array<MessageJob | undefined> {
	if (loop.continueOnFail) return jobs;
	return jobs.map(
		(job) =>
			job && {
				...job,
				send: async () => {
					const result = await job.send();
					if ('error' in result) loop.stopped = true;
					return result;
				},
			},
	);
}

/** Phase 1: each item's parameters and checks, in input order; no request is sent here. */
function prepareItems(loop: Loop): Array<PreparedItem | undefined> {
	const { ctx, run, operation, executor, count } = loop;
	const prepared = new Array<PreparedItem | undefined>(count);
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		try {
			const client = run.client(itemIndex);
			loop.state ??= { value: executor.setup(operation, run, itemIndex) };
			const item = executor.prepare(operation, { ctx, run, itemIndex, client }, loop.state.value);
			// Every item's Options are checked, also when another item's settings make the shared request
			// (Options without an expression are the same for every item: checked once).
			run.checkRetryPolicy(itemIndex);
			// Plan gate: a workspace declared Free has no API, so no request is sent.
			if (client.connection.declaredPlan === 'free') {
				const failure = {
					kind: 'forbidden',
					statusCode: 403,
					code: 'FORBIDDEN',
					reason: 'plan',
				} as const;
				if (loop.denials === 'fail') {
					const error = denialError(
						ctx.getNode(),
						failure,
						freePlanExplanation(),
						itemIndex,
						'credential',
					);
					failItem(loop, error, itemIndex);
				} else {
					loop.results[itemIndex] = denial(
						failure,
						freePlanExplanation(),
						item.scope,
						'credential',
					);
				}
				continue;
			}
			prepared[itemIndex] = item;
		} catch (error) {
			failItem(loop, error, itemIndex);
		}
	}
	return prepared;
}

/** Phase 2: answers from the device list (or its failure routed), and the messages to send. */
function answerItems(
	loop: Loop,
	prepared: Array<PreparedItem | undefined>,
): Array<MessageJob | undefined> {
	const { run, count } = loop;
	const jobs = new Array<MessageJob | undefined>(count);
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		const item = prepared[itemIndex];
		if (!item) continue;
		try {
			const answer = answerFrom(loop, item, itemIndex, run.settledDevices());
			if ('job' in answer) jobs[itemIndex] = answer.job;
			else loop.results[itemIndex] = answer;
		} catch (error) {
			failItem(loop, error, itemIndex);
		}
	}
	return jobs;
}

function answerFrom(
	loop: Loop,
	item: PreparedItem,
	itemIndex: number,
	list: Outcome<DeviceList> | undefined,
): ItemResult | { job: MessageJob } {
	const { work } = item;
	if ('job' in work) return work;
	if (!list) throw new Error('the device list was not fetched');
	if (list.ok) return work.fromDevices(list.value, item.scope, itemIndex, loop.ctx);
	// The list's failure, for each item that needed it: 401/403 to their outputs, anything else an error.
	const explanation = explain(
		list.failure,
		list.attempts,
		loop.operation.words.listAction ?? loop.operation.words.action,
	);
	if (isDenial(list.failure)) {
		const hint = list.failure.reason === 'permission' ? loop.operation.words.listHint : undefined;
		const words = hint
			? { ...explanation, description: `${explanation.description} ${hint}` }
			: explanation;
		if (loop.denials === 'fail') {
			const error = denialError(loop.ctx.getNode(), list.failure, words, itemIndex, 'api');
			if (list.attempts > 1) (error.context as IDataObject).attempts = list.attempts;
			throw error;
		}
		const denied = denial(list.failure, words, item.scope, 'api');
		if (list.attempts > 1 && 'items' in denied) denied.items[0].attempts = list.attempts;
		return denied;
	}
	const error = apiError(loop.ctx.getNode(), list.failure, explanation, itemIndex);
	if (list.attempts > 1) error.context.attempts = list.attempts;
	throw error;
}

/** A failed item: the run stops with its error now, or (Continue On Fail) the item carries it. */
function failItem(loop: Loop, error: unknown, itemIndex: number): void {
	const safe = redactError(loop.ctx.getNode(), error, (value) => loop.run.redact(value), itemIndex);
	if (!loop.continueOnFail) throw safe;
	loop.results[itemIndex] = { error: safe };
}

/** Phase 3: every item's result onto its output, in input order, each with its pairedItem. */
function placeItems(loop: Loop, outputs: INodeExecutionData[][], toolMode: boolean): void {
	const { run, results, count } = loop;
	const counts = OUTPUT_LABELS.map(() => 0);
	// Denied items by why: the plan (no API access) or the key's permission, each with its own fix.
	const deniedFor = { plan: 0, permission: 0 };
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		const result = results[itemIndex];
		if (!result) continue;
		if ('error' in result) {
			const safe = redactError(
				loop.ctx.getNode(),
				result.error,
				(value) => run.redact(value),
				itemIndex,
			);
			if (!loop.continueOnFail) throw safe;
			// The n8n shape for a failed item. For "Continue (using error output)" it carries the error
			// itself, which is what makes n8n 1.x move it there (n8n then shows the error's message
			// and description, and keeps `{ error }` as its json); on the regular output the json also
			// keeps the fix (details.description) for the nodes after it.
			const attempts = safe.context?.attempts;
			outputs[0].push({
				json: {
					error: safe.message,
					details: {
						description: safe.description ?? null,
						...(typeof attempts === 'number' ? { attempts } : {}),
					},
				},
				...(loop.errorOutput ? { error: safe } : {}),
				pairedItem: { item: itemIndex },
			});
			continue;
		}
		const success = result.output === OUTPUT.success;
		const output = toolMode ? 0 : loop.places[result.output];
		if (output === undefined) throw new Error(`no place for output ${result.output}`);
		counts[result.output] += result.items.length;
		if (result.output === OUTPUT.forbidden)
			for (const json of result.items) deniedFor[json.reason === 'plan' ? 'plan' : 'permission']++;
		for (let i = 0; i < result.items.length; i++) {
			const json = result.items[i];
			// Items never share nested objects (two items for one device are two copies).
			outputs[output].push({
				json: success ? copyJson(json) : run.redact(json),
				pairedItem: { item: itemIndex },
			});
		}
	}
	tellOutcome(run, counts, deniedFor, loop.operation.kind === 'message');
}

/** Says in the output pane, once, where items went that did not succeed, and what to do. */
function tellOutcome(
	run: WapingRun,
	counts: number[],
	deniedFor: { plan: number; permission: number },
	sends: boolean,
): void {
	const notes: string[] = [];
	const [, badKey, denied, offline] = counts;
	if (badKey)
		notes.push(
			`${badKey} ${badKey === 1 ? 'item' : 'items'} went to "${OUTPUT_LABELS[OUTPUT.unauthorized]}": WAPing did not accept the API key. Copy a valid key into the WAPing credential.`,
		);
	if (denied) {
		const fixes: string[] = [];
		if (deniedFor.plan)
			fixes.push(
				`the workspace's plan has no API access: upgrade it to ${FIRST_API_PLAN.displayName} or above`,
			);
		if (deniedFor.permission)
			fixes.push(
				sends
					? 'the API key lacks a permission: use a key that may send messages and read devices (or, for a key that may only send, turn off "Only When Connected" in the Options)'
					: 'the API key lacks a permission: use a key that may read devices',
			);
		notes.push(
			`${denied} ${denied === 1 ? 'item' : 'items'} went to "${OUTPUT_LABELS[OUTPUT.forbidden]}": ${fixes.join('; ')}.`,
		);
	}
	if (offline)
		notes.push(
			`${offline} ${offline === 1 ? 'message was' : 'messages were'} not sent and went to "${OUTPUT_LABELS[OUTPUT.offline]}": the device's WhatsApp session is not connected. Scan its QR code in the WAPing dashboard.`,
		);
	if (notes.length) run.hint(notes.join(' '), 'warning');
}

/** The same error with the key scrubbed from what n8n shows and stores. */
function redactError(
	node: INode,
	error: unknown,
	redact: <T>(value: T) => T,
	itemIndex: number,
): NodeOperationError {
	if (!(error instanceof Error)) {
		return new NodeOperationError(node, redact(String(error)), { itemIndex });
	}
	const failure = error as NodeOperationError & { messages?: unknown; context?: IDataObject };
	failure.message = redact(failure.message);
	// NodeApiError keeps the object it was built from; n8n stores it with the execution.
	if (failure.errorResponse) failure.errorResponse = redact(failure.errorResponse);
	if (typeof failure.stack === 'string') failure.stack = redact(failure.stack);
	if (typeof failure.description === 'string') failure.description = redact(failure.description);
	if (Array.isArray(failure.messages)) failure.messages = redact(failure.messages);
	if (failure.context) failure.context = redact(failure.context);
	// A NodeOperationError built from text keeps that text in its cause, and n8n's error reporter
	// logs the cause: an id or value that holds the key would reach the log unredacted.
	let cause: unknown = failure.cause;
	for (let depth = 0; depth < 5 && cause instanceof Error; depth++) {
		cause.message = redact(cause.message);
		if (typeof cause.stack === 'string') cause.stack = redact(cause.stack);
		cause = cause.cause;
	}
	return failure;
}
