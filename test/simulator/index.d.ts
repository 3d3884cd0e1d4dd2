export type PlanName = 'free' | 'starter' | 'growth' | 'pro' | 'enterprise';

export interface SeedDevice {
	id: string;
	status: string;
	[extra: string]: unknown;
}

export interface SeedWorkspace {
	id: string;
	plan: PlanName;
	devices: SeedDevice[];
}

export interface SeedKey {
	key: string;
	workspace: string;
	scopes: string[];
	revoked?: boolean;
}

export interface Seed {
	workspaces: SeedWorkspace[];
	keys: SeedKey[];
}

export interface RecordedRequest {
	method: string;
	path: string;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

/** One canned answer that replaces the simulator's normal behaviour for matching requests. */
export interface Fault {
	/** Only requests whose path starts with this (default: every request). */
	path?: string;
	/** How many requests it answers before it is used up (default: 1; Infinity for all). */
	times?: number;
	status?: number;
	headers?: Record<string, string>;
	/** A string is sent as is; anything else as JSON. */
	body?: unknown;
	/** Wait this long before answering. */
	delayMs?: number;
	/** Close the socket without answering. */
	drop?: boolean;
}

export interface Simulator {
	url: string;
	port: number;
	requests: RecordedRequest[];
	seed: Seed;
	inject(fault: Fault): void;
	clearFaults(): void;
	reset(): void;
	close(): Promise<void>;
}

export function startSimulator(options?: { port?: number; host?: string; seed?: Seed; log?: (line: string) => void }): Promise<Simulator>;
export function demoSeed(): Seed;
export function manyDevices(prefix: string, count: number, statuses?: string[]): SeedDevice[];
export const demoKeys: Record<'growth' | 'starter' | 'pro' | 'free' | 'sendOnly' | 'revoked', string>;
