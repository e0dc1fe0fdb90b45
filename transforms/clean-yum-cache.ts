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
  filledOnPurposeLimitation,
} from '../src/package-runs';
import {
  offlineLimitation,
  OFFLINE_MOUNT_LIMITATION,
  RPM_OFFLINE,
  ZYPPER_OFFLINE,
  type OfflineRule,
} from '../src/offline-readers';
import type { DockerDocument, Stage } from '../src/document';
import { rpmCache, RPM_CACHE_DIRS } from '../src/rpm-caches';
import type { Transform } from '../src/types';

interface Manager {
  /** The arguments that clean everything it keeps. */
  clean: string;
  /** Where it keeps downloaded metadata and packages; for yum and dnf, the base image tells (see `rpmCache`). */
  cacheDir: string | null;
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
    cacheDir: null,
    installs: RPM_INSTALLS,
    offline: RPM_OFFLINE,
  },
  dnf: {
    clean: 'clean all',
    cacheDir: null,
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
      'Adds `{added}` after the install: the metadata and packages `{tool}` keeps in {where} no longer stay in the layer.',
    cacheMounted:
      "Mounts {mounts} for `{command}`{why}: the metadata and packages it keeps there stay in BuildKit's cache, not in the layer, and the next build reuses them.",
    cleanedNotMounted:
      'Adds `{added}` after the install instead of a cache mount, because {reason}: the metadata and packages `{tool}` keeps in {where} no longer stay in the layer.',
    mounted:
      'Adds no cleanup for `{tool}`: `{target}` is a {mount} mount, so its cache never reaches a layer.',
    refused: 'Leaves the `{tool}` cache of this `RUN`: {reason}.',
  },
  options: { caches: CACHES_OPTION },
  limitations: [
    'When one RUN uses several of these tools, only the one that installs last is cleaned.',
    'A cache moved elsewhere by `--setopt=cachedir=` or a config file is not found.',
    'Where `yum` and `dnf` keep their cache is read from the image the stage is built from in the end (past the stages of the file it builds on): `yum` is yum (`/var/cache/yum`) in CentOS, Oracle Linux, UBI and RHEL 7 and older, Amazon Linux 1 and 2 and Fedora 21 and older; dnf (`/var/cache/dnf`) in CentOS, Oracle Linux, UBI and RHEL 8 and later (CentOS Stream too), Rocky Linux, AlmaLinux, Amazon Linux 2023 and Fedora 22 to 40; dnf5 (`/var/cache/libdnf5`) in Fedora 41 and later, `fedora:latest` and `rawhide`. `dnf` is dnf or dnf5 likewise, and dnf wherever `yum` is yum. For any other image, or a tag dslim cannot read, the cleanup removes every directory the tool may use (`/var/cache/yum`, `/var/cache/dnf` and `/var/cache/libdnf5` for `yum`), and `caches: mount` mounts each of them. microdnf keeps its cache in `/var/cache/yum` everywhere.',
    readByLaterStageLimitation([...Object.values(RPM_CACHE_DIRS), '/var/cache/zypp']),
    CACHE_READER_LIMITATION,
    EXISTING_MOUNT_LIMITATION,
    offlineLimitation(['yum', 'dnf', 'microdnf', 'repoquery'], RPM_OFFLINE),
    offlineLimitation(['zypper'], ZYPPER_OFFLINE),
    'With `caches: mount`, the tool reuses the repository metadata in the mount until it expires (`metadata_expire`), so a build can install packages up to that age where one without the mount would fetch the newest; `--refresh` on the install makes it check every time.',
    filledOnPurposeLimitation([
      'yum makecache',
      'dnf makecache',
      'microdnf makecache',
      'zypper refresh',
    ]),
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
        const cache = cacheOf(doc, stage, tool);
        const after = commands.filter((c) => c.start > install.start);
        const left = cache.dirs.filter((dir) => !after.some((c) => removes(c, dir)));
        const added = [
          after.some((c) => programName(c) === tool && isClean(c))
            ? null
            : `${install.name} ${manager.clean}`,
          left.length > 0 ? `rm -rf ${left.join(' ')}` : null,
        ].filter((c): c is string => c !== null);
        if (added.length === 0) continue;

        const guarded = { dirs: cache.dirs, offline: manager.offline };
        if (leaveAlone(doc, report, script, guarded, { tool })) continue;
        const targets = cache.dirs.map((target) => ({ target, locked: true }));
        const mount = planMount(options, doc, script, targets, () =>
          offlineMountProblem(doc, script, manager.offline),
        );
        if ('edits' in mount) {
          const command = `${tool} ${firstOperand(install.args)?.text}`;
          const data = { mounts: mountPhrase(cache.dirs), command, why: cache.why };
          report.change(run.span.start, 'cacheMounted', data, mount.edits);
          continue;
        }
        const owners = managerCommands(commands, manager.offline);
        const outcome = appendCommands(doc, run, added, owners);
        if ('reason' in outcome) {
          report.note(run.span.start, 'refused', { tool, reason: outcome.reason });
          continue;
        }
        const reason = mount.reason ?? '';
        const data = { added: added.join(' && '), tool, where: cache.where, reason };
        const message = mount.reason ? 'cleanedNotMounted' : 'cleaned';
        report.change(run.span.start, message, data, [outcome.edit]);
      }
    }
  },
};

export default cleanYumCache;

/**
 * Where a tool keeps its cache in a stage, how a message names that, and,
 * when the base image does not tell, why several directories are mounted.
 */
function cacheOf(
  doc: DockerDocument,
  stage: Stage,
  tool: string,
): { dirs: string[]; where: string; why: string } {
  const fixed = MANAGERS[tool].cacheDir;
  if (fixed) return { dirs: [fixed], where: `\`${fixed}\``, why: '' };
  const cache = rpmCache(doc, stage, tool as 'yum' | 'dnf');
  const why = cache.dirs.length > 1 ? `, since ${cache.unknown}` : '';
  return { dirs: cache.dirs, where: cache.where, why };
}

function mountPhrase(dirs: string[]): string {
  const named = dirs.map((d) => `\`${d}\``);
  if (named.length === 1) return `a build cache at ${named[0]}`;
  return `build caches at ${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}`;
}

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
