/**
 * Publishing a workflow with the WAPing Webhook Trigger (n8n's webhookMethods: checkExists, then
 * create; delete when unpublished). WAPing has no API to register a URL, so nothing is registered;
 * create checks what the trigger needs and fails the activation in the node's words.
 */
import { demoKeys } from '../simulator';
import { calls, useSimulator } from './helpers';
import { useWebhookProcesses } from './webhook-helpers';

const sim = useSimulator();
const trigger = useWebhookProcesses(() => sim().url);

describe('activation', () => {
	it('a working key on a plan with webhooks: published after one GET /v1/devices; nothing registered anywhere', async () => {
		const process = await trigger();
		expect(await process.activate()).toBeUndefined();
		expect(calls(sim())).toEqual(['GET /v1/devices']);
		expect(await process.deactivate()).toBe(true);
		expect(calls(sim())).toEqual(['GET /v1/devices']);
	});

	it('a Free workspace (WAPing answers 403 for the plan): refused with the plan words', async () => {
		const process = await trigger({}, { apiKey: demoKeys.free });
		const error = await process.activate();
		expect(error?.message).toMatch(/plan has no API access/);
		expect((error as { description?: string }).description).toMatch(
			/Upgrade to Starter or above.*Webhooks come with the same plans as the API/,
		);
	});

	it('a credential that declares Free: refused without a request', async () => {
		const process = await trigger({}, { plan: 'free' });
		const error = await process.activate();
		expect(error?.message).toBe(
			'The WAPing Free plan has no webhooks, so this trigger would never receive an event',
		);
		expect((error as { description?: string }).description).toMatch(/Starter and above/);
		expect(sim().requests).toHaveLength(0);
	});

	it('a revoked key (401): refused with what happened and how to fix it', async () => {
		const process = await trigger({}, { apiKey: demoKeys.revoked });
		const error = await process.activate();
		expect(error?.message).toMatch(/WAPing did not accept the API key \(HTTP 401/);
		expect((error as { description?: string }).description).toMatch(
			/Copy a valid key from the WAPing dashboard/,
		);
	});

	it('a key that may not read devices (403 permission): refused with the permission words', async () => {
		const process = await trigger({}, { apiKey: demoKeys.sendOnly });
		const error = await process.activate();
		expect(error?.message).toMatch(/lacks permission to list devices/);
	});

	it("Verification None without the risk confirmed: refused, before any request, with the option's name", async () => {
		const process = await trigger({ verification: 'none' }, { webhookSecret: '' });
		const error = await process.activate();
		expect(error?.message).toBe(
			'This trigger would accept requests from anyone: Verification is set to None',
		);
		expect((error as { description?: string }).description).toContain(
			'Accept Unverified Requests (Anyone Who Knows the URL Can Start This Workflow)',
		);
		expect(sim().requests).toHaveLength(0);
	});

	it('Verification None with the risk confirmed: published', async () => {
		const process = await trigger(
			{ verification: 'none', allowUnverifiedRequests: true },
			{ webhookSecret: '' },
		);
		expect(await process.activate()).toBeUndefined();
	});

	it('Verification None unconfirmed on the test URL (Listen for test event): allowed, so that a user can try it', async () => {
		const process = await trigger(
			{ verification: 'none' },
			{ webhookSecret: '' },
			{ mode: 'manual' },
		);
		expect(await process.activate('manual')).toBeUndefined();
	});

	it('a scheme without a Webhook Signing Secret in the credential: refused, saying where the secret comes from', async () => {
		const process = await trigger({ verification: 'standardWebhooks' }, { webhookSecret: '  ' });
		const error = await process.activate();
		expect(error?.message).toBe('The WAPing credential has no Webhook Signing Secret');
		expect((error as { description?: string }).description).toMatch(/developer settings|Developer/);
	});

	it('WAPing unreachable when n8n starts (init): the trigger stays published and a warning is logged; when a user publishes: refused', async () => {
		const process = await trigger({}, { baseUrl: 'http://127.0.0.1:9' });
		expect(await process.activate('init')).toBeUndefined();
		expect(
			process.logs.some(
				(l) => l.level === 'warn' && /could not check the WAPing key/.test(l.message),
			),
		).toBe(true);
		expect((await process.activate('activate'))?.message).toMatch(/reach|connect/i);
	});

	it('a revoked key at n8n start (init) is still refused: the key must work', async () => {
		const process = await trigger({}, { apiKey: demoKeys.revoked });
		expect((await process.activate('init'))?.message).toMatch(/401/);
	});

	it('a workflow id n8n does not save static data for (22 characters): refused; 17 to 21: a warning about n8n 1.x', async () => {
		const long = await trigger({}, {}, { workflowId: 'w'.repeat(22) });
		expect((await long.activate())?.message).toMatch(/longer than 21 characters/);
		const medium = await trigger({}, {}, { workflowId: 'w'.repeat(18) });
		expect(await medium.activate()).toBeUndefined();
		expect(medium.logs.some((l) => l.level === 'warn' && /n8n 1\.x/.test(l.message))).toBe(true);
	});
});
