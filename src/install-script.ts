import { posix } from 'node:path';
import type { InstructionInfo } from './document';
import { resolvePath } from './paths';
import type { Edit } from './types';
import {
  commandArgs,
  commandName,
  memoize,
  shorten,
  walk,
  withShellTree,
  type ShellNode as Node,
} from './shell';
import { shellAccepts } from './shell-syntax';

const EXPANSIONS = new Set([
  'simple_expansion',
  'expansion',
  'command_substitution',
  'process_substitution',
  'arithmetic_expansion',
]);

/** Make options whose value is the next word. */
const MAKE_VALUE_OPTIONS = new Set(['-f', '-I', '-o', '-W', '--file', '--include-dir']);

/** A `NAME=value` word before a command or among make's arguments. */
export interface Assignment {
  name: string;
  value: string;
  raw: string;
}

/** One simple command of a RUN that is a plain `&&` chain. */
export interface ChainCommand {
  name: string;
  args: string[];
  /** The argument words as written. */
  rawArgs: string[];
  /** Where each argument word is, as logical offsets into the script. */
  argSpans: { start: number; end: number }[];
  assignments: Assignment[];
  text: string;
  /** Which top-level member of the chain holds it (a command or a subshell). */
  element: number;
  /** Inside `( … )`: a `cd` here ends with the subshell. */
  inSubshell: boolean;
  /** Uses `$`, a substitution or `~`, so its words are not known before it runs. */
  dynamic: boolean;
}

/** A RUN script read as `a && b && ( c && d )`, with the logical span of each member. */
export interface Chain {
  commands: ChainCommand[];
  elements: { start: number; end: number }[];
}

/** What runs `make install` (or the cmake or ninja equivalent) and where. */
export interface InstallCommand {
  tool: 'make' | 'cmake' | 'ninja';
  /** The directory it installs from, relative to its working directory. */
  dir: string;
  /** The `DESTDIR` it sets, if any. */
  destdir: string | null;
}

/**
 * Reads a script as one chain of simple commands joined by `&&`, where a
 * member may also be a subshell holding such a chain. Anything else (`;`,
 * `||`, pipelines, redirections, compound commands) gives a reason instead.
 */
export const readChain: (script: string) => Chain | { problem: string } = memoize(
  (script) => script,
  (script) => parseChain(script),
);

function parseChain(script: string): Chain | { problem: string } {
  return withShellTree(script, (root) => {
    if (!shellAccepts(root)) return { problem: 'the shell parser cannot read the script' };
    const statements = root.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment');
    if (statements.length !== 1) return { problem: 'the script is not a single `&&` chain' };
    const chain: Chain = { commands: [], elements: [] };
    const problem = flatten(statements[0], chain, true);
    return problem ? { problem } : chain;
  });
}

function flatten(node: Node, chain: Chain, top: boolean): string | null {
  if (node.type === 'list') {
    const operator = node.children.find((c) => c && !c.isNamed);
    if (operator?.type !== '&&') return 'the script joins commands with something other than `&&`';
    for (const child of node.namedChildren) {
      if (child?.type === 'comment') continue;
      const problem = child ? flatten(child, chain, top) : null;
      if (problem) return problem;
    }
    return null;
  }
  if (node.type === 'subshell' && top) {
    chain.elements.push({ start: node.startIndex, end: node.endIndex });
    const inner = node.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment');
    if (inner.length !== 1) return 'a subshell in the script holds more than one `&&` chain';
    const first = chain.commands.length;
    const problem = flatten(inner[0], chain, false);
    for (const command of chain.commands.slice(first)) command.inSubshell = true;
    return problem;
  }
  if (node.type !== 'command') return `\`${shorten(node.text)}\` is not a plain command`;
  if (top) chain.elements.push({ start: node.startIndex, end: node.endIndex });
  chain.commands.push(readCommand(node, chain.elements.length - 1));
  return null;
}

function readCommand(node: Node, element: number): ChainCommand {
  let dynamic = false;
  walk(node, (child) => {
    if (EXPANSIONS.has(child.type) || /^~/.test(child.text)) dynamic = true;
    return !dynamic;
  });
  const args = node.childrenForFieldName('argument').filter((a): a is Node => !!a);
  const assignments = node.namedChildren
    .filter((n): n is Node => n?.type === 'variable_assignment')
    .map((n) => ({
      name: n.childForFieldName('name')?.text ?? '',
      value: n.childForFieldName('value')?.text ?? '',
      raw: n.text,
    }));
  return {
    name: commandName(node),
    args: commandArgs(node),
    rawArgs: args.map((a) => a.text),
    argSpans: args.map((a) => ({ start: a.startIndex, end: a.endIndex })),
    assignments,
    text: node.text,
    element,
    inSubshell: false,
    dynamic,
  };
}

/**
 * Recognises `make install`, `make -C dir install-strip`, `cmake --install dir`, `ninja install`,
 * and the strip target of a CMake tree, `install/strip`, for make and ninja alike.
 */
