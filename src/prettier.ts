import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Parser, ParserOptions, Plugin, Printer, SupportLanguage } from 'prettier';
import { createConfigLoader, forSave, mergeOptions } from './config';
import { InputError, listTransforms } from './index';
import { runFix } from './run-fix';

/**
 * A Prettier plugin whose "formatting" is dslim's rewrite, for editors'
 * format-on-save: `plugins: ["dslim/prettier"]`. Only `layout` and `cache`
 * transforms run, whatever a configuration file allows, since a save must
 * never change what an image contains. It gives back the bytes `dslim fix`
 * makes of the file, line breaks included, whatever `endOfLine` says.
 */

const PARSER = 'dslim';
const AST_FORMAT = 'dslim-dockerfile';
const NAMED = /^(dockerfile|containerfile)\.[^/\\]+$/i;
const NOT_DOCKERFILES = /\.(dockerignore|containerignore)$/i;

/** What the parser hands the printer: the rewritten text, ready to print. */
interface RewrittenFile {
  type: 'dockerfile';
  output: string;
}

export const languages: SupportLanguage[] = [
  {
    name: 'Dockerfile',
    parsers: [PARSER],
    // `dockerfile`: the name `docker build` falls back to when there is no `Dockerfile`.
    filenames: ['Dockerfile', 'dockerfile', 'Containerfile'],
    extensions: ['.dockerfile'],
    isSupported: ({ filepath }) => {
      const name = path.basename(filepath);
      return NAMED.test(name) && !NOT_DOCKERFILES.test(name);
    },
    linguistLanguageId: 89,
    vscodeLanguageIds: ['dockerfile'],
  },
];

export const parsers: Record<string, Parser<RewrittenFile>> = {
  [PARSER]: {
    astFormat: AST_FORMAT,
    locStart: () => 0,
    locEnd: (node) => node.output.length,
    parse: async (text, options) => {
      // A Dockerfile inside a Markdown file: Prettier prints it with the
      // Markdown file's line breaks, so it is rewritten as given.
      if (isEmbedded(options)) return rewrite(text, options.filepath);
      const source = await sourceText(text, options);
      printBreaksAsTheyAre(options, source, text);
      return rewrite(source, options.filepath);
    },
  },
};

export const printers: Record<string, Printer<RewrittenFile>> = {
  [AST_FORMAT]: {
    print: (file) => file.node.output,
  },
};

/**
 * `auto`: where the file's own breaks cannot be read back (see
 * `sourceText`), Prettier's guess from the text it was given is the best one.
 */
export const defaultOptions: Plugin['defaultOptions'] = { endOfLine: 'auto' };

/** The break Prettier's `endOfLine` option stands for, once `auto` is resolved. */
const BREAKS: Record<ParserOptions['endOfLine'], string> = {
  lf: '\n',
  crlf: '\r\n',
  cr: '\r',
  auto: '\n',
};

/** True when Prettier formats this text as a code block of another file, e.g. Markdown. */
function isEmbedded(options: ParserOptions): boolean {
  return (options as ParserOptions & { parentParser?: string }).parentParser !== undefined;
}

/**
 * The text as the caller gave it to Prettier, line breaks and all. Prettier
 * turns every `\r\n` and lone `\r` into `\n` before any parser sees the text
 * and keeps no copy, so a CRLF or mixed file reaches the plugin as LF. The
 * file at `filepath` is read back instead when it holds the same text but
 * for line breaks: Prettier's command line read it from there, and an editor
 * that formats a saved buffer holds it. Otherwise (an unsaved buffer, other
 * text on standard input, no path) every break becomes the one `endOfLine`
 * resolved to: with `auto` the first break of the text Prettier was given.
 */
async function sourceText(text: string, options: ParserOptions): Promise<string> {
  const saved = options.filepath
    ? await fs.readFile(options.filepath, 'utf8').catch(() => null)
    : null;
  // Prettier takes a byte-order mark off before parsing and puts it back after.
  const file = saved?.replace(/^\ufeff/, '');
  if (file !== undefined && file.replace(/\r\n?/g, '\n') === text) return file;
  return text.replace(/\n/g, BREAKS[options.endOfLine]);
}

/**
 * Makes Prettier print the rewrite's bytes as they are. Its printer turns
 * every `\n` it prints, in plain strings and line documents alike, into the
 * `endOfLine` break, so a string printed for a mixed file would lose its
 * `\n` breaks to `crlf` and its `\r\n` ones to `\r\r\n`. It prints with the
 * very options object its parser is given (it sets `originalText` on it
 * there itself), and with `lf` it leaves every string as it is. Formatting a
 * selection is the exception: that path never prints the plugin's output
 * (dslim rewrites whole files, so no node is a range to format) but gives
 * back the text Prettier holds, with `endOfLine` put in every break, so the
 * file's first break goes there: a file with one kind of break comes back as
 * it was; one with mixed breaks gets its first throughout.
 */
function printBreaksAsTheyAre(options: ParserOptions, source: string, text: string): void {
  const selection = options.rangeStart > 0 || options.rangeEnd < text.length;
  options.endOfLine = selection ? firstBreak(source) : 'lf';
}

/** The `endOfLine` value of the first line break in `text`; `lf` when it has none. */
function firstBreak(text: string): ParserOptions['endOfLine'] {
  const found = /\r\n|\r|\n/.exec(text)?.[0];
  return found === '\r\n' ? 'crlf' : found === '\r' ? 'cr' : 'lf';
}

/**
 * The rewritten text, or `text` unchanged when it is not a Dockerfile dslim
 * can rewrite. The reason then goes to standard error, not to Prettier as a
 * syntax error: a save should not fail over a `Dockerfile.j2` template that
 * dslim merely declines to touch. A bad configuration file still throws,
 * as a `OneLineError`.
 */
async function rewrite(text: string, filepath: string | undefined): Promise<RewrittenFile> {
  const name = filepath ?? '<stdin>';
  // A new loader each time: an editor's Prettier lives long, and an edited
  // configuration file must count on the next save.
  const loadConfig = createConfigLoader(listTransforms());
  const found = await loadConfig(path.dirname(path.resolve(filepath ?? 'Dockerfile'))).catch(
    (error: Error) => {
      if (error instanceof InputError) throw new OneLineError(`dslim: ${error.message}`);
      throw error;
    },
  );
  const options = forSave(mergeOptions(found?.config ?? null, {}));
  try {
    const result = await runFix(text, { ...options, advice: false });
    return { type: 'dockerfile', output: result.output };
  } catch (error) {
    process.stderr.write(`dslim: ${name}: ${(error as Error).message}; left unchanged\n`);
    return { type: 'dockerfile', output: text };
  }
}

/**
 * An error that Prettier's command line prints as one line. It prints an
 * error with a `loc` as a syntax error, `FILE: ${String(error)}`, where any
 * other error comes with its stack. Prettier adds a code frame of the text
 * at `loc` to the message, which says nothing about a configuration file,
 * so `toString` gives the line alone. Prettier's other stackless kinds do
 * not fit: its `ConfigError` class is not exported, and a `ConfigError` or
 * an `Invalid … value.` message ends the whole run.
 */
class OneLineError extends Error {
  readonly loc = { start: { line: 1, column: 1 } };
  private readonly line: string;

  constructor(line: string) {
    super(line);
    this.line = line;
  }

  override toString(): string {
    return this.line;
  }
}
