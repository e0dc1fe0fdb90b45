import { posix } from 'node:path';
import { isShellRun, type DockerDocument, type InstructionInfo, type Stage } from './document';
import { lineRef } from './line-ref';
import { resolvePath } from './paths';
import { commandText, scanScript, type CommandFacts } from './script-paths';
import { stageLineage, workingDirectories } from './stage-paths';
import { SHELLS, programOf, unwrapWords } from './wrappers';

/*
 * Telling which build system made a build tree, from the commands that set
 * it up. The name of a tree's strip target depends on it, and a name the
 * tree lacks fails the build, so only a command seen configuring that very
 * directory counts.
 */

/** The build systems whose trees dslim can tell apart. */
export type BuildSystem = 'Automake' | 'CMake';

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
 * its logical text). A RUN dslim cannot read as a shell script is skipped.
 */
export function buildSetups(
  doc: DockerDocument,
  stage: Stage,
  install: { run: InstructionInfo; before: number },
  dir: string,
): BuildSetup[] {
  const dirs = workingDirectories(doc, stage);
  const automake = new Set<string>();
  const setups: BuildSetup[] = [];
  for (const ancestor of stageLineage(doc, stage).reverse()) {
    for (const run of ancestor.instructions) {
      if (run.keyword !== 'RUN' || run.index > install.run.index) continue;
      if (!isShellRun(run)) continue;
      const text = run.body.text;
      for (const command of scanScript(text, dirs.get(run.index) ?? null).commands) {
        if (run === install.run && command.end > install.before) continue;
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
  if (program !== 'cmake') return null;
  const dir = cmakeBuildDir(args);
  return dir === null ? null : { setup: { system: 'CMake', dir: resolvePath(dir, command.cwd) } };
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
