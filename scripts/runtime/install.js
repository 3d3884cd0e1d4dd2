'use strict';
// Installs (once per line) Node from the npm registry and n8n with it into the cache, under a lock.
const fs = require('fs');
const fsp = require('fs/promises');
const os = require('os');
const path = require('path');
const cp = require('child_process');

const { RUNTIME_FORMAT, lineSpec, cacheRoot, runtimeDirFor, layout } = require('./lines');
const {
	defaultLog,
	sleep,
	pidAlive,
	findNpmCli,
	cleanEnv,
	envWithNode,
	spawnCollect,
	tail,
} = require('./proc');

function nodePackageName() {
	if (process.platform !== 'linux')
		throw new Error(`n8n-runtime: unsupported platform ${process.platform} (linux only)`);
	const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
	if (!arch) throw new Error(`n8n-runtime: unsupported architecture ${process.arch}`);
	return `node-linux-${arch}`;
}

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
	const envNode = envWithNode(L.nodeBin);

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

module.exports = { ensureRuntime, readMarker, runtimeFromLayout };
