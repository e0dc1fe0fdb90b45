import { defaultLoaders, lilconfig, type Loader } from 'lilconfig';
import * as path from 'node:path';
import { CACHE_MODES, type CacheMode } from './cache-mounts';
import { InputError } from './engine';
import { describeError, displayPath } from './files';
import type { FixOptions } from './index';
import { SAFETY_CLASSES, type SafetyClass, type Transform, type TransformOptions } from './types';

/** The safety classes format-on-save runs: a save never changes what an image contains. */
export const ON_SAVE: readonly SafetyClass[] = ['layout', 'cache'];

/** The options with their safety classes cut down to those format-on-save runs. */
export function forSave(options: FixOptions): FixOptions {
  const safety = (options.safety ?? ON_SAVE).filter((c) => ON_SAVE.includes(c));
  return { ...options, safety };
}

/** What a configuration file may set; every key is optional. */
export interface DslimConfig {
  only?: string[];
  skip?: string[];
  safety?: SafetyClass[];
  /** The `caches` option of every cache transform: `clean` or `mount`. */
  caches?: CacheMode;
  /** Options per transform id, e.g. `{ "merge-runs": { "strategy": "..." } }`. */
  transforms?: Record<string, TransformOptions>;
}

/** Where dslim looks in each folder, first match wins. */
export const CONFIG_FILES = [
  'package.json',
  '.dslimrc',
  '.dslimrc.json',
  '.dslimrc.yaml',
  '.dslimrc.yml',
  '.dslimrc.js',
  '.dslimrc.cjs',
  '.dslimrc.mjs',
  'dslim.config.js',
  'dslim.config.cjs',
  'dslim.config.mjs',
];

const KEYS = ['only', 'skip', 'safety', 'caches', 'transforms'];
/** As the command line says of `--only ''`: an empty list would leave nothing to run. */
const EMPTY_LIST = 'needs at least one value (it was given an empty list)';

/** A configuration file that cannot be used: names the file and the key. */
export class ConfigError extends InputError {
  constructor(
    readonly file: string,
    readonly key: string | null,
    readonly problem: string,
  ) {
    super(`${displayPath(file)}: ${key === null ? '' : `"${key}": `}${problem}`);
  }
}

/** A found and checked configuration, or null when no file applies. */
export interface LoadedConfig {
  file: string;
  config: DslimConfig;
}

/**
 * Finds the configuration for files in a folder by searching it and its
 * parents. Each folder is searched once per loader, so many Dockerfiles in
 * one tree cost one search.
 */
export function createConfigLoader(
  transforms: readonly Transform[],
): (folder: string) => Promise<LoadedConfig | null> {
  // Loaded on first use: YAML is the largest module, and most runs find no config.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yamlLoader: Loader = (file, content) =>
    (require('yaml') as typeof import('yaml')).parse(content);
  const searcher = lilconfig('dslim', {
    searchPlaces: CONFIG_FILES,
    loaders: {
      '.json': readable(defaultLoaders['.json']),
      '.yaml': readable(yamlLoader),
      '.yml': readable(yamlLoader),
      noExt: readable(yamlLoader),
      '.js': readable(defaultLoaders['.js']),
      '.cjs': readable(defaultLoaders['.cjs']),
      '.mjs': readable(defaultLoaders['.mjs']),
    },
  });
  return async (folder) => {
    const found = await searcher.search(folder).catch((error: NodeJS.ErrnoException) => {
      // lilconfig reads each candidate it finds; one it cannot read (a directory) stops the search.
      if (!error.code) throw error;
      const problem = `a configuration file here could not be read: ${describeError(error)}`;
      throw new ConfigError(error.path ?? folder, null, problem);
    });
    if (!found || found.isEmpty) return null;
    return { file: found.filepath, config: checkConfig(found.config, found.filepath, transforms) };
  };
}

/** Wraps a loader so a syntax error names the file. */
function readable(loader: Loader): Loader {
  return async (file, content) => {
    try {
      return await loader(file, content);
    } catch (error) {
      // Parsers explain over several lines; the first says what is wrong.
      const reason = (error as Error).message.split('\n')[0].trim();
      throw new ConfigError(file, null, `cannot be read: ${reason}`);
    }
  };
}

