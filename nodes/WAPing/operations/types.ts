import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { Connection } from '../connection';
import type { Failure } from '../failures';
import type { RetryPolicy } from '../retry';
import type { WapingRun } from '../run';

/** Everything an operation needs for one input item. */
export interface OperationContext {
	ctx: IExecuteFunctions;
	itemIndex: number;
	run: WapingRun;
	connection: Connection;
	policy: RetryPolicy;
	/** Get Status: the item's Device ID, already read and checked. */
	deviceId?: string;
}

/** Success items, or the API failure for the caller to route. */
export type OperationResult =
	| { ok: true; items: IDataObject[] }
	| { ok: false; failure: Failure; attempts: number };

export type Operation = (op: OperationContext) => Promise<OperationResult>;
