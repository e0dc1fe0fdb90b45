import {
  isPosixShell,
  type DockerDocument,
  type InstructionInfo,
  type Stage,
} from '../src/document';
import { shadowProblem, SHADOW_LIMITATION, trapProblem, TRAP_LIMITATION } from '../src/append';
import { errexitAndProblem } from '../src/errexit';
import { continuationStyle } from '../src/join';
import { lineRef } from '../src/line-ref';
import {
  instructionArgs,
  mountTargets,
  pathsOverlap,
  reachedDirectory,
  resolvePath,
  isWithin,
} from '../src/paths';
import { shorten } from '../src/shell';
import { analyzeScript, type ScriptFacts } from '../src/shell-effects';
import { runHasErrexit, workingDirectories } from '../src/stage-paths';
import {
  createdWords,
  insertBeforeNext,
  mayReach,
  removalEdit,
  scanScript,
  type CommandFacts,
} from '../src/script-paths';
import { linksMadeBefore, namesThroughLinks } from '../src/symlinks';
import type { Edit, Transform } from '../src/types';

const CREATORS = new Set(['curl', 'wget', 'mkdir', 'touch', 'git', 'unzip']);
/** A quick look before reading the script: no such word, no creator. */
const CREATOR_WORD = /\b(curl|wget|mkdir|touch|git|unzip)\b|>/;
const RM_OPTION = /^(-[rRfv]+|--recursive|--force|--verbose)$/;

type Verdict = { creator: InstructionInfo; paths: string[]; edits: Edit[] } | { reason: string };

interface Context {
  doc: DockerDocument;
  stage: Stage;
  workdirs: ReadonlyMap<number, string | null>;
  /** Paths each earlier RUN creates, by instruction index. */
  created: Map<number, Set<string>>;
}

const deleteInCreatingLayer: Transform = {
  id: 'delete-in-creating-layer',
  title: 'Delete files in the RUN that creates them',
  rationale:
    'A file written by one RUN and deleted by a later one still costs its full size in the first layer. Deleting it at the end of the RUN that writes it keeps it out of every layer; the final file system is the same.',
  safety: 'layout',
  messages: {
    moved:
      'Moves `{command}` into the `RUN` at line {creator}, which creates {paths}: deleted in the layer that writes them, the files no longer take space in any layer.',
    refused: 'Leaves `{command}` where it is: {reason}.',
  },
  options: {},
  limitations: [
    'Only paths created by `curl -o`, `wget -O`, `mkdir`, `touch`, `git clone`, `unzip -d` or an output redirection are recognized, and the `rm` must name exactly such a path.',
    'A path built from a variable or a glob is never moved; nor is a directory a `mktemp -d` made, since only a variable knows its name.',
    'Every command that runs after the creating `RUN` and before the `rm` (in a `RUN` between them, or earlier in the `RUN` of the `rm`) must provably not reach the path, or the `rm` stays: it may only be `echo`, `printf`, `true`, `:`, `set`, `cd`, `test`, `[ ]`, `mkdir`, `touch`, `chmod`, `chown`, `ln`, `cp`, `cat`, `ls`, `rm` or `rmdir`, with words free of variables, substitutions and globs (`echo` and `printf` may have them inside double quotes), naming no path at, above or inside the deleted one (nor one of its other names, see below), and not run inside it.',
    'So any other program between them keeps the `rm` where it is, even one that seems not to read the file: a script (`./install.sh`, `sh`, `python3`), `make`, `eval`, `xargs`, `find`, a shell function, a command named by a variable, and package managers too (`apt-get install`, `pip install` read configuration files, which may name a local repository in the deleted directory).',
    'A path may have other names through symbolic links, and a command that names the file by one of them reads it too. Paths that differ by a link common base images ship count as the same: merged `/usr` (`/bin`, `/sbin`, `/lib`, `/lib32`, `/lib64`, `/libx32` in `/usr`), `/var/run` → `/run`, `/var/lock` → `/run/lock`, `/var/spool/mail` → `/var/mail`, `/usr/tmp` → `/var/tmp`, `/usr/local/man` → `/usr/local/share/man`, `/etc/os-release` and `/etc/localtime` (on an image without those links this only makes dslim more careful). So do names through a link that `ln -s` or `cp -s`, or a `mv` or `cp` of such a link, makes in the stage or a stage of this file it builds on, before the `rm`. A link of that kind whose target or name holds a variable, and that may reach the path, or a `RUN` dslim cannot read that may run `ln`, keeps the `rm` where it is.',
    'Other symbolic links are not known: those an external base image has beyond the common ones, and those a package, an archive, a `COPY` of a link, or a script makes. A command that reads the deleted file through such a link is not seen.',
    'RUNs with nothing but comments between them are left to `merge-runs`.',
    'Files that the base image or an instruction before the creating RUN put at the same path are then deleted at the end of the creating RUN instead of later; nothing in between may use the path, so the final file system is the same.',
    'The `rm` must stand alone or in a chain of `&&`; one inside `if`, a loop, a subshell or beside `||` stays.',
    TRAP_LIMITATION,
    SHADOW_LIMITATION,
  ],
  run(doc, report) {
    for (const stage of doc.stages) {
      const context: Context = {
        doc,
        stage,
        workdirs: workingDirectories(doc, stage),
        created: new Map(),
      };
      for (const run of stage.instructions.filter(isEditableRun)) {
        // Most RUNs delete nothing: the cheap facts say so before a full read.
        if (
          !/\brm\b/.test(run.body.text) ||
          !analyzeScript(run.body.text).commands.includes('rm')
        ) {
          continue;
        }
        const scan = scanScript(run.body.text, context.workdirs.get(run.index) ?? null);
        for (const rm of scan.commands.filter((c) => c.name === 'rm')) {
          const verdict = judge(context, run, rm, scan.commands);
          if (!verdict) continue;
          const command = run.body.text.slice(rm.start, rm.end).replace(/\s+/g, ' ');
          if ('reason' in verdict) {
            report.note(run.span.start, 'refused', { command, reason: verdict.reason });
            continue;
          }
          const creator = lineRef(verdict.creator);
          const paths = verdict.paths.map((p) => `\`${p}\``).join(', ');
          report.change(run.span.start, 'moved', { command, creator, paths }, verdict.edits);
          break;
        }
      }
    }
  },
};

