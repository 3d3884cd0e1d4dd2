'use strict';
// The credential dialog of each kind of demo key: its test result, its words and its docs link.
const { waitUntil, assert } = require('../editor');

module.exports = function scenario(check, ctx) {
	const { ed, page, shot, byKey } = ctx;

	const dialogCases = [
		{ cred: byKey('growth'), shotName: 'credential-test-ok' },
		{ cred: byKey('revoked'), shotName: 'credential-test-401' },
		{ cred: byKey('free'), shotName: 'credential-test-403' },
		{ cred: byKey('sendOnly') },
	].filter((x) => x.cred);
	for (const { cred, shotName } of dialogCases) {
		const outcome = cred.testCode === 200 ? 'passes' : `fails with the ${cred.testCode} message`;
		check(
			`credential dialog: "${cred.name}" ${outcome}${cred.testCode === 200 ? '; its docs link leads to this package' : ''}`,
			async () => {
				if (!(await ed.ndv().isVisible()))
					await ed.openNode(await ed.wapingNodes().first().getAttribute('data-node-name'));
				await ed.openCredential(cred.id);
				const result = await ed.credentialTestResult();
				if (cred.testCode === 200) {
					assert(result.ok, `the test failed: ${result.text}`);
					assert(
						/Connection tested successfully/.test(result.text),
						`unexpected text: ${result.text}`,
					);
				} else {
					assert(!result.ok, `the test passed; expected the ${cred.testCode} message`);
					const message = ctx.messages[cred.testCode];
					assert(
						result.text.includes(message),
						`the dialog says "${result.text}", expected "${message}"`,
					);
				}
				if (shotName) await shot(shotName, ed.credentialDialog());
				if (cred.testCode === 200) {
					// the dialog's "docs" opens a new tab: which address it asks for (refused here, as anything outside 127.0.0.1)
					const asked = [];
					const onRequest = (r) => asked.push(r.url());
					page.context().on('request', onRequest);
					const [tab] = await Promise.all([
						page.context().waitForEvent('page', { timeout: 10000 }),
						ed.credentialDialog().getByText('docs', { exact: true }).click(),
					]);
					await waitUntil(() => asked.some((u) => !u.startsWith(ctx.dev.baseUrl)), {
						timeoutMs: 10000,
						describe: () => 'the docs tab asked for nothing',
					}).finally(() => page.context().off('request', onRequest));
					await tab.close();
					const url = asked.find((u) => !u.startsWith(ctx.dev.baseUrl));
					assert(
						url.startsWith(ctx.homepage),
						`the credential's docs link leads to ${url}, not this package`,
					);
				}
				await ed.closeCredentialDialog();
			},
		);
	}
};
