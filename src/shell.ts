import { readFileSync } from 'node:fs';
import { Language, Parser, type Tree } from 'web-tree-sitter';
import { createDebug } from './debug';

const debug = createDebug('dslim:shell');

const memos: Map<string, unknown>[] = [];
const MEMO_LIMIT = 2000;

/**
 * Remembers what `compute` made of a script, by a key built from its
 * arguments: the engine reads the same RUN again in every round, and several
 * transforms read the same text. Bounded: a full memo starts over.
 */
export function memoize<A extends unknown[], T>(
  keyOf: (...args: A) => string,
  compute: (...args: A) => T,
): (...args: A) => T {
  const memo = new Map<string, T>();
  memos.push(memo);
  return (...args) => {
    const key = keyOf(...args);
    if (memo.has(key)) return memo.get(key)!;
    const value = compute(...args);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(key, value);
    return value;
  };
}

/** Forgets every memoized script reading, so a benchmark measures cold work. */
export function clearMemos(): void {
  for (const memo of memos) memo.clear();
}

let parser: Parser | null = null;
/** Whether each node type of the grammar is named, by type id: read once, not once a node. */
let namedTypes: boolean[] = [];
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
    namedTypes = bash.types.map((_, id) => bash.nodeTypeIsNamed(id));
    debug('bash grammar loaded in %d ms', Date.now() - started);
  })();
  return loading;
}

/**
 * A node of a parsed script, copied out of the parser into plain objects in
 * one pass. Reading a node of the parser's own tree crosses into
 * WebAssembly on every property, and dslim's analyses read each node many
 * times; the copy makes that cheap and lets the tree be freed at once. It
 * offers the part of the parser's node interface that dslim uses.
 */
export class ShellNode {
  readonly children: ShellNode[] = [];
  parent: ShellNode | null = null;
  /** On a root only: the script nests deeper than `MAX_DEPTH`, and nothing below was copied. */
  tooDeep = false;
  private named: ShellNode[] | null = null;

  constructor(
    readonly source: string,
    readonly type: string,
    readonly isNamed: boolean,
    readonly startIndex: number,
    readonly endIndex: number,
    /** The field this node fills in its parent (`name`, `argument`…), or null. */
    public fieldName: string | null,
    readonly hasError: boolean,
  ) {}

  get text(): string {
    return this.source.slice(this.startIndex, this.endIndex);
  }

  get childCount(): number {
    return this.children.length;
  }

  get namedChildren(): ShellNode[] {
    this.named ??= this.children.filter((c) => c.isNamed);
    return this.named;
  }

  child(index: number): ShellNode | null {
    return this.children[index] ?? null;
  }

  childForFieldName(field: string): ShellNode | null {
    return this.children.find((c) => c.fieldName === field) ?? null;
  }

  childrenForFieldName(field: string): ShellNode[] {
    return this.children.filter((c) => c.fieldName === field);
  }
}

/**
 * How deep a script's tree may be. Left-nested `&&` lists grow one level a
 * command, and dslim's analyses recurse; a deeper script is declared
 * unreadable rather than overflowing the stack.
 */
export const MAX_DEPTH = 1000;

/**
 * Copies the parser's tree into `ShellNode`s with a cursor: one pass, no
 * parser nodes. A tree deeper than `MAX_DEPTH` comes back as an empty root
 * marked as an error.
 */
