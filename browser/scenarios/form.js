'use strict';
// The node's form per operation, and its outputs on the canvas.
const { OUTPUT_LABELS, READ_LABELS, SEND_OPTIONS, READ_OPTIONS } = require('../lib/product');
const { checkLooseLabels } = require('../lib/canvas');
const { waitUntil, assert, sameList } = require('../editor');

module.exports = function scenario(check, ctx) {
	const { ed, shot } = ctx;
	/** The options of an options parameter, leaving out n8n's own "Custom API Call". */
	const expectOptions = async (name, expected, what) => {
		const found = await ed.optionLabels(name);
		assert(
			sameList(
				found.filter((r) => r !== 'Custom API Call'),
				expected,
			),
			`${what} lists [${found.join(', ')}]`,
		);
	};
	/** Waits for the WAPing node's output labels on the canvas. */
	const expectOutputs = async (expected, what) => {
		let labels = [];
		await waitUntil(
			async () => sameList((labels = await ed.outputLabels(ed.wapingNodes().first())), expected),
			{ timeoutMs: 10000, describe: () => `${what} are labelled [${labels.join(', ')}]` },
		);
	};

	check('form: Resource and Operation list their options (alphabetical)', async () => {
		await expectOptions('resource', ['Device', 'Message', 'Plan'], 'Resource');
		await expectOptions('operation', ['Get Many', 'Get Status'], "Device's Operation");
	});

	check('form: Get Many shows Return All, Limit and Session, and the retry Options', async () => {
		await ed.chooseOption('operation', 'Get Many');
		await ed.expectParameters([
			'resource',
			'operation',
			'returnAll',
			'limit',
			'sessionFilter',
			'badKeyAndDenied',
		]);
		const sessions = await ed.optionLabels('sessionFilter');
		assert(
			sameList(sessions, ['Any', 'Connected', 'Not Connected']),
			`Session lists [${sessions.join(', ')}]`,
		);
		const options = await ed.collectionOptions();
		assert(sameList(options, READ_OPTIONS), `Options lists [${options.join(', ')}]`);
		await ed.toggleSwitch('returnAll');
		await ed.expectParameters([
			'resource',
			'operation',
			'returnAll',
			'sessionFilter',
			'badKeyAndDenied',
		]);
		await ed.toggleSwitch('returnAll');
		await ed.expectParameters([
			'resource',
			'operation',
			'returnAll',
			'limit',
			'sessionFilter',
			'badKeyAndDenied',
		]);
	});

	check('form: Plan → Check has no fields of its own', async () => {
		await ed.chooseOption('resource', 'Plan');
		await ed.expectParameters(['resource', 'operation', 'badKeyAndDenied']);
		await expectOptions('operation', ['Check'], "Plan's Operation");
	});

	check('form: Message → Send shows Device, To, Text and its Options', async () => {
		await ed.chooseOption('resource', 'Message');
		await expectOptions('operation', ['Send'], "Message's Operation");
		await ed.expectParameters([
			'resource',
			'operation',
			'deviceId',
			'to',
			'text',
			'badKeyAndDenied',
		]);
		const options = await ed.collectionOptions();
		assert(sameList(options, SEND_OPTIONS), `Options lists [${options.join(', ')}]`);
		// filled in as a user would, for the screenshot
		if ((await ed.locatorMode('deviceId')) !== 'From list')
			await ed.chooseLocatorMode('deviceId', 'From list');
		await ed.openLocatorList('deviceId');
		await ed.pickLocatorEntry('dev_123 (connected)');
		await ed.ndv().getByTestId('parameter-input-to').locator('input').fill('+1 (555) 123-4567');
		await ed
			.ndv()
			.getByTestId('parameter-input-text')
			.locator('textarea')
			.fill('Hi Ada, your order 1042 has shipped.');
		await ed.settle();
		await shot('parameters-send', ed.parametersPanel(), { maxHeight: 640 });
	});

	check(
		'canvas: Send has 4 outputs (Success, Bad Key, Denied, Offline), the reads 3; failing on Bad Key and Denied, Send has Success and Offline',
		async () => {
			await ed.closeNdv();
			const node = ed.wapingNodes().first();
			await expectOutputs(OUTPUT_LABELS, "Send's outputs");
			// version 2's default, "Fail the Execution": no outputs for Bad Key and Denied
			await ed.openNode(await node.getAttribute('data-node-name'));
			await ed.chooseOption('badKeyAndDenied', 'Fail the Execution');
			await ed.closeNdv();
			await expectOutputs(['Success', 'Offline'], "failing on Bad Key and Denied, Send's outputs");
			await ed.openNode(await node.getAttribute('data-node-name'));
			await ed.chooseOption('badKeyAndDenied', 'Send Down Their Own Outputs');
			await ed.closeNdv();
			await expectOutputs(OUTPUT_LABELS, "with their own outputs again, Send's outputs");
			await ed.openNode(await node.getAttribute('data-node-name'));
			await ed.chooseOption('resource', 'Device');
			await ed.chooseOption('operation', 'Get Status');
			await ed.closeNdv();
			await expectOutputs(READ_LABELS, "Get Status's outputs");
			await ed.openNode(await node.getAttribute('data-node-name'));
			await ed.chooseOption('resource', 'Message');
			await ed.closeNdv();
			await expectOutputs(OUTPUT_LABELS, 'back on Send, the outputs');
		},
	);

	check(
		"canvas: a new Send node's labels, nothing connected yet: each one readable (not cut off)",
		async () => {
			const name = await ed.wapingNodes().first().getAttribute('data-node-name');
			await ed.settle();
			const box = await ed.wapingNodes().first().boundingBox();
			// to look at, not for the README
			await shot('send-node-new', null, {
				clip: { x: box.x - 40, y: box.y - 40, width: box.width + 240, height: box.height + 90 },
				publish: false,
			});
			await checkLooseLabels(ctx, name, 'a new Send node', OUTPUT_LABELS);
		},
		{ readme: false },
	);
};
