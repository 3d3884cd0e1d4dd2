'use strict';
// Issue 21: the README's "Your first workflow", its five steps as written, in the editor: a new
// credential with the Growth demo key (and the simulator's address as Base URL), Trigger manually,
// WAPing → "Send a text message", Device from the list, To, Text, Execute workflow → the message on
// Success with status "queued".
const fs = require('fs');
const path = require('path');

const { REPO, ACTIONS } = require('../lib/product');
const { archiveWorkflow } = require('../lib/canvas');
const { waitUntil, assert, sleep } = require('../editor');

const TO = '+44 20 7946 0958';
const TEXT = 'Hello from my first workflow!';

module.exports = function scenario(check, ctx) {
	const { ed, page, shot, byKey } = ctx;
	const state = {};
	const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
	const steps = readme.slice(
		readme.indexOf('## Your first workflow'),
		readme.indexOf('\n## ', readme.indexOf('## Your first workflow') + 5),
	);
	/** The README's step says these words (bold or italic as there). */
	const says = (...words) => {
		for (const w of words)
			assert(steps.includes(w), `the README's first workflow does not say ${w}`);
	};

	check(
		'README, first workflow, step 1: Overview → Credentials → Create credential → WAPing API → Continue; API Key (and the simulator as Base URL) → Save: n8n tests the key',
		async () => {
			says(
				'**Overview → Credentials**',
				'**Create credential**',
				'**WAPing API**',
				'**Continue**',
				'*API Key*',
				'*Base URL*',
				'**Save**',
			);
			const before = new Set((await ed.rest('/rest/credentials')).map((c) => c.id));
			await page.goto(`${ed.baseUrl}/home/credentials`);
			const create = page.getByTestId('add-resource-credential');
			assert(
				(await create.innerText()).trim() === 'Create credential',
				'no "Create credential" button',
			);
			await create.click();
			await page.getByTestId('new-credential-type-select').locator('input').first().fill('WAPing');
			await page
				.getByTestId('new-credential-type-select-option')
				.filter({ hasText: /^\s*WAPing API\s*$/ })
				.first()
				.click();
			await page.getByTestId('new-credential-type-button').click();
			const dialog = ed.credentialDialog();
			await dialog.waitFor({ state: 'visible' });
			await dialog
				.getByTestId('parameter-input-apiKey')
				.locator('input')
				.fill(byKey('growth').apiKey);
			// the simulator stands in for WAPing here (a real key keeps the Base URL as it is)
			await dialog
				.getByTestId('parameter-input-baseUrl')
				.locator('input')
				.fill(ctx.dev.simulatorUrl);
			await dialog.getByTestId('credential-save-button').click();
			const result = await ed.credentialTestResult();
			assert(result.ok, `the new credential's test failed: ${result.text}`);
			state.credName = (await dialog.getByTestId('credential-name').innerText()).trim();
			const added = (await ed.rest('/rest/credentials')).filter((c) => !before.has(c.id));
			assert(added.length === 1, `Save added ${added.length} credentials`);
			// removed after step 5 (and at the end of the run, if a step failed before)
			state.remove = async () => {
				if (state.removed) return;
				state.removed = true;
				await ed.restCall('DELETE', `/rest/credentials/${added[0].id}`);
			};
			ctx.cleanup.push(() => state.remove());
			await ed.closeCredentialDialog();
		},
	);

	check(
		'README, first workflow, steps 2 to 4: a new workflow, Trigger manually, + → WAPing → Send a text message (your credential), Device From List, To, Text',
		async () => {
			assert(state.credName, 'step 1 made no credential');
			says(
				'**Trigger manually**',
				'click **WAPing**',
				'**+**',
				'*WAPing*',
				'**Send a text message**',
				'**From List**',
				'*To*',
				'*Text*',
			);
			await ed.newWorkflow();
			await ed.searchNodePanel('Trigger manually');
			await ed.clickNodePanelItem('Trigger manually');
			await sleep(500);
			if (await ed.ndv().isVisible()) await ed.closeNdv();
			await page.getByTestId('canvas-handle-plus').first().click();
			await ed.byId('node-creator-search-bar').fill('WAPing');
			await ed.nodePanelItem('WAPing').first().click();
			await ed.openNodePanelCategory('Actions', ACTIONS[0]);
			await ed.clickNodePanelItem('Send a text message');
			await ed.ndv().waitFor({ state: 'visible' });
			let shown = '';
			await waitUntil(async () => (shown = await ed.shownCredential()) === state.credName, {
				timeoutMs: 10000,
				describe: () => `the node's Credential shows "${shown}", not the new "${state.credName}"`,
			});
			const mode = await ed.locatorMode('deviceId');
			assert(mode === 'From list', `Device starts in the mode "${mode}"`);
			await ed.openLocatorList('deviceId');
			await ed.pickLocatorEntry('dev_123 (connected)');
			await ed.ndv().getByTestId('parameter-input-to').locator('input').fill(TO);
			await ed.ndv().getByTestId('parameter-input-text').locator('textarea').fill(TEXT);
			await ed.closeNdv();
			const id = new URL(page.url()).pathname.split('/')[2];
			if (id && id !== 'new') ctx.cleanup.push(() => archiveWorkflow(ed, id));
			state.wapingName = await ed.wapingNodes().first().getAttribute('data-node-name');
		},
	);

	check(
		'README, first workflow, step 5: Execute workflow → the message on Success, with status "queued"',
		async () => {
			assert(state.wapingName, 'steps 2 to 4 added no WAPing node');
			says('**Execute workflow**', '**Success**', '`status: "queued"`');
			await ed.executeWorkflow();
			const node = ed.canvasNode(state.wapingName);
			await waitUntil(
				async () => (await node.getByTestId('canvas-node-status-success').count()) > 0,
				{
					timeoutMs: 60000,
					describe: () => 'the WAPing node shows no success mark',
				},
			);
			await ed.openNode(state.wapingName);
			const tabs = await ed.branchTabs();
			assert(
				tabs.length === 2 &&
					/^Success Branch \(1 item\)/.test(tabs[0]) &&
					/^Offline Branch/.test(tabs[1]) &&
					!/item/.test(tabs[1]),
				`the output pane's branches: [${tabs.join(' | ')}]`,
			);
			await ed.outputDisplay('json');
			let pane = '';
			await waitUntil(
				async () =>
					/"status":\s*"queued"/.test(
						(pane = await ed.ndv().getByTestId('output-panel').innerText()),
					),
				{ timeoutMs: 10000, describe: () => `the item shows: ${pane.slice(0, 300)}` },
			);
			await ed.settle();
			await shot('first-workflow', null);
			await ed.closeNdv();
			// the checks after this one see the demo credentials as npm run dev left them
			await state.remove();
		},
	);
};