export default deleteInCreatingLayer;

function isEditableRun(instruction: InstructionInfo): boolean {
  return (
    instruction.keyword === 'RUN' &&
    !instruction.execForm &&
    !instruction.opaque &&
    isPosixShell(instruction.shell)
  );
}

/** Null when `rm` deletes nothing an earlier RUN created; otherwise a move or a reason. */
function judge(
  context: Context,
  run: InstructionInfo,
  rm: CommandFacts,
  commands: CommandFacts[],
): Verdict | null {
  const operands = rm.args.filter((a) => !RM_OPTION.test(a) && a !== '--');
  if (rm.args.some((a) => a.startsWith('-') && !RM_OPTION.test(a) && a !== '--')) return null;
  const earlier = context.stage.instructions.filter((i) => i.index < run.index && isEditableRun(i));
  const paths = operands.map((word) => resolvePath(word, rm.cwd));
  const creators = paths.map((path) => (path ? latestCreator(context, earlier, path) : undefined));
  const creator = creators.find((c) => c !== undefined);
  if (!creator) {
    const vague = operands.find(
      (word, i) => !paths[i] && reachesCreated(context, earlier, word, rm),
    );
    return vague
      ? {
          reason: `\`${vague}\` holds a variable, a glob or a relative path that cannot be resolved`,
        }
      : null;
  }
  if (creator.index + 1 === run.index) return null;
  const strange = operands.find((_, i) => creators[i] !== creator);
  if (strange) {
    return {
      reason: `\`${strange}\` is not created by the \`RUN\` at line ${lineRef(creator)}`,
    };
  }
  const exact = paths as string[];
  const names = removalProblem(rm) ?? otherNames(context, run, rm, exact);
  if (typeof names === 'string') return { reason: names };
  const problem =
    readerInRun(run, rm, commands, names) ??
    readerBetween(context, creator, run, names) ??
    creatorProblem(context, creator, run, rm, names);
  if (problem) return { reason: problem };
  return { creator, paths: exact, edits: moveEdits(context.doc, creator, run, rm) };
}

function latestCreator(
  context: Context,
  earlier: InstructionInfo[],
  path: string,
): InstructionInfo | undefined {
  return [...earlier].reverse().find((run) => createdBy(context, run).has(path));
}

function reachesCreated(
  context: Context,
  earlier: InstructionInfo[],
  word: string,
  rm: CommandFacts,
): boolean {
  const reached = reachedDirectory(word, rm.cwd);
  if (reached === null) return false;
  return earlier.some((run) => [...createdBy(context, run)].some((p) => isWithin(p, reached)));
}

