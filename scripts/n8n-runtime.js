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
 * The work is done in scripts/runtime/: lines.js (the lines, the cache layout), proc.js (child
 * processes, environment, ports), install.js (the install), cli.js (the n8n CLI: import, execute),
 * community.js (the package into a user folder), server.js (n8n start/worker, its REST API).
 * This file is their one entry point and the CLI.
 *
 * Plain CommonJS for Node 20, Node built-ins only. See scripts/README-n8n-runtime.md.
 *
 * CLI: node scripts/n8n-runtime.js install [--line=1|2|all]   installs if needed, prints the runtime as JSON
 *      node scripts/n8n-runtime.js where   [--line=1|2]       prints the runtime as JSON if installed, else exit 1
 */

const path = require('path');

const lines = require('./runtime/lines');
const { defaultLog, freePort } = require('./runtime/proc');
const { ensureRuntime, readMarker, runtimeFromLayout } = require('./runtime/install');
const cli = require('./runtime/cli');
const { installCommunityPackage } = require('./runtime/community');
const server = require('./runtime/server');

const { LINES, DEFAULT_LINE, SELECTED, lineSpec, cacheRoot, runtimeDirFor, layout } = lines;

module.exports = {
	LINES,
	DEFAULT_LINE,
	lineSpec,
	NODE_VERSION: lines.NODE_VERSION,
	N8N_VERSION: lines.N8N_VERSION,
	cacheRoot,
	ensureRuntime,
	freePort,
	installCommunityPackage,
	...cli,
	...server,
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
