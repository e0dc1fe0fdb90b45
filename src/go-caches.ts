/**
 * Go's two caches as dslim reads them: the build cache and the module cache,
 * where they are, what moves them, which go commands fill or read them, and
 * whether a RUN's layer is the one that fills them.
 */
import { posix } from 'node:path';
import { movedCacheProblem } from './cache-mounts';
import type { DockerDocument, InstructionInfo } from './document';
import { heirs } from './later-stages';
import { lineRef } from './line-ref';
import { GO_OFFLINE, managerArgs, networkFree } from './offline-readers';
import {
  commandLine,
  cacheDirs,
  homeMoves,
  laterReaders,
  mountOverCache,
  offlineMountProblem,
  programName,
  removes,
  runScripts,
  triggerScripts,
  type Cache,
  type CacheMove,
  type RunScript,
} from './package-runs';
import { homeAsRoot, isWithin, resolvePath } from './paths';
import { hasFlag, type ShellCommand } from './shell-commands';
import { startCommand, startedCommand, startRuns, type StartCommand } from './start-command';
import { mayBuildOnPhrase, officialImageTag, possibleLineage, stageLineage } from './stage-paths';

/** Subcommands that compile, and so write compiled packages to the build cache. */
const COMPILES = new Set(['build', 'install', 'test', 'run', 'vet', 'generate', 'tool']);

/** Subcommands that load packages, and so download the modules they miss. */
const LOADS = new Set([...COMPILES, 'get', 'list']);

/** What `go mod` and `go work` do that downloads modules. */
const MODULE_DOWNLOADS = new Set(['download', 'tidy', 'vendor', 'graph', 'why', 'sync']);

/**
 * Programs that run `go` themselves: tonistiigi/xx's cross-compiling
 * wrapper, and the build tools of Go projects. A later RUN of one of them
 * may read the caches as a go command does.
 */
const GO_DRIVERS = /^(xx-go|make|gmake|mage|goreleaser)$/;

export const BUILD_CACHE = '/root/.cache/go-build';

/** `$GOPATH/pkg/mod`: the `golang` image sets `GOPATH=/go`, go's default is `~/go`. */
export const MODULE_CACHES = ['/go/pkg/mod', '/root/go/pkg/mod'];

export const BUILD_MOVES: CacheMove[] = [
  { variable: 'GOCACHE', dirs: (dir) => [dir] },
  { variable: 'XDG_CACHE_HOME', dirs: (dir) => [`${dir}/go-build`] },
  homeMoves('.cache/go-build'),
];

/** `GOPATH` is a list: the module cache is in its first entry. */
export const MODULE_MOVES: CacheMove[] = [
  { variable: 'GOMODCACHE', dirs: (dir) => [dir] },
  { variable: 'GOPATH', dirs: (list) => [posix.join(list.split(':')[0], 'pkg/mod')] },
  homeMoves('go/pkg/mod'),
];

/** One of Go's two caches, as this transform cleans or mounts it. */
export interface GoCache {
  /** For messages: `build cache`. */
  name: string;
  /** The `go clean` flag that empties it, wherever it is. */
  flag: string;
  /** Where it is by default, what moves it, and what runs from it offline. */
  cache: Cache;
  /** Where a cache mount for it goes. */
  target: string;
  /** True when a go command, by its subcommand words (`['mod', 'download']`) and options, may write to it. */
  fills: (subcommand: string[], options: string[]) => boolean;
  /** Why a cache mount may not go on the RUN, or null. */
  mountProblem: (doc: DockerDocument, script: RunScript) => string | null;
}

export const BUILD: GoCache = {
  name: 'build cache',
  flag: '-cache',
  cache: { dirs: [BUILD_CACHE], offline: GO_OFFLINE, moves: BUILD_MOVES },
  target: BUILD_CACHE,
  // `go get -d` only downloads; without it, a GOPATH-mode `go get` builds.
  fills: ([sub], options) => COMPILES.has(sub) || (sub === 'get' && !options.includes('-d')),
  mountProblem: (doc, { run, commands }) =>
    movedCacheProblem(doc, run, commands, ['GOCACHE'], commands.filter(isGo)),
};

export const MODULES: GoCache = {
  name: 'module cache',
  flag: '-modcache',
  cache: { dirs: MODULE_CACHES, offline: GO_OFFLINE, moves: MODULE_MOVES },
  target: MODULE_CACHES[0],
  fills: ([sub, action]) =>
    LOADS.has(sub) || ((sub === 'mod' || sub === 'work') && MODULE_DOWNLOADS.has(action)),
  mountProblem: moduleMountProblem,
};

