import { appendCommands, SHADOW_LIMITATION, TRAP_LIMITATION, USER_LIMITATION } from '../src/append';
import { CACHES_OPTION, mountsCaches } from '../src/cache-mounts';
import { firstOperand, type ShellCommand } from '../src/shell-commands';
import { readByLaterStageLimitation } from '../src/later-stages';
import {
  homeMoves,
  leaveAlone,
  managerCommands,
  movedCacheLimitation,
  programName,
  runScripts,
  CACHE_READER_LIMITATION,
  EXISTING_MOUNT_LIMITATION,
  filledOnPurposeLimitation,
  type CacheMove,
} from '../src/package-runs';
import { CONDA_OFFLINE, offlineLimitation } from '../src/offline-readers';
import type { Transform } from '../src/types';

const TOOLS = new Set(['conda', 'mamba', 'micromamba']);
const INSTALLS = new Set(['install', 'create', 'update', 'upgrade', 'env']);
const PKGS_DIRS = ['/opt/conda/pkgs', '/root/.conda/pkgs', '/root/micromamba/pkgs'];
/**
 * The variables that move the package cache: `CONDA_PKGS_DIRS` lists the
 * directories, micromamba keeps it under its root prefix, and conda falls
 * back to `~/.conda/pkgs` (micromamba's prefix defaults to `~/micromamba`).
 */
const CONDA_MOVES: CacheMove[] = [
  { variable: 'CONDA_PKGS_DIRS', dirs: (list) => list.split(',').filter((d) => d !== '') },
  { variable: 'MAMBA_ROOT_PREFIX', dirs: (prefix) => [`${prefix}/pkgs`] },
  homeMoves('.conda/pkgs', 'micromamba/pkgs'),
];

const condaClean: Transform = {
  id: 'conda-clean',
  title: 'Clean the conda package cache in the RUN that installs',
  rationale:
    'conda keeps the archive of every package it downloads, and its index cache, in the `pkgs` directory of the installation. `conda clean --all --yes` in the installing RUN removes them before the layer is written.',
  safety: 'cache',
  messages: {
    cleaned:
      'Adds `{cleanup}` after `{command}`: the package archives and index cache it downloaded no longer stay in the layer.',
    cleanedNotMounted:
      'Adds `{cleanup}` after `{command}` instead of a cache mount, because the `pkgs` directory is inside the installation, which the Dockerfile does not name, and holds the unpacked packages its environments may link to, which a mount would hide: the package archives and index cache it downloaded no longer stay in the layer.',
    mounted:
      'Adds no `{tool} clean`: `{target}` is a {mount} mount, so the package cache never reaches a layer.',
    refused: 'Leaves the {tool} package cache of this `RUN`: {reason}.',
  },
  options: { caches: CACHES_OPTION },
  limitations: [
    '`--force-pkgs-dirs` (`-f`) is not added: it also deletes the unpacked packages that environments link to, which breaks an installation configured to use symbolic links, and frees nothing when they are hard links.',
    'Package directories moved by a `.condarc` are cleaned by the tool itself, but neither recognised as cache mounts nor looked for in later readers.',
    readByLaterStageLimitation(PKGS_DIRS),
    CACHE_READER_LIMITATION,
    EXISTING_MOUNT_LIMITATION,
    filledOnPurposeLimitation([]),
    movedCacheLimitation(CONDA_MOVES),
    offlineLimitation(['conda', 'mamba', 'micromamba'], CONDA_OFFLINE),
    '`caches: mount` adds no cache mount here: the package cache is the `pkgs` directory of an installation the base image chooses, and an environment may link to the unpacked packages in it, which a mount would hide while the RUN runs. The cleanup is added instead, and the message says so.',
    TRAP_LIMITATION,
    SHADOW_LIMITATION,
    USER_LIMITATION,
  ],
  examples: [
    {
      before: 'FROM continuumio/miniconda3\nRUN conda install -y numpy\n',
      after: 'FROM continuumio/miniconda3\nRUN conda install -y numpy && conda clean --all --yes\n',
    },
  ],
  run(doc, report, options) {
    for (const stage of doc.stages) {
      for (const script of runScripts(doc, stage)) {
        const { run, commands } = script;
        const installs = commands.filter(isInstall);
        const last = installs[installs.length - 1];
        if (!last) continue;
        const tool = programName(last);
        if (commands.some((c) => c.start > last.start && isClean(c))) continue;

        const cache = { dirs: PKGS_DIRS, offline: CONDA_OFFLINE, moves: CONDA_MOVES };
        if (leaveAlone(doc, report, script, cache, { tool })) continue;
        // The program as the install names it: `/opt/conda/bin/conda` need not be on PATH.
        const cleanup = `${last.name} clean --all --yes`;
        const owners = managerCommands(commands, CONDA_OFFLINE);
        const outcome = appendCommands(doc, run, [cleanup], owners);
        if ('reason' in outcome) {
          report.note(run.span.start, 'refused', { tool, reason: outcome.reason });
          continue;
        }
        const command = `${tool} ${firstOperand(last.args)?.text}`;
        const message = mountsCaches(options) ? 'cleanedNotMounted' : 'cleaned';
        report.change(run.span.start, message, { cleanup, command }, [outcome.edit]);
      }
    }
  },
};

export default condaClean;

function isInstall(command: ShellCommand): boolean {
  return TOOLS.has(programName(command)) && INSTALLS.has(firstOperand(command.args)?.text ?? '');
}

function isClean(command: ShellCommand): boolean {
  return TOOLS.has(programName(command)) && firstOperand(command.args)?.text === 'clean';
}
