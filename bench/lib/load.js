'use strict';
// Package load cost, in a fresh process: what n8n does when it loads the package (it has
// n8n-workflow loaded already): require the built node and credential files, and construct them.
// Prints one JSON line: { ms, peerMs } (peerMs: loading n8n-workflow first, not counted in ms).
//
//   node bench/lib/load.js '{"root":"<package dir>"}'
// n8n-workflow is resolved from the package dir, or through NODE_PATH (n8n's own node_modules) for an
// unpacked tarball, which has no node_modules of its own.
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const args = JSON.parse(process.argv[2]);
const t0 = performance.now();
require(require.resolve('n8n-workflow', { paths: [args.root] }));
const t1 = performance.now();
const { n8n } = require(path.join(args.root, 'package.json'));
for (const file of [...n8n.nodes, ...n8n.credentials]) {
	const exported = require(path.join(args.root, file));
	for (const Type of Object.values(exported)) if (typeof Type === 'function') new Type();
}
const t2 = performance.now();
process.stdout.write(`${JSON.stringify({ ms: t2 - t1, peerMs: t1 - t0 })}\n`);
