import type { DockerDocument, InstructionInfo } from './document';
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
 * else of the first instruction in the file that has, else four spaces.
 */
export function continuationStyle(
  doc: DockerDocument,
  instruction: InstructionInfo,
): ContinuationStyle {
  const candidates = [
    instruction,
    ...doc.instructions.filter((i) => i.keyword === instruction.keyword),
  ];
  for (const candidate of candidates) {
    const first = doc.lineAt(candidate.span.start);
    const last = doc.lineAt(candidate.span.end);
    for (let line = first + 1; line <= last; line++) {
      const text = doc.lineText(line);
      if (text.trim() === '' || text.trimStart().startsWith('#')) continue;
      const indent = /^[ \t]*/.exec(text)![0];
      if (indent === '') continue;
      return { indent, leadingOperator: /^[ \t]*(&&|\|\|)/.test(text) };
    }
  }
  return { indent: '    ', leadingOperator: false };
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
  const lines = gapBetween(doc, a, b).comments.map((c) => `${c}${doc.eol}`);
  if (parts.movedComment) lines.unshift(`${style.indent}${parts.movedComment}${doc.eol}`);
  return {
    start: parts.cut,
    end: b.bodyStart,
    text: `${parts.beforeBreak} ${doc.escape}${doc.eol}${lines.join('')}${style.indent}${parts.afterIndent}`,
  };
}

/** The offset after the last non-blank character before `offset` on its line. */
export function trimmedEnd(doc: DockerDocument, offset: number): number {
  let end = offset;
  while (end > 0 && (doc.text[end - 1] === ' ' || doc.text[end - 1] === '\t')) end--;
  return end;
}
