import { defaultLoaders, lilconfig, type Loader } from 'lilconfig';
import * as path from 'node:path';
import { InputError } from './engine';
import { describeError, displayPath } from './files';
import type { FixOptions } from './index';
import { checkSettings, type Settings } from './options';
import type { Advisory, SafetyClass, Transform, TransformOptions } from './types';

/** The safety classes format-on-save runs: a save never changes what an image contains. */
export const ON_SAVE: readonly SafetyClass[] = ['layout', 'cache'];

/** The options with their safety classes cut down to those format-on-save runs. */
export function forSave(options: FixOptions): FixOptions {
  const safety = (options.safety ?? ON_SAVE).filter((c) => ON_SAVE.includes(c));
  return { ...options, safety };
}

/** What a configuration file may set; every key is optional. */
export type DslimConfig = Omit<Settings, 'advice'>;

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

/** Checks a loaded value against what dslim understands (see `checkSettings`); throws a ConfigError. */
export function checkConfig(
  value: unknown,
  file: string,
  transforms: readonly Transform[],
  advisories?: readonly Advisory[],
): DslimConfig {
  const fail = (key: string | null, problem: string) => new ConfigError(file, key, problem);
  return checkSettings(value, fail, { transforms, advisories });
}

/**
 * Combines a file's settings with command-line ones: each setting given on
 * the command line replaces the file's; transform options merge per option.
 * A `caches` on the command line also replaces the file's `caches` of each
 * transform, which would otherwise override it.
 */
export function mergeOptions(file: DslimConfig | null, flags: FixOptions): FixOptions {
  const transforms: Record<string, TransformOptions> = {};
  for (const [id, options] of Object.entries(file?.transforms ?? {}))
    transforms[id] = flags.caches ? withoutCaches(options) : options;
  for (const [id, options] of Object.entries(flags.transforms ?? {}))
    transforms[id] = { ...transforms[id], ...options };
  // Naming transforms with --only asks for them, whatever the file skips.
  const kept = file?.skip?.filter((id) => !flags.only?.includes(id));
  return {
    only: flags.only ?? file?.only,
    skip: flags.skip ?? (kept?.length ? kept : undefined),
    safety: flags.safety ?? file?.safety,
    caches: flags.caches ?? file?.caches,
    transforms,
  };
}

function withoutCaches(options: TransformOptions): TransformOptions {
  return Object.fromEntries(Object.entries(options).filter(([name]) => name !== 'caches'));
}
