'use strict';
// One measurement in a fresh process: a node run through n8n-core's real WorkflowExecute (as the
// test harness runs it), with real HTTP to the simulator. Prints one JSON line and exits.
//
//   node bench/lib/inprocess.js '{"node":"waping"|"minimal"|"noop","items":N,"baseUrl":"...","warm":0}'
// With "warm": W, the same run is made W times before the measured one (cold: the first run in the
// process), as in a long-running n8n.
//
// The WAPing node is the built one (dist/), as n8n loads it; the credentials step and the rest of
// what WorkflowExecute needs are the test harness's (test/harness/credentials.ts and
// additional-data.ts, transpiled here): it applies the credential's `authenticate` block the way
// n8n's CLI does.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { Minimal } = require('../minimal-node/Minimal.node');
const { measure, workerMain } = require('./memory');
const { API_KEY, deviceIdFor, deviceIds } = require('./workload');

const root = path.resolve(__dirname, '..', '..');
process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'waping-bench-'));
process.env.N8N_LOG_LEVEL = 'silent';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';

/** Loads a .ts file of this repository, transpiled on the fly (no type check: tsc does that in the build). */
function requireTs(file) {
	const ts = require('typescript');
	const Module = require('node:module');
	const source = fs.readFileSync(file, 'utf8');
	const { outputText } = ts.transpileModule(source, {
		compilerOptions: {
			module: ts.ModuleKind.CommonJS,
			target: ts.ScriptTarget.ES2022,
			esModuleInterop: true,
		},
		fileName: file,
	});
	const mod = new Module(file, module);
	mod.filename = file;
	mod.paths = Module._nodeModulePaths(path.dirname(file));
	mod._compile(outputText, file);
	return mod.exports;
}

const silent = { error() {}, warn() {}, info() {}, debug() {} };
silent.scoped = () => silent;

/** n8n's NoOp node, verbatim in what it does: the input items are the output. */
class PassThrough {
	constructor() {
		this.description = {
			displayName: 'No Operation, do nothing',
			name: 'noOp',
			group: ['organization'],
			version: 1,
			description: 'No Operation',
			defaults: { name: 'No Operation, do nothing' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [],
		};
	}

	async execute() {
		return [this.getInputData()];
	}
}

/** The node's time and output sizes, once its output is checked: an item per input item, each its own device. */
function checked(run, name, field, count) {
	const task = run.data.resultData.runData[name]?.[0];
	const error = task?.error ?? run.data.resultData.error;
	if (error) throw new Error(`the node failed: ${error.message}`);
	const answered = task.data.main?.[0] ?? [];
	if (
		answered.length !== count ||
		answered.some((item, i) => item.json[field] !== deviceIdFor(i))
	) {
		throw new Error(`expected ${count} items answering their own device, got ${answered.length}`);
	}
	return {
		nodeMs: task.executionTime,
		outputs: (task.data.main ?? []).map((list) => (list ?? []).length),
	};
}

async function main() {
	const args = JSON.parse(process.argv[2]);
	const { Logger } = require('@n8n/backend-common');
	const { Container } = require('@n8n/di');
	const { ExecutionLifecycleHooks, WorkflowExecute } = require('n8n-core');
	const { createRunExecutionData, LoggerProxy, NodeHelpers, Workflow } = require('n8n-workflow');
	Container.set(Logger, silent);
	LoggerProxy.init(silent);

	const { Waping } = require(path.join(root, 'dist/nodes/Waping/Waping.node.js'));
	const { WAPingApi } = require(path.join(root, 'dist/credentials/WAPingApi.credentials.js'));
	const { TestCredentialsHelper } = requireTs(path.join(root, 'test/harness/credentials.ts'));
	const { additionalData } = requireTs(path.join(root, 'test/harness/additional-data.ts'));

	const kinds = {
		waping: {
			type: 'n8n-nodes-waping.waping',
			make: () => new Waping(),
			parameters: { resource: 'device', operation: 'getStatus', deviceId: '={{ $json.deviceId }}' },
		},
		minimal: { type: 'n8n-nodes-bench.minimal', make: () => new Minimal(), parameters: {} },
		noop: { type: 'n8n-nodes-base.noOp', make: () => new PassThrough(), parameters: {} },
	};
	const kind = kinds[args.node];
	if (!kind) throw new Error(`unknown node "${args.node}"`);
	const usesApi = args.node !== 'noop';
	const nodeType = kind.make();
	const node = {
		id: 'bench-node',
		name: 'Node',
		type: kind.type,
		typeVersion: 1,
		position: [0, 0],
		parameters: kind.parameters,
		...(usesApi ? { credentials: { wapingApi: { id: 'bench-cred', name: 'WAPing bench' } } } : {}),
	};
	const nodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: (_name, version) => NodeHelpers.getVersionedNodeType(nodeType, version),
		getKnownTypes: () => ({}),
	};
	const workflowData = {
		id: 'wf-bench',
		name: 'bench',
		nodes: [node],
		connections: {},
		active: false,
		settings: {},
	};
	const workflow = new Workflow({ ...workflowData, nodeTypes });
	const helper = new TestCredentialsHelper(
		{ wapingApi: new WAPingApi() },
		{ wapingApi: { apiKey: API_KEY, baseUrl: args.baseUrl } },
	);
	const hooks = new ExecutionLifecycleHooks('manual', 'exec-bench', {
		...workflowData,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
	});
	const data = additionalData(helper, hooks);

	/** A WorkflowExecute for one run of the node over the given items, ready to start. */
	const prepare = (items) => {
		const runExecutionData = createRunExecutionData({
			executionData: { nodeExecutionStack: [{ node, data: { main: [items] }, source: null }] },
		});
		return new WorkflowExecute(
			{ ...data, currentNodeExecutionIndex: 0 },
			'manual',
			runExecutionData,
		);
	};
	const newItems = () => deviceIds(args.items).map((deviceId) => ({ json: { deviceId } }));
	const { result, ms, measuredFrom, rssBefore, peakRss } = await measure(() => {
		const execution = prepare(newItems());
		return () => execution.processRunExecutionData(workflow);
	}, args.warm);
	const { nodeMs, outputs } = checked(result, node.name, usesApi ? 'id' : 'deviceId', args.items);
	return { nodeMs, wallMs: ms, measuredFrom, outputs, rssBefore, peakRss };
}

workerMain(main, () => fs.rmSync(process.env.N8N_USER_FOLDER, { recursive: true, force: true }));
