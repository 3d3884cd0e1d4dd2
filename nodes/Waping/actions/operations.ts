/**
 * Every operation of the node, by resource, and what the node derives from their declarations: its
 * outputs expression. (The subtitle must be a literal for n8n's lint: test/operations.test.ts checks
 * it says each operation's declared words.)
 */
import { DENIAL_PARAMETER, FAILING_VERSION } from '../denials';
import { OUTPUT, outputCountOf, outputsExpression } from '../outputs';
import * as device from './device/Device.resource';
import * as message from './message/Message.resource';
import * as plan from './plan/Plan.resource';
import type { Operation } from './types';

const RESOURCES: Record<string, Operation[]> = {
	device: device.operations,
	message: message.operations,
	plan: plan.operations,
};

export const ALL_OPERATIONS: Operation[] = Object.values(RESOURCES).flat();

/** resource → operation → its module. A Map, so no text can name an inherited property. */
const byResource = new Map(
	Object.entries(RESOURCES).map(([resource, operations]) => [
		resource,
		new Map(operations.map((operation) => [String(operation.option.value), operation])),
	]),
);

/** The module of a resource's operation, or undefined when the resource has no such operation. */
export function findOperation(resource: string, operation: string): Operation | undefined {
	return byResource.get(resource)?.get(operation);
}

/** The outputs every operation has (Success, Bad Key, Denied); an operation can add more after them. */
const BASE_OUTPUT_COUNT = OUTPUT.forbidden + 1;

/** Each operation's output count where it differs from the base, by the operation's internal name. */
function outputCounts(): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const operation of ALL_OPERATIONS) {
		const count = outputCountOf(operation.outputs);
		if (count !== BASE_OUTPUT_COUNT) counts[String(operation.option.value)] = count;
	}
	return counts;
}

/** The node's outputs, as n8n computes them in the editor from the chosen operation. */
export const OUTPUTS_EXPRESSION = outputsExpression(
	outputCounts(),
	BASE_OUTPUT_COUNT,
	DENIAL_PARAMETER,
	FAILING_VERSION,
);
