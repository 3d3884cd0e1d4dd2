/**
 * The node's Options show their defaults in n8n's editor as literals (OptionsDescription.ts); the
 * node falls back to DEFAULT_RETRY_POLICY (retry.ts) when an option is not set. They must agree, or
 * the editor would show one value while the node uses another.
 */
import type { INodeProperties } from 'n8n-workflow';

import { requestOptions } from '../nodes/WAPing/descriptions/OptionsDescription';
import { DEFAULT_RETRY_POLICY } from '../nodes/WAPing/retry';
import { WAPing } from '../nodes/WAPing/WAPing.node';
import { demoKeys } from './simulator';
import { runWaping } from './harness/run';
import { useSimulator } from './helpers';

const sim = useSimulator();

function option(name: string): INodeProperties {
	const collection = requestOptions.find((property) => property.name === 'options');
	const found = (collection?.options as INodeProperties[] | undefined)?.find((entry) => entry.name === name);
	if (!found) throw new Error(`no option "${name}" in OptionsDescription.ts`);
	return found;
}

test('the editor defaults equal DEFAULT_RETRY_POLICY (in the units each one uses)', () => {
	expect({
		maxAttempts: option('maxAttempts').default,
		maxWaitMs: (option('maxWait').default as number) * 1000,
		timeoutMs: option('timeout').default,
	}).toEqual({
		maxAttempts: DEFAULT_RETRY_POLICY.maxAttempts,
		maxWaitMs: DEFAULT_RETRY_POLICY.maxWaitMs,
		timeoutMs: DEFAULT_RETRY_POLICY.timeoutMs,
	});
});

test('the editor minimums allow the policy defaults', () => {
	for (const name of ['maxAttempts', 'maxWait', 'timeout']) {
		const { default: value, typeOptions } = option(name);
		expect(value as number).toBeGreaterThanOrEqual((typeOptions?.minValue as number | undefined) ?? -Infinity);
	}
});

test('the node offers these Options', () => {
	const options = new WAPing().description.properties.find((property) => property.name === 'options');
	expect(options).toBe(requestOptions.find((property) => property.name === 'options'));
});

test('with no Options set, a throttled request is tried DEFAULT_RETRY_POLICY.maxAttempts times', async () => {
	sim().inject({ status: 429, headers: { 'retry-after': '0' }, body: { error: { code: 'RATE_LIMITED' } }, times: Infinity });
	const result = await runWaping({
		parameters: { resource: 'device', operation: 'getAll', returnAll: true },
		credentials: { apiKey: demoKeys.growth, baseUrl: sim().url },
	});
	expect(result.error?.message).toMatch(new RegExp(`after ${DEFAULT_RETRY_POLICY.maxAttempts} attempts`));
	expect(sim().requests).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts);
});
