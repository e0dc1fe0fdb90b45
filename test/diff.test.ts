import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { touchedBytes, unifiedDiff } from '../src/diff';

/** Applies `patch` with `git apply` to a file holding `before`; returns the file's new text. */
function gitApply(before: string, patch: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dslim-diff-'));
  try {
    writeFileSync(path.join(dir, 'Dockerfile'), before);
    const applied = spawnSync('git', ['apply', '-'], { cwd: dir, input: patch });
    expect(applied.stderr.toString()).toBe('');
    return readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `count` one-line RUNs, and the same joined in pairs: every line but the first changes. */
function manyRuns(count: number, end = '\n'): [string, string] {
  const runs = Array.from({ length: count }, (_, i) => `echo ${i}`);
  const before = ['FROM debian:12', ...runs.map((r) => `RUN ${r}`)].join('\n') + end;
  const joined = [];
  for (let i = 0; i < count; i += 2) joined.push(`RUN ${runs[i]} && \\`, `    ${runs[i + 1]}`);
  return [before, ['FROM debian:12', ...joined].join('\n') + end];
}

describe('unifiedDiff', () => {
  test('is the diff library’s own patch while the changes are few', () => {
    const [before, after] = manyRuns(40);
    const expected = createTwoFilesPatch('a/Dockerfile', 'b/Dockerfile', before, after, '', '', {
      context: 3,
      headerOptions: FILE_HEADERS_ONLY,
    });
    expect(unifiedDiff('Dockerfile', before, after)).toBe(expected);
  });

  test.each([
    ['ending in a line break', '\n'],
    ['without a final line break', ''],
  ])('past the search bound, one hunk that git apply takes (%s)', (_, end) => {
    const [before, after] = manyRuns(3000, end);
    const patch = unifiedDiff('Dockerfile', before, after);
    expect(patch.match(/^@@ /gm)).toEqual(['@@ ']);
    expect(patch).toContain('@@ -1,3001 +1,3001 @@\n FROM debian:12\n-RUN echo 0\n');
    expect(gitApply(before, patch)).toBe(after);
  });

  test('past the search bound, context around the span only', () => {
    const [runs, joined] = manyRuns(3000);
    const tail = 'CMD ["a"]\nCMD ["b"]\nCMD ["c"]\nCMD ["d"]\nCMD ["e"]\n';
    const [before, after] = [runs + tail, joined + tail];
    const patch = unifiedDiff('Dockerfile', before, after);
    expect(patch.endsWith(' CMD ["a"]\n CMD ["b"]\n CMD ["c"]\n')).toBe(true);
    expect(gitApply(before, patch)).toBe(after);
  });
});

describe('touchedBytes', () => {
  test('counts the bytes of the removed lines, below and past the search bound', () => {
    const [small, smallJoined] = manyRuns(40);
    const smallRuns = small.length - 'FROM debian:12\n'.length;
    expect(touchedBytes(small, smallJoined)).toBe(smallRuns);
    const [big, bigJoined] = manyRuns(3000);
    expect(touchedBytes(big, bigJoined)).toBe(big.length - 'FROM debian:12\n'.length);
  });
});
