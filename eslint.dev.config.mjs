// Lint for what is not the package: tests, the simulator, scripts, e2e, browser and bench code.
// The package itself (package.json, nodes/, credentials/) is linted by `n8n-node lint` with n8n's own
// default config (eslint.config.mjs, strict mode): see scripts/lint-package.js. Those community-node
// rules (no `process`, no `node:*` imports, no hard-coded keys) are meant for code that runs inside
// n8n; tests and scripts need exactly those things, so they get plain recommended rules here.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{
		ignores: ['dist/**', 'node_modules/**', 'docs/**', 'nodes/**', 'credentials/**', 'coverage/**'],
	},
	{
		files: ['**/*.js', '**/*.cjs'],
		extends: [js.configs.recommended],
		languageOptions: { sourceType: 'commonjs', ecmaVersion: 2022, globals: { ...globals.node } },
	},
	{
		files: ['**/*.mjs'],
		extends: [js.configs.recommended],
		languageOptions: { sourceType: 'module', ecmaVersion: 2022, globals: { ...globals.node } },
	},
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, tseslint.configs.recommended],
		languageOptions: { globals: { ...globals.node, ...globals.jest } },
	},
	{
		// browser/editor.js runs some functions inside the page (page.evaluate)
		files: ['browser/**/*.js'],
		languageOptions: { globals: { ...globals.browser } },
	},
	{
		rules: {
			// `catch {}` with a comment and `_`-prefixed unused arguments are deliberate
			'no-empty': ['error', { allowEmptyCatch: true }],
			'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
		},
	},
	{
		files: ['**/*.ts'],
		rules: {
			'no-unused-vars': 'off',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
			],
		},
	},
);
