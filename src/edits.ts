/**
 * Edit arithmetic for the engine: which findings of a round can be applied
 * together, applying them, and mapping offsets back through the rounds.
 */
import type { DockerDocument, Span } from './document';
import type { Edit, Finding } from './types';

/**
 * Keeps findings, in order, whose edits overlap neither an earlier kept
 * finding nor an opaque instruction. A finding is applied whole or not at
 * all; what is dropped is found again in the next round.
 */
export function pickApplicable(findings: Finding[], opaque: Span[]): Finding[] {
  const taken = new TakenEdits();
  const kept: Finding[] = [];
  for (const finding of findings) {
    const clash = finding.edits.some(
      (e) => taken.clashes(e) || opaque.some((o) => e.start < o.end && e.end > o.start),
    );
    if (clash) continue;
    kept.push(finding);
    for (const edit of finding.edits) taken.add(edit);
  }
  return kept;
}

/**
 * The edits kept so far in a round, sorted by where they start (and an
 * insertion before a range at the same place). They do
 * not overlap, so their ends are sorted too, and only the few around a new
 * edit need a look: a file of thousands of joined RUNs has thousands of
 * edits a round.
 */
class TakenEdits {
  private readonly edits: Edit[] = [];

  clashes(edit: Edit): boolean {
    for (let i = this.firstEndingFrom(edit.start); i < this.edits.length; i++) {
      const taken = this.edits[i];
      if (taken.start > edit.end) return false;
      if (overlaps(edit, taken)) return true;
    }
    return false;
  }

  add(edit: Edit): void {
    let i = this.firstEndingFrom(edit.start);
    // An insertion goes before a range starting where it is, so ends stay sorted.
    while (i < this.edits.length && before(this.edits[i], edit)) i++;
    this.edits.splice(i, 0, edit);
  }

  /** The index of the first edit that ends at `offset` or after it. */
  private firstEndingFrom(offset: number): number {
    let [lo, hi] = [0, this.edits.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.edits[mid].end < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * The spans that locate a change: what each edit really replaces (see
 * `changedSpan`), and what it inserts into the instructions the change is
 * about: the one at its offset and those it replaces text of. An insertion
 * anywhere else (the `# syntax` directive, a new stage above) replaces no
 * text the change is about, and would stretch the range to a line it is not
 * about. Without an instruction at the change's offset, every insertion counts.
 */
export function locatingSpans(doc: DockerDocument, finding: Finding): Span[] {
  const spans = changedSpans(doc, finding);
  const replaced = spans.filter((s) => s.start < s.end);
  const about = aboutSpans(doc, finding);
  if (!about.some((i) => i.start <= finding.offset && finding.offset <= i.end)) return spans;
  const inside = (at: number) => about.some((i) => i.start <= at && at <= i.end);
  return [...replaced, ...spans.filter((s) => s.start === s.end && inside(s.start))];
}

/**
 * The spans of the instructions a change is about: the one at its offset,
 * and those it replaces text of.
 */
export function aboutSpans(doc: DockerDocument, finding: Finding): Span[] {
  const replaced = changedSpans(doc, finding).filter((s) => s.start < s.end);
  return doc.instructions
    .map((i) => i.span)
    .filter(
      (i) =>
        (i.start <= finding.offset && finding.offset <= i.end) ||
        replaced.some((s) => s.start < i.end && s.end > i.start),
    );
}

/** The span each of a change's edits really changes (see `changedSpan`). */
function changedSpans(doc: DockerDocument, finding: Finding): Span[] {
  return finding.edits.map((edit) => changedSpan(doc.text, edit)).filter((span) => span !== null);
}

/**
 * The span an edit changes, or null when it changes nothing. An edit that
 * puts back all it replaces, after or before new text (as one made to clash
 * with a rewrite of the next character does), is an insertion.
 */
function changedSpan(text: string, edit: Edit): Span | null {
  const old = text.slice(edit.start, edit.end);
  if (edit.text === old) return null;
  if (edit.text.endsWith(old)) return { start: edit.start, end: edit.start };
  if (edit.text.startsWith(old)) return { start: edit.end, end: edit.end };
  return edit;
}

function before(a: Edit, b: Edit): boolean {
  return a.start < b.start || (a.start === b.start && a.end <= b.end);
}

function overlaps(a: Edit, b: Edit): boolean {
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  if (a.start === a.end) return a.start > b.start && a.start < b.end;
  if (b.start === b.end) return b.start > a.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

/** Applies sorted, non-overlapping edits. */
export function applyEdits(text: string, edits: Edit[]): string {
  let out = '';
  let pos = 0;
  for (const edit of edits) {
    out += text.slice(pos, edit.start) + edit.text;
    pos = edit.end;
  }
  return out + text.slice(pos);
}

/** Maps an offset in the latest text back through earlier rounds' edits. */
export function mapBack(offset: number, history: Edit[][]): number {
  let result = offset;
  for (let round = history.length - 1; round >= 0; round--) {
    let shift = 0;
    let mapped = result;
    for (const edit of history[round]) {
      const newStart = edit.start + shift;
      if (result < newStart) break;
      if (result < newStart + edit.text.length) {
        mapped = edit.start;
        shift = Number.NaN;
        break;
      }
      shift += edit.text.length - (edit.end - edit.start);
    }
    result = Number.isNaN(shift) ? mapped : result - shift;
  }
  return result;
}

/**
 * The spans of the text after `edits` (sorted, applied to `text`) that
 * dslim wrote: those `earlier` spans of `text` that no edit touches, moved
 * with it, and what each edit inserts anew. Text an edit puts back as it
 * was (see `changedSpan`) is not new; a span an edit reaches into is no
 * longer wholly dslim's, and is dropped.
 */
export function writtenSpans(text: string, edits: Edit[], earlier: Span[]): Span[] {
  const carried = earlier.flatMap((span) => {
    if (edits.some((e) => touches(e, span))) return [];
    const shift = edits
      .filter((e) => e.end <= span.start)
      .reduce((sum, e) => sum + e.text.length - (e.end - e.start), 0);
    return [{ start: span.start + shift, end: span.end + shift }];
  });
  let shift = 0;
  const added: Span[] = [];
  for (const edit of edits) {
    const at = edit.start + shift;
    const span = changedSpan(text, edit);
    shift += edit.text.length - (edit.end - edit.start);
    if (span === null) continue;
    const old = text.slice(edit.start, edit.end);
    // An insertion before or after the text it puts back starts at its side of it.
    const kept = span.start < span.end ? 0 : old.length;
    const from = kept > 0 && span.start === edit.end ? at + kept : at;
    added.push({ start: from, end: from + edit.text.length - kept });
  }
  return [...carried, ...added];
}

/** True when an edit replaces text of `span`, or inserts inside it. */
function touches(edit: Edit, span: Span): boolean {
  if (edit.start === edit.end) return edit.start > span.start && edit.start < span.end;
  return edit.start < span.end && edit.end > span.start;
}
