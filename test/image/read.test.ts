import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { instructionText } from '../../src/image/config';
import { readImage, totalBytes } from '../../src/image/read';
import {
  dir,
  file,
  hardlink,
  opaque,
  sha256,
  symlink,
  tarDirectory,
  whiteout,
  writeDockerArchive,
  writeOciLayout,
  type ImageSpec,
} from './archives';

const BIG = 'x'.repeat(3000);

/** Three layers with a whiteout, an overwrite and an opaque directory, and history with empty steps. */
const spec: ImageSpec = {
  layers: [
    [
      dir('etc/'),
      file('etc/motd', 'hello\n'),
      dir('data/'),
      file('data/old.bin', BIG),
      file('data/keep.txt', 'keep'),
      dir('bin/'),
      file('bin/busybox', 'binary', { mode: 0o755 }),
      symlink('bin/sh', 'busybox'),
    ],
    [
      whiteout('etc/motd'),
      dir('data/'),
      file('data/keep.txt', 'kept again', { uid: 1000, gid: 1000 }),
    ],
    [opaque('data'), file('data/new.txt', 'new'), hardlink('bin/ash', 'bin/busybox')],
  ],
  history: [
    { created_by: '/bin/sh -c #(nop) ADD file:abc in / ' },
    { created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true },
    { created_by: '/bin/sh -c rm /etc/motd && echo kept again > /data/keep.txt' },
    { created_by: '/bin/sh -c #(nop) ENV A=1', empty_layer: true },
    { created_by: 'RUN /bin/sh -c rm -rf /data && mkdir /data # buildkit' },
  ],
  config: {
    User: 'app',
    Env: ['PATH=/bin', 'A=1'],
    Cmd: ['sh'],
    WorkingDir: '/data',
    ExposedPorts: { '8080/tcp': {}, '53/udp': {} },
    Volumes: { '/data': {} },
    Labels: { version: '1' },
    StopSignal: 'SIGINT',
  },
};

let work: string;
beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dslim-read-'));
});
afterAll(() => fs.rm(work, { recursive: true, force: true }));

describe('readImage on a docker save archive', () => {
  it('applies whiteouts, overwrites and opaque directories in layer order', async () => {
    const image = await readImage(await writeDockerArchive(path.join(work, 'a.tar'), spec));

    expect(image.format).toBe('docker-archive');
    expect([...image.files.keys()].sort()).toEqual([
      '/bin',
      '/bin/ash',
      '/bin/busybox',
      '/bin/sh',
      '/data',
      '/data/new.txt',
      '/etc',
    ]);
    expect(image.files.get('/bin/sh')).toMatchObject({ type: 'symlink', linkTarget: 'busybox' });
    expect(image.files.get('/bin/busybox')).toMatchObject({
      mode: 0o755,
      sha256: sha256('binary'),
    });
    expect(image.files.get('/bin/ash')).toMatchObject({
      type: 'file',
      sha256: sha256('binary'),
      size: 0,
    });
    expect(image.files.get('/data/new.txt')?.layer).toBe(2);
  });

  it('records every file a later layer deleted or replaced, with its bytes', async () => {
    const image = await readImage(await writeDockerArchive(path.join(work, 'b.tar'), spec));

    const wasted = image.wasted.map((w) => [w.path, w.bytes, w.layer, w.removedBy, w.how]);
    expect(wasted.sort()).toEqual(
      [
        ['/etc/motd', 6, 0, 1, 'deleted'],
        ['/data/keep.txt', 4, 0, 1, 'overwritten'],
        ['/data/old.bin', 3000, 0, 2, 'deleted'],
        ['/data/keep.txt', 10, 1, 2, 'deleted'],
      ].sort(),
    );
  });

  it('sizes layers by their files and names the step that made each, skipping empty steps', async () => {
    const image = await readImage(await writeDockerArchive(path.join(work, 'c.tar'), spec));

    expect(image.layers.map((l) => [l.bytes, l.step, l.instruction])).toEqual([
      [6 + 3000 + 4 + 6, 0, 'ADD file:abc in /'],
      [10, 2, 'RUN rm /etc/motd && echo kept again > /data/keep.txt'],
      [3, 4, 'RUN rm -rf /data && mkdir /data'],
    ]);
    expect(totalBytes(image)).toBe(3029);
  });

  it('reads the run config', async () => {
    const image = await readImage(await writeDockerArchive(path.join(work, 'd.tar'), spec));

    expect(image.config).toEqual({
      user: 'app',
      env: ['PATH=/bin', 'A=1'],
      entrypoint: null,
      cmd: ['sh'],
      workdir: '/data',
      exposedPorts: ['53/udp', '8080/tcp'],
      volumes: ['/data'],
      labels: { version: '1' },
      stopSignal: 'SIGINT',
    });
  });
});

describe('readImage on OCI images', () => {
  it('reads a layout directory with gzip layers as the same image', async () => {
    const docker = await readImage(await writeDockerArchive(path.join(work, 'e.tar'), spec));
    const oci = await readImage(await writeOciLayout(path.join(work, 'layout'), spec));

    expect(oci.format).toBe('oci');
    expect(oci.files).toEqual(docker.files);
    expect(oci.config).toEqual(docker.config);
    expect(oci.layers).toEqual(docker.layers);
  });

  it('reads an OCI archive', async () => {
    const layout = await writeOciLayout(path.join(work, 'layout2'), spec);
    const oci = await readImage(await tarDirectory(layout, path.join(work, 'oci.tar')));

    expect(oci.files.get('/data/new.txt')?.sha256).toBe(sha256('new'));
    expect(oci.wasted).toHaveLength(4);
  });

  it('counts a layer that appears twice in the manifest twice', async () => {
    const same = [file('a.txt', 'same')];
    const twice: ImageSpec = {
      layers: [same, same],
      history: [{ created_by: '/bin/sh -c echo' }, { created_by: '/bin/sh -c echo' }],
    };
    const image = await readImage(await writeDockerArchive(path.join(work, 'twice.tar'), twice));

    expect(image.layers.map((l) => l.bytes)).toEqual([4, 4]);
    expect(image.wasted).toEqual([
      { path: '/a.txt', bytes: 4, layer: 0, removedBy: 1, how: 'overwritten' },
    ]);
  });
});

