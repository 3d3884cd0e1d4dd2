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
 * Options: --screenshots (copy them to docs/screenshots/ when every check passed, or when only
 *          checks that no screenshot shows failed: the label fit of a new node), --shots-dir <dir>
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

/** What the run saw that the README states: the label measurements, the hints, the import menu. */
function reportFindings(ctx) {
	if (ctx.labelFit.length) {
		say(
			'output labels beside their item count (text width in screen px; gap = distance from the label to its own count):',
		);
		for (const m of ctx.labelFit) {
			const verdict = m.clipped
				? 'CUT OFF'
				: m.overlaps.length
					? `OVERLAPS ${m.overlaps.join('; ')}`
					: 'readable, clear of every count';
			const room = m.available !== undefined ? ` of ${m.available} px` : '';
			const gap =
				m.gapToCount === null
					? 'no count'
					: `gap ${m.gapToCount} px${m.stacked ? ` (count above, line boxes touching by ${m.stacked} px)` : ''}`;
			say(
				`  ${m.label.padEnd(13)} ${m.zoom.padEnd(21)} text ${String(m.textWidth).padStart(5)} px${room}, ${gap}: ${verdict}  (${m.workflow})`,
			);
		}
	}
	for (const [label, text] of Object.entries(ctx.findings.hints))
		say(`warning in the output pane for ${label}: "${text}"`);
	if (ctx.findings.importMenu)
		say(
			`import menu: ${ctx.findings.importMenu}; the imported node's credential: "${ctx.findings.importCredential}"`,
		);
}

