import type { DockerDocument, InstructionInfo, Span } from './document';
import type { ScriptFacts } from './shell-effects';
import type { Edit } from './types';

/** Comments that tools read as instructions about the next line. */
const PRAGMA = /^\s*#\s*(hadolint|dslim-|checkov|trivy|kics|nosemgrep|noqa|syntax\s*=|escape\s*=)/i;

/** How a file continues instructions over several lines. */
export interface ContinuationStyle {
  /** Leading white space of a continuation line. */
  indent: string;
  /** Lines start with the operator (`&& cmd`) rather than end with it. */
  leadingOperator: boolean;
}

/**
 * The continuation style of `instruction` if it has continuation lines,
 * else of the first instruction of its keyword in the file that has, else
 * four spaces.
 */
export function continuationStyle(
  doc: DockerDocument,
  instruction: InstructionInfo,
): ContinuationStyle {
  return ownStyle(doc, instruction) ?? fileStyle(doc, instruction.keyword);
}

/** The file's style for a keyword, read once a document: every join of a long file asks. */
const fileStyles = new WeakMap<DockerDocument, Map<string, ContinuationStyle>>();

function fileStyle(doc: DockerDocument, keyword: string): ContinuationStyle {
  let styles = fileStyles.get(doc);
  if (!styles) fileStyles.set(doc, (styles = new Map()));
  let style = styles.get(keyword);
  if (!style) {
    style = { indent: '    ', leadingOperator: false };
    for (const candidate of doc.instructions) {
      const own = candidate.keyword === keyword ? ownStyle(doc, candidate) : null;
      if (own) {
        style = own;
        break;
      }
    }
    styles.set(keyword, style);
  }
  return style;
}

/** The indent and operator placement of an instruction's first continuation line, if any. */
function ownStyle(doc: DockerDocument, instruction: InstructionInfo): ContinuationStyle | null {
  const first = doc.lineAt(instruction.span.start);
  const last = doc.lineAt(instruction.span.end);
  for (let line = first + 1; line <= last; line++) {
    const text = doc.lineText(line);
    if (text.trim() === '' || text.trimStart().startsWith('#')) continue;
    const indent = /^[ \t]*/.exec(text)![0];
    if (indent === '') continue;
    return { indent, leadingOperator: /^[ \t]*(&&|\|\|)/.test(text) };
  }
  return null;
}

/** The lines between two instructions: comments to keep, and whether any is a pragma. */
export interface Gap {
  comments: string[];
  pragma: string | null;
}

export function gapBetween(doc: DockerDocument, a: InstructionInfo, b: InstructionInfo): Gap {
  const comments: string[] = [];
  let pragma: string | null = null;
  for (let line = doc.lineAt(a.span.end) + 1; line < b.line; line++) {
    const text = doc.lineText(line);
    if (text.trim() === '') continue;
    comments.push(text);
    if (PRAGMA.test(text)) pragma ??= text.trim();
  }
  return { comments, pragma };
}

export interface JoinParts {
  /** Where the first instruction's kept text ends. */
  cut: number;
  /** Text to put before the escape character, e.g. ` &&`. */
  beforeBreak: string;
  /** A comment to keep on its own continuation line. */
  movedComment?: string;
  /** Text after the indent, before the second instruction's arguments. */
  afterIndent: string;
}

/**
 * The edit that turns `a` and `b` into one instruction: `a`'s text up to
 * `cut`, a line continuation, the comments between them as comment lines
 * inside the continuation, and `b`'s arguments without its keyword and
 * flags. Blank lines between them are dropped: inside a continuation they
 * would be empty continuation lines, which BuildKit warns about.
 */
export function joinEdit(
  doc: DockerDocument,
  a: InstructionInfo,
  b: InstructionInfo,
  style: ContinuationStyle,
  parts: JoinParts,
): Edit {
  return {
    start: parts.cut,
    end: b.bodyStart,
    text: continuationText(doc, style, {
      ...parts,
      comments: gapBetween(doc, a, b).comments,
    }),
  };
}

