'use strict';
/*
 * n8n 2.41's editor, seen through its data-test-id attributes (the ids its own Playwright suite
 * uses: packages/testing/playwright in n8n-io/n8n), plus a few Element Plus classes for dropdowns.
 */

const NODE_TYPE = 'n8n-nodes-waping.waping';
const TRIGGER_TYPE = 'n8n-nodes-waping.wapingTrigger';

const escapeRe = (s) => String(s).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns a truthy value; throws with describe(lastValue) after timeoutMs. */
async function waitUntil(fn, { timeoutMs = 30000, intervalMs = 200, describe } = {}) {
	const deadline = Date.now() + timeoutMs;
	let last;
	for (;;) {
		try {
			last = await fn();
			if (last) return last;
		} catch (e) {
			last = e;
		}
		if (Date.now() > deadline) {
			const what = describe
				? describe(last)
				: last instanceof Error
					? last.message
					: JSON.stringify(last);
			throw new Error(`timed out after ${timeoutMs / 1000} s: ${what}`);
		}
		await sleep(intervalMs);
	}
}

function assert(cond, message) {
	if (!cond) throw new Error(message);
}

function sameList(a, b) {
	return a.length === b.length && a.every((x, i) => x === b[i]);
}

class Editor {
	/** @param {import('playwright-core').Page} page */
	constructor(page, baseUrl) {
		this.page = page;
		this.baseUrl = baseUrl;
	}

	byId(id) {
		return this.page.getByTestId(id);
	}

