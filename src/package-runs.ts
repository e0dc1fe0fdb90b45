import { posix } from 'node:path';
import { isPosixShell, type DockerDocument, type InstructionInfo, type Stage } from './document';
import { heirs, readByLaterStage } from './later-stages';
import { lineRef } from './line-ref';
import { copiedInto, copyPhrase } from './copy-args';
import { orList } from './lists';
import {
  cacheLookup,
  configSetting,
  commandWords,
  leadingWords,
  managerArgs,
  networkFree,
  programWords,
  switchedOn,
  turnsOn,
  type OfflineRule,
} from './offline-readers';
import {
  flagValue,
  isWithin,
  mayBeWithin,
  mountOption,
  runMounts,
  wordPath,
  type RunMount,
} from './paths';
import { scanScript } from './script-paths';
import { analyzeScript } from './shell-effects';
import { argvCommands, listCommands, setsVariable, type ShellCommand } from './shell-commands';
import { directoryAt, possibleLineage, runUser, sameUser, variableSetting } from './stage-paths';
import { startCommand, startedCommand, startRuns, type Started } from './start-command';
import type { MessageData, Reporter } from './types';
import { programOf, readOnlyWhy } from './wrappers';

/** A RUN with the commands it runs, and why it cannot be edited, if so. */
export interface RunScript {
  run: InstructionInfo;
  commands: ShellCommand[];
  /** Set when the RUN must not be edited; a transform reports it as a note. */
  refusal: string | null;
}

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
export function triggerScripts(doc: DockerDocument, stage: Stage): RunScript[] {
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
    const commands = instructionCommands(doc, run);
    if (run.execForm) return [{ run, commands, refusal: EXEC_FORM_REFUSAL }];
    if (run.opaque) return [{ run, commands, refusal: HEREDOC_REFUSAL }];
    const refusal = analyzeScript(run.body.text).readable
      ? null
      : 'the shell parser cannot read this RUN, so an edit could change its meaning';
    return [{ run, commands, refusal }];
  });
}

const HEREDOC_REFUSAL = 'the RUN has a heredoc (or text that may be one), which is never edited';
const EXEC_FORM_REFUSAL =
  'it is an exec-form (JSON) RUN, so no shell command can be added or changed';

/**
 * The commands an instruction that runs something (RUN, CMD, ENTRYPOINT)
 * runs: the script of a shell-form one; of a heredoc one, its first line
 * and the lines after it, where a script given as a heredoc is; of an
 * exec-form one, past its wrappers, the script of a shell's `-c` (see
 * `shellScriptWord`: `su -c` too), or else the program it names.
 */
export function instructionCommands(
  doc: DockerDocument,
  instruction: InstructionInfo,
): ShellCommand[] {
  if (instruction.opaque) {
    const raw = doc.text.slice(instruction.bodyStart, instruction.span.end).split(/\r?\n/);
    return [raw[0], raw.slice(1, -1).join('\n')].flatMap((text) => listCommands(text));
  }
  if (!instruction.execForm) return listCommands(instruction.body.text);
  // An exec-form instruction is a JSON array of strings (see `DockerDocument`).
  return argvCommands(JSON.parse(instruction.body.text.trim()) as string[]);
}

/**
 * Why a transform that changes the words of an install leaves it alone:
 * `xargs` runs it, or it is in the script of a `sh -c` or `su -c`, or a
 * wrapper would take an option added to it as its own (see
 * `ShellCommand.readOnly`). Null when the first such command of `installs`
 * is none, or there is none.
 */
export function readOnlyInstall(installs: ShellCommand[]): string | null {
  const nested = installs.find((command) => command.readOnly);
  if (!nested?.readOnly) return null;
  return `it runs \`${programName(nested)}\` ${readOnlyWhy(nested.readOnly)}`;
}

/** The limitation the transforms that change an install's words state about `readOnlyInstall`. */
export const READ_ONLY_LIMITATION =
  'An install run by `xargs`, or in the script of `sh -c` (`bash -c`), `su -c` (`runuser -c`) or `flock FILE -c`, is left alone: its words are not all in the RUN, or are inside a quoted script. So is one behind `runuser -u` with no `--` before it, which would take an option added to it as its own. Behind `sudo`, `env`, `gosu`, `su-exec`, `setpriv`, `unshare`, `flock`, `busybox`, `eatmydata`, `fakeroot`, `nice`, `timeout` and the other wrappers dslim reads it is changed like any other; behind `chroot`, or a wrapper given an option dslim does not know, it is not recognised.';

