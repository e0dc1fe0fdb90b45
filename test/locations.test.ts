import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fix } from '../src/index';
import { runCli } from './cli-harness';
import { lines } from './harness';

// Every line dslim prints is a line of the file as it was read: where a change
// or a note is, and the lines its message names. Each input below gets lines
// inserted (the `# syntax` directive, a new stage) or removed above what is
// reported, so a location taken from the rewritten text would be off.

const SYNTAX_SENTENCE =
  ' Also adds `# syntax=docker/dockerfile:1` as the first line, which `RUN --mount` needs: BuildKit then pulls the `docker/dockerfile:1` frontend image to build the file.';

/** The brief's case: the directive goes in above a cache mounted on line 5. */
const APT = lines(
  'FROM debian',
  'LABEL a=b',
  'ENV X=1',
  'WORKDIR /w',
  'RUN apt-get update && apt-get install -y curl',
);

/** A COPY the next RUN uses and deletes, on lines 4 and 5, under the directive. */
const CONSUMED = lines(
  'FROM debian:bookworm-slim',
  'LABEL a=b',
  'ENV X=1',
  'COPY install.sh /tmp/install.sh',
  'RUN sh /tmp/install.sh && rm /tmp/install.sh',
);

/** A build tree copied on line 7 and deleted on line 8; the new stage goes in at line 4. */
const TREE = lines(
  'FROM gcc:14 AS build',
  'WORKDIR /src/greet',
  'RUN ./configure && make',
  'FROM debian:bookworm-slim',
  'RUN echo one',
  'WORKDIR /temp-dir',
  'COPY --from=build /src/greet .',
  'RUN make install DESTDIR=/ && rm -rf /temp-dir',
);

/**
 * Notes and the lines their messages name, after a round that inserts the
 * directive on top: pip's cache is mounted on line 4, the RUN on line 6
 * keeps its apt lists for line 8, and a comment on line 9 keeps line 10 apart.
 */
const LATER = lines(
  'FROM python:3.12',
  'LABEL a=b',
  'LABEL c=d',
  'RUN pip install flask',
  'ENV X=1',
  'RUN apt-get update && apt-get install -y curl',
  'WORKDIR /app',
  'RUN apt-get install -y git',
  '# dslim-ignore',
  'RUN echo done',
  'RUN echo more',
);

const position = (line: number, column: number) => ({ line, column });

describe('changes are located at the instruction they are about, in the input', () => {
  test('a cache mount: at its RUN, not at the directive inserted on line 1', async () => {
    const result = await fix(APT, { caches: 'mount' });
    expect(result.changes).toEqual([
      {
        transform: 'clean-apt-lists',
        safety: 'cache',
        line: 5,
        column: 1,
        // The flags go in right after `RUN`: the directive is not part of the range.
        range: { start: position(5, 1), end: position(5, 4) },
        message: expect.stringMatching(/^Mounts build caches at `\/var\/lib\/apt\/lists`/),
      },
    ]);
    // The mount dslim added gets no note of its own: the change says it.
    expect(result.notes.map((n) => [n.transform, n.line])).toEqual([['apt-no-recommends', 5]]);
  });

  test('a consumed COPY: from the COPY to the `rm` dropped from the RUN after it', async () => {
    const result = await fix(CONSUMED);
    expect(result.changes).toEqual([
      expect.objectContaining({
        transform: 'mount-consumed-copy',
        line: 4,
        column: 1,
        range: { start: position(4, 1), end: position(5, 45) },
      }),
    ]);
  });

  test('a build tree moved to a new stage: at the COPY, not at the stages inserted', async () => {
    const result = await fix(TREE);
    // The final stage is split before the install: the builder stage goes in where the
    // COPY was, and the final FROM of the rest of the stage moves to line 10.
    expect(result.output.split('\n').indexOf('FROM greet-base AS greet-install') + 1).toBe(7);
    expect(result.output.split('\n').indexOf('FROM greet-base') + 1).toBe(10);
    expect(result.changes).toEqual([
      expect.objectContaining({
        transform: 'extract-install-stage',
        line: 7,
        column: 1,
        // The COPY goes, and so does `make install ... && ` of the RUN after it.
        range: { start: position(7, 1), end: position(8, 31) },
        message: expect.stringContaining('the build tree `/temp-dir` that line 7 copied'),
      }),
    ]);
  });

  test('a build tree mounted instead: at the COPY, not at the directive', async () => {
    const result = await fix(TREE, {
      transforms: { 'extract-install-stage': { strategy: 'mount' } },
    });
    expect(result.output.startsWith('# syntax=docker/dockerfile:1\n')).toBe(true);
    expect(result.changes).toEqual([
      expect.objectContaining({
        transform: 'extract-install-stage',
        line: 7,
        column: 1,
        range: { start: position(7, 1), end: position(8, 47) },
      }),
    ]);
    // No note about the RUN that now deletes the tree on its own: dslim wrote it.
    expect(result.notes).toEqual([]);
  });
});

