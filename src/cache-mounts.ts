import { posix } from 'node:path';
import { copiedInto, copyPhrase } from './copy-args';
import type { DockerDocument, InstructionInfo } from './document';
import { lineRef } from './line-ref';
import { programName, type RunScript } from './package-runs';
import {
  homeAsRoot,
  isWithin,
  mountTargets,
  pathsOverlap,
  reachedDirectory,
  mountSyntaxProblem,
  resolvePath,
  syntaxDirectiveEdits,
  wordPath,
} from './paths';
import { commandText, insertBeforeNext, scanScript, type CommandFacts } from './script-paths';
import type { ShellCommand } from './shell-commands';
import { analyzeScript } from './shell-effects';
import {
  directoryAt,
  isRootUser,
  lastUser,
  sameUser,
  userWords,
  variableSetting,
} from './stage-paths';
import type { Edit, OptionSpec, TransformOptions } from './types';

/** How the cache transforms keep a package manager's cache out of the image. */
export type CacheMode = 'clean' | 'mount';

export const CACHE_MODES: readonly CacheMode[] = ['clean', 'mount'];

/** The `caches` option that every cache transform takes. */
export const CACHES_OPTION: OptionSpec = {
  description:
    '`clean` removes the cache (or keeps it from being written) in the RUN that installs; `mount` puts a BuildKit cache mount (`RUN --mount=type=cache`) over it instead, so the next build reuses it',
  default: 'clean',
  choices: [...CACHE_MODES],
};

/** What every transform that can mount a cache knowingly does not handle. */
export const MOUNT_LIMITATIONS = [
  '`caches: mount` needs BuildKit: it adds `# syntax=docker/dockerfile:1` when the file has no `syntax` directive (the change says so: BuildKit then pulls that frontend image), and cleans up instead when the directive names a Dockerfile frontend older than 1.2 or one dslim does not know. buildah honours the mounts too, but leaves the missing parent directories of a mount target in the image, empty, where BuildKit removes them.',
  "With `caches: mount`, a COPY or ADD before the RUN (in its stage or a stage it builds on) that writes into the cache directory keeps the cleanup instead, since the mount would hide those files; a relative destination under the base image's working directory is taken to be outside the cache.",
  'With `caches: mount`, the mount hides what the image already has in that directory while the RUN runs. A command of the RUN other than a package manager that names a path at, above or below the mount target (or runs inside it), or an `rm`, `mv` or `find` operand dslim cannot resolve, keeps the cleanup instead: its writes would go to the cache, not the layer, and a mount point cannot be deleted or moved. An `rm` of paths inside the target only is allowed; a command behind a wrapper that runs its program where dslim cannot follow it (`chroot`, or an option dslim does not know) keeps the cleanup too. A path reached through a script or a variable in another command is not seen.',
];

/** True when a cache transform is asked for cache mounts rather than cleanup. */
export function mountsCaches(options: TransformOptions): boolean {
  return options.caches === 'mount';
}

/** A cache directory to mount; `locked` for a manager that wants it to itself. */
export interface CacheMount {
  target: string;
  locked?: boolean;
}

/** The edits that add the mounts, or why the RUN cannot take them. */
export type MountOutcome = { edits: Edit[] } | { reason: string };

/** A mount to make, or the reason to clean up instead: null when no mount was asked for. */
export type MountPlan = { edits: Edit[] } | { reason: string | null };

/** Programs whose use of their own cache a mount is for. */
const PACKAGE_MANAGERS =
  /^(apt|apt-get|apt-cache|aptitude|apk|npm|npx|yarn|pnpm|pip\d*(\.\d+)?|python\d*(\.\d+)?|yum|dnf|microdnf|zypper|composer|conda|mamba|micromamba|go)$/;
/** Commands that delete or move what their operands name. */
const MOVERS = new Set(['rm', 'rmdir', 'mv', 'find']);
/** Variables that move every cache below a home directory. */
const HOME_VARIABLES = ['HOME', 'XDG_CACHE_HOME'];

/**
 * What a cache transform does with a RUN it would clean up: with `caches:
 * mount`, mount `mounts` over the cache unless `problem` (a condition of the
 * transform's own) or the RUN forbids it.
 */