function createdBy(context: Context, run: InstructionInfo): Set<string> {
  let created = context.created.get(run.index);
  if (!created && !mayCreate(run)) created = new Set();
  if (!created) {
    const scan = scanScript(run.body.text, context.workdirs.get(run.index) ?? null);
    const paths = scan.commands.flatMap((c) => createdWords(c).map((w) => resolvePath(w, c.cwd)));
    created = new Set(paths.filter((p): p is string => p !== null));
    context.created.set(run.index, created);
  }
  return created;
}

/** Whether a RUN runs any command that `createdWords` knows to create a path. */
function mayCreate(run: InstructionInfo): boolean {
  if (!CREATOR_WORD.test(run.body.text)) return false;
  const facts = analyzeScript(run.body.text);
  return facts.hasOutputRedirect || facts.commands.some((name) => CREATORS.has(name));
}

function removalProblem(rm: CommandFacts): string | null {
  if (rm.removal) return null;
  return 'it is inside a compound command, a subshell, a pipeline or a chain with `||` or `;` links, so it cannot be taken out alone';
}

/**
 * Every name the deleted paths may have through symbolic links the stage
 * (or a stage it builds on) made before the rm (see `namesThroughLinks`):
 * a command that reads `/link/f` reads `/tmp/f` when `/link` → `/tmp`. Or
 * why a link may give them any name.
 */
function otherNames(
  context: Context,
  run: InstructionInfo,
  rm: CommandFacts,
  paths: string[],
): string[] | string {
  const links = linksMadeBefore(context.doc, context.stage, run.index, rm.start);
  const names = new Set<string>();
  for (const path of paths) {
    const found = namesThroughLinks(path, links);
    if ('unplaced' in found)
      return `${found.unplaced}, so the path may have another name that a command between them reads`;
    found.names.forEach((name) => names.add(name));
  }
  return [...names];
}

/**
 * Why a command earlier in the rm's own RUN, which runs after the creating
 * RUN and before the rm, may use the paths (see `reachOf`).
 */
function readerInRun(
  run: InstructionInfo,
  rm: CommandFacts,
  commands: CommandFacts[],
  paths: string[],
): string | null {
  if (!analyzeScript(run.body.text).readable) return 'the shell parser cannot read this `RUN`';
  for (const command of commands.filter((c) => c.end <= rm.start)) {
    const how = reachOf(command, paths);
    if (how) return `\`${quote(run, command)}\`, earlier in this \`RUN\`, ${how}`;
  }
  return null;
}

/** Why an instruction between the two RUNs may see or change the paths. */
function readerBetween(
  context: Context,
  creator: InstructionInfo,
  run: InstructionInfo,
  paths: string[],
): string | null {
  const overlaps = (path: string | null) =>
    path === null || paths.some((p) => pathsOverlap(p, path));
  for (const mid of context.stage.instructions) {
    const cwd = context.workdirs.get(mid.index) ?? null;
    const at = `the \`${mid.keyword}\` at line ${lineRef(mid)}`;
    if (mid.keyword === 'VOLUME' && mid.index < run.index) {
      if (instructionArgs(mid).some((v) => overlaps(resolvePath(v, cwd))))
        return `${at} declares a volume over the path`;
    }
    if (mid.index <= creator.index || mid.index >= run.index) continue;
    if (mid.keyword === 'USER') return `${at} changes the user that deletes it`;
    if (mid.keyword === 'WORKDIR' && overlaps(resolvePath(mid.body.text.trim(), cwd))) {
      return `${at} may create a directory inside the path`;
    }
    if (['COPY', 'ADD'].includes(mid.keyword)) {
      const dest = instructionArgs(mid).pop() ?? '';
      if (mid.opaque || overlaps(resolvePath(dest, cwd))) return `${at} may write into the path`;
    }
    if (mid.keyword === 'RUN') {
      if (!isEditableRun(mid) || !analyzeScript(mid.body.text).readable)
        return `${at} cannot be read, so it may use the path`;
      if (mountTargets(mid, cwd).some(overlaps)) return `${at} mounts something over the path`;
      for (const command of scanScript(mid.body.text, cwd).commands) {
        const how = reachOf(command, paths);
        if (how) return `${at} runs \`${quote(mid, command)}\`, which ${how}`;
      }
    }
  }
  return null;
}

/**
 * How a command may reach one of the paths, as a phrase after "which"
 * (see `mayReach`): a command that runs between the creation and the rm
 * and may read, list or test the file would find none once the rm moves.
 */
