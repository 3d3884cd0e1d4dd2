import type { INodeProperties } from 'n8n-workflow';

import { send } from './send.operation';

export const operations = { send };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Send',
				value: 'send',
				description: 'Send a WhatsApp text message through a linked device',
				action: 'Send a text message',
			},
		],
		default: 'send',
	},
	...send.description,
];
