/**
 * Runs the WAPing Trigger the way n8n 2.41 runs an active polling workflow, with n8n-core's own
 * pieces and real HTTP to the simulator:
 *
 * - activation: n8n-core's ActiveWorkflowTriggers.addTriggers (what n8n's trigger activator calls).
 *   It refuses sub-minute Poll Times, builds the poll context through the getPollFunctions it is
 *   given, runs the first poll at once (an error there fails the activation) and registers the
 *   Poll Times as crons. The context is n8n-core's PollContext with the hooks n8n's
 *   TriggerExecutionContextFactory gives it: __emit starts an execution and saves the static data,
 *   __emitError records a failed execution (createErrorExecutionData).
 * - a poll on schedule: the same PollTriggerExecutor call the registered cron makes on each tick, on
 *   the same context (the Poll Times used here never fire during a test).
 * - the database: the workflow's static data as n8n last saved it. n8n saves it after an
 *   activation and when a poll emits; a poll that returns nothing changes it only in memory.
 *   stop() drops the in-memory workflow, as stopping n8n does; activate('init') loads the saved
 *   data again, as n8n does at start.
 * - Fetch Test Event: a manual run of the workflow from the trigger through WorkflowExecute, which
 *   calls poll() in a manual PollContext.
 */
import { Container } from '@n8n/di';
import {
	ActiveWorkflowTriggers,
	DirectoryLoader,
	ExecutionLifecycleHooks,
	PollContext,
	PollTriggerExecutor,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IPollFunctions,
	IRun,
	IRunExecutionData,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createErrorExecutionData, createRunExecutionData, Workflow } from 'n8n-workflow';

import { WAPingApi } from '../../credentials/WAPingApi.credentials';
import { WapingTrigger } from '../../nodes/WapingTrigger/WapingTrigger.node';
import { additionalData } from './additional-data';
import { TestCredentialsHelper } from './credentials';
import type { CapturedLine } from './logger';
import { captureLogs, PACKAGE, TestNodeTypes } from './run';

export const TRIGGER_NAME = 'WAPing Trigger';
export const TRIGGER_TYPE = `${PACKAGE}.wapingTrigger`;
const WORKFLOW_ID = 'wfTrigger1';

/** Once a year (1 January, 00:00:00): a Poll Time n8n accepts that never fires during a test. */
export const NEVER_DURING_A_TEST = { item: [{ mode: 'custom', cronExpression: '0 0 0 1 1 *' }] };

/** The node type as n8n's loader hands it out: with the Poll Times parameter it adds to polling nodes. */
function loadedTriggerType(): INodeType {
	const type = new WapingTrigger();
	// DirectoryLoader.applySpecialNodeParameters, the loader's step for every node type it loads (private in its types).
	const loader = DirectoryLoader.prototype as unknown as {
		applySpecialNodeParameters(nodeType: INodeType): void;
	};
	loader.applySpecialNodeParameters.call(undefined, type);
	return type;
}

export interface TriggerSetup {
	/** Events, Only When It Becomes, Options; Poll Times default to NEVER_DURING_A_TEST. */
	parameters: INodeParameters;
	/** The WAPing credential's stored data (apiKey, baseUrl, plan). */
	credentials: ICredentialDataDecryptedObject;
	/** The id of the credential the node refers to; default "cred-1". */
	credentialId?: string;
	/** What the poll context's getPollBudgetMs() answers (n8n-core's default: 5 minutes). */
	pollBudgetMs?: number;
	/** The workflow's id; default "wfTrigger1". */
	workflowId?: string;
}

/** n8n 2.41's isWorkflowIdValid (packages/cli utils): static data is saved only for such an id. */
const SAVED_ID_LENGTH = 21;

/** What one poll came to, as n8n would show it. */
export interface PollResult {
	/** The items n8n started an execution with; undefined when the poll started none. */
	emitted?: INodeExecutionData[][];
	/** The poll's error: recorded as a failed execution (a poll on schedule), or the activation's error. */
	error?: Error;
	/** The failed execution n8n stores for a poll on schedule that threw. */
	failedExecution?: IRunExecutionData;
	logs: CapturedLine[];
}

