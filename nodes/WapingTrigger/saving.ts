/**
 * When n8n saves the trigger's static data (its baseline), as read in n8n's source (packages/cli:
 * ActiveWorkflowManager, WorkflowStaticDataService.saveStaticData, utils.isWorkflowIdValid), the
 * same on n8n 1.123 and 2.41: after the first poll at activation, and when a poll starts an
 * execution; never after a poll that returns nothing. And only for a workflow whose id n8n deems
 * valid: at most 16 characters on n8n 1.x, 21 on 2.41. For a longer id (a workflow imported with
 * its own id) n8n skips the save without a word, so the baseline would live in memory only.
 */

/** The longest workflow id n8n 1.x saves static data for (isWorkflowIdValid: `id.length <= 16`). */
export const SAVED_ID_LENGTH_1X = 16;
/** The same on n8n 2.41 (`id.length <= 21`). */
export const SAVED_ID_LENGTH_2X = 21;

/**
 * The longest workflow id this n8n saves static data for. n8n 2.41 gives a poll its time budget
 * (getPollBudgetMs) and 1.x does not: the one sign of the line a node can read.
 */
export function savedIdLength(hasPollBudget: boolean): number {
	return hasPollBudget ? SAVED_ID_LENGTH_2X : SAVED_ID_LENGTH_1X;
}

/** Why the baseline cannot be saved for this workflow, or undefined when n8n saves it. */
export function unsavedBecause(
	workflowId: string | undefined,
	hasPollBudget: boolean,
): { message: string; description: string } | undefined {
	const limit = savedIdLength(hasPollBudget);
	if (typeof workflowId !== 'string' || workflowId.length <= limit) return undefined;
	return {
		message: `n8n cannot save what this trigger has seen: the workflow's id "${workflowId.slice(0, 40)}" is longer than ${limit} characters`,
		description: `This version of n8n keeps a trigger's memory (static data) only for workflows whose id has at most ${limit} characters, so each restart would forget the devices' last states and miss what changed while n8n was stopped. Duplicate the workflow (n8n gives the copy an id it can save), publish the copy and unpublish this one.`,
	};
}
