import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from './types';

/** A resource's Operation field, listing its operations with the words each declares. */
export function operationField(
	resource: string,
	operations: readonly Operation[],
	defaultOperation: string,
): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options: operations.map((operation) => ({ ...operation.option })),
		default: defaultOperation,
	};
}
