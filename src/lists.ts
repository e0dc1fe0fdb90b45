/**
 * Alternatives for a message or limitation: `a`, `a or b`, `a, b or c`.
 * Callers put each item in backticks first where it is code.
 */
export function orList(items: string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items.at(-1)}` : items[0];
}
