import { transforms } from '../transforms';
import { advisories } from './advisories';
import { InputError, type FixResult } from './engine';
import { API_KEYS, checkSettings } from './options';
import { runFix, type FixOptions } from './run-fix';
import type { Advisory, Transform } from './types';

export type { Change, EngineOptions, FixResult, Note, Position } from './engine';
export type { StageLayers } from './layers';
export { InputError } from './engine';
export type { FixOptions } from './run-fix';
export type { Advisory, Edit, SafetyClass, Transform, TransformOptions } from './types';

/**
 * Rewrites one Dockerfile's text. The result's `output` is the new text
 * (byte for byte the input when nothing applies), with one entry in
 * `changes` per applied change and in `notes` per case left alone. The
 * options are a configuration file's (`only`, `skip`, `safety`, `caches`,
 * `transforms`) and `advice`, checked as that file is: rejects with an
 * `InputError` for anything else, and when the text is not a Dockerfile.
 */
export async function fix(source: string, options: FixOptions = {}): Promise<FixResult> {
  if (typeof source !== 'string')
    throw new InputError(`the Dockerfile must be given as text, a string (got ${kindOf(source)})`);
  const fail = (key: string | null, problem: string) =>
    new InputError(key === null ? `fix options ${problem}` : `fix option "${key}": ${problem}`);
  const settings = checkSettings(options, fail, { transforms, advisories }, API_KEYS);
  // Advice looks at the folders around a file, which the API has not: a list
  // of advice alone would run nothing, as an empty list would.
  if (settings.only?.every((id) => advisories.some((a) => a.id === id)))
    throw fail(
      'only',
      'advice is not given through the API, so this list would leave nothing to run',
    );
  return runFix(source, settings);
}

/** All transforms with their metadata, in the order they run. */
export function listTransforms(): readonly Transform[] {
  return transforms;
}

/**
 * All advice with its metadata: checks that only report, as notes, and
 * change nothing in the Dockerfile. `dslim fix` on files runs them; `fix`
 * here does not, since they read the files around a Dockerfile.
 */
export function listAdvisories(): readonly Advisory[] {
  return advisories;
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
