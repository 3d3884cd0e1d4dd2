'use strict';
// Issue 21, point 2: the simulator page at the address npm run dev's banner printed. A person sees
// the workspaces, their devices and states, clicks Disconnect, and a published workflow started by
// that session change shows in the Executions list. (The WAPing Webhook Trigger's Session Changed:
// immediate, where the polling WAPing Trigger waits for its next minute.)
const crypto = require('crypto');

const flows = require('../lib/flows');
const { waitUntil, assert, sameList } = require('../editor');

const WORKFLOW = 'Browser test: alert when a session drops';

module.exports = function scenario(check, ctx) {
	const { ed, page, shot, defaultCred } = ctx;

	check(
		"simulator page: the banner's address shows the workspaces and their devices with their states; Disconnect on dev_123 → the published workflow's execution appears in the Executions list",
		async () => {
			assert(ctx.dev.simulatorUrl, "npm run dev's banner printed no Simulator line");
			const webhookId = crypto.randomUUID();
			const id = await flows.createWorkflow(ctx, {
				name: WORKFLOW,
				nodes: [
					flows.node(
						'WAPing Webhook Trigger',
						flows.WEBHOOK_TRIGGER,
						1,
						{ events: ['sessionChanged'] },
						[0, 0],
						{ webhookId, credentials: flows.credentialOf(defaultCred) },
					),
					flows.node('Session changed', 'n8n-nodes-base.noOp', 1, {}, [220, 0]),
				],
				connections: {
					'WAPing Webhook Trigger': {
						main: [[{ node: 'Session changed', type: 'main', index: 0 }]],
					},
				},
			});
			await flows.publishWorkflow(ed, id);
			const restore = await flows.borrowGrowthWebhook(ctx, {
				url: `${ed.baseUrl}/webhook/${webhookId}`,
				handshake: 'get',
			});
			try {
				await page.goto(ctx.dev.simulatorUrl);
				await page.getByRole('heading', { name: 'WAPing simulator' }).waitFor();
				for (const w of ['ws_growth', 'ws_starter', 'ws_pro', 'ws_free'])
					assert(
						await page.locator(`section[data-workspace="${w}"]`).isVisible(),
						`the page does not show the workspace ${w}`,
					);
				const growth = page.locator('section[data-workspace="ws_growth"]');
				const rows = await growth
					.locator('tr[data-device-row]')
					.evaluateAll((els) =>
						els.map((e) => `${e.dataset.deviceRow} (${e.cells[1].innerText.trim()})`),
					);
				// the states as WAPing words them (the simulator's seed), e.g. PAIRING
				const expected = ctx.demo
					.demoWorkspaces()
					.find((w) => w.id === 'ws_growth')
					.devices.map((d) => `${d.id} (${d.status})`);
				assert(
					sameList(rows, expected),
					`ws_growth's devices on the page: [${rows.join(', ')}], expected [${expected.join(', ')}]`,
				);
				const disconnect = page.locator(
					'tr[data-device-row="dev_123"] button[data-status="disconnected"]',
				);
				assert((await disconnect.innerText()).trim() === 'Disconnect', 'no Disconnect button');
				await disconnect.click();
				let notice = '';
				await waitUntil(
					async () =>
						(notice = (await page.locator('#notice').innerText()).trim()) ===
						'dev_123 is now disconnected.',
					{ timeoutMs: 10000, describe: () => `the page says "${notice}"` },
				);
				await waitUntil(
					async () =>
						(await page.locator('tr[data-device-row="dev_123"]').getAttribute('data-status')) ===
						'disconnected',
					{ timeoutMs: 10000, describe: () => 'dev_123 does not show as disconnected' },
				);
				// the delivery to the workflow, on the page too, before the screenshot
				await page
					.getByText(/session\.changed/)
					.first()
					.waitFor({ timeout: 15000 })
					.catch(() => {});
				await page.mouse.move(0, 0);
				await shot('simulator-page', null);
				const list = await flows.executionRows(ctx, WORKFLOW, (r) => r.length > 0, {
					what: 'after Disconnect',
				});
				assert(/\bSuccess\b/.test(list[0]), `the Executions list shows "${list[0]}"`);
				ctx.findings.simulatorRun = list[0];
			} finally {
				// as it was, for the checks after this one (the page's Connect does the same)
				await flows.sim(ctx, 'POST', '/__sim/devices', { id: 'dev_123', status: 'connected' });
				await restore();
				await ed.restCall('POST', `/rest/workflows/${id}/deactivate`, {}).catch(() => {});
			}
		},
	);
};