export const GO_CACHES = [BUILD, MODULES];

/**
 * Why the module cache may not be mounted at `/go/pkg/mod`: only the
 * official `golang` image puts it there, with `GOPATH=/go`, and the
 * RUN must run as root, move neither `GOPATH` nor `GOMODCACHE`, and not run
 * from the modules the image already has.
 */
function moduleMountProblem(doc: DockerDocument, script: RunScript): string | null {
  const { run, commands } = script;
  const tag = run.stage && officialImageTag(doc, run.stage, 'golang');
  if (tag === null)
    return 'where Go keeps its modules depends on the base image, and only that of the `golang` image (`/go/pkg/mod`) is known';
  return (
    movedCacheProblem(doc, run, commands, ['GOPATH', 'GOMODCACHE'], commands.filter(isGo), false) ??
    offlineMountProblem(doc, script, GO_OFFLINE)
  );
}

/** The directories a cache is in for the RUN (see `cacheDirs`), which `leaveAlone` has allowed. */
export function movedDirs(doc: DockerDocument, script: RunScript, cache: GoCache): string[] {
  const moved = cacheDirs(doc, script, cache.cache);
  return 'dirs' in moved ? moved.dirs : cache.cache.dirs;
}

/** Where a RUN writes a cache, as the variables set before it decide (see `CacheDirs.live`). */
function liveDirs(doc: DockerDocument, script: RunScript, cache: GoCache): string[] {
  const moved = cacheDirs(doc, script, cache.cache);
  return 'live' in moved ? moved.live : cache.cache.dirs;
}

/**
 * Why this RUN's cleanup would save nothing of `cache`: a RUN before it in
 * its stage or the stages it builds on, or may build on (see
 * `possibleLineage`; an `ONBUILD RUN` of those too), leaves the cache
 * filled in its layer, with no mount where it writes the cache (see
 * `CacheDirs.live`). `go clean` would delete those files from the image,
 * not from the layer that holds them, along with what this RUN adds. Null
 * when none does. (A COPY or ADD that writes into the cache is every cache
 * transform's check: see `leaveAlone`.)
 */
export function filledBefore(
  doc: DockerDocument,
  { run }: RunScript,
  cache: GoCache,
  dirs: string[],
): string | null {
  const stage = run.stage;
  if (!stage) return null;
  const lineage = stageLineage(doc, stage);
  const earlier = possibleLineage(doc, stage).flatMap((ancestor) => [
    ...runScripts(doc, ancestor).filter((s) => s.run.index < run.index),
    // A stage's triggers run in the stages built on it, not in itself.
    ...(ancestor === stage ? [] : triggerScripts(doc, ancestor)),
  ]);
  const tail = `: what that leaves in the cache stays in its layer whatever this \`RUN\` does, and \`go clean\` cannot remove only what this one adds`;
  for (const s of earlier) {
    const mounted = mountOverCache(doc, s.run, liveDirs(doc, s, cache));
    const fill = !mounted && lastFill(s.commands, cache, dirs);
    if (!fill) continue;
    const owner = s.run.stage!;
    const where = lineage.includes(owner) ? '' : `, in ${mayBuildOnPhrase(doc, stage, owner)},`;
    return `the \`RUN\` on line ${commandLine(s.run, fill.start)}${where} runs \`${goWords(fill)}\` first${tail}`;
  }
  return null;
}

/**
 * Why both caches must stay: a RUN that sees this one's layer (see
 * `laterReaders`) runs go, or a program that runs it, which would find them
 * empty; or the start command of a stage that has the files does, when the
 * container starts (see `startCommand`: `ENTRYPOINT ["go"]` with `CMD
 * ["run", "."]` runs `go run`). A stage that may build on any earlier one
 * (see `possibleLineage`) and sets no ENTRYPOINT of its own may start as
 * any of those does.
 */
export function laterGoUse(
  doc: DockerDocument,
  run: InstructionInfo,
  dirs: string[],
): string | null {
  const reads = 'reads what this `RUN` leaves there';
  const uses = `which ${reads}`;
  for (const later of laterReaders(doc, run, dirs)) {
    const go = later.commands.find(readsCaches);
    const on = (start: number) => `in the \`RUN\` on line ${commandLine(later.run, start)}`;
    if (go) return `\`${goWords(go)}\` ${on(go.start)} ${reads}`;
    const driver = later.commands.find((c) => GO_DRIVERS.test(programName(c)));
    if (driver) return `\`${programName(driver)}\` ${on(driver.start)} may run go, ${uses}`;
  }
  for (const stage of new Set(heirs(doc, run, dirs).map((h) => h.stage))) {
    const start = startCommand(doc, stage);
    const own = startsGo(start);
    if (own) return `${own}, ${uses}`;
    if (!start.baseEntrypoint) continue;
    const lineage = stageLineage(doc, stage);
    for (const other of possibleLineage(doc, stage).filter((s) => !lineage.includes(s))) {
      const inherited = startsGo(startCommand(doc, other));
      if (inherited) return `in ${mayBuildOnPhrase(doc, stage, other)}, ${inherited}, ${uses}`;
    }
  }
  return null;
}

