import { deleteScriptRange, insertAfterWord } from '../src/append';
import { CACHES_OPTION, MOUNT_LIMITATIONS, planMount, type CacheMount } from '../src/cache-mounts';
import { firstOperand, hasFlag, type ShellCommand } from '../src/shell-commands';
import type { DockerDocument, InstructionInfo } from '../src/document';
import { readByLaterStageLimitation } from '../src/later-stages';
import {
  commandLine,
  laterReaders,
  leaveAlone,
  programName,
  readOnlyInstall,
  runScripts,
  type RunScript,
  CACHE_READER_LIMITATION,
  EXISTING_MOUNT_LIMITATION,
  filledOnPurposeLimitation,
  READ_ONLY_LIMITATION,
} from '../src/package-runs';

import { APK_OFFLINE, offlineLimitation } from '../src/offline-readers';
import type { Edit, Transform } from '../src/types';

const CACHE_DIRS = ['/var/cache/apk', '/etc/apk/cache'];
/** A directory at `/etc/apk/cache` turns apk's cache on; the index may also go to `/var/cache/apk`. */
const MOUNTS: CacheMount[] = [
  { target: '/etc/apk/cache', locked: true },
  { target: '/var/cache/apk', locked: true },
];
/** What `--no-cache` saves for an `apk add` that fetches a fresh index (see `fetchesIndex`). */
const STORED_EFFECT = 'the package index is no longer stored in the layer';
/**
 * What `--no-cache` does for an `apk add` that fetches no fresh index: it
 * reads the one stored before (by an earlier `apk update`), which stays in
 * that layer whatever this RUN does, so the change is only that nothing
 * this RUN downloads can be stored.
 */
const STALE_EFFECT =
  'it then fetches the index into memory rather than reading one stored before this `RUN`, so nothing it downloads (a refreshed index, or packages where `/etc/apk/cache` keeps them) is stored in this layer; an index stored before stays in the layer that stored it';
/** apk subcommands that need no package index, or fetch their own with `--no-cache`. */
const INDEX_FREE = new Set(['add', 'del']);
/** apk subcommands that look packages up in the stored index. */
const INDEX_READERS = new Set(['search', 'info', 'list', 'policy', 'fetch', 'dot']);
/** Options that make an apk command fetch a fresh index. */
const FETCHING = ['-U', '--update-cache', '--update'];

