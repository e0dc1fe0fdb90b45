import { spawnSync } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './cli-harness';
import { file, tar, tarDirectory, writeOciLayout } from './image/archives';
import type { Buildah } from '../src/image/buildah';

/*
 * Every file dslim reads goes through one check that refuses what is not a
 * regular file, and every error line names the file it is about:
 * `dslim: PATH: what is wrong`, exit 2. A regression that opens a FIFO
 * would wait for a writer forever: each test here has a short timeout, so
 * it fails instead.
 */

const TIMEOUT = 10_000;
const MERGEABLE = 'FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN curl --version\n';
const MERGED = 'FROM alpine:3.20\nRUN apk add --no-cache curl && \\\n    curl --version\n';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dslim-inputs-'));
});

const fifos: string[] = [];

afterEach(async () => {
  // A regression that opened a FIFO to read is still waiting for a writer:
  // one comes and goes, so the reader sees the end and jest can exit.
  for (const fifo of fifos.splice(0)) {
    const writer = await fs.open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => null);
    await writer?.close();
  }
  await fs.rm(dir, { recursive: true, force: true });
});

function mkfifo(target: string): string {
  expect(spawnSync('mkfifo', [target]).status).toBe(0);
  fifos.push(target);
  return target;
}

const refused = (target: string) => ({
  code: 2,
  out: '',
  err: `dslim: ${target}: not a regular file\n`,
});

/** A small OCI image layout whose blobs are named by their digests. */
async function ociLayout(): Promise<{ root: string; blobs: string[] }> {
  const root = await writeOciLayout(path.join(dir, 'oci'), {
    layers: [[file('app', 'a')]],
    history: [{ created_by: '/bin/sh -c true' }],
  });
  const names = await fs.readdir(path.join(root, 'blobs', 'sha256'));
  return { root, blobs: names.map((n) => path.join(root, 'blobs', 'sha256', n)) };
}

/** Which blob of the layout holds what, by its first bytes. */
async function blobKinds(
  blobs: string[],
): Promise<Record<'manifest' | 'config' | 'layer', string>> {
  const kinds: Record<string, string> = {};
  for (const blob of blobs) {
    const bytes = await fs.readFile(blob);
    const text = bytes.toString('utf8');
    kinds[bytes[0] === 0x1f ? 'layer' : text.includes('"schemaVersion"') ? 'manifest' : 'config'] =
      blob;
  }
  return kinds as Record<'manifest' | 'config' | 'layer', string>;
}

async function replaceWithFifo(target: string): Promise<void> {
  await fs.rm(target);
  mkfifo(target);
}

describe('a path that is not a regular file is refused before it is read', () => {
  test.each([
    ['fix', (fifo: string) => ['fix', fifo]],
    ['fix --write', (fifo: string) => ['fix', '--write', fifo]],
    ['verify', (fifo: string) => ['verify', fifo]],
    ['inspect', (fifo: string) => ['inspect', fifo]],
  ])(
    '%s on a FIFO',
    async (_, args) => {
      const fifo = mkfifo(path.join(dir, 'Dockerfile'));
      expect(await runCli(args(fifo))).toEqual(refused(fifo));
    },
    TIMEOUT,
  );

  test.each([['fix'], ['verify'], ['inspect']])(
    '%s on /dev/zero',
    async (command) => {
      expect(await runCli([command, '/dev/zero'])).toEqual(refused('/dev/zero'));
    },
    TIMEOUT,
  );

  test.each(['manifest.json', 'index.json'])(
    'inspect on an image folder whose %s is a FIFO',
    async (name) => {
      await fs.mkdir(path.join(dir, 'image'));
      const fifo = mkfifo(path.join(dir, 'image', name));
      expect(await runCli(['inspect', path.join(dir, 'image')])).toEqual(refused(fifo));
    },
    TIMEOUT,
  );

  test.each(['manifest', 'config', 'layer'] as const)(
    'inspect on an OCI layout whose %s blob is a FIFO',
    async (kind) => {
      const { root, blobs } = await ociLayout();
      const blob = (await blobKinds(blobs))[kind];
      await replaceWithFifo(blob);
      expect(await runCli(['inspect', root])).toEqual(refused(blob));
    },
    TIMEOUT,
  );

  test(
    'inspect on an OCI layout whose layer blob is a link to /dev/zero',
    async () => {
      const { root, blobs } = await ociLayout();
      const { layer } = await blobKinds(blobs);
      await fs.rm(layer);
      await fs.symlink('/dev/zero', layer);
      expect(await runCli(['inspect', root])).toEqual(refused(layer));
    },
    TIMEOUT,
  );

  test('inspect names a missing layer blob', async () => {
    const { root, blobs } = await ociLayout();
    const { layer } = await blobKinds(blobs);
    await fs.rm(layer);
    expect(await runCli(['inspect', root])).toEqual({
      code: 2,
      out: '',
      err: `dslim: ${layer}: no such file or directory\n`,
    });
  });
});

