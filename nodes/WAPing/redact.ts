/** Keeps the API key out of everything a workflow, an error or a log can show. */

export const REDACTED = '[redacted]';

export type Redact = <T>(value: T) => T;

/** A function that replaces every occurrence of the secret in strings, deep in objects and arrays. */
export function redactor(secret: string): Redact {
	const needle = secret.trim();
	if (needle.length < 4) return (value) => value;
	const scrub = (value: unknown, depth: number): unknown => {
		if (typeof value === 'string') return value.includes(needle) ? value.split(needle).join(REDACTED) : value;
		if (depth > 20 || typeof value !== 'object' || value === null) return value;
		if (Array.isArray(value)) return value.map((entry) => scrub(entry, depth + 1));
		const copy: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value)) copy[scrub(key, depth + 1) as string] = scrub(entry, depth + 1);
		return copy;
	};
	return <T>(value: T) => scrub(value, 0) as T;
}
