import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { runCli, runCliBytes } from './cli-harness';
import { main, processIo } from '../src/cli';
import { describeError, readDockerfile } from '../src/files';
import * as dslimApi from '../src/index';
import { InputError, listAdvisories, listTransforms, type SafetyClass } from '../src/index';
import * as fixing from '../src/run-fix';

const MERGEABLE = 'FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN curl --version\n';
const MERGED = 'FROM alpine:3.20\nRUN apk add --no-cache curl && \\\n    curl --version\n';
const CLEAN = 'FROM alpine:3.20\nRUN apk add --no-cache curl\n';

const dslim = runCli;

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dslim-cli-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: string | Buffer): Promise<string> {
  const file = path.join(dir, name);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, content);
  return file;
}

/** Runs `work` from the temporary directory, for paths as a user types them. */
async function inDir<T>(work: () => Promise<T>): Promise<T> {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await work();
  } finally {
    process.chdir(cwd);
  }
}

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

/**
 * Runs `work` with the permissions of a normal user: as root, the effective
 * user and group become nobody's for the while, since root may write anywhere.
 */
async function asNormalUser<T>(work: () => Promise<T>): Promise<T> {
  if (!isRoot) return work();
  process.setegid!(NOBODY);
  process.seteuid!(NOBODY);
  try {
    return await work();
  } finally {
    process.seteuid!(0);
    process.setegid!(0);
  }
}

describe('dslim fix (dry run)', () => {
  test('prints a unified diff, then one line per change, and touches nothing', async () => {
    const file = await write('Dockerfile', MERGEABLE);
    const run = await dslim(['fix', file]);

    expect(run.code).toBe(0);
    expect(run.out).toContain(`--- a/${file.slice(1)}\n+++ b/${file.slice(1)}\n@@ -1,3 +1,3 @@\n`);
    expect(run.out).toContain(
      '-RUN apk add --no-cache curl\n-RUN curl --version\n+RUN apk add --no-cache curl && \\\n',
    );
    expect(run.out).toMatch(new RegExp(`${file}:2:1  merge-runs  Joins 2 \`RUN\``));
    expect(run.err).toBe(
      'dslim: 1 file checked, 1 would change, 47 bytes of Dockerfile touched, 0 notes\n',
    );
    expect(await fs.readFile(file, 'utf8')).toBe(MERGEABLE);
  });

  test('its output applies with git apply', async () => {
    await write('Dockerfile', MERGEABLE);
    spawnSync('git', ['init', '-q'], { cwd: dir });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const run = await dslim(['fix', 'Dockerfile']);
      const applied = spawnSync('git', ['apply', '-'], { cwd: dir, input: run.out });
      expect(applied.stderr.toString()).toBe('');
      expect(applied.status).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    expect(await fs.readFile(path.join(dir, 'Dockerfile'), 'utf8')).toBe(MERGED);
  });

  test('searches directories for Dockerfile names, skipping node_modules and .git', async () => {
    for (const name of [
      'Dockerfile',
      'app.Dockerfile',
      'Dockerfile.dev',
      'sub/Containerfile',
      'lower/dockerfile',
    ]) {
      await write(name, MERGEABLE);
    }
    for (const name of [
      'node_modules/x/Dockerfile',
      '.git/Dockerfile',
      'Dockerfile.dockerignore',
      'README',
    ]) {
      await write(name, MERGEABLE);
    }
    const run = await dslim(['fix', dir]);
    const headers = [...run.out.matchAll(/^--- a\/(.*)$/gm)].map((m) =>
      path.relative(dir, `/${m[1]}`),
    );
    expect(headers).toEqual([
      'Dockerfile',
      'Dockerfile.dev',
      'app.Dockerfile',
      'lower/dockerfile',
      'sub/Containerfile',
    ]);
  });

  test('colours only on a terminal, and never with NO_COLOR or --no-color', async () => {
    const file = await write('Dockerfile', MERGEABLE);
    const ansi = /\u001b\[/;
    expect((await dslim(['fix', file], { tty: true })).out).toMatch(ansi);
    expect((await dslim(['fix', file])).out).not.toMatch(ansi);
    expect((await dslim(['fix', file], { tty: true, env: { NO_COLOR: '1' } })).out).not.toMatch(
      ansi,
    );
    expect((await dslim(['fix', '--no-color', file], { tty: true })).out).not.toMatch(ansi);
  });
});

describe('dslim fix --write', () => {
  test('writes changed files, keeping the mode, and leaves no temporary file', async () => {
    const file = await write('Dockerfile', MERGEABLE);
    await fs.chmod(file, 0o640);
    const run = await dslim(['fix', '--write', file]);

    expect(run.code).toBe(0);
    expect(await fs.readFile(file, 'utf8')).toBe(MERGED);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o640);
    expect(await fs.readdir(dir)).toEqual(['Dockerfile']);
    expect(run.out).not.toContain('+++');
  });

  test('writes through a symbolic link, which stays a link', async () => {
    const target = await write('real.Dockerfile', MERGEABLE);
    const link = path.join(dir, 'Dockerfile');
    await fs.symlink('real.Dockerfile', link);
    await dslim(['fix', '--write', link]);
    expect((await fs.lstat(link)).isSymbolicLink()).toBe(true);
    expect(await fs.readFile(target, 'utf8')).toBe(MERGED);
  });

  test('never touches an unchanged file', async () => {
    const file = await write('Dockerfile', CLEAN);
    const past = new Date('2020-01-01T00:00:00Z');
    await fs.utimes(file, past, past);
    const before = await fs.stat(file);
    await dslim(['fix', '--write', file]);
    const after = await fs.stat(file);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });
});

