import { isPosixShell, type DockerDocument, type InstructionInfo, type Stage } from './document';
import { heirs, readByLaterStage } from './later-stages';
import { lineRef } from './line-ref';
import { isWithin, mountFlags, mountOption, stageWorkdirs, TARGET_KEYS, wordPath } from './paths';
import { scanScript } from './script-paths';
import { analyzeScript } from './shell-effects';
import { listCommands, type ShellCommand, type Word } from './shell-commands';
import type { MessageData, Reporter } from './types';

/** A RUN with the commands it runs, and why it cannot be edited, if so. */
export interface RunScript {
  run: InstructionInfo;
  commands: ShellCommand[];
  /** Set when the RUN must not be edited; a transform reports it as a note. */
  refusal: string | null;
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', '/bin/sh', '/bin/bash', '/bin/ash']);

/**
 * The RUNs of a stage that a POSIX shell runs, with their commands. RUNs
 * under another SHELL (PowerShell, cmd) are left out without a word: the
 * package managers these transforms know do not run there.
 */
export function runScripts(doc: DockerDocument, stage: Stage): RunScript[] {
  let scripts = scriptsByStage.get(stage);
  if (!scripts) {
    scripts = readRunScripts(doc, stage);
    scriptsByStage.set(stage, scripts);
  }
  return scripts;
}

/** Every cache transform reads the same stages: each is read once per parse. */
const scriptsByStage = new WeakMap<Stage, RunScript[]>();

function readRunScripts(doc: DockerDocument, stage: Stage): RunScript[] {
  return scriptsOf(doc, stage.instructions);
}

/**
 * The `ONBUILD RUN`s of a stage, as scripts: each runs in every image built
 * on the stage, after all of the stage's own instructions, wherever in the
 * stage it is written. Only read, never edited.
 */
function triggerScripts(doc: DockerDocument, stage: Stage): RunScript[] {
  let scripts = triggersByStage.get(stage);
  if (!scripts) {
    const triggers = stage.instructions.flatMap((i) => doc.trigger(i) ?? []);
    scripts = scriptsOf(doc, triggers);
    triggersByStage.set(stage, scripts);
  }
  return scripts;
}

const triggersByStage = new WeakMap<Stage, RunScript[]>();

function scriptsOf(doc: DockerDocument, instructions: InstructionInfo[]): RunScript[] {
  return instructions.flatMap((run) => {
    if (run.keyword !== 'RUN' || !isPosixShell(run.shell)) return [];
    if (run.execForm) return [execFormScript(run)];
    if (run.opaque) return [heredocScript(doc, run)];
    const refusal = analyzeScript(run.body.text).readable
      ? null
      : 'the shell parser cannot read this RUN, so an edit could change its meaning';
    return [{ run, commands: listCommands(run.body.text), refusal }];
  });
}

/**
 * A RUN with a heredoc is never edited. Its first line and the lines after
 * it (where a script given as a heredoc is) are read only to explain that.
 */
function heredocScript(doc: DockerDocument, run: InstructionInfo): RunScript {
  const raw = doc.text.slice(run.bodyStart, run.span.end).split(/\r?\n/);
  const commands = [raw[0], raw.slice(1, -1).join('\n')].flatMap((text) => listCommands(text));
  const refusal = 'the RUN has a heredoc (or text that may be one), which is never edited';
  return { run, commands, refusal };
}

/** An exec-form RUN runs no shell: its commands are read only to explain the refusal. */
function execFormScript(run: InstructionInfo): RunScript {
  const argv = JSON.parse(run.body.text.trim()) as string[];
  const refusal = 'it is an exec-form (JSON) RUN, so no shell command can be added or changed';
  if (SHELLS.has(argv[0]) && argv[1] === '-c' && argv[2] !== undefined)
    return { run, commands: listCommands(argv[2]), refusal };
  const args: Word[] = argv.slice(1).map((text) => ({ text, start: 0, end: 0 }));
  const name = argv[0] ?? '';
  return {
    run,
    commands: [{ name, args, assignments: [], setEarlier: [], start: 0, end: 0, andElement: null }],
    refusal,
  };
}

/** The target of a `--mount=type=cache` on the RUN that holds `dir`, or null. */
export function cacheMountFor(run: InstructionInfo, dirs: string[]): string | null {
  for (const flag of mountFlags(run)) {
    if (mountOption(flag, 'type') !== 'cache') continue;
    const target = mountOption(flag, ...TARGET_KEYS);
    if (!target) continue;
    const base = target.replace(/\/+$/, '');
    if (dirs.some((dir) => dir === base || dir.startsWith(`${base}/`))) return target;
  }
  return null;
}

/** The program name without its directory: `/usr/bin/pip3` → `pip3`. */
export function programName(command: ShellCommand): string {
  return command.name.slice(command.name.lastIndexOf('/') + 1);
}

/**
 * The RUNs that see the files `run` leaves, in order: those after it in its
 * stage and in every stage built from it, and, for files in `dirs`, in
 * every stage that copies them back to the same paths (see `heirs`). The
 * `ONBUILD RUN`s of those stages count too, wherever they are written: they
 * run in the images built on them, which have the files.
 */
export function laterRuns(
  doc: DockerDocument,
  run: InstructionInfo,
  dirs: string[] = [],
): RunScript[] {
  const seen = new Map<number, RunScript>();
  for (const { stage, after } of heirs(doc, run, dirs)) {
    for (const script of runScripts(doc, stage)) {
      if (script.run.index > after) seen.set(script.run.index, script);
    }
    for (const script of triggerScripts(doc, stage)) seen.set(script.run.index, script);
  }
  return [...seen.values()].sort((a, b) => a.run.index - b.run.index);
}

/** True when a word is an `rm` operand at or below `dir`. */
export function removes(command: ShellCommand, dir: string): boolean {
  if (programName(command) !== 'rm') return false;
  return command.args.some((word) => word.text === dir || word.text.startsWith(`${dir}/`));
}

/**
 * Says, as a note, why a cache transform leaves a RUN alone: a cache mount
 * over one of `cacheDirs` already keeps the cache out of every layer
 * (message `mounted`), or the RUN cannot be edited, or a later stage reads
 * the cache as files (see `readByLaterStage`), or a later RUN, or a command
 * of this one from offset `after` on, reads it (see `cacheReader`; both
 * message `refused`). A transform that changes the install itself passes
 * where it ends; one that appends its cleanup leaves the RUN's own commands
 * out, since they still see the cache.
 * True when it is left alone; `data` fills the messages' other placeholders.
 */
export function leaveAlone(
  doc: DockerDocument,
  report: Reporter,
  script: RunScript,
  cacheDirs: string[],
  data: MessageData = {},
  after = Infinity,
): boolean {
  const { run, refusal } = script;
  const target = cacheMountFor(run, cacheDirs);
  if (target) {
    report.note(run.span.start, 'mounted', { ...data, target });
    return true;
  }
  const reason =
    refusal ?? readByLaterStage(doc, run, cacheDirs) ?? cacheReader(doc, script, cacheDirs, after);
  if (reason) report.note(run.span.start, 'refused', { ...data, reason });
  return reason !== null;
}

/** The limitation every cache transform states about `cacheReader`. */
export const CACHE_READER_LIMITATION =
  'A RUN is left alone when a later RUN (an `ONBUILD RUN` too) names a path in the cache, the cache directory or a directory above it short of a top-level one (`/root/.cache`, not `/root`), or runs inside it; so is one whose own later commands do, when the change is to the install itself. A reader that reaches the cache only through a variable, a script or `/` is not seen.';

/**
 * Why the cache in `dirs` must stay: a command of the RUN from offset
 * `after` on, or of a RUN that sees its layer (see `laterRuns`), names a
 * path in the cache, the cache itself or a directory above it short of a
 * top-level one (`/root/.cache`, not `/root`), or runs inside it. Such a
 * command may read what the install left there. Removing the cache with
 * `rm -f` is not reading it. Null when no command does.
 */
export function cacheReader(
  doc: DockerDocument,
  script: RunScript,
  dirs: string[],
  after: number,
): string | null {
  const own = readerIn(script, dirs, after);
  if (own) return `\`${own}\` after the install names the cache, which it may read`;
  for (const later of laterRuns(doc, script.run, dirs)) {
    const name = readerIn(later, dirs, 0);
    if (name)
      return `\`${name}\` in the \`RUN\` on line ${lineRef(later.run)} names the cache, which it may read`;
  }
  return null;
}

/** The name of the first command of a script from `after` on that names a path of the cache. */
function readerIn({ run, commands }: RunScript, dirs: string[], after: number): string | null {
  const cwd = (run.stage && stageWorkdirs(run.stage).get(run.index)) ?? null;
  const facts =
    run.opaque || run.execForm
      ? commands.map((c) => ({ ...c, args: c.args.map((w) => w.text), cwd: null, redirects: [] }))
      : scanScript(run.body.text, cwd).commands;
  const reader = facts.find((c) => {
    if (c.start < after || forceRemoves(c)) return false;
    if (c.cwd !== null && dirs.some((dir) => isWithin(c.cwd!, dir))) return true;
    const words = [...c.args, ...c.redirects].flatMap((w) => [w, w.slice(w.indexOf('=') + 1)]);
    return words.some((word) => namesCache(word, c.cwd, dirs));
  });
  return reader?.name ?? null;
}

/** `rm -f` (or `-rf`): it deletes whatever is there, and minds no missing file. */
function forceRemoves(command: { name: string; args: string[] }): boolean {
  return /(^|\/)rm$/.test(command.name) && command.args.some((a) => /^-[a-zA-Z]*f/.test(a));
}

function namesCache(word: string, cwd: string | null, dirs: string[]): boolean {
  const path = wordPath(word, cwd);
  if (path === null) return false;
  const aboveWithinReason = path.split('/').length > 2;
  return dirs.some((dir) => isWithin(path, dir) || (aboveWithinReason && isWithin(dir, path)));
}
