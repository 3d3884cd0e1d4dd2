#!/usr/bin/env node
'use strict';
/*
 * The editor experience in a real browser: Debian's Chromium, driven by playwright-core, against
 * the n8n that `npm run dev` starts (the package installed from its tarball, the WAPing simulator,
 * a credential per demo key, the example workflows).
 *
 *   npm run test:browser      run the checks; screenshots go to a temporary folder (kept if a check fails)
 *   npm run screenshots       the same run, writing the README's screenshots to docs/screenshots/
 *
 * Options: --screenshots (copy them to docs/screenshots/ when every check passed), --shots-dir <dir>
 *          (where to take them; default a new temporary folder), --headed (needs a display),
 *          --verbose (print npm run dev's output).
 * Env: WAPING_BROWSER_PORT, WAPING_BROWSER_SIM_PORT (default: free ports), WAPING_CHROMIUM,
 *      WAPING_BROWSER_URL + WAPING_BROWSER_EMAIL + WAPING_BROWSER_PASSWORD (use an n8n that is
 *      already running from `npm run dev` instead of starting one).
 * Ends with the line `browser: N passed, N failed`; exits 1 when a check failed.
 * Plain CommonJS for Node 20.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

const env = require('./environment');
const { Editor, waitUntil, assert, sameList } = require('./editor');

const REPO = env.REPO;
const DOCS_SHOTS = path.join(REPO, 'docs', 'screenshots');
const VIEWPORT = { width: 1440, height: 900 };

function parseArgs(argv) {
	const opts = { screenshots: false, shotsDir: null, headed: false, verbose: false };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--screenshots') opts.screenshots = true;
		else if (a === '--shots-dir') opts.shotsDir = path.resolve(argv[++i] || '');
		else if (a === '--headed') opts.headed = true;
		else if (a === '--verbose') opts.verbose = true;
		else if (a === '-h' || a === '--help') opts.help = true;
		else throw new Error(`unknown option ${a}`);
	}
	// --screenshots: taken into a temporary folder too, and copied to docs/screenshots/ only when every check passed
	if (!opts.shotsDir) {
		opts.shotsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'waping-browser-shots-'));
		opts.shotsDirIsTemp = true;
	}
	return opts;
}

const T0 = Date.now();
const say = (msg) => process.stdout.write(`[browser] ${msg}\n`);

// ---------------------------------------------------------------------------------------------
// what the package and `npm run dev` promise

/** The credential test's 401 and 403 messages, from the built credential (npm run dev builds it). */
function credentialMessages() {
	const file = path.join(REPO, 'dist', 'credentials', 'WAPingApi.credentials.js');
	delete require.cache[require.resolve(file)];
	const { WAPingApi } = require(file);
	const rules = new WAPingApi().test.rules || [];
	const byCode = {};
	for (const r of rules) if (r.type === 'responseCode') byCode[r.properties.value] = r.properties.message;
	assert(byCode[401] && byCode[403], 'the credential test has no 401 or 403 message');
	return byCode;
}

/** The demo credentials `npm run dev` imports, with what each one does (scripts/demo.js). */
function demoCredentials() {
	const demo = require(path.join(REPO, 'scripts', 'demo.js'));
	return demo.DEMO_CREDENTIALS.map((c) => ({
		...c,
		// the credential test always sends GET /v1/devices, whatever Plan the credential declares
		testCode: c.expect.output === 0 ? 200 : c.expect.statusCode,
	}));
}

const DEVICE_HEALTH_EXAMPLE = JSON.parse(fs.readFileSync(path.join(REPO, 'examples', 'device-health-check.json'), 'utf8'));

const OUTPUT_LABELS = ['Success', 'Unauthorized', 'Forbidden'];
const ACTIONS = ['Get many devices', 'Get the session status of a device', 'Check the workspace plan'];

// ---------------------------------------------------------------------------------------------
// checks

