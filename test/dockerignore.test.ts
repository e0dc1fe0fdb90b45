import {
  promises as fs,
  mkdtempSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main, type Io } from '../src/cli';
import { contextSources, adviseDockerignore, starterEntries } from '../src/dockerignore';
import { DockerDocument } from '../src/document';
import { lines } from './harness';

let context: string;

beforeEach(() => {
  context = mkdtempSync(path.join(tmpdir(), 'dslim-ignore-'));
});
afterEach(() => rmSync(context, { recursive: true, force: true }));

/**
 * Writes files under the temporary folder, the root of a repository (it
 * holds `.git`, where the search for ignore files stops), and gives the
 * path of its `Dockerfile`.
 */
function project(files: Record<string, string>): string {
  mkdirSync(path.join(context, '.git'), { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(context, name)), { recursive: true });
    writeFileSync(path.join(context, name), text);
  }
  return path.join(context, 'Dockerfile');
}

const copiesAll = lines(
  'FROM node:20-slim',
  'WORKDIR /app',
  'COPY . .',
  'RUN npm ci',
  'CMD ["node", "server.js"]',
);

describe('adviseDockerignore', () => {
  test('notes a whole-context COPY without an ignore file, at its line', async () => {
    const dockerfile = project({ Dockerfile: copiesAll, 'dist/main.js': '', 'debug.log': '' });
    const notes = await adviseDockerignore(dockerfile, copiesAll, { write: false });
    expect(notes).toHaveLength(1);
    expect(notes[0].line).toBe(3);
    expect(notes[0].message).toContain('`.git`, `node_modules`, `dist`, `*.log`');
  });

  test.each(['.dockerignore', 'Dockerfile.dockerignore'])(
    'stays silent when %s exists',
    async (name) => {
      const dockerfile = project({ Dockerfile: copiesAll, [name]: '.git\n' });
      expect(await adviseDockerignore(dockerfile, copiesAll, { write: false })).toEqual([]);
    },
  );

  test('looks for `<name>.dockerignore` beside a named Dockerfile', async () => {
    project({ 'app.Dockerfile': copiesAll, 'app.Dockerfile.dockerignore': '.git\n' });
    const dockerfile = path.join(context, 'app.Dockerfile');
    expect(await adviseDockerignore(dockerfile, copiesAll, { write: false })).toEqual([]);
  });

  test('stays silent when only named paths or other stages are copied', async () => {
    const text = lines('FROM alpine AS b', 'FROM alpine', 'COPY --from=b . /x/', 'COPY src /src/');
    const dockerfile = project({ Dockerfile: text });
    expect(await adviseDockerignore(dockerfile, text, { write: false })).toEqual([]);
  });

  test('names where it looked, and the file it would create', async () => {
    const dockerfile = project({ Dockerfile: copiesAll });
    const notes = await adviseDockerignore(dockerfile, copiesAll, { write: false });
    expect(notes).toEqual([
      {
        transform: 'dockerignore',
        line: 3,
        message: `\`COPY .\` sends the whole build context, and dslim found no ignore file for it: there is no \`Dockerfile.dockerignore\` beside this Dockerfile, nor a \`.dockerignore\` or \`.containerignore\` in its folder, the root of its repository. So files such as \`.git\`, \`node_modules\` may reach the image. \`dslim fix --write --write-dockerignore\` creates \`${path.join(context, '.dockerignore')}\`, which lists them.`,
      },
    ]);
  });

  test('creates the starter file when asked, and never overwrites one', async () => {
    const dockerfile = project({ Dockerfile: copiesAll, 'target/x.class': '' });
    const notes = await adviseDockerignore(dockerfile, copiesAll, { write: true });
    expect(notes[0].message).toContain('Created');
    expect(readFileSync(path.join(context, '.dockerignore'), 'utf8')).toBe(
      '.git\nnode_modules\ntarget\n',
    );
    writeFileSync(path.join(context, '.dockerignore'), 'mine\n');
    expect(await adviseDockerignore(dockerfile, copiesAll, { write: true })).toEqual([]);
    expect(readFileSync(path.join(context, '.dockerignore'), 'utf8')).toBe('mine\n');
  });
});

