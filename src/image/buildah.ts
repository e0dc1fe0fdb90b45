import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { createDebug } from '../debug';

const debug = createDebug('dslim:buildah');

/** What to run when buildah is missing, on the Debian machines dslim's CI uses. */
export const INSTALL_BUILDAH = 'apt-get update && apt-get install -y buildah';

/** Lines of the builder's output kept to explain a failed build. */
const TAIL_LINES = 20;

/**
 * buildah's own storage, kept apart from any other use of buildah so that
 * runs do not disturb each other's images, and cached between runs so base
 * images and unchanged layers are reused. `DSLIM_BUILDAH_ROOT` moves it.
 */
export function storageRoot(env: NodeJS.ProcessEnv): string {
  return env.DSLIM_BUILDAH_ROOT || '/var/tmp/dslim-buildah';
}

/** The global flags that point buildah at dslim's storage (see `storageRoot`). */
export function storageArguments(env: NodeJS.ProcessEnv): string[] {
  const root = storageRoot(env);
  return [
    '--root',
    path.join(root, 'storage'),
    '--runroot',
    path.join(root, 'run'),
    '--storage-driver',
    'vfs',
  ];
}

/**
 * The `buildah` command line that works on dslim's storage, for the user to
 * put a base image there: `… pull IMAGE`, or `… pull docker-archive:FILE`.
 */
export function storageCommand(env: NodeJS.ProcessEnv): string {
  return ['buildah', ...storageArguments(env)].map(shellWord).join(' ');
}

/** What `Buildah.build` is asked to do. */
export interface BuildRequest {
  dockerfile: string;
  context: string;
  tag: string;
  /** Build every step again instead of reusing cached layers. */
  noCache?: boolean;
  /**
   * Let buildah pull an image its storage does not hold (`--pull=missing`);
   * otherwise it never pulls (`--pull=never`), so a build never reaches the
   * network unasked, and both builds of a verify use the same base.
   */
  pull?: boolean;
  onStep?: (step: string) => void;
}

/** The arguments of `buildah bud` for a request, after the storage flags. */
export function buildArguments(request: BuildRequest): string[] {
  return [
    'bud',
    '--isolation',
    'chroot',
    '--layers',
    ...(request.noCache ? ['--no-cache'] : []),
    request.pull ? '--pull=missing' : '--pull=never',
    '-f',
    request.dockerfile,
    '-t',
    request.tag,
    request.context,
  ];
}

/**
 * buildah's errors for an image a build needs and its storage does not
 * hold, under `--pull=never`: a FROM (`creating build container: IMAGE:
 * image not known`), a `COPY --from` or a `RUN --mount` `from=` (`from=IMAGE:
 * no stage or image found with that name`). Under `--pull=missing`, a pull
 * that failed (`initializing source docker://IMAGE: pinging container
 * registry …` with no network) leaves the image missing as well.
 */
const MISSING_IMAGE = [
  /: (\S+): image not known$/,
  /from=([^\s,]+): no stage or image found with that name$/,
  /initializing source docker:\/\/(\S+?): /,
];

/** The image a failed build's last lines say is missing from the storage, or null. */
export function missingImage(tail: string[]): string | null {
  for (const line of [...tail].reverse()) {
    for (const pattern of MISSING_IMAGE) {
      const match = pattern.exec(line.trim());
      if (match) return match[1];
    }
  }
  return null;
}

export interface Buildah {
  /** True when the `buildah` command runs. */
  available(): Promise<boolean>;
  /**
   * Builds a Dockerfile as Docker does (one layer per instruction) and tags
   * the image. `onStep` hears each `STEP n/m: ...` line.
   */
  build(request: BuildRequest): Promise<{ ok: true } | { ok: false; tail: string[] }>;
  /** Writes an image as an OCI image layout directory. */
  exportOci(tag: string, directory: string): Promise<void>;
  exists(tag: string): Promise<boolean>;
  remove(tag: string): Promise<void>;
}

export function createBuildah(env: NodeJS.ProcessEnv): Buildah {
  const root = storageRoot(env);
  const global = storageArguments(env);
  // buildah keeps the caches of `RUN --mount=type=cache` in
  // `$TMPDIR/buildah-cache` (/var/tmp by default), shared by every use of
  // buildah on the machine; here they stay in dslim's storage, as the images do.
  const tmp = path.join(root, 'tmp');
  const childEnv = { ...env, BUILDAH_ISOLATION: 'chroot', TMPDIR: tmp };
  const run = (args: string[], onLine?: (line: string) => void) => {
    mkdirSync(tmp, { recursive: true });
    return runCommand('buildah', [...global, ...args], childEnv, onLine);
  };

  return {
    async available() {
      return (await runCommand('buildah', ['--version'], childEnv)).code === 0;
    },
    async build(request) {
      const tail: string[] = [];
      const result = await run(buildArguments(request), (line) => {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        if (request.onStep && /^STEP \d+\/\d+: /.test(line)) request.onStep(line);
      });
      return result.code === 0 ? { ok: true } : { ok: false, tail };
    },
    async exportOci(tag, directory) {
      const result = await run(['push', tag, `oci:${directory}`]);
      if (result.code !== 0) throw new Error(`buildah push ${tag} failed: ${result.output.trim()}`);
    },
    async exists(tag) {
      return (await run(['inspect', '--type', 'image', tag])).code === 0;
    },
    async remove(tag) {
      await run(['rmi', tag]);
    },
  };
}

/** Runs a command, collecting its output and passing each line to `onLine` as it comes. */
function runCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine?: (line: string) => void,
): Promise<{ code: number; output: string }> {
  debug('%s %s', command, args.join(' '));
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let partial = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine?.(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (error) => resolve({ code: 127, output: error.message }));
    child.on('close', (code) => {
      if (partial) onLine?.(partial);
      resolve({ code: code ?? 1, output });
    });
  });
}

/** A word as a POSIX shell reads it back: quoted only when it has to be. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