export function planMount(
  options: TransformOptions,
  doc: DockerDocument,
  { run, commands }: RunScript,
  mounts: CacheMount[],
  problem: () => string | null = () => null,
): MountPlan {
  if (!mountsCaches(options)) return { reason: null };
  const reason = problem();
  return reason ? { reason } : mountCaches(doc, run, commands, mounts);
}

/**
 * Adds `--mount=type=cache` flags for `mounts` after the RUN's own flags (see
 * `mountFlagEdits`), and the syntax directive BuildKit needs when the file
 * has none. The file's syntax directive must allow `RUN --mount`. The RUN
 * must not mount anything else over those paths, nor remove one of them or
 * a directory above it (removing a mount point fails), and no COPY or ADD
 * before it may have written there: the mount would hide those files. Nor
 * may it run a program dslim cannot follow (see `ShellCommand.hidden`),
 * which may use the mount.
 */
export function mountCaches(
  doc: DockerDocument,
  run: InstructionInfo,
  commands: ShellCommand[],
  mounts: CacheMount[],
): MountOutcome {
  const syntax = mountSyntaxProblem(doc);
  if (syntax) return { reason: syntax };
  const targets = mountTargets(run, null).filter((t): t is string => t !== null);
  for (const { target } of mounts) {
    const taken = targets.find((t) => pathsOverlap(t, target));
    if (taken) return { reason: `the \`RUN\` already mounts something at \`${taken}\`` };
    const copy = copiedInto(doc, run, target);
    if (copy)
      return {
        reason: `${copyPhrase(copy, target)}, and a mount there would hide those files from the \`RUN\``,
      };
    const rm = commands.find((c) => removesMountPoint(c, target));
    if (rm)
      return {
        reason: `its \`${rm.name}\` removes \`${target}\` or a directory above it, which fails on a mount point`,
      };
    const other = otherUseProblem(doc, run, target);
    if (other) return { reason: other };
  }
  const hidden = commands.find((c) => c.hidden !== null);
  if (hidden)
    return {
      reason: `its \`${programName(hidden)}\` may write into the cache mount instead of the layer: ${hidden.hidden}`,
    };

  const flags = mounts
    .map((m) => ` --mount=type=cache,target=${m.target}${m.locked ? ',sharing=locked' : ''}`)
    .join('');
  return { edits: [...syntaxDirectiveEdits(doc), ...mountFlagEdits(doc, run, flags)] };
}

/**
 * Adds `flags` (each with a space before it) to a RUN after its own flags,
 * where a join with the RUN before, which rewrites the text between the two
 * scripts, overlaps it. A second, empty edit just after the script overlaps
 * a join with the next RUN. Either join thus waits for the next round, so a
 * mount never lands inside a joined script and never covers commands it was
 * not judged against.
 */
export function mountFlagEdits(doc: DockerDocument, run: InstructionInfo, flags: string): Edit[] {
  const last = run.flags[run.flags.length - 1];
  const at = doc.offsetAt(last ? last.getRange().end : run.node.getInstructionRange().end);
  const codeEnd = run.body.toFile(analyzeScript(run.body.text).codeEnd - 1) + 1;
  return [{ start: at, end: at, text: flags }, insertBeforeNext(doc, codeEnd, '')];
}

/**
 * Why a cache may not be where the RUN writes it, or null. A cache under
 * root's home, or one a tool's own variable places, is there only while the
 * RUN runs as root with `HOME`, `XDG_CACHE_HOME` and `variables` unset by an
 * ENV or ARG of the stage, of a stage it builds on, or by the RUN itself,
 * and while `writers`, the tool's commands, run as root too: a wrapper that
 * runs one as another user (`gosu app npm ci`) has it write that user's
 * cache. A cache outside the home (`underHome` false: Go's `/go/pkg/mod`,
 * which the base image's `GOPATH` places) moves with `variables` only, but
 * still needs root: BuildKit makes a cache mount owned by root, so another
 * user could not write to it. What the base image sets is not known.
 */
