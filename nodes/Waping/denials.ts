/**
 * What a Bad Key (401) or a Denied (403) item comes to. Version 1 always sends it down its own
 * output, so the execution succeeds. From version 2 the user chooses, and by default the execution
 * fails: n8n gives a node no public way to see which of its outputs are connected (getChildNodes
 * names the nodes after it, not the output they hang on), so an unwired Bad Key would otherwise
 * pass for a success in the Executions list and never start the error workflow.
 */
import type { IExecuteFunctions, INode, INodeProperties, NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { apiError } from '../shared/errors';
import type { Explanation } from '../shared/explanations';
import type { Failure } from '../shared/failures';

/** 'fail': the item's error (stops the run unless On Error continues); 'outputs': the Bad Key and Denied outputs. */
export type DenialHandling = 'fail' | 'outputs';

/** The parameter's name, read by the outputs expression too. */
export const DENIAL_PARAMETER = 'badKeyAndDenied';

/** The node version from which the choice exists and "Fail the Execution" is the default. */
export const FAILING_VERSION = 2;

/** The choice, shown from version 2 on. */
export const denialField: INodeProperties = {
	displayName: 'Bad Key and Denied',
	name: DENIAL_PARAMETER,
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { '@version': [{ _cnd: { gte: FAILING_VERSION } }] } },
	options: [
		{
			name: 'Fail the Execution',
			value: 'fail',
			description:
				'Stop with an error that says what happened and how to fix it: the execution shows as failed in the Executions list, and the error workflow runs',
		},
		{
			name: 'Send Down Their Own Outputs',
			value: 'outputs',
			description:
				'Add the Bad Key and Denied outputs, to handle a rejected key or a denial in the workflow; the execution succeeds',
		},
	],
	default: 'fail',
	description:
		'What happens when WAPing rejects the API key (Bad Key) or denies the request (Denied: the plan has no API access, or the key lacks permission)',
};

/** The words the error adds to the item's own fix: how to branch instead. */
export const BRANCH_WORDS =
	'To handle this in the workflow instead of failing, set the node\'s "Bad Key and Denied" to "Send Down Their Own Outputs".';

/** How this node handles denials: version 1 by its outputs, later versions as the user chose. */
export function denialHandling(ctx: IExecuteFunctions): DenialHandling {
	const node = ctx.getNode();
	if (!(node.typeVersion >= FAILING_VERSION)) return 'outputs';
	const chosen = ctx.getNodeParameter(DENIAL_PARAMETER, 0, 'fail');
	return chosen === 'outputs' ? 'outputs' : 'fail';
}

/** A denial as the item's error, in the words its item would have carried. */
export function denialError(
	node: INode,
	failure: Failure,
	explanation: Explanation,
	itemIndex: number,
	source: 'api' | 'credential',
): NodeApiError | NodeOperationError {
	const words = { ...explanation, description: `${explanation.description} ${BRANCH_WORDS}` };
	// No request was sent for a plan the credential declares: no HTTP status to show.
	if (source === 'credential') {
		return new NodeOperationError(node, words.message, {
			itemIndex,
			description: words.description,
		});
	}
	return apiError(node, failure, words, itemIndex);
}
