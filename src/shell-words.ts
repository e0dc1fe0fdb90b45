import { shorten, type ShellNode as Node } from './shell';

/*
 * What the words of a command say once the shell has read them: the literal
 * value of a word, the options a `set` or `shopt` changes, and when the
 * commands of a `trap` run. A word that expands may say anything, and each
 * reader answers for that case too.
 */

/** A `trap` whose commands may run at another time once commands are added to the script. */
export interface TrapFact {
  /** The `trap` command, as written (shortened). */
  source: string;
  /** When its commands run, as words after "runs": "when the shell exits". */
  when: string;
}

/** The value of a word after quote removal, or null when it expands something. */
export function literalValue(node: Node): string | null {
  switch (node.type) {
    case 'word':
    case 'number':
      return node.text.replace(/\\\n/g, '').replace(/\\(.)/gs, '$1');
    case 'raw_string':
      return node.text.slice(1, -1);
    case 'string':
      if (node.namedChildren.some((child) => child.type !== 'string_content')) return null;
      return node.text
        .slice(1, -1)
        .replace(/\\\n/g, '')
        .replace(/\\([$`"\\])/g, '$1');
    case 'concatenation': {
      const parts = node.children.map(literalValue);
      return parts.some((part) => part === null) ? null : parts.join('');
    }
    default:
      return null;
  }
}

export interface SetChange {
  /**
   * Options turned on (`e`, `pipefail`), off (`!e`), `--` for positional
   * parameters, or `?` for words that cannot be read, which may set any.
   */
  options: string[];
  errexit?: boolean;
}

/**
 * Reads the words of `set`: `-eux`, `+e`, `-o pipefail`, `--`. The first
 * word that is neither `-…` nor `+…` starts the positional parameters, so
 * words after it are not options; a word before it that cannot be read
 * (`$FLAGS`, `-$x`, `-o $name`, a glob, a brace expansion) may be any
 * option, or several.
 */
export function readSetWords(words: Node[]): SetChange {
  const change: SetChange = { options: [] };
  const values = words.map(fixedValue);
  for (let i = 0; i < values.length; i++) {
    const arg = values[i];
    if (arg === null) {
      change.options.push('?');
      delete change.errexit;
      break;
    }
    const on = arg.startsWith('-');
    if (arg === '--' || !/^[-+]/.test(arg)) {
      change.options.push('--');
      break;
    }
    for (const letter of arg.slice(1)) {
      if (letter === 'o') {
        const name = i + 1 < values.length ? values[++i] : '';
        if (name === null) {
          change.options.push('?');
          delete change.errexit;
          return change;
        }
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

/**
 * Whether `shopt` turns errexit on: `shopt -so errexit` surely; words it
 * cannot read in place of the flags or the names, maybe. Without `-s` and
 * `-o` it only prints, or changes bash's own `shopt` options.
 */
export function shoptErrexit(words: Node[]): 'surely' | 'maybe' | 'no' {
  const values = words.map(fixedValue);
  let flags = '';
  let i = 0;
  for (; i < values.length; i++) {
    const value = values[i];
    if (value === null) return 'maybe';
    if (value === '--') {
      i++;
      break;
    }
    if (!value.startsWith('-')) break;
    flags += value.slice(1);
  }
  if (!flags.includes('s') || !flags.includes('o')) return 'no';
  const names = values.slice(i);
  if (names.includes('errexit')) return 'surely';
  return names.includes(null) ? 'maybe' : 'no';
}

/** When the commands of a trap on each of these run, without any signal sent. */
const SHELL_EVENTS: Record<string, string> = {
  EXIT: 'when the shell exits',
  ERR: 'when a command fails, in bash',
  DEBUG: 'before every command, in bash',
  RETURN: 'when a function or a sourced file returns, in bash',
};

export const UNREAD_SIGNALS =
  'on signals named by words that cannot be read before it runs, EXIT perhaps';

/**
 * What a `trap` command sets that commands added after the script could
 * meet: a trap on EXIT (`0`), ERR, DEBUG or RETURN, or on signal words
 * that cannot be read, and whether it may be on ERR. Null for any other
 * trap, for `trap`, `trap -p` and `trap -l`, which only print, and for a
 * reset (`trap - EXIT`, or one operand: `trap EXIT`), which sets nothing.
 * An action that is not quoted and cannot be read may split into an
 * action and more signals; one such operand alone may be both.
 */
export function trapFact(
  node: Node,
  name: string,
  words: Node[],
): { fact: TrapFact; mayBeOnError: boolean } | null {
  if (name !== 'trap') return null;
  const values = words.map(fixedValue);
  let first = 0;
  if (values[0] === '--') first = 1;
  else if (values[0] && /^-./.test(values[0])) return null;
  const operands = words.slice(first);
  if (operands.length === 0) return null;
  const found = (when: string, mayBeOnError: boolean) => ({
    fact: { source: shorten(node.text), when },
    mayBeOnError,
  });
  const action = operands[0];
  const actionValue = values[first];
  if (actionValue === null && !QUOTED.has(action.type)) return found(UNREAD_SIGNALS, true);
  if (operands.length === 1 || actionValue === '-') return null;
  const signals = values.slice(first + 1);
  if (signals.includes(null)) return found(UNREAD_SIGNALS, true);
  const events = signals.flatMap((signal) => {
    const upper = (signal ?? '').toUpperCase().replace(/^SIG/, '');
    return /^0+$/.test(upper) ? ['EXIT'] : upper in SHELL_EVENTS ? [upper] : [];
  });
  if (events.length === 0) return null;
  const event = events.includes('ERR') ? 'ERR' : events[0];
  return found(SHELL_EVENTS[event], event === 'ERR');
}

/** Words the shell neither splits nor globs, whatever they expand. */
const QUOTED = new Set(['string', 'raw_string', 'ansi_c_string']);

/**
 * The value of a word as the shell hands it on, or null when it may be
 * another or several: an expansion, a substitution, a glob, a brace
 * expansion or a tilde.
 */
export function fixedValue(node: Node): string | null {
  if (node.type === 'concatenation') {
    const parts = node.children.map(fixedValue);
    return parts.some((part) => part === null) ? null : parts.join('');
  }
  if (node.type === 'word' && /[*?[{~]/.test(node.text.replace(/\\./gs, ''))) return null;
  return literalValue(node);
}
