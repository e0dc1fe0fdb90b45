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
import {
  fixedValue,
  literalValue,
  readSetWords,
  shoptErrexit,
  trapFact,
  type TrapFact,
  UNREAD_SIGNALS,
} from './shell-words';
import { IN_SHELL_WRAPPERS, unwrapWords } from './wrappers';

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
  /**
   * For `option`: the option letters or names it turns on or off (`e`,
   * `pipefail`, `!e` for off, `--` for positional parameters), or `?` when
   * words it cannot read may set any of them.
   */
  options?: string[];
  /** For `variable`/`function`: the names it sets. */
  names?: string[];
}

/** What dslim needs to know about one RUN's shell script. */
export interface ScriptFacts {
  /** The parser read it without errors. */
  readable: boolean;
  /**
   * Unreadable only for its size: it nests deeper than dslim reads (see
   * `MAX_DEPTH`), as a chain of about a thousand `&&`-joined commands does.
   */
  tooDeep: boolean;
  leaks: Leak[];
  /** `set -e` (or `-o errexit`) is on when the script ends. */
  errexit: boolean;
  /**
   * The first command that turns errexit on, as written (shortened), and
   * whether it surely does (`set -e`) or only may (`. ./env.sh`); null if none.
   */
  errexitFrom: { source: string; surely: boolean } | null;
  /**
   * Runs code its own text does not show, at any depth: `eval`, `.` or
   * `source`, a `trap` action, or a command named by a variable. Shell
   * options reach all of it.
   */
  runsUnseen: boolean;
  /**
   * A `trap` in the script's own shell whose commands may run after its
   * last command, or because of a command added after it: on EXIT (`0`),
   * ERR, DEBUG or RETURN (bash), or on signal words that cannot be read
   * before it runs; also set by an `eval` of text that names `trap`. A
   * reset (`trap - EXIT`) sets nothing. Null if none.
   */
  endTrap: TrapFact | null;
  /**
   * A `trap` at any depth that may be on ERR, or on signal words that
   * cannot be read: bash ignores it, as it ignores errexit, in every
   * command of an `&&` list but the last and in all that such a command
   * runs, also in a subshell. Null if none.
   */
  errTrap: TrapFact | null;
  /** Some redirection sends stderr elsewhere (`2>`, `&>`, `>&file`, `|&`). */
  redirectsStderr: boolean;
  /** Something runs in the background (`&`) and outlives its command. */
  background: boolean;
  /** Number of top-level statements, comments excluded. */
  statements: number;
  /** One statement whose operators are all `&&`: safe to put after `&&`. */
  andChainOnly: boolean;
  /**
   * What the script's last command runs as several commands, in this shell
   * or a subshell of it, as words for a message: a compound command, a
   * substitution holding several commands, a call of a function the script
   * defines, `eval`, `.` or `source`. The last command is the part of the
   * last statement that stops being last once `&& more` follows (`c` in
   * `a && b || c`), and inside it the shell would then ignore errexit. Null
   * when it runs no such thing, or is negated (`!`): errexit never applied
   * there.
   */
  lastRunsSeveral: string | null;
  /**
   * The names that same last command runs that are neither paths nor
   * functions the script defines, as written (`$cmd` too): a function that
   * code the script does not show defines would run there. `command NAME`
   * and `builtin NAME` never run a function, so they are left out.
   */
  lastUnknownNames: string[];
  /**
   * Runs code its text does not show that may define functions, at any
   * depth: `.`, `source`, `eval` of text that is not literal (or literal
   * text that does), a command named by a variable.
   */
  definesUnseen: boolean;
  /** Offset just after the last code token, before a final `;`. */
  codeEnd: number;
  /** A comment that ends the script, as logical offsets. */
  trailingComment: { start: number; end: number } | null;
  /** No lists, compound commands or substitutions holding lists. */
  flat: boolean;
  /** Reads a variable: `$x`, `${x}`, or a name in arithmetic (`$((x))`, `let`, `[[ x -eq 1 ]]`). */
  usesExpansion: boolean;
  hasPipeline: boolean;
  hasGlob: boolean;
  hasOutputRedirect: boolean;
  /** The script starts with `cd /absolute/path &&`. */
  startsWithAbsoluteCd: boolean;
  /** Names of every command the script runs, in order. */
  commands: string[];
  /**
   * Reads or shifts the positional parameters without an expansion that
   * names them: `shift`, `getopts`, or `for`/`select` without `in`, which
   * loop over them.
   */
  usesPositional: boolean;
  /**
   * Names a function defined before the script would change what it does
   * with: the names it runs where the shell looks functions up (`time f`
   * too, `command f` not), and the names it asks the shell about (`command
   * -v`, `type`, `hash`, `declare -f`, `unset`…).
   */
  functionNames: string[];
  /**
   * Lists every function the shell knows (`declare -F`, `typeset -f`, `set`
   * alone, `compgen`), or asks about a name it reads from an expansion, so
   * any function defined before it shows.
   */
  listsFunctions: boolean;
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
    readable: shellAccepts(root),
    tooDeep: root.tooDeep,
    leaks: [],
    errexit: false,
    errexitFrom: null,
    runsUnseen: false,
    endTrap: null,
    errTrap: null,
    redirectsStderr: false,
    background: false,
    statements: statements.length,
    andChainOnly: statements.length === 1 && isAndChain(root, statements[0]),
    lastRunsSeveral: null,
    lastUnknownNames: [],
    definesUnseen: false,
    codeEnd: last ? last.endIndex : 0,
    trailingComment,
    flat: statements.length <= 1,
    usesExpansion: false,
    hasPipeline: false,
    hasGlob: false,
    hasOutputRedirect: false,
    startsWithAbsoluteCd: startsWithAbsoluteCd(statements[0]),
    commands: [],
    usesPositional: false,
    functionNames: [],
    listsFunctions: false,
  };
  collectLeaks(root, facts);
  walk(root, (node) => {
    switch (node.type) {
      case '&':
        facts.background = true;
        break;
      case 'simple_expansion':
      case 'expansion':
      case 'arithmetic_expansion':
      case 'test_command':
        facts.usesExpansion = true;
        break;
      case 'pipeline':
        facts.hasPipeline = true;
        break;
      case '|&':
        facts.redirectsStderr = true;
        break;
      case 'file_redirect':
        if (/^\d*>(?!&)/.test(node.text)) facts.hasOutputRedirect = true;
        if (redirectsStderr(node)) facts.redirectsStderr = true;
        break;
      case 'word':
        if (/[*?[]/.test(node.text) && node.parent?.type !== 'string') facts.hasGlob = true;
        break;
      case 'command':
        facts.commands.push(commandName(node));
        readCommandReach(node, facts);
        readFunctionNames(node, facts);
        break;
      case 'declaration_command':
      case 'unset_command':
        readDeclarationNames(node, facts);
        break;
      case 'for_statement':
        // `for x; do` and `select x; do` loop over the positional parameters.
        if (!node.childForFieldName('value')) facts.usesPositional = true;
        break;
      case 'command_substitution':
      case 'process_substitution':
        if (statementCount(node) > 1) facts.flat = false;
        break;
    }
    if (COMPOUND.has(node.type)) facts.flat = false;
  });
  if (last) readLastCommand(last, facts);
  return facts;
}

