import type { Arg, Env, Property } from 'dockerfile-ast';
import { shellHasErrexit, type DockerDocument, type InstructionInfo, type Stage } from './document';
import { lineRef } from './line-ref';
import { resolvePath } from './paths';
import { UNKNOWN_USER } from './wrappers';

/**
 * Directories every Linux base image has, so removing something inside
 * them never leaves a directory that only a COPY had made.
 */
export const STANDARD_DIRS = new Set([
  '/tmp',
  '/var/tmp',
  '/opt',
  '/srv',
  '/home',
  '/root',
  '/etc',
  '/usr',
  '/usr/local',
  '/usr/local/src',
  '/usr/local/lib',
  '/usr/local/share',
  '/usr/src',
  '/usr/share',
  '/usr/lib',
  '/var',
  '/var/lib',
  '/var/cache',
]);

/** The stages a stage builds on inside this file, nearest first, itself included. */
export function stageLineage(doc: DockerDocument, stage: Stage): Stage[] {
  const lineage: Stage[] = [];
  for (let s: Stage | undefined = stage; s && !lineage.includes(s);) {
    lineage.push(s);
    s = doc.findStage(s.image, s.from.index);
  }
  return lineage;
}

/**
 * The stages whose instructions may have run before `stage`'s own, nearest
 * first: its lineage (see `stageLineage`) and, when that starts from a FROM
 * that a `--build-arg` may point at any stage before it (see
 * `Stage.anyStage`), every stage before that FROM, nearest first. For
 * questions such as "does anything before this RUN fill the cache", which
 * any of them may.
 */
export function possibleLineage(doc: DockerDocument, stage: Stage): Stage[] {
  const lineage = stageLineage(doc, stage);
  const root = lineage[lineage.length - 1];
  if (!root.anyStage) return lineage;
  const before = doc.stages.filter((s) => s.index < root.index && !lineage.includes(s));
  return [...lineage, ...before.reverse()];
}

/**
 * For a message, how `stage` may build on `ancestor`, one of its
 * `possibleLineage` outside its `stageLineage`: "stage `deps`, which the
 * `FROM $BASE` on line 4 may name through a `--build-arg`".
 */
export function mayBuildOnPhrase(doc: DockerDocument, stage: Stage, ancestor: Stage): string {
  const lineage = stageLineage(doc, stage);
  const root = lineage[lineage.length - 1];
  const name = ancestor.name ?? String(ancestor.index);
  return `stage \`${name}\`, which the \`FROM ${root.base}\` on line ${lineRef(root.from)} may name through a \`--build-arg\``;
}

/**
 * The tag of the official Docker Hub image `name` (`golang`, `composer`)
 * that the stage is built from in the end, past the stages of this file it
 * builds on: `1.22-alpine` for `golang:1.22-alpine`, `''` for none. Null
 * when the stage starts from another image.
 */
export function officialImageTag(doc: DockerDocument, stage: Stage, name: string): string | null {
  const lineage = stageLineage(doc, stage);
  return officialTag(lineage[lineage.length - 1].image, name);
}

/**
 * The tag of an image reference when it names the official Docker Hub
 * image `name`: `1.8` for `composer:1.8` or `docker.io/library/composer:1.8`,
 * `''` for none. Null for another image.
 */
export function officialTag(image: string, name: string): string | null {
  const match = /^(?:(?:index\.)?docker\.io\/)?(?:library\/)?([^:@]+)(?::([^@]*))?(?:@.*)?$/i.exec(
    image,
  );
  return match && match[1].toLowerCase() === name ? (match[2] ?? '') : null;
}

/** Variables bash reads at start to turn options on (`SHELLOPTS=errexit:nounset`). */
const OPTION_VARIABLES = new Set(['SHELLOPTS', 'BASHOPTS']);

/** An ENV or ARG that puts a variable in the environment of the RUNs after it. */
export interface VariableSetting {
  instruction: InstructionInfo;
  name: string;
  /** The value, or null when an ARG gives none (a build argument may). */
  value: string | null;
}

