import type { DockerDocument, InstructionInfo } from './document';
import type { Edit } from './types';
import { reachedDirectory, pathsOverlap, resolvePath, mayBeWithin } from './paths';
import {
  commandArgs,
  commandName,
  memoize,
  shorten,
  unquote,
  walk,
  withShellTree,
  type ShellNode as Node,
} from './shell';
import { isWrapper } from './wrappers';

/**
 * One command of a script, with the paths it names and how to drop it; or
 * a test, a loop or a lone redirection, which reach files too (see
 * `syntaxCommand`).
 */
export interface CommandFacts {
  name: string;
  args: string[];
  /** Logical offsets of the command's text. */
  start: number;
  end: number;
  /** The working directory it runs in, or null when unknown. */
  cwd: string | null;
  /** Targets of its output redirections (`> file`), as written. */
  outputs: string[];
  /** Targets of every redirection that may apply to it, input ones too. */
  redirects: string[];
  /**
   * Arguments, as written, that the shell may split or turn into file
   * names: an unquoted variable or substitution, or a glob.
   */
  globbed: string[];
  /**
   * The logical range to delete to drop this command and one operator next
   * to it, when it is a top-level statement or a link of a top-level `&&`
   * chain. `last`: the range runs from the end of the link before to the
   * end of this one; otherwise from this one's start to the next's start.
   * `whole`: the command is the script's only statement.
   */
  removal: { start: number; end: number; last: boolean; whole: boolean } | null;
}

/** A command's text, on one line and shortened, for a message. */
export function commandText(script: string, command: { start: number; end: number }): string {
  return shorten(script.slice(command.start, command.end));
}

/**
 * A word of `rm` that dslim reads past: `-r`, `-f` and `-v` (alone or in a
 * cluster), their long forms, and the `--` that ends the options. Any other
 * word is a path, or an option dslim does not know.
 */
export const RM_KNOWN_OPTION = /^(-[rRfv]+|--recursive|--force|--verbose|--)$/;

export interface ScriptPaths {
  commands: CommandFacts[];
  /** The working directory when the script ends, or null when unknown. */
  finalCwd: string | null;
}

/** Reads the commands of a shell script, following `cd` from `cwd`; remembered by both. */
export const scanScript: (text: string, cwd: string | null) => ScriptPaths = memoize(
  (text, cwd) => `${cwd ?? ''}\0${text}`,
  readScript,
);

function readScript(text: string, cwd: string | null): ScriptPaths {
  return withShellTree(text, (root) => {
    const removals = topLevelRemovals(root);
    const commands: CommandFacts[] = [];
    let current = cwd;
    walk(root, (node) => {
      const pseudo = syntaxCommand(node, current);
      if (pseudo) commands.push(pseudo);
      if (node.type !== 'command') return true;
      const name = commandName(node);
      const args = commandArgs(node);
      const words = node.childrenForFieldName('argument');
      commands.push({
        name,
        args,
        start: node.startIndex,
        end: node.endIndex,
        cwd: current,
        outputs: redirectTargets(node, true),
        redirects: redirectTargets(node, false),
        globbed: words.filter(expandsUnquoted).map((w) => w.text),
        removal: removals.get(node.startIndex) ?? null,
      });
      if (name === 'cd' || name === 'pushd' || name === 'popd') {
        const topLevel = removals.has(node.startIndex);
        current = topLevel && args.length === 1 ? resolvePath(args[0], current) : null;
      }
      return true;
    });
    return { commands, finalCwd: current };
  });
}

/** Removal ranges of plain commands that stand alone or in a top-level `&&` chain. */
function topLevelRemovals(root: Node): Map<number, NonNullable<CommandFacts['removal']>> {
  const ranges = new Map<number, NonNullable<CommandFacts['removal']>>();
  const statements = root.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment');
  statements.forEach((statement, i) => {
    if (root.children[root.children.indexOf(statement) + 1]?.type === '&') return;
    if (statement.type === 'command') {
      const next = statements[i + 1];
      const previous = statements[i - 1];
      ranges.set(statement.startIndex, {
        start: next ? statement.startIndex : (previous?.endIndex ?? 0),
        end: next ? next.startIndex : statement.endIndex,
        last: !next && !!previous,
        whole: statements.length === 1,
      });
    } else if (statement.type === 'list') {
      const links = andChainLinks(statement);
      links?.forEach((link, k) => {
        if (link.type !== 'command') return;
        const next = links[k + 1];
        ranges.set(link.startIndex, {
          start: next ? link.startIndex : links[k - 1].endIndex,
          end: next ? next.startIndex : link.endIndex,
          last: !next,
          whole: false,
        });
      });
    }
  });
  return ranges;
}