/**
 * Fills in `lastRunsSeveral` and `lastUnknownNames` from the last
 * statement. A function counts as the script's own when it is defined in
 * the script's shell (`collectLeaks` has listed it by then).
 */
function readLastCommand(statement: Node, facts: ScriptFacts): void {
  const command = lastAndOrElement(statement);
  if (!command || isNegated(command)) return;
  const defined = new Set(
    facts.leaks.flatMap((leak) => (leak.kind === 'function' ? (leak.names ?? []) : [])),
  );
  const found: string[] = [];
  const note = (what: string) => found.push(what);
  const visit = (node: Node): boolean => {
    // Defining a function runs nothing.
    if (node.type === 'function_definition') return false;
    if (COMPOUND.has(node.type)) note('a compound command');
    if (SUBSTITUTIONS.has(node.type) && statementCount(node) > 1) {
      note('a substitution that runs several commands');
    }
    if (node.type === 'command') readLastName(node, defined, facts, note);
    return true;
  };
  if (visit(command)) walk(command, visit);
  facts.lastRunsSeveral = found[0] ?? null;
}

function readLastName(
  node: Node,
  defined: Set<string>,
  facts: ScriptFacts,
  note: (what: string) => void,
): void {
  const { name, functionLookup } = unwrapCommand(node);
  const written = node.childForFieldName('name')?.text ?? '';
  if (name === 'eval' || name === '.' || name === 'source') note(`\`${shorten(node.text)}\``);
  else if (!functionLookup || name === '' || name.includes('/')) return;
  else if (defined.has(name)) note(`a call of the function \`${name}\``);
  else facts.lastUnknownNames.push(/[$`]/.test(written) ? written : name);
}

/** Substitutions that run their commands in a subshell. */
const SUBSTITUTIONS = new Set(['command_substitution', 'process_substitution']);

function statementCount(node: Node): number {
  return node.namedChildren.filter((n) => n?.type !== 'comment').length;
}

/** The last element of a statement's `&&`/`||` list: `c` in `a && b || c`. */
function lastAndOrElement(statement: Node): Node | null {
  let node: Node | null = statement;
  while (node?.type === 'list') node = node.namedChildren[node.namedChildren.length - 1] ?? null;
  return node;
}

/**
 * True for `! cmd`, also with a redirection after it, and for `! a | b`,
 * which the parser reads as a pipeline whose first element is negated.
 */
function isNegated(node: Node): boolean {
  const inner = node.type === 'redirected_statement' ? node.childForFieldName('body') : node;
  if (inner?.type === 'pipeline') return inner.namedChildren[0]?.type === 'negated_command';
  return inner?.type === 'negated_command';
}

/** Commands that run code the script's text does not show, in the script's own shell. */
const UNSEEN_CODE = new Set(['eval', '.', 'source', 'trap']);

/** Records what one command, at any depth, may turn on or run unseen. */
function readCommandReach(node: Node, facts: ScriptFacts): void {
  const { name, words } = unwrapCommand(node);
  const nameNode = node.childForFieldName('name');
  // A name from a variable may be `eval`, `.` or a function; one with a `/` is a program.
  const named = /[$`]/.test(nameNode?.text ?? '') && !name.includes('/');
  if (UNSEEN_CODE.has(name) || named) facts.runsUnseen = true;
  if (name === '.' || name === 'source' || named) facts.definesUnseen = true;
  if (name === 'let') facts.usesExpansion = true;
  if (name === 'eval') {
    const inner = evalFacts(words);
    if (inner?.background) facts.background = true;
    if (!inner || inner.definesUnseen) facts.definesUnseen = true;
    const unseenTrap = inner ? inner.errTrap : /\btrap\b/.test(node.text);
    if (unseenTrap && !facts.errTrap) {
      facts.errTrap = { source: shorten(node.text), when: inner?.errTrap?.when ?? UNREAD_SIGNALS };
    }
  }
  const trap = trapFact(node, name, words);
  if (trap && trap.mayBeOnError && !facts.errTrap) facts.errTrap = trap.fact;
  const turnsOn = errexitEffect(name, words);
  if (turnsOn !== 'no' && !facts.errexitFrom?.surely) {
    facts.errexitFrom = { source: shorten(node.text), surely: turnsOn === 'surely' };
  }
}

/** Builtins that look names up, functions among them, without running them. */
const NAME_QUERIES = new Set([
  'command',
  'type',
  'hash',
  'unset',
  'compgen',
  'declare',
  'typeset',
  'local',
  'export',
  'readonly',
  'whence',
  'where',
  'functions',
]);

/** Builtins that list every function when given no name (bash; zsh's `functions`). */
const LISTS_WITHOUT_NAMES = new Set([
  'declare',
  'typeset',
  'local',
  'export',
  'readonly',
  'functions',
  'set',
]);

/**
 * Records what one command tells about the functions defined before it:
 * the name it may run as a function, the names it asks the shell about,
 * and whether it lists them all. Also whether it reads the positional
 * parameters (`shift`, `getopts`).
 */
function readFunctionNames(node: Node, facts: ScriptFacts): void {
  const { name, words, functionLookup } = unwrapCommand(node);
  if (name === 'shift' || name === 'getopts') facts.usesPositional = true;
  if (functionLookup && name !== '') facts.functionNames.push(name);
  if (name === 'compgen') facts.listsFunctions = true;
  else if (NAME_QUERIES.has(name) || name === 'set') readQueriedNames(name, words, facts);
}

/** The same for `declare`, `typeset`, `local`, `export`, `readonly` and `unset` as the parser reads them. */
function readDeclarationNames(node: Node, facts: ScriptFacts): void {
  const keyword = node.children[0]?.text ?? '';
  readQueriedNames(keyword, node.namedChildren, facts);
}

/**
 * Adds the names that the words of a name-querying builtin ask about;
 * a word that is not literal may name any function, and no name at all
 * lists them all where the builtin does so.
 */
function readQueriedNames(builtin: string, words: Node[], facts: ScriptFacts): void {
  let named = 0;
  for (const word of words) {
    const value =
      word.type === 'variable_name'
        ? word.text
        : word.type === 'variable_assignment'
          ? nameOf(word)
          : literalValue(word);
    if (value === null) {
      facts.listsFunctions = true;
      continue;
    }
    if (/^[-+]/.test(value)) continue;
    facts.functionNames.push(value);
    named++;
  }
  if (builtin === 'set' ? words.length === 0 : named === 0 && LISTS_WITHOUT_NAMES.has(builtin)) {
    facts.listsFunctions = true;
  }
}

/** Whether a command turns errexit on: `shopt -so errexit` surely, a sourced file maybe. */
function errexitEffect(name: string, words: Node[]): 'surely' | 'maybe' | 'no' {
  switch (name) {
    case 'set': {
      const change = readSetWords(words);
      if (change.errexit === true) return 'surely';
      return change.options.includes('?') ? 'maybe' : 'no';
    }
    case 'shopt':
      return shoptErrexit(words);
    case 'eval': {
      const inner = evalFacts(words);
      if (!inner) return 'maybe';
      if (!inner.errexitFrom) return 'no';
      return inner.errexitFrom.surely ? 'surely' : 'maybe';
    }
    case '.':
    case 'source':
      return 'maybe';
    default:
      return 'no';
  }
}

interface UnwrappedCommand {
  name: string;
  args: string[];
  /** The argument nodes, one for each of `args`. */
  words: Node[];
  /** The shell may run a function by this name: no `command` or `builtin` came before it. */
  functionLookup: boolean;
}

/**
 * The command that runs in this shell once the prefixes that keep it there
 * are taken off: `command set -e`, `builtin set -e` and `time set -e` (a
 * reserved word in bash) all run `set -e`. `command -v NAME` only looks
 * the name up, so it stays `command`.
 */
function unwrapCommand(node: Node): UnwrappedCommand {
  let name = commandName(node);
  let args = commandArgs(node);
  let words = node.childrenForFieldName('argument');
  let functionLookup = true;
  const skip = (count: number) => {
    args = args.slice(count);
    words = words.slice(count);
  };
  for (;;) {
    const inner = IN_SHELL_WRAPPERS.has(name) ? unwrapWords(name, args) : null;
    if (!inner || 'hidden' in inner) break;
    if (name !== 'time') functionLookup = false;
    name = inner.program;
    skip(inner.at + 1);
  }
  return { name, args, words, functionLookup };
}

/**
 * What the text an `eval` runs does, when every argument is literal: the
 * shell joins them with spaces and runs the result. Null when some argument
 * expands, or the text does not parse: then it may do anything.
 */
function evalFacts(words: Node[]): ScriptFacts | null {
  const parts = words.map(literalValue);
  if (parts.some((part) => part === null)) return null;
  const facts = analyzeScript(parts.join(' '));
  return facts.readable ? facts : null;
}

/** True for a redirection that moves stderr: `2>x`, `2>&1`, `&>x`, `>&x` (bash: both). */
function redirectsStderr(redirect: Node): boolean {
  const descriptor = redirect.childForFieldName('descriptor')?.text;
  if (descriptor !== undefined) return descriptor === '2';
  const operator = redirect.children.find((child) => !child.isNamed)?.type ?? '';
  const destination = redirect.childForFieldName('destination')?.text ?? '';
  return operator.startsWith('&>') || (operator === '>&' && !/^\d+$/.test(destination));
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
 * subshells, pipelines or substitutions) and records what they leave set,
 * also through the body of a function the script defines and then calls,
 * and through the literal text of an `eval`.
 */
function collectLeaks(root: Node, facts: ScriptFacts): void {
  const functions = new Map<string, Node>();
  const calling = new Set<string>();
  // `call` is the command that runs a function body: what the body leaves
  // set starts there, not where the function is defined.
  const visit = (scope: Node, call: Node | null) => {
    const add: AddLeak = (node, leak) =>
      facts.leaks.push({ ...leak, source: shorten(leak.source), start: (call ?? node).startIndex });
    walk(scope, (node) => {
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
          const body = node.childForFieldName('body');
          if (body) functions.set(name, body);
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
          if (node.children.some((c) => ASSIGNING_OPERATORS.has(c.type)) && inArithmetic(node)) {
            add(node, { kind: 'variable', source: node.text, names: [] });
          }
          return true;
        case 'postfix_expression':
        case 'unary_expression':
          if (node.children.some((c) => c.type === '++' || c.type === '--') && inArithmetic(node)) {
            add(node, { kind: 'variable', source: node.text, names: [] });
          }
          return true;
        case 'arithmetic_expansion':
        case 'compound_statement':
          return true;
        case 'command': {
          recordCommand(node, facts, add);
          const name = unwrapCommand(node).name;
          const body = functions.get(name);
          // A body in `( )` runs in a subshell and leaves nothing set.
          if (body && body.type !== 'subshell' && !calling.has(name)) {
            calling.add(name);
            visit(body, call ?? node);
            calling.delete(name);
          }
          return true;
        }
      }
      return true;
    });
  };
  visit(root, null);
}

