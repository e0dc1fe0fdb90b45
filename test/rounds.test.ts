import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTransforms } from '../src/engine';
import { fix } from '../src/index';
import type { Transform } from '../src/types';
import { runCli } from './cli-harness';
import { lines } from './harness';

// merge-runs joins at most 40 RUNs a round, and the next round joins what it
// joined: the user hears of one change per RUN the input's RUNs became, with
// the true count, not of one change per round.

/** A stage of `count` RUNs, each writing its own file. */
function runs(count: number): string {
  const body = Array.from({ length: count }, (_, i) => `RUN echo ${i + 1} > /f${i + 1}`);
  return lines('FROM debian:bookworm', ...body);
}

const JOINS_100 =
  'Joins 100 `RUN` instructions into one: one layer instead of 100, so files a later command deletes never reach a layer.';

describe('merge-runs over several rounds', () => {
  test('100 RUNs make one change, at the first RUN, as long as the join', async () => {
    const result = await fix(runs(100), { only: ['merge-runs'] });
    expect(result.passes).toBe(3);
    expect(result.changes).toEqual([
      {
        transform: 'merge-runs',
        safety: 'layout',
        line: 2,
        column: 1,
        range: { start: { line: 2, column: 1 }, end: { line: 101, column: 5 } },
        message: JOINS_100,
      },
    ]);
  });

  test('41 RUNs: a RUN the first round left alone counts once', async () => {
    const result = await fix(runs(41), { only: ['merge-runs'] });
    expect(result.changes.map((c) => [c.line, c.message.split(':')[0]])).toEqual([
      [2, 'Joins 41 `RUN` instructions into one'],
    ]);
  });

  test('the state each round kept in a subshell is all named', async () => {
    const text = runs(100)
      .replace('RUN echo 10 > /f10\n', 'RUN cd /tmp\n')
      .replace('RUN echo 40 > /f40\n', 'RUN export A=1\n')
      .replace('RUN echo 70 > /f70\n', 'RUN umask 077\n');
    const result = await fix(text, { only: ['merge-runs'] });
    expect(result.output).toContain('    ( cd /tmp ) && \\\n');
    expect(result.output).toContain('    export A=1 ) && \\\n');
    expect(result.output).toContain('    ( umask 077 ) && \\\n');
    expect(result.changes.map((c) => c.message)).toEqual([
      `${JOINS_100} State that would carry over (\`cd /tmp\`, \`umask 077\` and \`export A=1\`) stays inside a subshell.`,
    ]);
  });

  test('900 RUNs with an ENV after every 90 make 10 changes of 90, each joined over three rounds', async () => {
    const body: string[] = [];
    for (let i = 1; i <= 900; i++) {
      body.push(`RUN echo ${i} > /f${i}`);
      if (i % 90 === 0 && i < 900) body.push(`ENV X${i}=1`);
    }
    const result = await fix(lines('FROM debian:bookworm', ...body), { only: ['merge-runs'] });
    expect(result.changes.map((c) => c.line)).toEqual(
      Array.from({ length: 10 }, (_, block) => 2 + block * 91),
    );
    expect(new Set(result.changes.map((c) => c.message))).toEqual(
      new Set([
        'Joins 90 `RUN` instructions into one: one layer instead of 90, so files a later command deletes never reach a layer.',
      ]),
    );
  }, 30_000);
});

describe('the CLI reports the join once', () => {
  let dir: string;
  let cwd: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dslim-rounds-'));
    cwd = process.cwd();
    process.chdir(dir);
    await fs.writeFile('h.df', runs(100));
  });

  afterEach(async () => {
    process.chdir(cwd);
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('as text', async () => {
    const run = await runCli(['fix', '--skip', 'smaller-base', 'h.df']);
    expect(run.out.split('\n').filter((l) => l.startsWith('h.df:'))).toEqual([
      `h.df:2:1  merge-runs  ${JOINS_100}`,
      'h.df: layers per stage: stage 0 100 → 1',
    ]);
  });

  test('as JSON', async () => {
    const run = await runCli(['fix', '--skip', 'smaller-base', '--format', 'json', 'h.df']);
    expect(JSON.parse(run.out).files[0].changes).toEqual([
      {
        transform: 'merge-runs',
        safety: 'layout',
        line: 2,
        column: 1,
        range: { start: { line: 2, column: 1 }, end: { line: 101, column: 5 } },
        reason: JOINS_100,
      },
    ]);
  });

  test('as SARIF', async () => {
    const run = await runCli(['fix', '--skip', 'smaller-base', '--format', 'sarif', 'h.df']);
    const results = JSON.parse(run.out).runs[0].results;
    expect(results.map((r: { message: { text: string } }) => r.message.text)).toEqual([JOINS_100]);
    expect(results[0].locations[0].physicalLocation.region).toEqual({
      startLine: 2,
      startColumn: 1,
      endLine: 101,
      endColumn: 5,
    });
  });
});

describe('a transform whose later round extends its change', () => {
  /** Lengthens each `LABEL a=…` value by one `x` a round, up to `xxx`. */
  const grow = (combine: boolean): Transform => ({
    id: 'grow',
    title: 'Grow labels',
    rationale: 'A test transform.',
    safety: 'layout',
    messages: { grew: 'Adds {count} `x`.' },
    options: {},
    limitations: [],
    ...(combine
      ? {
          combine: (later, earlier) => ({
            count: earlier.reduce((sum, data) => sum + Number(data.count), Number(later.count)),
          }),
        }
      : {}),
    run(doc, report) {
      for (const label of doc.instructions.filter((i) => i.keyword === 'LABEL')) {
        const end = label.span.end;
        if (/a=x{0,2}$/.test(doc.text.slice(label.span.start, end)))
          report.change(label.span.start, 'grew', { count: 1 }, [{ start: end, end, text: 'x' }]);
      }
    },
  });
  const input = lines('FROM scratch', 'LABEL a=', 'LABEL b=1', 'LABEL a=x');
  const messages = async (combine: boolean) => {
    const selection = { transforms: [grow(combine)], advisory: [], known: ['grow'] };
    const result = await runTransforms(input, selection);
    expect(result.output).toBe(lines('FROM scratch', 'LABEL a=xxx', 'LABEL b=1', 'LABEL a=xxx'));
    return result.changes.map((c) => [c.line, c.message]);
  };

  test('with `combine`, gets one change per instruction, with the data it makes', async () => {
    expect(await messages(true)).toEqual([
      [2, 'Adds 3 `x`.'],
      [4, 'Adds 2 `x`.'],
    ]);
  });

  test('without it, gets one change per round', async () => {
    expect(await messages(false)).toEqual([
      [2, 'Adds 1 `x`.'],
      [4, 'Adds 1 `x`.'],
      [2, 'Adds 1 `x`.'],
      [4, 'Adds 1 `x`.'],
      [2, 'Adds 1 `x`.'],
    ]);
  });
});
