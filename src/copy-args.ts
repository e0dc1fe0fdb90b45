import type { JSONInstruction } from 'dockerfile-ast';
import type { DockerDocument, InstructionInfo } from './document';

/** One source or destination word of a COPY or ADD, located in the file. */
export interface Operand {
  /** The word as written (shell form) or the decoded string (JSON form). */
  value: string;
  /** File offsets of the word, quotes included in JSON form. */
  start: number;
  end: number;
}

export interface CopyOperands {
  sources: Operand[];
  destination: Operand;
  json: boolean;
  /** JSON form only: the offset just after the opening `[`. */
  listStart: number;
}

/**
 * The sources and destination of a COPY or ADD, or null when it has fewer
 * than two words, a heredoc, or JSON the parser and `JSON.parse` disagree on.
 */
export function copyOperands(
  doc: DockerDocument,
  instruction: InstructionInfo,
): CopyOperands | null {
  if (instruction.opaque) return null;
  const node = instruction.node as JSONInstruction;
  let operands: Operand[];
  let listStart = instruction.bodyStart;
  if (instruction.execForm) {
    const decoded = JSON.parse(instruction.body.text.trim()) as string[];
    const strings = node.getJSONStrings();
    if (strings.length !== decoded.length) return null;
    operands = strings.map((s, i) => ({
      value: decoded[i],
      start: doc.offsetAt(s.getRange().start),
      end: doc.offsetAt(s.getRange().end),
    }));
    const bracket = node.getOpeningBracket();
    if (!bracket) return null;
    listStart = doc.offsetAt(bracket.getRange().end);
  } else {
    operands = node.getArguments().map((a) => ({
      value: a.getValue(),
      start: doc.offsetAt(a.getRange().start),
      end: doc.offsetAt(a.getRange().end),
    }));
  }
  if (operands.length < 2) return null;
  return {
    sources: operands.slice(0, -1),
    destination: operands[operands.length - 1],
    json: instruction.execForm,
    listStart,
  };
}

/** The value of a flag such as `--from`, or null when it is absent. */
export function flagValue(instruction: InstructionInfo, name: string): string | null {
  const flag = instruction.flags.find((f) => f.getName().toLowerCase() === name);
  return flag ? (flag.getValue() ?? '') : null;
}
