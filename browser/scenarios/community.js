'use strict';
// Issue 21, point 7: Settings → Community nodes lists the package npm run dev installed.
const { waitUntil } = require('../editor');

module.exports = function scenario(check, ctx) {
	const { ed, page } = ctx;

	check('Settings → Community nodes lists n8n-nodes-waping', async () => {
		await page.goto(`${ed.baseUrl}/settings/community-nodes`);
		const cards = page.getByTestId('community-package-card');
		let names = [];
		await waitUntil(
			async () => {
				names = (await cards.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
				return names.some((t) => t.includes('n8n-nodes-waping'));
			},
			{
				timeoutMs: 20000,
				describe: () => `the page lists [${names.join(' | ')}]`,
			},
		);
		ctx.findings.communityCard = names.find((t) => t.includes('n8n-nodes-waping'));
	});
};
