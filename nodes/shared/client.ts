/**
 * One WAPing client per run, for every WAPing node: the credential checked, the key's redactor, the
 * retry policy, the clock and the execution's cancel signal, put together once. It lives as long as
 * the run (or poll, or picker search) that built it: nothing of it is kept in a module.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestMethods,
} from 'n8n-workflow';

import { MAX_ANSWER_BYTES, MESSAGES_PATH } from './assumptions';
import type { Connection } from './connection';
import { connectionOf, CREDENTIAL_TYPE } from './connection';
import type { DeviceList } from './devices';
import type { Redact } from './redact';
import { redactor } from './redact';
import type { Clock } from './transport/clock';
import { realClock } from './transport/clock';
import { fetchDevices } from './transport/deviceList';
import type { ApiContext, AttemptGate, Outcome } from './transport/request';
import { callApi, cancelSignal } from './transport/request';
import type { RetryPolicy } from './transport/retry';
import { DEFAULT_RETRY_POLICY } from './transport/retry';

/** A context the client can read its credential from: an execute, poll or load-options context. */
export type ClientContext = ApiContext & {
	getCredentials(type: string, itemIndex?: number): Promise<ICredentialDataDecryptedObject>;
};

/** One message for POST /v1/messages: its kind (`type`) and that kind's content, sent under the kind's name. */
export interface OutgoingMessage {
	deviceId: string;
	to: string;
	/** WAPing's message type, e.g. "text"; the content goes under a field of the same name. */
	type: string;
	content: IDataObject;
	/** Sent with every attempt, so that WAPing sends the message at most once. */
	idempotencyKey: string;
}

/** How one call is made, beyond the client's own policy. */
export interface CallOptions {
	/** This call's retry settings (an item's own Options); else the client's. */
	policy?: RetryPolicy;
	/** A run-wide gate every attempt passes (Send's throttle). */
	gate?: AttemptGate;
}

export class WapingClient {
	/** Scrubs the credential's key from any value. */
	readonly redact: Redact;

	/** The execution's cancel signal (absent on n8n versions without one). */
	readonly signal: AbortSignal | undefined;

	constructor(
		readonly ctx: ApiContext,
		readonly connection: Connection,
		readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
		readonly clock: Clock = realClock,
	) {
		this.redact = redactor(connection.apiKey);
		this.signal = cancelSignal(ctx);
	}

	/** Reads and checks the node's WAPing credential (its problems thrown in the user's words), then builds the client. */
	static async connect(
		ctx: ClientContext,
		policy: RetryPolicy = DEFAULT_RETRY_POLICY,
		clock: Clock = realClock,
	): Promise<WapingClient> {
		const connection = connectionOf(ctx.getNode(), await ctx.getCredentials(CREDENTIAL_TYPE));
		return new WapingClient(ctx, connection, policy, clock);
	}

	/** GET /v1/devices: the workspace's devices, or the classified failure. */
	async listDevices(options: CallOptions = {}): Promise<Outcome<DeviceList>> {
		return await fetchDevices(
			this.ctx,
			this.connection,
			options.policy ?? this.policy,
			this.clock,
			this.redact,
		);
	}

	/** POST /v1/messages with the message's idempotency key on every attempt; the answer as WAPing gave it. */
	async sendMessage(
		message: OutgoingMessage,
		options: CallOptions = {},
	): Promise<Outcome<unknown>> {
		return await this.request('POST', MESSAGES_PATH, {
			...options,
			body: {
				deviceId: message.deviceId,
				to: message.to,
				type: message.type,
				[message.type]: message.content,
			},
			idempotencyKey: message.idempotencyKey,
			maxBytes: MAX_ANSWER_BYTES.message,
		});
	}

	/**
	 * Any other call to the WAPing API: bounded retries (GET and HEAD, or any method with an
	 * idempotency key), the answer read within `maxBytes`, every failure classified and scrubbed.
	 */
	async request(
		method: IHttpRequestMethods,
		path: string,
		options: CallOptions & { body?: IDataObject; idempotencyKey?: string; maxBytes: number },
	): Promise<Outcome<unknown>> {
		const { policy, gate, ...request } = options;
		return await callApi(
			this.ctx,
			this.connection,
			{ method, path, ...request },
			policy ?? this.policy,
			this.clock,
			gate,
			this.redact,
		);
	}
}
