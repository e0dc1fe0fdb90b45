import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspectImage } from '../../src/image/inspect';
import { readImage } from '../../src/image/read';
import { wasteTransform } from '../../src/image/waste-transforms';
import { file, whiteout, writeDockerArchive, type HistoryEntry, type TarEntry } from './archives';

let work: string;
beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dslim-inspect-'));
});
afterAll(() => fs.rm(work, { recursive: true, force: true }));

const step = (instruction: string, empty = false): HistoryEntry =>
  instruction.startsWith('RUN ')
    ? { created_by: `/bin/sh -c ${instruction.slice(4)}` }
    : { created_by: `/bin/sh -c #(nop) ${instruction}`, ...(empty ? { empty_layer: true } : {}) };

async function inspect(layers: TarEntry[][], history: HistoryEntry[]) {
  const archive = await writeDockerArchive(
    path.join(work, `${layers.length}-${Math.random()}.tar`),
    {
      layers,
      history,
    },
  );
  return inspectImage(await readImage(archive));
}

describe('inspectImage', () => {
  it('measures efficiency and names the transform for each kind of waste', async () => {
    const report = await inspect(
      [
        [file('src/main.c', 'c'.repeat(400)), file('src/Makefile', 'm'.repeat(100))],
        [file('tmp/a.bin', 'a'.repeat(1000))],
        [whiteout('tmp/a.bin'), file('usr/bin/app', 'app')],
        [file('var/lib/apt/lists/pkgs', 'l'.repeat(50))],
        [whiteout('src'), file('etc/config', 'new')],
      ],
      [
        step('COPY dir:1 in /src'),
        step('RUN dd of=/tmp/a.bin'),
        step('RUN rm /tmp/a.bin && cc -o /usr/bin/app'),
        step('RUN apt-get update'),
        step('ENV X=1', true),
        step('RUN make -C /src install && rm -rf /src'),
      ],
    );

    expect(report.totalBytes).toBe(400 + 100 + 1000 + 3 + 50 + 3);
    expect(report.wastedBytes).toBe(1500);
    expect(report.efficiency).toBeCloseTo(56 / 1556, 6);
    expect(report.offenders).toEqual([
      {
        path: '/tmp/a.bin',
        count: 1,
        bytes: 1000,
        how: 'deleted',
        writtenBy: 'RUN dd of=/tmp/a.bin',
        removedBy: 'RUN rm /tmp/a.bin && cc -o /usr/bin/app',
        transform: 'merge-runs',
      },
      {
        path: '/src/main.c',
        count: 2,
        bytes: 500,
        how: 'deleted',
        writtenBy: 'COPY dir:1 in /src',
        removedBy: 'RUN make -C /src install && rm -rf /src',
        transform: 'extract-install-stage',
      },
    ]);
    expect(report.keptCaches).toEqual([
      { what: 'apt package lists', transform: 'clean-apt-lists', files: 1, bytes: 50 },
    ]);
  });

  it('keeps only the biggest offenders', async () => {
    const layers = [1, 2, 3].map((n) => [file(`f${n}`, 'z'.repeat(n * 10))]);
    const removal = [whiteout('f1'), whiteout('f2'), whiteout('f3')];
    const archive = await writeDockerArchive(path.join(work, 'limit.tar'), {
      layers: [...layers, removal],
      history: [1, 2, 3, 4].map((n) => step(`RUN step ${n}`)),
    });

    const report = inspectImage(await readImage(archive), 2);

    expect(report.offenders.map((o) => [o.path, o.bytes])).toEqual([
      ['/f3', 30],
      ['/f2', 20],
    ]);
    expect(report.efficiency).toBe(0);
  });
});

describe('wasteTransform', () => {
  const history = [
    step('RUN make'),
    step('RUN rm -rf build'),
    step('ENV A=1', true),
    step('RUN rm -rf out'),
    step('COPY . /src'),
    step('RUN rm -rf /src'),
    step('ADD big.tar /x'),
    step('COPY other /x'),
  ].map((h) => ({
    instruction: h.created_by.replace(/^\/bin\/sh -c (#\(nop\) )?/, (_m, nop) =>
      nop ? '' : 'RUN ',
    ),
    empty: h.empty_layer === true,
  }));

  it.each([
    ['a RUN file the next RUN deletes', '/b/o', 0, 1, 'merge-runs'],
    ['a RUN file a RUN after an ENV deletes', '/b/o', 0, 3, 'delete-in-creating-layer'],
    ['a copied file a RUN deletes', '/src/a.c', 4, 5, 'mount-consumed-copy'],
    ['a pip cache however removed', '/root/.cache/pip/wheel', 0, 1, 'pip-no-cache'],
    ['an npm cache', '/root/.npm/_cacache/x', 0, 3, 'clean-node-cache'],
    ['an apk cache', '/var/cache/apk/APKINDEX', 0, 1, 'apk-no-cache'],
    ['a yum cache', '/var/cache/yum/x86_64/repomd', 0, 1, 'clean-yum-cache'],
    ['a Go build cache', '/root/.cache/go-build/0a/0a1b-d', 0, 1, 'clean-go-cache'],
    ['a Go module cache', '/go/pkg/mod/golang.org/x/text@v0.14.0/go.mod', 0, 1, 'clean-go-cache'],
  ])('%s → %s', (_name, file, writer, remover, transform) => {
    expect(wasteTransform(file, 'deleted', history, writer, remover)).toBe(transform);
  });

  it('names no transform for a file a COPY replaces or an overwrite', () => {
    expect(wasteTransform('/x/a', 'overwritten', history, 6, 7)).toBeNull();
    expect(wasteTransform('/x/a', 'deleted', history, 6, 7)).toBeNull();
  });
});
