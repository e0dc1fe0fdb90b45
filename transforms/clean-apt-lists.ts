import { appendCommands, SHADOW_LIMITATION, TRAP_LIMITATION, USER_LIMITATION } from '../src/append';
import { CACHES_OPTION, MOUNT_LIMITATIONS, planMount, type CacheMount } from '../src/cache-mounts';
import { firstOperand, type ShellCommand } from '../src/shell-commands';
import { heirs, readByLaterStage, readByLaterStageLimitation } from '../src/later-stages';
import {
  APT_DOWNLOAD_ONLY,
  APT_LISTS_OFFLINE,
  APT_OFFLINE,
  offlineLimitation,
  OFFLINE_MOUNT_LIMITATION,
} from '../src/offline-readers';
import {
  commandLine,
  cacheReader,
  downloadOnly,
  laterReaders,
  leaveAlone,
  managerCommands,
  offlineMountProblem,
  programName,
  removes,
  runScripts,
  type RunScript,
  CACHE_READER_LIMITATION,
  EXISTING_MOUNT_LIMITATION,
  filledOnPurposeLimitation,
} from '../src/package-runs';
import type { DockerDocument } from '../src/document';
import { startCommand, startRuns } from '../src/start-command';
import type { Transform } from '../src/types';

const LISTS = '/var/lib/apt/lists';
const CLEANUP = `rm -rf ${LISTS}/*`;
/** Where apt keeps the packages it downloads: the cleanup keeps them, a mount does not. */
const ARCHIVES = '/var/cache/apt';
/** Never all of `/var/lib/apt`: its `extended_states` is part of the image. */
const MOUNTS: CacheMount[] = [
  { target: LISTS, locked: true },
  { target: ARCHIVES, locked: true },
];
const APT = new Set(['apt-get', 'apt']);
const INSTALLS = new Set(['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep']);
/** Subcommands that need no package lists. */
const LIST_FREE = new Set(['update', 'clean', 'autoclean', 'remove', 'purge', 'autoremove']);

const cleanAptLists: Transform = {
  id: 'clean-apt-lists',
  title: 'Remove the apt package lists in the RUN that downloads them',
  rationale:
    '`apt-get update` downloads package lists of tens of megabytes to `/var/lib/apt/lists`, and they stay in the layer after the install that needed them. Removing them in the same RUN keeps them out of the image.',
  safety: 'cache',
  messages: {
    cleaned:
      'Adds `rm -rf /var/lib/apt/lists/*` after the install: the package lists that `apt-get update` downloaded no longer stay in the layer.',
    cacheMounted:
      "Mounts build caches at `/var/lib/apt/lists` and `/var/cache/apt` for `{command}`: the package lists stay in BuildKit's cache, not in the layer, and the next `apt-get update` only fetches what changed. Downloaded packages stay there only where the image keeps them: the official Debian and Ubuntu images delete them after each install (`/etc/apt/apt.conf.d/docker-clean`).",
    cleanedNotMounted:
      'Adds `rm -rf /var/lib/apt/lists/*` after the install instead of cache mounts, because {reason}: the package lists that `apt-get update` downloaded no longer stay in the layer.',
    neededLater:
      'Keeps the apt package lists of this `RUN`: the `RUN` on line {line} runs `{command}` without its own `apt-get update` and reads them.',
    neededAtStart:
      'Keeps the apt package lists of this `RUN`: {start}, with no `apt-get update` before it, and that reads them.',
    mounted:
      'Adds no cleanup of the apt package lists: `{target}` is a {mount} mount, so they never reach a layer.',
    refused: 'Leaves the apt package lists of this `RUN`: {reason}.',
  },
  options: { caches: CACHES_OPTION },
  limitations: [
    "Only a RUN that runs `apt-get update` (or `apt update`) before installing is cleaned; lists downloaded by an earlier RUN stay in that RUN's layer.",
    "A container that starts with a command that reads the lists without its own `apt-get update` (its ENTRYPOINT with its CMD after it, or the words of the CMD on their own, in the RUN's stage or a stage built on it) keeps the lists too, like a later RUN. Commands other than `apt-get`, `apt`, `apt-cache` and `aptitude` that read the lists in a later RUN are not recognised, unless they name the lists or run behind a wrapper dslim cannot follow (see below). Those four are recognised behind the wrappers dslim reads: `sudo`, `env`, `su -c`, `runuser`, `gosu`, `setpriv`, `unshare`, `flock`, `eatmydata` and the like.",
    '`apt-get clean` is not added: the official Debian and Ubuntu images already delete downloaded packages after each install.',
    readByLaterStageLimitation([LISTS]),
    CACHE_READER_LIMITATION,
    EXISTING_MOUNT_LIMITATION,
    filledOnPurposeLimitation(['apt-get update', 'apt update']),
    offlineLimitation(['apt-get', 'apt', 'aptitude'], APT_LISTS_OFFLINE),
    'With `caches: mount`, the cleanup is added instead of the mounts when an install of the RUN only downloads packages (`--download-only`, `-d`, `-o APT::Get::Download-Only=true`) for a later step, or when a later stage or a later RUN names `/var/cache/apt`, or a later install runs from it (`--no-download`, or in a `RUN --network=none`): a mount there would keep the downloaded packages out of the layer, where the cleanup keeps them.',
    'With `caches: mount`, the mounts hide what the image already has in `/var/lib/apt/lists` and `/var/cache/apt` while the RUN runs, so they are added only where `apt-get update` runs before any command that reads the lists. The official Debian and Ubuntu images delete downloaded packages after each install (`/etc/apt/apt.conf.d/docker-clean`), so there the `/var/cache/apt` mount keeps little; the lists mount is what spares downloads. `docker-clean` is not removed, as that would change what the image contains.',
    OFFLINE_MOUNT_LIMITATION,
    ...MOUNT_LIMITATIONS,
    TRAP_LIMITATION,
    SHADOW_LIMITATION,
    USER_LIMITATION,
  ],
  examples: [
    {
      before: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
      after:
        'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n',
    },
    {
      before: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
      after:
        '# syntax=docker/dockerfile:1\nFROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update && apt-get install -y curl\n',
      options: { caches: 'mount' },
    },
  ],
  run(doc, report, options) {
    for (const stage of doc.stages) {
      for (const script of runScripts(doc, stage)) {
        const { run, commands } = script;
        const install = lastInstallAfterUpdate(commands);
        if (!install) continue;
        if (commands.some((c) => c.start > install.start && removesLists(c))) continue;
        if (leaveAlone(doc, report, script, { dirs: [LISTS], offline: APT_LISTS_OFFLINE }))
          continue;
        const reader = laterReaders(doc, run, [LISTS])
          .map((later) => ({ later, command: firstListReader(later.commands) }))
          .find((found) => found.command);
        if (reader?.command) {
          const command = commandText(reader.command);
          const line = commandLine(reader.later.run, reader.command.start);
          report.note(run.span.start, 'neededLater', { line, command });
          continue;
        }
        const starter = startReader(doc, script);
        if (starter) {
          report.note(run.span.start, 'neededAtStart', { start: starter });
          continue;
        }
        const mount = planMount(
          options,
          doc,
          script,
          MOUNTS,
          () =>
            readerBeforeUpdate(commands) ??
            offlineMountProblem(doc, script, APT_OFFLINE) ??
            archivesProblem(doc, script),
        );
        if ('edits' in mount) {
          report.change(
            run.span.start,
            'cacheMounted',
            { command: commandText(install) },
            mount.edits,
          );
          continue;
        }
        const apt = managerCommands(commands, APT_OFFLINE);
        const outcome = appendCommands(doc, run, [CLEANUP], apt);
        if ('reason' in outcome) report.note(run.span.start, 'refused', { reason: outcome.reason });
        else if (mount.reason)
          report.change(run.span.start, 'cleanedNotMounted', { reason: mount.reason }, [
            outcome.edit,
          ]);
        else report.change(run.span.start, 'cleaned', {}, [outcome.edit]);
      }
    }
  },
};

