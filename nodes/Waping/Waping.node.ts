import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, updateDisplayOptions } from 'n8n-workflow';

import { retryOptions } from '../shared/descriptions';
import * as device from './actions/device/Device.resource';
import * as message from './actions/message/Message.resource';
import * as plan from './actions/plan/Plan.resource';
import { OUTPUTS_EXPRESSION } from './actions/operations';
import { router } from './actions/router';
import { denialField } from './denials';
import { wapingApiTest } from '../shared/credentialTest';
import { searchDevices } from './methods/listSearch';

export class Waping implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WAPing',
		name: 'waping',
		icon: { light: 'file:waping.svg', dark: 'file:waping.dark.svg' },
		group: ['output'],
		// Version 2: a Bad Key or Denied fails the execution by default (denials.ts); version 1, which
		// every workflow saved before it keeps, sends them down their own outputs.
		version: [1, 2],
		defaultVersion: 2,
		// What the node does, in the words each operation declares (words.subtitle; test/operations.test.ts
		// keeps the two the same: n8n's lint wants the subtitle written out here).
		subtitle:
			'={{ ({ send: "Send a text message", getStatus: "Get device status", getAll: "Get many devices", check: "Check the plan" })[$parameter["operation"]] || $parameter["operation"] }}',
		description:
			'Send WhatsApp messages and check devices linked to WAPing by QR code, and the plan. The WAPing Trigger starts a workflow when a device connects or disconnects.',
		defaults: { name: 'WAPing' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		// Three outputs, and those an operation adds (Offline, for Message → Send), as each declares;
		// without Bad Key and Denied when they fail the execution.
		outputs: OUTPUTS_EXPRESSION,
		credentials: [{ name: 'wapingApi', required: true, testedBy: 'wapingApiTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Device', value: 'device' },
					{ name: 'Message', value: 'message' },
					{ name: 'Plan', value: 'plan' },
				],
				default: 'device',
			},
			...device.description,
			...message.description,
			...plan.description,
			denialField,
			...updateDisplayOptions({ show: { resource: ['device', 'plan'] } }, [
				{
					displayName: 'Options',
					name: 'options',
					type: 'collection',
					placeholder: 'Add Option',
					default: {},
					description:
						'How the node retries when WAPing is busy, has a temporary problem or is slow to answer',
					options: retryOptions,
				},
			]),
		],
	};

	methods = { listSearch: { searchDevices }, credentialTest: { wapingApiTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