describe('dslim fix, the text report', () => {
  test('gives layer counts where they change, and not for the others', async () => {
    const changing = await write('a/Dockerfile', MERGEABLE);
    const clean = await write('b/Dockerfile', CLEAN);
    const labels = await write('c/Dockerfile', 'FROM alpine:3.20\nLABEL a=1\nLABEL b=2\n');
    const { out } = await dslim(['fix', changing, clean, labels]);
    expect(out).toContain(`${changing}: layers per stage: stage 0 2 → 1\n`);
    expect(out).toContain(`${labels}:2:1  merge-labels`);
    expect(out).not.toContain(`${clean}: layers`);
    expect(out).not.toContain(`${labels}: layers`);
  });
});

describe('dslim fix --check', () => {
  test('exits 1 when a file would change and 0 when none would', async () => {
    const changing = await write('a/Dockerfile', MERGEABLE);
    const clean = await write('b/Dockerfile', CLEAN);
    expect((await dslim(['fix', '--check', changing])).code).toBe(1);
    expect((await dslim(['fix', '--check', clean])).code).toBe(0);
    expect(await fs.readFile(changing, 'utf8')).toBe(MERGEABLE);
  });
});

describe('dslim fix --stdin', () => {
  test('prints the whole rewritten file', async () => {
    const run = await dslim(['fix', '--stdin', '--stdin-filepath', 'Dockerfile'], {
      stdin: MERGEABLE,
    });
    expect(run).toEqual({ code: 0, out: MERGED, err: '' });
  });

  test('prints an unchanged file byte for byte', async () => {
    const text = '\ufeff# a comment\r\nFROM alpine:3.20\r\n\r\nRUN a\t# tab\r\n';
    const run = await dslim(['fix', '--stdin'], { stdin: text });
    expect(run.out).toBe(text);
  });

  test.each([
    ['CRLF', '\r\n'],
    ['lone CR', '\r'],
  ])("joins lines with the file's own %s line break", async (_, eol) => {
    const input = ['FROM debian:12', 'RUN a', 'RUN b', ''].join(eol);
    const run = await dslim(['fix', '--stdin', '--only', 'merge-runs'], { stdin: input });
    expect(run.out).toBe(['FROM debian:12', 'RUN a && \\', '    b', ''].join(eol));
  });

  test('gives text it cannot use back unchanged, with the reason', async () => {
    const run = await dslim(['fix', '--stdin', '--stdin-filepath', 'x/Dockerfile'], {
      stdin: 'hello world\n',
    });
    expect(run).toEqual({
      code: 2,
      out: 'hello world\n',
      err: 'dslim: x/Dockerfile: line 1: `hello` is not a Dockerfile instruction\n',
    });
  });

  test('--check exits 1 when the text would change', async () => {
    expect((await dslim(['fix', '--stdin', '--check'], { stdin: MERGEABLE })).code).toBe(1);
    expect((await dslim(['fix', '--stdin', '--check'], { stdin: CLEAN })).code).toBe(0);
  });
});

