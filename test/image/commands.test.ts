import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type Io } from '../../src/cli';
import type { Buildah } from '../../src/image/buildah';
import { fix } from '../../src/index';
import { comparisonText } from '../../src/image/commands';
import { compareImages } from '../../src/image/compare';
import { readImage } from '../../src/image/read';
import { file, whiteout, writeDockerArchive, writeOciLayout } from './archives';

let work: string;
let archive: string;
beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dslim-commands-'));
  archive = await writeDockerArchive(path.join(work, 'image.tar'), {
    layers: [
      [file('bin/app', 'a'.repeat(100))],
      [file('tmp/x', 'x'.repeat(300))],
      [whiteout('tmp/x')],
    ],
    history: [
      { created_by: '/bin/sh -c #(nop) COPY file:1 in /bin/app' },
      { created_by: '/bin/sh -c head -c 300 /dev/zero > /tmp/x' },
      { created_by: '/bin/sh -c rm /tmp/x' },
    ],
  });
});
afterAll(() => fs.rm(work, { recursive: true, force: true }));

async function run(args: string[], env: NodeJS.ProcessEnv = process.env, builder?: Buildah) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (text) => out.push(Buffer.from(text).toString()),
    err: (text) => err.push(text),
    readStdin: async () => Buffer.alloc(0),
    isTTY: false,
    env,
    builder,
  };
  const code = await main(['node', 'dslim', ...args], io);
  return { code, out: out.join(''), err: err.join('') };
}

describe('dslim inspect', () => {
  it('prints layers, efficiency and the offenders with their transform', async () => {
    const { code, out, err } = await run(['inspect', archive]);

    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toBe(
      [
        `${archive}: 3 layers, 400 bytes; efficiency 25.0% (300 bytes deleted or overwritten by a later layer)`,
        'layers:',
        '  100 bytes  COPY file:1 in /bin/app',
        '  300 bytes  RUN head -c 300 /dev/zero > /tmp/x',
        '    0 bytes  RUN rm /tmp/x',
        'biggest offenders:',
        '  300 bytes  /tmp/x',
        '      written by `RUN head -c 300 /dev/zero > /tmp/x`',
        '      deleted by `RUN rm /tmp/x`',
        '      avoided by the dslim transform `merge-runs`',
        '',
      ].join('\n'),
    );
  });

  it('prints JSON with --format json', async () => {
    const { code, out } = await run(['inspect', archive, '--format', 'json']);

    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.efficiency).toBe(0.25);
    expect(report.offenders[0]).toMatchObject({ path: '/tmp/x', transform: 'merge-runs' });
  });

  it('says in one line why an input is not an image, and exits 2', async () => {
    const { code, err } = await run(['inspect', path.join(work, 'missing.tar')]);

    expect(code).toBe(2);
    expect(err).toBe(`dslim: ${path.join(work, 'missing.tar')}: no such file or directory\n`);
  });
});

describe('dslim verify without building', () => {
  const TWO_RUNS = 'FROM busybox\nRUN touch /a\nRUN rm /a\n';

  it('has nothing to verify when dslim would not change the Dockerfile', async () => {
    const dockerfile = path.join(work, 'Unchanged.Dockerfile');
    await fs.writeFile(dockerfile, 'FROM busybox\nRUN true\n');

    const { code, out } = await run(['verify', dockerfile]);

    expect(code).toBe(0);
    expect(out).toBe(`${dockerfile}: dslim does not change this Dockerfile; nothing to verify\n`);
  });

  it('exits 2 with the install command when buildah is missing', async () => {
    const project = path.join(work, 'project');
    await fs.mkdir(project, { recursive: true });
    await fs.writeFile(path.join(project, 'Dockerfile'), TWO_RUNS);

    const { code, err } = await run(['verify', project], { PATH: path.join(work, 'no-bin') });

    expect(code).toBe(2);
    expect(err).toBe(
      'dslim: buildah is not installed; install it with: apt-get update && apt-get install -y buildah\n',
    );
  });

  it('reports the missing builder in JSON too', async () => {
    const dockerfile = path.join(work, 'Json.Dockerfile');
    await fs.writeFile(dockerfile, TWO_RUNS);

    const { out } = await run(['verify', dockerfile, '--format', 'json'], { PATH: '' });

    expect(JSON.parse(out)).toEqual({
      path: dockerfile,
      result: 'missing-builder',
      install: 'apt-get update && apt-get install -y buildah',
    });
  });

  it('says in one line why a Dockerfile cannot be read', async () => {
    const { code, err } = await run(['verify', path.join(work, 'nope', 'Dockerfile')]);

    expect(code).toBe(2);
    expect(err).toBe(
      `dslim: ${path.join(work, 'nope', 'Dockerfile')}: no such file or directory\n`,
    );
  });

  it('refuses a context that is not a directory', async () => {
    const dockerfile = path.join(work, 'Context.Dockerfile');
    await fs.writeFile(dockerfile, TWO_RUNS);

    const { code, err } = await run(['verify', dockerfile, '--context', dockerfile]);

    expect(code).toBe(2);
    expect(err).toBe(`dslim: ${dockerfile}: the build context is not a directory\n`);
  });
});

