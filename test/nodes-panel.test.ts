/**
 * What the editor shows of the package outside a run: the nodes panel's entry (n8n merges the
 * trigger with the node of the same name and describes the entry with the trigger's description),
 * the Docs links (n8n appends its tracking query to a codex URL), and items as people count them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { WAPingApi } from '../credentials/WAPingApi.credentials';
import { itemsWords, itemWords } from '../nodes/shared/itemWords';
import { Waping } from '../nodes/Waping/Waping.node';
import { WapingTrigger } from '../nodes/WapingTrigger/WapingTrigger.node';

const ROOT = join(__dirname, '..');
const codex = (path: string) =>
	JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as {
		node: string;
		alias: string[];
		resources: Record<string, Array<{ url: string }>>;
	};
const nodeCodex = codex('nodes/Waping/Waping.node.json');
const triggerCodex = codex('nodes/WapingTrigger/WapingTrigger.node.json');

describe('the nodes panel: one entry for the actions and the trigger, described as both', () => {
	// n8n's editor (generateMergedNodesAndActions, 1.123 and 2.41): a trigger whose type name without
	// "Trigger" is an action node's merges into that node's entry, which takes the trigger's description.
	const node = new Waping().description;
	const trigger = new WapingTrigger().description;
	const merged = `n8n-nodes-waping.${trigger.name}`.replace('Trigger', '');

	test('the trigger merges into the WAPing entry', () => {
		expect(merged).toBe(`n8n-nodes-waping.${node.name}`);
	});

	test("the entry's description (the trigger's) says what the actions and the trigger do", () => {
		expect(trigger.description).toMatch(/^Starts a workflow when a WhatsApp device/);
		expect(trigger.description).toMatch(/send WhatsApp messages and check devices and the plan/);
		expect(node.description).toMatch(/^Send WhatsApp messages/);
		expect(node.description).toMatch(/WAPing Trigger starts a workflow/);
	});

	test('both are found by "WAPing" and "WhatsApp"', () => {
		for (const entry of [nodeCodex, triggerCodex]) {
			expect(entry.alias).toEqual(expect.arrayContaining(['WAPing', 'WhatsApp']));
		}
		expect(triggerCodex.alias).toContain('trigger');
	});
});

describe('Docs links survive the query n8n appends', () => {
	const urls = [
		...Object.values(nodeCodex.resources).flat(),
		...Object.values(triggerCodex.resources).flat(),
	].map((resource) => resource.url);
	urls.push(new WAPingApi().documentationUrl);

	test.each(urls)('%s', (url) => {
		// The node settings' Docs link: `${primaryDocumentation[0].url}?${utm query}` (n8n 2.41 NodeSettings).
		const opened = new URL(
			`${url}?utm_source=n8n_app&utm_medium=node_settings_modal-credential_link`,
		);
		expect(opened.hash).toBe('');
		expect(opened.pathname).toMatch(/^\/waping\/n8n-nodes-waping\/blob\/main\/docs\/[a-z-]+\.md$/);
	});

	test('the pages linked', () => {
		expect([...new Set(urls.map((url) => new URL(url).pathname.split('/').pop()))].sort()).toEqual([
			'credential.md',
			'trigger.md',
			'waping-node.md',
		]);
	});
});

describe('items as people count them', () => {
	test.each([
		[0, 'the first item'],
		[1, 'the second item'],
		[2, 'the third item'],
		[3, 'item 4'],
		[41, 'item 42'],
	])('index %d: %s', (index, words) => {
		expect(itemWords(index)).toBe(words);
	});

	test.each([
		[[0, 2], '', 'the first and third items'],
		[[0, 1, 2], '', 'the first, second and third items'],
		[[0, 3], '', 'items 1 and 4'],
		[
			[0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
			' and 2 more',
			'items 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 2 more',
		],
	])('%j%s: %s', (indexes, more, words) => {
		expect(itemsWords(indexes, more)).toBe(words);
	});
});
