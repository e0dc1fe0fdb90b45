import { posix } from 'node:path';
import { isPosixShell, type DockerDocument, type InstructionInfo, type Stage } from './document';
import {
  isRecursiveRemove,
  operands,
  readChain,
  readInstall,
  workingDirs,
  type Chain,
  type ChainCommand,
  type InstallCommand,
} from './install-script';
import { lineRef } from './line-ref';
import { isWithin, resolvePath } from './paths';
import { scanScript } from './script-paths';
import {
  STANDARD_DIRS,
  isRootWithRootGroup,
  lastUser,
  stageLineage,
  volumePaths,
  workdirPaths,
} from './stage-paths';

/*
 * Finding a build tree that a stage copies in, installs from and removes,
 * and deciding whether the install can move to a stage of its own without
 * changing the image. Every check gives the reason a person reads when the
 * answer is no.
 */

/** Commands whose effect does not depend on the directory they run in. */
const ANYWHERE = new Set(['ldconfig', 'useradd', 'groupadd', 'adduser', 'addgroup', 'usermod']);
/** Tools that read the directory they run in without being told a path. */
const READS_CWD = new Set(['make', 'gmake', 'cmake', 'ninja', 'meson', 'ctest']);
/** Stands for a working directory that only the base image's config knows. */
export const BASE_WORKDIR = '/<workdir of the base image>';
const ARCHIVE = /\.(tar|tgz|tbz2?|txz|gz|bz2|xz|zst|lz4)$/i;

/** A COPY or ADD that puts a build tree at `dest`. */
export interface TreeCopy {
  copy: InstructionInfo;
  from: string | null;
  source: string;
  dest: string;
  /** The destination for messages: absolute where known, else as written. */
  label: string;
  problem: string | null;
}

/** An `rm -r` of the tree or of a directory above it. */
export interface Removal {
  run: InstructionInfo;
  chain: Chain;
  index: number;
  path: string;
}

/**
 * A RUN that removes the tree but is not a plain `&&` chain of commands, so
 * dslim cannot take the install and the removal out of it.
 */
export interface UnsplitRemoval {
  run: InstructionInfo;
  problem: string;
}

/**
 * True when some command of a RUN, read as a whole script, removes the tree
 * or a directory above it recursively.
 */
function removesTree(run: InstructionInfo, cwd: string, tree: TreeCopy): boolean {
  return scanScript(run.body.text, cwd).commands.some(
    (command) =>
      isRecursiveRemove(command) &&
      operands(command).some((word) => {
        const path = resolvePath(word, command.cwd);
        return path !== null && path !== '/' && isWithin(tree.dest, path);
      }),
  );
}

/** The install RUN, read and located. */
export interface Install {
  run: InstructionInfo;
  chain: Chain;
  dirs: (string | null)[];
  index: number;
  command: ChainCommand;
  spec: InstallCommand;
  /** The directory it installs from. */
  dir: string;
}

/** What the checks need to know about one candidate tree. */
export interface TreeContext {
  doc: DockerDocument;
  stage: Stage;
  dirs: ReadonlyMap<number, string | null>;
  tree: TreeCopy;
  removal: Removal;
  mount: boolean;
}

