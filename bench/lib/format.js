'use strict';
// What both parts of the bench report share: the median, the number formats, the Markdown tables.
const MB = 1024 * 1024;

function median(values) {
	const list = values
		.filter((v) => typeof v === 'number' && Number.isFinite(v))
		.sort((a, b) => a - b);
	if (list.length === 0) return undefined;
	const mid = Math.floor(list.length / 2);
	return list.length % 2 ? list[mid] : (list[mid - 1] + list[mid]) / 2;
}

function table(header, rows) {
	const line = (cells) => `| ${cells.join(' | ')} |`;
	return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const missing = (format) => (v) => (v === undefined ? '–' : format(v));
/** Milliseconds, with fewer decimals as they grow. */
const ms = missing((v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)));
/** Milliseconds as seconds, one decimal. */
const s1 = missing((v) => (v / 1000).toFixed(1));
const mb = missing((v) => (v / MB).toFixed(0));
const int = missing((v) => String(Math.round(v)));
const pct = missing((v) => `${(v * 100).toFixed(1)} %`);
/** A ratio: two decimals (whole above 10 with `round`). */
const times = missing((v) => `${v >= 10 ? v.toFixed(0) : v.toFixed(2)}×`);
const x = missing((v) => `${v.toFixed(2)}×`);
const mark = (met) => (met === undefined ? 'not measured' : met ? '**met**' : '**missed**');
const plural = (count, word) => `${count} ${word}${count === 1 ? '' : 's'}`;

module.exports = { MB, median, table, ms, s1, mb, int, pct, times, x, mark, plural };
