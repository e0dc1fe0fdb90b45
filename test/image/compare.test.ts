import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareImages } from '../../src/image/compare';
import { readImage, type Image } from '../../src/image/read';
import { dir, file, symlink, writeDockerArchive, type ImageSpec, type TarEntry } from './archives';

let work: string;
let count = 0;
beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dslim-compare-'));
});
afterAll(() => fs.rm(work, { recursive: true, force: true }));

async function image(layers: TarEntry[][], extra: Partial<ImageSpec> = {}): Promise<Image> {
  const spec: ImageSpec = {
    layers,
    history: layers.map(() => ({ created_by: '/bin/sh -c true' })),
    ...extra,
  };
  return readImage(await writeDockerArchive(path.join(work, `${count++}.tar`), spec));
}

const BASE = [dir('bin/'), file('bin/tool', 'tool', { mode: 0o755 }), symlink('bin/t', 'tool')];
const SCRATCH = file('tmp/scratch', 'y'.repeat(500));

describe('compareImages', () => {
  it('finds two layouts of the same files the same, and counts the bytes saved', async () => {
    const split = await image([BASE, [SCRATCH], [file('.wh.tmp', '')]]);
    const joined = await image([BASE]);

    const comparison = compareImages(split, joined);

    expect(comparison).toMatchObject({
      original: { bytes: 504, layers: 3 },
      rewritten: { bytes: 4, layers: 1 },
      bytesSaved: 500,
      files: [],
      config: [],
      same: true,
    });
  });

  it('lists files only one image has and fields that differ', async () => {
    const original = await image([BASE, [file('etc/only-before', 'a')]]);
    const rewritten = await image([
      [dir('bin/'), file('bin/tool', 'tool', { mode: 0o700, uid: 5 }), symlink('bin/t', 'other')],
      [file('etc/only-after', 'b')],
    ]);

    const comparison = compareImages(original, rewritten);

    expect(comparison.same).toBe(false);
    expect(comparison.files).toEqual([
      {
        path: '/bin/t',
        kind: 'changed',
        fields: [{ field: 'linkTarget', original: 'tool', rewritten: 'other' }],
      },
      {
        path: '/bin/tool',
        kind: 'changed',
        fields: [
          { field: 'mode', original: 0o755, rewritten: 0o700 },
          { field: 'uid', original: 0, rewritten: 5 },
        ],
      },
      { path: '/etc/only-after', kind: 'rewritten' },
      { path: '/etc/only-before', kind: 'original' },
    ]);
  });

  it('notices the same path with other content', async () => {
    const comparison = compareImages(
      await image([[file('a', 'one')]]),
      await image([[file('a', 'two')]]),
    );

    expect(comparison.files.map((d) => d.fields?.map((f) => f.field))).toEqual([['sha256']]);
  });

  it('ignores what the builder writes into every container', async () => {
    const runFiles = [file('etc/hosts', '127.0.0.1 a'), file('etc/resolv.conf', 'x'), dir('proc/')];
    const comparison = compareImages(await image([BASE, runFiles]), await image([BASE]));

    expect(comparison.files).toEqual([]);
  });

  it('reports an empty WORKDIR directory apart, without counting it', async () => {
    const history = [
      { created_by: '/bin/sh -c true' },
      { created_by: '/bin/sh -c #(nop) WORKDIR /app', empty_layer: true },
      { created_by: '/bin/sh -c true' },
    ];
    const original = await image([BASE, [dir('app/'), dir('data/')]], { history });
    const rewritten = await image([BASE, [file('x', '')]], { history });

    const comparison = compareImages(original, rewritten);

    expect(comparison.builderDirectories).toEqual([{ path: '/app', kind: 'original' }]);
    expect(comparison.files).toEqual([
      { path: '/data', kind: 'original' },
      { path: '/x', kind: 'rewritten' },
    ]);
  });

  it("reports the builder's empty /run and RUN --mount targets apart, but not files in them", async () => {
    const history = [
      { created_by: '/bin/sh -c true' },
      { created_by: 'RUN --mount=type=cache,target=/root/.cache/pip /bin/sh -c pip install x' },
    ];
    const made = [dir('run/'), dir('root/'), dir('root/.cache/'), dir('root/.cache/pip/')];
    const original = await image([BASE, made], { history });
    const rewritten = await image([BASE, [dir('root/')]], { history: history.slice(0, 1) });

    const comparison = compareImages(original, rewritten);

    expect(comparison.builderDirectories).toEqual([
      { path: '/root/.cache', kind: 'original' },
      { path: '/root/.cache/pip', kind: 'original' },
      { path: '/run', kind: 'original' },
    ]);
    expect(comparison.files).toEqual([]);
    expect(comparison.same).toBe(true);

    const withFile = await image([BASE, [dir('run/'), file('run/app.pid', '1')]], { history });
    const differs = compareImages(withFile, rewritten);
    expect(differs.files).toEqual([
      { path: '/run', kind: 'original' },
      { path: '/run/app.pid', kind: 'original' },
    ]);
  });

  it('lists each config field that differs with both values', async () => {
    const original = await image([BASE], {
      config: { Cmd: ['sh'], Labels: { a: '1', b: '2' }, User: 'app' },
    });
    const rewritten = await image([BASE], {
      config: { Cmd: ['sh', '-c'], Labels: { b: '2', a: '1' }, User: 'app' },
    });

    expect(compareImages(original, rewritten).config).toEqual([
      { field: 'cmd', original: ['sh'], rewritten: ['sh', '-c'] },
    ]);
  });
});
