/**
 * Commands that run another program named in their own words: `sudo apt-get
 * install`, `env A=1 apk add`, `xargs pip install < list`, `gosu app npm ci`,
 * `php composer.phar install`. The package transforms read the program such a
 * wrapper runs as the command, so an install or a reader behind one is seen;
 * the shell analysis peels the wrappers that keep a builtin in the script's
 * own shell (see `IN_SHELL_WRAPPERS`). Some wrappers run a shell script given
 * as one word instead (`sh -c`, `su -c`, `flock FILE -c`: see
 * `shellScriptWord`), and some run a program dslim cannot follow (`chroot`,
 * or a wrapper given an option dslim does not know: see `Hidden`).
 */

/** A program's name without its directory: `/usr/bin/pip3` → `pip3`. */
export function programOf(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** How one wrapper reads its words before the program it runs. */
interface WrapperSyntax {
  /** Single-letter options that take a value, in the next word or glued on (`-n 5`, `-n5`). */
  valued?: string;
  /** Long options that take a value in the next word when not written `--name=value`. */
  longValued?: string[];
  /**
   * Set when every option of the wrapper is known: the single letters and
   * long options that take no value. Any option that is not listed here or
   * in the other fields hides the program (see `Hidden`): whether it takes
   * a value, and so which word is the program, cannot be told.
   */
  flags?: { letters: string; long: string[] };
  /** Options after which no program runs (`command -v`, `ionice -p`). */
  stops?: string[];
  /** Options that run the program where dslim cannot follow it, with why (`unshare --root`). */
  hides?: Record<string, string>;
  /** Operands before the program: `timeout`'s duration, `gosu`'s user. */
  operands?: number;
  /** `NAME=value` words before the program set variables for it (`env`, `sudo`). */
  assignments?: boolean;
  /** The program gets further words from standard input (`xargs`). */
  incomplete?: boolean;
  /** `-NUMBER` is an option (`nice -10`). */
  numericOption?: boolean;
  /** The program `xargs` runs when none is named. */
  fallback?: string;
  /**
   * Options may follow operands too, up to `--` (GNU getopt without `+`:
   * `su`, `runuser`): an option written after the program is the wrapper's.
   * Elsewhere the first operand ends the options.
   */
  permutes?: boolean;
  /** Options whose value is the program (`php -f FILE`). */
  programOptions?: string[];
  /** Reads the words its own way, once walked: `su -c`, `flock FILE -c`, `chroot`. */
  read?: (walk: Walk, words: string[]) => Reading | null;
  /**
   * For a wrapper that may run its program as another user: that user, as
   * written (`app`, `app:staff`, `1000`, `#0`), `root` when it names none,
   * `UNKNOWN_USER` when it cannot be read, or null when the program runs as
   * the wrapper itself does (`sudo -g staff`). See `wrapperUser`.
   */
  user?: (walk: Walk, words: string[]) => string | null;
}

/** An option met among a wrapper's words. */
interface Option {
  /** As written, without its value: `-c`, `--command`. */
  name: string;
  /** The index of the word that is its value, or null: it takes none, or it is glued on. */
  value: number | null;
  /** Its value when glued on (`-cX`, `--command=X`), else null. */
  inline: string | null;
}

/** A wrapper's words, read by its syntax up to the program it runs. */
interface Walk {
  /** The indexes of the words that are neither options nor their values, in order. */
  operands: number[];
  options: Option[];
  /** The indexes of the `NAME=value` words. */
  assignments: number[];
  /** The index of the `--` that ends the options, or -1. */
  dashDash: number;
}

/** What a wrapper runs, found in its words. */
export interface Unwrapped {
  /** The index in the wrapper's words of the program it runs, or -1 for its default (`xargs`). */
  at: number;
  /** The program: that word, or the default. */
  program: string;
  /** The indexes of the `NAME=value` words it sets for the program. */
  assignments: number[];
  /**
   * True when the program's words must not be edited: it gets more words
   * from standard input (`xargs`), or the wrapper reads options after it
   * (`runuser -u app pip install`, with no `--`), and would take one added
   * to the program's words as its own (see `readOnlyWhy`).
   */
  readOnly: boolean;
}

/**
 * A wrapper that runs a program dslim cannot follow: `chroot` runs it under
 * another root, `env -S` splits it out of a string, or the wrapper has an
 * option dslim does not know, so which word is the program is not known.
 * Such a command may read any file: the cache transforms count it as a
 * reader of every cache.
 */
export interface Hidden {
  /** Why, as a clause that can follow "may read the cache:". */
  hidden: string;
}

/** A wrapper that runs the word at `script` as a shell script (`su -c 'apt-get …'`). */
interface Script {
  script: number;
}

type Reading = Unwrapped | Hidden | Script;

/**
 * The user of a wrapper that switches to one dslim cannot tell: options
 * that disagree (`setpriv --ruid=1 --euid=2`), a user id inside a new
 * namespace (`unshare --setuid`), a user option with no value, or an
 * option dslim does not know, which may be one.
 */
export const UNKNOWN_USER = '?';

/** The value of an option met among a wrapper's words, or undefined when it has none. */
function optionValue(option: Option, words: string[]): string | undefined {
  return option.inline ?? (option.value === null ? undefined : words[option.value]);
}

/**
 * The user the last of the options `names` gives (`sudo -u app`, `chroot
 * --userspec=app:app`), or `otherwise` when none is met; `UNKNOWN_USER`
 * when the option has no value.
 */
function optionUser(
  walk: Walk,
  words: string[],
  names: string[],
  otherwise: string | null,
): string | null {
  const option = lastOption(walk, names);
  if (!option) return otherwise;
  return optionValue(option, words) ?? UNKNOWN_USER;
}

/**
 * The user `su` runs as: its first operand, past the `-` that asks for a
 * login shell (`su - app -c …`); root when there is none.
 */
function suUser(walk: Walk, words: string[]): string {
  const at = walk.operands.find((i) => words[i] !== '-');
  return at === undefined ? 'root' : words[at];
}

/**
 * The user `setpriv` runs its program as: `--reuid`, or `--ruid` and
 * `--euid`, which must agree; `UNKNOWN_USER` when they do not. Null
 * without any: the program keeps the user.
 */
function setprivUser(walk: Walk, words: string[]): string | null {
  const reuid = lastOption(walk, ['--reuid']);
  if (reuid) return optionValue(reuid, words) ?? UNKNOWN_USER;
  const ids = ['--ruid', '--euid'].flatMap((name) => {
    const option = lastOption(walk, [name]);
    return option ? [optionValue(option, words) ?? UNKNOWN_USER] : [];
  });
  if (ids.length === 0) return null;
  return ids.every((id) => id === ids[0]) ? ids[0] : UNKNOWN_USER;
}

const CHROOT =
  'it runs its program under another root directory, so dslim cannot tell which files that program uses';

/** `su`, and `runuser` without `-u`: a shell runs the script of `-c`, or else a login shell. */
const SU: WrapperSyntax = {
  valued: 'cgGsw',
  longValued: [
    ...['--command', '--session-command', '--shell', '--group', '--supp-group'],
    '--whitelist-environment',
  ],
  flags: { letters: 'flmpP', long: ['--fast', '--login', '--preserve-environment', '--pty'] },
  stops: ['-h', '-V', '--help', '--version'],
  permutes: true,
  read: suScript,
  user: suUser,
};

/** `runuser -u USER [--] program`, or `su`'s syntax without `-u`. */
const RUNUSER: WrapperSyntax = {
  ...SU,
  valued: `${SU.valued}u`,
  longValued: [...SU.longValued!, '--user'],
  read: (walk, words) =>
    walk.options.some((o) => o.name === '-u' || o.name === '--user')
      ? programAt(RUNUSER, walk, words)
      : suScript(walk, words),
  user: (walk, words) => optionUser(walk, words, ['-u', '--user'], suUser(walk, words)),
};

/** `flock [options] FILE program …`, or `flock [options] FILE -c 'script'`. */
const FLOCK: WrapperSyntax = {
  valued: 'wE',
  longValued: ['--timeout', '--wait', '--conflict-exit-code', '--start', '--length'],
  flags: {
    letters: 'sexnoFu',
    long: [
      ...['--shared', '--exclusive', '--unlock', '--nonblocking', '--nb', '--close'],
      ...['--no-fork', '--verbose', '--fcntl'],
    ],
  },
  stops: ['-h', '-V', '--help', '--version'],
  operands: 1,
  read: (walk, words) => {
    const at = walk.operands[1];
    if (at === undefined || !['-c', '--command'].includes(words[at]))
      return programAt(FLOCK, walk, words);
    return at + 1 < words.length ? { script: at + 1 } : null;
  },
};

/** The PHP CLI runs a script file, the first operand: `php -d x=1 composer.phar install`. */
const PHP: WrapperSyntax = {
  valued: 'cdzf',
  longValued: ['--php-ini', '--define', '--zend-extension', '--file'],
  flags: {
    letters: 'CenqH',
    long: ['--no-chdir', '--profile-info', '--no-php-ini', '--no-header', '--hide-args'],
  },
  // Code given as a word, a web server, or information about PHP: no script file runs.
  stops: [
    ...[...'aBEFRrhilmsSvwt?'].map((letter) => `-${letter}`),
    ...['--interactive', '--process-begin', '--process-end', '--process-file', '--process-code'],
    ...['--run', '--help', '--info', '--syntax-check', '--modules', '--syntax-highlight'],
    ...['--syntax-highlighting', '--server', '--docroot', '--strip', '--usage', '--version'],
    ...['--rf', '--rfunction', '--rc', '--rclass', '--re', '--rextension', '--rz'],
    ...['--rzendextension', '--ri', '--rextinfo', '--ini'],
  ],
  programOptions: ['-f', '--file'],
};

const WRAPPERS: Record<string, WrapperSyntax> = {
  sudo: {
    valued: 'ugpCDrtTU',
    longValued: ['--user', '--group', '--prompt', '--close-from', '--chdir', '--role', '--type'],
    assignments: true,
    // `-g` alone keeps the invoking user, with another group.
    user: (walk, words) => {
      const keeps = lastOption(walk, ['-g', '--group']) !== undefined;
      return optionUser(walk, words, ['-u', '--user'], keeps ? null : 'root');
    },
  },
  // `doas -C config command` only checks whether the config permits the command.
  doas: {
    valued: 'auC',
    stops: ['-C', '-L'],
    user: (walk, words) => optionUser(walk, words, ['-u'], 'root'),
  },
  env: {
    valued: 'uCSP',
    longValued: ['--unset', '--chdir', '--split-string'],
    assignments: true,
    hides: {
      '-S': 'it splits the program it runs out of a string (`-S`), which dslim does not read',
      '--split-string':
        'it splits the program it runs out of a string (`--split-string`), which dslim does not read',
    },
  },
  command: { stops: ['-v', '-V'] },
  builtin: {},
  exec: { valued: 'a' },
  time: { valued: 'fo', longValued: ['--format', '--output'] },
  nice: { valued: 'n', longValued: ['--adjustment'], numericOption: true },
  nohup: {},
  timeout: { valued: 'sk', longValued: ['--signal', '--kill-after'], operands: 1 },
  stdbuf: { valued: 'ioe', longValued: ['--input', '--output', '--error'] },
  ionice: { valued: 'cnP', longValued: ['--class', '--classdata'], stops: ['-p', '--pid'] },
  chrt: { valued: 'TPD', operands: 1, stops: ['-p', '--pid', '-m', '--max'] },
  taskset: {
    flags: { letters: 'ac', long: ['--all-tasks', '--cpu-list'] },
    stops: ['-p', '--pid', '-h', '--help', '-V', '--version'],
    operands: 1,
  },
  setsid: {
    flags: { letters: 'cfw', long: ['--ctty', '--fork', '--wait'] },
    stops: ['-h', '--help', '-V', '--version'],
  },
  xargs: {
    valued: 'adEILnPs',
    longValued: ['--arg-file', '--delimiter', '--eof', '--max-lines', '--max-args'],
    incomplete: true,
    fallback: 'echo',
  },
  // Both take a user (`user[:group]`), then the program, and no options.
  gosu: { operands: 1, user: userOperand },
  'su-exec': { operands: 1, user: userOperand },
  su: SU,
  runuser: RUNUSER,
  setpriv: {
    longValued: [
      ...['--inh-caps', '--ambient-caps', '--ruid', '--euid', '--rgid', '--egid', '--reuid'],
      ...['--regid', '--groups', '--bounding-set', '--securebits', '--pdeathsig', '--ptracer'],
      ...['--selinux-label', '--apparmor-profile', '--landlock-access', '--landlock-rule'],
      '--seccomp-filter',
    ],
    flags: {
      letters: '',
      long: ['--nnp', '--no-new-privs', '--clear-groups', '--keep-groups', '--init-groups'],
    },
    stops: ['-d', '--dump', '--list-caps', '-h', '--help', '-V', '--version'],
    user: setprivUser,
  },
  unshare: {
    valued: 'RwSGl',
    longValued: [
      ...['--map-user', '--map-users', '--map-group', '--map-groups', '--owner', '--propagation'],
      ...['--setgroups', '--setuid', '--setgid', '--root', '--wd', '--monotonic', '--boottime'],
      ...['--load-interp', '--whitelist-env'],
    ],
    // The namespace options take a value only as `--mount=FILE`.
    flags: {
      letters: 'fmuinpCTUrc',
      long: [
        ...['--mount', '--uts', '--ipc', '--net', '--pid', '--user', '--cgroup', '--time'],
        ...['--fork', '--kill-child', '--forward-signals', '--mount-proc', '--mount-binfmt'],
        ...['--map-root-user', '--map-current-user', '--map-auto', '--map-subids'],
        ...['--keep-caps', '--clear-env'],
      ],
    },
    stops: ['-h', '--help', '-V', '--version'],
    hides: { '-R': CHROOT, '--root': CHROOT },
    // A user id inside the new user namespace: which user it is outside is not known.
    user: (walk) => (lastOption(walk, ['-S', '--setuid']) ? UNKNOWN_USER : null),
  },
  chroot: {
    longValued: ['--userspec', '--groups'],
    flags: { letters: '', long: ['--skip-chdir'] },
    stops: ['--help', '--version'],
    read: (walk) => (walk.operands.length > 0 ? { hidden: CHROOT } : null),
    user: (walk, words) => optionUser(walk, words, ['--userspec'], null),
  },
  flock: FLOCK,
  busybox: { stops: ['--list', '--list-full', '--install', '--help', '--show'] },
  eatmydata: {},
  fakeroot: {
    valued: 'lfisb',
    longValued: ['--lib', '--faked', '--fd-base'],
    flags: { letters: 'u', long: ['--unknown-is-real'] },
    stops: ['-h', '-v', '--help', '--version'],
  },
  catchsegv: {},
  strace: {
    valued: 'abeEIoOpPsSuUX',
    flags: { letters: 'AcCdDfFiknNqrtTvwxyYzZ', long: [] },
    stops: ['-h', '-V'],
  },
  php: PHP,
};

/** The syntax of a wrapper by its name without a directory: `php8.2` is `php`. */
function syntaxOf(program: string): WrapperSyntax | undefined {
  return WRAPPERS[program] ?? (/^php[\d.]*$/.test(program) ? PHP : undefined);
}

/** True when `name` runs another program named in its words (see `unwrapWords`). */
export function isWrapper(name: string): boolean {
  return syntaxOf(programOf(name)) !== undefined;
}

/** The user `gosu` and `su-exec` switch to: their first operand, or null when none is given. */
function userOperand(walk: Walk, words: string[]): string | null {
  const at = walk.operands[0];
  return at === undefined ? null : words[at];
}

/**
 * The user a wrapper called `name` runs its program (or script) as, given
 * its words after the name, when it may switch users (see
 * `WrapperSyntax.user`): `sudo` and `doas` run as `-u USER`, else root;
 * `gosu` and `su-exec` as their first operand (`user[:group]`); `su` and
 * `runuser` as their user operand (or `runuser -u USER`), else root;
 * `setpriv` as `--reuid` (`--ruid`, `--euid`); `chroot` as `--userspec`.
 * `UNKNOWN_USER` when a wrapper switches to a user dslim cannot tell,
 * which includes one given an option dslim does not know. Null when the
 * wrapper keeps the user, or `name` is no wrapper.
 */
export function wrapperUser(name: string, words: string[]): string | null {
  const syntax = syntaxOf(programOf(name));
  if (!syntax?.user) return null;
  const walk = walkWords(syntax, words);
  if (walk === null) return null;
  return 'hidden' in walk ? UNKNOWN_USER : syntax.user(walk, words);
}

/** The wrappers that run a builtin in the script's own shell: `command set -e` sets errexit. */
export const IN_SHELL_WRAPPERS = new Set(['command', 'builtin', 'time']);

/**
 * The program a wrapper called `name` runs, given its words after the name:
 * where it is, or why it is hidden (see `Hidden`). Null when `name` is no
 * wrapper, runs no program with these words (`command -v git`, `env`
 * alone), or runs a shell script (see `shellScriptWord`).
 */
export function unwrapWords(name: string, words: string[]): Unwrapped | Hidden | null {
  const reading = readWrapper(name, words);
  return reading && 'script' in reading ? null : reading;
}

/**
 * What a wrapper called `name` runs, given its words after the name: a
 * program, a shell script word, or something hidden. Null when `name` is no
 * wrapper, or runs nothing with these words.
 */
function readWrapper(name: string, words: string[]): Reading | null {
  const syntax = syntaxOf(programOf(name));
  if (!syntax) return null;
  const walk = walkWords(syntax, words);
  if (walk === null || 'hidden' in walk) return walk;
  return syntax.read ? syntax.read(walk, words) : programAt(syntax, walk, words);
}

/**
 * Reads a wrapper's words by its syntax up to the program: null when an
 * option means no program runs, or why one hides it.
 */
function walkWords(syntax: WrapperSyntax, words: string[]): Walk | Hidden | null {
  const walk: Walk = { operands: [], options: [], assignments: [], dashDash: -1 };
  const wanted = (syntax.operands ?? 0) + 1;
  let options = true;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (options && word === '--') {
      options = false;
      walk.dashDash = i;
    } else if (options && /^--./.test(word)) {
      const met = longOption(syntax, word, i);
      if (met === null || 'hidden' in met) return met;
      walk.options.push(met);
      if (met.value !== null) i++;
    } else if (options && /^-./.test(word)) {
      if (syntax.numericOption && /^-\d+$/.test(word)) continue;
      const met = shortOptions(syntax, word, i);
      if (met === null || 'hidden' in met) return met;
      walk.options.push(...met);
      if (met.some((option) => option.value !== null)) i++;
    } else if (
      syntax.assignments &&
      walk.operands.length === 0 &&
      /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)
    ) {
      walk.assignments.push(i);
      if (!syntax.permutes) options = false;
    } else {
      walk.operands.push(i);
      if (syntax.permutes) continue;
      options = false;
      if (walk.operands.length === wanted) break;
    }
  }
  return walk;
}

