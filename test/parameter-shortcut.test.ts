/**
 * The node reads `={{ $json.field }}` straight from the item (WapingRun.parameter, the one place
 * that does): for every expression and item here it must give exactly what n8n's own
 * getNodeParameter (with extractValue) gives, value or error. Both are read in the same real n8n-core
 * execution context, item by item.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runWaping } from './harness/run';
import { WapingRun } from '../nodes/Waping/run';
import { Waping } from '../nodes/Waping/Waping.node';

type Read = { value: unknown } | { error: string };

function read(get: () => unknown): Read {
	try {
		return { value: get() };
	} catch (error) {
		return { error: (error as Error).message };
	}
}

/** Replaces the node's work with reading its Device ID both ways, for every item. */
function compareReads() {
	return jest.spyOn(Waping.prototype, 'execute').mockImplementation(async function (
		this: IExecuteFunctions,
	) {
		const run = new WapingRun(this);
		const items = this.getInputData();
		const out: INodeExecutionData[] = items.map((_, itemIndex) => ({
			json: {
				fast: read(() => run.parameter('deviceId', itemIndex, '')),
				slow: read(() => this.getNodeParameter('deviceId', itemIndex, '', { extractValue: true })),
			} as IDataObject,
		}));
		return [out];
	});
}

afterEach(() => jest.restoreAllMocks());

const FIELDS = [
	'v',
	'device id',
	'1st',
	'ünï',
	'$v',
	'_v',
	'toString',
	'valueOf',
	'hasOwnProperty',
	'constructor',
	'__proto__',
	'prototype',
	'length',
];

const VALUES: unknown[] = [
	'dev_001',
	'  dev_002 ',
	3,
	0,
	Number.NaN,
	null,
	'',
	true,
	{ id: 'dev_001' },
	['dev_001'],
	{ __rl: true, mode: 'id', value: 'dev_003' },
	'={{ 1 + 1 }}',
	'dev_\u200b001',
];

/** Items that hold each value under each field, and items without the field. */
function items(field: string): IDataObject[] {
	return [...VALUES.map((value) => ({ [field]: value }) as IDataObject), {}, { other: 'dev_001' }];
}

function expressionsFor(field: string): string[] {
	const plain = /^[A-Za-z_$][\w$]*$/.test(field);
	return [
		...(plain ? [`={{ $json.${field} }}`, `={{$json.${field}}}`, `={{  $json.${field}  }}`] : []),
		`={{ $json["${field}"] }}`,
		`={{ $json['${field}'] }}`,
		`={{ $json[ "${field}" ] }}`,
	];
}

describe('the $json shortcut reads what getNodeParameter reads', () => {
	test.each(FIELDS)(
		'field %j, every expression form, plain and as a Device locator',
		async (field) => {
			compareReads();
			for (const expression of expressionsFor(field)) {
				for (const deviceId of [expression, { __rl: true, mode: 'id', value: expression }]) {
					const result = await runWaping({
						parameters: { resource: 'device', operation: 'getStatus', deviceId },
						credentials: { apiKey: 'wk_unused_0001', baseUrl: 'http://127.0.0.1:9' },
						items: items(field),
					});
					expect(result.error).toBeUndefined();
					const reads = result.outputs[0].map((item) => item.json);
					expect(reads).toHaveLength(VALUES.length + 2);
					for (const [index, { fast, slow }] of reads.entries()) {
						expect({ expression, deviceId, index, read: fast }).toEqual({
							expression,
							deviceId,
							index,
							read: slow,
						});
					}
				}
			}
		},
	);
});