describe('every error line of verify and inspect names the file', () => {
  test('verify on a file that is not a Dockerfile', async () => {
    const text = path.join(dir, 'notes.txt');
    await fs.writeFile(text, 'hello\n');
    expect(await runCli(['verify', text])).toEqual({
      code: 2,
      out: '',
      err: `dslim: ${text}: line 1: \`hello\` is not a Dockerfile instruction\n`,
    });
  });

  test('verify on a Dockerfile that does not start with FROM', async () => {
    const dockerfile = path.join(dir, 'Dockerfile');
    await fs.writeFile(dockerfile, 'RUN true\n');
    expect((await runCli(['verify', dir])).err).toBe(
      `dslim: ${dockerfile}: line 1: the first instruction is \`RUN\`; a Dockerfile starts with FROM (or ARG)\n`,
    );
  });

  test('verify: an error dslim did not expect names the Dockerfile', async () => {
    const dockerfile = path.join(dir, 'Dockerfile');
    await fs.writeFile(dockerfile, MERGEABLE);
    const builder: Buildah = {
      available: async () => true,
      build: async () => {
        throw new Error('the builder fell over');
      },
      exportOci: async () => {},
      exists: async () => true,
      remove: async () => {},
    };
    expect(await runCli(['verify', dockerfile], { builder })).toEqual({
      code: 2,
      out: '',
      err: `dslim: ${dockerfile}: internal error: the builder fell over (please report it)\n`,
    });
  });

  test('inspect on an image folder whose index.json is not JSON', async () => {
    await fs.mkdir(path.join(dir, 'image'));
    await fs.writeFile(path.join(dir, 'image', 'index.json'), '{ "manifests": [');
    expect((await runCli(['inspect', path.join(dir, 'image')])).err).toBe(
      `dslim: ${path.join(dir, 'image', 'index.json')}: not valid JSON\n`,
    );
  });

  test('inspect on an archive whose manifest.json is not JSON', async () => {
    const archive = path.join(dir, 'image.tar');
    await fs.writeFile(archive, await tar([file('manifest.json', '{ "Config": ')]));
    expect((await runCli(['inspect', archive])).err).toBe(
      `dslim: ${archive}: \`manifest.json\` in it is not valid JSON\n`,
    );
  });

  test('inspect on an image whose layer is not a tar', async () => {
    const { root, blobs } = await ociLayout();
    const { layer } = await blobKinds(blobs);
    await fs.writeFile(layer, 'x'.repeat(1024));
    const name = `blobs/sha256/${path.basename(layer)}`;
    expect(await runCli(['inspect', root])).toEqual({
      code: 2,
      out: '',
      err: `dslim: ${root}: layer ${name} cannot be read (Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?)\n`,
    });
  });
});

/** A malformed image: where it is, and the problem dslim should name after `dslim: PATH: `. */
interface Malformed {
  target: string;
  problem: string;
}

