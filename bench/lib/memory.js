'use strict';
// What a worker process measures: the time of one run (after `warm` others), and its peak resident
// memory from /proc (Linux): the kernel's high-water mark (VmHWM), which a process can reset for
// itself (clear_refs 5) so that the peak of one measured step can be read alone.
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');

const KB = 1024;

/** VmHWM and VmRSS of a process, in bytes; undefined when it is gone or /proc is missing. */
function procMemory(pid = 'self') {
	let text;
	try {
		text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	} catch {
		return undefined;
	}
	const field = (name) => {
		const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
		return match ? Number(match[1]) * KB : undefined;
	};
	return { peakRss: field('VmHWM'), rss: field('VmRSS') };
}

/** Starts the peak over again from the current RSS (Linux >= 4.0); false where that is not allowed. */
function resetPeak() {
	try {
		fs.writeFileSync('/proc/self/clear_refs', '5');
		return true;
	} catch {
		return false;
	}
}

/**
 * Follows another process's peak RSS (its VmHWM, read every `everyMs`) until stop() is called or
 * the process is gone; stop() resolves the highest value seen, in bytes.
 */
function watchPeak(pid, everyMs = 25) {
	let peak = 0;
	const read = () => {
		const memory = procMemory(pid);
		if (memory?.peakRss) peak = Math.max(peak, memory.peakRss);
		return memory !== undefined;
	};
	read();
	const timer = setInterval(() => {
		if (!read()) clearInterval(timer);
	}, everyMs);
	return {
		stop() {
			read();
			clearInterval(timer);
			return peak;
		},
	};
}

/**
 * One measured run: `prepare()` makes a run (a function to call), `warm` times run and thrown away
 * first, as in a long-running process (V8 has compiled the hot paths, the HTTP client is loaded).
 * Resolves { result, ms, measuredFrom, rssBefore, peakRss } of the measured run.
 */
async function measure(prepare, warm = 0) {
	for (let i = 0; i < warm; i++) await (await prepare())();
	// Let the clock move on, so that the warm-up's last request is logged before `measuredFrom`.
	if (warm) await new Promise((resolve) => setTimeout(resolve, 5));
	const run = await prepare();
	// No forced GC around the measured run: it changes what the run costs (a cold run would get a
	// clean heap, a warm one a shrunk young generation). Memory is what the run added: its peak RSS
	// over the RSS before it.
	const rssBefore = process.memoryUsage().rss;
	const peakReset = resetPeak();
	// Requests the simulator logs from here on are the measured run's (the warm-up's came before).
	const measuredFrom = Date.now();
	const started = performance.now();
	const result = await run();
	const ms = performance.now() - started;
	const peakRss = peakReset ? procMemory().peakRss : undefined;
	return { result, ms, measuredFrom, rssBefore, peakRss };
}

/** A worker's main(): prints the JSON line it resolves and exits 0, or prints the error and exits 1. */
function workerMain(main, cleanup = () => {}) {
	main()
		.finally(cleanup)
		.then(
			(line) => {
				process.stdout.write(`${JSON.stringify(line)}\n`);
				process.exit(0);
			},
			(error) => {
				process.stderr.write(`${error.stack ?? error}\n`);
				process.exit(1);
			},
		);
}

module.exports = { procMemory, resetPeak, watchPeak, measure, workerMain };
