#!/usr/bin/env node
'use strict';
/*
 * npm run dev: real n8n with this package installed, against the WAPing simulator.
 *
 *   1. builds the package and packs it (`npm pack`);
 *   2. starts the WAPing simulator on 127.0.0.1 (default port 5680) with the demo workspaces;
 *   3. provides Node 24 + n8n 2.41.1 (installed into ~/.cache/n8n-nodes-waping on first use);
 *   4. installs the tarball as a community package into the n8n user folder
 *      (~/.cache/n8n-nodes-waping/dev-user, reused between runs; --fresh starts over);
 *   5. imports a WAPing credential per demo key and every example workflow wired to each, and (when
 *      the build has the WAPing Webhook Trigger) the reply workflow of the webhook demo;
 *   6. starts n8n on 127.0.0.1 (default port 5678), creates the owner login, publishes the reply
 *      workflow and registers its URL in the simulator (failing soft), and prints the banner with
 *      the simulator's page;
 *   7. stops n8n and the simulator on Ctrl-C / SIGTERM.
 *
 * Usage: npm run dev [-- --port 5678 --sim-port 5680 --fresh --verbose --n8n-line 1|2]
 * Env:   WAPING_DEV_PORT, WAPING_SIM_PORT, WAPING_DEV_USER_FOLDER, WAPING_N8N_CACHE (runtime cache),
 *        WAPING_N8N_LINE (1 or 2; --n8n-line wins). Line 2 (n8n 2.41.1, Node 24) is the default; line 1
 *        is n8n 1.123.x on Node 22. Each line has its own default user folder (dev-user, dev-user-1x):
 *        one n8n database is not meant to go back and forth between 1.x and 2.x.
 * Plain CommonJS for Node 20.
 */
const fs = require('fs');
const fsp = require('fs/promises');
const net = require('net');
const os = require('os');
const path = require('path');

const rt = require('./n8n-runtime');
const demo = require('./demo');
const { registerCommunityPackage } = require('./register-package');
const { hasWebhookTrigger, setUpWebhookDemo } = require('./dev-webhook');
const { startSimulator } = require(path.join(demo.REPO, 'simulator'));

const OWNER = {
	email: 'dev@example.com',
	password: 'WAPing-dev-1',
	firstName: 'WAPing',
	lastName: 'Developer',
};
const ENCRYPTION_KEY = 'waping-dev-encryption-key-not-secret';

const USAGE = `Usage: npm run dev [-- options]

Starts n8n ${rt.LINES[rt.DEFAULT_LINE].n8nVersion} (Node ${rt.LINES[rt.DEFAULT_LINE].nodeVersion}) with this package installed as a community package,
the WAPing simulator, a WAPing credential per demo key and the example workflows.

Options:
  --n8n-line <1|2>    the n8n line: 2 = n8n ${rt.LINES[2].n8nVersion} on Node ${rt.LINES[2].nodeVersion} (default),
                      1 = n8n ${rt.LINES[1].n8nVersion} on Node ${rt.LINES[1].nodeVersion} (env WAPING_N8N_LINE)
  --port <n>          n8n editor port (default 5678, env WAPING_DEV_PORT)
  --sim-port <n>      WAPing simulator port (default 5680, env WAPING_SIM_PORT)
  --user-folder <dir> n8n user folder (default <cache>/dev-user, or dev-user-1x on line 1; env WAPING_DEV_USER_FOLDER)
  --fresh             delete the user folder first (new database, new owner)
  --verbose           print n8n's log here too (it always goes to <user folder>/n8n.log)
  -h, --help          this text
`;

function parseArgs(argv) {
	const opts = {
		port: Number(process.env.WAPING_DEV_PORT || 5678),
		simPort: Number(process.env.WAPING_SIM_PORT || 5680),
		userFolder: process.env.WAPING_DEV_USER_FOLDER || undefined,
		line: process.env.WAPING_N8N_LINE || undefined,
		fresh: false,
		verbose: false,
	};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const value = () => {
			const v = argv[++i];
			if (v === undefined) throw new Error(`${a} needs a value`);
			return v;
		};
		if (a === '--port') opts.port = Number(value());
		else if (a === '--sim-port') opts.simPort = Number(value());
		else if (a === '--user-folder') opts.userFolder = value();
		else if (a === '--n8n-line') opts.line = value();
		else if (a.startsWith('--n8n-line=')) opts.line = a.slice('--n8n-line='.length);
		else if (a === '--fresh') opts.fresh = true;
		else if (a === '--verbose') opts.verbose = true;
		else if (a === '-h' || a === '--help') opts.help = true;
		else throw new Error(`unknown option ${a}`);
	}
	for (const k of ['port', 'simPort']) {
		if (!Number.isInteger(opts[k]) || opts[k] < 1 || opts[k] > 65535)
			throw new Error(`bad ${k === 'port' ? '--port' : '--sim-port'}: ${opts[k]}`);
	}
	if (opts.port === opts.simPort) throw new Error('n8n and the simulator need different ports');
	opts.spec = rt.lineSpec(opts.line); // throws on anything but 1 or 2
	if (!opts.userFolder)
		opts.userFolder = path.join(rt.cacheRoot(), opts.spec.line === 1 ? 'dev-user-1x' : 'dev-user');
	opts.userFolder = path.resolve(opts.userFolder);
	const rel = path.relative(demo.REPO, opts.userFolder);
	if (!rel.startsWith('..') && !path.isAbsolute(rel))
		throw new Error(`the n8n user folder must be outside the git tree: ${opts.userFolder}`);
	return opts;
}

