import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { Device, DeviceList } from '../../../shared/devices';
import { OUTPUT } from '../../outputs';
import { readDeviceId } from '../../../shared/parameters';
import { deviceLocator } from '../../../shared/descriptions';
import type { FromDevicesOperation, ItemContext } from '../types';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['device'], operation: ['getStatus'] } },
	[deviceLocator],
);

/** The item's device in the list, or an error that names the id and lists the devices there. */
export function findDevice(
	ctx: IExecuteFunctions,
	list: DeviceList,
	deviceId: string,
	itemIndex: number,
): Device {
	const device = list.byId.get(deviceId);
	if (device) return device;
	const known = list.devices.slice(0, 10).map((d) => d.id);
	const more = list.devices.length > known.length ? ', …' : '';
	throw new NodeOperationError(
		ctx.getNode(),
		`Device "${deviceId}" is not linked to this WAPing workspace`,
		{
			itemIndex,
			description: known.length
				? `The workspace's devices are: ${known.join(', ')}${more}. Check the Device ID (IDs are case-sensitive), or pick the device from the list in the node.`
				: 'The workspace has no linked devices. Link one by scanning its QR code in the WAPing dashboard.',
		},
	);
}

/** How every Get Status item is answered: its device, looked up in the run's list (one function for all items). */
const fromList: ReturnType<FromDevicesOperation['prepare']>['answer'] = (
	list,
	scope,
	itemIndex,
	ctx,
) => ({
	output: OUTPUT.success,
	items: [findDevice(ctx, list, scope.deviceId as string, itemIndex)],
});

/** Device → Get Status: the session state of one device, looked up in the run's device list. */
export const getStatus: FromDevicesOperation = {
	kind: 'fromDevices',
	option: {
		name: 'Get Status',
		value: 'getStatus',
		description: "Report one device's WhatsApp session state",
		action: 'Get the session status of a device',
	},
	description,
	outputs: ['success', 'unauthorized', 'forbidden'],
	words: { subtitle: 'Get device status', action: 'read device status' },
	prepare({ ctx, run, itemIndex }: ItemContext) {
		const deviceId = readDeviceId(ctx, itemIndex, run.parameter('deviceId', itemIndex, ''));
		return { scope: { resource: 'device', operation: 'getStatus', deviceId }, answer: fromList };
	},
};
