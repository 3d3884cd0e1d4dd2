'use strict';
/*
 * Issue 21's failure that nobody saw, in real n8n: a WAPing node of version 2 whose key WAPing
 * refuses fails its execution, and n8n runs the workflow's error workflow with the node's words.
 * Started by the WAPing Webhook Trigger, so the execution is a production one (n8n runs error
 * workflows for those, not for manual runs).
 */
const assert = require('assert/strict');
const crypto = require('crypto');

const demo = require('../scripts/demo');
const { demoKeys } = require('../simulator');
const { node, wapingNode, workflow } = require('./harness/workflows');
const kit = require('./webhook-kit');

const FAILING = 'whRevokedV2';
const ERRORS = 'whErrorWf';
const REVOKED = {
	id: 'whRevoked',
	name: 'WAPing webhook e2e: revoked key',
	apiKey: demoKeys.revoked,
};
const WORDS = 'WAPing did not accept the API key';

/** The failing workflow (trigger → WAPing v2 Get Status with the revoked key) and its error workflow. */
function errorWorkflows(triggerCred) {
	const trigger = wapingNode('WAPing Webhook Trigger', { events: ['anyEvent'] }, triggerCred, {
		type: demo.WEBHOOK_TRIGGER_TYPE,
		position: [0, 0],
		webhookId: crypto.randomUUID(),
	});
	const status = wapingNode(
		'Check device session',
		{ resource: 'device', operation: 'getStatus', deviceId: 'dev_123' },
		REVOKED,
		{ typeVersion: 2 },
	);
	return [
		workflow(
			FAILING,
			'webhook e2e: a version 2 WAPing node with a revoked key',
			[trigger, status],
			{
				errorWorkflow: ERRORS,
			},
		),
		workflow(ERRORS, 'webhook e2e: the error workflow', [
			node('Error Trigger', 'n8n-nodes-base.errorTrigger'),
		]),
	];
}

/** Publishes the failing workflow, sends it one event, and checks both executions. */
async function checkErrorWorkflow({ api, check, line, url, secret }) {
	// n8n 2.x runs only a published error workflow (its published version); 1.x runs it as saved
	if (line !== 1) await kit.publishOutcome(api, ERRORS, line);
	const published = await kit.publishOutcome(api, FAILING, line);
	const answer = await kit.postSigned(
		url,
		kit.messageEvent({
			id: kit.newEventId('revoked'),
			deviceId: 'dev_123',
			from: '+4915170000001',
			text: 'hi',
			workspaceId: 'ws_growth',
		}),
		secret,
	);
	const [run] = await kit.settledExecutions(api, FAILING, 1);
	const [handled] = await kit.settledExecutions(api, ERRORS, 1);
	const [item] = await kit.itemsOf(api, handled.id, 'Error Trigger');
	check(
		`a version 2 WAPing node with a revoked key fails its execution (status error), and the error workflow runs with the node's words ("${WORDS} …")`,
		() => {
			assert.equal(published.status, 'published', JSON.stringify(published));
			assert.equal(answer.status, 200, JSON.stringify(answer));
			assert.equal(run.status, 'error', JSON.stringify(run));
			assert.equal(item.workflow.id, FAILING, JSON.stringify(item.workflow));
			assert.equal(String(item.execution.id), String(run.id));
			assert.match(item.execution.error.message, new RegExp(`^${WORDS}`));
			assert.equal(item.execution.lastNodeExecuted, 'Check device session');
		},
	);
}

module.exports = { REVOKED, errorWorkflows, checkErrorWorkflow };