function copyTree(source: string, tree: Tree): ShellNode {
  const cursor = tree.walk();
  // The type's name and whether it is named come from tables, by the type's
  // id (as the cursor's own getters do for the name); an ERROR node's id is
  // beyond them.
  const types = tree.language.types;
  const root = new ShellNode(
    source,
    cursor.nodeType,
    true,
    cursor.startIndex,
    cursor.endIndex,
    null,
    tree.rootNode.hasError,
  );
  let parent = root;
  let depth = 1;
  try {
    if (!cursor.gotoFirstChild()) return root;
    for (;;) {
      if (depth > MAX_DEPTH) {
        const empty = new ShellNode(
          source,
          root.type,
          true,
          root.startIndex,
          root.endIndex,
          null,
          true,
        );
        empty.tooDeep = true;
        return empty;
      }
      const typeId = cursor.nodeTypeId;
      const node = new ShellNode(
        source,
        types[typeId] ?? 'ERROR',
        namedTypes[typeId] ?? true,
        cursor.startIndex,
        cursor.endIndex,
        cursor.currentFieldName,
        false,
      );
      node.parent = parent;
      parent.children.push(node);
      if (cursor.gotoFirstChild()) {
        parent = node;
        depth++;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent() || !parent.parent) return root;
        parent = parent.parent;
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

/**
 * tree-sitter-bash gives a redirection written after the last command of an
 * `&&`/`||` list to the whole list (`a || b > f` reads as `(a || b) > f`),
 * and then binds a pipe after it to the list too (`a || b 2>&1 | c` as
 * `(a || b 2>&1) | c`). A shell gives both to the last link only:
 * `a || (b > f)`, `a || (b 2>&1 | c)`. The copy is regrouped that way, so
 * every analysis reads the script as the shell runs it. Children come
 * before their parents, so nested cases resolve from the inside out.
 */
function regroupLists(root: ShellNode): void {
  const order: ShellNode[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    order.push(node);
    pending.push(...node.children);
  }
  for (const node of order.reverse()) {
    const first = node.children[0];
    if (
      node.type === 'redirected_statement' &&
      first?.type === 'list' &&
      first.fieldName === 'body'
    )
      hoistLastLink(node, first);
    else if (node.type === 'pipeline' && first?.type === 'list') hoistLastLink(node, first);
  }
}

/**
 * Replaces `outer` (a redirected statement or pipeline whose first child is
 * the list `L op R`) by the list `L op outer'`, where `outer'` is `outer`
 * with `R` in place of the list.
 */
function hoistLastLink(outer: ShellNode, list: ShellNode): void {
  const last = list.children[list.children.length - 1];
  const parent = outer.parent;
  if (!last || !parent) return;
  const source = outer.source;
  const inner = new ShellNode(
    source,
    outer.type,
    outer.isNamed,
    last.startIndex,
    outer.endIndex,
    last.fieldName,
    false,
  );
  last.fieldName = list.fieldName;
  adopt(inner, [last, ...outer.children.slice(1)]);
  const regrouped = new ShellNode(
    source,
    'list',
    true,
    outer.startIndex,
    outer.endIndex,
    outer.fieldName,
    false,
  );
  adopt(regrouped, [...list.children.slice(0, -1), inner]);
  parent.children[parent.children.indexOf(outer)] = regrouped;
  regrouped.parent = parent;
}

function adopt(parent: ShellNode, children: ShellNode[]): void {
  for (const child of children) {
    child.parent = parent;
    parent.children.push(child);
  }
}

/** Parses a script once; every analysis of the same text shares the copy. */
const parseScript = memoize(
  (text: string) => text,
  (text: string): ShellNode => {
    if (!parser) throw new Error('the shell parser is not loaded: call loadShellParser() first');
    const tree = parser.parse(text);
    if (!tree) throw new Error('the shell parser returned no tree');
    try {
      const root = copyTree(text, tree);
      regroupLists(root);
      return root;
    } finally {
      tree.delete();
    }
  },
);

/** Parses shell text (or takes the remembered copy) and hands the root node to `read`. */
export function withShellTree<T>(text: string, read: (root: ShellNode) => T): T {
  return read(parseScript(text));
}

/** A piece of script for a message: on one line, cut to 40 characters. */
export function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 40 ? `${line.slice(0, 37)}...` : line;
}

/** Calls `visit` on every node below `node`; returning false skips a subtree. */
export function walk(node: ShellNode, visit: (node: ShellNode) => boolean | void): void {
  for (const child of node.children) {
    if (!child) continue;
    if (visit(child) !== false) walk(child, visit);
  }
}

/** The command name of a `command` node (`cd`, `apt-get`), or ''. */
export function commandName(node: ShellNode): string {
  const name = node.childForFieldName('name');
  return name ? unquote(name.text) : '';
}

/** The argument words of a `command` node, unquoted where simple. */
export function commandArgs(node: ShellNode): string[] {
  return node.childrenForFieldName('argument').flatMap((arg) => (arg ? [unquote(arg.text)] : []));
}

/** A word without the quotes around it, when one pair of quotes holds all of it. */
export function unquote(word: string): string {
  if (word.length >= 2 && /^(['"]).*\1$/s.test(word)) return word.slice(1, -1);
  return word;
}