describe('a Dockerfile below the root of its repository', () => {
  const nested = path.join('docker', 'Dockerfile');
  const dockerfileIn = () => path.join(context, nested);

  test.each([
    ['.dockerignore at the repository root', '.dockerignore'],
    ['.containerignore at the repository root', '.containerignore'],
    ['.dockerignore in a folder between', 'docker/.dockerignore'],
    ['Dockerfile.dockerignore beside it', 'docker/Dockerfile.dockerignore'],
    ['Dockerfile.containerignore beside it', 'docker/Dockerfile.containerignore'],
  ])('gets no advice with %s, which a build may read', async (_, ignore) => {
    project({ [nested]: copiesAll, [ignore]: '.git\n' });
    const before = await fs.readdir(path.join(context, 'docker'));
    expect(await adviseDockerignore(dockerfileIn(), copiesAll, { write: true })).toEqual([]);
    expect(await fs.readdir(path.join(context, 'docker'))).toEqual(before);
  });

  test('names the folders it searched, up to the repository root', async () => {
    project({ [nested]: copiesAll });
    const [note] = await adviseDockerignore(dockerfileIn(), copiesAll, { write: false });
    expect(note.message).toContain(
      `there is no \`Dockerfile.dockerignore\` beside this Dockerfile, nor a \`.dockerignore\` or \`.containerignore\` in its folder or a folder above it up to the repository root \`${context}\`. So files such as`,
    );
    expect(note.message).toContain(`creates \`${dockerfileIn()}.dockerignore\`, which lists them.`);
  });

  test('stops at the repository root: an ignore file above it is not for this build', async () => {
    project({ 'repo/docker/Dockerfile': copiesAll, '.dockerignore': 'x\n' });
    mkdirSync(path.join(context, 'repo', '.git'));
    const dockerfile = path.join(context, 'repo', 'docker', 'Dockerfile');
    const [note] = await adviseDockerignore(dockerfile, copiesAll, { write: false });
    expect(note.message).toContain(`up to the repository root \`${path.join(context, 'repo')}\``);
  });

  test('writes `Dockerfile.dockerignore` beside it, which BuildKit reads whatever the context', async () => {
    project({ [nested]: copiesAll });
    const [note] = await adviseDockerignore(dockerfileIn(), copiesAll, { write: true });
    expect(readFileSync(`${dockerfileIn()}.dockerignore`, 'utf8')).toBe('.git\nnode_modules\n');
    expect(await fs.readdir(path.join(context, 'docker'))).toEqual([
      'Dockerfile',
      'Dockerfile.dockerignore',
    ]);
    expect(note.message).toContain(
      `Created \`${dockerfileIn()}.dockerignore\` listing \`.git\`, \`node_modules\`, which BuildKit and buildah read for this Dockerfile whatever the build context is, in place of any \`.dockerignore\` there.`,
    );
  });

  test('outside any repository, searches up to `/` and writes its own file', async () => {
    // No `project`: no `.git` here, and none is expected above the temporary folder.
    const dockerfile = path.join(context, 'Dockerfile');
    writeFileSync(dockerfile, copiesAll);
    const [note] = await adviseDockerignore(dockerfile, copiesAll, { write: true });
    expect(note.message).toContain(
      'nor a `.dockerignore` or `.containerignore` in its folder or any folder above it (it is in no repository).',
    );
    expect(readFileSync(`${dockerfile}.dockerignore`, 'utf8')).toBe('.git\nnode_modules\n');
  });

  test('names its own file after a named Dockerfile', async () => {
    project({ 'docker/app.Dockerfile': copiesAll });
    const dockerfile = path.join(context, 'docker', 'app.Dockerfile');
    const [note] = await adviseDockerignore(dockerfile, copiesAll, { write: true });
    expect(note.message).toContain('there is no `app.Dockerfile.dockerignore` beside');
    expect(readFileSync(`${dockerfile}.dockerignore`, 'utf8')).toBe('.git\nnode_modules\n');
  });
});

