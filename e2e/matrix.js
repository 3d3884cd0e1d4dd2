'use strict';
/*
 * One workflow per example that runs the example's nodes once per variant (a credential, an
 * "On Error" setting, parameter overrides), all behind a single Manual Trigger, so one
 * `n8n execute` covers every demo key. Each variant gets a copy of every non-trigger node of the
 * example, named "<node name> [<variant label>]", with the example's own connections.
 */
const crypto = require('crypto');

const { CREDENTIAL_TYPE, NODE_TYPE, clone } = require('../scripts/demo');

const START = 'Start';

const isTrigger = (node) => /trigger$/i.test(node.type);
const isSticky = (node) => node.type === 'n8n-nodes-base.stickyNote';

/** The name a node of the example gets in a variant's copy. */
const copyName = (name, variant) => `${name} [${variant.label}]`;

/**
 * @param {object} example the workflow as shipped (examples/*.json)
 * @param {Array<{label: string, cred: {id: string, name: string, deviceId?: string}, deviceId?: string,
 *   onError?: string, params?: object}>} variants
 * @param {{id: string, name: string}} meta
 * @returns {object} the workflow, ready for import
 */
function buildMatrix(example, variants, meta) {
	const body = example.nodes.filter((n) => !isTrigger(n) && !isSticky(n));
	const triggerNames = new Set(example.nodes.filter(isTrigger).map((n) => n.name));
	// the nodes the triggers feed
	const roots = new Set();
	for (const t of triggerNames) {
		for (const out of (example.connections[t] && example.connections[t].main) || []) for (const c of out || []) roots.add(c.node);
	}
	if (roots.size === 0) throw new Error(`buildMatrix: no trigger of "${example.name}" is connected to anything`);

	const nodes = [{ parameters: {}, id: crypto.randomUUID(), name: START, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [-300, 0] }];
	const connections = { [START]: { main: [[]] } };
	variants.forEach((variant, i) => {
		for (const original of body) {
			const node = clone(original);
			node.name = copyName(original.name, variant);
			node.id = crypto.randomUUID();
			node.position = [original.position[0], original.position[1] + i * 800];
			if (node.type === NODE_TYPE) {
				node.credentials = { [CREDENTIAL_TYPE]: { id: variant.cred.id, name: variant.cred.name } };
				if (node.parameters.operation === 'getStatus') node.parameters.deviceId = variant.deviceId || variant.cred.deviceId;
				if (variant.params) Object.assign(node.parameters, clone(variant.params));
				if (variant.onError) node.onError = variant.onError;
				else delete node.onError;
			}
			nodes.push(node);
			const outs = example.connections[original.name];
			if (outs && outs.main) {
				connections[node.name] = {
					main: outs.main.map((out) => (out || []).map((c) => ({ ...c, node: copyName(c.node, variant) }))),
				};
			}
		}
		for (const r of roots) connections[START].main[0].push({ node: copyName(r, variant), type: 'main', index: 0 });
	});
	return { id: meta.id, name: meta.name, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {}, active: false };
}

module.exports = { buildMatrix, copyName, START };