/** What a manual run (Fetch Test Event) came to. */
export interface ManualResult {
	run: IRun;
	items: INodeExecutionData[];
	error: ExecutionError | undefined;
	logs: CapturedLine[];
	/**
	 * The run's static data afterwards, and whether anything set it. n8n does not save static data
	 * after a manual run, so this is the only place a write in manual mode would show.
	 */
	staticData: IDataObject;
	staticDataChanged: boolean;
}

interface Live {
	workflow: Workflow;
	context: IPollFunctions;
	tick: (testingTrigger?: boolean) => Promise<void>;
	last: { emitted?: INodeExecutionData[][]; error?: Error };
}

/** One workflow holding the WAPing Trigger, activated, polled, stopped and started again as n8n does. */
export class TriggerWorkflow {
	/** The workflow's static data as n8n last saved it (what a restart loads). */
	saved: IDataObject = {};

	private live?: Live;

	private readonly nodeTypes = new TestNodeTypes({ [TRIGGER_TYPE]: loadedTriggerType() });

	private readonly credentialType = new WAPingApi();

	constructor(private readonly setup: TriggerSetup) {}

	private get workflowId(): string {
		return this.setup.workflowId ?? WORKFLOW_ID;
	}

	get node(): INode {
		return {
			id: 'waping-trigger-node',
			name: TRIGGER_NAME,
			type: TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { pollTimes: NEVER_DURING_A_TEST, ...this.setup.parameters },
			credentials: {
				wapingApi: { id: this.setup.credentialId ?? 'cred-1', name: 'WAPing account' },
			},
		};
	}

	/** Changes the credential the workflow uses (as a user editing the node and publishing again). */
	useCredential(credentials: ICredentialDataDecryptedObject, credentialId?: string): void {
		this.setup.credentials = credentials;
		this.setup.credentialId = credentialId;
	}

	/** The static data the next poll sees: in memory while active, else as saved. */
	get staticData(): IDataObject {
		return JSON.parse(
			JSON.stringify(this.live ? this.live.workflow.staticData : this.saved),
		) as IDataObject;
	}

	private additional() {
		const helper = new TestCredentialsHelper(
			{ wapingApi: this.credentialType },
			{ wapingApi: this.setup.credentials },
		);
		const hooks = new ExecutionLifecycleHooks('trigger', 'exec-trigger', {
			id: this.workflowId,
			name: 'WAPing Trigger test',
			nodes: [this.node],
			connections: {},
			active: true,
			activeVersionId: null,
			isArchived: false,
			createdAt: new Date(),
			updatedAt: new Date(),
		});
		return additionalData(helper, hooks);
	}

	/**
	 * n8n's WorkflowStaticDataService.saveStaticData: written when it changed, then marked unchanged;
	 * skipped without a word for a workflow id n8n deems invalid.
	 */
	private save(workflow: Workflow): void {
		const data = workflow.staticData as IDataObject & { __dataChanged?: boolean };
		if (data.__dataChanged !== true) return;
		if (typeof workflow.id !== 'string' || workflow.id.length > SAVED_ID_LENGTH) return;
		this.saved = JSON.parse(JSON.stringify(data)) as IDataObject;
		data.__dataChanged = false;
	}

