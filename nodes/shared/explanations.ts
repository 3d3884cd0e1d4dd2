import { DASHBOARD_HINT, DEFAULT_BASE_URL } from './assumptions';
import type { Failure } from './failures';
import { CERTIFICATE_CODE, RETRYABLE } from './failures';
import { itemsWords } from './itemWords';
import { FIRST_API_PLAN, PLANS } from './plans';

/** What the user reads: `message` says what happened, `description` how to fix it. */
export interface Explanation {
	message: string;
	description: string;
}

const tiers = PLANS.filter((plan) => plan.apiAccess)
	.map((plan) => `${plan.displayName} ${plan.deviceLimit}`)
	.join(', ');

/** How the node counts a text's length (TEXT_MAX_CHARACTERS), in the words of its error and its Text field. */
export const TEXT_LENGTH_UNIT =
	'Characters are counted as people see them: an emoji (with its skin tone), a flag or an accented letter is one character, and so is a line break.';

/** What the credential dialog's Test says (nodes/shared/credentialTest.ts). */
export const CREDENTIAL_TEST_WORDS = {
	unauthorized:
		'WAPing did not accept the API key (401): it is missing, mistyped or revoked. Copy a valid key from the WAPing dashboard (Settings → API keys).',
	forbidden:
		'The key is valid, but WAPing denied access (403): the plan has no API access (Free) or the key lacks permission to read devices. Upgrade to Starter or above, or use a key that can read devices.',
	redirect: (status: number) =>
		`WAPing answered with a redirect (${status}), which the credential does not follow, so the key was sent nowhere else. Set the Base URL to the API's own address, e.g. ${DEFAULT_BASE_URL}.`,
	notTheApi: `The Base URL answered, but not as the WAPing API does (no device list). Check that it is the API's address, e.g. ${DEFAULT_BASE_URL}, not a web page or a proxy's login page.`,
	failed: (status: number) =>
		`WAPing answered with an error (HTTP ${status}), so the key could not be checked. Try again in a few minutes; if it keeps failing, check the Base URL (e.g. ${DEFAULT_BASE_URL}).`,
	unreachable: (baseUrl: string, reason: string) =>
		`Could not reach WAPing at ${baseUrl} (${reason}). Check the Base URL, and that this n8n can reach that address.`,
};

/** What the Device picker adds when the list cannot load: the field works without it. */
export const BY_ID_MEANWHILE =
	'Meanwhile, switch the Device field to "By ID" and type the device\'s ID (e.g. dev_123): the node does not need this list to run.';

/** A wait in words: "0 s", "0.2 s", "120 s", "more than a day". */
export function seconds(ms: number): string {
	if (!Number.isFinite(ms) || ms >= 86_400_000) return 'more than a day';
	const value = Math.max(0, ms);
	if (value % 1000 === 0 || value >= 10_000) return `${Math.ceil(value / 1000)} s`;
	return `${Math.ceil(value / 100) / 10} s`;
}

/** " after 3 attempts" when the request was sent more than once, else nothing. */
function after(attempts: number): string {
	return attempts > 1 ? ` after ${attempts} attempts` : '';
}

/** Why retrying stopped, for failures that were retryable. */
function budget(failure: Failure): string {
	if (failure.gaveUp === 'cancelled') return ' The execution was cancelled while waiting to retry.';
	if (failure.gaveUp === 'waitBudget' && failure.nextWaitMs !== undefined) {
		const left = Math.max(0, (failure.maxWaitMs ?? 0) - (failure.waitedMs ?? 0));
		return ` The next wait (${seconds(failure.nextWaitMs)}) did not fit in what was left of "Max Wait" (${seconds(left)}).`;
	}
	return '';
}

function status(failure: Failure): string {
	const parts = [failure.statusCode ? `HTTP ${failure.statusCode}` : undefined, failure.code];
	return parts.filter(Boolean).join(' ');
}

function apiSaid(failure: Failure): string {
	return failure.apiMessage ? ` WAPing said: "${failure.apiMessage}"` : '';
}

export function freePlanExplanation(): Explanation {
	return {
		message: `The WAPing Free plan has no API access, so the node sent no request`,
		description: `The credential declares the Free plan. ${FIRST_API_PLAN.displayName} is the first tier with the REST API (devices per tier: ${tiers}). Upgrade the workspace, then set the credential's Plan to the new tier or to "Detect from the API".`,
	};
}

