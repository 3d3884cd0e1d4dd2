'use strict';
/*
 * The stack the real-n8n suites run on: the package built and packed, an n8n runtime
 * (scripts/n8n-runtime.js), the package installed as a community package or as the README says, the
 * WAPing simulator, n8n started and stopped (one process, or queue mode: main, workers, a webhook
 * process) and Redis and PostgreSQL from Debian's packages. Usable from e2e/, browser/ and bench/:
 * every function that starts something takes `onCleanup(what, fn)` (a runner's s.onCleanup, or any
 * function of that shape) and registers its stop there. Plain CommonJS for Node 20.
 */
const cp = require('child_process');
const fs = require('fs');
const fsp = require('fs/promises');
const net = require('net');
const path = require('path');

const rt = require('../../scripts/n8n-runtime');
const demo = require('../../scripts/demo');
const { startSimulator } = require('../../simulator');
const { waitFor, run, mustRun } = require('./util');

const none = () => {};

/** `npm run build`, then `npm pack` into <dir>/pack: { file, files, name, version }. */
async function buildAndPack(dir) {
	await demo.build({ quiet: true });
	return await demo.pack(path.join(dir, 'pack'), { quiet: true });
}

/** The n8n runtime of a line (rt.LINES[n] or its number), installed into the cache on first use. */
async function runtime(line, log = none) {
	return await rt.ensureRuntime({ line: typeof line === 'object' ? line.line : line, log });
}

/** The WAPing simulator on 127.0.0.1 (a free port unless opts.port), closed at clean-up. */
async function simulator(opts = {}, onCleanup = none) {
	const sim = await startSimulator({ port: 0, host: '127.0.0.1', ...opts });
	onCleanup('simulator', () => sim.close());
	return sim;
}

/**
 * One n8n user folder: its environment (rt.n8nEnv: `extra`, `port`, `encryptionKey`…), the packed
 * package installed as a community package when `tarball` is given, and the n8n CLI and server on
 * it (the shape of rt.session). `runtime`, or else `line` (rt.LINES[n] or n) and `log` to get one.
 */
async function n8nFolder({
	runtime: given,
	line,
	log,
	userFolder,
	tarball,
	onCleanup = none,
	...envOpts
}) {
	const r = given || (await runtime(line ?? rt.DEFAULT_LINE, log));
	const env = rt.n8nEnv({ userFolder, runtime: r, ...envOpts });
	const install = (tgz, o) =>
		rt.installCommunityPackage(r, env.N8N_USER_FOLDER, tgz.file || tgz, o);
	return {
		runtime: r,
		env,
		userFolder: env.N8N_USER_FOLDER,
		installed: tarball ? await install(tarball) : undefined,
		installCommunityPackage: install,
		run: (args, o) => rt.runN8n(r, args, env, o),
		importCredentials: (c) => rt.importCredentials(r, env, c),
		importWorkflow: (w) => rt.importWorkflow(r, env, w),
		executeWorkflow: (id, o) => rt.executeWorkflow(r, env, id, o),
		/** `n8n start` (envExtra over the folder's env); stopped at clean-up if still running. */
		async start(opts = {}, envExtra = {}) {
			const server = await rt.startN8n(r, { ...env, ...envExtra }, opts);
			onCleanup('n8n', () => server.stop());
			return server;
		},
	};
}

/** Installs the tarball into <userFolder>/.n8n/nodes as the README's manual install does. */
async function installLikeAUser(userFolder, tarball) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	await fsp.mkdir(nodesDir, { recursive: true });
	// a clean environment: no npm_config_* from `npm run` (this repository's ignore-scripts, prefix)
	const env = {};
	for (const [k, v] of Object.entries(process.env))
		if (
			!/^npm_/i.test(k) ||
			/^npm_config_(registry|cache|userconfig|globalconfig|.*proxy)$/i.test(k)
		)
			env[k] = v;
	const flags = ['--legacy-peer-deps', '--no-audit', '--no-fund', '--no-update-notifier'];
	await mustRun(`npm install in ${nodesDir}`, 'npm', ['install', tarball, ...flags], {
		cwd: nodesDir,
		env,
	});
	return nodesDir;
}

// ---------------------------------------------------------------------------------------------
// Redis and PostgreSQL from Debian's packages

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function which(cmd) {
	for (const dir of [...(process.env.PATH || '').split(path.delimiter), '/usr/bin']) {
		const p = path.join(dir || '.', cmd);
		try {
			fs.accessSync(p, fs.constants.X_OK);
			return p;
		} catch {
			/* not here */
		}
	}
	return null;
}

/** The newest /usr/lib/postgresql/<version>/bin that has initdb, pg_ctl and psql. */
function postgresBin() {
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root)
		? fs
				.readdirSync(root)
				.filter((v) => /^\d+$/.test(v))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	for (const v of versions) {
		const bin = path.join(root, v, 'bin');
		if (['initdb', 'pg_ctl', 'psql', 'postgres'].every((x) => fs.existsSync(path.join(bin, x))))
			return { bin, version: v };
	}
	return null;
}

