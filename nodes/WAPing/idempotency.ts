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
			[scope.firstExecutionId, scope.workflowId, scope.nodeId, scope.runIndex, itemIndex].join(
				'\n',
			),
		)
		.digest('hex');
	// Shaped as a version-5-style UUID, as the docs' examples show.
	const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