export function movedCacheProblem(
  doc: DockerDocument,
  run: InstructionInfo,
  commands: ShellCommand[],
  variables: string[],
  writers: ShellCommand[],
  underHome = true,
): string | null {
  if (!run.stage) return null;
  const user = lastUser(doc, run.stage, run.index);
  const why = underHome
    ? 'whose home may not be `/root`'
    : 'who could not write to a cache mount, which BuildKit makes for root';
  if (user !== null && !isRootUser(user)) return `it runs as \`USER ${user}\`, ${why}`;
  const other = writers.find((c) => c.user !== null && !sameUser(c.user, 'root'));
  if (other?.user)
    return `\`${commandText(run.body.text, other)}\` runs as ${userWords(other.user)}, ${why}`;

  const moving = new Set([...(underHome ? HOME_VARIABLES : []), ...variables]);
  const setting = variableSetting(doc, run, moving);
  if (setting) {
    const { instruction, name } = setting;
    return `the \`${instruction.keyword}\` on line ${lineRef(instruction)} sets \`${name}\``;
  }
  // Settings after the last command are left out: nothing runs under them.
  const set = commands
    .flatMap((c) => [...c.assignments, ...c.setEarlier])
    .find((n) => moving.has(n));
  return set ? `the \`RUN\` sets \`${set}\`` : null;
}

/**
 * Why a command of the RUN other than a package manager keeps the mount
 * away: one that names `target`, a path in it or a directory above it (or
 * runs inside it) would write into the cache instead of the layer, or
 * delete or move a mount point; an `rm`, `mv` or `find` operand that cannot
 * be resolved may be any of those.
 */
function otherUseProblem(doc: DockerDocument, run: InstructionInfo, target: string): string | null {
  const cwd = directoryAt(doc, run);
  for (const command of scanScript(run.body.text, cwd).commands) {
    const name = posix.basename(command.name);
    if (PACKAGE_MANAGERS.test(name) || emptiesMount(name, command, target)) continue;
    if (command.cwd !== null && isWithin(command.cwd, target))
      return `its \`${name}\` runs inside \`${target}\`, so what it writes would go into the cache mount instead of the layer`;
    const words = [...command.args, ...command.redirects];
    const named = words.find((w) => {
      const path = wordPath(w, command.cwd);
      return path !== null && pathsOverlap(path, target);
    });
    if (named)
      return `its \`${name}\` names \`${named}\`, at, above or below \`${target}\`: what it writes there would go into the cache mount instead of the layer, and a mount point cannot be moved or deleted`;
    const unknown = MOVERS.has(name)
      ? operands(name, command.args).find((w) => wordPath(w, command.cwd) === null)
      : undefined;
    if (unknown !== undefined)
      return `its \`${name}\` has an operand dslim cannot resolve (\`${unknown}\`), which may be \`${target}\` or a directory above it, and a mount point cannot be moved or deleted`;
  }
  return null;
}

/**
 * An `rm` of paths inside the mount only (`rm -rf /root/.cache/pip/*`): it
 * writes nothing, and what it deletes would not be in the layer either way.
 */
function emptiesMount(name: string, command: CommandFacts, target: string): boolean {
  if (name !== 'rm' || command.redirects.length > 0) return false;
  return operands(name, command.args).every((word) => {
    const path = wordPath(word, command.cwd);
    return (
      (path !== null && path !== target && isWithin(path, target)) ||
      (resolvePath(word, command.cwd) === null && path === target && /^[^$`~]*$/.test(word))
    );
  });
}

/** The path operands of `rm`, `mv` or `find`: for `find`, the words before its expression. */
function operands(name: string, args: string[]): string[] {
  if (name !== 'find') return args.filter((a) => !a.startsWith('-'));
  const end = args.findIndex((a) => /^[-(!]/.test(a));
  return args.slice(0, end === -1 ? args.length : end).filter((a) => !a.startsWith('-'));
}

/**
 * True when an `rm` or `rmdir` operand is `target` or a directory above it,
 * or a glob that may match one. `~` and `$HOME` are read as `/root`, which is
 * the home wherever a cache under it is mounted.
 */
function removesMountPoint(command: ShellCommand, target: string): boolean {
  if (!['rm', 'rmdir'].includes(programName(command))) return false;
  return command.args.some((word) => {
    if (word.text.startsWith('-')) return false;
    const text = homeAsRoot(word.text);
    const exact = resolvePath(text, null);
    if (exact !== null) return isWithin(target, exact);
    const reached = reachedDirectory(text, null);
    return reached !== null && reached !== target && isWithin(target, reached);
  });
}