describe('turning the advice off', () => {
  test.each([
    ['# dslim-ignore dockerignore', ['# dslim-ignore dockerignore', 'COPY . .']],
    ['# dslim-ignore (every id)', ['# dslim-ignore', 'COPY . .']],
    ['# dslim-disable dockerignore', ['# dslim-disable dockerignore', 'RUN true', 'COPY . .']],
  ])('%s above the COPY silences it', async (_, middle) => {
    const text = lines('FROM node:20-slim', ...middle, 'RUN npm ci');
    const dockerfile = project({ Dockerfile: text });
    expect(await adviseDockerignore(dockerfile, text, { write: true })).toEqual([]);
  });

  test('a comment above one `COPY .` moves the note to the next one', async () => {
    const text = lines('FROM node:20', '# dslim-ignore dockerignore', 'COPY . /app', 'COPY . /b');
    const dockerfile = project({ Dockerfile: text });
    const notes = await adviseDockerignore(dockerfile, text, { write: false });
    expect(notes.map((n) => n.line)).toEqual([4]);
    expect(notes[0].message).toMatch(/^`COPY \.` sends the whole build context/);
  });

  test('a comment above every `COPY .` silences the advice', async () => {
    const text = lines(
      'FROM node:20',
      '# dslim-ignore dockerignore',
      'COPY . /app',
      '# dslim-ignore dockerignore',
      'COPY . /b',
    );
    const dockerfile = project({ Dockerfile: text });
    expect(await adviseDockerignore(dockerfile, text, { write: false })).toEqual([]);
  });

  test('a comment for another id does not', async () => {
    const text = lines('FROM node:20-slim', '# dslim-ignore merge-runs', 'COPY . .', 'RUN npm ci');
    const dockerfile = project({ Dockerfile: text });
    expect(await adviseDockerignore(dockerfile, text, { write: false })).toHaveLength(1);
  });
});

