import { NodeOperationError } from 'n8n-workflow';

import type { Device } from '../devices';
import { readDeviceId, readLimit } from '../parameters';
import type { Operation } from './types';

export type SessionFilter = 'any' | 'connected' | 'notConnected';

const matches: Record<SessionFilter, (device: Device) => boolean> = {
	any: () => true,
	connected: (device) => device.connected,
	notConnected: (device) => !device.connected,
};

/** Device → Get Many: one item per device, filtered by session and limited. */
export const getAll: Operation = ({ ctx, itemIndex }) => {
	const limit = readLimit(ctx, itemIndex);
	const filter = ctx.getNodeParameter('sessionFilter', itemIndex, 'any') as SessionFilter;
	const keep = matches[filter];
	if (!keep) {
		throw new NodeOperationError(ctx.getNode(), `Unknown session filter "${String(filter)}"`, {
			itemIndex,
			description: 'Choose Any, Connected or Not Connected.',
		});
	}
	return (list) => {
		const devices: Device[] = [];
		for (const device of list.devices) {
			if (devices.length >= limit) break;
			if (keep(device)) devices.push(device);
		}
		return devices;
	};
};

/** Device → Get Status: the session state of one device, looked up in the shared device list. */
export const getStatus: Operation = ({ ctx, itemIndex, deviceId: checkedId }) => {
	const deviceId = checkedId ?? readDeviceId(ctx, itemIndex);
	return (list) => {
		const device = list.byId.get(deviceId);
		if (device) return [device];
		const known = list.devices.slice(0, 10).map((d) => d.id);
		const more = list.devices.length > known.length ? ', …' : '';
		throw new NodeOperationError(ctx.getNode(), `Device "${deviceId}" is not linked to this WAPing workspace`, {
			itemIndex,
			description: known.length
				? `The workspace's devices are: ${known.join(', ')}${more}. Check the Device ID (it is case-sensitive), or use Device → Get Many to list them.`
				: 'The workspace has no linked devices. Link one by scanning its QR code in the WAPing dashboard.',
		});
	};
};
