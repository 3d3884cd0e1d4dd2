'use strict';
/*
 * The lint n8n's verification scan (@n8n/scan-community-package, scanner/scanner.mjs) runs, with its
 * config rebuilt from the same plugins: @n8n/eslint-plugin-community-nodes' recommended rules plus
 * eslint-plugin-n8n-nodes-base's community, credentials and nodes rule sets, `no-console`, inline
 * `eslint-disable` comments ignored (allowInlineConfig: false). The scanner lints two trees:
 *   - the packed tarball, extracted: every .js file and package.json;
 *   - the source its provenance points at: package.json and {nodes,credentials}/**\/*.{js,ts,json}.
 */
const fs = require('fs');
const path = require('path');

async function buildScanConfig() {
	const { defineConfig } = require('eslint/config');
	const { n8nCommunityNodesPlugin } = await import('@n8n/eslint-plugin-community-nodes');
	// typescript-eslint (a dev dependency) re-exports @typescript-eslint/parser, the scanner's parser
	const { parser } = require('typescript-eslint');
	const n8nNodesPlugin = require('eslint-plugin-n8n-nodes-base');
	return defineConfig(
		n8nCommunityNodesPlugin.configs.recommended,
		{ rules: { 'no-console': 'error' } },
		{ plugins: { 'n8n-nodes-base': n8nNodesPlugin } },
		{ files: ['package.json'], rules: { ...n8nNodesPlugin.configs.community.rules } },
		{
			files: ['**/credentials/**/*.ts'],
			rules: {
				...n8nNodesPlugin.configs.credentials.rules,
				'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
				'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
			},
		},
		{
			files: ['**/nodes/**/*.ts'],
			rules: {
				...n8nNodesPlugin.configs.nodes.rules,
				'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
				'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
				'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
			},
		},
		{ files: ['**/*.json'], languageOptions: { parser } },
		{ files: ['**/*.ts'], languageOptions: { parser } },
	);
}

/** Files under dir (relative paths), node_modules and package-lock.json left out. */
function walk(dir, rel = '') {
	const out = [];
	for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
		const p = rel ? `${rel}/${entry.name}` : entry.name;
		if (entry.name === 'node_modules') continue;
		if (entry.isDirectory()) out.push(...walk(dir, p));
		else if (entry.isFile() && entry.name !== 'package-lock.json') out.push(p);
	}
	return out;
}

/** The tarball leg: **\/*.js and package.json. */
const tarballFiles = (dir) => walk(dir).filter((f) => f.endsWith('.js') || f === 'package.json');
/** The source leg: package.json and {nodes,credentials}/**\/*.{js,ts,json}. */
const sourceFiles = (dir) => walk(dir).filter((f) => f === 'package.json' || (/^(nodes|credentials)\//.test(f) && /\.(js|ts|json)$/.test(f)));

/**
 * Lint `files` (relative to dir) with the scan's config. Resolves
 * { files, errorCount, warningCount, messages: ['file:line rule message'], report (stylish text) }.
 */
async function scanLint(dir, files) {
	const { ESLint } = require('eslint');
	const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await buildScanConfig() });
	const results = await eslint.lintFiles(files.map((f) => path.join(dir, f)));
	const formatter = await eslint.loadFormatter('stylish');
	const messages = [];
	for (const r of results) {
		for (const m of r.messages) messages.push(`${path.relative(dir, r.filePath)}:${m.line} ${m.severity === 2 ? 'error' : 'warning'} ${m.ruleId || ''} ${m.message}`);
	}
	return {
		files: results.length,
		errorCount: results.reduce((a, r) => a + r.errorCount, 0),
		warningCount: results.reduce((a, r) => a + r.warningCount, 0),
		messages,
		report: await formatter.format(results),
	};
}

module.exports = { buildScanConfig, scanLint, tarballFiles, sourceFiles, walk };

if (require.main === module) {
	// node e2e/scan-lint.js <dir> [source]
	const dir = path.resolve(process.argv[2] || '.');
	const pick = process.argv[3] === 'source' ? sourceFiles : tarballFiles;
	scanLint(dir, pick(dir)).then((r) => {
		process.stdout.write(`${r.files} files, ${r.errorCount} errors, ${r.warningCount} warnings\n${r.report}`);
		process.exit(r.errorCount ? 1 : 0);
	});
}
