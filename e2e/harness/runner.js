'use strict';
/*
 * The suite runner of the real-n8n suites (e2e, trigger, crash, queue, browser): checks, sections,
 * the closing line, the exit code, and the clean-up of everything a suite started, on any exit.
 *
 *   const { createSuite } = require('../e2e/harness/runner');
 *   const s = createSuite('trigger', { lines: __filename, keepEnv: 'WAPING_E2E_KEEP' });
 *   s.run(async (line) => {           // line: rt.LINES[n] (with `lines`), else undefined
 *     s.section('n8n start');         // "\n== n8n start (12.3 s)"
 *     s.check('text', () => assert…); // "  ✓ text" or "  ✗ text\n       <message>"
 *     s.check('text', ok, 'detail');  // a boolean: "  ✓ text: detail"
 *     await s.check('text', async () => …); // an async check returns its promise
 *     s.onCleanup('n8n', () => server.stop()); // run last-in first-out on every exit
 *     const work = await s.tempDir('waping-x-'); // removed at the end (kept: keepEnv=1 or a failure)
 *   });
 *
 * s.run ends with `<name>: N passed, N failed` as the last line (scripts/test-all.js reads it) and
 * exits 1 when a check failed; an error thrown out of the body (or one nobody caught) counts as one
 * failure. Ctrl-C, SIGTERM or SIGHUP: clean-up, then the closing line with one failure more, exit 130.
 * With `lines` (the suite's own file) and no --line on the command line, the suite runs once per
 * n8n line, each in its own process, then prints each line's result and the total (./lines.js).
 * Other members: out(line), say(msg) ("  msg"), elapsed(), indent(text), fail(name, error),
 * passed, failed, failedNames, interrupted, cleanup() (runs the clean-ups now), finish().
 * Plain CommonJS for Node 20.
 */
const fsp = require('fs/promises');
const os = require('os');
const path = require('path');

const { pickLine } = require('./lines');

const out = (line) => process.stdout.write(`${line}\n`);
const indent = (text, pad = '       ') =>
	String(text)
		.split('\n')
		.map((l) => pad + l)
		.join('\n');
const messageOf = (e) => (e && e.message ? e.message : String(e));

/**
 * A suite named `name` (the closing line's word). Options: `lines` (the suite's file: run it on every
 * n8n line), `keepEnv` (an environment variable that keeps temp folders when set to 1), `footer(s)`
 * (a line printed before the failed list and the closing line).
 */
function createSuite(name, options = {}) {
	const T0 = Date.now();
	const cleanups = [];
	let cleaning = null;
	const s = {
		name,
		passed: 0,
		failed: 0,
		failedNames: [],
		/** After Ctrl-C / SIGTERM: checks are no longer counted, only the clean-up speaks. */
		interrupted: false,
		line: undefined,
		out,
		indent,
		say: (msg) => out(`  ${msg}`),
		elapsed: () => `${((Date.now() - T0) / 1000).toFixed(1)} s`,
		keep: options.keepEnv ? process.env[options.keepEnv] === '1' : false,
	};

	s.section = (title) => out(`\n-- ${title} (${s.elapsed()})`);

	const record = (text, ok, why) => {
		if (s.interrupted) return ok;
		if (ok) {
			s.passed++;
			out(`  ✓ ${text}`);
		} else {
			s.failed++;
			s.failedNames.push(text);
			out(`  ✗ ${text}${why ? `\n${indent(why)}` : ''}`);
		}
		return ok;
	};

	/**
	 * check(text, fn): passes unless fn throws (or its promise rejects); check(text, ok, detail): a
	 * boolean, the detail printed after the text either way. Returns whether it passed (a promise for
	 * an async fn).
	 */
	s.check = (text, fn, detail) => {
		if (typeof fn !== 'function') {
			const line = detail ? `${text}: ${detail}` : text;
			if (s.interrupted) return Boolean(fn);
			if (fn) s.passed++;
			else {
				s.failed++;
				s.failedNames.push(text);
			}
			out(`  ${fn ? '✓' : '✗'} ${line}`);
			return Boolean(fn);
		}
		let result;
		try {
			result = fn();
		} catch (e) {
			return record(text, false, messageOf(e));
		}
		if (result && typeof result.then === 'function')
			return result.then(
				() => record(text, true),
				(e) => record(text, false, messageOf(e)),
			);
		return record(text, true);
	};

	/** A failure that is not a check (the suite stopped): counted, with its stack. */
	s.fail = (text, error) => {
		s.failed++;
		s.failedNames.push(text);
		out(`  ✗ ${text}${error ? `: ${error && error.stack ? error.stack : error}` : ''}`);
	};

	/** Registers a clean-up, run last-in first-out by cleanup(); returns a function that runs it now instead. */
	s.onCleanup = (what, fn) => {
		const entry = { what, fn };
		cleanups.push(entry);
		return async () => {
			const i = cleanups.indexOf(entry);
			if (i >= 0) {
				cleanups.splice(i, 1);
				await fn();
			}
		};
	};

	s.cleanup = () => {
		if (!cleaning)
			cleaning = (async () => {
				while (cleanups.length) {
					const { what, fn } = cleanups.pop();
					try {
						await fn();
					} catch (e) {
						out(`  clean-up: ${what}: ${messageOf(e)}`);
					}
				}
				cleaning = null;
			})();
		return cleaning;
	};

	/** A new temp folder, removed at clean-up unless kept (keepEnv=1, or when a check failed and `keepOnFailure`). */
	s.tempDir = async (prefix, { keepOnFailure = false } = {}) => {
		const dir = await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
		s.onCleanup(`temp folder ${dir}`, async () => {
			if (s.keep || (keepOnFailure && s.failed > 0)) out(`\nwork folder kept: ${dir}`);
			else await fsp.rm(dir, { recursive: true, force: true });
		});
		return dir;
	};

	/** Prints the footer, the failed checks and the closing line; exits 1 when a check failed. */
	s.finish = (code) => {
		if (options.footer) out(options.footer(s));
		if (s.failed) out(`failed:\n${s.failedNames.map((n) => `  - ${n}`).join('\n')}`);
		out(`${name}: ${s.passed} passed, ${s.failed} failed`);
		process.exit(code ?? (s.failed ? 1 : 0));
	};

	const onSignal = (sig) => {
		if (s.interrupted) return;
		s.interrupted = true;
		out(`\n${sig}: stopping everything this run started`);
		s.cleanup().finally(() => {
			out(`${name}: ${s.passed} passed, ${s.failed + 1} failed`);
			process.exit(130);
		});
	};

	// An error no one awaited (a stray promise, a throwing callback): counted, then the same clean-up.
	const onCrash = (error) => {
		if (s.interrupted) return;
		s.fail('an error nobody caught', error);
		s.interrupted = true;
		s.cleanup().finally(() => s.finish(1));
	};

	/** Runs body(line) with the signal and error handlers set, then clean-up and the closing line. */
	s.run = async (body) => {
		if (options.lines) {
			s.line = await pickLine(name, options.lines, options.lineArgs);
			if (!s.line) return; // every line ran, each in its own process
		}
		for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, onSignal);
		process.on('uncaughtException', onCrash);
		process.on('unhandledRejection', onCrash);
		try {
			await body(s.line);
		} catch (e) {
			if (s.interrupted) return;
			s.fail('the suite stopped', e);
		}
		if (s.interrupted) return;
		await s.cleanup();
		s.finish();
	};

	return s;
}

module.exports = { createSuite, out, indent };
