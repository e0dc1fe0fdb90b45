import type { Env } from 'dockerfile-ast';
import { insertAfterWord } from '../src/append';
import {
  CACHES_OPTION,
  MOUNT_LIMITATIONS,
  movedCacheProblem,
  planMount,
} from '../src/cache-mounts';
import { firstOperand, hasFlag, setsVariable, type ShellCommand } from '../src/shell-commands';
import { readByLaterStageLimitation } from '../src/later-stages';
import {
  homeMoves,
  leaveAlone,
  managerCommands,
  movedCacheLimitation,
  type CacheMove,
  programName,
  readOnlyInstall,
  runScripts,
  CACHE_READER_LIMITATION,
  EXISTING_MOUNT_LIMITATION,
  filledOnPurposeLimitation,
  READ_ONLY_LIMITATION,
} from '../src/package-runs';
import { COMPOSER_OFFLINE, offlineLimitation } from '../src/offline-readers';
import type { DockerDocument, InstructionInfo, Stage } from '../src/document';
import { officialImageTag, officialTag, stageLineage } from '../src/stage-paths';
import { copyOperands } from '../src/copy-args';
import { lineRef } from '../src/line-ref';
import { flagValue, isWithin, mountFlags, mountOption, resolvePath } from '../src/paths';
import { programOf } from '../src/wrappers';
import type { Transform } from '../src/types';

const FLAG = '--no-cache';
const INSTALLS = new Set(['install', 'require', 'update', 'create-project']);
/** The names Composer's program goes by. */
const COMPOSER_NAMES = new Set(['composer', 'composer.phar']);
const CACHE_DIRS = ['/root/.composer/cache', '/root/.cache/composer', '/tmp/cache'];
/** Where the official `composer` image, which sets `COMPOSER_HOME=/tmp`, keeps the cache. */
const IMAGE_CACHE = '/tmp/cache';
/** The variables that move Composer's cache. */
const COMPOSER_MOVES: CacheMove[] = [
  { variable: 'COMPOSER_CACHE_DIR', dirs: (dir) => [dir] },
  { variable: 'COMPOSER_HOME', dirs: (home) => [`${home}/cache`] },
  { variable: 'XDG_CACHE_HOME', dirs: (dir) => [`${dir}/composer`] },
  homeMoves('.composer/cache', '.cache/composer'),
];