describe('notes, and the lines messages name, are in the input too', () => {
  test('after the directive went in on top', async () => {
    const result = await fix(LATER, { caches: 'mount' });
    expect(result.output.split('\n')[0]).toBe('# syntax=docker/dockerfile:1');
    expect(result.changes.map((c) => [c.transform, c.line])).toEqual([
      ['merge-labels', 2],
      ['pip-no-cache', 4],
    ]);
    const notes = result.notes.map((n) => [n.transform, n.line]);
    expect(notes).toEqual([
      ['merge-runs', 10],
      ['merge-runs', 10],
      ['clean-apt-lists', 6],
      ['smaller-base', 1],
      ['apt-no-recommends', 6],
      ['apt-no-recommends', 8],
    ]);
    const messages = result.notes.map((n) => n.message);
    expect(messages).toContainEqual(
      expect.stringMatching(/^Skipped because of the comment `# dslim-ignore` on line 9\. /),
    );
    expect(messages).toContainEqual(
      expect.stringContaining('the `RUN` on line 8 runs `apt-get install` without its own'),
    );
  });

  test('after lines above were joined away', async () => {
    // The blank line goes with the join: the comment and the RUN move up a line.
    const text = lines(
      'FROM alpine:3.20',
      'RUN a',
      '',
      'RUN b',
      '# dslim-ignore',
      'RUN c',
      'RUN d',
    );
    const result = await fix(text, { only: ['merge-runs'] });
    expect(result.output).toBe(
      lines('FROM alpine:3.20', 'RUN a && \\', '    b', '# dslim-ignore', 'RUN c', 'RUN d'),
    );
    expect(result.notes).toEqual([
      expect.objectContaining({ line: 6, message: expect.stringContaining('stands between') }),
      expect.objectContaining({
        line: 6,
        message: expect.stringMatching(
          /^Skipped because of the comment `# dslim-ignore` on line 5\./,
        ),
      }),
    ]);
  });
});

describe('a message names the line of a command in a RUN joined from several', () => {
  // merge-runs joins lines 4 and 5 (or 2 and 3) first; the command the note
  // names came from the second of them, which is its line in the input.
  test.each([
    [
      'an npm cache reader',
      ['FROM node:20', 'RUN npm ci', 'ENV X=1', 'RUN echo one', 'RUN ls ~/.npm/_cacache'],
      ['clean-node-cache', 2],
      'Leaves the npm cache of this `RUN`: `ls` in the `RUN` on line 5 names the cache, which it may read.',
    ],
    [
      'an apt-get install without its own update',
      [
        'FROM debian',
        'RUN apt-get update && apt-get install -y curl',
        'ENV X=1',
        'RUN echo one',
        'RUN apt-get install -y git',
      ],
      ['clean-apt-lists', 2],
      'Keeps the apt package lists of this `RUN`: the `RUN` on line 5 runs `apt-get install` without its own `apt-get update` and reads them.',
    ],
    [
      'a later go build',
      ['FROM golang:1.22', 'RUN go mod download', 'ENV X=1', 'RUN echo one', 'RUN go build ./...'],
      ['clean-go-cache', 2],
      'Leaves the Go module cache of this `RUN`: `go build` in the `RUN` on line 5 reads what this `RUN` leaves there.',
    ],
    [
      'an earlier go mod download',
      [
        'FROM golang:1.22',
        'RUN echo one',
        'RUN go mod download',
        'ENV X=1',
        'RUN go build -o /app . && go clean -cache',
      ],
      ['clean-go-cache', 5],
      'Leaves the Go module cache of this `RUN`: the `RUN` on line 3 runs `go mod download` first: what that leaves in the cache stays in its layer whatever this `RUN` does, and `go clean` cannot remove only what this one adds.',
    ],
    [
      'a later apk search',
      ['FROM alpine', 'RUN apk add curl', 'ENV X=1', 'RUN echo one', 'RUN apk search git'],
      ['apk-no-cache', 2],
      'Leaves `apk add` as it is: `apk search` in the `RUN` on line 5 looks packages up in the index this `apk add` stores, which `--no-cache` would not store.',
    ],
  ])('%s', async (_, input, [transform, line], message) => {
    const result = await fix(lines(...input));
    expect(result.changes.map((c) => c.transform)).toContain('merge-runs');
    expect(result.notes).toContainEqual({ transform, line, message });
  });
});

