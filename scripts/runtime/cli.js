'use strict';
// The n8n CLI of a runtime: its environment, import:credentials / import:workflow, execute --rawOutput.
const fs = require('fs');
const fsp = require('fs/promises');
const os = require('os');
const path = require('path');

const { lineSpec } = require('./lines');
const { cleanEnv, spawnCollect, tail, freePort, freePortSync } = require('./proc');

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

/** `n8n import:<kind> --input=<a temp file holding the list>`; throws unless n8n says it imported them. */
async function importList(runtime, env, kind, list) {
	const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'n8n-import-'));
	const file = path.join(dir, 'data.json');
	try {
		await fsp.writeFile(file, JSON.stringify(list, null, 2), { mode: 0o600 });
		const r = await runN8n(runtime, [`import:${kind}`, `--input=${file}`], env);
		const all = `${r.stdout}\n${r.stderr}`;
		if (r.code !== 0 || !/Successfully imported/.test(all))
			throw new Error(
				`n8n import:${kind} failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}):\n${tail(all, 40)}`,
			);
		return r;
	} finally {
		await fsp.rm(dir, { recursive: true, force: true });
	}
}

/**
 * Import credentials. Each: {id, name, type, data: {plain fields}}; n8n encrypts `data` with N8N_ENCRYPTION_KEY.
 * A workflow node then refers to it as  credentials: { <type>: { id, name } }.
 */
async function importCredentials(runtime, env, credentials) {
	return importList(runtime, env, 'credentials', [].concat(credentials));
}

/** Import workflows. Each needs an `id` of 1-21 characters (n8n execute --id only accepts those). */
async function importWorkflow(runtime, env, workflows) {
	const list = [].concat(workflows);
	if (list.some((wf) => typeof wf.id !== 'string' || wf.id.length < 1 || wf.id.length > 21))
		throw new Error('importWorkflow: workflow.id must be a string of 1-21 characters');
	return importList(runtime, env, 'workflow', list);
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

module.exports = {
	n8nEnv,
	processEnv,
	runN8n,
	importCredentials,
	importWorkflow,
	parseRawOutput,
	executeWorkflow,
	nodeOutputs,
};