describe('dslim --version', () => {
  test('prints the package version', async () => {
    const { version } = JSON.parse(
      await fs.readFile(path.join(__dirname, '..', 'package.json'), 'utf8'),
    );
    expect(await dslim(['--version'])).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });
});

describe('choosing transforms', () => {
  test('--only and --skip', async () => {
    const text = 'FROM alpine:3.20\nRUN a\nRUN b\nLABEL a=1\nLABEL b=2\n';
    const only = await dslim(['fix', '--stdin', '--only', 'merge-labels'], { stdin: text });
    expect(only.out).toBe('FROM alpine:3.20\nRUN a\nRUN b\nLABEL a=1 \\\n    b=2\n');
    const skip = await dslim(['fix', '--stdin', '--skip', 'merge-labels,merge-runs'], {
      stdin: text,
    });
    expect(skip.out).toBe(text);
  });

  test('an unknown transform id is bad usage', async () => {
    const run = await dslim(['fix', '--only', 'merge-everything', dir]);
    expect(run.code).toBe(2);
    expect(run.err).toBe(
      'dslim: `--only`: unknown transform "merge-everything" (see `dslim list`)\n',
    );
  });

  test('an unknown safety class is bad usage', async () => {
    const run = await dslim(['fix', '--safety', 'layout,risky', dir]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('unknown safety class `risky`');
  });

  test('--caches mount puts cache mounts where the cleanup would go', async () => {
    const text = 'FROM python:3.12\nRUN pip install flask\n';
    const clean = await dslim(['fix', '--stdin'], { stdin: text });
    expect(clean.out).toBe('FROM python:3.12\nRUN pip install --no-cache-dir flask\n');
    const mount = await dslim(['fix', '--stdin', '--caches', 'mount'], { stdin: text });
    expect(mount.code).toBe(0);
    expect(mount.out).toBe(
      '# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n',
    );
  });

  test('an unknown cache mode is bad usage, in one line', async () => {
    const run = await dslim(['fix', '--caches', 'volume', dir]);
    expect(run).toEqual({
      code: 2,
      out: '',
      err: 'dslim: unknown cache mode `volume` (use clean, mount)\n',
    });
  });

  // Every option with fixed choices, in every command: commander's own check
  // would print its error and the whole usage instead of one line.
  const choices: [string, string, string][] = [
    ['fix', '--strategy', 'strategy `bogus` (use stage, mount)'],
    ['fix', '--caches', 'cache mode `bogus` (use clean, mount)'],
    ['fix', '--format', 'format `bogus` (use text, json, sarif)'],
    ['list', '--format', 'format `bogus` (use text, json)'],
    ['verify', '--strategy', 'strategy `bogus` (use stage, mount)'],
    ['verify', '--caches', 'cache mode `bogus` (use clean, mount)'],
    ['verify', '--format', 'format `bogus` (use text, json)'],
    ['inspect', '--format', 'format `bogus` (use text, json)'],
  ];
  // `--safety` takes a list, so --help shows no choices, but it refuses the same way.
  const refusals: [string, string, string][] = [
    ...choices,
    ['fix', '--safety', 'safety class `bogus` (use layout, cache, content)'],
    ['verify', '--safety', 'safety class `bogus` (use layout, cache, content)'],
  ];

  test.each(refusals)(
    '%s %s with a value not among its choices is one line and exit 2',
    async (command, flag, problem) => {
      const path = command === 'inspect' ? ['image.tar'] : command === 'list' ? [] : [dir];
      const run = await dslim([command, flag, 'bogus', ...path]);
      expect(run).toEqual({ code: 2, out: '', err: `dslim: unknown ${problem}\n` });
    },
  );

  test('the table above has every option with choices that --help lists', async () => {
    const listed: string[][] = [];
    for (const command of ['fix', 'list', 'verify', 'inspect']) {
      const help = (await dslim([command, '--help'])).out.replace(/\n\s+/g, ' ');
      for (const m of help.matchAll(/(--[\w-]+) <\w+>[^(]*(?:\(default:[^)]*\) )?\(choices:/g))
        listed.push([command, m[1]]);
    }
    expect(listed).toEqual(choices.map(([command, flag]) => [command, flag]));
  });

  test('--help still lists the choices', async () => {
    const help = (await dslim(['fix', '--help'])).out;
    expect(help).toMatch(
      /--strategy <strategy> +how extract-install-stage keeps a build tree out\s+\(default: stage, unless a configuration file sets\s+`transforms.extract-install-stage.strategy`\)\s+\(choices: "stage", "mount"\)/,
    );
    // The defaults are words only: a configuration file's setting applies when a flag is not given.
    const words = help.replace(/\s+/g, ' ');
    expect(words).toContain(
      '--safety <classes> safety classes allowed to run (layout,cache,content) (default: layout,cache, unless a configuration file sets `safety`)',
    );
    expect(words).toContain(
      '--caches <mode> clean package caches up in the installing RUN, or mount them (default: clean, unless a configuration file sets `caches`) (choices: "clean", "mount")',
    );
    expect(help).toMatch(
      /--format <format>\s+report format \(choices: "text", "json", "sarif",\s+default: "text"\)/,
    );
  });

  test('dslim list names every transform with its class, then the advice', async () => {
    const run = await dslim(['list']);
    for (const t of listTransforms())
      expect(run.out).toMatch(new RegExp(`^${t.id} +${t.safety} `, 'm'));
    // The class and title columns line up, whatever the length of the id.
    // The longest id is `delete-in-creating-layer` (24) and the longest class `content` (7).
    for (const t of listTransforms())
      expect(run.out).toContain(`${t.id.padEnd(24)} ${t.safety.padEnd(7)} ${t.title}\n`);
    expect(run.out).toContain(
      `\n${'dockerignore'.padEnd(24)} advice  Suggest a starter ignore file where \`COPY .\` sends the whole build context\n`,
    );
    // A transform's options follow its rationale on one line; merge-runs has none.
    expect(run.out).toContain(
      `\n${' '.repeat(33)}options: strategy (stage|mount, default stage); destdir (known|assume, default known)\nstrip-installed-binaries`,
    );
    expect(run.out).toMatch(/^merge-runs .*\n.*\nmerge-labels /m);
    const json = JSON.parse((await dslim(['list', '--format', 'json'])).out);
    expect(json.map((t: { id: string }) => t.id)).toEqual(
      [...listTransforms(), ...listAdvisories()].map((t) => t.id),
    );
    expect(json.at(-1)).toEqual({
      id: 'dockerignore',
      kind: 'advice',
      title: listAdvisories()[0].title,
      rationale: listAdvisories()[0].rationale,
      action: listAdvisories()[0].action,
      limitations: listAdvisories()[0].limitations,
    });
    expect(json[0]).toMatchObject({ id: listTransforms()[0].id, kind: 'transform' });
  });
});

describe('bad input', () => {
  const bad: [string, string | Buffer, string][] = [
    [
      'binary.Dockerfile',
      Buffer.from([0x46, 0x52, 0x00, 0x4f]),
      'binary file (it contains a NUL byte)',
    ],
    [
      'latin1.Dockerfile',
      Buffer.from('FROM alpine\nLABEL a=\xe9\n', 'latin1'),
      'not valid UTF-8 text',
    ],
    ['empty.Dockerfile', '', 'empty file'],
    ['blank.Dockerfile', '\n  \n', 'no instructions: only blank lines'],
    ['newlines.Dockerfile', '\n\n\n', 'no instructions: only blank lines'],
    ['bom.Dockerfile', '\ufeff', 'empty file'],
    ['comments.Dockerfile', '# only a comment\n', 'no instructions'],
    ['prose.Dockerfile', 'This is not a Dockerfile.\n', '`This` is not a Dockerfile instruction'],
    ['yaml.Dockerfile', 'services:\n  web:\n    image: x\n', 'is not a Dockerfile instruction'],
    ['order.Dockerfile', 'RUN a\nFROM alpine\n', 'the first instruction is `RUN`'],
    ['huge.Dockerfile', 'FROM alpine\n' + '# padding\n'.repeat(300_000), 'MiB is not read'],
  ];

  test.each(bad)(
    '%s: one line, exit 2, file untouched, others still fixed',
    async (name, content, problem) => {
      const file = await write(name, content);
      const good = await write('Dockerfile', MERGEABLE);
      const run = await dslim(['fix', '--write', file, good]);

      expect(run.code).toBe(2);
      const errors = run.err.split('\n').filter((l) => l.startsWith(`dslim: ${file}:`));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(problem);
      expect(Buffer.compare(await fs.readFile(file), Buffer.from(content))).toBe(0);
      expect(await fs.readFile(good, 'utf8')).toBe(MERGED);
    },
  );

  test('a bad file alone gets exactly one line', async () => {
    const file = await write('notes.Dockerfile', 'hello\n');
    const run = await dslim(['fix', file]);
    expect(run).toEqual({
      code: 2,
      out: '',
      err: `dslim: ${file}: line 1: \`hello\` is not a Dockerfile instruction\n`,
    });
  });

  test('a missing path', async () => {
    const run = await dslim(['fix', path.join(dir, 'nope')]);
    expect(run).toMatchObject({
      code: 2,
      err: expect.stringContaining(`dslim: ${dir}/nope: no such file or directory\n`),
    });
  });

  test('a directory without a Dockerfile', async () => {
    await write('README.md', '# hi\n');
    const run = await dslim(['fix', dir]);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`dslim: ${dir}: no Dockerfile in this directory\n`);
  });

  test('an unreadable file', async () => {
    const file = await write('Dockerfile', MERGEABLE);
    await fs.chmod(file, 0);
    const run = await dslim(['fix', file]);
    // Root reads any file, so only a normal user sees the refusal itself.
    if (process.getuid?.() === 0) expect(run.code).toBe(0);
    else expect(run.err).toContain(`dslim: ${file}: permission denied\n`);
    expect(describeError(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe(
      'permission denied',
    );
  });
});

describe('an error dslim did not expect', () => {
  const CRASHING = 'FROM alpine:3.20\nRUN crash\n';

  // Stands in for a bug: fixing the text with `RUN crash` overflows the stack.
  beforeEach(() => {
    const real = fixing.runFix;
    jest.spyOn(fixing, 'runFix').mockImplementation((text, options) => {
      if (text.includes('RUN crash')) throw new RangeError('Maximum call stack size exceeded');
      return real(text, options);
    });
  });

  afterEach(() => jest.restoreAllMocks());

  test('is one line for its file, exit 2, and the other files are still fixed', async () => {
    const crashing = await write('a/Dockerfile', CRASHING);
    const good = await write('b/Dockerfile', MERGEABLE);
    const run = await dslim(['fix', '--check', '--write', crashing, good]);

    expect(run.code).toBe(2);
    expect(run.err).toBe(
      'dslim: 1 file checked, 1 changed, 47 bytes of Dockerfile touched, 0 notes\n' +
        `dslim: ${crashing}: internal error: Maximum call stack size exceeded (please report it)\n`,
    );
    expect(await fs.readFile(good, 'utf8')).toBe(MERGED);
    expect(await fs.readFile(crashing, 'utf8')).toBe(CRASHING);
  });

  test('with --stdin gives the input back unchanged', async () => {
    const run = await dslim(['fix', '--stdin', '--stdin-filepath', 'x/Dockerfile'], {
      stdin: CRASHING,
    });
    expect(run).toEqual({
      code: 2,
      out: CRASHING,
      err: 'dslim: x/Dockerfile: internal error: Maximum call stack size exceeded (please report it)\n',
    });
  });
});

describe('reading files', () => {
  test('--stdin gives invalid UTF-8 back byte for byte', async () => {
    const bytes = Buffer.from('FROM alpine\nLABEL a=\xe9\n', 'latin1');
    const run = await runCliBytes(['fix', '--stdin'], { stdin: bytes });
    expect(run.code).toBe(2);
    expect(run.stdout.equals(bytes)).toBe(true);
    expect(run.err).toBe('dslim: <stdin>: not valid UTF-8 text\n');
  });

  test('a search matches the file name only, not a folder named like a Dockerfile', async () => {
    await write('app.Dockerfile/readme.txt', 'Some notes.\n');
    await write('Dockerfile.d/notes.txt', 'More notes.\n');
    const other = await write('other/Dockerfile', MERGEABLE);
    const run = await dslim(['fix', dir]);

    expect(run.code).toBe(0);
    expect([...run.out.matchAll(/^--- a\/(.*)$/gm)].map((m) => `/${m[1]}`)).toEqual([other]);
    expect(run.err).toBe(
      'dslim: 1 file checked, 1 would change, 47 bytes of Dockerfile touched, 0 notes\n',
    );
  });

  test('a FIFO or a device is refused without being opened', async () => {
    const fifo = path.join(dir, 'fifo.Dockerfile');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // Opening the FIFO to read would wait for a writer; the test would time out.
    expect(await dslim(['fix', fifo, '/dev/null'])).toEqual({
      code: 2,
      out: '',
      err: `dslim: ${fifo}: not a regular file\ndslim: /dev/null: not a regular file\n`,
    });
    expect(await readDockerfile(fifo)).toEqual({
      problem: 'not a regular file',
      kind: 'unreadable',
    });
  });

  test('a file named twice, spelled differently, is fixed once under its first spelling', async () => {
    await write('dup/Dockerfile', MERGEABLE);
    const run = await inDir(() => dslim(['fix', 'dup', 'dup/Dockerfile', './dup/Dockerfile']));

    expect(run.out.match(/^--- a\/.*$/gm)).toEqual(['--- a/dup/Dockerfile']);
    expect(run.out).toContain('\ndup/Dockerfile:2:1  merge-runs  ');
    expect(run.err).toBe(
      'dslim: 1 file checked, 1 would change, 47 bytes of Dockerfile touched, 0 notes\n',
    );
  });
});

describe('a file a directory search finds that is not a Dockerfile', () => {
  test('is skipped with one line and does not change the exit code', async () => {
    await write('Dockerfile', MERGEABLE);
    await write('Dockerfile.md', '# Building\n\nRun `make image`.\n');
    await write('Dockerfile.j2', 'FROM {{ base }}\n{% for p in packages %}\nRUN x\n{% endfor %}\n');
    await write('Containerfile.bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00]));
    const check = await dslim(['fix', '--check', dir]);

    expect(check.code).toBe(1);
    expect(check.err).toBe(
      'dslim: 1 file checked, 1 would change, 47 bytes of Dockerfile touched, 0 notes\n' +
        `dslim: ${dir}/Containerfile.bin: skipped, not a Dockerfile: binary file (it contains a NUL byte), not a Dockerfile\n` +
        `dslim: ${dir}/Dockerfile.j2: skipped, not a Dockerfile: line 2: \`{%\` is not a Dockerfile instruction\n` +
        `dslim: ${dir}/Dockerfile.md: skipped, not a Dockerfile: line 3: the first instruction is \`RUN\`; a Dockerfile starts with FROM (or ARG)\n`,
    );
  });

  test('is listed as skipped in --format json', async () => {
    await write('Dockerfile', CLEAN);
    await write('Dockerfile.md', 'Notes.\n');
    const run = await dslim(['fix', '--format', 'json', dir]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out).files[1]).toEqual({
      path: `${dir}/Dockerfile.md`,
      skipped: 'line 1: `Notes.` is not a Dockerfile instruction',
    });
  });

  test('is an error when named on the command line', async () => {
    const notes = await write('Dockerfile.md', 'Notes.\n');
    const run = await dslim(['fix', '--check', notes]);
    expect(run.code).toBe(2);
    expect(run.err).toBe(`dslim: ${notes}: line 1: \`Notes.\` is not a Dockerfile instruction\n`);
  });
});

describe('writing files', () => {
  (isRoot ? test : test.skip)('--write keeps the owner and group', async () => {
    const file = await write('Dockerfile', MERGEABLE);
    await fs.chown(file, NOBODY, NOBODY);
    const run = await dslim(['fix', '--write', file]);

    expect(run.code).toBe(0);
    expect(await fs.readFile(file, 'utf8')).toBe(MERGED);
    const stat = await fs.stat(file);
    expect([stat.uid, stat.gid]).toEqual([NOBODY, NOBODY]);
  });

  test('says when the directory, not the file, is not writable', async () => {
    const folder = path.join(dir, 'locked');
    const file = await write('locked/Dockerfile', MERGEABLE);
    if (isRoot) await fs.chown(file, NOBODY, NOBODY);
    await fs.chmod(dir, 0o755);
    await fs.chmod(folder, 0o555);
    // Loads what the run needs while every module file can still be read as root.
    await dslim(['fix', file]);
    const run = await asNormalUser(() => dslim(['fix', '--write', file]));
    await fs.chmod(folder, 0o755);

    expect(run).toEqual({
      code: 2,
      out: '',
      err:
        `dslim: ${file}: could not write: the directory ${folder} is not writable ` +
        '(the new text goes to a temporary file there, which cannot be created)\n',
    });
    expect(await fs.readFile(file, 'utf8')).toBe(MERGEABLE);
  });
});

describe('a closed standard output', () => {
  test('ends the run quietly, with the exit code it would have had', async () => {
    const file = await write('Dockerfile', MERGEABLE);
    // As a pipe whose reader went away (`dslim fix | head -3`) reports a write.
    const closedPipe = new Writable({
      write: (_chunk, _encoding, done) =>
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })),
    });
    const err = new PassThrough();
    const io = processIo(closedPipe, err);

    const code = await main(['node', 'dslim', 'fix', '--check', file], io);
    io.out('more\n');
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(code).toBe(1);
    expect(closedPipe.destroyed).toBe(true);
    expect(String(err.read())).toBe(
      'dslim: 1 file checked, 1 would change, 47 bytes of Dockerfile touched, 0 notes\n',
    );
  });
});

