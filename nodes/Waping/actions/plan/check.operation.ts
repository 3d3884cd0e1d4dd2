import type { IDataObject } from 'n8n-workflow';

import { UNLINKED_STATE } from '../../../shared/assumptions';
import type { DeviceList } from '../../../shared/devices';
import { OUTPUT } from '../../outputs';
import type { DeclaredPlan } from '../../../shared/plans';
import { inferPlan, planByName } from '../../../shared/plans';
import type { FromDevicesOperation, ItemContext } from '../types';

/**
 * The workspace's tier and entitlements, checked against what the API shows. Each device counts
 * once (a repeated id is one device), and a device whose state is "unlinked" has no session, so it
 * does not count against the plan's limit of linked devices (assumptions.ts).
 */
export function planReport(list: DeviceList, declared: DeclaredPlan): IDataObject {
	const linked = list.devices.filter((device) => device.state !== UNLINKED_STATE);
	const devicesLinked = linked.length;
	const devicesUnlinked = list.devices.length - devicesLinked;
	const devicesConnected = linked.filter((device) => device.connected).length;
	const tier = declared === 'auto' ? inferPlan(devicesLinked) : planByName(declared);
	const withinLimits = devicesLinked <= tier.deviceLimit;
	const warnings: string[] = [];
	if (!withinLimits) {
		warnings.push(
			declared === 'auto'
				? `${devicesLinked} devices are linked, more than the largest published tier (${tier.displayName}, ${tier.deviceLimit}) allows.`
				: `${devicesLinked} devices are linked, more than the declared ${tier.displayName} plan allows (${tier.deviceLimit}). The workspace is probably on a larger plan: update the credential's Plan.`,
		);
	}
	if (devicesLinked === 0) {
		warnings.push(
			`No device is linked yet: scan a QR code in the WAPing dashboard before sending.${declared === 'auto' ? ' With no device to count, Starter is assumed.' : ''}`,
		);
	}
	if (list.duplicates > 0) {
		warnings.push(
			`WAPing listed ${list.duplicates} device ${list.duplicates === 1 ? 'entry' : 'entries'} twice; each device was counted once.`,
		);
	}
	if (list.skipped > 0) {
		warnings.push(
			`WAPing listed ${list.skipped} ${list.skipped === 1 ? 'entry' : 'entries'} without a device id; ${list.skipped === 1 ? 'it was' : 'they were'} not counted.`,
		);
	}
	return {
		plan: tier.name,
		planName: tier.displayName,
		planSource: declared === 'auto' ? 'inferred' : 'declared',
		apiAccess: tier.apiAccess,
		deviceLimit: tier.deviceLimit,
		devicesLinked,
		devicesConnected,
		devicesUnlinked,
		devicesAvailable: Math.max(0, tier.deviceLimit - devicesLinked),
		monthlyMessages: tier.monthlyMessages,
		withinLimits,
		warnings,
	};
}

/** Plan → Check: one report per input item. */
export const check: FromDevicesOperation = {
	kind: 'fromDevices',
	option: {
		name: 'Check',
		value: 'check',
		description:
			"Report the workspace's plan tier, its device limit and how many devices are linked",
		action: 'Check the workspace plan',
	},
	description: [],
	outputs: ['success', 'unauthorized', 'forbidden'],
	words: { subtitle: 'Check the plan', action: 'read the plan' },
	prepare({ client }: ItemContext) {
		return {
			scope: { resource: 'plan', operation: 'check' },
			answer: (list) => ({
				output: OUTPUT.success,
				items: [planReport(list, client.connection.declaredPlan)],
			}),
		};
	},
};