/** The links of `a && b && c`, or null when another operator joins them. */
function andChainLinks(list: Node): Node[] | null {
  const links: Node[] = [];
  let node: Node | null = list;
  while (node?.type === 'list') {
    if (node.children.some((c) => c?.type !== undefined && c.type !== '&&' && !c.isNamed)) {
      return null;
    }
    const left: Node | null = node.namedChildren[0];
    const right: Node | null = node.namedChildren[1];
    if (!left || !right || right.type === 'list') return null;
    links.unshift(right);
    node = left;
  }
  if (node) links.unshift(node);
  return links;
}

/**
 * Shell syntax other than a simple command that reaches files, as the
 * facts of a command, so that whoever asks which commands may use a path
 * sees it too: a test (`[ -e f ]`, `[[ -d d ]]`, named `[` or `[[`), the
 * words of a loop (`for f in /tmp/*`, named `for` or `select`), and a
 * redirection with no command to carry it (`> f`, `$(< f)`), named `:`,
 * which it acts as. Null for any other node.
 */
function syntaxCommand(node: Node, cwd: string | null): CommandFacts | null {
  let words: Node[] = [];
  let name = ':';
  if (node.type === 'test_command' || node.type === 'for_statement') {
    name = node.children[0]?.text ?? '';
    words = node.type === 'for_statement' ? node.childrenForFieldName('value') : testOperands(node);
  } else if (!isLoneRedirect(node)) {
    return null;
  }
  return {
    name,
    args: words.map((w) => unquote(w.text)),
    start: node.startIndex,
    end: node.endIndex,
    cwd,
    outputs: redirectTargets(node, true),
    redirects: redirectTargets(node, false),
    globbed: words.filter(expandsUnquoted).map((w) => w.text),
    removal: null,
  };
}

/** The words a test compares or checks, without its operators. */
function testOperands(test: Node): Node[] {
  const operands: Node[] = [];
  walk(test, (node) => {
    if (!node.isNamed || node.type.endsWith('_expression')) return true;
    if (node.type !== 'test_operator') operands.push(node);
    return false;
  });
  return operands;
}

/** Nodes that carry the redirections of a statement around them. */
const CARRIERS = new Set(['command', 'test_command', 'for_statement']);

/** A redirection that no command, test or loop in its statement carries. */
function isLoneRedirect(node: Node): boolean {
  if (node.type === 'file_redirect') {
    return !['command', 'redirected_statement'].includes(node.parent?.type ?? '');
  }
  if (node.type !== 'redirected_statement') return false;
  const body = node.childForFieldName('body');
  if (!body || CARRIERS.has(body.type)) return !body;
  let carried = false;
  walk(body, (n) => {
    carried ||= CARRIERS.has(n.type);
    return !carried;
  });
  return !carried;
}

/**
 * Whether the shell may make more words or file names of a word than it
 * shows: an unquoted variable or substitution, or a glob. Quoted text,
 * expansions inside double quotes included, stays one word as it is.
 */
