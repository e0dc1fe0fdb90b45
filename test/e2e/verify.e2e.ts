import { readdirSync, readFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type Io } from '../../src/cli';
import { createBuildah, INSTALL_BUILDAH } from '../../src/image/buildah';
import { compareImages } from '../../src/image/compare';
import { inspectImage } from '../../src/image/inspect';
import { readImage, type Image } from '../../src/image/read';
import { verifyDockerfile } from '../../src/image/verify';
import type { FixOptions } from '../../src/index';
import { ensureBaseImage } from './base-image';

/** What a case expects of its rewrite, from `case.json` beside its Dockerfile. */
interface CaseExpectation {
  /** The rewritten image must be at least this many bytes smaller. */
  minBytesSaved: number;
  /** Transforms that must take part in the rewrite. */
  transforms: string[];
  /** Options for the rewrite, as the API takes them (say, a transform's strategy). */
  fixOptions?: FixOptions;
  /**
   * The builds `verifyDockerfile` must make without the layer cache, which
   * buildah gets wrong for `RUN --mount=…,from=` (see `cachedMountHazard`).
   */
  uncached?: ('original' | 'rewritten')[];
  /**
   * Cache files a `cache`-class rewrite keeps out of the image: the original
   * image must have them and the rewritten one not, and no file may differ
   * in any other way.
   */
  removedCaches?: string[];
}

const CASES_DIR = path.join(__dirname, 'cases');
const cases = readdirSync(CASES_DIR).sort();
const env = {
  ...process.env,
  DSLIM_BUILDAH_ROOT: process.env.DSLIM_BUILDAH_ROOT || '/var/tmp/dslim-e2e-buildah',
};
const buildah = createBuildah(env);
const isRoot = process.getuid?.() === 0;

if (!isRoot) {
  console.warn('e2e tests skipped: buildah builds here need root (vfs storage, chroot isolation).');
}

