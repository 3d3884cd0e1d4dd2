'use strict';
// Issue 21, points 1 and 4: what a person sees when WAPing rejects the key or denies a request.
// A new node (version 2) fails the execution, which the Executions list shows; a version 1 example
// that wired Bad Key succeeds with the item there; the Device list's failure says what to do; a
// Device typed By ID survives switching the credential.
const { WAPING, credentialOf, createWorkflow, node, executionRows } = require('../lib/flows');
const { waitUntil, assert } = require('../editor');

const WORKFLOW = 'Browser test: a new WAPing node with the revoked key';
const MANUAL = 'When clicking ‘Execute workflow’';

module.exports = function scenario(check, ctx) {
	const { ed, byKey, defaultCred } = ctx;
	const revoked = byKey('revoked');
	const state = {};

	check(
		'a new WAPing node (version 2) with the revoked key, run from Trigger manually: the node fails with its words, and the Executions list shows the execution as Error',
		async () => {
			state.id = await createWorkflow(ctx, {
				name: WORKFLOW,
				nodes: [
					node(MANUAL, 'n8n-nodes-base.manualTrigger', 1, {}, [0, 0]),
					node(
						'WAPing',
						WAPING,
						2,
						{
							resource: 'device',
							operation: 'getStatus',
							deviceId: { __rl: true, mode: 'id', value: 'dev_123' },
						},
						[220, 0],
						{ credentials: credentialOf(revoked) },
					),
				],
				connections: { [MANUAL]: { main: [[{ node: 'WAPing', type: 'main', index: 0 }]] } },
			});
			await ed.openWorkflow(state.id);
			await ed.executeWorkflow();
			await ed.openNode('WAPing');
			let pane = '';
			await waitUntil(
				async () =>
					/WAPing did not accept the API key/.test(
						(pane = (await ed.ndv().getByTestId('output-panel').innerText()).replace(/\s+/g, ' ')),
					),
				{
					timeoutMs: 60000,
					describe: () => `the output pane shows "${pane.slice(0, 300)}"`,
				},
			);
			assert(
				/Send Down Their Own Outputs/.test(pane),
				`the error does not say how to branch instead: "${pane.slice(0, 400)}"`,
			);
			ctx.findings.failedRun = pane.slice(0, 300);
			await ed.closeNdv();
			const rows = await executionRows(ctx, WORKFLOW, (r) => r.length > 0, {
				what: 'after the run',
			});
			assert(
				/\bError\b/.test(rows[0]) && !/\bSuccess\b/.test(rows[0]),
				`the Executions list shows "${rows[0]}"`,
			);
			ctx.findings.executionsRow = rows[0];
		},
	);

	const v1 = ctx.healthRuns.find((r) => r.cred.keyName === 'revoked');
	if (v1)
		check(
			`a version 1 example that wired Bad Key ("${v1.workflow.name}", run above: its item went to Bad Key): the Executions list shows Success`,
			async () => {
				const rows = await executionRows(ctx, v1.workflow.name, (r) => r.length > 0, {
					what: 'after the example ran',
				});
				assert(
					/\bSuccess\b/.test(rows[0]) && !/\bError\b/.test(rows[0]),
					`the Executions list shows "${rows[0]}"`,
				);
			},
		);

	check(
		'Device By ID keeps dev_123 when the credential changes; From list with the revoked key says what to do and that By ID works meanwhile',
		async () => {
			assert(state.id, 'the workflow of the check above was not made');
			await ed.openWorkflow(state.id);
			await ed.openNode('WAPing');
			const byId = async (what) => {
				const mode = await ed.locatorMode('deviceId');
				const value = await ed.locatorValue('deviceId');
				assert(mode === 'By ID' && value === 'dev_123', `${what}, Device shows ${mode} "${value}"`);
			};
			await byId('with the revoked key');
			await ed.selectCredential(defaultCred.id);
			await byId(`switched to "${defaultCred.name}"`);
			await ed.selectCredential(revoked.id);
			await byId(`switched back to "${revoked.name}"`);
			await ed.chooseLocatorMode('deviceId', 'From list');
			if (!(await ed.page.getByTestId('rlc-search').isVisible()))
				await ed.resourceLocator('deviceId').getByTestId('rlc-input').click();
			const error = ed.page.getByTestId('rlc-error-container');
			let text = '';
			await waitUntil(
				async () =>
					(await error.isVisible()) &&
					/By ID/.test((text = (await error.innerText()).replace(/\s+/g, ' '))),
				{ timeoutMs: 20000, describe: () => `the Device list shows "${text}"` },
			);
			assert(
				/did not accept the API key/.test(text) && /valid key/i.test(text),
				`the Device list's failure does not say what happened and what to do: "${text}"`,
			);
			assert(
				/switch the Device field to "By ID"/.test(text),
				`the Device list's failure does not say that By ID works: "${text}"`,
			);
			ctx.findings.deviceListFailure = text;
			await ed.page.keyboard.press('Escape');
			await ed.closeNdv();
		},
	);
};