/** A device whose WhatsApp session cannot send now, for the Offline output. */
export function offlineExplanation(
	deviceId: string,
	state: string,
	apiMessage?: string,
): Explanation {
	const said = apiMessage ? ` WAPing said: "${apiMessage}"` : '';
	const how =
		state === 'degraded'
			? 'Its connection is unstable (the phone may be offline or on a weak network): check the phone, or wait until the session shows connected again.'
			: "Open the WAPing dashboard and scan the device's QR code with WhatsApp on the phone (Linked devices) to connect it again.";
	return {
		message: `The message was not sent: device "${deviceId}" is not connected (its session is ${state}).${said}`,
		description: `${how} Then run the workflow again for these items; nothing was sent for them.`,
	};
}

/** Messages of a run whose outcome is unknown: a send failed after an attempt WAPing may have accepted. */
function unknownWords(unknown: number | undefined): string {
	return unknown ? `, and ${unknown} may have been sent` : '';
}

/** What became of a run's other messages when a failed one stopped it (no Continue On Fail). */
export function stoppedRunWords(run: {
	sent: number;
	notSent: number;
	total: number;
	unknown?: number;
}): string {
	return `The run stopped at this message: ${run.sent} of ${run.total} messages were sent, ${run.notSent} were not sent${unknownWords(run.unknown)}. Fix the cause and run the workflow again (set "Idempotency Key" from your data so that the messages already sent are not sent again), or set the node's On Error to continue, so that one failed message does not stop the others.`;
}

/**
 * What became of a run's messages when a Bad Key or Denied failed it. "Retry execution" derives
 * the same idempotency keys (shared/idempotency.ts), so WAPing does not send a message twice;
 * a new execution with the default key is a new message.
 */
export function deniedRunWords(run: { sent: number; total: number; unknown?: number }): string {
	const notSent = run.total - run.sent - (run.unknown ?? 0);
	const again =
		run.sent + (run.unknown ?? 0) > 0
			? ' Once that is fixed, retry this execution (Executions → Retry): WAPing recognises the messages already sent by their idempotency key and does not send them again. Running the workflow anew would send them again, unless "Idempotency Key" is set from your data.'
			: ' Nothing was sent: once that is fixed, run the workflow again.';
	return `${run.sent} of ${run.total} messages were sent, ${notSent} ${notSent === 1 ? 'was' : 'were'} not (this one among them)${unknownWords(run.unknown)}.${again}`;
}

/** Messages the run stopped before they went out, with how the whole run went. */
export function notSentExplanation(
	reason: 'waitBudget' | 'cancelled',
	run: {
		sent?: number;
		notSent?: number;
		total?: number;
		lastRetryAfterMs?: number;
		outage?: boolean;
		/** This message failed after an attempt WAPing may have accepted. */
		uncertain?: boolean;
		unknown?: number;
	},
): Explanation {
	const counts =
		run.total !== undefined
			? ` ${run.sent ?? 0} of ${run.total} messages were sent, ${run.notSent ?? 0} were not${unknownWords(run.unknown)}.`
			: '';
	// A send cut by the stop, or whose last answer was lost: WAPing may have accepted it.
	const what = run.uncertain ? 'The message may have been sent' : 'The message was not sent';
	if (reason === 'cancelled') {
		return {
			message: `${what}: the execution was stopped.${counts}`,
			description:
				'A message that was on its way when the execution stopped may have been accepted by WAPing. Run the workflow again for the items that were not sent; with "Idempotency Key" set from your data (e.g. an order ID), messages already accepted are not sent again.',
		};
	}
	if (run.outage) {
		return {
			message: `${what}: WAPing kept answering with server errors, and "Max Wait" ran out.${counts}`,
			description:
				'This is usually temporary: run the workflow again later for the items that were not sent, or raise "Max Wait (Seconds)" in the node\'s Options. Set "Idempotency Key" from your data so that messages already sent are not sent again.',
		};
	}
	const asked =
		run.lastRetryAfterMs !== undefined
			? ` WAPing last asked to wait ${seconds(run.lastRetryAfterMs)}.`
			: '';
	return {
		message: `${what}: WAPing kept asking the node to slow down, and "Max Wait" ran out.${counts}${asked}`,
		description:
			'Raise "Max Wait (Seconds)" in the node\'s Options, send fewer messages per run, or run the workflow again later for the items that were not sent. Set "Idempotency Key" from your data so that messages already sent are not sent again.',
	};
}

