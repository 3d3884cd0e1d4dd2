import type { INodeProperties } from 'n8n-workflow';

import { getMany } from './getMany.operation';
import { getStatus } from './getStatus.operation';

export const operations = { getAll: getMany, getStatus };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['device'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				description: "List the workspace's linked devices with their session state",
				action: 'Get many devices',
			},
			{
				name: 'Get Status',
				value: 'getStatus',
				description: "Report one device's WhatsApp session state",
				action: 'Get the session status of a device',
			},
		],
		default: 'getStatus',
	},
	...getStatus.description,
	...getMany.description,
];
