import {
  commandArgs,
  commandName,
  memoize,
  walk,
  withShellTree,
  type ShellNode as Node,
} from './shell';
import { analyzeScript } from './shell-effects';

/** A word of a command, with its offsets in the script text. */
export interface Word {
  text: string;
  start: number;
  end: number;
}

/** One simple command of a script, as the package-manager transforms need it. */
export interface ShellCommand {
  /** The program run, after a leading `sudo` (and its options) is skipped. */
  name: string;
  /** The words after the name. */
  args: Word[];
  /** Names of `NAME=value` assignments written before the command. */
  assignments: string[];
  /**
   * Names of the variables that statements before this command set in the
   * script's own shell (`export`, `declare`, `local`, `readonly`,
   * `NAME=value;`, `unset`, a loop variable), which tree-sitter-bash does not
   * parse as commands. A setting inside a subshell, pipeline or substitution
   * is left out: what follows it does not see it.
   */
  setEarlier: string[];
  start: number;
  end: number;
  /**
   * The script range to delete to drop this command from a chain joined
   * only by `&&` (with the operator next to it), or null when the command is
   * not such an element.
   */
  andElement: { start: number; end: number } | null;
}

/** Every simple command of a script in source order; remembered by text. */
export const listCommands: (script: string) => ShellCommand[] = memoize(
  (script) => script,
  (script) => {
    const settings = analyzeScript(script).leaks.filter((leak) => leak.kind === 'variable');
    return withShellTree(script, (root) => {
      const found: ShellCommand[] = [];
      walk(root, (node) => {
        if (node.type !== 'command') return;
        const earlier = settings.filter((leak) => leak.start < node.startIndex);
        const setEarlier = [...new Set(earlier.flatMap((leak) => leak.names ?? []))];
        found.push({ ...readCommand(node), setEarlier });
      });
      return found;
    });
  },
);

/**
 * True when `name` is set for the command: on the command itself
 * (`NAME=value cmd`) or by an earlier statement of the script
 * (`export NAME=value && cmd`).
 */
export function setsVariable(command: ShellCommand, name: string): boolean {
  return command.assignments.includes(name) || command.setEarlier.includes(name);
}

/** The first word that is not an option (`-y`, `--quiet`), starting at `from`. */
export function firstOperand(args: Word[], from = 0): Word | undefined {
  return args.slice(from).find((word) => !word.text.startsWith('-'));
}

/** True when a word equals `flag` or sets it (`--flag=value`). */
export function hasFlag(args: Word[], ...flags: string[]): boolean {
  return args.some((word) => flags.some((f) => word.text === f || word.text.startsWith(`${f}=`)));
}

function readCommand(node: Node): Omit<ShellCommand, 'setEarlier'> {
  let name = commandName(node);
  const texts = commandArgs(node);
  let args: Word[] = node
    .childrenForFieldName('argument')
    .map((arg, i) => ({ text: texts[i], start: arg.startIndex, end: arg.endIndex }));
  if (name === 'sudo') {
    const program = args.findIndex((word) => !word.text.startsWith('-'));
    name = program === -1 ? '' : args[program].text;
    args = program === -1 ? [] : args.slice(program + 1);
  }
  const assignments = node.namedChildren.flatMap((child) =>
    child?.type === 'variable_assignment' ? [child.childForFieldName('name')?.text ?? ''] : [],
  );
  return {
    name,
    args,
    assignments,
    start: node.startIndex,
    end: node.endIndex,
    andElement: andElementRange(node),
  };
}

/** See `ShellCommand.andElement`. */
function andElementRange(node: Node): { start: number; end: number } | null {
  const parent = node.parent;
  if (parent?.type !== 'list') return null;
  for (let list: Node | null = parent; list?.type === 'list'; list = list.parent) {
    if (list.children.some((c) => c?.type === '||')) return null;
    if (list.parent?.type !== 'list' && list.parent?.type !== 'program') return null;
  }
  const [left, , right] = parent.children;
  if (!left || !right) return null;
  if (right === node) return { start: left.endIndex, end: node.endIndex };
  return { start: node.startIndex, end: right.startIndex };
}
