import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { WapingClient } from '../../shared/client';
import type { DeviceList } from '../../shared/devices';
import type { ItemResult, ItemScope } from '../outputs';
import type { WapingRun } from '../run';
import type { SendJob } from '../../shared/transport/queue';

/** Everything an operation needs for one input item. */
export interface ItemContext {
	ctx: IExecuteFunctions;
	run: WapingRun;
	itemIndex: number;
	/** The run's WAPing client (its checked credential, redactor, clock, cancel signal). */
	client: WapingClient;
}

/** A message ready to go: the transport queue sends it (paced, throttled, retried) and says how it went. */
export type MessageJob = SendJob<ItemResult>;

/** How an item is answered, once its parameters are read and checked. */
export type ItemWork =
	/** Answered already, without a request. */
	| { result: ItemResult }
	/** Answered from the workspace's device list, which the run fetches once for every item that needs it. */
	| {
			/** Called with the list and the item's own scope and index (one shared function serves every item). */
			fromDevices: (
				list: DeviceList,
				scope: ItemScope,
				itemIndex: number,
				ctx: IExecuteFunctions,
			) => ItemResult | { job: MessageJob };
	  }
	/** A request of its own. */
	| { job: MessageJob };

/** An item after its checks: what it is about (for 401/403 items) and how it is answered. */
export interface PreparedItem {
	scope: ItemScope;
	work: ItemWork;
}

/**
 * One operation: its fields, and its work for each item. `prepare` reads and checks the item's own
 * parameters (it throws for a bad one) and sends no request. An operation that sends (Message → Send)
 * also sets up what its run shares (`setup`, at its first item) and sends the run's jobs (`sendAll`).
 */
export interface Operation<State = unknown> {
	description: INodeProperties[];
	/** What it does, in words for error messages ("list devices"). */
	action: string;
	/** What it reads the device list for, when that is not `action` (Send's session check). */
	listAction?: string;
	/** What to add to the fix when the device list is denied (Send reads it only for its session check). */
	listHint?: string;
	setup?(run: WapingRun, itemIndex: number): State;
	prepare(item: ItemContext, state: State): PreparedItem;
	sendAll?(
		jobs: Array<MessageJob | undefined>,
		state: State,
		stopped: () => boolean,
	): Promise<Array<ItemResult | undefined>>;
}
