'use strict';
/*
 * One real-n8n suite on every n8n line (scripts/n8n-runtime.js, LINES): `node <suite> --line=1` runs
 * one line; without --line the suite runs every line, newest first, each in its own process (its
 * output streamed through), then prints each line's result and `<suite>: N passed, N failed` last.
 * Plain CommonJS for Node 20.
 */
const cp = require('child_process');

const rt = require('../../scripts/n8n-runtime');

const out = (line) => process.stdout.write(`${line}\n`);

/** `--line=N` (or `--line N`) from the command line, or undefined; throws on a line that does not exist. */
function lineArg(argv = process.argv.slice(2)) {
	const a = argv.find((x) => /^--line(=|$)/.test(x));
	if (!a) return undefined;
	const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[argv.indexOf(a) + 1];
	if (!Object.keys(rt.LINES).includes(String(v)))
		throw new Error(`--line takes ${Object.keys(rt.LINES).join(' or ')}, got "${v}"`);
	return Number(v);
}

/**
 * The line to run (rt.LINES[n]), or undefined after running every line (the process then exits with
 * the combined result). `suite` is the closing line's name ("trigger" for `trigger: N passed, …`).
 */
async function pickLine(suite, script, extraArgs = []) {
	let line;
	try {
		line = lineArg();
	} catch (e) {
		process.stderr.write(`${suite}: ${e.message}\n`);
		process.exit(2);
	}
	if (line !== undefined) return rt.LINES[line];
	await everyLine(suite, script, extraArgs);
	return undefined;
}

/** Runs one line's process, its output passed through; resolves its exit and its closing line's counts. */
function runLine(script, line, extraArgs, SUMMARY, onChild) {
	return new Promise((resolve) => {
		// its own process group (detached), so that a Ctrl-C reaches it once, from here
		const child = cp.spawn(process.execPath, [script, `--line=${line}`, ...extraArgs], {
			stdio: ['ignore', 'pipe', 'inherit'],
			detached: true,
		});
		onChild(child);
		let summary = null;
		let buf = '';
		const scan = (l) => {
			const m = SUMMARY.exec(l);
			if (m) summary = { passed: Number(m[1]), failed: Number(m[2]) };
		};
		child.stdout.on('data', (d) => {
			process.stdout.write(d);
			const parts = (buf + d).split('\n');
			buf = parts.pop();
			parts.forEach(scan);
		});
		child.on('close', (code, signal) => {
			scan(buf);
			resolve({ code, signal, summary });
		});
	});
}

async function everyLine(suite, script, extraArgs) {
	const SUMMARY = new RegExp(`^${suite}: (\\d+) passed, (\\d+) failed$`);
	const lines = Object.keys(rt.LINES)
		.map(Number)
		.sort((a, b) => b - a);
	const total = { passed: 0, failed: 0 };
	const perLine = [];
	let child = null;
	let stopping = false;
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
		process.on(sig, () => {
			if (stopping) return;
			stopping = true;
			if (!child) return;
			try {
				process.kill(-child.pid, sig);
			} catch {
				child.kill(sig);
			}
		});
	for (const line of lines) {
		const spec = rt.LINES[line];
		out(`\n-- ${suite} on n8n ${spec.n8nVersion} (line ${line}), Node ${spec.nodeVersion}\n`);
		const r = await runLine(script, line, extraArgs, SUMMARY, (c) => (child = c));
		child = null;
		const how = `${r.code}${r.signal ? ` (${r.signal})` : ''}`;
		let summary = r.summary;
		if (!summary) {
			summary = { passed: 0, failed: 1 };
			out(`  ✗ ${suite} on line ${line} ended without its summary (exit ${how})`);
		} else if (r.code !== 0 && summary.failed === 0) {
			summary.failed = 1;
			out(`  ✗ ${suite} on line ${line} exited ${how} although no check failed`);
		}
		perLine.push(
			`n8n ${spec.n8nVersion} (Node ${spec.nodeVersion}): ${summary.passed} passed, ${summary.failed} failed`,
		);
		total.passed += summary.passed;
		total.failed += summary.failed;
		if (stopping || r.signal === 'SIGINT' || r.signal === 'SIGTERM' || r.code === 130) break;
	}
	out(`\n-- ${suite}, every n8n line\n${perLine.map((l) => `  ${l}`).join('\n')}`);
	out(`${suite}: ${total.passed} passed, ${total.failed} failed`);
	process.exit(total.failed ? 1 : 0);
}

module.exports = { lineArg, pickLine };