/**
 * A `--mount` of the RUN, of any type, at or above one of `dirs`: what the
 * RUN writes there goes into the mount (a cache, a bind mount, a tmpfs),
 * never into a layer, and a cleanup there would reach into the mount
 * instead: a read-only bind mount fails it, a writable one loses the
 * user's files. Null when there is none.
 */
export function mountOverCache(
  doc: DockerDocument,
  run: InstructionInfo,
  dirs: string[],
): RunMount | null {
  const mounts = runMounts(run, directoryAt(doc, run));
  return (
    mounts.find((m) => m.path !== null && dirs.some((dir) => mayBeWithin(dir, m.path!))) ?? null
  );
}

/**
 * True when `--mount`s of a later RUN, of any type, cover every directory
 * of the cache (each at it or above it): that RUN reads the mounts there,
 * not the files an earlier RUN left in the layer, so it is no reader of
 * them. A mount `from` a stage or image does not count, since it may bring
 * those very files back (`from=` the stage itself), and neither does one
 * whose target is reached only through a link.
 */
function mountedForReader(doc: DockerDocument, run: InstructionInfo, dirs: string[]): boolean {
  const mounts = runMounts(run, directoryAt(doc, run)).filter(
    (m) => m.path !== null && mountOption(m.flag, 'from') === null,
  );
  return dirs.length > 0 && dirs.every((dir) => mounts.some((m) => isWithin(dir, m.path!)));
}

/**
 * Why a `--mount` of the RUN that is not over the cache (see
 * `mountOverCache`) still keeps a cache transform away: its target is
 * inside the cache, so the cache holds what the mount brings, which a
 * cleanup cannot delete and the install may read; or its target cannot be
 * resolved, and may be the cache or a directory above it. Null when no
 * mount is either.
 */
export function mountInCacheProblem(
  doc: DockerDocument,
  run: InstructionInfo,
  dirs: string[],
): string | null {
  for (const mount of runMounts(run, directoryAt(doc, run))) {
    const what = `its ${mount.type} mount`;
    if (mount.path === null)
      return mount.target === null
        ? `${what} has no target dslim can read, so it may cover the cache`
        : `${what} at \`${mount.target}\` is at a path dslim cannot resolve, which may be the cache or a directory above it`;
    if (dirs.some((d) => mayBeWithin(d, mount.path!))) continue;
    const dir = dirs.find((d) => mayBeWithin(mount.path!, d));
    if (dir)
      return `${what} at \`${mount.target}\` is inside the cache (\`${dir}\`): a cleanup would reach into the mount, whose mount point it cannot delete, and the install may read what the mount holds`;
  }
  return null;
}

/**
 * The commands of a package manager among `commands` (see `managerArgs`):
 * those whose files its cleanup removes, and whose user it must share (see
 * `appendCommands`).
 */
export function managerCommands(commands: ShellCommand[], rule: OfflineRule): ShellCommand[] {
  return commands.filter((command) => managerArgs(command, rule) !== null);
}

