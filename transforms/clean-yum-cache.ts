import { appendCommands } from '../src/append';
import { firstOperand, type ShellCommand } from '../src/shell-commands';
import { readByLaterStageLimitation } from '../src/later-stages';
import { leaveAlone, programName, removes, runScripts } from '../src/package-runs';
import type { Transform } from '../src/types';

interface Manager {
  /** The arguments that clean everything it keeps. */
  clean: string;
  /** Where it keeps downloaded metadata and packages. */
  cacheDir: string;
  installs: Set<string>;
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
  yum: { clean: 'clean all', cacheDir: '/var/cache/yum', installs: RPM_INSTALLS },
  dnf: { clean: 'clean all', cacheDir: '/var/cache/dnf', installs: RPM_INSTALLS },
  microdnf: { clean: 'clean all', cacheDir: '/var/cache/yum', installs: RPM_INSTALLS },
  zypper: {
    clean: 'clean --all',
    cacheDir: '/var/cache/zypp',
    installs: new Set(['install', 'in', 'update', 'up', 'dist-upgrade', 'dup', 'patch']),
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
    mounted:
      'Adds no cleanup for `{tool}`: `{target}` is a cache mount, so its cache never reaches a layer.',
    refused: 'Leaves the `{tool}` cache of this `RUN`: {reason}.',
  },
  options: {},
  limitations: [
    'When one RUN uses several of these tools, only the one that installs last is cleaned.',
    'A cache moved elsewhere by `--setopt=cachedir=` or a config file is not found.',
    readByLaterStageLimitation([...new Set(Object.values(MANAGERS).map((m) => m.cacheDir))]),
  ],
  examples: [
    {
      before: 'FROM rockylinux:9\nRUN dnf install -y git\n',
      after:
        'FROM rockylinux:9\nRUN dnf install -y git && dnf clean all && rm -rf /var/cache/dnf\n',
    },
  ],
  run(doc, report) {
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

        if (leaveAlone(doc, report, script, [manager.cacheDir], { tool })) continue;
        const outcome = appendCommands(doc, run, added);
        if ('reason' in outcome) {
          report.note(run.span.start, 'refused', { tool, reason: outcome.reason });
          continue;
        }
        const data = { added: added.join(' && '), tool, dir: manager.cacheDir };
        report.change(run.span.start, 'cleaned', data, [outcome.edit]);
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
