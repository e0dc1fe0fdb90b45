/**
 * Whether a file that a COPY or ADD puts in a layer, and the next RUN uses
 * and deletes, can be bind-mounted into that RUN instead: the image then
 * holds exactly what it held, and the file never takes space in a layer.
 * Used by `mount-consumed-copy`.
 */
import { posix } from 'node:path';
import { mountFlagEdits } from './cache-mounts';
import { isShellRun, type DockerDocument, type InstructionInfo, type Stage } from './document';
import { lineRef } from './line-ref';
import {
  flagValue,
  instructionArgs,
  isWithin,
  mayBeWithin,
  mayMountOver,
  mountSyntaxProblem,
  pathsOverlap,
  resolvePath,
  syntaxDirectiveEdits,
} from './paths';
import {
  cannotSee,
  commandText,
  commandTouches,
  createdWords,
  firstReach,
  hardLinks,
  instructionRemoval,
  removalEdit,
  RM_KNOWN_OPTION,
  scanScript,
  UNLINKERS,
  type CommandFacts,
} from './script-paths';
import { analyzeScript } from './shell-effects';
import { isRootUser, lastUser, stageLineage, volumePaths, workingDirectories } from './stage-paths';
import type { Edit } from './types';

/** Local files ADD copies as they are; any other file might be a tar archive ADD unpacks. */
const ADD_KEEPS =
  /\.(sh|bash|py|pl|rb|deb|rpm|apk|whl|zip|jar|war|txt|json|ya?ml|toml|cfg|conf|ini|pem|crt|key|sql|patch|diff|run|bin|exe|msi|js)$/i;