/** The program name without its directory: `/usr/bin/pip3` → `pip3`. */
export function programName(command: ShellCommand): string {
  return programOf(command.name);
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

/**
 * The RUNs after `run` (see `laterRuns`) that may read what it leaves in
 * `dirs`: not one whose own mounts cover every one of them (see
 * `mountedForReader`), which reads the mounts instead of the layer.
 */
export function laterReaders(
  doc: DockerDocument,
  run: InstructionInfo,
  dirs: string[],
): RunScript[] {
  return laterRuns(doc, run, dirs).filter((later) => !mountedForReader(doc, later.run, dirs));
}

/** True when a word is an `rm` operand at or below `dir`. */
export function removes(command: ShellCommand, dir: string): boolean {
  if (programName(command) !== 'rm') return false;
  return command.args.some((word) => word.text === dir || word.text.startsWith(`${dir}/`));
}

/** Where a command is in its script (see `ShellCommand`). */
type CommandSpan = Pick<ShellCommand, 'start' | 'end'>;

/** A package manager's cache, as the cache transforms guard it. */
export interface Cache {
  /** The directories it is in. */
  dirs: string[];
  /** How the manager's commands run from it instead of the network (see offline-readers.ts). */
  offline?: OfflineRule;
  /** The variables that move it, and where to (see `cacheDirs`). */
  moves?: CacheMove[];
}

/**
 * A variable that moves a cache: `dirs` gives the directories it is in for
 * the variable's value. A cache's moves are listed strongest first: one set
 * wins over those after it (`PIP_CACHE_DIR` over `HOME`).
 */
export interface CacheMove {
  variable: string;
  dirs: (value: string) => string[];
  /**
   * Where the variable puts the cache that is at the default directory
   * `dir` without it, or null when it leaves that one where it is (`HOME`
   * moves `/root/.npm`, not `/opt/conda/pkgs`). Unset: it moves every one
   * to `dirs`.
   */
  relocate?: (value: string, dir: string) => string[] | null;
}

/** Moves of a cache below the home directory: `HOME=/app` puts `/root/.npm` at `/app/.npm`. */
export function homeMoves(...below: string[]): CacheMove {
  return {
    variable: 'HOME',
    dirs: (home) => below.map((dir) => posix.join(home, dir)),
    relocate: (home, dir) =>
      below.some((b) => dir === posix.join('/root', b))
        ? [posix.join(home, posix.relative('/root', dir))]
        : null,
  };
}

/** Where a cache is for a RUN (see `cacheDirs`). */
export interface CacheDirs {
  /** Every directory it may be in: the defaults and wherever a variable set before the RUN puts it. */
  dirs: string[];
  /**
   * Where the variables set before the RUN put it, by the strongest of them
   * for each default directory: where the RUN writes it, unless the base
   * image sets a stronger variable.
   */
  live: string[];
}

/**
 * The directories a cache is in for `run`: its default ones, plus those
 * each of its moving variables names when an ENV or ARG before the RUN, in
 * its stage or a stage it builds on, sets it (the defaults stay, since the
 * base image may set a variable that wins); and, apart, those the strongest
 * of them leave it in (see `CacheDirs.live`). A reason instead when the RUN
 * sets one of them itself, or the ENV or ARG gives no literal absolute
 * path: the cache then moves to a path dslim cannot read, which a later
 * reader may name.
 */
export function cacheDirs(
  doc: DockerDocument,
  { run, commands }: RunScript,
  cache: Cache,
): CacheDirs | { reason: string } {
  const dirs = [...cache.dirs];
  const set: { move: CacheMove; value: string }[] = [];
  for (const move of cache.moves ?? []) {
    const own = commands.find((c) => setsVariable(c, move.variable));
    if (own)
      return {
        reason: `the \`RUN\` sets \`${move.variable}\`, which moves the cache to a path dslim does not read`,
      };
    const setting = variableSetting(doc, run, new Set([move.variable]));
    if (!setting) continue;
    const where = `the \`${setting.instruction.keyword}\` on line ${lineRef(setting.instruction)}`;
    const moved = setting.value === null ? [] : move.dirs(setting.value);
    if (moved.length === 0 || moved.some((dir) => /[$`]/.test(dir) || !dir.startsWith('/')))
      return {
        reason: `${where} sets \`${move.variable}\` to a value that is not an absolute path written out, so the cache moves to a path dslim cannot read`,
      };
    dirs.push(...moved.map(normalDir));
    set.push({ move, value: setting.value! });
  }
  return { dirs: [...new Set(dirs)], live: liveDirs(cache.dirs, set) };
}

/**
 * Where the variables `set` put a cache whose default directories are
 * `defaults`: for each, the strongest variable that moves it decides.
 */
function liveDirs(defaults: string[], set: { move: CacheMove; value: string }[]): string[] {
  const live = defaults.map((dir) => {
    for (const { move, value } of set) {
      const to = move.relocate ? move.relocate(value, dir) : move.dirs(value);
      if (to) return to.map(normalDir);
    }
    return [dir];
  });
  return [...new Set(live.flat())];
}

/** A directory as the cache checks compare it: normalized, without a final slash. */
function normalDir(dir: string): string {
  return posix.normalize(dir).replace(/(.)\/+$/, '$1');
}

/**
 * True when a cache mount at `target`, in root's home, need not hold the
 * cache: a command of the manager runs as another user, by the RUN's USER
 * or through a wrapper (`gosu app npm ci`), and so keeps its cache in
 * that user's home.
 */
function mountMissesCache(
  doc: DockerDocument,
  { run, commands }: RunScript,
  cache: Cache,
  target: string,
): boolean {
  // `target` is a resolved mount path (see `runMounts`): already normalized.
  if (!cache.offline || !isWithin(target, '/root')) return false;
  const own = runUser(doc, run);
  return managerCommands(commands, cache.offline).some((c) => !sameUser(c.user ?? own, 'root'));
}

/**
 * Says, as a note, why a cache transform leaves a RUN alone: a mount of
 * any type over a directory the cache is in for the RUN (its default one,
 * or where a variable set before it moves it: see `CacheDirs.live`) already
 * keeps it out of every layer (message `mounted`, with `{mount}` its type;
 * see `mountOverCache`; not one in root's home that the manager's user does
 * not use, see `mountMissesCache`), or the RUN cannot be edited, or a
 * mount inside the cache or where dslim cannot tell keeps it (see
 * `mountInCacheProblem`), or its install only downloads packages into the
 * cache for a later one (see `downloadOnly`), or it ends by filling the
 * cache (see `endsFilling`), or a COPY or ADD before it writes into the
 * cache (see `copiedCache`), or a later stage reads the cache as files (see
 * `readByLaterStage`), or a later RUN, or a command of this one, reads it
 * (see `cacheReader`; all message `refused`). A transform that changes the
 * install itself passes the first install it changes; one that appends its
 * cleanup passes none, and the RUN's own commands are left out, since they
 * still see the cache. True when it is left alone; `data` fills the
 * messages' other placeholders. The `mounted` note is about the mount's
 * flag: one that dslim itself added in this run needs no note.
 */
export function leaveAlone(
  doc: DockerDocument,
  report: Reporter,
  script: RunScript,
  cache: Cache,
  data: MessageData = {},
  install: CommandSpan | null = null,
): boolean {
  const { run, refusal } = script;
  const moved = cacheDirs(doc, script, cache);
  const dirs = 'dirs' in moved ? moved.dirs : cache.dirs;
  const live = 'live' in moved ? moved.live : cache.dirs;
  const mount = mountOverCache(doc, run, live);
  if (mount && !mountMissesCache(doc, script, cache, mount.path!)) {
    const about = mount.flag.getRange();
    report.note(
      run.span.start,
      'mounted',
      { ...data, target: mount.target!, mount: mount.type },
      { start: doc.offsetAt(about.start), end: doc.offsetAt(about.end) },
    );
    return true;
  }
  const reason =
    refusal ??
    mountInCacheProblem(doc, run, live) ??
    downloadOnly(script, cache.offline) ??
    endsFilling(script, cache) ??
    ('reason' in moved ? moved.reason : null) ??
    copiedCache(doc, run, dirs) ??
    readByLaterStage(doc, run, dirs) ??
    cacheReader(doc, script, { ...cache, dirs }, install);
  if (reason) report.note(run.span.start, 'refused', { ...data, reason });
  return reason !== null;
}

/**
 * The line of a command of a RUN, for a message (see `lineRef`): where the
 * command is, not where its RUN starts. A RUN that joins several RUNs of
 * the input (merge-runs ran in an earlier round) starts on the line of the
 * first, while a command from a later one is on that one's line in the
 * input. `start` is the command's offset in the RUN's script; a heredoc or
 * exec-form RUN, whose commands are not read from that script, gives the
 * RUN's own line.
 */
export function commandLine(run: InstructionInfo, start: number): string {
  return lineRef(run.opaque || run.execForm ? run.span.start : run.body.toFile(start));
}

/**
 * Why a RUN ends by filling the cache on purpose: the last command of the
 * manager that uses the cache (one that reaches the network or the cache,
 * fills it or empties it; see `OfflineRule.fillers`), or the last `rm` of
 * it, is one that only fills it (`yum makecache`, `apt-get update` after the
 * install). A cleanup after it, or a change that keeps the install from
 * the cache, would undo what the RUN asks for. Null for another RUN.
 */
export function endsFilling({ commands }: RunScript, cache: Cache): string | null {
  const rule = cache.offline;
  if (!rule?.fillers) return null;
  let last: { command: ShellCommand; filler: string | null } | null = null;
  for (const command of commands) {
    const args = managerArgs(command, rule);
    if (!args) {
      if (cache.dirs.some((dir) => removes(command, dir))) last = null;
      continue;
    }
    const filler = leadingWords(args, rule.fillers);
    const empties = leadingWords(args, rule.emptiers ?? []) !== null;
    if (filler !== null || empties || !networkFree(args, rule)) last = { command, filler };
  }
  if (!last?.filler) return null;
  const words = `${programWords(last.command, rule)} ${last.filler}`;
  return `\`${words}\` after the install only fills the cache, so the \`RUN\` ends by filling it on purpose`;
}

/**
 * Why a cleanup of the cache would save nothing and take away what was put
 * there on purpose: a COPY or ADD before the RUN (in its stage or one it
 * builds on, see `copiedInto`) writes into it, or into a directory above
 * it. Those files stay in that instruction's layer whatever the RUN does,
 * a cleanup would only take them out of the image, and the RUN may be
 * meant to use them. Null when none does.
 */
function copiedCache(doc: DockerDocument, run: InstructionInfo, dirs: string[]): string | null {
  for (const dir of dirs) {
    const copy = copiedInto(doc, run, dir);
    if (copy)
      return `${copyPhrase(copy, dir, 'first')}: what it brings there stays in its layer whatever this \`RUN\` does, and the \`RUN\` may be meant to use it`;
  }
  return null;
}

/**
 * The limitation every cache transform states about `copiedCache` and, for
 * its tools' commands that only fill the cache (`fillers`, as `yum
 * makecache`), about `endsFilling`.
 */
export function filledOnPurposeLimitation(fillers: string[]): string {
  const list = orList(fillers.map((f) => `\`${f}\``));
  const ends =
    fillers.length > 0
      ? `A RUN whose last command of the tool that uses the cache only fills it (${list}), with no cleanup of the cache after it, is left alone: the RUN leaves the cache filled on purpose. `
      : '';
  return `${ends}A RUN after a COPY or ADD (in its stage or a stage it builds on) that writes into the cache or a directory above it is left alone: what the COPY brings stays in its layer whatever the RUN does, and the RUN may be meant to use it. A relative destination under the base image's working directory is taken to be outside the cache.`;
}

/** The limitation every cache transform states about `cacheReader`. */
export const CACHE_READER_LIMITATION =
  'A RUN is left alone when a later RUN (an `ONBUILD RUN` too) names a path in the cache, the cache directory or a directory above it short of a top-level one (`/root/.cache`, not `/root`), or runs inside it; so is one whose own later commands do, when the change is to the install itself. A reader in the script of a `sh -c` or `su -c` counts too, and so does any command behind a wrapper that runs its program where dslim cannot follow it: `chroot` (another root), `env -S` or `unshare --root`, or a wrapper (`setpriv`, `unshare`, `strace`, `php` and the like) given an option dslim does not know. So is one whose container starts with such a reader when the stage has the files of the RUN: its ENTRYPOINT with its CMD after it (as the stages it builds on leave them; an ENTRYPOINT drops the CMD it inherits; a shell-form one runs through its SHELL), or the words of the CMD on their own, which an entrypoint script often runs; there a reader names an absolute path (or one under `~`), or is a command of the manager given an offline option or run under an offline variable. A later RUN whose own `--mount`s (of any type, but not one `from` a stage or image, which may bring the files back) are at or above every directory of the cache reads those mounts, not the layer, and is no reader. A reader that reaches the cache only through a variable, a script file or `/` is not seen. Later RUNs are those of the stage and of every stage built on it: a FROM that names it, also through the defaults of global ARGs (`ARG A=deps`, `ARG B=$A`, `FROM $B`), and a FROM holding an ARG without a default, which a `--build-arg` may point at it, unless the rest of its image rules a stage name out (`golang:$V`). Such a FROM counts the other way too: what any stage before it does (fill the cache, set a variable, copy files, switch `USER`) may have happened before the RUNs built on it.';

/** The limitation every cache transform states about `mountOverCache` and `mountInCacheProblem`. */
export const EXISTING_MOUNT_LIMITATION =
  "A RUN that already has a `--mount` of any type (`cache`, `bind`, `tmpfs`, `secret`, `ssh`; `bind` when it names none) at one of the cache's directories or above it is left alone, with a note naming the type: what the RUN writes there never reaches a layer, and a cleanup would reach into the mount, which fails on a read-only bind mount and deletes the files of a writable one. So is a RUN with a mount inside the cache, whose files a cleanup cannot delete and the install may read, or with a mount target dslim cannot resolve (a variable, or a relative path under an unknown working directory), which may be either. A relative target is resolved against the WORKDIR, as BuildKit does.";

/**
 * The limitation every cache transform whose cache can move states about
 * `cacheDirs`, naming its moving variables.
 */
export function movedCacheLimitation(moves: CacheMove[]): string {
  // Two caches of one tool may both move with `HOME`: it is named once.
  const names = [...new Set(moves.map((m) => `\`${m.variable}\``))].join(', ');
  return `When an ENV or ARG before the RUN (in its stage or a stage it builds on) sets ${names}, the directory it names counts as the cache too, for later readers; a mount the RUN already has holds the cache only where the first of them that is set puts it (each wins over those after it), so one at the default directory then keeps no change away; a value that is not an absolute path written out, or a setting in the RUN itself, leaves the RUN alone, since the cache then moves where dslim cannot follow. A cache mount in root's home does not count as holding the cache when a command of the tool runs as another user, by a \`USER\` or through a wrapper (\`gosu app\`, \`sudo -u app\`): that user's cache is in its own home. The base image's own environment, config files and \`USER\` are not known.`;
}

/**
 * Why the cache must stay: a command of a RUN that sees the layer (see
 * `laterRuns`) names a path in the cache, the cache itself or a directory
 * above it short of a top-level one (`/root/.cache`, not `/root`), or runs
 * inside it, and so may read what the install left there; or it is a
 * command of the cache's manager that runs from the cache rather than the
 * network (see `offlineUse`); or it runs a program dslim cannot follow,
 * which may read anything (see `hiddenIn`). When `install`, the first install the
 * transform changes, is given, the commands of the RUN after it count too,
 * and so does an install of its own that runs from the cache: the change
 * would keep it from the cache. Removing the cache with `rm -f` is not
 * reading it. The first such command is named, with the line of its RUN.
 * Null when no command is one.
 */
export function cacheReader(
  doc: DockerDocument,
  script: RunScript,
  cache: Cache,
  install: CommandSpan | null,
): string | null {
  const { dirs, offline } = cache;
  const own = readerIn(doc, script, dirs, install?.end ?? Infinity);
  if (own) return `\`${own.name}\` after the install names the cache, which it may read`;
  const ownLookup = offline && lookupIn(script, offline, install?.end ?? Infinity);
  if (ownLookup) return `\`${ownLookup.text}\` after the install looks into the cache`;
  const ownUse = offline && offlineUse(doc, script, offline, install?.start ?? Infinity);
  if (ownUse) {
    const where = install && ownUse.start >= install.end ? 'later in this `RUN`' : 'here';
    return `\`${ownUse.command}\` ${where} runs from the cache rather than the network (${ownUse.why}), so the change would leave it nothing to read`;
  }
  const ownHidden = hiddenIn(script, install?.end ?? Infinity);
  if (ownHidden)
    return `\`${ownHidden.name}\` after the install may read the cache: ${ownHidden.why}`;
  for (const later of laterReaders(doc, script.run, dirs)) {
    const on = (start: number) => `in the \`RUN\` on line ${commandLine(later.run, start)}`;
    const reader = readerIn(doc, later, dirs, 0);
    if (reader) return `\`${reader.name}\` ${on(reader.start)} names the cache, which it may read`;
    const lookup = offline && lookupIn(later, offline, 0);
    if (lookup)
      return `\`${lookup.text}\` ${on(lookup.start)} looks into the cache this \`RUN\` leaves`;
    const use = offline && offlineUse(doc, later, offline, 0);
    if (use)
      return `\`${use.command}\` ${on(use.start)} runs from the cache rather than the network (${use.why}), so it needs what this \`RUN\` leaves there`;
    const hidden = hiddenIn(later, 0);
    if (hidden) return `\`${hidden.name}\` ${on(hidden.start)} may read the cache: ${hidden.why}`;
  }
  return startReader(doc, script.run, cache);
}

/**
 * Why the cache must stay for the container: the command a stage that has
 * this RUN's files starts with (see `startCommand`) reads it (see
 * `startUse`). The first such command is named, with where the file sets it.
 */
function startReader(doc: DockerDocument, run: InstructionInfo, cache: Cache): string | null {
  for (const stage of new Set(heirs(doc, run, cache.dirs).map((h) => h.stage))) {
    const start = startCommand(doc, stage);
    const keyword = (passed: boolean) => (start.entrypoint && !passed ? 'ENTRYPOINT' : 'CMD');
    const use = ({ command, passed }: Started) =>
      startUse(doc, { stage, index: Infinity, keyword: keyword(passed) }, command, cache);
    const found = startedCommand(start, (command) => use({ command, passed: false }) !== null);
    if (!found) continue;
    const why = use(found)!;
    return `${startRuns(start, `\`${programName(found.command)}\``, found.passed)}, and it ${why}`;
  }
  return null;
}

/**
 * How a command a container starts with reads the cache the image holds,
 * for a message, or null: it names a path in it (an absolute one, or under
 * `~`), or runs a program dslim cannot follow (see `ShellCommand.hidden`),
 * or is a command of the manager that looks into the cache, or runs from it
 * rather than the network: by an option of its own, or a variable set for
 * it (in `end.keyword`, the instruction that gives it) or by an ENV or ARG
 * of `end.stage`, whose end `end` is.
 */
function startUse(
  doc: DockerDocument,
  end: Pick<InstructionInfo, 'stage' | 'index' | 'keyword'>,
  command: ShellCommand,
  { dirs, offline }: Cache,
): string | null {
  const words = command.args.flatMap((w) => [w.text, w.text.slice(w.text.indexOf('=') + 1)]);
  if (words.some((word) => namesCache(word, null, dirs)))
    return 'names the cache, which it may read';
  if (command.hidden !== null) return `may read the cache: ${command.hidden}`;
  const args = offline && managerArgs(command, offline);
  if (!offline || !args) return null;
  if (cacheLookup(args, offline)) return 'looks into the cache';
  if (networkFree(args, offline)) return null;
  const option = switchedOn(args, offline);
  const why = option ? `\`${option}\`` : variableWhy(doc, end, command, offline);
  return why ? `runs from the cache rather than the network (${why})` : null;
}

/**
 * The first command of the manager in a script, from offset `after` on,
 * that runs from its cache rather than the network, and why: an option of
 * its own (`--offline`), a variable set for it (on the command, earlier in
 * the RUN, or by an ENV or ARG before the RUN), a `config set` before it
 * (in the RUN or one before it in the stages it builds on), or a `RUN
 * --network=none` around it. A command that reaches neither the network
 * nor the cache (`npm run`, see `OfflineRule.networkFree`) is never one.
 * Null when there is none.
 */
function offlineUse(
  doc: DockerDocument,
  { run, commands }: RunScript,
  rule: OfflineRule,
  after: number,
): { command: string; why: string; start: number } | null {
  const noNetwork = flagValue(run, 'network')?.toLowerCase() === 'none';
  for (const command of commands) {
    const args = managerArgs(command, rule);
    if (command.start < after || !args || networkFree(args, rule)) continue;
    const option = switchedOn(args, rule);
    const why =
      (option && `\`${option}\``) ??
      variableWhy(doc, run, command, rule) ??
      configWhy(doc, run, command, rule) ??
      (noNetwork ? '`RUN --network=none`' : null);
    if (why) return { command: commandWords(command, rule), why, start: command.start };
  }
  return null;
}

/** How a variable of `rule` that turns offline use on is set for `command`, or null. */
function variableWhy(
  doc: DockerDocument,
  run: Pick<InstructionInfo, 'stage' | 'index' | 'keyword'>,
  command: ShellCommand,
  rule: OfflineRule,
): string | null {
  for (const name of rule.variables ?? []) {
    if (setsVariable(command, name)) return `\`${name}\` set in the \`${run.keyword}\``;
    const setting = variableSetting(doc, run, new Set([name]));
    if (setting && turnsOn(setting.value))
      return `\`${name}\` set by the \`${setting.instruction.keyword}\` on line ${lineRef(setting.instruction)}`;
  }
  return null;
}

/**
 * The `config set` of one of `rule`'s keys that turns offline use on for
 * `command`: earlier in its RUN, or in a RUN before it in its stage or a
 * stage that stage builds on. Null when there is none.
 */
function configWhy(
  doc: DockerDocument,
  run: InstructionInfo,
  command: ShellCommand,
  rule: OfflineRule,
): string | null {
  const keys = (rule.configKeys ?? []).map(configKey);
  if (keys.length === 0 || !run.stage) return null;
  const scripts = possibleLineage(doc, run.stage).flatMap((stage) => runScripts(doc, stage));
  for (const script of scripts) {
    if (script.run.index > run.index) continue;
    for (const earlier of script.commands) {
      if (script.run === run && earlier.start >= command.start) break;
      const args = managerArgs(earlier, rule);
      const set = args && configSetting(args);
      if (!set || !keys.includes(configKey(set.key)) || !turnsOn(set.value)) continue;
      const where =
        script.run === run
          ? 'earlier in the `RUN`'
          : `on line ${commandLine(script.run, earlier.start)}`;
      return `\`${programWords(earlier, rule)} ${set.text}\` ${where}`;
    }
  }
  return null;
}

/** npm writes `prefer-offline`, conda `use_index_cache`: either spelling names the key. */
function configKey(key: string): string {
  return key.replace(/_/g, '-').toLowerCase();
}

/**
 * Why a cache mount may not go on a RUN whose own command of the manager
 * runs from the cache rather than the network: the mount hides the cache
 * the image has while the RUN runs. Cleaning up after it is still safe.
 */
export function offlineMountProblem(
  doc: DockerDocument,
  script: RunScript,
  rule: OfflineRule,
): string | null {
  const use = offlineUse(doc, script, rule, 0);
  if (!use) return null;
  return `\`${use.command}\` runs from the cache rather than the network (${use.why}), and a mount would hide the cache the image has`;
}

/**
 * Why a RUN whose install only downloads packages into the cache, for a
 * later step to install from there, must keep the cache: removing it, or
 * mounting it, would throw away all the install did. Null for another RUN.
 */
export function downloadOnly(
  { commands }: RunScript,
  rule: OfflineRule | undefined,
): string | null {
  if (!rule?.downloadOnly) return null;
  for (const command of commands) {
    const args = managerArgs(command, rule);
    const option = args && switchedOn(args, rule.downloadOnly);
    if (option)
      return `\`${commandWords(command, rule)}\` only downloads packages into the cache (\`${option}\`), for a later step to install them from there`;
  }
  return null;
}

/**
 * The first command of the manager in a script, from offset `after` on,
 * that looks into its cache (see `OfflineRule.lookups`), for a message:
 * `pip cache list`. Null when there is none.
 */
function lookupIn(
  { commands }: RunScript,
  rule: OfflineRule,
  after: number,
): { text: string; start: number } | null {
  for (const command of commands) {
    const args = managerArgs(command, rule);
    const lookup = command.start >= after && args && cacheLookup(args, rule);
    if (lookup) return { text: `${programWords(command, rule)} ${lookup}`, start: command.start };
  }
  return null;
}

/**
 * The first command of a script from offset `after` on that runs a program
 * dslim cannot follow (see `ShellCommand.hidden`), by name, and why: it may
 * read any cache.
 */
function hiddenIn(
  { commands }: RunScript,
  after: number,
): { name: string; why: string; start: number } | null {
  const command = commands.find((c) => c.hidden !== null && c.start >= after);
  return command
    ? { name: programName(command), why: command.hidden!, start: command.start }
    : null;
}

/**
 * The name and offset of the first command of a script from `after` on
 * that names a path of the cache.
 */
function readerIn(
  doc: DockerDocument,
  { run, commands }: RunScript,
  dirs: string[],
  after: number,
): { name: string; start: number } | null {
  const cwd = directoryAt(doc, run);
  const plain = (c: ShellCommand) => ({
    ...c,
    args: c.args.map((w) => w.text),
    cwd: null,
    redirects: [],
  });
  // The commands of a `sh -c` script are words of the RUN's script, not commands of it.
  const scripted = commands.filter((c) => c.readOnly?.endsWith(' -c')).map(plain);
  const facts =
    run.opaque || run.execForm
      ? commands.map(plain)
      : [...scanScript(run.body.text, cwd).commands, ...scripted].sort((a, b) => a.start - b.start);
  const reader = facts.find((c) => {
    if (c.start < after || forceRemoves(c)) return false;
    if (c.cwd !== null && dirs.some((dir) => isWithin(c.cwd!, dir))) return true;
    const words = [...c.args, ...c.redirects].flatMap((w) => [w, w.slice(w.indexOf('=') + 1)]);
    return words.some((word) => namesCache(word, c.cwd, dirs));
  });
  return reader ? { name: reader.name, start: reader.start } : null;
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
