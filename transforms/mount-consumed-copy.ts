import { posix } from 'node:path';
import { mountFlagEdits } from '../src/cache-mounts';
import {
  isPosixShell,
  type DockerDocument,
  type InstructionInfo,
  type Stage,
} from '../src/document';
import {
  flagValue,
  instructionArgs,
  isWithin,
  mayBeWithin,
  mountSyntaxProblem,
  mountTargets,
  pathsOverlap,
  resolvePath,
  syntaxDirectiveEdits,
} from '../src/paths';
import {
  cannotSee,
  commandTouches,
  hardLinks,
  UNLINKERS,
  createdWords,
  instructionRemoval,
  mayReach,
  removalEdit,
  scanScript,
  type CommandFacts,
} from '../src/script-paths';
import { analyzeScript } from '../src/shell-effects';
import { lineRef } from '../src/line-ref';
import { shorten } from '../src/shell';
import {
  isRootUser,
  lastUser,
  stageLineage,
  volumePaths,
  workingDirectories,
} from '../src/stage-paths';
import type { Edit, Transform } from '../src/types';

const RM_OPTION = /^(-[rRfv]+|--recursive|--force|--verbose|--)$/;
/** Local files ADD copies as they are; any other file might be a tar archive ADD unpacks. */
const ADD_KEEPS =
  /\.(sh|bash|py|pl|rb|deb|rpm|apk|whl|zip|jar|war|txt|json|ya?ml|toml|cfg|conf|ini|pem|crt|key|sql|patch|diff|run|bin|exe|msi|js)$/i;
const SAFE_WORD = /^[^\s,="'$`*?[\]{}\\]+$/;

type Plan = { source: string; target: string; edits: Edit[] } | { reason: string };

const mountConsumedCopy: Transform = {
  id: 'mount-consumed-copy',
  title: 'Bind-mount a file that the next RUN uses and deletes',
  rationale:
    'A file that `COPY` or `ADD` puts in a layer keeps its size in the image even when the next RUN deletes it. Mounting it into that RUN with `--mount=type=bind` gives the RUN the same file without writing it to any layer.',
  safety: 'layout',
  messages: {
    mounted:
      'Mounts `{source}` at `{target}` in the next `RUN` instead of copying it: the `RUN` deleted it anyway, so it now never takes space in a layer.',
    refused: 'Leaves this `{keyword}` as it is: {reason}.',
  },
  options: {},
  limitations: [
    "A recursive `rm` (the source may be a directory) and an `rm` that ends the script after `;` (its exit status is the RUN's) keep the COPY.",
    'Needs BuildKit: the rewrite adds `# syntax=docker/dockerfile:1` when the file has no `syntax` directive (the change says so: BuildKit then pulls that frontend image), and leaves the COPY when the directive names a frontend older than 1.2 or one dslim does not know.',
    "A RUN under a `USER` other than root keeps the COPY, since that user may fail to delete the root-owned copy; the base image's own `USER` is not known.",
    'A command after the `rm` keeps the COPY unless it provably cannot see the file: a plain `echo`, `mkdir`, `cp`, `ln -s` and the like whose words name only other paths. A script, a `sh -c`, a variable, a glob (in a `for` loop too), a `[ ]` test of the file or a listing of a directory above it might find the mounted file where the original found none; a `trap` keeps the COPY too.',
    'A RUN that moves, replaces or hard-links the file (`mv`, `sed -i`, `ln`, `cp -l`) keeps the COPY: none of that works on a mount point.',
    'Only a single file consumed by the RUN right after it is handled, and only when its directory is known to exist already (`/`, `/tmp`, or made earlier in the stage); otherwise the COPY would have created that directory and the image would differ.',
    'The COPY stays when anything before it in the stage, or in a stage of this file it builds on, may have written its target: a COPY or ADD into the path or a directory above it, a `RUN` with any command that may reach the path (anything but a plain `echo`, `mkdir`, `cp` and the like naming other paths; a package install counts), a `WORKDIR` or `VOLUME` at it. The `rm` deleted such a file, while a mount only hides it as the `RUN` runs, so it would stay in the image.',
    'Anything earlier in the stage, or in the stages of this file it is built on, that may have written the target keeps the COPY (the `rm` deleted that file, a mount would only hide it), except a system package manager (`apt-get`, `apk`, `dnf` and the like) run with plain words that do not name it, when the target is in `/tmp` or `/var/tmp`: no distribution package ships a file there.',
    'A file the external base image has at the target is not known: the original `rm` deleted it too, while with the mount it stays in the image. Keeping an `rm` of it in a `RUN` after the mounting one would add a layer, so the rewrite does not.',
    'A mounted file keeps the mode and owner it has in the build context, while `COPY` makes it owned by root; a RUN that checks ownership could see the difference.',
    'Builders other than BuildKit (buildah) may leave an empty mount point at the target path.',
    '`ADD` is only rewritten for local files whose name shows they are not tar archives, since ADD unpacks those.',
  ],
  run(doc, report) {
    for (const stage of doc.stages) {
      const workdirs = workingDirectories(doc, stage);
      stage.instructions.forEach((copy, k) => {
        const run = stage.instructions[k + 1];
        if (!['COPY', 'ADD'].includes(copy.keyword) || copy.opaque || !run) return;
        if (run.keyword !== 'RUN' || run.opaque || run.execForm || !isPosixShell(run.shell)) return;
        const plan = planMount(doc, stage, workdirs, copy, run);
        if (!plan) return;
        if ('reason' in plan) {
          report.note(copy.span.start, 'refused', { keyword: copy.keyword, reason: plan.reason });
        } else {
          const { source, target, edits } = plan;
          report.change(copy.span.start, 'mounted', { source, target }, edits);
        }
      });
    }
  },
};

export default mountConsumedCopy;

/** Null when the RUN does not use and delete the copied file; otherwise the rewrite or a reason. */
function planMount(
  doc: DockerDocument,
  stage: Stage,
  workdirs: ReadonlyMap<number, string | null>,
  copy: InstructionInfo,
  run: InstructionInfo,
): Plan | null {
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
    (mountTargets(run, workdirs.get(run.index) ?? null).some((m) => !m || pathsOverlap(m, target))
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
  const others = rm.args.filter((a) => !RM_OPTION.test(a) && resolvePath(a, rm.cwd) !== target);
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
  if (
    run.opaque ||
    run.execForm ||
    !isPosixShell(run.shell) ||
    !analyzeScript(run.body.text).readable
  )
    return 'cannot be read, so it may write the path';
  for (const command of scanScript(run.body.text, cwd).commands) {
    if (installsPackagesOnly(command, target)) continue;
    const how = mayReach(command, target);
    if (how)
      return `runs \`${shorten(run.body.text.slice(command.start, command.end))}\`, which ${how}`;
  }
  return null;
}
