/**
 * One idempotency key per message, the same on every attempt: the node's own retries, n8n's Retry
 * On Fail (the node runs again in the same execution, same run index) and n8n's "Retry execution"
 * (a new execution that carries the failed one's data).
 */
import { createHash } from 'crypto';

import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Where the node notes the execution that first sent: n8n keeps an execution's custom data in the
 * data a retry of it starts from, so a retried execution finds the original id here and derives the
 * same keys. It shows as custom data in the execution list.
 */
export const FIRST_EXECUTION_FIELD = 'waping_first_execution';

/** What the derived keys of one node run share. */
export interface KeyScope {
	/**
	 * n8n's instance id (stable for an installation, shared by its main and workers): two n8n
	 * installations sending to one workspace never derive the same key. Empty where n8n has none.
	 */
	instanceId: string;
	/** The execution that first ran this workflow data: the original, on a retried execution. */
	firstExecutionId: string;
	workflowId: string;
	nodeId: string;
	runIndex: number;
}

type CustomData = { get(key: string): unknown; set(key: string, value: string): void };

/** The custom data of the execution ($execution.customData in n8n's expressions), where n8n has it. */
function customDataOf(execution: { customData?: CustomData } | undefined): CustomData | undefined {
	const data = execution?.customData;
	return data && typeof data.get === 'function' && typeof data.set === 'function'
		? data
		: undefined;
}

/**
 * n8n's instance id (n8n-workflow's FunctionsBase, on the 1.x and 2.x lines). Where a runtime lacks it
 * or it fails, keys are derived as before it was added: still stable across retries.
 */
function instanceIdOf(ctx: IExecuteFunctions): string {
	try {
		const id: unknown = typeof ctx.getInstanceId === 'function' ? ctx.getInstanceId() : undefined;
		return typeof id === 'string' ? id : '';
	} catch {
		return '';
	}
}

/** The scope of this node run's keys, noting the execution id for a later retry of it. */
export function keyScope(ctx: IExecuteFunctions): KeyScope {
	// What expressions see as $execution and $thisRunIndex: n8n's public view of the run.
	const proxy = ctx.getWorkflowDataProxy(0);
	const executionId = String(ctx.getExecutionId?.() ?? '');
	const data = customDataOf(proxy.$execution as { customData?: CustomData } | undefined);
	let firstExecutionId = executionId;
	if (data) {
		const noted = data.get(FIRST_EXECUTION_FIELD);
		if (typeof noted === 'string' && noted !== '') {
			firstExecutionId = noted;
		} else {
			try {
				data.set(FIRST_EXECUTION_FIELD, executionId);
			} catch {
				// Custom data full or refused: keys still differ per execution, a retried one sends anew.
			}
		}
	}
	const node = ctx.getNode();
	return {
		instanceId: instanceIdOf(ctx),
		firstExecutionId,
		workflowId: String(ctx.getWorkflow().id ?? ''),
		nodeId: node.id ?? node.name,
		runIndex: Number(proxy.$thisRunIndex) || 0,
	};
}

/** The key for one item: a UUID-shaped digest of the run's scope and the item's index. */
export function derivedKey(scope: KeyScope, itemIndex: number): string {
	const hex = createHash('sha256')
		.update(
			[
				scope.instanceId,
				scope.firstExecutionId,
				scope.workflowId,
				scope.nodeId,
				scope.runIndex,
				itemIndex,
			].join('\n'),
		)
		.digest('hex');
	// Shaped as a version-5-style UUID, as the docs' examples show.
	const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The keys a run's messages use, to refuse before anything is sent the items that give one key to
 * different messages (WAPing would accept whichever came first). Items with one key and the same
 * message are one message: sent once (one after the other, as messages to one number are), and each
 * item gets its receipt.
 */
export class RunKeys {
	private readonly messages = new Map<string, { digest: string; items: number[] }>();

	private readonly keyOf = new Map<number, string>();

	private readonly conflicts = new Set<string>();

	/** Notes an item's key and message. */
	claim(
		key: string,
		message: { deviceId: string; to: string; content: unknown },
		itemIndex: number,
	) {
		const digest = createHash('sha256')
			.update(JSON.stringify([message.deviceId, message.to, message.content]))
			.digest('hex');
		this.keyOf.set(itemIndex, key);
		const seen = this.messages.get(key);
		if (!seen) {
			this.messages.set(key, { digest, items: [itemIndex] });
			return;
		}
		seen.items.push(itemIndex);
		if (seen.digest !== digest) this.conflicts.add(key);
	}

	/** The other items that give this item's key to a different message; undefined when none does. */
	conflictOf(itemIndex: number): { key: string; others: number[] } | undefined {
		const key = this.keyOf.get(itemIndex);
		if (key === undefined || !this.conflicts.has(key)) return undefined;
		const others = (this.messages.get(key)?.items ?? []).filter((item) => item !== itemIndex);
		return { key, others };
	}
}
