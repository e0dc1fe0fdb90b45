import { posix } from 'node:path';
import { copyOperands, flagValue, type CopyOperands } from '../src/copy-args';
import type { DockerDocument, InstructionInfo } from '../src/document';
import { continuationStyle, flagDifference, gapBetween, joinEdit } from '../src/join';
import type { Edit, Reporter, Transform } from '../src/types';

const URL_SOURCE = /^([a-z][a-z0-9+.-]*:\/\/|git@)|\.git$/i;
const ARCHIVE_SOURCE = /\.(tar|tgz|tbz2?|txz|tzst|tlz|gz|bz2|xz|zst|lz4|lzma|zip)$/i;
/** ADD flags that only make sense for one remote source. */
const SINGLE_SOURCE_FLAGS = new Set(['checksum', 'keep-git-dir']);

/** A COPY or ADD that could join its neighbours, or why it cannot. */
interface Candidate {
  instruction: InstructionInfo;
  operands: CopyOperands | null;
  /** The destination directory resolved against the WORKDIR, when it is one. */
  directory: string | null;
  problem: string | null;
}

const mergeCopies: Transform = {
  id: 'merge-copies',
  title: 'Join consecutive COPY or ADD instructions into the same directory',
  rationale:
    'Every COPY and ADD adds a layer and a step to every build. Copying several sources into one directory with one instruction puts the same files in the same places: each source is copied on its own either way, in the same order.',
  safety: 'layout',
  messages: {
    joined:
      'Joins {count} `{keyword}` instructions that copy into `{destination}`: one layer instead of {count}. The sources keep their order, so a later one still overwrites an earlier one with the same name.',
    refused: 'Leaves this `{keyword}` apart from the one before: {reason}.',
  },
  options: {},
  limitations: [
    'Only neighbours with identical flags, written the same way (both JSON or both shell form), are joined; any instruction between them is a barrier.',
    'A blank line between two joined instructions is dropped: inside one instruction it would be an empty continuation line, which BuildKit warns about and means to reject. Comments between them stay.',
    'The destination must be a directory: it ends in `/`, or is `.` or `./`. A destination without a final `/` names a file when there is one source, so it is never joined. A joined `.` is written `./`, since the legacy builder wants a destination for several sources to end in `/`.',
    'ADD of URLs, git repositories or files named like archives is never joined, nor an ADD whose source holds a variable.',
    'Two destinations written differently are only treated as the same when the WORKDIR that resolves them is set in the same stage without variables.',
    'A wildcard that matches nothing can fail a COPY of its own and pass once joined to sources that match; for a Dockerfile that builds, the files are the same.',
  ],
  run(doc, report) {
    for (const stage of doc.stages) {
      let workdir: string | null = null;
      let chain: Candidate[] = [];
      let previous: Candidate | null = null;
      const flush = () => {
        if (chain.length > 1) emit(doc, chain, report);
        chain = [];
      };
      for (const instruction of stage.instructions) {
        if (instruction.keyword === 'WORKDIR') workdir = nextWorkdir(workdir, instruction);
        if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') {
          flush();
          previous = null;
          continue;
        }
        const candidate = inspect(doc, instruction, workdir);
        const reason =
          previous && sameTarget(previous, candidate)
            ? refusal(doc, previous, candidate)
            : undefined;
        previous = candidate;
        if (reason === null) {
          chain.push(candidate);
          continue;
        }
        if (reason)
          report.note(instruction.span.start, 'refused', { keyword: instruction.keyword, reason });
        flush();
        chain = [candidate];
      }
      flush();
    }
  },
};

export default mergeCopies;

function inspect(
  doc: DockerDocument,
  instruction: InstructionInfo,
  workdir: string | null,
): Candidate {
  const operands = copyOperands(doc, instruction);
  const candidate: Candidate = { instruction, operands, directory: null, problem: null };
  if (instruction.opaque) {
    candidate.problem = 'a heredoc (or text the parser may have misread as one) is never joined';
  } else if (!operands) {
    candidate.problem = 'it needs at least a source and a destination';
  } else {
    candidate.directory = resolveDirectory(operands.destination.value, workdir);
    candidate.problem =
      candidate.directory === null
        ? `the destination \`${operands.destination.value}\` does not end in \`/\`, so with one source it may name a file rather than a directory`
        : instruction.keyword === 'ADD'
          ? addProblem(instruction, operands)
          : null;
  }
  return candidate;
}

