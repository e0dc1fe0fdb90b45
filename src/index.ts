import { transforms } from '../transforms';
import {
  runTransforms,
  selectAdvisory,
  selectTransforms,
  type EngineOptions,
  type FixResult,
} from './engine';
import type { Transform } from './types';

export type { Change, EngineOptions, FixResult, Note, Position } from './engine';
export type { StageLayers } from './layers';
export { InputError } from './engine';
export type { Edit, SafetyClass, Transform, TransformOptions } from './types';

export type FixOptions = EngineOptions;

/**
 * Rewrites one Dockerfile's text. The result's `output` is the new text
 * (byte for byte the input when nothing applies), with one entry in
 * `changes` per applied change and in `notes` per case left alone. Rejects
 * with an `InputError` when the text is not a Dockerfile or the options name
 * an unknown transform or safety class.
 */
export async function fix(source: string, options: FixOptions = {}): Promise<FixResult> {
  return runTransforms(
    source,
    selectTransforms(transforms, options),
    options,
    options.advice === false ? [] : selectAdvisory(transforms, options),
  );
}

/** All transforms with their metadata, in the order they run. */
export function listTransforms(): readonly Transform[] {
  return transforms;
}
