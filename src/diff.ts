import type { StructuredPatch } from 'diff';

/** Lines of context around each change, as `git diff` gives. */
const CONTEXT = 3;

/**
 * How far the diff library's search may go, in lines added or removed,
 * before dslim stops it. The search costs the file's length times the
 * number of changed lines, so a file with thousands of joined RUNs would
 * take minutes; past this bound the changed span becomes one hunk (see
 * `spanPatch`), which is as correct, only less tidy.
 */
const MAX_EDIT_LENGTH = 1000;

/**
 * A unified diff with `a/PATH` and `b/PATH` headers, as `git apply` takes
 * it. Empty when the texts are equal.
 */
export function unifiedDiff(file: string, before: string, after: string): string {
  if (before === after) return '';
  // Loaded here: the format-on-save path never prints a diff.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const {
    structuredPatch,
    formatPatch,
    FILE_HEADERS_ONLY,
  }: typeof import('diff') = require('diff');
  const name = file.split('\\').join('/').replace(/^\.\//, '');
  const [oldName, newName] = [`a/${name}`, `b/${name}`];
  const patch =
    structuredPatch(oldName, newName, before, after, undefined, undefined, {
      context: CONTEXT,
      maxEditLength: MAX_EDIT_LENGTH,
    }) ?? spanPatch(oldName, newName, before, after);
  return formatPatch(patch, FILE_HEADERS_ONLY);
}

/** Bytes of `before` on the lines that `after` removes or replaces. */
export function touchedBytes(before: string, after: string): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { diffLines }: typeof import('diff') = require('diff');
  const parts = diffLines(before, after, { maxEditLength: MAX_EDIT_LENGTH });
  if (!parts) {
    const { a, prefix, suffix } = changedSpan(before, after);
    return Buffer.byteLength(a.slice(prefix, a.length - suffix).join(''));
  }
  return parts
    .filter((part) => part.removed)
    .reduce((sum, p) => sum + Buffer.byteLength(p.value), 0);
}

/** The lines of both texts, each with its line break, and how many lead and end both alike. */
function changedSpan(before: string, after: string) {
  const a = before.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const b = after.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  )
    suffix++;
  return { a, b, prefix, suffix };
}

/**
 * One hunk that replaces every line from the first that differs to the
 * last, with the usual context around it: what the diff is when the
 * library's search is cut short.
 */
function spanPatch(
  oldFileName: string,
  newFileName: string,
  before: string,
  after: string,
): StructuredPatch {
  const { a, b, prefix, suffix } = changedSpan(before, after);
  const start = Math.max(0, prefix - CONTEXT);
  const oldEnd = Math.min(a.length, a.length - suffix + CONTEXT);
  const newEnd = Math.min(b.length, b.length - suffix + CONTEXT);
  const lines: string[] = [];
  const add = (mark: string, line: string) => {
    lines.push(mark + line.replace(/\n$/, ''));
    if (!line.endsWith('\n')) lines.push('\\ No newline at end of file');
  };
  for (const line of a.slice(start, prefix)) add(' ', line);
  for (const line of a.slice(prefix, a.length - suffix)) add('-', line);
  for (const line of b.slice(prefix, b.length - suffix)) add('+', line);
  for (const line of a.slice(a.length - suffix, oldEnd)) add(' ', line);
  const hunk = {
    oldStart: start + 1,
    oldLines: oldEnd - start,
    newStart: start + 1,
    newLines: newEnd - start,
    lines,
  };
  return { oldFileName, newFileName, oldHeader: undefined, newHeader: undefined, hunks: [hunk] };
}