function reachOf(command: CommandFacts, paths: string[]): string | null {
  for (const path of paths) {
    const how = mayReach(command, path);
    if (how) return how;
  }
  return null;
}

/** A command's text, on one line and shortened, for a note. */
function quote(run: InstructionInfo, command: CommandFacts): string {
  return shorten(run.body.text.slice(command.start, command.end));
}

/** Why the rm cannot be appended to the creating RUN. */
function creatorProblem(
  context: Context,
  creator: InstructionInfo,
  run: InstructionInfo,
  rm: CommandFacts,
  paths: string[],
): string | null {
  const doc = context.doc;
  const facts = analyzeScript(creator.body.text);
  const line = lineRef(creator);
  if (!facts.readable) return `the shell parser cannot read the \`RUN\` at line ${line}`;
  if (facts.background) return `the \`RUN\` at line ${line} starts a background job`;
  if (facts.trailingComment) return `the \`RUN\` at line ${line} ends in a shell comment`;
  const trap = trapProblem(facts);
  if (trap) return `the \`RUN\` at line ${line} ${trap}`;
  const moved = run.body.text.slice(rm.start, rm.end).replace(/\s+/g, ' ');
  const shadow = shadowProblem(creator.body.text, [moved]);
  if (shadow) return `in the \`RUN\` at line ${line}, ${shadow}`;
  // dash and busybox sh end the script at a `return` outside a function, as at `exit`.
  const stop = facts.commands.find((c) => c === 'exit' || c === 'exec' || c === 'return');
  if (stop) return `the \`RUN\` at line ${line} may stop before its end (\`${stop}\`)`;
  if (doc.lineText(doc.lineAt(creator.span.end)).trimEnd().endsWith(doc.escape))
    return `the \`RUN\` at line ${line} ends in a line continuation`;
  for (const instruction of [creator, run]) {
    const cwd = context.workdirs.get(instruction.index) ?? null;
    const mounts = mountTargets(instruction, cwd);
    if (mounts.some((m) => m === null || paths.some((p) => pathsOverlap(p, m))))
      return `a \`--mount\` of the \`RUN\` at line ${lineRef(instruction)} may cover the path`;
  }
  // Joined with `;` (see `joinsWithSemicolon`), nothing is followed by `&&`: errexit still applies.
  const errexit = joinsWithSemicolon(doc, creator, facts)
    ? null
    : errexitAndProblem(doc, creator, facts);
  if (errexit) return `the \`RUN\` at line ${line} ${errexit}`;
  const finalCwd = scanScript(
    creator.body.text,
    context.workdirs.get(creator.index) ?? null,
  ).finalCwd;
  const relative = rm.args.find((a) => !a.startsWith('/') && !a.startsWith('-'));
  if (relative && resolvePath(relative, finalCwd) !== resolvePath(relative, rm.cwd))
    return `\`${relative}\` is relative, and the \`RUN\` at line ${line} may end in another directory`;
  return null;
}

/** Appends the `rm` to the creating RUN and takes it out of its own. */
function moveEdits(
  doc: DockerDocument,
  creator: InstructionInfo,
  run: InstructionInfo,
  rm: CommandFacts,
): Edit[] {
  const body = run.body;
  const text = doc.text.slice(body.toFile(rm.start), body.toFile(rm.end - 1) + 1);
  const facts = analyzeScript(creator.body.text);
  const at = creator.body.toFile(facts.codeEnd - 1) + 1;
  const errexit = joinsWithSemicolon(doc, creator, facts);
  const operator = errexit ? ';' : ' &&';
  let insert = `${operator} ${text}`;
  if (doc.lineAt(creator.span.start) !== doc.lineAt(creator.span.end)) {
    const style = continuationStyle(doc, creator);
    insert =
      style.leadingOperator && !errexit
        ? ` ${doc.escape}${doc.eol}${style.indent}&& ${text}`
        : `${operator} ${doc.escape}${doc.eol}${style.indent}${text}`;
  }
  return [insertBeforeNext(doc, at, insert), removalEdit(doc, run, rm)];
}

/**
 * The `rm` follows the creating RUN's script after `;` when errexit is on
 * there (a failure stops the script before it all the same, and nothing
 * the script ends in stops obeying errexit), after `&&` otherwise, so that
 * the RUN still fails when its last command does.
 */
function joinsWithSemicolon(
  doc: DockerDocument,
  creator: InstructionInfo,
  facts: ScriptFacts,
): boolean {
  return facts.errexit || runHasErrexit(doc, creator);
}
