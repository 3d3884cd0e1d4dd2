import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import {
	CredentialTestContext,
	ExecuteContext,
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	RoutingNode,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	ITaskData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { createRunExecutionData, LoggerProxy, NodeHelpers, Workflow } from 'n8n-workflow';

import { WAPingApi } from '../../credentials/WAPingApi.credentials';
import { Waping } from '../../nodes/Waping/Waping.node';
import { WapingTrigger } from '../../nodes/WapingTrigger/WapingTrigger.node';
import { additionalData } from './additional-data';
import { TestCredentialsHelper } from './credentials';
import type { CapturedLine } from './logger';
import { capturingLogger } from './logger';

export const PACKAGE = 'n8n-nodes-waping';
export const NODE_NAME = 'WAPing';
export const OUTPUT_INDEX = { success: 0, unauthorized: 1, forbidden: 2, error: 3 } as const;

const credentialType = new WAPingApi();

/** The node types a test workflow knows (n8n's NodeTypes, reduced to what a run asks for). */
export class TestNodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType>) {}

	getByName(name: string): INodeType {
		return this.types[name];
	}

	getByNameAndVersion(name: string, version?: number): INodeType {
		const type = this.types[name];
		if (!type) throw new Error(`Unknown node type ${name}`);
		return NodeHelpers.getVersionedNodeType(type, version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

export interface RunOptions {
	parameters: INodeParameters;
	/** The WAPing credential's stored data (apiKey, baseUrl, plan); defaults applied as n8n does. */
	credentials: ICredentialDataDecryptedObject;
	/** Input items' json; one empty item by default. */
	items?: IDataObject[];
	onError?: INode['onError'];
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
	/** Run the node under the type name n8n gives its AI-agent tool variant. */
	asTool?: boolean;
	/** The execution's id (n8n's getExecutionId()); default "exec-test". */
	executionId?: string;
	/** Run the node this many times in the execution (run index 0, 1, ...), as a loop does; default 1. */
	runs?: number;
	/** Start from this failed execution's data, as n8n's "Retry execution" does (packages/cli execution.service retry). */
	retryOf?: IRun;
	/** Cancel the execution when this settles, as the editor's Stop button does. */
	cancelWhen?: Promise<unknown>;
	/** The node's version (typeVersion); default 1, the version every existing workflow keeps. */
	typeVersion?: number;
}

export interface RunResult {
	run: IRun;
	task: ITaskData | undefined;
	/** Items per output of the WAPing node: Success, Unauthorized, Forbidden (and Error when on). */
	outputs: INodeExecutionData[][];
	/** The node's error when the run stopped on it. */
	error: ExecutionError | undefined;
	logs: CapturedLine[];
}

/**
 * One logger for the whole test file, writing to the current run's list. It has to stay the same
 * object: n8n's ErrorReporter is a singleton that keeps the Logger it was created with, so a logger
 * swapped per run would send later runs' error lines to the first run's list.
 */
let currentLines: CapturedLine[] = [];
const sharedLogger = capturingLogger({ push: (line: CapturedLine) => currentLines.push(line) });
Container.set(Logger, sharedLogger as unknown as Logger);
LoggerProxy.init(sharedLogger as unknown as Parameters<typeof LoggerProxy.init>[0]);

/** Captures every log line of the run (n8n's, through LoggerProxy and the Logger, and the node's). */
export function captureLogs(): CapturedLine[] {
	currentLines = [];
	return currentLines;
}

/** Runs the WAPing node once through n8n-core's WorkflowExecute with real helpers and real HTTP. */
/** The one-node test workflow as the execution hooks take it. */
function hooksWorkflow(node: INode) {
	return {
		id: 'wf-test',
		name: 'WAPing test',
		nodes: [node],
		connections: {},
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
	};
}

export async function runWaping(options: RunOptions): Promise<RunResult> {
	const logs = captureLogs();
	const typeName = `${PACKAGE}.${options.asTool ? 'wapingTool' : 'waping'}`;
	const nodeTypes = new TestNodeTypes({ [typeName]: new Waping() });
	const node: INode = {
		id: 'waping-node',
		name: NODE_NAME,
		type: typeName,
		typeVersion: options.typeVersion ?? 1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: { wapingApi: { id: 'cred-1', name: 'WAPing account' } },
		onError: options.onError,
		retryOnFail: options.retryOnFail,
		maxTries: options.maxTries,
		waitBetweenTries: options.waitBetweenTries,
	};
	const workflow = new Workflow({
		id: 'wf-test',
		name: 'WAPing test',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
		settings: {},
	});
	const helper = new TestCredentialsHelper(
		{ wapingApi: credentialType },
		{ wapingApi: options.credentials },
	);
	const executionId = options.executionId ?? 'exec-test';
	const mode = options.retryOf ? 'retry' : 'manual';
	const hooks = new ExecutionLifecycleHooks(mode, executionId, hooksWorkflow(node));
	const items = (options.items ?? [{}]).map((json) => ({ json }));
	const runExecutionData = options.retryOf
		? retryData(options.retryOf)
		: createRunExecutionData({
				executionData: {
					nodeExecutionStack: Array.from({ length: options.runs ?? 1 }, () => ({
						node,
						data: { main: [items] },
						source: null,
					})),
				},
			});
	const execution = new WorkflowExecute(
		{ ...additionalData(helper, hooks), executionId },
		mode,
		runExecutionData,
	);
	const running = execution.processRunExecutionData(workflow);
	void options.cancelWhen?.then(() => running.cancel());
	const run = await running;
	const tasks = run.data.resultData.runData[NODE_NAME] ?? [];
	const task = tasks[tasks.length - 1];
	const outputs = (task?.data?.main ?? []).map((items) => items ?? []);
	return { run, task, outputs, error: task?.error ?? run.data.resultData.error, logs };
}

/** What n8n's "Retry execution" starts from: the failed execution's data, without its error and the failed node's run. */
function retryData(failed: IRun): IRun['data'] {
	const data = JSON.parse(JSON.stringify(failed.data)) as IRun['data'];
	const { lastNodeExecuted } = data.resultData;
	delete data.resultData.error;
	if (lastNodeExecuted) {
		const runs = data.resultData.runData[lastNodeExecuted];
		if (runs?.length && runs[runs.length - 1].error !== undefined) runs.pop();
	}
	return data;
}

/**
 * Tests a WAPing credential the way n8n's CLI does (packages/cli credentials-tester.service, 2.41 and
 * 1.123): a credential type's own `test` first; else the first node type that names the credential
 * with `testedBy` (the WAPing node, then the trigger), whose `methods.credentialTest` function runs
 * in n8n-core's CredentialTestContext, with the credential's defaults applied.
 */
export async function testCredential(
	data: ICredentialDataDecryptedObject,
): Promise<INodeCredentialTestResult & { logs: CapturedLine[] }> {
	if ((credentialType as ICredentialType).test) return await testCredentialRequest(data);
	const logs = captureLogs();
	const helper = new TestCredentialsHelper({ wapingApi: credentialType }, { wapingApi: data });
	const withDefaults = await helper.getDecrypted(
		{} as IWorkflowExecuteAdditionalData,
		{ id: 'cred-1', name: '' },
		'wapingApi',
	);
	for (const nodeType of [new Waping(), new WapingTrigger()] as INodeType[]) {
		for (const { name, testedBy } of nodeType.description.credentials ?? []) {
			if (name !== 'wapingApi' || typeof testedBy !== 'string') continue;
			const test = nodeType.methods?.credentialTest?.[testedBy];
			if (!test) continue;
			const hooks = new ExecutionLifecycleHooks('internal', 'cred-test', {} as never);
			const context = new CredentialTestContext(additionalData(helper, hooks));
			const result = await test.call(context, {
				id: 'cred-1',
				name: 'WAPing account',
				type: 'wapingApi',
				data: withDefaults,
			});
			return { ...result, logs };
		}
	}
	return { status: 'Error', message: 'No testing function found for this credential.', logs };
}

/**
 * The declarative path of n8n's credentials tester (a credential type with a `test`):
 * its `test.request` runs through n8n-core's RoutingNode with the credential applied, `rules` of type
 * responseCode judge a failed request, those of type responseSuccessBody judge a 2xx answer's body,
 * and any other failure shows its system code or its message.
 */
async function testCredentialRequest(
	data: ICredentialDataDecryptedObject,
): Promise<INodeCredentialTestResult & { logs: CapturedLine[] }> {
	const logs = captureLogs();
	const test = (credentialType as ICredentialType).test as ICredentialTestRequest;
	const nodeType: INodeType = {
		description: {
			displayName: 'Temp',
			name: 'temp',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: [],
			outputs: [],
			credentials: [{ name: 'wapingApi', required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: test.request },
					default: '',
				},
			],
		},
	};
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: 'temp',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { wapingApi: { id: 'cred-1', name: 'WAPing account' } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new TestNodeTypes({ temp: nodeType }),
	});
	const helper = new TestCredentialsHelper({ wapingApi: credentialType }, { wapingApi: data });
	const withDefaults = await helper.getDecrypted(
		{} as IWorkflowExecuteAdditionalData,
		{ id: 'cred-1', name: '' },
		'wapingApi',
	);
	const hooks = new ExecutionLifecycleHooks('internal', 'cred-test', {} as never);
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData(helper, hooks),
		'internal',
		createRunExecutionData(),
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);
	const routing = new RoutingNode(context, nodeType, {
		id: 'cred-1',
		name: 'WAPing account',
		type: 'wapingApi',
		data: withDefaults,
	});
	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = (await routing.runNode()) as INodeExecutionData[][] | null | undefined;
	} catch (error) {
		const cause = (
			error as { cause?: { response?: { status: number; statusText?: string }; code?: string } }
		).cause;
		const failed = cause?.response;
		if (failed) {
			for (const rule of test.rules ?? []) {
				if (rule.type === 'responseCode' && rule.properties.value === failed.status) {
					return { status: 'Error', message: rule.properties.message, logs };
				}
			}
			if (failed.status < 199 || failed.status > 299) {
				return {
					status: 'Error',
					message: failed.statusText || `Received HTTP status code: ${failed.status}`,
					logs,
				};
			}
		} else if (cause?.code) {
			return { status: 'Error', message: cause.code, logs };
		}
		return { status: 'Error', message: (error as Error).message.toString(), logs };
	}
	// After a 2xx the tester judges the answer's body (n8n's responseSuccessBody rules, lodash get).
	for (const rule of (test.rules ?? []) as Array<{
		type: string;
		properties: { key: string; value: unknown; message: string };
	}>) {
		if (rule.type !== 'responseSuccessBody') continue;
		const json = response?.[0]?.[0]?.json as IDataObject | undefined;
		const value = rule.properties.key
			.split('.')
			.reduce<unknown>(
				(at, key) => (at && typeof at === 'object' ? (at as IDataObject)[key] : undefined),
				json,
			);
		if (value === rule.properties.value)
			return { status: 'Error', message: rule.properties.message, logs };
	}
	return { status: 'OK', message: 'Connection successful!', logs };
}