const SAFE_WORD = /^[^\s,="'$`*?[\]{}\\]+$/;

/** The copied file and where it is mounted, with the edits that mount it; or why it stays. */
export type MountPlan = { source: string; target: string; edits: Edit[] } | { reason: string };

/**
 * Null when `run` does not use and delete the file `copy` puts in a layer;
 * otherwise the rewrite that mounts it into `run` instead, or the reason
 * the COPY stays.
 */
export function planMount(
  doc: DockerDocument,
  stage: Stage,
  workdirs: ReadonlyMap<number, string | null>,
  copy: InstructionInfo,
  run: InstructionInfo,
): MountPlan | null {
  const args = instructionArgs(copy);
  if (args.length !== 2) return null;
  const [source, dest] = args;
  const cwd = workdirs.get(copy.index) ?? null;
  const target = targetPath(source, dest, cwd);
  const scan = scanScript(run.body.text, workdirs.get(run.index) ?? null);
  const rm = scan.commands.find(
    (c) => c.name === 'rm' && c.args.some((a) => target && resolvePath(a, c.cwd) === target),
  );
  if (!target || !rm) return null;
  const users = scan.commands.filter((c) => c !== rm && commandTouches(c, target));
  if (!users.some((c) => c.end <= rm.start)) return null;

  const later = users.find((c) => c.start >= rm.end);
  const blind = (c: CommandFacts) => cannotSee(c, target);
  const unproven = scan.commands.find((c) => c.start >= rm.end && !blind(c));
  const reason =
    mountSyntaxProblem(doc) ??
    userProblem(doc, stage, run) ??
    copyProblem(copy, source) ??
    rmProblem(rm, target, run.body.text) ??
    (users.find((c) => UNLINKERS.has(c.name)) &&
      'the `RUN` also moves, unlinks or replaces the file (`mv`, `sed -i`…), which fails on a mount point') ??
    (users.find(hardLinks) &&
      'the `RUN` hard-links the file (`ln`, `link`, `cp -l`), which fails across devices, and a mount is another device') ??
    (later &&
      `\`${later.name}\` uses the path after the \`rm\`, where it would find the mounted file instead of none`) ??
    (unproven &&
      `\`${unproven.name}\` runs after the \`rm\` and could see \`${target}\` without naming it (through a variable, a directory above it or a script of its own), where it would find the mounted file instead of none`) ??
    (scan.commands.some((c) => c.name === 'trap')
      ? 'the `RUN` sets a `trap`, whose commands may run after the `rm` and see the mounted file'
      : null) ??
    (analyzeScript(run.body.text).background
      ? 'the `RUN` starts a background job (`&`), which may run after the `rm` and see the mounted file'
      : null) ??
    (mayMountOver(run, workdirs.get(run.index) ?? null, [target])
      ? 'the `RUN` already mounts something over the path'
      : null) ??
    missingDirectory(stage, workdirs, copy, target) ??
    earlierWriter(doc, stage, copy, target);
  if (reason) return { reason };

  const from = flagValue(copy, 'from');
  const options = [
    'type=bind',
    ...(from !== null ? [`from=${from}`] : []),
    `source=${source}`,
    `target=${target}`,
    // Always writable: the RUN may write into the file or tree without naming
    // it (a build in a copied directory), as it could into the copy; the
    // writes are dropped with the mount, as the copy was deleted.
    'rw',
  ];
  const edits: Edit[] = [
    ...syntaxDirectiveEdits(doc),
    instructionRemoval(doc, copy),
    ...mountFlagEdits(doc, run, ` --mount=${options.join(',')}`),
    removalEdit(doc, run, rm),
  ];
  return { source, target, edits };
}

/** Where the copied file lands, or null when that depends on what exists. */
function targetPath(source: string, dest: string, cwd: string | null): string | null {
  const name = posix.basename(source);
  const into = dest.endsWith('/') || dest === '.' || resolvePath(dest, cwd) === '/tmp';
  if (into) return resolvePath(posix.join(dest, name), cwd);
  return posix.basename(dest) === name ? resolvePath(dest, cwd) : null;
}

/**
 * Why the RUN's user may not be able to do what it did to the copy: COPY
 * makes the file root's, so under another user an `rm` of it can fail (in
 * the sticky `/tmp`, say), where the mounted file would be gone quietly.
 */
function userProblem(doc: DockerDocument, stage: Stage, run: InstructionInfo): string | null {
  const user = lastUser(doc, stage, run.index);
  if (user === null || isRootUser(user)) return null;
  return `the \`RUN\` runs as \`USER ${user}\`, which may not be allowed to delete the root-owned copy, so the build could fail as it is and pass once rewritten`;
}

function copyProblem(copy: InstructionInfo, source: string): string | null {
  const other = copy.flags.find((f) => f.getName().toLowerCase() !== 'from');
  if (other) {
    return `\`--${other.getName()}\` sets ownership, mode or layering that a bind mount does not reproduce`;
  }
  const from = flagValue(copy, 'from');
  if (from !== null && (!SAFE_WORD.test(from) || /^\d+$/.test(from))) {
    return `the stage \`--from=${from}\` is a number or holds a variable`;
  }
  if (!SAFE_WORD.test(source) || source.endsWith('/') || source === '.') {
    return `the source \`${source}\` holds characters a mount option cannot carry, a variable, a glob or a directory`;
  }
  if (copy.keyword === 'ADD') {
    if (source.includes('://')) return '`ADD` downloads a URL, which a bind mount cannot do';
    if (from === null && !ADD_KEEPS.test(source)) {
      return `\`ADD\` unpacks a local tar archive, and \`${source}\` may be one, while a bind mount would not unpack it`;
    }
  }
  return null;
}

function rmProblem(rm: CommandFacts, target: string, script: string): string | null {
  const others = rm.args.filter(
    (a) => !RM_KNOWN_OPTION.test(a) && resolvePath(a, rm.cwd) !== target,
  );
  if (others.length > 0)
    return `the \`rm\` also deletes ${others.map((o) => `\`${o}\``).join(', ')}`;
  if (rm.args.some((a) => /^-[a-zA-Z]*[rR]/.test(a) || a === '--recursive'))
    return 'the `rm` is recursive, so the source may be a directory, and only a single file is mounted';
  if (!rm.removal)
    return 'the `rm` is inside a compound command or a chain with `||`, so it cannot be dropped alone';
  const { start, last, whole } = rm.removal;
  const final = script.slice(rm.end).replace(/[\s;]/g, '') === '';
  if (last && !whole && final && !script.slice(start, rm.start).includes('&&'))
    return "the `rm` ends the script after `;`, so its exit status is the RUN's, and dropping it would change whether the build fails";
  return null;
}

/** Why the directory the COPY writes into may not exist without it. */
function missingDirectory(
  stage: Stage,
  workdirs: ReadonlyMap<number, string | null>,
  copy: InstructionInfo,
  target: string,
): string | null {
  const parent = posix.dirname(target);
  const known = ['/', ...(stage.image.toLowerCase() === 'scratch' ? [] : ['/tmp'])];
  for (const earlier of stage.instructions.filter((i) => i.index < copy.index)) {
    const cwd = workdirs.get(earlier.index) ?? null;
    if (earlier.keyword === 'WORKDIR')
      known.push(resolvePath(earlier.body.text.trim(), cwd) ?? '/');
    if (['COPY', 'ADD'].includes(earlier.keyword)) {
      const dest = instructionArgs(earlier).pop() ?? '';
      const dir = resolvePath(dest.endsWith('/') ? dest : posix.dirname(dest), cwd);
      if (dir) known.push(dir);
    }
    if (earlier.keyword === 'RUN' && !earlier.opaque && !earlier.execForm) {
      for (const command of scanScript(earlier.body.text, cwd).commands) {
        if (command.name !== 'mkdir') continue;
        for (const word of createdWords(command)) known.push(resolvePath(word, command.cwd) ?? '/');
      }
    }
  }
  if (known.some((dir) => isWithin(dir, parent))) return null;
  return `the \`${copy.keyword}\` may create \`${parent}\`, which would then be missing from the image`;
}

