import picomatch from 'picomatch';
import type { DockerDocument, InstructionInfo } from './document';
import { errexitAndProblem } from './errexit';
import { continuationStyle, continuationText, scriptTail } from './join';
import { commandText, insertBeforeNext } from './script-paths';
import { analyzeScript, scopedSettings, type ScriptFacts } from './shell-effects';
import { firstOperand, listCommands, type ShellCommand, type Word } from './shell-commands';
import { otherUser, runUser, sameUser, userWords } from './stage-paths';
import type { Edit } from './types';
import { programOf } from './wrappers';

/** An edit, or the reason it cannot be made. */
export type Outcome = { edit: Edit } | { reason: string };

/**
 * Adds `commands` after everything a shell-form RUN already runs, joined
 * with `&&`. They clean up after `owners`, the commands of the RUN whose
 * files they remove (the tool's commands, those that fill its cache), and
 * run as the RUN's own user: when a wrapper runs one of those as another
 * user, nothing is added (see `userProblem`). The shell reads `&&` and `||`
 * left to right with equal precedence, so `a || b && cleanup` is
 * `(a || b) && cleanup`: the cleanup runs exactly when the script as
 * written succeeds, and the RUN's exit status stays what it was. A RUN
 * written over several lines gets the commands on a new continuation line
 * in the RUN's own style; a one-line RUN gets them on the same line, before
 * a comment that ends it; in a longer RUN such a comment moves onto its own
 * comment line, as when RUNs are joined. The edit always covers the text
 * after the script, so that it clashes with a join of this RUN in the same
 * round and is retried on the joined RUN.
 */
export function appendCommands(
  doc: DockerDocument,
  run: InstructionInfo,
  commands: string[],
  owners: ShellCommand[],
): Outcome {
  const facts = analyzeScript(run.body.text);
  if (facts.background)
    return {
      reason: 'it starts a background job (`&`), which a command added after it would race',
    };
  const trap = trapProblem(facts);
  if (trap) return { reason: `it ${trap}` };
  const shadow = shadowProblem(run.body.text, commands);
  if (shadow) return { reason: shadow };
  const user = userProblem(doc, run, owners, commands.join(' && '));
  if (user) return { reason: user };
  const errexit = errexitAndProblem(doc, run, facts);
  if (errexit) return { reason: `it ${errexit}` };
  const tail = scriptTail(doc, run, facts);
  if (tail.commentRunsOn) {
    return {
      reason:
        'a shell comment in it runs over a line continuation, so text added after it would be commented out',
    };
  }

  const added = commands.join(' && ');
  const multiLine = doc.lineAt(run.bodyStart) !== doc.lineAt(run.span.end);
  if (!multiLine) return { edit: insertBeforeNext(doc, tail.cut, ` && ${added}`) };
  const style = continuationStyle(doc, run);
  const text = continuationText(doc, style, {
    beforeBreak: style.leadingOperator ? '' : ' &&',
    movedComment: tail.comment,
    afterIndent: `${style.leadingOperator ? '&& ' : ''}${added}`,
  });
  if (!tail.comment) return { edit: insertBeforeNext(doc, tail.cut, text) };
  return { edit: { start: tail.cut, end: run.span.end, text } };
}

/** The limitation of every transform that adds commands at the end of a RUN, on traps. */
export const TRAP_LIMITATION =
  'A RUN that sets a trap on EXIT (`0`), ERR, DEBUG or RETURN, or on signal words that cannot be read before it runs, in its own shell (not only inside a subshell), or on ERR anywhere, gets no commands added at its end: the trap would run after them instead of after its own last command, or run for them. A reset (`trap - EXIT`) sets nothing; a trap set by code the RUN does not show (a sourced file) is not seen, though an `eval` of text that names `trap` counts.';

/**
 * Why commands may not be added at the end of `facts`' script because of a
 * trap it sets, as words after "it" (or "the RUN …"); null if none. A
 * trap on exit would run after the added commands instead of after the
 * script's own last one, so it would see what they do (a file they
 * delete); one on ERR or DEBUG would also run for them, and bash ignores
 * one on ERR in all that `&&` follows.
 */
export function trapProblem(facts: ScriptFacts): string | null {
  const trap = facts.endTrap ?? facts.errTrap;
  if (!trap) return null;
  return `sets a trap that runs ${trap.when} (\`${trap.source}\`), so commands added at its end would run before the trap, or set it off`;
}

