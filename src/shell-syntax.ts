import { walk, type ShellNode as Node } from './shell';

/** Operators that end a case item, and a syntax error anywhere else. */
const CASE_TERMINATORS = new Set([';;', ';&', ';;&']);

/** Reserved words that cannot start a command: a shell stops on them with a syntax error. */
const CLOSING_WORDS = new Set([
  'then',
  'else',
  'elif',
  'fi',
  'do',
  'done',
  'esac',
  'in',
  '}',
  ']]',
]);

/** Compound parts whose body needs at least one command, and the words that open that body. */
const BODY_OPENERS = new Set(['then', 'else', 'do', '{']);
const BODY_HOLDERS = new Set([
  'if_statement',
  'elif_clause',
  'else_clause',
  'do_group',
  'compound_statement',
]);

/**
 * True when the parser read the script without errors and a POSIX shell
 * would too. The grammar is lenient in places where dash and bash stop
 * with a syntax error before running anything: `;;` outside a case
 * (`echo a;;`), a closing word in command position (`fi`, `done`), and an
 * empty body (`{ }`, `then fi`, `do done`). Rewriting such a script could
 * drop the token that made the build fail, so it counts as unreadable.
 */
export function shellAccepts(root: Node): boolean {
  if (root.hasError) return false;
  let accepted = true;
  walk(root, (node) => {
    if (CASE_TERMINATORS.has(node.type) && node.parent?.type !== 'case_item') accepted = false;
    if (node.type === 'command' && startsWithClosingWord(node)) accepted = false;
    if (BODY_HOLDERS.has(node.type) && hasEmptyBody(node)) accepted = false;
    return accepted;
  });
  return accepted;
}

function startsWithClosingWord(command: Node): boolean {
  const name = command.children[0];
  const word = name?.type === 'command_name' ? name.children[0] : null;
  return word?.type === 'word' && CLOSING_WORDS.has(word.text);
}

function hasEmptyBody(node: Node): boolean {
  let open = false;
  for (const child of node.children) {
    if (!child.isNamed && BODY_OPENERS.has(child.type)) open = true;
    else if (child.isNamed && !/^(comment|elif_clause|else_clause)$/.test(child.type)) open = false;
    else if (open && child.type !== 'comment') return true;
  }
  return open;
}
