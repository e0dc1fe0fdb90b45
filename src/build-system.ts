import { posix } from 'node:path';
import { isShellRun, type DockerDocument, type InstructionInfo, type Stage } from './document';
import { BASE_WORKDIR, readTreeCopy } from './install-tree';
import { lineRef } from './line-ref';
import { isWithin, resolvePath } from './paths';
import { commandText, scanScript, type CommandFacts } from './script-paths';
import { stageLineage, workingDirectories } from './stage-paths';
import { SHELLS, programOf, unwrapWords } from './wrappers';

/*
 * Telling which build system made a build tree, from the commands that set
 * it up. The name of a tree's strip target depends on it, and a name the
 * tree lacks fails the build; whether its install honours `DESTDIR` does
 * too, and one that does not loses files. So only a command seen
 * configuring that very directory counts.
 */

/** The build systems whose trees dslim can tell apart. */
export type BuildSystem = 'Automake' | 'CMake' | 'Meson';

/** A command that set up a build tree. */
export interface BuildSetup {
  /**
   * Null for a `configure` that nothing shows Automake wrote: one written by
   * hand or by Autoconf alone (zlib's) makes Makefiles of its own design.
   */
  system: BuildSystem | null;
  /** The command, shortened for a message. */
  text: string;
  run: InstructionInfo;
  /** The directory the command set up. */
  dir: string;
}

/**
 * Programs that run Automake, or the scripts Automake projects ship to run
 * it (`autogen.sh`, gnulib's `bootstrap`), in the directory they work on:
 * a later `configure` there writes Makefiles Automake made, which have an
 * `install-strip` target. `autoconf` alone is not one: it makes a
 * `configure` script but no Makefile.
 */
const AUTOMAKE_STEPS = new Set(['autogen.sh', 'automake', 'autoreconf', 'bootstrap']);
/**
 * The Automake steps that also set up the directory they work on, as
 * `autogen.sh` does by running `configure` itself. `bootstrap` does not
 * count: CMake's own source tree has one too, which makes a CMake tree.
 */
const AUTOMAKE_SETUPS = new Set(['autogen.sh', 'automake', 'autoreconf']);
/** CMake options after which it configures nothing (a script, a tool, a preset's own binary directory). */
const CMAKE_OTHER_MODES = new Set([
  '-E',
  '-P',
  '--preset',
  '--workflow',
  '--find-package',
  '--system-information',
  '--version',
  '-h',
]);

/**
 * The commands that set up the build tree `dir`, in the order they run:
 * the RUNs of `stage` and of the stages it builds on, up to `install.run`,
 * and the commands of that RUN that end by `install.before` (an offset in
 * its logical text); null `install` reads the whole stage. A RUN dslim
 * cannot read as a shell script is skipped. Where a COPY brought the tree
 * from another stage, the commands that set it up there come first (see
 * `copiedFrom`): the tree is the one that stage built.
 */
export function buildSetups(
  doc: DockerDocument,
  stage: Stage,
  install: { run: InstructionInfo; before: number } | null,
  dir: string,
): BuildSetup[] {
  const copied = copiedFrom(doc, stage, install?.run.index ?? Infinity, dir);
  const earlier = copied ? buildSetups(doc, copied.stage, null, copied.dir) : [];
  return [...earlier, ...setupsInLineage(doc, stage, install, dir)];
}

/** The commands of `stage` and the stages it builds on that set up `dir` (see `buildSetups`). */
function setupsInLineage(
  doc: DockerDocument,
  stage: Stage,
  install: { run: InstructionInfo; before: number } | null,
  dir: string,
): BuildSetup[] {
  const dirs = workingDirectories(doc, stage);
  const automake = new Set<string>();
  const setups: BuildSetup[] = [];
  for (const ancestor of stageLineage(doc, stage).reverse()) {
    for (const run of ancestor.instructions) {
      if (run.keyword !== 'RUN' || (install && run.index > install.run.index)) continue;
      if (!isShellRun(run)) continue;
      const text = run.body.text;
      for (const command of scanScript(text, dirs.get(run.index) ?? null).commands) {
        if (run === install?.run && command.end > install.before) continue;
        const step = stepOf(command, automake);
        if (step?.automake) automake.add(step.automake);
        if (step?.setup?.dir === dir) {
          setups.push({ ...step.setup, dir, text: commandText(text, command), run });
        }
      }
    }
  }
  return setups;
}

/**
 * The stage, and the directory in it, that the last COPY before instruction
 * `before` copied `dir` from, when that COPY names one directory of a
 * stage of this file (`COPY --from=build /src /tmp/src` makes `/tmp/src/b`
 * the `/src/b` of `build`). Null for a tree from the build context or an
 * image, and for a COPY dslim cannot read (a wildcard, a variable): what
 * set those up is out of sight.
 */
function copiedFrom(
  doc: DockerDocument,
  stage: Stage,
  before: number,
  dir: string,
): { stage: Stage; dir: string } | null {
  const dirs = workingDirectories(doc, stage);
  let last: InstructionInfo | undefined;
  for (const ancestor of stageLineage(doc, stage).reverse()) {
    for (const copy of ancestor.instructions) {
      if (copy.index >= before || (copy.keyword !== 'COPY' && copy.keyword !== 'ADD')) continue;
      const tree = readTreeCopy(copy, dirs.get(copy.index) ?? BASE_WORKDIR);
      if (tree && isWithin(dir, tree.dest)) last = copy;
    }
  }
  const tree = last && readTreeCopy(last, dirs.get(last.index) ?? BASE_WORKDIR);
  if (!tree || tree.problem || tree.from === null) return null;
  const source = doc.findStage(tree.from, last!.index);
  const root = resolvePath(tree.source, '/');
  if (!source || root === null) return null;
  return { stage: source, dir: posix.join(root, posix.relative(tree.dest, dir)) };
}