describe('what the Dockerfile uses after copying the context', () => {
  /** The note and the ignore file written (null when none is) for a Dockerfile. */
  async function advise(text: string, files: Record<string, string> = {}) {
    const dockerfile = project({ Dockerfile: text, ...files });
    const [note] = await adviseDockerignore(dockerfile, text, { write: true });
    const file = path.join(context, '.dockerignore');
    const written = await fs.readFile(file, 'utf8').catch(() => null);
    return { message: note.message, written };
  }
  const noInstall =
    '`node_modules` is kept: no `RUN` of the stage of the `COPY .` at line 3 installs packages (`npm ci`, `npm install`, `yarn install`, `pnpm install`), so it may use the copied ones';

  test.each([
    [
      'a RUN that runs git',
      ['FROM alpine/git', 'WORKDIR /src', 'COPY . .', 'RUN git rev-parse HEAD > /version'],
      '`.git` is kept: the `RUN` at line 4 runs `git`',
    ],
    [
      'a pip install of the project (setuptools-scm)',
      ['FROM python:3.12', 'WORKDIR /src', 'COPY . .', 'RUN pip install --no-cache-dir .'],
      '`.git` is kept: the `RUN` at line 4 runs `pip install .`, which may read version-control metadata',
    ],
    [
      'python setup.py',
      ['FROM python:3.12', 'WORKDIR /src', 'COPY . .', 'RUN python3 setup.py bdist_wheel'],
      '`.git` is kept: the `RUN` at line 4 runs `python3 setup.py`, which may read version-control metadata',
    ],
    [
      'python -m build',
      ['FROM python:3.12', 'WORKDIR /src', 'COPY . .', 'RUN python -m build --wheel'],
      '`.git` is kept: the `RUN` at line 4 runs `python -m build`, which may read version-control metadata',
    ],
    [
      'go build in a stage built from the copying one',
      ['FROM golang:1.22 AS src', 'WORKDIR /src', 'COPY . .', 'FROM src', 'RUN go build -o /app .'],
      '`.git` is kept: the `RUN` at line 5 runs `go build`, which may read version-control metadata',
    ],
    [
      'an ENTRYPOINT that runs what the CMD gives it',
      [
        'FROM python:3.12',
        'WORKDIR /src',
        'COPY . .',
        'ENTRYPOINT ["python"]',
        'CMD ["setup.py", "bdist_wheel"]',
      ],
      '`.git` is kept: the `ENTRYPOINT` at line 4 with the `CMD` at line 5 runs `python setup.py`, which may read version-control metadata',
    ],
    [
      'a pip install of the copied tree by its path',
      ['FROM python:3.12', 'WORKDIR /src', 'COPY . /app', 'RUN pip install /app'],
      '`.git` is kept: the `RUN` at line 4 runs `pip install /app`, which may read version-control metadata',
    ],
    [
      'an editable pip install inside the copied tree',
      ['FROM python:3.12', 'WORKDIR /srv', 'COPY . app', 'RUN pip install -e /srv/app/lib'],
      '`.git` is kept: the `RUN` at line 4 runs `pip install /srv/app/lib`, which may read version-control metadata',
    ],
    [
      'a pip install with the path as an option value',
      ['FROM python:3.12', 'WORKDIR /src', 'COPY . /app', 'RUN pip install --editable=/app[dev]'],
      '`.git` is kept: the `RUN` at line 4 runs `pip install /app`, which may read version-control metadata',
    ],
    [
      'cargo build with a manifest path',
      [
        'FROM rust:1',
        'WORKDIR /',
        'COPY . /src',
        'RUN cargo build --manifest-path /src/Cargo.toml',
      ],
      '`.git` is kept: the `RUN` at line 4 runs `cargo build`, which may read version-control metadata',
    ],
    [
      'a CMD that names .git',
      ['FROM alpine', 'WORKDIR /src', 'COPY . .', 'CMD ["cat", ".git/HEAD"]'],
      '`.git` is kept: the `CMD` at line 4 names `.git/HEAD`',
    ],
  ])('keeps `.git` for %s', async (_, text, reason) => {
    const { message, written } = await advise(lines(...text));
    expect(message).toContain(reason);
    expect(written).toBeNull();
    // No Node tool, no `node` image, no `node_modules` folder: nothing to say about one.
    expect(message).not.toContain('node_modules');
  });

  test.each([
    ['a `node_modules` folder in the context', ['FROM python:3.12'], { 'node_modules/x/i.js': '' }],
    ['a RUN that runs node', ['FROM python:3.12', 'RUN node --version'], {}],
    ['a node image', ['FROM node:20-slim'], {}],
  ])('names the kept `node_modules` where the context may have one: %s', async (_, head, files) => {
    const text = lines(...head.slice(0, 1), 'WORKDIR /src', 'COPY . .', ...head.slice(1));
    const { message } = await advise(text, files);
    expect(message).toContain(noInstall);
  });

  test('lists `.git` for a pip install of a path outside the copied tree', async () => {
    const text = lines('FROM python:3.12', 'WORKDIR /src', 'COPY . /app', 'RUN pip install /opt/x');
    const { written } = await advise(text);
    expect(written).toBe('.git\n');
  });

  test('a plain Python image: `python -m build` is named as written, and `node_modules` is not', async () => {
    const text = lines('FROM python:3.12', 'COPY . /src', 'RUN cd /src && python -m build');
    const { message } = await advise(text);
    expect(message).toContain(
      'Every usual entry is a source this Dockerfile copies or uses, so none is suggested. `.git` is kept: the `RUN` at line 3 runs `python -m build`, which may read version-control metadata.',
    );
  });

  test('keeps vendored node_modules that the CMD runs, though packages are installed', async () => {
    const text = lines(
      'FROM node:20-slim',
      'WORKDIR /app',
      'COPY . .',
      'RUN npm ci',
      'CMD ["node", "node_modules/foo/index.js"]',
    );
    const { message, written } = await advise(text);
    expect(written).toBe('.git\n');
    expect(message).toContain(
      'Created `' +
        path.join(context, '.dockerignore') +
        '` listing `.git`. `node_modules` is kept: the `CMD` at line 5 names `node_modules/foo/index.js`.',
    );
  });

  test('keeps node_modules when no RUN installs packages (`npm rebuild` only)', async () => {
    const text = lines('FROM node:20-slim', 'WORKDIR /app', 'COPY . .', 'RUN npm rebuild');
    const { message, written } = await advise(text);
    expect(written).toBe('.git\n');
    expect(message).toContain(`listing \`.git\`. ${noInstall}.`);
  });

  test('keeps a build output a later instruction names', async () => {
    const text = lines(
      'FROM eclipse-temurin:21',
      'WORKDIR /app',
      'COPY . .',
      'CMD ["java", "-jar", "target/app.jar"]',
    );
    const { message, written } = await advise(text, { 'target/app.jar': '', 'dist/x': '' });
    expect(written).toBe('.git\ndist\n');
    expect(message).toContain('`target` is kept: the `CMD` at line 4 names `target/app.jar`');
  });

  test('lists every entry when packages are installed and nothing names them', async () => {
    const text = lines(
      'FROM node:20-slim',
      'WORKDIR /app',
      'COPY package.json package-lock.json ./',
      'RUN npm ci',
      'COPY . .',
      'RUN npm run build',
      'CMD ["node", "server.js"]',
    );
    const { message, written } = await advise(text, { 'dist/x': '', 'a.log': '' });
    expect(written).toBe('.git\nnode_modules\ndist\n*.log\n');
    expect(message).not.toContain('is kept');
  });
});

