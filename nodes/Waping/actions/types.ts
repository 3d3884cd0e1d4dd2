import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import type { WapingClient } from '../../shared/client';
import type { DeviceList } from '../../shared/devices';
import type { ItemResult, ItemScope, OutputName } from '../outputs';
import type { SendJob } from '../../shared/transport/queue';
import type { WapingRun } from '../run';

/** Everything an operation needs for one input item. */
export interface ItemContext {
	ctx: IExecuteFunctions;
	run: WapingRun;
	itemIndex: number;
	/** The run's WAPing client (its checked credential, redactor, clock, cancel signal). */
	client: WapingClient;
}

/** What every operation declares, whatever its kind. */
interface Declaration {
	/** Its entry in its resource's Operation list: name, value (its internal name), description and action. */
	option: INodePropertyOptions & { action: string };
	/** Its own fields (shown only for it). */
	description: INodeProperties[];
	/** The outputs its items can go to, in the canvas's order (a prefix of OUTPUT). */
	outputs: readonly OutputName[];
	/** Its words: the node's subtitle, and what it does in error messages. */
	words: {
		/** The node's subtitle on the canvas ("Send a text message"). */
		subtitle: string;
		/** What it does, in error messages ("list devices"). */
		action: string;
		/** What it reads the device list for, when that is not `action` (Send's session check). */
		listAction?: string;
		/** What to add to the fix when the device list is denied. */
		listHint?: string;
	};
}

/** Answered from the run's device list (one request for the whole run). */
export interface FromDevicesOperation extends Declaration {
	kind: 'fromDevices';
	/** Reads and checks the item's parameters (throws for a bad one); sends nothing. */
	prepare(item: ItemContext): {
		scope: ItemScope;
		/** One shared function may serve every item: it gets the item's own scope and index. */
		answer: (
			list: DeviceList,
			scope: ItemScope,
			itemIndex: number,
			ctx: IExecuteFunctions,
		) => ItemResult;
	};
}

/** Answered by a request of its own, through the run's client. */
export interface RequestOperation extends Declaration {
	kind: 'request';
	/** Reads and checks the item's parameters (throws for a bad one); sends nothing yet. */
	prepare(item: ItemContext): {
		scope: ItemScope;
		/** Makes the item's request (client.request()) and says how it went; never throws. */
		request: () => Promise<ItemResult>;
	};
}

/** One message to send, as its operation read it; the sending module does the rest (actions/message/sending.ts). */
export interface MessageToSend {
	deviceId: string;
	to: string;
	/** WAPing's message type ("text") and its content, sent under the type's name. */
	type: string;
	content: IDataObject;
}

/** A message to send: the key, the session check, the throttle and the queue are the sending module's. */
export interface MessageOperation extends Declaration {
	kind: 'message';
	/** Reads and checks the item's own fields (throws for a bad one); sends nothing. */
	prepare(item: ItemContext): MessageToSend;
}

/** An operation, by its kind; the router has one executor per kind. */
export type Operation = FromDevicesOperation | RequestOperation | MessageOperation;

export type OperationKind = Operation['kind'];

/** A message ready to go: the transport queue sends it (paced, throttled, retried) and says how it went. */
export type MessageJob = SendJob<ItemResult>;

/** How the router answers an item once its executor prepared it. */
export type ItemWork =
	/** Answered from the run's device list: with a result, or (a message) with the job that sends it. */
	| {
			fromDevices: (
				list: DeviceList,
				scope: ItemScope,
				itemIndex: number,
				ctx: IExecuteFunctions,
			) => ItemResult | { job: MessageJob };
	  }
	/** A request of its own, made after every item was prepared. */
	| { job: MessageJob };

/** An item after its checks: what it is about (for 401/403 items) and how it is answered. */
export interface PreparedItem {
	scope: ItemScope;
	work: ItemWork;
}
