import { sarifLog } from '../src/report';
import '@microsoft/jest-sarif';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Sarif from 'sarif';
import { runCli } from './cli-harness';
import { listTransforms } from '../src/index';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toBeValidSarifLog(): R;
    }
  }
}

const MERGEABLE =
  'FROM alpine\n# dslim-ignore\nLABEL a=1\nLABEL b=2\nRUN apk add --no-cache curl\nRUN curl --version\n';

let dir: string;
let cwd: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dslim-report-'));
  cwd = process.cwd();
  process.chdir(dir);
  await fs.writeFile('Dockerfile', MERGEABLE);
  await fs.mkdir('bad');
  await fs.writeFile('bad/Dockerfile', 'hello world\n');
});

afterEach(async () => {
  process.chdir(cwd);
  await fs.rm(dir, { recursive: true, force: true });
});

const dslim = (args: string[]) => runCli(args, { stdin: MERGEABLE });

describe('--format json', () => {
  test('gives per file the changes with range, transform, reason and safety, and the notes', async () => {
    const run = await dslim(['fix', '--format', 'json', 'Dockerfile', 'bad/Dockerfile']);
    expect(run.code).toBe(2);
    const report = JSON.parse(run.out);
    expect(report).toEqual({
      files: [
        {
          path: 'Dockerfile',
          changed: true,
          changes: [
            {
              transform: 'merge-runs',
              safety: 'layout',
              line: 5,
              column: 1,
              range: { start: { line: 5, column: 1 }, end: { line: 6, column: 5 } },
              reason: expect.stringMatching(/^Joins 2 `RUN` instructions/),
            },
          ],
          layers: {
            before: [{ stage: 'stage 0', layers: 2 }],
            after: [{ stage: 'stage 0', layers: 1 }],
          },
          notes: [
            {
              transform: 'merge-labels',
              line: 3,
              reason: expect.stringMatching(
                /^Skipped because of the comment `# dslim-ignore` on line 2\. Otherwise: Joins 2 `LABEL`/,
              ),
            },
          ],
        },
        {
          path: 'bad/Dockerfile',
          error: expect.stringContaining('is not a Dockerfile instruction'),
        },
      ],
    });
  });
});

describe('--format sarif', () => {
  // Named on the command line, a file that is not a Dockerfile is an error.
  async function sarif(): Promise<Sarif.Log> {
    const run = await dslim(['fix', '--format', 'sarif', 'Dockerfile', 'bad/Dockerfile']);
    expect(run.code).toBe(2);
    return JSON.parse(run.out) as Sarif.Log;
  }

  test('is a valid SARIF 2.1.0 log by the published schema', async () => {
    expect(await sarif()).toBeValidSarifLog();
    // The matcher does reject a log that lacks what the schema requires.
    expect({ version: '2.1.0', runs: [{ results: [] }] }).not.toBeValidSarifLog();
  });

  test('has one rule per transform, with the docs page as help', async () => {
    const log = await sarif();
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe('dslim');
    expect(driver.rules!.map((r) => r.id)).toEqual(listTransforms().map((t) => t.id));
    for (const [i, rule] of driver.rules!.entries()) {
      const transform = listTransforms()[i];
      // No homepage in package.json: help text only, never a made-up link.
      expect(rule.helpUri).toBeUndefined();
      expect(rule.shortDescription!.text).toBe(transform.title);
      expect(rule.fullDescription!.text).toBe(transform.rationale);
      expect(rule.help!.text).toContain(transform.rationale);
    }
  });

  test('links each rule to its docs page under the package homepage', () => {
    const log = sarifLog([], listTransforms(), '1.0.0', 'https://example.test/dslim/');
    const rule = log.runs[0].tool.driver.rules![0];
    expect(rule.helpUri).toBe(
      `https://example.test/dslim/blob/main/docs/transforms/${listTransforms()[0].id}.md`,
    );
    expect(log.runs[0].tool.driver.informationUri).toBe('https://example.test/dslim/');
  });

  test('has one result per change, with a relative file and a region GitHub can show', async () => {
    const log = await sarif();
    const rules = log.runs[0].tool.driver.rules!;
    expect(log.runs[0].results).toEqual([
      {
        ruleId: 'merge-runs',
        ruleIndex: rules.findIndex((r) => r.id === 'merge-runs'),
        level: 'note',
        message: { text: expect.stringMatching(/^Joins 2 `RUN` instructions/) },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'Dockerfile', uriBaseId: '%SRCROOT%' },
              region: { startLine: 5, startColumn: 1, endLine: 6, endColumn: 5 },
            },
          },
        ],
      },
    ]);
  });

  test('reports a file it could not use as an error notification of the run', async () => {
    const invocation = (await sarif()).runs[0].invocations![0];
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications).toEqual([
      expect.objectContaining({
        level: 'error',
        message: {
          text: expect.stringMatching(
            /^bad\/Dockerfile: line 1: .* is not a Dockerfile instruction/,
          ),
        },
      }),
    ]);
  });

  test('reports a file a directory search passed over as a note notification', async () => {
    const run = await dslim(['fix', '--format', 'sarif', '.']);
    expect(run.code).toBe(0);
    const log = JSON.parse(run.out) as Sarif.Log;
    expect(log).toBeValidSarifLog();
    const invocation = log.runs[0].invocations![0];
    expect(invocation.executionSuccessful).toBe(true);
    expect(invocation.toolExecutionNotifications).toEqual([
      {
        level: 'note',
        message: {
          text: 'bad/Dockerfile: skipped, not a Dockerfile: line 1: `hello` is not a Dockerfile instruction',
        },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'bad/Dockerfile' } } }],
      },
    ]);
  });

  test('a run with nothing to change is a valid log without results', async () => {
    await fs.rm('bad', { recursive: true });
    await fs.writeFile('Dockerfile', 'FROM alpine\nRUN echo hi\n');
    const run = await dslim(['fix', '--format', 'sarif', '--check', '.']);
    expect(run.code).toBe(0);
    const log = JSON.parse(run.out) as Sarif.Log;
    expect(log).toBeValidSarifLog();
    expect(log.runs[0].results).toEqual([]);
    expect(log.runs[0].invocations![0].executionSuccessful).toBe(true);
  });
});

describe('summary line', () => {
  test('counts files, changes, bytes on the lines that change, and notes', async () => {
    await fs.rm('bad', { recursive: true });
    const run = await dslim(['fix', '.']);
    // The two RUN lines: 17 + 19 bytes.
    expect(run.err).toBe(
      'dslim: 1 file checked, 1 would change, 47 bytes of Dockerfile touched, 1 note\n',
    );
  });
});
