/**
 * Keeps the API key out of everything a workflow, an error or a log can show.
 *
 * What it covers: every string (and object key) deep in plain objects and arrays, where the key
 * appears as written, percent-encoded (encodeURIComponent) or JSON-escaped, in any letter case (a URL
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

/** The forms a server may echo the key in: as is, URL-encoded, and JSON-escaped. */
function formsOf(secret: string): string[] {
	const forms = new Set([secret]);
	try {
		forms.add(encodeURIComponent(secret));
	} catch {
		// A lone surrogate cannot be URL-encoded; the key check refuses such keys anyway.
	}
	forms.add(JSON.stringify(secret).slice(1, -1));
	return [...forms].filter((form) => form.length > 0);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces every form of the secret in one string, in any ASCII letter case. */
export function textScrubber(secret: string): (text: string) => string {
	const needle = typeof secret === 'string' ? secret.trim() : '';
	if (needle.length < 4) return (text) => text;
	const forms = formsOf(needle);
	// Without the `u` flag, `i` folds ASCII letters only: no other character can match a key's letter.
	const pattern = new RegExp(forms.map(escapeRegExp).join('|'), 'gi');
	const lower = forms.map((form) => form.toLowerCase());
	return (text) => {
		// A quick test first: most strings hold no form of the key at all.
		const folded = text.toLowerCase();
		if (!lower.some((form) => folded.includes(form))) return text;
		return text.replace(pattern, REDACTED);
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
