'use strict';
// The types n8n serves for the node, the trigger and the credential, against n8n's UI guidelines.
const { assert, sameList } = require('../editor');

module.exports = function scenario(check, ctx) {
	const { ed } = ctx;

	check(
		'the node, trigger and credential types n8n serves: every parameter described, options sorted',
		async () => {
			const nodeTypes = await ed.rest('/types/nodes.json');
			const node = nodeTypes.find((t) => t.name === 'n8n-nodes-waping.waping');
			const trigger = nodeTypes.find((t) => t.name === 'n8n-nodes-waping.wapingTrigger');
			assert(node, 'n8n does not serve the type n8n-nodes-waping.waping');
			assert(trigger, 'n8n does not serve the type n8n-nodes-waping.wapingTrigger');
			const credTypes = await ed.rest('/types/credentials.json');
			const cred = credTypes.find((t) => t.name === 'wapingApi');
			assert(cred, 'n8n does not serve the credential type wapingApi');
			const problems = [
				...describeProblems(node.properties, 'node'),
				...describeProblems(trigger.properties, 'trigger'),
				...describeProblems(cred.properties, 'credential'),
			];
			assert(problems.length === 0, problems.join('; '));
		},
	);
};

/**
 * What n8n's UI guidelines ask of parameters, checked on the description the editor loads:
 * a description on every parameter (Resource and Operation, whose options carry them, and notices
 * excepted), on every operation option an action and a description, options of an options
 * parameter sorted by name and those of a collection by display name, alphabetically.
 * What n8n adds on its own is left out: the "Custom API Call" option (value __CUSTOM_API_CALL__,
 * offered because the credential can serve the HTTP Request node), the credential's
 * "Allowed HTTP Request Domains" and a polling trigger's "Poll Times".
 */
const ADDED_BY_N8N = {
	option: '__CUSTOM_API_CALL__',
	properties: ['allowedHttpRequestDomains', 'pollTimes'],
};

function describeProblems(properties, where, prefix = '') {
	const problems = [];
	const byName = (a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' });
	for (const p0 of properties || []) {
		if (ADDED_BY_N8N.properties.includes(p0.name)) continue;
		const p =
			Array.isArray(p0.options) && p0.type === 'options'
				? { ...p0, options: p0.options.filter((o) => o.value !== ADDED_BY_N8N.option) }
				: p0;
		const at = `${where} ${prefix}${p.displayName}`;
		const isSelector = p.name === 'resource' || p.name === 'operation';
		if (p.type !== 'notice' && !isSelector && !p.description)
			problems.push(`${at}: no description`);
		if (p.type === 'options' && Array.isArray(p.options)) {
			const names = p.options.map((o) => o.name);
			const sorted = [...names].sort(byName);
			if (!sameList(names, sorted))
				problems.push(`${at}: options not sorted (${names.join(', ')})`);
			if (p.name === 'operation') {
				for (const o of p.options) {
					if (!o.action) problems.push(`${at} → ${o.name}: no action`);
					if (!o.description) problems.push(`${at} → ${o.name}: no description`);
				}
			}
		}
		if ((p.type === 'collection' || p.type === 'fixedCollection') && Array.isArray(p.options)) {
			const names = p.options.map((o) => o.displayName);
			const sorted = [...names].sort(byName);
			if (!sameList(names, sorted))
				problems.push(`${at}: options not sorted (${names.join(', ')})`);
			problems.push(...describeProblems(p.options, where, `${prefix}${p.displayName} → `));
		}
	}
	return problems;
}
