import type { RunConfig } from './config';
import type { FinalFile } from './filesystem';
import { totalBytes, type Image } from './read';

/** Paths the builder writes into every container, whatever the Dockerfile says. */
export const IGNORED_PATHS = [
  '/proc',
  '/sys',
  '/dev',
  '/etc/hosts',
  '/etc/hostname',
  '/etc/resolv.conf',
];

/** The target of a `--mount` flag as a build history records it. */
const MOUNT_TARGET = /--mount=\S*?\b(?:target|dst|destination)=([^,\s]+)/g;

const COMPARED_FIELDS = ['type', 'mode', 'uid', 'gid', 'linkTarget', 'sha256'] as const;

export interface FileDifference {
  path: string;
  /** `original`/`rewritten`: only that image has the path; `changed`: both, unlike. */
  kind: 'original' | 'rewritten' | 'changed';
  /** For `changed`: the fields that differ, each as original → rewritten. */
  fields?: { field: string; original: unknown; rewritten: unknown }[];
}

export interface ConfigDifference {
  field: keyof RunConfig;
  original: unknown;
  rewritten: unknown;
}

export interface SizeSummary {
  bytes: number;
  layers: number;
}

/** How two builds of the same Dockerfile, before and after rewriting, compare. */
export interface Comparison {
  original: SizeSummary;
  rewritten: SizeSummary;
  /** Positive when the rewritten image is smaller. */
  bytesSaved: number;
  files: FileDifference[];
  /**
   * Empty directories that only one image has and that the builder itself
   * makes for a step: the WORKDIR it runs in, `/run` where it mounts its own
   * files into a RUN, a `RUN --mount` target and the directories above it.
   * A rewrite that runs fewer steps, or other ones, can leave one out.
   * Reported, not counted as a difference.
   */
  builderDirectories: FileDifference[];
  config: ConfigDifference[];
  /** Same files and same config. */
  same: boolean;
}

/** Compares the final filesystems, configs and sizes of two images. */
export function compareImages(original: Image, rewritten: Image): Comparison {
  const made = new Set([...builderPaths(original), ...builderPaths(rewritten)]);
  const files: FileDifference[] = [];
  const builderDirectories: FileDifference[] = [];
  const paths = new Set([...original.files.keys(), ...rewritten.files.keys()]);
  for (const path of [...paths].sort()) {
    if (isIgnored(path)) continue;
    const before = original.files.get(path);
    const after = rewritten.files.get(path);
    if (before && after) {
      const fields = COMPARED_FIELDS.filter((f) => before[f] !== after[f]).map((field) => ({
        field,
        original: before[field],
        rewritten: after[field],
      }));
      if (fields.length > 0) files.push({ path, kind: 'changed', fields });
      continue;
    }
    const [present, image] = before ? [before, original] : [after!, rewritten];
    const difference: FileDifference = { path, kind: before ? 'original' : 'rewritten' };
    if (made.has(path) && isEmptyDirectory(present, image, made))
      builderDirectories.push(difference);
    else files.push(difference);
  }

  const config = (Object.keys(original.config) as (keyof RunConfig)[])
    .filter((field) => !sameValue(original.config[field], rewritten.config[field]))
    .map((field) => ({
      field,
      original: original.config[field],
      rewritten: rewritten.config[field],
    }));

  const originalBytes = totalBytes(original);
  const rewrittenBytes = totalBytes(rewritten);
  return {
    original: { bytes: originalBytes, layers: original.layers.length },
    rewritten: { bytes: rewrittenBytes, layers: rewritten.layers.length },
    bytesSaved: originalBytes - rewrittenBytes,
    files,
    builderDirectories,
    config,
    same: files.length === 0 && config.length === 0,
  };
}

function isIgnored(path: string): boolean {
  return IGNORED_PATHS.some((ignored) => path === ignored || path.startsWith(ignored + '/'));
}

/** Where the builder runs a RUN, the builder's own mount point `/run`, and each RUN's mount targets. */
function builderPaths(image: Image): string[] {
  const paths = ['/run'];
  for (const { instruction } of image.history) {
    const workdir = /^WORKDIR\s+(\S+)/.exec(instruction)?.[1];
    if (workdir?.startsWith('/')) paths.push(workdir.replace(/\/+$/, '') || '/');
    for (const [, target] of instruction.matchAll(MOUNT_TARGET)) {
      for (let dir = target.replace(/\/+$/, ''); dir.startsWith('/') && dir !== '';) {
        paths.push(dir);
        dir = dir.slice(0, dir.lastIndexOf('/'));
      }
    }
  }
  return paths;
}

/** A directory that holds nothing but directories the builder made, themselves empty so. */
function isEmptyDirectory(file: FinalFile, image: Image, made: Set<string>): boolean {
  if (file.type !== 'directory') return false;
  const prefix = file.path + '/';
  for (const [path, inside] of image.files) {
    if (path.startsWith(prefix) && (inside.type !== 'directory' || !made.has(path))) return false;
  }
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value) || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)));
}
