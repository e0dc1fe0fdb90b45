import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type Io } from '../../src/cli';
import { fix } from '../../src/index';
import { comparisonText } from '../../src/image/commands';
import { compareImages } from '../../src/image/compare';
import { readImage } from '../../src/image/read';
import { file, whiteout, writeDockerArchive } from './archives';

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

async function run(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    readStdin: async () => Buffer.alloc(0),
    isTTY: false,
    env,
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