/** The OCI layout of `ociLayout` with one of its files rewritten (or removed, for null). */
async function ociWith(
  change: (files: {
    index: string;
    manifest: string;
    config: string;
  }) => Record<string, string | null>,
): Promise<{ target: string; blob: Record<'manifest' | 'config', string> }> {
  const { root, blobs } = await ociLayout();
  const kinds = await blobKinds(blobs);
  const files = { index: path.join(root, 'index.json'), ...kinds };
  for (const [target, text] of Object.entries(change(files))) {
    if (text === null) await fs.rm(target);
    else await fs.writeFile(target, text);
  }
  const blob = (kind: 'manifest' | 'config') => `blobs/sha256/${path.basename(kinds[kind])}`;
  return { target: root, blob: { manifest: blob('manifest'), config: blob('config') } };
}

/** A `docker save` archive holding `files`. */
async function dockerArchive(files: Record<string, string>): Promise<string> {
  const archive = path.join(dir, 'image.tar');
  await fs.writeFile(archive, await tar(Object.entries(files).map(([n, t]) => file(n, t))));
  return archive;
}

const MALFORMED: [string, () => Promise<Malformed>][] = [
  [
    'an index.json that is null',
    async () => {
      const { target } = await ociWith(({ index }) => ({ [index]: 'null' }));
      return { target, problem: 'index.json is null, not an object' };
    },
  ],
  [
    'an index.json whose manifests is not a list',
    async () => {
      const { target } = await ociWith(({ index }) => ({ [index]: '{"manifests": {}}' }));
      return { target, problem: 'index.json has `manifests` as an object, not a list' };
    },
  ],
  [
    'an index.json with no manifests',
    async () => {
      const { target } = await ociWith(({ index }) => ({ [index]: '{"schemaVersion": 2}' }));
      return { target, problem: 'index.json has no `manifests`' };
    },
  ],
  [
    'an index.json that lists no image',
    async () => {
      const { target } = await ociWith(({ index }) => ({ [index]: '{"manifests": []}' }));
      return { target, problem: 'index.json has `manifests` as an empty list: it lists no image' };
    },
  ],
  [
    'an index.json whose digest is a number',
    async () => {
      const { target } = await ociWith(({ index }) => ({
        [index]: '{"manifests": [{"digest": 5}]}',
      }));
      return { target, problem: 'index.json has `manifests[0].digest` as a number, not a string' };
    },
  ],
  [
    'a manifest that index.json names but the layout lacks',
    async () => {
      const { target, blob } = await ociWith(({ manifest }) => ({ [manifest]: null }));
      return { target, problem: `the manifest ${blob.manifest} named by index.json is missing` };
    },
  ],
  [
    'a manifest that is null',
    async () => {
      const { target, blob } = await ociWith(({ manifest }) => ({ [manifest]: 'null' }));
      return {
        target,
        problem: `the manifest ${blob.manifest} named by index.json is null, not an object`,
      };
    },
  ],
  [
    'a manifest whose layers are not a list',
    async () => {
      const { target, blob } = await ociWith(({ manifest, config }) => ({
        [manifest]: JSON.stringify({
          config: { digest: `sha256:${path.basename(config)}` },
          layers: 'all of them',
        }),
      }));
      return {
        target,
        problem: `the manifest ${blob.manifest} named by index.json has \`layers\` as a string, not a list`,
      };
    },
  ],
  [
    'a config that the manifest names but the layout lacks',
    async () => {
      const { target, blob } = await ociWith(({ config }) => ({ [config]: null }));
      return { target, problem: `the config ${blob.config} named by ${blob.manifest} is missing` };
    },
  ],
  [
    'a config whose history is of the wrong shape',
    async () => {
      const { target, blob } = await ociWith(({ config }) => ({
        [config]: '{"history": [{"created_by": 1}]}',
      }));
      return {
        target,
        problem: `the config ${blob.config} named by ${blob.manifest} has \`history[0].created_by\` as a number, not a string`,
      };
    },
  ],
  [
    'a config whose label is a number',
    async () => {
      const { target, blob } = await ociWith(({ config }) => ({
        [config]: '{"config": {"Labels": {"version": 1}}}',
      }));
      return {
        target,
        problem: `the config ${blob.config} named by ${blob.manifest} has \`config.Labels.version\` as a number, not a string`,
      };
    },
  ],
  [
    'an OCI archive whose manifest is null',
    async () => {
      const { target, blob } = await ociWith(({ manifest }) => ({ [manifest]: 'null' }));
      const archive = await tarDirectory(target, path.join(dir, 'oci.tar'));
      return {
        target: archive,
        problem: `the manifest ${blob.manifest} named by index.json is null, not an object`,
      };
    },
  ],
  [
    'a docker save manifest.json that names no image',
    async () => ({
      target: await dockerArchive({ 'manifest.json': '[]' }),
      problem: 'manifest.json is an empty list: it names no image',
    }),
  ],
  [
    'a docker save manifest.json that is null',
    async () => ({
      target: await dockerArchive({ 'manifest.json': 'null' }),
      problem: 'manifest.json is null, not a list',
    }),
  ],
  [
    'a docker save manifest.json without layers',
    async () => ({
      target: await dockerArchive({ 'manifest.json': '[{"Config": "c.json"}]' }),
      problem: 'manifest.json has no `[0].Layers`',
    }),
  ],
  [
    'an OCI archive with an empty manifest.json: its index.json is read',
    async () => {
      const { target, blob } = await ociWith(({ manifest }) => ({ [manifest]: 'null' }));
      await fs.writeFile(path.join(target, 'manifest.json'), '[]');
      const archive = await tarDirectory(target, path.join(dir, 'oci.tar'));
      return {
        target: archive,
        problem: `the manifest ${blob.manifest} named by index.json is null, not an object`,
      };
    },
  ],
  [
    'a docker save config that manifest.json names but the archive lacks',
    async () => ({
      target: await dockerArchive({ 'manifest.json': '[{"Config": "c.json", "Layers": []}]' }),
      problem: 'the config c.json named by manifest.json is missing',
    }),
  ],
  [
    'a docker save config that is a list',
    async () => ({
      target: await dockerArchive({
        'manifest.json': '[{"Config": "c.json", "Layers": []}]',
        'c.json': '[]',
      }),
      problem: 'the config c.json named by manifest.json is an empty list, not an object',
    }),
  ],
];