function expandsUnquoted(word: Node): boolean {
  switch (word.type) {
    case 'string':
    case 'raw_string':
    case 'ansi_c_string':
    case 'translated_string':
    case 'number':
      return false;
    case 'word':
      return /[*?[]/.test(word.text);
    case 'concatenation':
      return word.namedChildren.some(expandsUnquoted);
    default:
      return true;
  }
}

/**
 * Files redirected for a command (or a test, a loop or a lone redirection,
 * see `syntaxCommand`): its own redirections, and those of the statements
 * around it. The parser hangs a redirection that ends a chain (`a && b > f`)
 * or a pipeline on the whole chain, though the shell gives it to the last
 * command only. With `outputsOnly`, only `>`-style targets of redirections
 * that surely apply to this command (it ends the chain or pipeline they
 * wrap); otherwise every target that may apply, for deciding who reads a
 * path: a redirection of a loop, a group or a subshell applies to every
 * command inside.
 */
function redirectTargets(node: Node, outputsOnly: boolean): string[] {
  const own = node.type === 'file_redirect' ? [node] : node.childrenForFieldName('redirect');
  const targets = fileTargets(own, outputsOnly);
  for (let parent = node.parent; parent; parent = parent.parent) {
    const carries = ['redirected_statement', 'list', 'pipeline'].includes(parent.type);
    if (outputsOnly && !carries) break;
    if (parent.type !== 'redirected_statement') continue;
    const body = parent.childForFieldName('body');
    if (outputsOnly && body && body.endIndex !== node.endIndex) continue;
    targets.push(...fileTargets(parent.childrenForFieldName('redirect'), outputsOnly));
  }
  return targets;
}

/**
 * The files of redirections, as written: with `outputsOnly`, those written
 * to. A duplication of a descriptor (`2>&1`, `<&-`) names no file.
 */
function fileTargets(redirects: Node[], outputsOnly: boolean): string[] {
  const targets: string[] = [];
  for (const redirect of redirects) {
    if (redirect.type !== 'file_redirect') continue;
    const operator = redirect.children.find((c) => !c.isNamed)?.text ?? '';
    const target = redirect.childForFieldName('destination')?.text ?? '';
    const output = /^(>|>>|&>|>\|)$/.test(operator);
    const duplicate = /^[<>]&$/.test(operator) && /^(\d+|-)$/.test(target);
    if ((output || !outputsOnly) && !duplicate && !target.startsWith('/dev/')) targets.push(target);
  }
  return targets;
}

/**
 * Whether a command may read or write `path`: it runs inside it, or one of
 * its words names it, a directory above it, or something below it. Words
 * built from variables count when their literal directory part overlaps.
 */
export function commandTouches(command: CommandFacts, path: string): boolean {
  if (command.cwd !== null && mayBeWithin(command.cwd, path)) return true;
  const words = [command.name, ...command.args, ...command.redirects];
  return words.some((word) =>
    [word, word.slice(word.indexOf('=') + 1)].some((piece) =>
      wordTouches(piece, command.cwd, path),
    ),
  );
}

function wordTouches(word: string, cwd: string | null, path: string): boolean {
  if (word === '' || word.startsWith('-')) return false;
  const exact = resolvePath(word, cwd);
  if (exact !== null) return pathsOverlap(exact, path);
  const reached = reachedDirectory(word, cwd);
  if (reached !== null) return pathsOverlap(reached, path);
  if (cwd === null && !word.startsWith('/') && !/[$`]/.test(word)) {
    return path.split('/').pop() === word.split('/').pop();
  }
  return false;
}

/** `git clone` options that take the next word as their value. */
const GIT_CLONE_VALUE_OPTIONS = new Set([
  '-b',
  '--branch',
  '--depth',
  '-o',
  '--origin',
  '-c',
  '--config',
  '--reference',
  '-j',
  '--jobs',
  '--filter',
  '--template',
  '-u',
  '--upload-pack',
  '--separate-git-dir',
]);

/**
 * Paths a command creates, as written: downloads (`curl -o`, `wget -O`),
 * directories (`mkdir`), clones, `unzip -d`, `touch` and output redirections.
 */
export function createdWords(command: CommandFacts): string[] {
  const { name, args } = command;
  const created = [...command.outputs];
  switch (name) {
    case 'curl':
      created.push(...optionValues(args, 'o', '--output'));
      break;
    case 'wget':
      created.push(...optionValues(args, 'O', '--output-document').filter((v) => v !== '-'));
      break;
    case 'unzip':
      created.push(...optionValues(args, 'd', '--directory'));
      break;
    case 'mkdir':
    case 'touch':
      created.push(...args.filter((a, i) => !a.startsWith('-') && args[i - 1] !== '-m'));
      break;
    case 'git':
      created.push(...cloneTarget(args));
      break;
  }
  return created;
}

/** Values of a short option (also at the end of a cluster: `-fsSLo FILE`) or a long one. */
function optionValues(args: string[], short: string, long: string): string[] {
  const values: string[] = [];
  args.forEach((arg, i) => {
    if (arg === long && i + 1 < args.length) values.push(args[i + 1]);
    else if (arg.startsWith(`${long}=`)) values.push(arg.slice(long.length + 1));
    else if (/^-[A-Za-z0-9]+/.test(arg) && !arg.startsWith('--')) {
      const at = arg.indexOf(short);
      if (at === -1) return;
      const rest = arg.slice(at + 1);
      if (rest !== '') values.push(rest);
      else if (i + 1 < args.length) values.push(args[i + 1]);
    }
  });
  return values;
}

function cloneTarget(args: string[]): string[] {
  if (args[0] !== 'clone') return [];
  const positional: string[] = [];
  for (let i = 1; i < args.length; i++) {
    if (GIT_CLONE_VALUE_OPTIONS.has(args[i])) i++;
    else if (!args[i].startsWith('-')) positional.push(args[i]);
  }
  if (positional.length >= 2) return [positional[1]];
  const url = positional[0];
  if (!url || /[$`]/.test(url)) return [];
  return [
    url
      .replace(/\/+$/, '')
      .split(/[/:]/)
      .pop()!
      .replace(/\.git$/, ''),
  ];
}

/** The edit that drops a command from its RUN, or the whole RUN when it is all there is. */
export function removalEdit(doc: DockerDocument, run: InstructionInfo, rm: CommandFacts): Edit {
  const removal = rm.removal!;
  if (removal.whole) return instructionRemoval(doc, run);
  const body = run.body;
  return removal.last
    ? { start: body.toFile(removal.start - 1) + 1, end: body.toFile(removal.end - 1) + 1, text: '' }
    : { start: body.toFile(removal.start), end: body.toFile(removal.end), text: '' };
}

/** The edit that deletes an instruction's lines, line break included. */
export function instructionRemoval(doc: DockerDocument, instruction: InstructionInfo): Edit {
  const first = doc.lineAt(instruction.span.start);
  const last = doc.lineAt(instruction.span.end);
  if (last + 1 < doc.lineCount) {
    return { start: doc.lineStart(first), end: doc.lineStart(last + 1), text: '' };
  }
  return { start: first > 0 ? doc.lineEnd(first - 1) : 0, end: doc.text.length, text: '' };
}

/**
 * Inserts `text` at `offset`, written as a replacement of the character
 * there so that the edit overlaps any edit that joins this instruction to
 * the next one in the same round: the engine then applies one of them and
 * retries the other on the joined text.
 */
export function insertBeforeNext(doc: DockerDocument, offset: number, text: string): Edit {
  const end = Math.min(offset + 1, doc.text.length);
  return { start: offset, end, text: text + doc.text.slice(offset, end) };
}

/** Commands that move, unlink or replace the file: that fails on a mount point. */
export const UNLINKERS = new Set([
  'mv',
  'rm',
  'unlink',
  'shred',
  'sed',
  'perl',
  'dos2unix',
  'patch',
]);
/**
 * Commands that reach no path but those their words name (and the working
 * directory, for `ls` without operands): one of them provably cannot see a
 * file when none of its words, nor its directory, overlaps the file's path.
 * `[`, `[[`, `for`, `select` and `:` also stand for tests, loops and lone
 * redirections (see `syntaxCommand`).
 */
const NAMED_PATHS_ONLY = new Set([
  'echo',
  'printf',
  'true',
  'false',
  ':',
  'set',
  'for',
  'select',
  'test',
  '[',
  '[[',
  'cd',
  'mkdir',
  'touch',
  'chmod',
  'chown',
  'chgrp',
  'install',
  'ln',
  'cp',
  'cat',
  'ls',
  'rm',
  'rmdir',
]);
/**
 * Words of a command that are text, not paths: how many of its first
 * operands are (chmod's mode, chown's owner), the letters of its short
 * options that take no value, and its options whose value is text (`-m
 * MODE`). `reference` is the option (`--reference=FILE`) that names a file
 * in place of those first operands: with it, every operand is a path.
 */
interface TextWords {
  leading: number;
  flags: string;
  values: string[];
  reference?: string;
}

/** The text words of the commands in `NAMED_PATHS_ONLY` that have any (see `textWords`). */
const TEXT_WORDS: Record<string, TextWords> = {
  chmod: { leading: 1, flags: 'cfvR', values: [], reference: '--reference' },
  chown: { leading: 1, flags: 'cfvRhHLP', values: ['--from'], reference: '--reference' },
  chgrp: { leading: 1, flags: 'cfvRhHLP', values: [], reference: '--reference' },
  mkdir: { leading: 0, flags: 'pvZ', values: ['-m', '--mode'] },
  touch: { leading: 0, flags: 'acfhm', values: ['-d', '--date', '-t'] },
  install: {
    leading: 0,
    flags: 'bcCdDpsvTZ',
    values: ['-m', '--mode', '-o', '--owner', '-g', '--group', '-S', '--suffix'],
  },
};

/**
 * The indexes of a command's arguments that are text, not paths (see
 * `TEXT_WORDS`): values of its text options, given as the next word or at
 * the end of a cluster of its flags (`-Dm 755`), and its first operands.
 * A word that starts with `-` but is none of its options counts as an
 * operand (`chmod -x FILE`: `-x` is the mode), and so does every word after
 * `--`. Empty for other commands, so that dslim reads all their words as
 * paths.
 */
function textWords(command: CommandFacts): Set<number> {
  const text = new Set<number>();
  const kinds = TEXT_WORDS[command.name];
  if (!kinds) return text;
  const { args } = command;
  const flag = new RegExp(`^-[${kinds.flags}]+$`);
  const referenced =
    kinds.reference !== undefined && args.some((a) => a.startsWith(kinds.reference!));
  let leading = referenced ? 0 : kinds.leading;
  let options = true;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (options && arg === '--') options = false;
    else if (options && takesTextValue(arg, kinds)) text.add(++i);
    else if (options && (flag.test(arg) || arg.startsWith('--'))) continue;
    else if (leading > 0) {
      text.add(i);
      leading--;
    }
  }
  return text;
}

