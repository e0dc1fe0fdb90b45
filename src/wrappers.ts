/**
 * Commands that run another program named in their own words: `sudo apt-get
 * install`, `env A=1 apk add`, `xargs pip install < list`. The package
 * transforms read the program such a wrapper runs as the command, so an
 * install or a reader behind one is seen; the shell analysis peels the
 * wrappers that keep a builtin in the script's own shell (see
 * `IN_SHELL_WRAPPERS`).
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
  /** Options after which no program runs (`command -v`, `ionice -p`). */
  stops?: string[];
  /** Operands before the program: `timeout`'s duration, `chrt`'s priority. */
  operands?: number;
  /** `NAME=value` words before the program set variables for it (`env`, `sudo`). */
  assignments?: boolean;
  /** The program gets further words from standard input (`xargs`). */
  incomplete?: boolean;
  /** `-NUMBER` is an option (`nice -10`). */
  numericOption?: boolean;
  /** The program `xargs` runs when none is named. */
  fallback?: string;
}

const WRAPPERS: Record<string, WrapperSyntax> = {
  sudo: {
    valued: 'ugpCDrtTU',
    longValued: ['--user', '--group', '--prompt', '--close-from', '--chdir', '--role', '--type'],
    assignments: true,
  },
  doas: { valued: 'uC' },
  env: {
    valued: 'uCSP',
    longValued: ['--unset', '--chdir', '--split-string'],
    assignments: true,
    // `env -S` splits a string into words itself: what runs is not a word of the script.
    stops: ['-S', '--split-string', '-v'],
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
  xargs: {
    valued: 'adEILnPs',
    longValued: ['--arg-file', '--delimiter', '--eof', '--max-lines', '--max-args'],
    incomplete: true,
    fallback: 'echo',
  },
};

/** The wrappers that run a builtin in the script's own shell: `command set -e` sets errexit. */
export const IN_SHELL_WRAPPERS = new Set(['command', 'builtin', 'time']);

/** What a wrapper runs, found in its words. */
export interface Unwrapped {
  /** The index in the wrapper's words of the program it runs, or -1 for its default (`xargs`). */
  at: number;
  /** The program: that word, or the default. */
  program: string;
  /** The indexes of the `NAME=value` words it sets for the program. */
  assignments: number[];
  /** True when the program gets more words from standard input (`xargs`). */
  incomplete: boolean;
}

/**
 * The program a wrapper called `name` (without its directory) runs, given
 * its words after the name, or null when `name` is no wrapper or runs no
 * program with these words (`command -v git`, `env` alone).
 */
export function unwrapWords(name: string, words: string[]): Unwrapped | null {
  const syntax = WRAPPERS[programOf(name)];
  if (!syntax) return null;
  const assignments: number[] = [];
  let operands = syntax.operands ?? 0;
  let options = true;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (options && word === '--') options = false;
    else if (options && word.startsWith('--')) {
      const option = word.split('=')[0];
      if (syntax.stops?.includes(option)) return null;
      if (!word.includes('=') && syntax.longValued?.includes(option)) i++;
    } else if (options && /^-./.test(word)) {
      if (syntax.numericOption && /^-\d+$/.test(word)) continue;
      const skip = shortOptions(word, syntax);
      if (skip === null) return null;
      i += skip;
    } else if (syntax.assignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) {
      assignments.push(i);
    } else if (operands > 0) {
      operands--;
    } else {
      return { at: i, program: word, assignments, incomplete: !!syntax.incomplete };
    }
  }
  if (!syntax.fallback) return null;
  return { at: -1, program: syntax.fallback, assignments, incomplete: true };
}

/**
 * Reads a group of single-letter options (`-cl`, `-n5`, `-oL`): the number
 * of following words its last valued letter takes (0 or 1), or null when
 * one of the letters means no program runs.
 */
function shortOptions(word: string, syntax: WrapperSyntax): number | null {
  for (let j = 1; j < word.length; j++) {
    const letter = word[j];
    if (syntax.stops?.includes(`-${letter}`)) return null;
    if (syntax.valued?.includes(letter)) return j === word.length - 1 ? 1 : 0;
  }
  return 0;
}

/** Shells whose `-c` runs a script given as a word, and which run a script file named as their first operand. */
export const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'mksh', 'zsh']);

/**
 * The index of the script word of `sh -c 'script'` (`bash -ec "script"`)
 * in the shell's words after its name, or -1 when the command runs no such
 * script. Options may come before or after `-c`; the script is the first
 * operand.
 */
export function shellScriptWord(name: string, words: string[]): number {
  if (!SHELLS.has(programOf(name))) return -1;
  let command = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === '--') return command ? i + 1 : -1;
    if (/^[-+]o$/.test(word) || word === '-O' || word === '+O') {
      i++;
      continue;
    }
    if (/^--./.test(word)) continue;
    if (/^[-+][A-Za-z]+$/.test(word)) {
      if (word.startsWith('-') && word.includes('c')) command = true;
      continue;
    }
    return command ? i : -1;
  }
  return -1;
}
