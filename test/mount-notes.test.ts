import { writtenSpans } from '../src/edits';
import { fix } from '../src/index';
import { lines } from './harness';

/** The notes of a run with cache mounts, as `line transform: message`; RUNs are not joined. */
async function notes(input: string): Promise<string[]> {
  const result = await fix(input, { caches: 'mount', skip: ['merge-runs'], advice: false });
  return result.notes.map((n) => `${n.line} ${n.transform}: ${n.message}`);
}

describe('notes about cache mounts', () => {
  test.each([
    ['pip', lines('FROM python:3.12-slim', 'RUN pip install flask')],
    [
      'apt',
      lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y --no-install-recommends curl',
      ),
    ],
    ['npm', lines('FROM node:20', 'WORKDIR /app', 'RUN npm ci')],
    ['go', lines('FROM golang:1.22', 'WORKDIR /src', 'COPY . .', 'RUN go build -o /app .')],
  ])('none for a mount dslim added in this run (%s)', async (_, input) => {
    expect(await notes(input)).toEqual([]);
  });

  test('one for a mount that was in the input, none for the one dslim adds beside it', async () => {
    const input = lines(
      'FROM python:3.12-slim',
      'RUN --mount=type=cache,target=/root/.cache/pip pip install flask',
      'RUN apt-get update && apt-get install -y --no-install-recommends curl',
    );
    expect(await notes(input)).toEqual([
      '2 pip-no-cache: Adds no `--no-cache-dir`: `/root/.cache/pip` is a cache mount, so the pip cache never reaches a layer.',
    ]);
  });

  test('one for a mount dslim added in an earlier run, which is now input', async () => {
    const once = await fix(lines('FROM python:3.12-slim', 'RUN pip install flask'), {
      caches: 'mount',
    });
    expect(await notes(once.output)).toEqual([
      '3 pip-no-cache: Adds no `--no-cache-dir`: `/root/.cache/pip` is a cache mount, so the pip cache never reaches a layer.',
    ]);
  });
});

describe('writtenSpans', () => {
  const text = 'RUN a\nRUN b\n';
  test.each([
    ['an insertion', [{ start: 4, end: 4, text: 'XY ' }], [], [{ start: 4, end: 7 }]],
    [
      'an insertion that puts back the text after it',
      [{ start: 5, end: 6, text: ' && c\n' }],
      [],
      [{ start: 5, end: 10 }],
    ],
    [
      'an insertion that puts back the text before it',
      [{ start: 5, end: 6, text: '\n# c' }],
      [],
      [{ start: 6, end: 9 }],
    ],
    ['a replacement', [{ start: 4, end: 5, text: 'zz' }], [], [{ start: 4, end: 6 }]],
    [
      'an earlier span moved by an edit before it',
      [{ start: 0, end: 0, text: '# s\n' }],
      [{ start: 10, end: 11 }],
      [
        { start: 14, end: 15 },
        { start: 0, end: 4 },
      ],
    ],
    [
      'an earlier span an edit reaches into is no longer written',
      [{ start: 9, end: 11, text: 'q' }],
      [{ start: 10, end: 11 }],
      [{ start: 9, end: 10 }],
    ],
    ['an edit that changes nothing writes nothing', [{ start: 4, end: 5, text: 'a' }], [], []],
  ])('%s', (_, edits, earlier, expected) => {
    expect(writtenSpans(text, edits, earlier)).toEqual(expected);
  });
});

describe('notes of a later round about text dslim wrote', () => {
  /** The merge-runs notes of a run with these options. */
  async function joinNotes(input: string, options: object): Promise<string[]> {
    const result = await fix(input, { ...options, advice: false });
    return result.notes
      .filter((n) => n.transform === 'merge-runs')
      .map((n) => `${n.line}: ${n.message}`);
  }

  test('the first reason stays when a later one rests on cache mounts dslim added', async () => {
    const input = lines(
      'FROM debian:bookworm',
      'RUN set -e; cd /opt; export FOO=1',
      'RUN echo $FOO > /foo',
      'RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates',
    );
    expect(await joinNotes(input, { caches: 'mount' })).toEqual([
      '3: Leaves this `RUN` apart from the one before: `cd /opt` and `export FOO=1` would carry over into this RUN, and the subshell that could contain it would switch off the errexit (`set -e`) that `set -e` turns on.',
    ]);
  });

  test('a flag difference in the input is still given', async () => {
    const input = lines(
      'FROM debian:bookworm',
      'RUN echo hi > /hi',
      'RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y --no-install-recommends curl',
    );
    expect(await joinNotes(input, { caches: 'mount' })).toEqual([
      '3: Leaves this `RUN` apart from the one before: the two RUNs have different flags: the one before has none, this one has `--mount=type=cache,target=/var/cache/apt`.',
    ]);
  });

  test('none about a RUN that dslim split out of the one before', async () => {
    const input = lines(
      'FROM debian:bookworm-slim',
      'COPY . /src',
      'WORKDIR /src',
      'RUN ./configure --prefix=/usr/local && make && make install && rm -rf /src',
      'WORKDIR /',
    );
    const result = await fix(input, {
      transforms: { 'extract-install-stage': { strategy: 'mount' } },
      advice: false,
    });
    expect(result.output).toContain('RUN rm -rf /src');
    expect(
      await joinNotes(input, { transforms: { 'extract-install-stage': { strategy: 'mount' } } }),
    ).toEqual([]);
  });
});
