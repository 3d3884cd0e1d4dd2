'use strict';
// The example workflows npm run dev imported, run on the canvas.
const { OUTPUT_LABELS, READ_LABELS } = require('../lib/product');
const { runExample, checkOutputPane } = require('../lib/canvas');

module.exports = function scenario(check, ctx) {
	const { ed, shot } = ctx;

	// the device health example, once per kind of outcome among the demo credentials
	for (const run of ctx.healthRuns) {
		const outputName = READ_LABELS[run.cred.expect.output];
		check(
			`runs "${run.workflow.name}": 1 item on ${outputName}${run.cred.expect.output ? `, and a warning naming ${outputName}` : ''}`,
			async () => {
				await runExample(ctx, run, { labels: READ_LABELS });
				if (run.cred.keyName === 'growth') {
					await ed.settle();
					await shot('workflow-run', null, { hideRunButton: true });
				}
				await checkOutputPane(ctx, run, { labels: READ_LABELS });
				await ed.closeNdv();
			},
		);
	}

	const sendRun = ctx.sendRuns.find((r) => r.cred.keyName === 'growth');
	if (sendRun) {
		check(`runs "${sendRun.workflow.name}": 1 item on Success`, async () => {
			await runExample(ctx, sendRun, { labels: OUTPUT_LABELS });
			await checkOutputPane(ctx, sendRun, { labels: OUTPUT_LABELS });
			await ed.closeNdv();
		});
		check(
			`the same with Device dev_789 (disconnected) picked from the list: 1 item on Offline, and a warning naming it`,
			async () => {
				const notConnected = {
					...sendRun,
					deviceId: 'dev_789',
					cred: { ...sendRun.cred, expect: { output: 3 } },
				};
				await ed.openNode(sendRun.wapingName);
				await ed.openLocatorList('deviceId');
				await ed.pickLocatorEntry('dev_789 (disconnected)');
				await ed.closeNdv();
				try {
					await runExample(ctx, notConnected, {
						labels: OUTPUT_LABELS,
						open: false,
						note: 'dev_789',
					});
					await ed.settle();
					await shot('send-not-connected', null, { hideRunButton: true });
					await checkOutputPane(ctx, notConnected, { labels: OUTPUT_LABELS });
				} finally {
					// back as it was imported (n8n 2.41 saves workflow changes on its own)
					if (!(await ed.ndv().isVisible())) await ed.openNode(sendRun.wapingName);
					await ed.openLocatorList('deviceId');
					await ed.pickLocatorEntry('dev_123 (connected)');
					await ed.closeNdv();
				}
			},
		);
	}
};
