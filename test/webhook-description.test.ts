/** The WAPing Webhook Trigger as n8n loads it: its names, its webhooks, its registration, its fields. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { WapingWebhookTrigger } from '../nodes/WapingWebhookTrigger/WapingWebhookTrigger.node';

const node = new WapingWebhookTrigger();
const { description } = node;
const property = (name: string) => description.properties.find((p) => p.name === name);
const ROOT = join(__dirname, '..');

it('names: type wapingWebhookTrigger, the panel entry says what starts it', () => {
	expect(description.name).toBe('wapingWebhookTrigger');
	expect(description.displayName).toBe('WAPing Webhook Trigger');
	expect(description.description).toBe(
		"Starts the workflow when a WhatsApp message arrives, a sent message changes state or a device's session changes",
	);
	expect(description.group).toEqual(['trigger']);
	expect(description.credentials).toEqual([
		{ name: 'wapingApi', required: true, testedBy: 'wapingApiTest' },
	]);
});

it('one POST webhook (default) and one GET (setup, the handshake) on the same path: the node id', () => {
	expect(description.webhooks).toEqual([
		{
			name: 'default',
			httpMethod: 'POST',
			responseMode: 'onReceived',
			responseData: '',
			path: '',
			isFullPath: true,
		},
		{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: '', isFullPath: true },
	]);
	expect(Object.keys(node.webhookMethods.default).sort()).toEqual([
		'checkExists',
		'create',
		'delete',
	]);
});

it('registered in package.json, with its icons and codex beside it', () => {
	const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[] };
	};
	expect(pkg.n8n.nodes).toContain('dist/nodes/WapingWebhookTrigger/WapingWebhookTrigger.node.js');
	const files = readdirSync(join(ROOT, 'nodes/WapingWebhookTrigger'));
	expect(files).toEqual(
		expect.arrayContaining([
			'WapingWebhookTrigger.node.json',
			'wapingWebhookTrigger.svg',
			'wapingWebhookTrigger.dark.svg',
		]),
	);
});

it('Verification: the four schemes, HMAC-SHA256 by default; None shows a warning and the option named for the risk', () => {
	expect(property('verification')?.default).toBe('hmacSha256');
	expect(property('verification')?.options?.map((o) => (o as { value: string }).value)).toEqual([
		'hmacSha256',
		'standardWebhooks',
		'sharedSecret',
		'none',
	]);
	expect(property('noneNotice')).toMatchObject({
		type: 'notice',
		displayOptions: { show: { verification: ['none'] } },
	});
	expect(property('noneNotice')?.displayName).toMatch(/^Warning: .*anyone who finds this URL/);
	expect(property('allowUnverifiedRequests')).toMatchObject({
		displayName: 'Accept Unverified Requests (Anyone Who Knows the URL Can Start This Workflow)',
		type: 'boolean',
		default: false,
		displayOptions: { show: { verification: ['none'] } },
	});
});

it('the setup notice names the Production URL and the one step in WAPing', () => {
	expect(property('setupNotice')?.displayName).toMatch(/Production URL.*developer|Developer/);
	expect(property('setupNotice')?.displayName).toContain('Webhook Signing Secret');
});

it('no secret is a node parameter: no password field on the node', () => {
	const all = [
		...description.properties,
		...description.properties.flatMap((p) => (p.options ?? []) as Array<{ typeOptions?: object }>),
	];
	expect(all.filter((p) => (p.typeOptions as { password?: boolean })?.password)).toEqual([]);
});

it('imports only n8n-workflow, crypto and relative paths, and nothing from another node folder', () => {
	const dir = join(ROOT, 'nodes/WapingWebhookTrigger');
	for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
		const text = readFileSync(join(dir, file), 'utf8');
		for (const [, from] of text.matchAll(/from\s+'([^']+)'/g)) {
			expect(from).toMatch(/^(n8n-workflow|crypto|\.\/[^/]+|\.\.\/shared\/.+)$/);
		}
	}
});
