import { posix } from 'node:path';
import type { JSONInstruction } from 'dockerfile-ast';
import type { DockerDocument, InstructionInfo } from './document';
import { lineRef } from './line-ref';
import { isWithin, pathsOverlap, resolvePath } from './paths';
import { possibleLineage, workingDirectories } from './stage-paths';

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

/** A COPY or ADD that writes into a directory, and the path it writes at. */
export interface CopyInto {
  copy: InstructionInfo;
  /** The destination, or the path a source lands at below it: at, below or above the directory. */
  path: string;
}

/**
 * The COPY or ADD before `run`, in its stage or a stage it builds on or may
 * build on (see `possibleLineage`), that may write at `target`, below it or
 * over it, or undefined. A source that is a directory or a glob puts what it
 * holds right into the destination, any other lands under its own name; ADD
 * may unpack an archive right into it. A relative destination under an
 * unknown working directory (the base image's) is taken to be outside.
 */
export function copiedInto(
  doc: DockerDocument,
  run: InstructionInfo,
  target: string,
): CopyInto | undefined {
  if (!run.stage) return undefined;
  const cwds = workingDirectories(doc, run.stage);
  const earlier = possibleLineage(doc, run.stage)
    .flatMap((s) => s.instructions)
    .filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && i.index < run.index);
  for (const copy of earlier) {
    const path = writtenPaths(doc, copy, cwds.get(copy.index) ?? null).find((p) =>
      pathsOverlap(p, target),
    );
    if (path !== undefined) return { copy, path };
  }
  return undefined;
}

/** Where a COPY or ADD writes: its destination, or each source's name below it. */
function writtenPaths(doc: DockerDocument, copy: InstructionInfo, cwd: string | null): string[] {
  const operands = copyOperands(doc, copy);
  const dest = operands && resolvePath(operands.destination.value, cwd);
  if (!operands || dest === null) return [];
  const into = operands.sources.length > 1 || /(^|\/)\.?$/.test(operands.destination.value);
  return operands.sources.map(({ value }) => {
    const name = posix.basename(value);
    const whole = copy.keyword === 'ADD' || value.endsWith('/') || resolvePath(value, '/') === null;
    return into && !whole && name !== '.' && name !== '..' ? posix.join(dest, name) : dest;
  });
}

/**
 * For a message, that a COPY or ADD writes into `dir`: "the `COPY` on line
 * 3 writes into `/root/.npm`", or "… writes into `/root`, above `/root/.npm`".
 * `when` goes before the verb ("first writes into"), so that it never
 * trails the "above" part it is not about.
 */
export function copyPhrase({ copy, path }: CopyInto, dir: string, when = ''): string {
  const where = isWithin(path, dir) ? `\`${dir}\`` : `\`${path}\`, above \`${dir}\``;
  const verb = when ? `${when} writes` : 'writes';
  return `the \`${copy.keyword}\` on line ${lineRef(copy)} ${verb} into ${where}`;
}
