import { fix, type FixOptions } from '../src/index';

/** An input the transform must leave byte for byte as it is. */
export interface UnchangedCase {
  name: string;
  input: string;
  /** Why nothing may change: the behaviour the case protects. */
  reason: string;
  /** A note the transform must give for it, if any (substring). */
  note?: string;
}

/** An input with the exact text the transform must produce. */
export interface ChangedCase {
  name: string;
  input: string;
  output: string;
  /** A substring the change's message must contain. */
  message?: string;
  /** A note the transform must give too, for what it left alone (substring). */
  note?: string;
  options?: FixOptions;
}

/**
 * Runs table tests for one transform: each case runs through the whole
 * engine with only that transform, and every output must be a fixed point.
 * `options` apply to the whole table, and are named in its title.
 */
export function transformTable(
  id: string,
  table: { unchanged: UnchangedCase[]; changed: ChangedCase[] },
  options: FixOptions = {},
): void {
  const title = Object.keys(options).length > 0 ? `${id} with ${JSON.stringify(options)}` : id;
  describe(title, () => {
    const run = (input: string, extra?: FixOptions) =>
      fix(input, { safety: ['layout', 'cache', 'content'], ...options, ...extra, only: [id] });

    describe('leaves alone', () => {
      test.each(table.unchanged.map((c) => [c.name, c] as const))('%s', async (_, c) => {
        const result = await run(c.input);
        expect(result.output).toBe(c.input);
        expect(result.changes).toEqual([]);
        if (c.note) expect(result.notes.map((n) => n.message).join('\n')).toContain(c.note);
      });
    });

    describe('rewrites', () => {
      test.each(table.changed.map((c) => [c.name, c] as const))('%s', async (_, c) => {
        const result = await run(c.input, c.options);
        expect(result.output).toBe(c.output);
        expect(result.changes.length).toBeGreaterThan(0);
        expect(result.changes.every((change) => change.transform === id)).toBe(true);
        if (c.message) expect(result.changes.map((x) => x.message).join('\n')).toContain(c.message);
        if (c.note) expect(result.notes.map((n) => n.message).join('\n')).toContain(c.note);
        const again = await run(result.output, c.options);
        expect(again.output).toBe(result.output);
      });
    });
  });
}

/** Joins lines with `\n` and a final newline, for readable tables. */
export function lines(...text: string[]): string {
  return text.join('\n') + '\n';
}
