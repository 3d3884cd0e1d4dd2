'use strict';
// The WAPing Trigger from the nodes panel, and its Fetch Test Event.
const { READ_OPTIONS, bannerDevices, seedDevices } = require('../lib/product');
const { waitUntil, assert, sameList } = require('../editor');

module.exports = function scenario(check, ctx) {
	const { ed, shot, defaultCred } = ctx;
	/** The output table's rows, once it shows `n` of them (the count shows before the table fills). */
	const tableRows = async (n) => {
		let rows = [];
		await waitUntil(
			async () =>
				(rows = await ed
					.ndv()
					.getByTestId('output-panel')
					.locator('table tbody tr')
					.allInnerTexts()).length === n,
			{ timeoutMs: 15000, describe: () => `the output table shows ${rows.length} rows, not ${n}` },
		);
		return rows;
	};

	check(
		'WAPing Trigger: "On session changed" adds it with its icon, Growth credential and fields',
		async () => {
			await ed.newWorkflow();
			await ed.searchNodePanel('WAPing');
			await ed.nodePanelItem('WAPing').first().click();
			await ed.openNodePanelCategory('Triggers', 'On session changed');
			await ed.clickNodePanelItem('On session changed');
			await ed.ndv().waitFor({ state: 'visible' });
			await waitUntil(async () => (await ed.triggerNodes().count()) === 1, {
				timeoutMs: 10000,
				describe: () => 'no WAPing Trigger on the canvas',
			});
			const name = await ed.triggerNodes().first().getAttribute('data-node-name');
			assert(name === 'WAPing Trigger', `the trigger is named "${name}" on the canvas`);
			await ed.expectParameters(['mode', 'events', 'becomes']);
			const poll = ed.ndv().getByTestId('fixed-collection-pollTimes');
			assert(
				/Poll Times/.test(await ed.parametersPanel().innerText()) && (await poll.count()) > 0,
				'Poll Times is missing',
			);
			const events = (await ed.ndv().getByTestId('parameter-input-events').innerText())
				.replace(/\s+/g, ' ')
				.trim();
			assert(
				/Session Changed/.test(events) && !/Device Linked|Device Removed/.test(events),
				`Events shows "${events}"`,
			);
			const becomes = await ed.optionLabels('becomes');
			assert(
				sameList(becomes, ['Any', 'Connected', 'Not Connected']),
				`Only When It Becomes lists [${becomes.join(', ')}]`,
			);
			const options = await ed.collectionOptions();
			assert(sameList(options, READ_OPTIONS), `Options lists [${options.join(', ')}]`);
			const shown = await ed.shownCredential();
			assert(shown === defaultCred.name, `the trigger's Credential shows "${shown}"`);
			const icon = await ed.iconOf(ed.triggerNodes().first());
			assert(
				/\/wapingTrigger\.svg$/.test(icon.src),
				`the trigger shows the icon ${icon.src} on the canvas`,
			);
		},
	);

	check('WAPing Trigger: Fetch Test Event shows the devices as sample items', async () => {
		const button = ed.ndv().getByTestId('node-execute-button').first();
		const words = (await button.innerText()).trim();
		assert(words === 'Fetch Test Event', `the trigger's button says "${words}"`);
		await ed.executeStep();
		const expected = (bannerDevices(ctx.dev.output()) || seedDevices()).map((d) => d.split(' ')[0]);
		let count = null;
		await waitUntil(
			async () => (count = await ed.outputItemCount()) === `${expected.length} items`,
			{
				timeoutMs: 60000,
				describe: () => `the output pane says "${count}", expected "${expected.length} items"`,
			},
		);
		await ed.outputDisplay('table');
		const rows = await tableRows(expected.length);
		const parsed = rows.map((r) => r.split('\t').map((c) => c.trim()));
		assert(
			parsed.every((r) => r[0] === 'sample'),
			`not every item is event "sample": ${rows.join(' | ')}`,
		);
		const ids = parsed.map((r) => r[1]);
		assert(
			sameList(ids, expected),
			`sample items for [${ids.join(', ')}], expected [${expected.join(', ')}]`,
		);
		await ed.settle();
		await shot('trigger-fetch-test-event', null);
	});

	check(
		'WAPing Trigger: Fetch Test Event with "Only When It Becomes: Not Connected" shows only the devices that are not connected',
		async () => {
			const all = bannerDevices(ctx.dev.output()) || seedDevices();
			const expected = all.filter((d) => !/\(connected\)$/.test(d)).map((d) => d.split(' ')[0]);
			assert(expected.length > 0 && expected.length < all.length, `the seed: [${all.join(', ')}]`);
			await ed.chooseOption('becomes', 'Not Connected');
			await ed.executeStep();
			let count = null;
			await waitUntil(
				async () => (count = await ed.outputItemCount()) === `${expected.length} items`,
				{
					timeoutMs: 60000,
					describe: () => `the output pane says "${count}", expected "${expected.length} items"`,
				},
			);
			await ed.outputDisplay('table');
			const rows = await tableRows(expected.length);
			const ids = rows.map((r) => r.split('\t')[1].trim());
			assert(
				sameList(ids, expected),
				`sample items for [${ids.join(', ')}], expected the devices not connected [${expected.join(', ')}]`,
			);
			await ed.chooseOption('becomes', 'Any');
			await ed.closeNdv();
		},
	);
};
