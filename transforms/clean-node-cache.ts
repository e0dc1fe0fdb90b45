import { appendCommands, SHADOW_LIMITATION, TRAP_LIMITATION, USER_LIMITATION } from '../src/append';
import {
  CACHES_OPTION,
  MOUNT_LIMITATIONS,
  movedCacheProblem,
  planMount,
} from '../src/cache-mounts';
import { firstOperand, hasFlag, type ShellCommand } from '../src/shell-commands';
import { readByLaterStageLimitation } from '../src/later-stages';
import { NPM_OFFLINE, offlineLimitation, OFFLINE_MOUNT_LIMITATION } from '../src/offline-readers';
import {
  homeMoves,
  leaveAlone,
  managerCommands,
  movedCacheLimitation,
  type CacheMove,
  offlineMountProblem,
  programName,
  runScripts,
  CACHE_READER_LIMITATION,
  EXISTING_MOUNT_LIMITATION,
  filledOnPurposeLimitation,
} from '../src/package-runs';

import type { Transform } from '../src/types';

const NPM_INSTALLS = new Set(['install', 'i', 'ci', 'add', 'update', 'rebuild']);
const NPM_CACHE = '/root/.npm';
/** Variables that move npm's cache, as npm reads its config from the environment. */
const NPM_SETTINGS = ['npm_config_cache', 'NPM_CONFIG_CACHE'];
/** The variables that move npm's cache. */
const NPM_MOVES: CacheMove[] = [
  ...NPM_SETTINGS.map((variable) => ({ variable, dirs: (dir: string) => [dir] })),
  homeMoves('.npm'),
];
/** Why the yarn and pnpm caches are reported rather than cleaned. */
const OTHER_MANAGERS: Record<string, { installs: Set<string>; why: string }> = {
  yarn: {
    installs: new Set(['', 'install', 'add', 'global']),
    why: "from Yarn 2 on, `yarn cache clean` deletes the project cache that Plug'n'Play installs run from, and which Yarn a RUN uses cannot be told from the Dockerfile",
  },
  pnpm: {
    installs: new Set(['install', 'i', 'add']),
    why: '`node_modules` is hard-linked from the pnpm store, so pruning the store frees little; a cache mount for the store, or `pnpm install --store-dir` inside a directory removed afterwards, does',
  },
};