const composerNoCache: Transform = {
  id: 'composer-no-cache',
  title: 'Install PHP packages with `composer install --no-cache`',
  rationale:
    'Composer keeps a copy of every package archive it downloads in its cache directory, which stays in the layer next to `vendor/`. `--no-cache` keeps it from being written.',
  safety: 'cache',
  messages: {
    flagged:
      'Adds `--no-cache` to `{command}`: the package archives Composer downloads are no longer kept in the layer.',
    cacheMounted:
      "Mounts a build cache at `/tmp/cache` for `{command}`: the package archives Composer downloads stay in BuildKit's cache, not in the layer, and the next build reuses them.",
    flaggedNotMounted:
      'Adds `--no-cache` to `{command}` instead of a cache mount, because {reason}: the package archives Composer downloads are no longer kept in the layer.',
    mounted:
      'Adds no `--no-cache`: `{target}` is a {mount} mount, so the Composer cache never reaches a layer.',
    refused: 'Leaves `{command}` as it is: {reason}.',
  },
  options: { caches: CACHES_OPTION },
  limitations: [
    '`--no-cache` came with Composer 1.9, and its version is read from the `composer` image the program comes from: the one the stage is built from (`FROM composer:1.8`), or one that a `COPY --from` or a bind `RUN --mount=...,from=` of `composer`, `composer.phar` or a directory above `/usr/bin/composer` takes it from, directly (`COPY --from=composer:1.8 /usr/bin/composer /usr/bin/composer`) or through a stage built from it or copying it in turn, in the stage or a stage it builds on. When one of them is 1.8 or older the RUN is left alone, with a note (a cache mount needs no flag). A tag that names no version (`composer`, `composer:latest`, `composer:2`), a `--from` holding a variable, and a Composer installed any other way are taken to be 1.9 or newer.',
    'An ENV `COMPOSER_CACHE_DIR` in the stage is taken to mean the cache is handled, and the RUN is left alone; so is a `COMPOSER_CACHE_DIR` the RUN sets on the command or earlier in its own shell (`export COMPOSER_CACHE_DIR=...`), but not one set inside a subshell or a pipeline.',
    'Composer run by PHP (`php composer.phar install`, `php -d memory_limit=-1 /usr/local/bin/composer install`) is read as `composer`, and changed like it; one run with a PHP option dslim does not know, or by another name than `composer` or `composer.phar`, is not recognised.',
    readByLaterStageLimitation(CACHE_DIRS),
    CACHE_READER_LIMITATION,
    EXISTING_MOUNT_LIMITATION,
    filledOnPurposeLimitation([]),
    movedCacheLimitation(COMPOSER_MOVES),
    READ_ONLY_LIMITATION,
    offlineLimitation(['composer'], COMPOSER_OFFLINE),
    'With `caches: mount`, a cache mount is added only in stages built from the official `composer` image, whose `COMPOSER_HOME=/tmp` puts the cache at `/tmp/cache`, and only when the RUN runs as root (and no wrapper such as `gosu` or `sudo -u` runs composer as another user) and nothing before it sets `COMPOSER_HOME`, `HOME` or `XDG_CACHE_HOME`; elsewhere the cache directory depends on the base image, so `--no-cache` is added, and the message says why.',
    ...MOUNT_LIMITATIONS,
  ],
  examples: [
    {
      before: 'FROM composer:2\nRUN composer install --no-dev\n',
      after: 'FROM composer:2\nRUN composer install --no-cache --no-dev\n',
    },
    {
      before: 'FROM composer:2\nRUN composer install --no-dev\n',
      after:
        '# syntax=docker/dockerfile:1\nFROM composer:2\nRUN --mount=type=cache,target=/tmp/cache composer install --no-dev\n',
      options: { caches: 'mount' },
    },
  ],
  run(doc, report, options) {
    for (const stage of doc.stages) {
      const cacheDirSet = stage.instructions.some(
        (i) =>
          i.keyword === 'ENV' &&
          (i.node as Env).getProperties().some((p) => p.getName() === 'COMPOSER_CACHE_DIR'),
      );
      if (cacheDirSet) continue;
      for (const script of runScripts(doc, stage)) {
        const { run, commands } = script;
        const installs = commands.filter(needsFlag);
        if (installs.length === 0) continue;
        const command = `composer ${firstOperand(installs[0].args)?.text}`;
        const cache = { dirs: CACHE_DIRS, offline: COMPOSER_OFFLINE, moves: COMPOSER_MOVES };
        if (leaveAlone(doc, report, script, cache, { command }, installs[0])) continue;
        const nested = readOnlyInstall(installs);
        if (nested) {
          report.note(run.span.start, 'refused', { command, reason: nested });
          continue;
        }
        const mount = planMount(options, doc, script, [{ target: IMAGE_CACHE }], () =>
          officialImageTag(doc, stage, 'composer') !== null
            ? movedCacheProblem(
                doc,
                run,
                commands,
                ['COMPOSER_HOME'],
                managerCommands(commands, COMPOSER_OFFLINE),
              )
            : 'where Composer keeps its cache depends on the base image, and only that of the `composer` image is known',
        );
        if ('edits' in mount) {
          report.change(run.span.start, 'cacheMounted', { command }, mount.edits);
          continue;
        }
        const reason = composerBeforeFlag(doc, stage, run);
        if (reason) {
          report.note(run.span.start, 'refused', { command, reason });
          continue;
        }
        const edits = installs.map((c) => insertAfterWord(run, firstOperand(c.args)!, FLAG));
        const message = mount.reason ? 'flaggedNotMounted' : 'flagged';
        report.change(run.span.start, message, { command, reason: mount.reason ?? '' }, edits);
      }
    }
  },
};

export default composerNoCache;

function needsFlag(command: ShellCommand): boolean {
  if (!COMPOSER_NAMES.has(programName(command))) return false;
  if (!INSTALLS.has(firstOperand(command.args)?.text ?? '')) return false;
  return !hasFlag(command.args, FLAG) && !setsVariable(command, 'COMPOSER_CACHE_DIR');
}

/** A `composer` image the Composer a RUN runs may come from, and the instruction that brings it in. */
interface ComposerOrigin {
  image: string;
  /** Null when the stage is built from the image; else the `COPY --from` or `RUN --mount` that takes it. */
  read: (ComposerRead & { instruction: InstructionInfo }) | null;
}

