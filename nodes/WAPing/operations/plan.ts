import { inferPlan, planByName } from '../plans';
import type { Operation } from './types';

/** Plan → Check: the workspace's tier and entitlements, checked against what the API shows. */
export const check: Operation = ({ connection }) => (list) => {
	const { devices } = list;
	const devicesLinked = devices.length;
	const devicesConnected = devices.filter((device) => device.connected).length;
	const declared = connection.declaredPlan;
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
	return [
		{
			plan: tier.name,
			planName: tier.displayName,
			planSource: declared === 'auto' ? 'inferred' : 'declared',
			apiAccess: tier.apiAccess,
			deviceLimit: tier.deviceLimit,
			devicesLinked,
			devicesConnected,
			devicesAvailable: Math.max(0, tier.deviceLimit - devicesLinked),
			monthlyMessages: tier.monthlyMessages,
			withinLimits,
			warnings,
		},
	];
};
