import { appendCommands, SHADOW_LIMITATION, TRAP_LIMITATION, USER_LIMITATION } from '../src/append';
import { CACHES_OPTION, MOUNT_LIMITATIONS, mountCaches, planMount } from '../src/cache-mounts';
import type { DockerDocument } from '../src/document';
import {
  BUILD,
  BUILD_CACHE,
  BUILD_MOVES,
  downloadsOnly,
  filledBefore,
  fills,
  GO_CACHES,
  type GoCache,
  goWords,
  isGo,
  lastFill,
  laterGoUse,
  MODULE_CACHES,
  MODULE_MOVES,
  MODULES,
  movedDirs,
} from '../src/go-caches';
import { readByLaterStageLimitation } from '../src/later-stages';
import { GO_OFFLINE, offlineLimitation, OFFLINE_MOUNT_LIMITATION } from '../src/offline-readers';
import {
  leaveAlone,
  movedCacheLimitation,
  readOnlyInstall,
  removes,
  runScripts,
  type RunScript,
  CACHE_READER_LIMITATION,
  EXISTING_MOUNT_LIMITATION,
  filledOnPurposeLimitation,
} from '../src/package-runs';
import type { Edit, MessageData, Reporter, Transform, TransformOptions } from '../src/types';

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
      'Adds no `go clean {flag}`: `{target}` is a {mount} mount, so the Go {cache} never reaches a layer.',
    refused: 'Leaves the Go {cache} of this `RUN`: {reason}.',
  },
  options: { caches: CACHES_OPTION },
  limitations: [
    'A go command fills the build cache when it compiles (`build`, `install`, `test`, `run`, `vet`, `generate`, `tool`, and `get` without `-d`), and the module cache when it loads packages or modules (those, `list`, `get`, `mod download`, `mod tidy`, `mod vendor`, `mod graph`, `mod why`, `work sync`, `work vendor`). One that reads only `vendor/` fills no module cache; it still gets `-modcache`, which then removes nothing. Only the cache this RUN fills is cleaned.',
    "A cache that a RUN before this one (in its stage, in a stage it builds on or, through a FROM whose ARG has no default, may build on, or an `ONBUILD RUN` of one of those) fills with no mount over it, or that a COPY or ADD writes into, is left alone: those files stay in the earlier layer whatever this RUN does, and `go clean` cannot tell this RUN's own entries from them. The base image's own caches are not known: `go clean` empties them too (the official `golang` image ships them empty).",
    'Both caches stay when a later RUN (an `ONBUILD RUN` too) that sees the layer runs a go command other than `version`, `env`, `help`, `clean`, `bug` or `telemetry`, or `xx-go`, `make`, `gmake`, `mage` or `goreleaser`, which run go themselves: the classic `RUN go mod download` before `COPY . .` keeps its modules for the build after it. So do they when a stage that has the files starts a container with such a command or program: its ENTRYPOINT with its CMD after it, both as the stages it builds on leave them (an ENTRYPOINT drops the CMD it inherits) and a shell-form one run through its SHELL, so `ENTRYPOINT ["go"]` with `CMD ["run", "."]` runs `go run`; the words of the CMD count on their own too, as an entrypoint script often runs them. A go command run by a script file is not seen.',
    'The module cache of a RUN whose last `go mod download` has no build after it is left alone: the download fills it for a later build, perhaps in an image built on this one, which this file does not show.',
    "A RUN whose go command runs through `sh -c` (`bash -c`) or `xargs` is left alone: the added `go clean` would run in the RUN's own shell, where a `PATH` that script sets does not reach. Behind `sudo`, `env`, `time` and the like it is cleaned like any other, unless the wrapper runs it as another user than the RUN's (see below).",
    readByLaterStageLimitation([BUILD_CACHE, ...MODULE_CACHES]),
    CACHE_READER_LIMITATION,
    EXISTING_MOUNT_LIMITATION,
    filledOnPurposeLimitation([]),
    movedCacheLimitation([...BUILD_MOVES, ...MODULE_MOVES]),
    'A cache moved by `go env -w` (the go env file) is not followed.',
    offlineLimitation(['go'], GO_OFFLINE),
    "With `caches: mount`, the build cache is mounted at root's home, so only when the RUN runs as root (no `USER` naming another user, and no wrapper such as `gosu` or `sudo -u` running go as one) and nothing before it in the stage, or in the stages it builds on, sets `HOME`, `XDG_CACHE_HOME` or `GOCACHE` (an ENV, an ARG or the RUN itself). The module cache is mounted at `/go/pkg/mod` only in stages built from the official `golang` image, whose `GOPATH=/go` puts it there, when the RUN and its go commands run as root (BuildKit makes the mount for root) and nothing sets `GOPATH` or `GOMODCACHE`. Elsewhere that cache gets the `go clean` instead, and the message says why. The base image's own `USER` and environment are not known.",
    OFFLINE_MOUNT_LIMITATION,
    ...MOUNT_LIMITATIONS,
    TRAP_LIMITATION,
    SHADOW_LIMITATION,
    USER_LIMITATION,
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
  const outcome = appendCommands(doc, run, [cleanup], commands.filter(isGo));
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
