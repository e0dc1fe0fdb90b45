import {
  commandArgs,
  commandName,
  memoize,
  walk,
  withShellTree,
  type ShellNode as Node,
} from './shell';
import { analyzeScript } from './shell-effects';
import { literalValue } from './shell-words';
import { programOf, shellScriptWord, unwrapWords, wrapperUser } from './wrappers';

/** A word of a command, with its offsets in the script text. */
export interface Word {
  text: string;
  start: number;
  end: number;
}

/** One simple command of a script, as the package-manager transforms need it. */
export interface ShellCommand {
  /**
   * The program run, after the wrappers that run it are skipped with their
   * options: `sudo`, `env`, `gosu`, `runuser -u`, `nice`, `timeout`, `xargs`,
   * `php` and the others `unwrapWords` knows. A wrapper that hides the
   * program it runs stays the name (see `hidden`).
   */
  name: string;
  /** The words after the name. */
  args: Word[];
  /** Names of `NAME=value` assignments written before the command, or given to `env` or `sudo`. */
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
  /**
   * The wrapper that makes the command's words unfit to edit, or null (see
   * `readOnlyWhy`): with `xargs` the program gets more words from standard
   * input; `runuser -u app pip install`, with no `--`, would take an option
   * added to `pip` as its own; and a command of the script of `sh -c '...'`
   * (`su -c '...'`, `flock FILE -c '...'`, labelled `sh -c`, `su -c`, `flock
   * -c`) is text inside a quoted word. Such a command is read like any
   * other, but a transform must not change it.
   * Its offsets are those of its script word's text, and so only order it
   * among the other commands.
   */
  readOnly: string | null;
  /**
   * Why dslim cannot tell what program the command runs, or which files it
   * uses, or null (see `Hidden`): `chroot /target apt-get install`. `name`
   * and `args` are then the wrapper and its words. Such a command may read
   * anything.
   */
  hidden: string | null;
  /**
   * The user the program runs as when a wrapper switches to another (see
   * `wrapperUser`), as written: `sudo apt-get` runs as `root`, `gosu app:app
   * npm ci` as `app:app`, `su app -c 'npm ci'` (its `su` and the commands of
   * its script) as `app`; `UNKNOWN_USER` when it cannot be told. The
   * innermost wrapper that switches decides. Null when none does: the
   * program runs as the RUN's own user.
   */
  user: string | null;
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
        const { command, words } = readCommand(node);
        found.push({ ...command, setEarlier });
        found.push(...shellScriptCommands({ ...command, setEarlier }, words));
      });
      return found;
    });
  },
);

/**
 * The commands of the script that `sh -c 'script'` (through any wrapper),
 * `su -c 'script'` or `flock FILE -c 'script'` runs, when that word is literal; read-only (see `ShellCommand.readOnly`).
 * The shell's own variables are not the new shell's, but those set for the
 * command and those exported before it are: all of them count as set earlier.
 * They run as the shell's user, unless a wrapper of their own switches.
 */
function shellScriptCommands(shell: ShellCommand, words: Node[]): ShellCommand[] {
  const at = shellScriptWord(
    shell.name,
    shell.args.map((word) => word.text),
  );
  const text = at === -1 ? null : literalValue(words[at]);
  if (text === null) return [];
  const word = words[at];
  const base = word.type === 'string' || word.type === 'raw_string' ? 1 : 0;
  const shift = (offset: number) => Math.min(word.startIndex + base + offset, word.endIndex);
  const outer = [...shell.setEarlier, ...shell.assignments];
  const label = `${programOf(shell.name)} -c`;
  return listCommands(text).map((inner) => ({
    ...inner,
    args: inner.args.map((arg) => ({ ...arg, start: shift(arg.start), end: shift(arg.end) })),
    setEarlier: [...new Set([...outer, ...inner.setEarlier])],
    start: shift(inner.start),
    end: shift(inner.end),
    andElement: null,
    readOnly: inner.readOnly ?? label,
    user: inner.user ?? shell.user,
  }));
}

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

/**
 * The command a `command` node runs, past its wrappers (see `unwrapWords`),
 * with the argument nodes of its words.
 */
function readCommand(node: Node): { command: Omit<ShellCommand, 'setEarlier'>; words: Node[] } {
  const texts = commandArgs(node);
  const nodes = node.childrenForFieldName('argument');
  const written: Word[] = nodes.map((arg, i) => ({
    text: texts[i],
    start: arg.startIndex,
    end: arg.endIndex,
  }));
  const assignments = node.namedChildren.flatMap((child) =>
    child?.type === 'variable_assignment' ? [child.childForFieldName('name')?.text ?? ''] : [],
  );
  const { name, args, set, readOnly, hidden, user } = unwrapProgram(commandName(node), written);
  assignments.push(...set);
  const words = nodes.slice(nodes.length - args.length);
  const command = {
    name,
    args,
    assignments,
    start: node.startIndex,
    end: node.endIndex,
    andElement: andElementRange(node),
    readOnly,
    hidden,
    user,
  };
  return { command, words };
}

/** A command's program past its wrappers, as `unwrapProgram` finds it. */
export interface UnwrappedProgram {
  name: string;
  args: Word[];
  set: string[];
  readOnly: string | null;
  hidden: string | null;
  user: string | null;
}

/**
 * The program a command runs past its wrappers (see `unwrapWords`), given
 * its name and words: `sudo env A=1 apt-get install` runs `apt-get` with
 * `A` set. `readOnly` names a wrapper on the way whose program's words must
 * not be edited (see `ShellCommand.readOnly`); `hidden` says why the
 * program is out of sight, when a wrapper hides it (see `ShellCommand.hidden`);
 * `user` is the user the last wrapper that switches users runs it as (see
 * `ShellCommand.user`), that of a wrapper which runs a script (`su -c`) or
 * hides its program included.
 */
export function unwrapProgram(name: string, args: Word[]): UnwrappedProgram {
  const set: string[] = [];
  let readOnly: string | null = null;
  let user: string | null = null;
  for (;;) {
    const words = args.map((word) => word.text);
    user = wrapperUser(name, words) ?? user;
    const inner = unwrapWords(name, words);
    if (!inner) return { name, args, set, readOnly, hidden: null, user };
    if ('hidden' in inner) return { name, args, set, readOnly, hidden: inner.hidden, user };
    set.push(...inner.assignments.map((i) => args[i].text.split('=')[0]));
    if (inner.readOnly) readOnly = programOf(name);
    // `xargs` with no program named runs `echo` with only the words it reads.
    args = args.slice(inner.at === -1 ? args.length : inner.at + 1);
    name = inner.program;
  }
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

/**
 * The commands a command line (program and arguments, as exec runs them)
 * runs: past its wrappers, the script of a shell's `-c` (see
 * `shellScriptWord`: `su -c` too), or else the program it names.
 */
export function argvCommands([program = '', ...words]: string[]): ShellCommand[] {
  const written: Word[] = words.map((text) => ({ text, start: 0, end: 0 }));
  const { name, args, set, readOnly, hidden, user } = unwrapProgram(program, written);
  const script = shellScriptWord(
    name,
    args.map((word) => word.text),
  );
  if (script !== -1 && args[script] !== undefined)
    return listCommands(args[script].text).map((c) => ({ ...c, user: c.user ?? user }));
  const command = { name, args, assignments: set, setEarlier: [], start: 0, end: 0, readOnly };
  return [{ ...command, hidden, user, andElement: null }];
}