describe('readImage on bad input', () => {
  it('says a missing path is missing', async () => {
    await expect(readImage(path.join(work, 'nothing.tar'))).rejects.toThrow(
      `${path.join(work, 'nothing.tar')}: no such file or directory`,
    );
  });

  it('says a directory without an image is not one', async () => {
    await expect(readImage(work)).rejects.toThrow('neither a `docker save` archive');
  });

  it('says a file that is not tar is not a tar archive', async () => {
    const notTar = path.join(work, 'notes.txt');
    await fs.writeFile(notTar, 'just some words that are not a tar header at all\n'.repeat(20));
    await expect(readImage(notTar)).rejects.toThrow('not a readable tar archive');
  });
});

describe('instructionText', () => {
  it.each([
    ['/bin/sh -c #(nop) ENV A=1', 'ENV A=1'],
    ['/bin/sh -c #(nop)  CMD ["sh"]', 'CMD ["sh"]'],
    ['/bin/sh -c apt-get update', 'RUN apt-get update'],
    ['|2 A=1 B=2 /bin/sh -c make', 'RUN make'],
    ['RUN /bin/sh -c make install # buildkit', 'RUN make install'],
    ['COPY src /src # buildkit', 'COPY src /src'],
    ['WORKDIR /app', 'WORKDIR /app'],
  ])('%s → %s', (createdBy, instruction) => {
    expect(instructionText(createdBy)).toBe(instruction);
  });
});

describe('readImage on compressed archives', () => {
  it('reads a gzipped `docker save` as the plain archive, whatever its name', async () => {
    const plain = await writeDockerArchive(path.join(work, 'plain.tar'), spec);
    const expected = await readImage(plain);
    const zipped = gzipSync(await fs.readFile(plain));

    for (const name of ['image.tar.gz', 'image.tgz', 'image.tar']) {
      const target = path.join(work, 'gz', name);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, zipped);
      const image = await readImage(target);
      expect(image.files).toEqual(expected.files);
      expect(image.layers).toEqual(expected.layers);
      expect(image.config).toEqual(expected.config);
    }
  });

  it('reads a gzipped OCI archive', async () => {
    const layout = await writeOciLayout(path.join(work, 'layout-gz'), spec);
    const archive = await tarDirectory(layout, path.join(work, 'oci-gz.tar'));
    const zipped = path.join(work, 'oci.tar.gz');
    await fs.writeFile(zipped, gzipSync(await fs.readFile(archive)));

    const image = await readImage(zipped);

    expect(image.format).toBe('oci');
    expect(image.files.get('/data/new.txt')?.sha256).toBe(sha256('new'));
  });

  it('says a gzip file that holds no tar archive is not one', async () => {
    const notTar = path.join(work, 'notes.txt.gz');
    await fs.writeFile(notTar, gzipSync('just some words, not a tar header\n'.repeat(20)));

    await expect(readImage(notTar)).rejects.toThrow(
      `${notTar}: not a readable gzip-compressed tar archive (`,
    );
  });

  it('says a truncated gzip archive cannot be read', async () => {
    const plain = await writeDockerArchive(path.join(work, 'cut.tar'), spec);
    const zipped = gzipSync(await fs.readFile(plain));
    const cut = path.join(work, 'cut.tar.gz');
    await fs.writeFile(cut, zipped.subarray(0, zipped.length - 100));

    await expect(readImage(cut)).rejects.toThrow(
      `${cut}: not a readable gzip-compressed tar archive (unexpected end of file)`,
    );
  });

  it.each([
    ['zstd', [0x28, 0xb5, 0x2f, 0xfd, 0x00]],
    ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00]],
    ['bzip2', [0x42, 0x5a, 0x68, 0x39]],
  ])('names a %s-compressed file for what it is', async (name, magic) => {
    const target = path.join(work, `image.tar.${name}`);
    await fs.writeFile(target, Buffer.concat([Buffer.from(magic), Buffer.alloc(2048)]));

    await expect(readImage(target)).rejects.toThrow(
      `${target}: a ${name}-compressed file; dslim reads tar archives, plain or gzip-compressed: decompress it first`,
    );
  });
});

it('says a zstd-compressed layer is one dslim does not read', async () => {
  const layout = await writeOciLayout(path.join(work, 'layout-zstd'), spec);
  const index = JSON.parse(await fs.readFile(path.join(layout, 'index.json'), 'utf8'));
  const blob = (digest: string) => path.join(layout, 'blobs', 'sha256', digest.slice(7));
  const manifest = JSON.parse(await fs.readFile(blob(index.manifests[0].digest), 'utf8'));
  const layer = manifest.layers[0].digest as string;
  await fs.writeFile(blob(layer), Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]));

  await expect(readImage(layout)).rejects.toThrow(
    `${layout}: layer blobs/sha256/${layer.slice(7)} cannot be read (it is zstd-compressed, which dslim does not read)`,
  );
});
