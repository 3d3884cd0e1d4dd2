/** Keeps the API key out of everything a workflow, an error or a log can show. */

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
function needlesFor(secret: string): string[] {
	const forms = new Set([secret]);
	try {
		forms.add(encodeURIComponent(secret));
	} catch {
		// A lone surrogate cannot be URL-encoded; the key check refuses such keys anyway.
	}
	forms.add(JSON.stringify(secret).slice(1, -1));
	return [...forms].filter((form) => form.length > 0);
}

/**
 * A function that replaces every occurrence of the secret in strings (object keys included), deep in
 * plain objects and arrays, and returns copies. Iterative, so a hostile, deeply nested answer cannot
 * overflow the stack; shared and circular references are kept as such. Other objects (Dates,
 * Buffers, errors) are returned as they are: errors are scrubbed field by field by the node.
 */
export function redactor(secret: string): Redact {
	const needle = typeof secret === 'string' ? secret.trim() : '';
	if (needle.length < 4) return (value) => value;
	const needles = needlesFor(needle);
	const scrubText = (text: string): string => {
		let out = text;
		for (const form of needles) if (out.includes(form)) out = out.split(form).join(REDACTED);
		return out;
	};
	return <T>(value: T): T => {
		if (typeof value === 'string') return scrubText(value) as T;
		if (!isContainer(value)) return value;
		const copies = new Map<object, Container>();
		const fresh = (source: Container): Container => (Array.isArray(source) ? new Array<unknown>(source.length) : {});
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
				const name = Array.isArray(target) ? key : scrubText(key);
				if (name === '__proto__') {
					// A "__proto__" key from a JSON answer stays a plain key instead of setting the prototype.
					Object.defineProperty(target, name, { value: copy, enumerable: true, writable: true, configurable: true });
				} else {
					(target as Record<string, unknown>)[name] = copy;
				}
			}
		}
		return root as T;
	};
}
