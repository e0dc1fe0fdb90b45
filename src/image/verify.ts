import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError, type Change } from '../engine';
import { readDockerfile } from '../files';
import type { FixOptions } from '../index';
import { runFix } from '../run-fix';
import { cachedMountHazard, cachedMountReason } from './build-cache';
import { missingImage, type Buildah } from './buildah';
import { compareImages, type Comparison } from './compare';
import { readImage } from './read';

export type Variant = 'original' | 'rewritten';

/** A Dockerfile verify built without the layer cache, and why. */
export interface UncachedBuild {
  variant: Variant;
  reason: string;
}

export type VerifyOutcome =
  | { kind: 'unchanged' }
  | { kind: 'missing-builder' }
  | {
      kind: 'build-failed';
      variant: Variant;
      tail: string[];
      /** The image the builder's storage lacks, when that is why it failed. */
      missingImage: string | null;
      uncached: UncachedBuild[];
    }
  | { kind: 'compared'; changes: Change[]; comparison: Comparison; uncached: UncachedBuild[] };

export interface VerifyRequest {
  dockerfile: string;
  /** Build context; the Dockerfile's directory when not given. */
  context?: string;
  buildah: Buildah;
  fixOptions?: FixOptions;
  /** Let the builder pull images its storage lacks (see `BuildRequest.pull`). */
  pull?: boolean;
  onProgress?: (variant: Variant, step: string) => void;
}

/**
 * Builds a Dockerfile and its rewrite with a real builder and compares the
 * two images: sizes, final filesystems and run configs. A Dockerfile with a
 * `RUN --mount=…,from=` is built without the layer cache, which buildah
 * gets wrong for it (see `cachedMountHazard`).
 */
export async function verifyDockerfile(request: VerifyRequest): Promise<VerifyOutcome> {
  const { dockerfile, buildah } = request;
  const read = await readDockerfile(dockerfile);
  if ('problem' in read) throw new InputError(`${dockerfile}: ${read.problem}`);
  const context = request.context ?? path.dirname(dockerfile);
  const contextStat = await fs.stat(context).catch(() => null);
  if (!contextStat?.isDirectory())
    throw new InputError(`${context}: the build context is not a directory`);

  const result = await runFix(read.text, request.fixOptions ?? {}).catch((error: Error) => {
    // The options were checked when they were read, so what the engine refuses is this file's text.
    if (!(error instanceof InputError)) throw error;
    throw new InputError(`${dockerfile}: ${error.message}`);
  });
  if (!result.changed) return { kind: 'unchanged' };
  if (!(await buildah.available())) return { kind: 'missing-builder' };

  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'dslim-verify-'));
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tags = {
    original: `localhost/dslim-verify-original:${suffix}`,
    rewritten: `localhost/dslim-verify-rewritten:${suffix}`,
  };
  try {
    const rewrittenFile = path.join(work, 'Dockerfile.rewritten');
    await fs.writeFile(rewrittenFile, result.output);
    const files = { original: path.resolve(dockerfile), rewritten: rewrittenFile };
    const texts = { original: read.text, rewritten: result.output };
    const images = [];
    const uncached: UncachedBuild[] = [];
    for (const variant of ['original', 'rewritten'] as const) {
      const hazard = cachedMountHazard(texts[variant]);
      const of = variant === 'rewritten' ? 'the rewrite' : undefined;
      if (hazard) uncached.push({ variant, reason: cachedMountReason(hazard, of) });
      const built = await buildah.build({
        dockerfile: files[variant],
        context,
        tag: tags[variant],
        noCache: hazard !== null,
        pull: request.pull,
        onStep: (step) => request.onProgress?.(variant, step),
      });
      if (!built.ok)
        return {
          kind: 'build-failed',
          variant,
          tail: built.tail,
          missingImage: missingImage(built.tail),
          uncached,
        };
      const exported = path.join(work, variant);
      await buildah.exportOci(tags[variant], exported);
      images.push(await readImage(exported));
    }
    return {
      kind: 'compared',
      changes: result.changes,
      comparison: compareImages(images[0], images[1]),
      uncached,
    };
  } finally {
    for (const tag of Object.values(tags)) await buildah.remove(tag);
    await fs.rm(work, { recursive: true, force: true });
  }
}
