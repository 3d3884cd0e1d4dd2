#!/usr/bin/env node
'use strict';
/*
 * `n8n-node lint` (@n8n/node-cli), unmodified, on exactly what the package is made of: package.json,
 * nodes/ and credentials/ (the scanner's SOURCE_FILE_PATTERNS), with n8n's default ESLint config
 * (eslint.config.mjs must be the tool's default: the package is in strict mode, "n8n.strict": true,
 * and the tool refuses any other config) and its n8n Cloud checks.
 *
 * Why a copy: `n8n-node lint` runs `eslint .` in the current folder, and its default config applies
 * the community-node rules to every .ts file there. Run at the root of this repository it would also
 * judge test/ and bench/ by the rules for code that runs inside n8n (no `process`, no `node:*`
 * imports, no literal keys), which tests need. So this script copies the package's files, the
 * config and tsconfig.json into a temporary folder (node_modules linked), runs the tool there, and
 * prints its report with the repository's paths. Tests and scripts are linted by
 * eslint.dev.config.mjs (npm run lint:dev).
 *
 * Exit code: the tool's. Plain CommonJS for Node 20.
 */
const cp = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '..');
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const COPY = ['package.json', 'eslint.config.mjs', 'tsconfig.json', 'nodes', 'credentials'];

function main() {
	const cli = path.join(REPO, 'node_modules', '@n8n', 'node-cli', 'bin', 'n8n-node.mjs');
	if (!fs.existsSync(cli)) {
		process.stderr.write(
			`lint-package: ${path.relative(REPO, cli)} is missing: run npm ci first\n`,
		);
		return 2;
	}
	for (const f of COPY) {
		if (!fs.existsSync(path.join(REPO, f))) {
			process.stderr.write(`lint-package: ${f} is missing from the repository\n`);
			return 2;
		}
	}
	const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'waping-lint-package-'));
	try {
		for (const f of COPY) fs.cpSync(path.join(REPO, f), path.join(stage, f), { recursive: true });
		fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
		const r = cp.spawnSync(process.execPath, [cli, 'lint'], {
			cwd: stage,
			encoding: 'utf8',
			env: process.env,
			maxBuffer: 64 * 1024 * 1024,
		});
		// eslint prints absolute paths: show the repository's instead of the copy's
		// (the tool forces colours on for eslint: they are taken out, as are the copy's paths)
		const fix = (text) =>
			String(text || '')
				.replace(ANSI, '')
				.split(fs.realpathSync(stage))
				.join(REPO)
				.split(stage)
				.join(REPO);
		process.stdout.write(fix(r.stdout));
		process.stderr.write(fix(r.stderr));
		if (r.error) {
			process.stderr.write(`lint-package: could not run n8n-node lint: ${r.error.message}\n`);
			return 2;
		}
		if (r.status !== 0) {
			process.stderr.write(
				`lint-package: n8n-node lint failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}) on package.json, nodes/ and credentials/: ` +
					'see its report above. n8n will not verify a package that fails it.\n',
			);
			return r.status || 1;
		}
		process.stdout.write(
			'lint-package: n8n-node lint passed on package.json, nodes/ and credentials/ (default config, n8n Cloud checks, strict mode)\n',
		);
		return 0;
	} finally {
		fs.rmSync(stage, { recursive: true, force: true });
	}
}

process.exitCode = main();