/** An edit that inserts ` text` right after a word of a RUN's script. */
export function insertAfterWord(run: InstructionInfo, word: Word, text: string): Edit {
  const at = run.body.toFile(word.end - 1) + 1;
  return { start: at, end: at, text: ` ${text}` };
}

/** An edit that deletes a range of a RUN's script, or null when it holds a comment line. */
export function deleteScriptRange(
  doc: DockerDocument,
  run: InstructionInfo,
  range: { start: number; end: number },
): Edit | null {
  const start = run.body.toFile(range.start);
  const end = run.body.toFile(range.end - 1) + 1;
  const between = doc.text.slice(start, end);
  if (between.includes('#')) return null;
  return { start, end, text: '' };
}

/** The limitation of every transform that adds commands at the end of a RUN, on users. */
export const USER_LIMITATION =
  "A RUN where the tool, or a command that fills its cache, runs as another user than the RUN's own through a wrapper (`sudo` and `doas` as `-u USER` or root, `gosu` and `su-exec` as their user, `su` and `runuser` as their user or root, `setpriv --reuid`, `chroot --userspec`, `unshare --setuid`) gets nothing added, and a note: the added command would run as the RUN's user, which may not be allowed to remove what that command leaves, or has a cache of its own in its home. The RUN's user is the last `USER` of its stage or of a stage it builds on, else root (the base image's own `USER` is not known); `root` and `0` are the same user, a name and a number, or a user written with a variable, are taken to differ. `sudo` in a RUN that runs as root already is the same user.";

/**
 * Why `added`, run at the end of the RUN as the RUN's own user, may not
 * clean what `owners` leave: a wrapper runs one of them as another user
 * (`USER app` then `sudo apt-get update`, or `gosu app npm ci` as root).
 * The added command may then be denied the files that one leaves (root's
 * package lists), or clean its own user's cache (`~/.npm` in another
 * home) and leave the one that was filled. Null when every owner runs as
 * the RUN's user, which `sudo` in a root RUN does.
 */
export function userProblem(
  doc: DockerDocument,
  run: InstructionInfo,
  owners: ShellCommand[],
  added: string,
): string | null {
  const own = runUser(doc, run);
  const other = owners.find((c) => c.user !== null && !sameUser(c.user, own));
  if (!other?.user) return null;
  const text = commandText(run.body.text, other);
  return `\`${text}\` ${userContrast(other.user, own)}, so the added \`${added}\` would run as \`${own}\`: it may be denied what that command leaves, or clean the cache of \`${own}\` instead of the one that command fills`;
}

/**
 * For a message, that a command runs as `user` and its RUN as `own`: said
 * as a fact only when they are surely two users (see `otherUser`); a name
 * and a number (`node` and `1000`), or a user dslim cannot read, may be
 * the same one, so the words say only that it may be another.
 */
function userContrast(user: string, own: string): string {
  if (otherUser(user, own)) return `runs as \`${user}\` while the \`RUN\` runs as \`${own}\``;
  const id = (u: string) => /^#?(\d+)(:|$)/.exec(u)?.[1];
  const name = (u: string) => /^([A-Za-z_][\w.-]*)(:|$)/.exec(u)?.[1];
  const [number, named] = [id(user) ?? id(own), name(user) ?? name(own)];
  if (number && named)
    return `may run as another user: it runs as \`${user}\` and the \`RUN\` as \`${own}\`, and dslim cannot tell whether \`${named}\` has the id \`${number}\` in the image`;
  return `may run as another user than the \`RUN\` (it runs as ${userWords(user)}, the \`RUN\` as \`${own}\`)`;
}

/** The limitation of every transform that adds commands at the end of a RUN, on what they run. */
export const SHADOW_LIMITATION =
  "A RUN that may change what an added command's program name runs gets nothing added, and a note: one that removes the program (`rm`, `unlink` or `mv` of a path outside `/var`, `/tmp` and `/run` with a part of that name, or ending in a glob or variable that may be it, as the whole word or in a `bin`, `sbin` or `node_modules` directory; a package removal through `apt-get`, `apt`, `dpkg`, `apk`, `yum`, `dnf`, `microdnf`, `rpm`, `zypper`, `npm -g`, `conda` or `pip` of a package of that name, of one known to hold it (`nodejs` for `npm`, `coreutils` for `rm`, `dnf` for `yum`), or of a word that may expand to one), that changes `PATH` in its own shell or runs `hash -p`, that runs the program only where it set `PATH` for part of the script (`PATH=/x cmd`, `env PATH=/x cmd`, an `export PATH` in a subshell), since the added command runs with the `PATH` of the image, or that defines a function or an alias of that name. A directory that holds the program under another name (`rm -rf /usr/local`), and code the RUN does not show (a sourced file, an `eval` of text built at run time), are not seen.";

