#!/usr/bin/env node
'use strict';
/*
 * n8n's verification scan, run locally with the scanner's own code: @n8n/scan-community-package's
 * `analyzePackage` and `SOURCE_FILE_PATTERNS` (scanner/scanner.mjs), called exactly as its CLI's
 * `analyzePackageByName` does after the provenance check:
 *   - source leg: analyzePackage(<source tree>, SOURCE_FILE_PATTERNS)
 *       = package.json and {nodes,credentials}/**\/*.{js,ts,json}, inline eslint-disable comments ignored;
 *   - tarball leg: analyzePackage(<unpacked tarball>, ['**\/*.js', 'package.json']).
 * The steps before it (fetch the package's metadata and provenance from registry.npmjs.org, download
 * the source from codeload.github.com, `npm pack` the published version) need the network and a
 * published package: they are left out; the tarball is our own `npm pack` output and the source is
 * the working tree.
 *
 * The scanner is ESM and, when imported, creates a temporary folder (tmp.dirSync) that it never
 * removes: it is run in a child process whose TMPDIR is a folder this module creates and deletes.
 *
 * CLI: node e2e/scan.js [<source dir> [<unpacked package dir>]]   (default: the repository, no tarball leg)
 * Plain CommonJS for Node 20.
 */
const cp = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '..');
const SCANNER = '@n8n/scan-community-package/scanner/scanner.mjs';
const TARBALL_PATTERNS = ['**/*.js', 'package.json']; // the CLI's tarball leg (scanner.mjs, analyzePackageByName)

/** The child: import the scanner, run the legs, print one JSON line. */
async function child(legs) {
	const scanner = await import(SCANNER);
	const out = {
		scannerVersion: require('@n8n/scan-community-package/package.json').version,
		sourcePatterns: scanner.SOURCE_FILE_PATTERNS,
		legs: [],
	};
	for (const leg of legs) {
		const patterns = leg.kind === 'source' ? scanner.SOURCE_FILE_PATTERNS : TARBALL_PATTERNS;
		const r = await scanner.analyzePackage(leg.dir, patterns);
		out.legs.push({
			kind: leg.kind,
			dir: leg.dir,
			patterns,
			passed: r.passed,
			message: r.message || null,
			details: r.details || null,
			error: r.error ? String(r.error.stack || r.error) : null,
		});
	}
	process.stdout.write(`${JSON.stringify(out)}\n`);
}

/**
 * Run the scan's legs. Resolves { scannerVersion, sourcePatterns, legs: [{kind, dir, patterns, passed, message, details}] }.
 * @param {{sourceDir?: string, packageDir?: string, timeoutMs?: number}} opts
 */
function scanPackage({ sourceDir, packageDir, timeoutMs = 120000 } = {}) {
	const legs = [];
	if (sourceDir) legs.push({ kind: 'source', dir: path.resolve(sourceDir) });
	if (packageDir) legs.push({ kind: 'tarball', dir: path.resolve(packageDir) });
	if (!legs.length)
		return Promise.reject(new Error('scanPackage: give sourceDir and/or packageDir'));
	for (const l of legs)
		if (!fs.existsSync(path.join(l.dir, 'package.json')))
			return Promise.reject(new Error(`scanPackage: ${l.dir} has no package.json`));
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'waping-scan-'));
	return new Promise((resolve, reject) => {
		const c = cp.spawn(process.execPath, [__filename, '--child', JSON.stringify(legs)], {
			cwd: REPO,
			env: { ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		c.stdout.on('data', (d) => (stdout += d));
		c.stderr.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
		c.on('error', reject);
		c.on('close', (code, signal) => {
			clearTimeout(timer);
			fs.rmSync(tmp, { recursive: true, force: true });
			const line = stdout.trim().split('\n').pop();
			try {
				if (code !== 0) throw new Error('no result');
				resolve(JSON.parse(line));
			} catch {
				reject(
					new Error(
						`the scanner did not run (exit ${code}${signal ? `, ${signal}` : ''}):\n${(stderr || stdout).split('\n').slice(-20).join('\n')}`,
					),
				);
			}
		});
	});
}

module.exports = { scanPackage, TARBALL_PATTERNS };

if (require.main === module) {
	if (process.argv[2] === '--child') {
		child(JSON.parse(process.argv[3])).catch((e) => {
			process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
			process.exit(1);
		});
	} else {
		const sourceDir = path.resolve(process.argv[2] || REPO);
		const packageDir = process.argv[3] ? path.resolve(process.argv[3]) : undefined;
		scanPackage({ sourceDir, packageDir })
			.then((r) => {
				for (const l of r.legs) {
					process.stdout.write(
						`${l.passed ? 'passed' : 'FAILED'}: @n8n/scan-community-package ${r.scannerVersion}, ${l.kind} leg on ${l.dir} (${l.patterns.join(', ')})${l.message ? `: ${l.message}` : ''}\n`,
					);
					if (l.details) process.stdout.write(`${l.details}\n`);
				}
				process.exit(r.legs.every((l) => l.passed) ? 0 : 1);
			})
			.catch((e) => {
				process.stderr.write(`scan: ${e.message}\n`);
				process.exit(2);
			});
	}
}