describe('flags that conflict or are empty', () => {
  const refused: [string[], string][] = [
    [
      ['--stdin', 'Dockerfile'],
      '`--stdin` reads one Dockerfile from standard input; it takes no paths (got Dockerfile)',
    ],
    [
      ['--stdin', '--write'],
      '`--stdin` prints the result to standard output; it cannot be combined with `--write`',
    ],
    [
      ['--stdin-filepath', 'Dockerfile', '.'],
      '`--stdin-filepath` names the input of `--stdin`; it needs `--stdin`',
    ],
    [['--stdin', '--stdin-filepath', ''], '`--stdin-filepath` needs a path'],
    [['--write-dockerignore', '.'], '`--write-dockerignore` creates files, so it needs `--write`'],
    [['--only', '', '.'], '`--only` needs at least one value (it was given an empty list)'],
    [['--skip', '', '.'], '`--skip` needs at least one value (it was given an empty list)'],
    [
      ['--only', 'merge-runs,merge-labels', '--skip', 'merge-runs', '.'],
      '`merge-runs` is given to both --only and --skip',
    ],
    [['--safety', ' , ', '.'], '`--safety` needs at least one value (it was given an empty list)'],
  ];

  test.each(refused)('fix %j is one line and exit 2', async (args, problem) => {
    const file = await write('Dockerfile', MERGEABLE);
    const run = await inDir(() => dslim(['fix', ...args], { stdin: MERGEABLE }));
    expect(run).toEqual({ code: 2, out: '', err: `dslim: ${problem}\n` });
    expect(await fs.readFile(file, 'utf8')).toBe(MERGEABLE);
  });

  test('the API refuses an unknown safety class with an InputError', async () => {
    const result = dslimApi.fix(MERGEABLE, { safety: ['bogus' as SafetyClass] });
    await expect(result).rejects.toThrow(InputError);
    await expect(result).rejects.toThrow(
      'fix option "safety": unknown class "bogus" (use layout, cache, content)',
    );
  });
});

describe('--stdin keeps to what format-on-save may do', () => {
  const DEBIAN = 'FROM debian:12\nRUN pip install --no-cache-dir flask\n';

  test('a configuration file enabling `content` does not apply it; --safety does', async () => {
    await write('.dslimrc', 'safety: [layout, cache, content]\n');
    const file = await write('Dockerfile', DEBIAN);
    const stdin = ['fix', '--stdin', '--stdin-filepath', file];

    expect(await dslim(stdin, { stdin: DEBIAN })).toEqual({ code: 0, out: DEBIAN, err: '' });
    const optIn = await dslim([...stdin, '--safety', 'layout,cache,content'], { stdin: DEBIAN });
    expect(optIn.out).toBe('FROM debian:12-slim\nRUN pip install --no-cache-dir flask\n');
    // Fixing the file itself follows the configuration file.
    expect((await dslim(['fix', '--check', file])).code).toBe(1);
  });
});
