/* eslint-disable n8n-nodes-base/node-filename-against-convention -- the rule wants Waping.node.ts (from the name 'waping'); the product and its class are spelled WAPing */
import type { IExecuteFunctions, INode, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from './connection';
import { deviceFields, deviceOperations } from './descriptions/DeviceDescription';
import { requestOptions } from './descriptions/OptionsDescription';
import { planOperations } from './descriptions/PlanDescription';
import type { ItemLoop } from './items';
import { runItems } from './items';
import { OUTPUT_NAMES } from './outputs';
import { WapingRun } from './run';

/** n8n derives `<name>Tool` for AI agents; only output 0 reaches the agent there. */
function isToolMode(node: INode): boolean {
	return node.type.endsWith('Tool');
}

export class WAPing implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WAPing',
		name: 'waping',
		icon: { light: 'file:waping.svg', dark: 'file:waping.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Check WhatsApp devices linked to WAPing by QR session, and the workspace plan; 401 and 403 answers get their own outputs',
		defaults: { name: 'WAPing' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: OUTPUT_NAMES,
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		hints: [
			{
				message:
					'Success carries the results. Unauthorized gets items whose API key was rejected (401). Forbidden gets items denied by the plan or the key\'s permissions (403); their "reason" says which.',
				type: 'info',
				location: 'outputPane',
				whenToDisplay: 'always',
			},
		],
		properties: [
			{
				displayName:
					'Items leave on one of three outputs: Success, Unauthorized (401: bad or revoked key) and Forbidden (403: the plan or the key\'s permissions deny it)',
				name: 'outputsNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Device', value: 'device' },
					{ name: 'Plan', value: 'plan' },
				],
				default: 'device',
			},
			...deviceOperations,
			...planOperations,
			...deviceFields,
			...requestOptions,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const run = new WapingRun(this);
		const outputs: INodeExecutionData[][] = OUTPUT_NAMES.map(() => []);
		if (items.length === 0) return outputs;
		const loop: ItemLoop = {
			ctx: this,
			run,
			count: items.length,
			outputs,
			toolMode: isToolMode(this.getNode()),
			continueOnFail: this.continueOnFail(),
		};
		await run.readCredentials();
		// Items run synchronously. The loop pauses once, at the first item that needs the device list,
		// while that list is fetched (one request for the whole run), then goes on from that item.
		const waiting = runItems(loop, 0);
		if (waiting) {
			await run.loadDevices(run.connection(waiting.itemIndex), waiting.policy);
			runItems(loop, waiting.itemIndex, waiting);
		}
		return outputs;
	}
}
