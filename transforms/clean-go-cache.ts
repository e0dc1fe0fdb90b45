import { posix } from 'node:path';
import { appendCommands, SHADOW_LIMITATION, TRAP_LIMITATION } from '../src/append';
import {
  CACHES_OPTION,
  copiedInto,
  MOUNT_LIMITATIONS,
  mountCaches,
  movedCacheProblem,
  planMount,
} from '../src/cache-mounts';
import type { DockerDocument, InstructionInfo } from '../src/document';
import { heirs, readByLaterStageLimitation } from '../src/later-stages';
import { lineRef } from '../src/line-ref';
import {
  GO_OFFLINE,
  managerArgs,
  networkFree,
  offlineLimitation,
  OFFLINE_MOUNT_LIMITATION,
} from '../src/offline-readers';
import {
  cacheDirs,
  cacheMountFor,
  homeMoves,
  instructionCommands,
  laterRuns,
  leaveAlone,
  movedCacheLimitation,
  offlineMountProblem,
  programName,
  readOnlyInstall,
  removes,
  runScripts,
  triggerScripts,
  type Cache,
  type CacheMove,
  type RunScript,
  CACHE_READER_LIMITATION,
} from '../src/package-runs';
import { homeAsRoot, isWithin, resolvePath } from '../src/paths';
import { hasFlag, type ShellCommand } from '../src/shell-commands';
import { officialImageTag, stageLineage } from '../src/stage-paths';
import type { Edit, MessageData, Reporter, Transform, TransformOptions } from '../src/types';

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

const BUILD_CACHE = '/root/.cache/go-build';
/** `$GOPATH/pkg/mod`: the `golang` image sets `GOPATH=/go`, go's default is `~/go`. */
const MODULE_CACHES = ['/go/pkg/mod', '/root/go/pkg/mod'];
const BUILD_MOVES: CacheMove[] = [
  { variable: 'GOCACHE', dirs: (dir) => [dir] },
  { variable: 'XDG_CACHE_HOME', dirs: (dir) => [`${dir}/go-build`] },
  homeMoves('.cache/go-build'),
];
/** `GOPATH` is a list: the module cache is in its first entry. */
const MODULE_MOVES: CacheMove[] = [
  { variable: 'GOMODCACHE', dirs: (dir) => [dir] },
  { variable: 'GOPATH', dirs: (list) => [posix.join(list.split(':')[0], 'pkg/mod')] },
  homeMoves('go/pkg/mod'),
];

