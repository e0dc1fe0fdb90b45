import type { Env } from 'dockerfile-ast';
import { insertAfterWord } from '../src/append';
import {
  CACHES_OPTION,
  MOUNT_LIMITATIONS,
  movedCacheProblem,
  planMount,
} from '../src/cache-mounts';
import type { DockerDocument, InstructionInfo } from '../src/document';
import { setsVariable, type ShellCommand, type Word } from '../src/shell-commands';
import { readByLaterStageLimitation } from '../src/later-stages';
import { offlineLimitation, PIP_OFFLINE } from '../src/offline-readers';
import {
  homeMoves,
  leaveAlone,
  managerCommands,
  movedCacheLimitation,
  programName,
  type CacheMove,
  readOnlyInstall,
  runScripts,
  CACHE_READER_LIMITATION,
  EXISTING_MOUNT_LIMITATION,
  filledOnPurposeLimitation,
  READ_ONLY_LIMITATION,
} from '../src/package-runs';

import type { Transform } from '../src/types';

const FLAG = '--no-cache-dir';
const SETTING = 'PIP_NO_CACHE_DIR';
const CACHE_DIR = '/root/.cache/pip';
/** The variables that move pip's cache. */
const PIP_MOVES: CacheMove[] = [
  { variable: 'PIP_CACHE_DIR', dirs: (dir) => [dir] },
  { variable: 'XDG_CACHE_HOME', dirs: (dir) => [`${dir}/pip`] },
  homeMoves('.cache/pip'),
];
/**
 * pip's options that already settle where its cache goes, each with the
 * shortest prefix that is still its own: pip reads options with optparse,
 * which takes any such prefix (`--no-cache` is `--no-cache-dir`).
 */
const CACHE_OPTIONS = [
  { option: '--no-cache-dir', shortest: '--no-ca' },
  { option: '--cache-dir', shortest: '--ca' },
];
const PIP = /^pip(\d+(\.\d+)?)?$/;
const PYTHON = /^python(\d+(\.\d+)?)?$/;

