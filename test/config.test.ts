import { spawnSync } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './cli-harness';
import { checkConfig, ConfigError, createConfigLoader, mergeOptions } from '../src/config';
import { createOptionsResolver } from '../src/fix-flags';
import { listTransforms } from '../src/index';
import type { Transform } from '../src/types';

const MERGEABLE =
  'FROM alpine\nRUN apk add --no-cache curl\nRUN curl --version\nLABEL a=1\nLABEL b=2\n';
const RUNS_MERGED =
  'FROM alpine\nRUN apk add --no-cache curl && \\\n    curl --version\nLABEL a=1\nLABEL b=2\n';
const BOTH_MERGED =
  'FROM alpine\nRUN apk add --no-cache curl && \\\n    curl --version\nLABEL a=1 \\\n    b=2\n';
const LABELS_MERGED =
  'FROM alpine\nRUN apk add --no-cache curl\nRUN curl --version\nLABEL a=1 \\\n    b=2\n';

const CACHES =
  'FROM python:3.12\nRUN apt-get update && apt-get install -y git\nRUN pip install flask\n';

/** A transform with options, to check option validation against its specs. */
const WITH_OPTIONS: Transform = {
  ...listTransforms()[0],
  id: 'strategy-demo',
  options: {
    strategy: { description: 'how', default: 'safe', choices: ['safe', 'bold'] },
    root: { description: 'where', default: '/' },
    enabled: { description: 'on', default: true },
  },
};

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dslim-config-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: string): Promise<string> {
  const file = path.join(dir, name);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, content);
  return file;
}

const dslim = (args: string[]) => runCli(args);

/** Runs `work` from the temporary directory, so messages name files as a user types them. */
async function inDir<T>(work: () => Promise<T>): Promise<T> {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await work();
  } finally {
    process.chdir(cwd);
  }
}

describe('finding the configuration', () => {
  const load = (folder: string) => createConfigLoader(listTransforms())(folder);

  test.each([
    ['.dslimrc', 'skip: [merge-runs]\n'],
    ['.dslimrc.json', '{ "skip": ["merge-runs"] }'],
    ['.dslimrc.yaml', 'skip:\n  - merge-runs\n'],
    ['.dslimrc.yml', 'skip: merge-runs\n'],
    ['.dslimrc.cjs', 'module.exports = { skip: ["merge-runs"] };'],
    ['dslim.config.js', 'module.exports = { skip: ["merge-runs"] };'],
    ['dslim.config.cjs', 'module.exports = { skip: ["merge-runs"] };'],
    ['package.json', '{ "name": "x", "dslim": { "skip": ["merge-runs"] } }'],
  ])('reads %s from a parent folder of the Dockerfile', async (name, content) => {
    const file = await write(name, content);
    const found = await load(path.join(dir, 'services', 'api'));
    expect(found).toEqual({ file, config: { skip: ['merge-runs'] } });
  });

  test('the nearest file wins over one further up', async () => {
    await write('.dslimrc.json', '{ "skip": ["merge-runs"] }');
    const near = await write('api/.dslimrc.yaml', 'skip: [merge-labels]\n');
    expect(await load(path.join(dir, 'api'))).toEqual({
      file: near,
      config: { skip: ['merge-labels'] },
    });
  });

  test('a package.json without a "dslim" key is passed over', async () => {
    await write('api/package.json', '{ "name": "api" }');
    const file = await write('.dslimrc.json', '{ "only": ["merge-labels"] }');
    expect(await load(path.join(dir, 'api'))).toEqual({ file, config: { only: ['merge-labels'] } });
  });

  test('no file at all gives null', async () => {
    expect(await load(dir)).toBeNull();
  });

  test('a file with a syntax error names the file', async () => {
    const file = await write('.dslimrc.json', '{ "skip": [');
    await expect(load(dir)).rejects.toThrow(new RegExp(`^${escape(file)}: cannot be read: `));
  });
});