export default cleanAptLists;

/** `rm` of the lists, or `apt-get dist-clean` (apt 2.7 and later), which deletes them too. */
function removesLists(command: ShellCommand): boolean {
  return (
    removes(command, LISTS) ||
    (APT.has(programName(command)) && subcommand(command) === 'dist-clean')
  );
}

function subcommand(command: ShellCommand): string | undefined {
  return firstOperand(command.args)?.text;
}

/** `apt-get install`: the program and its subcommand. */
function commandText(command: ShellCommand): string {
  return `${command.name} ${subcommand(command) ?? ''}`.trim();
}

/** The last install of the script when an `update` comes before it. */
function lastInstallAfterUpdate(commands: ShellCommand[]): ShellCommand | undefined {
  const apt = commands.filter((c) => APT.has(programName(c)));
  const update = apt.findIndex((c) => subcommand(c) === 'update');
  if (update === -1) return undefined;
  return apt
    .slice(update + 1)
    .reverse()
    .find((c) => INSTALLS.has(subcommand(c) ?? ''));
}

/** Why the lists may not be mounted: a command reads the image's lists before `update` replaces them. */
function readerBeforeUpdate(commands: ShellCommand[]): string | null {
  const reader = firstListReader(commands);
  if (!reader) return null;
  return `\`${commandText(reader)}\` reads the package lists before \`apt-get update\`, and a mount would hide the ones the image has`;
}

/**
 * Why `/var/cache/apt` may not be mounted: the cleanup leaves the packages
 * apt downloads there in the layer, a mount does not. An install of the RUN
 * that only downloads them, for a later step, or a later stage or RUN that
 * names them, would find them gone.
 */
function archivesProblem(doc: DockerDocument, script: RunScript): string | null {
  return (
    downloadOnly(script, { ...APT_OFFLINE, downloadOnly: APT_DOWNLOAD_ONLY }) ??
    readByLaterStage(doc, script.run, [ARCHIVES]) ??
    cacheReader(doc, script, { dirs: [ARCHIVES], offline: APT_OFFLINE }, null)
  );
}

/**
 * That a stage with this RUN's files starts a container with a command
 * that reads the package lists (see `firstListReader`), for a message (see
 * `startRuns`), or null: `CMD apt-get install -y vim` would find no lists.
 */
function startReader(doc: DockerDocument, { run }: RunScript): string | null {
  for (const stage of new Set(heirs(doc, run, [LISTS]).map((h) => h.stage))) {
    const start = startCommand(doc, stage);
    const own = firstListReader(start.commands);
    const passed = own ? undefined : firstListReader(start.passed);
    const reader = own ?? passed;
    if (reader) return startRuns(start, `\`${commandText(reader)}\``, passed !== undefined);
  }
  return null;
}

/** The first command that reads the package lists before any `update` of its own. */
function firstListReader(commands: ShellCommand[]): ShellCommand | undefined {
  for (const command of commands) {
    const program = programName(command);
    const sub = subcommand(command);
    if (APT.has(program) && sub === 'update') return undefined;
    if (program === 'apt-cache' || program === 'aptitude') return command;
    if (APT.has(program) && sub && !LIST_FREE.has(sub)) return command;
  }
  return undefined;
}
