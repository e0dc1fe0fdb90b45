import { posix } from 'node:path';
import { isShellRun, type DockerDocument, type InstructionInfo, type Stage } from './document';
import { lineRef } from './line-ref';
import {
  canonicalPath,
  homeAsRoot,
  isWithin,
  mayBeWithin,
  pathsOverlap,
  reachedDirectory,
  resolvePath,
} from './paths';
import { commandText, scanScript, type CommandFacts } from './script-paths';
import { stageLineage, workingDirectories } from './stage-paths';

/**
 * Where one end of a symbolic link is: an exact path, or (`exact` false)
 * the directory it lies somewhere in, when a variable or a glob names it.
 */
export interface Place {
  path: string;
  exact: boolean;
}

/** A symbolic link a command makes; an end dslim cannot place at all is null. */
export interface MadeLink {
  link: Place | null;
  target: Place | null;
  /** The target was written relative to the link, so it changes when the link moves. */
  relative: boolean;
  /** What makes it, for a note: the command, quoted, or an unreadable `RUN`. */
  maker: string;
  /** False for a link an unreadable `RUN` may make. */
  readable: boolean;
}

/** Options of `ln` and `cp` that take the next word as their value, by letter. */
const VALUE_LETTERS = new Set(['t', 'S']);
const VALUE_OPTIONS = new Set(['--target-directory', '--suffix']);
/** A quick look before reading a script: no such word, no link made or moved. */
const LINK_WORD = /\b(ln|cp|mv)\b/;

/**
 * The symbolic links that commands of a stage, or of the stages of this file
 * it builds on, make before `before` (an instruction index; with
 * `beforeOffset`, the commands of that instruction that end before it count
 * too): `ln -s`, `cp -s`, and a `mv` or `cp` of a link made so. A RUN dslim cannot
 * read that may run `ln` counts as a link it cannot place.
 */
export function linksMadeBefore(
  doc: DockerDocument,
  stage: Stage,
  before: number,
  beforeOffset?: number,
): MadeLink[] {
  const links: MadeLink[] = [];
  for (const ancestor of stageLineage(doc, stage).reverse()) {
    const cwds = workingDirectories(doc, ancestor);
    for (const run of ancestor.instructions) {
      if (run.keyword !== 'RUN' || run.index > before) continue;
      if (run.index === before && beforeOffset === undefined) continue;
      // A heredoc's lines are not in the body: look at the whole instruction.
      if (!LINK_WORD.test(doc.text.slice(run.span.start, run.span.end))) continue;
      if (!isShellRun(run)) {
        const maker = `the \`RUN\` at line ${lineRef(run)}`;
        links.push({ link: null, target: null, relative: false, maker, readable: false });
        continue;
      }
      for (const command of scanScript(run.body.text, cwds.get(run.index) ?? null).commands) {
        if (run.index === before && command.end > beforeOffset!) break;
        links.push(...commandLinks(run, command, links));
      }
    }
  }
  return links;
}

/** The links one command makes: `ln -s`, `cp -s`, or a `mv` or `cp` of one already made. */
function commandLinks(run: InstructionInfo, command: CommandFacts, made: MadeLink[]): MadeLink[] {
  const text = `\`${commandText(run.body.text, command)}\``;
  const words = readOptions(command.args, command.name === 'ln' ? '--symbolic' : '--symbolic-link');
  // `cp -r`, `-a`, `-d`, `-P` copy a link as a link: it then lies at the copy too.
  const carries = command.name === 'mv' || (command.name === 'cp' && !words.symbolic);
  if (carries) return movedLinks(command, words, made, text);
  if (!['ln', 'cp'].includes(command.name) || !words.symbolic) return [];
  return linkPairs(words).flatMap(([target, link, exact]) => {
    const linkPlace = place(link, command.cwd, exact);
    // `ln` stores a relative target as it is: it counts from the link's directory,
    // which is the named one's parent, or the named one when that is a directory.
    const relative = !homeAsRoot(target).startsWith('/');
    if (!relative || command.name !== 'ln' || words.relative)
      return [
        {
          link: linkPlace,
          target: place(target, command.cwd),
          relative,
          maker: text,
          readable: true,
        },
      ];
    const bases = !linkPlace ? [null] : exact ? [posix.dirname(link)] : [posix.dirname(link), link];
    return bases.map((base) => ({
      link: linkPlace,
      target: base === null ? null : place(target, resolvePath(base, command.cwd)),
      relative,
      maker: text,
      readable: true,
    }));
  });
}

interface LinkWords {
  symbolic: boolean;
  relative: boolean;
  /** `-T`: the last operand is the link itself, never a directory to put it in. */
  noDirectory: boolean;
  directory: string | null;
  operands: string[];
}

/** The options and operands of `ln`, `cp` or `mv`. */
function readOptions(args: string[], symbolicOption: string): LinkWords {
  const words: LinkWords = {
    symbolic: false,
    relative: false,
    noDirectory: false,
    directory: null,
    operands: [],
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      words.operands.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') words.operands.push(arg);
    else if (arg.startsWith('--')) {
      const [name, value] = arg.split(/=(.*)/s);
      if (name === symbolicOption) words.symbolic = true;
      else if (name === '--relative') words.relative = true;
      else if (name === '--no-target-directory') words.noDirectory = true;
      if (name === '--target-directory') words.directory = value ?? args[i + 1] ?? null;
      if (VALUE_OPTIONS.has(name) && value === undefined) i++;
    } else {
      for (let k = 1; k < arg.length; k++) {
        const letter = arg[k];
        if (letter === 's') words.symbolic = true;
        if (letter === 'r') words.relative = true;
        if (letter === 'T') words.noDirectory = true;
        if (!VALUE_LETTERS.has(letter)) continue;
        const value = arg.slice(k + 1) || args[++i];
        if (letter === 't') words.directory = value ?? null;
        break;
      }
    }
  }
  return words;
}