/** Where an expression is arithmetic, whose `=`, `+=` and `++` assign. */
const ARITHMETIC = new Set(['arithmetic_expansion', 'compound_statement', 'c_style_for_statement']);

/**
 * Whether an expression is arithmetic rather than a test: the parser reads
 * `[ "$x" = 1 ]` and `[[ $x = 1 ]]` as the same binary expression as
 * `(( x = 1 ))`, but there `=` compares. The nearest enclosing arithmetic
 * or test decides, so `[ $((x = 1)) = 1 ]` still assigns.
 */
function inArithmetic(node: Node): boolean {
  for (let up = node.parent; up; up = up.parent) {
    if (up.type === 'test_command') return false;
    if (ARITHMETIC.has(up.type)) return true;
  }
  return true;
}

type AddLeak = (node: Node, leak: Omit<Leak, 'start'>) => void;

function recordCommand(node: Node, facts: ScriptFacts, add: AddLeak): void {
  const { name, args, words } = unwrapCommand(node);
  if (!STATEFUL_BUILTINS.has(name)) return;
  // printf only sets state with `-v NAME`; otherwise it only prints.
  if (name === 'printf' && !args.some((arg) => arg.startsWith('-v'))) return;
  if (name === 'set') {
    const change = readSetWords(words);
    if (change.errexit !== undefined) facts.errexit = change.errexit;
    // Words it cannot read may turn errexit off as well as on.
    else if (change.options.includes('?')) facts.errexit = false;
    if (change.options.length > 0)
      add(node, { kind: 'option', source: node.text, options: change.options });
  } else if (name === 'trap') {
    const trap = trapFact(node, name, words);
    if (trap && !facts.endTrap) facts.endTrap = trap.fact;
    add(node, { kind: 'other', source: node.text });
  } else if (name === 'eval') {
    recordEval(node, words, facts, add);
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

/**
 * An `eval` of literal text leaves what that text leaves, as if written in
 * place; of any other text, it may leave anything.
 */
function recordEval(node: Node, words: Node[], facts: ScriptFacts, add: AddLeak): void {
  const inner = evalFacts(words);
  if (!inner) {
    add(node, { kind: 'other', source: node.text });
    // Text built at run time that names `trap` may set any trap.
    if (/\btrap\b/.test(node.text) && !facts.endTrap) {
      facts.endTrap = { source: shorten(node.text), when: UNREAD_SIGNALS };
    }
    return;
  }
  if (inner.endTrap && !facts.endTrap) {
    facts.endTrap = { source: shorten(node.text), when: inner.endTrap.when };
  }
  for (const leak of inner.leaks) {
    add(node, { ...leak, source: node.text });
    for (const option of leak.options ?? []) {
      if (option === 'e' || option === 'errexit') facts.errexit = true;
      if (option === '!e' || option === '!errexit' || option === '?') facts.errexit = false;
    }
  }
}

/** Where a setting of a variable reaches that does not leak into the rest of the script. */
export interface ScopedSetting {
  /** The statement, as written and shortened. */
  source: string;
  /** From the statement to the end of the command, subshell, pipeline or substitution it is in. */
  start: number;
  end: number;
}

/** Nodes whose commands run in a shell of their own, which ends with them. */
const OWN_SHELLS = new Set(['subshell', 'pipeline', ...SUBSTITUTIONS]);

/**
 * The settings of the variable `name` (`NAME=value cmd`, `export`, `unset`…)
 * that reach only part of the script: the command they are written before,
 * or the rest of the subshell, pipeline or substitution they are in. A
 * setting in the script's own shell is a leak (see `collectLeaks`).
 */
export function scopedSettings(script: string, name: string): ScopedSetting[] {
  return withShellTree(script, (root) => {
    const found: ScopedSetting[] = [];
    walk(root, (node) => {
      const sets =
        node.type === 'variable_assignment'
          ? nameOf(node) === name
          : (node.type === 'declaration_command' || node.type === 'unset_command') &&
            declaredNames(node).includes(name);
      if (!sets) return true;
      let scope: Node | null =
        node.type === 'variable_assignment' && node.parent?.type === 'command' ? node.parent : null;
      for (let up = node.parent; scope === null && up !== null; up = up.parent) {
        if (OWN_SHELLS.has(up.type)) scope = up;
      }
      if (scope !== null) {
        found.push({ source: shorten(node.text), start: node.startIndex, end: scope.endIndex });
      }
      return false;
    });
    return found;
  });
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
