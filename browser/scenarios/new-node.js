'use strict';
// A new WAPing node from the nodes panel: its entries, the Device locator, a first run, its labels.
const {
	READ_LABELS,
	ACTIONS,
	TRIGGER_ENTRIES,
	bannerDevices,
	seedDevices,
} = require('../lib/product');
const { checkLooseLabels } = require('../lib/canvas');
const { waitUntil, assert, sameList } = require('../editor');

module.exports = function scenario(check, ctx) {
	const { ed, shot, defaultCred } = ctx;

	// (an n8n started elsewhere, WAPING_BROWSER_URL, printed no banner here to read)
	if (ctx.dev.output())
		check(
			"npm run dev: the banner lists each demo workspace's devices with their states",
			async () => {
				const printed = bannerDevices(ctx.dev.output());
				assert(printed, 'the banner has no device lines for ws_growth');
				const expected = seedDevices();
				assert(
					sameList(printed, expected),
					`the banner lists [${printed.join(', ')}], the simulator starts with [${expected.join(', ')}]`,
				);
				for (const id of ['ws_starter', 'ws_pro', 'ws_free'])
					assert(
						new RegExp(`^\\s{4}${id}, `, 'm').test(ctx.dev.output()),
						`the banner does not list ${id}`,
					);
			},
		);

	check(
		'nodes panel: searching "WAPing" finds WAPing (described by its trigger and its actions) and WAPing Webhook, with their icons; WAPing lists the trigger\'s 3 entries and the 4 actions',
		async () => {
			await ed.newWorkflow();
			await ed.searchNodePanel('WAPing');
			const item = ed.nodePanelItem('WAPing');
			await item.first().waitFor({ state: 'visible' });
			const found = (await ed.nodePanelItems()).map((i) => i.name);
			assert(
				sameList(found, ['WAPing', 'WAPing Webhook']),
				`the search lists [${found.join(', ')}]`,
			);
			// what each entry says it does: WAPing's names its trigger and its actions (issue 21, point 8)
			const said = (await item.first().innerText()).replace(/\s+/g, ' ');
			assert(
				/Starts a workflow when a WhatsApp device/.test(said) &&
					/actions send WhatsApp messages and check devices/.test(said),
				`the WAPing entry says "${said}"`,
			);
			const hook = (await ed.nodePanelItem('WAPing Webhook').first().innerText()).replace(
				/\s+/g,
				' ',
			);
			assert(
				/when a WhatsApp message arrives/.test(hook),
				`the WAPing Webhook entry says "${hook}"`,
			);
			const icon = await ed.iconOf(item.first());
			assert(
				/\/waping\.svg$/.test(icon.src),
				`the panel shows the icon ${icon.src}, expected the light waping.svg`,
			);
			await item.first().click();
			let categories = [];
			await waitUntil(
				async () => {
					categories = await ed.nodePanelCategories();
					return sameList(categories, ['Triggers (3)', 'Actions (4)']);
				},
				{
					timeoutMs: 10000,
					describe: () => `WAPing's page has the sections [${categories.join(', ')}]`,
				},
			);
			await ed.openNodePanelCategory('Triggers', TRIGGER_ENTRIES[0]);
			await ed.openNodePanelCategory('Actions', ACTIONS[0]);
			const items = await ed.nodePanelItems();
			const triggers = items
				.filter((i) => /\/wapingTrigger\.svg$/.test(i.icon || ''))
				.map((i) => i.name);
			const actions = items.filter((i) => /\/waping\.svg$/.test(i.icon || '')).map((i) => i.name);
			assert(
				sameList(triggers, TRIGGER_ENTRIES),
				`entries with the trigger's icon: [${triggers.join(', ')}]`,
			);
			assert(sameList(actions, ACTIONS), `entries with the node's icon: [${actions.join(', ')}]`);
			await ed.settle();
			// the panel down to its last entry
			const panel = await ed.nodeCreator().boundingBox();
			const last = await ed.nodeCreator().getByTestId('item-iterator-item').last().boundingBox();
			await shot('node-panel', null, {
				clip: {
					x: panel.x,
					y: panel.y,
					width: panel.width,
					height: Math.min(panel.height, last.y + last.height + 12 - panel.y),
				},
			});
		},
	);

	check(
		`adds "Get the session status of a device": a Manual Trigger comes with it, the credential is "${defaultCred.name}", Docs lead to docs/waping-node.md (no "#" for n8n's query to break)`,
		async () => {
			await ed.clickNodePanelItem('Get the session status of a device');
			await ed.ndv().waitFor({ state: 'visible' });
			await waitUntil(async () => (await ed.wapingNodes().count()) === 1, {
				timeoutMs: 10000,
				describe: () => 'no WAPing node on the canvas',
			});
			const types = (await ed.canvasNodes()).map((n) => n[1]);
			assert(
				types.includes('n8n-nodes-base.manualTrigger'),
				`the canvas holds [${types.join(', ')}]`,
			);
			await ed.expectParameters(['resource', 'operation', 'deviceId', 'badKeyAndDenied']);
			// version 2: a rejected key or a denial fails the execution unless the user chooses outputs
			const handling = await ed
				.ndv()
				.getByTestId('parameter-input-badKeyAndDenied')
				.locator('input')
				.first()
				.inputValue();
			assert(
				handling === 'Fail the Execution',
				`a new node's "Bad Key and Denied" is "${handling}"`,
			);
			let shown = '';
			await waitUntil(async () => (shown = await ed.shownCredential()) === defaultCred.name, {
				timeoutMs: 10000,
				describe: () => `the new node's Credential shows "${shown}"`,
			});
			const docs = await ed.ndv().getByRole('link', { name: 'Docs' }).first().getAttribute('href');
			// n8n appends its tracking query to the link: a page (not an anchor) survives it
			const page = `${ctx.homepage}/blob/main/docs/waping-node.md`;
			assert(
				docs && (docs === page || docs.startsWith(`${page}?`)) && !docs.includes('#'),
				`the node's Docs link leads to ${docs}, not ${page}`,
			);
			const mode = await ed.locatorMode('deviceId');
			assert(mode === 'From list', `Device starts in the mode "${mode}"`);
			assert((await ed.locatorValue('deviceId')) === '', 'Device is not empty on a new node');
			await ed.closeNdv();
			const name = await ed.wapingNodes().first().getAttribute('data-node-name');
			const labels = await ed.outputLabels(ed.canvasNode(name));
			assert(
				!labels.includes('Bad Key') && !labels.includes('Denied'),
				`a new node shows the outputs [${labels.join(', ')}]`,
			);
			// the checks below look at the three outputs: the user's choice brings them back
			await ed.openNode(name);
			await ed.chooseOption('badKeyAndDenied', 'Send Down Their Own Outputs');
			await ed.closeNdv();
			let shownLabels = [];
			await waitUntil(
				async () =>
					sameList((shownLabels = await ed.outputLabels(ed.canvasNode(name))), READ_LABELS),
				{
					timeoutMs: 10000,
					describe: () => `with their own outputs, the node shows [${shownLabels.join(', ')}]`,
				},
			);
			await ed.openNode(name);
		},
	);

	check(
		"Device, From List: the workspace's devices with their state, as the banner printed them; searchable",
		async () => {
			const expected = bannerDevices(ctx.dev.output()) || seedDevices();
			const entries = await ed.openLocatorList('deviceId');
			assert(
				sameList(entries, expected),
				`the list shows [${entries.join(', ')}], expected [${expected.join(', ')}]`,
			);
			await ed.settle();
			await shot('device-list', ed.parametersPanel(), { maxHeight: 510 });
			await ed.searchLocatorList('789', ['dev_789 (disconnected)']);
			await ed.pickLocatorEntry('dev_789 (disconnected)');
			await waitUntil(async () => /^dev_789\b/.test(await ed.locatorValue('deviceId')), {
				timeoutMs: 10000,
				describe: () => 'picking dev_789 did not fill Device',
			});
		},
	);

	check('Device, By ID: typing an ID; the node keeps it', async () => {
		await ed.chooseLocatorMode('deviceId', 'By ID');
		const input = ed.resourceLocator('deviceId').getByTestId('rlc-input');
		await input.fill('dev_123');
		await input.press('Tab');
		await waitUntil(async () => (await ed.locatorValue('deviceId')) === 'dev_123', {
			timeoutMs: 5000,
			describe: () => 'Device By ID does not hold dev_123',
		});
		// closed and opened again, the node shows what it kept
		const name = await ed.wapingNodes().first().getAttribute('data-node-name');
		await ed.closeNdv();
		await ed.openNode(name);
		const mode = await ed.locatorMode('deviceId');
		const value = await ed.locatorValue('deviceId');
		assert(
			mode === 'By ID' && value === 'dev_123',
			`opened again, Device shows ${mode} "${value}"`,
		);
	});

	check('runs the new node (Execute step): the item is on Success, no warning', async () => {
		await ed.executeStep();
		let tabs = [];
		await waitUntil(
			async () => {
				tabs = await ed.branchTabs().catch(() => []);
				return tabs.length === 3 && /\(1 item\)/.test(tabs[0]);
			},
			{ timeoutMs: 60000, describe: () => `the output pane's branches: [${tabs.join(' | ')}]` },
		);
		tabs.forEach((t, i) =>
			assert(t.startsWith(`${READ_LABELS[i]} Branch`), `branch ${i} is "${t}"`),
		);
		assert(
			!/\(\d+ items?\)/.test(tabs[1]) && !/\(\d+ items?\)/.test(tabs[2]),
			`other branches hold items: [${tabs.join(' | ')}]`,
		);
		let pane = '';
		await waitUntil(
			async () =>
				/dev_123/.test(
					(pane = (await ed.ndv().getByTestId('output-panel').innerText()).replace(/\s+/g, ' ')),
				) && /connected/.test(pane),
			{
				timeoutMs: 10000,
				describe: () => `the output pane does not show dev_123 connected: "${pane.slice(0, 300)}"`,
			},
		);
		const hints = await ed.outputHints();
		assert(
			!hints.some((h) => h.kind === 'warning'),
			`a warning shows after a good run: ${JSON.stringify(hints)}`,
		);
		await ed.closeNdv();
	});

	check(
		'canvas: the new node\'s labels, nothing connected yet, after its run: readable, "1 item" above Success',
		async () => {
			const name = await ed.wapingNodes().first().getAttribute('data-node-name');
			try {
				await checkLooseLabels(ctx, name, 'a new Get Status node, run once', READ_LABELS);
			} finally {
				await ed.openNode(name);
			}
		},
		{ readme: false },
	);
};
