import type { IDataObject } from 'n8n-workflow';

import type { Failure } from '../shared/failures';
import type { Explanation } from '../shared/explanations';

/** Output order as the user sees it on the canvas. Send adds Offline (device not connected); the others keep their places. */
export const OUTPUT = { success: 0, unauthorized: 1, forbidden: 2, offline: 3 } as const;
export type OutputIndex = (typeof OUTPUT)[keyof typeof OUTPUT];

/** The labels on the canvas: short enough to stay readable beside the item count. */
export const OUTPUT_LABELS = ['Success', 'Bad Key', 'Denied', 'Offline'] as const;

/** An output by its name in code. */
export type OutputName = keyof typeof OUTPUT;

/** How many outputs an operation has that uses these: up to the last of them, in the canvas's order. */
export function outputCountOf(outputs: readonly OutputName[]): number {
	return Math.max(...outputs.map((name) => OUTPUT[name])) + 1;
}

/**
 * The node's outputs as n8n computes them from its parameters in the editor (an expression over
 * `$parameter`): each operation's own count (`counts`, by operation), `fallback` for any other value.
 */
export function outputsExpression(
	counts: Record<string, number>,
	fallback: number,
): `={{${string}}}` {
	return `={{(${String(
		(
			parameters: { operation?: string },
			labels: readonly string[],
			table: Record<string, number>,
			otherwise: number,
		) => {
			const own = table[parameters.operation as string];
			const count = typeof own === 'number' ? own : otherwise;
			return labels.slice(0, count).map((displayName) => ({ type: 'main', displayName }));
		},
	)})($parameter, ${JSON.stringify(OUTPUT_LABELS)}, ${JSON.stringify(counts)}, ${fallback})}}`;
}

/** Where an item came from and what it was for, repeated on 401/403 items for branching. */
export interface ItemScope {
	resource: string;
	operation: string;
	deviceId?: string;
	to?: string;
}

/** What one input item came to: its output and items, or its error. */
export type ItemResult = { output: OutputIndex; items: IDataObject[] } | { error: Error };

/**
 * A 401 or 403 as an item. It carries keys beyond error/message/details and no `error` key, so
 * n8n's error output leaves it where it is and Retry On Fail does not mistake it for a failure.
 */
export function denial(
	failure: Failure,
	explanation: Explanation,
	scope: ItemScope,
	source: 'api' | 'credential',
): ItemResult {
	const json: IDataObject = {
		statusCode: failure.statusCode ?? null,
		code: failure.code,
		message: explanation.message,
		description: explanation.description,
		reason: failure.reason ?? null,
		source,
		resource: scope.resource,
		operation: scope.operation,
	};
	if (scope.deviceId !== undefined) json.deviceId = scope.deviceId;
	if (scope.to !== undefined) json.to = scope.to;
	const output = failure.kind === 'unauthorized' ? OUTPUT.unauthorized : OUTPUT.forbidden;
	return { output, items: [json] };
}
