import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// The standalone build runs Prettier's own format pipeline without the
// dynamic import that jest's module sandbox refuses.
import { format } from 'prettier/standalone';
import * as dslim from '../src/prettier';

const MERGEABLE = 'FROM alpine\nRUN apk add --no-cache curl\nRUN curl --version\n';
const MERGED = 'FROM alpine\nRUN apk add --no-cache curl && \\\n    curl --version\n';

const plugins = [dslim];

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
    const crlf = MERGEABLE.replace(/\n/g, '\r\n');
    const once = await prettier(crlf, 'Dockerfile');
    expect(once).toBe(MERGED.replace(/\n/g, '\r\n'));
    expect(await prettier(once, 'Dockerfile')).toBe(once);
  });

  test('an explicit endOfLine still wins, as users expect from Prettier', async () => {
    expect(
      await prettier(MERGEABLE.replace(/\n/g, '\r\n'), 'Dockerfile', { endOfLine: 'lf' }),
    ).toBe(MERGED);
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
