/** The published plan table (WAPing pricing, reviewed 2026-04-03) and tier inference. */

export type PlanName = 'free' | 'starter' | 'growth' | 'pro' | 'enterprise';
export type DeclaredPlan = PlanName | 'auto';

export interface PlanTier {
	name: PlanName;
	displayName: string;
	apiAccess: boolean;
	deviceLimit: number;
	monthlyMessages: number;
}

/** Ordered from the smallest tier up; inference relies on this order. */
export const PLANS: readonly PlanTier[] = [
	{ name: 'free', displayName: 'Free', apiAccess: false, deviceLimit: 1, monthlyMessages: 500 },
	{
		name: 'starter',
		displayName: 'Starter',
		apiAccess: true,
		deviceLimit: 1,
		monthlyMessages: 3_000,
	},
	{
		name: 'growth',
		displayName: 'Growth',
		apiAccess: true,
		deviceLimit: 5,
		monthlyMessages: 30_000,
	},
	{ name: 'pro', displayName: 'Pro', apiAccess: true, deviceLimit: 15, monthlyMessages: 300_000 },
	{
		name: 'enterprise',
		displayName: 'Enterprise',
		apiAccess: true,
		deviceLimit: 50,
		monthlyMessages: 1_000_000,
	},
];

export const FIRST_API_PLAN = PLANS.find((plan) => plan.apiAccess) as PlanTier;
export const LARGEST_PLAN = PLANS[PLANS.length - 1];

export function planByName(name: PlanName): PlanTier {
	return PLANS.find((plan) => plan.name === name) as PlanTier;
}

export function isPlanName(value: unknown): value is PlanName {
	return PLANS.some((plan) => plan.name === value);
}

/**
 * The smallest tier consistent with what the API shows: the key worked (so the plan has API
 * access) and this many devices are linked. Past the largest tier's limit, the largest tier.
 */
export function inferPlan(devicesLinked: number): PlanTier {
	return PLANS.find((plan) => plan.apiAccess && plan.deviceLimit >= devicesLinked) ?? LARGEST_PLAN;
}
