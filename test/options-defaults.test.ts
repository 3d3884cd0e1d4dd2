/**
 * The node's Options show their defaults in n8n's editor as literals (OptionsDescription.ts); the
 * node falls back to DEFAULT_RETRY_POLICY (retry.ts) when an option is not set. They must agree, or
 * the editor would show one value while the node uses another.
 */
import type { INodeProperties } from 'n8n-workflow';

import { retryOptions } from '../nodes/shared/descriptions';
import { DEFAULT_RETRY_POLICY, RETRY_LIMITS } from '../nodes/shared/transport/retry';
import { Waping } from '../nodes/Waping/Waping.node';
import { demoKeys } from '../simulator';
import { runWaping } from './harness/run';
import { useSimulator } from './helpers';

const sim = useSimulator();

const entries = retryOptions;

function option(name: string): INodeProperties {
	const found = entries.find((entry) => entry.name === name);
	if (!found) throw new Error(`no option "${name}" in OptionsDescription.ts`);
	return found;
}

/** Each editor option: the policy default it stands for (in the option's own unit) and its limits. */
const expected: Record<string, { policyDefault: number; limits: { min: number; max: number } }> = {
	maxAttempts: {
		policyDefault: DEFAULT_RETRY_POLICY.maxAttempts,
		limits: RETRY_LIMITS.maxAttempts,
	},
	maxWait: {
		policyDefault: DEFAULT_RETRY_POLICY.maxWaitMs / 1000,
		limits: RETRY_LIMITS.maxWaitSeconds,
	},
	retryDelaySeconds: {
		policyDefault: DEFAULT_RETRY_POLICY.baseDelayMs / 1000,
		limits: RETRY_LIMITS.retryDelaySeconds,
	},
	timeoutSeconds: {
		policyDefault: DEFAULT_RETRY_POLICY.timeoutMs / 1000,
		limits: RETRY_LIMITS.timeoutSeconds,
	},
};

test('every option is accounted for here (a new one needs its default checked)', () => {
	expect(entries.map((entry) => entry.name).sort()).toEqual(Object.keys(expected).sort());
});

test.each(Object.entries(expected))(
	'%s: the editor default equals DEFAULT_RETRY_POLICY',
	(name, { policyDefault }) => {
		expect(option(name).default).toBe(policyDefault);
	},
);

test.each(Object.entries(expected))(
	'%s: the editor bounds equal the limits the node enforces',
	(name, { policyDefault, limits }) => {
		const { typeOptions } = option(name);
		expect({ min: typeOptions?.minValue, max: typeOptions?.maxValue }).toEqual(limits);
		expect(policyDefault).toBeGreaterThanOrEqual(limits.min);
		expect(policyDefault).toBeLessThanOrEqual(limits.max);
	},
);

test('every operation offers these retry Options (Send adds its own)', () => {
	const collections = new Waping().description.properties.filter(
		(property) => property.name === 'options',
	);
	expect(collections.length).toBeGreaterThanOrEqual(2);
	for (const collection of collections) {
		const names = ((collection.options ?? []) as INodeProperties[]).map((option) => option.name);
		expect(names).toEqual(expect.arrayContaining(retryOptions.map((option) => option.name)));
	}
});

test('with no Options set, a throttled request is tried DEFAULT_RETRY_POLICY.maxAttempts times', async () => {
	sim().inject({
		status: 429,
		headers: { 'retry-after': '0' },
		body: { error: { code: 'RATE_LIMITED' } },
		times: Infinity,
	});
	const result = await runWaping({
		parameters: { resource: 'device', operation: 'getAll', returnAll: true },
		credentials: { apiKey: demoKeys.growth, baseUrl: sim().url },
	});
	expect(result.error?.message).toMatch(
		new RegExp(`after ${DEFAULT_RETRY_POLICY.maxAttempts} attempts`),
	);
	expect(sim().requests).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts);
});
