import { readFileSync } from 'node:fs';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { createDebug } from './debug';

const debug = createDebug('dslim:shell');

let parser: Parser | null = null;
let loading: Promise<void> | null = null;

/**
 * Loads the bash grammar once per process. Everything that reads shell text
 * needs it, so the engine awaits it before the first transform runs.
 */
export function loadShellParser(): Promise<void> {
  loading ??= (async () => {
    const started = Date.now();
    await Parser.init();
    // Bytes rather than a path: loading by path takes a dynamic import that
    // some module runners (jest's among them) do not allow.
    const wasm = readFileSync(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
    const bash = await Language.load(wasm);
    parser = new Parser();
    parser.setLanguage(bash);
    debug('bash grammar loaded in %d ms', Date.now() - started);
  })();
  return loading;
}

/**
 * Parses shell text and hands the root node to `read`, which must copy out
 * what it needs: the tree is freed as soon as `read` returns.
 */
export function withShellTree<T>(text: string, read: (root: Node) => T): T {
  if (!parser) throw new Error('the shell parser is not loaded: call loadShellParser() first');
  const tree = parser.parse(text);
  if (!tree) throw new Error('the shell parser returned no tree');
  try {
    return read(tree.rootNode);
  } finally {
    tree.delete();
  }
}

/** Calls `visit` on every node below `node`; returning false skips a subtree. */
export function walk(node: Node, visit: (node: Node) => boolean | void): void {
  for (const child of node.children) {
    if (!child) continue;
    if (visit(child) !== false) walk(child, visit);
  }
}

/** The command name of a `command` node (`cd`, `apt-get`), or ''. */
export function commandName(node: Node): string {
  const name = node.childForFieldName('name');
  return name ? unquote(name.text) : '';
}

/** The argument words of a `command` node, unquoted where simple. */
export function commandArgs(node: Node): string[] {
  return node.childrenForFieldName('argument').flatMap((arg) => (arg ? [unquote(arg.text)] : []));
}

function unquote(word: string): string {
  if (word.length >= 2 && /^(['"]).*\1$/s.test(word)) return word.slice(1, -1);
  return word;
}
