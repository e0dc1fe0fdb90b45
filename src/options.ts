/**
 * The one check of the settings that choose what dslim runs, whoever gives
 * them: a configuration file, the options of the API's `fix`, or the
 * command line's `--only` and `--skip`. Each caller says how a problem is
 * reported (a `ConfigError` naming the file, an `InputError` naming the
 * option), so the rules and their words are the same everywhere.
 */
import { advisories as ALL_ADVICE } from './advisories';
import { CACHE_MODES, type CacheMode } from './cache-mounts';
import type { EngineOptions } from './engine';
import {
  SAFETY_CLASSES,
  type Advisory,
  type SafetyClass,
  type Transform,
  type TransformOptions,
} from './types';

/** What a configuration file may set (all but `advice`), and the API's `fix` takes. */
export type Settings = EngineOptions;

/** The keys of a configuration file. */
export const SETTING_KEYS = ['only', 'skip', 'safety', 'caches', 'transforms'] as const;
/** The keys the API takes: a configuration file's, and `advice`. */
export const API_KEYS = [...SETTING_KEYS, 'advice'] as const;

/** As the command line says of `--only ''`: an empty list would leave nothing to run. */
const EMPTY_LIST = 'needs at least one value (it was given an empty list)';

/** Makes the error for a problem with one key (null: with the whole value). */
export type Fail = (key: string | null, problem: string) => Error;

/** What dslim has: the ids `only` and `skip` may name, and the options `transforms` may set. */
export interface Catalog {
  transforms: readonly Transform[];
  advisories?: readonly Advisory[];
}

/**
 * Checks settings against what dslim understands and gives them back with
 * lists in one form (a comma-separated string becomes a list); throws what
 * `fail` makes for the first problem. `keys` are those the caller takes.
 */
export function checkSettings(
  value: unknown,
  fail: Fail,
  catalog: Catalog,
  keys: readonly string[] = SETTING_KEYS,
): Settings {
  if (!isRecord(value)) throw fail(null, 'must hold an object of settings');
  const unknown = Object.keys(value).find((k) => !keys.includes(k));
  if (unknown !== undefined) throw fail(unknown, unknownKey(unknown, keys, catalog.transforms));

  const advisories = catalog.advisories ?? ALL_ADVICE;
  const ids = new Set([...catalog.transforms, ...advisories].map((t) => t.id));
  const settings: Settings = {};
  for (const key of ['only', 'skip'] as const) {
    if (value[key] === undefined) continue;
    const list = stringList(value[key]);
    if (!list) throw fail(key, 'must be a list of transform ids');
    if (list.length === 0) throw fail(key, EMPTY_LIST);
    const bad = list.find((id) => !ids.has(id));
    if (bad !== undefined) throw fail(key, `unknown transform "${bad}" (see \`dslim list\`)`);
    settings[key] = list;
  }
  // As `--only` and `--skip` on the command line: an id in both is a contradiction.
  const both = settings.only?.find((id) => settings.skip?.includes(id));
  if (both !== undefined) throw fail('skip', `"${both}" is given to both "only" and "skip"`);
  if (value.safety !== undefined) {
    const list = stringList(value.safety);
    if (!list) throw fail('safety', `must be a list of classes (${SAFETY_CLASSES.join(', ')})`);
    if (list.length === 0) throw fail('safety', EMPTY_LIST);
    const bad = list.find((c) => !SAFETY_CLASSES.includes(c as SafetyClass));
    if (bad !== undefined)
      throw fail('safety', `unknown class "${bad}" (use ${SAFETY_CLASSES.join(', ')})`);
    settings.safety = list as SafetyClass[];
  }
  if (value.caches !== undefined) {
    if (!CACHE_MODES.includes(value.caches as CacheMode))
      throw fail('caches', `must be one of ${CACHE_MODES.join(', ')}`);
    settings.caches = value.caches as CacheMode;
  }
  if (value.transforms !== undefined)
    settings.transforms = checkTransformOptions(value.transforms, catalog, fail);
  if (value.advice !== undefined) {
    if (typeof value.advice !== 'boolean') throw fail('advice', 'must be a boolean');
    settings.advice = value.advice;
  }
  return settings;
}

/**
 * The problem with a key no caller takes, with a hint when it looks like
 * something dslim has under another name: the per-transform options (which
 * the API took as `transformOptions` before it took a configuration
 * file's keys), or one transform's option given at the top level.
 */
function unknownKey(
  key: string,
  keys: readonly string[],
  transforms: readonly Transform[],
): string {
  const problem = `unknown key (use ${keys.join(', ')})`;
  if (key === 'transformOptions')
    return `${problem}: options per transform go under "transforms", as in a configuration file`;
  const owner = transforms.find((t) => key in t.options);
  if (!owner) return problem;
  return `${problem}: "${key}" is an option of ${owner.id}, so it goes under "transforms": { "${owner.id}": { "${key}": … } }`;
}

function checkTransformOptions(
  value: unknown,
  { transforms }: Catalog,
  fail: Fail,
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

/** A list, or a comma-separated string, without its empty items (as the flags read it). */
function stringList(value: unknown): string[] | null {
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items) || !items.every((v) => typeof v === 'string')) return null;
  return items.map((v) => v.trim()).filter(Boolean);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
