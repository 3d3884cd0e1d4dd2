/**
 * What the node derives from its operations' declarations (kind, outputs, words): the outputs
 * expression, the output count and the subtitle say what they said when they were written by hand.
 */
import { ALL_OPERATIONS, OUTPUTS_EXPRESSION } from '../nodes/Waping/actions/operations';
import * as device from '../nodes/Waping/actions/device/Device.resource';
import * as message from '../nodes/Waping/actions/message/Message.resource';
import * as plan from '../nodes/Waping/actions/plan/Plan.resource';
import type { MessageOperation, Operation } from '../nodes/Waping/actions/types';
import { OUTPUT } from '../nodes/Waping/outputs';
import { Waping } from '../nodes/Waping/Waping.node';

/** Evaluates a `={{ ... }}` expression over `$parameter` (these two use nothing else). */
function evaluate(expression: string, parameters: Record<string, unknown>): unknown {
	const body = expression.replace(/^=\{\{/, '').replace(/\}\}$/, '');
	return new Function('$parameter', `return (${body});`)(parameters) as unknown;
}

const ALL: Operation[] = [...device.operations, ...message.operations, ...plan.operations];

it("the registry holds every resource's operations", () => {
	expect(ALL_OPERATIONS).toEqual(ALL);
});
const READS = ['Success', 'Bad Key', 'Denied'];

describe('operations', () => {
	it.each([
		['send', [...READS, 'Offline']],
		['getStatus', READS],
		['getAll', READS],
		['check', READS],
		['somethingElse', READS],
		['constructor', READS],
		[undefined, READS],
	])('operation %s has the outputs %j', (operation, labels) => {
		expect(evaluate(OUTPUTS_EXPRESSION, { operation })).toEqual(
			labels.map((displayName) => ({ type: 'main', displayName })),
		);
	});

	it("the subtitle says each operation's declared words", () => {
		const subtitle = new Waping().description.subtitle as string;
		for (const operation of ALL_OPERATIONS) {
			expect(evaluate(subtitle, { operation: operation.option.value })).toBe(
				operation.words.subtitle,
			);
		}
	});

	it.each([
		['send', 'Send a text message'],
		['getStatus', 'Get device status'],
		['getAll', 'Get many devices'],
		['check', 'Check the plan'],
		['somethingElse', 'somethingElse'],
	])('the subtitle of %s is "%s"', (operation, subtitle) => {
		expect(evaluate(new Waping().description.subtitle as string, { operation })).toBe(subtitle);
	});

	it('every operation has its own internal name and uses outputs in the canvas order, from Success on', () => {
		const names = ALL.map((operation) => operation.option.value);
		expect(new Set(names).size).toBe(names.length);
		for (const operation of ALL) {
			const indexes = operation.outputs.map((name) => OUTPUT[name]);
			expect(indexes).toEqual(indexes.map((_, index) => index));
		}
	});

	it("an operation that leaves out its kind's function is a type error (checked by tsc)", () => {
		// @ts-expect-error a message operation must say how it reads its message (prepare)
		const incomplete: MessageOperation = {
			kind: 'message',
			option: { name: 'Send Image', value: 'sendImage', action: 'Send an image' },
			description: [],
			outputs: ['success', 'unauthorized', 'forbidden', 'offline'],
			words: { subtitle: 'Send an image', action: 'send images' },
		};
		expect(incomplete.kind).toBe('message');
	});
});
