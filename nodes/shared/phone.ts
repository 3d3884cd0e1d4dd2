/** Phone numbers as people paste them, made E.164 (+ country code and number, digits only). */
import { PHONE_DIGITS } from './assumptions';

export type PhoneCheck = { e164: string } | { problem: string; fix: string };

const EXAMPLE = 'e.g. +44 20 7946 0958 or +1 (555) 123-4567';

/** Spaces of any width, dashes of any kind, dots, slashes and brackets people put between digits. */
const SEPARATORS = /[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\-\u2010-\u2015\u2212.()[\]/]/g;

/** Invisible characters that come along when a number is copied from a web page or a phone app. */
const INVISIBLE = /[\u200c-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g;

/**
 * Reads a number such as "+1 (555) 123-4567", "+44 20 7946 0958", "00 44 20 7946 0958" or
 * "tel:+33612345678" as E.164 ("+15551234567"). A number must carry its country code: "0612345678"
 * is refused, since the node cannot know which country it is in.
 */
export function toE164(raw: unknown): PhoneCheck {
	if (typeof raw === 'number') {
		return {
			problem: `it is a number (${Number.isFinite(raw) ? raw : 'not finite'}), and a number cannot carry the leading + of the country code`,
			fix: `Write it as text starting with + and the country code, ${EXAMPLE}.`,
		};
	}
	if (typeof raw !== 'string') {
		return {
			problem: 'it is not text',
			fix: `Map a field that holds one phone number, ${EXAMPLE}.`,
		};
	}
	let text = raw.replace(INVISIBLE, '').trim();
	if (text === '')
		return {
			problem: 'it is empty',
			fix: `Enter the recipient's number with its country code, ${EXAMPLE}.`,
		};
	// "+44 (0) 20 …": the national trunk 0 written in brackets after the country code is not dialled.
	text = text.replace(/^(tel|whatsapp):/i, '').replace(/\(\s*0\s*\)/g, '');
	const compact = text.replace(SEPARATORS, '');
	if (/\p{L}/u.test(compact)) {
		return {
			problem: 'it contains letters',
			fix: `Write only the digits, starting with + and the country code, ${EXAMPLE}. Extensions ("ext. 12") cannot receive WhatsApp messages.`,
		};
	}
	let digits: string;
	if (compact.startsWith('+')) digits = compact.slice(1);
	else if (compact.startsWith('00')) digits = compact.slice(2);
	else {
		return {
			problem: 'it has no country code',
			fix: `Write it in international form: + and the country code, then the number without its leading 0 (${EXAMPLE}; a French 06 12 34 56 78 is +33 6 12 34 56 78).`,
		};
	}
	if (!/^\d+$/.test(digits)) {
		return {
			problem: 'it contains characters other than digits',
			fix: `Write only the digits after the +, ${EXAMPLE}.`,
		};
	}
	if (digits.startsWith('0')) {
		return {
			problem: 'the country code cannot start with 0',
			fix: `After the + comes the country code (1 for the US, 44 for the UK, 33 for France), ${EXAMPLE}.`,
		};
	}
	if (digits.length < PHONE_DIGITS.min || digits.length > PHONE_DIGITS.max) {
		return {
			problem: `it has ${digits.length} digits, and an international number has ${PHONE_DIGITS.min} to ${PHONE_DIGITS.max}`,
			fix: `Check that the whole number was mapped, ${EXAMPLE}.`,
		};
	}
	return { e164: `+${digits}` };
}
