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
export type BuildSystem = 'Autotools' | 'CMake';

/** A command that set up a build tree. */
export interface BuildSetup {
  system: BuildSystem;
  /** The command, shortened for a message. */
  text: string;
  run: InstructionInfo;
}

/** Autotools programs that set up the directory they run in. */
const AUTOTOOLS = new Set(['configure', 'autogen.sh', 'automake', 'autoreconf']);
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
  const setups: BuildSetup[] = [];
  for (const ancestor of stageLineage(doc, stage).reverse()) {
    for (const run of ancestor.instructions) {
      if (run.keyword !== 'RUN' || run.index > install.run.index) continue;
      if (!isShellRun(run)) continue;
      const text = run.body.text;
      for (const command of scanScript(text, dirs.get(run.index) ?? null).commands) {
        if (run === install.run && command.end > install.before) continue;
        const setup = setupOf(command);
        if (setup && setup.dir === dir) {
          setups.push({ system: setup.system, text: commandText(text, command), run });
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

/** The build system a command sets up and the directory it sets up, or null. */
function setupOf(command: CommandFacts): { system: BuildSystem; dir: string | null } | null {
  let { name, args } = command;
  for (let inner = unwrapWords(name, args); inner; inner = unwrapWords(name, args)) {
    // A wrapper that runs its program where dslim cannot follow (`chroot`) sets nothing up it can see.
    if ('hidden' in inner) return null;
    args = args.slice(inner.at === -1 ? args.length : inner.at + 1);
    name = inner.program;
  }
  let program = programOf(name);
  // `sh ./configure`: the shell runs the script named by its first operand.
  if (SHELLS.has(program) && args[0] && !args[0].startsWith('-')) program = programOf(args[0]);
  if (AUTOTOOLS.has(program)) {
    const operand = program === 'autoreconf' ? args.find((a) => !a.startsWith('-')) : undefined;
    return { system: 'Autotools', dir: resolvePath(operand ?? '.', command.cwd) };
  }
  if (program !== 'cmake') return null;
  const dir = cmakeBuildDir(args);
  return dir === null ? null : { system: 'CMake', dir: resolvePath(dir, command.cwd) };
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