export function readTreeCopy(copy: InstructionInfo, cwd: string): TreeCopy | null {
  const words = copy.execForm
    ? (JSON.parse(copy.body.text) as string[])
    : copy.body.text.trim().split(/\s+/);
  const dest = words.length >= 2 ? resolvePath(words[words.length - 1], cwd) : null;
  if (dest === null || dest === '/') return null;
  const flags = new Map(copy.flags.map((f) => [f.getName().toLowerCase(), f.getValue() ?? '']));
  const from = flags.get('from') ?? null;
  const source = words[0];
  const extra = [...flags.keys()].find((name) => name !== 'from' && name !== 'link');
  let problem: string | null = null;
  if (isWithin(dest, BASE_WORKDIR))
    problem = 'the destination is relative to a working directory that only the base image knows';
  else if (copy.opaque) problem = 'the copy is a heredoc, which dslim never edits';
  else if (extra) problem = `the copy's \`--${extra}\` flag changes the copied files`;
  else if (words.length !== 2) problem = 'the copy has more than one source';
  else if (/[$*?[]/.test(source + (from ?? '')))
    problem = 'the copy source uses a variable or a wildcard';
  else if (copy.keyword === 'ADD' && (/^[a-z]+:\/\//i.test(source) || ARCHIVE.test(source)))
    problem = '`ADD` of an archive or URL unpacks or downloads rather than copies';
  const label = isWithin(dest, BASE_WORKDIR) ? words[words.length - 1] : dest;
  return { copy, from, source, dest, label, problem };
}

export function findRemoval(
  stage: Stage,
  tree: TreeCopy,
  dirs: ReadonlyMap<number, string | null>,
): Removal | UnsplitRemoval | null {
  for (const run of stage.instructions) {
    if (run.keyword !== 'RUN' || run.index <= tree.copy.index || run.opaque || run.execForm)
      continue;
    // Most RUNs remove nothing: a look at the text spares reading them.
    if (!/\brm\b/.test(run.body.text)) continue;
    const cwd = dirs.get(run.index) ?? BASE_WORKDIR;
    const chain = readChain(run.body.text);
    if ('problem' in chain) {
      if (removesTree(run, cwd, tree)) return { run, problem: chain.problem };
      continue;
    }
    const cwds = workingDirs(chain, cwd);
    for (const [index, command] of chain.commands.entries()) {
      if (!isRecursiveRemove(command)) continue;
      const paths = operands(command).map((p) => resolvePath(p, cwds[index]));
      const path = paths.find((p) => p && p !== '/' && isWithin(tree.dest, p));
      if (path) return { run, chain, index, path };
    }
  }
  return null;
}

/**
 * The RUN after `first` and up to the removal that runs a make, cmake or
 * ninja install, when `first` (the RUN right after the copy) runs none:
 * the note then names the RUN that stands between the copy and the install,
 * which is why the install cannot move, rather than saying the stage
 * installs nothing. Null when no such RUN is readable as a chain.
 */
function laterInstallRun(
  stage: Stage,
  first: InstructionInfo,
  last: InstructionInfo,
): InstructionInfo | null {
  const runs = stage.instructions.filter(
    (i) => i.keyword === 'RUN' && i.index > first.index && i.index <= last.index,
  );
  return (
    runs.find((run) => {
      if (run.opaque || run.execForm) return false;
      const chain = readChain(run.body.text);
      return !('problem' in chain) && chain.commands.some((c) => readInstall(c) !== null);
    }) ?? null
  );
}

export function readInstallRun(context: TreeContext): Install | string {
  const { stage, tree, removal, dirs } = context;
  const run = stage.instructions.find((i) => i.keyword === 'RUN' && i.index > tree.copy.index)!;
  const at = `the \`RUN\` at line ${lineRef(run)}`;
  if (run.opaque) return `${at} has a heredoc, which dslim never edits`;
  if (run.execForm) return `${at} is in exec form, so it cannot be split`;
  if (!isPosixShell(run.shell)) return `${at} runs under \`${run.shell.join(' ')}\``;
  const chain = run === removal.run ? removal.chain : readChain(run.body.text);
  if ('problem' in chain) return `dslim cannot split ${at}: ${chain.problem}`;
  const cwds = workingDirs(chain, dirs.get(run.index) ?? BASE_WORKDIR);
  const index = chain.commands.findIndex((c) => readInstall(c) !== null);
  if (index === -1) {
    const later = laterInstallRun(stage, run, removal.run);
    if (later)
      return `${at} runs between the copy and the install at line ${lineRef(later)}, and dslim moves an install to a builder stage only when it is the first \`RUN\` after the copy`;
    return `${at} runs no make, cmake or ninja install, so dslim cannot tell which files it installs`;
  }
  const command = chain.commands[index];
  const spec = readInstall(command)!;
  const dir = resolvePath(spec.dir, cwds[index]);
  if (dir === null || isWithin(dir, BASE_WORKDIR))
    return `the working directory of \`${command.text}\` cannot be determined`;
  if (!isWithin(dir, tree.dest)) return `\`${command.text}\` runs in \`${dir}\`, outside the tree`;
  if (run === removal.run && removal.index < index) return 'the tree is removed before the install';
  if (!context.mount) {
    if (command.dynamic || (spec.destdir !== null && !spec.destdir.startsWith('/')))
      return `\`${command.text}\` uses a variable or a relative \`DESTDIR\`, which a separate stage cannot reproduce`;
    const before = chain.commands.slice(0, index).find((c) => c.name !== 'cd');
    if (before)
      return `\`${before.text}\` runs after the copy and before the install, and a builder stage would run the install alone on the tree as copied, without what that command made or changed (a \`Makefile\`, built files); \`--strategy mount\` keeps the commands together and bind-mounts the tree for them instead`;
  }
  return { run, chain, dirs: cwds, index, command, spec, dir };
}

/**
 * What of this stage before the install a builder stage would not carry.
 * With `strategy: stage` the builder starts from this stage as it stands
 * before the install (see `extract-install-stage`), so users, tools, files,
 * ENV, SHELL and USER are all there; with `strategy: mount` the install
 * stays where it is. Instructions between the copy and the install that may
 * change the tree, and a VOLUME over it, matter to both.
 */
function checkBetween(context: TreeContext, install: Install): string | null {
  const { stage, tree, removal, mount } = context;
  const split = mount ? null : checkSplit(context, install);
  if (split) return split;
  for (const between of stage.instructions) {
    if (between.index <= tree.copy.index || between.index >= install.run.index) continue;
    if (between.keyword !== 'COPY' && between.keyword !== 'ADD') continue;
    // The builder stage copies the tree after these, so one that writes
    // above the tree could also write into it, in the other order.
    const other = readTreeCopy(between, context.dirs.get(between.index) ?? BASE_WORKDIR);
    if (!other || isWithin(other.dest, tree.dest) || (!mount && isWithin(tree.dest, other.dest)))
      return `the \`${between.keyword}\` at line ${lineRef(between)} may add files to the tree`;
  }
  for (const volume of stage.instructions) {
    if (volume.keyword !== 'VOLUME' || volume.index > removal.run.index) continue;
    const path = volumePaths(volume).find((p) => {
      const resolved = resolvePath(p, '/');
      return resolved && (isWithin(resolved, tree.dest) || isWithin(tree.dest, resolved));
    });
    if (path) return `\`${path}\` is a VOLUME, whose contents Docker handles apart from the layers`;
  }
  return null;
}

/**
 * Why this stage cannot be split before the install, so that the builder
 * stage and the rest of this stage both start from the part before it: an
 * ARG lasts only to the end of its stage, an ONBUILD would run in each stage
 * built on that part, an ENV that sets `DESTDIR` would be overridden by the
 * builder's own, and a user other than root may not create `/opt/NAME`.
 */
function checkSplit(context: TreeContext, install: Install): string | null {
  const { doc, stage, tree } = context;
  const before = stage.instructions.filter(
    (i) => i.index < install.run.index && i !== tree.copy && i !== stage.from,
  );
  const arg = before.find((i) => i.keyword === 'ARG');
  if (arg) {
    return `the \`ARG\` at line ${lineRef(arg)} lasts only to the end of its stage, so neither the builder stage nor the rest of this stage, both built on the part before the install, would see it`;
  }
  const onbuild = before.find((i) => i.keyword === 'ONBUILD');
  if (onbuild) {
    return `the \`ONBUILD\` at line ${lineRef(onbuild)} would run in the builder stage and again in the rest of this stage, both built on the part before the install`;
  }
  const destdir = stageLineage(doc, stage)
    .flatMap((s) => s.instructions)
    .find(
      (i) => i.keyword === 'ENV' && i.index < install.run.index && /\bDESTDIR\b/.test(i.body.text),
    );
  if (destdir) {
    return `the \`ENV\` at line ${lineRef(destdir)} sets \`DESTDIR\`, which the builder stage's own \`DESTDIR\` would override`;
  }
  const user = lastUser(doc, stage, install.run.index);
  if (user !== null && !isRootWithRootGroup(user))
    return `the install runs as \`${user}\`, who may not be allowed to create the directory the builder stage installs into`;
  return null;
}

/** Directories the copy created above the removed one stay; they must exist anyway. */
function checkLeftovers(context: TreeContext): string | null {
  const parent = posix.dirname(context.removal.path);
  if (parent === '/' || STANDARD_DIRS.has(parent)) return null;
  if (workdirPaths(context.doc, context.stage).some((w) => isWithin(w, parent))) return null;
  return `the copy also creates \`${parent}\`, which the removal leaves in the image, and dslim cannot tell whether the base image has it`;
}

/** Whether anything after the install, up to the removal, reads the tree. */
function checkLaterUse(context: TreeContext, install: Install): string | null {
  const { stage, removal, dirs, tree } = context;
  for (const run of stage.instructions) {
    if (run.keyword !== 'RUN' || run.index <= install.run.index || run.index > removal.run.index)
      continue;
    const chain = run === removal.run ? removal.chain : readChain(run.body.text);
    if (run.opaque || run.execForm || 'problem' in chain)
      return `dslim cannot tell whether the \`RUN\` at line ${lineRef(run)} uses the tree`;
    const cwds = workingDirs(chain, dirs.get(run.index) ?? BASE_WORKDIR);
    const user = chain.commands.find(
      (c, i) => !(run === removal.run && i === removal.index) && usesTree(c, cwds[i], tree.dest),
    );
    if (user) return `\`${user.text}\` uses the tree after the install`;
  }
  if (context.mount) return laterUseOfMountPoint(context, install);
  const start = dirs.get(install.run.index) ?? BASE_WORKDIR;
  for (const [i, command] of install.chain.commands.entries()) {
    if (i <= install.index || command.name === 'cd') continue;
    if (install.run === removal.run && i === removal.index) continue;
    if (usesTree(command, install.dirs[i], tree.dest))
      return `\`${command.text}\` uses the tree after the install`;
    const absolute = operands(command).every((p) => p.startsWith('/'));
    if (install.dirs[i] !== start && !ANYWHERE.has(command.name) && !absolute)
      return `\`${command.text}\` depends on the directory the install's \`cd\` went to`;
  }
  return null;
}

/**
 * A bind mount stays over the tree for the whole RUN, so a command after the
 * removal in the install's own RUN would find the tree there, and what it
 * writes under that path would go with the mount instead of into the image.
 */
function laterUseOfMountPoint(context: TreeContext, install: Install): string | null {
  const { removal, tree } = context;
  if (removal.run !== install.run) return null;
  const user = install.chain.commands.find(
    (c, i) => i > removal.index && usesTree(c, install.dirs[i], tree.dest),
  );
  return user
    ? `\`${user.text}\` uses the tree's path after the removal, where the mount would still be`
    : null;
}

function usesTree(command: ChainCommand, cwd: string | null, tree: string): boolean {
  const program = command.name.includes('/') ? [command.name] : [];
  const paths = [...program, ...operands(command)].map((p) => resolvePath(p, cwd));
  if (paths.some((p) => p === null || isWithin(p, tree))) return true;
  if (cwd === null || !isWithin(cwd, tree) || ANYWHERE.has(command.name)) return false;
  return paths.length > 0 || READS_CWD.has(command.name) || command.name.includes('/');
}

/** True when the removal also deletes something the copy did not bring. */
export function removalRemovesMore(context: TreeContext): boolean {
  return removalExtra(context) !== null;
}

/**
 * What the removal deletes that the copy did not bring, as the object of
 * "deletes", or null when it deletes only the tree: with the copy gone, the
 * removal is still needed for that, so a change that keeps it says why.
 */
export function removalExtra(context: TreeContext): string | null {
  const { doc, stage, tree, removal } = context;
  const command = removal.chain.commands[removal.index];
  if (operands(command).length !== 1) return 'the other paths it names';
  if (removal.path !== tree.dest) return `\`${removal.path}\`, which holds more than the tree`;
  if (STANDARD_DIRS.has(removal.path))
    return `the directory \`${removal.path}\` itself, which the base image is taken to have`;
  if (workdirPaths(doc, stage).some((w) => isWithin(w, removal.path)))
    return `the directory \`${removal.path}\` itself, which a \`WORKDIR\` makes`;
  return null;
}

/** The first reason the install cannot leave the stage, or null. */
export function findProblem(context: TreeContext, install: Install): string | null {
  return (
    checkBetween(context, install) ?? checkLeftovers(context) ?? checkLaterUse(context, install)
  );
}