/**
 * The (target, link, exact) words of `ln TARGET... LINK`: with one operand
 * the link is made in the working directory; with two the second is the
 * link, or a directory the link is made in (not `exact`: the link is there
 * or below it), unless `-T`; with more, or with `-t`, a directory.
 */
function linkPairs(words: LinkWords): [string, string, boolean][] {
  const { operands, directory } = words;
  const inside =
    (dir: string) =>
    (t: string): [string, string, boolean] => [t, posix.join(dir, posix.basename(t)), true];
  if (directory !== null) return operands.map(inside(directory));
  if (operands.length === 1) return [[operands[0], posix.basename(operands[0]), true]];
  if (operands.length === 2) return [[operands[0], operands[1], words.noDirectory]];
  return operands.slice(0, -1).map(inside(operands[operands.length - 1]));
}

/**
 * Links that `mv` or `cp` takes elsewhere: each one at or under a source
 * now lies at the destination. A relative target then counts from
 * elsewhere: unknown.
 */
function movedLinks(
  command: CommandFacts,
  words: LinkWords,
  made: MadeLink[],
  text: string,
): MadeLink[] {
  const moved: MadeLink[] = [];
  for (const [source, dest, exactDest] of linkPairs(words)) {
    const from = place(source, command.cwd, true);
    const to = place(dest, command.cwd, exactDest);
    for (const link of made) {
      const carried =
        !link.link || !from || (link.link.exact && from.exact)
          ? !link.link || !from || mayBeWithin(link.link.path, from.path)
          : pathsOverlap(link.link.path, from.path);
      if (!carried) continue;
      const exact =
        to?.exact && from?.exact && link.link?.exact && isWithin(link.link.path, from.path);
      const path = exact ? to!.path + link.link!.path.slice(from!.path.length) : to?.path;
      moved.push({
        link: path === undefined ? null : { path, exact: !!exact },
        target: link.relative ? null : link.target,
        relative: link.relative,
        maker: text,
        readable: true,
      });
    }
  }
  return moved;
}

/**
 * Where a word puts a path (see `Place`), or null when dslim cannot tell;
 * not `exact` when the path may lie below the one the word names.
 */
function place(word: string, cwd: string | null, exact = true): Place | null {
  const text = homeAsRoot(word);
  const path = resolvePath(text, cwd);
  if (path !== null) return { path, exact };
  const reached = reachedDirectory(text, cwd);
  return reached === null ? null : { path: reached, exact: false };
}

/** Past this many names a path is taken to be reachable from anywhere. */
const MOST_NAMES = 64;

/**
 * Every path that may name `path` or a part of it through the links: the
 * path itself, its name through a link to a directory above it (`/link/f`
 * for `/tmp/f` when `/link` → `/tmp`), the link to a directory below it,
 * and the target of a link the path runs through; followed again from each
 * new name. A link with an end dslim can only tell the directory of gives
 * that directory as a name. Or, as a clause, why any name may be the
 * path: a link dslim cannot place may reach it, or the names go on.
 */
export function namesThroughLinks(
  path: string,
  links: MadeLink[],
): { names: string[] } | { unplaced: string } {
  // Each name with the link that gave it, which need not be followed back (nor its
  // other readings: they share its `link`).
  const names: [string, MadeLink | null][] = [[path, null]];
  for (let i = 0; i < names.length; i++) {
    const [current, via] = names[i];
    // A link that only gives names it cannot map exactly is not followed back.
    const again = (l: MadeLink) =>
      !via || l.link !== via.link || !!(l.link?.exact && l.target?.exact);
    for (const made of links.filter(again)) {
      const found = linkNames(current, made.link, made.target);
      if (found === null) return { unplaced: unplacedLink(made) };
      if (names.length > MOST_NAMES)
        return {
          unplaced: `${made.maker} makes a symbolic link that gives the path more names than dslim follows`,
        };
      for (const name of found) {
        if (!names.some(([known]) => known === name)) names.push([name, made]);
      }
    }
  }
  return { names: names.map(([name]) => name) };
}

/** Why a link may give a path any name, as a clause. */
function unplacedLink(made: MadeLink): string {
  return made.readable
    ? `${made.maker} makes a symbolic link that dslim cannot place`
    : `${made.maker} cannot be read, and it may make a symbolic link`;
}

/**
 * The names a link gives `path` or a part of it, or null when it may give
 * any: a link to somewhere unknown may be the path's own name, and one
 * the path runs through leaves its real place unknown.
 */
function linkNames(path: string, link: Place | null, target: Place | null): string[] | null {
  if (!link) return target && !pathsOverlap(target.path, path) ? [] : null;
  if (!target) return pathsOverlap(link.path, path) ? null : [link.path];
  return [otherName(path, link, target), otherName(path, target, link)].filter(
    (name): name is string => name !== null,
  );
}

/** The name of `path` (or of a part of it) at the `to` end of a link, or null. */
function otherName(path: string, from: Place, to: Place): string | null {
  if (!from.exact || !to.exact) return pathsOverlap(from.path, path) ? to.path : null;
  const [name, end] = [canonicalPath(path), canonicalPath(from.path)];
  if (isWithin(name, end))
    return end === '/' ? posix.join(to.path, name) : to.path + name.slice(end.length);
  return isWithin(end, name) ? to.path : null;
}