/** redis-server and PostgreSQL's binaries, installed with apt-get (as root) when missing. */
async function ensureServices(say = none) {
	const missing = [];
	if (!which('redis-server')) missing.push('redis-server');
	if (!postgresBin()) missing.push('postgresql');
	if (missing.length) {
		if (!isRoot() || !fs.existsSync('/usr/bin/apt-get'))
			throw new Error(
				`${missing.join(' and ')} missing: install Debian's packages (as root: apt-get install -y ${missing.join(' ')}), then run this again`,
			);
		say(`installing Debian's ${missing.join(' and ')} (apt-get) ...`);
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		const lock = ['-o', 'DPkg::Lock::Timeout=300'];
		const t = Date.now();
		await mustRun('apt-get update', 'apt-get', [...lock, 'update'], { env });
		const install = [...lock, 'install', '-y', '--no-install-recommends', ...missing];
		await mustRun(`apt-get install ${missing.join(' ')}`, 'apt-get', install, { env });
		say(`installed in ${((Date.now() - t) / 1000).toFixed(0)} s`);
	}
	const pg = postgresBin();
	if (!which('redis-server') || !pg)
		throw new Error(
			'apt-get install did not provide redis-server and /usr/lib/postgresql/<version>/bin',
		);
	return { redisServer: which('redis-server'), pg };
}

/** PING over Redis' protocol: true on +PONG. */
function redisPing(port) {
	return new Promise((resolve, reject) => {
		const s = net.connect(port, '127.0.0.1');
		let got = '';
		s.setTimeout(1000, () => s.destroy(new Error('timeout')));
		s.on('connect', () => s.write('PING\r\n'));
		s.on('data', (d) => {
			got += d;
			if (got.includes('\r\n')) {
				s.end();
				resolve(got.startsWith('+PONG'));
			}
		});
		s.on('error', reject);
	});
}

/** redis-server on 127.0.0.1:<free port>, nothing saved, its data in dir: { port, pid }. */
async function startRedis(redisServer, dir, onCleanup = none) {
	const port = await rt.freePort();
	await fsp.mkdir(dir, { recursive: true });
	const args = `--port ${port} --bind 127.0.0.1 --appendonly no --daemonize no --protected-mode yes`;
	const child = cp.spawn(
		redisServer,
		[...args.split(' '), '--save', '', '--dir', dir, '--logfile', ''],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let log = '';
	child.stdout.on('data', (d) => (log += d));
	child.stderr.on('data', (d) => (log += d));
	const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
	onCleanup('redis', async () => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		child.kill('SIGTERM');
		const t = setTimeout(() => child.kill('SIGKILL'), 5000);
		await exited;
		clearTimeout(t);
	});
	try {
		await waitFor(`PING on 127.0.0.1:${port}`, 15000, () => redisPing(port), {
			everyMs: 100,
			tolerate: true,
		});
	} catch (e) {
		throw new Error(
			`redis-server did not answer PING: ${e.message}\n${log.split('\n').slice(-10).join('\n')}`,
		);
	}
	return { port, pid: child.pid };
}

/**
 * A throw-away PostgreSQL cluster: initdb into dir, started with pg_ctl on 127.0.0.1:<free port>
 * (TCP only, no Unix socket), trust auth for the one user, durability off (a test database).
 * PostgreSQL refuses to run as root: as root it runs as the `postgres` user (runuser) that Debian's
 * package creates. Resolves { port, user, database, psql(sql), stop() }; stop() also deletes the cluster.
 */
async function startPostgres(
	pg,
	dir,
	{ user = 'waping', database = 'n8n' } = {},
	onCleanup = none,
) {
	const port = await rt.freePort();
	const pgc = (cmd, ...args) =>
		isRoot()
			? ['runuser', ['-u', 'postgres', '--', path.join(pg.bin, cmd), ...args]]
			: [path.join(pg.bin, cmd), args];
	await fsp.mkdir(dir, { recursive: true });
	if (isRoot())
		await mustRun('chown the database folder to postgres', 'chown', [
			'-R',
			'postgres:postgres',
			dir,
		]);
	const data = path.join(dir, 'data');
	const logFile = path.join(dir, 'postgres.log');
	const initdb = ['-D', data, '-U', user, '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync'];
	await mustRun('initdb', ...pgc('initdb', ...initdb));
	const options = [
		'listen_addresses=127.0.0.1',
		`port=${port}`,
		"unix_socket_directories=''",
		'fsync=off',
		'synchronous_commit=off',
		'full_page_writes=off',
		'max_connections=100',
	]
		.map((o) => `-c ${o}`)
		.join(' ');
	let started = true;
	const stop = async () => {
		if (started) {
			started = false;
			const r = await run(...pgc('pg_ctl', '-D', data, '-m', 'fast', '-w', '-t', '30', 'stop'));
			if (r.code !== 0) await run(...pgc('pg_ctl', '-D', data, '-m', 'immediate', '-w', 'stop'));
		}
		await fsp.rm(dir, { recursive: true, force: true });
	};
	onCleanup('postgres', stop);
	const start = ['-D', data, '-l', logFile, '-o', options, '-w', '-t', '60', 'start'];
	await mustRun('pg_ctl start', ...pgc('pg_ctl', ...start)).catch(async (e) => {
		const log = await fsp.readFile(logFile, 'utf8').catch(() => '');
		throw new Error(`${e.message}\n${log.split('\n').slice(-15).join('\n')}`);
	});
	const psql = async (sql, db = database) => {
		const args = ['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', db];
		const text = await mustRun('psql', path.join(pg.bin, 'psql'), [
			...args,
			...['-X', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql],
		]);
		return text
			.split('\n')
			.filter((l) => l !== '')
			.map((l) => l.split('\t'));
	};
	await psql(`CREATE DATABASE ${database}`, 'postgres');
	return { port, user, database, psql, stop };
}