/** One of Go's two caches, as this transform cleans or mounts it. */
interface GoCache {
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

const BUILD: GoCache = {
  name: 'build cache',
  flag: '-cache',
  cache: { dirs: [BUILD_CACHE], offline: GO_OFFLINE, moves: BUILD_MOVES },
  target: BUILD_CACHE,
  // `go get -d` only downloads; without it, a GOPATH-mode `go get` builds.
  fills: ([sub], options) => COMPILES.has(sub) || (sub === 'get' && !options.includes('-d')),
  mountProblem: (doc, { run, commands }) => movedCacheProblem(doc, run, commands, ['GOCACHE']),
};

const MODULES: GoCache = {
  name: 'module cache',
  flag: '-modcache',
  cache: { dirs: MODULE_CACHES, offline: GO_OFFLINE, moves: MODULE_MOVES },
  target: MODULE_CACHES[0],
  fills: ([sub, action]) =>
    LOADS.has(sub) || ((sub === 'mod' || sub === 'work') && MODULE_DOWNLOADS.has(action)),
  mountProblem: moduleMountProblem,
};

const GO_CACHES = [BUILD, MODULES];

const cleanGoCache: Transform = {
  id: 'clean-go-cache',
  title: 'Clean the Go build and module caches in the RUN that fills them',
  rationale:
    '`go build`, `go test` and `go install` keep every package they compile in the build cache (`~/.cache/go-build`), and every module they download in the module cache (`$GOPATH/pkg/mod`): often hundreds of megabytes in the layer, which nothing in the image reads once the build is done. `go clean -cache -modcache` in the same RUN keeps them out of it.',
  safety: 'cache',
  messages: {
    cleaned: 'Adds `{cleanup}` after `{command}`: {what} no longer stay in the layer.',
    cacheMounted:
      "Adds {mounts} for `{command}`: {what} stay in BuildKit's cache, not in the layer, and the next build reuses them.",
    cleanedNotMounted:
      'Adds `{cleanup}` after `{command}` instead of a cache mount, because {reason}: {what} no longer stay in the layer.',
    mountedAndCleaned:
      "Adds {mounts} for `{command}`, and `{cleanup}` after it instead of a mount for the {other}, because {reason}: {what} stay in BuildKit's cache, and {otherWhat} no longer stay in the layer.",
    mounted:
      'Adds no `go clean {flag}`: `{target}` is a cache mount, so the Go {cache} never reaches a layer.',
    refused: 'Leaves the Go {cache} of this `RUN`: {reason}.',
  },
  options: { caches: CACHES_OPTION },
  limitations: [
    'A go command fills the build cache when it compiles (`build`, `install`, `test`, `run`, `vet`, `generate`, `tool`, and `get` without `-d`), and the module cache when it loads packages or modules (those, `list`, `get`, `mod download`, `mod tidy`, `mod vendor`, `mod graph`, `mod why`, `work sync`, `work vendor`). One that reads only `vendor/` fills no module cache; it still gets `-modcache`, which then removes nothing. Only the cache this RUN fills is cleaned.',
    "A cache that a RUN before this one (in its stage, in a stage it builds on, or an `ONBUILD RUN` of one of those) fills, or that a COPY or ADD writes into, is left alone: those files stay in the earlier layer whatever this RUN does, and `go clean` cannot tell this RUN's own entries from them. The base image's own caches are not known: `go clean` empties them too (the official `golang` image ships them empty).",
    'Both caches stay when a later RUN (an `ONBUILD RUN` too) that sees the layer runs a go command other than `version`, `env`, `help`, `clean`, `bug` or `telemetry`, or `xx-go`, `make`, `gmake`, `mage` or `goreleaser`, which run go themselves: the classic `RUN go mod download` before `COPY . .` keeps its modules for the build after it. So do they when a CMD or ENTRYPOINT of the stage or of a stage built on it runs such a command, as `go run` does when the container starts. A go command run by a script file is not seen.',
    'The module cache of a RUN whose last `go mod download` has no build after it is left alone: the download fills it for a later build, perhaps in an image built on this one, which this file does not show.',
    "A RUN whose go command runs through `sh -c` (`bash -c`) or `xargs` is left alone: the added `go clean` would run in the RUN's own shell, where a `PATH` that script sets does not reach. Behind `sudo`, `env`, `time` and the like it is cleaned like any other; run as another user (`sudo -u`), its caches are that user's, and the added `go clean` empties root's instead.",
    readByLaterStageLimitation([BUILD_CACHE, ...MODULE_CACHES]),
    CACHE_READER_LIMITATION,
    movedCacheLimitation([...BUILD_MOVES, ...MODULE_MOVES]),
    'A cache moved by `go env -w` (the go env file) is not followed.',
    offlineLimitation(['go'], GO_OFFLINE),
    "With `caches: mount`, the build cache is mounted at root's home, so only when the RUN runs as root (no `USER` naming another user) and nothing before it in the stage, or in the stages it builds on, sets `HOME`, `XDG_CACHE_HOME` or `GOCACHE` (an ENV, an ARG or the RUN itself). The module cache is mounted at `/go/pkg/mod` only in stages built from the official `golang` image, whose `GOPATH=/go` puts it there, when the RUN runs as root (BuildKit makes the mount for root) and nothing sets `GOPATH` or `GOMODCACHE`. Elsewhere that cache gets the `go clean` instead, and the message says why. The base image's own `USER` and environment are not known.",
    OFFLINE_MOUNT_LIMITATION,
    ...MOUNT_LIMITATIONS,
    TRAP_LIMITATION,
    SHADOW_LIMITATION,
  ],
  examples: [
    {
      before: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/app .\n',
      after:
        'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/app . && go clean -cache -modcache\n',
    },
    {
      before: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/app .\n',
      after:
        '# syntax=docker/dockerfile:1\nFROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod go build -o /usr/local/bin/app .\n',
      options: { caches: 'mount' },
    },
  ],
  run(doc, report, options) {
    for (const stage of doc.stages) {
      for (const script of runScripts(doc, stage)) {
        const { run, commands } = script;
        const filled = GO_CACHES.filter((cache) => lastFill(commands, cache));
        if (filled.length === 0) continue;
        const at = run.span.start;
        const fillers = commands.filter((c) => filled.some((cache) => fills(c, cache)));
        const nested = script.refusal ?? readOnlyInstall(fillers);
        if (nested) {
          report.note(at, 'refused', { cache: cacheNames(filled), reason: nested });
          continue;
        }
        const open = filled.filter(
          (c) => !leaveAlone(doc, report, script, c.cache, { cache: c.name, flag: c.flag }),
        );
        if (open.length === 0) continue;
        const dirs = new Map(open.map((c) => [c, movedDirs(doc, script, c)]));
        const later = laterGoUse(doc, run, [...dirs.values()].flat());
        const reasons = open.map(
          (c) =>
            filledBefore(doc, script, c, dirs.get(c)!) ??
            later ??
            (c === MODULES ? downloadsOnly(commands) : null),
        );
        noteKept(report, at, open, reasons);
        const clean = open.filter((_, i) => reasons[i] === null);
        if (clean.length > 0) cleanUp(doc, report, options, script, clean);
      }
    }
  },
};

export default cleanGoCache;

/** One note for each reason a cache stays, naming the caches it keeps. */
function noteKept(report: Reporter, at: number, caches: GoCache[], reasons: (string | null)[]) {
  const kept = new Map<string, GoCache[]>();
  reasons.forEach((reason, i) => {
    if (reason !== null) kept.set(reason, [...(kept.get(reason) ?? []), caches[i]]);
  });
  for (const [reason, held] of kept)
    report.note(at, 'refused', { cache: cacheNames(held), reason });
}

/**
 * Mounts what can be mounted when mounts are asked for, and adds `go clean`
 * for the rest at the end of the RUN (see `appendCommands`).
 */
function cleanUp(
  doc: DockerDocument,
  report: Reporter,
  options: TransformOptions,
  script: RunScript,
  caches: GoCache[],
): void {
  const { run, commands } = script;
  const at = run.span.start;
  const last = [...commands].reverse().find(isGo)!;
  const command = goWords([...commands].reverse().find((c) => caches.some((k) => fills(c, k)))!);
  const { mounted, edits: mountEdits, unmounted } = planMounts(options, doc, script, caches);
  const mountData = { command, mounts: mountPhrase(mounted), what: contents(mounted) };
  const rest = unmounted.map((u) => u.cache);
  if (rest.length === 0) {
    report.change(at, 'cacheMounted', mountData, mountEdits);
    return;
  }

  const cleanup = `${last.name} clean ${rest.map((c) => c.flag).join(' ')}`;
  const outcome = appendCommands(doc, run, [cleanup]);
  if ('reason' in outcome) {
    report.note(at, 'refused', { cache: cacheNames(rest), reason: outcome.reason });
    if (mounted.length > 0) report.change(at, 'cacheMounted', mountData, mountEdits);
    return;
  }
  const reason = mountReason(unmounted);
  const data: MessageData = { cleanup, command, what: contents(rest), reason: reason ?? '' };
  if (mounted.length === 0) {
    report.change(at, reason ? 'cleanedNotMounted' : 'cleaned', data, [outcome.edit]);
    return;
  }
  // The mount's edit that only marks the end of the script overlaps the cleanup, which does that too.
  const edits = [...mountEdits.filter((e) => !changesNothing(doc, e)), outcome.edit];
  const mixed = { ...data, ...mountData, other: cacheNames(rest), otherWhat: contents(rest) };
  report.change(at, 'mountedAndCleaned', mixed, edits);
}

/** The caches a RUN gets mounts for, with their edits, and why each other one gets none. */
interface MountPlans {
  mounted: GoCache[];
  edits: Edit[];
  /** `reason` is null when no mount was asked for. */
  unmounted: { cache: GoCache; reason: string | null }[];
}

/**
 * Which caches get a mount (see `planMount`): each is judged on its own, so
 * that a problem with one keeps the mount of the other.
 */
function planMounts(
  options: TransformOptions,
  doc: DockerDocument,
  script: RunScript,
  caches: GoCache[],
): MountPlans {
  const plans = caches.map((cache) => ({
    cache,
    plan: planMount(options, doc, script, [{ target: cache.target }], () =>
      cache.mountProblem(doc, script),
    ),
  }));
  const unmounted = plans.flatMap(({ cache, plan }) =>
    'reason' in plan ? [{ cache, reason: plan.reason }] : [],
  );
  const mountable = caches.filter((c) => !unmounted.some((u) => u.cache === c));
  if (mountable.length === 0) return { mounted: [], edits: [], unmounted };
  const outcome = mountCaches(doc, script.run, script.commands, mountable);
  if ('edits' in outcome) return { mounted: mountable, edits: outcome.edits, unmounted };
  const failed = mountable.map((cache) => ({ cache, reason: outcome.reason }));
  return { mounted: [], edits: [], unmounted: [...unmounted, ...failed] };
}

/** Why the caches in `rest` get no mount, for a message; null when none was asked for. */
function mountReason(rest: { cache: GoCache; reason: string | null }[]): string | null {
  const reasons = [...new Set(rest.map((r) => r.reason))];
  if (reasons.length === 1) return reasons[0];
  return rest.map(({ cache, reason }) => `for the ${cache.name}, ${reason}`).join(', and ');
}

function changesNothing(doc: DockerDocument, edit: Edit): boolean {
  return edit.text === doc.text.slice(edit.start, edit.end);
}

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
    movedCacheProblem(doc, run, commands, ['GOPATH', 'GOMODCACHE'], false) ??
    offlineMountProblem(doc, script, GO_OFFLINE)
  );
}

