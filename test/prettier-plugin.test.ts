import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as markdown from 'prettier/plugins/markdown';
// The standalone build runs Prettier's own format pipeline without the
// dynamic import that jest's module sandbox refuses.
import { format } from 'prettier/standalone';
import * as dslim from '../src/prettier';
import { runCliBytes } from './cli-harness';

const MERGEABLE = 'FROM alpine\nRUN apk add --no-cache curl\nRUN curl --version\n';
const MERGED = 'FROM alpine\nRUN apk add --no-cache curl && \\\n    curl --version\n';

const plugins = [dslim];

function crlf(text: string): string {
  return text.replace(/\n/g, '\r\n');
}

function prettier(text: string, filepath: string, options: object = {}): Promise<string> {
  return format(text, { filepath, plugins, ...options });
}

let stderr: jest.SpyInstance;

beforeEach(() => {
  stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  stderr.mockRestore();
});

describe('the dslim Prettier plugin', () => {
  test.each([
    'Dockerfile',
    'dockerfile',
    'Containerfile',
    'api.dockerfile',
    'api.Dockerfile',
    'Dockerfile.dev',
    'Containerfile.prod',
    'src/app/Dockerfile',
  ])('claims %s and prints the rewrite', async (name) => {
    expect(await prettier(MERGEABLE, name)).toBe(MERGED);
  });

  test.each(['Dockerfile.dockerignore', 'README.md', 'Dockerfiles'])(
    'does not claim %s',
    async (name) => {
      await expect(prettier(MERGEABLE, name)).rejects.toThrow(/No parser could be inferred/);
    },
  );

  test('output is stable: formatting it again changes nothing', async () => {
    const once = await prettier(MERGEABLE, 'Dockerfile');
    expect(await prettier(once, 'Dockerfile')).toBe(once);
  });

  test('keeps CRLF line breaks by default', async () => {
    const once = await prettier(crlf(MERGEABLE), 'Dockerfile');
    expect(once).toBe(crlf(MERGED));
    expect(await prettier(once, 'Dockerfile')).toBe(once);
  });

  test('keeps a byte-order mark', async () => {
    expect(await prettier(`\ufeff${MERGEABLE}`, 'Dockerfile')).toBe(`\ufeff${MERGED}`);
  });

  test('a file that is not a Dockerfile comes back unchanged, with the reason on stderr', async () => {
    const template = 'hello {{ name }}\n';
    expect(await prettier(template, 'Dockerfile.j2')).toBe(template);
    expect(stderr).toHaveBeenCalledWith(
      'dslim: Dockerfile.j2: line 1: `hello` is not a Dockerfile instruction; left unchanged\n',
    );
  });

  test('leaves comments and blank lines, and instructions it has no reason to touch', async () => {
    const text = '# syntax=docker/dockerfile:1\n\nFROM alpine\n\n# one step\nRUN echo hi\n';
    expect(await prettier(text, 'Dockerfile')).toBe(text);
  });

  describe("line breaks: the bytes of `dslim fix --stdin`, whatever Prettier's endOfLine says", () => {
    let dir: string;
    let file: string;

    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dslim-prettier-eol-'));
      file = path.join(dir, 'Dockerfile');
    });

    afterEach(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });

    /** What `dslim fix --stdin` prints for `text`, named as the file, to compare bytes. */
    async function dslimStdin(text: string): Promise<string> {
      const run = await runCliBytes(['fix', '--stdin', '--stdin-filepath', file], { stdin: text });
      return run.stdout.toString('utf8');
    }

    /** The options Prettier takes from `.editorconfig`, as its command line and editors ask. */
    function editorconfigOptions(): object {
      const script =
        "import { resolveConfig } from 'prettier';" +
        'process.stdout.write(JSON.stringify(await resolveConfig(process.argv[1], { editorconfig: true })));';
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, file], {
        cwd: path.join(__dirname, '..'),
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      return JSON.parse(run.stdout) as object;
    }

    const END_OF_LINE = ['auto', 'lf', 'crlf', 'cr'];

    const REWRITTEN: [string, string, string][] = [
      ['LF', MERGEABLE, MERGED],
      ['CRLF', crlf(MERGEABLE), crlf(MERGED)],
      ['CRLF with a byte-order mark', `\ufeff${crlf(MERGEABLE)}`, `\ufeff${crlf(MERGED)}`],
      [
        'mixed, LF first',
        'FROM alpine\nRUN apk add --no-cache curl\r\nRUN curl --version\r\n# end\r\n',
        'FROM alpine\nRUN apk add --no-cache curl && \\\n    curl --version\r\n# end\r\n',
      ],
      [
        'mixed, CRLF first',
        'FROM alpine\r\nRUN apk add --no-cache curl\nRUN curl --version\n# end\r\n',
        'FROM alpine\r\nRUN apk add --no-cache curl && \\\r\n    curl --version\n# end\r\n',
      ],
    ];

    const UNCHANGED: [string, string][] = [
      ['LF', '# syntax=docker/dockerfile:1\n\nFROM alpine\nRUN echo hi\n'],
      ['CRLF', '# syntax=docker/dockerfile:1\r\n\r\nFROM alpine\r\nRUN echo hi\r\n'],
      ['mixed', '# syntax=docker/dockerfile:1\n\r\nFROM alpine\r\n\tRUN echo hi\n'],
      ['lone CR', 'FROM alpine\rRUN echo hi\r'],
      ['not a Dockerfile, mixed', 'hello {{ name }}\r\nbye\n'],
    ];

    describe.each(END_OF_LINE)('endOfLine %s', (endOfLine) => {
      test.each(REWRITTEN)('a %s file is rewritten as by dslim', async (_, text, expected) => {
        await fs.writeFile(file, text);
        expect(await dslimStdin(text)).toBe(expected);
        expect(await prettier(text, file, { endOfLine })).toBe(expected);
      });

      test.each(UNCHANGED)('a %s file dslim leaves comes back byte for byte', async (_, text) => {
        await fs.writeFile(file, text);
        expect(await dslimStdin(text)).toBe(text);
        expect(await prettier(text, file, { endOfLine })).toBe(text);
      });
    });

    test.each(['lf', 'crlf', 'cr'])(
      '.editorconfig end_of_line = %s changes no line break',
      async (endOfLine) => {
        await fs.writeFile(path.join(dir, '.editorconfig'), `[*]\nend_of_line = ${endOfLine}\n`);
        const options = editorconfigOptions();
        expect(options).toEqual({ endOfLine });
        for (const [, text, expected] of REWRITTEN) {
          await fs.writeFile(file, text);
          expect(await prettier(text, file, options)).toBe(expected);
        }
        for (const [, text] of UNCHANGED) {
          await fs.writeFile(file, text);
          expect(await prettier(text, file, options)).toBe(text);
        }
      },
    );

    describe('an unsaved buffer, whose line breaks Prettier hands on as LF only', () => {
      test('with endOfLine auto, a CRLF buffer stays CRLF', async () => {
        await fs.writeFile(file, 'FROM alpine\n');
        expect(await prettier(crlf(MERGEABLE), file)).toBe(crlf(MERGED));
        expect(await prettier(crlf(MERGEABLE), file, { endOfLine: 'auto' })).toBe(crlf(MERGED));
      });

      test('an explicit endOfLine gives every line break', async () => {
        await fs.writeFile(file, 'FROM alpine\n');
        expect(await prettier(crlf(MERGEABLE), file, { endOfLine: 'lf' })).toBe(MERGED);
        expect(await prettier(MERGEABLE, file, { endOfLine: 'crlf' })).toBe(crlf(MERGED));
      });

      test("a mixed buffer gets Prettier's guess, the first CRLF, throughout", async () => {
        const text = 'FROM alpine\nRUN apk add --no-cache curl\r\nRUN curl --version\n';
        expect(await prettier(text, file)).toBe(crlf(MERGED));
      });
    });

    describe('formatting a selection changes nothing, as dslim rewrites whole files', () => {
      const selection = { endOfLine: 'lf', rangeStart: 3, rangeEnd: 20 };

      test.each([
        ['LF', MERGEABLE],
        ['CRLF', crlf(MERGEABLE)],
      ])('a %s file comes back byte for byte', async (_, text) => {
        await fs.writeFile(file, text);
        expect(await prettier(text, file, selection)).toBe(text);
      });

      test('a mixed file gets its first line break throughout, as Prettier gives it back', async () => {
        const text = 'FROM alpine\r\nRUN apk add --no-cache curl\nRUN curl --version\n';
        await fs.writeFile(file, text);
        expect(await prettier(text, file, selection)).toBe(crlf(MERGEABLE));
      });
    });

    test("a dockerfile block in Markdown takes the Markdown file's line breaks", async () => {
      const readme = path.join(dir, 'README.md');
      const text = crlf(`# Build\n\n\`\`\`dockerfile\n${MERGEABLE}\`\`\`\n`);
      await fs.writeFile(readme, text);
      expect(
        await format(text, { filepath: readme, plugins: [dslim, markdown], endOfLine: 'crlf' }),
      ).toBe(crlf(`# Build\n\n\`\`\`dockerfile\n${MERGED}\`\`\`\n`));
    });
  });

  describe('with a configuration file', () => {
    let dir: string;

    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dslim-prettier-'));
    });

    afterEach(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });

    test('honours the file found from the Dockerfile folder', async () => {
      await fs.writeFile(path.join(dir, '.dslimrc.json'), '{ "skip": ["merge-runs"] }');
      expect(await prettier(MERGEABLE, path.join(dir, 'Dockerfile'))).toBe(MERGEABLE);
    });

    test('runs no content transform on save, even when the file allows them', async () => {
      await fs.writeFile(path.join(dir, '.dslimrc.yaml'), 'safety: [content]\n');
      expect(await prettier(MERGEABLE, path.join(dir, 'Dockerfile'))).toBe(MERGEABLE);
      await fs.writeFile(path.join(dir, '.dslimrc.yaml'), 'safety: [layout, content]\n');
      expect(await prettier(MERGEABLE, path.join(dir, 'Dockerfile'))).toBe(MERGED);
    });

    test("a bad file is one line on Prettier's command line, naming the file and the key", async () => {
      const rc = path.join(dir, '.dslimrc');
      await fs.writeFile(rc, 'skip: [nope]\n');
      const error = await prettier(MERGEABLE, path.join(dir, 'Dockerfile')).catch((e) => e);
      const line = `dslim: ${rc}: "skip": unknown transform "nope" (see \`dslim list\`)`;
      // Prettier's command line prints an error that has a `loc` as `FILE: ${String(error)}`,
      // with no stack; any other error with its stack, thirteen lines and more.
      expect(error.loc).toEqual({ start: { line: 1, column: 1 } });
      expect(String(error)).toBe(line);
      expect(error.message.split('\n')[0]).toBe(line);
    });

    test('a bad file is an error Prettier reports, naming the file and the key', async () => {
      await fs.writeFile(path.join(dir, '.dslimrc.json'), '{ "safety": ["contnet"] }');
      await expect(prettier(MERGEABLE, path.join(dir, 'Dockerfile'))).rejects.toThrow(
        /\.dslimrc\.json: "safety": unknown class "contnet"/,
      );
    });
  });
});