const T0 = Date.now();
const secs = () => `${((Date.now() - T0) / 1000).toFixed(1)} s`;
const say = (msg) => process.stdout.write(`[dev] ${msg}\n`);
const step = (n, total, msg) => say(`[${n}/${total}] ${msg}`);

/** Resolves when 127.0.0.1:port can be listened on; rejects with a readable message otherwise. */
function assertPortFree(port, what, flag) {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.once('error', (e) =>
			reject(
				new Error(
					e.code === 'EADDRINUSE'
						? `port ${port} (${what}) is in use: is another \`npm run dev\` running? Choose another with ${flag} <port>.`
						: `port ${port}: ${e.message}`,
				),
			),
		);
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
	});
}

const keyName = (key) => Object.entries(demo.demoKeys).find(([, v]) => v === key)?.[0];

/** Prints each API request the simulator answered (method, path, status, which demo key) and each webhook delivery. */
function watchSimulator(sim) {
	let seen = 0;
	let sent = 0;
	const timer = setInterval(() => {
		if (sim.deliveries.length < sent) sent = 0;
		while (sent < sim.deliveries.length) {
			const d = sim.deliveries[sent];
			if (d.ms === undefined) break; // no answer yet
			sent++;
			const outcome = d.error ? d.error : d.status;
			const notes = `${d.attempt > 1 ? `, attempt ${d.attempt}` : ''}${d.duplicate ? ', a duplicate' : ''}`;
			say(`simulator → webhook: ${d.type}${d.eventId ? ` ${d.eventId}` : ''} → ${outcome}${notes}`);
		}
		if (sim.requests.length < seen) seen = 0; // reset over /__sim/reset
		while (seen < sim.requests.length) {
			const r = sim.requests[seen];
			if (r.status === undefined && !r.dropped && Date.now() - r.at < 2000) break; // not answered yet
			seen++;
			const m = /^Bearer (\S+)$/.exec(String(r.headers.authorization || ''));
			const who = m ? (keyName(m[1]) ? `${keyName(m[1])} key` : 'unknown key') : 'no key';
			say(`simulator: ${r.method} ${r.path} → ${r.dropped ? 'dropped' : r.status} (${who})`);
		}
	}, 250);
	timer.unref();
	return () => clearInterval(timer);
}

/** The Device list's words for a status (the built node's own rule): connected, degraded, ... or unknown. */
function stateOf(status) {
	const { normaliseState } = require(path.join(demo.REPO, 'dist', 'nodes', 'shared', 'devices.js'));
	return normaliseState(status);
}

/**
 * The banner's device lines: per workspace, its plan and the demo credentials that reach it, then
 * each device as the node's Device list shows it, "dev_123 (connected)", with WAPing's own status
 * word when the node reads it differently. A workspace whose devices all share one state is one line.
 */
function deviceLines(seed) {
	const lines = [];
	for (const w of demo.demoWorkspaces(seed)) {
		if (w.credentials.length === 0) continue;
		const who = w.credentials.map((c) => c.name.replace(/^WAPing demo: /, '')).join(', ');
		const plan = `${w.plan[0].toUpperCase()}${w.plan.slice(1)} plan${w.plan === 'free' ? ', no API access' : ''}`;
		lines.push(`    ${w.id}, ${plan} (credentials: ${who}):`);
		const devices = w.devices.map((d) => {
			const state = stateOf(d.status);
			return {
				id: d.id,
				state,
				text: `${d.id} (${state}${state === d.status ? '' : `; WAPing's status "${d.status}"`})`,
			};
		});
		if (
			devices.length > 3 &&
			devices.every((d) => d.state === devices[0].state && d.text === `${d.id} (${d.state})`)
		) {
			lines.push(
				`        ${devices[0].id} … ${devices[devices.length - 1].id} (${devices.length} devices, all ${devices[0].state})`,
			);
			continue;
		}
		for (let i = 0; i < devices.length; i += 3) {
			const last = i + 3 >= devices.length;
			lines.push(
				`        ${devices
					.slice(i, i + 3)
					.map((d) => d.text)
					.join(', ')}${last ? '' : ','}`,
			);
		}
	}
	return lines;
}

