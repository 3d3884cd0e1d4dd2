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
 * The checks are the scenario files of browser/scenarios/, in the order of SCENARIOS; the suite runner
 * is e2e/harness/runner.js. Ends with the line `browser: N passed, N failed`; exits 1 when a check failed.
 * Plain CommonJS for Node 20.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

const env = require('./environment');
const { Editor, assert } = require('./editor');
const driver = require('./driver');
const product = require('./lib/product');
const { createSuite } = require('../e2e/harness/runner');

const REPO = product.REPO;
/** In the order they run: each scenario works on what the one before left in the editor. */
const SCENARIOS = [
	'types',
	'new-node',
	'form',
	'credentials',
	'examples',
	'trigger',
	'failures',
	'community',
	'simulator',
	'webhook',
	'first-workflow',
	'editor',
];

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
	return opts;
}

/** n8n from `npm run dev` (or the one WAPING_BROWSER_URL names), ready for a login. */
async function bringUp(s, opts) {
	let dev = env.existingDev();
	if (dev) s.say(`using the n8n at ${dev.baseUrl}`);
	else {
		const t = Date.now();
		dev = await env.startDev({
			log: s.say,
			onOutput: opts.verbose ? (text) => process.stdout.write(text) : undefined,
		});
		s.onCleanup('npm run dev', () => dev.stop());
		s.say(`npm run dev is ready at ${dev.baseUrl} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
	}
	const ready = await env.ensureEditorReady(dev);
	for (const n of ready.notes) s.say(`warning: ${n}`);
	dev.email = ready.email;
	dev.password = ready.password;
	return dev;
}

/** The checks of every scenario, each {name, fn, readme}. */
function defineChecks(ctx) {
	const checks = [];
	// `readme: false`: a check of how the product looks that no screenshot depends on; when it fails
	// (and nothing else did), `npm run screenshots` still refreshes docs/screenshots/, and says so.
	const check = (name, fn, { readme = true } = {}) => checks.push({ name, fn, readme });
	for (const name of SCENARIOS) require(`./scenarios/${name}`)(check, ctx);
	return checks;
}

async function main(s, opts) {
	// --screenshots: taken into a temporary folder too, and copied to docs/screenshots/ only when every check passed
	const shotsDir = opts.shotsDir || fs.mkdtempSync(path.join(os.tmpdir(), 'waping-browser-shots-'));
	s.onCleanup('the screenshots folder', () => {
		if (!opts.shotsDir && s.failed === 0) fs.rmSync(shotsDir, { recursive: true, force: true });
		else s.say(`screenshots kept in ${shotsDir}`);
	});
	const executablePath = await driver.ensureChromium(s.say);
	const dev = await bringUp(s, opts);
	const { browser, page, blocked, pageErrors } = await driver.openBrowser(executablePath, opts);
	s.onCleanup('Chromium', () => browser.close());
	const ed = new Editor(page, dev.baseUrl);
	const { shot, shots, failure } = driver.screenshots(page, shotsDir);

	const demo = require(path.join(REPO, 'scripts', 'demo.js'));
	const credentials = product.demoCredentials();
	const ctx = {
		dev,
		demo,
		ed,
		page,
		shot,
		shotsDir,
		messages: product.credentialMessages(),
		credentials,
		byKey: (keyName, plan = 'auto') =>
			credentials.find((c) => c.keyName === keyName && c.plan === plan),
		defaultCred: credentials.find((c) => c.id === demo.EDITOR_DEFAULT_CREDENTIAL_ID),
		// https://github.com/<owner>/<name>, where the node's and the credential's Docs links lead
		homepage: require(path.join(REPO, 'package.json')).homepage.replace(/#.*$/, ''),
		healthRuns: [],
		sendRuns: [],
		labelFit: [],
		findings: { hints: {} },
		cleanup: [],
	};
	const notForReadme = [];
	const runCheck = async (name, fn) => {
		const ok = await s.check(name, fn);
		if (!ok) {
			const file = await failure(s.passed + s.failed, name);
			if (file) s.say(`     screenshot: ${file}`);
		}
		return ok;
	};

	const loggedIn = await runCheck('logs in with the login npm run dev printed', () =>
		ed.login(dev.email, dev.password),
	);
	const found =
		loggedIn &&
		(await runCheck(
			`finds the device health and send examples wired to the demo credentials`,
			async () => {
				const { DEVICE_HEALTH_EXAMPLE, SEND_EXAMPLE } = product;
				ctx.healthRuns = await product.findExampleRuns(
					ed,
					credentials,
					DEVICE_HEALTH_EXAMPLE,
					'health',
					product.READ_LABELS,
				);
				ctx.sendRuns = await product.findExampleRuns(
					ed,
					credentials,
					SEND_EXAMPLE,
					'send',
					product.OUTPUT_LABELS,
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
		if (!found) s.say('the workflow runs are left out');
		let inARow = 0;
		for (const c of defineChecks(ctx)) {
			if (inARow >= 3) {
				s.check(c.name, false, 'not run (three checks in a row failed)');
				continue;
			}
			const ok = await runCheck(c.name, c.fn);
			if (!ok && !c.readme) notForReadme.push(c.name);
			inARow = ok ? 0 : inARow + 1;
		}
	}
	for (const undo of ctx.cleanup.reverse())
		await undo().catch((e) => s.say(`cleaning up: ${e.message}`));
	driver.reportFindings(ctx, s.say);
	if (blocked.size) s.say(`requests refused outside 127.0.0.1: ${[...blocked].join(', ')}`);
	if (pageErrors.length)
		s.say(
			`uncaught errors in the page: ${pageErrors.length} (first: ${pageErrors[0].slice(0, 200)})`,
		);
	s.say(`screenshots: ${shots.length} taken`);
	if (!opts.screenshots) return;
	const docs = path.relative(REPO, driver.DOCS_SHOTS);
	if (s.failed === notForReadme.length) {
		driver.publishScreenshots(shots);
		s.say(`screenshots: ${shots.length} copied to ${docs}/`);
		if (s.failed)
			s.say(
				`screenshots: copied although ${s.failed} check(s) failed that no screenshot shows: ${notForReadme.join('; ')}`,
			);
	} else s.say(`screenshots: ${docs}/ left as it was, since a check failed`);
}

let opts;
try {
	opts = parseArgs(process.argv.slice(2));
} catch (e) {
	process.stderr.write(`${e.message}\n`);
	process.exit(2);
}
if (opts.help) process.stdout.write(fs.readFileSync(__filename, 'utf8').split('*/')[0]);
else {
	const suite = createSuite('browser', { footer: (s) => `  took ${s.elapsed()}` });
	suite.run(() => main(suite, opts));
}