describe('inspect on a malformed image says what is wrong in one line', () => {
  test.each(MALFORMED)(
    '%s',
    async (_name, build) => {
      const { target, problem } = await build();
      expect(await runCli(['inspect', target])).toEqual({
        code: 2,
        out: '',
        err: `dslim: ${target}: ${problem}\n`,
      });
    },
    TIMEOUT,
  );
});

test('inspect reads the nulls Docker writes in a config', async () => {
  const { target } = await ociWith(({ config }) => ({
    [config]: JSON.stringify({
      config: { Env: null, Entrypoint: null, Cmd: null, Labels: null, Volumes: null },
      history: null,
    }),
  }));
  const run = await runCli(['inspect', target, '--format', 'json']);
  expect([run.code, run.err]).toEqual([0, '']);
  expect(JSON.parse(run.out).layers).toHaveLength(1);
});

describe('fix --stdin with a JSON or SARIF report', () => {
  test.each(['json', 'sarif'])(
    '--format %s: the Dockerfile on standard output, the report on standard error',
    async (format) => {
      const run = await runCli(['fix', '--stdin', '--format', format], { stdin: MERGEABLE });
      expect(run.code).toBe(0);
      expect(run.out).toBe(MERGED);
      const report = JSON.parse(run.err);
      if (format === 'json') expect(report.path).toBe('<stdin>');
      else expect(report.version).toBe('2.1.0');
    },
  );

  test('fix --help and the README say so', async () => {
    const help = (await runCli(['fix', '--help'])).out.replace(/\s+/g, ' ');
    expect(help).toContain(
      '--stdin read one Dockerfile from standard input and print the whole result; a --format json or sarif report then goes to standard error',
    );
    const readme = await fs.readFile(path.join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme.replace(/\s+/g, ' ')).toContain(
      'With `--stdin`, the Dockerfile goes to standard output as always and the JSON or SARIF report to standard error, so format-on-save still gets the file.',
    );
  });
});
