import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../resource';
import type { Operation } from '../types';
import { getMany } from './getMany.operation';
import { getStatus } from './getStatus.operation';

/** The Device resource's operations, in the order of its Operation list. */
export const operations: Operation[] = [getMany, getStatus];

export const description: INodeProperties[] = [
	operationField('device', operations, 'getStatus'),
	...getStatus.description,
	...getMany.description,
];