/** What an option does: ends the program, hides it, or takes a value or none. */
function optionKind(syntax: WrapperSyntax, name: string): 'stop' | 'value' | 'flag' | Hidden {
  if (syntax.stops?.includes(name)) return 'stop';
  const hides = syntax.hides?.[name];
  if (hides) return { hidden: hides };
  const long = name.startsWith('--');
  if (long ? syntax.longValued?.includes(name) : syntax.valued?.includes(name[1])) return 'value';
  const { flags } = syntax;
  if (!flags || (long ? flags.long.includes(name) : flags.letters.includes(name[1]))) return 'flag';
  return {
    hidden: `dslim does not know its option \`${name}\`, so cannot tell which word is the program it runs`,
  };
}

/** Reads a long option (`--user app`, `--user=app`) at index `i`. */
function longOption(syntax: WrapperSyntax, word: string, i: number): Option | Hidden | null {
  const eq = word.indexOf('=');
  const name = eq === -1 ? word : word.slice(0, eq);
  const kind = optionKind(syntax, name);
  if (kind === 'stop') return null;
  if (typeof kind === 'object') return kind;
  const inline = eq === -1 ? null : word.slice(eq + 1);
  return { name, value: kind === 'value' && inline === null ? i + 1 : null, inline };
}

/**
 * Reads a group of single-letter options (`-cl`, `-n5`, `-oL`) at index
 * `i`: each letter up to the first that takes a value, which takes the
 * rest of the word or else the next word.
 */
