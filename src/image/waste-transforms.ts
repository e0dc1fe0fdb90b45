import { keywordOf, type HistoryStep } from './config';

/** Package-manager caches by path, with the transform that keeps each out of the image. */
const CACHE_TRANSFORMS: { pattern: RegExp; transform: string; what: string }[] = [
  { pattern: /^\/var\/lib\/apt\/lists\//, transform: 'clean-apt-lists', what: 'apt package lists' },
  { pattern: /^\/var\/cache\/apk\//, transform: 'apk-no-cache', what: 'apk cache' },
  { pattern: /^\/var\/cache\/(yum|dnf)\//, transform: 'clean-yum-cache', what: 'yum/dnf cache' },
  { pattern: /\/\.cache\/pip\//, transform: 'pip-no-cache', what: 'pip cache' },
  {
    pattern: /\/(\.npm|\.cache\/yarn|\.yarn-cache|\.cache\/node)\//,
    transform: 'clean-node-cache',
    what: 'npm/yarn cache',
  },
  {
    pattern: /\/(\.cache\/go-build|go\/pkg\/mod)\//,
    transform: 'clean-go-cache',
    what: 'Go build/module cache',
  },
];

/** A `make install` (with anything between) in a RUN's script. */
const MAKE_INSTALL = /\bmake\b[^;&|\n]*\binstall\b/;

/** The transform that avoids a cache file, when the path is a known cache. */
export function cacheTransform(path: string): { transform: string; what: string } | null {
  return CACHE_TRANSFORMS.find((c) => c.pattern.test(path)) ?? null;
}

/**
 * The transform that removes one kind of waste, from the steps that wrote
 * and removed the file:
 * - a package cache, wherever it is removed: that manager's cache transform;
 * - RUN, deleted by a later RUN with only RUNs between: `merge-runs`;
 * - RUN, deleted by a RUN after some other step: `delete-in-creating-layer`;
 * - COPY/ADD, deleted by a RUN that runs `make install`: `extract-install-stage`;
 * - COPY/ADD, deleted by any other RUN: `mount-consumed-copy`.
 * Anything else (an overwrite, a deletion by COPY) has no transform: null.
 */
export function wasteTransform(
  path: string,
  how: 'deleted' | 'overwritten',
  history: HistoryStep[],
  writer: number,
  remover: number,
): string | null {
  const cache = cacheTransform(path);
  if (cache) return cache.transform;
  if (how !== 'deleted' || writer < 0 || remover < 0 || keywordOf(history[remover]) !== 'RUN')
    return null;
  switch (keywordOf(history[writer])) {
    case 'RUN':
      return history.slice(writer, remover + 1).every((step) => keywordOf(step) === 'RUN')
        ? 'merge-runs'
        : 'delete-in-creating-layer';
    case 'COPY':
    case 'ADD':
      return MAKE_INSTALL.test(history[remover].instruction)
        ? 'extract-install-stage'
        : 'mount-consumed-copy';
    default:
      return null;
  }
}