	/**
	 * Publishes the workflow (or starts n8n with it published: mode "init"). The first poll runs at
	 * once; when it throws, the activation fails with its error and the workflow is not active.
	 */
	async activate(mode: WorkflowActivateMode = 'activate'): Promise<PollResult> {
		if (this.live) throw new Error('already active: stop() first');
		const logs = captureLogs();
		const workflow = new Workflow({
			id: this.workflowId,
			name: 'WAPing Trigger test',
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes: this.nodeTypes,
			staticData: JSON.parse(JSON.stringify(this.saved)) as IDataObject,
			settings: {},
		});
		const data = this.additional();
		const last: Live['last'] = {};
		let context: IPollFunctions | undefined;
		const budget = this.setup.pollBudgetMs;
		const getPollFunctions = (
			wf: Workflow,
			node: INode,
			additional: IWorkflowExecuteAdditionalData,
			executionMode: WorkflowExecuteMode,
			activation: WorkflowActivateMode,
		): IPollFunctions => {
			context = new PollContext(
				wf,
				node,
				additional,
				executionMode,
				activation,
				(emitted) => {
					// n8n's __emit: saves the static data, then starts an execution with the items.
					last.emitted = emitted;
					this.save(wf);
				},
				(error) => {
					// n8n's __emitError: a failed execution in the list, and the error workflow.
					last.error = error;
				},
				undefined,
				undefined,
				undefined,
				budget === undefined ? undefined : () => budget,
			);
			return context;
		};
		const triggers = Container.get(ActiveWorkflowTriggers);
		try {
			await triggers.addTriggers(
				this.workflowId,
				workflow,
				[this.node.id],
				data,
				'trigger',
				mode,
				() => {
					throw new Error('the workflow has no trigger node other than the WAPing Trigger');
				},
				getPollFunctions,
			);
		} catch (error) {
			return { ...last, error: error as Error, logs };
		}
		// n8n saves the static data once the workflow is active (the first poll may have set it).
		this.save(workflow);
		if (!context) throw new Error('n8n did not build a poll context');
		const executor = Container.get(PollTriggerExecutor).create(
			workflow,
			workflow.getNode(TRIGGER_NAME) as INode,
			context,
			() => true,
		);
		this.live = { workflow, context, tick: executor, last };
		return { emitted: last.emitted, logs };
	}

	/** One poll on schedule, as the Poll Times cron runs it. */
	async poll(): Promise<PollResult> {
		const live = this.live;
		if (!live) throw new Error('not active: activate() first');
		const logs = captureLogs();
		live.last.emitted = undefined;
		live.last.error = undefined;
		await live.tick();
		const { emitted, error } = live.last;
		const failedExecution = error
			? createErrorExecutionData(live.workflow.getNode(TRIGGER_NAME) as INode, error as never)
			: undefined;
		return { emitted, error, failedExecution, logs };
	}

	/** Unpublishes the workflow, or stops n8n: the crons go, and static data not saved is lost. */
	async stop(): Promise<void> {
		if (!this.live) return;
		this.live = undefined;
		await Container.get(ActiveWorkflowTriggers).remove(this.workflowId);
	}

	/** Fetch Test Event in the editor: a manual run of the workflow from the trigger. */
	async fetchTestEvent(): Promise<ManualResult> {
		const logs = captureLogs();
		const node = this.node;
		const workflow = new Workflow({
			id: this.workflowId,
			name: 'WAPing Trigger test',
			nodes: [node],
			connections: {},
			active: this.live !== undefined,
			nodeTypes: this.nodeTypes,
			staticData: JSON.parse(JSON.stringify(this.saved)) as IDataObject,
			settings: {},
		});
		const runExecutionData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [{ node, data: { main: [[{ json: {} }]] }, source: null }],
			},
		});
		const execution = new WorkflowExecute(
			{ ...this.additional(), executionId: 'exec-manual' },
			'manual',
			runExecutionData,
		);
		const run = await execution.processRunExecutionData(workflow);
		const task = run.data.resultData.runData[TRIGGER_NAME]?.[0];
		const staticData = workflow.staticData as IDataObject & { __dataChanged?: boolean };
		return {
			run,
			items: task?.data?.main?.[0] ?? [],
			error: task?.error ?? run.data.resultData.error,
			logs,
			staticData: JSON.parse(JSON.stringify(staticData)) as IDataObject,
			staticDataChanged: staticData.__dataChanged === true,
		};
	}
}
