'use strict';
// Child processes, their environment and output, free ports: what installing and running n8n share.
const fs = require('fs');
const path = require('path');
const cp = require('child_process');

function defaultLog(msg) {
	process.stderr.write(`[n8n-runtime] ${msg}\n`);
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
 * Feeds whole lines of a child's stdout and stderr to onLine(line, which): a chunk may end inside a
 * line, and the two streams are buffered apart. Returns {feed(which, chunk), flush()}.
 */
function lineSplitter(onLine) {
	const partial = { stdout: '', stderr: '' };
	return {
		feed(which, chunk) {
			if (!onLine) return;
			const lines = (partial[which] + chunk).split('\n');
			partial[which] = lines.pop();
			for (const l of lines) if (l) onLine(l, which);
		},
		flush() {
			if (!onLine) return;
			for (const which of ['stdout', 'stderr']) if (partial[which]) onLine(partial[which], which);
			partial.stdout = partial.stderr = '';
		},
	};
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
		const out = { stdout: '', stderr: '' };
		const lines = lineSplitter(onLine);
		for (const which of ['stdout', 'stderr'])
			child[which].on('data', (chunk) => {
				const s = chunk.toString('utf8');
				if (keepOutput) out[which] += s;
				lines.feed(which, s);
			});
		child.on('error', reject);
		let timedOut = false;
		let killTimer;
		const timer =
			timeoutMs &&
			setTimeout(() => {
				timedOut = true;
				child.kill('SIGTERM');
				killTimer = setTimeout(() => child.kill('SIGKILL'), 10000);
			}, timeoutMs);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			clearTimeout(killTimer);
			lines.flush();
			resolve({ code, signal, ...out, timedOut });
		});
		child.stdin.end(input);
	});
}

/** cleanEnv() with the runtime's Node first on PATH (node-gyp, engine checks and n8n's task runner look there). */
function envWithNode(nodeBin, extra) {
	return cleanEnv({
		PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH || ''}`,
		...extra,
	});
}

function tail(text, n = 40) {
	return text.split('\n').slice(-n).join('\n');
}

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

module.exports = {
	envWithNode,
	defaultLog,
	sleep,
	pidAlive,
	findNpmCli,
	cleanEnv,
	spawnCollect,
	lineSplitter,
	tail,
	freePort,
	freePortSync,
};