/** An ENV or ARG that sets shell options for the RUNs after it. */
export interface OptionSetting extends VariableSetting {
  /** `SHELLOPTS` or `BASHOPTS`. */
  name: string;
  /** The option names, or null when the value is not written out (a variable, an ARG without one). */
  options: string[] | null;
}

/**
 * The last ENV or ARG before `run`, in its stage or a stage it builds on,
 * that sets one of `names`, or null. A stage it may build on (see
 * `possibleLineage`) counts after those it surely does. `run` may be any
 * point of a stage: `{ stage, index: Infinity }` is its end.
 */
export function variableSetting(
  doc: DockerDocument,
  run: Pick<InstructionInfo, 'stage' | 'index'>,
  names: Set<string>,
): VariableSetting | null {
  if (!run.stage) return null;
  for (const stage of possibleLineage(doc, run.stage)) {
    const settings = environmentSettings(stage);
    for (let i = settings.length - 1; i >= 0; i--) {
      const instruction = settings[i];
      if (instruction.index >= run.index) continue;
      const property = settingProperty(instruction, names);
      if (property) return { instruction, name: property.getName(), value: property.getValue() };
    }
  }
  return null;
}

const settingsOfStage = new WeakMap<Stage, InstructionInfo[]>();

/** The ENV and ARG instructions of a stage, found once: every RUN of a long stage asks. */
function environmentSettings(stage: Stage): InstructionInfo[] {
  let settings = settingsOfStage.get(stage);
  if (!settings) {
    settings = stage.instructions.filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG');
    settingsOfStage.set(stage, settings);
  }
  return settings;
}

/**
 * The last ENV or ARG before `run`, in its stage or a stage it builds on,
 * that puts `SHELLOPTS` or `BASHOPTS` in its environment, or null. bash
 * turns those options on as it starts, and from then on exports every
 * change to them, so child processes see it; `/bin/sh` is bash in some
 * images, so the setting counts whatever the SHELL says.
 */
