import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Device } from '../../../shared/devices';
import { OUTPUT } from '../../outputs';
import { readChoice, readLimit } from '../../../shared/parameters';
import type { FromDevicesOperation, ItemContext } from '../types';

const SESSION_FILTERS = ['any', 'connected', 'notConnected'] as const;
type SessionFilter = (typeof SESSION_FILTERS)[number];

const matches: Record<SessionFilter, (device: Device) => boolean> = {
	any: () => true,
	connected: (device) => device.connected,
	notConnected: (device) => !device.connected,
};

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['device'], operation: ['getAll'] } },
	[
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
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
		},
	],
);

/** Device → Get Many: one item per device, filtered by session and limited. */
export const getMany: FromDevicesOperation = {
	kind: 'fromDevices',
	option: {
		name: 'Get Many',
		value: 'getAll',
		description: "List the workspace's linked devices with their session state",
		action: 'Get many devices',
	},
	description,
	outputs: ['success', 'unauthorized', 'forbidden'],
	words: { subtitle: 'Get many devices', action: 'list devices' },
	prepare({ ctx, run, itemIndex }: ItemContext) {
		const limit = readLimit(ctx, itemIndex);
		const filter = readChoice(
			ctx,
			itemIndex,
			run.parameter('sessionFilter', itemIndex, 'any'),
			'Session',
			SESSION_FILTERS,
		);
		const keep = matches[filter];
		return {
			scope: { resource: 'device', operation: 'getAll' },
			answer: (list) => {
				const devices: Device[] = [];
				for (const device of list.devices) {
					if (devices.length >= limit) break;
					if (keep(device)) devices.push(device);
				}
				return { output: OUTPUT.success, items: devices };
			},
		};
	},
};
