/**
 * Publishing the workflow (n8n's webhookMethods.create): WAPing has no API to register a URL, so
 * nothing is registered; the activation checks what the trigger needs instead, and fails with the
 * node's words when it is missing: verification set up (or "None" confirmed), a key WAPing accepts
 * (GET /v1/devices), a plan with webhooks (Starter and above, like the API).
 */
import type { IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { FIRST_API_PLAN } from '../shared/plans';
import { WEBHOOK_SETTINGS_HINT } from '../shared/assumptions';
import { WapingClient } from '../shared/client';
import { CREDENTIAL_TYPE } from '../shared/connection';
import { apiError } from '../shared/errors';
import { explain } from '../shared/explanations';
import { DEFAULT_RETRY_POLICY } from '../shared/transport/retry';
import { readScheme } from './settings';

/** The longest workflow id n8n saves static data for (isWorkflowIdValid). */
const SAVED_ID_LENGTH = { n8n1: 16, n8n2: 21 } as const;

/** Activations at which a failed API check only warns: n8n starting, or a new leader in multi-main. */
const RESTART_MODES = ['init', 'leadershipChange'];

export const NONE_REFUSED = {
	message: 'This trigger would accept requests from anyone: Verification is set to None',
	description:
		'Anyone who finds the URL could start this workflow with made-up messages. Set Verification to the scheme WAPing uses and put its signing secret in the WAPing credential (Webhook Signing Secret), or, if you accept the risk, turn on "Accept Unverified Requests (Anyone Who Knows the URL Can Start This Workflow)".',
};

export const NO_SECRET = {
	message: 'The WAPing credential has no Webhook Signing Secret',
	description: `Copy the signing secret from ${WEBHOOK_SETTINGS_HINT} into the WAPing credential's Webhook Signing Secret field, then publish again. Without it the trigger cannot tell WAPing's deliveries from anyone else's and answers every one with 401.`,
};

export function webhookPlanWords(): { message: string; description: string } {
	return {
		message: 'The WAPing Free plan has no webhooks, so this trigger would never receive an event',
		description: `The credential declares the Free plan. Webhooks come with ${FIRST_API_PLAN.displayName} and above, like the REST API. Upgrade the workspace, then set the credential's Plan to the new tier or to "Detect from the API", and publish again.`,
	};
}

/**
 * n8n saves static data (the ledger of seen event ids, dedupe.ts) only for a workflow id of at most
 * 21 characters on 2.41 and 16 on 1.x (cli utils isWorkflowIdValid). Longer: refused, since every
 * restart would forget which events started the workflow; 17 to 21: a warning (1.x forgets).
 */
function checkSavedId(ctx: IHookFunctions): void {
	const id = ctx.getWorkflow().id ?? '';
	if (id.length > SAVED_ID_LENGTH.n8n2) {
		throw new NodeOperationError(
			ctx.getNode(),
			`n8n cannot save which events this trigger has seen: the workflow's id "${id.slice(0, 40)}" is longer than ${SAVED_ID_LENGTH.n8n2} characters`,
			{
				description:
					"n8n keeps a trigger's memory (static data) only for workflows with a short id, so each restart would forget which deliveries already started the workflow, and a redelivery would start it again. Duplicate the workflow (n8n gives the copy an id it can save), publish the copy and unpublish this one.",
			},
		);
	}
	if (id.length > SAVED_ID_LENGTH.n8n1) {
		ctx.logger.warn(
			`WAPing Webhook Trigger: on n8n 1.x the workflow's id (${id.length} characters, over ${SAVED_ID_LENGTH.n8n1}) stops n8n from saving which events it has seen; after a restart a redelivery would start the workflow again. Duplicate the workflow to get a shorter id.`,
			{ workflowId: id },
		);
	}
}

/** Runs at publishing (and at "Listen for test event"); throws what the user must fix. */
export async function checkActivation(ctx: IHookFunctions): Promise<void> {
	const node = ctx.getNode();
	const manual = ctx.getMode() === 'manual';
	const scheme = readScheme(ctx);
	if (scheme === 'none') {
		const allowed = ctx.getNodeParameter('allowUnverifiedRequests', false) === true;
		if (!allowed && !manual) throw new NodeOperationError(node, NONE_REFUSED.message, NONE_REFUSED);
	}
	if (!manual) checkSavedId(ctx);
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const secret = typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret : '';
	if (scheme !== 'none' && secret.trim() === '')
		throw new NodeOperationError(node, NO_SECRET.message, NO_SECRET);

	// The key and the plan: one quick try, so that publishing answers at once.
	const client = await WapingClient.connect(ctx, {
		...DEFAULT_RETRY_POLICY,
		maxAttempts: 2,
		timeoutMs: 10_000,
	});
	if (client.connection.declaredPlan === 'free') {
		const words = webhookPlanWords();
		throw new NodeOperationError(node, words.message, { description: words.description });
	}
	const outcome = await client.listDevices();
	if (outcome.ok) return;
	const explanation = explain(outcome.failure, outcome.attempts, 'list devices');
	const planDenied = outcome.failure.kind === 'forbidden' && outcome.failure.reason === 'plan';
	const error = apiError(node, outcome.failure, {
		message: explanation.message,
		description: planDenied
			? `${explanation.description} Webhooks come with the same plans as the API.`
			: explanation.description,
	});
	const denied = outcome.failure.kind === 'unauthorized' || outcome.failure.kind === 'forbidden';
	// At n8n's start a passing outage must not stop the trigger from receiving: it only warns.
	if (!denied && RESTART_MODES.includes(ctx.getActivationMode())) {
		ctx.logger.warn(`WAPing Webhook Trigger could not check the WAPing key: ${error.message}`, {
			node: node.name,
			workflowId: ctx.getWorkflow().id,
		});
		return;
	}
	throw error;
}