describe('starterEntries', () => {
  test('lists build outputs only when they exist', async () => {
    project({ 'build/out.o': '', 'pkg/__pycache__/m.pyc': '' });
    expect(await starterEntries(context, [])).toEqual([
      '.git',
      'node_modules',
      'build',
      '**/__pycache__',
    ]);
  });

  test('never lists what the Dockerfile copies, its parents or its children', async () => {
    project({ 'dist/a.js': '', 'build/b': '', 'target/c': '', 'x.log': '' });
    const text = lines(
      'FROM alpine',
      'COPY . .',
      'COPY ./dist/a.js /srv/',
      'COPY node_modules/ /srv/node_modules/',
      'COPY ["build", "/b/"]',
      'COPY x.log /logs/',
    );
    const sources = contextSources(new DockerDocument(text));
    expect(sources).toEqual(['dist/a.js', 'node_modules', 'build', 'x.log']);
    expect(await starterEntries(context, sources)).toEqual(['.git', 'target']);
  });

  test('a wildcard source keeps what it may match', async () => {
    project({ 'dist/a.js': '', 'target/c': '' });
    expect(await starterEntries(context, ['*'])).toEqual([]);
    expect(await starterEntries(context, ['t*'])).toEqual(['.git', 'node_modules', 'dist']);
  });

  test('a source named by a variable keeps everything', async () => {
    project({ 'dist/a.js': '' });
    expect(await starterEntries(context, ['$APP'])).toEqual([]);
  });
});