(isRoot ? describe : describe.skip)('dslim verify on real builds', () => {
  beforeAll(async () => {
    if (!(await buildah.available()))
      throw new Error(
        `buildah is not installed; install it with: ${INSTALL_BUILDAH} busybox-static`,
      );
    await ensureBaseImage(buildah);
  });

  it.each(cases)('%s: same files and config, and smaller', async (name) => {
    const dir = path.join(CASES_DIR, name);
    const expected = JSON.parse(
      readFileSync(path.join(dir, 'case.json'), 'utf8'),
    ) as CaseExpectation;

    const outcome = await verifyDockerfile({
      dockerfile: path.join(dir, 'Dockerfile'),
      buildah,
      fixOptions: expected.fixOptions,
    });

    if (outcome.kind !== 'compared') throw new Error(`${name}: ${JSON.stringify(outcome)}`);
    const { comparison, changes } = outcome;
    expect(outcome.uncached.map((u) => u.variant)).toEqual(expected.uncached ?? []);
    const removedCaches = [...(expected.removedCaches ?? [])].sort();
    expect(comparison.files).toEqual(removedCaches.map((p) => ({ path: p, kind: 'original' })));
    expect(comparison.config).toEqual([]);
    expect(comparison.same).toBe(removedCaches.length === 0);
    expect(comparison.bytesSaved).toBeGreaterThanOrEqual(expected.minBytesSaved);
    expect([...new Set(changes.map((c) => c.transform))].sort()).toEqual(
      expected.transforms.sort(),
    );
    console.log(
      `${name}: ${comparison.bytesSaved} bytes saved, ${comparison.original.layers} → ${comparison.rewritten.layers} layers`,
    );
  });

  it('inspect maps the wasted scratch file of merge-runs to the transform that removes it', async () => {
    const dir = path.join(CASES_DIR, 'merge-runs');

    const report = inspectImage(await buildAndRead(path.join(dir, 'Dockerfile'), dir));

    expect(report.offenders[0]).toMatchObject({
      path: '/tmp/scratch.bin',
      bytes: 2048 * 1024,
      how: 'deleted',
      transform: 'merge-runs',
    });
    expect(report.wastedBytes).toBe(2048 * 1024);
    expect(report.efficiency).toBeLessThan(1);
  });

  it('a naive join of the cd-leak RUNs builds an image the comparison tells apart', async () => {
    const dir = path.join(CASES_DIR, 'cd-leak');
    const naive = path.join(os.tmpdir(), `dslim-e2e-naive-${process.pid}.Dockerfile`);
    await fs.writeFile(
      naive,
      'FROM localhost/dslim-e2e-base:1\n' +
        'RUN mkdir -p /build && cd /build && dd if=/dev/zero of=blob bs=1024 count=1024 2>/dev/null && ' +
        'echo built > marker && rm /build/blob && pwd > where.txt\n',
    );
    try {
      const comparison = compareImages(
        await buildAndRead(path.join(dir, 'Dockerfile'), dir),
        await buildAndRead(naive, dir),
      );

      expect(comparison.same).toBe(false);
      expect(comparison.files).toEqual([
        { path: '/build/marker', kind: 'rewritten' },
        { path: '/build/where.txt', kind: 'rewritten' },
        { path: '/marker', kind: 'original' },
        { path: '/where.txt', kind: 'original' },
      ]);
    } finally {
      await fs.rm(naive, { force: true });
    }
  });

  it('the verify command prints the comparison and exits 0', async () => {
    const { io, out, err } = capturedIo();

    const code = await main(
      ['node', 'dslim', 'verify', path.join(CASES_DIR, 'merge-labels'), '--format', 'json'],
      io,
    );

    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out.join(''));
    expect(report.result).toBe('same');
    expect(report.original.layers).toBe(report.rewritten.layers);
  });

  it('the verify command with --caches mount builds the cache mounts that `fix --caches mount` writes', async () => {
    const dir = path.join(CASES_DIR, 'caches-mount');
    const expected = JSON.parse(
      readFileSync(path.join(dir, 'case.json'), 'utf8'),
    ) as CaseExpectation;
    const { io, out, err } = capturedIo();

    const code = await main(
      ['node', 'dslim', 'verify', dir, '--caches', 'mount', '--no-config', '--format', 'json'],
      io,
    );

    expect(err.join('')).toBe('');
    expect(code).toBe(1);
    const report = JSON.parse(out.join(''));
    expect(report.files).toEqual(
      [...expected.removedCaches!].sort().map((p) => ({ path: p, kind: 'original' })),
    );
    expect(report.config).toEqual([]);
    const changes = report.changes as { transform: string; message: string }[];
    expect(changes.map((c) => c.transform).sort()).toEqual(expected.transforms.sort());
    expect(changes.every((c) => c.message.startsWith('Mounts '))).toBe(true);
    expect(report.bytesSaved).toBeGreaterThanOrEqual(expected.minBytesSaved);
    console.log(`verify --caches mount on caches-mount: ${report.bytesSaved} bytes saved`);
  });
});

/** Builds a Dockerfile, exports the image and reads it back. */
async function buildAndRead(dockerfile: string, context: string): Promise<Image> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'dslim-e2e-image-'));
  const tag = `localhost/dslim-e2e-image:${process.pid}-${path.basename(work)}`.toLowerCase();
  try {
    const built = await buildah.build({ dockerfile, context, tag });
    if (!built.ok) throw new Error(`${dockerfile} failed to build:\n${built.tail.join('\n')}`);
    await buildah.exportOci(tag, path.join(work, 'image'));
    return await readImage(path.join(work, 'image'));
  } finally {
    await buildah.remove(tag);
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** An `Io` for `main` that keeps what the CLI prints. */
function capturedIo(): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => out.push(Buffer.from(t).toString()),
    err: (t) => err.push(t),
    readStdin: async () => Buffer.alloc(0),
    isTTY: false,
    env,
  };
  return { io, out, err };
}