export function readInstall(command: ChainCommand): InstallCommand | null {
  const env = command.assignments.find((a) => a.name === 'DESTDIR')?.value ?? null;
  const { name, args } = command;
  if (name === 'cmake') {
    return args[0] === '--install' && args[1] !== undefined
      ? { tool: 'cmake', dir: args[1], destdir: env }
      : null;
  }
  if (name !== 'make' && name !== 'gmake' && name !== 'ninja') return null;
  const tool = name === 'ninja' ? 'ninja' : 'make';
  const targets: string[] = [];
  const dirs: string[] = [];
  let destdir = env;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-C' || arg === '--directory') dirs.push(args[++i] ?? '');
    else if (arg.startsWith('--directory=')) dirs.push(arg.slice('--directory='.length));
    else if (arg.startsWith('-C')) dirs.push(arg.slice(2));
    else if (MAKE_VALUE_OPTIONS.has(arg) && tool === 'make') i++;
    else if (arg.startsWith('DESTDIR=')) destdir = arg.slice('DESTDIR='.length);
    else if (!arg.startsWith('-') && !arg.includes('=')) targets.push(arg);
  }
  const installs =
    tool === 'ninja' ? ['install', 'install/strip'] : ['install', 'install-strip', 'install/strip'];
  if (!targets.some((t) => installs.includes(t))) return null;
  return {
    tool,
    dir: dirs.reduce((dir, next) => (next.startsWith('/') ? next : posix.join(dir, next)), '.'),
    destdir,
  };
}

/**
 * The install command to run from the directory it installs from, writing
 * under `destdir`: `-C` and cmake's directory are dropped, `DESTDIR` set.
 */
export function installText(
  command: ChainCommand,
  install: InstallCommand,
  destdir: string,
): string {
  const words: string[] = [];
  let placed = false;
  for (const assignment of command.assignments) {
    placed ||= assignment.name === 'DESTDIR';
    words.push(assignment.name === 'DESTDIR' ? `DESTDIR=${destdir}` : assignment.raw);
  }
  if (!placed && install.tool !== 'make') words.push(`DESTDIR=${destdir}`);
  words.push(command.name);
  const { args, rawArgs } = command;
  for (let i = 0; i < args.length; i++) {
    if (install.tool === 'cmake' && i === 1) words.push('.');
    else if (args[i] === '-C' || args[i] === '--directory') i++;
    else if (args[i].startsWith('-C') || args[i].startsWith('--directory=')) continue;
    else if (args[i].startsWith('DESTDIR=') && install.tool === 'make') {
      words.push(`DESTDIR=${destdir}`);
      placed = true;
    } else words.push(rawArgs[i]);
  }
  if (!placed && install.tool === 'make') words.push(`DESTDIR=${destdir}`);
  return words.join(' ');
}

/** True for `rm` with a recursive flag. */
export function isRecursiveRemove(command: Pick<ChainCommand, 'name' | 'args'>): boolean {
  if (command.name !== 'rm') return false;
  return command.args.some(
    (a) => a === '--recursive' || (/^-[a-zA-Z]+$/.test(a) && /[rR]/.test(a)),
  );
}

/** The words of a command that are not options. */
export function operands(command: Pick<ChainCommand, 'name' | 'args'>): string[] {
  const index = command.args.indexOf('--');
  const words = index === -1 ? command.args : command.args.slice(0, index);
  const rest = index === -1 ? [] : command.args.slice(index + 1);
  return [...words.filter((w) => !w.startsWith('-')), ...rest];
}

/**
 * The working directory each command of the chain runs in, starting from
 * `start`; a `cd` inside a subshell ends with it. Null where unknown.
 */
export function workingDirs(chain: Chain, start: string | null): (string | null)[] {
  const dirs: (string | null)[] = [];
  let main = start;
  let sub = start;
  let element = -1;
  for (const command of chain.commands) {
    if (command.inSubshell && command.element !== element) sub = main;
    element = command.element;
    const cwd = command.inSubshell ? sub : main;
    dirs.push(cwd);
    if (command.name !== 'cd') continue;
    const target = command.args.length === 1 && !command.dynamic ? command.args[0] : '';
    if (command.inSubshell) sub = resolvePath(target, cwd);
    else main = resolvePath(target, cwd);
  }
  return dirs;
}

/**
 * Edits that delete the given commands from a RUN's chain, with the `&&`
 * that joined them; 'all' when nothing would be left.
 */
export function chainEdits(
  run: InstructionInfo,
  chain: Chain,
  removed: Set<number>,
): Edit[] | 'all' | 'partial' {
  const gone = chain.elements.map((_, e) => {
    const members = [...chain.commands.entries()].filter(([, c]) => c.element === e);
    const count = members.filter(([i]) => removed.has(i)).length;
    return count === 0 ? false : count === members.length ? true : null;
  });
  if (gone.includes(null)) return 'partial';
  if (gone.every(Boolean)) return 'all';
  const start = (e: number) => run.body.toFile(chain.elements[e].start);
  const end = (e: number) => run.body.toFile(chain.elements[e].end - 1) + 1;
  const edits: Edit[] = [];
  for (let first = 0; first < gone.length; first++) {
    if (!gone[first]) continue;
    let last = first;
    while (gone[last + 1]) last++;
    edits.push(
      first > 0
        ? { start: end(first - 1), end: end(last), text: '' }
        : { start: start(first), end: start(last + 1), text: '' },
    );
    first = last;
  }
  return edits;
}
