#!/usr/bin/env node
'use strict';
/*
 * `npm test`: the npm scripts named on its command line, in order: first lint and build, then every
 * suite (package.json: `node scripts/test-all.js lint build test:unit …`). Each suite ends
 * with `<suite>: N passed, N failed`; this prints those lines again at the end and one line that sums
 * them, `tests: N passed, N failed`, as the last line. Lint or build failing stops the run (nothing
 * after them can be trusted); a failing suite does not stop the others, so one run shows every
 * failure. Exits 1 when anything failed.
 */
const { spawn } = require('child_process');

const PREPARE = new Set(['lint', 'build']);
const STEPS = process.argv.slice(2);
const CLOSING = /^([\w-]+): (\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$/;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let current;
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		if (current) current.kill(signal);
		process.exit(130);
	});
}

/** Runs one npm script, passing its output through; resolves with its exit code and its last closing line. */
function run(script) {
	return new Promise((resolve) => {
		let closing;
		let rest = '';
		const scan = (chunk) => {
			const lines = (rest + chunk.toString('utf8')).split('\n');
			rest = lines.pop();
			for (const line of lines) {
				const match = CLOSING.exec(line.trim());
				if (match) closing = match;
			}
		};
		current = spawn(npm, ['run', script], { stdio: ['ignore', 'pipe', 'pipe'] });
		current.stdout.on('data', (chunk) => {
			process.stdout.write(chunk);
			scan(chunk);
		});
		current.stderr.on('data', (chunk) => {
			process.stderr.write(chunk);
			scan(chunk);
		});
		current.on('close', (code, signal) => {
			scan('\n');
			current = undefined;
			resolve({ code: code ?? (signal ? 1 : 0), closing });
		});
	});
}

async function main() {
	for (const step of STEPS.filter((s) => PREPARE.has(s))) {
		const { code } = await run(step);
		if (code !== 0) {
			process.stdout.write(`\nnpm run ${step} failed (exit ${code}); no suite was run\n`);
			process.stdout.write('tests: 0 passed, 1 failed\n');
			process.exit(1);
		}
	}
	const lines = [];
	let passed = 0;
	let failed = 0;
	for (const suite of STEPS.filter((s) => !PREPARE.has(s))) {
		const { code, closing } = await run(suite);
		if (closing) {
			const [, name, p, f] = closing;
			passed += Number(p);
			// A suite that exits non-zero failed even if its line counted no failure.
			const suiteFailed = Number(f) + (code !== 0 && Number(f) === 0 ? 1 : 0);
			failed += suiteFailed;
			lines.push(`${name}: ${p} passed, ${suiteFailed} failed`);
		} else {
			failed += 1;
			lines.push(`${suite}: no closing line (exit ${code}), counted as 1 failed`);
		}
	}
	process.stdout.write('\n-- every suite\n');
	for (const line of lines) process.stdout.write(`  ${line}\n`);
	// The closing line, alone and last on both streams: a CI that reads either one finds it.
	const closing = `tests: ${passed} passed, ${failed} failed\n`;
	process.stdout.write(closing);
	process.stderr.write(closing);
	process.exit(failed > 0 ? 1 : 0);
}

void main();
