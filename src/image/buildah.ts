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

export interface Buildah {
  /** True when the `buildah` command runs. */
  available(): Promise<boolean>;
  /**
   * Builds a Dockerfile as Docker does (one layer per instruction) and tags
   * the image. `onStep` hears each `STEP n/m: ...` line.
   */
  build(request: {
    dockerfile: string;
    context: string;
    tag: string;
    /** Build every step again instead of reusing cached layers. */
    noCache?: boolean;
    onStep?: (step: string) => void;
  }): Promise<{ ok: true } | { ok: false; tail: string[] }>;
  /** Writes an image as an OCI image layout directory. */
  exportOci(tag: string, directory: string): Promise<void>;
  exists(tag: string): Promise<boolean>;
  remove(tag: string): Promise<void>;
}

export function createBuildah(env: NodeJS.ProcessEnv): Buildah {
  const root = storageRoot(env);
  const global = [
    '--root',
    path.join(root, 'storage'),
    '--runroot',
    path.join(root, 'run'),
    '--storage-driver',
    'vfs',
  ];
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
    async build({ dockerfile, context, tag, noCache, onStep }) {
      const tail: string[] = [];
      const result = await run(
        [
          'bud',
          '--isolation',
          'chroot',
          '--layers',
          ...(noCache ? ['--no-cache'] : []),
          '--pull=never',
          '-f',
          dockerfile,
          '-t',
          tag,
          context,
        ],
        (line) => {
          tail.push(line);
          if (tail.length > TAIL_LINES) tail.shift();
          if (onStep && /^STEP \d+\/\d+: /.test(line)) onStep(line);
        },
      );
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
