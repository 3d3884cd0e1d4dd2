import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { Connection } from '../connection';
import type { DeviceList } from '../devices';

/** Everything an operation needs for one input item. */
export interface OperationContext {
	ctx: IExecuteFunctions;
	itemIndex: number;
	connection: Connection;
	/** Get Status: the item's Device ID, already read and checked. */
	deviceId?: string;
}

/** The item's success items, worked out from the workspace's device list (may throw for the item). */
export type Answer = (list: DeviceList) => IDataObject[];

/**
 * Reads and checks one item's own parameters (throws for a bad one), and says how the item is
 * answered from the device list. The node fetches that list once per run and routes its failures.
 */
export type Operation = (op: OperationContext) => Answer;
