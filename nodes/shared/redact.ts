/**
 * Keeps the API key out of everything a workflow, an error or a log can show.
 *
 * What it covers: every string (and object key) deep in plain objects and arrays, where the key
 * appears in any spelling a server may echo it in (see textScrubber), in any letter case (a URL
 * lower-cases its host, and a key there must not survive by case). Other objects (Dates, Buffers,
 * errors) are returned as they are: the transport hands over answers and headers as plain data, and
 * errors are scrubbed field by field by the node.
 */

export const REDACTED = '[redacted]';

export type Redact = <T>(value: T) => T;

type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
	if (Array.isArray(value)) return true;
	if (typeof value !== 'object' || value === null) return false;
	const proto = Object.getPrototypeOf(value) as unknown;
	return proto === Object.prototype || proto === null;
}

/**
 * What may sit between two characters of an echoed key without hiding it: whitespace and line
 * breaks (a wrapped line, CR LF) and the invisible characters that a later step turns into a space
 * or drops (controls, zero-width and format characters, tag characters). Matching across them is
 * what "redacted after whitespace is normalised" needs: whatever a later step does to them, no
 * whole key can come out of it.
 */
const GAP =
	'(?:[\\s\\x00-\\x1f\\x7f-\\x9f\\xad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\ufeff\\ufff9-\\ufffb]|\\udb40[\\udc00-\\udc7f])';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * One character of the key in every spelling a server may give it: as is (any ASCII case), and for
 * a character other than a letter or digit also percent-encoded once or more (`%2B`, `%252B`) or
 * JSON-escaped (`\/`, `\u002f`). Letters and digits are never encoded by URL or JSON encoders, and
 * leaving them literal keeps the pattern small enough to compile in well under a millisecond.
 */
function characterPattern(char: string): string {
	if (/^[A-Za-z0-9]$/.test(char)) return char;
	const hex = (value: number) => value.toString(16).padStart(2, '0');
	const bytes = [...Buffer.from(char, 'utf8')].map((byte) => `%(?:25)*${hex(byte)}`).join('');
	const units = [...Array(char.length).keys()]
		.map((index) => `\\\\u${hex(char.charCodeAt(index)).padStart(4, '0')}`)
		.join('');
	const spellings = [escapeRegExp(char), bytes, units];
	if ('"\\/'.includes(char)) spellings.push(`\\\\${escapeRegExp(char)}`);
	return `(?:${spellings.join('|')})`;
}

/** A text in any of the spellings above, with `gap` allowed between its characters. */
function spelledPattern(text: string, gap: string): string {
	return [...text].map(characterPattern).join(gap);
}

/**
 * The key base64-encoded, standard and URL-safe: the characters that depend on the key alone, for
 * each of the three byte alignments, so the key is found inside an encoded "Bearer <key>" or
 * "user:<key>" as well as on its own.
 */