/** Replaces the PNGs of docs/screenshots/ with this run's. */
function publishScreenshots(files) {
	fs.mkdirSync(DOCS_SHOTS, { recursive: true });
	const names = new Set(files.map((f) => path.basename(f)));
	for (const old of fs.readdirSync(DOCS_SHOTS))
		if (old.endsWith('.png') && !names.has(old)) fs.rmSync(path.join(DOCS_SHOTS, old));
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
			dev = await env.startDev({
				log: say,
				onOutput: opts.verbose ? (s) => process.stdout.write(s) : undefined,
			});
			say(`npm run dev is ready at ${dev.baseUrl} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
		}

		const ready = await env.ensureEditorReady(dev);
		for (const n of ready.notes) say(`warning: ${n}`);
		dev.email = ready.email;
		dev.password = ready.password;

		const { chromium, selectors } = require('playwright-core');
		selectors.setTestIdAttribute('data-test-id');
		browser = await chromium.launch({
			executablePath,
			headless: !opts.headed,
			args: env.CHROMIUM_ARGS,
		});
		const context = await browser.newContext({
			viewport: VIEWPORT,
			deviceScaleFactor: 1,
			locale: 'en-US',
			timezoneId: 'UTC',
			colorScheme: 'light',
		});
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
		 * Saves <name>.png: the element, a clip, or the whole window. Toasts are left out, and with
		 * hideRunButton so is the floating "Execute workflow" button, which covers the canvas's last row.
		 * With publish false it is left out of docs/screenshots/.
		 */
		const shot = async (name, locator, { maxHeight, hideRunButton, clip, publish = true } = {}) => {
			const file = path.join(opts.shotsDir, `${name}.png`);
			let style = '.el-notification, .el-message { display: none !important; }';
			if (hideRunButton)
				style +=
					' *:has(> * > [data-test-id="execute-workflow-button"]) { visibility: hidden !important; }';
			const o = { path: file, animations: 'disabled', caret: 'hide', style };
			if (clip) await page.screenshot({ ...o, clip });
			else if (locator && maxHeight) {
				const box = await locator.boundingBox();
				await page.screenshot({
					...o,
					clip: { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, maxHeight) },
				});
			} else if (locator) await locator.screenshot(o);
			else await page.screenshot(o);
			if (publish) shots.push(file);
		};

		const demo = require(path.join(REPO, 'scripts', 'demo.js'));
		const ctx = {
			dev,
			ed,
			page,
			shot,
			shotsDir: opts.shotsDir,
			messages: credentialMessages(),
			credentials: demoCredentials(),
			defaultCredentialId: demo.EDITOR_DEFAULT_CREDENTIAL_ID,
			// https://github.com/<owner>/<name>, where the node's and the credential's Docs links lead
			homepage: require(path.join(REPO, 'package.json')).homepage.replace(/#.*$/, ''),
			healthRuns: [],
			sendRuns: [],
			labelFit: [],
			findings: { hints: {} },
			cleanup: [],
		};
		let failuresDir = null;
		const notForReadme = [];
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
				if (!failuresDir)
					failuresDir = fs.mkdtempSync(path.join(os.tmpdir(), 'waping-browser-failures-'));
				const file = path.join(
					failuresDir,
					`${passed + failed}-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`,
				);
				await page
					.screenshot({ path: file })
					.then(() => say(`     screenshot: ${file}`))
					.catch(() => {});
				return false;
			}
		};

		const loggedIn = await runCheck('logs in with the login npm run dev printed', () =>
			ed.login(dev.email, dev.password),
		);
		const found =
			loggedIn &&
			(await runCheck(
				`finds the device health and send examples wired to the demo credentials`,
				async () => {
					ctx.healthRuns = await findExampleRuns(
						ed,
						ctx.credentials,
						DEVICE_HEALTH_EXAMPLE,
						'health',
						READ_LABELS,
					);
					ctx.sendRuns = await findExampleRuns(
						ed,
						ctx.credentials,
						SEND_EXAMPLE,
						'send',
						OUTPUT_LABELS,
					);
					assert(
						ctx.healthRuns.length > 0,
						`no workflow named "${DEVICE_HEALTH_EXAMPLE.name} (...)" uses a demo credential`,
					);
					assert(
						ctx.sendRuns.some((r) => r.cred.keyName === 'growth'),
						`no workflow named "${SEND_EXAMPLE.name} (...)" uses the Growth credential`,
					);
				},
			));
		if (loggedIn) {
			if (!found) say('the workflow runs are left out');
			let inARow = 0;
			for (const c of defineChecks(ctx)) {
				if (inARow >= 3) {
					failed++;
					say(`FAIL ${c.name}: not run (three checks in a row failed)`);
					continue;
				}
				const ok = await runCheck(c.name, c.fn);
				if (!ok && !c.readme) notForReadme.push(c.name);
				inARow = ok ? 0 : inARow + 1;
			}
		}
		for (const undo of ctx.cleanup.reverse())
			await undo().catch((e) => say(`cleaning up: ${e.message}`));
		reportFindings(ctx);
		if (blocked.size) say(`requests refused outside 127.0.0.1: ${[...blocked].join(', ')}`);
		if (pageErrors.length)
			say(
				`uncaught errors in the page: ${pageErrors.length} (first: ${pageErrors[0].slice(0, 200)})`,
			);
		say(`screenshots: ${shots.length} taken`);
		if (opts.screenshots) {
			if (failed === notForReadme.length) {
				publishScreenshots(shots);
				say(`screenshots: ${shots.length} copied to ${path.relative(REPO, DOCS_SHOTS)}/`);
				if (failed)
					say(
						`screenshots: copied although ${failed} check(s) failed that no screenshot shows: ${notForReadme.join('; ')}`,
					);
			} else
				say(
					`screenshots: ${path.relative(REPO, DOCS_SHOTS)}/ left as it was, since a check failed`,
				);
		}
	} catch (e) {
		failed++;
		say(`FAIL setting up: ${(e && e.stack) || e}`);
	} finally {
		if (browser) await browser.close().catch(() => {});
		if (dev) await dev.stop().catch((e) => say(`stopping npm run dev: ${e.message}`));
	}
	if (opts.shotsDirIsTemp && failed === 0)
		fs.rmSync(opts.shotsDir, { recursive: true, force: true });
	else say(`screenshots kept in ${opts.shotsDir}`);
	say(`took ${((Date.now() - T0) / 1000).toFixed(1)} s`);
	process.stdout.write(`browser: ${passed} passed, ${failed} failed\n`);
	process.exit(failed > 0 ? 1 : 0);
}

main();