/** @param attempts how many requests were sent for this answer */
export function explain(failure: Failure, attempts: number, operation: string): Explanation {
	const base = explainKind(failure, attempts, operation);
	// Kinds that are never retried can still follow retries (a 503, then a 400): say so.
	const retried = RETRYABLE.has(failure.kind);
	return retried || attempts <= 1
		? base
		: { ...base, message: `${base.message} (${attempts} attempts)` };
}

function explainKind(failure: Failure, attempts: number, operation: string): Explanation {
	const tried = after(attempts);
	switch (failure.kind) {
		case 'unauthorized':
			return {
				message: `WAPing did not accept the API key (${status(failure)}).${apiSaid(failure)}`,
				description: `The key is missing, mistyped or revoked. Copy a valid key from ${DASHBOARD_HINT} into the WAPing credential. Retrying will not help.`,
			};
		case 'forbidden':
			return failure.reason === 'plan'
				? {
						message: `WAPing denied the request: the workspace's plan has no API access (${status(failure)}).${apiSaid(failure)}`,
						description: `The key is valid, but the plan does not include the REST API (the Free plan has none). Upgrade to ${FIRST_API_PLAN.displayName} or above (devices per tier: ${tiers}). Retrying will not help.`,
					}
				: {
						message: `WAPing denied the request: the key lacks permission to ${operation} (${status(failure)}).${apiSaid(failure)}`,
						description: `The key is valid, but its scope or the workspace's access rules deny this action. Use a key of the workspace that owns the devices, with permission to read devices. Retrying will not help.`,
					};
		case 'badRequest':
			return {
				message: `WAPing rejected the request as invalid (${status(failure)}).${apiSaid(failure)}`,
				description: 'Check the node parameters named in the message; the request is not retried.',
			};
		case 'notFound':
			return {
				message: `WAPing has no such resource (${status(failure)}).${apiSaid(failure)}`,
				description:
					"Check that the credential's Base URL is the API root (e.g. https://api.waping.app), with no path such as /v1 after it.",
			};
		case 'throttled':
			return {
				message: `WAPing asked the node to slow down (${status(failure)})${tried}; ${failure.retryAfterMs !== undefined ? `it asked to wait ${seconds(failure.retryAfterMs)}` : 'it did not say how long to wait'}.${budget(failure)}`,
				description:
					failure.gaveUp === 'waitBudget' && failure.retryAfterMs !== undefined
						? `WAPing asked to wait longer than the node may. Raise "Max Wait" in the node's Options above ${seconds(failure.retryAfterMs)}, or run the workflow later or less often.`
						: 'The retry budget ran out. Run the workflow less often, or raise "Max Attempts" and "Max Wait" in the node\'s Options.',
			};
		case 'server':
			return {
				message: `WAPing had a server error (${status(failure)})${tried}.${apiSaid(failure)}${budget(failure)}`,
				description:
					'This is usually temporary: try again later, or raise "Max Attempts" in the node\'s Options.',
			};
		case 'sessionDisconnected':
			return {
				message: `The device's WhatsApp session is not connected (${status(failure)}).${apiSaid(failure)}`,
				description:
					'Re-link the device by scanning its QR code in the WAPing dashboard, then run again.',
			};
		case 'notSent':
			return notSentExplanation(failure.gaveUp === 'cancelled' ? 'cancelled' : 'waitBudget', {});
		case 'inProgress':
			return {
				message: `The message's outcome is not known yet: WAPing was still processing an earlier request with its Idempotency Key (${status(failure)})${tried}.${apiSaid(failure)}${budget(failure)}`,
				description:
					'An earlier try of this message may have been accepted, and the node sent nothing twice. Retry later with the same key: n8n\'s Retry On Fail, or "Retry execution" (Executions → Retry), or a new run with "Idempotency Key" set from your data; WAPing then answers with the message\'s receipt. Raise "Max Attempts" or "Max Wait" in the node\'s Options to wait longer. If it keeps happening, the key may be in use for a different message: give each message its own key.',
			};
		case 'notReceipt':
			return {
				message: `WAPing's answer was not a message receipt: ${failure.detail ?? 'it had no message id'}. Whether the message was sent is not known.`,
				description:
					'Check that the credential\'s Base URL points at the WAPing API itself, not a web page or a proxy\'s login. Then retry with the same key, so that WAPing sends the message at most once: n8n\'s Retry On Fail, or "Retry execution" (Executions → Retry), or a new run with "Idempotency Key" set from your data (a new run with the default key is a new message).',
			};
		case 'conflict':
			return failure.keyReused === true
				? {
						message: `WAPing refused the message: its Idempotency Key was already used for a different message (${status(failure)}).${apiSaid(failure)}`,
						description:
							'A key stands for one message, and a retry must send exactly the same text to the same number. This usually means the Text is built from the time ($now) or a random value, so a retry differs from the first try: build it from the item\'s data only. Or, if you set "Idempotency Key" yourself, give each different message its own key (e.g. the order id plus the message kind).',
					}
				: {
						message: `WAPing reported a conflict (${status(failure)}).${apiSaid(failure)}`,
						description:
							'The same request was sent before with different content; it is not retried.',
					};
		case 'redirect':
			return {
				message: `WAPing answered with a redirect (${status(failure)})${failure.detail ? ` to ${originOf(failure.detail)}` : ''}, which the node does not follow.`,
				description:
					"Set the credential's Base URL to the API's final address. The node never sends the key to a redirected host.",
			};
		case 'timeout':
			return {
				message: `WAPing did not answer in time${tried}.${budget(failure)}`,
				description:
					'Check that the Base URL is reachable from n8n, or raise "Timeout (Seconds)" in the node\'s Options.',
			};
		case 'network':
			if (failure.code === 'ERR_CANCELED') {
				return {
					message: 'The request to WAPing was cancelled: the execution was stopped.',
					description: 'Nothing to fix: run the workflow again when you want it to run.',
				};
			}
			return {
				message: `Could not reach WAPing: ${networkWords(failure.code)}${tried}.${budget(failure)}`,
				description: failure.permanent
					? `Trying again will not help. Check the credential's Base URL and the server's HTTPS certificate. System error: ${failure.code}.`
					: `Check the credential's Base URL and that n8n can reach it (DNS, firewall, proxy). System error: ${failure.code}.`,
			};
		case 'badAnswer':
			return {
				message: `WAPing's answer was not what the node expects: ${failure.detail ?? 'unreadable body'}.`,
				description:
					"Check that the credential's Base URL points at the WAPing API itself, not a web page or a proxy login.",
			};
		case 'unexpectedStatus':
			return {
				message: `WAPing answered with an unexpected status (${status(failure)}).${apiSaid(failure)}`,
				description:
					'The request was not retried. If it persists, contact WAPing support with the time of the run.',
			};
	}
}