/**
 * The text that ends a line with `beforeBreak` and the escape character and
 * starts a continuation line with `afterIndent`; a moved comment and the
 * given comment lines go between them as comment lines, which Docker drops.
 */
export function continuationText(
  doc: DockerDocument,
  style: ContinuationStyle,
  parts: { beforeBreak: string; movedComment?: string; comments?: string[]; afterIndent: string },
): string {
  const lines = (parts.comments ?? []).map((c) => `${c}${doc.eol}`);
  if (parts.movedComment) lines.unshift(`${style.indent}${parts.movedComment}${doc.eol}`);
  return `${parts.beforeBreak} ${doc.escape}${doc.eol}${lines.join('')}${style.indent}${parts.afterIndent}`;
}

/** Where a RUN's shell code ends, and the comment that follows it, if any. */
export interface ScriptTail {
  /** File offset just after the last code token. */
  cut: number;
  /** A shell comment after the code, trimmed, to move onto its own line. */
  comment?: string;
  /** The comment starts on an earlier line and runs over a continuation. */
  commentRunsOn: boolean;
}

/** Reads how a RUN's script ends, for edits that add text after it. */
export function scriptTail(
  doc: DockerDocument,
  run: InstructionInfo,
  facts: ScriptFacts,
): ScriptTail {
  const cut = facts.codeEnd === 0 ? run.bodyStart : run.body.toFile(facts.codeEnd - 1) + 1;
  const comment = facts.trailingComment;
  if (!comment) return { cut, commentRunsOn: false };
  return {
    cut,
    comment: run.body.text.slice(comment.start, comment.end).trimEnd(),
    commentRunsOn: doc.lineAt(run.body.toFile(comment.start)) !== doc.lineAt(run.span.end),
  };
}

/** The offset after the last non-blank character before `offset` on its line. */
export function trimmedEnd(doc: DockerDocument, offset: number): number {
  let end = offset;
  while (end > 0 && (doc.text[end - 1] === ' ' || doc.text[end - 1] === '\t')) end--;
  return end;
}

/**
 * How the flags of two instructions joined one after the other differ, for
 * a note: those the one before has and this one lacks, and the other way
 * round, or that they come in another order; empty when they are written
 * the same.
 */
export function flagDifference(before: InstructionInfo, next: InstructionInfo): string {
  const words = (i: InstructionInfo) => i.flags.map((f) => f.toString());
  if (words(before).join(' ') === words(next).join(' ')) return '';
  const only = (i: InstructionInfo, other: InstructionInfo) =>
    words(i).filter((w) => !words(other).includes(w));
  const has = (flags: string[]) =>
    flags.length === 0 ? 'none' : flags.map((f) => `\`${f}\``).join(', ');
  const [first, second] = [only(before, next), only(next, before)];
  if (first.length === 0 && second.length === 0) return 'the same ones, in another order';
  return `the one before has ${has(first)}, this one has ${has(second)}`;
}

/**
 * Where the flags that `flagDifference` names stand in the text: those one
 * of the two instructions has and the other lacks. A note that leaves two
 * RUNs apart for them rests on this text alone; when dslim wrote all of it
 * in this run (cache mounts it added), the note is not about the user's file.
 * Flags that are the same ones in another order are the user's both.
 */
export function differingFlagSpans(
  doc: DockerDocument,
  before: InstructionInfo,
  next: InstructionInfo,
): Span[] {
  const words = (i: InstructionInfo) => i.flags.map((f) => f.toString());
  const only = (i: InstructionInfo, other: InstructionInfo) =>
    i.flags.filter((f) => !words(other).includes(f.toString()));
  const spans = [...only(before, next), ...only(next, before)].map((f) => {
    const range = f.getRange();
    return { start: doc.offsetAt(range.start), end: doc.offsetAt(range.end) };
  });
  return spans;
}