/**
 * That a start command runs go, or a program that runs it, for a message
 * (see `startRuns`), or null when it runs neither.
 */
function startsGo(start: StartCommand): string | null {
  const go = startedCommand(start, readsCaches);
  if (go) return startRuns(start, `\`${goWords(go.command)}\``, go.passed);
  const driver = startedCommand(start, (c) => GO_DRIVERS.test(programName(c)));
  if (!driver) return null;
  return `${startRuns(start, `\`${programName(driver.command)}\``, driver.passed)}, and it may run go`;
}

/**
 * Why a RUN keeps the modules it downloads: its last `go mod download` has
 * no build after it, so filling the cache is what the RUN is for. Null for
 * another RUN.
 */
export function downloadsOnly(commands: ShellCommand[]): string | null {
  const download = [...commands].reverse().find((c) => isGo(c) && isModDownload(c));
  if (!download) return null;
  const after = commands.filter((c) => c.start > download.start && isGo(c));
  if (after.some((c) => COMPILES.has(subcommand(c)[0]))) return null;
  return '`go mod download` only downloads modules into it, for a later build to use, and nothing after it in this `RUN` builds';
}

function isModDownload(command: ShellCommand): boolean {
  const [sub, action] = subcommand(command);
  return sub === 'mod' && action === 'download';
}

/**
 * The last command of a script that fills `cache`, when no command after it
 * cleans it again (`go clean -cache`, or an `rm` of the cache or a
 * directory above it short of a top-level one); else undefined.
 */
export function lastFill(
  commands: ShellCommand[],
  cache: GoCache,
  dirs: string[] = cache.cache.dirs,
): ShellCommand | undefined {
  const fill = [...commands].reverse().find((c) => fills(c, cache));
  if (!fill) return undefined;
  const after = commands.filter((c) => c.start > fill.start);
  return after.some((c) => cleans(c, cache, dirs)) ? undefined : fill;
}

function cleans(command: ShellCommand, cache: GoCache, dirs: string[]): boolean {
  if (isGo(command))
    return (
      subcommand(command)[0] === 'clean' && hasFlag(command.args, cache.flag, `-${cache.flag}`)
    );
  return dirs.some((dir) => removes(command, dir) || removesAbove(command, dir));
}

/** An `rm` of a directory above `dir` short of a top-level one, or of all it holds (`/root/.cache/*`). */
function removesAbove(command: ShellCommand, dir: string): boolean {
  if (programName(command) !== 'rm') return false;
  return command.args.some((word) => {
    const path = resolvePath(homeAsRoot(word.text.replace(/\/\*$/, '')), null);
    return path !== null && path.split('/').length > 2 && isWithin(dir, path);
  });
}

export function fills(command: ShellCommand, cache: GoCache): boolean {
  const options = command.args.map((w) => w.text).filter((w) => w.startsWith('-'));
  return isGo(command) && cache.fills(subcommand(command), options);
}

export function isGo(command: ShellCommand): boolean {
  return managerArgs(command, GO_OFFLINE) !== null;
}

/** A go command that may read either cache: any but those that reach neither (`go version`). */
function readsCaches(command: ShellCommand): boolean {
  const args = managerArgs(command, GO_OFFLINE);
  return args !== null && !networkFree(args, GO_OFFLINE);
}

/**
 * The subcommand of a go command and the word after it, options left out:
 * `['mod', 'download']`. `-C dir`, which go takes before the subcommand, is
 * skipped.
 */
function subcommand(command: ShellCommand): string[] {
  const words = command.args.map((w) => w.text);
  const from = words[0] === '-C' ? 2 : 0;
  return words.slice(from).filter((w) => !w.startsWith('-'));
}

/** A go command for a message: `go build`, `go mod download`. */
export function goWords(command: ShellCommand): string {
  const [sub, action] = subcommand(command);
  if (programName(command) !== 'go') return programName(command);
  if (sub === undefined) return 'go';
  return (sub === 'mod' || sub === 'work') && action ? `go ${sub} ${action}` : `go ${sub}`;
}
