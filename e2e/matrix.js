'use strict';
/*
 * One workflow per example that runs the example's nodes once per variant (a credential, an
 * "On Error" setting, a device, parameter overrides), all behind a single Manual Trigger, so one
 * `n8n execute` covers every demo key. Each variant gets a copy of every non-trigger node of the
 * example, named "<node name> [<variant label>]", with the example's own connections.
 */
const crypto = require('crypto');

const { CREDENTIAL_TYPE, NODE_TYPE, clone } = require('../scripts/demo');

const START = 'Start';

const isTrigger = (node) => /trigger$/i.test(node.type);
const isSticky = (node) => node.type === 'n8n-nodes-base.stickyNote';
const isPlainObject = (x) => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * The name a node of the example gets in a variant's copy; `variant.ns` (the example's) keeps the
 * copies of several examples apart in one workflow (mergeMatrices).
 */
const copyName = (name, variant) =>
	`${name} [${variant.ns ? `${variant.ns}: ` : ''}${variant.label}]`;

/** `over` merged into `base`: nested plain objects (a collection such as Options) merge, the rest is replaced. */
function merge(base, over) {
	const outObj = { ...base };
	for (const [k, v] of Object.entries(over))
		outObj[k] =
			isPlainObject(v) && isPlainObject(base[k]) && v.__rl === undefined
				? merge(base[k], v)
				: clone(v);
	return outObj;
}

/**
 * The Device parameter for a variant, in the form the example stores it unless the variant asks for
 * another: `deviceIdForm` 'id' (a resource locator "By ID") or 'string' (a plain string, as older
 * workflows store it).
 */
function deviceParameter(stored, deviceId, form) {
	if (form === 'string') return deviceId;
	if (form === 'id') return { __rl: true, mode: 'id', value: deviceId };
	if (isPlainObject(stored) && stored.__rl === true)
		return {
			...stored,
			value: deviceId,
			...('cachedResultName' in stored ? { cachedResultName: deviceId } : {}),
		};
	return deviceId;
}

/** Whether a WAPing node's operation takes a Device parameter. */
const takesDevice = (parameters) => 'deviceId' in parameters;

/**
 * @param {object} example the workflow as shipped (examples/*.json)
 * @param {Array<{label: string, cred: {id: string, name: string, deviceId?: string}, deviceId?: string,
 *   deviceIdForm?: 'id'|'string', onError?: string, params?: object,
 *   nodeParams?: Record<string, object>}>} variants `params` merge into the WAPing node's parameters,
 *   `nodeParams` into the parameters of the other nodes, by their name in the example
 * @param {{id: string, name: string}} meta
 * @returns {object} the workflow, ready for import
 */
function buildMatrix(example, variants, meta) {
	const body = example.nodes.filter((n) => !isTrigger(n) && !isSticky(n));
	const triggerNames = new Set(example.nodes.filter(isTrigger).map((n) => n.name));
	// the nodes the triggers feed
	const roots = new Set();
	for (const t of triggerNames) {
		for (const out of (example.connections[t] && example.connections[t].main) || [])
			for (const c of out || []) roots.add(c.node);
	}
	if (roots.size === 0)
		throw new Error(`buildMatrix: no trigger of "${example.name}" is connected to anything`);

	const nodes = [
		{
			parameters: {},
			id: crypto.randomUUID(),
			name: START,
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [-300, 0],
		},
	];
	const connections = { [START]: { main: [[]] } };
	variants.forEach((variant, i) => {
		for (const name of Object.keys(variant.nodeParams || {})) {
			if (!body.some((n) => n.name === name))
				throw new Error(
					`buildMatrix: variant ${variant.label} sets parameters of "${name}", which "${example.name}" does not have`,
				);
		}
		for (const original of body) {
			const node = clone(original);
			node.name = copyName(original.name, variant);
			node.id = crypto.randomUUID();
			node.position = [original.position[0], original.position[1] + i * 800];
			if (node.type === NODE_TYPE) {
				node.credentials = { [CREDENTIAL_TYPE]: { id: variant.cred.id, name: variant.cred.name } };
				if (takesDevice(node.parameters))
					node.parameters.deviceId = deviceParameter(
						node.parameters.deviceId,
						variant.deviceId || variant.cred.deviceId,
						variant.deviceIdForm,
					);
				if (variant.params) node.parameters = merge(node.parameters, variant.params);
				if (variant.onError) node.onError = variant.onError;
				else delete node.onError;
			} else if (variant.nodeParams && variant.nodeParams[original.name]) {
				node.parameters = merge(node.parameters, variant.nodeParams[original.name]);
			}
			nodes.push(node);
			const outs = example.connections[original.name];
			if (outs && outs.main) {
				connections[node.name] = {
					main: outs.main.map((out) =>
						(out || []).map((c) => ({ ...c, node: copyName(c.node, variant) })),
					),
				};
			}
		}
		for (const r of roots)
			connections[START].main[0].push({ node: copyName(r, variant), type: 'main', index: 0 });
	});
	return {
		id: meta.id,
		name: meta.name,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

/**
 * Several matrix workflows as one, behind one Start, so that one `n8n execute` runs them all. Their
 * node names must not clash (give each example's variants their own `ns`).
 */
function mergeMatrices(workflows, meta) {
	const nodes = [workflows[0].nodes.find((n) => n.name === START)];
	const connections = { [START]: { main: [[]] } };
	const names = new Set([START]);
	workflows.forEach((wf, k) => {
		for (const n of wf.nodes) {
			if (n.name === START) continue;
			if (names.has(n.name)) throw new Error(`mergeMatrices: two nodes are named "${n.name}"`);
			names.add(n.name);
			nodes.push({ ...n, position: [n.position[0] + k * 2000, n.position[1]] });
		}
		for (const [name, c] of Object.entries(wf.connections)) {
			if (name === START) connections[START].main[0].push(...c.main[0]);
			else connections[name] = c;
		}
	});
	return { ...workflows[0], id: meta.id, name: meta.name, nodes, connections };
}

module.exports = { buildMatrix, mergeMatrices, copyName, START };
