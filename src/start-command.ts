/**
 * What a container of a stage runs when it starts: the ENTRYPOINT and CMD
 * in effect at the end of the stage, through the stages it builds on, read
 * as commands. One reading for every check of the kind "does the container
 * run X when it starts".
 */
import { isPosixShell, type DockerDocument, type InstructionInfo, type Stage } from './document';
import { lineRef } from './line-ref';
import { argvCommands, listCommands, type ShellCommand } from './shell-commands';
import { stageLineage } from './stage-paths';

/** The start command of a stage, as far as the file tells it. */
export interface StartCommand {
  /** The ENTRYPOINT in effect, when one of the file sets it; null when the base image's is (unknown) or none. */
  entrypoint: InstructionInfo | null;
  /** The CMD in effect, when one of the file sets it and the ENTRYPOINT does not drop it. */
  cmd: InstructionInfo | null;
  /**
   * True when the base image's ENTRYPOINT, which the file does not show, is
   * in effect: no stage of the lineage sets one, and the lineage starts
   * from an image, not `scratch`.
   */
  baseEntrypoint: boolean;
  /**
   * The commands the command line runs: the ENTRYPOINT's words with the
   * CMD's after them (see `argvCommands`). A shell-form instruction runs
   * its text through the SHELL in effect for it; a shell-form ENTRYPOINT
   * takes no CMD. Under the base image's ENTRYPOINT, these are the CMD's
   * own, which such an entrypoint usually runs (`exec "$@"`).
   */
  commands: ShellCommand[];
  /**
   * The CMD's own commands when an ENTRYPOINT of the file takes the CMD's
   * words as its arguments: an entrypoint script often runs them as a
   * command of their own. Empty otherwise.
   */
  passed: ShellCommand[];
}

/**
 * The start command of `stage` (see `StartCommand`). Docker keeps the
 * ENTRYPOINT and CMD of the image a stage builds on, and the last of each
 * in the stage wins; an ENTRYPOINT drops the CMD it inherits, unless a CMD
 * came before it in its own stage. The `ONBUILD` triggers of the stage a
 * stage builds on run first in it, like its own instructions.
 */
export function startCommand(doc: DockerDocument, stage: Stage): StartCommand {
  const lineage = stageLineage(doc, stage).reverse();
  const root = lineage[0];
  const external = root.image.toLowerCase() !== 'scratch';
  let entrypoint: InstructionInfo | null = null;
  let cmd: InstructionInfo | null = null;
  let baseEntrypoint = external;
  for (const [i, current] of lineage.entries()) {
    const parent = lineage[i - 1];
    const triggers = parent ? parent.instructions.flatMap((o) => doc.trigger(o) ?? []) : [];
    let cmdSet = false;
    for (const instruction of [...triggers, ...current.instructions]) {
      if (instruction.keyword === 'CMD') {
        cmd = instruction;
        cmdSet = true;
      } else if (instruction.keyword === 'ENTRYPOINT') {
        entrypoint = instruction;
        baseEntrypoint = false;
        if (!cmdSet) cmd = null;
      }
    }
  }
  return { entrypoint, cmd, baseEntrypoint, ...commandsOf(entrypoint, cmd) };
}

/** The `commands` and `passed` of a start command (see `StartCommand`). */
function commandsOf(
  entrypoint: InstructionInfo | null,
  cmd: InstructionInfo | null,
): Pick<StartCommand, 'commands' | 'passed'> {
  const cmdCommands = cmd ? lineCommands(commandLine(cmd)) : [];
  if (!entrypoint) return { commands: cmdCommands, passed: [] };
  if (!entrypoint.execForm) return { commands: lineCommands(commandLine(entrypoint)), passed: [] };
  const line = [...commandLine(entrypoint), ...(cmd ? commandLine(cmd) : [])];
  return { commands: lineCommands(line), passed: cmdCommands };
}

/**
 * The words exec runs for an ENTRYPOINT or CMD: an exec-form one's array,
 * a shell-form one's SHELL with its text after it.
 */
function commandLine(instruction: InstructionInfo): string[] {
  if (instruction.execForm) return JSON.parse(instruction.body.text.trim()) as string[];
  return [...instruction.shell, instruction.body.text];
}

/**
 * The commands a command line runs (see `argvCommands`). A shell that is
 * not a POSIX one (PowerShell, cmd) still runs its script: its words are
 * read as commands too, the nearest dslim comes to reading them.
 */
function lineCommands(line: string[]): ShellCommand[] {
  const commands = argvCommands(line);
  const [program = ''] = line;
  if (line.length < 2 || isPosixShell([program]) || !isShell(program)) return commands;
  return [...commands, ...listCommands(line[line.length - 1])];
}

/** PowerShell and cmd, the shells a Windows SHELL names. */
function isShell(program: string): boolean {
  return /(^|[\\/])(pwsh|powershell|cmd)(\.exe)?$/i.test(program);
}

/** A command a start command runs, and whether it is the CMD's own, given to an ENTRYPOINT (see `StartCommand.passed`). */
export interface Started {
  command: ShellCommand;
  passed: boolean;
}

/** The first command of a start command that passes `test`: of its command line, then of the CMD's own words. */
export function startedCommand(
  start: StartCommand,
  test: (command: ShellCommand) => boolean,
): Started | null {
  const command = start.commands.find(test);
  if (command) return { command, passed: false };
  const passed = start.passed.find(test);
  return passed ? { command: passed, passed: true } : null;
}

/**
 * For a message, that a start command runs `what` (a command, in
 * backquotes) and where the file says so: "the `ENTRYPOINT` on line 4 and
 * the `CMD` on line 5 run `go run` when the container starts", "the `CMD`
 * on line 5 runs ...", or, for a command of the CMD's own words, "the
 * `CMD` on line 5 gives `go run` to the `ENTRYPOINT` on line 4 to run when
 * the container starts".
 */
export function startRuns(start: StartCommand, what: string, passed: boolean): string {
  const { entrypoint, cmd } = start;
  const at = (i: InstructionInfo) => `the \`${i.keyword}\` on line ${lineRef(i)}`;
  if (passed && entrypoint && cmd)
    return `${at(cmd)} gives ${what} to ${at(entrypoint)} to run when the container starts`;
  const used = [entrypoint, entrypoint?.execForm === false ? null : cmd].filter(
    (i): i is InstructionInfo => i !== null,
  );
  const subject = used.length > 1 ? `${used.map(at).join(' and ')} run` : `${at(used[0])} runs`;
  return `${subject} ${what} when the container starts`;
}
