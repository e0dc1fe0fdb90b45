import { pickApplicable } from '../src/edits';
import type { Edit, Finding } from '../src/types';

/** A small deterministic random source, so a failure repeats. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** Edits of one finding: sorted, apart, some of them insertions (empty spans). */
function someEdits(next: () => number): Edit[] {
  const edits: Edit[] = [];
  let at = Math.floor(next() * 60);
  for (let n = 1 + Math.floor(next() * 3); n > 0; n--) {
    const length = next() < 0.4 ? 0 : 1 + Math.floor(next() * 6);
    edits.push({ start: at, end: at + length, text: 'x' });
    at += length + 1 + Math.floor(next() * 8);
  }
  return edits;
}

/** What the engine means by a clash, pair by pair, as the rule reads. */
function clash(a: Edit, b: Edit): boolean {
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  if (a.start === a.end) return a.start > b.start && a.start < b.end;
  if (b.start === b.end) return b.start > a.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

describe('pickApplicable', () => {
  test.each(Array.from({ length: 200 }, (_, seed) => [seed]))(
    'keeps what a pairwise check keeps (seed %i)',
    (seed) => {
      const next = random(seed + 1);
      const findings: Finding[] = Array.from({ length: 12 }, (_, i) => ({
        transform: 't',
        kind: 'change',
        offset: i,
        message: String(i),
        edits: someEdits(next),
      }));
      const opaque = next() < 0.3 ? [{ start: 20, end: 30 }] : [];
      const expected: Finding[] = [];
      for (const finding of findings) {
        const blocked = finding.edits.some(
          (e) =>
            expected.some((k) => k.edits.some((t) => clash(e, t))) ||
            opaque.some((o) => e.start < o.end && e.end > o.start),
        );
        if (!blocked) expected.push(finding);
      }
      expect(pickApplicable(findings, opaque).map((f) => f.message)).toEqual(
        expected.map((f) => f.message),
      );
    },
  );
});
