'use strict';
/*
 * What the browser test runs against: the n8n that `npm run dev` starts, on ports and a user folder
 * of its own (or one already running). Plain CommonJS for Node 20.
 */
const cp = require('child_process');
const fsp = require('fs/promises');
const os = require('os');
const path = require('path');

const rt = require('../scripts/n8n-runtime');
const { npmCommand, REPO } = require('../scripts/demo');
const { sleep, tail, freePort } = require('../scripts/runtime/proc');

/**
 * Reads what `npm run dev` prints once n8n is ready:
 *   Editor     http://127.0.0.1:<port>
 *   Login      <email> / <password>
 *   Simulator  http://127.0.0.1:<port>  (...)
 * Resolves null until both the Editor and the Login lines are complete. `email` and `password` are
 * null when the Login line does not hold them (dev.js then says why in words).
 */
function parseDevBanner(text) {
	const editor = /^\s*Editor\s+(http:\/\/\S+)\s*\n/m.exec(text);
	const loginLine = /^\s*Login\s+(.*)\n/m.exec(text);
	if (!editor || !loginLine) return null;
	const login = /^(\S+@\S+)\s+\/\s+(\S+)\s*$/.exec(loginLine[1].trim());
	const simulator = /^\s*Simulator\s+(http:\/\/\S+)/m.exec(text);
	return {
		baseUrl: editor[1].replace(/\/+$/, ''),
		email: login ? login[1] : null,
		password: login ? login[2] : null,
		loginText: loginLine[1].trim(),
		simulatorUrl: simulator ? simulator[1].replace(/\/+$/, '') : null,
	};
}

/**
 * Right after `npm run dev` says it is ready, n8n 2.41 may still be registering routes: seen here,
 * GET /signin answered "Cannot GET /signin" (404) and POST /rest/owner/setup failed, so the dev
 * owner was never created. This waits until the editor page is served and, when the instance still
 * has no owner, creates it (with npm run dev's login when it printed one, else the test's own).
 * Resolves the {email, password} to log in with and what had to be done, for the log.
 */
