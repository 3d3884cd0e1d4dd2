'use strict';
// Runs of the example workflows on the canvas and what the editor shows of them: the edges' item
// counts, the output labels (whole, clear of the counts), the output pane's branches and warning.
const path = require('path');

const { waitUntil, assert, sameList } = require('../editor');

async function archiveWorkflow(ed, id) {
	await ed.restCall('POST', `/rest/workflows/${id}/archive`, {}).catch(() => {});
	await ed.restCall('DELETE', `/rest/workflows/${id}`).catch(() => {});
}

/**
 * Opens an example's workflow (unless `open` is false), runs it and checks the canvas: 1 item on the
 * edge from the expected output, none from the others, a success mark on the WAPing node, and each
 * output label readable beside the item count at the zoom the editor opened with and at 100 %.
 */
async function runExample(ctx, run, { labels, open = true, note = '' }) {
	const { ed } = ctx;
	if (open) await ed.openWorkflow(run.workflow.id);
	const waping = run.wapingName;
	const node = ed.canvasNode(waping);
	assert(
		sameList(await ed.outputLabels(node), labels),
		`the WAPing node's outputs are [${(await ed.outputLabels(node)).join(', ')}]`,
	);
	await ed.executeWorkflow();
	const out = run.cred.expect.output;
	const expectedTargets = run.targets[out];
	await waitUntil(
		async () => /\b1 item\b/.test((await ed.edgeText(waping, expectedTargets[0])) || ''),
		{
			timeoutMs: 60000,
			describe: () => `no "1 item" on the edge ${waping} → ${expectedTargets[0]} (${labels[out]})`,
		},
	);
	await waitUntil(async () => (await node.getByTestId('canvas-node-status-success').count()) > 0, {
		timeoutMs: 15000,
		describe: () => 'the WAPing node shows no success mark',
	});
	for (let i = 0; i < run.targets.length; i++) {
		if (i === out) continue;
		for (const t of run.targets[i]) {
			const text = (await ed.edgeText(waping, t)) || '';
			assert(!/item/.test(text), `output ${labels[i]} (→ ${t}) got "${text}"`);
		}
	}
	await checkLabelFit(ctx, run, labels[out], note);
}

/** The label of the output that got the item: not cut off, and clear of every item count's box. */
async function checkLabelFit(ctx, run, label, note) {
	const { ed } = ctx;
	const measure = async (zoomName) => {
		const scale = await ed.canvasScale();
		const layout = await ed.outputLabelLayout(run.wapingName);
		const entry = layout.find((l) => l.text === label);
		assert(entry, `no output label "${label}" on the canvas`);
		const own = entry.counts.find((c) => run.targets[entry.index].includes(c.target));
		assert(own, `no item count on ${label}'s edge`);
		const hits = layout.flatMap((l) =>
			l.counts
				.filter((c) => c.overlap > 0)
				.map((c) => `"${l.text}" under "${c.text}" (→ ${c.target}, ${c.overlap} px²)`),
		);
		ctx.labelFit.push({
			workflow: run.workflow.name + (note ? ` [${note}]` : ''),
			label,
			zoom: `${zoomName} (${Math.round(scale * 100)} %)`,
			textWidth: entry.box.width,
			available: entry.available,
			clipped: entry.clipped,
			overlaps: hits,
			gapToCount: own.distance,
		});
		assert(!entry.clipped, `"${label}" is cut off at ${Math.round(scale * 100)} %`);
		assert(hits.length === 0, `at ${Math.round(scale * 100)} %: ${hits.join('; ')}`);
		return entry;
	};
	const entry = await measure('as opened');
	// a crop around the node and its counts, to look at (kept with the screenshots folder, not published)
	const box = await ed.canvasNode(run.wapingName).boundingBox();
	if (box) {
		const counts = entry.counts.map((c) => c.box);
		const right = Math.max(box.x + box.width + 140, ...counts.map((c) => c.x + c.width + 20));
		const top = Math.min(box.y - 20, ...counts.map((c) => c.y - 10));
		const bottom = Math.max(box.y + box.height + 30, ...counts.map((c) => c.y + c.height + 10));
		const vp = ctx.page.viewportSize();
		const clip = { x: Math.max(0, box.x - 20), y: Math.max(0, top) };
		clip.width = Math.min(vp.width, right) - clip.x;
		clip.height = Math.min(vp.height, bottom) - clip.y;
		const file = path.join(ctx.shotsDir, `labels-${run.workflow.id}${note ? `-${note}` : ''}.png`);
		await ctx.page.screenshot({ path: file, clip, animations: 'disabled' }).catch(() => {});
	}
	// the same label at 100 %, once (the other runs of it add nothing)
	if (ctx.labelFit.filter((m) => m.label === label && m.zoom.startsWith('100')).length > 0) return;
	await ed.resetZoom();
	await measure('100 %');
	await ed.fitView();
}

/**
 * The output labels of a node with nothing connected after it yet (as a node just added shows them):
 * each one whole, not cut off with "…" (n8n gives such a label less room than one whose output
 * leads somewhere), and a count n8n shows beside an output's handle ("1 item") above its label, not
 * on its text. n8n stacks the two: their line boxes may touch by a pixel or two.
 */
