import {
  commandArgs,
  commandName,
  memoize,
  walk,
  withShellTree,
  type ShellNode as Node,
} from './shell';

/**
 * Shell state that a script leaves behind for whatever runs after it in the
 * same shell. Separate RUN instructions each start a fresh shell, so once two
 * are joined, these are what the second could now see.
 */
export type LeakKind = 'cwd' | 'variable' | 'option' | 'function' | 'other';

export interface Leak {
  kind: LeakKind;
  /** The command that causes it, as written (shortened). */
  source: string;
  /** Where that command starts in the script. */
  start: number;
  /** For `option`: the option letters or names it turns on or off. */
  options?: string[];
  /** For `variable`/`function`: the names it sets. */
  names?: string[];
}

/** What dslim needs to know about one RUN's shell script. */
export interface ScriptFacts {
  /** The parser read it without errors. */
  readable: boolean;
  leaks: Leak[];
  /** `set -e` (or `-o errexit`) is on when the script ends. */
  errexit: boolean;
  /** Some `set` turns errexit on, at any depth (also inside a subshell). */
  errexitAnywhere: boolean;
  /** Something runs in the background (`&`) and outlives its command. */
  background: boolean;
  /** Number of top-level statements, comments excluded. */
  statements: number;
  /** One statement whose operators are all `&&`: safe to put after `&&`. */
  andChainOnly: boolean;
  /** The last statement holds a compound command (`{}`, `()`, if, loop). */
  lastIsCompound: boolean;
  /** Offset just after the last code token, before a final `;`. */
  codeEnd: number;
  /** A comment that ends the script, as logical offsets. */
  trailingComment: { start: number; end: number } | null;
  /** No lists, compound commands or substitutions holding lists. */
  flat: boolean;
  usesExpansion: boolean;
  hasPipeline: boolean;
  hasGlob: boolean;
  hasOutputRedirect: boolean;
  /** The script starts with `cd /absolute/path &&`. */
  startsWithAbsoluteCd: boolean;
  /** Names of every command the script runs, in order. */
  commands: string[];
}

const COMPOUND = new Set([
  'subshell',
  'compound_statement',
  'if_statement',
  'while_statement',
  'for_statement',
  'c_style_for_statement',
  'case_statement',
  'function_definition',
]);

/** Arithmetic operators that assign to a variable (`x=1`, `x+=2`). */
const ASSIGNING_OPERATORS = new Set([
  '=',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '<<=',
  '>>=',
  '&=',
  '^=',
  '|=',
]);

/** Builtins whose effect outlives the command, in the shell that ran it. */
const STATEFUL_BUILTINS = new Set([
  'printf',
  'umask',
  'ulimit',
  'alias',
  'unalias',
  'trap',
  'exec',
  'exit',
  'return',
  'source',
  '.',
  'eval',
  'shopt',
  'hash',
  'enable',
  'shift',
  'cd',
  'pushd',
  'popd',
  'read',
  'getopts',
  'mapfile',
  'readarray',
  'let',
  'set',
]);

/** Reads a shell script; remembered by text. */
export const analyzeScript: (text: string) => ScriptFacts = memoize(
  (text) => text,
  (text) => withShellTree(text, readFacts),
);