export function shellOptionSetting(
  doc: DockerDocument,
  run: InstructionInfo,
): OptionSetting | null {
  const setting = variableSetting(doc, run, OPTION_VARIABLES);
  if (!setting) return null;
  const value = setting.value;
  const options = value === null || /[$`]/.test(value) ? null : value.split(':');
  return { ...setting, options };
}

function settingProperty(instruction: InstructionInfo, names: Set<string>): Property | undefined {
  const properties =
    instruction.keyword === 'ENV'
      ? (instruction.node as Env).getProperties()
      : instruction.keyword === 'ARG'
        ? [(instruction.node as Arg).getProperty()]
        : [];
  return properties.reverse().find((p): p is Property => !!p && names.has(p.getName()));
}

/** Shells that ignore `BASH_ENV`: bash itself when it runs as `sh`, and the others. */
const IGNORE_BASH_ENV = new Set(['sh', 'dash', 'ash', 'busybox', 'ksh', 'mksh', 'zsh']);

/**
 * Code a RUN's shell reads before the RUN's own script, which may change
 * any option: the file `BASH_ENV` names (bash, not run as `sh`), the
 * profile files of a login shell (`-l`, `--login`), the rc files (and
 * `ENV`) of an interactive one (`-i`), or zsh's `.zshenv`. A shell run
 * with `-c` and neither flag reads no `ENV`, be it dash, busybox or bash.
 */
export type StartupCode =
  | { from: 'variable'; setting: VariableSetting }
  /** `files`: what the SHELL reads, as words for a message. */
  | { from: 'shell'; files: string };

/** The startup code the RUN's shell reads, or null. */
export function startupCode(doc: DockerDocument, run: InstructionInfo): StartupCode | null {
  const flags = run.shell.slice(1).filter((arg) => /^-[a-zA-Z]+$/.test(arg));
  if (run.shell.includes('--login') || flags.some((flag) => flag.includes('l'))) {
    return { from: 'shell', files: 'the profile files a login shell reads' };
  }
  if (flags.some((flag) => flag.includes('i'))) {
    return { from: 'shell', files: 'the startup files an interactive shell reads' };
  }
  const program = (run.shell[0] ?? '').split('/').pop() ?? '';
  if (program === 'zsh') return { from: 'shell', files: 'the `.zshenv` files zsh reads' };
  if (IGNORE_BASH_ENV.has(program)) return null;
  const setting = variableSetting(doc, run, new Set(['BASH_ENV']));
  return setting && setting.value !== '' ? { from: 'variable', setting } : null;
}

/**
 * True when a RUN starts with errexit on, or may: from its SHELL (`-e`),
 * from `SHELLOPTS` (or `BASHOPTS`) in its environment naming `errexit` or
 * set to a value that is not written out, or from startup code.
 */
export function runHasErrexit(doc: DockerDocument, run: InstructionInfo): boolean {
  if (shellHasErrexit(run.shell)) return true;
  if (startupCode(doc, run)) return true;
  const setting = shellOptionSetting(doc, run);
  return setting !== null && (setting.options === null || setting.options.includes('errexit'));
}

/** Transforms ask for every instruction they read: each stage is worked out once per parse. */
const directoriesByStage = new WeakMap<Stage, ReadonlyMap<number, string | null>>();

/**
 * The working directory in effect at each instruction of `stage`, by
 * instruction index, through the stages it builds on. Null where it depends
 * on an external base image's config (until the first absolute WORKDIR) or
 * on a variable; `scratch` starts at `/`.
 */
export function workingDirectories(
  doc: DockerDocument,
  stage: Stage,
): ReadonlyMap<number, string | null> {
  const known = directoriesByStage.get(stage);
  if (known) return known;
  const dirs = new Map<number, string | null>();
  directoriesByStage.set(stage, dirs);
  const lineage = stageLineage(doc, stage).reverse();
  let cwd: string | null = lineage[0].image.toLowerCase() === 'scratch' ? '/' : null;
  for (const ancestor of lineage) {
    for (const instruction of ancestor.instructions) {
      dirs.set(instruction.index, cwd);
      if (instruction.keyword === 'WORKDIR') cwd = resolvePath(instruction.body.text.trim(), cwd);
    }
  }
  return dirs;
}

/**
 * The working directory in effect at one instruction (see
 * `workingDirectories`), against which a relative path or mount target of
 * it resolves; null outside a stage or where it cannot be told.
 */
export function directoryAt(doc: DockerDocument, instruction: InstructionInfo): string | null {
  return (
    (instruction.stage && workingDirectories(doc, instruction.stage).get(instruction.index)) ?? null
  );
}

/** Every WORKDIR path set in the stage or the stages it builds on. */
export function workdirPaths(doc: DockerDocument, stage: Stage): string[] {
  const dirs = workingDirectories(doc, stage);
  return stageLineage(doc, stage)
    .flatMap((s) => s.instructions)
    .filter((i) => i.keyword === 'WORKDIR')
    .map((i) => resolvePath(i.body.text.trim(), dirs.get(i.index) ?? null))
    .filter((p): p is string => p !== null);
}

/** True for a USER value naming root (`root`, `0`), whatever group it names. */
export function isRootUser(user: string): boolean {
  return /^(root|0)(:.*)?$/.test(user);
}

/** True for a USER value naming root and, if any, root's group: what a new stage runs as. */
export function isRootWithRootGroup(user: string): boolean {
  return /^(root|0)(:(root|0))?$/.test(user);
}

/**
 * Who a USER value or a wrapper's user names, without its group: a name or
 * a number (`app:staff` is `app`, sudo's `#1000` is `1000`), and `root`
 * for root, named or numbered. Null when it cannot be read: a variable, or
 * `UNKNOWN_USER`.
 */
function userIdentity(user: string): string | null {
  const name = user.split(':')[0].replace(/^#(?=\d+$)/, '');
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) return null;
  return name === '0' ? 'root' : name;
}

/**
 * True when two users, as a USER or a wrapper writes them, are surely the
 * same: `root` and `0`, `app` and `app:app`. A name and a number, or one
 * that cannot be read, may be another user.
 */
export function sameUser(a: string, b: string): boolean {
  const identity = userIdentity(a);
  return identity !== null && identity === userIdentity(b);
}

/**
 * True when two users, as a USER or a wrapper writes them, are surely two
 * users: two names, two numbers, or root against any other (root's id is
 * always 0). A name against a number (`node` and `1000`) may be one user,
 * and so may one that cannot be read: only the image's `/etc/passwd` knows.
 */
export function otherUser(a: string, b: string): boolean {
  const [x, y] = [userIdentity(a), userIdentity(b)];
  if (x === null || y === null || x === y) return false;
  const numeric = (id: string) => /^\d+$/.test(id);
  return x === 'root' || y === 'root' || numeric(x) === numeric(y);
}

/** A user for a message: `app`, or words for one dslim cannot tell. */
export function userWords(user: string): string {
  return user === UNKNOWN_USER ? 'a user dslim cannot tell' : `\`${user}\``;
}

/** The user a RUN runs as: the last USER before it (see `lastUser`), else root. */
export function runUser(doc: DockerDocument, run: InstructionInfo): string {
  return (run.stage && lastUser(doc, run.stage, run.index)) ?? 'root';
}

/**
 * The user the last USER of the stage (or a stage it builds on) names, or
 * null. When none names one, a stage it may build on (see
 * `possibleLineage`) that ends as a user other than root gives that user:
 * the stage may run as that user.
 */
export function lastUser(doc: DockerDocument, stage: Stage, before: number): string | null {
  const lineage = stageLineage(doc, stage);
  const users = possibleLineage(doc, stage).flatMap((s) => {
    const set = s.instructions.filter((i) => i.keyword === 'USER' && i.index < before);
    return set.length > 0 ? [{ stage: s, user: set[set.length - 1].body.text.trim() }] : [];
  });
  const sure = users.find((u) => lineage.includes(u.stage));
  return (sure ?? users.find((u) => !isRootUser(u.user)) ?? users[0])?.user ?? null;
}

/** The paths a VOLUME instruction declares. */
export function volumePaths(volume: InstructionInfo): string[] {
  const text = volume.body.text.trim();
  if (volume.execForm) return JSON.parse(text) as string[];
  return text.split(/\s+/).filter(Boolean);
}

/** Whole lines of an instruction, with its line break, for deleting it. */
export function instructionLines(
  doc: DockerDocument,
  instruction: InstructionInfo,
): { start: number; end: number } {
  const last = doc.lineAt(instruction.span.end);
  if (last + 1 < doc.lineCount) {
    return { start: doc.lineStart(instruction.line), end: doc.lineStart(last + 1) };
  }
  const start = instruction.line > 0 ? doc.lineEnd(instruction.line - 1) : 0;
  return { start, end: doc.text.length };
}

/** Names a new stage could clash with: stage names and any image a FROM or --from names. */
export function takenNames(doc: DockerDocument): Set<string> {
  const taken = new Set<string>();
  for (const instruction of doc.instructions) {
    if (instruction.stage?.from === instruction) {
      taken.add(instruction.stage.base.toLowerCase());
      taken.add(instruction.stage.image.toLowerCase());
      if (instruction.stage.name) taken.add(instruction.stage.name);
    }
    for (const flag of instruction.flags) {
      const value = (flag.getValue() ?? '').toLowerCase();
      if (flag.getName().toLowerCase() === 'from') taken.add(value);
      for (const match of value.matchAll(/(?:^|,)from=([^,]+)/g)) taken.add(match[1]);
    }
  }
  return taken;
}

export function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  taken.add(name);
  return name;
}
