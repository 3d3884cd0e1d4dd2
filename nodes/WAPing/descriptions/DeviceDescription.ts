import type { INodeProperties } from 'n8n-workflow';

const forDevice = { resource: ['device'] };

export const deviceOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: forDevice },
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
];

export const deviceFields: INodeProperties[] = [
	{
		displayName: 'Device ID',
		name: 'deviceId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'dev_123',
		description:
			'ID of the linked device, as Device → Get Many lists it. Map it from each input item with an expression to check every item\'s own device.',
		displayOptions: { show: { ...forDevice, operation: ['getStatus'] } },
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show: { ...forDevice, operation: ['getAll'] } },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { ...forDevice, operation: ['getAll'], returnAll: [false] } },
	},
	{
		displayName: 'Session',
		name: 'sessionFilter',
		type: 'options',
		default: 'any',
		description: 'Which devices to return, by the state of their WhatsApp session',
		options: [
			{ name: 'Any', value: 'any', description: 'Every linked device' },
			{ name: 'Connected', value: 'connected', description: 'Only devices that can send now' },
			{
				name: 'Not Connected',
				value: 'notConnected',
				description: 'Devices that are degraded, disconnected, unlinked or in an unknown state',
			},
		],
		displayOptions: { show: { ...forDevice, operation: ['getAll'] } },
	},
];