/**
 * Why the Composer a RUN runs is older than 1.9, the first with
 * `--no-cache` (`composer:1.8`, `composer:1.8.6`), or null when no origin
 * says so. `composer:1` is the last 1.x, 1.10; a tag that names no version
 * (`composer`, `composer:latest`, `composer:2`) and a Composer from
 * anywhere else are taken to be 1.9 or newer.
 */
function composerBeforeFlag(
  doc: DockerDocument,
  stage: Stage,
  run: InstructionInfo,
): string | null {
  for (const { image, read } of composerOrigins(doc, stage, run.index, new Set())) {
    const minor = /^1\.(\d+)/.exec(officialTag(image, 'composer') ?? '');
    if (!minor || Number(minor[1]) >= 9) continue;
    const older = 'older than 1.9, which brought `--no-cache`';
    if (read === null) return `the base image \`${image}\` runs a Composer ${older}`;
    const what = read.from === image ? 'a Composer' : `the Composer of \`${image}\`,`;
    return `the \`${read.how}\` on line ${lineRef(read.instruction)} ${read.verb} ${what} ${older}`;
  }
  return null;
}

/**
 * The `composer` images the Composer of a stage may come from, up to the
 * instruction at `last`: the one the stage is built from, and those that a
 * `COPY --from` or a bind `RUN --mount` of a Composer file (see
 * `holdsComposer`) takes from, in the stage or a stage it builds on (a
 * mount only on the instruction at `last`), followed through the stages
 * they name. A source holding a variable, or
 * another image, tells nothing.
 */
function composerOrigins(
  doc: DockerDocument,
  stage: Stage,
  last: number,
  seen: Set<Stage>,
): ComposerOrigin[] {
  if (seen.has(stage)) return [];
  seen.add(stage);
  const lineage = stageLineage(doc, stage).reverse();
  const base = lineage[0].image;
  const origins: ComposerOrigin[] =
    officialTag(base, 'composer') === null ? [] : [{ image: base, read: null }];
  for (const instruction of lineage.flatMap((s) => s.instructions)) {
    if (instruction.index > last) continue;
    for (const read of composerReads(doc, instruction, instruction.index === last)) {
      if (read.from.includes('$')) continue;
      const source = doc.findStage(read.from, instruction.index);
      const images = source
        ? composerOrigins(doc, source, Infinity, seen).map((o) => o.image)
        : officialTag(read.from, 'composer') === null
          ? []
          : [read.from];
      origins.push(...images.map((image) => ({ image, read: { instruction, ...read } })));
    }
  }
  return origins;
}

/** A `COPY --from` or `RUN --mount` that takes a Composer file: where from, and how a note names it. */
interface ComposerRead {
  from: string;
  how: string;
  verb: 'copies' | 'mounts';
}

/**
 * The `COPY --from` and bind `RUN --mount=...,from=` of an instruction that
 * take a Composer file. A mount counts only for the RUN that has it
 * (`mounts`): it is gone once that RUN ends.
 */
function composerReads(
  doc: DockerDocument,
  instruction: InstructionInfo,
  mounts: boolean,
): ComposerRead[] {
  if (instruction.keyword === 'COPY') {
    const from = flagValue(instruction, 'from');
    const sources = copyOperands(doc, instruction)?.sources ?? [];
    if (from === null || !sources.some((s) => holdsComposer(s.value))) return [];
    return [{ from, how: `COPY --from=${from}`, verb: 'copies' }];
  }
  if (instruction.keyword !== 'RUN' || !mounts) return [];
  return mountFlags(instruction).flatMap((flag) => {
    const from = mountOption(flag, 'from');
    const type = mountOption(flag, 'type') ?? 'bind';
    if (from === null || type !== 'bind') return [];
    if (!holdsComposer(mountOption(flag, 'source', 'src') ?? '/')) return [];
    return [{ from, how: `RUN --mount=from=${from}`, verb: 'mounts' as const }];
  });
}

/**
 * True for a path, in the image or stage a COPY or mount takes from, that
 * is a Composer program (`composer`, `composer.phar`) or a directory
 * holding the `composer` image's `/usr/bin/composer`.
 */
function holdsComposer(path: string): boolean {
  const resolved = resolvePath(path, '/');
  if (resolved === null) return false;
  return COMPOSER_NAMES.has(programOf(resolved)) || isWithin('/usr/bin/composer', resolved);
}