/**
 * Why the commands in `added`, run after all of `script`, may not run the
 * programs their names ran before it; null if nothing in it changes that.
 * The script runs first, so what it leaves decides what a name runs then:
 * it may have removed the program (`rm /usr/local/bin/npm`, `rpm -e yum`),
 * moved where the shell looks (`export PATH=…`, `hash -p`), or put a
 * function or an alias in its place. The phrase names the command of the
 * script that does so.
 */
export function shadowProblem(script: string, added: string[]): string | null {
  for (const text of added) {
    for (const command of listCommands(text)) {
      const problem = nameProblem(script, command.name, text);
      if (problem) return problem;
    }
  }
  return null;
}

function nameProblem(script: string, program: string, added: string): string | null {
  const name = programOf(program);
  const facts = analyzeScript(script);
  const commands = listCommands(script);
  const quote = (command: ShellCommand) => `\`${commandText(script, command)}\``;
  for (const command of commands) {
    const removed = removedOperand(command, name);
    if (removed !== null) {
      return `${quote(command)} removes \`${removed}\`, so the added \`${added}\` may not find the \`${name}\` it runs`;
    }
  }
  // A name with a `/` is a path: neither PATH nor a function decides what it runs.
  if (program.includes('/')) return null;
  for (const leak of facts.leaks) {
    const names = leak.names ?? [];
    if (leak.kind === 'function' && names.includes(name)) {
      return `\`${leak.source}\` defines a function \`${name}\`, which the added \`${added}\` would run instead of the program`;
    }
    const setsPath = names.includes('PATH') || (names.length === 0 && /\bPATH\b/.test(leak.source));
    if (leak.kind === 'variable' && setsPath)
      return lookupChange(`\`${leak.source}\``, name, added);
  }
  for (const command of commands) {
    const words = command.args.map((word) => word.text);
    if (programOf(command.name) === 'hash' && words.some((word) => /^-[a-z]*p/.test(word))) {
      return lookupChange(quote(command), name, added);
    }
    if (programOf(command.name) === 'alias' && words.some((word) => mayDefine(word, name))) {
      return `${quote(command)} defines an alias \`${name}\`, which the added \`${added}\` may run instead of the program`;
    }
  }
  // PATH set for one command (`PATH=/x go build`, `env PATH=/x go`) or inside
  // a subshell reaches that part only. When every run of the program in the
  // script is in such a part, the added command after it may not find it.
  const runs = commands.filter((command) => programOf(command.name) === name);
  if (runs.length === 0) return null;
  const scoped = scopedSettings(script, 'PATH');
  const setter = (command: ShellCommand): string | null =>
    command.assignments.includes('PATH')
      ? quote(command)
      : (scoped.find((s) => s.start <= command.start && command.start < s.end)?.source ?? null);
  const setters = runs.map(setter);
  if (setters.every((source) => source !== null)) {
    const source = setters[0] === quote(runs[0]) ? setters[0] : `\`${setters[0]}\``;
    return `${source} sets PATH for part of the script only, so the added \`${added}\` may not find the \`${name}\` that part ran`;
  }
  return null;
}

function lookupChange(source: string, name: string, added: string): string {
  return `${source} changes where the shell finds \`${name}\`, so the added \`${added}\` may run another program, or none`;
}