describe('what the CLI prints', () => {
  let dir: string;
  let cwd: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dslim-lines-'));
    cwd = process.cwd();
    process.chdir(dir);
  });

  afterEach(async () => {
    process.chdir(cwd);
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** The report lines of a text run: `PATH:LINE:COL  transform`, without the diff and messages. */
  const located = (out: string) =>
    [...out.matchAll(/^(ln\.df:\d+:\d+ {2}[\w-]+ {2}(?:note: )?)/gm)].map((m) => m[1].trimEnd());

  const EXPECTED = [
    'ln.df:2:1  merge-labels',
    'ln.df:4:1  pip-no-cache',
    'ln.df:10:1  merge-runs  note:',
    'ln.df:10:1  merge-runs  note:',
    'ln.df:6:1  clean-apt-lists  note:',
    'ln.df:1:1  smaller-base  note:',
    'ln.df:6:1  apt-no-recommends  note:',
    'ln.df:8:1  apt-no-recommends  note:',
  ];

  test.each([
    ['a dry run', []],
    ['--check', ['--check']],
    ['--write', ['--write']],
  ])('%s prints the lines of the file as it was read', async (_, flags) => {
    await fs.writeFile('ln.df', LATER);
    const run = await runCli(['fix', '--caches', 'mount', ...flags, 'ln.df']);
    expect(located(run.out)).toEqual(EXPECTED);
    expect(run.out).toContain('comment `# dslim-ignore` on line 9.');
    expect(run.out).toContain('the `RUN` on line 8 runs `apt-get install`');
  });

  test('the brief case: the change prints at its RUN, on line 5', async () => {
    await fs.writeFile('ln.df', APT);
    const run = await runCli(['fix', '--caches', 'mount', 'ln.df']);
    expect(located(run.out)).toEqual([
      'ln.df:5:1  clean-apt-lists',
      'ln.df:5:1  apt-no-recommends  note:',
    ]);
  });

  test('JSON gives the same lines, with the range', async () => {
    await fs.writeFile('ln.df', APT);
    const run = await runCli(['fix', '--caches', 'mount', '--format', 'json', 'ln.df']);
    const [file] = JSON.parse(run.out).files;
    expect(file.changes).toEqual([
      {
        transform: 'clean-apt-lists',
        safety: 'cache',
        line: 5,
        column: 1,
        range: { start: position(5, 1), end: position(5, 4) },
        reason: expect.stringMatching(/^Mounts build caches/),
      },
    ]);
    expect(file.notes.map((n: { line: number }) => n.line)).toEqual([5]);
  });

  test('SARIF puts the region on the RUN', async () => {
    await fs.writeFile('ln.df', APT);
    const run = await runCli(['fix', '--caches', 'mount', '--format', 'sarif', 'ln.df']);
    const [result] = JSON.parse(run.out).runs[0].results;
    expect(result.locations[0].physicalLocation.region).toEqual({
      startLine: 5,
      startColumn: 1,
      endLine: 5,
      endColumn: 4,
    });
  });

  test('the dockerignore note is at the COPY as it was read', async () => {
    const text = lines('FROM alpine:3.20', 'RUN a', '', 'RUN b', 'COPY . /app');
    await fs.writeFile('ln.df', text);
    const run = await runCli(['fix', '--only', 'merge-runs,dockerignore', 'ln.df']);
    expect(located(run.out)).toEqual(['ln.df:2:1  merge-runs', 'ln.df:5:1  dockerignore  note:']);
  });
});

describe('a change that adds the `# syntax` directive says so', () => {
  const mountCaches = { caches: 'mount' as const, only: [] as string[] };
  const cases: [string, string, Parameters<typeof fix>[1]][] = [
    ['clean-apt-lists', APT, { ...mountCaches, only: ['clean-apt-lists'] }],
    ['pip-no-cache', lines('FROM python:3.12', 'RUN pip install flask'), { caches: 'mount' }],
    ['mount-consumed-copy', CONSUMED, { only: ['mount-consumed-copy'] }],
    [
      'extract-install-stage',
      TREE,
      {
        only: ['extract-install-stage'],
        transforms: { 'extract-install-stage': { strategy: 'mount' } },
      },
    ],
  ];

  test.each(cases)('%s', async (transform, text, options) => {
    const result = await fix(text, options);
    const change = result.changes.find((c) => c.transform === transform)!;
    expect(change.message.endsWith(SYNTAX_SENTENCE)).toBe(true);
    // Once the file has a directive, the next change does not claim to add one.
    const again = await fix(`# syntax=docker/dockerfile:1\n${text}`, options);
    const second = again.changes.find((c) => c.transform === transform)!;
    expect(second.message).not.toContain('syntax');
  });

  test('a change that adds no directive does not mention it', async () => {
    const result = await fix(APT);
    expect(result.changes[0].message).not.toContain('syntax');
  });
});
