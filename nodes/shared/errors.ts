/** A failure the user must act on, as the n8n error that stops the run (or the poll). */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { Explanation } from './explanations';
import type { Failure } from './failures';

/**
 * Every other failure becomes an n8n API error: the run stops unless the user chose to continue.
 * The trigger, which has no items, passes no item index.
 */
export function apiError(
	node: INode,
	failure: Failure,
	explanation: Explanation,
	itemIndex?: number,
): NodeApiError {
	// Without an HTTP status the code is a system one (ECONNREFUSED, ...): n8n would read it as the
	// error's code and swap the message for a generic one. The description names it instead.
	const response: JsonObject = failure.statusCode
		? { code: failure.code, message: explanation.message }
		: { message: explanation.message };
	const error = new NodeApiError(node, response, {
		message: explanation.message,
		description: explanation.description,
		httpCode: failure.statusCode ? String(failure.statusCode) : undefined,
		itemIndex,
	});
	// n8n also swaps a message that merely mentions a system code (a quoted "upstream ECONNRESET" in a
	// 502) for its generic network text. The node's words are what the user needs: keep them.
	error.message = explanation.message;
	return error;
}