const apkNoCache: Transform = {
  id: 'apk-no-cache',
  title: 'Install Alpine packages with `apk add --no-cache`',
  rationale:
    '`apk add` keeps the package index it downloads in `/var/cache/apk`; with `--no-cache` it reads the index without storing it. An `apk update` beside it then only stores an index nothing reads.',
  safety: 'cache',
  messages: {
    flagged: 'Adds `--no-cache` to `apk add`: the package index is no longer stored in the layer.',
    flaggedStale:
      'Adds `--no-cache` to `apk add`, which has no `apk update` before it in this `RUN` and no `--update-cache`: {effect}.',
    flaggedDropUpdate:
      'Adds `--no-cache` to `apk add` and drops `apk update`: `--no-cache` fetches a fresh index itself, so the one `apk update` stored was never read.',
    dropUpdate:
      'Drops `apk update`: every `apk add` here uses `--no-cache`, which fetches a fresh index itself, so the one `apk update` stored was never read.',
    cacheMounted:
      "Mounts build caches at `/etc/apk/cache` and `/var/cache/apk` for `apk add`: the package index and the packages apk downloads stay in BuildKit's cache, not in the layer, and the next build reuses them.",
    flaggedNotMounted:
      'Adds `--no-cache` to `apk add`{dropped} instead of a cache mount, because {reason}: {effect}.',
    mounted:
      'Leaves `apk` as it is: `{target}` is a {mount} mount, so the index never reaches a layer.',
    refused: 'Leaves `apk add` as it is: {reason}.',
  },
  options: { caches: CACHES_OPTION },
  limitations: [
    '`apk update` is dropped only when it is one element of a chain joined by `&&` and no later `apk` command of the stage other than `add` or `del` could read its index.',
    'An `apk update` in a RUN of its own, apart from the install, is left alone.',
    '`apk add --no-network` is left alone: it downloads nothing, and `--no-cache` would make it fetch an index it may not reach.',
    readByLaterStageLimitation(CACHE_DIRS),
    CACHE_READER_LIMITATION,
    EXISTING_MOUNT_LIMITATION,
    filledOnPurposeLimitation(['apk update']),
    READ_ONLY_LIMITATION,
    offlineLimitation(['apk'], APK_OFFLINE),
    'A RUN is left alone when a later command (in it or a later RUN) names the cache directory, or, with no `apk update` before the add, a later `apk search`, `info` (but for `info --installed`, which reads the installed database), `list`, `policy`, `fetch` or `dot` reads the index the add stores: `--no-cache` would leave it nothing to read.',
    'With `caches: mount`, the mounts are added only where each `apk add` fetches a fresh index (after `apk update`, or with `--update-cache`), so an old index in the cache is never read, and where no later RUN reads the index this one would have stored.',
    ...MOUNT_LIMITATIONS,
  ],
  examples: [
    {
      before: 'FROM alpine:3.20\nRUN apk update && apk add curl\n',
      after: 'FROM alpine:3.20\nRUN apk add --no-cache curl\n',
    },
    {
      before: 'FROM alpine:3.20\nRUN apk update && apk add curl\n',
      after:
        '# syntax=docker/dockerfile:1\nFROM alpine:3.20\nRUN --mount=type=cache,target=/etc/apk/cache,sharing=locked --mount=type=cache,target=/var/cache/apk,sharing=locked apk update && apk add curl\n',
      options: { caches: 'mount' },
    },
  ],
  run(doc, report, options) {
    for (const stage of doc.stages) {
      for (const script of runScripts(doc, stage)) {
        const { run, commands } = script;
        const apk = commands.filter((c) => programName(c) === 'apk');
        const adds = apk.filter((c) => subcommand(c)?.text === 'add');
        if (adds.length === 0) continue;
        const bare = adds.filter((c) => !hasFlag(c.args, '--no-cache', '--no-network'));
        const update = droppableUpdate(doc, run, commands);
        if (bare.length === 0 && !update) continue;
        const cache = { dirs: CACHE_DIRS, offline: APK_OFFLINE };
        if (leaveAlone(doc, report, script, cache, {}, adds[0])) continue;
        const nested = readOnlyInstall(bare);
        if (nested) {
          report.note(run.span.start, 'refused', { reason: nested });
          continue;
        }
        const stored = apk.some((c) => isUpdate(c) && c.start < adds[0].start);
        const lookup = !stored && bare.length > 0 && indexLookup(doc, script, adds[0].end);
        if (lookup) {
          report.note(run.span.start, 'refused', { reason: lookup });
          continue;
        }

        const mount =
          bare.length > 0
            ? planMount(options, doc, script, MOUNTS, () => mountProblem(doc, script, bare))
            : { reason: null };
        if ('edits' in mount) {
          report.change(run.span.start, 'cacheMounted', {}, mount.edits);
          continue;
        }

        const edits: Edit[] = bare.map((c) => insertAfterWord(run, subcommand(c)!, '--no-cache'));
        const drop = update && deleteScriptRange(doc, run, update.andElement!);
        if (drop) edits.push(drop);
        if (edits.length === 0) continue;
        const dropped = edits.length > bare.length;
        const stale = bare.length > 0 && !bare.some((add) => fetchesIndex(commands, add));
        const effect = stale ? STALE_EFFECT : STORED_EFFECT;
        if (mount.reason) {
          const dropWords = dropped ? ' and drops `apk update`' : '';
          const data = { dropped: dropWords, reason: mount.reason, effect };
          report.change(run.span.start, 'flaggedNotMounted', data, edits);
          continue;
        }
        if (stale && !dropped) {
          report.change(run.span.start, 'flaggedStale', { effect }, edits);
          continue;
        }
        const message =
          bare.length === 0 ? 'dropUpdate' : dropped ? 'flaggedDropUpdate' : 'flagged';
        report.change(run.span.start, message, {}, edits);
      }
    }
  },
};

export default apkNoCache;

/**
 * The `apk update` joined by `&&` that no later `apk` command of the RUN,
 * or of a RUN that sees its layer, reads the index of, nor a command that
 * runs a program dslim cannot follow (see `ShellCommand.hidden`).
 */