describe('dslim fix', () => {
  function io(): Io & { text: () => string } {
    let out = '';
    return {
      out: (t) => void (out += t),
      err: (t) => void (out += t),
      readStdin: async () => Buffer.alloc(0),
      isTTY: false,
      env: {},
      text: () => out,
    };
  }

  test('ends each file with its layer counts and writes the ignore file only with the flag', async () => {
    const text = lines(
      'FROM node:20-slim',
      'COPY a /app/',
      'COPY b /app/',
      'COPY . /app/',
      'RUN x',
      'RUN y',
    );
    const dockerfile = project({ Dockerfile: text });
    const first = io();
    expect(await main(['node', 'dslim', 'fix', '--write', dockerfile], first)).toBe(0);
    expect(first.text()).toContain(`${dockerfile}: layers per stage: stage 0 5 → 2\n`);
    expect(first.text()).toContain('--write-dockerignore');
    expect(() => readFileSync(path.join(context, '.dockerignore'))).toThrow();

    const second = io();
    await main(['node', 'dslim', 'fix', '--write', '--write-dockerignore', dockerfile], second);
    // No RUN installs packages, so the copied `node_modules` may be what runs.
    expect(readFileSync(path.join(context, '.dockerignore'), 'utf8')).toBe('.git\n');
  });

  test('never ignores a file the rewrite bind-mounts instead of copying', async () => {
    // The COPY becomes `RUN --mount=type=bind,source=build/setup.sh`: the file
    // still comes from the build context, so `build` must stay out of the list.
    const text = lines(
      'FROM debian:bookworm-slim',
      'COPY build/setup.sh /tmp/setup.sh',
      'RUN sh /tmp/setup.sh && rm /tmp/setup.sh',
      'COPY . /app',
    );
    const dockerfile = project({ Dockerfile: text, 'build/setup.sh': '', 'dist/x': '' });
    const run = io();
    const args = ['fix', '--write', '--write-dockerignore', dockerfile];
    expect(await main(['node', 'dslim', ...args], run)).toBe(0);
    expect(readFileSync(dockerfile, 'utf8')).toContain('--mount=type=bind,source=build/setup.sh');
    expect(readFileSync(path.join(context, '.dockerignore'), 'utf8')).toBe('.git\ndist\n');
  });

  test.each([
    [['--skip', 'dockerignore'], {}],
    [['--only', 'merge-runs'], {}],
    [[], { '.dslimrc.yaml': 'skip: [dockerignore]\n' }],
  ])('gives no advice with %j and files %j', async (flags, files) => {
    const dockerfile = project({ Dockerfile: copiesAll, ...files });
    const run = io();
    const args = ['fix', '--write', '--write-dockerignore', ...flags, dockerfile];
    expect(await main(['node', 'dslim', ...args], run)).toBe(0);
    expect(run.text()).not.toContain('dockerignore');
    expect(await fs.readdir(context)).not.toContain('.dockerignore');
  });

  test('--only dockerignore gives the advice alone', async () => {
    const dockerfile = project({ Dockerfile: `${copiesAll}RUN a\nRUN b\n` });
    const run = io();
    expect(await main(['node', 'dslim', 'fix', '--only', 'dockerignore', dockerfile], run)).toBe(0);
    expect(run.text()).toContain(`${dockerfile}:3:1  dockerignore  note: `);
    expect(run.text()).not.toContain('merge-runs');
  });

  test('writes `<name>.dockerignore` when another Dockerfile shares the folder', async () => {
    const release = lines('FROM alpine:3.19', 'COPY . /app', 'RUN cd /app && git describe --tags');
    const plain = lines('FROM alpine:3.19', 'COPY . /app', 'CMD ["sh"]');
    const dockerfile = project({ Dockerfile: plain, 'release.Dockerfile': release });
    const run = io();
    const args = ['fix', '--write', '--write-dockerignore', context];
    expect(await main(['node', 'dslim', ...args], run)).toBe(0);
    expect(await fs.readdir(context)).not.toContain('.dockerignore');
    // No RUN installs packages, so `node_modules` stays; release.Dockerfile needs `.git` too.
    expect(readFileSync(`${dockerfile}.dockerignore`, 'utf8')).toBe('.git\n');
    expect(await fs.readdir(context)).not.toContain('release.Dockerfile.dockerignore');
    expect(run.text()).toContain(
      `Created \`${path.join(context, 'Dockerfile.dockerignore')}\` listing \`.git\`, which BuildKit and buildah read`,
    );
  });

  test('a Dockerfile in a folder below counts as sharing the folder', async () => {
    const dockerfile = project({ Dockerfile: copiesAll, 'sub/Dockerfile': 'FROM alpine\n' });
    const notes = await adviseDockerignore(dockerfile, copiesAll, { write: false });
    expect(notes[0].message).toContain(`creates \`${dockerfile}.dockerignore\``);
  });

  test('the files written and the notes do not depend on the order of the files', async () => {
    const root = lines('FROM node:20', 'WORKDIR /app', 'COPY . .', 'RUN npm ci');
    const sub = lines('FROM python:3.12', 'COPY . /app', 'RUN pip install /app');
    const outcome = async (order: string[]) => {
      project({ Dockerfile: root, 'sub/Dockerfile': sub, 'sub/dist/x': '' });
      const run = io();
      const args = [
        'fix',
        '--write',
        '--write-dockerignore',
        ...order.map((f) => path.join(context, f)),
      ];
      expect(await main(['node', 'dslim', ...args], run)).toBe(0);
      const written = (await fs.readdir(context, { recursive: true })).filter((f) =>
        /ignore$/.test(f),
      );
      const notes = run
        .text()
        .split('\n')
        .filter((l) => l.includes('dockerignore  note:'))
        .sort();
      rmSync(context, { recursive: true, force: true });
      mkdirSync(context);
      return { written: written.sort(), notes };
    };
    const forward = await outcome(['Dockerfile', 'sub/Dockerfile']);
    const backward = await outcome(['sub/Dockerfile', 'Dockerfile']);
    expect(forward).toEqual(backward);
    expect(forward.written).toEqual(['Dockerfile.dockerignore', 'sub/Dockerfile.dockerignore']);
    expect(forward.notes).toHaveLength(2);
  });

  test('--stdin with advice alone is refused: it would run nothing', async () => {
    const run = io();
    expect(await main(['node', 'dslim', 'fix', '--stdin', '--only', 'dockerignore'], run)).toBe(2);
    expect(run.text()).toBe(
      'dslim: `--only dockerignore`: advice is not given with `--stdin`, so this list would leave nothing to run\n',
    );
  });

  test('--format json carries the layer counts', async () => {
    const dockerfile = project({ Dockerfile: lines('FROM alpine AS b', 'RUN a', 'RUN b') });
    const run = io();
    await main(['node', 'dslim', 'fix', '--format', 'json', dockerfile], run);
    const report = JSON.parse(run.text().slice(0, run.text().lastIndexOf('}') + 1));
    expect(report.files[0].layers).toEqual({
      before: [{ stage: 'b', layers: 2 }],
      after: [{ stage: 'b', layers: 1 }],
    });
  });
});