/** An option whose value is the next word: one of `values`, or a cluster of flags ending in one. */
function takesTextValue(arg: string, kinds: TextWords): boolean {
  return kinds.values.some((option) =>
    option.startsWith('--')
      ? arg === option
      : new RegExp(`^-[${kinds.flags}]*${option.slice(1)}$`).test(arg),
  );
}

/** Of those, the ones whose operands are text, not paths. */
const PRINTERS = new Set(['echo', 'printf', 'true', 'false', ':', 'set', 'for', 'select']);
/** A word with nothing the shell expands or splits: its text is what the command gets. */
const PLAIN_WORD = /^[^\s"'$`*?[\]{}~\\]*$/;
/** A word whose value the shell works out: a variable, a substitution or a glob. */
const EXPANDED_WORD = /[$`*?[\]]/;
/** Commands that run other commands, given in their words or made up as they go. */
const RUNNERS = new Set([
  'eval',
  'exec',
  'command',
  'builtin',
  'source',
  '.',
  'trap',
  'xargs',
  'find',
  'env',
  'sudo',
  'su',
  'doas',
  'gosu',
  'su-exec',
  'runuser',
  'setpriv',
  'chroot',
  'nice',
  'ionice',
  'nohup',
  'setsid',
  'stdbuf',
  'timeout',
  'time',
  'flock',
  'parallel',
  'watch',
]);
/** Shells and interpreters: they run a script, from a file or from their words. */
const INTERPRETER =
  /^(sh|bash|dash|ash|zsh|ksh|mksh|fish|busybox|python[\d.]*|pypy[\d.]*|perl[\d.]*|ruby[\d.]*|php[\d.]*|node|nodejs|deno|bun|lua[\d.]*|luajit|tclsh[\d.]*|Rscript|java|groovy|pwsh|awk|gawk|mawk)$/;

/**
 * How a command may reach `target` (read, list, test, run or write it),
 * as a phrase that follows "which": it runs inside it or names it, a
 * directory above it or a path inside it (`tar czf x.tgz /tmp` reaches
 * `/tmp/a.tgz`); it runs other commands or a script, or is named by a
 * variable; a word the shell expands may name it; or it is a program that
 * may read files its words do not name (`make`, `apt-get`: a Makefile, a
 * configuration file). Null only for a command that provably cannot: one
 * of `NAMED_PATHS_ONLY`, every word plain text (for printers: no word the
 * shell splits or globs), a relative path only with a known working
 * directory, `cd` to one named directory, and no path (nor, for `ls`
 * without operands, the working directory) overlapping the target.
 */
export function mayReach(command: CommandFacts, target: string): string | null {
  const { name, args, redirects, cwd } = command;
  if (cwd !== null && mayBeWithin(cwd, target)) return 'runs inside the path';
  if (commandTouches(command, target))
    return 'names the path, a directory above it or a path inside it';
  if (/[$`]/.test(name))
    return 'is named by a variable or a substitution, so it may be any command';
  if (RUNNERS.has(name) || (isWrapper(name) && !INTERPRETER.test(name)))
    return 'runs other commands, and they may read the path without naming it';
  if (name.includes('/') || INTERPRETER.test(name))
    return 'runs a script or a program, and it may read the path without naming it';
  const printer = PRINTERS.has(name);
  const expanded = printer
    ? [...command.globbed, ...redirects.filter((w) => EXPANDED_WORD.test(w))]
    : [...args, ...redirects].filter((w) => EXPANDED_WORD.test(w));
  if (expanded.length > 0)
    return `may name the path through \`${expanded[0]}\`, a word the shell expands (a variable, a substitution or a glob)`;
  if (!NAMED_PATHS_ONLY.has(name))
    return 'may read files its words do not name (a Makefile, a configuration file, a script of its own)';
  const text = textWords(command);
  const pathWords = printer ? [] : args.filter((_, i) => !text.has(i));
  const operands = pathWords.filter((a) => !a.startsWith('-'));
  const unread = [...pathWords, ...redirects].find((w) => !PLAIN_WORD.test(w));
  if (unread !== undefined) return `names \`${unread}\`, which dslim cannot read as a path`;
  const relative = [...operands, ...redirects].find((p) => !p.startsWith('/'));
  if (cwd === null && relative !== undefined)
    return `names \`${relative}\` relative to a working directory dslim cannot tell`;
  if (name === 'ls' && operands.length === 0 && (cwd === null || pathsOverlap(cwd, target)))
    return 'lists its working directory, where the path may be';
  if (name === 'cd' && operands.length !== 1) return 'changes to a directory its words do not name';
  return null;
}