function droppableUpdate(
  doc: DockerDocument,
  run: InstructionInfo,
  commands: ShellCommand[],
): ShellCommand | undefined {
  const update = commands.find((c) => programName(c) === 'apk' && isUpdate(c) && c.andElement);
  if (!update) return undefined;
  // A command that runs a program dslim cannot follow may read the index too.
  const apk = (c: ShellCommand, reads: (c: ShellCommand) => boolean) =>
    c.hidden !== null || (programName(c) === 'apk' && reads(c));
  const own = commands.some((c) => c.start > update.start && apk(c, (a) => !indexFree(a)));
  const later = laterReaders(doc, run, CACHE_DIRS).some((script) =>
    script.commands.some((c) => apk(c, readsIndex)),
  );
  return own || later ? undefined : update;
}

/**
 * Why the index `apk add` stores must stay: an `apk search`, `info`,
 * `list`, `policy`, `fetch` or `dot` after the add, in this RUN or a later
 * one, looks packages up in it before any fresh index is fetched. (An
 * `apk update` before the add stores the index too, and is kept for them.)
 */
function indexLookup(doc: DockerDocument, script: RunScript, after: number): string | null {
  const own = { ...script, commands: script.commands.filter((c) => c.start >= after) };
  for (const { run, commands } of [own, ...laterReaders(doc, script.run, CACHE_DIRS)]) {
    for (const command of commands.filter((c) => programName(c) === 'apk')) {
      const sub = subcommand(command)?.text ?? '';
      if (isUpdate(command) || hasFlag(command.args, ...FETCHING)) break;
      if (!INDEX_READERS.has(sub) || hasFlag(command.args, '--no-cache') || installedOnly(command))
        continue;
      const where =
        run === script.run
          ? 'later in this `RUN`'
          : `in the \`RUN\` on line ${commandLine(run, command.start)}`;
      return `\`apk ${sub}\` ${where} looks packages up in the index this \`apk add\` stores, which \`--no-cache\` would not store`;
    }
  }
  return null;
}

/**
 * True when an `apk add` fetches a fresh package index, and so stores one
 * unless given `--no-cache`: it has `--update-cache`, or an `apk update`
 * comes before it in the RUN. One that does neither reads the index stored
 * before, and stores a new one only when that one is missing or old.
 */
function fetchesIndex(commands: ShellCommand[], add: ShellCommand): boolean {
  return (
    hasFlag(add.args, ...FETCHING) ||
    commands.some((c) => programName(c) === 'apk' && c.start < add.start && isUpdate(c))
  );
}

/** Why the RUN's `apk add`s may not have a cache mount, or null. */
function mountProblem(
  doc: DockerDocument,
  { run, commands }: RunScript,
  bare: ShellCommand[],
): string | null {
  const stale = bare.find((add) => !fetchesIndex(commands, add));
  if (stale)
    return 'an `apk add` here fetches no fresh index (no `apk update` before it, no `--update-cache`), so it could read an old one from the cache';
  for (const later of laterReaders(doc, run, CACHE_DIRS)) {
    const reader = storedIndexReader(later.commands);
    if (reader)
      return `the \`RUN\` on line ${commandLine(later.run, reader.start)} reads the package index this one stores, which a mount would keep out of the layer`;
  }
  return null;
}

/**
 * True when a RUN's `apk` commands read a stored index before fetching one:
 * with a mount, the index an earlier RUN stores is in the cache, not the layer.
 */
function storedIndexReader(commands: ShellCommand[]): ShellCommand | null {
  for (const command of commands.filter((c) => programName(c) === 'apk')) {
    if (isUpdate(command)) return null;
    if (hasFlag(command.args, '--no-cache', ...FETCHING) || subcommand(command)?.text === 'del')
      continue;
    return command;
  }
  return null;
}

/** `apk info --installed` (`-e`) reads the database of installed packages only, not the index. */
function installedOnly(command: ShellCommand): boolean {
  return subcommand(command)?.text === 'info' && hasFlag(command.args, '-e', '--installed');
}

function isUpdate(command: ShellCommand): boolean {
  return subcommand(command)?.text === 'update';
}

function subcommand(command: ShellCommand) {
  return firstOperand(command.args);
}

/**
 * True when a later `apk` command reads the stored index as it stands now. A
 * later `apk add` counts until it has `--no-cache`, even if this transform
 * will add it: a comment may keep that RUN as it is, and the next round drops
 * the update once it is safe.
 */
function readsIndex(command: ShellCommand): boolean {
  if (!indexFree(command)) return true;
  return subcommand(command)?.text === 'add' && !hasFlag(command.args, '--no-cache');
}

/** True for an `apk` command that reads no stored index once `--no-cache` is added. */
function indexFree(command: ShellCommand): boolean {
  return INDEX_FREE.has(subcommand(command)?.text ?? '');
}
