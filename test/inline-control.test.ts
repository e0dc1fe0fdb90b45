import { HADOLINT_RULES } from '../src/inline-control';
import { fix, listAdvisories, listTransforms } from '../src/index';
import { lines } from './harness';

const RUNS = ['RUN apk add --no-cache curl', 'RUN curl --version'];
const MERGED_RUNS = ['RUN apk add --no-cache curl && \\', '    curl --version'];
const LABELS = ['LABEL a=1', 'LABEL b=2'];
const MERGED_LABELS = ['LABEL a=1 \\', '    b=2'];

describe('# dslim-ignore', () => {
  test('above an instruction, keeps every transform off it and says so in a note', async () => {
    const input = lines('FROM alpine', '# dslim-ignore', ...RUNS);
    const result = await fix(input);
    expect(result.output).toBe(input);
    expect(result.notes).toEqual([
      expect.objectContaining({
        transform: 'merge-runs',
        line: 3,
        message: expect.stringMatching(
          /^Skipped because of the comment `# dslim-ignore` on line 2\. Otherwise: Joins 2 `RUN`/,
        ),
      }),
    ]);
  });

  test('with ids, keeps only those transforms off', async () => {
    const input = lines('FROM alpine', '# dslim-ignore merge-labels', ...RUNS, ...LABELS);
    const result = await fix(input);
    expect(result.output).toBe(
      lines('FROM alpine', '# dslim-ignore merge-labels', ...MERGED_RUNS, ...MERGED_LABELS),
    );
  });

  test('naming several ids, separated by commas', async () => {
    const input = lines('FROM alpine', '# dslim-ignore merge-labels,merge-runs', ...RUNS);
    expect((await fix(input)).output).toBe(input);
  });

  test('works from any comment line in the block right above', async () => {
    const input = lines('FROM alpine', '# dslim-ignore', '# curl is checked on its own', ...RUNS);
    expect((await fix(input)).output).toBe(input);
  });

  test('a blank line between the comment and the instruction ends its reach', async () => {
    const input = lines('FROM alpine', '# dslim-ignore', '', ...RUNS);
    expect((await fix(input)).output).toBe(
      lines('FROM alpine', '# dslim-ignore', '', ...MERGED_RUNS),
    );
  });

  test('reaches only the next instruction', async () => {
    const input = lines('FROM alpine', '# dslim-ignore', 'RUN echo one', 'ENV A=1', ...RUNS);
    expect((await fix(input)).output).toBe(
      lines('FROM alpine', '# dslim-ignore', 'RUN echo one', 'ENV A=1', ...MERGED_RUNS),
    );
  });
});

describe('# dslim-disable and # dslim-enable', () => {
  test('leave every instruction in the region alone, and the rest is rewritten', async () => {
    const input = lines(
      'FROM alpine',
      '# dslim-disable',
      ...RUNS,
      '# dslim-enable',
      'ENV A=1',
      ...LABELS,
    );
    const result = await fix(input);
    expect(result.output).toBe(
      lines(
        'FROM alpine',
        '# dslim-disable',
        ...RUNS,
        '# dslim-enable',
        'ENV A=1',
        ...MERGED_LABELS,
      ),
    );
    expect(result.notes.map((n) => n.message)).toEqual([
      expect.stringContaining('`# dslim-disable` on line 2'),
    ]);
  });

  test('a disable without an enable lasts to the end of the file', async () => {
    const input = lines('FROM alpine', '# dslim-disable', 'ENV A=1', ...RUNS, ...LABELS);
    expect((await fix(input)).output).toBe(input);
  });

  test('with ids, disable only those transforms', async () => {
    const input = lines('FROM alpine', '# dslim-disable merge-runs', ...RUNS, ...LABELS);
    expect((await fix(input)).output).toBe(
      lines('FROM alpine', '# dslim-disable merge-runs', ...RUNS, ...MERGED_LABELS),
    );
  });

  test('an enable with ids switches those back on inside a region that disabled all', async () => {
    const input = lines(
      'FROM alpine',
      '# dslim-disable',
      '# dslim-enable merge-labels',
      ...RUNS,
      ...LABELS,
    );
    expect((await fix(input)).output).toBe(
      lines(
        'FROM alpine',
        '# dslim-disable',
        '# dslim-enable merge-labels',
        ...RUNS,
        ...MERGED_LABELS,
      ),
    );
  });

  test('instructions before the region keep being rewritten', async () => {
    const input = lines(
      'FROM alpine',
      ...LABELS,
      'ENV A=1',
      '# dslim-disable merge-labels',
      ...LABELS,
    );
    expect((await fix(input)).output).toBe(
      lines('FROM alpine', ...MERGED_LABELS, 'ENV A=1', '# dslim-disable merge-labels', ...LABELS),
    );
  });
});