/**
 * True when a command provably cannot see `target`: it is one that reaches
 * only the paths its words name, and none of them is the target, above it
 * or inside it (see `mayReach`). Anything else might list, test or run it.
 */
export function cannotSee(command: CommandFacts, target: string): boolean {
  return mayReach(command, target) === null;
}

/** A command that may reach a path, and how, as a phrase that follows "which". */
export interface Reach {
  command: CommandFacts;
  how: string;
}

/**
 * The first of `commands` that may reach one of `paths`, and how (see
 * `mayReach`), passing over those `exempt` says cannot; null when none may.
 */
export function firstReach(
  commands: CommandFacts[],
  paths: string[],
  exempt: (command: CommandFacts) => boolean = () => false,
): Reach | null {
  for (const command of commands) {
    if (exempt(command)) continue;
    for (const path of paths) {
      const how = mayReach(command, path);
      if (how) return { command, how };
    }
  }
  return null;
}

/** `ln` without `-s`, `link`, `cp -l`: a hard link to a mounted file crosses devices. */
export function hardLinks(command: CommandFacts): boolean {
  const short = (letter: string) =>
    command.args.some((a) => new RegExp(`^-[a-zA-Z]*${letter}`).test(a));
  if (command.name === 'link') return true;
  if (command.name === 'ln') return !short('s') && !command.args.includes('--symbolic');
  if (command.name === 'cp') return short('l') || command.args.includes('--link');
  return false;
}