function defineChecks(ctx) {
	const { ed, page, shot } = ctx;
	const checks = [];
	const check = (name, fn) => checks.push({ name, fn });

	check('the node and credential types n8n serves: every parameter described, options sorted', async () => {
		const nodeTypes = await ed.rest('/types/nodes.json');
		const node = nodeTypes.find((t) => t.name === 'n8n-nodes-waping.waping');
		assert(node, 'n8n does not serve the type n8n-nodes-waping.waping');
		assert(sameList(node.outputNames || [], OUTPUT_LABELS), `outputNames are [${(node.outputNames || []).join(', ')}]`);
		const credTypes = await ed.rest('/types/credentials.json');
		const cred = credTypes.find((t) => t.name === 'wapingApi');
		assert(cred, 'n8n does not serve the credential type wapingApi');
		const problems = [...describeProblems(node.properties, 'node'), ...describeProblems(cred.properties, 'credential')];
		assert(problems.length === 0, problems.join('; '));
	});

	check('node panel: searching "WAPing" finds the node with its icon', async () => {
		await ed.newWorkflow();
		await ed.searchNodePanel('WAPing');
		const item = ed.nodePanelItem('WAPing');
		await item.first().waitFor({ state: 'visible' });
		const icon = await ed.iconOf(item.first());
		assert(/\/waping\.svg$/.test(icon.src), `the panel shows the icon ${icon.src}, expected the light waping.svg`);
		const description = (await item.first().getByTestId('node-creator-item-description').innerText()).trim();
		assert(/WhatsApp devices/.test(description), `unexpected description in the panel: "${description}"`);
		await shot('node-panel', ed.nodeCreator(), { maxHeight: 260 });
	});

	check('node panel: WAPing lists its three actions', async () => {
		await ed.nodePanelItem('WAPing').first().click();
		let names = [];
		await waitUntil(
			async () => {
				names = await ed.nodePanelItemNames();
				return ACTIONS.every((a) => names.includes(a));
			},
			{ timeoutMs: 10000, describe: () => `the actions panel lists [${names.join(', ')}]` },
		);
	});

	check('adds the node: Get Status opens with Device ID', async () => {
		await ed.nodeCreator().getByTestId('node-creator-item-name').getByText('Get the session status of a device', { exact: true }).click();
		await ed.ndv().waitFor({ state: 'visible' });
		await waitUntil(async () => (await ed.wapingNodes().count()) === 1, { timeoutMs: 10000, describe: () => 'no WAPing node on the canvas' });
		await ed.expectParameters(['resource', 'operation', 'deviceId']);
		const good = ctx.credentials.find((c) => c.testCode === 200);
		if (good) await ed.selectCredential(good.id);
		const notice = await ed.parametersPanel().innerText();
		assert(/Success, Unauthorized.*Forbidden/s.test(notice), 'the notice about the three outputs is missing');
	});

	check('form: Resource and Operation list their options (alphabetical)', async () => {
		const resources = await ed.optionLabels('resource');
		assert(sameList(resources.filter((r) => r !== 'Custom API Call'), ['Device', 'Plan']), `Resource lists [${resources.join(', ')}]`);
		const operations = await ed.optionLabels('operation');
		assert(sameList(operations.filter((r) => r !== 'Custom API Call'), ['Get Many', 'Get Status']), `Operation lists [${operations.join(', ')}]`);
	});

	check('form: Get Many shows Return All, Limit and Session (no Device ID)', async () => {
		await ed.chooseOption('operation', 'Get Many');
		await ed.expectParameters(['resource', 'operation', 'returnAll', 'limit', 'sessionFilter']);
		const sessions = await ed.optionLabels('sessionFilter');
		assert(sameList(sessions, ['Any', 'Connected', 'Not Connected']), `Session lists [${sessions.join(', ')}]`);
		await ed.settle();
		await shot('parameters', ed.parametersPanel(), { maxHeight: 650 });
		await ed.toggleSwitch('returnAll');
		await ed.expectParameters(['resource', 'operation', 'returnAll', 'sessionFilter']);
		await ed.toggleSwitch('returnAll');
		await ed.expectParameters(['resource', 'operation', 'returnAll', 'limit', 'sessionFilter']);
	});

	check('form: Get Status shows Device ID only', async () => {
		await ed.chooseOption('operation', 'Get Status');
		await ed.expectParameters(['resource', 'operation', 'deviceId']);
	});

	check('form: Plan → Check has no fields of its own', async () => {
		await ed.chooseOption('resource', 'Plan');
		await ed.expectParameters(['resource', 'operation']);
		const operations = await ed.optionLabels('operation');
		assert(sameList(operations.filter((r) => r !== 'Custom API Call'), ['Check']), `Plan's Operation lists [${operations.join(', ')}]`);
		await ed.chooseOption('resource', 'Device');
		await ed.chooseOption('operation', 'Get Status');
		await ed.expectParameters(['resource', 'operation', 'deviceId']);
	});

	const creds = ctx.credentials;
	const byKey = (keyName, plan = 'auto') => creds.find((c) => c.keyName === keyName && c.plan === plan);
	const dialogCases = [
		{ cred: byKey('growth'), shotName: 'credential-test-ok' },
		{ cred: byKey('revoked'), shotName: 'credential-test-401' },
		{ cred: byKey('free'), shotName: 'credential-test-403' },
		{ cred: byKey('sendOnly') },
	].filter((x) => x.cred);
	for (const { cred, shotName } of dialogCases) {
		const outcome = cred.testCode === 200 ? 'passes' : `fails with the ${cred.testCode} message`;
		check(`credential dialog: "${cred.name}" ${outcome}`, async () => {
			if (!(await ed.ndv().isVisible())) await ed.openNode(await ed.wapingNodes().first().getAttribute('data-node-name'));
			await ed.openCredential(cred.id);
			const result = await ed.credentialTestResult();
			if (cred.testCode === 200) {
				assert(result.ok, `the test failed: ${result.text}`);
				assert(/Connection tested successfully/.test(result.text), `unexpected text: ${result.text}`);
			} else {
				assert(!result.ok, `the test passed; expected the ${cred.testCode} message`);
				const message = ctx.messages[cred.testCode];
				assert(result.text.includes(message), `the dialog says "${result.text}", expected "${message}"`);
			}
			if (shotName) await shot(shotName, ed.credentialDialog());
			await ed.closeCredentialDialog();
		});
	}

	check('canvas: the node has three outputs labelled Success, Unauthorized, Forbidden', async () => {
		if (await ed.ndv().isVisible()) await ed.closeNdv();
		const node = ed.wapingNodes().first();
		let labels = [];
		await waitUntil(
			async () => {
				labels = await ed.outputLabels(node);
				return sameList(labels, OUTPUT_LABELS);
			},
			{ timeoutMs: 10000, describe: () => `the outputs are labelled [${labels.join(', ')}]` },
		);
	});

	// the device health example, once per demo credential npm run dev wired it to
	for (const run of ctx.healthRuns) {
		const outputName = OUTPUT_LABELS[run.cred.expect.output];
		check(`runs "${run.workflow.name}": 1 item on ${outputName}`, async () => {
			await ed.openWorkflow(run.workflow.id);
			const waping = run.wapingName;
			const node = ed.canvasNode(waping);
			assert(sameList(await ed.outputLabels(node), OUTPUT_LABELS), 'the WAPing node lost its output labels');
			await ed.executeWorkflow();
			const expectedTargets = run.targets[run.cred.expect.output];
			await waitUntil(async () => /\b1 item\b/.test((await ed.edgeText(waping, expectedTargets[0])) || ''), {
				timeoutMs: 60000,
				describe: () => `no "1 item" on the edge ${waping} → ${expectedTargets[0]}`,
			});
			await waitUntil(async () => (await node.getByTestId('canvas-node-status-success').count()) > 0, {
				timeoutMs: 15000,
				describe: () => 'the WAPing node shows no success mark',
			});
			for (let i = 0; i < run.targets.length; i++) {
				if (i === run.cred.expect.output) continue;
				for (const t of run.targets[i]) {
					const text = (await ed.edgeText(waping, t)) || '';
					assert(!/item/.test(text), `output ${OUTPUT_LABELS[i]} (→ ${t}) got "${text}"`);
				}
			}
			if (run.cred.keyName === 'growth') {
				await ed.settle();
				await shot('workflow-run', null, { hideRunButton: true });
			}

			await ed.openNode(waping);
			const tabs = await ed.branchTabs();
			assert(tabs.length === 3, `the output pane has ${tabs.length} branches: [${tabs.join(' | ')}]`);
			tabs.forEach((t, i) => {
				assert(t.startsWith(OUTPUT_LABELS[i]), `branch ${i} is "${t}", expected ${OUTPUT_LABELS[i]}`);
				const hasItems = /\(\d+ items?\)/.test(t);
				if (i === run.cred.expect.output) assert(/\(1 item\)/.test(t), `branch "${t}" should hold 1 item`);
				else assert(!hasItems, `branch "${t}" should be empty`);
			});
			await ed.openBranch(run.cred.expect.output);
			const pane = (await ed.ndv().getByTestId('output-panel').innerText()).replace(/\s+/g, ' ');
			if (run.cred.expect.output === 0) assert(pane.includes(run.deviceId), `the output pane does not show ${run.deviceId}`);
			else {
				assert(pane.includes(String(run.cred.expect.statusCode)), `the output pane does not show ${run.cred.expect.statusCode}`);
				if (run.cred.expect.reason) assert(pane.includes(run.cred.expect.reason), `the output pane does not show the reason ${run.cred.expect.reason}`);
			}
			if (run.cred.keyName === 'growth') {
				await ed.settle();
				await shot('output-success', null);
			}
			if (run.cred.keyName === 'revoked') {
				// the JSON view shows the whole message and description, which the table cuts off
				await ed.outputDisplay('json');
				await waitUntil(async () => /"statusCode":\s*401/.test(await ed.ndv().getByTestId('output-panel').innerText()), {
					timeoutMs: 10000,
					describe: () => 'the JSON view does not show "statusCode": 401',
				});
				await ed.settle();
				await shot('output-unauthorized', null);
				await ed.outputDisplay('table');
			}
			await ed.closeNdv();
		});
	}

	check('dark mode: the canvas uses the dark icon, and it loads', async () => {
		const run = ctx.healthRuns.find((r) => r.cred.keyName === 'growth') || ctx.healthRuns[0];
		assert(run, 'no device health workflow to open');
		await page.evaluate(() => localStorage.setItem('N8N_THEME', 'dark'));
		try {
			await ed.openWorkflow(run.workflow.id);
			const theme = await page.evaluate(() => document.body.dataset.theme || document.documentElement.dataset.theme || '');
			assert(theme === 'dark', `the editor's theme is "${theme}" after choosing dark`);
			const icon = await ed.iconOf(ed.canvasNode(run.wapingName));
			assert(/\/waping\.dark\.svg$/.test(icon.src), `the dark canvas shows ${icon.src}, expected waping.dark.svg`);
			await ed.settle();
			await shot('canvas-dark', null, { hideRunButton: true });
		} finally {
			await page.evaluate(() => localStorage.removeItem('N8N_THEME'));
		}
	});

	return checks;
}