async function ensureEditorReady(dev, { timeoutMs = 90000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	const notes = [];
	let last = '';
	for (;;) {
		const r = await rt
			.request(dev.baseUrl, 'GET', '/signin', {
				headers: { accept: 'text/html' },
				timeoutMs: 10000,
			})
			.catch((e) => ({ status: 0, text: e.message }));
		if (r.status === 200 && /<html/i.test(r.text)) break;
		last = `GET /signin: ${r.status} ${r.text.slice(0, 80)}`;
		if (Date.now() > deadline) throw new Error(`the editor page is not served: ${last}`);
		await sleep(500);
	}
	const settings = await rt.request(dev.baseUrl, 'GET', '/rest/settings');
	const um = settings.body && settings.body.data && settings.body.data.userManagement;
	if (um && um.showSetupOnFirstLoad) {
		const owner =
			dev.email && dev.password
				? { email: dev.email, password: dev.password }
				: { email: 'browser-test@example.com', password: 'WAPing-browser-1' };
		notes.push(
			`npm run dev left n8n without an owner (its login line: "${dev.loginText}"); created ${owner.email}`,
		);
		for (;;) {
			try {
				await rt.setupOwner(dev.baseUrl, {
					...owner,
					firstName: 'WAPing',
					lastName: 'Browser test',
				});
				break;
			} catch (e) {
				if (Date.now() > deadline) throw new Error(`cannot create the owner: ${e.message}`);
				await sleep(1000);
			}
		}
		return { email: owner.email, password: owner.password, notes };
	}
	if (!dev.email || !dev.password)
		throw new Error(`npm run dev printed no usable login: "${dev.loginText}"`);
	return { email: dev.email, password: dev.password, notes };
}

/**
 * Starts `npm run dev` (build, pack, simulator, n8n with the package, demo credentials and example
 * workflows) on free ports with a fresh user folder in the temp directory, and resolves once it
 * has printed the editor URL and the login. `stop()` ends it as Ctrl-C would (dev.js stops n8n and
 * the simulator), kills whatever of its process group is left, and removes the user folder.
 *
 * Env: WAPING_BROWSER_PORT / WAPING_BROWSER_SIM_PORT choose the ports (default: free ones),
 * WAPING_BROWSER_DEV_TIMEOUT_MS how long to wait (default 15 min: the first run installs n8n).
 */
async function startDev({ log = () => {}, onOutput = () => {} } = {}) {
	const port = Number(process.env.WAPING_BROWSER_PORT) || (await freePort());
	let simPort = Number(process.env.WAPING_BROWSER_SIM_PORT) || (await freePort());
	while (simPort === port) simPort = await freePort();
	const userFolder = await fsp.mkdtemp(path.join(os.tmpdir(), 'waping-browser-n8n-'));
	const timeoutMs = Number(process.env.WAPING_BROWSER_DEV_TIMEOUT_MS) || 15 * 60 * 1000;

	const { cmd, pre } = npmCommand();
	log(
		`starting npm run dev (n8n on 127.0.0.1:${port}, simulator on 127.0.0.1:${simPort}, user folder ${userFolder})`,
	);
	const child = cp.spawn(cmd, [...pre, 'run', 'dev'], {
		cwd: REPO,
		detached: true, // its own process group, so stop() can make sure nothing of it is left
		stdio: ['ignore', 'pipe', 'pipe'],
		env: {
			...process.env,
			WAPING_DEV_PORT: String(port),
			WAPING_SIM_PORT: String(simPort),
			WAPING_DEV_USER_FOLDER: userFolder,
		},
	});
	let output = '';
	let exited = null;
	const exitPromise = new Promise((resolve) =>
		child.on('exit', (code, signal) => {
			exited = { code, signal };
			resolve(exited);
		}),
	);
	const onData = (chunk) => {
		const s = chunk.toString('utf8');
		output += s;
		onOutput(s);
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);

	const killGroup = (signal) => {
		try {
			process.kill(-child.pid, signal);
		} catch {
			/* already gone */
		}
	};
	// never leave n8n running behind us
	const onExit = () => killGroup('SIGKILL');
	process.on('exit', onExit);

	const groupAlive = () => {
		try {
			process.kill(-child.pid, 0);
			return true;
		} catch (e) {
			return e.code === 'EPERM';
		}
	};
	let stopped = false;
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		// What Ctrl-C in a terminal does: SIGINT to the whole process group (npm, its shell, dev.js,
		// n8n). dev.js then stops n8n and the simulator and removes its work folder. Wait for the
		// whole group to be gone, not only npm: npm can exit before dev.js has finished.
		killGroup('SIGINT');
		const deadline = Date.now() + 30000;
		while (groupAlive() && Date.now() < deadline) await sleep(200);
		if (groupAlive()) killGroup('SIGKILL');
		await exitPromise;
		process.removeListener('exit', onExit);
		await fsp.rm(userFolder, { recursive: true, force: true }).catch(() => {});
	};

	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const banner = parseDevBanner(output);
		if (banner) return { ...banner, userFolder, port, simPort, output: () => output, stop };
		if (exited) {
			await stop();
			throw new Error(
				`npm run dev exited (${exited.signal || `exit ${exited.code}`}) before n8n was ready:\n${tail(output)}`,
			);
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(
				`npm run dev did not print the editor URL and login within ${timeoutMs / 1000} s:\n${tail(output)}`,
			);
		}
		await sleep(250);
	}
}

/**
 * An n8n that is already running (WAPING_BROWSER_URL, WAPING_BROWSER_EMAIL, WAPING_BROWSER_PASSWORD),
 * for example a `npm run dev` in another terminal. Nothing is started or stopped.
 */
function existingDev() {
	const baseUrl = process.env.WAPING_BROWSER_URL;
	if (!baseUrl) return null;
	const email = process.env.WAPING_BROWSER_EMAIL;
	const password = process.env.WAPING_BROWSER_PASSWORD;
	if (!email || !password)
		throw new Error(
			'WAPING_BROWSER_URL needs WAPING_BROWSER_EMAIL and WAPING_BROWSER_PASSWORD too',
		);
	return {
		baseUrl: baseUrl.replace(/\/+$/, ''),
		email,
		password,
		loginText: `${email} / ${password}`,
		simulatorUrl: null,
		output: () => '',
		stop: async () => {},
	};
}

module.exports = {
	startDev,
	existingDev,
	ensureEditorReady,
	parseDevBanner,
};