/** The directories a cache is in for the RUN (see `cacheDirs`), which `leaveAlone` has allowed. */
function movedDirs(doc: DockerDocument, script: RunScript, cache: GoCache): string[] {
  const moved = cacheDirs(doc, script, cache.cache);
  return 'dirs' in moved ? moved.dirs : cache.cache.dirs;
}

/**
 * Why this RUN's cleanup would save nothing of `cache`: a RUN before it in
 * its stage or the stages it builds on (an `ONBUILD RUN` of those too)
 * leaves the cache filled in its layer, or a COPY or ADD writes into it.
 * `go clean` would delete those files from the image, not from the layer
 * that holds them, along with what this RUN adds. Null when none does.
 */
function filledBefore(
  doc: DockerDocument,
  { run }: RunScript,
  cache: GoCache,
  dirs: string[],
): string | null {
  if (!run.stage) return null;
  const earlier = stageLineage(doc, run.stage).flatMap((stage) => [
    ...runScripts(doc, stage).filter((s) => s.run.index < run.index),
    // A stage's triggers run in the stages built on it, not in itself.
    ...(stage === run.stage ? [] : triggerScripts(doc, stage)),
  ]);
  const tail = `: what that leaves in the cache stays in its layer whatever this \`RUN\` does, and \`go clean\` cannot remove only what this one adds`;
  for (const s of earlier) {
    const fill = !cacheMountFor(s.run, dirs) && lastFill(s.commands, cache, dirs);
    if (fill) return `the \`RUN\` on line ${lineRef(s.run)} runs \`${goWords(fill)}\` first${tail}`;
  }
  for (const dir of dirs) {
    const copy = copiedInto(doc, run, dir);
    if (copy)
      return `the \`${copy.keyword}\` on line ${lineRef(copy)} writes into \`${dir}\` first${tail}`;
  }
  return null;
}