function readFacts(root: Node): ScriptFacts {
  const statements = root.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment');
  const last = statements[statements.length - 1];
  const lastChild = root.children[root.childCount - 1];
  const trailingComment =
    lastChild && lastChild.type === 'comment'
      ? { start: lastChild.startIndex, end: lastChild.endIndex }
      : null;
  const facts: ScriptFacts = {
    readable: !root.hasError,
    leaks: [],
    errexit: false,
    errexitAnywhere: false,
    background: false,
    statements: statements.length,
    andChainOnly: statements.length === 1 && isAndChain(root, statements[0]),
    lastIsCompound: last ? containsCompound(last) : false,
    codeEnd: last ? last.endIndex : 0,
    trailingComment,
    flat: statements.length <= 1,
    usesExpansion: false,
    hasPipeline: false,
    hasGlob: false,
    hasOutputRedirect: false,
    startsWithAbsoluteCd: startsWithAbsoluteCd(statements[0]),
    commands: [],
  };
  collectLeaks(root, facts);
  walk(root, (node) => {
    switch (node.type) {
      case '&':
        facts.background = true;
        break;
      case 'simple_expansion':
      case 'expansion':
        facts.usesExpansion = true;
        break;
      case 'pipeline':
        facts.hasPipeline = true;
        break;
      case 'file_redirect':
        if (/^\d*>(?!&)/.test(node.text)) facts.hasOutputRedirect = true;
        break;
      case 'word':
        if (/[*?[]/.test(node.text) && node.parent?.type !== 'string') facts.hasGlob = true;
        break;
      case 'command':
        facts.commands.push(commandName(node));
        if (commandName(node) === 'set' && readSetArgs(commandArgs(node)).errexit) {
          facts.errexitAnywhere = true;
        }
        break;
      case 'command_substitution':
      case 'process_substitution':
        if (node.namedChildren.filter((n) => n?.type !== 'comment').length > 1) facts.flat = false;
        break;
    }
    if (COMPOUND.has(node.type)) facts.flat = false;
  });
  return facts;
}

/** True when `statement` is a chain of `&&` only, not sent to the background. */
function isAndChain(root: Node, statement: Node): boolean {
  const next = root.children[root.children.indexOf(statement) + 1];
  if (next?.type === '&') return false;
  let node: Node | null = statement;
  while (node?.type === 'list') {
    if (node.children.some((c) => c?.type === '||')) return false;
    node = node.namedChildren[0];
  }
  return true;
}

function containsCompound(node: Node): boolean {
  if (COMPOUND.has(node.type)) return true;
  let found = false;
  walk(node, (child) => {
    if (COMPOUND.has(child.type)) found = true;
    return !found;
  });
  return found;
}

function startsWithAbsoluteCd(statement: Node | undefined): boolean {
  if (!statement || statement.type !== 'list') return false;
  let first: Node | null = statement;
  while (first?.type === 'list') first = first.namedChildren[0];
  const operator = first?.parent?.children[1]?.type;
  if (!first || first.type !== 'command' || operator !== '&&') return false;
  const args = commandArgs(first);
  return commandName(first) === 'cd' && args.length === 1 && /^\/[^$`]*$/.test(args[0]);
}

/**
 * Walks the statements that run in the script's own shell (not in
 * subshells, pipelines or substitutions) and records what they leave set.
 */
function collectLeaks(root: Node, facts: ScriptFacts): void {
  const add = (node: Node, leak: Omit<Leak, 'start'>) =>
    facts.leaks.push({ ...leak, source: shorten(leak.source), start: node.startIndex });
  walk(root, (node) => {
    switch (node.type) {
      case 'subshell':
      case 'pipeline':
      case 'command_substitution':
      case 'process_substitution':
        return false;
      case 'variable_assignment':
        if (node.parent?.type !== 'command' && node.parent?.type !== 'declaration_command') {
          add(node, { kind: 'variable', source: node.text, names: [nameOf(node)] });
        }
        return true;
      case 'declaration_command':
      case 'unset_command':
        add(node, { kind: 'variable', source: node.text, names: declaredNames(node) });
        return false;
      case 'function_definition': {
        const name = node.childForFieldName('name')?.text ?? '';
        add(node, { kind: 'function', source: `${name}()`, names: [name] });
        return false;
      }
      case 'for_statement': {
        const variable = node.childForFieldName('variable')?.text ?? '';
        add(node, { kind: 'variable', source: `for ${variable}`, names: [variable] });
        return true;
      }
      case 'expansion':
        if (node.children.some((c) => c?.type === ':=' || c?.type === '=')) {
          add(node, { kind: 'variable', source: node.text, names: [] });
        }
        return true;
      case 'binary_expression':
        if (node.children.some((c) => ASSIGNING_OPERATORS.has(c.type))) {
          add(node, { kind: 'variable', source: node.text, names: [] });
        }
        return true;
      case 'postfix_expression':
      case 'unary_expression':
        if (node.children.some((c) => c.type === '++' || c.type === '--')) {
          add(node, { kind: 'variable', source: node.text, names: [] });
        }
        return true;
      case 'arithmetic_expansion':
      case 'compound_statement':
        return true;
      case 'command':
        recordCommand(node, facts, add);
        return true;
    }
    return true;
  });
}

function recordCommand(
  node: Node,
  facts: ScriptFacts,
  add: (node: Node, leak: Omit<Leak, 'start'>) => void,
): void {
  let name = commandName(node);
  let args = commandArgs(node);
  while ((name === 'command' || name === 'builtin') && args.length > 0) {
    [name, ...args] = args;
  }
  if (!STATEFUL_BUILTINS.has(name)) return;
  // printf only sets state with `-v NAME`; otherwise it only prints.
  if (name === 'printf' && !args.some((arg) => arg.startsWith('-v'))) return;
  if (name === 'set') {
    const change = readSetArgs(args);
    if (change.errexit !== undefined) facts.errexit = change.errexit;
    if (change.options.length > 0)
      add(node, { kind: 'option', source: node.text, options: change.options });
  } else if (name === 'cd' || name === 'pushd' || name === 'popd') {
    add(node, { kind: 'cwd', source: node.text });
  } else if (
    ['read', 'getopts', 'mapfile', 'readarray', 'let'].includes(name) ||
    (name === 'printf' && args.some((arg) => arg.startsWith('-v')))
  ) {
    add(node, { kind: 'variable', source: node.text, names: [] });
  } else {
    add(node, { kind: 'other', source: node.text });
  }
}

interface SetChange {
  /** Options turned on (`e`, `pipefail`), off (`!e`), or `--` for positional args. */
  options: string[];
  errexit?: boolean;
}

/** Reads `set` arguments: `-eux`, `+e`, `-o pipefail`, `--`. */
export function readSetArgs(args: string[]): SetChange {
  const change: SetChange = { options: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const on = arg.startsWith('-');
    if (arg === '--' || !/^[-+]/.test(arg)) {
      change.options.push('--');
      break;
    }
    for (const letter of arg.slice(1)) {
      if (letter === 'o') {
        const name = args[++i] ?? '';
        change.options.push(`${on ? '' : '!'}${name}`);
        if (name === 'errexit') change.errexit = on;
      } else {
        change.options.push(`${on ? '' : '!'}${letter}`);
        if (letter === 'e') change.errexit = on;
      }
    }
  }
  return change;
}

function nameOf(assignment: Node): string {
  return assignment.childForFieldName('name')?.text ?? '';
}

function declaredNames(node: Node): string[] {
  return node.namedChildren.flatMap((child) => {
    if (child?.type === 'variable_name') return [child.text];
    if (child?.type === 'variable_assignment') return [nameOf(child)];
    return [];
  });
}

function shorten(source: string): string {
  const oneLine = source.replace(/\s+/g, ' ').trim();
  return oneLine.length > 40 ? `${oneLine.slice(0, 37)}...` : oneLine;
}
