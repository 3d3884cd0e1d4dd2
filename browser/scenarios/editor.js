'use strict';
// The editor around the node: the dark theme's icon, importing an example from a file.
const path = require('path');
const { EXAMPLES_DIR } = require('../lib/product');
const { archiveWorkflow } = require('../lib/canvas');
const { waitUntil, assert, sameList } = require('../editor');

module.exports = function scenario(check, ctx) {
	const { ed, page, shot, byKey, defaultCred } = ctx;

	check('dark mode: the canvas uses the dark icon, and it loads', async () => {
		const run = ctx.healthRuns.find((r) => r.cred.keyName === 'growth') || ctx.healthRuns[0];
		assert(run, 'no device health workflow to open');
		await page.evaluate(() => localStorage.setItem('N8N_THEME', 'dark'));
		try {
			await ed.openWorkflow(run.workflow.id);
			const theme = await page.evaluate(
				() => document.body.dataset.theme || document.documentElement.dataset.theme || '',
			);
			assert(theme === 'dark', `the editor's theme is "${theme}" after choosing dark`);
			const icon = await ed.iconOf(ed.canvasNode(run.wapingName));
			assert(
				/\/waping\.dark\.svg$/.test(icon.src),
				`the dark canvas shows ${icon.src}, expected waping.dark.svg`,
			);
			await ed.settle();
			await shot('canvas-dark', null, { hideRunButton: true });
		} finally {
			await page.evaluate(() => localStorage.removeItem('N8N_THEME'));
		}
	});

	check(
		'import: "…" menu → Import → From file; with one credential named "WAPing account" among others, which one the node gets',
		async () => {
			// a credential named as the examples name theirs, older than the Growth one
			const simUrl =
				ctx.dev.simulatorUrl ||
				(await ed.rest(`/rest/credentials/${defaultCred.id}?includeData=true`)).data.baseUrl;
			const account = await ed.restCall('POST', '/rest/credentials', {
				name: 'WAPing account',
				type: 'wapingApi',
				data: { apiKey: byKey('starter').apiKey, baseUrl: simUrl, plan: 'auto' },
			});
			ctx.cleanup.push(() => ed.restCall('DELETE', `/rest/credentials/${account.id}`));
			await ed.restCall('PATCH', `/rest/credentials/${defaultCred.id}`, {
				name: defaultCred.name,
				type: 'wapingApi',
				data: { apiKey: defaultCred.apiKey, baseUrl: simUrl, plan: defaultCred.plan },
			});
			await ed.newWorkflow();
			const words = await ed.importFromFile(path.join(EXAMPLES_DIR, 'device-health-check.json'));
			ctx.findings.importMenu = ['…', ...words].join(' → ');
			assert(sameList(words, ['Import', 'From file']), `the menu says ${ctx.findings.importMenu}`);
			await ed.wapingNodes().first().waitFor({ state: 'visible' });
			const name = await ed.wapingNodes().first().getAttribute('data-node-name');
			await ed.openNode(name);
			let shown = '';
			await waitUntil(async () => (shown = await ed.shownCredential()) !== '', {
				timeoutMs: 10000,
				describe: () => 'the imported node shows no credential',
			});
			ctx.findings.importCredential = shown;
			await ed.closeNdv();
			const id = new URL(page.url()).pathname.split('/')[2];
			if (id && id !== 'new') ctx.cleanup.push(() => archiveWorkflow(ed, id));
			// What n8n 2.41 does (seen here): it does not look for the name; like a new node, the imported
			// node gets the most recently updated WAPing credential.
			assert(
				shown === defaultCred.name,
				`the imported node shows "${shown}"; expected the most recently updated "${defaultCred.name}" (n8n does not match "WAPing account" by name)`,
			);
		},
	);
};