/**
 * Why both caches must stay: a RUN that sees this one's layer (see
 * `laterRuns`) runs go, or a program that runs it, which would find them
 * empty; or a CMD or ENTRYPOINT of a stage that has the files does, when
 * the container starts.
 */
function laterGoUse(doc: DockerDocument, run: InstructionInfo, dirs: string[]): string | null {
  const uses = 'reads what this `RUN` leaves there';
  for (const later of laterRuns(doc, run, dirs)) {
    const go = later.commands.find(readsCaches);
    if (go) return `\`${goWords(go)}\` in the \`RUN\` on line ${lineRef(later.run)} ${uses}`;
    const driver = later.commands.find((c) => GO_DRIVERS.test(programName(c)));
    if (driver)
      return `\`${programName(driver)}\` in the \`RUN\` on line ${lineRef(later.run)} may run go, which ${uses}`;
  }
  const stages = new Set(heirs(doc, run, dirs).flatMap((h) => stageLineage(doc, h.stage)));
  for (const stage of stages) {
    for (const start of stage.instructions) {
      if (start.keyword !== 'CMD' && start.keyword !== 'ENTRYPOINT') continue;
      const go = instructionCommands(doc, start).find(readsCaches);
      if (go)
        return `the \`${start.keyword}\` on line ${lineRef(start)} runs \`${goWords(go)}\` when the container starts, which ${uses}`;
    }
  }
  return null;
}

/**
 * Why a RUN keeps the modules it downloads: its last `go mod download` has
 * no build after it, so filling the cache is what the RUN is for. Null for
 * another RUN.
 */
function downloadsOnly(commands: ShellCommand[]): string | null {
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
function lastFill(
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

function fills(command: ShellCommand, cache: GoCache): boolean {
  const options = command.args.map((w) => w.text).filter((w) => w.startsWith('-'));
  return isGo(command) && cache.fills(subcommand(command), options);
}

function isGo(command: ShellCommand): boolean {
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
function goWords(command: ShellCommand): string {
  const [sub, action] = subcommand(command);
  if (programName(command) !== 'go') return programName(command);
  if (sub === undefined) return 'go';
  return (sub === 'mod' || sub === 'work') && action ? `go ${sub} ${action}` : `go ${sub}`;
}

function cacheNames(caches: GoCache[]): string {
  return caches.length > 1 ? 'build and module caches' : caches[0].name;
}

/** What the caches hold, for a message. */
function contents(caches: GoCache[]): string {
  if (caches.length > 1) return 'the compiled packages, test results and modules Go keeps';
  return caches[0] === BUILD
    ? 'the compiled packages and test results Go keeps'
    : 'the modules Go downloads';
}

function mountPhrase(caches: GoCache[]): string {
  const targets = caches.map((c) => `\`${c.target}\``);
  return targets.length > 1
    ? `cache mounts at ${targets.join(' and ')}`
    : `a cache mount at ${targets[0] ?? ''}`;
}