async function checkLooseLabels(ctx, nodeName, where, labels) {
	const { ed } = ctx;
	const scale = await ed.canvasScale();
	const zoom = `as shown (${Math.round(scale * 100)} %)`;
	const layout = await ed.outputLabelLayout(nodeName);
	assert(
		sameList(
			layout.map((l) => l.text),
			labels,
		),
		`the outputs are labelled [${layout.map((l) => l.text).join(', ')}]`,
	);
	const problems = [];
	for (const l of layout) {
		const own = l.counts.find((c) => c.output === l.index);
		const onText = l.counts.filter((c) => {
			const intoText = c.box.y + c.box.height - l.box.y; // how far the count reaches down into the label's line box
			const across =
				Math.min(c.box.x + c.box.width, l.box.x + l.box.width) - Math.max(c.box.x, l.box.x);
			return across > 0 && intoText > 2 && c.box.y < l.box.y + l.box.height;
		});
		ctx.labelFit.push({
			workflow: where,
			label: l.text,
			zoom,
			textWidth: l.box.width,
			available: l.available,
			clipped: l.clipped,
			overlaps: onText.map((c) => `"${c.text}" on the text`),
			gapToCount: own ? own.distance : null,
			stacked: own ? +(own.box.y + own.box.height - l.box.y).toFixed(1) : null,
		});
		if (l.clipped)
			problems.push(
				`"${l.text}" is cut off: its text needs ${l.box.width} px, n8n gives it ${l.available} px while nothing is connected to the output`,
			);
		for (const c of onText) problems.push(`"${c.text}" sits on the text of "${l.text}"`);
	}
	assert(problems.length === 0, problems.join('; '));
}

/** The output pane of the run's WAPing node: the branches, the item, and the warning hint. */
async function checkOutputPane(ctx, run, { labels }) {
	const { ed, shot } = ctx;
	const out = run.cred.expect.output;
	await ed.openNode(run.wapingName);
	const tabs = await ed.branchTabs();
	assert(
		tabs.length === labels.length,
		`the output pane has ${tabs.length} branches: [${tabs.join(' | ')}]`,
	);
	tabs.forEach((t, i) => {
		assert(t.startsWith(`${labels[i]} Branch`), `branch ${i} is "${t}", expected ${labels[i]}`);
		if (i === out) assert(/\(1 item\)/.test(t), `branch "${t}" should hold 1 item`);
		else assert(!/\(\d+ items?\)/.test(t), `branch "${t}" should be empty`);
	});
	await ed.openBranch(out);
	// what the item should show: its device, and for a denial its status code and reason
	const expected = [
		run.deviceId,
		out === 0 ? null : run.cred.expect.statusCode,
		out === 0 ? null : run.cred.expect.reason,
	]
		.filter((x) => x !== null && x !== undefined)
		.map(String);
	let pane = '';
	await waitUntil(
		async () => {
			pane = (await ed.ndv().getByTestId('output-panel').innerText()).replace(/\s+/g, ' ');
			return expected.every((x) => pane.includes(x));
		},
		{
			timeoutMs: 10000,
			describe: () =>
				`the output pane does not show [${expected.filter((x) => !pane.includes(x)).join(', ')}]: "${pane.slice(0, 300)}"`,
		},
	);
	let hints = await ed.outputHints();
	if (out !== 0) {
		await waitUntil(
			async () => (hints = await ed.outputHints()).some((h) => h.kind === 'warning'),
			{
				timeoutMs: 10000,
				describe: () => `no warning in the output pane: ${JSON.stringify(hints)}`,
			},
		);
	}
	const warnings = hints.filter((h) => h.kind === 'warning');
	if (out === 0) {
		assert(
			warnings.length === 0,
			`a warning shows after a good run: ${warnings.map((w) => w.text).join(' | ')}`,
		);
	} else {
		assert(
			warnings.length === 1,
			`the output pane shows ${warnings.length} warnings: ${JSON.stringify(hints)}`,
		);
		const text = warnings[0].text;
		const noun = out === 3 ? 'message was' : 'item';
		assert(
			new RegExp(`^1 ${noun}\\b.*went to "${labels[out]}"`).test(text),
			`the warning says "${text}"; expected "1 ${noun} … went to "${labels[out]}""`,
		);
		const todo = { 1: /valid key/i, 2: /Starter or above|use a key that may/i, 3: /QR code/i }[out];
		assert(todo.test(text), `the warning does not say what to do (${todo}): "${text}"`);
		// it names the fix itself, not "see each item's description" (issue 21, point 4)
		assert(!/description/i.test(text), `the warning sends the user to the items: "${text}"`);
		ctx.findings.hints[labels[out]] = text;
	}
	if (run.cred.keyName === 'growth' && out === 0 && run.kind === 'health') {
		await ed.settle();
		await shot('output-success', null);
	}
	if (out === 1 && run.kind === 'health') {
		// the JSON view shows the whole message and description, which the table cuts off
		await ed.outputDisplay('json');
		await waitUntil(
			async () =>
				/"statusCode":\s*401/.test(await ed.ndv().getByTestId('output-panel').innerText()),
			{
				timeoutMs: 10000,
				describe: () => 'the JSON view does not show "statusCode": 401',
			},
		);
		await ed.settle();
		await shot('output-bad-key', null);
		await ed.outputDisplay('table');
	}
}

module.exports = { archiveWorkflow, runExample, checkLooseLabels, checkOutputPane };
