/**
 * The GitHub Actions workflows cannot run here: their essentials are checked by parsing them.
 * ci.yml runs the README's test command on Node 20; publish.yml publishes a version tag to npm with
 * a provenance statement, after the checks, as n8n requires of community packages.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';

interface Step {
	name?: string;
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
	env?: Record<string, string>;
}
interface Job {
	'runs-on': string;
	permissions?: Record<string, string>;
	steps: Step[];
}
interface Workflow {
	name: string;
	on: Record<string, unknown>;
	permissions?: Record<string, string>;
	jobs: Record<string, Job>;
}

const load = (file: string): Workflow =>
	parse(readFileSync(join(__dirname, '..', '.github', 'workflows', file), 'utf8')) as Workflow;
const onlyJob = (wf: Workflow): Job => {
	const jobs = Object.values(wf.jobs);
	expect(jobs).toHaveLength(1);
	return jobs[0];
};
/** The `run` commands of a job's steps, in order. */
const runs = (job: Job) => job.steps.filter((s) => s.run).map((s) => (s.run as string).trim());
const setupNode = (job: Job) => job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
const packageJson = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));

describe('.github/workflows/ci.yml', () => {
	const wf = load('ci.yml');
	const job = onlyJob(wf);

	it('runs on pull requests and pushes to main', () => {
		expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push']);
		expect((wf.on.push as { branches: string[] }).branches).toEqual(['main']);
	});

	it('checks out, sets up Node 20 on ubuntu, then runs npm ci and npm test, in that order', () => {
		expect(job['runs-on']).toMatch(/^ubuntu-/);
		expect(job.steps[0].uses).toMatch(/^actions\/checkout@v\d+$/);
		expect(String(setupNode(job)?.with?.['node-version'])).toBe('20');
		const commands = runs(job);
		expect(commands.indexOf('npm ci')).toBeGreaterThanOrEqual(0);
		expect(commands.indexOf('npm test')).toBeGreaterThan(commands.indexOf('npm ci'));
		expect(commands[commands.length - 1]).toBe('npm test');
	});

	it('provides what npm test needs beyond npm ci: Redis and PostgreSQL, a Chromium', () => {
		expect(
			runs(job).some((c) => /apt-get install -y .*redis-server/.test(c) && /postgresql/.test(c)),
		).toBe(true);
		expect(job.steps.find((s) => s.run?.trim() === 'npm test')?.env?.WAPING_CHROMIUM).toMatch(
			/^\//,
		);
	});

	it("runs the README's test command, and npm test runs every suite the README names", () => {
		const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
		expect(readme).toContain('`npm ci && npm test`');
		const [runner, script, ...suites] = (packageJson.scripts.test as string).split(/\s+/);
		expect([runner, script]).toEqual(['node', 'scripts/test-all.js']);
		expect(suites).toEqual(
			expect.arrayContaining([
				'lint',
				'build',
				'test:unit',
				'test:e2e',
				'test:trigger',
				'test:webhook',
				'test:queue',
				'test:browser',
			]),
		);
		for (const suite of suites) expect(packageJson.scripts[suite]).toBeDefined();
		// the webhook trigger's suite right after the polling trigger's (scripts/test-all.js order)
		expect(suites.indexOf('test:webhook')).toBe(suites.indexOf('test:trigger') + 1);
		expect(packageJson.scripts['test:webhook']).toBe('node e2e/webhook.js');
	});
});

describe('.github/workflows/publish.yml', () => {
	const wf = load('publish.yml');
	const job = onlyJob(wf);

	it('runs only on a pushed version tag v*', () => {
		expect(Object.keys(wf.on)).toEqual(['push']);
		expect(wf.on.push).toEqual({ tags: ['v*'] });
	});

	it('may mint an OIDC token for the provenance statement, and only read the repository', () => {
		const permissions = { ...wf.permissions, ...job.permissions };
		expect(permissions['id-token']).toBe('write');
		expect(permissions.contents).toBe('read');
	});

	it('sets up Node 22 with the npm registry', () => {
		expect(String(setupNode(job)?.with?.['node-version'])).toBe('22');
		expect(setupNode(job)?.with?.['registry-url']).toBe('https://registry.npmjs.org');
	});

	it('checks the tag against package.json, then npm ci, lint, build and the unit tests, and publishes last', () => {
		const commands = runs(job);
		const order = ['npm ci', 'npm run lint', 'npm run build', 'npm run test:unit'].map((c) =>
			commands.indexOf(c),
		);
		expect(order.every((i) => i >= 0)).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
		const tag = commands.findIndex(
			(c) => c.includes('GITHUB_REF_NAME') && c.includes('package.json'),
		);
		expect(tag).toBeGreaterThanOrEqual(0);
		expect(tag).toBeLessThan(order[0]);
		expect(commands[commands.length - 1]).toBe('npm publish --provenance --access public');
		expect(commands.filter((c) => c.startsWith('npm publish'))).toHaveLength(1);
	});

	it('passes the npm token (when set) to the publish step only through the secret', () => {
		const publish = job.steps.find((s) => s.run?.startsWith('npm publish'));
		expect(publish?.env).toEqual({ NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' });
	});
});
