import type { Span } from './document';

/**
 * Line numbers that messages name. A transform reads one round's text, while
 * everything dslim prints is located in the input as it was read: a message
 * names a line through `lineRef`, which holds the offset in the text the
 * transform read, and the engine turns it into the input's line number once
 * it knows what the rounds before changed (`resolveLineRefs`).
 */
const OPEN = '\uE000';
const CLOSE = '\uE001';
const REF = new RegExp(`${OPEN}(\\d+)${CLOSE}`, 'g');

/** The line of an offset, or of where an instruction starts, to be put in a message. */
export function lineRef(at: number | { span: Span }): string {
  return `${OPEN}${typeof at === 'number' ? at : at.span.start}${CLOSE}`;
}

/** Writes each `lineRef` of a message as the 1-based line number `lineOf` gives its offset. */
export function resolveLineRefs(message: string, lineOf: (offset: number) => number): string {
  return message.replace(REF, (_, offset: string) => String(lineOf(Number(offset))));
}
