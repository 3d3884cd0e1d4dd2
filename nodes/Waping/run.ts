import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
} from 'n8n-workflow';
import { isSafeObjectProperty } from 'n8n-workflow';

import { WapingClient } from '../shared/client';
import type { Connection } from '../shared/connection';
import { connectionOf, CREDENTIAL_TYPE } from '../shared/connection';
import type { DeviceList } from '../shared/devices';
import { readRetryPolicy } from '../shared/parameters';
import type { Redact } from '../shared/redact';
import type { RetryPolicy } from '../shared/transport/retry';
import { DEFAULT_RETRY_POLICY } from '../shared/transport/retry';
import type { Clock } from '../shared/transport/clock';
import { realClock } from '../shared/transport/clock';
import type { Outcome } from '../shared/transport/request';

/**
 * `={{ $json.name }}` or `={{ $json["name"] }}`: the name of the item field it reads, else undefined.
 * Names n8n's expression sandbox refuses (constructor, __proto__, ...) are left to the sandbox.
 */
export function jsonFieldOf(expression: string): string | undefined {
	const match =
		/^=\{\{\s*\$json(?:\.([A-Za-z_$][\w$]*)|\[\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*\])\s*\}\}$/.exec(
			expression,
		);
	const field = match ? (match[1] ?? match[2] ?? match[3]) : undefined;
	// The peer n8n-workflow is any version: one without the check gets no shortcut at all.
	// A name every object inherits (toString, valueOf, ...) is n8n's to resolve: on an item without
	// that field its expression gives the inherited function, not undefined.
	const safe =
		typeof isSafeObjectProperty === 'function' &&
		field !== undefined &&
		isSafeObjectProperty(field) &&
		!(field in Object.prototype);
	return safe ? field : undefined;
}

/** Whether a parameter value holds an n8n expression (a string starting with "="), at any depth. */
function hasExpression(value: unknown, depth = 0): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (typeof value !== 'object' || value === null) return false;
	// Deeper than any of this node's parameters: not worth proving, so it counts as per item.
	if (depth > 10) return true;
	return Object.values(value).some((entry) => hasExpression(entry, depth + 1));
}

/** A resource locator ({ __rl, mode, value }) stored in the node. */
function isLocator(value: unknown): value is { __rl: true; value: unknown } {
	return typeof value === 'object' && value !== null && (value as IDataObject).__rl === true;
}

/** How one parameter is read: its value (no expression), an item field, or by n8n for each item. */
type ParameterRead = { value: unknown } | { field: string; locator: boolean } | { fixed: boolean };

/**
 * What is read once per node run and handed to every item and operation, gone when the run ends:
 * the credential (read and checked once), parameters that hold no expression (read once), the retry
 * settings, the redactor, and the workspace's device list (one GET per run, fetched on demand and
 * shared by every item that needs it, also when it fails).
 */
export class WapingRun {
	private credentials?: { data: ICredentialDataDecryptedObject } | { error: unknown };

	private list?: { outcome: Outcome<DeviceList> } | { error: unknown };

	private checked?: WapingClient;

	private parameters?: INodeParameters;

	private policy?: { raw: unknown; value: RetryPolicy };

	private items?: INodeExecutionData[];

	private readonly reads = new Map<string, ParameterRead>();

	constructor(
		readonly ctx: IExecuteFunctions,
		readonly clock: Clock = realClock,
	) {}

	/** Reads the credential, once per run; a failure is kept and thrown for each item by connection(). */
	async readCredentials(): Promise<void> {
		if (this.credentials) return;
		try {
			this.credentials = { data: await this.ctx.getCredentials(CREDENTIAL_TYPE, 0) };
		} catch (error) {
			this.credentials = { error };
		}
	}

	/** The run's checked credential (see client()). */
	connection(itemIndex: number): Connection {
		return this.client(itemIndex).connection;
	}

	/**
	 * The run's WAPing client, built once from the credential read by readCredentials() and checked
	 * once. n8n authenticates every request with the credential it resolves for the first item, so the
	 * run has one credential, and one client.
	 */
	client(itemIndex: number): WapingClient {
		if (this.checked) return this.checked;
		const read = this.credentials;
		if (!read) throw new Error('WapingRun.readCredentials() must come before connection()');
		if ('error' in read) throw read.error;
		const connection = connectionOf(this.ctx.getNode(), read.data, itemIndex);
		this.checked = new WapingClient(this.ctx, connection, DEFAULT_RETRY_POLICY, this.clock);
		return this.checked;
	}

