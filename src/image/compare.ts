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
   * Empty directories that only one image has and that a WORKDIR names:
   * the builder creates them when a step runs in them, so a rewrite that
   * runs fewer steps can leave one out. Reported, not counted as a difference.
   */
  workdirDirectories: FileDifference[];
  config: ConfigDifference[];
  /** Same files and same config. */
  same: boolean;
}

/** Compares the final filesystems, configs and sizes of two images. */
export function compareImages(original: Image, rewritten: Image): Comparison {
  const workdirs = new Set([...workdirPaths(original), ...workdirPaths(rewritten)]);
  const files: FileDifference[] = [];
  const workdirDirectories: FileDifference[] = [];
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
    if (workdirs.has(path) && isEmptyDirectory(present, image)) workdirDirectories.push(difference);
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
    workdirDirectories,
    config,
    same: files.length === 0 && config.length === 0,
  };
}

function isIgnored(path: string): boolean {
  return IGNORED_PATHS.some((ignored) => path === ignored || path.startsWith(ignored + '/'));
}

function workdirPaths(image: Image): string[] {
  return image.history
    .map((step) => /^WORKDIR\s+(\S+)/.exec(step.instruction)?.[1])
    .filter((dir): dir is string => dir !== undefined && dir.startsWith('/'))
    .map((dir) => dir.replace(/\/+$/, '') || '/');
}

function isEmptyDirectory(file: FinalFile, image: Image): boolean {
  if (file.type !== 'directory') return false;
  const prefix = file.path + '/';
  for (const path of image.files.keys()) if (path.startsWith(prefix)) return false;
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value) || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)));
}