/** A builder that keeps the text of each Dockerfile it is given and makes the same small image. */
function recordingBuilder(): Buildah & { built: string[] } {
  const built: string[] = [];
  return {
    built,
    available: async () => true,
    build: async ({ dockerfile }) => {
      built.push(await fs.readFile(dockerfile, 'utf8'));
      return { ok: true };
    },
    exportOci: async (tag, directory) => {
      await writeOciLayout(directory, {
        layers: [[file('app', 'same')]],
        history: [{ created_by: '/bin/sh -c true' }],
      });
    },
    exists: async () => true,
    remove: async () => {},
  };
}

describe('dslim verify builds the rewrite `dslim fix` makes with the same flags and files', () => {
  const PIP = 'FROM python:3.12\nRUN pip install flask\nRUN touch /a\n';
  const MOUNTED_PIP =
    '# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask';
  let project: string;
  let dockerfile: string;
  beforeEach(async () => {
    project = await fs.mkdtemp(path.join(work, 'options-'));
    dockerfile = path.join(project, 'Dockerfile');
    await fs.writeFile(dockerfile, PIP);
  });

  async function rewriteBuilt(args: string[]): Promise<string> {
    const builder = recordingBuilder();
    const { code, out, err } = await run(['verify', project, ...args], process.env, builder);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toMatch(/verified: same files and config\n$/);
    expect(builder.built[0]).toBe(PIP);
    expect(builder.built).toHaveLength(2);
    return builder.built[1];
  }

  it.each([
    [[], 'FROM python:3.12\nRUN pip install --no-cache-dir flask && \\\n    touch /a\n'],
    [['--caches', 'mount'], `${MOUNTED_PIP} && \\\n    touch /a\n`],
    [['--caches', 'mount', '--skip', 'merge-runs'], `${MOUNTED_PIP}\nRUN touch /a\n`],
    [['--safety', 'layout'], 'FROM python:3.12\nRUN pip install flask && \\\n    touch /a\n'],
    [
      ['--only', 'pip-no-cache'],
      'FROM python:3.12\nRUN pip install --no-cache-dir flask\nRUN touch /a\n',
    ],
  ])('with %j', async (args, expected) => {
    expect(await rewriteBuilt(args)).toBe(expected);
  });

  it('with --strategy mount, bind-mounts the build tree as `dslim fix --strategy mount` does', async () => {
    await fs.writeFile(
      dockerfile,
      'FROM alpine AS build\nWORKDIR /src\nCOPY . .\nRUN make\n\n' +
        'FROM alpine\nCOPY --from=build /src /tmp/src\nRUN cd /tmp/src && make install && rm -rf /tmp/src\n',
    );
    const builder = recordingBuilder();

    await run(['verify', project, '--strategy', 'mount'], process.env, builder);

    expect(builder.built[1]).toBe(
      '# syntax=docker/dockerfile:1\nFROM alpine AS build\nWORKDIR /src\nCOPY . .\nRUN make\n\n' +
        'FROM alpine\nRUN --mount=type=bind,from=build,source=/src,target=/tmp/src,rw cd /tmp/src && make install\n',
    );
  });

  it('applies the configuration file beside the Dockerfile, as `dslim fix` does', async () => {
    await fs.writeFile(path.join(project, '.dslimrc.yaml'), 'caches: mount\nskip: [merge-runs]\n');

    expect(await rewriteBuilt([])).toBe(`${MOUNTED_PIP}\nRUN touch /a\n`);
  });

  it('lets each flag win over the same setting of the file', async () => {
    await fs.writeFile(path.join(project, '.dslimrc.yaml'), 'caches: mount\nskip: [merge-runs]\n');

    expect(await rewriteBuilt(['--caches', 'clean'])).toBe(
      'FROM python:3.12\nRUN pip install --no-cache-dir flask\nRUN touch /a\n',
    );
  });

  it('ignores the file with --no-config', async () => {
    await fs.writeFile(path.join(project, '.dslimrc.yaml'), 'caches: mount\nskip: [merge-runs]\n');

    expect(await rewriteBuilt(['--no-config'])).toBe(
      'FROM python:3.12\nRUN pip install --no-cache-dir flask && \\\n    touch /a\n',
    );
  });

  it('has nothing to verify when the file leaves every change out', async () => {
    await fs.writeFile(path.join(project, '.dslimrc.json'), '{ "only": ["merge-labels"] }');
    const builder = recordingBuilder();

    const { code, out } = await run(['verify', project], process.env, builder);

    expect(code).toBe(0);
    expect(out).toBe(`${dockerfile}: dslim does not change this Dockerfile; nothing to verify\n`);
    expect(builder.built).toEqual([]);
  });

  it('stops with exit 2 and builds nothing when --only names no transform', async () => {
    const builder = recordingBuilder();

    const { code, err } = await run(
      ['verify', project, '--only', 'merge-rusn'],
      process.env,
      builder,
    );

    expect(code).toBe(2);
    expect(err).toBe('dslim: `--only`: unknown transform "merge-rusn" (see `dslim list`)\n');
    expect(builder.built).toEqual([]);
  });

  it('stops with exit 2 and builds nothing when the file is bad', async () => {
    await fs.writeFile(path.join(project, '.dslimrc.json'), '{ "caches": "volume" }');
    const builder = recordingBuilder();

    const { code, err } = await run(['verify', project], process.env, builder);

    expect(code).toBe(2);
    expect(err).toBe(
      `dslim: ${path.join(project, '.dslimrc.json')}: "caches": must be one of clean, mount\n`,
    );
    expect(builder.built).toEqual([]);
  });
});

