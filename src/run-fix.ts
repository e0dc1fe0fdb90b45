import { transforms } from '../transforms';
import { advisories } from './advisories';
import {
  runTransforms,
  selectAdvisory,
  selectTransforms,
  type EngineOptions,
  type FixResult,
} from './engine';

export type FixOptions = EngineOptions;

/** Every id `only`, `skip` and inline comments may name. */
const KNOWN = [...transforms, ...advisories].map((t) => t.id);

/**
 * Rewrites one Dockerfile's text with options that are checked already:
 * the command line and the Prettier plugin check their flags and
 * configuration file when they read them, and may then narrow the safety
 * classes to none (format-on-save under a file that asks only for
 * `content`), which the API's `fix` would refuse.
 */
export async function runFix(source: string, options: FixOptions): Promise<FixResult> {
  return runTransforms(
    source,
    {
      transforms: selectTransforms(transforms, options),
      advisory: options.advice === false ? [] : selectAdvisory(transforms, options),
      known: KNOWN,
    },
    options,
  );
}