function addProblem(add: InstructionInfo, operands: CopyOperands): string | null {
  const flag = add.flags.find((f) => SINGLE_SOURCE_FLAGS.has(f.getName().toLowerCase()));
  if (flag) return `\`--${flag.getName()}\` belongs to a single remote source`;
  for (const { value } of operands.sources) {
    if (URL_SOURCE.test(value))
      return `\`${value}\` is fetched from a URL or git, which is never joined`;
    if (ARCHIVE_SOURCE.test(value))
      return `\`${value}\` looks like an archive that ADD unpacks, which is never joined`;
    if (value.includes('$'))
      return `\`${value}\` holds a variable that could name a URL or an archive`;
  }
  return null;
}

/** Whether the two copy from the same place into the same place, so that not joining them deserves a note. */
function sameTarget(a: Candidate, b: Candidate): boolean {
  if (flagValue(a.instruction, 'from') !== flagValue(b.instruction, 'from')) return false;
  if (a.instruction.opaque || b.instruction.opaque) return true;
  if (a.directory !== null && a.directory === b.directory) return true;
  return (
    !!a.operands && !!b.operands && a.operands.destination.value === b.operands.destination.value
  );
}

/** Null when `b` can join the chain that ends in `a`, else the reason it cannot. */
function refusal(doc: DockerDocument, a: Candidate, b: Candidate): string | null {
  if (a.instruction.keyword !== b.instruction.keyword)
    return 'ADD unpacks archives that COPY copies as they are, so the sources of one would change meaning in the other';
  if (a.problem) return `the one before cannot be joined: ${a.problem}`;
  if (b.problem) return b.problem;
  const differing = flagDifference(a.instruction, b.instruction);
  if (differing) return `their flags differ: ${differing}`;
  if (a.operands!.json !== b.operands!.json)
    return 'one is written in JSON form and the other is not';
  const pragma = gapBetween(doc, a.instruction, b.instruction).pragma;
  if (pragma) return `the comment \`${pragma}\` applies to this instruction alone`;
  const tail = doc.text.slice(
    a.operands!.sources[a.operands!.sources.length - 1].end,
    a.instruction.span.end,
  );
  if (/(^|[\r\n])[ \t]*#/.test(tail))
    return 'a comment sits between the sources and the destination of the one before';
  if (doc.lineText(doc.lineAt(a.instruction.span.end)).trimEnd().endsWith(doc.escape))
    return 'the one before ends in a line continuation';
  return null;
}

/**
 * The directory a destination names, as a key that two equal destinations
 * share; null when the destination may name a file. Relative destinations
 * resolve against the WORKDIR when it is known.
 */
function resolveDirectory(destination: string, workdir: string | null): string | null {
  if (!destination.endsWith('/') && destination !== '.') return null;
  if (destination.startsWith('/')) return withSlash(posix.normalize(destination));
  if (workdir) return withSlash(posix.join(workdir, destination));
  return `WORKDIR/${withSlash(posix.normalize(destination))}`;
}

function withSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

/** The WORKDIR after this instruction, when it is known without expanding variables. */
function nextWorkdir(current: string | null, workdir: InstructionInfo): string | null {
  const value = workdir.body.text.trim();
  if (value === '' || value.includes('$') || workdir.execForm) return null;
  if (value.startsWith('/')) return posix.normalize(value);
  return current ? posix.join(current, value) : null;
}

function emit(doc: DockerDocument, chain: Candidate[], report: Reporter): void {
  const style = continuationStyle(doc, chain[0].instruction);
  const edits: Edit[] = [];
  for (let i = 0; i + 1 < chain.length; i++) {
    const a = chain[i].operands!;
    const b = chain[i + 1].operands!;
    const join = joinEdit(doc, chain[i].instruction, chain[i + 1].instruction, style, {
      cut: a.sources[a.sources.length - 1].end,
      beforeBreak: a.json ? ',' : '',
      afterIndent: '',
    });
    edits.push({ ...join, end: b.sources[0].start });
  }
  // The legacy builder wants a destination for several sources to end in `/`;
  // only `.` can lack it here (see `resolveDirectory`), and `./` means the same.
  const last = chain[chain.length - 1];
  const destination = last.operands!.destination;
  if (destination.value === '.') {
    const text = last.operands!.json ? '"./"' : './';
    edits.push({ start: destination.start, end: destination.end, text });
  }
  report.change(
    chain[0].instruction.span.start,
    'joined',
    {
      count: chain.length,
      keyword: last.instruction.keyword,
      destination: destination.value === '.' ? './' : destination.value,
    },
    edits,
  );
}