/** An `alias` word that may define `name`: `name=…`, or one that expands. */
function mayDefine(word: string, name: string): boolean {
  return word.startsWith(`${name}=`) || /[$`]/.test(word);
}

/** Programs whose removal commands take paths. */
const PATH_REMOVERS = new Set(['rm', 'unlink', 'mv']);

/** Packages that hold a program of another name, by that name. */
const HOLDERS: Record<string, string[]> = {
  npm: ['nodejs'],
  npx: ['nodejs', 'npm'],
  rm: ['coreutils'],
  yum: ['dnf'],
};

/** For each package manager, whether its words remove packages. */
const PACKAGE_REMOVERS: Record<string, (sub: string, words: string[]) => boolean> = {
  'apt-get': (sub) => ['remove', 'purge', 'autoremove'].includes(sub),
  apt: (sub) => ['remove', 'purge', 'autoremove'].includes(sub),
  dpkg: (_, words) => words.some((w) => /^(-[a-zA-Z]*[rP][a-zA-Z]*|--remove|--purge)$/.test(w)),
  apk: (sub) => sub === 'del',
  yum: (sub) => ['remove', 'erase', 'autoremove'].includes(sub),
  dnf: (sub) => ['remove', 'erase', 'autoremove'].includes(sub),
  microdnf: (sub) => ['remove', 'erase', 'autoremove'].includes(sub),
  rpm: (_, words) => words.some((w) => /^(-[a-zA-Z]*e[a-zA-Z]*|--erase)$/.test(w)),
  zypper: (sub) => ['rm', 'remove'].includes(sub),
  npm: (sub, words) =>
    ['uninstall', 'rm', 'remove', 'un', 'r', 'unlink'].includes(sub) &&
    words.some((w) => ['-g', '--global', '--location=global'].includes(w)),
  conda: (sub) => ['remove', 'uninstall'].includes(sub),
  pip: (sub) => sub === 'uninstall',
  pip3: (sub) => sub === 'uninstall',
};

/**
 * The operand by which `command` may remove the program `name`, as
 * written, or null: a path with a part that may be `name`, or a package
 * that is, or holds, it (see `mayBePackage`).
 */
function removedOperand(command: ShellCommand, name: string): string | null {
  const program = programOf(command.name);
  const words = command.args.map((word) => word.text);
  if (PATH_REMOVERS.has(program)) {
    return operands(command.args).find((word) => mayBePath(word, name)) ?? null;
  }
  const removes = PACKAGE_REMOVERS[program];
  const sub = firstOperand(command.args);
  if (!removes || !removes(sub?.text ?? '', words)) return null;
  // dpkg and rpm take no subcommand: their first operand is a package.
  const from = sub && !['dpkg', 'rpm'].includes(program) ? command.args.indexOf(sub) + 1 : 0;
  return operands(command.args.slice(from)).find((word) => mayBePackage(word, name)) ?? null;
}

/** The words of a command that are not options. */
function operands(args: Word[]): string[] {
  return args.map((word) => word.text).filter((text) => !text.startsWith('-'));
}

/**
 * True when a package word may name the package of the program `name`:
 * the name itself, with a version or architecture after it (`npm@10`,
 * `yum-4.7`, `dnf.noarch`), a package known to hold it, or a word that
 * may expand to any of them.
 */
function mayBePackage(word: string, name: string): boolean {
  const packages = [name, ...(HOLDERS[name] ?? [])];
  const bare = word.replace(/([@=:<>.]|-(?=\d)).*$/s, '');
  return packages.some((pkg) => mayBe(bare, pkg) || mayBe(word, pkg));
}

/** Directories of data that hold no programs: `/var/cache/dnf` is not `dnf`. */
const DATA_DIRS = ['/var', '/tmp', '/run'];

/** Directories a program is found in by its own name: `/usr/bin/rm`, `…/node_modules/npm`. */
const PROGRAM_DIRS = new Set(['bin', 'sbin', 'node_modules']);

/**
 * True when removing the path `word` may remove the program `name`: a part
 * of it is the name (`/usr/local/bin/npm`, `/usr/local/lib/node_modules/npm`,
 * `/opt/conda/bin/conda`), or its last part may expand to the name where a
 * program of that name is found: the whole word (`$dir`), or in a `bin`,
 * `sbin` or `node_modules` directory, or one that expands too. A glob in
 * another directory (`/tmp/*`) matches the name only as some other file,
 * and nothing in `/var`, `/tmp` or `/run` is a program.
 */
function mayBePath(word: string, name: string): boolean {
  if (DATA_DIRS.some((dir) => word === dir || word.startsWith(`${dir}/`))) return false;
  const parts = word.split('/');
  if (parts.includes(name)) return true;
  const last = parts[parts.length - 1];
  if (parts.length > 1 && last === '') return mayBePath(parts.slice(0, -1).join('/'), name);
  if (!mayBe(last, name)) return false;
  const parent = parts[parts.length - 2];
  return parent === undefined || PROGRAM_DIRS.has(parent) || mayBe(parent, name);
}

/**
 * True when a word, once the shell expands it, may be `name`: a variable
 * or substitution may be anything with the text around it (`luarocks-$v`
 * is never `rm`), a glob anything it matches.
 */
function mayBe(word: string, name: string): boolean {
  if (word === name) return true;
  const pattern = word.replace(/\$\{[^}]*\}|\$\w+|\$\([^)]*\)|`[^`]*`|\$\S*/g, '*');
  if (!/[*?[{]/.test(pattern)) return false;
  return picomatch.isMatch(name, pattern, { dot: true });
}
