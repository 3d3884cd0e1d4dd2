/**
 * An item as a person counts it: "the first item", "the second item", "the third item", then
 * "item 4", "item 5", ... (n8n's item indexes start at 0, people count from 1).
 */
const ORDINALS = ['first', 'second', 'third'];

/** One item, by its index: "the first item", ..., "item 4". */
export function itemWords(itemIndex: number): string {
	return itemIndex < ORDINALS.length ? `the ${ORDINALS[itemIndex]} item` : `item ${itemIndex + 1}`;
}

/** Several items, by their indexes in order: "the first and third items", or "items 1, 4 and 7". */
export function itemsWords(itemIndexes: readonly number[], more = ''): string {
	const words = itemIndexes.every((index) => index < ORDINALS.length)
		? itemIndexes.map((index) => ORDINALS[index])
		: itemIndexes.map((index) => String(index + 1));
	const listed =
		words.length > 1 && !more
			? `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`
			: `${words.join(', ')}${more}`;
	return words.every((word) => ORDINALS.includes(word)) ? `the ${listed} items` : `items ${listed}`;
}