/** Redis and PostgreSQL, started with their data under dir: { redis, db, pg }. */
async function services(dir, { say = none, onCleanup = none } = {}) {
	const { redisServer, pg } = await ensureServices(say);
	const redis = await startRedis(redisServer, path.join(dir, 'redis'), onCleanup);
	const db = await startPostgres(pg, path.join(dir, 'postgres'), {}, onCleanup);
	return { redis, db, pg };
}

/** The environment every queue-mode process shares: the database, Redis, queue mode, JSON logs. */
function queueEnv({ redis, db }) {
	return {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(db.port),
		DB_POSTGRESDB_DATABASE: db.database,
		DB_POSTGRESDB_USER: db.user,
		DB_POSTGRESDB_PASSWORD: '',
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		N8N_LOG_FORMAT: 'json',
		N8N_LOG_LEVEL: 'info',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
	};
}

/** One JSON log line of n8n (N8N_LOG_FORMAT=json), or { level: 'text', message } for anything else. */
function parseLogLine(line) {
	try {
		const j = JSON.parse(line);
		if (j && typeof j === 'object' && typeof j.message === 'string') return j;
	} catch {
		/* not JSON */
	}
	return { level: 'text', message: line };
}

/** What n8n prints when it cannot load a package or a node. */
const LOAD_FAILURE =
	/Failed to load package|Unrecognized node type|Unknown (node|credential)|is not a constructor|n8n detected that some packages are missing/i;

/**
 * n8n processes of one queue-mode installation, started together: `roles` like
 * ['main', 'worker1', 'worker2'] (a name starting with "worker" runs `n8n worker`, "webhook" runs
 * `n8n webhook`, anything else `n8n start`), each with envOf(name). Each process's log lines are parsed
 * into logs[name] and written to <logDir>/<name>.log. Resolves { procs: { name: process }, logs,
 * stopped, stop(name) } once every process is ready; fails with every process that did not start.
 */
async function startProcesses(r, roles, envOf, { logDir, port, onCleanup = none, concurrency }) {
	const logs = {};
	const stopped = {};
	const stops = {};
	const started = roles.map(async (name) => {
		logs[name] = [];
		const logFile = fs.createWriteStream(path.join(logDir, `${name}.log`));
		onCleanup(`${name} log`, () => new Promise((done) => logFile.end(done)));
		const onLine = (l) => {
			logs[name].push(parseLogLine(l));
			logFile.write(`${l}\n`);
		};
		const env = envOf(name);
		const proc = name.startsWith('worker')
			? await rt.startN8nWorker(r, env, { concurrency, timeoutMs: 180000, onLine })
			: name.startsWith('webhook')
				? await rt.startN8nWebhook(r, env, { timeoutMs: 180000, onLine })
				: await rt.startN8n(r, env, { port, timeoutMs: 180000, onLine });
		// stop() is idempotent: stopping early leaves nothing for the clean-up to do
		stops[name] = async () => (stopped[name] = await proc.stop());
		onCleanup(name, stops[name]);
		return proc;
	});
	const settled = await Promise.allSettled(started);
	const failed = settled
		.map((p, i) =>
			p.status === 'rejected' ? `${roles[i]}: ${p.reason && p.reason.message}` : null,
		)
		.filter(Boolean);
	if (failed.length) throw new Error(`n8n did not start:\n${failed.join('\n')}`);
	const procs = Object.fromEntries(settled.map((p, i) => [roles[i], p.value]));
	return { procs, logs, stopped, stop: async (name) => stops[name] && (await stops[name]()) };
}

module.exports = {
	buildAndPack,
	runtime,
	simulator,
	n8nFolder,
	installLikeAUser,
	ensureServices,
	startRedis,
	startPostgres,
	services,
	queueEnv,
	startProcesses,
	parseLogLine,
	LOAD_FAILURE,
	isRoot,
};
