import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { Explanation } from './messages';
import type { Failure } from './failures';

/** Output order as the user sees it on the canvas. */
export const OUTPUT_NAMES = ['Success', 'Unauthorized', 'Forbidden'];
export const OUTPUT = { success: 0, unauthorized: 1, forbidden: 2 } as const;
export type OutputIndex = (typeof OUTPUT)[keyof typeof OUTPUT];

/** Where an item came from and what it was for, repeated on denial items for branching. */
export interface ItemScope {
	resource: string;
	operation: string;
	deviceId?: string;
}

/** What one input item produced: success items, or one denial for the 401/403 outputs. */
export type ItemResult =
	| { output: typeof OUTPUT.success; items: IDataObject[] }
	| { output: typeof OUTPUT.unauthorized | typeof OUTPUT.forbidden; items: [IDataObject] };

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
	const output = failure.kind === 'unauthorized' ? OUTPUT.unauthorized : OUTPUT.forbidden;
	return { output, items: [json] };
}

/** Every other failure becomes an n8n API error: the run stops unless the user chose to continue. */
export function apiError(
	node: INode,
	failure: Failure,
	explanation: Explanation,
	itemIndex: number,
): NodeApiError {
	// Without an HTTP status the code is a system one (ECONNREFUSED, ...): n8n would read it as the
	// error's code and swap the message for a generic one. The description names it instead.
	const response: JsonObject = failure.statusCode
		? { code: failure.code, message: explanation.message }
		: { message: explanation.message };
	const error = new NodeApiError(
		node,
		response,
		{
			message: explanation.message,
			description: explanation.description,
			httpCode: failure.statusCode ? String(failure.statusCode) : undefined,
			itemIndex,
		},
	);
	// n8n also swaps a message that merely mentions a system code (a quoted "upstream ECONNRESET" in a
	// 502) for its generic network text. The node's words are what the user needs: keep them.
	error.message = explanation.message;
	return error;
}