/**
 * Why a file may lie at `target` before the COPY: the COPY overwrote it and
 * the `rm` deleted it, while a mount only hides it as the RUN runs, so it
 * would stay in the image. Anything earlier in the stage, or in a stage of
 * this file it builds on, may have written it: a COPY or ADD into the path
 * (or one dslim cannot read), a RUN with a command that may reach it (see
 * `mayReach`), a WORKDIR or VOLUME at or inside it.
 *
 * This differs on purpose from `readerBetween` in `moved-deletes`, which
 * asks whether anything between two RUNs may read a file as well: here only
 * a write counts, so a WORKDIR or VOLUME above the target does not, and a
 * system package manager may be passed over (see `installsPackagesOnly`).
 */
function earlierWriter(
  doc: DockerDocument,
  stage: Stage,
  copy: InstructionInfo,
  target: string,
): string | null {
  const stays = `, so a file may lie at \`${target}\` already: the \`rm\` deleted it, while the mount would only hide it as the \`RUN\` runs, and it would stay in the image`;
  for (const ancestor of stageLineage(doc, stage).reverse()) {
    const cwds = workingDirectories(doc, ancestor);
    for (const earlier of ancestor.instructions.filter((i) => i.index < copy.index)) {
      const cwd = cwds.get(earlier.index) ?? null;
      const at = `the \`${earlier.keyword}\` at line ${lineRef(earlier)}`;
      const how = writes(earlier, cwd, target);
      if (how) return `${at} ${how}${stays}`;
    }
  }
  return null;
}

/** How an instruction may write `target`, as a phrase after its name, or null when it cannot. */
function writes(instruction: InstructionInfo, cwd: string | null, target: string): string | null {
  const at = (path: string | null) => path === null || mayBeWithin(path, target);
  switch (instruction.keyword) {
    case 'COPY':
    case 'ADD': {
      const dest = resolvePath(instructionArgs(instruction).pop() ?? '', cwd);
      if (instruction.opaque || dest === null || pathsOverlap(dest, target))
        return 'may write the path';
      return null;
    }
    case 'WORKDIR':
      return at(resolvePath(instruction.body.text.trim(), cwd)) ? 'may create the path' : null;
    case 'VOLUME':
      return volumePaths(instruction).some((v) => at(resolvePath(v, cwd)))
        ? 'declares a volume at the path'
        : null;
    case 'RUN':
      return runWrites(instruction, cwd, target);
    default:
      return null;
  }
}

/** Package managers that write only where their packages' files go, and their own state. */
const SYSTEM_PACKAGE_MANAGERS = new Set([
  'apt-get',
  'apt',
  'aptitude',
  'dpkg',
  'apk',
  'yum',
  'dnf',
  'microdnf',
  'zypper',
  'rpm',
]);
/** Scratch directories that no distribution package ships a file in. */
const SCRATCH_DIRS = ['/tmp', '/var/tmp'];

/**
 * A system package manager run with plain words that do not name the target
 * cannot leave a file at a path in a scratch directory: it writes its
 * packages' files and its own state, and cleans up its temporary files.
 * (The installers consumed this way are nearly always copied to `/tmp`.)
 */
function installsPackagesOnly(command: CommandFacts, target: string): boolean {
  return (
    SYSTEM_PACKAGE_MANAGERS.has(command.name) &&
    SCRATCH_DIRS.some((dir) => isWithin(target, dir) && target !== dir) &&
    [...command.args, ...command.redirects].every((word) => !/[$`*?[\]{}~]/.test(word)) &&
    !commandTouches(command, target)
  );
}

/** How a RUN may write `target` (see `mayReach`), or null when none of its commands can. */
function runWrites(run: InstructionInfo, cwd: string | null, target: string): string | null {
  if (!isShellRun(run) || !analyzeScript(run.body.text).readable)
    return 'cannot be read, so it may write the path';
  const reach = firstReach(scanScript(run.body.text, cwd).commands, [target], (command) =>
    installsPackagesOnly(command, target),
  );
  return reach ? `runs \`${commandText(run.body.text, reach.command)}\`, which ${reach.how}` : null;
}
