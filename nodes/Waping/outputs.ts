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

/** The outputs a denial goes down; "Fail the Execution" (version 2's default) leaves them out. */
export const DENIAL_OUTPUTS: readonly OutputName[] = ['unauthorized', 'forbidden'];

/** Each output by its index on the canvas. */
const OUTPUT_NAMES = Object.keys(OUTPUT) as OutputName[];

/**
 * Where each output's items go on the canvas, for an operation with `count` outputs: denials'
 * outputs are left out when they fail the execution, and the outputs after them move up.
 */
export function outputPlaces(count: number, failDenials: boolean): Array<number | undefined> {
	let next = 0;
	return OUTPUT_NAMES.slice(0, count).map((name) =>
		failDenials && DENIAL_OUTPUTS.includes(name) ? undefined : next++,
	);
}

/**
 * The node's outputs as n8n computes them from its parameters in the editor (an expression over
 * `$parameter` and the node's version): each operation's own count (`counts`, by operation),
 * `fallback` for any other value, without Bad Key and Denied when `denialParameter` (version
 * `failingVersion`'s default) says to fail the execution.
 */
export function outputsExpression(
	counts: Record<string, number>,
	fallback: number,
	denialParameter: string,
	failingVersion: number,
): `={{${string}}}` {
	return `={{(${String(
		(
			parameters: Record<string, unknown>,
			version: unknown,
			labels: readonly string[],
			table: Record<string, number>,
			otherwise: number,
			denialName: string,
			failsFrom: number,
			denialIndexes: number[],
		) => {
			const own = table[parameters.operation as string];
			const count = typeof own === 'number' ? own : otherwise;
			const chosen = parameters[denialName];
			const fails =
				chosen === undefined
					? typeof version === 'number' && version >= failsFrom
					: chosen === 'fail';
			return labels
				.slice(0, count)
				.filter((_, index) => !fails || !denialIndexes.includes(index))
				.map((displayName) => ({ type: 'main', displayName }));
		},
	)})($parameter, typeof $nodeVersion === "undefined" ? undefined : $nodeVersion, ${JSON.stringify(OUTPUT_LABELS)}, ${JSON.stringify(counts)}, ${fallback}, ${JSON.stringify(denialParameter)}, ${failingVersion}, ${JSON.stringify(DENIAL_OUTPUTS.map((name) => OUTPUT[name]))})}}`;
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