function shortOptions(syntax: WrapperSyntax, word: string, i: number): Option[] | Hidden | null {
  const found: Option[] = [];
  for (let j = 1; j < word.length; j++) {
    const name = `-${word[j]}`;
    const kind = optionKind(syntax, name);
    if (kind === 'stop') return null;
    if (typeof kind === 'object') return kind;
    if (kind === 'flag') {
      found.push({ name, value: null, inline: null });
      continue;
    }
    const glued = j < word.length - 1;
    found.push({ name, value: glued ? null : i + 1, inline: glued ? word.slice(j + 1) : null });
    break;
  }
  return found;
}

/** The last of `names` among the options met, or undefined. */
function lastOption(walk: Walk, names: string[]): Option | undefined {
  return [...walk.options].reverse().find((option) => names.includes(option.name));
}

/**
 * The program a walk finds: the value of a program option (`php -f FILE`),
 * else the operand after the wrapper's own, else the wrapper's default.
 */
function programAt(syntax: WrapperSyntax, walk: Walk, words: string[]): Reading | null {
  const named = lastOption(walk, syntax.programOptions ?? []);
  if (named && named.value === null)
    return { hidden: `the program it runs is glued to \`${named.name}\`` };
  const at = named?.value ?? walk.operands[syntax.operands ?? 0];
  if (at === undefined || at >= words.length) {
    if (!syntax.fallback) return null;
    return { at: -1, program: syntax.fallback, assignments: walk.assignments, readOnly: true };
  }
  const ended = walk.dashDash !== -1 && walk.dashDash < at;
  const readOnly = !!syntax.incomplete || (!!syntax.permutes && !ended);
  return { at, program: words[at], assignments: walk.assignments, readOnly };
}

