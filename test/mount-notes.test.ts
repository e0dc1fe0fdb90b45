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