describe('checking the configuration', () => {
  const check = (value: unknown) =>
    checkConfig(value, '/repo/.dslimrc.json', [...listTransforms(), WITH_OPTIONS]);

  test('accepts every key, and a comma-separated string for a list', () => {
    expect(
      check({
        only: 'merge-runs, merge-labels',
        skip: ['apk-no-cache'],
        safety: ['layout'],
        caches: 'mount',
        transforms: { 'strategy-demo': { strategy: 'bold', root: '/out', enabled: false } },
      }),
    ).toEqual({
      only: ['merge-runs', 'merge-labels'],
      skip: ['apk-no-cache'],
      safety: ['layout'],
      caches: 'mount',
      transforms: { 'strategy-demo': { strategy: 'bold', root: '/out', enabled: false } },
    });
  });

  test.each([
    [{ safety: ['contnet'] }, '"safety": unknown class "contnet" (use layout, cache, content)'],
    [{ only: ['merge-rnus'] }, '"only": unknown transform "merge-rnus" (see `dslim list`)'],
    [{ skip: [3] }, '"skip": must be a list of transform ids'],
    [{ onyl: [] }, '"onyl": unknown key (use only, skip, safety, caches, transforms)'],
    [
      { transforms: { nope: {} } },
      '"transforms.nope": unknown transform "nope" (see `dslim list`)',
    ],
    [
      { transforms: { 'merge-runs': { x: 1 } } },
      '"transforms.merge-runs.x": unknown option (`merge-runs` has none)',
    ],
    [
      { transforms: { 'strategy-demo': { strategy: 'wild' } } },
      '"transforms.strategy-demo.strategy": "wild" is not one of safe, bold',
    ],
    [
      { transforms: { 'strategy-demo': { enabled: 'yes' } } },
      '"transforms.strategy-demo.enabled": must be a boolean',
    ],
    [
      { transforms: { 'strategy-demo': { colour: 'red' } } },
      '"transforms.strategy-demo.colour": unknown option (use strategy, root, enabled)',
    ],
    [{ only: [] }, '"only": needs at least one value (it was given an empty list)'],
    [{ only: '' }, '"only": needs at least one value (it was given an empty list)'],
    [{ skip: [' '] }, '"skip": needs at least one value (it was given an empty list)'],
    [{ safety: [] }, '"safety": needs at least one value (it was given an empty list)'],
    [{ safety: ', ' }, '"safety": needs at least one value (it was given an empty list)'],
    [
      { only: ['merge-runs', 'merge-labels'], skip: 'merge-labels' },
      '"skip": "merge-labels" is given to both "only" and "skip"',
    ],
    [{ caches: 'volume' }, '"caches": must be one of clean, mount'],
    [{ caches: true }, '"caches": must be one of clean, mount'],
    [
      { transforms: { 'pip-no-cache': { caches: 'volume' } } },
      '"transforms.pip-no-cache.caches": "volume" is not one of clean, mount',
    ],
    [['merge-runs'], 'must hold an object of settings'],
  ])('rejects %j: %s', (value, problem) => {
    let error: unknown;
    try {
      check(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(`/repo/.dslimrc.json: ${problem}`);
  });
});

describe('command-line flags and the file', () => {
  test('each flag replaces the same setting of the file; transform options merge', () => {
    const file = {
      only: ['merge-runs'],
      safety: ['layout' as const],
      transforms: { a: { x: '1', y: '2' } },
    };
    expect(mergeOptions(file, { only: ['merge-labels'], transforms: { a: { y: '3' } } })).toEqual({
      only: ['merge-labels'],
      skip: undefined,
      safety: ['layout'],
      transforms: { a: { x: '1', y: '3' } },
    });
  });

  test("a transform's own `caches` wins over the file's, and `--caches` over both", () => {
    const file = {
      caches: 'mount' as const,
      transforms: { 'pip-no-cache': { caches: 'clean' }, 'strategy-demo': { strategy: 'bold' } },
    };
    expect(mergeOptions(file, {})).toEqual({
      caches: 'mount',
      transforms: {
        'pip-no-cache': { caches: 'clean' },
        'strategy-demo': { strategy: 'bold' },
      },
    });
    expect(mergeOptions(file, { caches: 'mount' })).toEqual({
      caches: 'mount',
      transforms: { 'pip-no-cache': {}, 'strategy-demo': { strategy: 'bold' } },
    });
  });

  test('`caches: mount` in the file mounts every cache but the ones its transforms keep clean', async () => {
    await write('.dslimrc.yaml', 'caches: mount\ntransforms:\n  pip-no-cache: { caches: clean }\n');
    const file = await write('Dockerfile', CACHES);
    const run = await dslim(['fix', '--write', '--skip', 'merge-runs', file]);
    expect(run.code).toBe(0);
    expect(await fs.readFile(file, 'utf8')).toBe(
      '# syntax=docker/dockerfile:1\nFROM python:3.12\n' +
        'RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update && apt-get install -y git\n' +
        'RUN pip install --no-cache-dir flask\n',
    );
  });

  test('`--caches clean` on the command line wins over the file', async () => {
    await write('.dslimrc.json', '{ "caches": "mount" }');
    const file = await write('Dockerfile', CACHES);
    await dslim(['fix', '--write', '--skip', 'merge-runs', '--caches', 'clean', file]);
    expect(await fs.readFile(file, 'utf8')).toBe(
      'FROM python:3.12\n' +
        'RUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*\n' +
        'RUN pip install --no-cache-dir flask\n',
    );
  });

  test('the CLI applies the file found beside each Dockerfile', async () => {
    await write('a/.dslimrc.json', '{ "skip": ["merge-runs"] }');
    const a = await write('a/Dockerfile', MERGEABLE);
    const b = await write('b/Dockerfile', MERGEABLE);
    const run = await dslim(['fix', '--write', dir]);
    expect(run.code).toBe(0);
    expect(await fs.readFile(a, 'utf8')).toBe(LABELS_MERGED);
    expect(await fs.readFile(b, 'utf8')).toBe(BOTH_MERGED);
  });

  test('--only on the command line wins over the file', async () => {
    await write('.dslimrc.yaml', 'only: [merge-labels]\n');
    const file = await write('Dockerfile', MERGEABLE);
    await dslim(['fix', '--write', '--only', 'merge-runs', file]);
    expect(await fs.readFile(file, 'utf8')).toBe(RUNS_MERGED);
  });

  test('--no-config ignores the file', async () => {
    await write('.dslimrc.yaml', 'only: [merge-labels]\n');
    const file = await write('Dockerfile', MERGEABLE);
    await dslim(['fix', '--write', '--no-config', '--skip', 'merge-labels', file]);
    expect(await fs.readFile(file, 'utf8')).toBe(RUNS_MERGED);
  });

  test('--only names a transform the file skips, and it runs', async () => {
    await write('.dslimrc', 'skip: [merge-labels]\n');
    const file = await write('Dockerfile', MERGEABLE);
    await dslim(['fix', '--write', '--only', 'merge-labels', file]);
    expect(await fs.readFile(file, 'utf8')).toBe(LABELS_MERGED);
  });

  test('--stdin looks for the file from the folder of --stdin-filepath', async () => {
    await write('svc/.dslimrc', 'skip: merge-runs\n');
    const filepath = path.join(dir, 'svc', 'Dockerfile');
    const { code, out } = await runCli(['fix', '--stdin', '--stdin-filepath', filepath], {
      stdin: MERGEABLE,
    });
    expect(code).toBe(0);
    expect(out).toBe(LABELS_MERGED);
  });

  test('one resolver gives every command the file beside each Dockerfile under the flags', async () => {
    await write('svc/.dslimrc.yaml', 'skip: [merge-labels]\ncaches: mount\n');
    const optionsFor = createOptionsResolver({
      config: true,
      strategy: 'mount',
      safety: ['layout'],
    });

    expect(await optionsFor(path.join(dir, 'svc', 'Dockerfile'))).toEqual({
      only: undefined,
      skip: ['merge-labels'],
      safety: ['layout'],
      caches: 'mount',
      transforms: { 'extract-install-stage': { strategy: 'mount' } },
    });
    expect(await optionsFor(path.join(dir, 'other', 'Dockerfile'))).toEqual({
      only: undefined,
      skip: undefined,
      safety: ['layout'],
      caches: undefined,
      transforms: { 'extract-install-stage': { strategy: 'mount' } },
    });
  });

  test('with `config: false` (`--no-config`) the resolver reads no file', async () => {
    await write('.dslimrc.yaml', 'skip: [merge-labels]\n');
    const optionsFor = createOptionsResolver({ config: false });

    expect(await optionsFor(path.join(dir, 'Dockerfile'))).toEqual({
      only: undefined,
      skip: undefined,
      safety: undefined,
      caches: undefined,
      transforms: {},
    });
  });

  test('the resolver refuses a transform id that does not exist before reading any file', () => {
    expect(() => createOptionsResolver({ config: true, skip: ['merge-rusn'] })).toThrow(
      '`--skip`: unknown transform "merge-rusn" (see `dslim list`)',
    );
  });

  test('a bad file is one line naming the file and the key, exit 2, nothing written', async () => {
    await write('.dslimrc.json', '{ "safety": ["contnet"] }');
    const file = await write('Dockerfile', MERGEABLE);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const run = await dslim(['fix', '--write', 'Dockerfile']);
      expect(run).toEqual({
        code: 2,
        out: '',
        err: 'dslim: .dslimrc.json: "safety": unknown class "contnet" (use layout, cache, content)\n',
      });
    } finally {
      process.chdir(cwd);
    }
    expect(await fs.readFile(file, 'utf8')).toBe(MERGEABLE);
  });

  test.each([
    ['.dslimrc', 'only: []\n', '"only": needs at least one value (it was given an empty list)'],
    ['.dslimrc', 'safety: []\n', '"safety": needs at least one value (it was given an empty list)'],
    [
      '.dslimrc',
      'only: [merge-runs]\nskip: [merge-runs]\n',
      '"skip": "merge-runs" is given to both "only" and "skip"',
    ],
    [
      'package.json',
      '{ "name": "x", "dslim": { "safety": [] } }',
      '"safety": needs at least one value (it was given an empty list)',
    ],
    [
      'package.json',
      '{ "name": "x", "dslim": { "only": "merge-runs", "skip": ["merge-runs"] } }',
      '"skip": "merge-runs" is given to both "only" and "skip"',
    ],
  ])('%s with %j, which would run nothing, is one line and exit 2', async (name, text, problem) => {
    await write(name, text);
    const file = await write('Dockerfile', MERGEABLE);
    const run = await inDir(() => dslim(['fix', '--write', 'Dockerfile']));
    expect(run).toEqual({ code: 2, out: '', err: `dslim: ${name}: ${problem}\n` });
    expect(await fs.readFile(file, 'utf8')).toBe(MERGEABLE);
  });

  test('a configuration file that is a directory is one line and exit 2', async () => {
    await fs.mkdir(path.join(dir, '.dslimrc'));
    await write('Dockerfile', MERGEABLE);
    const run = await inDir(() => dslim(['fix', 'Dockerfile']));
    expect(run).toEqual({
      code: 2,
      out: '',
      err: 'dslim: .: a configuration file here could not be read: is a directory\n',
    });
  });

  test('the command line refuses the same with the same words', async () => {
    expect((await dslim(['fix', '--only', '', dir])).err).toBe(
      'dslim: `--only` needs at least one value (it was given an empty list)\n',
    );
    expect((await dslim(['fix', '--only', 'merge-runs', '--skip', 'merge-runs', dir])).err).toBe(
      'dslim: `merge-runs` is given to both --only and --skip\n',
    );
  });

  test('a bad `caches` in the file is one line and exit 2', async () => {
    await write('.dslimrc.yaml', 'caches: volume\n');
    const file = await write('Dockerfile', CACHES);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(await dslim(['fix', 'Dockerfile'])).toEqual({
        code: 2,
        out: '',
        err: 'dslim: .dslimrc.yaml: "caches": must be one of clean, mount\n',
      });
    } finally {
      process.chdir(cwd);
    }
    expect(await fs.readFile(file, 'utf8')).toBe(CACHES);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