const pipNoCache: Transform = {
  id: 'pip-no-cache',
  title: 'Install Python packages with `pip install --no-cache-dir`',
  rationale:
    '`pip install` keeps every wheel it downloads or builds in `~/.cache/pip`, which stays in the layer although nothing in the image reads it. `--no-cache-dir` keeps it from being written.',
  safety: 'cache',
  messages: {
    flagged:
      'Adds `--no-cache-dir` to `{command}`: the wheels pip downloads are no longer kept in the layer.',
    cacheMounted:
      "Mounts a build cache at `/root/.cache/pip` for `{command}`: the wheels stay in BuildKit's cache, not in the layer, and the next build reuses them.",
    flaggedNotMounted:
      'Adds `--no-cache-dir` to `{command}` instead of a cache mount, because {reason}: the wheels pip downloads are no longer kept in the layer.',
    mounted:
      'Adds no `--no-cache-dir`: `{target}` is a {mount} mount, so the pip cache never reaches a layer.',
    refused: 'Leaves `{command}` as it is: {reason}.',
  },
  options: { caches: CACHES_OPTION },
  limitations: [
    '`PIP_NO_CACHE_DIR` is recognised when an ENV of the stage (or of a stage it is built from) sets it, when it is set on the command, or when the RUN sets it earlier in its own shell (`export PIP_NO_CACHE_DIR=1 && pip install ...`); a setting inside a subshell or a pipeline, and a pip config file that turns the cache off, are not read.',
    'A RUN under another USER with a mount at its own home rather than at `/root/.cache/pip` or above it is still changed, which is harmless.',
    'Installers that wrap pip (`pipenv`, `poetry`, `uv`) are left alone.',
    readByLaterStageLimitation([CACHE_DIR]),
    CACHE_READER_LIMITATION,
    EXISTING_MOUNT_LIMITATION,
    filledOnPurposeLimitation([]),
    movedCacheLimitation(PIP_MOVES),
    READ_ONLY_LIMITATION,
    offlineLimitation(['pip', 'python -m pip'], PIP_OFFLINE),
    "With `caches: mount`, the mount is at root's home, so it is added only when the RUN runs as root (no `USER` naming another user, and no wrapper such as `gosu` or `sudo -u` running pip as one) and nothing before it in the stage, or in the stages it builds on, sets `HOME`, `XDG_CACHE_HOME` or `PIP_CACHE_DIR` (an ENV, an ARG or the RUN itself); elsewhere `--no-cache-dir` is added, and the message says why. The base image's own `USER`, environment and pip config are not known: one that moves the cache keeps it in the layer.",
    ...MOUNT_LIMITATIONS,
  ],
  examples: [
    {
      before: 'FROM python:3.12-slim\nRUN pip install -r requirements.txt\n',
      after: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir -r requirements.txt\n',
    },
    {
      before: 'FROM python:3.12-slim\nRUN pip install -r requirements.txt\n',
      after:
        '# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n',
      options: { caches: 'mount' },
    },
  ],
  run(doc, report, options) {
    for (const stage of doc.stages) {
      for (const script of runScripts(doc, stage)) {
        const { run, commands } = script;
        const installs = commands.flatMap((c) => {
          const install = installWord(c);
          return install && !c.args.some(givesCacheOption) && !setsVariable(c, SETTING)
            ? [{ command: c, install }]
            : [];
        });
        if (installs.length === 0 || settingInEnv(doc, run)) continue;
        const command = installs[0].command.args
          .slice(0, installs[0].command.args.indexOf(installs[0].install) + 1)
          .reduce((text, word) => `${text} ${word.text}`, installs[0].command.name);
        const cache = { dirs: [CACHE_DIR], offline: PIP_OFFLINE, moves: PIP_MOVES };
        if (leaveAlone(doc, report, script, cache, { command }, installs[0].command)) continue;
        const nested = readOnlyInstall(installs.map((i) => i.command));
        if (nested) {
          report.note(run.span.start, 'refused', { command, reason: nested });
          continue;
        }
        const mount = planMount(options, doc, script, [{ target: CACHE_DIR }], () =>
          movedCacheProblem(
            doc,
            run,
            commands,
            ['PIP_CACHE_DIR'],
            managerCommands(commands, PIP_OFFLINE),
          ),
        );
        if ('edits' in mount) {
          report.change(run.span.start, 'cacheMounted', { command }, mount.edits);
          continue;
        }
        const edits = installs.map(({ install }) => insertAfterWord(run, install, FLAG));
        const { reason } = mount;
        const message = reason ? 'flaggedNotMounted' : 'flagged';
        report.change(run.span.start, message, { command, reason: reason ?? '' }, edits);
      }
    }
  },
};

export default pipNoCache;

/** The `install` word of `pip install` or `python -m pip install`, else undefined. */
function installWord(command: ShellCommand): Word | undefined {
  const program = programName(command);
  let rest = command.args;
  if (PYTHON.test(program)) {
    const module = rest.findIndex((w) => w.text === '-m');
    if (module === -1 || rest[module + 1]?.text !== 'pip') return undefined;
    rest = rest.slice(module + 2);
  } else if (!PIP.test(program)) {
    return undefined;
  }
  const sub = rest.find((w) => !w.text.startsWith('-'));
  return sub?.text === 'install' ? sub : undefined;
}

/** True when an ENV before the RUN, in its stage or a stage it is built from, sets the setting. */
function settingInEnv(doc: DockerDocument, run: InstructionInfo): boolean {
  for (let stage = run.stage; stage; stage = doc.findStage(stage.image, stage.from.index) ?? null) {
    const envs = stage.instructions.filter((i) => i.keyword === 'ENV' && i.index < run.index);
    const names = envs.flatMap((env) => (env.node as Env).getProperties().map((p) => p.getName()));
    if (names.includes(SETTING)) return true;
  }
  return false;
}

/** True for `--no-cache-dir` or `--cache-dir`, as written or abbreviated, with or without `=value`. */
function givesCacheOption(word: Word): boolean {
  const name = word.text.split('=')[0];
  return CACHE_OPTIONS.some(
    ({ option, shortest }) => name.startsWith(shortest) && option.startsWith(name),
  );
}
