import type { INodeProperties } from 'n8n-workflow';

import { check } from './check.operation';

export const operations = { check };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['plan'] } },
		options: [
			{
				name: 'Check',
				value: 'check',
				description:
					"Report the workspace's plan tier, its device limit and how many devices are linked",
				action: 'Check the workspace plan',
			},
		],
		default: 'check',
	},
	...check.description,
];
