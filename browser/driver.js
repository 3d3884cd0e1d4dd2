'use strict';
// The browser side of the suite: Debian's Chromium (apt-get installs it when missing) with playwright-core,
// one page on the editor with nothing leaving 127.0.0.1, screenshots (the README's, one per failed
// check), and what the run saw.
const cp = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { REPO } = require('./lib/product');
const { README_SCREENSHOTS } = require('./lib/screenshots');

const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Chromium started headless with nothing running in the background and no network of its own. */
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

function run(cmd, args, opts = {}) {
	return new Promise((resolve, reject) => {
		const child = cp.spawn(cmd, args, {
			stdio: opts.stdio || 'inherit',
			env: opts.env || process.env,
		});
		child.on('error', reject);
		child.on('close', (code) =>
			code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code})`)),
		);
	});
}

/**
 * The Chromium binary to drive: $WAPING_CHROMIUM, else /usr/bin/chromium, which is installed from
 * Debian's `chromium` package when missing and this process runs as root (as CI does).
 */
async function ensureChromium(log) {
	const wanted = process.env.WAPING_CHROMIUM || DEFAULT_CHROMIUM;
	if (fs.existsSync(wanted)) return wanted;
	if (process.env.WAPING_CHROMIUM) throw new Error(`WAPING_CHROMIUM=${wanted} does not exist`);
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	const hasApt = fs.existsSync('/usr/bin/apt-get');
	if (!isRoot || !hasApt) {
		throw new Error(
			`${DEFAULT_CHROMIUM} is missing. Install Debian's Chromium (as root: apt-get update && apt-get install -y chromium), ` +
				'or point WAPING_CHROMIUM at a Chromium binary.',
		);
	}
	log(`${DEFAULT_CHROMIUM} is missing: installing Debian's chromium package (apt-get) ...`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	await run('apt-get', ['update'], { env });
	await run('apt-get', ['install', '-y', 'chromium'], { env });
	if (!fs.existsSync(DEFAULT_CHROMIUM))
		throw new Error(`apt-get install chromium did not provide ${DEFAULT_CHROMIUM}`);
	return DEFAULT_CHROMIUM;
}

const DOCS_SHOTS = path.join(REPO, 'docs', 'screenshots');
const VIEWPORT = { width: 1440, height: 900 };

/**
 * Launches Chromium and opens one page. Only the editor on 127.0.0.1: anything else (the editor asks
 * registry.npmjs.org about community packages) is refused, so no request leaves the machine.
 */
async function openBrowser(executablePath, { headed }) {
	const { chromium, selectors } = require('playwright-core');
	selectors.setTestIdAttribute('data-test-id');
	// Ctrl-C is the suite runner's: Playwright's own handler would exit 130 before npm run dev is stopped.
	const browser = await chromium.launch({
		executablePath,
		headless: !headed,
		args: CHROMIUM_ARGS,
		handleSIGINT: false,
		handleSIGTERM: false,
		handleSIGHUP: false,
	});
	const context = await browser.newContext({
		viewport: VIEWPORT,
		deviceScaleFactor: 1,
		locale: 'en-US',
		timezoneId: 'UTC',
		colorScheme: 'light',
	});
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
	return { browser, page, blocked, pageErrors };
}

/**
 * shot(name, locator, options) saves <name>.png into `dir`: the element, a clip, or the whole window.
 * Toasts are left out, and with hideRunButton so is the floating "Execute workflow" button, which
 * covers the canvas's last row. With publish false it is left out of docs/screenshots/ (`shots`).
 */
function screenshots(page, dir) {
	fs.mkdirSync(dir, { recursive: true });
	const shots = [];
	const shot = async (name, locator, { maxHeight, hideRunButton, clip, publish = true } = {}) => {
		if (publish && !README_SCREENSHOTS.includes(name))
			throw new Error(`the screenshot "${name}" is not in browser/lib/screenshots.js`);
		const file = path.join(dir, `${name}.png`);
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
	let failuresDir = null;
	/** The window when check number `n` failed, never into docs/: a temporary folder of its own. */
	const failure = async (n, name) => {
		if (!failuresDir)
			failuresDir = fs.mkdtempSync(path.join(os.tmpdir(), 'waping-browser-failures-'));
		const file = path.join(
			failuresDir,
			`${n}-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`,
		);
		return page
			.screenshot({ path: file })
			.then(() => file)
			.catch(() => null);
	};
	return { shot, shots, failure };
}

/** What the run saw that the README states: the label measurements, the hints, the import menu. */
function reportFindings(ctx, say) {
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
	const seen = {
		failedRun: 'a new node with the revoked key, its output pane',
		executionsRow: 'its row in the Executions list',
		deviceListFailure: 'the Device list with the revoked key',
		communityCard: 'Settings → Community nodes',
		simulatorRun: 'after Disconnect on the simulator page, the Executions list',
	};
	for (const [key, what] of Object.entries(seen))
		if (ctx.findings[key]) say(`${what}: "${ctx.findings[key]}"`);
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

module.exports = {
	ensureChromium,
	DOCS_SHOTS,
	openBrowser,
	screenshots,
	reportFindings,
	publishScreenshots,
};
