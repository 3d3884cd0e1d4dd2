/**
 * The README and docs/ say what a user can do: every command they show must exist, every link must
 * lead somewhere, and every picture must be one the browser test takes (`npm run screenshots`).
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { dirname, join, resolve } from 'path';

const ROOT = join(__dirname, '..');
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const pages = [
	'README.md',
	...readdirSync(join(ROOT, 'docs'))
		.filter((f) => f.endsWith('.md'))
		.map((f) => `docs/${f}`),
];
const text = (page: string) => readFileSync(join(ROOT, page), 'utf8');
/** Text inside backticks and fenced blocks, where commands are shown. */
const codeOf = (page: string) =>
	[...text(page).matchAll(/```[a-z]*\n([\s\S]*?)```|`([^`\n]+)`/g)].map((m) => m[1] ?? m[2]);
const devUsage = readFileSync(join(ROOT, 'scripts', 'dev.js'), 'utf8');

describe.each(pages)('%s', (page) => {
	it('shows only npm scripts that exist', () => {
		for (const code of codeOf(page)) {
			for (const [, script] of code.matchAll(/npm run ([\w:-]+)/g)) {
				expect({ page, script, defined: script in packageJson.scripts }).toEqual({
					page,
					script,
					defined: true,
				});
			}
		}
	});

	it('shows only options of npm run dev that it takes', () => {
		for (const code of codeOf(page)) {
			for (const [, options] of code.matchAll(/npm run dev -- ([^\n`]+)/g)) {
				for (const [option] of options.matchAll(/--[\w-]+/g)) {
					expect({ option, inUsage: devUsage.includes(`  ${option}`) }).toEqual({
						option,
						inUsage: true,
					});
				}
			}
		}
	});

	it('links only to files that exist', () => {
		for (const [, target] of text(page).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
			if (/^[a-z]+:/.test(target)) continue;
			const file = resolve(ROOT, dirname(page), target);
			expect({ page, target, exists: existsSync(file) }).toEqual({ page, target, exists: true });
		}
	});
});

it('the README is for users first: install and a first workflow before any reference', () => {
	const readme = text('README.md');
	const at = (heading: string) => readme.indexOf(`\n## ${heading}`);
	expect(at('Install')).toBeGreaterThan(0);
	expect(at('Try it without a WAPing account')).toBeGreaterThan(at('Install'));
	expect(at('Your first workflow')).toBeGreaterThan(at('Try it without a WAPing account'));
	expect(at('Reference')).toBeGreaterThan(at('Your first workflow'));
	// Words a no-code user does not know stay out of the README's first half.
	const firstHalf = readme.slice(0, at('Reference'));
	for (const word of ['pairedItem', 'E.164', 'Idempotency-Key', 'GET /v1', 'isolated-vm']) {
		expect({ word, inFirstHalf: firstHalf.includes(word) }).toEqual({ word, inFirstHalf: false });
	}
});

describe('the screenshots', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { README_SCREENSHOTS } = require('../browser/lib/screenshots') as {
		README_SCREENSHOTS: string[];
	};
	const published = README_SCREENSHOTS.map((name) => `${name}.png`);
	const shown = pages.flatMap((page) =>
		[...text(page).matchAll(/\]\(([^)\s]*screenshots\/[^)\s]+)\)/g)].map((m) => ({
			page,
			file: resolve(ROOT, dirname(page), m[1]),
		})),
	);

	it('every image the README and docs/ show is one the browser suite publishes, in docs/screenshots/', () => {
		expect(shown.length).toBeGreaterThan(0);
		for (const { page, file } of shown) {
			const name = file.slice(file.lastIndexOf('/') + 1);
			expect({
				page,
				file: file.slice(ROOT.length + 1),
				inDocsScreenshots: dirname(file) === join(ROOT, 'docs', 'screenshots') && existsSync(file),
				publishedByTheBrowserSuite: published.includes(name),
			}).toEqual({
				page,
				file: file.slice(ROOT.length + 1),
				inDocsScreenshots: true,
				publishedByTheBrowserSuite: true,
			});
		}
	});

	it('every screenshot the browser suite publishes is shown somewhere, and is in docs/screenshots/', () => {
		const names = new Set(shown.map(({ file }) => file.slice(file.lastIndexOf('/') + 1)));
		for (const name of published) {
			expect({
				name,
				shown: names.has(name),
				exists: existsSync(join(ROOT, 'docs', 'screenshots', name)),
			}).toEqual({ name, shown: true, exists: true });
		}
	});

	it('docs/screenshots/ holds nothing else', () => {
		const extra = readdirSync(join(ROOT, 'docs', 'screenshots')).filter(
			(f) => f.endsWith('.png') && !published.includes(f),
		);
		expect(extra).toEqual([]);
	});
});

it("every node's and the credential's Docs link is a page in docs/ that survives n8n's query", () => {
	const base = 'https://github.com/waping/n8n-nodes-waping/blob/main/';
	const nodesDir = join(ROOT, 'nodes');
	const codexes = readdirSync(nodesDir).flatMap((dir) =>
		readdirSync(join(nodesDir, dir))
			.filter((f) => f.endsWith('.node.json'))
			.map((f) => join(nodesDir, dir, f)),
	);
	expect(codexes.length).toBeGreaterThanOrEqual(3);
	const credential = readFileSync(join(ROOT, 'credentials', 'WAPingApi.credentials.ts'), 'utf8');
	const urls = [
		...codexes.flatMap((file) => {
			const { resources } = JSON.parse(readFileSync(file, 'utf8'));
			return [...resources.primaryDocumentation, ...resources.credentialDocumentation].map(
				(r: { url: string }) => r.url,
			);
		}),
		/documentationUrl = '([^']+)'/.exec(credential)?.[1] ?? '',
	];
	for (const url of urls) {
		const page = url.startsWith(base) ? url.slice(base.length) : '';
		expect({
			url,
			inDocs: /^docs\/[\w-]+\.md$/.test(page) && existsSync(join(ROOT, page)),
		}).toEqual({
			url,
			inDocs: true,
		});
	}
});
