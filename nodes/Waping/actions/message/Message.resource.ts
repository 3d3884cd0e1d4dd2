import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../resource';
import type { Operation } from '../types';
import { send } from './send.operation';

/** The Message resource's operations, in the order of its Operation list. */
export const operations: Operation[] = [send];

export const description: INodeProperties[] = [
	operationField('message', operations, 'send'),
	...send.description,
];
