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
  movedCacheLimitation,
  type CacheMove,
  programName,
  readOnlyInstall,
  runScripts,
  CACHE_READER_LIMITATION,
  EXISTING_MOUNT_LIMITATION,
  READ_ONLY_LIMITATION,
} from '../src/package-runs';
import { COMPOSER_OFFLINE, offlineLimitation } from '../src/offline-readers';
import type { DockerDocument, Stage } from '../src/document';
import { officialImageTag, stageLineage } from '../src/stage-paths';
import type { Transform } from '../src/types';

const FLAG = '--no-cache';
const INSTALLS = new Set(['install', 'require', 'update', 'create-project']);
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
    '`--no-cache` came with Composer 1.9: under a base image `composer:1.8` or older the RUN is left alone, with a note (a cache mount needs no flag), and a Composer installed another way is taken to be 1.9 or newer.',
    'An ENV `COMPOSER_CACHE_DIR` in the stage is taken to mean the cache is handled, and the RUN is left alone; so is a `COMPOSER_CACHE_DIR` the RUN sets on the command or earlier in its own shell (`export COMPOSER_CACHE_DIR=...`), but not one set inside a subshell or a pipeline.',
    'Composer run by PHP (`php composer.phar install`, `php -d memory_limit=-1 /usr/local/bin/composer install`) is read as `composer`, and changed like it; one run with a PHP option dslim does not know, or by another name than `composer` or `composer.phar`, is not recognised.',
    readByLaterStageLimitation(CACHE_DIRS),
    CACHE_READER_LIMITATION,
    EXISTING_MOUNT_LIMITATION,
    movedCacheLimitation(COMPOSER_MOVES),
    READ_ONLY_LIMITATION,
    offlineLimitation(['composer'], COMPOSER_OFFLINE),
    'With `caches: mount`, a cache mount is added only in stages built from the official `composer` image, whose `COMPOSER_HOME=/tmp` puts the cache at `/tmp/cache`, and only when the RUN runs as root and nothing before it sets `COMPOSER_HOME`, `HOME` or `XDG_CACHE_HOME`; elsewhere the cache directory depends on the base image, so `--no-cache` is added, and the message says why.',
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
            ? movedCacheProblem(doc, run, commands, ['COMPOSER_HOME'])
            : 'where Composer keeps its cache depends on the base image, and only that of the `composer` image is known',
        );
        if ('edits' in mount) {
          report.change(run.span.start, 'cacheMounted', { command }, mount.edits);
          continue;
        }
        const old = composerBeforeFlag(doc, stage);
        if (old) {
          const reason = `the base image \`${old}\` runs a Composer older than 1.9, which brought \`--no-cache\``;
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
  if (programName(command) !== 'composer' && programName(command) !== 'composer.phar') return false;
  if (!INSTALLS.has(firstOperand(command.args)?.text ?? '')) return false;
  return !hasFlag(command.args, FLAG) && !setsVariable(command, 'COMPOSER_CACHE_DIR');
}

/**
 * The stage's base image when it is a `composer` image whose tag names a
 * Composer older than 1.9, the first with `--no-cache` (`composer:1.8`,
 * `composer:1.8.6`); null otherwise. `composer:1` is the last 1.x, 1.10.
 */
function composerBeforeFlag(doc: DockerDocument, stage: Stage): string | null {
  const tag = officialImageTag(doc, stage, 'composer');
  const minor = tag === null ? null : /^1\.(\d+)/.exec(tag);
  if (!minor || Number(minor[1]) >= 9) return null;
  const lineage = stageLineage(doc, stage);
  return lineage[lineage.length - 1].image;
}
