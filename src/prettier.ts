import * as path from 'node:path';
import type { Parser, Plugin, Printer, SupportLanguage } from 'prettier';
import { createConfigLoader, forSave, mergeOptions } from './config';
import { fix, InputError, listTransforms } from './index';

/**
 * A Prettier plugin whose "formatting" is dslim's rewrite, for editors'
 * format-on-save: `plugins: ["dslim/prettier"]`. Only `layout` and `cache`
 * transforms run, whatever a configuration file allows, since a save must
 * never change what an image contains.
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
    filenames: ['Dockerfile', 'Containerfile'],
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
    parse: (text, options) => rewrite(text, options.filepath),
  },
};

export const printers: Record<string, Printer<RewrittenFile>> = {
  [AST_FORMAT]: {
    print: (file) => file.node.output,
  },
};

/**
 * Prettier turns every line break into `\n` before parsing and back into
 * `endOfLine` after printing; `auto` keeps the break the file already uses,
 * so a CRLF Dockerfile stays CRLF.
 */
export const defaultOptions: Plugin['defaultOptions'] = { endOfLine: 'auto' };

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
    const result = await fix(text, { ...options, advice: false });
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
