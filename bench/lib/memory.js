'use strict';
// Peak resident memory from /proc (Linux): the kernel's high-water mark (VmHWM), which a process
// can reset for itself (clear_refs 5) so that the peak of one measured step can be read alone.
const fs = require('node:fs');

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

module.exports = { procMemory, resetPeak, watchPeak };
