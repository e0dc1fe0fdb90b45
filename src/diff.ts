import { createTwoFilesPatch, diffLines, FILE_HEADERS_ONLY } from 'diff';

/**
 * A unified diff with `a/PATH` and `b/PATH` headers, as `git apply` takes
 * it. Empty when the texts are equal.
 */
export function unifiedDiff(file: string, before: string, after: string): string {
  if (before === after) return '';
  const name = file.split('\\').join('/').replace(/^\.\//, '');
  return createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, {
    context: 3,
    headerOptions: FILE_HEADERS_ONLY,
  });
}

/** Bytes of `before` on the lines that `after` removes or replaces. */
export function touchedBytes(before: string, after: string): number {
  return diffLines(before, after)
    .filter((part) => part.removed)
    .reduce((sum, part) => sum + Buffer.byteLength(part.value), 0);
}
