'use strict';
/*
 * n8n 2.41's editor, seen through its data-test-id attributes (the ids its own Playwright suite
 * uses: packages/testing/playwright in n8n-io/n8n), plus a few Element Plus classes for dropdowns.
 */

const NODE_TYPE = 'n8n-nodes-waping.waping';

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
			const what = describe ? describe(last) : last instanceof Error ? last.message : JSON.stringify(last);
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
			const res = await fetch(url, { headers: { accept: 'application/json', 'browser-id': localStorage.getItem('n8n-browserId') || '' } });
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
		await this.page.evaluate(() => document.activeElement && document.activeElement.blur && document.activeElement.blur());
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
			.filter({ has: this.page.getByTestId('node-creator-item-name').getByText(name, { exact: true }) });
	}

	nodePanelItemNames() {
		return this.nodeCreator().getByTestId('node-creator-item-name').allInnerTexts();
	}

	/** {src, width} of the first icon image inside a locator, once it has loaded. */
	async iconOf(locator) {
		const img = locator.locator('img').first();
		await img.waitFor({ state: 'attached' });
		return waitUntil(
			() => img.evaluate((i) => (i.complete && i.naturalWidth > 0 ? { src: i.getAttribute('src'), width: i.naturalWidth } : null)),
			{ timeoutMs: 15000, describe: () => 'the icon image did not load' },
		);
	}

	// ------------------------------------------------------------------ canvas

	wapingNodes() {
		return this.page.locator(`[data-test-id="canvas-node"][data-node-type="${NODE_TYPE}"]`);
	}

	canvasNode(name) {
		return this.page.locator(`[data-test-id="canvas-node"][data-node-name="${name.replace(/"/g, '\\"')}"]`);
	}

	/** Labels of a canvas node's output handles, in order. */
	async outputLabels(node) {
		return (await node.getByTestId('canvas-node-output-handle').allInnerTexts()).map((t) => t.trim());
	}

	edgeLabel(source, target) {
		const q = (s) => s.replace(/"/g, '\\"');
		return this.page.locator(`[data-test-id="edge-label"][data-source-node-name="${q(source)}"][data-target-node-name="${q(target)}"]`);
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
			{ timeoutMs: 10000, describe: () => `the form shows [${seen.join(', ')}], expected [${expected.join(', ')}]` },
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
		const option = listbox
			.getByRole('option')
			.filter({ has: this.page.locator('.option-headline', { hasText: new RegExp(`^\\s*${escapeRe(label)}\\s*$`) }) });
		await option.first().click();
		await waitUntil(async () => (await field.locator('input').first().inputValue()) === label, {
			timeoutMs: 10000,
			describe: () => `${param} did not change to "${label}"`,
		});
		await listbox.waitFor({ state: 'hidden' }).catch(() => {});
	}

	async toggleSwitch(param) {
		await this.ndv().getByTestId(`parameter-input-${param}`).locator('.el-switch').click();
	}

	/** Texts of the output pane's branch tabs (one per output), e.g. "Success Branch (1 item)". */
	async branchTabs() {
		const branches = this.ndv().getByTestId('output-panel').getByTestId('branches');
		await branches.waitFor({ state: 'visible' });
		return (await branches.locator('[data-test-id^="tab-"]').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
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
		return this.page.locator('.el-dialog').filter({ has: this.page.getByTestId('credential-edit-dialog') });
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
			async () => ((await success.isVisible()) ? 'ok' : (await failure.isVisible()) ? 'error' : null),
			{ timeoutMs: 30000, describe: () => 'neither "Connection tested successfully" nor "Couldn’t connect" appeared' },
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
}

module.exports = { Editor, NODE_TYPE, waitUntil, assert, sameList, sleep };
