/**
 * The package's layering: what every WAPing node uses lives in nodes/shared, which imports nothing
 * from a node folder; the trigger and the credential import nothing from the WAPing node's folder.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(__dirname, '..');

function tsFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return tsFiles(path);
		return name.endsWith('.ts') ? [path] : [];
	});
}

/** Every relative import of a file, as a path from the repository root. */
function importsOf(file: string): string[] {
	const text = readFileSync(file, 'utf8');
	return [...text.matchAll(/from\s+'(\.{1,2}\/[^']+)'/g)].map((match) =>
		relative(ROOT, resolve(dirname(file), match[1])),
	);
}

function importsInto(files: string[], folder: string): string[] {
	return files.flatMap((file) =>
		importsOf(file)
			.filter((target) => target.startsWith(folder))
			.map((target) => `${relative(ROOT, file)} → ${target}`),
	);
}

describe('layout', () => {
	it('nodes/shared imports nothing from a node folder', () => {
		const shared = tsFiles(join(ROOT, 'nodes/shared'));
		expect(shared.length).toBeGreaterThan(10);
		expect(importsInto(shared, 'nodes/Waping/')).toEqual([]);
		expect(importsInto(shared, 'nodes/WapingTrigger/')).toEqual([]);
	});

	it('the trigger and the credential import nothing from the WAPing node folder', () => {
		const trigger = tsFiles(join(ROOT, 'nodes/WapingTrigger'));
		const credentials = tsFiles(join(ROOT, 'credentials'));
		expect(importsInto(trigger, 'nodes/Waping/')).toEqual([]);
		expect(importsInto(trigger, 'nodes/WAPing/')).toEqual([]);
		expect(importsInto(credentials, 'nodes/Waping/')).toEqual([]);
		expect(importsInto(credentials, 'nodes/WAPing/')).toEqual([]);
		expect(importsInto(credentials, 'nodes/WapingTrigger/')).toEqual([]);
	});
});