/** The commands of `setups` as a message names them: `` `cmake ..` (line 3)``. */
export function setupList(setups: BuildSetup[]): string {
  return setups.map((s) => `\`${s.text}\` (line ${lineRef(s.run)})`).join(' and ');
}

/** What one command does to build trees; a directory is null when dslim cannot tell it. */
interface Step {
  /** The directory it runs Automake on. */
  automake?: string | null;
  /** The tree it sets up, and with which build system. */
  setup?: { system: BuildSystem | null; dir: string | null };
}

/**
 * What a command does to build trees: the directory it runs Automake on
 * (see `AUTOMAKE_STEPS`), and the tree it sets up with the build system it
 * uses. A `configure` uses Automake only when a step ran Automake in the
 * directory of the script before (`automake`, the directories seen so
 * far), which covers out-of-tree builds (`cd build && ../configure`).
 */
function stepOf(command: CommandFacts, automake: Set<string>): Step | null {
  let { name, args } = command;
  for (let inner = unwrapWords(name, args); inner; inner = unwrapWords(name, args)) {
    // A wrapper that runs its program where dslim cannot follow (`chroot`) sets nothing up it can see.
    if ('hidden' in inner) return null;
    args = args.slice(inner.at === -1 ? args.length : inner.at + 1);
    name = inner.program;
  }
  // `sh ./configure`: the shell runs the script named by its first operand.
  if (SHELLS.has(programOf(name)) && args[0] && !args[0].startsWith('-')) name = args[0];
  const program = programOf(name);
  if (program === 'configure') {
    const script = resolvePath(name, command.cwd);
    const sources = script === null ? null : posix.dirname(script);
    const system = sources !== null && automake.has(sources) ? 'Automake' : null;
    return { setup: { system, dir: resolvePath('.', command.cwd) } };
  }
  if (AUTOMAKE_STEPS.has(program)) {
    const operand = program === 'autoreconf' ? args.find((a) => !a.startsWith('-')) : undefined;
    const dir = resolvePath(operand ?? '.', command.cwd);
    const setup = AUTOMAKE_SETUPS.has(program) ? { system: 'Automake' as const, dir } : undefined;
    return { automake: dir, setup };
  }
  const system = program === 'cmake' ? 'CMake' : program === 'meson' ? 'Meson' : null;
  if (system === null) return null;
  const dir = system === 'CMake' ? cmakeBuildDir(args) : mesonBuildDir(args);
  return dir === null ? null : { setup: { system, dir: resolvePath(dir, command.cwd) } };
}

/**
 * The build directory a cmake command works on, relative to where it runs:
 * `-B dir`, `--build dir` and `--install dir` name it (the last two work
 * only on a tree CMake made); otherwise configuring uses the working
 * directory (`cd build && cmake ..`). Null when it configures nothing.
 */
function cmakeBuildDir(args: string[]): string | null {
  let dir = '.';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (CMAKE_OTHER_MODES.has(arg.split('=')[0]) || arg.startsWith('--help')) return null;
    if (arg === '--build' || arg === '--install') return args[i + 1] ?? null;
    if (arg === '-B') dir = args[++i] ?? '';
    else if (arg.startsWith('-B')) dir = arg.slice(2);
  }
  return dir;
}

/** Meson commands that work on a build directory Meson made, named by `-C` or the working directory. */
const MESON_ON_BUILD_DIR = new Set(['compile', 'install', 'test', 'dist', 'devenv']);
/** Meson commands that set up no build directory. */
const MESON_OTHER = new Set([
  'init',
  'wrap',
  'subprojects',
  'rewrite',
  'env2mfile',
  'help',
  'format',
  'fmt',
  'introspect',
  'runpython',
  'reprotest',
  '-h',
  '--help',
  '-v',
  '--version',
]);
/** Meson options that take no value; every other option without `=` takes the next word. */
const MESON_FLAGS = new Set([
  '--reconfigure',
  '--wipe',
  '--clearcache',
  '--werror',
  '--strip',
  '--fatal-meson-warnings',
  '--vsenv',
  '--errorlogs',
  '--no-rebuild',
]);

/**
 * The build directory a meson command works on, relative to where it runs:
 * the first operand of `meson setup` or `meson configure` (or of the older
 * `meson builddir`, with no subcommand), or `-C dir` of a command that works
 * on one (`compile`, `install`…), else the working directory. Null when it
 * names none: an option dslim does not know may take the word it reads as
 * the directory, and then no setup is found where the install runs.
 */
function mesonBuildDir(args: string[]): string | null {
  const [first, ...rest] = args;
  if (first === undefined || MESON_OTHER.has(first)) return null;
  if (MESON_ON_BUILD_DIR.has(first)) {
    const at = rest.indexOf('-C');
    return at === -1 ? '.' : (rest[at + 1] ?? null);
  }
  const words = first === 'setup' || first === 'configure' ? rest : args;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (!word.startsWith('-')) return word;
    if (word.includes('=') || MESON_FLAGS.has(word) || /^-D./.test(word)) continue;
    i++;
  }
  return first === 'configure' ? '.' : null;
}