describe('# hadolint ignore=', () => {
  test('DL3059 (multiple consecutive RUN) keeps merge-runs off the next instruction', async () => {
    const input = lines('FROM alpine', '# hadolint ignore=DL3059', ...RUNS);
    const result = await fix(input);
    expect(result.output).toBe(input);
    expect(result.notes[0].message).toContain('`# hadolint ignore=DL3059` on line 2');
  });

  test('among other codes, with spaces', async () => {
    const input = lines('FROM alpine', '# hadolint ignore=DL3018, DL3059', ...RUNS);
    expect((await fix(input)).output).toBe(input);
  });

  test('a code of another rule changes nothing for merge-runs', async () => {
    const input = lines('FROM alpine', '# hadolint ignore=DL3018', ...RUNS);
    expect((await fix(input)).output).toBe(
      lines('FROM alpine', '# hadolint ignore=DL3018', ...MERGED_RUNS),
    );
  });

  test('global ignore applies to the whole file', async () => {
    const input = lines(
      '# hadolint global ignore=DL3059',
      'FROM alpine',
      ...RUNS,
      'ENV A=1',
      ...RUNS,
    );
    expect((await fix(input)).output).toBe(input);
  });

  test('the table maps hadolint codes to kebab-case ids, and runs with the registered ones', async () => {
    const registered = new Set(listTransforms().map((t) => t.id));
    const named = Object.values(HADOLINT_RULES).flat();
    expect(named.every((id) => /^[a-z]+(-[a-z]+)+$/.test(id))).toBe(true);
    expect(named.filter((id) => registered.has(id))).toContain('merge-runs');
    for (const code of Object.keys(HADOLINT_RULES)) {
      const input = lines('FROM alpine', `# hadolint ignore=${code}`, ...RUNS);
      const expected = HADOLINT_RULES[code].includes('merge-runs') ? RUNS : MERGED_RUNS;
      expect((await fix(input)).output).toBe(
        lines('FROM alpine', `# hadolint ignore=${code}`, ...expected),
      );
    }
  });
});

describe('change ranges', () => {
  test('span the input text a change replaces, 1-based, end column exclusive', async () => {
    const result = await fix(lines('FROM alpine', ...RUNS));
    expect(result.changes).toEqual([
      expect.objectContaining({
        transform: 'merge-runs',
        line: 2,
        range: { start: { line: 2, column: 1 }, end: { line: 3, column: 5 } },
      }),
    ]);
  });

  test('count columns after a byte-order mark and across CRLF lines from the text itself', async () => {
    const result = await fix('\ufeffFROM alpine\r\n  RUN a\r\nRUN b\r\n');
    expect(result.changes[0].range).toEqual({
      start: { line: 2, column: 3 },
      end: { line: 3, column: 5 },
    });
  });
});

describe('a comment naming an id dslim does not know', () => {
  const ALL_IDS = [...listTransforms(), ...listAdvisories()].map((t) => `\`${t.id}\``).join(', ');

  test.each([
    [
      'a typo is a note offering the id, and the file is still fixed',
      ['FROM alpine', '# dslim-ignore merge-run', ...RUNS],
      'dslim-ignore',
      '`# dslim-ignore merge-run`: `merge-run` is not the id of any transform or advice, so the comment does nothing for it. Did you mean `merge-runs`?',
    ],
    [
      'a word far from every id lists them all',
      ['FROM alpine', '# dslim-disable everything', ...RUNS],
      'dslim-disable',
      `\`# dslim-disable everything\`: \`everything\` is not the id of any transform or advice, so the comment does nothing for it. The ids are ${ALL_IDS}.`,
    ],
    [
      'several unknown ids are one note, beside a known one that still applies',
      ['FROM alpine', '# dslim-ignore merge-labels, merge-lables, because', ...RUNS],
      'dslim-ignore',
      `\`# dslim-ignore merge-labels, merge-lables, because\`: \`merge-lables\`, \`because\` are not ids of any transform or advice, so the comment does nothing for them. Did you mean \`merge-labels\` for \`merge-lables\`? The ids are ${ALL_IDS}.`,
    ],
  ])('%s', async (_, input, transform, message) => {
    const result = await fix(lines(...input));
    expect(result.output).toBe(lines(...input.slice(0, 2), ...MERGED_RUNS));
    expect(result.notes).toContainEqual({ transform, line: 2, message });
  });

  test('known ids, advice among them, give no such note', async () => {
    const input = lines('FROM alpine', '# dslim-ignore dockerignore, merge-labels', ...RUNS);
    const result = await fix(input);
    expect(result.notes).toEqual([]);
  });

  test('# dslim-enable is checked too', async () => {
    const input = lines('FROM alpine', '# dslim-disable', '# dslim-enable merge-rnus', ...RUNS);
    const result = await fix(input);
    expect(result.notes.map((n) => [n.transform, n.line])).toContainEqual(['dslim-enable', 3]);
  });
});
