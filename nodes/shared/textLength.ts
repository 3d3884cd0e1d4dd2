/**
 * How long a message text is, in the unit the node promises (TEXT_MAX_CHARACTERS in assumptions.ts):
 * characters as people see them (grapheme clusters), so 👍🏽, 🇫🇷 or "é" written as e + accent are one.
 * Runs on every item of a Send, so the common cases never reach the (slow) Unicode segmenter.
 */

/** Counting stops past this many characters: a text this long is far over any limit. */
const COUNT_CAP = 100_000;

/** Characters that show nothing: whitespace, controls, zero-width and format characters, variation selectors, fillers. */
const INVISIBLE_ONLY = /^[\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]*$/u;

/** Whether a text shows nothing at all (only spaces, line breaks or invisible characters). */
export function isInvisible(text: string): boolean {
	const first = text.charCodeAt(0);
	// Fast path: a text that starts with a visible ASCII character shows something.
	if (first > 0x20 && first < 0x7f) return false;
	return INVISIBLE_ONLY.test(text);
}

/**
 * The number of characters in `text` as people count them, or `COUNT_CAP + 1` and more when it is
 * longer than COUNT_CAP. Exact for any text up to `limit`, since a character is at least one UTF-16 unit.
 */
export function characterCount(text: string, limit: number): number {
	// Fast path: never more characters than UTF-16 units.
	if (text.length <= limit) return text.length;
	// ASCII: one character per unit, except CR LF, which is one line break.
	if (isAscii(text)) return text.length - (text.match(/\r\n/g)?.length ?? 0);
	const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
	let count = 0;
	for (const segment of segmenter.segment(text)) {
		void segment;
		if (++count > COUNT_CAP) break;
	}
	return count;
}

function isAscii(text: string): boolean {
	for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) > 0x7f) return false;
	return true;
}

/** The count as the error message says it. */
export function countInWords(count: number): string {
	return count > COUNT_CAP ? `more than ${COUNT_CAP}` : String(count);
}