const cleanNodeCache: Transform = {
  id: 'clean-node-cache',
  title: 'Clean the npm cache in the RUN that installs',
  rationale:
    'npm keeps a copy of every package it downloads in `~/.npm/_cacache`, often as large as `node_modules` itself, and nothing in the image reads it. `npm cache clean --force` in the installing RUN keeps it out of the layer.',
  safety: 'cache',
  messages: {
    cleaned:
      'Adds `{cleanup}` after `{command}`: the copies npm keeps of the packages it downloaded no longer stay in the layer.',
    cacheMounted:
      "Mounts a build cache at `/root/.npm` for `{command}`: the packages npm downloads stay in BuildKit's cache, not in the layer, and the next build reuses them.",
    cleanedNotMounted:
      'Adds `{cleanup}` after `{command}` instead of a cache mount, because {reason}: the copies npm keeps of the packages it downloaded no longer stay in the layer.',
    mounted:
      'Adds no `npm cache clean`: `{target}` is a {mount} mount, so the npm cache never reaches a layer.',
    refused: 'Leaves the npm cache of this `RUN`: {reason}.',
    otherManager: 'Leaves the {tool} cache of this `RUN` as it is: {why}.',
  },
  options: { caches: CACHES_OPTION },
  limitations: [
    "Only npm's cache is cleaned. Yarn and pnpm installs get a note: their cleanup commands either delete what a Yarn 2+ project runs from or free little.",
    "An install given `--cache DIR`, or a cache moved by an `.npmrc`, is left alone or cleaned where the final working directory's config says.",
    readByLaterStageLimitation([NPM_CACHE]),
    CACHE_READER_LIMITATION,
    EXISTING_MOUNT_LIMITATION,
    filledOnPurposeLimitation(['npm cache add']),
    movedCacheLimitation(NPM_MOVES),
    offlineLimitation(['npm', 'npx'], NPM_OFFLINE),
    'Yarn and pnpm commands never count as offline readers: they keep caches of their own, which this transform does not touch.',
    "With `caches: mount`, the mount is at root's home, so it is added only when the RUN runs as root (no `USER` naming another user, and no wrapper such as `gosu` or `sudo -u` running npm as one) and nothing before it in the stage, or in the stages it builds on, sets `HOME`, `XDG_CACHE_HOME` or `npm_config_cache` (an ENV, an ARG or the RUN itself); elsewhere the cleanup is added, and the message says why. The base image's own `USER`, environment and `.npmrc` are not known: one that moves the cache keeps it in the layer.",
    OFFLINE_MOUNT_LIMITATION,
    ...MOUNT_LIMITATIONS,
    TRAP_LIMITATION,
    SHADOW_LIMITATION,
    USER_LIMITATION,
  ],
  examples: [
    {
      before: 'FROM node:22\nWORKDIR /app\nRUN npm ci\n',
      after: 'FROM node:22\nWORKDIR /app\nRUN npm ci && npm cache clean --force\n',
    },
    {
      before: 'FROM node:22\nWORKDIR /app\nRUN npm ci\n',
      after:
        '# syntax=docker/dockerfile:1\nFROM node:22\nWORKDIR /app\nRUN --mount=type=cache,target=/root/.npm npm ci\n',
      options: { caches: 'mount' },
    },
  ],
  run(doc, report, options) {
    for (const stage of doc.stages) {
      for (const script of runScripts(doc, stage)) {
        const { run, commands } = script;
        for (const command of commands) {
          const other = OTHER_MANAGERS[programName(command)];
          if (other && installsWith(command, other.installs)) {
            report.note(run.span.start, 'otherManager', {
              tool: programName(command),
              why: other.why,
            });
            break;
          }
        }
        const installs = commands.filter(isNpmInstall);
        const last = installs[installs.length - 1];
        if (!last || installs.some((c) => hasFlag(c.args, '--cache'))) continue;
        if (commands.some((c) => c.start > last.start && isNpmCacheClean(c))) continue;

        const npm = managerCommands(commands, NPM_OFFLINE);
        const cache = { dirs: [NPM_CACHE], offline: NPM_OFFLINE, moves: NPM_MOVES };
        if (leaveAlone(doc, report, script, cache)) continue;
        const command = `npm ${firstOperand(last.args)?.text}`;
        const mount = planMount(
          options,
          doc,
          script,
          [{ target: NPM_CACHE }],
          () =>
            offlineMountProblem(doc, script, NPM_OFFLINE) ??
            movedCacheProblem(doc, run, commands, NPM_SETTINGS, npm),
        );
        if ('edits' in mount) {
          report.change(run.span.start, 'cacheMounted', { command }, mount.edits);
          continue;
        }
        // The program as the install names it, which need not be on PATH.
        const cleanup = `${last.name} cache clean --force`;
        const outcome = appendCommands(doc, run, [cleanup], npm);
        if ('reason' in outcome) report.note(run.span.start, 'refused', { reason: outcome.reason });
        else {
          const message = mount.reason ? 'cleanedNotMounted' : 'cleaned';
          const data = { cleanup, command, reason: mount.reason ?? '' };
          report.change(run.span.start, message, data, [outcome.edit]);
        }
      }
    }
  },
};

export default cleanNodeCache;

/** Bare `yarn` installs too, but `yarn --version` and `yarn --help` do not. */
function installsWith(command: ShellCommand, installs: Set<string>): boolean {
  const sub = firstOperand(command.args)?.text ?? '';
  if (sub === '' && hasFlag(command.args, '--version', '-v', '--help', '-h')) return false;
  return installs.has(sub);
}

function isNpmInstall(command: ShellCommand): boolean {
  return programName(command) === 'npm' && NPM_INSTALLS.has(firstOperand(command.args)?.text ?? '');
}

function isNpmCacheClean(command: ShellCommand): boolean {
  const words = command.args.map((w) => w.text);
  return (
    programName(command) === 'npm' &&
    words[0] === 'cache' &&
    ['clean', 'clear', 'rm'].includes(words[1])
  );
}