/**
 * What `su` (or `runuser` without `-u`) runs: the script of its last `-c`
 * (`--command`, `--session-command`), wherever it is among the words, which
 * a shell runs. Without one it runs a login shell, or a script file its
 * operands name: no program dslim reads. A script glued to its option, or
 * run by a `-s` program that is not a shell dslim knows, is hidden.
 */
function suScript(walk: Walk, words: string[]): Reading | null {
  const script = lastOption(walk, ['-c', '--command', '--session-command']);
  if (!script || (script.value !== null && script.value >= words.length)) return null;
  const shell = lastOption(walk, ['-s', '--shell']);
  const path = shell && (shell.inline ?? words[shell.value!]);
  if (path !== undefined && !SHELLS.has(programOf(path)))
    return { hidden: `it runs its script with \`${path}\`, which is not a shell dslim reads` };
  if (script.value === null)
    return { hidden: `its script is glued to \`${script.name}\`, where dslim does not read it` };
  return { script: script.value };
}

/**
 * Why dslim does not edit the words of a program that `label` runs (see
 * `ShellCommand.readOnly`), as words that follow "it runs `pip`".
 */
export function readOnlyWhy(label: string): string {
  if (label.endsWith(' -c'))
    return `in the script of \`${label}\`, a quoted word, which dslim does not edit`;
  if (syntaxOf(label)?.incomplete)
    return `through \`${label}\`, which gives it more words from its input, so dslim does not edit it`;
  return `through \`${label}\` with no \`--\` before it, so \`${label}\` would take an option added to it as its own, and dslim does not edit it`;
}

/** Shells whose `-c` runs a script given as a word, and which run a script file named as their first operand. */
export const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'mksh', 'zsh']);

/**
 * The index of the script word of `sh -c 'script'` (`bash -ec "script"`)
 * in the shell's words after its name, or -1 when the command runs no such
 * script. Options may come before or after `-c`, and `-o pipefail` (`-eo
 * pipefail`) with the name it takes; the script is the first operand. A wrapper that has a shell run a script word counts too: `su -c
 * 'script'`, `flock FILE -c 'script'` (see `suScript`).
 */
export function shellScriptWord(name: string, words: string[]): number {
  if (!SHELLS.has(programOf(name))) {
    const reading = readWrapper(name, words);
    return reading && 'script' in reading ? reading.script : -1;
  }
  let command = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === '--') return command ? i + 1 : -1;
    if (/^--./.test(word)) continue;
    if (/^[-+][A-Za-z]+$/.test(word)) {
      if (word.startsWith('-') && word.includes('c')) command = true;
      // `-o NAME` (`-eo pipefail` too) and bash's `-O NAME` take the next word.
      if (/[oO]$/.test(word)) i++;
      continue;
    }
    return command ? i : -1;
  }
  return -1;
}
