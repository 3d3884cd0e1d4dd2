import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { TEXT_MAX_CHARACTERS, TEXT_MESSAGE_TYPE } from '../../../shared/assumptions';
import { deviceLocator, retryOptions } from '../../../shared/descriptions';
import { TEXT_LENGTH_UNIT } from '../../../shared/explanations';
import { readDeviceId, readRecipient, readText } from '../../../shared/parameters';
import type { ItemContext, MessageOperation, MessageToSend } from '../types';
import { sendingOptions } from './sending';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['send'] } },
	[
		{ ...deviceLocator, description: 'The linked WhatsApp device that sends the message' },
		{
			displayName: 'To',
			name: 'to',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. +44 20 7946 0958',
			description:
				"The recipient's phone number with its country code, e.g. +44 20 7946 0958 or +1 (555) 123-4567. Spaces, dashes and brackets are fine; a number without a country code (such as 0612345678) is refused.",
		},
		{
			displayName: 'Text',
			name: 'text',
			type: 'string',
			required: true,
			default: '',
			typeOptions: { rows: 4 },
			description: `The message, up to ${TEXT_MAX_CHARACTERS} characters. ${TEXT_LENGTH_UNIT} A text of only spaces or invisible characters is refused.`,
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			description: 'How the message is sent, and how the node retries when WAPing is busy or slow',
			// Sorted by name, as n8n's editor lists a collection's options.
			options: [...sendingOptions, ...retryOptions].sort((a, b) =>
				a.displayName.localeCompare(b.displayName),
			),
		},
	],
);

/** Message → Send: a WhatsApp text through one device, exactly once per item (sending.ts sends it). */
export const send: MessageOperation = {
	kind: 'message',
	option: {
		name: 'Send',
		value: 'send',
		description: 'Send a WhatsApp text message through a linked device',
		action: 'Send a text message',
	},
	description,
	outputs: ['success', 'unauthorized', 'forbidden', 'offline'],
	words: {
		subtitle: 'Send a text message',
		action: 'send messages',
		listAction: 'read devices',
		listHint:
			'Send reads the devices only to check the session first ("Only When Connected"): with a key that may send but not read devices, turn that option off in the node\'s Options.',
	},
	prepare({ ctx, run, itemIndex }: ItemContext): MessageToSend {
		const deviceId = readDeviceId(ctx, itemIndex, run.parameter('deviceId', itemIndex, ''));
		const to = readRecipient(ctx, itemIndex, run.parameter('to', itemIndex, ''));
		const text = readText(ctx, itemIndex, run.parameter('text', itemIndex, ''));
		return { deviceId, to, type: TEXT_MESSAGE_TYPE, content: { body: text } };
	},
};