function originOf(location: string): string {
	try {
		return new URL(location).origin;
	} catch {
		return 'another address';
	}
}

/** Plain words for system codes (n8n would swap a message that names the code for a generic one). */
function networkWords(code: string): string {
	const words: Record<string, string> = {
		ECONNREFUSED: 'the connection was refused',
		ECONNRESET: 'the connection was closed before an answer came',
		ENOTFOUND: 'the host name was not found',
		EAI_AGAIN: 'the host name could not be looked up',
		EHOSTUNREACH: 'the host is unreachable',
		EPIPE: 'the connection broke while sending',
		ERR_CANCELED: 'the request was cancelled',
	};
	if (words[code]) return words[code];
	if (CERTIFICATE_CODE.test(code)) return "the server's HTTPS certificate was not accepted";
	return 'the request failed before an answer came';
}

/** Items of one run that give one Idempotency Key to different messages: none is sent. */
export function keyConflictExplanation(key: string, items: number[]): Explanation {
	const sorted = [...items].sort((a, b) => a - b);
	const shown = sorted.slice(0, 10);
	const more = sorted.length > shown.length ? ` and ${sorted.length - shown.length} more` : '';
	return {
		message: `The message was not sent: ${itemsWords(shown, more)} of this run give the Idempotency Key "${key}" to different messages`,
		description:
			'A key stands for one message: WAPing sends the first message it gets with a key and refuses the others, so chance would decide which one goes out. None of these items was sent. Give each different message its own key (e.g. the order id plus the message kind), or, if they are one message, make their Device, To and Text the same.',
	};
}