	async login(email, password) {
		const { page } = this;
		await page.goto(`${this.baseUrl}/signin`);
		await this.byId('emailOrLdapLoginId').locator('input').fill(email);
		await this.byId('password').locator('input').fill(password);
		await this.byId('form-submit-button').click();
		await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 30000 });
		await this.byId('project-home-menu-item').waitFor({ state: 'visible' });
	}

	/**
	 * GET /rest/... from inside the page, as the editor itself calls it: with the session cookie and
	 * the `browser-id` header n8n ties the session to (a call without it is refused and logs the
	 * browser out). Resolves `data` of the answer.
	 */
	async rest(urlPath) {
		const r = await this.page.evaluate(async (url) => {
			const res = await fetch(url, {
				headers: {
					accept: 'application/json',
					'browser-id': localStorage.getItem('n8n-browserId') || '',
				},
			});
			return { status: res.status, text: await res.text() };
		}, urlPath);
		assert(r.status === 200, `GET ${urlPath}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
		const body = JSON.parse(r.text);
		return body && Object.prototype.hasOwnProperty.call(body, 'data') ? body.data : body;
	}

	async newWorkflow() {
		await this.page.goto(`${this.baseUrl}/workflow/new`);
		await this.byId('canvas-plus-button').waitFor({ state: 'visible' });
	}

	async openWorkflow(id) {
		await this.page.goto(`${this.baseUrl}/workflow/${encodeURIComponent(id)}`);
		await this.byId('canvas-node').first().waitFor({ state: 'visible' });
	}

	/** Before a screenshot: no hover, no focus ring, and a moment for transitions to end. */
	async settle() {
		await this.page.mouse.move(Math.round(this.page.viewportSize().width / 2), 2);
		await this.page.evaluate(
			() => document.activeElement && document.activeElement.blur && document.activeElement.blur(),
		);
		await sleep(400);
	}

	// ------------------------------------------------------------------ node panel (node creator)

	nodeCreator() {
		return this.byId('node-creator');
	}

	/** Opens the node panel from the empty canvas and types a search. */
	async searchNodePanel(text) {
		await this.byId('canvas-plus-button').click();
		await this.byId('node-creator-search-bar').fill(text);
	}

	/** The panel's item whose name is exactly `name`. */
	nodePanelItem(name) {
		return this.nodeCreator()
			.getByTestId('item-iterator-item')
			.filter({
				has: this.page.getByTestId('node-creator-item-name').getByText(name, { exact: true }),
			});
	}

	nodePanelItemNames() {
		return this.nodeCreator().getByTestId('node-creator-item-name').allInnerTexts();
	}

	/** The panel's items as a user sees them: [{ name, icon }] (icon: the src of its image, if any). */
	async nodePanelItems() {
		return this.nodeCreator()
			.getByTestId('item-iterator-item')
			.evaluateAll((els) =>
				els
					.filter((e) => e.offsetParent !== null)
					.map((e) => {
						const name = e.querySelector('[data-test-id="node-creator-item-name"]');
						const img = e.querySelector('img');
						return name
							? { name: name.innerText.trim(), icon: img ? img.getAttribute('src') : null }
							: null;
					})
					.filter(Boolean),
			);
	}

	/** The section headers of a node's page in the panel, e.g. "Triggers (3)", "Actions (4)". */
	async nodePanelCategories() {
		return (await this.nodeCreator().getByTestId('node-creator-category-item').allInnerTexts()).map(
			(t) => t.trim(),
		);
	}

	/** Opens a section of a node's page in the panel (a click toggles it) unless its items already show. */
	async openNodePanelCategory(prefix, firstItem) {
		if (
			await this.nodeCreator()
				.getByTestId('node-creator-item-name')
				.getByText(firstItem, { exact: true })
				.isVisible()
		)
			return;
		await this.nodeCreator()
			.getByTestId('node-creator-category-item')
			.filter({ hasText: prefix })
			.click();
		await this.nodeCreator()
			.getByTestId('node-creator-item-name')
			.getByText(firstItem, { exact: true })
			.waitFor({ state: 'visible' });
	}

	async clickNodePanelItem(name) {
		await this.nodeCreator()
			.getByTestId('node-creator-item-name')
			.getByText(name, { exact: true })
			.click();
	}

	/** {src, width} of the first icon image inside a locator, once it has loaded. */
	async iconOf(locator) {
		const img = locator.locator('img').first();
		await img.waitFor({ state: 'attached' });
		return waitUntil(
			() =>
				img.evaluate((i) =>
					i.complete && i.naturalWidth > 0
						? { src: i.getAttribute('src'), width: i.naturalWidth }
						: null,
				),
			{ timeoutMs: 15000, describe: () => 'the icon image did not load' },
		);
	}

	// ------------------------------------------------------------------ canvas

	wapingNodes() {
		return this.page.locator(`[data-test-id="canvas-node"][data-node-type="${NODE_TYPE}"]`);
	}

	triggerNodes() {
		return this.page.locator(`[data-test-id="canvas-node"][data-node-type="${TRIGGER_TYPE}"]`);
	}

	/** [name, type] of every node on the canvas. */
	async canvasNodes() {
		return this.page
			.getByTestId('canvas-node')
			.evaluateAll((els) =>
				els.map((e) => [e.getAttribute('data-node-name'), e.getAttribute('data-node-type')]),
			);
	}

	/** The canvas's zoom (1 = 100 %). */
	async canvasScale() {
		const transform = await this.page
			.locator('.vue-flow__transformationpane')
			.first()
			.evaluate((e) => e.style.transform);
		const m = /scale\(([\d.]+)\)/.exec(transform);
		return m ? Number(m[1]) : 1;
	}

	/** Sets the canvas to 100 % with n8n's own shortcut ("0": reset zoom). */
	async resetZoom() {
		await this.page.locator('.vue-flow__pane').click({ position: { x: 30, y: 30 } });
		await this.page.keyboard.press('0');
		await waitUntil(async () => Math.abs((await this.canvasScale()) - 1) < 0.001, {
			timeoutMs: 5000,
			describe: () => 'the canvas did not zoom to 100 %',
		});
		await sleep(300);
	}

	/** Fits the workflow into the window with n8n's own shortcut ("1": zoom to fit), as it opens. */
	async fitView() {
		await this.page.locator('.vue-flow__pane').click({ position: { x: 30, y: 30 } });
		await this.page.keyboard.press('1');
		await sleep(300);
	}

	/**
	 * How each output label of a canvas node is drawn: its text, whether it is cut off (the label box
	 * is narrower than its text: n8n ends it with an ellipsis), the text's box, and for every item
	 * count the node's outputs show ("1 item": on the edge, or beside the handle of an output with no
	 * node after it) whether that count's box overlaps the label's text, and how far it is. All in
	 * screen pixels at the current zoom.
	 */
	async outputLabelLayout(nodeName) {
		return this.page.evaluate((name) => {
			const q = (s) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
			const node = document.querySelector(
				`[data-test-id="canvas-node"][data-node-name="${q(name)}"]`,
			);
			if (!node) return null;
			const rect = (r) => ({
				x: +r.x.toFixed(1),
				y: +r.y.toFixed(1),
				width: +r.width.toFixed(1),
				height: +r.height.toFixed(1),
			});
			// An output with nodes after it shows its count on the edge; one without, beside its handle.
			const onEdges = [
				...document.querySelectorAll(
					`[data-test-id="edge-label"][data-source-node-name="${q(name)}"]`,
				),
			]
				.filter((e) => e.innerText.trim() !== '')
				.map((e) => ({
					target: e.getAttribute('data-target-node-name'),
					text: e.innerText.trim(),
					box: rect((e.firstElementChild || e).getBoundingClientRect()),
				}));
			const onHandles = [
				...node.querySelectorAll('[data-test-id="canvas-node-output-handle"]'),
			].flatMap((h) =>
				[...h.querySelectorAll('[class*="runDataLabel"]')]
					.filter((e) => e.innerText.trim() !== '')
					.map((e) => ({
						output: Number(h.getAttribute('data-index')),
						text: e.innerText.trim(),
						box: rect(e.getBoundingClientRect()),
					})),
			);
			const counts = [...onEdges, ...onHandles];
			const overlap = (a, b) =>
				Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) *
				Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
			const distance = (a, b) => {
				const dx = Math.max(0, a.x - (b.x + b.width), b.x - (a.x + a.width));
				const dy = Math.max(0, a.y - (b.y + b.height), b.y - (a.y + a.height));
				return Math.hypot(dx, dy);
			};
			return [...node.querySelectorAll('[data-test-id="canvas-node-output-handle"]')].map(
				(handle) => {
					const label = handle.querySelector('[class*="outputLabel"]');
					if (!label) return { index: Number(handle.getAttribute('data-index')), text: null };
					const range = document.createRange();
					range.selectNodeContents(label);
					const text = rect(range.getBoundingClientRect());
					const style = getComputedStyle(label);
					const clipped =
						label.scrollWidth > label.clientWidth + 0.5 ||
						text.width > label.getBoundingClientRect().width + 0.5;
					return {
						index: Number(handle.getAttribute('data-index')),
						text: label.textContent.trim(),
						textOverflow: style.textOverflow,
						clipped,
						// the most width n8n lets the label take (less while nothing is connected to the output)
						available: (() => {
							const before = label.style.width;
							label.style.width = '100000px';
							const most = label.getBoundingClientRect().width;
							label.style.width = before;
							return +most.toFixed(1);
						})(),
						box: text,
						counts: counts.map((c) => ({
							...c,
							overlap: +overlap(text, c.box).toFixed(1),
							distance: +distance(text, c.box).toFixed(1),
						})),
					};
				},
			);
		}, nodeName);
	}

	canvasNode(name) {
		return this.page.locator(
			`[data-test-id="canvas-node"][data-node-name="${name.replace(/"/g, '\\"')}"]`,
		);
	}

	/** Labels of a canvas node's output handles, in order. */
	async outputLabels(node) {
		// the label only: after a run, an output with nothing after it also shows its count ("1 item") there
		return node
			.getByTestId('canvas-node-output-handle')
			.evaluateAll((els) =>
				els.map((h) => ((h.querySelector('[class*="outputLabel"]') || h).textContent || '').trim()),
			);
	}

	edgeLabel(source, target) {
		const q = (s) => s.replace(/"/g, '\\"');
		return this.page.locator(
			`[data-test-id="edge-label"][data-source-node-name="${q(source)}"][data-target-node-name="${q(target)}"]`,
		);
	}

	async edgeText(source, target) {
		const label = this.edgeLabel(source, target);
		if ((await label.count()) === 0) return null;
		return (await label.first().innerText()).trim();
	}

	async closeNdv() {
		await this.byId('ndv-close-button').click();
		await this.byId('ndv').waitFor({ state: 'hidden' });
	}

	async openNode(name) {
		await this.canvasNode(name).dblclick();
		await this.byId('ndv').waitFor({ state: 'visible' });
	}

	// ------------------------------------------------------------------ node details view (NDV)

	ndv() {
		return this.byId('ndv');
	}

	/** The parameters column of the open NDV (what the Parameters tab shows). */
	parametersPanel() {
		return this.ndv().locator('.node-settings');
	}

	/** Names of the parameters the Parameters tab shows (parameter-input-<name>), in order. */
	async visibleParameters() {
		return this.ndv()
			.locator('[data-test-id^="parameter-input-"]')
			.evaluateAll((els) =>
				els
					.filter((e) => e.offsetParent !== null && e.getClientRects().length > 0)
					.map((e) => e.getAttribute('data-test-id').replace(/^parameter-input-/, ''))
					.filter((n) => n !== 'field'),
			);
	}

	/** Waits until the Parameters tab shows exactly `expected` (names, in order). */
	async expectParameters(expected) {
		let seen = [];
		await waitUntil(
			async () => {
				seen = await this.visibleParameters();
				return sameList(seen, expected);
			},
			{
				timeoutMs: 10000,
				describe: () => `the form shows [${seen.join(', ')}], expected [${expected.join(', ')}]`,
			},
		);
	}

	/**
	 * The dropdown list of an options parameter: the element its input names in aria-controls (a
	 * list that is still fading out from the previous dropdown is not it).
	 */
	async listboxOf(param) {
		const input = this.ndv().getByTestId(`parameter-input-${param}`).locator('input').first();
		const id = await input.getAttribute('aria-controls');
		assert(id, `the ${param} input names no dropdown (aria-controls)`);
		return this.page.locator(`[id="${id}"]`);
	}

	/** The option labels of an options parameter's dropdown (opens and closes it). */
	async optionLabels(param) {
		const listbox = await this.listboxOf(param);
		await this.ndv().getByTestId(`parameter-input-${param}`).click();
		await listbox.getByRole('option').first().waitFor({ state: 'visible' });
		const labels = await listbox.locator('.option-headline').allInnerTexts();
		await this.page.keyboard.press('Escape');
		await listbox.waitFor({ state: 'hidden' }).catch(() => {});
		return labels.map((s) => s.trim());
	}

	/** Chooses `label` in the options parameter `param` of the open NDV. */
	async chooseOption(param, label) {
		const field = this.ndv().getByTestId(`parameter-input-${param}`);
		const listbox = await this.listboxOf(param);
		await field.click();
		const option = listbox.getByRole('option').filter({
			has: this.page.locator('.option-headline', {
				hasText: new RegExp(`^\\s*${escapeRe(label)}\\s*$`),
			}),
		});
		await option.first().click();
		await waitUntil(async () => (await field.locator('input').first().inputValue()) === label, {
			timeoutMs: 10000,
			describe: () => `${param} did not change to "${label}"`,
		});
		await listbox.waitFor({ state: 'hidden' }).catch(() => {});
	}

	/** The name the open NDV's Credential field shows. */
	async shownCredential() {
		return (
			await this.ndv().getByTestId('node-credentials-select').locator('input').first().inputValue()
		).trim();
	}

	/** Option names of a collection's "Add Option" list (opens and closes it). */
	async collectionOptions() {
		const add = this.ndv().getByTestId('collection-parameter-add');
		const id = await add.locator('input').first().getAttribute('aria-controls');
		const listbox = this.page.locator(`[id="${id}"]`);
		await add.click();
		await listbox.getByRole('option').first().waitFor({ state: 'visible' });
		const names = (await listbox.getByRole('option').allInnerTexts()).map((t) => t.trim());
		await this.page.keyboard.press('Escape');
		await listbox.waitFor({ state: 'hidden' }).catch(() => {});
		return names;
	}

	// ---- resource locator (Device)

	resourceLocator(param) {
		return this.ndv().getByTestId(`resource-locator-${param}`);
	}

	/** The mode a resource locator shows ("From list", "By ID"). */
	async locatorMode(param) {
		return (
			await this.resourceLocator(param)
				.getByTestId('rlc-mode-selector')
				.locator('input')
				.first()
				.inputValue()
		).trim();
	}

	async chooseLocatorMode(param, label) {
		const selector = this.resourceLocator(param).getByTestId('rlc-mode-selector');
		const id = await selector.locator('input').first().getAttribute('aria-controls');
		const listbox = this.page.locator(`[id="${id}"]`);
		await selector.click();
		await listbox
			.getByRole('option')
			.filter({ hasText: new RegExp(`^\\s*${escapeRe(label)}\\s*$`) })
			.first()
			.click();
		await waitUntil(async () => (await this.locatorMode(param)) === label, {
			timeoutMs: 10000,
			describe: () => `the Device mode did not change to "${label}"`,
		});
	}

	/** The text in a resource locator's input (the picked entry, or what was typed). */
	async locatorValue(param) {
		return (await this.resourceLocator(param).getByTestId('rlc-input').inputValue()).trim();
	}

	/** Opens a From List locator's list; resolves the entries it shows once they have loaded. */
	async openLocatorList(param) {
		if (!(await this.page.getByTestId('rlc-search').isVisible()))
			await this.resourceLocator(param).getByTestId('rlc-input').click();
		await this.page.getByTestId('rlc-search').waitFor({ state: 'visible' });
		return this.locatorEntries();
	}

	/** The entries the open list shows, once they are loaded and stable. */
	async locatorEntries() {
		let last = null;
		return waitUntil(
			async () => {
				const now = (
					await this.page
						.getByTestId('rlc-item')
						.evaluateAll((els) =>
							els.filter((e) => e.offsetParent !== null).map((e) => e.innerText.trim()),
						)
				).filter(Boolean);
				const same = last !== null && sameList(now, last);
				last = now;
				return same && now.length > 0 ? now : null;
			},
			{
				timeoutMs: 15000,
				intervalMs: 300,
				describe: () => `the list shows [${(last || []).join(', ')}]`,
			},
		);
	}

	/** Types into the open list's search box; resolves the entries once they match `expect` or settle. */
	async searchLocatorList(text, expect) {
		await this.page.getByTestId('rlc-search').fill(text);
		let seen = [];
		await waitUntil(
			async () => {
				seen = (
					await this.page
						.getByTestId('rlc-item')
						.evaluateAll((els) =>
							els.filter((e) => e.offsetParent !== null).map((e) => e.innerText.trim()),
						)
				).filter(Boolean);
				return sameList(seen, expect);
			},
			{
				timeoutMs: 10000,
				describe: () =>
					`searching "${text}", the list shows [${seen.join(', ')}], expected [${expect.join(', ')}]`,
			},
		);
		return seen;
	}

	async pickLocatorEntry(label) {
		await this.page
			.getByTestId('rlc-item')
			.filter({ hasText: new RegExp(`^\\s*${escapeRe(label)}\\s*$`) })
			.first()
			.click();
		await this.page
			.getByTestId('rlc-search')
			.waitFor({ state: 'hidden' })
			.catch(() => {});
	}

	// ---- running a step, hints

	/** NDV: runs this node (Execute step, or Fetch Test Event for a trigger). */
	async executeStep() {
		await this.ndv().getByTestId('node-execute-button').first().click();
	}

	/** The hints the output pane shows: [{ kind: 'warning' | 'info' | ..., text }]. */
	async outputHints() {
		return this.ndv()
			.getByTestId('output-panel')
			.getByTestId('node-hint')
			.evaluateAll((els) =>
				els
					.filter((e) => e.offsetParent !== null)
					.map((e) => ({
						kind:
							(/_(warning|info|danger|success|secondary)_/.exec(e.className) || [])[1] ||
							e.className,
						text: e.innerText.replace(/\s+/g, ' ').trim(),
					})),
			);
	}

	/** The output pane's item count ("5 items"), when it shows one. */
	async outputItemCount() {
		const count = this.ndv().getByTestId('output-panel').getByTestId('ndv-items-count');
		if (!(await count.isVisible())) return null;
		return (await count.innerText()).trim();
	}

	async toggleSwitch(param) {
		await this.ndv().getByTestId(`parameter-input-${param}`).locator('.el-switch').click();
	}

	/** Texts of the output pane's branch tabs (one per output), e.g. "Success Branch (1 item)". */
	async branchTabs() {
		const branches = this.ndv().getByTestId('output-panel').getByTestId('branches');
		await branches.waitFor({ state: 'visible' });
		return (await branches.locator('[data-test-id^="tab-"]').allInnerTexts()).map((t) =>
			t.replace(/\s+/g, ' ').trim(),
		);
	}

	async openBranch(index) {
		await this.ndv().getByTestId('output-panel').getByTestId(`tab-${index}`).click();
	}

	/** Shows the output pane as 'schema', 'table' or 'json'. */
	async outputDisplay(mode) {
		await this.ndv().getByTestId('output-panel').getByTestId(`radio-button-${mode}`).click();
	}

	// ------------------------------------------------------------------ credentials

	/** Selects the credential `id` in the open NDV's Credential field. */
	async selectCredential(id) {
		await this.ndv().getByTestId('node-credentials-select').click();
		await this.page.getByTestId(`node-credentials-select-item-${id}`).click();
	}

	/** Selects the credential `id` in the open NDV and opens it in the credential dialog. */
	async openCredential(id) {
		await this.selectCredential(id);
		await this.ndv().getByTestId('credential-edit-button').click();
		const dialog = this.credentialDialog();
		await dialog.waitFor({ state: 'visible' });
		return dialog;
	}

	credentialDialog() {
		return this.page
			.locator('.el-dialog')
			.filter({ has: this.page.getByTestId('credential-edit-dialog') });
	}

	/**
	 * The credential test's result, as the dialog shows it when a saved credential is opened:
	 * { ok: true, text } or { ok: false, text } with the message revealed by "More details".
	 */
	async credentialTestResult() {
		const dialog = this.credentialDialog();
		const config = dialog.getByTestId('node-credentials-config-container');
		const success = config.getByTestId('credentials-config-container-test-success');
		const failure = config.getByText(/Couldn.t connect with these settings/);
		const state = await waitUntil(
			async () =>
				(await success.isVisible()) ? 'ok' : (await failure.isVisible()) ? 'error' : null,
			{
				timeoutMs: 30000,
				describe: () => 'neither "Connection tested successfully" nor "Couldn’t connect" appeared',
			},
		);
		if (state === 'ok') return { ok: true, text: (await success.innerText()).trim() };
		const more = config.getByText('More details', { exact: true });
		if (await more.isVisible()) await more.click();
		await sleep(300);
		return { ok: false, text: (await config.innerText()).replace(/\s+/g, ' ').trim() };
	}

	async closeCredentialDialog() {
		const dialog = this.credentialDialog();
		await dialog.locator('.el-dialog__headerbtn, .el-dialog__close').first().click();
		await dialog.waitFor({ state: 'hidden' });
	}

	// ------------------------------------------------------------------ running

	async executeWorkflow() {
		await this.byId('execute-workflow-button').first().click();
	}

	// ------------------------------------------------------------------ importing

	/**
	 * The workflow's "…" menu (beside its name) → Import → From file, choosing `file`. Resolves the
	 * words of the menu entries clicked, as the editor shows them.
	 */
	async importFromFile(file) {
		await this.byId('workflow-menu').click();
		const importItem = this.byId('workflow-menu-item-import');
		await importItem.waitFor({ state: 'visible' });
		const words = [(await importItem.innerText()).trim()];
		await importItem.hover();
		const fromFile = this.byId('workflow-menu-item-import-from-file');
		await fromFile.waitFor({ state: 'visible' });
		words.push((await fromFile.innerText()).trim());
		const [chooser] = await Promise.all([this.page.waitForEvent('filechooser'), fromFile.click()]);
		await chooser.setFiles(file);
		return words;
	}

	/** A REST call from inside the page with a JSON body (see rest()). */
	async restCall(method, urlPath, body) {
		const r = await this.page.evaluate(
			async ({ method, url, body }) => {
				const res = await fetch(url, {
					method,
					headers: {
						accept: 'application/json',
						'content-type': 'application/json',
						'browser-id': localStorage.getItem('n8n-browserId') || '',
					},
					body: body === undefined ? undefined : JSON.stringify(body),
				});
				return { status: res.status, text: await res.text() };
			},
			{ method, url: urlPath, body },
		);
		assert(
			r.status >= 200 && r.status < 300,
			`${method} ${urlPath}: HTTP ${r.status} ${r.text.slice(0, 200)}`,
		);
		const parsed = r.text ? JSON.parse(r.text) : null;
		return parsed && Object.prototype.hasOwnProperty.call(parsed, 'data') ? parsed.data : parsed;
	}
}

module.exports = { Editor, NODE_TYPE, TRIGGER_TYPE, waitUntil, assert, sameList, sleep };
