import { DockerDocument, type InstructionInfo } from '../document';
import { mountFlags, mountOption } from '../paths';

/** The buildah bugs that make a cached build of a `RUN --mount=…,from=…` wrong. */
export const MOUNT_CACHE_BUGS = 'containers/buildah#4375, #4522';

/** A `RUN --mount` that takes its files from a stage or an image, which buildah's layer cache can get wrong. */
export interface CachedMountHazard {
  /** 1-based line of the RUN (or of the ONBUILD that holds it) in the text checked. */
  line: number;
  /** What the mount's `from=` names, as written. */
  from: string;
  /** True when `from` names a stage of the same file (by name or index). */
  stage: boolean;
}

/**
 * The first `RUN --mount` of a Dockerfile that has a `from=`, or null. The
 * buildah that dslim builds with (1.28) bind-mounts an empty or stale
 * directory for such a mount when the stage it names comes from the layer
 * cache (it warns "couldn't find … on host to bind mount into container";
 * containers/buildah#4375), and reuses the RUN from the cache after
 * what it mounts changed (#4522): a correct Dockerfile then fails to build,
 * or builds from old files. A `from=` that names an image is counted too,
 * as its cache key has the same flaw; a build without the cache costs only
 * time. ONBUILD triggers count, as a later stage built on theirs runs them.
 */
export function cachedMountHazard(text: string): CachedMountHazard | null {
  const doc = new DockerDocument(text);
  for (const instruction of doc.instructions) {
    const run = instruction.keyword === 'ONBUILD' ? doc.trigger(instruction) : instruction;
    if (run?.keyword !== 'RUN') continue;
    const from = mountedFrom(run);
    if (from === null) continue;
    return {
      line: instruction.line + 1,
      from,
      stage: doc.findStage(from, instruction.index) !== undefined,
    };
  }
  return null;
}

/** The `from=` of the RUN's first `--mount` that has one, or null. */
function mountedFrom(run: InstructionInfo): string | null {
  for (const flag of mountFlags(run)) {
    const from = mountOption(flag, 'from');
    if (from) return from;
  }
  return null;
}

/**
 * Why a Dockerfile is built without the layer cache, for the report of
 * `dslim verify`; `of` names the text the line is in when it is not the file
 * the user gave (`the rewrite`).
 */
export function cachedMountReason(hazard: CachedMountHazard, of?: string): string {
  const what = hazard.stage ? `the stage \`${hazard.from}\`` : `\`${hazard.from}\``;
  return (
    `line ${hazard.line}${of ? ` of ${of}` : ''} mounts ${what} with \`RUN --mount=…,from=\`, and buildah 1.28 can ` +
    `mount an empty or stale directory there when it reuses cached layers (${MOUNT_CACHE_BUGS})`
  );
}