	/** Retry settings for an item; Options without expressions are checked once per run. */
	retryPolicy(itemIndex: number): RetryPolicy {
		const raw = this.parameter('options', itemIndex, {});
		const cached = this.policy;
		if (cached && cached.raw === raw) return cached.value;
		const value = readRetryPolicy(this.ctx, itemIndex, raw);
		this.policy = { raw, value };
		return value;
	}

	/** Checks an item's retry settings: once, when the Options hold no expression and were read fine. */
	checkRetryPolicy(itemIndex: number): void {
		if (this.policy !== undefined && this.isFixed('options')) return;
		this.retryPolicy(itemIndex);
	}

	/** Scrubs the credential's key from a value (the redactor is built once per run). */
	redact<T>(value: T): T {
		return this.checked ? this.checked.redact(value) : value;
	}

	/** The redactor of the run's key, once the credential was checked. */
	get redactor(): Redact {
		return this.checked ? this.checked.redact : (value) => value;
	}

	/**
	 * A node parameter for one item, as `getNodeParameter` gives it (a resource locator's value
	 * extracted), without n8n's per-item cost where the value is known beforehand: a parameter that
	 * holds no expression is the same for every item (read once), and `={{ $json.name }}` is the
	 * item's own field `name` when that is not an object (an own property of its json; a missing one
	 * is undefined, as n8n's expression gives it). Anything else is resolved by n8n for each item.
	 * The only place the node reads a parameter of an item; test/parameter-shortcut.test.ts compares
	 * it with getNodeParameter.
	 */
	parameter(name: string, itemIndex: number, fallback?: unknown): unknown {
		let read = this.reads.get(name);
		if (read === undefined) {
			this.parameters ??= this.ctx.getNode().parameters;
			const stored = this.parameters[name];
			const locator = isLocator(stored);
			const raw = locator ? stored.value : stored;
			const field = typeof raw === 'string' ? jsonFieldOf(raw) : undefined;
			read = field !== undefined ? { field, locator } : { fixed: !hasExpression(raw) };
			this.reads.set(name, read);
		}
		if ('value' in read) return read.value;
		if ('field' in read) {
			this.items ??= this.ctx.getInputData();
			const json: IDataObject | undefined = this.items[itemIndex]?.json;
			const value =
				json !== undefined && Object.prototype.hasOwnProperty.call(json, read.field)
					? json[read.field]
					: undefined;
			// An object is left to n8n, which may unwrap it (a locator's { mode, value } gives its value).
			if (typeof value !== 'object' || value === null) return value;
		}
		const value = this.ctx.getNodeParameter(name, itemIndex, fallback, { extractValue: true });
		// A value that could not be read (it threw) is read again for the next item, with its own error.
		if ('fixed' in read && read.fixed) this.reads.set(name, { value });
		return value;
	}

	/** Whether a parameter is the same for every item (it holds no expression). */
	isFixed(name: string): boolean {
		const read = this.reads.get(name);
		return read !== undefined && 'value' in read;
	}

	/** Fetches the device list, once per run: the run has one credential (see connection()). */
	async loadDevices(client: WapingClient, policy: RetryPolicy): Promise<void> {
		if (this.list) return;
		try {
			const outcome = await client.listDevices({ policy });
			if (outcome.ok && outcome.attempts > 1) {
				this.hint(
					`WAPing answered after ${outcome.attempts} attempts (waited ${Math.round(outcome.waitedMs)} ms in all).`,
				);
			}
			this.list = { outcome };
		} catch (error) {
			this.list = { error };
		}
	}

	/** The device list once loaded (undefined before); an unexpected throw of the fetch is thrown for each item. */
	settledDevices(): Outcome<DeviceList> | undefined {
		const list = this.list;
		if (list && 'error' in list) throw list.error;
		return list?.outcome;
	}

	/**
	 * A note in the output pane (on n8n versions that have execution hints): success items stay pure
	 * data, and what the user should know about the run is said once, here.
	 */
	hint(message: string, type: 'info' | 'warning' = 'info'): void {
		const ctx = this.ctx as IExecuteFunctions & {
			addExecutionHints?: IExecuteFunctions['addExecutionHints'];
		};
		if (typeof ctx.addExecutionHints === 'function')
			ctx.addExecutionHints({ message, type, location: 'outputPane' });
	}
}