describe('comparisonText', () => {
  it('lists each difference and says the images differ', async () => {
    const history = [{ created_by: '/bin/sh -c true' }];
    const original = await readImage(
      await writeDockerArchive(path.join(work, 'before.tar'), {
        layers: [[file('app/run.sh', 'echo', { mode: 0o755 }), file('app/old', 'o')]],
        history,
        config: { Cmd: ['run.sh'] },
      }),
    );
    const rewritten = await readImage(
      await writeDockerArchive(path.join(work, 'after.tar'), {
        layers: [[file('app/run.sh', 'echo', { mode: 0o644 })]],
        history,
        config: { Cmd: ['sh'] },
      }),
    );
    const { changes } = await fix('FROM busybox\nRUN touch /a\nRUN rm /a\n');

    const text = comparisonText('Dockerfile', changes, compareImages(original, rewritten));

    expect(text).toBe(
      [
        'Dockerfile: built the original and the rewrite (1 change: merge-runs)',
        '  original   1 layer, 5 bytes',
        '  rewritten  1 layer, 4 bytes',
        '  saved      1 bytes (20.0%)',
        'files differ:',
        '  /app/old: only in the original image',
        '  /app/run.sh: mode 0755 → 0644',
        'config differs:',
        '  cmd: ["run.sh"] → ["sh"]',
        'NOT verified: the images differ',
        '',
      ].join('\n'),
    );
  });
});