function base64Forms(secret: string): string[] {
	const forms = new Set<string>();
	const bytes = Buffer.from(secret, 'utf8');
	for (let offset = 0; offset < 3; offset++) {
		const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
		const start = Math.ceil((8 * offset) / 6);
		const end = Math.floor((8 * (offset + bytes.length)) / 6);
		const middle = encoded.slice(start, end);
		forms.add(middle);
		forms.add(middle.replace(/\+/g, '-').replace(/\//g, '_'));
	}
	return [...forms].filter((form) => form.length >= 8);
}

/**
 * Replaces every form of the secret in one string: as written, percent-encoded (once, twice, or
 * only some characters), JSON-escaped, base64-encoded, in any ASCII letter case, and split by
 * whitespace, line breaks or invisible characters. The pattern is built on first use, once per
 * redactor (once per run), never per string.
 */
export function textScrubber(secret: string): (text: string) => string {
	const needle = typeof secret === 'string' ? secret.trim() : '';
	if (needle.length < 4) return (text) => text;
	// Built on first use. Without the `u` flag, `i` folds ASCII letters only: no other character can
	// match a key's letter.
	let patterns: { solid: RegExp; gaps: RegExp; hasGap: RegExp; spaced: RegExp } | undefined;
	const build = () => {
		const forms = [needle, ...base64Forms(needle)];
		return {
			// Every form without gaps: small, so it compiles fast and scans fast.
			solid: new RegExp(forms.map((form) => spelledPattern(form, '')).join('|'), 'i'),
			gaps: new RegExp(`${GAP}+`, 'g'),
			hasGap: new RegExp(GAP),
			// Every form with gaps between its characters: large, compiled only when a key is found.
			spaced: new RegExp(forms.map((form) => spelledPattern(form, `${GAP}*`)).join('|'), 'gi'),
		};
	};
	return (text) => {
		if (text.length < 4) return text;
		patterns ??= build();
		const { solid, gaps, hasGap, spaced } = patterns;
		// Most strings hold no form of the key: one scan, or two when the text has gaps (the second
		// on the text with its gaps removed, as a later normalisation could join them).
		const found = solid.test(text) || (hasGap.test(text) && solid.test(text.replace(gaps, '')));
		return found ? text.replace(spaced, REDACTED) : text;
	};
}

/**
 * A function that scrubs the secret from strings deep in plain objects and arrays, and returns
 * copies. Iterative, so a hostile, deeply nested answer cannot overflow the stack; shared and
 * circular references are kept as such.
 */
export function redactor(secret: string): Redact {
	const scrubText = textScrubber(secret);
	return <T>(value: T): T => {
		if (typeof value === 'string') return scrubText(value) as T;
		if (!isContainer(value)) return value;
		const copies = new Map<object, Container>();
		const fresh = (source: Container): Container =>
			Array.isArray(source) ? new Array<unknown>(source.length) : {};
		const root = fresh(value);
		copies.set(value, root);
		const pending: Array<[Container, Container]> = [[value, root]];
		while (pending.length > 0) {
			const [source, target] = pending.pop() as [Container, Container];
			for (const key of Object.keys(source)) {
				const entry = (source as Record<string, unknown>)[key];
				let copy: unknown = entry;
				if (typeof entry === 'string') {
					copy = scrubText(entry);
				} else if (isContainer(entry)) {
					let known = copies.get(entry);
					if (!known) {
						known = fresh(entry);
						copies.set(entry, known);
						pending.push([entry, known]);
					}
					copy = known;
				}
				setOwn(target, Array.isArray(target) ? key : scrubText(key), copy);
			}
		}
		return root as T;
	};
}

/**
 * A deep copy of plain JSON data, so that no two output items share a nested object (a workflow that
 * changes one item must not change another). A flat object (a device, as WAPing lists it) is copied in
 * one pass; anything nested is copied iteratively, like the redactor, so deep nesting cannot
 * overflow the stack.
 */
export function copyJson<T>(value: T): T {
	if (!isContainer(value) || Array.isArray(value)) return deepCopy(value);
	for (const key in value) {
		const entry = (value as Record<string, unknown>)[key];
		if (typeof entry === 'object' && entry !== null) return deepCopy(value);
	}
	// "__proto__" as an own key (from JSON) is kept as data by deepCopy; a spread would drop it.
	return Object.prototype.hasOwnProperty.call(value, '__proto__') ? deepCopy(value) : { ...value };
}

function deepCopy<T>(value: T): T {
	if (!isContainer(value)) return value;
	const root: Container = Array.isArray(value) ? new Array<unknown>(value.length) : {};
	const pending: Array<[Container, Container]> = [[value, root]];
	while (pending.length > 0) {
		const [source, target] = pending.pop() as [Container, Container];
		for (const key of Object.keys(source)) {
			const entry = (source as Record<string, unknown>)[key];
			let copy = entry;
			if (isContainer(entry)) {
				copy = Array.isArray(entry) ? new Array<unknown>(entry.length) : {};
				pending.push([entry, copy as Container]);
			}
			setOwn(target, key, copy);
		}
	}
	return root as T;
}

/** Sets an own property; a "__proto__" key from a JSON answer stays a plain key instead of setting the prototype. */
function setOwn(target: Container, key: string, value: unknown): void {
	if (key === '__proto__') {
		Object.defineProperty(target, key, {
			value,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	} else {
		(target as Record<string, unknown>)[key] = value;
	}
}