/** Checks a loaded value against what dslim understands; throws a ConfigError. */
export function checkConfig(
  value: unknown,
  file: string,
  transforms: readonly Transform[],
): DslimConfig {
  const fail = (key: string | null, problem: string) => new ConfigError(file, key, problem);
  if (!isRecord(value)) throw fail(null, 'must hold an object of settings');
  const unknown = Object.keys(value).find((k) => !KEYS.includes(k));
  if (unknown !== undefined) throw fail(unknown, `unknown key (use ${KEYS.join(', ')})`);

  const ids = new Set(transforms.map((t) => t.id));
  const config: DslimConfig = {};
  for (const key of ['only', 'skip'] as const) {
    if (value[key] === undefined) continue;
    const list = stringList(value[key]);
    if (!list) throw fail(key, 'must be a list of transform ids');
    if (list.length === 0) throw fail(key, EMPTY_LIST);
    const bad = list.find((id) => !ids.has(id));
    if (bad !== undefined) throw fail(key, `unknown transform "${bad}" (see \`dslim list\`)`);
    config[key] = list;
  }
  // As `--only` and `--skip` on the command line: an id in both is a contradiction.
  const both = config.only?.find((id) => config.skip?.includes(id));
  if (both !== undefined) throw fail('skip', `"${both}" is given to both "only" and "skip"`);
  if (value.safety !== undefined) {
    const list = stringList(value.safety);
    if (!list) throw fail('safety', `must be a list of classes (${SAFETY_CLASSES.join(', ')})`);
    if (list.length === 0) throw fail('safety', EMPTY_LIST);
    const bad = list.find((c) => !SAFETY_CLASSES.includes(c as SafetyClass));
    if (bad !== undefined)
      throw fail('safety', `unknown class "${bad}" (use ${SAFETY_CLASSES.join(', ')})`);
    config.safety = list as SafetyClass[];
  }
  if (value.caches !== undefined) {
    if (!CACHE_MODES.includes(value.caches as CacheMode))
      throw fail('caches', `must be one of ${CACHE_MODES.join(', ')}`);
    config.caches = value.caches as CacheMode;
  }
  if (value.transforms !== undefined) {
    config.transforms = checkTransformOptions(value.transforms, transforms, fail);
  }
  return config;
}

function checkTransformOptions(
  value: unknown,
  transforms: readonly Transform[],
  fail: (key: string, problem: string) => ConfigError,
): Record<string, TransformOptions> {
  if (!isRecord(value)) throw fail('transforms', 'must map transform ids to their options');
  const result: Record<string, TransformOptions> = {};
  for (const [id, options] of Object.entries(value)) {
    const key = `transforms.${id}`;
    const transform = transforms.find((t) => t.id === id);
    if (!transform) throw fail(key, `unknown transform "${id}" (see \`dslim list\`)`);
    if (!isRecord(options)) throw fail(key, 'must map option names to values');
    for (const [name, setting] of Object.entries(options)) {
      const spec = transform.options[name];
      const known = Object.keys(transform.options);
      if (!spec) {
        throw fail(
          `${key}.${name}`,
          known.length > 0
            ? `unknown option (use ${known.join(', ')})`
            : `unknown option (\`${id}\` has none)`,
        );
      }
      if (typeof setting !== typeof spec.default)
        throw fail(`${key}.${name}`, `must be a ${typeof spec.default}`);
      if (spec.choices && !spec.choices.includes(setting as string))
        throw fail(`${key}.${name}`, `"${setting}" is not one of ${spec.choices.join(', ')}`);
    }
    result[id] = options as TransformOptions;
  }
  return result;
}

/**
 * Combines a file's settings with command-line ones: each setting given on
 * the command line replaces the file's; transform options merge per option.
 * A `caches` on the command line also replaces the file's `caches` of each
 * transform, which would otherwise override it.
 */
export function mergeOptions(file: DslimConfig | null, flags: FixOptions): FixOptions {
  const transformOptions: Record<string, TransformOptions> = {};
  for (const [id, options] of Object.entries(file?.transforms ?? {}))
    transformOptions[id] = flags.caches ? withoutCaches(options) : options;
  for (const [id, options] of Object.entries(flags.transformOptions ?? {}))
    transformOptions[id] = { ...transformOptions[id], ...options };
  // Naming transforms with --only asks for them, whatever the file skips.
  const skip = flags.skip ?? file?.skip?.filter((id) => !flags.only?.includes(id));
  return {
    only: flags.only ?? file?.only,
    skip,
    safety: flags.safety ?? file?.safety,
    caches: flags.caches ?? file?.caches,
    transformOptions,
  };
}

function withoutCaches(options: TransformOptions): TransformOptions {
  return Object.fromEntries(Object.entries(options).filter(([name]) => name !== 'caches'));
}

/** A list, or a comma-separated string, without its empty items (as the flags read it). */
function stringList(value: unknown): string[] | null {
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items) || !items.every((v) => typeof v === 'string')) return null;
  return items.map((v) => v.trim()).filter(Boolean);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
