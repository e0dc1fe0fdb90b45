import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Buildah } from '../../src/image/buildah';

/** The base every e2e case builds FROM: busybox and GNU make, made from this machine's files. */
export const BASE_IMAGE = 'localhost/dslim-e2e-base:1';

const BUSYBOX = '/bin/busybox';
const MAKE = '/usr/bin/make';

/**
 * Builds the base image unless the e2e storage already holds it. No registry
 * is reachable, so it is assembled from the static busybox of the Debian
 * package `busybox-static` and the host's `make` with the libraries it loads.
 */
export async function ensureBaseImage(buildah: Buildah): Promise<void> {
  if (await buildah.exists(BASE_IMAGE)) return;
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'dslim-e2e-base-'));
  try {
    const rootfs = path.join(work, 'rootfs');
    await assembleRootfs(rootfs);
    await fs.writeFile(
      path.join(work, 'Dockerfile'),
      'FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nCMD ["/bin/sh"]\n',
    );
    const built = await buildah.build({
      dockerfile: path.join(work, 'Dockerfile'),
      context: work,
      tag: BASE_IMAGE,
    });
    if (!built.ok) throw new Error(`the e2e base image failed to build:\n${built.tail.join('\n')}`);
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

async function assembleRootfs(rootfs: string): Promise<void> {
  await fs.access(BUSYBOX).catch(() => {
    throw new Error(`${BUSYBOX} is missing; install it with: apt-get install -y busybox-static`);
  });
  for (const dir of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'root', 'tmp'])
    await fs.mkdir(path.join(rootfs, dir), { recursive: true });
  await fs.chmod(path.join(rootfs, 'tmp'), 0o1777);
  await fs.copyFile(BUSYBOX, path.join(rootfs, 'bin/busybox'));
  const applets = execFileSync(BUSYBOX, ['--list-full'], { encoding: 'utf8' }).split('\n');
  for (const applet of applets.filter(Boolean)) {
    const link = path.join(rootfs, applet);
    await fs.mkdir(path.dirname(link), { recursive: true });
    await fs.symlink('/bin/busybox', link).catch(() => undefined);
  }

  for (const file of [MAKE, ...sharedLibraries(MAKE)]) {
    const target = path.join(rootfs, file);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.copyFile(await fs.realpath(file), target);
    await fs.chmod(target, 0o755);
  }
  await fs.writeFile(path.join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await fs.writeFile(path.join(rootfs, 'etc/group'), 'root:x:0:\n');
}

/** The absolute paths `ldd` lists for a binary (its libraries and the loader). */
function sharedLibraries(binary: string): string[] {
  const listing = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...listing.matchAll(/(\/\S+)/g)].map((m) => m[1]).filter((p) => p !== binary);
}
