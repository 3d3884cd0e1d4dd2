'use strict';
// Issue 20: the WAPing Webhook Trigger in the editor. From the nodes panel, its Test and Production
// URLs shown in the node, and "Listen for test event" receiving a message the simulator delivers as
// WAPing would (signed, to the URL registered for the Growth workspace).
const { waitUntil, assert, sleep } = require('../editor');
const flows = require('../lib/flows');

const FROM = '+4915112345678';
const TEXT = 'Browser test: is my order on its way?';

module.exports = function scenario(check, ctx) {
	const { ed, page, defaultCred } = ctx;
	const state = {};
	const paramsText = async () =>
		(await ed.ndv().innerText()).replace(/\s+/g, ' ').replace(/\u200b/g, '');

	check(
		'WAPing Webhook Trigger: added from the nodes panel ("WAPing Webhook"), with the Growth credential; the node shows its Test URL and Production URL',
		async () => {
			await ed.newWorkflow();
			await ed.searchNodePanel('WAPing Webhook');
			const item = ed.nodePanelItem('WAPing Webhook').first();
			await item.waitFor({ state: 'visible' });
			await item.click();
			// a node with one trigger and no actions is added at once; otherwise its page lists the trigger
			await sleep(1000);
			if (!(await ed.ndv().isVisible())) {
				await ed.nodeCreator().getByTestId('item-iterator-item').first().click();
			}
			await ed.ndv().waitFor({ state: 'visible' });
			let shown = '';
			await waitUntil(async () => (shown = await ed.shownCredential()) === defaultCred.name, {
				timeoutMs: 10000,
				describe: () => `the trigger's Credential shows "${shown}"`,
			});
			let text = await paramsText();
			const urls = ed.ndv().getByText('Webhook URLs').first();
			if (!/\/webhook-test\//.test(text) && (await urls.isVisible())) await urls.click();
			const base = ed.baseUrl.replace(/[.]/g, '\\.');
			let m = null;
			await waitUntil(
				async () =>
					(m = new RegExp(`${base}/webhook-test/([0-9a-f-]{36})`).exec(
						(text = await paramsText()),
					)),
				{ timeoutMs: 10000, describe: () => `the node shows no Test URL: "${text.slice(0, 500)}"` },
			);
			state.webhookId = m[1];
			state.testUrl = `${ed.baseUrl}/webhook-test/${state.webhookId}`;
			await ed.ndv().getByText('Production URL', { exact: true }).first().click();
			const production = `${ed.baseUrl}/webhook/${state.webhookId}`;
			await waitUntil(async () => (text = await paramsText()).includes(production), {
				timeoutMs: 10000,
				describe: () => `the node shows no Production URL ${production}: "${text.slice(0, 500)}"`,
			});
			assert(
				/Publish this workflow, then add its Production URL/.test(text),
				'the node does not say what to do with the Production URL',
			);
			await ed.ndv().getByText('Test URL', { exact: true }).first().click();
		},
	);

	check(
		'WAPing Webhook Trigger: listening for a test event ("Execute step"), the simulator sends a message to dev_123 as a contact → the item with event, from, text, deviceId',
		async () => {
			assert(state.testUrl, 'the check above found no Test URL');
			const button = ed.ndv().getByTestId('node-execute-button').first();
			const words = (await button.innerText()).trim();
			// n8n 2.41 words it "Execute step" (1.x: "Listen for test event"); either way it listens
			assert(
				/^(Execute step|Listen for test event)$/i.test(words),
				`the trigger's button says "${words}"`,
			);
			await button.click();
			await ed.ndv().getByTestId('trigger-listening').first().waitFor({ state: 'visible' });
			// what a person does in WAPing's developer settings: the URL for the workspace (no handshake:
			// n8n listens for one request only)
			const restore = await flows.borrowGrowthWebhook(ctx, {
				url: state.testUrl,
				handshake: 'none',
			});
			try {
				await flows.sim(ctx, 'POST', '/__sim/inbound', {
					deviceId: 'dev_123',
					from: FROM,
					text: TEXT,
				});
				let pane = '';
				await waitUntil(
					async () =>
						(pane = (await ed.ndv().getByTestId('output-panel').innerText()).replace(
							/\s+/g,
							' ',
						)).includes(TEXT),
					{
						timeoutMs: 30000,
						describe: () => `the output pane shows "${pane.slice(0, 300)}"`,
					},
				);
				let count = null;
				await waitUntil(async () => (count = await ed.outputItemCount()) === '1 item', {
					timeoutMs: 10000,
					describe: () => `the output pane says "${count}"`,
				});
				await ed.outputDisplay('json');
				const fields = [
					['event', 'message.received'],
					['deviceId', 'dev_123'],
					['from', FROM],
					['text', TEXT],
				];
				const has = (json, [field, value]) =>
					new RegExp(`"${field}": "${value.replace(/[+?.]/g, '\\$&')}"`).test(json);
				let json = '';
				// the JSON view renders after the click
				await waitUntil(
					async () => {
						const text = await ed.ndv().getByTestId('output-panel').innerText();
						json = text.replace(/\s+/g, ' ');
						return fields.every((f) => has(json, f));
					},
					{
						timeoutMs: 10000,
						describe: () =>
							`the item lacks ${fields
								.filter((f) => !has(json, f))
								.map(([f, v]) => `"${f}": "${v}"`)
								.join(', ')}: ${json.slice(0, 500)}`,
					},
				);
				await ed.outputDisplay('table');
			} finally {
				await restore();
			}
			await ed.closeNdv();
			await page.keyboard.press('Escape').catch(() => {});
		},
	);
};
