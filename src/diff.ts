/**
 * A unified diff with `a/PATH` and `b/PATH` headers, as `git apply` takes
 * it. Empty when the texts are equal.
 */
export function unifiedDiff(file: string, before: string, after: string): string {
  if (before === after) return '';
  // Loaded here: the format-on-save path never prints a diff.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createTwoFilesPatch, FILE_HEADERS_ONLY }: typeof import('diff') = require('diff');
  const name = file.split('\\').join('/').replace(/^\.\//, '');
  return createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, {
    context: 3,
    headerOptions: FILE_HEADERS_ONLY,
  });
}

/** Bytes of `before` on the lines that `after` removes or replaces. */
export function touchedBytes(before: string, after: string): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { diffLines }: typeof import('diff') = require('diff');
  return diffLines(before, after)
    .filter((part) => part.removed)
    .reduce((sum, part) => sum + Buffer.byteLength(part.value), 0);
}