/**
 * What n8n's UI guidelines ask of parameters, checked on the description the editor loads:
 * a description on every parameter (Resource and Operation, whose options carry them, and notices
 * excepted), on every operation option an action and a description, options of an options
 * parameter sorted by name and those of a collection by display name, alphabetically.
 * What n8n adds on its own is left out: the "Custom API Call" option (value __CUSTOM_API_CALL__,
 * offered because the credential can serve the HTTP Request node) and the credential's
 * "Allowed HTTP Request Domains".
 */
const ADDED_BY_N8N = { option: '__CUSTOM_API_CALL__', property: 'allowedHttpRequestDomains' };

function describeProblems(properties, where, prefix = '') {
	const problems = [];
	const byName = (a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' });
	for (const p0 of properties || []) {
		if (p0.name === ADDED_BY_N8N.property) continue;
		const p = Array.isArray(p0.options) && p0.type === 'options' ? { ...p0, options: p0.options.filter((o) => o.value !== ADDED_BY_N8N.option) } : p0;
		const at = `${where} ${prefix}${p.displayName}`;
		const isSelector = p.name === 'resource' || p.name === 'operation';
		if (p.type !== 'notice' && !isSelector && !p.description) problems.push(`${at}: no description`);
		if (p.type === 'options' && Array.isArray(p.options)) {
			const names = p.options.map((o) => o.name);
			const sorted = [...names].sort(byName);
			if (!sameList(names, sorted)) problems.push(`${at}: options not sorted (${names.join(', ')})`);
			if (p.name === 'operation') {
				for (const o of p.options) {
					if (!o.action) problems.push(`${at} → ${o.name}: no action`);
					if (!o.description) problems.push(`${at} → ${o.name}: no description`);
				}
			}
		}
		if ((p.type === 'collection' || p.type === 'fixedCollection') && Array.isArray(p.options)) {
			const names = p.options.map((o) => o.displayName);
			const sorted = [...names].sort(byName);
			if (!sameList(names, sorted)) problems.push(`${at}: options not sorted (${names.join(', ')})`);
			problems.push(...describeProblems(p.options, where, `${prefix}${p.displayName} → `));
		}
	}
	return problems;
}

// ---------------------------------------------------------------------------------------------
// the example workflows npm run dev imported

async function findHealthRuns(ed, credentials) {
	const list = await ed.rest('/rest/workflows');
	const all = Array.isArray(list) ? list : list.data || [];
	const exampleName = DEVICE_HEALTH_EXAMPLE.name;
	const candidates = all.filter((w) => w.name === exampleName || w.name.startsWith(`${exampleName} (`));
	const runs = [];
	for (const w of candidates) {
		const wf = await ed.rest(`/rest/workflows/${encodeURIComponent(w.id)}`);
		const node = wf.nodes.find((n) => n.type === 'n8n-nodes-waping.waping');
		if (!node) continue;
		const credId = node.credentials && node.credentials.wapingApi && node.credentials.wapingApi.id;
		const cred = credentials.find((c) => c.id === credId);
		if (!cred) continue;
		const main = (wf.connections[node.name] && wf.connections[node.name].main) || [];
		const targets = OUTPUT_LABELS.map((_, i) => (main[i] || []).map((c) => c.node));
		if (!targets.every((t) => t.length > 0)) throw new Error(`"${wf.name}": every WAPing output should lead somewhere`);
		runs.push({ workflow: { id: wf.id, name: wf.name }, wapingName: node.name, targets, cred, deviceId: node.parameters.deviceId });
	}
	// in the order scripts/demo.js lists the credentials; one run per distinct outcome (output, reason,
	// source): Starter and Pro add nothing to Growth here, and each full page load costs seconds
	runs.sort((a, b) => credentials.indexOf(a.cred) - credentials.indexOf(b.cred));
	const seen = new Set();
	return runs.filter((r) => {
		const k = JSON.stringify([r.cred.expect.output, r.cred.expect.reason || null, r.cred.expect.source || null]);
		if (seen.has(k)) return false;
		seen.add(k);
		return true;
	});
}

/** Replaces the PNGs of docs/screenshots/ with this run's. */
function publishScreenshots(files) {
	fs.mkdirSync(DOCS_SHOTS, { recursive: true });
	const names = new Set(files.map((f) => path.basename(f)));
	for (const old of fs.readdirSync(DOCS_SHOTS)) if (old.endsWith('.png') && !names.has(old)) fs.rmSync(path.join(DOCS_SHOTS, old));
	for (const f of files) fs.copyFileSync(f, path.join(DOCS_SHOTS, path.basename(f)));
}

// ---------------------------------------------------------------------------------------------

async function main() {
	let opts;
	try {
		opts = parseArgs(process.argv.slice(2));
	} catch (e) {
		process.stderr.write(`${e.message}\n`);
		process.exit(2);
	}
	if (opts.help) {
		process.stdout.write(fs.readFileSync(__filename, 'utf8').split('*/')[0]);
		return;
	}

	let passed = 0;
	let failed = 0;
	let dev = null;
	let browser = null;
	// Ctrl-C or a CI timeout: stop npm run dev (and so n8n) before going
	let interrupted = false;
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.on(sig, async () => {
			if (interrupted) process.exit(130);
			interrupted = true;
			say(`${sig}: stopping`);
			if (browser) await browser.close().catch(() => {});
			if (dev) await dev.stop().catch(() => {});
			process.stdout.write(`browser: ${passed} passed, ${failed + 1} failed\n`);
			process.exit(130);
		});
	}
	try {
		const executablePath = await env.ensureChromium(say);
		dev = env.existingDev();
		if (dev) say(`using the n8n at ${dev.baseUrl}`);
		else {
			const t = Date.now();
			dev = await env.startDev({ log: say, onOutput: opts.verbose ? (s) => process.stdout.write(s) : undefined });
			say(`npm run dev is ready at ${dev.baseUrl} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
		}

		const ready = await env.ensureEditorReady(dev);
		for (const n of ready.notes) say(`warning: ${n}`);
		dev.email = ready.email;
		dev.password = ready.password;

		const { chromium, selectors } = require('playwright-core');
		selectors.setTestIdAttribute('data-test-id');
		browser = await chromium.launch({ executablePath, headless: !opts.headed, args: env.CHROMIUM_ARGS });
		const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'UTC', colorScheme: 'light' });
		// Only the editor on 127.0.0.1: anything else (the editor asks registry.npmjs.org about
		// community packages) is refused here, so no request leaves the machine.
		const blocked = new Set();
		await context.route('**/*', (route) => {
			const url = route.request().url();
			if (/^(https?:\/\/127\.0\.0\.1[:/]|data:|blob:)/.test(url)) return route.continue();
			blocked.add(new URL(url).origin);
			return route.abort();
		});
		const page = await context.newPage();
		page.setDefaultTimeout(30000);
		page.on('dialog', (d) => d.accept().catch(() => {}));
		const pageErrors = [];
		page.on('pageerror', (e) => pageErrors.push(e.message));

		const ed = new Editor(page, dev.baseUrl);
		fs.mkdirSync(opts.shotsDir, { recursive: true });
		const shots = [];
		/**
		 * Saves <name>.png: the element, or the whole window. Toasts are left out, and with
		 * hideRunButton so is the floating "Execute workflow" button, which covers the canvas's last row.
		 */
		const shot = async (name, locator, { maxHeight, hideRunButton } = {}) => {
			const file = path.join(opts.shotsDir, `${name}.png`);
			let style = '.el-notification, .el-message { display: none !important; }';
			if (hideRunButton) style += ' *:has(> * > [data-test-id="execute-workflow-button"]) { visibility: hidden !important; }';
			const o = { path: file, animations: 'disabled', caret: 'hide', style };
			if (locator && maxHeight) {
				const box = await locator.boundingBox();
				await page.screenshot({ ...o, clip: { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, maxHeight) } });
			} else if (locator) await locator.screenshot(o);
			else await page.screenshot(o);
			shots.push(file);
		};

		const ctx = { dev, ed, page, shot, messages: credentialMessages(), credentials: demoCredentials(), healthRuns: [] };
		let failuresDir = null;
		const runCheck = async (name, fn) => {
			const t = Date.now();
			try {
				await fn();
				passed++;
				say(`ok   ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
				return true;
			} catch (e) {
				failed++;
				const first = String((e && e.message) || e).split('\n')[0];
				say(`FAIL ${name} (${((Date.now() - t) / 1000).toFixed(1)} s): ${first}`);
				// never into docs/: a temporary folder of its own
				if (!failuresDir) failuresDir = fs.mkdtempSync(path.join(os.tmpdir(), 'waping-browser-failures-'));
				const file = path.join(failuresDir, `${passed + failed}-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`);
				await page.screenshot({ path: file }).then(() => say(`     screenshot: ${file}`)).catch(() => {});
				return false;
			}
		};

		const loggedIn = await runCheck('logs in with the login npm run dev printed', () => ed.login(dev.email, dev.password));
		const found =
			loggedIn &&
			(await runCheck(`finds the device health example wired to the demo credentials`, async () => {
				ctx.healthRuns = await findHealthRuns(ed, ctx.credentials);
				assert(ctx.healthRuns.length > 0, `no workflow named "${DEVICE_HEALTH_EXAMPLE.name} (...)" uses a demo credential`);
			}));
		if (loggedIn) {
			if (!found) say('the workflow runs are left out');
			let inARow = 0;
			for (const c of defineChecks(ctx)) {
				if (inARow >= 3) {
					failed++;
					say(`FAIL ${c.name}: not run (three checks in a row failed)`);
					continue;
				}
				inARow = (await runCheck(c.name, c.fn)) ? 0 : inARow + 1;
			}
		}
		if (blocked.size) say(`requests refused outside 127.0.0.1: ${[...blocked].join(', ')}`);
		if (pageErrors.length) say(`uncaught errors in the page: ${pageErrors.length} (first: ${pageErrors[0].slice(0, 200)})`);
		say(`screenshots: ${shots.length} taken`);
		if (opts.screenshots) {
			if (failed === 0) {
				publishScreenshots(shots);
				say(`screenshots: ${shots.length} copied to ${path.relative(REPO, DOCS_SHOTS)}/`);
			} else say(`screenshots: ${path.relative(REPO, DOCS_SHOTS)}/ left as it was, since a check failed`);
		}
	} catch (e) {
		failed++;
		say(`FAIL setting up: ${(e && e.stack) || e}`);
	} finally {
		if (browser) await browser.close().catch(() => {});
		if (dev) await dev.stop().catch((e) => say(`stopping npm run dev: ${e.message}`));
	}
	if (opts.shotsDirIsTemp && failed === 0) fs.rmSync(opts.shotsDir, { recursive: true, force: true });
	else say(`screenshots kept in ${opts.shotsDir}`);
	say(`took ${((Date.now() - T0) / 1000).toFixed(1)} s`);
	process.stdout.write(`browser: ${passed} passed, ${failed} failed\n`);
	process.exit(failed > 0 ? 1 : 0);
}

main();
