'use strict';
/*
 * Running one real-n8n suite on every n8n line (scripts/n8n-runtime.js, LINES), as e2e/run.js does:
 * `node <suite> --line=1` runs one line; without --line the suite runs every line, newest first,
 * each in its own process (its output streamed through), then prints the combined summary
 * `<suite>: N passed, N failed` as its last line.
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
 * The line to run, or undefined after running every line (the process then exits with the combined
 * result). `suite` is the summary's name ("trigger" for `trigger: N passed, N failed`).
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

async function everyLine(suite, script, extraArgs) {
	const SUMMARY = new RegExp(`^${suite}: (\\d+) passed, (\\d+) failed$`);
	const lines = Object.keys(rt.LINES)
		.map(Number)
		.sort((a, b) => b - a);
	let total = { passed: 0, failed: 0 };
	const perLine = [];
	let child = null;
	// Each line's run is its own process group (detached), so a Ctrl-C reaches it once, from here, and
	// it stops what it started before exiting.
	let stopping = false;
	const onSignal = (sig) => {
		if (stopping) return;
		stopping = true;
		if (!child) return;
		try {
			process.kill(-child.pid, sig);
		} catch {
			child.kill(sig);
		}
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	process.on('SIGHUP', onSignal);
	for (const line of lines) {
		const spec = rt.LINES[line];
		out(`\n######## ${suite} on n8n ${spec.n8nVersion} (line ${line}), Node ${spec.nodeVersion}\n`);
		let summary = null;
		const r = await new Promise((resolve) => {
			child = cp.spawn(process.execPath, [script, `--line=${line}`, ...extraArgs], {
				stdio: ['ignore', 'pipe', 'inherit'],
				detached: true,
			});
			let buf = '';
			child.stdout.on('data', (d) => {
				process.stdout.write(d);
				buf += d;
				const parts = buf.split('\n');
				buf = parts.pop();
				for (const l of parts) {
					const m = SUMMARY.exec(l);
					if (m) summary = { passed: Number(m[1]), failed: Number(m[2]) };
				}
			});
			child.on('close', (code, signal) => {
				const m = SUMMARY.exec(buf);
				if (m) summary = { passed: Number(m[1]), failed: Number(m[2]) };
				resolve({ code, signal });
			});
		});
		child = null;
		if (!summary) {
			summary = { passed: 0, failed: 1 };
			out(
				`  FAIL ${suite} on line ${line} ended without its summary (exit ${r.code}${r.signal ? `, ${r.signal}` : ''})`,
			);
		} else if (r.code !== 0 && summary.failed === 0) {
			summary.failed = 1;
			out(
				`  FAIL ${suite} on line ${line} exited ${r.code}${r.signal ? ` (${r.signal})` : ''} although no check failed`,
			);
		}
		perLine.push(
			`n8n ${spec.n8nVersion} (Node ${spec.nodeVersion}): ${summary.passed} passed, ${summary.failed} failed`,
		);
		total = { passed: total.passed + summary.passed, failed: total.failed + summary.failed };
		if (stopping || r.signal === 'SIGINT' || r.signal === 'SIGTERM' || r.code === 130) break;
	}
	out(`\n######## ${suite}, every n8n line\n${perLine.map((l) => `  ${l}`).join('\n')}`);
	out(`${suite}: ${total.passed} passed, ${total.failed} failed`);
	process.exit(total.failed ? 1 : 0);
}

module.exports = { lineArg, pickLine };