/**
 * The Device picker's list as n8n's editor asks for it (packages/cli dynamic-node-parameters.service
 * getResourceLocatorResults, 2.41 and 1.123): a workflow of one "Temp-Node" with the node's current
 * parameters and credential, and n8n-core's LoadOptionsContext as `this`.
 */
export async function searchDeviceList(
	data: ICredentialDataDecryptedObject,
	filter?: string,
): Promise<{ result?: INodeListSearchResult; error?: Error }> {
	const type = new Waping();
	const node: INode = {
		id: 'uuid-1234',
		name: 'Temp-Node',
		type: `${PACKAGE}.waping`,
		typeVersion: 2,
		position: [0, 0],
		parameters: { resource: 'device', operation: 'getStatus' },
		credentials: { wapingApi: { id: 'cred-1', name: 'WAPing account' } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new TestNodeTypes({ [`${PACKAGE}.waping`]: type }),
	});
	const helper = new TestCredentialsHelper({ wapingApi: credentialType }, { wapingApi: data });
	const hooks = new ExecutionLifecycleHooks('internal', 'list', hooksWorkflow(node));
	const context = new LoadOptionsContext(
		workflow,
		workflow.nodes['Temp-Node'],
		additionalData(helper, hooks),
		'parameters.deviceId',
	);
	try {
		return { result: await type.methods.listSearch.searchDevices.call(context, filter) };
	} catch (error) {
		return { error: error as Error };
	}
}
