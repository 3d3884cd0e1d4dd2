import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../resource';
import type { Operation } from '../types';
import { check } from './check.operation';

/** The Plan resource's operations, in the order of its Operation list. */
export const operations: Operation[] = [check];

export const description: INodeProperties[] = [
	operationField('plan', operations, 'check'),
	...check.description,
];