async function main() {
	let opts;
	try {
		opts = parseArgs(process.argv.slice(2));
	} catch (e) {
		process.stderr.write(`${e.message}\n\n${USAGE}`);
		process.exit(2);
	}
	if (opts.help) {
		process.stdout.write(USAGE);
		return;
	}

	let sim = null;
	let server = null;
	let unwatch = () => {};
	let stopping = false;
	const work = await fsp.mkdtemp(path.join(os.tmpdir(), 'waping-dev-'));
	const shutdown = async (code) => {
		if (stopping) return;
		stopping = true;
		if (server) {
			say('stopping n8n ...');
			const r = await server.stop().catch(() => null);
			say(`n8n stopped${r ? ` (${r.signal || `exit ${r.code}`})` : ''}`);
		}
		unwatch();
		if (sim) {
			await sim.close().catch(() => {});
			say('simulator stopped');
		}
		await fsp.rm(work, { recursive: true, force: true }).catch(() => {});
		process.exit(code);
	};
	let firstSignalAt = 0;
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.on(sig, () => {
			if (firstSignalAt) {
				// Ctrl-C reaches this process twice at once (from the terminal and forwarded by npm):
				// only a later one means "stop waiting".
				if (Date.now() - firstSignalAt < 2000) return;
				say(`${sig} again: killing n8n`);
				if (server) server.kill('SIGKILL');
				process.exit(130);
			}
			firstSignalAt = Date.now();
			process.stdout.write('\n');
			say(`${sig}: shutting down`);
			shutdown(0);
		});
	}
	// `npm run dev` runs this under `sh -c`: when that shell is killed (not the whole process group,
	// as Ctrl-C does), this process is re-parented. Stop then too, instead of leaving n8n behind.
	const parent = process.ppid;
	setInterval(() => {
		if (process.ppid !== parent && !stopping) {
			say('the parent process is gone: shutting down');
			shutdown(0);
		}
	}, 1000).unref();

	try {
		const TOTAL = 6;
		await assertPortFree(opts.port, 'n8n', '--port');
		await assertPortFree(opts.simPort, 'WAPing simulator', '--sim-port');

		step(1, TOTAL, 'building and packing the package');
		await demo.build({ quiet: true });
		const tarball = await demo.pack(path.join(work, 'pack'), { quiet: true });
		say(`      ${path.basename(tarball.file)} (${tarball.files.length} files)`);

		step(2, TOTAL, `starting the WAPing simulator on 127.0.0.1:${opts.simPort}`);
		sim = await startSimulator({ port: opts.simPort, host: '127.0.0.1' });
		unwatch = watchSimulator(sim);

		step(
			3,
			TOTAL,
			`n8n ${opts.spec.n8nVersion} on Node ${opts.spec.nodeVersion} (installed into ${rt.cacheRoot()} on first use: about 3 minutes)`,
		);
		const runtime = await rt.ensureRuntime({ line: opts.spec.line, log: (m) => say(`      ${m}`) });

		const reuse =
			!opts.fresh && fs.existsSync(path.join(opts.userFolder, '.n8n', 'database.sqlite'));
		if (opts.fresh) await fsp.rm(opts.userFolder, { recursive: true, force: true });
		step(
			4,
			TOTAL,
			`${reuse ? 'reusing' : 'creating'} the n8n user folder ${opts.userFolder}; installing the package`,
		);
		const env = rt.n8nEnv({
			userFolder: opts.userFolder,
			runtime,
			encryptionKey: ENCRYPTION_KEY,
			port: opts.port,
		});
		const installed = await rt.installCommunityPackage(runtime, opts.userFolder, tarball.file);
		say(
			`      ${installed.packageName}@${installed.version} → ${path.relative(opts.userFolder, installed.packageDir)}`,
		);

		step(5, TOTAL, 'importing the demo credentials and the example workflows');
		// Stamped so that a new WAPing node in the editor starts with the Growth credential, which works
		// (n8n pre-fills the most recently updated one, which would otherwise be the revoked key).
		const credentials = demo.stampEditorDefault(demo.demoCredentials(sim.url));
		await rt.importCredentials(runtime, env, credentials);
		const examples = demo.loadExamples();
		const workflows = [];
		const webhookDemo = hasWebhookTrigger();
		for (const ex of examples) {
			for (const c of demo.DEMO_CREDENTIALS) {
				const label = c.name.replace(/^WAPing demo: /, '');
				// The first word of the file name, or "trigger" for an example started by the WAPing
				// Trigger (device-disconnect-alert would take device-health-check's ids).
				const prefix =
					demo.wapingNodes(ex.workflow).length === 0 &&
					ex.workflow.nodes.some((n) => n.type === demo.TRIGGER_TYPE)
						? 'trigger'
						: ex.slug.split('-')[0];
				const id = `${prefix}-${c.id.replace(/^wapingDemo/, '').toLowerCase()}`.slice(0, 21);
				workflows.push(
					demo.wireExample(ex.workflow, c, { id, name: `${ex.workflow.name} (${label})` }),
				);
			}
		}
		if (webhookDemo) workflows.push(demo.replyWorkflow());
		await rt.importWorkflow(runtime, env, workflows);
		// Settings → Community nodes lists what n8n's installer recorded: record it the same way.
		await registerCommunityPackage(runtime, opts.userFolder, installed);
		say(
			`      ${credentials.length} credentials, ${workflows.length} workflows (${examples.length} examples × ${demo.DEMO_CREDENTIALS.length} credentials${webhookDemo ? ', and the webhook demo' : ''})`,
		);

		step(6, TOTAL, `starting n8n on 127.0.0.1:${opts.port}`);
		const logFile = path.join(opts.userFolder, 'n8n.log');
		const log = fs.createWriteStream(logFile, { flags: 'w' });
		server = await rt.startN8n(runtime, env, {
			port: opts.port,
			timeoutMs: 180000,
			onLine: (line) => {
				log.write(`${line}\n`);
				if (opts.verbose) process.stdout.write(`[n8n] ${line}\n`);
			},
		});
		server.on('exit', (code, signal) => {
			if (stopping) return;
			server = null;
			say(`n8n exited on its own (${signal || `exit ${code}`}); see ${logFile}`);
			shutdown(1);
		});

		let login = `${OWNER.email} / ${OWNER.password}`;
		let cookie;
		try {
			({ cookie } = await rt.setupOwner(server.baseUrl, OWNER));
		} catch {
			// the user folder already has its owner: check the known password still works
			try {
				({ cookie } = await rt.login(server.baseUrl, OWNER));
			} catch {
				login = `${OWNER.email} (the password was changed in this user folder; \`npm run dev -- --fresh\` resets it)`;
			}
		}

		const webhooks = await setUpWebhookDemo({
			baseUrl: server.baseUrl,
			cookie,
			line: opts.spec.line,
			sim,
			imported: webhookDemo,
		});

		const rule = '─'.repeat(78);
		const lines = [
			rule,
			`n8n ${runtime.n8nVersion} (Node ${runtime.nodeVersion}) is running with ${installed.packageName}@${installed.version} (ready in ${secs()})`,
			'',
			`  Editor     http://127.0.0.1:${opts.port}`,
			`  Login      ${login}`,
			`  Simulator  ${sim.url}  (open it in a browser: its devices with buttons to connect,`,
			'             disconnect, degrade, link and remove them, the messages it accepted, and',
			'             "send a message as a contact"; its requests are listed below as they come)',
			...webhooks.lines,
			`  Workflows  ${workflows.length}: each example wired to each credential, e.g. "${workflows[0].name}"`,
			'  Credentials (Base URL = the simulator; a new WAPing node starts with the one marked *):',
			...demo.DEMO_CREDENTIALS.map(
				(c) =>
					`    ${c.id === demo.EDITOR_DEFAULT_CREDENTIAL_ID ? '*' : '-'} ${c.name.padEnd(36)} key ${c.apiKey}, plan ${c.plan}`,
			),
			'  Devices, as the simulator starts (the node\'s Device list shows each one as "id (state)"):',
			...deviceLines(sim.seed),
			`  n8n log    ${logFile}`,
			'',
			'  Credentials and example workflows are re-imported at every start (copy a workflow to keep',
			'  your changes); the package is rebuilt and reinstalled. Ctrl-C stops n8n and the simulator.',
			rule,
		];
		process.stdout.write(`${lines.join('\n')}\n`);
	} catch (e) {
		say(`failed: ${e && e.message ? e.message : e}`);
		await shutdown(1);
	}
}

main();
