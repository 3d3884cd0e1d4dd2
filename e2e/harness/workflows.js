'use strict';
/*
 * Workflows of the real-n8n suites: nodes, connections, credentials, and what the editor's REST API
 * does with them (activate, publish, list the node types, read executions). Import goes through the
 * n8n CLI (stack.n8nFolder(...).importWorkflow). Plain CommonJS for Node 20.
 */
const crypto = require('crypto');

const rt = require('../../scripts/n8n-runtime');
const demo = require('../../scripts/demo');
const { waitFor } = require('./util');

/** A node; `extra` adds fields such as credentials or webhookId. */
function node(name, type, parameters = {}, { typeVersion = 1, position = [0, 0], ...extra } = {}) {
	return { id: crypto.randomUUID(), name, type, typeVersion, position, parameters, ...extra };
}

/** A WAPing node (or WAPing Trigger with `type`) using the credential { id, name }. */
function wapingNode(name, parameters, cred, { type = demo.NODE_TYPE, ...extra } = {}) {
	return node(name, type, parameters, {
		position: [240, 0],
		credentials: { [demo.CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } },
		...extra,
	});
}

/** The credentials' import form: { id, name, apiKey, plan } with the simulator as Base URL. */
function credentials(list, baseUrl) {
	return list.map((c) => ({
		id: c.id,
		name: c.name,
		type: c.type || demo.CREDENTIAL_TYPE,
		data: { apiKey: c.apiKey, baseUrl, plan: c.plan || 'auto' },
	}));
}

/** Connections of nodes one after the other. */
function chain(nodes) {
	const connections = {};
	for (let i = 0; i + 1 < nodes.length; i++)
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return connections;
}

/** A workflow of `nodes` connected one after the other (`settings` added to executionOrder v1). */
function workflow(id, name, nodes, settings = {}) {
	return {
		id,
		name,
		nodes,
		connections: chain(nodes),
		settings: { executionOrder: 'v1', ...settings },
		pinData: {},
		active: false,
	};
}

/**
 * Poll Times of a WAPing Trigger polling every `seconds`: n8n refuses a cron that fires more than
 * once a minute, but accepts several Custom crons of one fixed second each ("0 * * * * *", "3 * …").
 */
const fastPollTimes = (seconds) => ({
	item: Array.from({ length: 60 / seconds }, (_, i) => ({
		mode: 'custom',
		cronExpression: `${i * seconds} * * * * *`,
	})),
});

/** The editor's REST API of one n8n, logged in: rest(method, path, body) resolves `data` or throws. */
function editor(baseUrl, cookie) {
	const api = {
		baseUrl,
		cookie,
		request: (method, urlPath, opts = {}) =>
			rt.request(baseUrl, method, urlPath, { cookie, ...opts }),
		async rest(method, urlPath, body) {
			const r = await api.request(method, urlPath, { body });
			if (r.status !== 200)
				throw new Error(`${method} ${urlPath}: ${r.status} ${r.text.slice(0, 500)}`);
			return r.body.data;
		},
		/** POST /rest/workflows/:id/activate with its versionId: the raw answer. */
		async activate(id) {
			const { versionId } = await api.rest('GET', `/rest/workflows/${id}`);
			return await api.request('POST', `/rest/workflows/${id}/activate`, { body: { versionId } });
		},
		async deactivate(id) {
			await api.rest('POST', `/rest/workflows/${id}/deactivate`);
		},
		/**
		 * Publishes a workflow as the editor does and waits for the outcome, in 2.x's
		 * publication-status shape ({ status, triggers: [{ status, errorMessage }] }) on both lines:
		 * n8n 1.x activates within the request (200, or 400 with the activation's error).
		 */
		async publish(id, line) {
			const r = await api.activate(id);
			if (line === 1) {
				if (r.status === 200) return { status: 'published', triggers: [{ status: 'activated' }] };
				const errorMessage = r.body && r.body.message ? r.body.message : r.text.slice(0, 500);
				return {
					status: 'failed',
					httpStatus: r.status,
					triggers: [{ status: 'failed', errorMessage }],
				};
			}
			if (r.status !== 200)
				throw new Error(`POST /rest/workflows/${id}/activate: ${r.status} ${r.text.slice(0, 500)}`);
			return await waitFor(`publication of ${id}`, 20000, async () => {
				const status = await api.rest('GET', `/rest/workflows/${id}/publication-status`);
				return status.status === 'in_progress' ? undefined : status;
			});
		},
		/** The node types n8n lists (/types/nodes.json), [] when it answers something else. */
		async nodeTypes() {
			const types = (await api.request('GET', '/types/nodes.json')).body;
			return Array.isArray(types) ? types : [];
		},
		/** An execution with its data decoded (GET /rest/executions/:id). */
		execution: (id) => rt.getExecution(baseUrl, cookie, id),
	};
	return api;
}

module.exports = { node, wapingNode, credentials, chain, workflow, fastPollTimes, editor };
