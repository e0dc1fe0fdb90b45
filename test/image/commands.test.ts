import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { main, type Io } from '../../src/cli';
import type { Buildah, BuildRequest } from '../../src/image/buildah';
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

  it('reads a gzipped `docker save` (`docker save x | gzip > x.tar.gz`)', async () => {
    const zipped = path.join(work, 'image.tar.gz');
    await fs.writeFile(zipped, gzipSync(await fs.readFile(archive)));

    const plain = await run(['inspect', archive]);
    const { code, out, err } = await run(['inspect', zipped]);

    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toBe(plain.out.replace(archive, zipped));
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

/**
 * A builder that keeps the text of each Dockerfile it is given and what it
 * was asked (with the Dockerfile's path left out) and makes the same small
 * image, or fails each build with `failure` as its last lines.
 */
function recordingBuilder(
  failure?: string[],
): Buildah & { built: string[]; requests: Omit<BuildRequest, 'onStep'>[] } {
  const built: string[] = [];
  const requests: Omit<BuildRequest, 'onStep'>[] = [];
  return {
    built,
    requests,
    available: async () => true,
    build: async ({ onStep: _onStep, ...request }) => {
      built.push(await fs.readFile(request.dockerfile, 'utf8'));
      requests.push({ ...request, dockerfile: path.basename(request.dockerfile) });
      return failure ? { ok: false, tail: failure } : { ok: true };
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
      'FROM alpine AS build\nWORKDIR /src\nCOPY . .\nRUN ./configure && make\n\n' +
        'FROM alpine\nCOPY --from=build /src /tmp/src\nRUN cd /tmp/src && make install && rm -rf /tmp/src\n',
    );
    const builder = recordingBuilder();

    await run(['verify', project, '--strategy', 'mount'], process.env, builder);

    expect(builder.built[1]).toBe(
      '# syntax=docker/dockerfile:1\nFROM alpine AS build\nWORKDIR /src\nCOPY . .\nRUN ./configure && make\n\n' +
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

describe('dslim verify works around buildah and says how to feed it', () => {
  const STAGED =
    'FROM alpine AS build\nWORKDIR /src\nCOPY . .\nRUN ./configure && make\n\n' +
    'FROM alpine\nCOPY --from=build /src /tmp/src\nRUN cd /tmp/src && make install && rm -rf /tmp/src\n';
  let project: string;
  beforeEach(async () => {
    project = await fs.mkdtemp(path.join(work, 'buildah-'));
    await fs.writeFile(path.join(project, 'Dockerfile'), STAGED);
  });

  it('builds a rewrite that mounts from a stage without the layer cache, and says why', async () => {
    const builder = recordingBuilder();

    const { code, out, err } = await run(
      ['verify', project, '--strategy', 'mount', '--no-config'],
      process.env,
      builder,
    );

    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(builder.requests.map((r) => [r.dockerfile, !!r.noCache])).toEqual([
      ['Dockerfile', false],
      ['Dockerfile.rewritten', true],
    ]);
    expect(out.split('\n').slice(0, 2)).toEqual([
      `${path.join(project, 'Dockerfile')}: built the original and the rewrite (1 change: extract-install-stage)`,
      '  built the rewrite without the layer cache: line 8 of the rewrite mounts the stage `build` with `RUN --mount=…,from=`, and buildah 1.28 can mount an empty or stale directory there when it reuses cached layers (containers/buildah#4375, #4522)',
    ]);
  });

  it('builds the original without the cache too when it mounts from a stage, and lists both in JSON', async () => {
    await fs.writeFile(
      path.join(project, 'Dockerfile'),
      'FROM alpine AS build\nRUN make\nFROM alpine\nRUN --mount=from=build,target=/b cp /b/app /app\nRUN touch /a\nRUN rm /a\n',
    );
    const builder = recordingBuilder();

    const { out } = await run(['verify', project, '--format', 'json'], process.env, builder);

    expect(builder.requests.map((r) => !!r.noCache)).toEqual([true, true]);
    expect(JSON.parse(out).uncached.map((u: { variant: string }) => u.variant)).toEqual([
      'original',
      'rewritten',
    ]);
  });

  it('builds with the layer cache when nothing mounts from a stage', async () => {
    const builder = recordingBuilder();

    const { out } = await run(['verify', project, '--no-config'], process.env, builder);

    expect(builder.requests.map((r) => !!r.noCache)).toEqual([false, false]);
    expect(out).not.toMatch(/without the layer cache/);
  });

  it('never lets buildah pull, unless --pull', async () => {
    const builder = recordingBuilder();
    await run(['verify', project], process.env, builder);
    await run(['verify', project, '--pull'], process.env, builder);

    expect(builder.requests.map((r) => !!r.pull)).toEqual([false, false, true, true]);
  });

  const MISSING = [
    'STEP 1/4: FROM alpine AS build',
    'Error: creating build container: alpine: image not known',
  ];

  it('says in one line which image its storage lacks and how to put it there', async () => {
    const dockerfile = path.join(project, 'Dockerfile');

    const { code, out, err } = await run(
      ['verify', project],
      { DSLIM_BUILDAH_ROOT: '/srv/dslim' },
      recordingBuilder(MISSING),
    );

    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(
      `dslim: ${dockerfile}: the image \`alpine\` is not in the buildah storage verify builds in (/srv/dslim), ` +
        'and verify does not pull by default; add it with ' +
        '`buildah --root /srv/dslim/storage --runroot /srv/dslim/run --storage-driver vfs pull alpine` ' +
        '(from a `docker save` archive, the same with `pull docker-archive:FILE.tar`), or run verify with --pull\n',
    );
  });

  it('does not suggest --pull when buildah was let pull', async () => {
    const { err } = await run(['verify', project, '--pull'], {}, recordingBuilder(MISSING));

    expect(err).toMatch(
      /, and buildah could not pull it; add it with `buildah --root .* pull alpine`/,
    );
    expect(err).not.toMatch(/--pull/);
  });

  it('names the missing image in JSON', async () => {
    const { code, out } = await run(
      ['verify', project, '--format', 'json'],
      {},
      recordingBuilder(MISSING),
    );

    expect(code).toBe(2);
    expect(JSON.parse(out)).toMatchObject({
      result: 'build-failed',
      variant: 'original',
      missingImage: 'alpine',
    });
  });

  it('prints the last lines of any other failed build', async () => {
    const tail = ['STEP 4/4: RUN make', 'Error: building at STEP "RUN make": exit status 2'];

    const { code, err } = await run(['verify', project], {}, recordingBuilder(tail));

    expect(code).toBe(2);
    expect(err).toBe(
      `dslim: ${path.join(project, 'Dockerfile')}: the original Dockerfile failed to build; buildah's last lines:\n` +
        tail.map((line) => `  ${line}\n`).join(''),
    );
  });
});

describe('dslim verify DIR finds the Dockerfile as `fix` does', () => {
  const TWO_RUNS = 'FROM busybox\nRUN touch /a\nRUN rm /a\n';

  async function builtFrom(
    names: string[],
  ): Promise<{ code: number; err: string; built?: string }> {
    const project = await fs.mkdtemp(path.join(work, 'find-'));
    for (const name of names) {
      await fs.mkdir(path.dirname(path.join(project, name)), { recursive: true });
      await fs.writeFile(path.join(project, name), `# ${name}\n${TWO_RUNS}`);
    }
    const builder = recordingBuilder();
    const { code, err } = await run(['verify', project, '--no-config'], process.env, builder);
    const built = builder.built[0]?.split('\n')[0].slice(2);
    return { code, err: err.replaceAll(project, 'DIR'), built };
  }

  it.each([
    [['Containerfile'], 'Containerfile'],
    [['dockerfile'], 'dockerfile'],
    [['app.Dockerfile'], 'app.Dockerfile'],
    [['Dockerfile.prod'], 'Dockerfile.prod'],
    [['sub/Dockerfile'], 'sub/Dockerfile'],
    [['Dockerfile', 'dockerfile', 'Containerfile', 'app.Dockerfile'], 'Dockerfile'],
    [['dockerfile', 'Containerfile', 'app.Dockerfile'], 'dockerfile'],
    [['Containerfile', 'Dockerfile.dev', 'sub/Dockerfile'], 'Containerfile'],
  ])('in %j, builds %s', async (names, expected) => {
    expect(await builtFrom(names)).toEqual({ code: 0, err: '', built: expected });
  });

  it('asks for one by name when the directory has several and none a build reads by default', async () => {
    expect(await builtFrom(['app.Dockerfile', 'Dockerfile.dev', 'sub/Dockerfile'])).toEqual({
      code: 2,
      err:
        'dslim: DIR: 3 Dockerfiles in this directory (Dockerfile.dev, app.Dockerfile, sub/Dockerfile) ' +
        'and none named Dockerfile, dockerfile, Containerfile; name the one to use\n',
      built: undefined,
    });
  });

  it('says when the directory has none', async () => {
    expect(await builtFrom(['README.md'])).toEqual({
      code: 2,
      err: 'dslim: DIR: no Dockerfile in this directory\n',
      built: undefined,
    });
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
