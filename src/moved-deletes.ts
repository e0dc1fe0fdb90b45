/**
 * Whether an `rm` can move into the earlier RUN that created the paths it
 * deletes: which RUN of the stage created them, whether anything between
 * that RUN and the `rm` may read or change them (under any name a symbolic
 * link gives them), and whether the `rm` can be appended to the creating
 * RUN with the same outcome. Used by `delete-in-creating-layer`.
 */
import { isShellRun, type DockerDocument, type InstructionInfo, type Stage } from './document';
import { shadowProblem, trapProblem } from './append';
import { errexitAndProblem } from './errexit';
import { continuationStyle } from './join';
import { lineRef } from './line-ref';
import {
  instructionArgs,
  isWithin,
  mayMountOver,
  pathsOverlap,
  reachedDirectory,
  resolvePath,
} from './paths';
import {
  commandText,
  createdWords,
  firstReach,
  insertBeforeNext,
  removalEdit,
  RM_KNOWN_OPTION,
  scanScript,
  type CommandFacts,
} from './script-paths';
import { analyzeScript, type ScriptFacts } from './shell-effects';
import { runHasErrexit, workingDirectories } from './stage-paths';
import { linksMadeBefore, namesThroughLinks } from './symlinks';
import type { Edit } from './types';

const CREATORS = new Set(['curl', 'wget', 'mkdir', 'touch', 'git', 'unzip']);
/** A quick look before reading the script: no such word, no creator. */
const CREATOR_WORD = /\b(curl|wget|mkdir|touch|git|unzip)\b|>/;

/** Where an `rm` moves and the edits that move it, or why it stays. */
export type MoveVerdict =
  { creator: InstructionInfo; paths: string[]; edits: Edit[] } | { reason: string };

/** One stage, with the paths each of its RUNs creates remembered once read. */
export interface MoveContext {
  doc: DockerDocument;
  stage: Stage;
  workdirs: ReadonlyMap<number, string | null>;
  /** Paths each earlier RUN creates, by instruction index. */
  created: Map<number, Set<string>>;
}

/** A fresh context for the RUNs of one stage. */
export function moveContext(doc: DockerDocument, stage: Stage): MoveContext {
  return { doc, stage, workdirs: workingDirectories(doc, stage), created: new Map() };
}

/**
 * Null when `rm` deletes nothing an earlier RUN created; otherwise the move
 * into the latest RUN that created its paths, or the reason it stays.
 * `commands` are those of the rm's own RUN.
 */
export function judgeRemoval(
  context: MoveContext,
  run: InstructionInfo,
  rm: CommandFacts,
  commands: CommandFacts[],
): MoveVerdict | null {
  const operands = rm.args.filter((a) => !RM_KNOWN_OPTION.test(a));
  if (rm.args.some((a) => a.startsWith('-') && !RM_KNOWN_OPTION.test(a))) return null;
  const earlier = context.stage.instructions.filter((i) => i.index < run.index && isShellRun(i));
  const paths = operands.map((word) => resolvePath(word, rm.cwd));
  if (createdBefore(rm, commands, paths)) return null;
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

/**
 * Whether a command before the `rm` in its own RUN creates one of the paths
 * it deletes (`echo more >> /tmp/x.tgz && rm /tmp/x.tgz`): the `rm` already
 * deletes in a layer that writes the path, so there is nothing to move and
 * nothing to say. After a round that moved an `rm` into such a RUN this is
 * what the next round sees, and one verdict on the `rm` is enough.
 */
function createdBefore(
  rm: CommandFacts,
  commands: CommandFacts[],
  paths: (string | null)[],
): boolean {
  const created = commands
    .filter((c) => c.start < rm.start)
    .flatMap((c) => createdWords(c).map((word) => resolvePath(word, c.cwd)));
  return paths.some((path) => path !== null && created.includes(path));
}

function latestCreator(
  context: MoveContext,
  earlier: InstructionInfo[],
  path: string,
): InstructionInfo | undefined {
  return [...earlier].reverse().find((run) => createdBy(context, run).has(path));
}

function reachesCreated(
  context: MoveContext,
  earlier: InstructionInfo[],
  word: string,
  rm: CommandFacts,
): boolean {
  const reached = reachedDirectory(word, rm.cwd);
  if (reached === null) return false;
  return earlier.some((run) => [...createdBy(context, run)].some((p) => isWithin(p, reached)));
}

function createdBy(context: MoveContext, run: InstructionInfo): Set<string> {
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
  context: MoveContext,
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
 * RUN and before the rm, may use the paths (see `mayReach`): it would find
 * none once the rm moves.
 */
function readerInRun(
  run: InstructionInfo,
  rm: CommandFacts,
  commands: CommandFacts[],
  paths: string[],
): string | null {
  if (!analyzeScript(run.body.text).readable) return 'the shell parser cannot read this `RUN`';
  const reach = firstReach(
    commands.filter((c) => c.end <= rm.start),
    paths,
  );
  if (!reach) return null;
  return `\`${commandText(run.body.text, reach.command)}\`, earlier in this \`RUN\`, ${reach.how}`;
}

/**
 * Why an instruction between the two RUNs may see or change the paths: a
 * RUN with a command that may reach them (see `mayReach`) or a mount over
 * them, a COPY, ADD or WORKDIR that overlaps them, a USER (it would change
 * who deletes them), or a VOLUME over them anywhere before the rm. This
 * differs on purpose from `earlierWriter` in `consumed-copies`, which asks
 * only whether something may have left a file at a COPY's target: there a
 * command that only reads does not count and a package manager may be
 * passed over, while here any command that may read the files would find
 * none once the rm moves.
 */
function readerBetween(
  context: MoveContext,
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
      if (!isShellRun(mid) || !analyzeScript(mid.body.text).readable)
        return `${at} cannot be read, so it may use the path`;
      if (mayMountOver(mid, cwd, paths)) return `${at} mounts something over the path`;
      const reach = firstReach(scanScript(mid.body.text, cwd).commands, paths);
      if (reach)
        return `${at} runs \`${commandText(mid.body.text, reach.command)}\`, which ${reach.how}`;
    }
  }
  return null;
}

/** Why the rm cannot be appended to the creating RUN. */
function creatorProblem(
  context: MoveContext,
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
    if (mayMountOver(instruction, context.workdirs.get(instruction.index) ?? null, paths))
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
