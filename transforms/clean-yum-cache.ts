import { appendCommands, SHADOW_LIMITATION, TRAP_LIMITATION, USER_LIMITATION } from '../src/append';
import { CACHES_OPTION, MOUNT_LIMITATIONS, planMount } from '../src/cache-mounts';
import { firstOperand, type ShellCommand } from '../src/shell-commands';
import { readByLaterStageLimitation } from '../src/later-stages';
import {
  leaveAlone,
  managerCommands,
  offlineMountProblem,
  programName,
  removes,
  runScripts,
  CACHE_READER_LIMITATION,
  EXISTING_MOUNT_LIMITATION,
} from '../src/package-runs';
import {
  offlineLimitation,
  OFFLINE_MOUNT_LIMITATION,
  RPM_OFFLINE,
  ZYPPER_OFFLINE,
  type OfflineRule,
} from '../src/offline-readers';
import type { Transform } from '../src/types';

interface Manager {
  /** The arguments that clean everything it keeps. */
  clean: string;
  /** Where it keeps downloaded metadata and packages. */
  cacheDir: string;
  installs: Set<string>;
  /** How its commands, and those that share its cache, run from it offline. */
  offline: OfflineRule;
}

const RPM_INSTALLS = new Set([
  'install',
  'reinstall',
  'localinstall',
  'groupinstall',
  'update',
  'upgrade',
  'distro-sync',
]);

const MANAGERS: Record<string, Manager> = {
  yum: {
    clean: 'clean all',
    cacheDir: '/var/cache/yum',
    installs: RPM_INSTALLS,
    offline: RPM_OFFLINE,
  },
  dnf: {
    clean: 'clean all',
    cacheDir: '/var/cache/dnf',
    installs: RPM_INSTALLS,
    offline: RPM_OFFLINE,
  },
  microdnf: {
    clean: 'clean all',
    cacheDir: '/var/cache/yum',
    installs: RPM_INSTALLS,
    offline: RPM_OFFLINE,
  },
  zypper: {
    clean: 'clean --all',
    cacheDir: '/var/cache/zypp',
    installs: new Set(['install', 'in', 'update', 'up', 'dist-upgrade', 'dup', 'patch']),
    offline: ZYPPER_OFFLINE,
  },
};

const cleanYumCache: Transform = {
  id: 'clean-yum-cache',
  title: 'Clean the yum, dnf, microdnf or zypper cache in the RUN that installs',
  rationale:
    'yum, dnf, microdnf and zypper keep repository metadata (and often the downloaded packages) under `/var/cache`, easily a hundred megabytes, in the layer that installs. Cleaning it in the same RUN keeps it out of the image; a later install fetches the metadata again.',
  safety: 'cache',
  messages: {
    cleaned:
      'Adds `{added}` after the install: the metadata and packages `{tool}` keeps in `{dir}` no longer stay in the layer.',
    cacheMounted:
      "Mounts a build cache at `{dir}` for `{command}`: the metadata and packages it keeps there stay in BuildKit's cache, not in the layer, and the next build reuses them.",
    cleanedNotMounted:
      'Adds `{added}` after the install instead of a cache mount, because {reason}: the metadata and packages `{tool}` keeps in `{dir}` no longer stay in the layer.',
    mounted:
      'Adds no cleanup for `{tool}`: `{target}` is a {mount} mount, so its cache never reaches a layer.',
    refused: 'Leaves the `{tool}` cache of this `RUN`: {reason}.',
  },
  options: { caches: CACHES_OPTION },
  limitations: [
    'When one RUN uses several of these tools, only the one that installs last is cleaned.',
    'A cache moved elsewhere by `--setopt=cachedir=` or a config file is not found.',
    readByLaterStageLimitation([...new Set(Object.values(MANAGERS).map((m) => m.cacheDir))]),
    CACHE_READER_LIMITATION,
    EXISTING_MOUNT_LIMITATION,
    offlineLimitation(['yum', 'dnf', 'microdnf', 'repoquery'], RPM_OFFLINE),
    offlineLimitation(['zypper'], ZYPPER_OFFLINE),
    'With `caches: mount`, the tool reuses the repository metadata in the mount until it expires (`metadata_expire`), so a build can install packages up to that age where one without the mount would fetch the newest; `--refresh` on the install makes it check every time.',
    OFFLINE_MOUNT_LIMITATION,
    ...MOUNT_LIMITATIONS,
    TRAP_LIMITATION,
    SHADOW_LIMITATION,
    USER_LIMITATION,
  ],
  examples: [
    {
      before: 'FROM rockylinux:9\nRUN dnf install -y git\n',
      after:
        'FROM rockylinux:9\nRUN dnf install -y git && dnf clean all && rm -rf /var/cache/dnf\n',
    },
    {
      before: 'FROM rockylinux:9\nRUN dnf install -y git\n',
      after:
        '# syntax=docker/dockerfile:1\nFROM rockylinux:9\nRUN --mount=type=cache,target=/var/cache/dnf,sharing=locked dnf install -y git\n',
      options: { caches: 'mount' },
    },
  ],
  run(doc, report, options) {
    for (const stage of doc.stages) {
      for (const script of runScripts(doc, stage)) {
        const { run, commands } = script;
        const install = [...commands].reverse().find(installs);
        if (!install) continue;
        const tool = programName(install);
        const manager = MANAGERS[tool];
        const after = commands.filter((c) => c.start > install.start);
        const added = [
          after.some((c) => programName(c) === tool && isClean(c))
            ? null
            : `${install.name} ${manager.clean}`,
          after.some((c) => removes(c, manager.cacheDir)) ? null : `rm -rf ${manager.cacheDir}`,
        ].filter((c): c is string => c !== null);
        if (added.length === 0) continue;

        const cache = { dirs: [manager.cacheDir], offline: manager.offline };
        if (leaveAlone(doc, report, script, cache, { tool })) continue;
        const dir = manager.cacheDir;
        const mount = planMount(options, doc, script, [{ target: dir, locked: true }], () =>
          offlineMountProblem(doc, script, manager.offline),
        );
        if ('edits' in mount) {
          const command = `${tool} ${firstOperand(install.args)?.text}`;
          report.change(run.span.start, 'cacheMounted', { dir, command }, mount.edits);
          continue;
        }
        const owners = managerCommands(commands, manager.offline);
        const outcome = appendCommands(doc, run, added, owners);
        if ('reason' in outcome) {
          report.note(run.span.start, 'refused', { tool, reason: outcome.reason });
          continue;
        }
        const data = { added: added.join(' && '), tool, dir, reason: mount.reason ?? '' };
        const message = mount.reason ? 'cleanedNotMounted' : 'cleaned';
        report.change(run.span.start, message, data, [outcome.edit]);
      }
    }
  },
};

export default cleanYumCache;

function installs(command: ShellCommand): boolean {
  const manager = MANAGERS[programName(command)];
  return !!manager && manager.installs.has(firstOperand(command.args)?.text ?? '');
}

function isClean(command: ShellCommand): boolean {
  const words = command.args.map((w) => w.text);
  return (
    words.includes('clean') && (words.includes('all') || words.some((w) => /^(-a|--all)$/.test(w)))
  );
}
