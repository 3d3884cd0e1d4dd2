import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { isSafeObjectProperty } from 'n8n-workflow';

import { DEVICE_LIST_FIELD, DEVICES_PATH } from './assumptions';
import type { Connection } from './connection';
import { checkConnection, CREDENTIAL_TYPE } from './connection';
import type { DeviceList } from './devices';
import { parseDeviceList } from './devices';
import type { Redact } from './redact';
import { redactor } from './redact';
import { readRetryPolicy } from './parameters';
import type { RetryPolicy } from './retry';
import type { Clock, Outcome } from './transport';
import { getJson, realClock } from './transport';

/** A short, safe description of a body that is not a device list. */
function shapeOf(body: unknown): string {
	if (typeof body === 'string') {
		const start = body
			.trimStart()
			.slice(0, 200)
			.replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
			.trim()
			.slice(0, 40);
		return start === '' ? 'an empty body' : `text, not JSON (it starts "${start}")`;
	}
	if (Array.isArray(body)) return 'a list';
	if (body === null || body === undefined) return 'an empty body';
	if (typeof body === 'object') {
		const keys = Object.keys(body)
			.slice(0, 5)
			.map((key) => key.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '').slice(0, 30));
		return `JSON without a "${DEVICE_LIST_FIELD}" list of devices (keys: ${keys.join(', ') || 'none'})`;
	}
	return `a ${typeof body}`;
}

/**
 * `={{ $json.name }}` or `={{ $json["name"] }}`: the name of the item field it reads, else undefined.
 * Names n8n's expression sandbox refuses (constructor, __proto__, ...) are left to the sandbox.
 */
export function jsonFieldOf(expression: string): string | undefined {
	const match = /^=\{\{\s*\$json(?:\.([A-Za-z_$][\w$]*)|\[\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*\])\s*\}\}$/.exec(expression);
	const field = match ? (match[1] ?? match[2] ?? match[3]) : undefined;
	// The peer n8n-workflow is any version: one without the check gets no shortcut at all.
	const safe = typeof isSafeObjectProperty === 'function' && field !== undefined && isSafeObjectProperty(field);
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

/**
 * State of one node run, gone when the run ends: the device list is fetched once per run
 * and shared by every item, so N items cost one request (also when it fails). What is the same for
 * every item is also worked out once: the credential, and parameters that hold no expression.
 * Everything but the two reads (credential, device list) is synchronous, so items cost no awaits.
 */
export class WapingRun {
	/** The credential and the device list once read, or what reading them threw. */
	private credentials?: { data: ICredentialDataDecryptedObject } | { error: unknown };

	private list?: { outcome: Outcome<DeviceList> } | { error: unknown };

	private checked?: { connection: Connection; redact: Redact };

	private parameters?: INodeParameters;

	private policy?: { raw: unknown; value: RetryPolicy };

	private items?: INodeExecutionData[];

	private operation?: { resource: string; operation: string };

	/** How each parameter is read: its value (no expression), an item field, or by n8n for each item. */
	private readonly reads = new Map<string, { value: unknown } | { field: string } | { fixed: boolean }>();

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly clock: Clock = realClock,
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

	/**
	 * The credential read by readCredentials(), checked once. n8n authenticates every request with the
	 * credential as resolved for item 0 (httpRequestWithAuthentication reads it without an item
	 * index), so the Base URL, plan and key the node works with are that one too. A check that fails
	 * is made again for each item, so that every item's error names its own index.
	 */
	connection(itemIndex: number): Connection {
		if (this.checked) return this.checked.connection;
		const read = this.credentials;
		if (!read) throw new Error('WapingRun.readCredentials() must come before connection()');
		if ('error' in read) throw read.error;
		const connection = checkConnection(this.ctx, read.data, itemIndex);
		this.checked = { connection, redact: redactor(connection.apiKey) };
		return connection;
	}

	/** An item's resource and operation; read once per run when neither holds an expression (as the editor sets them). */
	operationOf(itemIndex: number): { resource: string; operation: string } {
		if (this.operation) return this.operation;
		const chosen = {
			resource: this.parameter('resource', itemIndex) as string,
			operation: this.parameter('operation', itemIndex) as string,
		};
		if (this.isFixed('resource') && this.isFixed('operation')) this.operation = chosen;
		return chosen;
	}

	/** Whether a parameter was read once for the whole run (it holds no expression). */
	private isFixed(name: string): boolean {
		const read = this.reads.get(name);
		return read !== undefined && 'value' in read;
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

	/** Scrubs the credential's key from a value (the redactor is built once per run). */
	redact<T>(value: T): T {
		return this.checked ? this.checked.redact(value) : value;
	}

	/**
	 * A node parameter for one item, as `getNodeParameter` gives it, without n8n's per-item cost where
	 * the value is known beforehand: a parameter that holds no expression is the same for every item
	 * (read once), and `={{ $json.name }}` is the item's own field `name` (an own property of its json;
	 * a missing one is undefined, as n8n's expression gives it). Any other expression is resolved by
	 * n8n for each item.
	 */
	parameter(name: string, itemIndex: number, fallback?: unknown): unknown {
		let read = this.reads.get(name);
		if (read === undefined) {
			this.parameters ??= this.ctx.getNode().parameters;
			const raw = this.parameters[name];
			const field = typeof raw === 'string' ? jsonFieldOf(raw) : undefined;
			read = field !== undefined ? { field } : { fixed: !hasExpression(raw) };
			this.reads.set(name, read);
		}
		if ('value' in read) return read.value;
		if ('field' in read) {
			this.items ??= this.ctx.getInputData();
			const json: IDataObject | undefined = this.items[itemIndex]?.json;
			return json !== undefined && Object.prototype.hasOwnProperty.call(json, read.field) ? json[read.field] : undefined;
		}
		const value = this.ctx.getNodeParameter(name, itemIndex, fallback);
		// A value that could not be read (it threw) is read again for the next item, with its own error.
		if (read.fixed) this.reads.set(name, { value });
		return value;
	}

	/** Fetches the device list, once per run: the run has one credential (see connection()). */
	async loadDevices(connection: Connection, policy: RetryPolicy): Promise<void> {
		if (this.list) return;
		try {
			this.list = { outcome: await this.fetchDevices(connection, policy) };
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

	private async fetchDevices(connection: Connection, policy: RetryPolicy): Promise<Outcome<DeviceList>> {
		const outcome = await getJson(this.ctx, connection, DEVICES_PATH, policy, this.clock);
		if (!outcome.ok) return outcome;
		const { attempts, waitedMs } = outcome;
		const list = parseDeviceList(outcome.value);
		if (!list) {
			return {
				ok: false,
				attempts,
				waitedMs,
				failure: { kind: 'badAnswer', statusCode: 200, code: 'UNEXPECTED_ANSWER', detail: `the device list was ${shapeOf(outcome.value)}` },
			};
		}
		if (list.skipped > 0) {
			this.ctx.logger.warn('WAPing device list had entries without an id; they were left out', { skipped: list.skipped });
		}
		if (attempts > 1) this.hint(`WAPing answered after ${attempts} attempts (waited ${Math.round(waitedMs)} ms in all).`);
		return { ok: true, value: list, attempts, waitedMs };
	}

	/**
	 * Success items stay pure data; that a read needed retries is told in the output pane instead
	 * (on n8n versions that have execution hints).
	 */
	private hint(message: string): void {
		const ctx = this.ctx as IExecuteFunctions & { addExecutionHints?: IExecuteFunctions['addExecutionHints'] };
		if (typeof ctx.addExecutionHints === 'function') ctx.addExecutionHints({ message, location: 'outputPane' });
	}
}
